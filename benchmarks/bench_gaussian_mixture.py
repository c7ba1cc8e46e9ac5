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
import time
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


def time_fits(X, n_components, repeats, covariance_types=COVARIANCE_TYPES, max_iter=20):
    from sklearn.mixture import GaussianMixture as SkGaussianMixture

    from skgen.mixture import GaussianMixture

    rows = []
    for covariance_type in covariance_types:
        params = starting_point(X, n_components, covariance_type)
        params["max_iter"] = max_iter
        ours, ref = GaussianMixture(**params), SkGaussianMixture(**params)
        ours.fit(X[:1000])  # compile outside the timings
        medians, _ = interleaved(
            {
                "scikit-learn": lambda ref=ref: ref.fit(X),
                "skgen": lambda ours=ours: ours.fit(X),
            },
            repeats,
        )
        agreement = np.max(np.abs(ours.means_ - ref.means_)) / np.max(
            np.abs(ref.means_)
        )
        sk_ms = 1000 * medians["scikit-learn"] / params["max_iter"]
        sg_ms = 1000 * medians["skgen"] / params["max_iter"]
        rows.append(
            {
                "covariance_type": covariance_type,
                "n_features": X.shape[1],
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
peak = status("VmHWM") - before
print(json.dumps({{"extra_peak_mb": peak, "data_mb": X.nbytes / 2**20}}))
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


def full_kernel_flops(n_samples, n_features, n_components, seconds, dtype="float64"):
    """Flops of one full-covariance pass, two counts, per row and component.

    Dense: both d x d products in full, 4 d^2, plus 4 d for the centring
    and sums; what scikit-learn computes, and how the issue's target (50% of
    the matrix-product rate) was first measured. Executed: what the kernel's
    loops do, counted from their bounds (``_gaussian_kernels``): the
    triangles of the product by the factor and of the scatter, with the
    zeros the loops' blocks and padding take in (from
    ``ROW_MAJOR_MIN_FEATURES`` features each sum runs to a multiple of 128
    bytes), plus the same 4 d.

    Returns ``(dense_flops, executed_flops, dense_gflops_per_s,
    executed_gflops_per_s)``.
    """
    from skgen.distributions._gaussian_kernels import (
        ROW_MAJOR_MIN_FEATURES,
        padded_width,
    )

    d, k = n_features, n_components
    rows = n_samples * k
    dense = rows * (4 * d * d + 4 * d)
    if d < ROW_MAJOR_MIN_FEATURES:
        # Two rows per pass: j < i + 1 for both, and the second's diagonal.
        product = sum(2 * (2 * (i + 1) + 1) for i in range(0, d, 2)) + 2 * d
    else:
        step = 128 // np.dtype(dtype).itemsize
        padded = padded_width(d, dtype)
        product = sum(
            4 * 2 * ((i + 3 + step) // step * step) for i in range(0, padded, 4)
        )
        product += 2 * padded
    blocks = -(-d // 4)
    scatter = blocks * (blocks + 1) // 2 * 16 * 2
    executed = rows * (product + scatter + 4 * d)
    return dense, executed, dense / seconds / 1e9, executed / seconds / 1e9


def time_full_kernel(X, n_components, repeats=7):
    """Median seconds of one full-covariance E+M kernel pass, float64 and
    float32 rows, at the parameters a short fit reaches (realistic
    responsibilities), back to back."""
    from skgen.mixture import GaussianMixture
    from skgen.mixture import _gaussian_mixture as gm

    params = starting_point(X, n_components, "full")
    params["max_iter"] = 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = GaussianMixture(**params).fit(X[:20000])
    seconds = {}
    for dtype in (np.float64, np.float32):
        rows = X.astype(dtype)
        args = (rows, None, model.weights_, model.means_)
        args += (model.precisions_cholesky_, "full")
        gm._e_step_sums(*args)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            gm._e_step_sums(*args)
            times.append(time.perf_counter() - start)
        seconds[np.dtype(dtype).name] = statistics.median(times)
    return seconds


def time_float32_fit(X, n_components, repeats=3):
    """The full fit on float32 rows against float64: time and agreement."""
    from skgen.mixture import GaussianMixture

    params = starting_point(X, n_components, "full")
    X32 = X.astype(np.float32)
    fits = {"float64": GaussianMixture(**params), "float32": GaussianMixture(**params)}
    fits["float64"].fit(X[:1000])
    fits["float32"].fit(X32[:1000])
    medians, _ = interleaved(
        {
            "float64": lambda: fits["float64"].fit(X),
            "float32": lambda: fits["float32"].fit(X32),
        },
        repeats,
    )
    means64, means32 = fits["float64"].means_, fits["float32"].means_
    return {
        "float64_ms_per_iter": 1000 * medians["float64"] / params["max_iter"],
        "float32_ms_per_iter": 1000 * medians["float32"] / params["max_iter"],
        "max_rel_diff_means": float(
            np.max(np.abs(means32 - means64)) / np.max(np.abs(means64))
        ),
    }


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
    gemm_by_dtype = {"float64": gemm, "float32": matmul_gflops(dtype="float32")}
    full = next(r for r in rows if r["covariance_type"] == "full")
    _, _, rate, _ = full_kernel_flops(n, d, k, full["skgen_ms_per_iter"] / 1000)
    # The full covariance at a wider d: 5 iterations (scikit-learn takes
    # seconds per iteration there).
    wide_d = 32 if args.quick else 64
    X_wide = make_data(n, wide_d, k)
    full_rows = [full] + time_fits(
        X_wide, k, max(2, repeats - 2), covariance_types=["full"], max_iter=5
    )
    kernel_rates = []
    for data in (X, X_wide):
        seconds = time_full_kernel(data, k)
        for dtype, sec in seconds.items():
            dense, executed, dense_rate, executed_rate = full_kernel_flops(
                n, data.shape[1], k, sec, dtype
            )
            kernel_rates.append(
                {
                    "n_features": data.shape[1],
                    "dtype": dtype,
                    "ms": 1000 * sec,
                    "gflop": dense / 1e9,
                    "gflops": dense_rate,
                    "share_of_matmul": dense_rate / gemm,
                    "share_of_same_dtype_matmul": dense_rate / gemm_by_dtype[dtype],
                    "executed_gflop": executed / 1e9,
                    "executed_gflops": executed_rate,
                    "executed_share_of_matmul": executed_rate / gemm,
                }
            )
    float32_fit = time_float32_fit(X, k)

    lines = [
        "# GaussianMixture: skgen vs scikit-learn",
        "",
        f"n_samples={n:,}, n_features={d}, n_components={k}; 20 EM iterations, "
        "tol=0, from the same weights/means/precisions; median of "
        f"{repeats} interleaved runs.",
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
        "## Peak memory of a fit (MB above the data; data "
        f"{memory[0]['data_mb']:.0f} MB)",
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
        "## Full covariance: d = 16 and wider",
        "",
        f"Target 8x scikit-learn at both; at d = {wide_d}, 5 EM iterations per fit "
        f"and {max(2, repeats - 2)} interleaved runs.",
        "",
        "| n_features | scikit-learn ms/iter | skgen ms/iter | speed-up | target "
        "| max rel. diff of means |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in full_rows:
        met = "met" if r["speedup"] >= 8 else "MISSED"
        lines.append(
            f"| {r['n_features']} | {r['sklearn_ms_per_iter']:.1f} "
            f"| {r['skgen_ms_per_iter']:.1f} | {r['speedup']:.2f}x | 8x ({met}) "
            f"| {r['max_rel_diff_means']:.1e} |"
        )
    lines += [
        "",
        f"float32 rows (d = {d}): {float32_fit['float32_ms_per_iter']:.1f} ms/iter "
        "against "
        f"{float32_fit['float64_ms_per_iter']:.1f} for float64; means agree to "
        f"{float32_fit['max_rel_diff_means']:.1e} (relative).",
        "",
        "## How far from the machine's limit",
        "",
        "One full-covariance E+M kernel pass (responsibilities and sufficient "
        "statistics; median of 7). Flops counted two ways, per row and "
        "component: dense, 4 d^2 + 4 d (both d x d products in full, as "
        "scikit-learn computes them; the count the 50% target was set in), and "
        "executed, what the kernel's loops do (the triangles of the factor's "
        "product and of the symmetric scatter, with the zeros their blocks and "
        "padding take in; 60-70% of dense). Machine: "
        f"{gemm:.1f} GFLOP/s for a 2000x2000 float64 matrix product on all "
        f"cores, {gemm_by_dtype['float32']:.1f} in float32.",
        "",
        "| n_features | rows | ms | dense GFLOP | dense GFLOP/s | share of the "
        "float64 product | share of the same dtype's | executed GFLOP "
        "| executed GFLOP/s | share of the float64 product |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in kernel_rates:
        lines.append(
            f"| {r['n_features']} | {r['dtype']} | {r['ms']:.1f} | {r['gflop']:.2f} "
            f"| {r['gflops']:.1f} | {100 * r['share_of_matmul']:.0f}% "
            f"| {100 * r['share_of_same_dtype_matmul']:.0f}% "
            f"| {r['executed_gflop']:.2f} | {r['executed_gflops']:.1f} "
            f"| {100 * r['executed_share_of_matmul']:.0f}% |"
        )
    lines += [
        "",
        f"Whole iteration at d = {d} (kernel, M-step, Cholesky factors; dense "
        f"count): {rate:.1f} GFLOP/s, {100 * rate / gemm:.0f}% of the matrix "
        "product.",
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
        "matmul_gflops_float32": gemm_by_dtype["float32"],
        "full_iteration_gflops": rate,
        "full_fits": full_rows,
        "full_kernel": kernel_rates,
        "float32_fit": float32_fit,
    }
    write_results(
        "gaussian_mixture" + ("_quick" if args.quick else ""), "\n".join(lines), data
    )


if __name__ == "__main__":
    main()
