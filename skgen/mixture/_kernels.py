"""Numba kernels for Gaussian mixtures.

Each covariance family has one kernel, ``em_pass_<family>``: one pass that
computes every row's responsibilities and adds them straight into the
sufficient statistics of the M-step, chunk by chunk, so no (n_samples,
n_components) array is ever formed. The per-row log-densities come from the
helpers in :mod:`skgen.distributions._gaussian_kernels`, which also holds the
``weighted_log_prob_*`` kernels that ``predict`` and ``score_samples`` use.
The full-covariance passes instead take rows in tiles of 64 and do both d x d
products of a tile in blocked loops over the triangles they need (the
factor's and the symmetric scatter's): per-row loops update a d x d array
through memory for every row, and ran at 14% of the machine's
matrix-product rate; the tile pass runs at 95% (d = 16) and 155% (d = 64) of
that rate counted in the dense products' flops, 60% and 92% in the flops its
loops execute (see the design notes, "Full covariances").

Each kernel has a weighted twin, ``em_pass_<family>_weighted``, which takes
one float64 weight per row (after ``X``) and multiplies every row's
responsibilities and log-likelihood by it before they are summed, so a row of
weight w counts as w copies of itself. The twins repeat the loops rather than
give the unweighted kernels an optional weights argument, because their speed
moved with such edits although the arithmetic did not (measured at n=200,000,
d=16, K=8: an unused extra argument made 'tied' 4% slower once loaded from the
cache; one statement split in two made 'full' 10% slower).

Statistics are accumulated around a shift (the current means), not as raw
moments: ``sum_i r_ik (x_i - m_k)`` and ``sum_i r_ik (x_i - m_k)(x_i - m_k)^T``.
The new means are close to the old ones, so recovering the centred covariance
from them loses almost no precision (raw moments ``E[xx^T] - mu mu^T`` cancel
catastrophically when the means are large against the spread).

Rows are split into a fixed number of chunks (see
:func:`skgen.utils._chunking.n_chunks_for`); every chunk writes its own slot of
the partial arrays and the caller reduces them in chunk order, so results do not
depend on the number of threads. Arithmetic on rows runs in the dtype of ``X``
(float32 or float64); the statistics are always accumulated in float64.

Only the diagonal kernels use ``fastmath``, and only its ``reassoc`` and
``contract`` flags (measured faster; see ``em_pass_diag``): the log-sum-exp
relies on IEEE ``-inf`` and ``exp`` underflow, which ``nnan``/``ninf`` would
break. Reassociation changes rounding with the machine's vector width, never
with the number of threads.
"""

import numpy as np
from numba import njit, prange

from skgen.distributions._gaussian_kernels import (
    FULL_TILE_ROWS,
    REASSOCIATE,
    full_partial_sums,
    full_tile_scratch,
    mirror_lower,
    pair_log_prob_diag,
    precision_factor_forms,
    row_log_prob_tied,
    tile_log_prob_full,
    tile_statistics_full,
)
from skgen.utils._chunking import chunk_bounds, parallel_kernel
from skgen.utils._vector_math import vector_exp


@njit(cache=True, nogil=True, inline="always")
def _responsibilities(log_prob, resp):
    """Normalise one row in place: resp = exp(log_prob - logsumexp); return it."""
    top = log_prob[0]
    for k in range(1, log_prob.shape[0]):
        if log_prob[k] > top:
            top = log_prob[k]
    total = 0.0
    for k in range(log_prob.shape[0]):
        resp[k] = np.exp(log_prob[k] - top)
        total += resp[k]
    for k in range(log_prob.shape[0]):
        resp[k] /= total
    return top + np.log(total)


@njit(cache=True, nogil=True, inline="always")
def _tile_responsibilities(log_prob_t, n_rows, top, total):
    """Normalise a tile's log-probabilities in place, components by rows:
    ``log_prob_t[k, t]`` becomes r_tk (0 in the padding past ``n_rows``).

    Returns the tile's sum of log p(x_t). Loops run over rows, contiguous, and
    :func:`vector_exp` vectorises: this is the per-row ``_responsibilities``
    made 4x faster (the C library's ``exp`` was most of its cost). ``top``
    and ``total`` are (tile,) scratch arrays.
    """
    n_components, tile = log_prob_t.shape
    _tile_softmax(log_prob_t, top, total)
    log_lik = 0.0
    for t in range(n_rows):
        log_lik += top[t] + np.log(total[t])
    for t in range(n_rows):
        total[t] = 1.0 / total[t]
    total[n_rows:] = 0.0
    for k in range(n_components):
        for t in range(tile):
            log_prob_t[k, t] *= total[t]
    return log_lik


