"""Two-sample measures of synthetic rows: C2ST, MMD, TSTR, marginals and
correlations (see :mod:`skgen.metrics`)."""

import warnings
from numbers import Integral, Real

import numpy as np
from scipy.stats import ConstantInputWarning, ks_2samp
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import get_scorer, get_scorer_names
from sklearn.metrics.pairwise import euclidean_distances
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import Bunch, check_array, check_random_state
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_consistent_length

from skgen.utils._sklearn_compat import (
    HasMethods,
    Hidden,
    Interval,
    InvalidParameterError,
    StrOptions,
    validate_params,
)

__all__ = [
    "C2STResult",
    "MMDResult",
    "MarginalResult",
    "TSTRResult",
    "c2st_score",
    "correlation_difference",
    "marginal_scores",
    "mmd",
    "tstr_score",
]

# Permuted MMD statistics within this of the observed one count as ties
# (">="): the same split of the rows, reached by another permutation, can
# differ from the observed statistic by rounding only. The statistic is a
# sum of means of kernel values in [0, 1], so rounding is ~1e-16 absolute.
_TIE_TOLERANCE = 1e3 * np.finfo(np.float64).eps

# Columns of permutation indicators handled per matrix product, at most this
# many float64 entries (two (n, chunk) arrays of 32 MB each).
_PERMUTATION_CHUNK_ENTRIES = 4_000_000

# The names get_scorer accepts, for the scoring parameters.
_SCORER_NAMES = StrOptions(set(get_scorer_names()))


# -- Results ---------------------------------------------------------------------


class _Result(Bunch):
    """A function's result: a read-only dict whose keys are also attributes.

    Equal to a dict with the same items, and printed as one. Setting or
    deleting an attribute raises ``AttributeError``; changing an item raises
    ``TypeError``.
    """

    def __setattr__(self, name, value):
        raise AttributeError(
            f"{type(self).__name__} is read-only: cannot set {name!r}."
        )

    def __delattr__(self, name):
        raise AttributeError(
            f"{type(self).__name__} is read-only: cannot delete {name!r}."
        )

    def _refuse_change(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} is read-only.")

    __setitem__ = __delitem__ = __ior__ = _refuse_change
    clear = pop = popitem = setdefault = update = _refuse_change

    def __reduce__(self):
        # Pickle and copy would otherwise refill the dict item by item.
        return _restore_result, (type(self), dict(self))


def _restore_result(result_class, fields):
    return result_class(**fields)


# -- Validation ------------------------------------------------------------------


def _check_rows(X, name, caller, *, min_rows=2, dtype=np.float64):
    """``check_array`` with an error that names the input and the function."""
    X = check_array(X, dtype=dtype, input_name=name)
    if X.shape[0] < min_rows:
        raise ValueError(
            f"{name} has {X.shape[0]} row(s); {caller} needs at least {min_rows}."
        )
    return X


def _check_same_features(arrays, names):
    n_features = [X.shape[1] for X in arrays]
    if len(set(n_features)) > 1:
        found = ", ".join(f"{n} has {d}" for n, d in zip(names, n_features))
        raise ValueError(
            f"The inputs must have the same number of features (columns): {found}."
        )


def _check_pair(X_real, X_synthetic, caller, *, min_rows=2, dtype=np.float64):
    """Validate the real and synthetic rows; float64 arrays of equal width."""
    X_real = _check_rows(X_real, "X_real", caller, min_rows=min_rows, dtype=dtype)
    X_synthetic = _check_rows(
        X_synthetic, "X_synthetic", caller, min_rows=min_rows, dtype=dtype
    )
    _check_same_features([X_real, X_synthetic], ["X_real", "X_synthetic"])
    return X_real, X_synthetic


def _column_names(X_real, X_synthetic, names=("X_real", "X_synthetic")):
    """The column names of the inputs that have some, or None.

    When both are DataFrames with the same columns in another order,
    ``X_synthetic`` is reordered as ``X_real``.
    """
    real = getattr(X_real, "columns", None)
    synthetic = getattr(X_synthetic, "columns", None)
    if real is not None and synthetic is not None:
        real, synthetic = list(real), list(synthetic)
        if real != synthetic:
            if sorted(map(str, real)) != sorted(map(str, synthetic)):
                raise ValueError(
                    f"{names[0]} and {names[1]} have different columns: "
                    f"{real} and {synthetic}."
                )
            X_synthetic = X_synthetic[real]
        return real, X_synthetic
    if real is not None:
        return list(real), X_synthetic
    if synthetic is not None:
        return list(synthetic), X_synthetic
    return None, X_synthetic


