"""``skgen compare``: learning curves of generative and discriminative models.

The main job reuses :func:`run_comparison` for its last section.
"""

import time
import warnings
from pathlib import Path

import numpy as np

from skgen._cli._common import (
    CommandError,
    check_target,
    numeric_features,
    one_thread,
    read_table,
    sort_sequences,
)
from skgen.datasets import load_dataset
from skgen.utils._monitor import without_convergence_warnings

# Training-set sizes tried below the largest (all the training rows).
_TRAIN_SIZES = (10, 20, 40, 80, 160, 320, 640, 1280)
# The same in training sequences, with --sequence-id.
_SEQUENCE_SIZES = (4, 8, 16, 32, 64, 128, 256, 512, 1024)

# Warnings of compare_learning_curves that are notes under the table.
_FAILED_FIT_MESSAGES = ("failed to fit", "scored NaN")


def classifiers(names, seed):
    """The classifiers of ``--models``, by their names in the report.

    Parameters
    ----------
    names : list of str
        Short names, from ``nb``, ``lr``, ``gmm`` and ``qda``.
    seed : int
        Random seed of the models that have one.

    Returns
    -------
    models : dict of str to estimator
        Unfitted classifiers, keyed by the name the report shows.
    """
    from sklearn.linear_model import LogisticRegression

    from skgen.classification import GenerativeClassifier
    from skgen.mixture import GaussianMixture
    from skgen.naive_bayes import GaussianNB

    available = {
        "nb": ("Gaussian naive Bayes", lambda: GaussianNB()),
        "lr": (
            "logistic regression",
            lambda: LogisticRegression(max_iter=5000),
        ),
        "gmm": (
            "Gaussian mixture per class",
            lambda: GenerativeClassifier(
                GaussianMixture(2, covariance_type="diag", random_state=seed)
            ),
        ),
        "qda": (
            "one full Gaussian per class",
            lambda: GenerativeClassifier(
                GaussianMixture(1, covariance_type="full", reg_covar=1e-3)
            ),
        ),
    }
    unknown = [n for n in names if n not in available]
    if unknown:
        raise CommandError(
            f"unknown model(s) {', '.join(unknown)}; choose from {', '.join(available)}"
        )
    return {available[n][0]: available[n][1]() for n in names}


