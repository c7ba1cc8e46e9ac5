"""The multinomial distribution functions against scipy.stats."""

import numpy as np
import pytest
from scipy import sparse, stats

from skgen.distributions import _multinomial


def test_log_likelihood_is_the_scipy_multinomial_mass():
    rng = np.random.RandomState(0)
    probs = rng.dirichlet(np.ones(5), size=3)
    X = rng.poisson(2.0, size=(200, 5)).astype(np.float64)
    X[7] = 0.0  # an empty row: mass 1
    totals = X.sum(axis=1).astype(int)
    expected = np.column_stack([stats.multinomial.logpmf(X, totals, p) for p in probs])
    got = _multinomial.log_likelihood(X, np.log(probs))
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(
        _multinomial.log_likelihood(sparse.csr_matrix(X), np.log(probs)),
        expected,
        rtol=1e-12,
        atol=1e-13,
    )
    assert got[7] == pytest.approx([0.0, 0.0, 0.0], abs=1e-14)


def test_samples_split_each_total_by_the_row_probabilities():
    rng = np.random.RandomState(1)
    probs = np.array([[0.7, 0.2, 0.1], [0.05, 0.05, 0.9]])
    rows = np.repeat([0, 1], 20_000)
    totals = np.where(rows == 0, 6, 11)
    X = _multinomial.sample(totals, probs[rows] * 3.0, rng)  # unnormalised
    assert X.dtype == np.float64
    np.testing.assert_array_equal(X.sum(axis=1), totals)
    for k, n in ((0, 6), (1, 11)):
        mean = X[rows == k].mean(axis=0)
        np.testing.assert_allclose(mean, n * probs[k], atol=0.05)
    again = _multinomial.sample(totals, probs[rows] * 3.0, np.random.RandomState(1))
    np.testing.assert_array_equal(X, again)  # the stream decides the draws
