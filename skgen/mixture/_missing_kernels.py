"""Numba kernels for Gaussian mixtures on rows with missing entries (NaN).

A row's missing entries are integrated out: component k scores the observed
entries ``o`` by their marginal ``N(x_o | mu_o, S_oo)``, and the M-step takes
the expected sufficient statistics given ``x_o`` (Ghahramani & Jordan, 1994).

Full (and tied) components work from the precision ``P = S^-1``, because
only the small block of the missing entries needs a factorisation: with
``d_o = x_o - mu_o`` and ``b = P_mo d_o``,

* the conditional mean of the missing entries is ``mu_m - P_mm^-1 b``;
* their conditional covariance is ``P_mm^-1``;
* the marginal Mahalanobis distance is ``d_o^T P_oo d_o - b^T P_mm^-1 b``;
* ``log det S_oo = log det S + log det P_mm``.

So a row with a few missing entries costs about what a complete row costs.
Diagonal components need nothing of the sort: a missing entry's term is left
out, its conditional mean is ``mu``, its conditional variance the variance.

The row-level pieces are shared with the hidden Markov models and live in
:mod:`skgen.distributions._gaussian_missing_kernels`. Every kernel here
takes one weight per row and runs over fixed chunks of rows
whose partial sums the caller adds in chunk order, as the complete-data
kernels of :mod:`skgen.mixture._kernels` do. Arithmetic is in float64.
"""

import math

import numpy as np
from numba import njit, prange

from skgen.distributions._gaussian_kernels import REASSOCIATE
from skgen.distributions._gaussian_missing_kernels import (
    LOG_2PI,
    half_log_2pi_variances,
    inverse_from_cholesky,
    split_entries,
)
from skgen.mixture._kernels import _responsibilities
from skgen.utils._chunking import chunk_bounds, parallel_kernel


@parallel_kernel()
def em_pass_full_missing(
    X, sample_weight, order, means, precisions, precisions_chol, offsets, n_chunks
):
    """Partial sums of one EM pass, full precisions, NaN entries integrated out.

    Returns the four arrays of ``em_pass_full``, with the completed rows and
    their conditional covariances in the second moments. Rows are visited in
    ``order`` (see :func:`missingness_order`): rows sharing a pattern of
    missing entries come together, and the factor of each component's
    ``P_mm``, its log-determinant and its inverse (the conditional
    covariance, the same for every row of the pattern) are computed once per
    run of the pattern rather than once per row; the inverse enters the
    second moments once per run, weighted by the run's responsibilities.
    The Mahalanobis distance is ``|U^T (completed row - mu)|^2``
    (``P = U U^T``): the observed entries' marginal distance, in contiguous
    row updates.
    """
    n_samples, n_features = X.shape
    n_components = means.shape[0]
    log_lik = np.zeros(n_chunks)
    nk = np.zeros((n_chunks, n_components))
    sx = np.zeros((n_chunks, n_components, n_features))
    sxx = np.zeros((n_chunks, n_components, n_features, n_features))
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        missing = np.empty(n_features, dtype=np.intp)
        observed = np.empty(n_features, dtype=np.intp)
        pattern = np.zeros(n_features, dtype=np.bool_)
        delta = np.empty((n_components, n_features))
        chol = np.empty((n_components, n_features, n_features))
        reciprocal = np.empty((n_components, n_features))
        inverse = np.empty((n_components, n_features, n_features))
        lower_inverse = np.empty((n_features, n_features))
        log_det = np.zeros(n_components)
        run_weight = np.zeros(n_components)  # sum of r_ik over the run
        work = np.empty(n_features)
        projected = np.empty(n_features)
        log_prob = np.empty(n_components)
        resp = np.empty(n_components)
        n_missing = 0
        log_lik_c = 0.0
        for position in range(start, stop + 1):
            if position < stop:
                x = X[order[position]]
                same = position > start
                for j in range(n_features):
                    if np.isnan(x[j]) != pattern[j]:
                        same = False
            else:
                same = False  # the chunk's end closes the last run
            if not same:
                _close_run(
                    sxx[c], missing, n_missing, inverse, run_weight, n_components
                )
                if position == stop:
                    break
                n_missing, _ = split_entries(x, missing, observed)
                for j in range(n_features):
                    pattern[j] = np.isnan(x[j])
                for k in range(n_components):
                    log_det[k] = _missing_block_factor(
                        precisions[k], missing, n_missing, chol[k], reciprocal[k]
                    )
                    inverse_from_cholesky(chol[k], n_missing, inverse[k], lower_inverse)
            for k in range(n_components):
                delta_k = delta[k]
                for j in range(n_features):
                    delta_k[j] = x[j] - means[k, j]
                for a in range(n_missing):
                    delta_k[missing[a]] = 0.0
                # b = P_mo d_o (a contiguous row product, d_m = 0), then
                # P_mm z = b through the run's factor; the completed entries
                # are -z.
                precision = precisions[k]
                chol_k = chol[k]
                reciprocal_k = reciprocal[k]
                for a in range(n_missing):
                    row = precision[missing[a]]
                    acc = 0.0
                    for q in range(n_features):
                        acc += row[q] * delta_k[q]
                    for p in range(a):
                        acc -= chol_k[a, p] * work[p]
                    work[a] = acc * reciprocal_k[a]
                for a in range(n_missing - 1, -1, -1):
                    acc = work[a]
                    for p in range(a + 1, n_missing):
                        acc -= chol_k[p, a] * work[p]
                    work[a] = acc * reciprocal_k[a]
                    delta_k[missing[a]] = -work[a]
                factor = precisions_chol[k]
                for j in range(n_features):
                    projected[j] = 0.0
                for p in range(n_features):
                    value = delta_k[p]
                    row = factor[p]
                    # The square loop over U's zeros vectorises; the
                    # triangle does not (as in the complete kernel).
                    for j in range(n_features):
                        projected[j] += value * row[j]
                maha = 0.0
                for j in range(n_features):
                    maha += projected[j] * projected[j]
                log_prob[k] = (
                    offsets[k] + 0.5 * (n_missing * LOG_2PI - log_det[k]) - 0.5 * maha
                )
            weight = sample_weight[order[position]]
            log_lik_c += weight * _responsibilities(log_prob, resp)
            for k in range(n_components):
                rw = weight * resp[k]
                if rw == 0.0:
                    continue
                nk[c, k] += rw
                run_weight[k] += rw
                # The full square, as the complete kernel: twice the flops of
                # a triangle, but contiguous rows that vectorise.
                for a in range(n_features):
                    da = rw * delta[k, a]
                    sx[c, k, a] += da
                    for b in range(n_features):
                        sxx[c, k, a, b] += da * delta[k, b]
        log_lik[c] = log_lik_c
    return log_lik, nk, sx, sxx


