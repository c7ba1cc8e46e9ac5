"""The ``skgen`` command line."""

import argparse
import sys
import time
import warnings

import numpy as np

from skgen.datasets import DATASETS, load_dataset


def _mixture_report(dataset, max_components, seed, out):
    """Fit GaussianMixture by BIC on a bundled data set; print what it learned."""
    from sklearn import mixture as sk_mixture
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    from skgen.mixture import GaussianMixture

    data = load_dataset(dataset)
    X_train, X_test = train_test_split(
        data.data, test_size=0.3, random_state=seed, stratify=data.target
    )
    scaler = StandardScaler().fit(X_train)
    Z_train, Z_test = scaler.transform(X_train), scaler.transform(X_test)
    print(
        f"skgen: Gaussian mixture on {dataset!r} "
        f"({X_train.shape[0]} training rows, {X_test.shape[0]} held out, "
        f"{X_train.shape[1]} features, standardised)",
        file=out,
    )

    covariance_types = ("full", "tied", "diag", "spherical")
    print("\nBIC on the training rows (lower is better)", file=out)
    print(f"{'k':>3} " + " ".join(f"{c:>11}" for c in covariance_types), file=out)
    best = None
    start = time.perf_counter()
    for k in range(1, max_components + 1):
        row = []
        for covariance_type in covariance_types:
            gm = GaussianMixture(
                k, covariance_type=covariance_type, n_init=3, random_state=seed
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                gm.fit(Z_train)
            bic = gm.bic(Z_train)
            row.append(bic)
            if best is None or bic < best[0]:
                best = (bic, k, covariance_type, gm)
        print(f"{k:>3} " + " ".join(f"{b:>11.1f}" for b in row), file=out)
    elapsed = time.perf_counter() - start
    _, k, covariance_type, gm = best
    print(
        f"\nchosen: {k} components, covariance_type={covariance_type!r} "
        f"({max_components * len(covariance_types)} models fitted in {elapsed:.2f} s)",
        file=out,
    )

    reference = sk_mixture.GaussianMixture(
        k, covariance_type=covariance_type, n_init=3, random_state=seed
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference.fit(Z_train)
    print("\nheld-out mean log-likelihood (standardised units)", file=out)
    print(f"  skgen        {gm.score(Z_test):10.5f}", file=out)
    print(f"  scikit-learn {reference.score(Z_test):10.5f}  (same settings)", file=out)

    X_new, labels = gm.sample(5, random_state=seed)
    X_new = scaler.inverse_transform(X_new)
    names = [str(name) for name in data.feature_names]
    width = max(10, *(len(n) for n in names[:6]))
    print("\nfive rows sampled from the model (original units)", file=out)
    print("component " + " ".join(f"{n[:width]:>{width}}" for n in names[:6]), file=out)
    for label, row in zip(labels, X_new):
        print(f"{label:>9} " + " ".join(f"{v:>{width}.2f}" for v in row[:6]), file=out)
    return 0


def main(argv=None, out=None):
    """Entry point of ``skgen`` and ``python -m skgen``."""
    out = sys.stdout if out is None else out
    parser = argparse.ArgumentParser(
        prog="skgen",
        description=(
            "Fit skgen's generative models on a data set bundled with "
            "scikit-learn and report what they learned."
        ),
    )
    parser.add_argument(
        "--data",
        default="iris",
        choices=DATASETS,
        help="bundled data set (default: iris)",
    )
    parser.add_argument(
        "--max-components",
        type=int,
        default=6,
        help="largest number of mixture components tried (default: 6)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    args = parser.parse_args(argv)
    if args.max_components < 1:
        parser.error("--max-components must be at least 1")
    np.set_printoptions(precision=3, suppress=True)
    return _mixture_report(args.data, args.max_components, args.seed, out)
