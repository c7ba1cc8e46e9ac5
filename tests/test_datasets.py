"""The data sets the command line and the examples load."""

import pytest

from skgen.datasets import DATASETS, load_dataset


def test_load_dataset_knows_its_names():
    for name in DATASETS:
        assert load_dataset(name).data.ndim == 2
    with pytest.raises(ValueError, match="Unknown data set 'mnist'"):
        load_dataset("mnist")
