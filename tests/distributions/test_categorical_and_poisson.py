"""The categorical kernels (table look-ups and counts) against numpy, and
the distribution functions on them against scipy.stats."""

import numpy as np
from scipy import stats

from skgen.distributions import _categorical, _categorical_kernels, _poisson


def test_categorical_kernels_against_numpy():
    rng = np.random.RandomState(9)
    n_samples, n_features, n_symbols, n_components = 300, 3, 5, 4
    X = rng.randint(n_symbols, size=(n_samples, n_features)).astype(np.intp)
    probs = rng.dirichlet(np.ones(n_symbols), size=(n_components, n_features))
    probs[1, 0, 2] = 0.0  # an impossible symbol: -inf, not NaN
    with np.errstate(divide="ignore"):
        log_probs = np.log(probs)
    expected = sum(log_probs[:, f, X[:, f]].T for f in range(n_features))
    log_table = np.ascontiguousarray(log_probs.transpose(1, 2, 0))
    for n_chunks in (1, 7):
        got = np.zeros((n_samples, n_components))
        _categorical_kernels.categorical_log_likelihood(X, log_table, n_chunks, got)
        np.testing.assert_allclose(got, expected, rtol=1e-14)
    posteriors = rng.dirichlet(np.ones(n_components), size=n_samples)
    counts = np.zeros((n_components, n_features, n_symbols))
    for f in range(n_features):
        for k in range(n_components):
            np.add.at(counts[k, f], X[:, f], posteriors[:, k])
    one = np.zeros((1, n_features, n_symbols, n_components))
    many = np.zeros((7, n_features, n_symbols, n_components))
    _categorical_kernels.categorical_counts(X, posteriors, 1, one)
    _categorical_kernels.categorical_counts(X, posteriors, 7, many)
    np.testing.assert_allclose(one.sum(axis=0).transpose(2, 0, 1), counts, rtol=1e-13)
    np.testing.assert_allclose(many.sum(axis=0), one[0], rtol=1e-13)


def test_log_likelihood_and_counts_of_the_distribution_functions():
    rng = np.random.RandomState(4)
    X = rng.randint(3, size=(50, 2)).astype(np.intp)
    probs = rng.dirichlet(np.ones(3), size=(4, 2))
    expected = np.log(probs[:, 0, X[:, 0]] * probs[:, 1, X[:, 1]]).T
    np.testing.assert_allclose(_categorical.log_likelihood(X, probs), expected)
    weights = rng.dirichlet(np.ones(4), size=50)
    counts = _categorical.expected_counts(X, weights, 3)
    np.testing.assert_allclose(counts[:, 1, 2], weights[X[:, 1] == 2].sum(axis=0))


def test_categorical_draws_have_the_given_frequencies():
    rng = np.random.RandomState(5)
    row_probs = np.tile([[0.2, 0.5, 0.3]], (20000, 1, 1))
    symbols = _categorical.sample(row_probs, rng)
    frequencies = np.bincount(symbols[:, 0], minlength=3) / 20000
    np.testing.assert_allclose(frequencies, [0.2, 0.5, 0.3], atol=0.015)


def test_poisson_log_likelihood_against_scipy():
    rng = np.random.RandomState(6)
    X = rng.poisson(3.0, size=(40, 2)).astype(np.float64)
    rates = np.array([[1.0, 2.0], [4.0, 0.5], [3.0, 3.0]])
    expected = np.stack(
        [stats.poisson.logpmf(X, rate).sum(axis=1) for rate in rates], axis=1
    )
    np.testing.assert_allclose(_poisson.log_likelihood(X, rates), expected, rtol=1e-12)
    weights = rng.dirichlet(np.ones(3), size=40)
    total, weighted = _poisson.expected_sums(X, weights)
    np.testing.assert_allclose(total, weights.sum(axis=0))
    np.testing.assert_allclose(weighted, weights.T @ X)
