"""Kernel density: skgen's brute-force score_samples against scikit-learn's tree.

skgen.neighbors.KernelDensity scores by a parallel Numba kernel over all
training rows (Euclidean metric, atol=rtol=0); scikit-learn's KernelDensity
walks a k-d tree, which prunes little above about ten features. Both compute
the exact log-density. Gaussian and Epanechnikov kernels, d in {2, 8, 16, 32},
20,000 standard-normal training rows and 5,000 queries; skgen on 1 and 2
threads (scikit-learn's tree runs on one). The bandwidth is the 1% quantile of
query-training distances, so the Epanechnikov kernel has about 1% of the
rows in range of a query.

The kernel's arithmetic is counted as 3 d flops per (query, training row)
pair for the squared distance (a subtraction, a product, a sum), kernel
evaluation not counted, and set against a large float64 matrix product on the
same number of threads (2 flops per multiply-add). Then sampling: rows per
second for each kernel, against scikit-learn's for the two it samples; and the
first call's compile time (fresh interpreter, empty Numba cache) apart from a
warm call. Median of interleaved runs.

Usage: python benchmarks/bench_kde.py [--quick]
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import (  # noqa: E402
    interleaved,
    machine,
    run_python,
    write_results,
)

KERNELS = ("gaussian", "epanechnikov")
SAMPLE_KERNELS = (
    "gaussian",
    "tophat",
    "epanechnikov",
    "exponential",
    "linear",
    "cosine",
)

_COMPILE = """
import json, time
import numpy as np
from skgen.neighbors import KernelDensity
X = np.random.default_rng(0).standard_normal((2000, 8))
kde = KernelDensity(kernel="gaussian").fit(X)
cosine = KernelDensity(kernel="cosine").fit(X)
times = []
for call in (kde.score_samples, kde.score_samples, cosine.sample):
    start = time.perf_counter()
    call(100) if call == cosine.sample else call(X[:100])
    times.append(time.perf_counter() - start)
