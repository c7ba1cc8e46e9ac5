"""Independent binary features, one probability per feature and component.

``probs`` has shape (n_components, n_features): component ``k`` draws
feature ``j`` as 1 with probability ``probs[k, j]``.
"""

import numpy as np


def log_likelihood(X, probs):
    """``log p(x_t | component k)``, shape (n_samples, n_components).

    A probability of 0 or 1 gives ``-inf`` for the impossible value, never
    NaN (``0 * log 0`` is taken as 0).
    """
    X = np.asarray(X, dtype=np.float64)
    with np.errstate(divide="ignore"):
        log_p, log_q = np.log(probs), np.log1p(-probs)
    # Matrix products would give 0 * -inf = NaN: keep the finite parts apart.
    out = X @ np.where(np.isfinite(log_p), log_p, 0.0).T
    out += (1.0 - X) @ np.where(np.isfinite(log_q), log_q, 0.0).T
    if not (np.all(np.isfinite(log_p)) and np.all(np.isfinite(log_q))):
        impossible = X @ (~np.isfinite(log_p)).T + (1.0 - X) @ (~np.isfinite(log_q)).T
        out[impossible > 0] = -np.inf
    return out


def expected_sums(X, weights):
    """``(sum_t w_tk, sum_t w_tk x_t)``: shapes (K,) and (K, n_features)."""
    return weights.sum(axis=0), weights.T @ np.asarray(X, dtype=np.float64)


def sample(row_probs, random_state):
    """0/1 draws (float64) with the probabilities of each row."""
    return (random_state.uniform(size=row_probs.shape) < row_probs).astype(np.float64)
