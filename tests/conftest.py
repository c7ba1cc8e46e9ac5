import numpy as np
import pytest


@pytest.fixture(params=[0, 1, 2])
def seed(request):
    """A few seeds, for tests that must not hold by the luck of one."""
    return request.param


@pytest.fixture(params=[np.float64, np.float32], ids=["float64", "float32"])
def dtype(request):
    return request.param
