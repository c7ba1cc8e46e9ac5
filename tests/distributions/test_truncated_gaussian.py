"""The normal restricted to a box: its probability against closed forms and
scipy's multivariate normal CDF, its draws against rejection."""

import numpy as np
import pytest
from scipy.stats import ks_2samp, multivariate_normal, norm

from skgen.distributions._truncated_gaussian import (
    MAX_DIMENSIONS,
    box_probability,
    sample_box,
)


def random_problem(r, seed):
    rng = np.random.RandomState(seed)
    root = rng.normal(size=(r, r))
    cov = root @ root.T + 0.5 * np.eye(r)
    mean = rng.normal(size=r)
    low = mean - rng.uniform(0.1, 1.5, r)
    high = low + rng.uniform(0.05, 2.0, r)
    return mean, cov, low, high


@pytest.mark.parametrize("r", [1, 2, 3])
def test_independent_box_is_a_product_of_interval_masses(r):
    mean, cov, low, high = random_problem(r, r)
    cov = np.diag(np.diag(cov))
    scale = np.sqrt(np.diag(cov))
    expected = np.prod(norm.cdf((high - mean) / scale) - norm.cdf((low - mean) / scale))
    assert box_probability(mean, cov, low, high) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("r, seed", [(2, 0), (2, 1), (3, 2), (3, 3)])
def test_correlated_box_equals_scipy(r, seed):
    mean, cov, low, high = random_problem(r, seed)
    expected = multivariate_normal(mean, cov).cdf(high, lower_limit=low)
    # scipy's integration is quasi-Monte Carlo (error about 1e-7 here).
    assert box_probability(mean, cov, low, high) == pytest.approx(expected, rel=1e-6)


def test_far_tail_box_keeps_its_digits():
    cov = np.array([[1.0, 0.5], [0.5, 1.0]])
    low, high = np.array([6.0, 6.0]), np.array([6.5, 7.0])
    expected = multivariate_normal(np.zeros(2), cov).cdf(high, lower_limit=low)
    assert box_probability(np.zeros(2), cov, low, high) == pytest.approx(
        expected, rel=1e-6
    )


def test_batch_of_means():
    mean, cov, low, high = random_problem(2, 4)
    means = mean + np.linspace(-1, 1, 5)[:, np.newaxis]
    one_by_one = [box_probability(m, cov, low, high) for m in means]
    np.testing.assert_allclose(box_probability(means, cov, low, high), one_by_one)


@pytest.mark.parametrize("r, seed", [(1, 5), (2, 6), (3, 7)])
def test_draws_equal_rejection(r, seed):
    mean, cov, low, high = random_problem(r, seed)
    pool = multivariate_normal(mean, cov).rvs(3_000_000, random_state=seed)
    pool = pool.reshape(-1, r)
    inside = pool[np.all((pool >= low) & (pool <= high), axis=1)]
    drawn = sample_box(mean, cov, low, high, 50_000, np.random.RandomState(seed))
    assert np.all((drawn >= low) & (drawn <= high))
    spread = inside.std(axis=0)
    assert np.all(np.abs(drawn.mean(axis=0) - inside.mean(axis=0)) < 0.03 * spread)
    np.testing.assert_allclose(drawn.std(axis=0), spread, rtol=0.03)
    if r > 1:
        np.testing.assert_allclose(
            np.corrcoef(drawn.T), np.corrcoef(inside.T), atol=0.03
        )
    # Each coordinate's distribution, not only its moments.
    for j in range(r):
        assert ks_2samp(drawn[:, j], inside[:, j]).pvalue > 1e-3


def test_draws_are_reproducible_and_per_row_means_work():
    mean, cov, low, high = random_problem(2, 8)
    a = sample_box(mean, cov, low, high, 100, np.random.RandomState(0))
    b = sample_box(mean, cov, low, high, 100, np.random.RandomState(0))
    np.testing.assert_array_equal(a, b)
    means = np.repeat(mean[np.newaxis], 100, axis=0)
    means[50:] += 0.3
    c = sample_box(means, cov, low, high, 100, np.random.RandomState(0))
    assert np.all((c >= low) & (c <= high))


def test_too_many_dimensions_are_refused():
    r = MAX_DIMENSIONS + 1
    with pytest.raises(ValueError, match=f"{r} values given as ranges"):
        sample_box(np.zeros(r), np.eye(r), -np.ones(r), np.ones(r), 5, np.random)