@njit(cache=True, nogil=True, inline="always")
def _close_run(sxx, missing, n_missing, inverse, run_weight, n_components):
    """Add a run's conditional covariances, each component's ``P_mm^-1``
    weighted by its responsibilities over the run; reset the weights."""
    for k in range(n_components):
        if run_weight[k] != 0.0:
            for a in range(n_missing):
                for b in range(n_missing):
                    sxx[k, missing[a], missing[b]] += run_weight[k] * inverse[k, a, b]
        run_weight[k] = 0.0


def missingness_order(X):
    """Row indices that put rows with the same missing entries together.

    Sorted by a bit key of the missing entries (quicksort: rows of one pattern
    in an order that is arbitrary but the same on every call); beyond 62
    columns rows keep their order, which is as correct but shares less.
    """
    if X.shape[1] > 62:
        return np.arange(X.shape[0])
    return np.argsort(_missingness_keys(X))


@parallel_kernel()
def _missingness_keys(X):
    n_samples, n_features = X.shape
    keys = np.empty(n_samples, dtype=np.int64)
    for i in prange(n_samples):
        key = 0
        for j in range(n_features):
            if np.isnan(X[i, j]):
                key |= np.int64(1) << j
        keys[i] = key
    return keys


@njit(cache=True, nogil=True, inline="always")
def _observed_entries(x, values, observed):
    """``observed[j]`` 1.0 or 0.0, ``values[j]`` x_j or 0.0: branch-free rows
    for the diagonal kernels' inner loops, which then vectorise."""
    for j in range(x.shape[0]):
        if np.isnan(x[j]):
            observed[j] = 0.0
            values[j] = 0.0
        else:
            observed[j] = 1.0
            values[j] = x[j]


# Array expressions of the parallel kernels below, as functions of their own:
# in a ``prange_only`` kernel an array expression keeps its loop serial.


