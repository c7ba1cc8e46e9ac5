"""The quality of a synthetic table: its columns' shapes and their pairs' trends.

In the manner of sdmetrics' single-table quality report: each column's
distribution compared (the complement of the Kolmogorov-Smirnov statistic for
numbers and dates, of the total variation distance for categories), each pair
of columns' relation compared (the complement of half the difference of their
Pearson correlations for two numbers, of the total variation distance of
their contingency tables otherwise, numbers cut into bins of equal width over
the real range), and the two means averaged. Every pair counts (sdmetrics
0.32 counts only pairs whose real relation passes a threshold by default).
"""

from itertools import combinations
from numbers import Integral

import numpy as np
from scipy.stats import ks_2samp

from skgen.metrics._sample_quality import _Result
from skgen.preprocessing._values import (
    datetime_seconds,
    is_categorical_column,
    is_datetime,
    missing_mask,
)
from skgen.utils._sklearn_compat import Interval, StrOptions, validate_params

__all__ = ["QualityResult", "quality_report"]


class QualityResult(_Result):
    """Result of :func:`quality_report`.

    A read-only dict whose keys are also attributes (a
    :class:`~sklearn.utils.Bunch`).

    Attributes
    ----------
    score : float
        Mean of ``column_shapes`` and ``column_pair_trends``; 1 is perfect.
    column_shapes : float
        Mean of ``shapes``.
    column_pair_trends : float
        Mean of ``pair_trends``.
    shapes : dict
        Column to its shape score in [0, 1].
    pair_trends : dict
        ``(column, column)`` to its trend score in [0, 1].

    See Also
    --------
    quality_report : The function that returns it.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.metrics import quality_report
    >>> X = np.array([[0.0, 1.0], [1.0, 3.0], [2.0, 2.0], [3.0, 5.0]])
    >>> quality_report(X, X).score
    1.0
    """

    def __init__(self, score, column_shapes, column_pair_trends, shapes, pair_trends):
        super().__init__(
            score=score,
            column_shapes=column_shapes,
            column_pair_trends=column_pair_trends,
            shapes=shapes,
            pair_trends=pair_trends,
        )


