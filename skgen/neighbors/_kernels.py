"""Numba kernels for kernel density estimation.

:func:`log_kernel_sums` is the brute-force ``score_samples``: for every query
row, ``log sum_j w_j k(|x - y_j| / h)`` over all training rows ``y_j``. Query
rows are split into chunks fixed by their number (see
:func:`skgen.utils._chunking.chunk_bounds`) and run in parallel; each row's
sum runs on one thread over the training rows in a fixed order, so the result
of a row does not depend on the number of threads, nor on the chunking.

The training rows are passed transposed, ``(n_features, n_train)`` and
C-contiguous, and read in blocks of :data:`BLOCK` rows: the squared distances
of one query row to a block are accumulated feature by feature into a
``BLOCK``-long buffer, an inner loop over contiguous memory that LLVM
vectorises; the kernel values of the block are then added into the row's sum.
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

from skgen.utils._chunking import chunk_bounds

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

#: Training rows per block of distances.
BLOCK = 256


@njit(cache=True, nogil=True, inline="always")
def _squared_distances(x, Yt, start, stop, dist):
    """``dist[j] = sum_k (Yt[k, start + j] - x[k])**2`` for the block's rows."""
    n = stop - start
    for j in range(n):
        dist[j] = 0.0
    for k in range(Yt.shape[0]):
        xk = x[k]
        row = Yt[k]
        for j in range(n):
            t = row[start + j] - xk
            dist[j] += t * t


@njit(cache=True, nogil=True)
def _row_log_sum(x, Yt, weights, kernel, h, dist):
    """``log sum_j w_j k(|x - y_j| / h)`` for one query row ``x``."""
    n_train = Yt.shape[1]
    inv_h = 1.0 / h
    half_inv_h2 = 0.5 / (h * h)
    half_pi_inv_h = 0.5 * np.pi / h
    unbounded = kernel == GAUSSIAN or kernel == EXPONENTIAL
    top = -np.inf  # largest log-kernel so far (unbounded kernels)
    total = 0.0
    for start in range(0, n_train, BLOCK):
        stop = min(start + BLOCK, n_train)
        n = stop - start
        _squared_distances(x, Yt, start, stop, dist)
        if unbounded:
            # log-kernels into dist, then the online log-sum-exp.
            block_top = -np.inf
            if kernel == GAUSSIAN:
                for j in range(n):
                    dist[j] = -half_inv_h2 * dist[j]
            else:
                for j in range(n):
                    dist[j] = -np.sqrt(dist[j]) * inv_h
            for j in range(n):
                if dist[j] > block_top:
                    block_top = dist[j]
            if block_top == -np.inf:  # every distance overflowed
                continue
            if block_top > top:
                total *= np.exp(top - block_top)
                top = block_top
            acc = 0.0
            for j in range(n):
                acc += weights[start + j] * np.exp(dist[j] - top)
            total += acc
        else:
            acc = 0.0
            if kernel == TOPHAT:
                for j in range(n):
                    if np.sqrt(dist[j]) < h:
                        acc += weights[start + j]
            elif kernel == EPANECHNIKOV:
                for j in range(n):
                    r = np.sqrt(dist[j])
                    if r < h:
                        acc += weights[start + j] * (1.0 - (r * r) / (h * h))
            elif kernel == LINEAR:
                for j in range(n):
                    r = np.sqrt(dist[j])
                    if r < h:
                        acc += weights[start + j] * (1.0 - r / h)
            else:
                for j in range(n):
                    r = np.sqrt(dist[j])
                    if r < h:
                        acc += weights[start + j] * np.cos(half_pi_inv_h * r)
            total += acc
    if unbounded:
        return top + np.log(total)
    if total > 0.0:
        return np.log(total)
    return -np.inf


@njit(cache=True, nogil=True, parallel=True)
def log_kernel_sums(X, Yt, weights, kernel, h, n_chunks):
    """``log sum_j w_j k(|x_i - y_j| / h)`` for every query row ``x_i``.

    Parameters
    ----------
    X : (n_queries, d) float64, C-contiguous
        Query rows.
    Yt : (d, n_train) float64, C-contiguous
        Training rows, transposed.
    weights : (n_train,) float64
        Positive weights of the training rows.
    kernel : int
        One of the codes in :data:`KERNEL_CODES`.
    h : float
        Bandwidth.
    n_chunks : int
        Chunks of query rows run in parallel.

    Returns
    -------
    log_sums : (n_queries,) float64
        Unnormalised: add the kernel's log-normalisation and subtract
        ``log(sum(weights))`` for the log-density.
    """
    n_queries = X.shape[0]
    out = np.empty(n_queries)
    for c in prange(n_chunks):
        lo, hi = chunk_bounds(c, n_chunks, n_queries)
        dist = np.empty(BLOCK)
        for i in range(lo, hi):
            out[i] = _row_log_sum(X[i], Yt, weights, kernel, h, dist)
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
