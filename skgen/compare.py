"""Generative against discriminative classifiers: learning curves on one
shared preprocessing pipeline."""

import csv
import re
import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import StratifiedShuffleSplit, learning_curve
from sklearn.pipeline import make_pipeline

__all__ = ["LearningCurves", "compare_learning_curves"]


@dataclass
class LearningCurves:
    """Test errors of several classifiers against the number of training rows.

    Returned by :func:`compare_learning_curves`.

    Attributes
    ----------
    train_sizes : ndarray of shape (n_sizes,)
        Numbers of training rows.
    errors : dict of str to ndarray of shape (n_sizes, n_splits)
        Test error (1 - score) of each model on every split, per size.
    scoring : str
        The score the errors come from.
    """

    train_sizes: np.ndarray
    errors: dict = field(default_factory=dict)
    scoring: str = "accuracy"

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
        header = "| training rows | " + " | ".join(self.models) + " |"
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
        ax.set_xlabel("training rows")
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
        Passed to :func:`~sklearn.model_selection.learning_curve`.

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
