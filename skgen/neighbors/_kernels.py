"""Numba kernels for kernel density estimation.

:func:`log_kernel_sums` is the brute-force ``score_samples``: for every query
row, ``log sum_j w_j k(|x - y_j| / h)`` over all training rows ``y_j``. Query
rows are split into chunks fixed by their number (see
:func:`skgen.utils._chunking.chunk_bounds`) and run in parallel; each row's
sum runs on one thread over the training rows in a fixed order, so the result
of a row does not depend on the number of threads, nor on the chunking.

The training rows are packed in contiguous blocks of :data:`BLOCK` rows,
each transposed to ``(n_features, BLOCK)`` (:func:`pack_blocks`). A tile of
:data:`TILE` query rows passes over each block together: the squared distances
are accumulated feature by feature into ``(TILE, BLOCK)`` buffers, an inner
loop over contiguous memory that LLVM vectorises, where each training value
loaded serves the whole tile; the kernel values of the block are then added
into each row's running sum. (Measured on one core at d = 16 and 32: 6-7 times
the throughput of one query row at a time over the unpacked transposed rows.)
The squared distance is summed over features in order, ``(y_k - x_k)**2``
without fused multiply-adds, as scikit-learn's trees do, so the support test
``dist < h`` of the compact kernels decides as theirs does.

Kernels with unbounded support (gaussian, exponential) are summed as a
log-sum-exp, rescaled online block by block: a query far from every training
row gets a finite log-density, as in scikit-learn, where a plain sum would
underflow to ``-inf``. The compact kernels (tophat, epanechnikov, linear,
cosine) are summed directly; a query with no training row in range gets
``-inf``.

:func:`cosine_radii` inverts the radial distribution of the cosine kernel for
``sample``; the other kernels' radii have closed forms in NumPy (see
:mod:`skgen.neighbors._kde`).
"""

import numpy as np
from numba import njit, prange

from skgen.utils._chunking import chunk_bounds, parallel_kernel

#: Kernel codes, in scikit-learn's order.
GAUSSIAN, TOPHAT, EPANECHNIKOV, EXPONENTIAL, LINEAR, COSINE = range(6)
KERNEL_CODES = {
    "gaussian": GAUSSIAN,
    "tophat": TOPHAT,
    "epanechnikov": EPANECHNIKOV,
    "exponential": EXPONENTIAL,
    "linear": LINEAR,
    "cosine": COSINE,
}

#: Reassociation (vector lanes for the sums of kernel values) and fused
#: multiply-adds, in the kernel sums only: none of fastmath's no-NaN / no-inf
#: assumptions (``exp(-inf)`` must stay 0). Never in the distances, which
#: must round as scikit-learn's for the support test ``dist < h``.
REASSOCIATE = {"reassoc", "contract"}

#: Training rows per block of distances.
BLOCK = 256
#: Query rows that share each pass over a block.
TILE = 4


