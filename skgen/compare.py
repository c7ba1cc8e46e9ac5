"""Generative against discriminative classifiers: learning curves on one
shared preprocessing pipeline."""

import csv
import re
import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import StratifiedShuffleSplit, learning_curve
from sklearn.pipeline import make_pipeline
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods
from sklearn.utils.validation import has_fit_parameter

from skgen.classification import _check_constant_within, _sequence_accuracy
from skgen.utils._sequences import SUMMARY_FEATURES, sequence_bounds, summary_features
from skgen.utils._sklearn_compat import _fit_context, check_is_fitted, validate_data

__all__ = ["LearningCurves", "SequenceSummaryClassifier", "compare_learning_curves"]


@dataclass
class LearningCurves:
    """Test errors of several classifiers against the number of training rows.

    Returned by :func:`compare_learning_curves`.

    Attributes
    ----------
    train_sizes : ndarray of shape (n_sizes,)
        Numbers of training rows (of training sequences, for sequences).
    errors : dict of str to ndarray of shape (n_sizes, n_splits)
        Test error (1 - score) of each model on every split, per size.
    scoring : str
        The score the errors come from.
    unit : {'rows', 'sequences'}
        What ``train_sizes`` count, and what the score is over.
    """

    train_sizes: np.ndarray
    errors: dict = field(default_factory=dict)
    scoring: str = "accuracy"
    unit: str = "rows"

    @property
    def models(self):
        """Names of the models, in the order given."""
        return list(self.errors)

    def mean_error(self, model):
        """Mean test error of ``model`` at each training size (over the splits
        whose fit succeeded; NaN where none did)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN sizes
            return np.nanmean(self.errors[model], axis=1)

    def std_error(self, model):
        """Standard deviation of the test error over the splits, per size."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.nanstd(self.errors[model], axis=1)

    def table(self):
        """The tidy table: one row per (training size, model).

        Returns
        -------
        rows : list of dict
            Keys ``train_size``, ``model``, ``mean_error``, ``std_error``,
            ``n_splits``.
        """
        rows = []
        for i, size in enumerate(self.train_sizes):
            for model, errors in self.errors.items():
                values = errors[i][np.isfinite(errors[i])]
                rows.append(
                    {
                        "train_size": int(size),
                        "model": model,
                        "mean_error": float(values.mean()) if values.size else np.nan,
                        "std_error": float(values.std()) if values.size else np.nan,
                        "n_splits": int(values.size),
                    }
                )
        return rows

    def to_frame(self):
        """The tidy table as a pandas DataFrame (needs pandas)."""
        import pandas as pd

        return pd.DataFrame(self.table())

    def to_csv(self, path):
        """Write the tidy table as CSV."""
        rows = self.table()
        with open(path, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)

    def to_markdown(self):
        """The mean (and spread) of the error as a Markdown table, one column
        per model."""
        header = f"| training {self.unit} | " + " | ".join(self.models) + " |"
        lines = [header, "|---:|" + "---:|" * len(self.models)]
        for i, size in enumerate(self.train_sizes):
            cells = [
                f"{self.mean_error(m)[i]:.3f} ± {self.std_error(m)[i]:.3f}"
                if np.isfinite(self.mean_error(m)[i])
                else "no fit"
                for m in self.models
            ]
            lines.append(f"| {int(size)} | " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def crossing(self, first, second):
        """Training size where the mean errors of two models cross.

        Returns the size, interpolated linearly in log-size between the two
        grid sizes around the first change of sign of
        ``mean_error(first) - mean_error(second)``, or None if the order of
        the two curves never changes.

        Parameters
        ----------
        first, second : str
            Model names.

        Returns
        -------
        size : float or None
        """
        difference = self.mean_error(first) - self.mean_error(second)
        # Sizes where the two differ (ties and failed fits say nothing).
        known = np.flatnonzero(np.isfinite(difference) & (difference != 0))
        for i, j in zip(known[:-1], known[1:]):
            if np.sign(difference[i]) != np.sign(difference[j]):
                a, b = np.log(self.train_sizes[[i, j]])
                t = difference[i] / (difference[i] - difference[j])
                return float(np.exp(a + t * (b - a)))
        return None

    def plot(self, ax=None, title=None):
        """Mean test error against training rows, one line per model, with a
        band of one standard deviation over the splits.

        Returns
        -------
        figure : matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        for model in self.models:
            mean, spread = self.mean_error(model), self.std_error(model)
            ax.plot(self.train_sizes, mean, marker="o", label=model)
            ax.fill_between(self.train_sizes, mean - spread, mean + spread, alpha=0.15)
        ax.set_xscale("log")
        ax.set_xlabel(f"training {self.unit}")
        ax.set_ylabel(f"test error (1 - {self.scoring})")
        if title:
            ax.set_title(title)
        ax.legend()
        return ax.figure


def compare_learning_curves(
    models,
    X,
    y,
    *,
    preprocessing=None,
    train_sizes=(10, 20, 40, 80, 160),
    n_splits=20,
    test_size=0.3,
    scoring="accuracy",
    random_state=0,
    n_jobs=None,
    sequence_ids=None,
):
    """Learning curves of several classifiers through one preprocessing.

    Every model is fitted as ``make_pipeline(clone(preprocessing),
    clone(model))`` -- the same preprocessing, refitted on each training
    subset only -- on the same repeated stratified splits
    (:class:`~sklearn.model_selection.StratifiedShuffleSplit`) and the same
    training subsets of them (:func:`~sklearn.model_selection.learning_curve`
    with ``shuffle=True``). This is the fair comparison of a generative
    classifier (naive Bayes, :class:`~skgen.classification.GenerativeClassifier`)
    with a discriminative one (logistic regression) of Ng & Jordan (2001).

    Parameters
    ----------
    models : dict of str to estimator, or list of estimators
        The classifiers; a list is named by class names (numbered when one
        appears twice).
    X : array-like of shape (n_samples, n_features)
        All rows.
    y : array-like of shape (n_samples,)
        Their classes.
    preprocessing : transformer or None, default=None
        Applied before every model (e.g. a scaler or a PCA).
    train_sizes : array-like of int or float, default=(10, 20, 40, 80, 160)
        Numbers of training rows (ints), or fractions of the training split.
    n_splits : int, default=20
        Number of random stratified splits.
    test_size : float, default=0.3
        Share of the rows held out by each split.
    scoring : str, default='accuracy'
        Score (higher is better); the error is ``1 - score``.
    random_state : int, default=0
        Seeds the splits and the training subsets.
    n_jobs : int, default=None
        Passed to :func:`~sklearn.model_selection.learning_curve` (unused
        with ``sequence_ids``).
    sequence_ids : array-like of shape (n_samples,), default=None
        The sequence of each row (rows of a sequence contiguous, ``y`` the
        same in each): the curves are then of sequence classifiers (their
        ``fit`` and ``predict`` take ``sequence_ids``, e.g. a
        :class:`~skgen.classification.GenerativeClassifier` over HMMs and a
        :class:`SequenceSummaryClassifier`), the splits stratified splits of
        the sequences, ``train_sizes`` numbers of training sequences (each
        subset taking the classes in turn, so that every class is in it) and
        the score the share of test sequences labelled right (``scoring``
        must be 'accuracy').

    Returns
    -------
    curves : LearningCurves
        The errors, with ``table()``, ``to_csv()``, ``to_markdown()``,
        ``crossing()`` and ``plot()``.

    References
    ----------
    A. Y. Ng and M. I. Jordan, "On discriminative vs. generative classifiers:
    a comparison of logistic regression and naive Bayes", NIPS 2001.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skgen.compare import compare_learning_curves
    >>> from skgen.naive_bayes import GaussianNB
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> curves = compare_learning_curves(
    ...     {"naive Bayes": GaussianNB(), "logistic": LogisticRegression()},
    ...     X, y, preprocessing=StandardScaler(), train_sizes=[20, 200], n_splits=5)
    >>> [row["model"] for row in curves.table()[:2]]
    ['naive Bayes', 'logistic']
    """
    if not isinstance(models, dict):
        names = [type(model).__name__ for model in models]
        # Number the repeated class names, as make_pipeline does.
        names = [
            f"{name}-{names[:i].count(name) + 1}" if names.count(name) > 1 else name
            for i, name in enumerate(names)
        ]
        models = dict(zip(names, models))
    if not models:
        raise ValueError("models is empty: give at least one classifier.")
    if sequence_ids is not None:
        return _sequence_learning_curves(
            models,
            X,
            y,
            sequence_ids,
            preprocessing=preprocessing,
            train_sizes=train_sizes,
            n_splits=n_splits,
            test_size=test_size,
            scoring=scoring,
            random_state=random_state,
        )
    cv = StratifiedShuffleSplit(
        n_splits=n_splits, test_size=test_size, random_state=random_state
    )
    errors, sizes = {}, None
    for name, model in models.items():
        steps = (
            [clone(model)]
            if preprocessing is None
            else [clone(preprocessing), clone(model)]
        )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", FitFailedWarning)
            sizes, _, test_scores = learning_curve(
                make_pipeline(*steps),
                X,
                y,
                train_sizes=np.asarray(train_sizes),
                cv=cv,
                scoring=scoring,
                shuffle=True,
                random_state=random_state,
                error_score=np.nan,
                n_jobs=n_jobs,
            )
        for warning in caught:
            if not issubclass(warning.category, FitFailedWarning):
                warnings.warn_explicit(
                    warning.message, warning.category, warning.filename, warning.lineno
                )
        errors[name] = 1.0 - test_scores
        failed = np.isnan(test_scores)
        if failed.any():
            warnings.warn(
                _failure_message(name, sizes, failed, caught), UserWarning, stacklevel=2
            )
    return LearningCurves(np.asarray(sizes), errors, scoring)


def _failure_message(name, sizes, failed, caught):
    """One warning for a model's failed fits (scikit-learn gives one per size)."""
    where = [
        f"{int(size)} rows ({count} of {failed.shape[1]} splits)"
        for size, count in zip(sizes, failed.sum(axis=1))
        if count
    ]
    # scikit-learn's FitFailedWarning ends its traceback with the error itself.
    reasons = [
        re.findall(r"^\s*(\w+(?:Error|Exception): .*)$", str(w.message), re.M)
        for w in caught
        if issubclass(w.category, FitFailedWarning)
    ]
    if not any(issubclass(w.category, FitFailedWarning) for w in caught):
        return (
            f"{name} scored NaN at {', '.join(where)}; those splits are left out "
            "of its mean error."
        )
    reason = next((r[-1] for r in reasons if r), "see error_score='raise'")
    return (
        f"{name} failed to fit at {', '.join(where)}; those splits are left out "
        f"of its mean error (first error: {reason.strip()}). Small training "
        "sizes can leave a class too few rows for a model."
    )


# -- sequences ------------------------------------------------------------------


def _sequence_learning_curves(models, X, y, sequence_ids, **options):
    """:func:`compare_learning_curves` over whole sequences."""
    if options["scoring"] != "accuracy":
        raise ValueError(
            "Learning curves over sequences score accuracy over sequences; "
            f"got scoring={options['scoring']!r}."
        )
    for name, model in models.items():
        if not has_fit_parameter(model, "sequence_ids"):
            raise ValueError(
                f"Model {name!r} ({type(model).__name__}) does not take "
                "sequence_ids: wrap a classifier of rows in "
                "SequenceSummaryClassifier, or a density in GenerativeClassifier."
            )
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    ids = np.asarray(sequence_ids)
    bounds = sequence_bounds(len(y), sequence_ids=ids)
    _check_constant_within("y", y, bounds, ids)
    labels = y[bounds[:-1]]
    runs = np.repeat(np.arange(len(labels)), np.diff(bounds))
    cv = StratifiedShuffleSplit(
        n_splits=options["n_splits"],
        test_size=options["test_size"],
        random_state=options["random_state"],
    )
    splits = list(cv.split(np.zeros(len(labels)), labels))
    sizes = _sequence_sizes(options["train_sizes"], len(splits[0][0]))
    rng = check_random_state(options["random_state"])
    errors = {name: np.full((len(sizes), len(splits)), np.nan) for name in models}
    failures = {name: [] for name in models}
    for j, (train, test) in enumerate(splits):
        order = _classes_in_turn(train, labels, rng)
        test_rows = np.isin(runs, test)
        for i, size in enumerate(sizes):
            train_rows = np.isin(runs, order[:size])
            for name, model in models.items():
                try:
                    score = _fit_and_score(
                        model,
                        options["preprocessing"],
                        X,
                        y,
                        ids,
                        train_rows,
                        test_rows,
                    )
                except Exception as error:  # noqa: BLE001 - as error_score=nan
                    failures[name].append((i, f"{type(error).__name__}: {error}"))
                    continue
                errors[name][i, j] = 1.0 - score
    for name, failed in failures.items():
        if failed:
            warnings.warn(
                _sequence_failure_message(name, sizes, failed, len(splits)),
                UserWarning,
                stacklevel=3,
            )
    return LearningCurves(sizes, errors, "accuracy", unit="sequences")


def _sequence_sizes(train_sizes, n_train):
    """Training sizes as numbers of sequences (fractions of ``n_train``)."""
    sizes = np.asarray(train_sizes)
    if np.issubdtype(sizes.dtype, np.floating) and np.all(sizes <= 1.0):
        sizes = np.ceil(sizes * n_train)
    sizes = np.unique(np.clip(sizes.astype(np.int64), 1, n_train))
    return sizes


def _classes_in_turn(train, labels, rng):
    """The training sequences in random order within each class, the classes
    taken in turn: any first ``k >= n_classes`` of them hold every class."""
    by_class = [rng.permutation(train[labels[train] == c]) for c in np.unique(labels)]
    longest = max(len(group) for group in by_class)
    turns = [group[t] for t in range(longest) for group in by_class if t < len(group)]
    return np.asarray(turns, dtype=np.int64)


def _fit_and_score(model, preprocessing, X, y, ids, train_rows, test_rows):
    """Share of the test sequences ``model`` labels right after fitting on
    the training ones (through a clone of ``preprocessing`` fitted on them)."""
    X_train, X_test = X[train_rows], X[test_rows]
    if preprocessing is not None:
        step = clone(preprocessing).fit(X_train)
        X_train, X_test = step.transform(X_train), step.transform(X_test)
    fitted = clone(model).fit(X_train, y[train_rows], sequence_ids=ids[train_rows])
    predicted = fitted.predict(X_test, sequence_ids=ids[test_rows])
    return _sequence_accuracy(predicted, y[test_rows], None, ids[test_rows])


def _sequence_failure_message(name, sizes, failed, n_splits):
    counts = np.bincount([i for i, _ in failed], minlength=len(sizes))
    where = [
        f"{int(size)} sequences ({count} of {n_splits} splits)"
        for size, count in zip(sizes, counts)
        if count
    ]
    return (
        f"{name} failed to fit at {', '.join(where)}; those splits are left out "
        f"of its mean error (first error: {failed[0][1]}). Small training "
        "sizes can leave a class too few sequences for a model."
    )


class SequenceSummaryClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """A classifier of whole sequences by their summary features.

    Each sequence becomes one row of summary statistics of each column --
    mean, standard deviation, minimum, maximum and lag-1 autocorrelation --
    and ``estimator`` (any scikit-learn classifier) classifies those rows.
    It is the discriminative baseline of :func:`compare_learning_curves` over
    sequences, against a :class:`~skgen.classification.GenerativeClassifier`
    over HMMs, with the same interface: ``y`` and the predictions are per
    row, the same for every row of a sequence, and ``sequence_ids`` (routed
    by metadata routing) say which rows form a sequence.

    Parameters
    ----------
    estimator : classifier
        Fitted to the summary features, one row per sequence (e.g. a
        ``make_pipeline(StandardScaler(), LogisticRegression())``).

    Attributes
    ----------
    estimator_ : classifier
        The fitted ``estimator``.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_features_in_ : int
        Number of columns of the sequences.
    feature_names_out_ : ndarray of str
        Names of the summary features, ``"x0 mean"``, ``"x0 std"``, ...

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skgen.compare import SequenceSummaryClassifier
    >>> from skgen.datasets import make_sequence_classification
    >>> X, y, ids = make_sequence_classification(200, random_state=0)
    >>> model = SequenceSummaryClassifier(LogisticRegression())
    >>> model = model.fit(X, y, sequence_ids=ids)
    >>> X_test, y_test, ids_test = make_sequence_classification(100, random_state=1)
    >>> round(model.score(X_test, y_test, sequence_ids=ids_test), 2)
    0.79
    """

    _parameter_constraints: dict = {"estimator": [HasMethods(["fit", "predict"])]}

    __metadata_request__fit = {"sequence_ids": True}
    __metadata_request__predict = {"sequence_ids": True}
    __metadata_request__predict_proba = {"sequence_ids": True}
    __metadata_request__score = {"sequence_ids": True}

    def __init__(self, estimator):
        self.estimator = estimator

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, *, sequence_ids=None):
        """Fit ``estimator`` to the summary features of the sequences.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The rows of all sequences, stacked.
        y : array-like of shape (n_samples,)
            Each row's class, the same for every row of a sequence.
        sequence_ids : array-like of shape (n_samples,), default=None
            The sequence of each row (rows of a sequence contiguous); None
            reads ``X`` as one sequence.

        Returns
        -------
        self : object
            The fitted classifier.
        """
        X, y = validate_data(self, X, y, dtype=np.float64)
        bounds = sequence_bounds(X.shape[0], sequence_ids=sequence_ids)
        if sequence_ids is not None:
            _check_constant_within("y", y, bounds, sequence_ids)
        self.estimator_ = clone(self.estimator).fit(
            summary_features(X, bounds), y[bounds[:-1]]
        )
        self.classes_ = self.estimator_.classes_
        names = getattr(self, "feature_names_in_", None)
        if names is None:
            names = [f"x{j}" for j in range(X.shape[1])]
        self.feature_names_out_ = np.array(
            [f"{name} {stat}" for name in names for stat in SUMMARY_FEATURES]
        )
        return self

    def _per_row(self, method, X, sequence_ids):
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        bounds = sequence_bounds(X.shape[0], sequence_ids=sequence_ids)
        values = getattr(self.estimator_, method)(summary_features(X, bounds))
        return np.repeat(values, np.diff(bounds), axis=0)

    def predict(self, X, *, sequence_ids=None):
        """The class of each row's sequence.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The rows of all sequences, stacked.
        sequence_ids : array-like of shape (n_samples,), default=None
            The sequence of each row; None reads ``X`` as one sequence.

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        return self._per_row("predict", X, sequence_ids)

    def predict_proba(self, X, *, sequence_ids=None):
        """Class probabilities of each row's sequence.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The rows of all sequences, stacked.
        sequence_ids : array-like of shape (n_samples,), default=None
            The sequence of each row; None reads ``X`` as one sequence.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        return self._per_row("predict_proba", X, sequence_ids)

    def score(self, X, y, sample_weight=None, *, sequence_ids=None):
        """Share of the sequences labelled right (each counts once).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The rows of all sequences, stacked.
        y : array-like of shape (n_samples,)
            True classes, the same for every row of a sequence.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the sequences (the same for each of their rows).
        sequence_ids : array-like of shape (n_samples,), default=None
            The sequence of each row; None reads ``X`` as one sequence.

        Returns
        -------
        score : float
        """
        predicted = self.predict(X, sequence_ids=sequence_ids)
        if sequence_ids is None:
            sequence_ids = np.zeros(len(predicted), dtype=np.int64)
        return _sequence_accuracy(predicted, y, sample_weight, sequence_ids)
