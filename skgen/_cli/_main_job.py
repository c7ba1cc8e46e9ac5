"""``skgen``: every model family on a bundled data set, one report section each.

:func:`run` splits and standardises the data, then calls one function per
section of the report, in order: the Gaussian mixtures chosen by BIC, every
family's held-out log-likelihood, the C2ST of rows drawn from each, five
rows drawn from the chosen mixture, and the generative-vs-discriminative
learning curves. Each section prints to the report as it goes.
"""

import time
from pathlib import Path
from typing import NamedTuple

import numpy as np

from skgen._cli._common import Report, one_thread
from skgen._cli._compare import classifiers, run_comparison
from skgen.datasets import load_dataset
from skgen.utils._monitor import without_convergence_warnings

_COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")

# Width of the model names in the tables of scores.
_NAME_WIDTH = 46


class StandardisedSplit(NamedTuple):
    """Training and held-out rows, standardised by the training rows.

    Attributes
    ----------
    train, test : ndarray of shape (n_rows, n_features)
        The standardised training and held-out rows.
    y_train : ndarray of shape (n_train,)
        The classes of the training rows.
    scaler : StandardScaler
        Fitted to the training rows; maps samples back to original units.
    """

    train: np.ndarray
    test: np.ndarray
    y_train: np.ndarray
    scaler: object


class ChosenMixture(NamedTuple):
    """The Gaussian mixture of lowest BIC, and its settings."""

    model: object
    n_components: int
    covariance_type: str


def run(args, out):
    """The main job: fit every family, print each section, write the report."""
    data = load_dataset(args.data)
    split = _standardised_split(data, args.seed)
    report = Report(out)
    print(
        f"skgen: generative models on {args.data!r} ({split.train.shape[0]} "
        f"training rows, {split.test.shape[0]} held out, {split.train.shape[1]} "
        "features, standardised)",
        file=report,
    )
    chosen = _report_mixtures_by_bic(split, args.max_components, args.seed, report)
    models, fit_seconds = _fit_every_family(split, chosen, args.epochs, args.seed)
    _report_log_likelihoods(split, chosen, models, fit_seconds, args.seed, report)
    _report_sample_quality(split, models, args.seed, report)
    _report_sampled_rows(
        chosen.model, split.scaler, data.feature_names, args.seed, report
    )
    out_dir = None if args.out is None else Path(args.out)
    _report_comparison(data, args, out_dir, report)
    if out_dir is not None:
        (out_dir / "report.md").write_text(
            "```\n" + "\n".join(report.lines) + "\n```\n"
        )
        print(f"wrote {out_dir}/report.md", file=out)
    return 0


def _standardised_split(data, seed):
    """A stratified 70/30 split, standardised by the training rows."""
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X_train, X_test, y_train, _ = train_test_split(
        data.data, data.target, test_size=0.3, random_state=seed, stratify=data.target
    )
    scaler = StandardScaler().fit(X_train)
    return StandardisedSplit(
        scaler.transform(X_train), scaler.transform(X_test), y_train, scaler
    )


def _report_mixtures_by_bic(split, max_components, seed, report):
    """Section 1: the BIC of every mixture tried; returns the lowest."""
    from skgen.mixture import GaussianMixture

    print(
        "\nGaussian mixtures: BIC on the training rows (lower is better)", file=report
    )
    print(f"{'k':>3} " + " ".join(f"{c:>11}" for c in _COVARIANCE_TYPES), file=report)
    best_bic, chosen = np.inf, None
    tic = time.perf_counter()
    for n_components in range(1, max_components + 1):
        row = []
        for covariance_type in _COVARIANCE_TYPES:
            model = GaussianMixture(
                n_components,
                covariance_type=covariance_type,
                n_init=3,
                random_state=seed,
            )
            without_convergence_warnings(model.fit, split.train)
            row.append(model.bic(split.train))
            if chosen is None or row[-1] < best_bic:
                best_bic = row[-1]
                chosen = ChosenMixture(model, n_components, covariance_type)
        print(f"{n_components:>3} " + " ".join(f"{b:>11.1f}" for b in row), file=report)
    print(
        f"\nchosen: {chosen.n_components} components, "
        f"covariance_type={chosen.covariance_type!r} "
        f"({max_components * len(_COVARIANCE_TYPES)} models fitted in "
        f"{time.perf_counter() - tic:.2f} s)",
        file=report,
    )
    return chosen