def pack_blocks(Y, weights):
    """Training rows as contiguous blocks, ``(n_blocks, d, BLOCK)``, and their
    weights ``(n_blocks, BLOCK)``; the last block padded with zeros."""
    n, d = Y.shape
    n_blocks = -(-n // BLOCK)
    padded = np.zeros((n_blocks * BLOCK, d))
    padded[:n] = Y
    packed = np.ascontiguousarray(padded.reshape(n_blocks, BLOCK, d).transpose(0, 2, 1))
    padded_weights = np.zeros(n_blocks * BLOCK)
    padded_weights[:n] = weights
    return packed, padded_weights.reshape(n_blocks, BLOCK)


@njit(cache=True, nogil=True, inline="always")
def _tile_squared_distances(X, i0, block, dist):
    """``dist[q, j] = sum_k (block[k, j] - X[i0 + q, k])**2``, ``q < TILE``.

    Each value of the block, loaded once per feature, serves the tile's
    ``TILE`` query rows; the loop over ``j`` runs over contiguous memory.
    """
    dist[:] = 0.0
    d0, d1, d2, d3 = dist[0], dist[1], dist[2], dist[3]
    for k in range(block.shape[0]):
        x0, x1, x2, x3 = X[i0, k], X[i0 + 1, k], X[i0 + 2, k], X[i0 + 3, k]
        row = block[k]
        for j in range(BLOCK):
            y = row[j]
            t = y - x0
            d0[j] += t * t
            t = y - x1
            d1[j] += t * t
            t = y - x2
            d2[j] += t * t
            t = y - x3
            d3[j] += t * t


@njit(cache=True, nogil=True, inline="always")
def _row_squared_distances(x, block, dist):
    """``dist[j] = sum_k (block[k, j] - x[k])**2``: one query row."""
    dist[:] = 0.0
    for k in range(block.shape[0]):
        xk = x[k]
        row = block[k]
        for j in range(BLOCK):
            t = row[j] - xk
            dist[j] += t * t


@njit(cache=True, nogil=True, fastmath=REASSOCIATE)
def _add_block(dist, weights, n, kernel, h, state):
    """Add the kernels of one block's first ``n`` squared distances ``dist`` to
    a query row's running sum ``state = [top, total]``.

    Unbounded kernels: the sum is ``exp(top) * total``, rescaled when the
    block holds a larger log-kernel. Compact kernels: ``total`` is the sum.
    ``dist`` is overwritten.
    """
    if kernel == GAUSSIAN or kernel == EXPONENTIAL:
        if kernel == GAUSSIAN:
            scale = -0.5 / (h * h)
            for j in range(n):
                dist[j] = scale * dist[j]
        else:
            for j in range(n):
                dist[j] = -np.sqrt(dist[j]) / h
        block_top = -np.inf
        for j in range(n):
            if dist[j] > block_top:
                block_top = dist[j]
        if block_top == -np.inf:  # every distance overflowed
            return
        top = state[0]
        if block_top > top:
            state[1] *= np.exp(top - block_top)
            state[0] = top = block_top
        acc = 0.0
        for j in range(n):
            acc += weights[j] * np.exp(dist[j] - top)
        state[1] += acc
        return
    acc = 0.0
    if kernel == TOPHAT:
        for j in range(n):
            if np.sqrt(dist[j]) < h:
                acc += weights[j]
    elif kernel == EPANECHNIKOV:
        for j in range(n):
            r = np.sqrt(dist[j])
            if r < h:
                acc += weights[j] * (1.0 - (r * r) / (h * h))
    elif kernel == LINEAR:
        for j in range(n):
            r = np.sqrt(dist[j])
            if r < h:
                acc += weights[j] * (1.0 - r / h)
    else:
        half_pi_over_h = 0.5 * np.pi / h
        for j in range(n):
            r = np.sqrt(dist[j])
            if r < h:
                acc += weights[j] * np.cos(half_pi_over_h * r)
    state[1] += acc


@njit(cache=True, nogil=True, inline="always")
def _log_of(state, kernel):
    if kernel == GAUSSIAN or kernel == EXPONENTIAL:
        return state[0] + np.log(state[1])
    if state[1] > 0.0:
        return np.log(state[1])
    return -np.inf


@parallel_kernel()
def log_kernel_sums(X, blocks, weights, n_train, kernel, h, n_chunks):
    """``log sum_j w_j k(|x_i - y_j| / h)`` for every query row ``x_i``.

    Parameters
    ----------
    X : (n_queries, d) float64, C-contiguous
        Query rows.
    blocks, weights : arrays of :func:`pack_blocks`
        Training rows in blocks, ``(n_blocks, d, BLOCK)``, and their positive
        weights ``(n_blocks, BLOCK)``.
    n_train : int
        Number of training rows (the rest of the last block is padding).
    kernel : int
        One of the codes in :data:`KERNEL_CODES`.
    h : float
        Bandwidth.
    n_chunks : int
        Chunks of tiles of query rows, run in parallel.

    Returns
    -------
    log_sums : (n_queries,) float64
        Unnormalised: add the kernel's log-normalisation and subtract
        ``log(sum(weights))`` for the log-density.
    """
    n_queries = X.shape[0]
    n_blocks = blocks.shape[0]
    out = np.empty(n_queries)
    n_tiles = -(-n_queries // TILE)
    for c in prange(n_chunks):
        first, last = chunk_bounds(c, n_chunks, n_tiles)
        dist = np.empty((TILE, BLOCK))
        state = np.empty((TILE, 2))
        for tile in range(first, last):
            i0 = tile * TILE
            n_rows = min(TILE, n_queries - i0)
            state[:, 0] = -np.inf
            state[:, 1] = 0.0
            for b in range(n_blocks):
                n = min(BLOCK, n_train - b * BLOCK)
                if n_rows == TILE:
                    _tile_squared_distances(X, i0, blocks[b], dist)
                else:
                    for q in range(n_rows):
                        _row_squared_distances(X[i0 + q], blocks[b], dist[q])
                for q in range(n_rows):
                    _add_block(dist[q], weights[b], n, kernel, h, state[q])
            for q in range(n_rows):
                out[i0 + q] = _log_of(state[q], kernel)
    return out


# ---------------------------------------------------------------------------
# Sampling: the radius of the cosine kernel, by inversion of its CDF.
# ---------------------------------------------------------------------------


@njit(cache=True, nogil=True, inline="always")
def _cosine_radial_integral(t, d):
    """``int_0^t s**(d-1) cos(pi s / 2) ds`` and the integrand at ``t``.

    From the cosine's Taylor series, ``t**d sum_n (-1)**n (pi t / 2)**(2n) /
    ((2n)! (2n + d))``: for ``0 <= t <= 1`` the terms fall from the first on
    and the sum loses about ``log10(d)`` digits to cancellation.
    """
    a2 = (0.5 * np.pi * t) ** 2
    term = 1.0  # (-1)**n (pi t / 2)**(2n) / (2n)!
    total = 1.0 / d
    for n in range(1, 60):
        term *= -a2 / ((2 * n - 1) * (2 * n))
        add = term / (2 * n + d)
        total += add
        if abs(add) <= 1e-17 * abs(total):
            break
    td1 = t ** (d - 1)
    return td1 * t * total, td1 * np.cos(0.5 * np.pi * t)


@njit(cache=True, nogil=True)
def cosine_radial_norm(d):
    """``int_0^1 t**(d-1) cos(pi t / 2) dt``."""
    return _cosine_radial_integral(1.0, d)[0]


@njit(cache=True, nogil=True)
def cosine_radii(u, d):
    """Radii ``t`` in [0, 1] with ``F(t) = u``, ``F`` the CDF of the density
    ``p(t) ∝ t**(d-1) cos(pi t / 2)`` (the cosine kernel's radius over ``h``).

    Newton's method kept inside a bisection bracket, to a bracket of a few
    ulps or a step below ``1e-16``: the inverse to machine precision.

    Parameters
    ----------
    u : (n,) float64
        Uniform draws in [0, 1).
    d : int
        Dimension.

    Returns
    -------
    t : (n,) float64
    """
    norm = _cosine_radial_integral(1.0, d)[0]
    out = np.empty(u.shape[0])
    for i in range(u.shape[0]):
        target = u[i] * norm
        lo, hi = 0.0, 1.0
        t = u[i] ** (1.0 / d)  # the tophat's radius: a close start
        for _ in range(100):
            value, density = _cosine_radial_integral(t, d)
            f = value - target
            if f > 0.0:
                hi = t
            else:
                lo = t
            step = f / density if density > 0.0 else 0.0
            t_new = t - step
            if not (lo < t_new < hi) or density <= 0.0:
                t_new = 0.5 * (lo + hi)
            if abs(t_new - t) <= 1e-16 or hi - lo <= 4e-16:
                t = t_new
                break
            t = t_new
        out[i] = t
    return out
