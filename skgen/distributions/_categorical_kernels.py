"""Numba kernels of categorical distributions: table look-ups and counts.

Rows hold integer symbols, one per feature; ``K`` components (mixture
components or HMM states) each give every feature its own distribution over
the symbols. Rows are split into a fixed number of chunks, reduced by the
caller in chunk order (results independent of the number of threads).
"""

import numpy as np
from numba import prange

from skgen.utils._chunking import chunk_bounds, parallel_kernel


@parallel_kernel()
def categorical_log_likelihood(X, log_table, n_chunks):
    """log p(x_t | component k) = sum_f log_table[f, X[t, f], k]: (n_samples, K).

    ``log_table`` is the log-probabilities laid out (features, symbols,
    components), so a row adds contiguous vectors of K.
    """
    n_samples, n_features = X.shape
    n_components = log_table.shape[2]
    out = np.zeros((n_samples, n_components))
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        for t in range(start, stop):
            for f in range(n_features):
                symbol_log_probs = log_table[f, X[t, f]]
                for k in range(n_components):
                    out[t, k] += symbol_log_probs[k]
    return out


@parallel_kernel()
def categorical_counts(X, weights, n_symbols, n_chunks):
    """Weighted (feature, symbol, component) counts, per chunk of rows:
    (n_chunks, n_features, n_symbols, K), added by the caller in chunk order."""
    n_samples, n_features = X.shape
    n_components = weights.shape[1]
    counts = np.zeros((n_chunks, n_features, n_symbols, n_components))
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        for t in range(start, stop):
            for f in range(n_features):
                row = counts[c, f, X[t, f]]
                for k in range(n_components):
                    row[k] += weights[t, k]
    return counts


@parallel_kernel()
def categorical_log_likelihood_missing(X, log_table, n_chunks):
    """:func:`categorical_log_likelihood` with missing entries (negative
    codes) left out: a row with no observed symbol scores 0."""
    n_samples, n_features = X.shape
    n_components = log_table.shape[2]
    out = np.zeros((n_samples, n_components))
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        for t in range(start, stop):
            for f in range(n_features):
                if X[t, f] < 0:
                    continue
                symbol_log_probs = log_table[f, X[t, f]]
                for k in range(n_components):
                    out[t, k] += symbol_log_probs[k]
    return out


@parallel_kernel()
def categorical_counts_missing(X, weights, n_symbols, n_chunks):
    """:func:`categorical_counts` with missing entries (negative codes): their
    weights go to ``missing`` (n_chunks, n_features, K) instead, for the
    caller to spread over the symbols by the component's probabilities."""
    n_samples, n_features = X.shape
    n_components = weights.shape[1]
    counts = np.zeros((n_chunks, n_features, n_symbols, n_components))
    missing = np.zeros((n_chunks, n_features, n_components))
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        for t in range(start, stop):
            for f in range(n_features):
                row = missing[c, f] if X[t, f] < 0 else counts[c, f, X[t, f]]
                for k in range(n_components):
                    row[k] += weights[t, k]
    return counts, missing
