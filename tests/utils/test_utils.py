import pytest

from skgen.datasets import DATASETS, load_dataset
from skgen.utils._chunking import MAX_CHUNKS, PARTIALS_BUDGET_BYTES, n_chunks_for


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


def test_load_dataset_knows_its_names():
    for name in DATASETS:
        assert load_dataset(name).data.ndim == 2
    with pytest.raises(ValueError, match="Unknown data set 'mnist'"):
        load_dataset("mnist")
