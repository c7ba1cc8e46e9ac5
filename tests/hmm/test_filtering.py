"""Filtering, forecasting and continuing a sequence, for every HMM family.

References: brute-force enumeration of every state path on tiny models, with
emission probabilities from scipy.stats (not the models' own code), hmmlearn's
compiled scaled forward pass, and Monte-Carlo checks of ``sample``.
"""

import itertools

import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.stats import multivariate_normal, poisson

from skgen.hmm import GMMHMM, CategoricalHMM, GaussianHMM, PoissonHMM, _kernels
from skgen.hmm._forecast import HMMForecast

STARTPROB = np.array([0.5, 0.3, 0.2])
TRANSMAT = np.array([[0.7, 0.2, 0.1], [0.1, 0.6, 0.3], [0.25, 0.25, 0.5]])


def _chain(model):
    model.startprob_ = STARTPROB.copy()
    model.transmat_ = TRANSMAT.copy()
    return model


def gaussian_model(covariance_type="full"):
    model = _chain(GaussianHMM(3, covariance_type=covariance_type, init_params=""))
    model.means_ = np.array([[0.0, 1.0], [2.0, -1.0], [-1.5, 0.5]])
    full = np.array(
        [[[1.0, 0.3], [0.3, 0.5]], [[0.4, -0.1], [-0.1, 0.8]], [[2.0, 0.0], [0.0, 1.0]]]
    )
    model.covars_ = {
        "full": full,
        "diag": full[:, [0, 1], [0, 1]],
        "tied": full[0],
        "spherical": np.array([0.7, 1.2, 0.4]),
    }[covariance_type]
    model.n_features_in_ = 2
    return model


def gmm_model():
    model = _chain(GMMHMM(3, n_mix=2, covariance_type="diag", init_params=""))
    model.weights_ = np.array([[0.3, 0.7], [0.5, 0.5], [0.9, 0.1]])
    model.means_ = np.array(
        [[[0.0, 1.0], [1.0, 0.0]], [[2.0, -1.0], [3.0, 1.0]], [[-2.0, 0.0], [0.0, 2.0]]]
    )
    model.covars_ = np.array(
        [[[1.0, 0.5], [0.3, 0.6]], [[0.8, 0.8], [1.2, 0.4]], [[0.5, 1.5], [1.0, 1.0]]]
    )
    model.n_features_in_ = 2
    return model


def poisson_model():
    model = _chain(PoissonHMM(3, init_params=""))
    model.lambdas_ = np.array([[1.0, 4.0], [6.0, 0.5], [3.0, 3.0]])
    model.n_features_in_ = 2
    return model


def categorical_model():
    model = _chain(CategoricalHMM(3, init_params=""))
    model.emissionprob_ = np.array(
        [[0.7, 0.2, 0.1, 0.0], [0.1, 0.1, 0.3, 0.5], [0.25, 0.25, 0.25, 0.25]]
    )
    model.n_features_in_ = 1
    return model


# -- independent references -------------------------------------------------------


def _component_moments(model):
    """Per state: the list of (weight, mean, covariance) of its components."""
    if isinstance(model, GaussianHMM):
        return [[(1.0, m, c)] for m, c in zip(model.means_, model.covars_)]
    if isinstance(model, PoissonHMM):
        return [[(1.0, lam, np.diag(lam))] for lam in model.lambdas_]
    k, n_mix, d = model.means_.shape
    covariances = model.covars_  # (k, n_mix, d) for 'diag'
    return [
        [
            (model.weights_[i, m], model.means_[i, m], np.diag(covariances[i, m]))
            for m in range(n_mix)
        ]
        for i in range(k)
    ]


