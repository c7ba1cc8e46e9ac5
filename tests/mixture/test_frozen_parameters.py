"""GaussianMixture(params=...): the parts left out never change, the others
follow a hand-written constrained EM."""

import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

from skgen.mixture import GaussianMixture

COVARIANCE_TYPES = ["full", "tied", "diag", "spherical"]

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def as_full(covariances, covariance_type, n_components, n_features):
    if covariance_type == "full":
        return covariances
    if covariance_type == "tied":
        return np.repeat(covariances[np.newaxis], n_components, axis=0)
    if covariance_type == "diag":
        return np.array([np.diag(c) for c in covariances])
    return np.array([c * np.eye(n_features) for c in covariances])


def constrained_em(X, weights, means, covariances, covariance_type, params, n_iter):
    """EM written out with scipy densities; the parts not in ``params`` fixed."""
    n, d = X.shape
    k = len(weights)
    reg = 1e-6
    for _ in range(n_iter):
        full = as_full(covariances, covariance_type, k, d)
        log_prob = np.column_stack(
            [
                np.log(weights[j]) + multivariate_normal(means[j], full[j]).logpdf(X)
                for j in range(k)
            ]
        )
        resp = np.exp(log_prob - logsumexp(log_prob, axis=1)[:, np.newaxis])
        nk = resp.sum(axis=0) + 10 * np.finfo(float).eps
        new_means = resp.T @ X / nk[:, np.newaxis]
        centre = new_means if "m" in params else means
        scatter = np.array(
            [(resp[:, j] * (X - centre[j]).T) @ (X - centre[j]) for j in range(k)]
        )
        new_cov = {
            "full": scatter / nk[:, None, None] + reg * np.eye(d),
            "tied": scatter.sum(axis=0) / nk.sum() + reg * np.eye(d),
            "diag": np.array([np.diag(s) for s in scatter]) / nk[:, None] + reg,
            "spherical": np.array([np.trace(s) / d for s in scatter]) / nk + reg,
        }[covariance_type]
        if "w" in params:
            weights = nk / n
        if "m" in params:
            means = new_means
        if "c" in params:
            covariances = new_cov
    return weights, means, covariances


def start(covariance_type, d=2, k=3):
    rng = np.random.RandomState(0)
    weights = np.array([0.5, 0.3, 0.2])
    means = rng.randn(k, d) * 2.0
    covariances = {
        "full": np.array([np.eye(d) * s for s in (1.0, 0.5, 2.0)]),
        "tied": np.array([[1.0, 0.3], [0.3, 0.8]]),
        "diag": np.array([[1.0, 0.5], [0.7, 1.5], [2.0, 0.4]]),
        "spherical": np.array([1.0, 0.6, 1.4]),
    }[covariance_type]
    return weights, means, covariances


def precisions(covariances, covariance_type):
    if covariance_type in ("full", "tied"):
        return np.linalg.inv(covariances)
    return 1.0 / covariances


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("params", ["wmc", "mc", "wc", "wm", "c", "m", "w", ""])
def test_constrained_em_equals_the_hand_written_one(covariance_type, params):
    rng = np.random.RandomState(1)
    X = np.vstack(
        [rng.randn(80, 2) + [2, 2], rng.randn(60, 2) - [2, 1], rng.randn(40, 2)]
    )
    weights, means, covariances = start(covariance_type)
    model = GaussianMixture(
        n_components=3,
        covariance_type=covariance_type,
        weights_init=weights,
        means_init=means,
        precisions_init=precisions(covariances, covariance_type),
        params=params,
        max_iter=5,
        tol=0.0,
    ).fit(X)
    ref = constrained_em(X, weights, means, covariances, covariance_type, params, 5)
    np.testing.assert_allclose(model.weights_, ref[0], rtol=1e-10)
    np.testing.assert_allclose(model.means_, ref[1], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(model.covariances_, ref[2], rtol=1e-9)
    if "w" not in params:
        np.testing.assert_array_equal(model.weights_, weights)
    if "m" not in params:
        np.testing.assert_array_equal(model.means_, means)
    if "c" not in params:
        np.testing.assert_allclose(model.covariances_, covariances, rtol=1e-14)


def test_frozen_parts_stay_through_partial_fit():
    rng = np.random.RandomState(2)
    X = np.vstack([rng.randn(100, 2) + 3, rng.randn(100, 2) - 3])
    means = np.array([[2.5, 2.5], [-2.5, -2.5]])
    model = GaussianMixture(2, means_init=means, params="wc", random_state=0)
    for rows in np.array_split(np.arange(len(X)), 5):
        model.partial_fit(X[rows])
        np.testing.assert_array_equal(model.means_, means)
    assert not np.allclose(model.weights_, 0.5)


def test_frozen_means_without_means_init_keep_the_initialisation():
    rng = np.random.RandomState(3)
    X = np.vstack([rng.randn(100, 2) + 3, rng.randn(100, 2) - 3])
    initial = GaussianMixture(2, max_iter=0, random_state=0).fit(X).means_
    fitted = GaussianMixture(2, params="wc", random_state=0).fit(X)
    np.testing.assert_array_equal(fitted.means_, initial)


def test_unknown_letter_is_named():
    X = np.random.RandomState(0).randn(20, 2)
    with pytest.raises(ValueError, match="letter.*x.*w, m, c"):
        GaussianMixture(params="wmx").fit(X)
