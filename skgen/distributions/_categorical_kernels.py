"""Numba kernels of categorical distributions: table look-ups and counts.

Rows hold integer symbols, one per feature; ``K`` components (mixture
components or HMM states) each give every feature its own distribution over
the symbols. Rows are split into a fixed number of chunks, reduced by the
caller in chunk order (results independent of the number of threads). The
callers pass the zeroed output arrays: a kernel that allocates compiles about
0.1 s longer per array shape on first use.
"""

from numba import prange

from skgen.utils._chunking import chunk_bounds, parallel_kernel


@parallel_kernel()
def categorical_log_likelihood(X, log_table, n_chunks, out):
    """Add log p(x_t | component k) = sum_f log_table[f, X[t, f], k] into
    ``out`` (n_samples, K), zeros.

    ``log_table`` is the log-probabilities laid out (features, symbols,
    components), so a row adds contiguous vectors of K.
    """
    n_samples, n_features = X.shape
    n_components = log_table.shape[2]
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        for t in range(start, stop):
            for f in range(n_features):
                symbol_log_probs = log_table[f, X[t, f]]
                for k in range(n_components):
                    out[t, k] += symbol_log_probs[k]


@parallel_kernel()
def categorical_counts(X, weights, n_chunks, counts):
    """Add weighted (feature, symbol, component) counts, per chunk of rows,
    into ``counts`` (n_chunks, n_features, n_symbols, K), zeros; the caller
    adds the chunks in order."""
    n_samples, n_features = X.shape
    n_components = weights.shape[1]
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        for t in range(start, stop):
            for f in range(n_features):
                row = counts[c, f, X[t, f]]
                for k in range(n_components):
                    row[k] += weights[t, k]


@parallel_kernel()
def categorical_log_likelihood_missing(X, log_table, n_chunks, out):
    """:func:`categorical_log_likelihood` with missing entries (negative
    codes) left out: a row with no observed symbol scores 0."""
    n_samples, n_features = X.shape
    n_components = log_table.shape[2]
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        for t in range(start, stop):
            for f in range(n_features):
                if X[t, f] < 0:
                    continue
                symbol_log_probs = log_table[f, X[t, f]]
                for k in range(n_components):
                    out[t, k] += symbol_log_probs[k]


@parallel_kernel()
def categorical_counts_missing(X, weights, n_chunks, counts, missing):
    """:func:`categorical_counts` with missing entries (negative codes): their
    weights go to ``missing`` (n_chunks, n_features, K), zeros, instead, for
    the caller to spread over the symbols by the component's probabilities."""
    n_samples, n_features = X.shape
    n_components = weights.shape[1]
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        for t in range(start, stop):
            for f in range(n_features):
                row = missing[c, f] if X[t, f] < 0 else counts[c, f, X[t, f]]
                for k in range(n_components):
                    row[k] += weights[t, k]
