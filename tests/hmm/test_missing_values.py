"""HMMs on sequences with missing observations (NaN), against independent
references: brute-force enumeration of every state path on tiny HMMs, a
Baum-Welch written in numpy with the missing entries' expected statistics,
hmmlearn on sequences whose missing frames are at the end, and Monte-Carlo
checks of impute's draws."""

import itertools
import warnings

import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.stats import multivariate_normal, poisson
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import get_tags

from skgen.hmm import GMMHMM, CategoricalHMM, GaussianHMM, PoissonHMM
from skgen.hmm import _gaussian as gaussian_module

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

COVARIANCE_TYPES = ["full", "diag", "tied", "spherical"]


def dense(covars, covariance_type, k, d):
    covars = np.asarray(covars, dtype=float)
    return {
        "full": lambda: covars,
        "tied": lambda: np.repeat(covars[np.newaxis], k, axis=0),
        "diag": lambda: np.array([np.diag(c) for c in covars]),
        "spherical": lambda: np.array([c * np.eye(d) for c in covars]),
    }[covariance_type]()


def tiny_gaussian(covariance_type, seed=0):
    """A 2-state, 3-feature GaussianHMM with fixed parameters."""
    rng = np.random.RandomState(seed)
    model = GaussianHMM(2, covariance_type=covariance_type, init_params="")
    model.startprob_ = np.array([0.6, 0.4])
    model.transmat_ = np.array([[0.7, 0.3], [0.2, 0.8]])
    model.means_ = np.array([[0.0, 1.0, -1.0], [1.5, -0.5, 0.5]])
    a = rng.normal(size=(2, 3, 3))
    full = a @ np.swapaxes(a, 1, 2) + np.eye(3)
    model.covars_ = {
        "full": full,
        "tied": full[0],
        "diag": np.array([np.diag(c) for c in full]),
        "spherical": np.array([1.3, 0.7]),
    }[covariance_type]
    model.n_features_in_ = 3
    return model


def gappy_rows(seed=0, n=7, d=3):
    """Rows with partly and fully missing frames (the last one missing too)."""
    rng = np.random.RandomState(seed)
    X = rng.normal(0.5, 1.5, (n, d))
    X[1, 0] = np.nan
    X[2] = np.nan
    X[4, [0, 2]] = np.nan
    X[n - 1] = np.nan
    return X


def gaussian_frame_log_prob(x, means, covariances):
    """log N(x_o | state) per state by scipy on the observed block; 0 if none."""
    observed = ~np.isnan(x)
    if not observed.any():
        return np.zeros(len(means))
    return np.array(
        [
            multivariate_normal(mu[observed], cov[np.ix_(observed, observed)]).logpdf(
                x[observed]
            )
            for mu, cov in zip(means, covariances)
        ]
    )


def enumerate_paths(startprob, transmat, log_frame):
    """Every state path's joint log-probability with the frames."""
    n_steps, k = log_frame.shape
    paths = np.array(list(itertools.product(range(k), repeat=n_steps)))
    log_joint = np.log(startprob[paths[:, 0]]) + log_frame[0, paths[:, 0]]
    for t in range(1, n_steps):
        log_joint += (
            np.log(transmat[paths[:, t - 1], paths[:, t]]) + log_frame[t, paths[:, t]]
        )
    return paths, log_joint


