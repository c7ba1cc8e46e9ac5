import numpy as np
import pytest


@pytest.fixture(params=[0, 1, 2])
def seed(request):
    """A few seeds, for tests that must not hold by the luck of one."""
    return request.param


@pytest.fixture(params=[np.float64, np.float32], ids=["float64", "float32"])
def dtype(request):
    return request.param


@pytest.fixture(scope="session")
def dask_client():
    """One ``dask.distributed.LocalCluster`` for the session's Dask tests: 2
    worker processes of 1 thread each, on loopback; closed at the end."""
    distributed = pytest.importorskip("dask.distributed")
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.fixture
def no_materialising(monkeypatch):
    """Turning a whole dask batch into one numpy array (in this process) fails."""
    da = pytest.importorskip("dask.array")

    def refuse(self, *args, **kwargs):
        raise AssertionError("a dask batch was materialised in the client")

    monkeypatch.setattr(da.Array, "__array__", refuse)