# -- Classifier two-sample test --------------------------------------------------


class C2STResult(_Result):
    """Result of :func:`c2st_score`: one mean held-out score per scorer.

    A read-only dict whose keys are also attributes (a
    :class:`~sklearn.utils.Bunch`). The keys are the names in ``scoring``, in
    that order; with the default ``scoring``, ``accuracy`` and ``roc_auc``.

    Attributes
    ----------
    accuracy : float
        The mean held-out accuracy, when ``"accuracy"`` is in ``scoring``:
        0.5 when the classifier cannot tell the sets apart, 1.0 when it
        recognises every row.
    roc_auc : float
        The mean held-out ROC AUC, when ``"roc_auc"`` is in ``scoring``; read
        as the accuracy.

    See Also
    --------
    c2st_score : The function that returns it.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.dummy import DummyClassifier
    >>> from skgen.metrics import c2st_score
    >>> X = np.arange(20.0).reshape(10, 2)
    >>> scores = c2st_score(X, X + 100, classifier=DummyClassifier(), cv=2)
    >>> scores.accuracy, scores["roc_auc"]
    (0.5, 0.5)
    """

    def __init__(self, **scores):
        super().__init__(**scores)


@validate_params(
    {
        "X_real": ["array-like"],
        "X_synthetic": ["array-like"],
        "classifier": [HasMethods(["fit", "predict"]), None],
        # An int below 2 passes the hidden constraint to get the function's
        # own message, which says what the least number of folds is.
        "cv": ["cv_object", Hidden(Integral)],
        "scoring": [_SCORER_NAMES, list, tuple],
        "random_state": ["random_state"],
    },
    # The classifier is the user's: its parameters are validated when it is
    # fitted (skipping that would let e.g. C=-1 score quietly).
    prefer_skip_nested_validation=False,
)
def c2st_score(
    X_real,
    X_synthetic,
    *,
    classifier=None,
    cv=5,
    scoring=("accuracy", "roc_auc"),
    random_state=None,
):
    """Classifier two-sample test: can a classifier tell synthetic rows apart?

    Labels the real rows 0 and the synthetic rows 1, subsamples the larger set
    to the size of the smaller so that the two classes are balanced, and
    returns the cross-validated (held-out) scores of ``classifier`` on that
    task. A held-out accuracy or ROC AUC of 0.5 means the classifier cannot
    tell the sets apart; 1.0 means every row is recognised.

    Parameters
    ----------
    X_real : array-like of shape (n_real, n_features)
        Real rows.
    X_synthetic : array-like of shape (n_synthetic, n_features)
        Synthetic rows, with the same features.
    classifier : estimator object, default=None
        Any scikit-learn classifier (with ``predict_proba`` or
        ``decision_function`` for ``"roc_auc"``); it is cloned and used as
        given. None uses
        ``HistGradientBoostingClassifier(random_state=...)``: gradient-boosted
        trees see differences of scale, shape and dependence between the
        columns, to which a linear classifier is blind (two normal samples of
        variances 1 and 4 are told apart with accuracy 0.73 by the trees and
        0.49, chance, by a logistic regression, at 500 rows per set); they
        need no scaling, and cross-validation keeps their over-fitting out of
        the held-out score.
    cv : int, cross-validation generator, iterable or None, default=5
        An int, at least 2, is the number of folds of a ``StratifiedKFold``
        shuffled with ``random_state``; a splitter, an iterable of (train,
        test) index arrays or None (five folds, not shuffled) is passed to
        :func:`~sklearn.model_selection.cross_validate` as is.
    scoring : str or tuple of str, default=("accuracy", "roc_auc")
        Names of scikit-learn scorers (see
        :func:`~sklearn.metrics.get_scorer_names`); the keys of the result.
    random_state : int, RandomState instance or None, default=None
        Seeds the subsampling, the folds and the default classifier.

    Returns
    -------
    scores : C2STResult
        The mean held-out score of each name in ``scoring``, by key
        (``scores["accuracy"]``) or by attribute (``scores.accuracy``).

    See Also
    --------
    mmd : A two-sample test with a kernel instead of a classifier.

    Notes
    -----
    With ``n`` rows per set after balancing, the held-out accuracy of a
    classifier that cannot tell the sets apart has a standard deviation of
    about ``0.5 / sqrt(2 n)`` (0.016 at ``n = 500``): read a score against
    that. The test is the one of [1]_.

    References
    ----------
    .. [1] D. Lopez-Paz and M. Oquab, "Revisiting classifier two-sample
       tests", ICLR 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skgen.metrics import c2st_score
    >>> rng = np.random.default_rng(0)
    >>> X_real = rng.normal(size=(100, 2))
    >>> X_close = rng.normal(size=(100, 2))
    >>> X_far = rng.normal(loc=5.0, size=(100, 2))
    >>> c2st_score(X_real, X_far, classifier=LogisticRegression(), random_state=0)
    {'accuracy': 1.0, 'roc_auc': 1.0}
    >>> scores = c2st_score(
    ...     X_real, X_close, classifier=LogisticRegression(), random_state=0
    ... )
    >>> abs(scores["accuracy"] - 0.5) < 0.1
    True
    """
    scoring = _scorer_names(scoring)
    if isinstance(cv, Integral) and cv < 2:
        raise InvalidParameterError(f"cv must be at least 2, got {cv}.")
    _, X_synthetic = _column_names(X_real, X_synthetic)
    X_real, X_synthetic = _check_pair(X_real, X_synthetic, "c2st_score")
    n_rows = min(len(X_real), len(X_synthetic))
    if isinstance(cv, Integral) and n_rows < cv:
        raise ValueError(
            f"c2st_score needs at least cv={cv} rows in each set, got "
            f"{len(X_real)} real and {len(X_synthetic)} synthetic rows."
        )
    rng = check_random_state(random_state)

    def subsample(X):
        if len(X) == n_rows:
            return X
        return X[np.sort(rng.choice(len(X), n_rows, replace=False))]

    X = np.vstack([subsample(X_real), subsample(X_synthetic)])
    y = np.repeat([0, 1], n_rows)
    seed = rng.randint(np.iinfo(np.int32).max)
    if classifier is None:
        classifier = HistGradientBoostingClassifier(random_state=seed)
    if isinstance(cv, Integral):
        cv = StratifiedKFold(n_splits=cv, shuffle=True, random_state=seed)
    results = cross_validate(clone(classifier), X, y, cv=cv, scoring=scoring)
    return C2STResult(
        **{name: float(np.mean(results[f"test_{name}"])) for name in scoring}
    )


