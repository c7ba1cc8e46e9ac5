"""Fixed partitions of rows: sizes alone decide them, never the threads."""

import pickle
import subprocess
import sys

import numba
import numpy as np
import pytest

from skgen.mixture._kernels import em_pass_diag, em_pass_full_tiles
from skgen.utils import _chunking, _threads
from skgen.utils._chunking import (
    MAX_CHUNKS,
    PARTIALS_BUDGET_BYTES,
    chunk_bounds,
    n_chunks_for,
    row_blocks,
)


@pytest.mark.parametrize("n_samples", [1, 511, 512, 513, 10_000, 10**7])
def test_chunks_depend_on_size_only_and_are_bounded(n_samples):
    n = n_chunks_for(n_samples, stat_size=100)
    assert 1 <= n <= MAX_CHUNKS
    assert n <= max(1, n_samples)
    assert n == n_chunks_for(n_samples, stat_size=100)


def test_chunk_partials_stay_in_budget():
    stat_size = 50 * 100 * 101  # 50 full covariances in 100 dimensions
    n = n_chunks_for(10**7, stat_size)
    assert n * stat_size * 8 <= PARTIALS_BUDGET_BYTES


@pytest.mark.parametrize("n_items, n_chunks", [(0, 1), (7, 3), (512, 128), (10, 10)])
def test_chunk_bounds_cover_every_item_once_in_order(n_items, n_chunks):
    bounds = [chunk_bounds(c, n_chunks, n_items) for c in range(n_chunks)]
    assert bounds[0][0] == 0 and bounds[-1][1] == n_items
    for (_, stop), (start, _) in zip(bounds[:-1], bounds[1:]):
        assert stop == start
    sizes = [stop - start for start, stop in bounds]
    assert max(sizes) - min(sizes) <= 1


def test_row_blocks_read_the_block_size_at_call_time(monkeypatch):
    from skgen.utils import _chunking

    assert [(b.start, b.stop) for b in row_blocks(10, 4)] == [(0, 4), (4, 8), (8, 10)]
    monkeypatch.setattr(_chunking, "BLOCK_ROWS", 3)
    covered = np.concatenate([np.arange(10)[rows] for rows in row_blocks(10)])
    np.testing.assert_array_equal(covered, np.arange(10))
    assert len(list(row_blocks(10))) == 4
    assert list(row_blocks(0)) == []


# -- a kernel's two builds ----------------------------------------------------


def test_each_build_of_a_kernel_compiles_only_when_a_call_needs_it():
    code = """
import numpy as np
from skgen.mixture import GaussianMixture
from skgen.mixture import _kernels
# 200 rows: one chunk, so the fit runs (and compiles) the serial build only.
GaussianMixture(2, random_state=0).fit(np.random.default_rng(0).random((200, 3)))
kernel = _kernels.em_pass_full_tiles
print(len(kernel.serial.signatures), len(kernel.parallel.signatures))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["1", "0"]


def test_the_build_follows_chunks_work_and_threads(monkeypatch):
    kernel = em_pass_full_tiles
    # Whatever else the machine runs (see test_threads for that rule).
    monkeypatch.setattr(_threads, "cores_left_free", lambda: 64)
    assert kernel.build_for(1) is kernel.serial
    with _threads.threads_for(0):  # small work
        assert kernel.build_for(8) is kernel.serial
    with _threads.threads_for(_threads.SMALL_WORK):
        expected = kernel.serial if numba.get_num_threads() == 1 else kernel.parallel
        assert kernel.build_for(8) is expected
    for build in ("serial", "parallel"):
        with _threads.forced_build(build):
            assert kernel.build_for(1) is getattr(kernel, build)
    monkeypatch.setattr(numba, "get_num_threads", lambda: 1)
    assert kernel.build_for(8) is kernel.serial


@pytest.mark.parametrize("n_samples", [700, 5000])
def test_both_builds_give_the_same_bits(n_samples):
    # The reassociating diagonal kernel too: its vector width must not differ.
    rng = np.random.default_rng(5)
    X = rng.standard_normal((n_samples, 6))
    means = rng.standard_normal((3, 6))
    half_precisions = rng.random((3, 6)) + 0.5
    offsets = rng.standard_normal(3)
    n_chunks = n_chunks_for(n_samples)
    assert n_chunks > 1
    serial = em_pass_diag.serial(X, means, half_precisions, offsets, n_chunks)
    parallel = em_pass_diag.parallel(X, means, half_precisions, offsets, n_chunks)
    for a, b in zip(serial, parallel):
        np.testing.assert_array_equal(a, b)


def test_a_kernel_pickles_as_itself():
    assert pickle.loads(pickle.dumps(em_pass_full_tiles)) is em_pass_full_tiles
    assert "em_pass_full_tiles" in repr(em_pass_full_tiles)


def test_narrow_rows_go_in_longer_blocks(monkeypatch):
    monkeypatch.setattr(_chunking, "BLOCK_ROWS", 1000)
    monkeypatch.setattr(_chunking, "BLOCK_FLOATS_PER_ROW", 64)
    assert _chunking.rows_per_block(64) == 1000
    assert _chunking.rows_per_block(24) == 2666  # 8 states: 3 floats each
    assert _chunking.rows_per_block(640) == 100
    assert _chunking.rows_per_block(10**9) == 1
