"""Scale: memory of streaming and chunked prediction, a 10^7-row fit from a
memmap, and exact EM on a Dask cluster against its number of workers.

1. Peak memory of predict / score_samples / predict_proba above the data and
   the output, for growing n_samples (GaussianMixture, GaussianNB,
   GaussianHMM): does it grow with n_samples?
2. A GaussianMixture (full covariances, 8 components) fitted on 10^7 rows x 16
   stored in a .npy file and read through numpy memmaps: exact EM over dask
   row blocks on one process, and one pass of ``partial_fit``; peak resident
   memory and time. Against scikit-learn at the largest size it holds in
   4 GB, and skgen in memory at that size. The same start for all, 3 EM
   iterations, tol=0.
3. Exact EM on a ``dask.distributed.LocalCluster`` (worker processes of one
   thread, Numba on one thread each): seconds per iteration against the
   number of workers and of row blocks, and the cost of an iteration whose
   blocks return their statistics at once (scheduling, transfer, reduction
   and M-step: the overhead of distributing).

Every measurement runs in a fresh interpreter. Usage:
python benchmarks/bench_scale.py [--quick]
"""

import argparse
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import machine, run_python, write_results  # noqa: E402

N_FEATURES, N_COMPONENTS, N_ITER = 16, 8, 3
MEMORY_BUDGET_MB = 4096

_PRELUDE = """
import json, time, warnings
import numpy as np
warnings.simplefilter("ignore")

def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) / 1024

def reset_peak():
    # The high-water mark (VmHWM) back to the current resident size.
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
"""

# -- 1. chunked prediction -------------------------------------------------------

_PREDICT = (
    _PRELUDE
    + """
from skgen.hmm import GaussianHMM
from skgen.mixture import GaussianMixture
from skgen.naive_bayes import GaussianNB
rng = np.random.default_rng(0)
X = rng.standard_normal(({n}, {d}))
name = "{model}"
if name == "GaussianMixture":
    model = GaussianMixture({k}, max_iter=2).fit(X[:20000])
    calls = {{m: {{}} for m in ("predict", "score_samples", "predict_proba")}}
elif name == "GaussianNB":
    model = GaussianNB().fit(X[:20000], rng.integers({k}, size=20000))
    calls = {{m: {{}} for m in ("predict", "score_samples", "predict_proba")}}
else:
    model = GaussianHMM({k}, n_iter=2).fit(X[:20000], lengths=[1000] * 20)
    lengths = [1000] * ({n} // 1000)
    calls = {{m: {{"lengths": lengths}}
             for m in ("predict", "score_samples", "predict_proba")}}
out = {{"data_mb": X.nbytes / 2**20}}
for method, kwargs in calls.items():
    getattr(model, method)(X[:2000], **{{k: [1000, 1000] for k in kwargs}})
    reset_peak()
    before = status("VmRSS")
    result = getattr(model, method)(X, **kwargs)
    out[method] = status("VmHWM") - before - result.nbytes / 2**20
    del result
print(json.dumps(out))
"""
)


def prediction_memory(sizes):
    rows = []
    for model in ("GaussianMixture", "GaussianNB", "GaussianHMM"):
        for n in sizes:
            code = _PREDICT.format(n=n, d=N_FEATURES, k=N_COMPONENTS, model=model)
            result = run_python(code)
            rows.append({"model": model, "n_samples": n, **result})
            print(rows[-1], flush=True)
    return rows


# -- 2. a fit from a memmap ----------------------------------------------------