def _scorer_names(scoring):
    """``scoring`` as a list of scorer names; the names are checked."""
    names = [scoring] if isinstance(scoring, str) else list(scoring)
    if not names or not all(isinstance(name, str) for name in names):
        raise InvalidParameterError(
            f"scoring must be a scorer name or a tuple of names, got {names!r}."
        )
    unknown = [name for name in names if not _SCORER_NAMES.is_satisfied_by(name)]
    if unknown:
        raise InvalidParameterError(
            f"scoring holds unknown scorer names {unknown}; "
            "sklearn.metrics.get_scorer_names() lists them."
        )
    return names


# -- Maximum mean discrepancy ----------------------------------------------------


class MMDResult(_Result):
    """Result of :func:`mmd`.

    A read-only dict whose keys are also attributes (a
    :class:`~sklearn.utils.Bunch`).

    Attributes
    ----------
    statistic : float
        The unbiased estimate of the squared maximum mean discrepancy. It can
        be slightly negative when the two distributions are close.
    pvalue : float or None
        The permutation p-value, None when no permutation was run.
    bandwidth : float
        The bandwidth of the RBF kernel, chosen or given.

    See Also
    --------
    mmd : The function that returns it.

    Examples
    --------
    >>> from skgen.metrics import mmd
    >>> result = mmd([[0.0], [1.0]], [[4.0], [10.0]])
    >>> result.bandwidth, result["bandwidth"]
    (5.0, 5.0)
    """

    def __init__(self, statistic, pvalue, bandwidth):
        super().__init__(statistic=statistic, pvalue=pvalue, bandwidth=bandwidth)


def _median_distance(squared_distances):
    """Median of the distances between distinct rows (the diagonal excluded)."""
    n = squared_distances.shape[0]
    # The matrix is symmetric: the pairs below the diagonal are each pair once,
    # and have the median of all the off-diagonal entries.
    distances = squared_distances[np.tri(n, k=-1, dtype=bool)]
    np.sqrt(distances, out=distances)
    return float(np.median(distances, overwrite_input=True))


