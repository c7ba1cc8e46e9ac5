"""BayesianGaussianMixture: skgen against scikit-learn, same data, same start.

Both are initialised by one fit with ``max_iter=1`` (the same k-means start);
each timed run is a copy of that model continued with ``warm_start=True`` for
20 iterations at ``tol=0``, so it times iterations only. Median of interleaved
runs, per covariance type, for the Dirichlet-process prior (the default).

Usage: python benchmarks/bench_bayesian_mixture.py [--quick]
"""

import argparse
import copy
import sys
import warnings
from importlib.metadata import version
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import (  # noqa: E402
    interleaved,
    machine,
    write_results,
    write_rst_table,
)
from benchmarks.bench_gaussian_mixture import make_data  # noqa: E402

COVARIANCE_TYPES = ["full", "tied", "diag", "spherical"]
TARGETS = {"full": 3.0, "tied": 3.0, "diag": 5.0, "spherical": 5.0}
N_ITER = 20


def warm_copies(X, n_components, covariance_type):
    """The two models after one identical iteration, ready to continue."""
    from sklearn.mixture import BayesianGaussianMixture as SkBayesian

    from skgen.mixture import BayesianGaussianMixture

    params = dict(
        n_components=n_components,
        covariance_type=covariance_type,
        max_iter=1,
        random_state=0,
    )
    models = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, cls in (
            ("scikit-learn", SkBayesian),
            ("skgen", BayesianGaussianMixture),
        ):
            model = cls(**params).fit(X)
            model.set_params(warm_start=True, max_iter=N_ITER, tol=0.0)
            models[name] = model
    return models


def continued(model, X):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return copy.deepcopy(model).fit(X)


def time_fits(X, n_components, repeats):
    rows = []
    for covariance_type in COVARIANCE_TYPES:
        models = warm_copies(X, n_components, covariance_type)
        continued(models["skgen"], X[:2000])  # compile outside the timings
        medians, _ = interleaved(
            {name: (lambda m=m: continued(m, X)) for name, m in models.items()},
            repeats,
        )
        ref, ours = (continued(models[name], X) for name in ("scikit-learn", "skgen"))
        agreement = np.max(np.abs(ours.means_ - ref.means_)) / np.max(
            np.abs(ref.means_)
        )
        bound = float(np.squeeze(ref.lower_bound_))
        sk_ms = 1000 * medians["scikit-learn"] / N_ITER
        sg_ms = 1000 * medians["skgen"] / N_ITER
        rows.append(
            {
                "covariance_type": covariance_type,
                "sklearn_ms_per_iter": sk_ms,
                "skgen_ms_per_iter": sg_ms,
                "speedup": sk_ms / sg_ms,
                "target": TARGETS[covariance_type],
                "max_rel_diff_means": float(agreement),
                "lower_bound_rel_diff": abs(ours.lower_bound_ - bound) / abs(bound),
            }
        )
        print(rows[-1], flush=True)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, 2 repeats")
    args = parser.parse_args()
    n, d, k = (20_000, 16, 8) if args.quick else (200_000, 16, 8)
    repeats = 2 if args.quick else 5
    info = machine()
    rows = time_fits(make_data(n, d, k), k, repeats)
    lines = [
        "# BayesianGaussianMixture: skgen vs scikit-learn",
        "",
        f"n_samples={n:,}, n_features={d}, n_components={k}, Dirichlet-process "
        f"prior; {N_ITER} iterations at tol=0 continued (warm start) from the same "
        f"one-iteration fit; median of {repeats} interleaved runs. Peer: "
        f"scikit-learn {version('scikit-learn')}.",
        "",
        "Machine: " + ", ".join(f"{key} {value}" for key, value in info.items()),
        "",
        "| covariance_type | scikit-learn ms/iter | skgen ms/iter | speed-up | target "
        "| max rel. diff of means | rel. diff of lower bound |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        met = "met" if r["speedup"] >= r["target"] else "MISSED"
        lines.append(
            f"| {r['covariance_type']} | {r['sklearn_ms_per_iter']:.1f} "
            f"| {r['skgen_ms_per_iter']:.1f} | {r['speedup']:.2f}x "
            f"| {r['target']:.0f}x ({met}) | {r['max_rel_diff_means']:.1e} "
            f"| {r['lower_bound_rel_diff']:.1e} |"
        )
    name = "bayesian_mixture_quick" if args.quick else "bayesian_mixture"
    if not args.quick:
        write_rst_table(
            "bayesian_mixture_table",
            ["covariance_type", "scikit-learn ms/iter", "skgen ms/iter", "speed-up"],
            [
                [
                    f"``'{r['covariance_type']}'``",
                    f"{r['sklearn_ms_per_iter']:.1f}",
                    f"{r['skgen_ms_per_iter']:.1f}",
                    f"{r['speedup']:.1f}x",
                ]
                for r in rows
            ],
        )
    write_results(name, "\n".join(lines) + "\n", {"machine": info, "rows": rows})


if __name__ == "__main__":
    main()
