"""GaussianMixture: skgen against scikit-learn, same data, same start.

20 EM iterations with tol=0 from one fully specified starting point (weights,
means, precisions) for each covariance type; median of interleaved runs. Also
the first call's compile time, ``import skgen`` time, peak memory of a fit, and
the full-covariance kernel's floating-point rate against a large matrix
product on this machine.

Usage: python benchmarks/bench_gaussian_mixture.py [--quick]
"""

import argparse
import statistics
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import (  # noqa: E402
    interleaved,
    machine,
    matmul_gflops,
    run_python,
    write_results,
)

COVARIANCE_TYPES = ["full", "tied", "diag", "spherical"]
TARGETS = {"full": 3.0, "tied": 3.0, "diag": 5.0, "spherical": 5.0}


def make_data(n_samples, n_features, n_components, seed=0):
    rng = np.random.default_rng(seed)
    # Overlapping blobs: responsibilities are not all exactly 0 or 1.
    centres = rng.uniform(-2.5, 2.5, (n_components, n_features))
    labels = rng.integers(n_components, size=n_samples)
    scales = rng.uniform(0.5, 1.5, (n_components, n_features))
    return centres[labels] + scales[labels] * rng.standard_normal(
        (n_samples, n_features)
    )


def starting_point(X, n_components, covariance_type):
    from sklearn.mixture import GaussianMixture

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        init = GaussianMixture(
            n_components, covariance_type=covariance_type, max_iter=0, random_state=0
        ).fit(X[:20000])
    return dict(
        n_components=n_components,
        covariance_type=covariance_type,
        weights_init=init.weights_,
        means_init=init.means_,
        precisions_init=init.precisions_,
        max_iter=20,
        tol=0.0,
    )


def time_fits(X, n_components, repeats):
    from sklearn.mixture import GaussianMixture as SkGaussianMixture

    from skgen.mixture import GaussianMixture

    rows = []
    for covariance_type in COVARIANCE_TYPES:
        params = starting_point(X, n_components, covariance_type)
        ours, ref = GaussianMixture(**params), SkGaussianMixture(**params)
        ours.fit(X[:1000])  # compile outside the timings
        medians, _ = interleaved(
            {"scikit-learn": lambda: ref.fit(X), "skgen": lambda: ours.fit(X)}, repeats
        )
        agreement = np.max(np.abs(ours.means_ - ref.means_)) / np.max(
            np.abs(ref.means_)
        )
        sk_ms = 1000 * medians["scikit-learn"] / params["max_iter"]
        sg_ms = 1000 * medians["skgen"] / params["max_iter"]
        rows.append(
            {
                "covariance_type": covariance_type,
                "sklearn_ms_per_iter": sk_ms,
                "skgen_ms_per_iter": sg_ms,
                "speedup": sk_ms / sg_ms,
                "target": TARGETS[covariance_type],
                "max_rel_diff_means": float(agreement),
                "lower_bound_diff": float(abs(ours.lower_bound_ - ref.lower_bound_)),
            }
        )
        print(rows[-1], flush=True)
    return rows


_COLD = """
import json, time, numpy as np
t0 = time.perf_counter()
import skgen
from skgen.mixture import GaussianMixture
t_import = time.perf_counter() - t0
X = np.random.default_rng(0).standard_normal((2000, 16))
out = {{"import_s": t_import}}
for ct in ("full", "tied", "diag", "spherical"):
    t = time.perf_counter()
    GaussianMixture(4, covariance_type=ct, max_iter=2, tol=0, random_state=0).fit(X)
    first = time.perf_counter() - t
    t = time.perf_counter()
    GaussianMixture(4, covariance_type=ct, max_iter=2, tol=0, random_state=0).fit(X)
    out[ct] = first - (time.perf_counter() - t)
print(json.dumps(out))
"""

_IMPORT = """
import json, time
t0 = time.perf_counter()
import {module}
print(json.dumps({{"import_s": time.perf_counter() - t0}}))
"""


def compile_and_import_times(repeats=3):
    import tempfile

    with tempfile.TemporaryDirectory() as cache:
        cold = run_python(_COLD.format(), env={"NUMBA_CACHE_DIR": cache})
        cached = run_python(_COLD.format(), env={"NUMBA_CACHE_DIR": cache})
    imports = {
        module: statistics.median(
            run_python(_IMPORT.format(module=module))["import_s"]
            for _ in range(repeats)
        )
        for module in ("skgen", "sklearn.mixture")
    }
    return cold, cached, imports


