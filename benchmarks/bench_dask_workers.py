"""Dask worker processes on shared cores: Numba threads per worker.

A ``dask.distributed.LocalCluster`` of 2 worker processes with one thread
each, on this 2-core machine; exact EM (full covariances, 8 components,
3 iterations, the same start) on 1,000,000 x 16 rows persisted on the workers
in 2 blocks. The workers are started without ``NUMBA_NUM_THREADS``: what a
user gets by default. skgen limits a task's kernels to the worker's threads
(``skgen.utils._dask.worker_threads``); ``--tree`` runs the same on another
checkout of skgen (e.g. one from before that limit) for comparison. Also the
same fit in one process on 1 and 2 Numba threads, and the workers started with
``NUMBA_NUM_THREADS=1`` (the old advice). Every configuration runs in a fresh
interpreter; median of 3 fresh runs each, interleaved.

Usage: python benchmarks/bench_dask_workers.py [--tree OTHER_CHECKOUT] [--quick]
"""

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import machine, run_python, write_results  # noqa: E402
from benchmarks.bench_scale import (  # noqa: E402
    N_COMPONENTS,
    N_ITER,
    write_memmap,
    write_start,
)

_CLUSTER = """
import json, time, warnings
import numpy as np
warnings.simplefilter("ignore")
import dask.array as da
from distributed import Client, LocalCluster, wait
from skgen.mixture import GaussianMixture

def threads_in_task(_):
    import numba
    from skgen.mixture import GaussianMixture  # noqa: F401
    try:
        from skgen.utils._dask import worker_threads
    except ImportError:  # a checkout from before the limit
        return numba.get_num_threads()
    with worker_threads():
        return numba.get_num_threads()

if __name__ == "__main__":
    start = dict(np.load("{start}"))
    params = dict(n_components={k}, tol=0.0, **start)
    X_np = np.array(np.load("{data}", mmap_mode="r")[:{n}])
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None,
                      env={env}) as cluster, Client(cluster) as client:
        X = da.from_array(X_np, chunks=(-(-{n} // 2), -1)).persist()
        wait(X)
        GaussianMixture(**params, max_iter=1).fit(X)  # warm up
        t = time.perf_counter()
        model = GaussianMixture(**params, max_iter={n_iter}).fit(X)
        per_iter = (time.perf_counter() - t) / {n_iter}
        threads = client.gather(client.map(threads_in_task, range(2), pure=False))
    print(json.dumps({{"s_per_iter": per_iter, "numba_threads_in_task": threads,
                      "lower_bound": float(model.lower_bound_)}}))
"""

_IN_MEMORY = """
import json, time, warnings
import numpy as np
warnings.simplefilter("ignore")
from skgen.mixture import GaussianMixture
start = dict(np.load("{start}"))
X = np.array(np.load("{data}", mmap_mode="r")[:{n}])
GaussianMixture({k}, tol=0.0, max_iter=1, **start).fit(X[:5000])
t = time.perf_counter()
model = GaussianMixture({k}, tol=0.0, max_iter={n_iter}, **start).fit(X)
print(json.dumps({{"s_per_iter": (time.perf_counter() - t) / {n_iter},
                  "lower_bound": float(model.lower_bound_)}}))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", help="another skgen checkout to compare with")
    parser.add_argument("--quick", action="store_true", help="small sizes, 1 run")
    args = parser.parse_args()
    n = 100_000 if args.quick else 1_000_000
    repeats = 1 if args.quick else 3
    here = str(Path(__file__).resolve().parents[1])
    configs = {
        "2 workers x 1 thread, Numba threads not set (skgen)": (here, "{}"),
        "2 workers x 1 thread, NUMBA_NUM_THREADS=1": (
            here,
            '{"NUMBA_NUM_THREADS": "1"}',
        ),
        "1 process, 2 Numba threads": (here, None),
        "1 process, 1 Numba thread": (here, "1"),
    }
    if args.tree:
        configs["2 workers x 1 thread, Numba threads not set (other tree)"] = (
            args.tree,
            "{}",
        )
    times = {name: [] for name in configs}
    extra = {}
    with tempfile.TemporaryDirectory() as tmp:
        data, start = f"{tmp}/X.npy", f"{tmp}/start.npz"
        write_memmap(data, n, seed=1)
        write_start(data, start)
        fmt = dict(start=start, data=data, n=n, k=N_COMPONENTS, n_iter=N_ITER)
        for r in range(repeats):
            names = list(configs) if r % 2 == 0 else list(configs)[::-1]
            for name in names:
                tree, env = configs[name]
                if env is None or not env.startswith("{"):
                    threads = "2" if env is None else env
                    out = run_python(
                        _IN_MEMORY.format(**fmt),
                        env={"PYTHONPATH": tree, "NUMBA_NUM_THREADS": threads},
                    )
                else:
                    out = run_python(
                        _CLUSTER.format(**fmt, env=env), env={"PYTHONPATH": tree}
                    )
                times[name].append(out["s_per_iter"])
                extra[name] = out
                print(name, out, flush=True)
    lines = [
        "# Dask worker processes: Numba threads per worker",
        "",
        f"{n:,} rows x 16, full covariances, 8 components, {N_ITER} EM iterations "
        "from the same start; LocalCluster of 2 worker processes x 1 thread, 2 row "
        f"blocks persisted on the workers; median of {repeats} fresh runs.",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in machine().items()),
        "",
        "| configuration | s / iteration | Numba threads in a task |",
        "|---|---:|---:|",
    ]
    rows = []
    for name in configs:
        med = statistics.median(times[name])
        seen = extra[name].get("numba_threads_in_task")
        rows.append({"configuration": name, "s_per_iter": med, "threads": seen})
        shown = "-" if seen is None else ", ".join(map(str, seen))
        lines.append(f"| {name} | {med:.3f} | {shown} |")
    bounds = [e["lower_bound"] for e in extra.values()]
    lines += [
        "",
        f"Lower bounds agree to {np.ptp(bounds):.1e} across configurations.",
        "",
    ]
    write_results(
        "dask_workers" + ("_quick" if args.quick else ""),
        "\n".join(lines),
        {"machine": machine(), "n_samples": n, "rows": rows, "times": times},
    )


if __name__ == "__main__":
    main()
