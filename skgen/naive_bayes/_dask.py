"""Naive Bayes on dask arrays: per-block sums on the workers, added in order.

A naive Bayes fit is sums over rows. Each row block computes its own where it
lives and the sums are added in a tree of fixed shape
(:func:`skgen.utils._dask.tree_reduce`):

* Gaussian: per class, the (weighted) count, mean and centred sum of squares,
  merged by Chan's pairwise formula (no ``E[x^2] - E[x]^2`` cancellation),
  plus the unweighted moments of all rows for ``epsilon_``;
* multinomial, Bernoulli, categorical: a clone of the estimator runs
  scikit-learn's ``partial_fit`` on the block (its validation, binarisation
  and counting), and the counts are added.

The classes are found first, in one pass over ``y``. The fitted attributes
then follow as in scikit-learn's ``fit``; they equal the in-memory fit's to
rounding (the counts of the discrete models exactly, for integer data).

Nothing here imports dask at import time (``skgen`` must import without it).
"""

import numpy as np
from sklearn.base import clone
from sklearn.utils import assert_all_finite
from sklearn.utils.multiclass import check_classification_targets

from skgen.utils import _dask
from skgen.utils._sklearn_compat import check_is_fitted


def fit(estimator, X, y, sample_weight=None):
    """``estimator.fit(X, y, sample_weight)`` for dask ``X`` (or ``y``)."""
    import dask.array as da

    estimator._validate_params()
    X, y, sample_weight = _check_batch(X, y, sample_weight)
    classes = np.unique(da.unique(y).compute())
    check_classification_targets(classes)
    _update(estimator, X, y, sample_weight, classes, first_call=True)
    _dask.reset_n_features(estimator, X.shape[1])
    estimator._start_sample_stream()
    return estimator


def partial_fit(estimator, X, y, classes=None, sample_weight=None):
    """``estimator.partial_fit`` for dask ``X`` (or ``y``): the batch's sums on
    the workers, added to the model's as scikit-learn's ``partial_fit`` does."""
    import dask.array as da

    estimator._validate_params()
    X, y, sample_weight = _check_batch(X, y, sample_weight)
    first_call = not hasattr(estimator, "classes_")
    if first_call:
        if classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        classes = np.unique(np.asarray(classes))
        check_classification_targets(classes)
    else:
        _dask.check_n_features(estimator, X)
        if classes is not None and not np.array_equal(
            estimator.classes_, np.unique(np.asarray(classes))
        ):
            # scikit-learn's message.
            raise ValueError(
                f"`classes={classes!r}` is not the same as on last call to "
                f"partial_fit, was: {estimator.classes_!r}"
            )
        classes = estimator.classes_
    seen = np.unique(da.unique(y).compute())
    unknown = np.setdiff1d(seen, classes)
    if unknown.size:
        raise ValueError(
            f"The target label(s) {unknown} in y do not exist in the initial "
            f"classes {classes}"
        )
    _update(estimator, X, y, sample_weight, classes, first_call)
    if first_call:
        _dask.reset_n_features(estimator, X.shape[1])
        estimator._start_sample_stream()
    return estimator


def _check_batch(X, y, sample_weight):
    import dask.array as da

    if not isinstance(X, da.Array):
        X = da.from_array(np.asarray(X))
    X = _dask.check_rows(X, dtype=None)
    if X.shape[0] < 1:
        raise ValueError(
            f"Found array with 0 sample(s) (shape={X.shape}) while a minimum of "
            "1 is required."
        )
    y = _dask.aligned(y, X, "y")
    sample_weight = _dask.aligned(sample_weight, X, "sample_weight", dtype=np.float64)
    return X, y, sample_weight


def _update(estimator, X, y, sample_weight, classes, first_call):
    """Add the sums of the batch ``X, y`` to the model (or start it)."""
    blocks = (_dask.row_blocks(X), _dask.row_blocks(y))
    weights = _dask.row_blocks(sample_weight) or [None] * len(blocks[0])
    if hasattr(estimator, "var_smoothing"):
        _fit_gaussian(estimator, X, blocks, weights, classes, first_call)
    else:
        _fit_discrete(estimator, blocks, weights, classes, first_call)