_MEMORY = """
import json, warnings, numpy as np
warnings.simplefilter("ignore")
from sklearn.mixture import GaussianMixture as Sk
from skgen.mixture import GaussianMixture as Sg
cls = {{"skgen": Sg, "scikit-learn": Sk}}["{impl}"]
rng = np.random.default_rng(0)
cls(8, covariance_type="{ct}", max_iter=1).fit(rng.standard_normal((1000, 16)))
X = rng.standard_normal(({n}, 16))

def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) / 1024

# Reset the high-water mark (VmHWM) to the current resident size, so that
# compiling and making the data do not hide the fit's own peak.
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")
before = status("VmRSS")
cls(8, covariance_type="{ct}", max_iter=5, tol=0, init_params="random_from_data",
    random_state=0).fit(X)
print(json.dumps({{"extra_peak_mb": status("VmHWM") - before, "data_mb": X.nbytes / 2**20}}))
"""


def peak_memory(n_samples):
    rows = []
    for ct in ("full", "diag"):
        row = {"covariance_type": ct}
        for impl in ("scikit-learn", "skgen"):
            result = run_python(_MEMORY.format(impl=impl, ct=ct, n=n_samples))
            row[impl] = result["extra_peak_mb"]
            row["data_mb"] = result["data_mb"]
        rows.append(row)
    return rows


def full_kernel_flops(n_samples, n_features, n_components, seconds_per_iter):
    """Flops of one full-covariance pass as the kernel does them (square loops)."""
    d, k = n_features, n_components
    per_row_component = 2 * d * d + 2 * d * d + 4 * d  # x@L, scatter, diff and sums
    flops = n_samples * k * per_row_component
    return flops, flops / seconds_per_iter / 1e9


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, 2 repeats")
    args = parser.parse_args()
    n, d, k = (20_000, 16, 8) if args.quick else (200_000, 16, 8)
    repeats = 2 if args.quick else 5

    info = machine()
    X = make_data(n, d, k)
    rows = time_fits(X, k, repeats)
    cold, cached, imports = compile_and_import_times()
    memory = peak_memory(n)
    gemm = matmul_gflops()
    full = next(r for r in rows if r["covariance_type"] == "full")
    flops, rate = full_kernel_flops(n, d, k, full["skgen_ms_per_iter"] / 1000)

    lines = [
        "# GaussianMixture: skgen vs scikit-learn",
        "",
        f"n_samples={n:,}, n_features={d}, n_components={k}; 20 EM iterations, tol=0, "
        f"from the same weights/means/precisions; median of {repeats} interleaved runs.",
        "",
        "Machine: " + ", ".join(f"{key} {value}" for key, value in info.items()),
        "",
        "| covariance_type | scikit-learn ms/iter | skgen ms/iter | speed-up | target "
        "| max rel. diff of means | lower-bound diff |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        met = "met" if r["speedup"] >= r["target"] else "MISSED"
        lines.append(
            f"| {r['covariance_type']} | {r['sklearn_ms_per_iter']:.1f} "
            f"| {r['skgen_ms_per_iter']:.1f} | {r['speedup']:.2f}x "
            f"| {r['target']:.0f}x ({met}) | {r['max_rel_diff_means']:.1e} "
            f"| {r['lower_bound_diff']:.1e} |"
        )
    lines += [
        "",
        "## Compile and import",
        "",
        "| | seconds |",
        "|---|---:|",
        f"| import skgen | {imports['skgen']:.3f} |",
        f"| import sklearn.mixture | {imports['sklearn.mixture']:.3f} |",
    ]
    for ct in ("full", "tied", "diag", "spherical"):
        note = " (shares diag's kernels)" if ct == "spherical" else ""
        lines.append(
            f"| first fit, {ct}{note}: compile (empty cache) / load (cached) "
            f"| {cold[ct]:.2f} / {cached[ct]:.2f} |"
        )
    lines += [
        "",
        f"## Peak memory of a fit (MB above the data; data {memory[0]['data_mb']:.0f} MB)",
        "",
        "| covariance_type | scikit-learn | skgen |",
        "|---|---:|---:|",
    ]
    for m in memory:
        lines.append(
            f"| {m['covariance_type']} | {m['scikit-learn']:.0f} | {m['skgen']:.0f} |"
        )
    lines += [
        "",
        "## How far from the machine's limit",
        "",
        f"Full-covariance pass: {flops / 1e9:.2f} GFLOP per iteration as the kernel "
        f"computes it (square loops over the triangular factor; half of it useful), "
        f"{rate:.1f} GFLOP/s, against {gemm:.1f} GFLOP/s for a 2000x2000 float64 "
        f"matrix product on all cores: {100 * rate / gemm:.0f}% of it.",
        "",
    ]
    data = {
        "machine": info,
        "size": {
            "n_samples": n,
            "n_features": d,
            "n_components": k,
            "repeats": repeats,
        },
        "fits": rows,
        "compile_s": cold,
        "cached_load_s": cached,
        "import_s": imports,
        "peak_memory_mb": memory,
        "matmul_gflops": gemm,
        "full_kernel_gflops": rate,
    }
    write_results(
        "gaussian_mixture" + ("_quick" if args.quick else ""), "\n".join(lines), data
    )


if __name__ == "__main__":
    main()
