"""The Dask side of :mod:`skgen.utils._mapreduce`: row blocks where they live.

EM's sufficient statistics are sums over rows. On a dask array each row block
computes its own sums where it lives, with the family's block function (the
same Numba kernels as in memory); the sums are combined in a tree whose shape
depends only on the number of blocks (so the result is the same on any
number of workers), and the family's finish step runs once, locally.
Predictions map an estimator's method over the row blocks, lazily; samples
are drawn lazily in blocks.

This module imports no model family: the families call
:mod:`skgen.utils._mapreduce`, which calls this module for dask collections.
Dask stays optional: importing skgen imports no dask; dask is imported inside
the functions here.
"""

import sys
import uuid
from contextlib import contextmanager

import numba
import numpy as np

from skgen.utils._sequences import bounds_within, sequence_bounds
from skgen.utils._sklearn_compat import check_is_fitted
from skgen.utils._threads import numba_threads

#: Blocks added together by one task of the reduction tree.
SPLIT_EVERY = 8

#: Rows drawn from a dask array to initialise a model (k-means and the like):
#: all rows, and so the in-memory initialisation exactly, when there are fewer.
INIT_SAMPLE_ROWS = 100_000


def is_dask_collection(X):
    """Whether ``X`` is a dask collection (array, dataframe, ...).

    Reads ``type(X).__module__`` only: never imports dask, never computes.
    """
    return type(X).__module__.partition(".")[0] in ("dask", "dask_expr")


def any_dask(*arrays):
    """Whether any of ``arrays`` (None allowed) is a dask collection."""
    return any(is_dask_collection(a) for a in arrays if a is not None)


def check_rows(X, *, dtype=(np.float64, np.float32), name="X"):
    """A 2-d dask array chunked along rows only, of one of ``dtype``.

    Other dtypes are converted lazily to the first of ``dtype`` (None keeps
    the dtype). Raises a clear error for dataframes, unknown chunk sizes and
    arrays that are not 2-d.
    """
    import dask.array as da

    if not isinstance(X, da.Array):
        raise TypeError(
            f"{name} is a {type(X).__name__}; skgen takes dask arrays. Convert a "
            "dask DataFrame with .to_dask_array(lengths=True)."
        )
    if X.ndim != 2:
        raise ValueError(
            f"Expected a 2-d dask array for {name}, got {X.ndim} dimension(s); "
            "reshape it, e.g. X.reshape(-1, 1) for a single feature."
        )
    if any(np.isnan(c) for c in X.chunks[0]):
        raise ValueError(
            f"The row chunks of {name} have unknown sizes; call "
            f"{name}.compute_chunk_sizes() first."
        )
    if X.shape[1] == 0:
        raise ValueError(
            f"0 feature(s) (shape={X.shape}) while a minimum of 1 is required."
        )
    if dtype is not None and X.dtype not in dtype:
        X = X.astype(dtype[0])
    if len(X.chunks[1]) > 1:
        X = X.rechunk({1: -1})
    return X


def aligned(v, X, name, *, dtype=None):
    """``v`` (numpy, list or dask, one entry per row) chunked as the rows of ``X``."""
    import dask.array as da

    if v is None:
        return None
    if not isinstance(v, da.Array):
        v = np.asarray(v, dtype=dtype)
    if v.ndim != 1 or v.shape[0] != X.shape[0]:
        raise ValueError(
            f"{name} must have one entry per row of X: expected shape "
            f"({X.shape[0]},), got {v.shape}."
        )
    if isinstance(v, da.Array):
        if dtype is not None and v.dtype != dtype:
            v = v.astype(dtype)
        return v.rechunk((X.chunks[0],))
    return da.from_array(v, chunks=(X.chunks[0],))


def row_blocks(X):
    """The row blocks of ``X`` (or of a 1-d aligned array) as delayed objects."""
    if X is None:
        return None
    return list(X.to_delayed().ravel())


def row_offsets(X):
    """First row of each block, and the number of rows: shape (n_blocks + 1,)."""
    return np.concatenate([[0], np.cumsum(X.chunks[0])]).astype(np.int64)


def tree_reduce(combine, parts, split_every=SPLIT_EVERY):
    """Delayed ``combine`` over ``parts`` as a tree of fixed shape.

    ``combine(list)`` adds up a list of partial results in list order. The
    groups are consecutive runs of ``split_every`` parts, level after level,
    so the order of every addition depends on the number of parts only,
    never on the workers or on which task finished first.
    """
    import dask

    if not parts:
        raise ValueError("Nothing to reduce: the dask array has no row blocks.")
    task = dask.delayed(combine, pure=True)
    if len(parts) == 1:
        return task(parts)
    while len(parts) > 1:
        parts = [
            task(parts[i : i + split_every]) for i in range(0, len(parts), split_every)
        ]
    return parts[0]


