"""Sequences of rows: ``lengths`` (as hmmlearn) or ``sequence_ids`` (sample-aligned)."""

import numpy as np

from skgen.utils import _chunking


def sequence_bounds(n_samples, lengths=None, sequence_ids=None):
    """Validate how rows group into sequences; return the boundaries.

    Parameters
    ----------
    n_samples : int
        Number of rows of the stacked sequences.
    lengths : array-like of int, default=None
        Length of each sequence, in row order; must sum to ``n_samples``.
    sequence_ids : array-like of shape (n_samples,), default=None
        Identifier of each row's sequence; the rows of one sequence must be
        contiguous. Being aligned with the rows, it is split with them by
        scikit-learn's cross-validation (pass the same array as ``groups`` to
        ``GroupKFold`` so that no sequence is cut).

    Returns
    -------
    bounds : ndarray of int64, shape (n_sequences + 1,)
        Sequence ``s`` is rows ``bounds[s]:bounds[s + 1]``. Without
        ``lengths`` or ``sequence_ids``, all rows are one sequence.
    """
    if lengths is not None and sequence_ids is not None:
        raise ValueError("Pass either lengths or sequence_ids, not both.")
    if sequence_ids is not None:
        ids = np.asarray(sequence_ids)
        if ids.ndim != 1 or ids.shape[0] != n_samples:
            raise ValueError(
                f"sequence_ids must have one entry per row: expected shape "
                f"({n_samples},), got {ids.shape}."
            )
        if n_samples == 0:
            return np.zeros(1, dtype=np.int64)
        starts = np.flatnonzero(ids[1:] != ids[:-1]) + 1
        bounds = np.concatenate([[0], starts, [n_samples]]).astype(np.int64)
        first_ids = ids[bounds[:-1]]
        unique, counts = np.unique(first_ids, return_counts=True)
        if np.any(counts > 1):
            raise ValueError(
                "The rows of each sequence must be contiguous, but sequence_ids "
                f"{unique[counts > 1][:5].tolist()} appear in separate runs of rows."
            )
        return bounds
    if lengths is None:
        return np.array([0, n_samples], dtype=np.int64)
    lengths_arr = np.asarray(lengths)
    if lengths_arr.ndim != 1 or not np.issubdtype(lengths_arr.dtype, np.integer):
        if (
            lengths_arr.ndim == 1
            and lengths_arr.size
            and np.all(np.mod(lengths_arr, 1) == 0)
        ):
            lengths_arr = lengths_arr.astype(np.int64)
        else:
            raise ValueError(
                f"lengths must be a 1-d array of integers, got {lengths_arr!r}."
            )
    if np.any(lengths_arr < 1):
        raise ValueError(
            f"Every sequence length must be at least 1, got {lengths_arr.min()}."
        )
    if lengths_arr.sum() != n_samples:
        raise ValueError(
            f"lengths sum to {lengths_arr.sum()}, but X has {n_samples} rows."
        )
    return np.concatenate([[0], np.cumsum(lengths_arr)]).astype(np.int64)


def sequence_blocks(bounds, max_rows=None):
    """Groups of whole sequences of at most ``max_rows`` rows each.

    A sequence longer than ``max_rows`` is a group of its own: sequences are
    never cut, so the memory a group takes is bounded by ``max_rows`` or by
    the longest sequence.

    Parameters
    ----------
    bounds : ndarray of int64, shape (n_sequences + 1,)
        As returned by :func:`sequence_bounds`.
    max_rows : int, default=None
        Most rows per group (unless one sequence has more); None takes
        :data:`skgen.utils._chunking.BLOCK_ROWS`.

    Yields
    ------
    rows : slice
        The group's rows.
    block_bounds : ndarray of int64
        The group's sequence boundaries, relative to ``rows.start``.
    """
    max_rows = _chunking.BLOCK_ROWS if max_rows is None else max_rows
    n_sequences = len(bounds) - 1
    first = 0
    while first < n_sequences:
        # Last sequence whose end keeps the group within max_rows (at least one).
        last = np.searchsorted(bounds, bounds[first] + max_rows, side="right") - 1
        last = max(int(last), first + 1)
        yield (
            slice(int(bounds[first]), int(bounds[last])),
            bounds[first : last + 1] - bounds[first],
        )
        first = last


def bounds_within(bounds, start, stop):
    """The boundaries of the sequences in rows ``start:stop``, relative to
    ``start`` (the rows must begin and end at sequence boundaries)."""
    inside = bounds[(bounds >= start) & (bounds <= stop)]
    return (inside - start).astype(np.int64)


#: Names of the summary features of each column, in order (see
#: :func:`summary_features`).
SUMMARY_FEATURES = ("mean", "std", "min", "max", "lag-1 autocorrelation")


def summary_features(X, bounds):
    """Per sequence and column: mean, std, min, max, lag-1 autocorrelation.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The rows of all sequences, stacked.
    bounds : ndarray of int64, shape (n_sequences + 1,)
        As returned by :func:`sequence_bounds`.

    Returns
    -------
    features : ndarray of shape (n_sequences, 5 * n_features)
        The five statistics of :data:`SUMMARY_FEATURES` of the first column,
        then of the second, ... The autocorrelation is
        ``sum_t d_t d_{t-1} / sum_t d_t^2`` with ``d`` the deviations from the
        sequence's mean (0 for a constant or one-row sequence).
    """
    X = np.asarray(X, dtype=np.float64)
    firsts = bounds[:-1]
    lengths = np.diff(bounds)[:, None].astype(np.float64)
    mean = np.add.reduceat(X, firsts, axis=0) / lengths
    deviations = X - np.repeat(mean, np.diff(bounds), axis=0)
    squares = np.add.reduceat(deviations**2, firsts, axis=0)
    lagged = np.zeros_like(deviations)
    lagged[1:] = deviations[1:] * deviations[:-1]
    lagged[firsts] = 0.0  # no pair across two sequences
    products = np.add.reduceat(lagged, firsts, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        autocorrelation = np.where(squares > 0, products / squares, 0.0)
    stats = (
        mean,
        np.sqrt(squares / lengths),
        np.minimum.reduceat(X, firsts, axis=0),
        np.maximum.reduceat(X, firsts, axis=0),
        autocorrelation,
    )
    return np.stack(stats, axis=2).reshape(len(firsts), -1)