def _mmd2_unbiased(kernel, members, n_x, kernel_sums):
    """Unbiased MMD^2 for each split of the pooled rows, one split per column.

    ``members[:, p]`` is 1 for the rows that split ``p`` puts in X (``n_x`` of
    them), 0 for those of Y. With ``a`` that column, ``b = 1 - a``, ``K`` the
    kernel and ``d`` its diagonal, the sums over distinct pairs are
    ``a'Ka - a'd`` within X, ``b'Kb - b'd`` within Y, and ``a'Kb`` across,
    expanded with ``b = 1 - a`` so that one product ``K @ members`` serves all
    the splits.
    """
    row_sums, total, diagonal = kernel_sums
    n_y = kernel.shape[0] - n_x
    k_members = kernel @ members
    within_x = np.einsum("ip,ip->p", members, k_members)
    x_all = members.T @ row_sums
    x_diagonal = members.T @ diagonal
    sum_xx = within_x - x_diagonal
    sum_yy = total - 2.0 * x_all + within_x - (diagonal.sum() - x_diagonal)
    sum_xy = x_all - within_x
    return (
        sum_xx / (n_x * (n_x - 1))
        + sum_yy / (n_y * (n_y - 1))
        - 2.0 * sum_xy / (n_x * n_y)
    )