def check_against_enumeration(model, X, log_frame):
    paths, log_joint = enumerate_paths(model.startprob_, model.transmat_, log_frame)
    log_lik = logsumexp(log_joint)
    weights = np.exp(log_joint - log_lik)
    posteriors = np.array(
        [np.bincount(paths[:, t], weights, minlength=2) for t in range(X.shape[0])]
    )
    np.testing.assert_allclose(model.score_samples(X).sum(), log_lik, rtol=1e-12)
    np.testing.assert_allclose(model.predict_proba(X), posteriors, atol=1e-12)
    log_prob, states = model.decode(X)
    np.testing.assert_allclose(log_prob, log_joint.max(), rtol=1e-12)
    np.testing.assert_array_equal(states, paths[np.argmax(log_joint)])
    np.testing.assert_array_equal(model.predict(X), paths[np.argmax(log_joint)])


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_gaussian_against_enumeration_of_paths(covariance_type):
    model = tiny_gaussian(covariance_type)
    X = gappy_rows()
    covariances = dense(model._covars_, covariance_type, 2, 3)
    log_frame = np.array(
        [gaussian_frame_log_prob(x, model.means_, covariances) for x in X]
    )
    check_against_enumeration(model, X, log_frame)
    # A fully missing frame scores exactly 0 in every state.
    np.testing.assert_array_equal(model._emission_log_likelihood(X)[[2, 6]], 0.0)


