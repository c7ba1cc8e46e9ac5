"""Independent Poisson counts per feature, one rate per feature and component.

``rates`` has shape (n_components, n_features). Counts may be non-integral
(as scikit-learn's ``MultinomialNB`` allows): the log-mass uses the gamma
function, ``x log(lambda) - lambda - log Gamma(x + 1)``.
"""

import numpy as np
from scipy.special import gammaln


def log_likelihood(X, rates):
    """``log p(x_t | component k)``, shape (n_samples, n_components).

    A zero rate emits only zeros: its log is floored at ``log(tiny)``, which
    makes any positive count (practically) impossible without a NaN.
    """
    X = np.asarray(X, dtype=np.float64)
    log_rates = np.log(np.maximum(rates, np.finfo(np.float64).tiny))
    return X @ log_rates.T - rates.sum(axis=1) - gammaln(X + 1.0).sum(axis=1)[:, None]


def expected_sums(X, weights):
    """``(sum_t w_tk, sum_t w_tk x_t)``: shapes (K,) and (K, n_features)."""
    return weights.sum(axis=0), weights.T @ np.asarray(X, dtype=np.float64)


def sample(row_rates, random_state):
    """Counts drawn with the rates of each row, as float64."""
    return random_state.poisson(row_rates).astype(np.float64)


def log_likelihood_missing(X, rates):
    """:func:`log_likelihood` of rows with NaN counts: a missing count is left
    out (it sums to one over its values), so a row with none observed scores 0."""
    X = np.asarray(X, dtype=np.float64)
    observed = ~np.isnan(X)
    counts = np.where(observed, X, 0.0)
    log_rates = np.log(np.maximum(rates, np.finfo(np.float64).tiny))
    return (
        counts @ log_rates.T
        - observed.astype(np.float64) @ rates.T
        - gammaln(counts + 1.0).sum(axis=1)[:, None]
    )


def expected_sums_missing(X, weights, rates):
    """:func:`expected_sums` of rows with NaN counts: a missing count adds its
    expectation under the component, its rate (the exact E-step)."""
    X = np.asarray(X, dtype=np.float64)
    missing = np.isnan(X)
    observed_sums = weights.T @ np.where(missing, 0.0, X)
    return weights.sum(axis=0), observed_sums + (weights.T @ missing) * rates