# -- Gaussian ------------------------------------------------------------------


def _fit_gaussian(estimator, X, blocks, weights, classes, first_call=True):
    """The batch's moments, merged with the model's unless ``first_call``.

    As scikit-learn's ``partial_fit``: ``epsilon_`` is the batch's, and the
    variances lose the new ``epsilon_`` before the merge and gain it after.
    """
    import dask

    task = dask.delayed(_gaussian_block_moments, pure=True)
    parts = [task(Xb, yb, wb, classes) for (Xb, yb), wb in zip(zip(*blocks), weights)]
    (moments,) = _dask.compute(_dask.tree_reduce(_merge_moments, parts))
    count, mean, m2, n_rows, mean_all, m2_all = moments
    dtype = X.dtype.type if X.dtype in (np.float32, np.float64) else np.float64
    epsilon = estimator.var_smoothing * np.max(m2_all / n_rows)
    if not first_call:
        past = estimator.class_count_.astype(np.float64)
        past_m2 = (estimator.var_ - epsilon) * past[:, np.newaxis]
        count, mean, m2 = _chan(past, estimator.theta_, past_m2, count, mean, m2)
    if estimator.priors is not None:
        # scikit-learn's checks and messages.
        priors = np.asarray(estimator.priors, dtype=dtype)
        if priors.shape[0] != len(classes):
            raise ValueError("Number of priors must match number of classes.")
        if not np.isclose(priors.sum(), 1.0):
            raise ValueError("The sum of the priors should be 1.")
        if np.any(priors < 0):
            raise ValueError("Priors must be non-negative.")
        class_prior = priors
    else:
        class_prior = count / count.sum()
    # A class with no row yet keeps its variance (as scikit-learn's
    # partial_fit: minus the new epsilon_ now, plus it below).
    unseen = 0.0 if first_call else estimator.var_ - epsilon
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.where(count[:, np.newaxis] > 0, m2 / count[:, np.newaxis], unseen)
    estimator.classes_ = classes
    estimator.epsilon_ = dtype(epsilon)
    estimator.theta_ = mean.astype(dtype)
    estimator.var_ = (var + epsilon).astype(dtype)
    estimator.class_count_ = count.astype(dtype)
    estimator.class_prior_ = np.asarray(class_prior, dtype=dtype)


def _gaussian_block_moments(X, y, sample_weight, classes):
    """On a worker: per-class and overall (count, mean, centred squares)."""
    X = np.asarray(X, dtype=np.float64)
    assert_all_finite(X, input_name="X")
    n_classes, n_features = len(classes), X.shape[1]
    count = np.zeros(n_classes)
    mean = np.zeros((n_classes, n_features))
    m2 = np.zeros((n_classes, n_features))
    index = np.searchsorted(classes, np.asarray(y))
    for k in range(n_classes):
        rows = index == k
        if not rows.any():
            continue
        X_k = X[rows]
        w_k = None if sample_weight is None else sample_weight[rows]
        count[k] = X_k.shape[0] if w_k is None else w_k.sum()
        if count[k] == 0:
            continue
        mean[k] = np.average(X_k, axis=0, weights=w_k)
        m2[k] = np.average((X_k - mean[k]) ** 2, axis=0, weights=w_k) * count[k]
    mean_all = X.mean(axis=0)
    m2_all = ((X - mean_all) ** 2).sum(axis=0)
    return count, mean, m2, np.float64(X.shape[0]), mean_all, m2_all


def _chan(n_a, mean_a, m2_a, n_b, mean_b, m2_b):
    """Count, mean and centred squares of two sets together (Chan et al.)."""
    n = n_a + n_b
    share_b = np.divide(n_b, n, out=np.zeros(np.shape(n)), where=n > 0)
    cross = n_a * share_b  # n_a n_b / n
    if np.ndim(n):
        share_b, cross = share_b[:, np.newaxis], cross[:, np.newaxis]
    delta = mean_b - mean_a
    return n, mean_a + delta * share_b, m2_a + m2_b + delta**2 * cross


