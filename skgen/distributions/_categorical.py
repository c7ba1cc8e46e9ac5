"""Categorical distributions over integer symbols, one per feature and component.

``probs`` has shape (n_components, n_features, n_symbols): component ``k``
draws feature ``f`` from ``probs[k, f]``; features are independent given the
component. A missing entry is coded by a negative symbol (-1): it is left
out of the likelihood and its expected counts are the component's own
probabilities. One alphabet ``0 .. n_symbols - 1`` serves every feature (a
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
    kernel = (
        _categorical_kernels.categorical_log_likelihood_missing
        if has_missing_codes(X)
        else _categorical_kernels.categorical_log_likelihood
    )
    out = np.zeros((n_samples, probs.shape[0]))
    with threads_for(n_samples * n_features * probs.shape[0]):
        kernel(X, log_table, n_chunks_for(n_samples), out)
    return out


def has_missing_codes(X):
    """Whether symbols ``X`` hold a missing entry (a negative code)."""
    return X.size > 0 and X.min() < 0


def expected_counts(X, weights, n_symbols, probs=None):
    """Weighted symbol counts, shape (n_components, n_features, n_symbols).

    With ``probs`` (n_components, n_features, n_symbols), a missing entry
    (negative code) counts ``weights[t, k] * probs[k, f, s]`` (the exact
    E-step); without, ``X`` must be complete.

    ``counts[k, f, s] = sum_t weights[t, k] [X[t, f] == s]``, summed over
    fixed chunks of rows in order (the same on any number of threads).
    """
    n_samples, n_features = X.shape
    n_components = weights.shape[1]
    n_chunks = n_chunks_for(n_samples, n_features * n_symbols * n_components)
    parts = np.zeros((n_chunks, n_features, n_symbols, n_components))
    if probs is not None and has_missing_codes(X):
        missing = np.zeros((n_chunks, n_features, n_components))
        with threads_for(n_samples * n_features * n_components):
            _categorical_kernels.categorical_counts_missing(
                X, weights, n_chunks, parts, missing
            )
        # A missing entry's expected counts: its weight times p(s | k, f).
        spread = missing.sum(axis=0).T[:, :, np.newaxis] * probs
        return parts.sum(axis=0).transpose(2, 0, 1) + spread
    with threads_for(n_samples * n_features * n_components):
        _categorical_kernels.categorical_counts(X, weights, n_chunks, parts)
    return parts.sum(axis=0).transpose(2, 0, 1)


def sample(row_probs, random_state):
    """One symbol per row and feature from ``row_probs`` (n_rows, d, n_symbols).

    Inverse-CDF draws: one uniform per entry against the cumulative sums
    (normalised, so rounding of the sums cannot overshoot).
    """
    cdf = np.cumsum(row_probs, axis=2)
    draws = random_state.uniform(size=cdf.shape[:2] + (1,))
    return (cdf > draws * cdf[..., -1:]).argmax(axis=2).astype(np.intp)