def test_poisson_and_categorical_against_enumeration_of_paths():
    X = np.array([[2, 5], [np.nan, 1], [np.nan, np.nan], [0, np.nan], [4, 3]])
    model = PoissonHMM(2, init_params="")
    model.startprob_ = np.array([0.3, 0.7])
    model.transmat_ = np.array([[0.9, 0.1], [0.4, 0.6]])
    model.lambdas_ = np.array([[1.0, 4.0], [3.0, 1.5]])
    model.n_features_in_ = 2
    log_frame = np.array(
        [
            [
                np.nansum(np.where(np.isnan(x), 0.0, poisson(lam).logpmf(x)))
                for lam in model.lambdas_
            ]
            for x in X
        ]
    )
    check_against_enumeration(model, X, log_frame)

    S = np.array([[0, 1], [2, np.nan], [np.nan, np.nan], [1, 0], [np.nan, 1], [2, 2]])
    model = CategoricalHMM(2, init_params="")
    model.startprob_ = np.array([0.5, 0.5])
    model.transmat_ = np.array([[0.8, 0.2], [0.3, 0.7]])
    model.emissionprob_ = np.array(
        [[[0.5, 0.3, 0.2], [0.1, 0.6, 0.3]], [[0.2, 0.2, 0.6], [0.4, 0.4, 0.2]]]
    )
    model.n_features_in_ = 2
    probs = model.emissionprob_
    log_frame = np.array(
        [
            [
                sum(np.log(probs[k, f, int(s)]) for f, s in enumerate(x) if s == s)
                for k in range(2)
            ]
            for x in S
        ]
    )
    check_against_enumeration(model, S, log_frame)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_gmmhmm_frame_log_prob_is_the_mixture_of_observed_marginals(covariance_type):
    rng = np.random.RandomState(0)
    X = gappy_rows(seed=1, n=30)
    model = GMMHMM(2, n_mix=2, covariance_type=covariance_type, random_state=0)
    model.fit(np.nan_to_num(X, nan=0.5) + rng.normal(0, 0.1, X.shape))
    covariances = model._dense_covariances()
    means = model.means_.reshape(4, 3)
    weights = model.weights_.ravel()
    expected = np.array(
        [
            logsumexp(
                (
                    np.log(weights) + gaussian_frame_log_prob(x, means, covariances)
                ).reshape(2, 2),
                axis=1,
            )
            for x in X
        ]
    )
    expected[np.isnan(X).all(axis=1)] = 0.0
    log_prob = model._emission_log_likelihood(X)
    np.testing.assert_allclose(log_prob, expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(log_prob[np.isnan(X).all(axis=1)], 0.0)


# -- Baum-Welch against a numpy reference with expected statistics -------------


def forward_backward(startprob, transmat, log_frame):
    """Posteriors, expected transitions and log-likelihood in log space."""
    n_steps, k = log_frame.shape
    log_a = np.log(transmat)
    alpha = np.empty((n_steps, k))
    beta = np.zeros((n_steps, k))
    alpha[0] = np.log(startprob) + log_frame[0]
    for t in range(1, n_steps):
        alpha[t] = logsumexp(alpha[t - 1][:, None] + log_a, axis=0) + log_frame[t]
    for t in range(n_steps - 2, -1, -1):
        beta[t] = logsumexp(log_a + log_frame[t + 1] + beta[t + 1], axis=1)
    log_lik = logsumexp(alpha[-1])
    gamma = np.exp(alpha + beta - log_lik)
    xi = np.zeros((k, k))
    for t in range(n_steps - 1):
        xi += np.exp(
            alpha[t][:, None] + log_a + log_frame[t + 1] + beta[t + 1] - log_lik
        )
    return gamma, xi, log_lik


def reference_baum_welch(X, lengths, start, log_frame_fn, m_step, n_iter):
    """``n_iter`` EM iterations; ``m_step(gammas, params) -> emission params``."""
    params = {name: np.copy(value) for name, value in start.items()}
    bounds = np.concatenate([[0], np.cumsum(lengths)])
    history = []
    for _ in range(n_iter):
        log_frame = log_frame_fn(X, params)
        gamma = np.empty_like(log_frame)
        start_counts, trans_counts, total = 0.0, 0.0, 0.0
        for a, b in zip(bounds[:-1], bounds[1:]):
            g, xi, ll = forward_backward(
                params["startprob_"], params["transmat_"], log_frame[a:b]
            )
            gamma[a:b] = g
            start_counts = start_counts + g[0]
            trans_counts = trans_counts + xi
            total += ll
        history.append(total)
        new = m_step(X, gamma, params)
        params["startprob_"] = start_counts / start_counts.sum()
        params["transmat_"] = trans_counts / trans_counts.sum(axis=1, keepdims=True)
        params.update(new)
    return params, history


def gaussian_reference_m_step(covariance_type):
    def m_step(X, gamma, params):
        k, d = params["means_"].shape
        covs = dense(params["covars_"], covariance_type, k, d)
        sum_x = np.zeros((k, d))
        sum_xx = np.zeros((k, d, d))
        for x, g in zip(X, gamma):
            m = np.isnan(x)
            o = ~m
            for j in range(k):
                mu, cov = params["means_"][j], covs[j]
                completed = mu.copy()
                cond = np.zeros((d, d))
                if o.any():
                    completed[o] = x[o]
                    if m.any():
                        gain = cov[np.ix_(m, o)] @ np.linalg.inv(cov[np.ix_(o, o)])
                        completed[m] = mu[m] + gain @ (x[o] - mu[o])
                        cond[np.ix_(m, m)] = (
                            cov[np.ix_(m, m)] - gain @ cov[np.ix_(o, m)]
                        )
                else:
                    cond = cov.copy()
                sum_x[j] += g[j] * completed
                sum_xx[j] += g[j] * (np.outer(completed, completed) + cond)
        nk = gamma.sum(axis=0)
        means = sum_x / nk[:, None]
        scatter = sum_xx / nk[:, None, None] - means[:, :, None] * means[:, None, :]
        covars = {
            "full": lambda: scatter,
            "tied": lambda: (scatter * nk[:, None, None]).sum(0) / nk.sum(),
            "diag": lambda: np.diagonal(scatter, axis1=1, axis2=2).copy(),
            "spherical": lambda: np.diagonal(scatter, axis1=1, axis2=2).mean(1),
        }[covariance_type]()
        return {"means_": means, "covars_": covars}

    return m_step


def gaussian_reference_log_frame(covariance_type):
    def log_frame(X, params):
        k, d = params["means_"].shape
        covs = dense(params["covars_"], covariance_type, k, d)
        return np.array([gaussian_frame_log_prob(x, params["means_"], covs) for x in X])

    return log_frame


def gappy_regimes(seed=0, lengths=(40, 30), fraction=0.2, d=3):
    rng = np.random.RandomState(seed)
    centres = np.array([[0.0, 0.0, 0.0], [3.0, 1.0, -1.0]])[:, :d]
    states = (np.arange(sum(lengths)) // 9) % 2
    X = centres[states] + rng.normal(0, 1, (sum(lengths), d))
    X[:, 1] += 0.6 * X[:, 0]
    X[rng.rand(*X.shape) < fraction] = np.nan
    X[rng.rand(X.shape[0]) < 0.1] = np.nan  # fully missing frames
    X[0, 0] = 0.1  # the first frame keeps an observed entry
    return X, list(lengths)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_gaussian_baum_welch_matches_reference_with_expected_statistics(
    covariance_type,
):
    X, lengths = gappy_regimes()
    model = tiny_gaussian(covariance_type)
    start = {
        "startprob_": model.startprob_,
        "transmat_": model.transmat_,
        "means_": model.means_,
        "covars_": model._covars_,
    }
    expected, history = reference_baum_welch(
        X,
        lengths,
        start,
        gaussian_reference_log_frame(covariance_type),
        gaussian_reference_m_step(covariance_type),
        n_iter=4,
    )
    ours = GaussianHMM(
        2,
        covariance_type=covariance_type,
        covars_prior=0.0,
        covars_weight=0.0 if covariance_type in ("diag", "spherical") else 1.0,
        n_iter=4,
        tol=0.0,
        init_params="",
    )
    for name, value in start.items():
        setattr(ours, name, np.copy(value))
    ours.fit(X, lengths=lengths)
    np.testing.assert_allclose(ours.lower_bounds_, history, rtol=1e-9)
    for name in ("startprob_", "transmat_", "means_"):
        np.testing.assert_allclose(getattr(ours, name), expected[name], rtol=1e-9)
    np.testing.assert_allclose(ours._covars_, expected["covars_"], rtol=1e-9)


def test_poisson_baum_welch_matches_reference_with_expected_statistics():
    rng = np.random.RandomState(0)
    states = (np.arange(90) // 10) % 2
    X = rng.poisson(np.array([[1.0, 6.0], [7.0, 2.0]])[states]).astype(float)
    X[rng.rand(*X.shape) < 0.2] = np.nan
    start = {
        "startprob_": np.array([0.5, 0.5]),
        "transmat_": np.array([[0.8, 0.2], [0.3, 0.7]]),
        "lambdas_": np.array([[2.0, 3.0], [4.0, 2.5]]),
    }

    def log_frame(X, params):
        return np.array(
            [
                [
                    np.sum(np.where(np.isnan(x), 0.0, poisson(lam).logpmf(x)))
                    for lam in params["lambdas_"]
                ]
                for x in X
            ]
        )

    def m_step(X, gamma, params):
        # E[x_tj | z_t = k] = lambda_kj for a missing count.
        sums = np.array(
            [
                (gamma[:, [k]] * np.where(np.isnan(X), params["lambdas_"][k], X)).sum(0)
                for k in range(2)
            ]
        )
        return {"lambdas_": sums / gamma.sum(axis=0)[:, None]}

    lengths = [50, 40]
    expected, history = reference_baum_welch(
        X, lengths, start, log_frame, m_step, n_iter=5
    )
    ours = PoissonHMM(2, n_iter=5, tol=0.0, init_params="")
    for name, value in start.items():
        setattr(ours, name, np.copy(value))
    ours.fit(X, lengths=lengths)
    np.testing.assert_allclose(ours.lower_bounds_, history, rtol=1e-9)
    for name in start:
        np.testing.assert_allclose(getattr(ours, name), expected[name], rtol=1e-9)


def test_categorical_baum_welch_matches_reference_with_expected_statistics():
    rng = np.random.RandomState(0)
    states = (np.arange(100) // 8) % 2
    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]])
    S = np.array([rng.choice(3, p=probs[s]) for s in states], dtype=float)[:, None]
    S[rng.rand(100) < 0.2] = np.nan
    start = {
        "startprob_": np.array([0.5, 0.5]),
        "transmat_": np.array([[0.8, 0.2], [0.3, 0.7]]),
        "emissionprob_": np.array([[0.5, 0.3, 0.2], [0.2, 0.3, 0.5]]),
    }

    def log_frame(S, params):
        table = np.log(params["emissionprob_"])
        return np.array(
            [np.zeros(2) if np.isnan(s[0]) else table[:, int(s[0])] for s in S]
        )

    def m_step(S, gamma, params):
        counts = np.zeros((2, 3))
        for s, g in zip(S, gamma):
            if np.isnan(s[0]):  # expected counts: the state's own distribution
                counts += g[:, None] * params["emissionprob_"]
            else:
                counts[:, int(s[0])] += g
        return {"emissionprob_": counts / counts.sum(axis=1, keepdims=True)}

    lengths = [60, 40]
    expected, history = reference_baum_welch(
        S, lengths, start, log_frame, m_step, n_iter=5
    )
    ours = CategoricalHMM(2, n_iter=5, tol=0.0, init_params="")
    for name, value in start.items():
        setattr(ours, name, np.copy(value))
    ours.fit(S, lengths=lengths)
    np.testing.assert_allclose(ours.lower_bounds_, history, rtol=1e-9)
    for name in start:
        np.testing.assert_allclose(getattr(ours, name), expected[name], rtol=1e-9)


def test_em_fixed_point_of_a_fully_missing_frame_is_the_observed_frames_one():
    """With the expected statistics of a fully missing frame (the state's own
    mean and covariance, weighted by its posterior), the M-step's fixed point
    is the estimate from the observed frames: mu = (S_o + g mu) / (n_o + g)
    holds iff mu = S_o / n_o. Checked on one state (no transitions to learn)."""
    rng = np.random.RandomState(0)
    X = rng.normal(2.0, 1.5, (60, 1))
    gaps = X.copy()
    gaps[::3] = np.nan
    model = GaussianHMM(1, covars_prior=0.0, covars_weight=0.0, n_iter=2000, tol=1e-14)
    model.fit(gaps)
    observed = X[1::3].ravel().tolist() + X[2::3].ravel().tolist()
    np.testing.assert_allclose(model.means_[0, 0], np.mean(observed), rtol=1e-6)
    np.testing.assert_allclose(model._covars_[0, 0], np.var(observed), rtol=1e-5)


# -- complete data, the data's end, recovery -----------------------------------


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_missing_path_on_complete_data_gives_the_complete_data_numbers(
    covariance_type,
):
    X, lengths = gappy_regimes()
    X = np.nan_to_num(X, nan=0.3)
    model = tiny_gaussian(covariance_type)
    posteriors = model.predict_proba(X, lengths=lengths)
    complete = model._emission_statistics(X, posteriors)
    through_missing = gaussian_module.gaussian_moments_missing(
        X, posteriors, model.means_, model.covars_, covariance_type
    )
    for a, b in zip(complete, through_missing):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-10)
    np.testing.assert_allclose(
        gaussian_module.gaussian_log_prob_missing(
            X, model.means_, model.covars_, covariance_type
        ),
        model._emission_log_likelihood(X),
        rtol=1e-12,
    )
    # And a fit on complete data never takes the missing path: bit for bit.
    fits = []
    for _ in range(2):
        m = GaussianHMM(2, covariance_type=covariance_type, n_iter=3, random_state=0)
        fits.append(m.fit(X, lengths=lengths))
    np.testing.assert_array_equal(fits[0].means_, fits[1].means_)