def _merge_moments(parts):
    """Moments of consecutive blocks, merged in list order."""
    count, mean, m2, n_rows, mean_all, m2_all = parts[0]
    for p in parts[1:]:
        count, mean, m2 = _chan(count, mean, m2, *p[:3])
        n_rows, mean_all, m2_all = _chan(n_rows, mean_all, m2_all, *p[3:])
    return count, mean, m2, n_rows, mean_all, m2_all


# -- multinomial, Bernoulli, categorical ---------------------------------------


def _fit_discrete(estimator, blocks, weights, classes, first_call=True):
    """The batch's counts, added to the model's unless ``first_call``."""
    import dask

    task = dask.delayed(_discrete_block_counts, pure=True)
    template = _dask.shared(clone(estimator))
    parts = [
        task(Xb, yb, wb, template, classes)
        for (Xb, yb), wb in zip(zip(*blocks), weights)
    ]
    (counted,) = _dask.compute(_dask.tree_reduce(_add_counts, parts))
    if first_call:
        for name, value in vars(counted).items():
            if name.endswith("_") and not name.startswith("_"):
                setattr(estimator, name, value)
    else:
        _add_counts([estimator, counted])
        if hasattr(counted, "n_categories_"):
            # As scikit-learn's partial_fit: the last batch's categories.
            estimator.n_categories_ = counted.n_categories_
    # What scikit-learn's fit does after counting.
    estimator._update_feature_log_prob(estimator._check_alpha())
    estimator._update_class_log_prior(class_prior=estimator.class_prior)


def _discrete_block_counts(X, y, sample_weight, template, classes):
    """On a worker: a fresh model's ``partial_fit`` on one block."""
    model = clone(template)
    return model.partial_fit(X, y, classes=classes, sample_weight=sample_weight)


def _add_counts(models):
    """The first model, with every model's counts added to it, in list order."""
    total, *rest = models
    for model in rest:
        total.class_count_ = total.class_count_ + model.class_count_
        if hasattr(total, "category_count_"):
            total.category_count_ = [
                _padded_sum(a, b)
                for a, b in zip(total.category_count_, model.category_count_)
            ]
            total.n_categories_ = np.maximum(total.n_categories_, model.n_categories_)
        else:
            total.feature_count_ = total.feature_count_ + model.feature_count_
    return total


def _padded_sum(a, b):
    """``a + b`` for count tables of possibly different numbers of categories."""
    width = max(a.shape[1], b.shape[1])
    out = np.zeros((a.shape[0], width))
    out[:, : a.shape[1]] += a
    out[:, : b.shape[1]] += b
    return out


# -- prediction ----------------------------------------------------------------


def _check_test_data(estimator, X):
    check_is_fitted(estimator)
    X = _dask.check_rows(X, dtype=None)
    _dask.check_n_features(estimator, X)
    return X


def apply(estimator, X, method):
    """``estimator.method(X)`` for dask ``X``, as a dask array."""
    X = _check_test_data(estimator, X)
    if method == "predict":
        n_columns, dtype = None, estimator.classes_.dtype
    elif method == "score_samples":
        n_columns, dtype = None, np.float64
    else:
        n_columns, dtype = len(estimator.classes_), np.float64
    return _dask.map_method(estimator, X, method, n_columns=n_columns, dtype=dtype)


def sample(estimator, n_samples, chunks, y=None, random_state=None):
    """``estimator.sample(n_samples, y=y)`` as two dask arrays, in blocks."""
    labels = None if y is None else np.asarray(y)

    def per_block(start, stop):
        if labels is None:
            return {}
        return {"y": labels if labels.ndim == 0 else labels[start:stop]}

    dtype = np.intp if hasattr(estimator, "n_categories_") else np.float64
    meta = ((estimator.n_features_in_, dtype), estimator.classes_.dtype)
    return _dask.sample_blocks(
        estimator, n_samples, chunks, random_state, meta=meta, kwargs=per_block
    )