@njit(cache=True, nogil=True, inline="always")
def _tile_weighted_responsibilities(log_prob_t, n_rows, weight, top, total):
    """``_tile_responsibilities`` with each row's r_tk and log p(x_t) times
    its weight ``weight[t]``."""
    n_components, tile = log_prob_t.shape
    _tile_softmax(log_prob_t, top, total)
    log_lik = 0.0
    for t in range(n_rows):
        log_lik += weight[t] * (top[t] + np.log(total[t]))
    for t in range(n_rows):
        total[t] = weight[t] / total[t]
    total[n_rows:] = 0.0
    for k in range(n_components):
        for t in range(tile):
            log_prob_t[k, t] *= total[t]
    return log_lik


@njit(cache=True, nogil=True, inline="always")
def _tile_softmax(log_prob_t, top, total):
    """``log_prob_t[k, t] -> exp(log_prob_t[k, t] - top[t])`` with ``top[t]``
    the row's largest log-probability and ``total[t]`` the row's sum."""
    n_components, tile = log_prob_t.shape
    for t in range(tile):
        top[t] = log_prob_t[0, t]
        total[t] = 0.0
    for k in range(1, n_components):
        for t in range(tile):
            value = log_prob_t[k, t]
            top[t] = value if value > top[t] else top[t]
    for k in range(n_components):
        for t in range(tile):
            e = vector_exp(log_prob_t[k, t] - top[t])
            log_prob_t[k, t] = e
            total[t] += e


# ---------------------------------------------------------------------------
# One EM pass: responsibilities and sufficient statistics together.
# Returns per-chunk partials; the caller sums them over axis 0, in order.
# ---------------------------------------------------------------------------


def em_pass_full(X, means, precisions_chol, offsets, n_chunks):
    """Partial sums for full covariances.

    Rows go in tiles of ``FULL_TILE_ROWS``; the two d x d products per row
    and component run over the tile in blocked loops
    (:func:`~skgen.distributions._gaussian_kernels.tile_log_prob_full`,
    :func:`~skgen.distributions._gaussian_kernels.tile_statistics_full`).
    ``means`` and ``precisions_chol`` in the rows' dtype, contiguous. The
    partial arrays, the factors' forms and the scratch are made here and
    filled by :func:`em_pass_full_tiles`.

    Returns
    -------
    log_lik : (n_chunks,) sum of log p(x_i) over the chunk's rows.
    nk : (n_chunks, K) sum of r_ik.
    sx : (n_chunks, K, d) sum of r_ik (x_i - m_k).
    sxx : (n_chunks, K, d, d) sum of r_ik (x_i - m_k)(x_i - m_k)^T.
    """
    factors, partials, scratch = _full_pass_arrays(X, means, precisions_chol, n_chunks)
    em_pass_full_tiles(X, means, *factors, offsets, n_chunks, *partials, *scratch)
    return partials


def em_pass_full_weighted(X, sample_weight, means, precisions_chol, offsets, n_chunks):
    """``em_pass_full`` with every r_ik and log p(x_i) times w_i."""
    factors, partials, scratch = _full_pass_arrays(X, means, precisions_chol, n_chunks)
    em_pass_full_weighted_tiles(
        X, sample_weight, means, *factors, offsets, n_chunks, *partials, *scratch
    )
    return partials


def _full_pass_arrays(X, means, precisions_chol, n_chunks):
    """The factors' forms, the zeroed partial sums and the scratch of a
    full-covariance pass (the compiled kernels allocate nothing; see
    :func:`~skgen.distributions._gaussian_kernels.full_tile_scratch`)."""
    n_components, n_features = means.shape
    partials = (
        np.zeros(n_chunks),
        *full_partial_sums(n_chunks, n_components, n_features),
    )
    scratch = full_tile_scratch(n_chunks, n_components, n_features, X.dtype)
    return precision_factor_forms(precisions_chol), partials, scratch


@parallel_kernel()
def em_pass_full_tiles(
    X,
    means,
    lower,
    padded,
    offsets,
    n_chunks,
    log_lik,
    nk,
    sx,
    sxx,
    tiles,
    rows,
    work,
    sums,
):
    """Add every chunk's rows into its slot of the partial sums, tile by
    tile (see :func:`em_pass_full` and, for the scratch arrays,
    :func:`~skgen.distributions._gaussian_kernels.full_tile_scratch`)."""
    n_samples = X.shape[0]
    n_components = means.shape[0]
    tile = FULL_TILE_ROWS
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        resp_t = work[c, :n_components]
        for t0 in range(start, stop, tile):
            n_rows = min(tile, stop - t0)
            tile_log_prob_full(
                X,
                t0,
                n_rows,
                means,
                lower,
                padded,
                offsets,
                tiles[c],
                rows[c],
                resp_t,
            )
            log_lik[c] += _tile_responsibilities(
                resp_t, n_rows, work[c, n_components], work[c, n_components + 1]
            )
            tile_statistics_full(
                means,
                tiles[c, 0],
                resp_t,
                tiles[c],
                sums[c],
                nk[c],
                sx[c],
                sxx[c],
                padded,
            )
        mirror_lower(sxx[c])