@pytest.mark.parametrize("covariance_type", ["full", "diag"])
def test_missing_frames_at_the_end_score_as_the_truncated_sequence(covariance_type):
    hmmlearn_hmm = pytest.importorskip("hmmlearn.hmm")
    X, lengths = gappy_regimes(fraction=0.0)
    X = X[np.isfinite(X).all(axis=1)][:50]
    model = tiny_gaussian(covariance_type)
    padded = np.vstack([X, np.full((7, 3), np.nan)])
    ref = hmmlearn_hmm.GaussianHMM(2, covariance_type=covariance_type, init_params="")
    ref.startprob_, ref.transmat_, ref.means_ = (
        model.startprob_,
        model.transmat_,
        model.means_,
    )
    ref.covars_ = model._covars_
    np.testing.assert_allclose(model.score_samples(padded).sum(), ref.score(X))
    np.testing.assert_allclose(model.score(X) * 50, ref.score(X), rtol=1e-10)
    # The missing tail's posteriors are the chain run forward from the last
    # observed frame.
    posteriors = model.predict_proba(padded)
    last = posteriors[49]
    for t in range(50, 57):
        last = last @ model.transmat_
        np.testing.assert_allclose(posteriors[t], last, rtol=1e-10)


@pytest.mark.parametrize("family", ["gaussian", "poisson"])
def test_recovers_known_parameters_with_twenty_percent_missing_frames(family):
    rng = np.random.RandomState(0)
    transmat = np.array([[0.95, 0.05], [0.1, 0.9]])
    states = [0]
    for _ in range(3999):
        states.append(rng.choice(2, p=transmat[states[-1]]))
    states = np.array(states)
    if family == "gaussian":
        means = np.array([[0.0, 0.0], [3.0, -2.0]])
        X = means[states] + rng.normal(0, 1, (4000, 2))
        model = GaussianHMM(2, n_iter=100, random_state=0)
    else:
        means = np.array([[2.0, 8.0], [9.0, 3.0]])
        X = rng.poisson(means[states]).astype(float)
        model = PoissonHMM(2, n_iter=100, random_state=0)
    X[rng.rand(4000) < 0.2] = np.nan
    model.fit(X)
    fitted = model.means_ if family == "gaussian" else model.lambdas_
    order = np.argsort(fitted[:, 0])
    # The estimate of the data (the observed frames' means by true state),
    # which is within sampling error of the truth.
    empirical = np.array([np.nanmean(X[states == k], axis=0) for k in range(2)])
    np.testing.assert_allclose(fitted[order], empirical, atol=0.05)
    np.testing.assert_allclose(fitted[order], means, atol=0.25)
    np.testing.assert_allclose(
        model.transmat_[np.ix_(order, order)], transmat, atol=0.03
    )


