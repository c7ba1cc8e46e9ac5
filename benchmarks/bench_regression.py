"""GaussianMixtureRegressor against gmr and scikit-learn's regressors.

1. Agreement and speed against gmr (Fabisch's Gaussian mixture regression
   package) from the same mixture: skgen's fitted joint mixture is handed to
   ``gmr.GMM`` and both predict E[y | x] for the same rows.
2. Accuracy and time on real data bundled with scikit-learn (diabetes: 442
   rows, 10 features) by 5-fold cross-validation, against gmr's own EM
   (``GMM.from_samples``) and scikit-learn regressors, all on standardised
   inputs.

Usage: python benchmarks/bench_regression.py [--quick]
"""

import argparse
import sys
import time
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


def gmr_from(model):
    """gmr's mixture with the parameters of skgen's fitted joint mixture."""
    import gmr

    mixture = model.mixture_
    k, d = mixture.means_.shape
    covariances = {
        "full": lambda: mixture.covariances_,
        "tied": lambda: np.repeat(mixture.covariances_[np.newaxis], k, axis=0),
        "diag": lambda: np.array([np.diag(c) for c in mixture.covariances_]),
        "spherical": lambda: np.array([c * np.eye(d) for c in mixture.covariances_]),
    }[mixture.covariance_type]()
    return gmr.GMM(
        n_components=k,
        priors=mixture.weights_,
        means=mixture.means_,
        covariances=covariances,
    )


def agreement_and_speed(n_train, n_query, repeats):
    from skgen.mixture import GaussianMixtureRegressor

    rng = np.random.default_rng(0)
    X = rng.uniform(-3, 3, size=(n_train, 4))
    y = np.sin(X[:, 0]) + X[:, 1] * X[:, 2] + 0.1 * rng.standard_normal(n_train)
    model = GaussianMixtureRegressor(n_components=8, random_state=0).fit(X, y)
    reference = gmr_from(model)
    queries = rng.uniform(-3, 3, size=(n_query, 4))
    ours = model.predict(queries)
    theirs = reference.predict(np.arange(4), queries)[:, 0]
    medians, _ = interleaved(
        {
            "gmr": lambda: reference.predict(np.arange(4), queries),
            "skgen": lambda: model.predict(queries),
        },
        repeats,
    )
    return {
        "n_components": 8,
        "n_features": 4,
        "n_query": n_query,
        "max_abs_diff": float(np.max(np.abs(ours - theirs))),
        "max_rel_diff": float(np.max(np.abs(ours - theirs) / np.abs(theirs).max())),
        "gmr_s": medians["gmr"],
        "skgen_s": medians["skgen"],
    }


class GmrOwnFit:
    """gmr fitted by its own EM, predicting E[y | x] (scikit-learn style)."""

    def __init__(self, n_components, seed):
        self.n_components = n_components
        self.seed = seed

    def fit(self, X, y):
        import gmr

        self.d = X.shape[1]
        self.model = gmr.GMM(
            n_components=self.n_components, random_state=self.seed
        ).from_samples(np.column_stack([X, y]))
        return self

    def predict(self, X):
        return self.model.predict(np.arange(self.d), X)[:, 0]


def cross_validated(seeds):
    from sklearn.datasets import load_diabetes
    from sklearn.ensemble import GradientBoostingRegressor, RandomForestRegressor
    from sklearn.linear_model import LinearRegression
    from sklearn.metrics import r2_score
    from sklearn.model_selection import KFold
    from sklearn.neighbors import KNeighborsRegressor
    from sklearn.preprocessing import StandardScaler

    from skgen.mixture import GaussianMixtureRegressor

    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    y = (y - y.mean()) / y.std()
    models = {
        "skgen GaussianMixtureRegressor (K=1)": lambda s: GaussianMixtureRegressor(
            1, random_state=s
        ),
        "skgen GaussianMixtureRegressor (K=2)": lambda s: GaussianMixtureRegressor(
            2, reg_covar=1e-2, n_init=3, random_state=s
        ),
        "gmr GMM.from_samples (K=2)": lambda s: GmrOwnFit(2, s),
        "LinearRegression": lambda s: LinearRegression(),
        "KNeighborsRegressor(10)": lambda s: KNeighborsRegressor(10),
        "RandomForestRegressor": lambda s: RandomForestRegressor(random_state=s),
        "GradientBoostingRegressor": lambda s: GradientBoostingRegressor(
            random_state=s
        ),
    }
    rows = []
    for name, make in models.items():
        scores, fit_times, predict_times = [], [], []
        for seed in seeds:
            for train, test in KFold(5, shuffle=True, random_state=seed).split(X):
                model = make(seed)
                start = time.perf_counter()
                model.fit(X[train], y[train])
                fit_times.append(time.perf_counter() - start)
                start = time.perf_counter()
                prediction = model.predict(X[test])
                predict_times.append(time.perf_counter() - start)
                scores.append(r2_score(y[test], prediction))
        rows.append(
            {
                "model": name,
                "r2_mean": float(np.mean(scores)),
                "r2_std": float(np.std(scores)),
                "fit_ms": 1000 * float(np.median(fit_times)),
                "predict_ms": 1000 * float(np.median(predict_times)),
            }
        )
        print(rows[-1], flush=True)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, 2 repeats")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    info = machine()
    speed = agreement_and_speed(
        5_000, 20_000 if args.quick else 200_000, 2 if args.quick else 5
    )
    print(speed, flush=True)
    rows = cross_validated(range(1) if args.quick else range(3))
    lines = [
        "# GaussianMixtureRegressor against gmr and scikit-learn",
        "",
        "Machine: " + ", ".join(f"{key} {value}" for key, value in info.items()),
        f"; gmr {version('gmr')}, scikit-learn {version('scikit-learn')}.",
        "",
        "## Same mixture, same predictions",
        "",
        f"A joint mixture of {speed['n_components']} full-covariance components "
        f"fitted by skgen on 5,000 rows of {speed['n_features']} inputs and one "
        "target, handed to gmr.GMM; both predict E[y | x] for "
        f"{speed['n_query']:,} rows.",
        "",
        "| max abs. difference | max rel. difference | gmr s | skgen s | speed-up |",
        "|---:|---:|---:|---:|---:|",
        f"| {speed['max_abs_diff']:.1e} | {speed['max_rel_diff']:.1e} "
        f"| {speed['gmr_s']:.3f} | {speed['skgen_s']:.3f} "
        f"| {speed['gmr_s'] / speed['skgen_s']:.1f}x |",
        "",
        "## Accuracy on diabetes (442 rows, 10 features, standardised)",
        "",
        f"5-fold cross-validation repeated {1 if args.quick else 3} times; R^2 "
        "mean and standard deviation over folds; median fit and predict time.",
        "",
        "| model | R^2 | fit ms | predict ms |",
        "|---|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['model']} | {r['r2_mean']:.3f} +/- {r['r2_std']:.3f} "
            f"| {r['fit_ms']:.1f} | {r['predict_ms']:.2f} |"
        )
    name = "regression_quick" if args.quick else "regression"
    if not args.quick:
        write_rst_table(
            "regression_table",
            ["model", "R^2 (5-fold, 3 repeats)", "fit ms", "predict ms"],
            [
                [
                    r["model"],
                    f"{r['r2_mean']:.3f} +/- {r['r2_std']:.3f}",
                    f"{r['fit_ms']:.1f}",
                    f"{r['predict_ms']:.2f}",
                ]
                for r in rows
            ],
        )
    write_results(
        name, "\n".join(lines) + "\n", {"machine": info, "gmr": speed, "cv": rows}
    )


if __name__ == "__main__":
    main()
