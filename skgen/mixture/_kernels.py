"""Numba kernels for Gaussian mixtures.

Each covariance family has two kernels over the rows of ``X``:

* ``em_pass_<family>`` -- one pass that computes every row's responsibilities
  and adds them straight into the sufficient statistics of the M-step, chunk
  by chunk, so no (n_samples, n_components) array is ever formed;
* ``weighted_log_prob_<family>`` -- the (n_samples, n_components) matrix of
  ``log w_k + log N(x_i | k)`` that ``predict`` and ``predict_proba`` need.

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

No ``fastmath``: the log-sum-exp relies on IEEE ``-inf`` and ``exp`` underflow.
"""

import numpy as np
from numba import njit, prange

# ---------------------------------------------------------------------------
# Row helpers: log w_k + log N(x | k) for every component k of one row.
# ``offsets[k]`` holds log w_k + log det(prec_chol_k) - d/2 log(2 pi).
# ---------------------------------------------------------------------------


@njit(cache=True, nogil=True, inline="always")
def _row_log_prob_full(x, means, precisions_chol, offsets, diff, y, out):
    """Fill ``out[k]``; leave ``diff[k] = x - means[k]`` for the statistics."""
    n_components, n_features = means.shape
    for k in range(n_components):
        for j in range(n_features):
            diff[k, j] = x[j] - means[k, j]
            y[j] = 0.0
        # y = diff_k @ L_k. L_k is upper triangular, but the square loop over
        # its zeros vectorises and runs ~1.5x faster than the triangular one.
        for i in range(n_features):
            a = diff[k, i]
            for j in range(n_features):
                y[j] += a * precisions_chol[k, i, j]
        sq = 0.0
        for j in range(n_features):
            sq += y[j] * y[j]
        out[k] = offsets[k] - 0.5 * sq


@njit(cache=True, nogil=True, inline="always")
def _row_log_prob_tied(x, means_chol, precision_chol, offsets, y, out):
    """Tied covariance: ``means_chol[k] = means[k] @ L``, so x @ L is done once."""
    n_components, n_features = means_chol.shape
    for j in range(n_features):
        y[j] = 0.0
    for i in range(n_features):
        a = x[i]
        for j in range(n_features):
            y[j] += a * precision_chol[i, j]
    for k in range(n_components):
        sq = 0.0
        for j in range(n_features):
            t = y[j] - means_chol[k, j]
            sq += t * t
        out[k] = offsets[k] - 0.5 * sq


@njit(cache=True, nogil=True, inline="always")
def _row_log_prob_diag(x, means_t, precisions_t, offsets, out):
    """Diagonal covariance; parameters are transposed, (n_features, n_components),
    so the inner loop runs over contiguous components."""
    n_features, n_components = means_t.shape
    for k in range(n_components):
        out[k] = offsets[k]
    for j in range(n_features):
        xj = x[j]
        for k in range(n_components):
            t = xj - means_t[j, k]
            out[k] -= 0.5 * (t * t) * precisions_t[j, k]


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
def _chunk(c, n_chunks, n_samples):
    """Rows [start, stop) of chunk ``c``: balanced, fixed by the sizes alone."""
    return c * n_samples // n_chunks, (c + 1) * n_samples // n_chunks

# ---------------------------------------------------------------------------
# One EM pass: responsibilities and sufficient statistics together.
# Returns per-chunk partials; the caller sums them over axis 0, in order.
# ---------------------------------------------------------------------------


@njit(cache=True, nogil=True, parallel=True)
def em_pass_full(X, means, precisions_chol, offsets, n_chunks):
    """Partial sums for full covariances.

    Returns
    -------
    log_lik : (n_chunks,) sum of log p(x_i) over the chunk's rows.
    nk : (n_chunks, K) sum of r_ik.
    sx : (n_chunks, K, d) sum of r_ik (x_i - m_k).
    sxx : (n_chunks, K, d, d) sum of r_ik (x_i - m_k)(x_i - m_k)^T.
    """
    n_samples, n_features = X.shape
    n_components = means.shape[0]
    log_lik = np.zeros(n_chunks)
    nk = np.zeros((n_chunks, n_components))
    sx = np.zeros((n_chunks, n_components, n_features))
    sxx = np.zeros((n_chunks, n_components, n_features, n_features))
    for c in prange(n_chunks):
        start, stop = _chunk(c, n_chunks, n_samples)
        diff = np.empty((n_components, n_features), dtype=X.dtype)
        y = np.empty(n_features, dtype=X.dtype)
        log_prob = np.empty(n_components)
        resp = np.empty(n_components)
        for i in range(start, stop):
            _row_log_prob_full(X[i], means, precisions_chol, offsets, diff, y, log_prob)
            log_lik[c] += _responsibilities(log_prob, resp)
            for k in range(n_components):
                r = resp[k]
                if r == 0.0:
                    continue
                nk[c, k] += r
                for a in range(n_features):
                    w = r * diff[k, a]
                    sx[c, k, a] += w
                    for b in range(n_features):
                        sxx[c, k, a, b] += w * diff[k, b]
    return log_lik, nk, sx, sxx