@validate_params(
    {
        "X_real": ["array-like"],
        "X_synthetic": ["array-like"],
        "categorical": [StrOptions({"auto"}), "array-like", str, Integral, None],
        "n_bins": [Interval(Integral, 2, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def quality_report(X_real, X_synthetic, *, categorical="auto", n_bins=10):
    """How closely a synthetic table follows a real one, column by column and
    pair by pair.

    Parameters
    ----------
    X_real : array-like or DataFrame of shape (n_real, n_features)
        Real rows; categories may be strings, cells may be missing.
    X_synthetic : array-like or DataFrame of shape (n_synthetic, n_features)
        Synthetic rows with the same columns (a DataFrame's are matched by
        name).
    categorical : 'auto', int, str or list, default='auto'
        The categorical columns, by position or name; 'auto' takes those of
        dtype category, bool or string and those of dtype object that hold
        anything but numbers (:class:`~skgen.preprocessing.TabularEncoder`'s
        rule).
    n_bins : int, default=10
        Bins of equal width (over the real range) that numbers are cut into
        for a pair with a category.

    Returns
    -------
    result : QualityResult
        ``score``, ``column_shapes``, ``column_pair_trends`` (means in
        [0, 1], 1 meaning identical), ``shapes`` per column and
        ``pair_trends`` per pair. A missing cell is a category of its own in
        a categorical column, and left out of a numeric one.
    """
    names, real, synthetic, is_categorical = _columns(X_real, X_synthetic, categorical)
    shapes = {
        name: _shape_score(r, s, c)
        for name, r, s, c in zip(names, real, synthetic, is_categorical)
    }
    coded = [
        _codes(r, s, c, n_bins) for r, s, c in zip(real, synthetic, is_categorical)
    ]
    pair_trends = {}
    for i, j in combinations(range(len(names)), 2):
        if is_categorical[i] or is_categorical[j]:
            score = _contingency_score(coded[i], coded[j])
        else:
            score = _correlation_score(real[i], real[j], synthetic[i], synthetic[j])
        if score is not None:
            pair_trends[(names[i], names[j])] = score
    column_shapes = float(np.mean(list(shapes.values())))
    column_pair_trends = (
        float(np.mean(list(pair_trends.values()))) if pair_trends else column_shapes
    )
    return QualityResult(
        0.5 * (column_shapes + column_pair_trends),
        column_shapes,
        column_pair_trends,
        shapes,
        pair_trends,
    )


def _columns(X_real, X_synthetic, categorical):
    """Names, real and synthetic columns (numbers as float64, NaN missing;
    categories as objects) and which are categorical."""
    real_frame = _as_frame(X_real)
    synthetic_frame = _as_frame(X_synthetic)
    names = list(real_frame.columns)
    missing = [n for n in names if n not in synthetic_frame.columns]
    if missing or synthetic_frame.shape[1] != len(names):
        raise ValueError(
            f"X_synthetic must have the columns of X_real ({names}); got "
            f"{list(synthetic_frame.columns)}."
        )
    synthetic_frame = synthetic_frame[names]
    if isinstance(categorical, str) and categorical == "auto":
        is_categorical = [
            is_categorical_column(real_frame[n].to_numpy(), real_frame[n].dtype)
            for n in names
        ]
    else:
        chosen = _chosen(categorical, names)
        is_categorical = [n in chosen for n in names]
    real, synthetic = [], []
    for name, cat in zip(names, is_categorical):
        for frame, out in ((real_frame, real), (synthetic_frame, synthetic)):
            column = frame[name]
            out.append(_categories(column) if cat else _numbers(column, name))
    return names, real, synthetic, is_categorical


def _as_frame(X):
    import pandas as pd

    if hasattr(X, "columns"):
        return X.reset_index(drop=True)
    return pd.DataFrame(np.asarray(X, dtype=object) if _has_text(X) else np.asarray(X))


def _has_text(X):
    array = np.asarray(X, dtype=object)
    return any(isinstance(v, str) for v in array.ravel()[:1000])


def _chosen(categorical, names):
    if categorical is None:
        return set()
    if isinstance(categorical, (str, Integral)):
        categorical = [categorical]
    chosen = set()
    for column in categorical:
        if column in names:
            chosen.add(column)
        elif isinstance(column, Integral) and -len(names) <= column < len(names):
            chosen.add(names[column])
        else:
            raise ValueError(
                f"categorical column {column!r} is neither a column of X_real nor "
                f"a position; the columns are {names}."
            )
    return chosen


def _numbers(column, name):
    import pandas as pd

    if is_datetime(column.dtype):
        return datetime_seconds(column)
    try:
        return pd.to_numeric(column, errors="raise").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
    except (TypeError, ValueError):
        raise ValueError(
            f"Column {name!r} is not numeric; name it in categorical."
        ) from None


def _categories(column):
    values = column.astype(object).to_numpy()
    return np.where(missing_mask(values), "<missing>", values.astype(str))


def _shape_score(real, synthetic, categorical):
    if categorical:
        return 1.0 - _total_variation_codes(*_joint_codes(real, synthetic))
    real, synthetic = real[~np.isnan(real)], synthetic[~np.isnan(synthetic)]
    if real.size == 0 or synthetic.size == 0:
        return float(real.size == synthetic.size)
    return 1.0 - float(ks_2samp(real, synthetic).statistic)


def _joint_codes(real, synthetic):
    _, codes = np.unique(np.concatenate([real, synthetic]), return_inverse=True)
    return codes[: len(real)], codes[len(real) :]


def _total_variation_codes(real_codes, synthetic_codes):
    n = max(real_codes.max(initial=0), synthetic_codes.max(initial=0)) + 1
    p = np.bincount(real_codes, minlength=n) / max(len(real_codes), 1)
    q = np.bincount(synthetic_codes, minlength=n) / max(len(synthetic_codes), 1)
    return 0.5 * float(np.abs(p - q).sum())


def _codes(real, synthetic, categorical, n_bins):
    """Integer codes of both columns: categories, or numbers cut into bins of
    equal width over the real range (NaN its own code)."""
    if categorical:
        return _joint_codes(real, synthetic)
    present = real[~np.isnan(real)]
    low, high = (present.min(), present.max()) if present.size else (0.0, 1.0)
    edges = np.linspace(low, high, n_bins + 1)[1:-1]

    def cut(values):
        codes = np.searchsorted(edges, values, side="right")
        return np.where(np.isnan(values), n_bins, codes)

    return cut(real), cut(synthetic)


def _contingency_score(codes_a, codes_b):
    (real_a, synthetic_a), (real_b, synthetic_b) = codes_a, codes_b
    width = max(real_b.max(initial=0), synthetic_b.max(initial=0)) + 1
    real = real_a * width + real_b
    synthetic = synthetic_a * width + synthetic_b
    return 1.0 - _total_variation_codes(real, synthetic)


def _correlation_score(real_a, real_b, synthetic_a, synthetic_b):
    """1 - |r_real - r_synthetic| / 2; None when the real correlation is
    undefined. An undefined synthetic correlation (a constant synthetic
    column) counts as 0: no dependence reproduced."""
    correlations = []
    for a, b in ((real_a, real_b), (synthetic_a, synthetic_b)):
        both = ~(np.isnan(a) | np.isnan(b))
        if both.sum() < 2 or np.std(a[both]) == 0 or np.std(b[both]) == 0:
            if not correlations:
                return None
            correlations.append(0.0)
        else:
            correlations.append(np.corrcoef(a[both], b[both])[0, 1])
    return float(1.0 - 0.5 * abs(correlations[0] - correlations[1]))