def shared(obj):
    """``obj`` as one delayed value, sent once to each worker that needs it.

    Named afresh each time: tokenising ``obj`` by its content would cost a
    pickling, and by anything less (an estimator's parameters) could let a
    later state of the model reuse an earlier one's results.
    """
    import dask

    return dask.delayed(obj, traverse=False, name=f"skgen-{uuid.uuid4().hex}")


def compute(*delayed):
    """Compute on the active scheduler (a distributed ``Client`` if one is set)."""
    import dask

    return dask.compute(*delayed)


def draw_rows(X, n_rows, random_state, *aligned_arrays):
    """Rows of ``X`` (and the same entries of aligned 1-d arrays) for initialising.

    All rows, in order and without touching ``random_state``, when ``X`` has
    at most ``n_rows`` of them, so that the initialisation is the one of the
    in-memory fit; otherwise ``n_rows`` distinct rows in order, drawn with a
    generator seeded from ``random_state``.
    """
    n_samples = X.shape[0]
    arrays = (X, *aligned_arrays)
    if n_samples > n_rows:
        seed = random_state.randint(np.iinfo(np.int32).max)
        rows = np.sort(
            np.random.default_rng(seed).choice(n_samples, n_rows, replace=False)
        )
        arrays = tuple(None if a is None else a[rows] for a in arrays)
    return compute(*arrays)


def map_row_blocks(func, X, per_block_args, *, n_columns, dtype):
    """A dask array from ``func(block, *per_block_args[b])`` for each row block.

    ``n_columns`` None gives a 1-d result of one entry per row; an int gives
    (n_rows, n_columns). ``func`` and its arguments must pickle (module-level
    functions and fitted estimators do).
    """
    import dask
    import dask.array as da

    call = dask.delayed(func, pure=True)
    blocks = row_blocks(X)
    pieces = []
    for block, n_rows, args in zip(blocks, X.chunks[0], per_block_args):
        shape = (n_rows,) if n_columns is None else (n_rows, n_columns)
        if n_rows == 0:  # estimators refuse empty input
            pieces.append(da.empty(shape, dtype=dtype))
            continue
        pieces.append(da.from_delayed(call(block, *args), shape=shape, dtype=dtype))
    return da.concatenate(pieces, axis=0)


def call_method(block, estimator, method, kwargs=None):
    """``estimator.method(block, **kwargs)``: what a worker runs per block."""
    with worker_threads():
        return getattr(estimator, method)(block, **(kwargs or {}))


def map_method(estimator, X, method, *, n_columns, dtype, per_block_kwargs=None):
    """``estimator.method`` applied to each row block of dask ``X``."""
    est = shared(estimator)
    n_blocks = len(X.chunks[0])
    kwargs = per_block_kwargs or [None] * n_blocks
    args = [(est, method, kw) for kw in kwargs]
    return map_row_blocks(call_method, X, args, n_columns=n_columns, dtype=dtype)


def check_n_features(estimator, X):
    """scikit-learn's message when ``X`` has another number of features."""
    expected = estimator.n_features_in_
    if X.shape[1] != expected:
        raise ValueError(
            f"X has {X.shape[1]} features, but {type(estimator).__name__} is "
            f"expecting {expected} features as input."
        )


def reset_n_features(estimator, n_features):
    """What ``validate_data(reset=True)`` records, for an array without names."""
    estimator.n_features_in_ = n_features
    if hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_