def _fit_every_family(split, chosen, epochs, seed):
    """The chosen mixture, naive Bayes, a VAE and a GAN fitted to the rows.

    Returns the models keyed by their name in the report, and the seconds
    the VAE and the GAN took to fit.
    """
    from skgen.naive_bayes import GaussianNB
    from skgen.neural import GAN, VAE

    models = {
        f"GaussianMixture ({chosen.n_components}, {chosen.covariance_type})": (
            chosen.model
        ),
        "GaussianNB (with the classes)": GaussianNB(random_state=seed).fit(
            split.train, split.y_train
        ),
    }
    networks = {
        "VAE": VAE(
            n_components=2,
            hidden_layer_sizes=(32,),
            max_iter=epochs,
            learning_rate_init=1e-2,
            random_state=seed,
        ),
        "GAN": GAN(hidden_layer_sizes=(64, 64), max_iter=epochs, random_state=seed),
    }
    fit_seconds = {}
    for name, network in networks.items():
        tic = time.perf_counter()
        with one_thread():
            models[name] = without_convergence_warnings(network.fit, split.train)
        fit_seconds[name] = time.perf_counter() - tic
    return models, fit_seconds


def _report_log_likelihoods(split, chosen, models, fit_seconds, seed, report):
    """Section 2: every family's held-out mean log-likelihood, and baselines."""
    from sklearn import mixture as sk_mixture
    from sklearn.neighbors import KernelDensity

    reference = sk_mixture.GaussianMixture(
        chosen.n_components,
        covariance_type=chosen.covariance_type,
        n_init=3,
        random_state=seed,
    )
    without_convergence_warnings(reference.fit, split.train)
    kde = KernelDensity(bandwidth=0.5).fit(split.train)
    rows = {"scikit-learn GaussianMixture (same settings)": reference.score(split.test)}
    for name, model in models.items():
        rows["skgen " + name] = np.mean(model.score_samples(split.test))
    rows["KernelDensity (bandwidth 0.5), a baseline"] = kde.score(split.test) / len(
        split.test
    )
    print(
        "\nheld-out mean log-likelihood (standardised units; higher is better)",
        file=report,
    )
    for name, value in rows.items():
        print(f"  {name:<{_NAME_WIDTH}} {value:9.3f}", file=report)
    print(
        "  (VAE: importance-weighted estimate; "
        f"{models['VAE'].n_iter_} epochs in {fit_seconds['VAE']:.1f} s)",
        file=report,
    )
    print(
        "  (GAN: Parzen-window estimate on its generated rows, which has no "
        f"likelihood of its own; {models['GAN'].n_iter_} epochs in "
        f"{fit_seconds['GAN']:.1f} s)",
        file=report,
    )


def _report_sample_quality(split, models, seed, report):
    """Section 3: the C2ST accuracy of rows drawn from each model."""
    from skgen.metrics import c2st_score

    print(
        "\nsample quality: C2ST accuracy of rows drawn from each model against the",
        file=report,
    )
    print(
        "held-out rows (gradient boosting, 5-fold; 0.5 is indistinguishable)",
        file=report,
    )
    n_test = len(split.test)
    with one_thread():
        for name, model in models.items():
            drawn = model.sample(n_test, random_state=seed)[0]
            score = c2st_score(split.test, drawn, random_state=seed)["accuracy"]
            print(f"  {'skgen ' + name:<{_NAME_WIDTH}} {score:9.3f}", file=report)
        floor = c2st_score(split.test, split.train[:n_test], random_state=seed)
        name = "real training rows (the floor)"
        print(f"  {name:<{_NAME_WIDTH}} {floor['accuracy']:9.3f}", file=report)


def _report_sampled_rows(mixture, scaler, feature_names, seed, report):
    """Section 4: five rows drawn from the chosen mixture, in original units."""
    X_new, labels = mixture.sample(5, random_state=seed)
    X_new = scaler.inverse_transform(X_new)
    names = [str(name) for name in feature_names][:6]
    width = max(10, *(len(n) for n in names))
    print("\nfive rows sampled from the chosen mixture (original units)", file=report)
    print("component " + " ".join(f"{n[:width]:>{width}}" for n in names), file=report)
    for label, row in zip(labels, X_new):
        print(
            f"{label:>9} " + " ".join(f"{v:>{width}.2f}" for v in row[:6]),
            file=report,
        )


def _report_comparison(data, args, out_dir, report):
    """Section 5: learning curves of naive Bayes and logistic regression."""
    run_comparison(
        data.data,
        data.target,
        classifiers(["nb", "lr"], args.seed),
        args.seed,
        args.splits,
        out_dir,
        f"{args.data}: generative vs discriminative",
        report,
    )