# -- impute ---------------------------------------------------------------------


def test_impute_means_are_posterior_weighted_conditional_means():
    model = tiny_gaussian("full")
    X = gappy_rows(n=9)
    posteriors = model.predict_proba(X)
    covs = model.covars_
    filled = model.impute(X)
    for t, x in enumerate(X):
        m = np.isnan(x)
        o = ~m
        value = np.zeros(m.sum())
        for k in range(2):
            mu, cov = model.means_[k], covs[k]
            cond = mu[m].copy()
            if o.any():
                cond += cov[np.ix_(m, o)] @ np.linalg.solve(
                    cov[np.ix_(o, o)], x[o] - mu[o]
                )
            value += posteriors[t, k] * cond
        np.testing.assert_allclose(filled[t, m], value, rtol=1e-10)
        np.testing.assert_array_equal(filled[t, o], x[o])


@pytest.mark.parametrize(
    "make",
    [
        lambda: tiny_gaussian("full"),
        lambda: tiny_gaussian("diag"),
    ],
)
def test_impute_draws_average_to_the_conditional_means(make):
    model = make()
    X = gappy_rows(n=6)
    draws = np.array(
        [model.impute(X, sample=True, random_state=s) for s in range(3000)]
    )
    mean = model.impute(X)
    missing = np.isnan(X)
    spread = draws.std(axis=0)[missing]
    error = np.abs(draws.mean(axis=0)[missing] - mean[missing])
    assert np.all(error < 4 * spread / np.sqrt(3000) + 1e-12)
    assert np.all(draws[:, ~missing] == X[~missing])