def sequence_classifiers(names, seed):
    """The sequence classifiers of ``--models`` with ``--sequence-id``.

    Parameters
    ----------
    names : list of str
        Short names, from ``hmm``, ``lr`` and ``gmm``.
    seed : int
        Random seed of the models that have one.

    Returns
    -------
    models : dict of str to estimator
        Unfitted classifiers of sequences, keyed by the name the report shows.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skgen.classification import GenerativeClassifier
    from skgen.compare import SequenceSummaryClassifier
    from skgen.hmm import GaussianHMM
    from skgen.mixture import GaussianMixture

    available = {
        "hmm": (
            "HMM per class",
            lambda: GenerativeClassifier(
                GaussianHMM(
                    2, covariance_type="diag", n_iter=50, tol=1e-3, random_state=seed
                )
            ),
        ),
        "lr": (
            "logistic regression on summaries",
            lambda: SequenceSummaryClassifier(
                make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))
            ),
        ),
        "gmm": (
            "i.i.d. mixture per class",
            lambda: GenerativeClassifier(
                GaussianMixture(2, covariance_type="diag", random_state=seed)
            ),
        ),
    }
    unknown = [n for n in names if n not in available]
    if unknown:
        raise CommandError(
            f"unknown model(s) {', '.join(unknown)} with --sequence-id; choose "
            f"from {', '.join(available)}"
        )
    return {available[n][0]: available[n][1]() for n in names}


def run_comparison(X, y, models, seed, n_splits, out_dir, title, out, ids=None):
    """Compute, print and write the learning curves of ``models`` on ``X, y``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The features.
    y : ndarray of shape (n_samples,)
        The class labels.
    models : dict of str to estimator
        The classifiers, as :func:`classifiers` returns them.
    seed : int
        Random seed of the splits.
    n_splits : int
        Number of random stratified splits.
    out_dir : Path or None
        Folder of the table and the figure; None writes nothing.
    title : str
        Title of the figure.
    out : file-like object
        Where the report is printed.
    ids : ndarray of shape (n_samples,), default=None
        The sequence of each row: the curves are then over whole sequences.

    Returns
    -------
    curves : LearningCurves
        The curves, as :func:`skgen.compare.compare_learning_curves` returns.
    """
    curves, caught, seconds = _learning_curves(X, y, models, seed, n_splits, ids)
    unit = curves.unit
    print(
        f"\nlearning curves: test error against training {unit}, {n_splits} "
        f"stratified splits of the {unit}, one shared StandardScaler "
        f"({seconds:.1f} s)",
        file=out,
    )
    print(curves.to_markdown(), file=out)
    _print_failed_fits(caught, out)
    _print_crossings(curves, out)
    if out_dir is not None:
        _write_curves(curves, out_dir, title, out)
    return curves


def _learning_curves(X, y, models, seed, n_splits, ids=None):
    """The curves, the warnings raised computing them, and the seconds taken."""
    from sklearn.preprocessing import StandardScaler

    from skgen.compare import compare_learning_curves

    n_units = len(y) if ids is None else len(np.unique(ids))
    n_train = int(0.7 * n_units)
    n_classes = len(np.unique(y))
    grid = _TRAIN_SIZES if ids is None else _SEQUENCE_SIZES
    sizes = [s for s in grid if n_classes * 2 <= s < n_train]
    sizes.append(n_train)
    tic = time.perf_counter()
    with one_thread(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        curves = without_convergence_warnings(
            compare_learning_curves,
            models,
            X,
            y,
            preprocessing=StandardScaler(),
            train_sizes=sizes,
            n_splits=n_splits,
            random_state=seed,
            sequence_ids=ids,
        )
    return curves, caught, time.perf_counter() - tic


def _print_failed_fits(caught, out):
    """Failed fits as notes under the table; other warnings raised again."""
    for warning in caught:
        message = str(warning.message)
        if warning.category is UserWarning and any(
            failure in message for failure in _FAILED_FIT_MESSAGES
        ):
            print(f"note: {warning.message}", file=out)
        else:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )


def _print_crossings(curves, out):
    """Where the curves of each pair of models cross."""
    names = curves.models
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            crossing = curves.crossing(first, second)
            where = (
                f"at about {crossing:.0f} {curves.unit}"
                if crossing
                else "nowhere on this grid"
            )
            print(f"curves of {first} and {second} cross {where}", file=out)


def _write_curves(curves, out_dir, title, out):
    """The table as CSV and Markdown, and the figure when matplotlib is there."""
    out_dir.mkdir(parents=True, exist_ok=True)
    curves.to_csv(out_dir / "learning_curves.csv")
    (out_dir / "learning_curves.md").write_text(curves.to_markdown() + "\n")
    try:
        import matplotlib
    except ImportError:
        print(
            f"wrote {out_dir}/learning_curves.{{csv,md}} (pip install "
            "matplotlib for the figure)",
            file=out,
        )
        return
    matplotlib.use("Agg")
    figure = curves.plot(title=title)
    figure.savefig(out_dir / "learning_curves.png", dpi=120, bbox_inches="tight")
    print(f"wrote {out_dir}/learning_curves.{{csv,md,png}}", file=out)


def run(args, out):
    """``skgen compare``: learning curves on a CSV file or a bundled data set."""
    if args.sequence_id is not None:
        return _run_on_sequences(args, out)
    if args.order_by is not None:
        raise CommandError("--order-by needs --sequence-id")
    if args.file is not None:
        if args.target is None:
            raise CommandError("--target COL is required with a CSV file")
        frame, target = read_table(args.file, args.target)
        X = numeric_features(frame, "skgen compare")
        y = check_target(target)
        title = Path(args.file).name
    else:
        data = load_dataset(args.data)
        X, y, title = data.data, data.target, args.data
    models = classifiers(args.models or ["nb", "lr"], args.seed)
    print(f"skgen compare: {title}, {X.shape[0]} rows, {X.shape[1]} features", file=out)
    run_comparison(X, y, models, args.seed, args.splits, Path(args.out), title, out)
    return 0


def _run_on_sequences(args, out):
    """``skgen compare --sequence-id COL``: learning curves of sequence
    classifiers, by number of training sequences."""
    if args.file is None or args.target is None:
        raise CommandError("--sequence-id needs a CSV file and --target COL")
    frame, _ = read_table(args.file)
    if args.target not in frame.columns:
        raise CommandError(
            f"unknown column {args.target!r}; the columns are "
            + ", ".join(map(str, frame.columns))
        )
    frame = sort_sequences(frame, args.sequence_id, args.order_by)
    ids = frame[args.sequence_id].to_numpy()
    y = check_target(frame[args.target])
    features = frame.drop(
        columns=[c for c in (args.sequence_id, args.order_by, args.target) if c]
    )
    X = numeric_features(features, "skgen compare")
    n_sequences = len(np.unique(ids))
    labels = frame.groupby(args.sequence_id, sort=False)[args.target].nunique()
    if (labels > 1).any():
        raise CommandError(
            f"--target must be the same within a sequence; it changes in "
            f"sequence(s) {labels.index[labels > 1][:5].tolist()}"
        )
    models = sequence_classifiers(args.models or ["hmm", "lr"], args.seed)
    title = Path(args.file).name
    print(
        f"skgen compare: {title}, {n_sequences} sequences, {X.shape[0]} rows, "
        f"{X.shape[1]} features",
        file=out,
    )
    run_comparison(
        X, y, models, args.seed, args.splits, Path(args.out), title, out, ids=ids
    )
    return 0
