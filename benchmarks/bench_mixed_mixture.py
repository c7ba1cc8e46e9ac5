"""MixedTypeMixture against stepmix: the same numbers from the same start, and speed.

1. Agreement: latent class analysis of anes96's six categorical columns
   (codes), 3 classes. skgen's start (``init_params='random'``,
   ``max_iter=0``) is given to stepmix (which has no ``*_init`` parameter: a
   subclass replaces its initialisation); both run 50 EM iterations with no
   tolerance; the weights, the class-conditional probabilities and the
   log-likelihood trace are compared.
2. Speed: seconds per EM iteration on 200,000 rows of 10 categorical columns
   of 5 codes and 8 classes (and of 4 Gaussian columns more, stepmix's
   'gaussian_diag'), median of interleaved fits from the same start.

Usage: python benchmarks/bench_mixed_mixture.py [--quick]
(needs ``pip install ".[bench]"``: stepmix, statsmodels).
"""

import argparse
import os
import sys
import warnings
from importlib.metadata import version
from pathlib import Path

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import interleaved, machine, write_results  # noqa: E402
from benchmarks._real_tables import anes96  # noqa: E402

FLOOR = 1e-15  # stepmix clips its probabilities to [1e-15, 1 - 1e-15]


def stepmix_from(parameters, **kwargs):
    """A StepMix whose EM starts from ``parameters`` (a get_parameters() dict)."""
    from stepmix.stepmix import StepMix

    class StepMixFrom(StepMix):
        def _initialize_parameters(self, X, random_state):
            self._initialize_parameters_measurement(
                X, random_state, init_emission=False
            )
            self.weights_ = np.array(parameters["weights"], dtype=float)
            self._mm.set_parameters(
                {k: np.copy(v) for k, v in parameters["measurement"].items()}
            )

    return StepMixFrom(**kwargs)


def stepmix_parameters(weights, probs):
    """skgen's (K,) weights and (K, F, L) probabilities as stepmix's dict."""
    n_components, n_features, n_levels = probs.shape
    pis = np.maximum(probs, FLOOR).reshape(n_components, -1)
    return {
        "weights": weights,
        "measurement": {
            "max_n_outcomes": n_levels,
            "total_outcomes": int(n_features * n_levels),
            "pis": pis,
        },
    }


def codes_of_anes96():
    frame = anes96()
    columns = []
    for name in ("PID", "vote", "educ", "selfLR", "ClinLR", "DoleLR"):
        column = frame[name]
        values = column.cat.codes if hasattr(column, "cat") else column - column.min()
        columns.append(np.asarray(values))
    return np.column_stack(columns).astype(np.float64)


