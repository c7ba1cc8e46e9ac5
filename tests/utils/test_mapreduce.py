"""One map-reduce for every family: one call in memory, a fixed tree on Dask."""

from typing import NamedTuple

import numba
import numpy as np
import pytest

from skgen.utils._mapreduce import map_reduce


class Sums(NamedTuple):
    rows: float
    total: np.ndarray


def block_sums(X, weights, offset):
    w = np.ones(len(X)) if weights is None else weights
    return Sums(float(len(X)), (w[:, None] * (X + offset)).sum(axis=0))


def test_in_memory_is_one_call_over_all_rows():
    calls = []

    def recorded(X, start_stop, scale):
        calls.append(start_stop)
        return X.sum() * scale

    X = np.arange(12.0).reshape(6, 2)
    result = map_reduce(
        recorded, X, args=(2.0,), block_args=lambda start, stop: ((start, stop),)
    )
    assert result == 2.0 * X.sum()
    assert calls == [(0, 6)]


def test_dask_blocks_add_up_to_the_in_memory_result():
    da = pytest.importorskip("dask.array")
    import dask

    rng = np.random.RandomState(0)
    X, weights = rng.normal(size=(1000, 3)), rng.uniform(size=1000)
    expected = map_reduce(block_sums, X, weights, args=(1.5,))
    dX = da.from_array(X, chunks=((100, 350, 50, 300, 200), 3))
    with dask.config.set(scheduler="synchronous"):
        got = map_reduce(block_sums, dX, weights, args=(1.5,))
        unweighted = map_reduce(block_sums, dX, None, args=(0.0,))
    assert isinstance(got, Sums) and got.rows == 1000.0
    np.testing.assert_allclose(got.total, expected.total, rtol=1e-12)
    np.testing.assert_allclose(unweighted.total, X.sum(axis=0), rtol=1e-12)


def test_dask_tree_adds_blocks_in_a_fixed_order_whatever_the_scheduler():
    da = pytest.importorskip("dask.array")
    import dask

    def first_row(X):
        return [float(X[0, 0])]

    def concatenate(parts):  # not commutative: the order shows
        return [value for part in parts for value in part]

    X = np.arange(40.0).reshape(20, 2)
    dX = da.from_array(X, chunks=(2, 2))  # 10 blocks: a tree of two levels
    for scheduler in ("synchronous", "threads"):
        with dask.config.set(scheduler=scheduler):
            order = map_reduce(first_row, dX, combine=concatenate)
        assert order == list(X[::2, 0])


def test_block_args_see_each_blocks_rows():
    da = pytest.importorskip("dask.array")
    import dask

    seen = []

    def rows_of(X, start, stop):
        return [(start, stop, len(X))]

    dX = da.from_array(np.zeros((7, 1)), chunks=((3, 0, 4), 1))
    with dask.config.set(scheduler="synchronous"):
        got = map_reduce(
            rows_of,
            dX,
            block_args=lambda start, stop: seen.append((start, stop)) or (start, stop),
            combine=lambda parts: sum(parts, []),
        )
    assert got == [(0, 3, 3), (3, 7, 4)]  # the empty block is skipped
    assert seen == [(0, 3), (3, 7)]


def test_kernels_on_a_dask_worker_use_the_workers_threads(dask_client):
    # The session's cluster has workers of one thread: each block's kernels
    # run on one Numba thread, not on every core of the machine.
    import dask.array as da

    def threads_in_block(block):
        return np.array([numba.get_num_threads()])

    X = da.from_array(np.zeros((10, 2)), chunks=(5, -1))

    def most(parts):
        return np.max(parts, axis=0)

    assert map_reduce(threads_in_block, X, combine=most)[0] == 1