print(json.dumps(dict(zip(["first", "warm", "sample_first"], times))))
"""


def matmul_gflops(threads, n=2000, repeats=3):
    """float64 ``A @ B`` on ``threads`` BLAS threads, GFLOP/s (best of runs)."""
    from threadpoolctl import threadpool_limits

    a = np.random.default_rng(0).standard_normal((n, n))
    with threadpool_limits(threads, user_api="blas"):
        a @ a
        best = np.inf
        for _ in range(repeats):
            start = time.perf_counter()
            a @ a
            best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best / 1e9


def bandwidth(X, Q):
    dist = np.linalg.norm(Q[:200, None, :] - X[None, :1000, :], axis=-1)
    return float(np.quantile(dist, 0.01))


def with_threads(threads, fn):
    import numba

    def run():
        previous = numba.get_num_threads()
        numba.set_num_threads(threads)
        try:
            return fn()
        finally:
            numba.set_num_threads(previous)

    return run


def score_rows(n_train, n_queries, dims, repeats):
    from sklearn.neighbors import KernelDensity as SkKernelDensity

    from skgen.neighbors import KernelDensity

    rng = np.random.default_rng(0)
    rows = []
    for d in dims:
        X = rng.standard_normal((n_train, d))
        Q = rng.standard_normal((n_queries, d))
        h = bandwidth(X, Q)
        for kernel in KERNELS:
            ours = KernelDensity(kernel=kernel, bandwidth=h).fit(X)
            theirs = SkKernelDensity(kernel=kernel, bandwidth=h).fit(X)
            ours.score_samples(Q[:8])  # compiled (or loaded) before timing
            times, _ = interleaved(
                {
                    "scikit-learn": lambda t=theirs, Q=Q: t.score_samples(Q),
                    "skgen 1 thread": with_threads(
                        1, lambda o=ours, Q=Q: o.score_samples(Q)
                    ),
                    "skgen 2 threads": with_threads(
                        2, lambda o=ours, Q=Q: o.score_samples(Q)
                    ),
                },
                repeats,
                settle=0.1,
            )
            a, b = ours.score_samples(Q), theirs.score_samples(Q)
            finite = np.isfinite(a) & np.isfinite(b)
            row = {
                "d": d,
                "kernel": kernel,
                "bandwidth": h,
                "times": times,
                "max_rel_diff": float(
                    np.max(np.abs(a[finite] - b[finite]) / np.abs(b[finite]))
                ),
                "pairs": n_train * n_queries,
            }
            rows.append(row)
            print(row, flush=True)
    return rows


def sample_rows(n_train, n_samples, d, repeats):
    from sklearn.neighbors import KernelDensity as SkKernelDensity

    from skgen.neighbors import KernelDensity

    X = np.random.default_rng(1).standard_normal((n_train, d))
    rows = []
    for kernel in SAMPLE_KERNELS:
        ours = KernelDensity(kernel=kernel, bandwidth=0.3).fit(X)
        ours.sample(10, random_state=0)
        runs = {"skgen": lambda o=ours: o.sample(n_samples, random_state=0)}
        if kernel in ("gaussian", "tophat"):
            theirs = SkKernelDensity(kernel=kernel, bandwidth=0.3).fit(X)
            runs["scikit-learn"] = lambda t=theirs: t.sample(n_samples, random_state=0)
        times, _ = interleaved(runs, repeats, settle=0.05)
        rows.append({"kernel": kernel, "times": times, "n_samples": n_samples})
        print(rows[-1], flush=True)
    return rows


def compile_rows():
    rows = {}
    with tempfile.TemporaryDirectory() as cache:
        env = {"NUMBA_CACHE_DIR": cache}
        for label in ("empty cache", "cached"):
            rows[label] = run_python(_COMPILE, env=env)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, 1 repeat")
    args = parser.parse_args()
    n_train, n_queries = (4_000, 1_000) if args.quick else (20_000, 5_000)
    repeats = 1 if args.quick else 3
    dims = (2, 8, 16, 32)
    gflops = {t: matmul_gflops(t) for t in (1, 2)}
    score = score_rows(n_train, n_queries, dims, repeats)
    sampling = sample_rows(n_train, 20_000 if args.quick else 200_000, 8, repeats)
    compiled = compile_rows()

    info = machine()
    lines = [
        "# Kernel density: skgen brute force vs scikit-learn's tree",
        "",
        f"score_samples of {n_queries:,} queries against {n_train:,} training rows "
        f"(standard normal), exact (atol=rtol=0); median of {repeats} interleaved "
        "runs; ratio = skgen / scikit-learn (below 1: skgen faster). Bandwidth: "
        "the 1% quantile of query-training distances. GFLOP/s counts 3 d flops "
        "per pair (the squared distance; kernel evaluation not counted), against "
        f"a 2000 x 2000 float64 matrix product: {gflops[1]:.1f} GFLOP/s on one "
        f"BLAS thread, {gflops[2]:.1f} on two. max rel. diff: largest relative "
        "difference of the log-densities from scikit-learn's (where both are "
        "finite; scikit-learn's tree is the less exact of the two in high d, see "
        "doc/design.rst).",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in info.items()),
        "",
        "| d | kernel | sklearn s | skgen 1 thr s | ratio | skgen 2 thr s | ratio "
        "| GFLOP/s 1 thr (% of GEMM) | GFLOP/s 2 thr (% of GEMM) | max rel. diff |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in score:
        t = r["times"]
        sk, one, two = t["scikit-learn"], t["skgen 1 thread"], t["skgen 2 threads"]
        flops = 3 * r["d"] * r["pairs"] / 1e9
        lines.append(
            f"| {r['d']} | {r['kernel']} | {sk:.3f} | {one:.3f} | {one / sk:.2f} "
            f"| {two:.3f} | {two / sk:.2f} "
            f"| {flops / one:.1f} ({100 * flops / one / gflops[1]:.0f}%) "
            f"| {flops / two:.1f} ({100 * flops / two / gflops[2]:.0f}%) "
            f"| {r['max_rel_diff']:.1e} |"
        )
    lines += [
        "",
        f"## sample: {sampling[0]['n_samples']:,} rows, d = 8, {n_train:,} "
        "training rows",
        "",
        "| kernel | skgen rows/s | scikit-learn rows/s |",
        "|---|---:|---:|",
    ]
    for r in sampling:
        n, t = r["n_samples"], r["times"]
        sk = f"{n / t['scikit-learn']:,.0f}" if "scikit-learn" in t else "(not sampled)"
        lines.append(f"| {r['kernel']} | {n / t['skgen']:,.0f} | {sk} |")
    lines += [
        "",
        "## First call (fresh interpreter; 100 queries, 2,000 x 8 training rows)",
        "",
        "| Numba cache | first score_samples s | warm s | first cosine sample s |",
        "|---|---:|---:|---:|",
    ]
    for label, c in compiled.items():
        lines.append(
            f"| {label} | {c['first']:.2f} | {c['warm']:.4f} "
            f"| {c['sample_first']:.3f} |"
        )
    lines.append("")
    write_results(
        "kde" + ("_quick" if args.quick else ""),
        "\n".join(lines),
        {
            "machine": info,
            "matmul_gflops": gflops,
            "score_samples": score,
            "sample": sampling,
            "compile": compiled,
        },
    )


if __name__ == "__main__":
    main()
