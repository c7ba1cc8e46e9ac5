"""Named statistics: sums of row blocks add up, per-row averages blend."""

from typing import NamedTuple

import numpy as np

from skgen.utils._statistics import add_sums, blend_sums, scale_sums


class Inner(NamedTuple):
    counts: np.ndarray
    total: float


class Outer(NamedTuple):
    log_likelihood: float
    inner: Inner
    absent: object


def _stats(X):
    return Outer(float(X.sum()), Inner(X.sum(axis=0), float(len(X))), None)


def test_sums_of_blocks_equal_the_sums_of_all_rows():
    X = np.random.RandomState(0).normal(size=(30, 3))
    parts = [_stats(X[:7]), _stats(X[7:20]), _stats(X[20:])]
    total = add_sums(parts)
    assert isinstance(total, Outer) and isinstance(total.inner, Inner)
    whole = _stats(X)
    np.testing.assert_allclose(total.inner.counts, whole.inner.counts, rtol=1e-14)
    assert total.inner.total == 30.0 and total.absent is None
    assert total.log_likelihood == sum(p.log_likelihood for p in parts)
    # The parts are not modified.
    np.testing.assert_array_equal(parts[0].inner.counts, X[:7].sum(axis=0))


def test_scale_and_blend_are_entry_wise():
    a, b = _stats(np.ones((4, 2))), _stats(np.full((2, 2), 3.0))
    half = scale_sums(a, 0.5)
    np.testing.assert_array_equal(half.inner.counts, [2.0, 2.0])
    mixed = blend_sums(a, b, 0.25)
    np.testing.assert_allclose(mixed.inner.counts, 0.75 * 4.0 + 0.25 * 6.0)
    assert mixed.inner.total == 0.75 * 4 + 0.25 * 2
    assert mixed.absent is None