def test_posterior_state_draws_follow_the_posterior_path_distribution():
    model = tiny_gaussian("diag")
    X = gappy_rows(n=5)
    rng = np.random.RandomState(0)
    from skgen.hmm._base import BaseHMM

    bounds = np.array([0, 5])
    draws = np.array(
        [BaseHMM._sample_posterior_states(model, X, bounds, rng) for _ in range(4000)]
    )
    codes = draws @ (2 ** np.arange(5))
    log_frame = model._emission_log_likelihood(X)
    paths, log_joint = enumerate_paths(model.startprob_, model.transmat_, log_frame)
    exact = np.exp(log_joint - logsumexp(log_joint))
    freq = np.bincount(codes, minlength=32)[paths @ (2 ** np.arange(5))] / 4000
    assert np.all(np.abs(freq - exact) < 4 * np.sqrt(exact * (1 - exact) / 4000) + 1e-3)


def test_impute_every_family_fills_only_the_missing_entries():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 2))
    X[40:] += 3
    gaps = X.copy()
    gaps[rng.rand(*X.shape) < 0.2] = np.nan
    gaps[7] = np.nan
    counts = rng.poisson(3.0, (80, 2)).astype(float)
    counts[np.isnan(gaps)] = np.nan
    symbols = rng.randint(0, 3, (80, 1)).astype(float)
    symbols[np.isnan(gaps[:, :1])] = np.nan
    cases = [
        (GaussianHMM(2, random_state=0), gaps),
        (GMMHMM(2, n_mix=2, random_state=0), gaps),
        (PoissonHMM(2, random_state=0), counts),
        (CategoricalHMM(2, random_state=0), symbols),
    ]
    for model, data in cases:
        model.fit(data, lengths=[50, 30])
        assert get_tags(model).input_tags.allow_nan
        missing = np.isnan(data)
        for sample in (False, True):
            filled = model.impute(data, lengths=[50, 30], sample=sample, random_state=0)
            assert filled.shape == data.shape
            assert np.all(np.isfinite(filled))
            np.testing.assert_array_equal(filled[~missing], data[~missing])
        assert np.isfinite(model.score(data, lengths=[50, 30]))
        model.partial_fit(data, lengths=[50, 30])
        if isinstance(model, CategoricalHMM):
            assert set(np.unique(model.impute(data))) <= {0, 1, 2}


