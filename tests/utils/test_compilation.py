"""skgen's compile listener hears every Numba compile in the process; kernels
loaded from the cache give the bits of a fresh compile."""

import os
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest

from skgen.utils._compilation import CompilationNotice, _FirstCompilation


def compile_event(module):
    def function():
        pass

    function.__module__ = module
    return SimpleNamespace(data={"dispatcher": SimpleNamespace(py_func=function)})


@pytest.mark.parametrize("module", [None, "", "user_code"])
def test_other_code_compiles_silently(module):
    # Functions made by exec() can have no __module__: the listener sees their
    # compiles too and must neither fail them nor announce them.
    listener = _FirstCompilation()
    listener.on_start(compile_event(module))
    assert not listener.announced


def test_skgens_first_compile_is_announced_once():
    listener = _FirstCompilation()
    with pytest.warns(CompilationNotice, match="python -m skgen warmup"):
        listener.on_start(compile_event("skgen.mixture._kernels"))
    assert listener.announced


FITS_TO_COMPARE = """
import sys, warnings
import numpy as np
from skgen.hmm import GaussianHMM
from skgen.mixture import GaussianMixture
from skgen.neighbors import KernelDensity
from skgen.utils._threads import forced_build

warnings.simplefilter("ignore")
rng = np.random.default_rng(0)
out = {}
with forced_build("serial"):
    for d, types in ((3, ("full", "tied", "diag", "spherical")), (37, ("full",))):
        X = rng.standard_normal((300, d)) * rng.uniform(0.5, 2.0, d)
        for cov in types:
            gm = GaussianMixture(3, covariance_type=cov, max_iter=3, tol=0,
                                 random_state=0).fit(X)
            out[f"mixture {cov} {d} means"] = gm.means_
            out[f"mixture {cov} {d} score"] = gm.score_samples(X)
    X[rng.random(X.shape) < 0.1] = np.nan
    out["mixture missing diag"] = GaussianMixture(
        3, covariance_type="diag", max_iter=3, tol=0, random_state=0
    ).fit(X[:, :3]).means_
    Xh = rng.standard_normal((400, 4))
    hmm = GaussianHMM(3, n_iter=3, tol=0, random_state=0).fit(Xh, [200, 200])
    out["hmm posteriors"] = hmm.predict_proba(Xh, [200, 200])
    out["kde"] = KernelDensity(bandwidth=0.7).fit(Xh).score_samples(Xh[:50])
np.savez(sys.argv[1], **out)
"""


def test_cached_kernels_give_the_bits_of_a_fresh_compile(tmp_path):
    # Code Numba runs right after compiling and the code it caches once gave
    # different last bits (the 'contract' flag: a multiply-add fused in one
    # and not the other), so a fit differed between a first run and later
    # ones. The kernels with fast-math flags, fresh then cached; their
    # serial builds (the parallel ones share the loops). About 16 s cold.
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    for run in ("fresh", "cached"):
        result = subprocess.run(
            [sys.executable, "-c", FITS_TO_COMPARE, str(tmp_path / run)],
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
    fresh = np.load(tmp_path / "fresh.npz")
    cached = np.load(tmp_path / "cached.npz")
    assert sorted(fresh.files) == sorted(cached.files)
    differ = [
        key
        for key in fresh.files
        if not np.array_equal(fresh[key], cached[key], equal_nan=True)
    ]
    assert not differ, f"fresh and cached kernels differ in: {differ}"
