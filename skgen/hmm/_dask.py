"""Hidden Markov models on dask arrays: Baum-Welch with the E-step on the workers.

Every sequence lies inside one row block of ``X`` (checked: a block boundary
inside a sequence is an error that says how to rechunk). Each EM iteration
runs the in-memory E-step (``_e_step``: the Numba forward-backward kernel and
the emission family's statistics) on every block where it lives; the blocks'
expected counts are added in a tree of fixed shape
(:func:`skgen.utils._dask.tree_reduce`) and the M-step runs once, locally, in
``BaseHMM``'s own EM loop. An emission family whose statistics end with
reference points (the means the moments are taken around, the same for every
block) says how many in ``_n_reference_statistics``; those are kept, not added.

The initialisation (``init_params``) runs as in memory on at most
``INIT_SAMPLE_ROWS`` rows drawn from ``X`` (all rows, hence the in-memory
initialisation, when there are fewer).

Nothing here imports dask at import time (``skgen`` must import without it).
"""

from functools import partial
from numbers import Integral

import numpy as np
from sklearn.utils import check_scalar

from skgen.hmm import _kernels
from skgen.hmm._emissions import CategoricalEmissions
from skgen.utils import _dask
from skgen.utils._sequences import sequence_bounds
from skgen.utils._sklearn_compat import check_is_fitted


def validate(estimator, X, lengths, sequence_ids, reset):
    """``BaseHMM._validate`` for dask ``X``: ``(X, bounds)``.

    Rows are validated and converted by the emission family on the workers;
    here only the shape, the sequences and the blocks are checked.
    """
    if not reset:
        check_is_fitted(estimator)
    X = _dask.check_rows(X, dtype=None)
    if reset:
        _dask.reset_n_features(estimator, X.shape[1])
    else:
        _dask.check_n_features(estimator, X)
    if _dask.is_dask_collection(lengths):
        lengths = lengths.compute()
    if _dask.is_dask_collection(sequence_ids):
        sequence_ids = sequence_ids.compute()
    bounds = sequence_bounds(X.shape[0], lengths, sequence_ids)
    _check_blocks(X, bounds)
    return X, bounds


def _check_blocks(X, bounds):
    """Every row-block boundary of ``X`` must be a sequence boundary."""
    offsets = _dask.row_offsets(X)
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


def _block_bounds(X, bounds):
    """Each non-empty block: its index and its sequences' local boundaries."""
    offsets = _dask.row_offsets(X)
    out = []
    for b in range(len(offsets) - 1):
        start, stop = offsets[b], offsets[b + 1]
        if stop > start:
            inside = bounds[(bounds >= start) & (bounds <= stop)]
            out.append((b, (inside - start).astype(np.int64)))
    return out


def initialisation_rows(estimator, X, random_state):
    """Rows to initialise from: all, or ``INIT_SAMPLE_ROWS`` drawn at random.

    A categorical model's alphabet comes from its largest symbol: the row
    that holds the largest symbol of all ``X`` joins the drawn rows.
    """
    (rows,) = _dask.draw_rows(X, _dask.INIT_SAMPLE_ROWS, random_state)
    if rows.shape[0] < X.shape[0] and isinstance(estimator, CategoricalEmissions):
        (top,) = _dask.compute(X[X.max(axis=1).argmax()])
        rows = np.vstack([rows, top[np.newaxis]])
    # Checked and converted as in memory (the number of features is X's).
    return estimator._validate_emission_data(rows, reset=True)


def e_step(estimator, X, bounds):
    """``BaseHMM._e_step`` over the blocks of dask ``X``, added in a fixed order."""
    import dask

    model = _dask.shared(estimator)
    task = dask.delayed(_block_e_step, pure=True)
    blocks = _dask.row_blocks(X)
    parts = [task(blocks[b], local, model) for b, local in _block_bounds(X, bounds)]
    combine = partial(
        _add_e_steps, n_reference=getattr(estimator, "_n_reference_statistics", 0)
    )
    (total,) = _dask.compute(_dask.tree_reduce(combine, parts))
    log_lik, start, transitions, emissions = total
    return float(log_lik), (start, transitions, emissions)


def _block_e_step(X, bounds, model):
    """On a worker: the block's log-likelihood and expected counts."""
    X = model._validate_emission_data(X, reset=False)
    log_lik, (start, transitions, emissions) = model._e_step(X, bounds)
    return np.float64(log_lik), start, transitions, emissions


