"""Numba kernels of Gaussians on rows with missing entries (NaN).

What a Gaussian mixture and a hidden Markov model with Gaussian states share:
the log-density of a row's observed entries under each of ``K`` Gaussians,
the expected sufficient statistics of the rows given their observed entries
under given per-row weights (responsibilities or state posteriors), and the
conditional means or draws of the missing entries (Ghahramani & Jordan, 1994).

Full (and tied) Gaussians work from the precision ``P = S^-1``, because only
the small block of the missing entries needs a factorisation: with
``d_o = x_o - mu_o`` and ``b = P_mo d_o``,

* the conditional mean of the missing entries is ``mu_m - P_mm^-1 b``;
* their conditional covariance is ``P_mm^-1``;
* the marginal Mahalanobis distance is ``d_o^T P_oo d_o - b^T P_mm^-1 b``;
* ``log det S_oo = log det S + log det P_mm``.

Diagonal Gaussians need nothing of the sort: a missing entry's term is left
out, its conditional mean is ``mu``, its conditional variance the variance.

Row kernels run over fixed chunks of rows whose partial sums the caller adds
in chunk order (the same on any number of threads). Arithmetic is in float64.
"""

import math

import numpy as np
from numba import njit, prange

from skgen.utils._chunking import chunk_bounds, parallel_kernel

LOG_2PI = math.log(2.0 * math.pi)


@njit(cache=True, nogil=True, inline="always")
def split_entries(x, missing, observed):
    """Indices of the missing and observed entries; returns their counts."""
    n_missing = 0
    n_observed = 0
    for j in range(x.shape[0]):
        if np.isnan(x[j]):
            missing[n_missing] = j
            n_missing += 1
        else:
            observed[n_observed] = j
            n_observed += 1
    return n_missing, n_observed


@njit(cache=True, nogil=True, inline="always")
def complete_row_full(
    x, missing, n_missing, observed, n_observed, mean, precision, delta, chol, work
):
    """Fill ``delta`` with E[x | x_o] - mean and ``chol`` with the Cholesky
    factor of P_mm; return (marginal Mahalanobis distance, log det P_mm)."""
    for j in range(n_observed):
        o = observed[j]
        delta[o] = x[o] - mean[o]
    maha = 0.0
    for j in range(n_observed):
        oj = observed[j]
        acc = 0.0
        for q in range(n_observed):
            acc += precision[oj, observed[q]] * delta[observed[q]]
        maha += delta[oj] * acc
    rhs_dot, log_det = complete_missing_block(
        missing, n_missing, observed, n_observed, precision, delta, chol, work
    )
    return maha - rhs_dot, log_det


@njit(cache=True, nogil=True, inline="always")
def complete_missing_block(
    missing, n_missing, observed, n_observed, precision, delta, chol, work
):
    """With ``delta`` holding x_o - mu_o on the observed entries: fill its
    missing entries (E[x_m | x_o] - mu_m) and ``chol`` (the factor of P_mm);
    return (b^T P_mm^-1 b, log det P_mm), b = P_mo (x_o - mu_o)."""
    if n_missing == 0:
        return 0.0, 0.0
    for a in range(n_missing):
        for c in range(a + 1):
            s = precision[missing[a], missing[c]]
            for p in range(c):
                s -= chol[a, p] * chol[c, p]
            if a == c:
                chol[a, a] = math.sqrt(s)
            else:
                chol[a, c] = s / chol[c, c]
    # work = P_mo d_o, then solved in place: L z = work, L^T y = z. With the
    # missing entries of delta zeroed, P_mo d_o is a contiguous row product
    # (a gather over the observed entries does not vectorise).
    for a in range(n_missing):
        delta[missing[a]] = 0.0
    for a in range(n_missing):
        row = precision[missing[a]]
        acc = 0.0
        for q in range(delta.shape[0]):
            acc += row[q] * delta[q]
        work[a] = acc
    rhs_dot = 0.0
    for a in range(n_missing):
        s = work[a]
        for p in range(a):
            s -= chol[a, p] * work[p]
        work[a] = s / chol[a, a]
        rhs_dot += work[a] * work[a]  # b^T P_mm^-1 b = |L^-1 b|^2
    for a in range(n_missing - 1, -1, -1):
        s = work[a]
        for p in range(a + 1, n_missing):
            s -= chol[p, a] * work[p]
        work[a] = s / chol[a, a]
    log_det = 0.0
    for a in range(n_missing):
        delta[missing[a]] = -work[a]
        log_det += 2.0 * math.log(chol[a, a])
    return rhs_dot, log_det


