"""GaussianMixture on rows with missing entries (NaN), against references:
scipy marginal densities, a hand-written EM with expected statistics, and the
complete-data kernels."""

import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

from skgen.mixture import GaussianMixture
from skgen.mixture import _gaussian_mixture as gm_module

COVARIANCE_TYPES = ["full", "tied", "diag", "spherical"]

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def two_blobs(seed=0, n=(300, 200)):
    rng = np.random.RandomState(seed)
    return np.vstack(
        [
            rng.multivariate_normal(
                [0, 0, 0], [[1, 0.5, 0.2], [0.5, 1, 0.3], [0.2, 0.3, 1]], n[0]
            ),
            rng.multivariate_normal(
                [3, -1, 2], [[0.5, 0.1, 0], [0.1, 0.7, 0.2], [0, 0.2, 0.4]], n[1]
            ),
        ]
    )


def hide(X, fraction, seed=0):
    """``X`` with a fraction of entries missing completely at random (every
    row keeps one observed entry)."""
    rng = np.random.RandomState(seed)
    hidden = X.copy()
    mask = rng.rand(*X.shape) < fraction
    mask[mask.all(axis=1), 0] = False
    hidden[mask] = np.nan
    return hidden


def full_covariances(covariances, covariance_type, k, d):
    return {
        "full": lambda: covariances,
        "tied": lambda: np.repeat(covariances[np.newaxis], k, axis=0),
        "diag": lambda: np.array([np.diag(c) for c in covariances]),
        "spherical": lambda: np.array([c * np.eye(d) for c in covariances]),
    }[covariance_type]()


def reference_em_step(X, weights, means, covariances, covariance_type, reg=1e-6):
    """One EM iteration with the missing entries' expected statistics, row by
    row (Ghahramani & Jordan, 1994). Returns the new parameters and the mean
    log-likelihood of the old ones."""
    n, d = X.shape
    k = len(weights)
    full = full_covariances(covariances, covariance_type, k, d)
    log_prob = np.empty((n, k))
    completed = np.empty((n, k, d))
    conditional = np.zeros((n, k, d, d))
    for i, x in enumerate(X):
        o = ~np.isnan(x)
        m = ~o
        for j in range(k):
            s_oo = full[j][np.ix_(o, o)]
            log_prob[i, j] = np.log(weights[j]) + multivariate_normal(
                means[j][o], s_oo
            ).logpdf(x[o])
            gain = full[j][np.ix_(m, o)] @ np.linalg.inv(s_oo)
            completed[i, j] = x
            completed[i, j, m] = means[j][m] + gain @ (x[o] - means[j][o])
            conditional[i, j][np.ix_(m, m)] = (
                full[j][np.ix_(m, m)] - gain @ full[j][np.ix_(o, m)]
            )
    log_norm = logsumexp(log_prob, axis=1)
    resp = np.exp(log_prob - log_norm[:, np.newaxis])
    nk = resp.sum(axis=0) + 10 * np.finfo(float).eps
    new_means = np.einsum("nk,nkd->kd", resp, completed) / nk[:, np.newaxis]
    scatter = np.empty((k, d, d))
    for j in range(k):
        diff = completed[:, j] - new_means[j]
        scatter[j] = (
            np.einsum("n,na,nb->ab", resp[:, j], diff, diff)
            + np.einsum("n,nab->ab", resp[:, j], conditional[:, j])
        ) / nk[j]
    new_cov = {
        "full": lambda: scatter + reg * np.eye(d),
        "tied": lambda: (
            np.einsum("k,kab->ab", nk, scatter) / nk.sum() + reg * np.eye(d)
        ),
        "diag": lambda: np.array([np.diag(s) for s in scatter]) + reg,
        "spherical": lambda: np.array([np.trace(s) / d for s in scatter]) + reg,
    }[covariance_type]()
    return nk / n, new_means, new_cov, log_norm.mean()


