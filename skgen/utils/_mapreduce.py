"""Passes over rows, in memory or on Dask: the one place that tells them apart.

A model family writes each pass over its data as a *block function*,
``block_function(X_block, *aligned_blocks, *block_args, *args) -> sums``,
whose results for two disjoint row blocks add up (see
:mod:`skgen.utils._statistics`), and a finish step on the total. The helpers
here run such a function over rows in memory (one call, all rows) or over a
dask array (one task per row block, where the block lives, the sums added in
a tree of fixed shape); they validate rows in either form, draw the rows an
initialisation starts from, and map prediction methods over row blocks. A
family never asks which form its input has: it calls these.

Nothing here imports dask: :mod:`skgen.utils._dask` imports it inside its
functions, and runs only for dask collections.
"""

import functools
import inspect
from numbers import Integral

import numpy as np
from sklearn.utils import check_scalar
from sklearn.utils.validation import _check_sample_weight

from skgen.utils import _dask
from skgen.utils._chunking import row_blocks
from skgen.utils._sequences import sequence_bounds
from skgen.utils._sklearn_compat import _num_samples, _safe_indexing, check_is_fitted
from skgen.utils._statistics import add_sums

__all__ = [
    "by_row_blocks",
    "distinct_values",
    "initialisation_rows",
    "lazy_alternative",
    "map_reduce",
    "normalized_sample_weight",
    "row_wise",
    "sample_in_blocks",
    "sequence_wise",
    "validate_rows",
    "validated_sequence_bounds",
]


def map_reduce(block_function, X, *aligned, args=(), block_args=None, combine=add_sums):
    """``block_function`` over the row blocks of ``X``, results combined.

    Parameters
    ----------
    block_function : callable
        ``block_function(X_block, *aligned_blocks, *block_args(start, stop),
        *args)``; a module-level function (it is sent to Dask's workers).
    X : ndarray or dask array of shape (n_samples, n_features)
        Validated rows.
    *aligned : ndarray, dask array or None
        Arrays of one entry per row (e.g. ``sample_weight``), split with ``X``.
    args : tuple, default=()
        Arguments every block gets (parameters); sent to each worker once.
    block_args : callable, default=None
        ``block_args(start, stop)`` gives more arguments for the block of rows
        ``start:stop`` (e.g. its sequence boundaries); runs on the caller.
    combine : callable, default=add_sums
        Combines a list of block results, in list order.

    Returns
    -------
    result
        In memory, ``block_function`` of all rows (one call); on Dask, the
        combination of the blocks' results, computed.
    """
    if not _dask.any_dask(X, *aligned):
        extra = () if block_args is None else block_args(0, X.shape[0])
        return block_function(X, *aligned, *extra, *args)
    return _dask.map_reduce(block_function, X, aligned, args, block_args, combine)


def validate_rows(estimator, X, validate, *, reset, min_samples=1, dtype=None):
    """Validated rows: ``validate(X, reset=reset)`` in memory, lazily on Dask.

    For a dask array, the shape, the number of features and ``min_samples``
    are checked now, and ``estimator._check_block(block)`` (the row checks of
    ``validate`` that need no other row) runs on each block when it is
    computed.

    Parameters
    ----------
    estimator : estimator
        Records ``n_features_in_`` (``reset=True``) or checks it.
    X : array-like or dask array
        Rows to validate.
    validate : callable
        The estimator's validation of rows in memory.
    reset : bool
        Whether ``X`` is training data that sets the number of features.
    min_samples : int, default=1
        Fewest rows of a dask ``X``.
    dtype : tuple of dtypes or None, default=None
        Float dtypes a dask ``X`` is converted to (the first unless it has one
        of them); None keeps its dtype.

    Returns
    -------
    X : ndarray or dask array
    """
    if not _dask.is_dask_collection(X):
        return validate(X, reset=reset)
    return _dask.validate_rows(
        estimator, X, reset=reset, min_samples=min_samples, dtype=dtype
    )


def validated_sequence_bounds(X, lengths=None, sequence_ids=None):
    """Boundaries of the sequences of validated rows ``X`` (see
    :func:`skgen.utils._sequences.sequence_bounds`).

    For a dask ``X``, dask ``lengths`` or ``sequence_ids`` are computed, and
    every sequence must lie inside one row block.
    """
    if not _dask.is_dask_collection(X):
        return sequence_bounds(X.shape[0], lengths, sequence_ids)
    return _dask.training_sequence_bounds(X, lengths, sequence_ids)


def initialisation_rows(X, random_state, *aligned):
    """The rows an initialisation (k-means and the like) reads, in memory.

    All of ``X`` in memory; for a dask array all rows when it has at most
    ``INIT_SAMPLE_ROWS`` of them (so the initialisation is the in-memory one),
    else that many rows drawn at random, with the same entries of the
    ``aligned`` arrays.

    Returns
    -------
    rows : tuple of ndarray
        ``(X_rows, *aligned_rows)``.
    """
    if not _dask.any_dask(X, *aligned):
        return (X, *aligned)
    return _dask.draw_rows(X, _dask.INIT_SAMPLE_ROWS, random_state, *aligned)