@njit(cache=True, nogil=True, parallel=True)
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
        start, stop = _chunk(c, n_chunks, n_samples)
        y = np.empty(n_features, dtype=X.dtype)
        centred = np.empty(n_features, dtype=X.dtype)
        log_prob = np.empty(n_components)
        resp = np.empty(n_components)
        for i in range(start, stop):
            x = X[i]
            _row_log_prob_tied(x, means_chol, precision_chol, offsets, y, log_prob)
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


@njit(cache=True, nogil=True, parallel=True)
def em_pass_diag(X, means_t, precisions_t, offsets, n_chunks):
    """Partial sums for diagonal (and spherical) covariances.

    Parameters are transposed, (n_features, n_components); so are ``sx`` and
    ``sxx``: (n_chunks, d, K) sums of r_ik (x_ij - m_kj) and its square.
    """
    n_samples, n_features = X.shape
    n_components = means_t.shape[1]
    log_lik = np.zeros(n_chunks)
    nk = np.zeros((n_chunks, n_components))
    sx = np.zeros((n_chunks, n_features, n_components))
    sxx = np.zeros((n_chunks, n_features, n_components))
    for c in prange(n_chunks):
        start, stop = _chunk(c, n_chunks, n_samples)
        log_prob = np.empty(n_components)
        resp = np.empty(n_components)
        for i in range(start, stop):
            x = X[i]
            _row_log_prob_diag(x, means_t, precisions_t, offsets, log_prob)
            log_lik[c] += _responsibilities(log_prob, resp)
            for k in range(n_components):
                nk[c, k] += resp[k]
            for j in range(n_features):
                xj = x[j]
                for k in range(n_components):
                    t = xj - means_t[j, k]
                    w = resp[k] * t
                    sx[c, j, k] += w
                    sxx[c, j, k] += w * t
    return log_lik, nk, sx, sxx


# ---------------------------------------------------------------------------
# log w_k + log N(x_i | k) for every row: predict, predict_proba, score_samples.
# ---------------------------------------------------------------------------


@njit(cache=True, nogil=True, parallel=True)
def weighted_log_prob_full(X, means, precisions_chol, offsets, n_chunks):
    n_samples, n_features = X.shape
    n_components = means.shape[0]
    out = np.empty((n_samples, n_components))
    for c in prange(n_chunks):
        start, stop = _chunk(c, n_chunks, n_samples)
        diff = np.empty((n_components, n_features), dtype=X.dtype)
        y = np.empty(n_features, dtype=X.dtype)
        for i in range(start, stop):
            _row_log_prob_full(X[i], means, precisions_chol, offsets, diff, y, out[i])
    return out


@njit(cache=True, nogil=True, parallel=True)
def weighted_log_prob_tied(X, means_chol, precision_chol, offsets, n_chunks):
    n_samples, n_features = X.shape
    out = np.empty((n_samples, means_chol.shape[0]))
    for c in prange(n_chunks):
        start, stop = _chunk(c, n_chunks, n_samples)
        y = np.empty(n_features, dtype=X.dtype)
        for i in range(start, stop):
            _row_log_prob_tied(X[i], means_chol, precision_chol, offsets, y, out[i])
    return out


@njit(cache=True, nogil=True, parallel=True)
def weighted_log_prob_diag(X, means_t, precisions_t, offsets, n_chunks):
    n_samples = X.shape[0]
    out = np.empty((n_samples, means_t.shape[1]))
    for c in prange(n_chunks):
        start, stop = _chunk(c, n_chunks, n_samples)
        for i in range(start, stop):
            _row_log_prob_diag(X[i], means_t, precisions_t, offsets, out[i])
    return out