def frame_log_prob(model, X):
    """log p(x_t | state) by scipy.stats; 0 for a frame with nothing observed."""
    out = np.zeros((len(X), model.n_components))
    for t, x in enumerate(X):
        observed = ~np.isnan(x)
        if not observed.any():
            continue
        for k in range(model.n_components):
            if isinstance(model, CategoricalHMM):
                with np.errstate(divide="ignore"):  # a symbol a state never emits
                    out[t, k] = np.log(model.emissionprob_[k, int(x[0])])
            elif isinstance(model, PoissonHMM):
                out[t, k] = (
                    poisson(model.lambdas_[k][observed]).logpmf(x[observed]).sum()
                )
            else:
                out[t, k] = logsumexp(
                    [
                        np.log(w)
                        + multivariate_normal(
                            mean[observed], cov[np.ix_(observed, observed)]
                        ).logpdf(x[observed])
                        for w, mean, cov in _component_moments(model)[k]
                    ]
                )
    return out


def path_weights(startprob, transmat, log_frame, n_after=0):
    """Every path over the frames and ``n_after`` unobserved steps after them,
    and its probability given the frames."""
    n_steps, k = log_frame.shape
    paths = np.array(list(itertools.product(range(k), repeat=n_steps + n_after)))
    with np.errstate(divide="ignore"):
        log_p = (
            np.log(startprob)[paths[:, 0]]
            + np.log(transmat)[paths[:, :-1], paths[:, 1:]].sum(axis=1)
            + log_frame[np.arange(n_steps), paths[:, :n_steps]].sum(axis=1)
        )
    return paths, np.exp(log_p - logsumexp(log_p))


def brute_filtered(model, X):
    log_frame = frame_log_prob(model, X)
    out = np.zeros_like(log_frame)
    for t in range(len(X)):
        paths, weight = path_weights(
            model.startprob_, model.transmat_, log_frame[: t + 1]
        )
        np.add.at(out[t], paths[:, t], weight)
    return out


def brute_state_forecast(model, X, n_steps):
    log_frame = frame_log_prob(model, X)
    paths, weight = path_weights(model.startprob_, model.transmat_, log_frame, n_steps)
    out = np.zeros((n_steps, model.n_components))
    for h in range(n_steps):
        np.add.at(out[h], paths[:, len(X) + h], weight)
    return out


def raw_moments(model, state_proba):
    """Mean and covariance as E[x] and E[x x^T] - E[x] E[x]^T, summed over
    every component of every state."""
    mean, second = 0.0, 0.0
    for p, components in zip(state_proba, _component_moments(model)):
        for w, m, c in components:
            mean = mean + p * w * m
            second = second + p * w * (c + np.outer(m, m))
    return mean, second - np.outer(mean, mean)


FAMILIES = {
    "gaussian-full": (lambda: gaussian_model("full"), "continuous"),
    "gaussian-diag": (lambda: gaussian_model("diag"), "continuous"),
    "gaussian-tied": (lambda: gaussian_model("tied"), "continuous"),
    "gaussian-spherical": (lambda: gaussian_model("spherical"), "continuous"),
    "gmm": (gmm_model, "continuous"),
    "poisson": (poisson_model, "counts"),
    "categorical": (categorical_model, "symbols"),
}


def rows_for(kind, seed=0, n=5, gaps=False):
    rng = np.random.RandomState(seed)
    if kind == "symbols":
        X = rng.randint(4, size=(n, 1)).astype(float)
    elif kind == "counts":
        X = rng.poisson(3.0, (n, 2)).astype(float)
    else:
        X = rng.normal(0.5, 1.5, (n, 2))
    if gaps:
        X[1] = np.nan  # a missing frame, and the last one missing too
        X[n - 1] = np.nan
        if kind != "symbols":
            X[2, 0] = np.nan
    return X


# -- filtering ----------------------------------------------------------------------


@pytest.mark.parametrize("gaps", [False, True], ids=["complete", "gaps"])
@pytest.mark.parametrize("name", list(FAMILIES))
def test_filter_proba_matches_enumeration(name, gaps):
    make, kind = FAMILIES[name]
    model = make()
    X = rows_for(kind, gaps=gaps)
    filtered = model.filter_proba(X)
    np.testing.assert_allclose(filtered, brute_filtered(model, X), atol=1e-12)
    # The last row sees the whole sequence either way.
    np.testing.assert_allclose(filtered[-1], model.predict_proba(X)[-1], atol=1e-12)