@njit(cache=True, nogil=True, inline="always")
def inverse_from_cholesky(chol, n, inverse, lower_inverse):
    """``inverse = (L L^T)^-1 = L^-T L^-1`` for the n x n corner of ``chol``;
    ``lower_inverse`` receives ``L^-1``. One division per row: the rest
    multiply by the reciprocal diagonal (divisions stall the pipeline)."""
    for a in range(n):
        lower_inverse[a, a] = 1.0 / chol[a, a]
    for c in range(n):
        for a in range(c):
            lower_inverse[a, c] = 0.0
        for a in range(c + 1, n):
            s = 0.0
            for p in range(c, a):
                s -= chol[a, p] * lower_inverse[p, c]
            lower_inverse[a, c] = s * lower_inverse[a, a]
    for a in range(n):
        for c in range(a + 1):
            s = 0.0
            for p in range(a, n):
                s += lower_inverse[p, a] * lower_inverse[p, c]
            inverse[a, c] = s
            inverse[c, a] = s


@njit(cache=True, nogil=True, inline="always")
def row_log_prob_diag_missing(x, k, means, variances, log_terms, offsets):
    """log w_k + log N(x_o | k) of one row, diagonal covariance."""
    value = offsets[k]
    for j in range(x.shape[0]):
        if np.isnan(x[j]):
            value += log_terms[k, j]  # undo the entry's share of the offset
        else:
            diff = x[j] - means[k, j]
            value -= 0.5 * diff * diff / variances[k, j]
    return value


@njit(cache=True, nogil=True)
def half_log_2pi_variances(variances):
    """``0.5 * (log(2 pi) + log(variances))``, the per-entry normaliser.

    A function of its own: an array expression in a ``prange_only`` kernel
    keeps Numba from parallelising its loop.
    """
    return 0.5 * (LOG_2PI + np.log(variances))


@parallel_kernel()
def log_prob_full_missing(X, means, precisions, offsets, n_chunks):
    """``log w_k + log N(x_o | k)`` per row and component, (n_samples, K)."""
    n_samples, n_features = X.shape
    n_components = means.shape[0]
    out = np.empty((n_samples, n_components))
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        missing = np.empty(n_features, dtype=np.intp)
        observed = np.empty(n_features, dtype=np.intp)
        delta = np.empty(n_features)
        chol = np.empty((n_features, n_features))
        work = np.empty(n_features)
        for i in range(start, stop):
            x = X[i]
            n_missing, n_observed = split_entries(x, missing, observed)
            for k in range(n_components):
                maha, log_det = complete_row_full(
                    x,
                    missing,
                    n_missing,
                    observed,
                    n_observed,
                    means[k],
                    precisions[k],
                    delta,
                    chol,
                    work,
                )
                out[i, k] = (
                    offsets[k] + 0.5 * (n_missing * LOG_2PI - log_det) - 0.5 * maha
                )
    return out


@parallel_kernel()
def log_prob_diag_missing(X, means, variances, offsets, n_chunks):
    """``log w_k + log N(x_o | k)`` per row and component, diagonal variances."""
    n_samples = X.shape[0]
    n_components = means.shape[0]
    log_terms = half_log_2pi_variances(variances)
    out = np.empty((n_samples, n_components))
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        for i in range(start, stop):
            for k in range(n_components):
                out[i, k] = row_log_prob_diag_missing(
                    X[i], k, means, variances, log_terms, offsets
                )
    return out


@njit(cache=True, nogil=True, inline="always")
def pick(resp, uniform):
    """The component whose cumulative responsibility first exceeds ``uniform``."""
    total = 0.0
    for k in range(resp.shape[0]):
        total += resp[k]
        if uniform < total:
            return k
    return resp.shape[0] - 1


@parallel_kernel()
def posterior_moments_full_missing(X, weights, means, precisions, n_chunks):
    """Expected moments of rows with NaN entries under per-row weights.

    ``weights[i, k]`` is row i's weight for Gaussian k (a state posterior).
    Each row is completed with ``E[x | x_o, k]``; the conditional covariance
    of its missing block is added to the second moments. Sums are around
    ``means``. A row with no observed entry is completed by the mean itself
    and adds the whole covariance: that needs no factorisation here, so its
    weight goes to ``empty`` and the caller adds ``empty[k] * S_k``.

    Returns per-chunk partials ``nk`` (n_chunks, K), ``sx`` (n_chunks, K, d),
    ``sxx`` (n_chunks, K, d, d) and ``empty`` (n_chunks, K).
    """
    n_samples, n_features = X.shape
    n_components = means.shape[0]
    nk = np.zeros((n_chunks, n_components))
    empty = np.zeros((n_chunks, n_components))
    sx = np.zeros((n_chunks, n_components, n_features))
    sxx = np.zeros((n_chunks, n_components, n_features, n_features))
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        missing = np.empty(n_features, dtype=np.intp)
        observed = np.empty(n_features, dtype=np.intp)
        delta = np.empty(n_features)
        chol = np.empty((n_features, n_features))
        work = np.empty(n_features)
        inverse = np.empty((n_features, n_features))
        lower_inverse = np.empty((n_features, n_features))
        for i in range(start, stop):
            x = X[i]
            n_missing, n_observed = split_entries(x, missing, observed)
            for k in range(n_components):
                r = weights[i, k]
                if r == 0.0:
                    continue
                nk[c, k] += r
                if n_observed == 0:
                    empty[c, k] += r
                    continue
                complete_row_full(
                    x,
                    missing,
                    n_missing,
                    observed,
                    n_observed,
                    means[k],
                    precisions[k],
                    delta,
                    chol,
                    work,
                )
                for a in range(n_features):
                    da = r * delta[a]
                    sx[c, k, a] += da
                    for b in range(a + 1):
                        sxx[c, k, a, b] += da * delta[b]
                if n_missing > 0:
                    inverse_from_cholesky(chol, n_missing, inverse, lower_inverse)
                    for a in range(n_missing):
                        for b in range(n_missing):
                            ma, mb = missing[a], missing[b]
                            if mb <= ma:
                                sxx[c, k, ma, mb] += r * inverse[a, b]
        for k in range(n_components):
            for a in range(n_features):
                for b in range(a):
                    sxx[c, k, b, a] = sxx[c, k, a, b]
    return nk, sx, sxx, empty


