"""Dask is optional: skgen imports, and fits numpy input, without it."""

import subprocess
import sys

import numpy as np

from skgen.utils._dask import any_dask, is_dask_collection


def test_importing_every_module_imports_no_dask():
    code = (
        "import sys\n"
        "from skgen.utils import all_estimators\n"
        "all_estimators()\n"  # imports every module of skgen
        "import numpy as np\n"
        "from skgen.hmm import GaussianHMM\n"
        "from skgen.naive_bayes import GaussianNB\n"
        "X = np.random.RandomState(0).normal(size=(40, 2))\n"
        "GaussianHMM(2, n_iter=2).fit(X).predict(X)\n"
        "GaussianNB().fit(X, X[:, 0] > 0).predict(X)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'dask')\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_dask_input_is_recognised_by_its_type_only():
    class FakeArray:  # a class of another package named like dask's
        pass

    FakeArray.__module__ = "dask.array.core"
    assert is_dask_collection(FakeArray())
    assert not is_dask_collection(np.ones(3))
    assert not is_dask_collection([1.0, 2.0])
    assert not any_dask(np.ones(3), None, [1])
    assert any_dask(None, FakeArray())