def _add_e_steps(parts, n_reference):
    """Sum of E-steps in list order; reference entries are the first part's."""
    log_lik, start, transitions = _dask.add_tuples([p[:3] for p in parts])
    first = parts[0][3]
    n_summed = len(first) - n_reference
    emissions = _dask.add_tuples([p[3][:n_summed] for p in parts])
    return log_lik, start, transitions, emissions + tuple(first[n_summed:])


# -- inference -----------------------------------------------------------------


def _per_block_lengths(X, bounds):
    kwargs = [None] * len(X.chunks[0])
    for b, local in _block_bounds(X, bounds):
        kwargs[b] = {"lengths": np.diff(local)}
    return kwargs


def score_samples(estimator, X, lengths=None, sequence_ids=None):
    """``log p(x_t | x_<t)`` of dask ``X``, as a dask array."""
    X, bounds = validate(estimator, X, lengths, sequence_ids, reset=False)
    return _dask.map_method(
        estimator,
        X,
        "score_samples",
        n_columns=None,
        dtype=np.float64,
        per_block_kwargs=_per_block_lengths(X, bounds),
    )


def predict_proba(estimator, X, lengths=None, sequence_ids=None):
    """State posteriors of dask ``X``, as a dask array."""
    X, bounds = validate(estimator, X, lengths, sequence_ids, reset=False)
    return _dask.map_method(
        estimator,
        X,
        "predict_proba",
        n_columns=estimator.n_components,
        dtype=np.float64,
        per_block_kwargs=_per_block_lengths(X, bounds),
    )


def decode(estimator, X, lengths=None, algorithm=None, sequence_ids=None):
    """``(log_prob, states)`` of dask ``X``: a 0-d and a 1-d dask array."""
    import dask
    import dask.array as da

    X, bounds = validate(estimator, X, lengths, sequence_ids, reset=False)
    model = _dask.shared(estimator)
    task = dask.delayed(_block_decode, pure=True, nout=2)
    blocks = _dask.row_blocks(X)
    log_probs, states = [], []
    for b, local in _block_bounds(X, bounds):
        log_prob, path = task(blocks[b], np.diff(local), algorithm, model)
        log_probs.append(log_prob)
        states.append(da.from_delayed(path, shape=(int(local[-1]),), dtype=np.intp))
    total = dask.delayed(_sum_in_order, pure=True)(log_probs)
    return da.from_delayed(total, shape=(), dtype=np.float64), da.concatenate(states)


def _block_decode(X, lengths, algorithm, model):
    log_prob, states = model.decode(X, lengths, algorithm)
    return log_prob, states.astype(np.intp, copy=False)


def _sum_in_order(values):
    total = 0.0
    for v in values:
        total += v
    return np.float64(total)


# -- sampling --------------------------------------------------------------------


def sample(estimator, n_samples, chunks, random_state=None):
    """One sequence of ``n_samples`` rows as two dask arrays, block by block.

    Block ``b`` starts from a transition out of the last state of block
    ``b - 1`` (the first from ``startprob_``): together the blocks are one
    Markov chain, drawn lazily, one block after the other.
    """
    import dask
    import dask.array as da

    check_scalar(chunks, "chunks", Integral, min_val=1)
    rng = estimator._sample_stream(n_samples, random_state)
    one_row = estimator.sample(1, random_state=0)[0]
    sizes = _dask.block_sizes(n_samples, chunks)
    seeds = rng.randint(np.iinfo(np.int32).max, size=len(sizes))
    model = _dask.shared(estimator)
    draw = dask.delayed(_sample_block, pure=True, nout=3)
    rows, states, last = [], [], None
    for size, seed in zip(sizes, seeds):
        block, path, last = draw(model, size, int(seed), last)
        rows.append(
            da.from_delayed(block, shape=(size, one_row.shape[1]), dtype=one_row.dtype)
        )
        states.append(da.from_delayed(path, shape=(size,), dtype=np.intp))
    return da.concatenate(rows), da.concatenate(states)


def _sample_block(model, n_samples, seed, previous_state):
    """On a worker: ``n_samples`` rows of the chain after ``previous_state``."""
    rng = np.random.RandomState(seed)
    start = (
        model.startprob_ if previous_state is None else model.transmat_[previous_state]
    )
    states = _kernels.sample_states(
        np.cumsum(start),
        np.cumsum(model.transmat_, axis=1),
        rng.uniform(size=n_samples),
    )
    return model._sample_emissions(states, rng), states, int(states[-1])