@parallel_kernel()
def posterior_moments_diag_missing(X, weights, means, variances, n_chunks):
    """:func:`posterior_moments_full_missing` for diagonal variances: a
    missing entry adds its variance to the squares. Returns ``nk``
    (n_chunks, K), ``sx`` and ``sxx`` (n_chunks, K, d), around ``means``."""
    n_samples, n_features = X.shape
    n_components = means.shape[0]
    nk = np.zeros((n_chunks, n_components))
    sx = np.zeros((n_chunks, n_components, n_features))
    sxx = np.zeros((n_chunks, n_components, n_features))
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        for i in range(start, stop):
            for k in range(n_components):
                r = weights[i, k]
                if r == 0.0:
                    continue
                nk[c, k] += r
                for j in range(n_features):
                    if np.isnan(X[i, j]):
                        sxx[c, k, j] += r * variances[k, j]
                    else:
                        diff = X[i, j] - means[k, j]
                        sx[c, k, j] += r * diff
                        sxx[c, k, j] += r * diff * diff
    return nk, sx, sxx


@parallel_kernel()
def fill_full_missing(X, weights, components, means, precisions, normals, n_chunks):
    """Missing entries filled from given Gaussians per row.

    With ``components`` empty: the conditional means ``E[x_m | x_o, k]``
    averaged with the row's ``weights[i]`` (which sum to one). With one
    component per row: a draw from that Gaussian's conditional given the
    row's observed entries, from the standard normals ``normals[i]``.
    """
    n_samples, n_features = X.shape
    n_components = means.shape[0]
    draw = components.shape[0] == n_samples
    out = X.copy()
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        missing = np.empty(n_features, dtype=np.intp)
        observed = np.empty(n_features, dtype=np.intp)
        delta = np.empty(n_features)
        chol = np.empty((n_features, n_features))
        work = np.empty(n_features)
        inverse = np.empty((n_features, n_features))
        lower_inverse = np.empty((n_features, n_features))
        for i in range(start, stop):
            x = X[i]
            n_missing, n_observed = split_entries(x, missing, observed)
            if n_missing == 0:
                continue
            for a in range(n_missing):
                out[i, missing[a]] = 0.0
            for k in range(n_components):
                if draw and k != components[i]:
                    continue
                if not draw and weights[i, k] == 0.0:
                    continue
                complete_row_full(
                    x,
                    missing,
                    n_missing,
                    observed,
                    n_observed,
                    means[k],
                    precisions[k],
                    delta,
                    chol,
                    work,
                )
                if not draw:
                    for a in range(n_missing):
                        m = missing[a]
                        out[i, m] += weights[i, k] * (means[k, m] + delta[m])
                    continue
                inverse_from_cholesky(chol, n_missing, inverse, lower_inverse)
                for a in range(n_missing):
                    # Conditional mean + L^-T z: covariance L^-T L^-1 = P_mm^-1.
                    value = means[k, missing[a]] + delta[missing[a]]
                    for p in range(a, n_missing):
                        value += lower_inverse[p, a] * normals[i, p]
                    out[i, missing[a]] = value
    return out


@parallel_kernel()
def fill_diag_missing(X, weights, components, means, variances, normals, n_chunks):
    """:func:`fill_full_missing` for diagonal variances: the missing entries
    are independent of the observed ones given the Gaussian."""
    n_samples, n_features = X.shape
    n_components = means.shape[0]
    draw = components.shape[0] == n_samples
    out = X.copy()
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        for i in range(start, stop):
            n_missing = 0
            for j in range(n_features):
                if not np.isnan(X[i, j]):
                    continue
                if draw:
                    k = components[i]
                    out[i, j] = (
                        means[k, j] + math.sqrt(variances[k, j]) * normals[i, n_missing]
                    )
                else:
                    value = 0.0
                    for k in range(n_components):
                        value += weights[i, k] * means[k, j]
                    out[i, j] = value
                n_missing += 1
    return out