def block_sizes(n_rows, chunks):
    """Sizes of consecutive blocks of at most ``chunks`` rows."""
    sizes = [chunks] * (n_rows // chunks)
    if n_rows % chunks:
        sizes.append(n_rows % chunks)
    return sizes


def sample_blocks(
    estimator, n_samples, chunks, random_state, *, meta, kwargs=None, chain=False
):
    """``estimator.sample`` drawn lazily, in blocks of at most ``chunks`` rows.

    Each block draws from its own generator, seeded from ``random_state`` (the
    model's stream when None, which this call advances), so the result is
    reproducible for an integer ``random_state`` and the same whatever the
    workers. ``meta`` is ``((n_columns, dtype), latent_dtype)``; ``kwargs``,
    if given, maps a block's ``(start, stop)`` rows to more keyword arguments
    of ``sample``. With ``chain``, the blocks are one Markov chain: block
    ``b`` continues from the state block ``b - 1`` ended in, through
    ``estimator._sample_after(n_samples, random_state, previous)``, which
    returns ``(rows, states, last_state)``. Returns two dask arrays: the rows
    and their latent values.
    """
    import dask
    import dask.array as da

    (n_columns, dtype), latent_dtype = meta
    rng = estimator._sample_stream(n_samples, random_state)
    sizes = block_sizes(n_samples, chunks)
    seeds = rng.randint(np.iinfo(np.int32).max, size=len(sizes))
    est = shared(estimator)
    rows, latent, start, last = [], [], 0, None
    for size, seed in zip(sizes, seeds):
        if chain:
            draw = dask.delayed(_sample_after, pure=True, nout=3)
            block, labels, last = draw(est, size, int(seed), last)
        else:
            extra = {} if kwargs is None else kwargs(start, start + size)
            draw = dask.delayed(_sample_block, pure=True, nout=2)
            block, labels = draw(est, size, int(seed), extra)
        rows.append(da.from_delayed(block, shape=(size, n_columns), dtype=dtype))
        latent.append(da.from_delayed(labels, shape=(size,), dtype=latent_dtype))
        start += size
    return da.concatenate(rows), da.concatenate(latent)


def _sample_block(estimator, n_samples, seed, kwargs):
    with worker_threads():
        return estimator.sample(n_samples, random_state=seed, **kwargs)


@contextmanager
def worker_threads():
    """On a ``dask.distributed`` worker, Numba on at most the worker's threads.

    Numba starts as many threads as the machine has cores in every process:
    two worker processes on two cores would run four kernel threads and each
    wait for the other's (distributed limits BLAS and OpenMP through their
    environment variables, which Numba does not read). The limit is
    thread-local and ends with the block; results do not depend on it.
    Elsewhere (the local schedulers, no dask) it does nothing.
    """
    worker = _current_worker()
    if worker is None:
        yield
        return
    with numba_threads(max(1, min(numba.get_num_threads(), worker.state.nthreads))):
        yield


def _current_worker():
    """The ``distributed.Worker`` running this task, or None."""
    if "distributed" not in sys.modules:  # never import it for this
        return None
    from distributed import get_worker

    try:
        return get_worker()
    except ValueError:
        return None


# -- map-reduce over row blocks ---------------------------------------------------


def map_reduce(block_function, X, per_row, args, block_args, combine):
    """:func:`skgen.utils._mapreduce.map_reduce` for a dask ``X``, computed."""
    import dask
    import dask.array as da

    if not isinstance(X, da.Array):  # rows in memory, a per-row array on dask
        X = da.from_array(np.asarray(X), chunks=(X.shape[0], -1))
    X = check_rows(X, dtype=None)
    aligned_blocks = [
        None if v is None else row_blocks(aligned(v, X, "an array aligned with X"))
        for v in per_row
    ]
    offsets = row_offsets(X)
    task = dask.delayed(_apply_block, pure=True)
    every_block = shared((block_function, args))
    parts = []
    for b, block in enumerate(row_blocks(X)):
        start, stop = int(offsets[b]), int(offsets[b + 1])
        if stop == start:
            continue
        extra = () if block_args is None else block_args(start, stop)
        others = [None if blocks is None else blocks[b] for blocks in aligned_blocks]
        parts.append(task(block, others, extra, every_block))
    (total,) = compute(tree_reduce(combine, parts))
    return total


def _apply_block(X, aligned_blocks, extra, every_block):
    """On a worker: the block function of one row block."""
    block_function, args = every_block
    with worker_threads():
        return block_function(np.ascontiguousarray(X), *aligned_blocks, *extra, *args)


# -- validation -------------------------------------------------------------------


def validate_rows(estimator, X, *, reset, min_samples, dtype):
    """Rows of a dask ``X`` checked now in shape, later block by block.

    The row checks run in ``estimator._check_block`` on each block when it is
    computed; their output dtype is found on a one-row stand-in of ``X``'s
    dtype.
    """
    if not reset:
        check_is_fitted(estimator)
    X = check_rows(X, dtype=dtype)
    if X.shape[0] < min_samples:
        raise ValueError(
            f"Found array with {X.shape[0]} sample(s) (shape={X.shape}) while a "
            f"minimum of {min_samples} is required."
        )
    if reset:
        reset_n_features(estimator, X.shape[1])
    else:
        check_n_features(estimator, X)
    out_dtype = getattr(estimator, "_block_dtype", lambda dtype: dtype)(X.dtype)
    return map_method(
        estimator, X, "_check_block", n_columns=X.shape[1], dtype=out_dtype
    )


def normalized_sample_weight(sample_weight, X):
    """:func:`skgen.utils._mapreduce.normalized_sample_weight`, lazily.

    The weights' minimum, maximum, sum and positive count are computed now
    (one pass over them); the rescaled weights stay a dask array.
    """
    X = check_rows(X, dtype=None)
    weights = aligned(sample_weight, X, "sample_weight", dtype=np.float64)
    low, high, total, n_rows = compute(
        weights.min(), weights.max(), weights.sum(), (weights != 0).sum()
    )
    if not np.isfinite(total):
        raise ValueError("Input sample_weight contains NaN or infinity.")
    if low < 0:
        raise ValueError("Negative values in data passed to sample_weight")
    if high == 0:
        raise ValueError("Sample weights must contain at least one non-zero number.")
    # As in memory: w / max(w), then scaled to sum to the positive rows.
    n_rows = int(n_rows)
    return weights / high * (n_rows / (total / high)), n_rows


def check_test_rows(estimator, X):
    """A dask ``X`` to predict on: fitted estimator, 2-d rows, same features."""
    check_is_fitted(estimator)
    X = check_rows(X, dtype=None)
    check_n_features(estimator, X)
    return X


# -- sequences ------------------------------------------------------------------------


def training_sequence_bounds(X, lengths, sequence_ids):
    """Sequence boundaries of a dask ``X``; every sequence inside one block."""
    if is_dask_collection(lengths):
        lengths = lengths.compute()
    if is_dask_collection(sequence_ids):
        sequence_ids = sequence_ids.compute()
    bounds = sequence_bounds(X.shape[0], lengths, sequence_ids)
    _check_sequences_in_blocks(X, bounds)
    return bounds


def prediction_sequence_bounds(estimator, X, lengths, sequence_ids):
    """As :func:`training_sequence_bounds`, after the checks of a prediction."""
    check_test_rows(estimator, X)
    return training_sequence_bounds(X, lengths, sequence_ids)


def _check_sequences_in_blocks(X, bounds):
    """Every row-block boundary of ``X`` must be a sequence boundary."""
    offsets = row_offsets(X)
    inside = ~np.isin(offsets, bounds)
    if inside.any():
        row = int(offsets[inside][0])
        s = int(np.searchsorted(bounds, row)) - 1
        raise ValueError(
            f"A row block of X starts at row {row}, inside sequence {s} (rows "
            f"{bounds[s]} to {bounds[s + 1] - 1}): every sequence must lie "
            "in one block. Rechunk X along its rows at sequence boundaries, "
            "e.g. X.rechunk({0: tuple(lengths)}) for one sequence per block, "
            "or group consecutive sequences into blocks of similar size."
        )


def map_sequences(estimator, X, method, bounds, kwargs, outputs):
    """``estimator.method`` on each row block with the block's ``lengths``.

    ``outputs`` describes what the method returns: ``(n_columns, dtype)`` for
    an array of one entry per row (n_columns None: 1-d), ``"total"`` for a
    number per block, summed in block order. Returns dask arrays (a tuple
    when there are several outputs).
    """
    import dask
    import dask.array as da

    X = check_rows(X, dtype=None)
    est = shared(estimator)
    offsets = row_offsets(X)
    call = dask.delayed(call_method, pure=True, nout=len(outputs))
    results = [[] for _ in outputs]
    for b, block in enumerate(row_blocks(X)):
        start, stop = int(offsets[b]), int(offsets[b + 1])
        if stop == start:
            continue
        local = bounds_within(bounds, start, stop)
        out = call(block, est, method, {"lengths": np.diff(local), **kwargs})
        out = out if len(outputs) > 1 else (out,)
        for result, part, spec in zip(results, out, outputs):
            if spec == "total":
                result.append(part)
                continue
            n_columns, dtype = spec
            shape = (stop - start,) if n_columns is None else (stop - start, n_columns)
            result.append(da.from_delayed(part, shape=shape, dtype=dtype))
    arrays = []
    for result, spec in zip(results, outputs):
        if spec == "total":
            total = dask.delayed(_sum_in_order, pure=True)(result)
            arrays.append(da.from_delayed(total, shape=(), dtype=np.float64))
        else:
            arrays.append(da.concatenate(result))
    return tuple(arrays) if len(arrays) > 1 else arrays[0]


def _sum_in_order(values):
    total = 0.0
    for v in values:
        total += v
    return np.float64(total)


def _sample_after(estimator, n_samples, seed, previous):
    with worker_threads():
        return estimator._sample_after(n_samples, np.random.RandomState(seed), previous)


def unique(values):
    """Sorted distinct values of a dask 1-d array, in memory."""
    import dask.array as da

    return np.unique(da.unique(values).compute())
