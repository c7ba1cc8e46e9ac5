"""Numba kernels of the neural models: the GAN's Parzen-window estimate.

A Gaussian kernel density on ``m`` generated rows costs ``n * m`` kernel
evaluations for ``n`` rows; the kernel fuses the squared distance, the
exponential and a running (online) log-sum-exp, so no ``(n, m)`` array is
formed. Each row is independent of the others (``prange`` over rows, no
reduction across them), so results do not depend on the number of threads.
"""

import numpy as np
from numba import prange

from skgen.utils._chunking import parallel_kernel


@parallel_kernel()
def parzen_log_sum_exp(rows, centres, inverse_two_variance):
    """Per row ``i``: ``log sum_j exp(-c * s_ij)`` with ``s_ij`` the squared
    distance of ``rows[i]`` to ``centres[j]`` and ``c = inverse_two_variance``,
    and the mean of ``s_ij`` under the weights ``exp(-c * s_ij)`` (what the
    derivative in the bandwidth needs).

    Parameters
    ----------
    rows : ndarray of shape (n, d), float64
    centres : ndarray of shape (m, d), float64
    inverse_two_variance : float
        ``1 / (2 h ** 2)`` for a bandwidth ``h``.

    Returns
    -------
    log_sum : ndarray of shape (n,)
    weighted_sq : ndarray of shape (n,)
    """
    n_rows, n_features = rows.shape
    n_centres = centres.shape[0]
    log_sum = np.empty(n_rows)
    weighted_sq = np.empty(n_rows)
    for i in prange(n_rows):
        top = -np.inf
        total = 0.0
        weighted = 0.0
        for j in range(n_centres):
            sq = 0.0
            for k in range(n_features):
                diff = rows[i, k] - centres[j, k]
                sq += diff * diff
            value = -inverse_two_variance * sq
            if value > top:
                # A new maximum: rescale what was summed so far.
                rescale = np.exp(top - value)
                total = total * rescale + 1.0
                weighted = weighted * rescale + sq
                top = value
            else:
                term = np.exp(value - top)
                total += term
                weighted += term * sq
        log_sum[i] = top + np.log(total)
        weighted_sq[i] = weighted / total
    return log_sum, weighted_sq