def precisions_of(covariances, covariance_type):
    if covariance_type in ("full", "tied"):
        return np.linalg.inv(covariances)
    return 1.0 / covariances


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_em_equals_em_with_expected_statistics(covariance_type):
    X = hide(two_blobs(), 0.25)
    start = GaussianMixture(
        2, covariance_type=covariance_type, max_iter=1, random_state=0
    ).fit(X)
    weights, means, covariances = start.weights_, start.means_, start.covariances_
    bounds = []
    for _ in range(4):
        weights, means, covariances, bound = reference_em_step(
            X, weights, means, covariances, covariance_type
        )
        bounds.append(bound)
    model = GaussianMixture(
        2,
        covariance_type=covariance_type,
        weights_init=start.weights_,
        means_init=start.means_,
        precisions_init=precisions_of(start.covariances_, covariance_type),
        max_iter=4,
        tol=0.0,
    ).fit(X)
    np.testing.assert_allclose(model.weights_, weights, rtol=1e-10)
    np.testing.assert_allclose(model.means_, means, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(model.covariances_, covariances, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(model.lower_bounds_, bounds, rtol=1e-11)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_score_samples_is_the_marginal_density_of_observed_entries(covariance_type):
    X = hide(two_blobs(seed=1), 0.3, seed=1)
    model = GaussianMixture(2, covariance_type=covariance_type, random_state=0).fit(X)
    full = full_covariances(model.covariances_, covariance_type, 2, 3)
    expected = [
        logsumexp(
            [
                np.log(w) + multivariate_normal(m[o], c[np.ix_(o, o)]).logpdf(x[o])
                for w, m, c in zip(model.weights_, model.means_, full)
            ]
        )
        for x in X
        for o in [~np.isnan(x)]
    ]
    np.testing.assert_allclose(model.score_samples(X), expected, rtol=1e-10)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_complete_rows_through_the_missing_kernels_give_the_complete_numbers(
    covariance_type,
):
    X = two_blobs(seed=2)
    model = GaussianMixture(2, covariance_type=covariance_type, random_state=0).fit(X)
    args = model._e_step_block()[1]
    complete = gm_module._e_step_sums(X, None, *args)
    through_missing = gm_module._e_step_sums_missing(X, None, *args)
    for a, b in zip(complete, through_missing):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-9)
    log_prob = gm_module.weighted_log_prob_missing(
        X, model.weights_, model.means_, model.precisions_cholesky_, covariance_type
    )
    np.testing.assert_allclose(
        log_prob, model._estimate_weighted_log_prob(X), rtol=1e-12
    )


@pytest.mark.parametrize("fraction", [0.2, 0.4])
def test_recovers_known_parameters_from_missing_completely_at_random(fraction):
    rng = np.random.RandomState(3)
    means = np.array([[0.0, 0.0, 0.0, 0.0], [4.0, -3.0, 2.0, 5.0]])
    covariance = np.array(
        [[1, 0.6, 0.2, 0], [0.6, 1, 0.3, 0.1], [0.2, 0.3, 1, 0.4], [0, 0.1, 0.4, 1]]
    )
    labels = rng.rand(20000) < 0.3
    X = (
        rng.multivariate_normal(np.zeros(4), covariance, 20000)
        + means[labels.astype(int)]
    )
    model = GaussianMixture(2, random_state=0).fit(hide(X, fraction, seed=4))
    order = np.argsort(model.means_[:, 0])
    np.testing.assert_allclose(model.means_[order], means, atol=0.06)
    np.testing.assert_allclose(model.weights_[order], [0.7, 0.3], atol=0.02)
    for k in range(2):
        np.testing.assert_allclose(model.covariances_[order[k]], covariance, atol=0.08)


def test_lower_bound_never_decreases_with_missing_entries():
    X = hide(two_blobs(seed=5), 0.3, seed=5)
    model = GaussianMixture(3, max_iter=40, tol=0.0, random_state=0).fit(X)
    assert np.all(np.diff(model.lower_bounds_) >= -1e-10)


def test_partial_fit_and_sample_weight_with_missing_entries():
    X = hide(two_blobs(seed=6), 0.2, seed=6)
    weights = np.random.RandomState(0).randint(0, 3, len(X))
    repeated = np.repeat(X, weights, axis=0)
    start = GaussianMixture(2, max_iter=1, random_state=0).fit(X)
    params = dict(
        weights_init=start.weights_,
        means_init=start.means_,
        precisions_init=start.precisions_,
        max_iter=5,
        tol=0.0,
    )
    by_weights = GaussianMixture(2, **params).fit(X, sample_weight=weights)
    by_rows = GaussianMixture(2, **params).fit(repeated)
    np.testing.assert_allclose(by_weights.means_, by_rows.means_, rtol=1e-10)
    online = GaussianMixture(2, random_state=0)
    for rows in np.array_split(np.arange(len(X)), 4):
        online.partial_fit(X[rows])
    assert np.all(np.isfinite(online.means_))


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_impute_conditional_means_and_draws(covariance_type):
    X = two_blobs(seed=7, n=(3000, 2000))
    model = GaussianMixture(2, covariance_type=covariance_type, random_state=0).fit(X)
    row = np.array([[0.5, np.nan, np.nan]])
    filled = model.impute(row)
    assert filled[0, 0] == 0.5
    # The conditional mean, from the conditional mixture of skgen's condition().
    conditional = model.condition([0.5], [0])
    np.testing.assert_allclose(
        filled[0, 1:], conditional.weights_ @ conditional.means_, rtol=1e-10
    )
    draws = model.impute(np.repeat(row, 40000, axis=0), sample=True, random_state=0)
    np.testing.assert_allclose(draws[:, 1:].mean(axis=0), filled[0, 1:], atol=0.02)
    samples, _ = conditional.sample(40000, random_state=1)
    np.testing.assert_allclose(np.cov(draws[:, 1:].T), np.cov(samples.T), atol=0.03)
    rows = np.repeat(row, 5, axis=0)
    np.testing.assert_array_equal(
        model.impute(rows, sample=True, random_state=1),
        model.impute(rows, sample=True, random_state=1),
    )
    first, second = model.impute(rows, sample=True), model.impute(rows, sample=True)
    assert not np.array_equal(first, second)  # the model's stream advances


def test_rows_or_columns_without_an_observed_entry_and_inf_are_errors():
    X = two_blobs()
    bad_row = X.copy()
    bad_row[3] = np.nan
    with pytest.raises(ValueError, match="row.*every entry missing"):
        GaussianMixture(2).fit(bad_row)
    bad_column = X.copy()
    bad_column[:, 1] = np.nan
    with pytest.raises(ValueError, match="Column.*every entry missing"):
        GaussianMixture(2).fit(bad_column)
    infinite = X.copy()
    infinite[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        GaussianMixture(2).fit(infinite)
    model = GaussianMixture(2, random_state=0).fit(X)
    with pytest.raises(ValueError, match="every entry missing"):
        model.impute(bad_row)
    with pytest.raises(ValueError, match="infinity"):
        model.score_samples(infinite)