def test_filter_proba_differs_from_smoothed_and_splits_sequences():
    model = gaussian_model()
    X = rows_for("continuous", n=12, seed=3)
    lengths = [5, 1, 6]
    filtered = model.filter_proba(X, lengths=lengths)
    ids = np.repeat([7, 8, 9], lengths)
    np.testing.assert_array_equal(filtered, model.filter_proba(X, sequence_ids=ids))
    for a, b in [(0, 5), (5, 6), (6, 12)]:
        np.testing.assert_allclose(
            filtered[a:b], brute_filtered(model, X[a:b]), atol=1e-12
        )
    assert np.abs(filtered - model.predict_proba(X, lengths=lengths)).max() > 0.05


@pytest.mark.parametrize("n_components", [2, 9])
def test_filter_matches_hmmlearn_forward_pass(n_components):
    hmmc = pytest.importorskip("hmmlearn._hmmc")
    rng = np.random.RandomState(n_components)
    lengths = [40, 1, 300, 7]
    model = GaussianHMM(n_components, covariance_type="diag", init_params="")
    model.startprob_ = rng.dirichlet(np.ones(n_components))
    model.transmat_ = rng.dirichlet(np.ones(n_components), size=n_components)
    model.means_ = rng.normal(0, 2, (n_components, 3))
    model.covars_ = rng.uniform(0.5, 2, (n_components, 3))
    model.n_features_in_ = 3
    X = rng.normal(0, 2, (sum(lengths), 3))
    filtered = model.filter_proba(X, lengths=lengths)
    frameprob = np.exp(model._frame_log_likelihood(X))
    bounds = np.cumsum([0, *lengths])
    for a, b in zip(bounds[:-1], bounds[1:]):
        _, fwd, _ = hmmc.forward_scaling(
            model.startprob_, model.transmat_, frameprob[a:b]
        )
        np.testing.assert_allclose(filtered[a:b], fwd, rtol=1e-10, atol=1e-14)


def test_filter_of_impossible_sequence_is_an_error():
    model = gaussian_model()
    model.startprob_ = np.array([1.0, 0.0, 0.0])
    model.transmat_ = np.eye(3)
    model.means_ = np.array([[0.0, 0.0], [1e3, 1e3], [-1e3, -1e3]])
    X = np.array([[0.0, 0.0], [1e3, 1e3]])
    # Row 2 underflows in state 0, and the chain cannot leave it.
    with pytest.raises(ValueError, match="zero probability"):
        model.filter_proba(X)
    with pytest.raises(ValueError, match="zero probability"):
        model.forecast(X)


def test_filter_kernel_in_place_and_chunked():
    rng = np.random.RandomState(0)
    log_frameprob = rng.normal(-3, 2, (30, 4))
    bounds = np.array([0, 10, 11, 30], dtype=np.int64)
    startprob = rng.dirichlet(np.ones(4))
    transmat = rng.dirichlet(np.ones(4), size=4)
    out = np.empty_like(log_frameprob)
    log_lik, filtered = _kernels.forward_filter(
        startprob, transmat, log_frameprob, bounds, 3, out
    )
    ref_log_lik, _, _, _ = _kernels.forward_backward(
        startprob, transmat, log_frameprob.copy(), bounds, 1, np.empty_like(out)
    )
    np.testing.assert_allclose(log_lik, ref_log_lik, rtol=1e-13)
    again = log_frameprob.copy()
    _kernels.forward_filter(startprob, transmat, again, bounds, 1, again)
    np.testing.assert_array_equal(again, filtered)


