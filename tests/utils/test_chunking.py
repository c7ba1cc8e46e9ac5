"""Fixed partitions of rows: sizes alone decide them, never the threads."""

import numpy as np
import pytest

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