@njit(cache=True, nogil=True)
def _halved_reciprocals(variances):
    return 0.5 / variances


@njit(cache=True, nogil=True)
def _centred(means, shift):
    return means - shift


@parallel_kernel(fastmath=REASSOCIATE)
def em_pass_diag_missing(X, sample_weight, means, variances, offsets, n_chunks):
    """Partial sums of one EM pass, diagonal variances, NaN entries left out of
    the likelihood; a missing entry adds its variance to the second moments."""
    n_samples, n_features = X.shape
    n_components = means.shape[0]
    log_terms = half_log_2pi_variances(variances)
    half_precisions = _halved_reciprocals(variances)
    log_lik = np.zeros(n_chunks)
    nk = np.zeros((n_chunks, n_components))
    sx = np.zeros((n_chunks, n_components, n_features))
    sxx = np.zeros((n_chunks, n_components, n_features))
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        log_prob = np.empty(n_components)
        resp = np.empty(n_components)
        values = np.empty(n_features)
        observed = np.empty(n_features)
        log_lik_c = 0.0
        for i in range(start, stop):
            _observed_entries(X[i], values, observed)
            for k in range(n_components):
                value = offsets[k]
                for j in range(n_features):
                    diff = values[j] - means[k, j]
                    value += (1.0 - observed[j]) * log_terms[k, j] - observed[j] * (
                        diff * diff * half_precisions[k, j]
                    )
                log_prob[k] = value
            weight = sample_weight[i]
            log_lik_c += weight * _responsibilities(log_prob, resp)
            for k in range(n_components):
                rw = weight * resp[k]
                nk[c, k] += rw
                for j in range(n_features):
                    diff = observed[j] * (values[j] - means[k, j])
                    sx[c, k, j] += rw * diff
                    sxx[c, k, j] += rw * (
                        diff * diff + (1.0 - observed[j]) * variances[k, j]
                    )
        log_lik[c] = log_lik_c
    return log_lik, nk, sx, sxx