@parallel_kernel()
def em_pass_tied(X, means, means_chol, precision_chol, offsets, shift, n_chunks):
    """Partial sums for a tied covariance.

    ``sxx`` is the scatter of all rows around one ``shift``;
    the pooled within-component scatter follows from it and the new means.
    """
    n_samples, n_features = X.shape
    n_components = means.shape[0]
    log_lik = np.zeros(n_chunks)
    nk = np.zeros((n_chunks, n_components))
    sx = np.zeros((n_chunks, n_components, n_features))
    sxx = np.zeros((n_chunks, n_features, n_features))
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        y = np.empty(n_features, dtype=X.dtype)
        centred = np.empty(n_features, dtype=X.dtype)
        log_prob = np.empty(n_components)
        resp = np.empty(n_components)
        for i in range(start, stop):
            x = X[i]
            row_log_prob_tied(x, means_chol, precision_chol, offsets, y, log_prob)
            log_lik[c] += _responsibilities(log_prob, resp)
            for k in range(n_components):
                r = resp[k]
                if r == 0.0:
                    continue
                nk[c, k] += r
                for a in range(n_features):
                    sx[c, k, a] += r * (x[a] - means[k, a])
            for a in range(n_features):
                centred[a] = x[a] - shift[a]
            for a in range(n_features):
                w = centred[a]
                for b in range(n_features):
                    sxx[c, a, b] += w * centred[b]
    return log_lik, nk, sx, sxx


@parallel_kernel(fastmath=REASSOCIATE)
def em_pass_diag(X, means, half_precisions, offsets, n_chunks):
    """Partial sums for diagonal (and spherical) covariances.

    ``sx`` and ``sxx`` are (n_chunks, K, d) sums of r_ik (x_ij - m_kj) and of
    its square. Rows go in pairs (see ``pair_log_prob_diag``): measured
    12.8 -> 8.5 ms per pass at n=200,000, d=16, K=8.
    """
    n_samples, n_features = X.shape
    n_components = means.shape[0]
    log_lik = np.zeros(n_chunks)
    nk = np.zeros((n_chunks, n_components))
    sx = np.zeros((n_chunks, n_components, n_features))
    sxx = np.zeros((n_chunks, n_components, n_features))
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        log_prob0 = np.empty(n_components)
        log_prob1 = np.empty(n_components)
        resp0 = np.empty(n_components)
        resp1 = np.empty(n_components)
        sx_c = sx[c]
        sxx_c = sxx[c]
        log_lik_c = 0.0
        for i in range(start, stop, 2):
            paired = i + 1 < stop
            x0 = X[i]
            x1 = X[i + 1] if paired else X[i]
            pair_log_prob_diag(
                x0, x1, means, half_precisions, offsets, log_prob0, log_prob1
            )
            log_lik_c += _responsibilities(log_prob0, resp0)
            if paired:
                log_lik_c += _responsibilities(log_prob1, resp1)
            else:
                resp1[:] = 0.0
            for k in range(n_components):
                r0 = resp0[k]
                r1 = resp1[k]
                nk[c, k] += r0 + r1
                for j in range(n_features):
                    m = means[k, j]
                    t0 = x0[j] - m
                    t1 = x1[j] - m
                    w0 = r0 * t0
                    w1 = r1 * t1
                    sx_c[k, j] += w0 + w1
                    sxx_c[k, j] += w0 * t0 + w1 * t1
        log_lik[c] = log_lik_c
    return log_lik, nk, sx, sxx


# ---------------------------------------------------------------------------
# The same passes over weighted rows: each row's responsibilities and
# log-likelihood times its weight w_i, otherwise the loops above.
# ---------------------------------------------------------------------------


@njit(cache=True, nogil=True, inline="always")
def _weighted_responsibilities(log_prob, resp, weight):
    """``_responsibilities`` times the row's weight: ``resp`` and log p(x)."""
    log_lik = _responsibilities(log_prob, resp)
    for k in range(log_prob.shape[0]):
        resp[k] *= weight
    return weight * log_lik