def write_memmap(path, n_samples, seed=0, block=1_000_000):
    """Overlapping blobs, written block by block (bounded memory)."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-2.5, 2.5, (N_COMPONENTS, N_FEATURES))
    scales = rng.uniform(0.5, 1.5, (N_COMPONENTS, N_FEATURES))
    out = np.lib.format.open_memmap(
        path, mode="w+", dtype=np.float64, shape=(n_samples, N_FEATURES)
    )
    for start in range(0, n_samples, block):
        stop = min(start + block, n_samples)
        labels = rng.integers(N_COMPONENTS, size=stop - start)
        out[start:stop] = centres[labels] + scales[labels] * rng.standard_normal(
            (stop - start, N_FEATURES)
        )
    out.flush()
    del out


def write_start(data_path, start_path):
    """The starting point every contender gets: scikit-learn's on 20,000 rows."""
    from sklearn.mixture import GaussianMixture

    X = np.array(np.load(data_path, mmap_mode="r")[:20000])
    init = GaussianMixture(N_COMPONENTS, max_iter=0, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        init.fit(X)
    np.savez(
        start_path,
        weights_init=init.weights_,
        means_init=init.means_,
        precisions_init=init.precisions_,
    )


_FIT = (
    _PRELUDE
    + """
start = dict(np.load("{start}"))
params = dict(n_components={k}, max_iter={n_iter}, tol=0.0, **start)
mode, path, n = "{mode}", "{data}", {n}
if mode in ("scikit-learn", "skgen in memory"):
    from sklearn.mixture import GaussianMixture as Sk
    from skgen.mixture import GaussianMixture as Sg
    cls = Sk if mode == "scikit-learn" else Sg
    X = np.array(np.load(path, mmap_mode="r")[:n])
    cls(**{{**params, "max_iter": 1}}).fit(X[:5000])  # compile / warm up
    reset_peak()
    before = status("VmRSS")
    t = time.perf_counter()
    model = cls(**params).fit(X)
    seconds = time.perf_counter() - t
    peak, base = status("VmHWM"), before - X.nbytes / 2**20
else:
    import dask
    import dask.array as da
    from skgen.mixture import GaussianMixture

    class MemmapRows:
        # Rows of a .npy file: each block read through a numpy memmap that is
        # released once the block is copied, so no page stays mapped.
        def __init__(self, path):
            mm = np.load(path, mmap_mode="r")
            self.path, self.shape, self.dtype, self.ndim = path, mm.shape, mm.dtype, 2
        def __getitem__(self, key):
            return np.array(np.load(self.path, mmap_mode="r")[key])

    GaussianMixture(**{{**params, "max_iter": 1}}).fit(
        np.array(np.load(path, mmap_mode="r")[:5000]))  # compile / warm up
    reset_peak()
    base = status("VmRSS")
    t = time.perf_counter()
    if mode == "skgen dask, memmap blocks":
        X = da.from_array(MemmapRows(path), chunks=({block}, -1), asarray=False)
        with dask.config.set(scheduler="synchronous"):
            model = GaussianMixture(**params).fit(X)
    else:  # one pass of partial_fit, batch by batch
        model = GaussianMixture(**params)
        reader = MemmapRows(path)
        for start_row in range(0, n, {block}):
            model.partial_fit(reader[start_row:start_row + {block}])
    seconds = time.perf_counter() - t
    peak = status("VmHWM")
print(json.dumps({{"seconds": seconds, "peak_mb": peak, "base_mb": base,
                  "lower_bound": float(model.lower_bound_)}}))
"""
)


def fit_from_memmap(n_big, sk_sizes, block):
    rows = []
    with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR")) as tmp:
        data, start = f"{tmp}/X.npy", f"{tmp}/start.npz"
        t = time.perf_counter()
        write_memmap(data, n_big)
        print(f"wrote {n_big:,} rows in {time.perf_counter() - t:.1f} s", flush=True)
        write_start(data, start)

        def run(mode, n):
            code = _FIT.format(
                start=start,
                data=data,
                mode=mode,
                n=n,
                k=N_COMPONENTS,
                n_iter=N_ITER,
                block=block,
            )
            result = {"mode": mode, "n_samples": n, **run_python(code)}
            print(result, flush=True)
            rows.append(result)
            return result

        # scikit-learn's peak grows linearly with n: measure two sizes, then
        # fit at the largest size that stays within the budget.
        small = [run("scikit-learn", n) for n in sk_sizes]
        slope = (small[1]["peak_mb"] - small[0]["peak_mb"]) / (
            sk_sizes[1] - sk_sizes[0]
        )
        fits = int((MEMORY_BUDGET_MB - small[1]["peak_mb"]) / slope) + sk_sizes[1]
        n_sk = min(n_big, max(sk_sizes[1], fits // 500_000 * 500_000))
        if n_sk > sk_sizes[1]:
            run("scikit-learn", n_sk)
        run("skgen in memory", n_sk)
        run("skgen dask, memmap blocks", n_big)
        run("skgen partial_fit, memmap batches", n_big)
    return rows, n_sk


# -- 3. exact EM on a cluster ------------------------------------------------------

_CLUSTER = (
    _PRELUDE
    + """
import dask
import dask.array as da
from distributed import Client, LocalCluster, wait
from skgen.mixture import GaussianMixture
from skgen.utils import _dask
from skgen.utils._statistics import add_sums

def zero_sums(block, shapes):
    # A block whose statistics are ready at once: what is left of an
    # iteration is scheduling, transfer, the reduction and the M-step.
    return tuple(np.zeros(shape) for shape in shapes)

if __name__ == "__main__":
    start = dict(np.load("{start}"))
    params = dict(n_components={k}, tol=0.0, **start)
    X_np = np.array(np.load("{data}", mmap_mode="r")[:{n}])
    out = {{"workers": {workers}, "rows": []}}
    one_thread = {{"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}}
    with LocalCluster(n_workers={workers}, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None,
                      env=one_thread) as cluster, Client(cluster) as client:
        for n_blocks in {blocks}:
            X = da.from_array(X_np, chunks=(-(-{n} // n_blocks), -1)).persist()
            wait(X)
            GaussianMixture(**params, max_iter=1).fit(X)  # warm up
            t = time.perf_counter()
            model = GaussianMixture(**params, max_iter={n_iter}).fit(X)
            per_iter = (time.perf_counter() - t) / {n_iter}
            d, kk = X.shape[1], {k}
            shapes = [(), (kk,), (kk, d), (kk, d, d), ()]
            blocks = _dask.row_blocks(X)
            times = []
            for _ in range(5):
                t = time.perf_counter()
                parts = [dask.delayed(zero_sums)(b, shapes) for b in blocks]
                _dask.compute(_dask.tree_reduce(add_sums, parts))
                model._m_step(model._running_stats)
                times.append(time.perf_counter() - t)
            out["rows"].append({{"blocks": n_blocks, "s_per_iter": per_iter,
                                "overhead_s": sorted(times)[2],
                                "lower_bound": float(model.lower_bound_)}})
            del X
    print(json.dumps(out))
"""
)

_IN_MEMORY_ITER = (
    _PRELUDE
    + """
from skgen.mixture import GaussianMixture
start = dict(np.load("{start}"))
X = np.array(np.load("{data}", mmap_mode="r")[:{n}])
GaussianMixture({k}, tol=0.0, max_iter=1, **start).fit(X[:5000])
t = time.perf_counter()
GaussianMixture({k}, tol=0.0, max_iter={n_iter}, **start).fit(X)
print(json.dumps({{"s_per_iter": (time.perf_counter() - t) / {n_iter}}}))
"""
)


def cluster_scaling(n, blocks):
    with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR")) as tmp:
        data, start = f"{tmp}/X.npy", f"{tmp}/start.npz"
        write_memmap(data, n, seed=1)
        write_start(data, start)
        fmt = dict(start=start, data=data, n=n, k=N_COMPONENTS, n_iter=N_ITER)
        in_memory = {
            threads: run_python(
                _IN_MEMORY_ITER.format(**fmt),
                env={"NUMBA_NUM_THREADS": str(threads)},
            )["s_per_iter"]
            for threads in (1, 2)
        }
        results = [
            run_python(_CLUSTER.format(**fmt, workers=w, blocks=list(blocks)))
            for w in (1, 2)
        ]
    for r in results:
        print(r, flush=True)
    return in_memory, results


# -- report ------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes")
    args = parser.parse_args()
    if args.quick:
        predict_sizes = [100_000, 400_000]
        n_big, sk_sizes, block = 1_000_000, [100_000, 200_000], 250_000
        n_cluster, blocks = 200_000, [2, 8]
    else:
        predict_sizes = [250_000, 1_000_000, 4_000_000]
        n_big, sk_sizes, block = 10_000_000, [500_000, 1_000_000], 500_000
        n_cluster, blocks = 1_000_000, [2, 8, 32]

    info = machine()
    t0 = time.perf_counter()
    # The machine may be shared: the load before each part says how free it was.
    load = {"prediction": os.getloadavg()[0]}
    predict_rows = prediction_memory(predict_sizes)
    load["memmap"] = os.getloadavg()[0]
    fit_rows, n_sk = fit_from_memmap(n_big, sk_sizes, block)
    load["cluster"] = os.getloadavg()[0]
    in_memory, cluster = cluster_scaling(n_cluster, blocks)
    total = time.perf_counter() - t0

    lines = [
        "# Scale: streaming, a 10^7-row fit from a memmap, EM on Dask",
        "",
        "Machine: "
        + ", ".join(f"{key} {value}" for key, value in info.items())
        + f"; benchmark wall time {total:.0f} s. One-minute load average before "
        "each part (other jobs on the machine): "
        + ", ".join(f"{part} {value:.1f}" for part, value in load.items())
        + ".",
        "",
        "## 1. Chunked prediction: peak memory above the data and the output (MB)",
        "",
        f"{N_FEATURES} features, {N_COMPONENTS} components / classes / states; "
        "HMM sequences of 1,000 rows. Constant in n_samples = chunked.",
        "",
        "| model | n_samples | data MB | predict | score_samples | predict_proba |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in predict_rows:
        lines.append(
            f"| {r['model']} | {r['n_samples']:,} | {r['data_mb']:.0f} "
            f"| {r['predict']:.0f} | {r['score_samples']:.0f} "
            f"| {r['predict_proba']:.0f} |"
        )
    lines += [
        "",
        f"## 2. GaussianMixture, full covariances, {N_COMPONENTS} components, "
        f"{N_FEATURES} features: {N_ITER} EM iterations from one start",
        "",
        f"Rows read from a .npy file through numpy memmaps in blocks of {block:,} "
        "rows (each memmap released after its block). scikit-learn at the "
        f"largest size whose peak fits in {MEMORY_BUDGET_MB} MB (extrapolated "
        "from two smaller fits, then measured). Peak = the process's VmHWM "
        "(interpreter and libraries included); base = its resident size "
        "before the fit, without the data.",
        "",
        "| contender | n_samples | seconds | s / EM pass | peak MB | base MB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in fit_rows:
        passes = N_ITER if "partial_fit" not in r["mode"] else 1
        lines.append(
            f"| {r['mode']} | {r['n_samples']:,} | {r['seconds']:.1f} "
            f"| {r['seconds'] / passes:.2f} | {r['peak_mb']:.0f} "
            f"| {r['base_mb']:.0f} |"
        )
    lines += [
        "",
        "partial_fit makes one pass of stepwise EM (one update per batch), "
        "not the exact EM iterations of the other rows.",
        "",
        f"## 3. Exact EM on a LocalCluster: {n_cluster:,} rows x {N_FEATURES}, "
        f"full, {N_COMPONENTS} components",
        "",
        "Workers are processes of one thread, Numba on one thread each; the "
        "data persisted on the workers. In memory, one process: "
        f"{in_memory[1]:.3f} s / iteration on 1 Numba thread, "
        f"{in_memory[2]:.3f} s on 2. Overhead = an iteration whose blocks "
        "return their statistics at once (scheduling, transfer, the ordered "
        "reduction and the M-step), median of 5.",
        "",
        "| workers | row blocks | s / iteration | iterations / s | overhead s |",
        "|---:|---:|---:|---:|---:|",
    ]
    for result in cluster:
        for r in result["rows"]:
            lines.append(
                f"| {result['workers']} | {r['blocks']} | {r['s_per_iter']:.3f} "
                f"| {1 / r['s_per_iter']:.2f} | {r['overhead_s']:.4f} |"
            )
    lines.append("")
    data = {
        "machine": info,
        "prediction_memory_mb": predict_rows,
        "memmap_fit": fit_rows,
        "scikit_learn_largest_n": n_sk,
        "in_memory_s_per_iter": in_memory,
        "cluster": cluster,
        "load_average": load,
        "wall_s": total,
    }
    write_results("scale" + ("_quick" if args.quick else ""), "\n".join(lines), data)


if __name__ == "__main__":
    main()