def test_impute_sample_stream_advances_and_seeds_reproduce():
    model = tiny_gaussian("diag")
    X = gappy_rows()
    model.random_state = 0
    a = model.impute(X, sample=True)
    b = model.impute(X, sample=True)
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(
        model.impute(X, sample=True, random_state=3),
        model.impute(X, sample=True, random_state=3),
    )


# -- errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model",
    [GaussianHMM(2), GMMHMM(2), PoissonHMM(2), CategoricalHMM(2)],
    ids=lambda m: type(m).__name__,
)
def test_inf_and_never_observed_columns_are_errors(model):
    X = np.abs(np.random.RandomState(0).normal(size=(30, 2))).round()
    bad = X.copy()
    bad[3, 1] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        model.fit(bad)
    bad = X.copy()
    bad[:, 1] = np.nan
    with pytest.raises(ValueError, match=r"Column\(s\) \[1\]"):
        model.fit(bad)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X)
    bad = X.copy()
    bad[3, 1] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        model.impute(bad)


def test_categorical_rejects_negative_and_fractional_symbols_beside_nan():
    with pytest.raises(ValueError, match="Negative values"):
        CategoricalHMM(2).fit(np.array([[0.0], [np.nan], [-1.0], [2.0]]))
    with pytest.raises(ValueError, match="non-integer"):
        CategoricalHMM(2).fit(np.array([[0.0], [np.nan], [1.5], [2.0]]))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_gmmhmm_expected_statistics_match_a_frame_by_frame_reference(covariance_type):
    """The E-step of GMMHMM with partly and fully missing frames: per state and
    component, the weight gamma_tk r_tkm (r from the observed marginals), the
    completed frame and the conditional covariance, around the means."""
    X, lengths = gappy_regimes(seed=2, lengths=(25,))
    model = GMMHMM(2, n_mix=2, covariance_type=covariance_type, random_state=0)
    model.fit(np.nan_to_num(X, nan=0.5), lengths=lengths)
    posteriors = model.predict_proba(X)
    stats = model._emission_statistics(X, posteriors)
    k, m, d = model.means_.shape
    means = model.means_.reshape(k * m, d)
    covs = model._dense_covariances()
    log_w = np.log(model.weights_.ravel())
    nk = np.zeros(k * m)
    sx = np.zeros((k * m, d))
    sxx = np.zeros((k * m, d, d))
    for x, g in zip(X, posteriors):
        log_prob = log_w + gaussian_frame_log_prob(x, means, covs)
        resp = np.exp(
            log_prob.reshape(k, m) - logsumexp(log_prob.reshape(k, m), 1)[:, None]
        )
        weights = (g[:, None] * resp).ravel()
        o = ~np.isnan(x)
        for c in range(k * m):
            mu, cov = means[c], covs[c]
            completed, cond = mu.copy(), np.zeros((d, d))
            if o.any():
                completed[o] = x[o]
                if (~o).any():
                    gain = cov[np.ix_(~o, o)] @ np.linalg.inv(cov[np.ix_(o, o)])
                    completed[~o] = mu[~o] + gain @ (x[o] - mu[o])
                    cond[np.ix_(~o, ~o)] = (
                        cov[np.ix_(~o, ~o)] - gain @ cov[np.ix_(o, ~o)]
                    )
            else:
                cond = cov.copy()
            diff = completed - mu
            nk[c] += weights[c]
            sx[c] += weights[c] * diff
            sxx[c] += weights[c] * (np.outer(diff, diff) + cond)
    np.testing.assert_allclose(stats.component_sums.ravel(), nk, rtol=1e-10)
    np.testing.assert_allclose(stats.first_moments.reshape(k * m, d), sx, atol=1e-10)
    if covariance_type in ("full", "tied"):
        expected = sxx
    else:
        expected = np.diagonal(sxx, axis1=1, axis2=2)
    np.testing.assert_allclose(
        stats.second_moments.reshape(expected.shape), expected, rtol=1e-10, atol=1e-10
    )
    np.testing.assert_allclose(stats.posterior_sums, posteriors.sum(0), rtol=1e-12)