@parallel_kernel()
def em_pass_full_weighted_tiles(
    X,
    sample_weight,
    means,
    lower,
    padded,
    offsets,
    n_chunks,
    log_lik,
    nk,
    sx,
    sxx,
    tiles,
    rows,
    work,
    sums,
):
    """:func:`em_pass_full_tiles` with the rows' weights (after ``X``)."""
    n_samples = X.shape[0]
    n_components = means.shape[0]
    tile = FULL_TILE_ROWS
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        resp_t = work[c, :n_components]
        for t0 in range(start, stop, tile):
            n_rows = min(tile, stop - t0)
            tile_log_prob_full(
                X,
                t0,
                n_rows,
                means,
                lower,
                padded,
                offsets,
                tiles[c],
                rows[c],
                resp_t,
            )
            log_lik[c] += _tile_weighted_responsibilities(
                resp_t,
                n_rows,
                sample_weight[t0:],
                work[c, n_components],
                work[c, n_components + 1],
            )
            tile_statistics_full(
                means,
                tiles[c, 0],
                resp_t,
                tiles[c],
                sums[c],
                nk[c],
                sx[c],
                sxx[c],
                padded,
            )
        mirror_lower(sxx[c])


@parallel_kernel()
def em_pass_tied_weighted(
    X, sample_weight, means, means_chol, precision_chol, offsets, shift, n_chunks
):
    """``em_pass_tied`` with r_ik, log p(x_i) and the scatter terms times w_i."""
    n_samples, n_features = X.shape
    n_components = means.shape[0]
    log_lik = np.zeros(n_chunks)
    nk = np.zeros((n_chunks, n_components))
    sx = np.zeros((n_chunks, n_components, n_features))
    sxx = np.zeros((n_chunks, n_features, n_features))
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        y = np.empty(n_features, dtype=X.dtype)
        centred = np.empty(n_features, dtype=X.dtype)
        log_prob = np.empty(n_components)
        resp = np.empty(n_components)
        for i in range(start, stop):
            x = X[i]
            weight = sample_weight[i]
            row_log_prob_tied(x, means_chol, precision_chol, offsets, y, log_prob)
            log_lik[c] += _weighted_responsibilities(log_prob, resp, weight)
            for k in range(n_components):
                r = resp[k]
                if r == 0.0:
                    continue
                nk[c, k] += r
                for a in range(n_features):
                    sx[c, k, a] += r * (x[a] - means[k, a])
            for a in range(n_features):
                centred[a] = x[a] - shift[a]
            for a in range(n_features):
                w = weight * centred[a]
                for b in range(n_features):
                    sxx[c, a, b] += w * centred[b]
    return log_lik, nk, sx, sxx


@parallel_kernel(fastmath=REASSOCIATE)
def em_pass_diag_weighted(X, sample_weight, means, half_precisions, offsets, n_chunks):
    """``em_pass_diag`` with every r_ik and log p(x_i) times w_i."""
    n_samples, n_features = X.shape
    n_components = means.shape[0]
    log_lik = np.zeros(n_chunks)
    nk = np.zeros((n_chunks, n_components))
    sx = np.zeros((n_chunks, n_components, n_features))
    sxx = np.zeros((n_chunks, n_components, n_features))
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        log_prob0 = np.empty(n_components)
        log_prob1 = np.empty(n_components)
        resp0 = np.empty(n_components)
        resp1 = np.empty(n_components)
        sx_c = sx[c]
        sxx_c = sxx[c]
        log_lik_c = 0.0
        for i in range(start, stop, 2):
            paired = i + 1 < stop
            x0 = X[i]
            x1 = X[i + 1] if paired else X[i]
            pair_log_prob_diag(
                x0, x1, means, half_precisions, offsets, log_prob0, log_prob1
            )
            log_lik_c += _weighted_responsibilities(log_prob0, resp0, sample_weight[i])
            if paired:
                log_lik_c += _weighted_responsibilities(
                    log_prob1, resp1, sample_weight[i + 1]
                )
            else:
                resp1[:] = 0.0
            for k in range(n_components):
                r0 = resp0[k]
                r1 = resp1[k]
                nk[c, k] += r0 + r1
                for j in range(n_features):
                    m = means[k, j]
                    t0 = x0[j] - m
                    t1 = x1[j] - m
                    w0 = r0 * t0
                    w1 = r1 * t1
                    sx_c[k, j] += w0 + w1
                    sxx_c[k, j] += w0 * t0 + w1 * t1
        log_lik[c] = log_lik_c
    return log_lik, nk, sx, sxx