@parallel_kernel()
def em_pass_tied_missing(
    X, sample_weight, means, precision, precision_chol, offsets, shift, n_chunks
):
    """Partial sums of one EM pass, one shared precision, NaN entries
    integrated out; the second moments pooled around ``shift`` (the layout of
    ``em_pass_tied``).

    In coordinates centred at ``shift``, with ``y`` the row (0 where missing),
    ``nu_k = mu_k - shift``, ``p = U^T y`` (``P = U U^T``) and
    ``h_k = (P nu_k)_m - (P y)_m``, the completed missing entries are
    ``z_k = P_mm^-1 h_k`` and the marginal Mahalanobis distance is
    ``|p - U^T nu_k|^2 - h_k^T P_mm^-1 h_k``. The factor of ``P_mm`` and
    the conditional covariance are shared by the components, so a component
    costs O(d + |m|^2) on top of the row's O(d^2) (``U^T y`` and one outer
    product), about what a complete row costs.
    """
    n_samples, n_features = X.shape
    n_components = means.shape[0]
    centred_means = _centred(means, shift)
    projected_means = centred_means @ precision_chol  # U^T nu_k
    precision_means = centred_means @ precision  # P nu_k
    log_lik = np.zeros(n_chunks)
    nk = np.zeros((n_chunks, n_components))
    sx = np.zeros((n_chunks, n_components, n_features))
    sxx = np.zeros((n_chunks, n_features, n_features))
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        missing = np.empty(n_features, dtype=np.intp)
        observed = np.empty(n_features, dtype=np.intp)
        centred = np.empty(n_features)
        projected = np.empty(n_features)
        chol = np.empty((n_features, n_features))
        inverse = np.empty((n_features, n_features))
        lower_inverse = np.empty((n_features, n_features))
        known_part = np.empty(n_features)
        values = np.empty((n_features, n_components))  # z_k, centred, by entry
        reciprocal = np.empty(n_features)
        mixed = np.empty(n_features)
        mixed_outer = np.empty((n_features, n_features))
        log_prob = np.empty(n_components)
        resp = np.empty(n_components)
        sxx_c = sxx[c]
        log_lik_c = 0.0
        for i in range(start, stop):
            x = X[i]
            n_missing, _ = split_entries(x, missing, observed)
            for j in range(n_features):
                centred[j] = 0.0 if np.isnan(x[j]) else x[j] - shift[j]
            for j in range(n_features):  # U^T y, as rows of U added up
                projected[j] = 0.0
            for p in range(n_features):
                value = centred[p]
                row = precision_chol[p]
                for j in range(n_features):  # full rows vectorise best
                    projected[j] += value * row[j]
            log_det = _missing_block_factor(
                precision, missing, n_missing, chol, reciprocal
            )
            for a in range(n_missing):  # (P y)_m: y is 0 on the missing entries
                row = precision[missing[a]]
                acc = 0.0
                for j in range(n_features):
                    acc += row[j] * centred[j]
                known_part[a] = acc
            # L t = h_k, then L^T z_k = t, for all components at once: the
            # components are independent chains, so they pipeline.
            for a in range(n_missing):
                z = values[a]
                ma = missing[a]
                for k in range(n_components):
                    z[k] = precision_means[k, ma] - known_part[a]
                for p in range(a):
                    lap = chol[a, p]
                    zp = values[p]
                    for k in range(n_components):
                        z[k] -= lap * zp[k]
                for k in range(n_components):
                    z[k] *= reciprocal[a]
            for k in range(n_components):
                maha = 0.0
                for j in range(n_features):
                    t = projected[j] - projected_means[k, j]
                    maha += t * t
                for a in range(n_missing):
                    maha -= values[a, k] * values[a, k]
                log_prob[k] = (
                    offsets[k] + 0.5 * (n_missing * LOG_2PI - log_det) - 0.5 * maha
                )
            for a in range(n_missing - 1, -1, -1):
                z = values[a]
                for p in range(a + 1, n_missing):
                    lpa = chol[p, a]
                    zp = values[p]
                    for k in range(n_components):
                        z[k] -= lpa * zp[k]
                for k in range(n_components):
                    z[k] *= reciprocal[a]
            weight = sample_weight[i]
            log_lik_c += weight * _responsibilities(log_prob, resp)
            for a in range(n_missing):
                mixed[a] = 0.0
                for b in range(a + 1):
                    mixed_outer[a, b] = 0.0
            for k in range(n_components):
                rw = weight * resp[k]
                nk[c, k] += rw
                for j in range(n_features):
                    sx[c, k, j] += rw * (centred[j] - centred_means[k, j])
                for a in range(n_missing):  # completed entry z, not y_m = 0
                    rz = rw * values[a, k]
                    sx[c, k, missing[a]] += rz
                    mixed[a] += rz
                    for b in range(a + 1):
                        mixed_outer[a, b] += rz * values[b, k]
            # sum_k r_k (y + e_m z_k)(y + e_m z_k)^T, y_m = 0, plus the
            # conditional covariance P_mm^-1 (one for every component).
            for a in range(n_features):
                va = weight * centred[a]
                row = sxx_c[a]
                for b in range(n_features):
                    row[b] += va * centred[b]
            if n_missing > 0:
                inverse_from_cholesky(chol, n_missing, inverse, lower_inverse)
                for a in range(n_missing):
                    ma = missing[a]
                    row = sxx_c[ma]
                    for q in range(n_features):  # y zbar^T and its transpose
                        value = mixed[a] * centred[q]
                        row[q] += value
                        sxx_c[q, ma] += value
                    for b in range(a + 1):
                        mb = missing[b]
                        value = mixed_outer[a, b] + weight * inverse[a, b]
                        sxx_c[ma, mb] += value
                        if b != a:
                            sxx_c[mb, ma] += value
        log_lik[c] = log_lik_c
    return log_lik, nk, sx, sxx


@njit(cache=True, nogil=True, inline="always")
def _missing_block_factor(precision, missing, n_missing, chol, reciprocal):
    """Cholesky factor of ``P_mm`` into ``chol`` and the reciprocals of its
    diagonal into ``reciprocal``; returns ``log det P_mm``."""
    log_det = 0.0
    for a in range(n_missing):
        for b in range(a):
            s = precision[missing[a], missing[b]]
            for p in range(b):
                s -= chol[a, p] * chol[b, p]
            chol[a, b] = s * reciprocal[b]
        s = precision[missing[a], missing[a]]
        for p in range(a):
            s -= chol[a, p] * chol[a, p]
        chol[a, a] = math.sqrt(s)
        reciprocal[a] = 1.0 / chol[a, a]
        log_det += math.log(s)
    return log_det
