"""Categorical distributions over integer symbols, one per feature and component.

``probs`` has shape (n_components, n_features, n_symbols): component ``k``
draws feature ``f`` from ``probs[k, f]``; features are independent given the
component. One alphabet ``0 .. n_symbols - 1`` serves every feature (a
feature with fewer symbols has zero probabilities at the others).
"""

import numpy as np

from skgen.distributions import _categorical_kernels
from skgen.utils._chunking import n_chunks_for
from skgen.utils._threads import threads_for


def log_likelihood(X, probs):
    """``log p(x_t | component k)``, shape (n_samples, n_components).

    Parameters
    ----------
    X : ndarray of intp, shape (n_samples, n_features)
        Symbols, each in ``0 .. n_symbols - 1``.
    probs : ndarray of shape (n_components, n_features, n_symbols)
        Symbol probabilities; a zero gives ``-inf``.
    """
    with np.errstate(divide="ignore"):
        # (features, symbols, components): a row adds contiguous vectors.
        log_table = np.ascontiguousarray(np.log(probs).transpose(1, 2, 0))
    n_samples, n_features = X.shape
    with threads_for(n_samples * n_features * probs.shape[0]):
        return _categorical_kernels.categorical_log_likelihood(
            X, log_table, n_chunks_for(n_samples)
        )


def expected_counts(X, weights, n_symbols):
    """Weighted symbol counts, shape (n_components, n_features, n_symbols).

    ``counts[k, f, s] = sum_t weights[t, k] [X[t, f] == s]``, summed over
    fixed chunks of rows in order (the same on any number of threads).
    """
    n_samples, n_features = X.shape
    n_components = weights.shape[1]
    n_chunks = n_chunks_for(n_samples, n_features * n_symbols * n_components)
    with threads_for(n_samples * n_features * n_components):
        parts = _categorical_kernels.categorical_counts(X, weights, n_symbols, n_chunks)
    return parts.sum(axis=0).transpose(2, 0, 1)


def sample(row_probs, random_state):
    """One symbol per row and feature from ``row_probs`` (n_rows, d, n_symbols).

    Inverse-CDF draws: one uniform per entry against the cumulative sums
    (normalised, so rounding of the sums cannot overshoot).
    """
    cdf = np.cumsum(row_probs, axis=2)
    draws = random_state.uniform(size=cdf.shape[:2] + (1,))
    return (cdf > draws * cdf[..., -1:]).argmax(axis=2).astype(np.intp)