def distinct_values(values):
    """Sorted distinct values of a 1-d array (numpy, list or dask), in memory."""
    if _dask.is_dask_collection(values):
        return _dask.unique(values)
    return np.unique(np.asarray(values))


def by_row_blocks(method, X):
    """``method(X)`` computed on blocks of ``BLOCK_ROWS`` rows, into one output.

    Each block goes through ``method`` (its validation included) as ``X``
    would; the memory beyond the output is that of one block, whatever the
    number of rows.
    """
    n_samples = _num_samples(X)
    blocks = list(row_blocks(n_samples))
    if len(blocks) <= 1:
        return method(X)
    out = None
    for rows in blocks:
        part = method(_safe_indexing(X, rows))
        if out is None:
            out = np.empty((n_samples, *part.shape[1:]), dtype=part.dtype)
        out[rows] = part
    return out


def _resolve(value, estimator):
    """``value``, or ``value(estimator)`` for a function (not a dtype class)."""
    if callable(value) and not isinstance(value, type):
        return value(estimator)
    return value


def row_wise(n_columns=None, dtype=np.float64):
    """Decorate a prediction method ``method(self, X)`` of one output per row.

    On a dask ``X`` the decorated method returns a dask array: the method runs
    on each row block, lazily, where the block lives. ``n_columns`` (None for
    one value per row) and ``dtype`` describe the output; either may be a
    function of the fitted estimator.
    """

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, X, *args, **kwargs):
            if not _dask.is_dask_collection(X):
                return method(self, X, *args, **kwargs)
            X = _dask.check_test_rows(self, X)
            return _dask.map_method(
                self,
                X,
                method.__name__,
                n_columns=_resolve(n_columns, self),
                dtype=_resolve(dtype, self),
            )

        return wrapper

    return decorate


def sequence_wise(*outputs):
    """Decorate a method over stacked sequences (``lengths``/``sequence_ids``).

    On a dask ``X`` (every sequence inside one row block) the method runs on
    each block with that block's ``lengths``, lazily. Each output is
    ``(n_columns, dtype)`` for one entry per row, or ``"total"`` for a number
    per block, summed in block order (a 0-d dask array).
    """

    def decorate(method):
        signature = inspect.signature(method)

        @functools.wraps(method)
        def wrapper(self, X, *args, **kwargs):
            if not _dask.is_dask_collection(X):
                return method(self, X, *args, **kwargs)
            bound = signature.bind(self, X, *args, **kwargs).arguments
            lengths = bound.pop("lengths", None)
            sequence_ids = bound.pop("sequence_ids", None)
            others = {k: v for k, v in bound.items() if k not in ("self", "X")}
            return _dask.map_sequences(
                self,
                X,
                method.__name__,
                _dask.prediction_sequence_bounds(self, X, lengths, sequence_ids),
                others,
                [_resolve_output(out, self) for out in outputs],
            )

        return wrapper

    return decorate


def _resolve_output(output, estimator):
    if output == "total":
        return output
    n_columns, dtype = output
    return _resolve(n_columns, estimator), _resolve(dtype, estimator)


def lazy_alternative(name):
    """Decorate a method to call ``self.<name>`` instead when given dask input.

    For fits whose in-memory form is another library's (scikit-learn's naive
    Bayes) and whose block form serves dask collections.
    """

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if _dask.any_dask(*args, *kwargs.values()):
                return getattr(self, name)(*args, **kwargs)
            return method(self, *args, **kwargs)

        return wrapper

    return decorate


def normalized_sample_weight(sample_weight, X):
    """Row weights rescaled to sum to their number of positive entries.

    ``w / max(w)`` (so weights of 0 and 1 stay exact), then scaled so that
    the weights sum to the number of rows of positive weight: only the
    weights' ratios matter to a fit, and a row of weight 0 is as if absent.

    Returns
    -------
    sample_weight : ndarray, dask array or None
        None when ``sample_weight`` is None.
    n_rows : int
        Rows of positive weight (all rows without weights).
    """
    if sample_weight is None:
        return None, X.shape[0]
    if _dask.any_dask(X, sample_weight):
        return _dask.normalized_sample_weight(sample_weight, X)
    sample_weight = _check_sample_weight(
        sample_weight, X, dtype=np.float64, ensure_non_negative=True
    )
    sample_weight = sample_weight / sample_weight.max()
    n_rows = np.count_nonzero(sample_weight)
    if n_rows:
        sample_weight *= n_rows / sample_weight.sum()
    return sample_weight, n_rows


def sample_in_blocks(estimator, n_samples, chunks, random_state, *, meta, **kw):
    """``estimator.sample`` as dask arrays, drawn lazily in blocks of ``chunks``.

    ``meta`` is ``((n_columns, dtype), latent_dtype)``. With ``chain=True``
    the blocks are one Markov chain (``estimator._sample_after``); otherwise
    ``kwargs(start, stop)``, if given, adds keyword arguments per block.
    """
    check_scalar(chunks, "chunks", Integral, min_val=1)
    check_is_fitted(estimator)
    return _dask.sample_blocks(
        estimator, n_samples, chunks, random_state, meta=meta, **kw
    )