def agreement(n_iter=50):
    from skgen.mixture import MixedTypeMixture

    X = codes_of_anes96()
    types = ["categorical"] * X.shape[1]
    params = dict(column_types=types, init_params="random", random_state=0, tol=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = MixedTypeMixture(3, max_iter=0, **params).fit(X)
        ours = MixedTypeMixture(3, max_iter=n_iter, **params).fit(X)
    theirs = stepmix_from(
        stepmix_parameters(start.weights_, start.categorical_probs_),
        n_components=3,
        measurement="categorical",
        max_iter=n_iter,
        abs_tol=0.0,
        rel_tol=0.0,
        progress_bar=0,
    ).fit(X.astype(np.int64))
    pis = theirs.get_parameters()["measurement"]["pis"].reshape(
        ours.categorical_probs_.shape
    )
    valid = ours.categorical_probs_ > 0
    return {
        "rows": X.shape[0],
        "columns": X.shape[1],
        "iterations": n_iter,
        "weights_max_abs": float(np.max(np.abs(theirs.weights_ - ours.weights_))),
        "probs_max_abs": float(
            np.max(np.abs(pis[valid] - ours.categorical_probs_[valid]))
        ),
        "log_likelihood_skgen": float(ours.score(X)),
        "log_likelihood_stepmix": float(theirs.score(X.astype(np.int64))),
    }


def speed(n=200_000, n_iter=10, repeats=5, with_gaussian=False):
    from skgen.mixture import MixedTypeMixture

    rng = np.random.default_rng(0)
    labels = rng.integers(8, size=n)
    probs = rng.dirichlet(np.ones(5), size=(8, 10))
    uniforms = rng.uniform(size=(n, 10, 1))
    X = (uniforms > probs[labels].cumsum(axis=2)).sum(axis=2).astype(np.float64)
    types = ["categorical"] * 10
    measurement = "categorical"
    if with_gaussian:
        X = np.hstack([X, rng.normal(labels[:, None] * 0.5, 1.0, size=(n, 4))])
        types += ["gaussian"] * 4
        measurement = {
            "codes": {"model": "categorical", "n_columns": 10},
            "numbers": {"model": "gaussian_diag", "n_columns": 4},
        }
    params = dict(column_types=types, init_params="random", random_state=0, tol=0.0)
    if with_gaussian:
        params["covariance_type"] = "diag"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = MixedTypeMixture(8, max_iter=0, **params).fit(X)
    start.set_params(warm_start=True, max_iter=n_iter)
    state = {k: v for k, v in vars(start).items() if k.endswith("_")}

    def ours():
        for name, value in state.items():
            setattr(start, name, value)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start.fit(X)

    from stepmix.stepmix import StepMix

    data = X if with_gaussian else X.astype(np.int64)

    def theirs():
        StepMix(
            n_components=8,
            measurement=measurement,
            init_params="random",
            random_state=0,
            max_iter=n_iter,
            abs_tol=0.0,
            rel_tol=0.0,
            progress_bar=0,
        ).fit(data)

    ours()  # compile
    medians, _ = interleaved({"skgen": ours, "stepmix": theirs}, repeats)
    return {name: seconds / n_iter for name, seconds in medians.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    agree = agreement()
    n = 20_000 if args.quick else 200_000
    categorical = speed(n=n, repeats=3 if args.quick else 5)
    mixed = speed(n=n, repeats=3 if args.quick else 5, with_gaussian=True)
    versions = {p: version(p) for p in ("skgen", "stepmix", "numba", "scikit-learn")}
    lines = [
        "# MixedTypeMixture against stepmix",
        "",
        f"Versions: {', '.join(f'{k} {v}' for k, v in versions.items())}; one thread.",
        "",
        "## The same numbers from the same start",
        "",
        f"anes96, {agree['rows']} rows x {agree['columns']} categorical columns, 3 "
        f"classes, {agree['iterations']} EM iterations from skgen's random start:",
        "",
        f"- largest difference of the weights: {agree['weights_max_abs']:.1e}",
        f"- largest difference of the probabilities: {agree['probs_max_abs']:.1e}",
        f"- mean log-likelihood: skgen {agree['log_likelihood_skgen']:.10f}, "
        f"stepmix {agree['log_likelihood_stepmix']:.10f}",
        "",
        f"## Seconds per EM iteration, {n:,} rows, 8 classes",
        "",
        "| columns | stepmix | skgen | speed-up |",
        "|---|---:|---:|---:|",
    ]
    for label, result in (
        ("10 categorical", categorical),
        ("10 categorical + 4 Gaussian (diag)", mixed),
    ):
        lines.append(
            f"| {label} | {result['stepmix']:.4f} | {result['skgen']:.4f} | "
            f"{result['stepmix'] / result['skgen']:.1f}x |"
        )
    write_results(
        "mixed_mixture" + ("_quick" if args.quick else ""),
        "\n".join(lines) + "\n",
        {
            "machine": machine(),
            "versions": versions,
            "agreement": agree,
            "categorical": categorical,
            "mixed": mixed,
        },
    )


if __name__ == "__main__":
    main()
