"""Shared by the benchmark scripts: machine description, timing, tables."""

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
ROOT = Path(__file__).resolve().parents[1]


def machine():
    """What the numbers were measured on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import numba

    return {
        "python": platform.python_version(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "numba_threads": numba.get_num_threads(),
        "numba_threading_layer": _threading_layer(),
        **{pkg: version(pkg) for pkg in ("numpy", "scipy", "scikit-learn", "numba")},
    }


def _threading_layer():
    import numba
    import numpy as np

    @numba.njit(parallel=True)
    def touch(a):
        for i in numba.prange(a.shape[0]):
            a[i] += 1.0

    touch(np.zeros(4))
    return numba.threading_layer()


def interleaved(runs, repeats, settle=0.2):
    """Median wall time of each callable, the callables alternating each round.

    Alternating (and reversing the order every other round) spreads drifts of
    the machine's speed evenly over the contenders.
    """
    times = {name: [] for name in runs}
    names = list(runs)
    for r in range(repeats):
        for name in names if r % 2 == 0 else names[::-1]:
            # Let the previous contender's idle BLAS / OpenMP threads stop
            # spinning, so neither side pays for the other's thread pool.
            time.sleep(settle)
            start = time.perf_counter()
            runs[name]()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(ts) for name, ts in times.items()}, times


def matmul_gflops(n=2000, repeats=5, dtype="float64"):
    """What this machine does on a large matrix product (all cores)."""
    import numpy as np

    a = np.random.default_rng(0).standard_normal((n, n)).astype(dtype)
    a @ a
    best = min(_timed(lambda: a @ a) for _ in range(repeats))
    return 2 * n**3 / best / 1e9


def _timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run_python(code, env=None):
    """Run ``code`` in a fresh interpreter; return its last stdout line as JSON."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=full_env,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def write_results(name, markdown, data):
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.md").write_text(markdown)
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n")
    print(markdown)
    print(f"written: {RESULTS / (name + '.md')}")


def write_rst_table(name, header, rows):
    """``results/<name>.rst``: a table the user guide includes, so that the
    numbers in the docs are the benchmark's last full run."""
    lines = [".. list-table::", "   :header-rows: 1", ""]
    for row in [header, *rows]:
        lines.append(f"   * - {row[0]}")
        lines += [f"     - {cell}" for cell in row[1:]]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.rst").write_text("\n".join(lines) + "\n")


def breast_cancer_split(seed):
    """breast_cancer 70/30 (stratified), standardised on the training rows."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test = train_test_split(X, test_size=0.3, random_state=seed, stratify=y)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test)


def gaussian_mixture_baseline(seed, max_components=4):
    """A synthesiser baseline: fit(X) -> sample(n), a full-covariance
    GaussianMixture with its number of components chosen by BIC."""
    from skgen.mixture import GaussianMixture

    def fit(X):
        best = min(
            (
                GaussianMixture(k, covariance_type="full", random_state=seed).fit(X)
                for k in range(1, max_components + 1)
            ),
            key=lambda m: m.bic(X),
        )
        return lambda n: best.sample(n, random_state=seed)[0]

    return fit


def fit_ctgan_model(model, X, seed):
    """Fit a ctgan synthesiser (CTGAN, TVAE) on the rows of ``X``; return
    sample(n) -> an (n, n_features) array."""
    import pandas as pd

    model.set_random_state(seed)
    model.fit(pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])]))
    return lambda n: model.sample(n).to_numpy()