def test_filter_proba_on_dask_equals_in_memory():
    da = pytest.importorskip("dask.array")
    dask = pytest.importorskip("dask")
    model = gaussian_model()
    X = rows_for("continuous", n=30, seed=4)
    lengths = [8, 4, 10, 8]
    dX = da.from_array(X, ((12, 18), 2))
    with dask.config.set(scheduler="synchronous"):
        got = model.filter_proba(dX, lengths=lengths)
        assert isinstance(got, da.Array)
        np.testing.assert_allclose(
            got.compute(), model.filter_proba(X, lengths=lengths), rtol=1e-13
        )
    with pytest.raises(TypeError, match="in memory"):
        model.forecast(dX, lengths=lengths)


# -- forecasting --------------------------------------------------------------------


@pytest.mark.parametrize("gaps", [False, True], ids=["complete", "gaps"])
@pytest.mark.parametrize("name", list(FAMILIES))
def test_forecast_matches_enumeration(name, gaps):
    make, kind = FAMILIES[name]
    model = make()
    X = rows_for(kind, seed=1, gaps=gaps)
    result = model.forecast(X, n_steps=3)
    assert isinstance(result, HMMForecast)
    assert result.state_proba.shape == (1, 3, 3)
    expected = brute_state_forecast(model, X, 3)
    np.testing.assert_allclose(result.state_proba[0], expected, atol=1e-12)
    if kind == "symbols":
        assert result.mean is None and result.covariance is None
        symbols = expected @ model.emissionprob_  # (3 steps, 4 symbols)
        np.testing.assert_allclose(result.symbol_proba[0, :, 0], symbols, atol=1e-12)
        return
    assert result.symbol_proba is None
    for h in range(3):
        mean, covariance = raw_moments(model, expected[h])
        np.testing.assert_allclose(result.mean[0, h], mean, atol=1e-10)
        np.testing.assert_allclose(result.covariance[0, h], covariance, atol=1e-10)


def test_forecast_of_several_sequences_and_long_horizon():
    model = poisson_model()
    X = rows_for("counts", n=9, seed=2)
    lengths = [4, 2, 3]
    result = model.forecast(X, n_steps=200, lengths=lengths)
    assert result.state_proba.shape == (3, 200, 3)
    assert result.covariance.shape == (3, 200, 2, 2)
    for s, (a, b) in enumerate([(0, 4), (4, 6), (6, 9)]):
        np.testing.assert_allclose(
            result.state_proba[s, :3],
            brute_state_forecast(model, X[a:b], 3),
            atol=1e-12,
        )
    # Far ahead: the chain's stationary distribution, whatever the past.
    values, vectors = np.linalg.eig(model.transmat_.T)
    stationary = np.real(vectors[:, np.argmax(np.real(values))])
    stationary /= stationary.sum()
    np.testing.assert_allclose(
        result.state_proba[:, -1], np.tile(stationary, (3, 1)), atol=1e-12
    )


def test_forecast_mean_matches_monte_carlo_of_continuations():
    model = gaussian_model("full")
    X = rows_for("continuous", n=4, seed=5)
    result = model.forecast(X, n_steps=2)
    rng = np.random.RandomState(0)
    draws = np.stack(
        [model.sample(2, given=X, random_state=rng)[0] for _ in range(4000)]
    )
    for h in range(2):
        sd = np.sqrt(np.diag(result.covariance[0, h]) / len(draws))
        assert np.all(np.abs(draws[:, h].mean(axis=0) - result.mean[0, h]) < 4 * sd)
        np.testing.assert_allclose(
            np.cov(draws[:, h].T), result.covariance[0, h], atol=0.15
        )


def test_forecast_arguments_are_checked():
    model = gaussian_model()
    X = rows_for("continuous")
    for bad in (0, -1, 1.5, "2"):
        with pytest.raises((ValueError, TypeError), match="n_steps"):
            model.forecast(X, n_steps=bad)
    with pytest.raises(ValueError, match="features"):
        model.forecast(np.zeros((3, 5)))
    with pytest.raises(ValueError, match="lengths"):
        model.forecast(X, lengths=[2, 2])


