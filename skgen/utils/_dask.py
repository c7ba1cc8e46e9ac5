"""Dask input, shared by every family: detection, row blocks, ordered reductions.

EM's sufficient statistics are sums over rows. On a dask array each row block
computes its own sums where it lives, with the same Numba kernels as in
memory; the sums are added in a tree whose shape depends only on the number of
blocks (so the result is the same on any number of workers), and the M-step
runs once, locally.

Dask stays optional: importing skgen imports no dask. The estimators look at
their input with :func:`is_dask_collection`, which only reads the type's
module, and import a family's ``_dask`` module (which imports dask inside its
functions) only when given a dask collection.
"""

import uuid

import numpy as np

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


def add_tuples(parts):
    """Element-wise sum of tuples of arrays, in list order."""
    first, *rest = parts
    total = [np.array(a, dtype=np.float64, copy=True) for a in first]
    for part in rest:
        for a, b in zip(total, part):
            a += b
    return tuple(total)


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


def sample_blocks(estimator, n_samples, chunks, random_state, *, meta, kwargs=None):
    """``estimator.sample`` drawn lazily, in blocks of at most ``chunks`` rows.

    Each block draws from its own generator, seeded from ``random_state`` (the
    model's stream when None, which this call advances), so the result is
    reproducible for an integer ``random_state`` and the same whatever the
    workers. ``meta`` is ``((n_columns, dtype), latent_dtype)``; ``kwargs``,
    if given, maps a block's ``(start, stop)`` rows to more keyword arguments
    of ``sample``. Returns two dask arrays: the rows and their latent values.
    """
    import dask
    import dask.array as da

    (n_columns, dtype), latent_dtype = meta
    rng = estimator._sample_stream(n_samples, random_state)
    sizes = block_sizes(n_samples, chunks)
    seeds = rng.randint(np.iinfo(np.int32).max, size=len(sizes))
    est = shared(estimator)
    draw = dask.delayed(_sample_block, pure=True, nout=2)
    rows, latent, start = [], [], 0
    for size, seed in zip(sizes, seeds):
        extra = {} if kwargs is None else kwargs(start, start + size)
        block, labels = draw(est, size, int(seed), extra)
        rows.append(da.from_delayed(block, shape=(size, n_columns), dtype=dtype))
        latent.append(da.from_delayed(labels, shape=(size,), dtype=latent_dtype))
        start += size
    return da.concatenate(rows), da.concatenate(latent)


def _sample_block(estimator, n_samples, seed, kwargs):
    return estimator.sample(n_samples, random_state=seed, **kwargs)