def test_dask_fit_with_missing_entries_equals_the_in_memory_fit():
    da = pytest.importorskip("dask.array")
    X, lengths = gappy_regimes(lengths=(40, 30, 30))
    dX = da.from_array(X, chunks=((40, 30, 30), (3,)))
    kwargs = dict(covariance_type="full", n_iter=3, tol=0.0, init_params="")
    models = []
    for data in (X, dX):
        model = tiny_gaussian("full")
        fitted = GaussianHMM(2, **kwargs)
        for name in ("startprob_", "transmat_", "means_", "covars_"):
            setattr(fitted, name, np.copy(getattr(model, name)))
        models.append(fitted.fit(data, lengths=[40, 30, 30]))
    np.testing.assert_allclose(models[0].means_, models[1].means_, rtol=1e-12)
    np.testing.assert_allclose(models[0].covars_, models[1].covars_, rtol=1e-12)


def test_sequence_ids_and_float32_take_the_same_path():
    X, lengths = gappy_regimes(lengths=(40, 30))
    ids = np.repeat([7, 3], lengths)
    model = tiny_gaussian("full")
    np.testing.assert_array_equal(
        model.impute(X, lengths=lengths), model.impute(X, sequence_ids=ids)
    )
    np.testing.assert_allclose(
        model.score_samples(X.astype(np.float32), lengths=lengths),
        model.score_samples(X, lengths=lengths),
        rtol=1e-5,
        atol=1e-5,
    )
    fitted = GaussianHMM(2, covariance_type="full", n_iter=3, random_state=0)
    fitted.fit(X.astype(np.float32), sequence_ids=ids)
    assert np.all(np.isfinite(fitted.means_))
    # A fully missing frame adds 0 to score_samples: log p(nothing) = 0.
    log_prob = model.score_samples(X, lengths=lengths)
    np.testing.assert_allclose(log_prob[np.isnan(X).all(axis=1)], 0.0, atol=1e-12)