def test_predict_states_kernel_is_matrix_powers():
    rng = np.random.RandomState(1)
    transmat = rng.dirichlet(np.ones(5), size=5)
    start = rng.dirichlet(np.ones(5), size=7)
    out = _kernels.predict_states(start, transmat, 6, 3)
    for h in range(6):
        np.testing.assert_allclose(
            out[:, h], start @ np.linalg.matrix_power(transmat, h + 1), rtol=1e-13
        )


# -- continuing a sequence ------------------------------------------------------------


def _frequencies(states, n_components):
    return np.bincount(states, minlength=n_components) / len(states)


@pytest.mark.parametrize("name", ["gaussian-diag", "gmm", "poisson", "categorical"])
def test_sample_given_prefix_draws_the_next_states(name):
    make, kind = FAMILIES[name]
    model = make()
    X = rows_for(kind, seed=6, gaps=True)
    expected = brute_state_forecast(model, X, 3)
    rng = np.random.RandomState(1)
    n = 3000
    states = np.stack([model.sample(3, given=X, random_state=rng)[1] for _ in range(n)])
    for h in range(3):
        # Each frequency within 4.5 standard errors of its probability.
        sd = np.sqrt(expected[h] * (1 - expected[h]) / n) + 1e-12
        assert np.all(np.abs(_frequencies(states[:, h], 3) - expected[h]) < 4.5 * sd)


def test_sample_currstate_is_the_first_state():
    model = gaussian_model()
    rng = np.random.RandomState(2)
    firsts, seconds = [], []
    for _ in range(3000):
        X, states = model.sample(2, currstate=1, random_state=rng)
        firsts.append(states[0])
        seconds.append(states[1])
    assert set(firsts) == {1}
    expected = model.transmat_[1]
    sd = np.sqrt(expected * (1 - expected) / 3000) + 1e-12
    assert np.all(np.abs(_frequencies(np.array(seconds), 3) - expected) < 4.5 * sd)


def test_sample_given_is_reproducible_and_advances_the_stream():
    model = gaussian_model()
    X = rows_for("continuous")
    a = model.sample(50, given=X, random_state=3)
    b = model.sample(50, given=X, random_state=3)
    np.testing.assert_array_equal(a[0], b[0])
    c = model.sample(50, given=X)
    d = model.sample(50, given=X)
    assert not np.array_equal(c[0], d[0])


def test_sample_arguments_are_checked():
    model = gaussian_model()
    X = rows_for("continuous")
    with pytest.raises(ValueError, match="at most one"):
        model.sample(3, currstate=0, given=X)
    for bad in (3, -1):
        with pytest.raises(ValueError, match="currstate"):
            model.sample(3, currstate=bad)
    with pytest.raises(TypeError, match="currstate"):
        model.sample(3, currstate=0.5)
    with pytest.raises(ValueError, match="features"):
        model.sample(3, given=np.zeros((2, 4)))
    with pytest.raises(ValueError, match="chunks"):
        model.sample(3, chunks=2, currstate=0)


def test_a_family_without_moments_forecasts_its_states():
    from tests.hmm.test_adding_a_family import BernoulliHMM

    model = _chain(BernoulliHMM(3, init_params=""))
    model.emissionprob_ = np.array([[0.9, 0.1], [0.2, 0.7], [0.5, 0.5]])
    model.n_features_in_ = 2
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    result = model.forecast(X, n_steps=2)
    log_frame = np.log(
        np.where(X[:, None, :] > 0.5, model.emissionprob_, 1 - model.emissionprob_)
    ).sum(-1)
    paths, weight = path_weights(model.startprob_, model.transmat_, log_frame, 2)
    expected = np.stack([np.bincount(paths[:, 3 + h], weight, 3) for h in range(2)])
    np.testing.assert_allclose(result.state_proba[0], expected, atol=1e-12)
    assert result.mean is None and result.covariance is None
    assert result.symbol_proba is None
