"""Multinomial counts: a row's total split among the features.

``log_probs`` has shape (n_components, n_features): component ``k`` splits a
row's total ``n`` among the features with probabilities
``exp(log_probs[k])``. The model says nothing of ``n`` itself, so the
log-mass is that of the row *given its total*. Counts may be non-integral (as
scikit-learn's ``MultinomialNB`` allows): the coefficient uses the gamma
function. ``X`` may be a scipy sparse matrix.
"""

import numpy as np
from scipy import sparse
from scipy.special import gammaln
from sklearn.utils.extmath import safe_sparse_dot


def log_coefficient(X):
    """``log n! - sum_j log x_j!`` of each row, shape (n_samples,)."""
    totals = np.asarray(X.sum(axis=1), dtype=np.float64).ravel()
    if sparse.issparse(X):
        X = sparse.csr_matrix(X, dtype=np.float64, copy=True)
        X.data = gammaln(X.data + 1.0)  # log 0! = 0: zeros stay implicit
        log_factorials = np.asarray(X.sum(axis=1)).ravel()
    else:
        log_factorials = gammaln(np.asarray(X, dtype=np.float64) + 1.0).sum(axis=1)
    return gammaln(totals + 1.0) - log_factorials


def log_likelihood(X, log_probs):
    """``log p(x_t | n_t, component k)``, shape (n_samples, n_components)."""
    return (
        np.asarray(safe_sparse_dot(X, log_probs.T), dtype=np.float64)
        + (log_coefficient(X)[:, np.newaxis])
    )


def sample(totals, row_probs, random_state):
    """Counts (float64) of each row's total split by that row's probabilities.

    numpy's ``Generator`` draws a multinomial per row (its own total and
    probability vector) in C; it is seeded from ``random_state``. The
    probabilities are normalised first, so rounding cannot make them sum past 1.
    """
    generator = np.random.default_rng(random_state.randint(2**63, dtype=np.int64))
    probs = row_probs / row_probs.sum(axis=1, keepdims=True)
    return generator.multinomial(totals, probs).astype(np.float64)