@validate_params(
    {
        "X": ["array-like"],
        "Y": ["array-like"],
        "bandwidth": [
            StrOptions({"median"}),
            Interval(Real, 0, np.inf, closed="neither"),
        ],
        "n_permutations": [Interval(Integral, 0, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def mmd(X, Y, *, bandwidth="median", n_permutations=0, random_state=None):
    r"""Squared maximum mean discrepancy between two samples, RBF kernel.

    The unbiased estimate of [1]_,

    .. math::

        \mathrm{MMD}^2_u = \frac{1}{m(m-1)} \sum_{i \neq j} k(x_i, x_j)
        + \frac{1}{n(n-1)} \sum_{i \neq j} k(y_i, y_j)
        - \frac{2}{mn} \sum_{i, j} k(x_i, y_j),

    with :math:`k(x, y) = \exp(-\|x - y\|^2 / (2 h^2))` and bandwidth
    :math:`h`. Its expectation is zero exactly when the two distributions are
    the same (the estimate itself can be slightly negative). With
    ``n_permutations > 0`` a permutation test gives the p-value of the
    hypothesis that X and Y come from one distribution.

    Parameters
    ----------
    X : array-like of shape (m, n_features)
        First sample, e.g. the real rows; ``m >= 2``.
    Y : array-like of shape (n, n_features)
        Second sample, e.g. the synthetic rows; ``n >= 2``.
    bandwidth : "median" or float, default="median"
        The kernel's bandwidth :math:`h`, positive and finite; "median" is the
        median heuristic, the median distance between two distinct rows of X
        and Y pooled. Scale the columns first if their units differ.
    n_permutations : int, default=0
        Number of random splits of the pooled rows into sets of sizes ``m``
        and ``n`` for the p-value; 0 computes none.
    random_state : int, RandomState instance or None, default=None
        Seeds the permutations.

    Returns
    -------
    result : MMDResult
        ``statistic``, ``pvalue`` (None without permutations): ``(1 + k) /
        (1 + n_permutations)`` where ``k`` permuted statistics are at least
        the observed one (equal up to rounding counts), and ``bandwidth``.

    See Also
    --------
    c2st_score : A two-sample test with a classifier instead of a kernel.

    Notes
    -----
    The kernel matrix of the ``m + n`` pooled rows is computed once and kept:
    the peak memory is ``8 (m + n)^2`` bytes with a given bandwidth and
    ``13 (m + n)^2`` with the median heuristic (measured: 1.3 GB and 4 to 10 s at
    ``m + n = 10 000``, 10 features, on 2 cores). Each permutation costs
    ``O((m + n)^2)`` more, done by matrix products (999 permutations: 2 s
    at 10 000 rows). For larger samples, compute it on random subsets.

    References
    ----------
    .. [1] A. Gretton, K. M. Borgwardt, M. J. Rasch, B. Schölkopf and
       A. Smola, "A kernel two-sample test", JMLR 13, 2012.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.metrics import mmd
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(50, 2))
    >>> Y = rng.normal(loc=1.0, size=(50, 2))
    >>> result = mmd(X, Y, n_permutations=99, random_state=0)
    >>> round(result.statistic, 3), result.pvalue
    (0.168, 0.01)
    """
    _, Y = _column_names(X, Y, names=("X", "Y"))
    X, Y = _check_rows(X, "X", "mmd"), _check_rows(Y, "Y", "mmd")
    _check_same_features([X, Y], ["X", "Y"])
    squared = euclidean_distances(np.vstack([X, Y]), squared=True)
    if isinstance(bandwidth, str):  # "median"
        bandwidth = _median_distance(squared)
        if bandwidth == 0.0:
            raise ValueError(
                "The median distance between the rows is 0 (most rows are "
                "equal): pass a positive bandwidth."
            )
    bandwidth = float(bandwidth)
    # The RBF kernel in place, as sklearn.metrics.pairwise.rbf_kernel computes
    # it, sharing the distances with the median heuristic.
    kernel = squared
    kernel *= -1.0 / (2.0 * bandwidth**2)
    np.exp(kernel, out=kernel)

    n_pooled, n_x = kernel.shape[0], X.shape[0]
    row_sums = kernel.sum(axis=1)
    kernel_sums = (row_sums, row_sums.sum(), np.diagonal(kernel).copy())
    observed_members = np.zeros((n_pooled, 1))
    observed_members[:n_x] = 1.0
    statistic = float(_mmd2_unbiased(kernel, observed_members, n_x, kernel_sums)[0])
    if n_permutations == 0:
        return MMDResult(statistic, None, bandwidth)

    rng = check_random_state(random_state)
    chunk = max(1, _PERMUTATION_CHUNK_ENTRIES // n_pooled)
    n_at_least = 0
    for start in range(0, n_permutations, chunk):
        size = min(chunk, n_permutations - start)
        # Split p puts in X the first n_x rows of a random order; each split
        # draws its own n_pooled numbers, so the chunking changes nothing.
        order = rng.random_sample((size, n_pooled)).argsort(axis=1)
        members = np.zeros((n_pooled, size))
        np.put_along_axis(members.T, order[:, :n_x], 1.0, axis=1)
        permuted = _mmd2_unbiased(kernel, members, n_x, kernel_sums)
        n_at_least += int(np.sum(permuted >= statistic - _TIE_TOLERANCE))
    pvalue = (1 + n_at_least) / (1 + n_permutations)
    return MMDResult(statistic, pvalue, bandwidth)


# -- Train on synthetic, test on real --------------------------------------------


class TSTRResult(_Result):
    """Result of :func:`tstr_score`.

    A read-only dict whose keys are also attributes (a
    :class:`~sklearn.utils.Bunch`).

    Attributes
    ----------
    tstr : float
        Train on synthetic, test on real: the test score of the estimator
        fitted on the synthetic rows.
    trtr : float
        Train on real, test on real: the test score of the estimator fitted
        on the real training rows.
    ratio : float
        ``tstr / trtr``; NaN when ``trtr`` is 0.

    See Also
    --------
    tstr_score : The function that returns it.

    Examples
    --------
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skgen.metrics import tstr_score
    >>> X, X_test = [[0.0], [1.0], [2.0], [3.0]], [[0.2], [0.8], [1.2], [2.8]]
    >>> scores = tstr_score(
    ...     X, [0, 0, 1, 1], X, [0, 1, 1, 1], X_test, [0, 0, 0, 1],
    ...     estimator=DecisionTreeClassifier(max_depth=1),
    ... )
    >>> scores.ratio, scores["tstr"], scores.trtr
    (0.5, 0.5, 1.0)
    """

    def __init__(self, tstr, trtr, ratio):
        super().__init__(tstr=tstr, trtr=trtr, ratio=ratio)


def _default_supervised(target_type):
    if target_type in ("binary", "multiclass"):
        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    if target_type in ("continuous", "continuous-multioutput"):
        return make_pipeline(StandardScaler(), Ridge())
    raise ValueError(
        f"tstr_score has no default estimator for a {target_type!r} target: "
        "pass one as estimator."
    )


def _fit_clone(estimator, X, y):
    """A clone of the user's ``estimator`` fitted to ``X, y``."""
    try:
        return clone(estimator).fit(X, y)
    except InvalidParameterError as error:
        # A ValueError, not an InvalidParameterError: validate_params would
        # rename the estimator's parameter as one of the calling function's.
        raise ValueError(f"estimator {estimator!r}: {error}") from error


@validate_params(
    {
        "X_real": ["array-like"],
        "y_real": ["array-like"],
        "X_synthetic": ["array-like"],
        "y_synthetic": ["array-like"],
        "X_test": ["array-like"],
        "y_test": ["array-like"],
        "estimator": [HasMethods(["fit"]), None],
        "scoring": [_SCORER_NAMES, callable, None],
    },
    # The estimator is the user's: its parameters are validated when it is
    # fitted (skipping that would let e.g. C=-1 score quietly).
    prefer_skip_nested_validation=False,
)
def tstr_score(
    X_real,
    y_real,
    X_synthetic,
    y_synthetic,
    X_test,
    y_test,
    *,
    estimator=None,
    scoring=None,
):
    """Train on synthetic, test on real, against train on real.

    Fits one clone of ``estimator`` on the synthetic rows and another on the
    real training rows, and scores both on held-out real rows. A synthetic
    set that keeps what matters to predict ``y`` gives a score as good as the
    real one: a ratio near 1.

    Parameters
    ----------
    X_real : array-like of shape (n_real, n_features)
        Real training rows (those the generator learned from).
    y_real : array-like of shape (n_real,) or (n_real, n_outputs)
        Their targets.
    X_synthetic : array-like of shape (n_synthetic, n_features)
        Synthetic rows.
    y_synthetic : array-like of shape (n_synthetic,) or (n_synthetic, n_outputs)
        Their targets (e.g. the labels the generator was asked for).
    X_test : array-like of shape (n_test, n_features)
        Real rows that neither the generator nor the estimators saw.
    y_test : array-like of shape (n_test,) or (n_test, n_outputs)
        Their targets.
    estimator : estimator object, default=None
        Any scikit-learn estimator; it is cloned. The inputs are passed to it
        as given (a DataFrame stays one), after the checks of shape and
        missing values. None uses ``StandardScaler`` followed by
        ``LogisticRegression`` when ``y_real`` is a class label (binary or
        multiclass, by :func:`~sklearn.utils.multiclass.type_of_target`), by
        ``Ridge`` when it is continuous.
    scoring : str or callable, default=None
        A scorer name or a callable ``scorer(estimator, X, y)``, read by
        :func:`~sklearn.metrics.get_scorer`. None is "accuracy" for class
        labels and "r2" for continuous targets.

    Returns
    -------
    scores : TSTRResult
        ``tstr``: the test score of the estimator fitted on the synthetic
        rows; ``trtr``: that of the estimator fitted on the real training
        rows; ``ratio``: ``tstr / trtr``, by key (``scores["ratio"]``) or by
        attribute (``scores.ratio``). The ratio reads as "the fraction
        of the real data's score kept" for a score that is positive and
        higher-is-better (accuracy, ROC AUC, a positive R^2); for a loss
        scored as its negative (``"neg_mean_squared_error"``) a ratio above 1
        is worse. It is NaN, with a warning, when ``trtr`` is 0.

    See Also
    --------
    c2st_score : Whether the synthetic rows can be told from the real ones.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import train_test_split
    >>> from skgen.metrics import tstr_score
    >>> X, y = load_iris(return_X_y=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(
    ...     X, y, test_size=0.5, random_state=0, stratify=y
    ... )
    >>> scores = tstr_score(X_train, y_train, X_train, y_train, X_test, y_test)
    >>> scores["ratio"]
    1.0
    """
    caller = "tstr_score"
    _, X_synthetic = _column_names(X_real, X_synthetic)
    _, X_test = _column_names(X_real, X_test, names=("X_real", "X_test"))
    inputs = [("X_real", X_real), ("X_synthetic", X_synthetic), ("X_test", X_test)]
    checked = [
        _check_rows(X, name, caller, dtype=None, min_rows=2) for name, X in inputs
    ]
    _check_same_features(checked, [name for name, _ in inputs])
    for (name, X), y, y_name in zip(
        inputs, (y_real, y_synthetic, y_test), ("y_real", "y_synthetic", "y_test")
    ):
        check_array(y, ensure_2d=False, dtype=None, input_name=y_name)
        try:
            check_consistent_length(X, y)
        except ValueError:
            raise ValueError(
                f"{name} and {y_name} have different numbers of rows."
            ) from None

    target_type = type_of_target(y_real, input_name="y_real")
    if estimator is None:
        estimator = _default_supervised(target_type)
    if scoring is None:
        scoring = "r2" if target_type.startswith("continuous") else "accuracy"
    scorer = get_scorer(scoring)

    tstr = scorer(_fit_clone(estimator, X_synthetic, y_synthetic), X_test, y_test)
    trtr = scorer(_fit_clone(estimator, X_real, y_real), X_test, y_test)
    tstr, trtr = float(tstr), float(trtr)
    if trtr == 0.0:
        warnings.warn(
            "The score of the estimator trained on real rows is 0: the ratio "
            "tstr / trtr is undefined (NaN).",
            RuntimeWarning,
            stacklevel=3,  # past the wrapper of validate_params, to the caller
        )
        ratio = float("nan")
    else:
        ratio = tstr / trtr
    return TSTRResult(tstr, trtr, ratio)


# -- Marginals -------------------------------------------------------------------


class MarginalResult(_Result):
    """Result of :func:`marginal_scores`.

    A read-only dict whose keys are also attributes (a
    :class:`~sklearn.utils.Bunch`). Columns are keyed by name when an input
    is a DataFrame, by position otherwise, in the order of the columns.

    Attributes
    ----------
    ks : dict
        Column to Kolmogorov-Smirnov statistic, over the numeric columns.
    tv : dict
        Column to total variation distance, over the categorical columns.
    mean : float
        The mean of these distances over all the columns.

    See Also
    --------
    marginal_scores : The function that returns it.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.metrics import marginal_scores
    >>> X_real = np.array([[0.0, 0], [1.0, 0], [2.0, 1], [3.0, 1]])
    >>> X_synthetic = np.array([[0.5, 0], [1.5, 1], [2.5, 1], [3.5, 1]])
    >>> scores = marginal_scores(X_real, X_synthetic, categorical=[1])
    >>> scores.mean, scores["tv"]
    (0.25, {1: 0.25})
    """

    def __init__(self, ks, tv, mean):
        super().__init__(ks=ks, tv=tv, mean=mean)


def _categorical_indices(categorical, names, n_features):
    """Positions of the columns given by index (int) or by name."""
    if categorical is None:
        return set()
    if isinstance(categorical, (str, Integral)):
        categorical = [categorical]
    positions = set()
    for column in categorical:
        if isinstance(column, (Integral, np.integer)) and not isinstance(
            column, (bool, np.bool_)
        ):
            if not -n_features <= column < n_features:
                raise ValueError(
                    f"categorical column index {column} is out of range for "
                    f"{n_features} columns."
                )
            positions.add(int(column) % n_features)
        elif names is not None and column in names:
            positions.add(names.index(column))
        else:
            known = "" if names is None else f"; the columns are {names}"
            raise ValueError(
                f"categorical column {column!r} is neither a column index nor "
                f"a column name{known}."
            )
    return positions


def _total_variation(real, synthetic):
    """0.5 * sum |p - q| over the categories seen in either column."""
    try:
        categories, codes = np.unique(
            np.concatenate([real, synthetic]), return_inverse=True
        )
    except TypeError:  # categories of mixed, unorderable types
        categories, codes = np.unique(
            np.concatenate([real, synthetic]).astype(str), return_inverse=True
        )
    n_categories = len(categories)
    p = np.bincount(codes[: len(real)], minlength=n_categories) / len(real)
    q = np.bincount(codes[len(real) :], minlength=n_categories) / len(synthetic)
    return 0.5 * float(np.abs(p - q).sum())


@validate_params(
    {
        "X_real": ["array-like"],
        "X_synthetic": ["array-like"],
        "categorical": ["array-like", str, Integral, None],
    },
    prefer_skip_nested_validation=True,
)
def marginal_scores(X_real, X_synthetic, *, categorical=None):
    """Distance between the real and synthetic distributions of each column.

    For a numeric column, the Kolmogorov-Smirnov statistic: the largest
    difference between the two empirical distribution functions
    (:func:`scipy.stats.ks_2samp`). For a categorical column, the total
    variation distance between the two category frequencies,
    ``0.5 * sum_c |p_c - q_c|``. Both are 0 for identical marginals and 1 for
    marginals that do not overlap.

    Parameters
    ----------
    X_real : array-like or DataFrame of shape (n_real, n_features)
        Real rows. Categorical columns may hold strings.
    X_synthetic : array-like or DataFrame of shape (n_synthetic, n_features)
        Synthetic rows, with the same columns; a DataFrame with the columns
        of ``X_real`` in another order is reordered.
    categorical : int, str or list of int or str, default=None
        The categorical columns, by position or (for DataFrames) by name;
        the other columns are numeric.

    Returns
    -------
    scores : MarginalResult
        ``ks``: dict of column to KS statistic, over the numeric columns;
        ``tv``: dict of column to total variation distance, over the
        categorical columns; ``mean``: the mean over all the columns of
        these distances; by key (``scores["mean"]``) or by attribute
        (``scores.mean``). Columns are keyed by name when an input is a
        DataFrame, by position otherwise, in the order of the columns.

    See Also
    --------
    correlation_difference : What the marginals do not show, pairwise.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.metrics import marginal_scores
    >>> X_real = np.array([[0.0, 0], [1.0, 0], [2.0, 1], [3.0, 1]])
    >>> X_synthetic = np.array([[0.5, 0], [1.5, 1], [2.5, 1], [3.5, 1]])
    >>> marginal_scores(X_real, X_synthetic, categorical=[1])
    {'ks': {0: 0.25}, 'tv': {1: 0.25}, 'mean': 0.25}
    """
    names, X_synthetic = _column_names(X_real, X_synthetic)
    real, synthetic = _check_pair(X_real, X_synthetic, "marginal_scores", dtype=None)
    n_features = real.shape[1]
    keys = names if names is not None else list(range(n_features))
    categorical = _categorical_indices(categorical, names, n_features)

    ks, tv = {}, {}
    for j, key in enumerate(keys):
        if j in categorical:
            tv[key] = _total_variation(real[:, j], synthetic[:, j])
            continue
        try:
            columns = [
                real[:, j].astype(np.float64),
                synthetic[:, j].astype(np.float64),
            ]
        except (TypeError, ValueError):
            raise ValueError(
                f"Column {key!r} is not numeric: list it in categorical."
            ) from None
        ks[key] = float(ks_2samp(*columns).statistic)
    values = [*ks.values(), *tv.values()]
    return MarginalResult(ks, tv, float(np.mean(values)))


# -- Correlations ----------------------------------------------------------------


@validate_params(
    {
        "X_real": ["array-like"],
        "X_synthetic": ["array-like"],
        "return_matrix": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def correlation_difference(X_real, X_synthetic, *, return_matrix=False):
    """Mean absolute difference between the two Pearson correlation matrices.

    Averages ``|corr_synthetic[i, j] - corr_real[i, j]|`` over the pairs of
    distinct columns ``i < j``: 0 when the synthetic rows keep every linear
    dependence between the columns, up to 2.

    Parameters
    ----------
    X_real : array-like of shape (n_real, n_features)
        Real rows; at least two columns.
    X_synthetic : array-like of shape (n_synthetic, n_features)
        Synthetic rows, with the same columns.
    return_matrix : bool, default=False
        Also return the matrix of differences, as a tuple
        ``(difference, differences)``.

    Returns
    -------
    difference : float
        The mean absolute difference over the pairs of columns that are not
        constant in either set: one number, so a float rather than a result
        object.
    differences : ndarray of shape (n_features, n_features)
        Only with ``return_matrix=True``: ``corr_synthetic - corr_real``
        (signed), NaN in the rows and columns of skipped constant columns.

    Warns
    -----
    scipy.stats.ConstantInputWarning
        When a column is constant in either set: its correlations are
        undefined, and it is left out of the mean.

    See Also
    --------
    marginal_scores : The columns one at a time.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.metrics import correlation_difference
    >>> x = np.array([1.0, 2.0, 3.0, 4.0])
    >>> X_real = np.column_stack([x, 2 * x])  # correlation 1
    >>> X_synthetic = np.column_stack([x, [1.0, 3.0, 2.0, 4.0]])  # 0.8
    >>> round(correlation_difference(X_real, X_synthetic), 12)
    0.2
    """
    names, X_synthetic = _column_names(X_real, X_synthetic)
    real, synthetic = _check_pair(X_real, X_synthetic, "correlation_difference")
    n_features = real.shape[1]
    keys = names if names is not None else list(range(n_features))
    constant = {
        "X_real": np.ptp(real, axis=0) == 0,
        "X_synthetic": np.ptp(synthetic, axis=0) == 0,
    }
    skipped = constant["X_real"] | constant["X_synthetic"]
    if skipped.any():
        where = "; ".join(
            f"in {name}: {[keys[j] for j in np.flatnonzero(mask)]}"
            for name, mask in constant.items()
            if mask.any()
        )
        warnings.warn(
            f"Constant columns ({where}) have no correlation and are skipped.",
            ConstantInputWarning,
            stacklevel=3,  # past the wrapper of validate_params, to the caller
        )
    kept = ~skipped
    if kept.sum() < 2:
        raise ValueError(
            "correlation_difference needs at least two columns that are not "
            f"constant in either set, got {int(kept.sum())}."
        )
    differences = np.corrcoef(synthetic[:, kept], rowvar=False) - np.corrcoef(
        real[:, kept], rowvar=False
    )
    upper = np.triu_indices(int(kept.sum()), k=1)
    difference = float(np.mean(np.abs(differences[upper])))
    if not return_matrix:
        return difference
    full = np.full((n_features, n_features), np.nan)
    full[np.ix_(kept, kept)] = differences
    return difference, full
