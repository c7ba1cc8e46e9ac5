"""Random Gaussian problems and scipy references, shared by kernel tests."""

import numpy as np
from scipy import stats

from skgen.distributions import _gaussian_kernels
from skgen.distributions._gaussian import (
    component_offsets,
    compute_precision_cholesky,
    half_diag_precisions,
)


def random_problem(covariance_type, n=301, d=4, k=3, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((n, d)) * 2 + 1
    weights = rng.dirichlet(np.ones(k))
    means = rng.standard_normal((k, d))
    if covariance_type == "full":
        A = rng.standard_normal((k, d, d))
        covariances = A @ A.transpose(0, 2, 1) + np.eye(d)
    elif covariance_type == "tied":
        A = rng.standard_normal((d, d))
        covariances = A @ A.T + np.eye(d)
    elif covariance_type == "diag":
        covariances = rng.uniform(0.5, 2.0, (k, d))
    else:
        covariances = rng.uniform(0.5, 2.0, k)
    return X, weights, means, covariances


def dense(covariances, covariance_type, k, d):
    if covariance_type == "full":
        return list(covariances)
    if covariance_type == "tied":
        return [covariances] * k
    if covariance_type == "diag":
        return [np.diag(c) for c in covariances]
    return [c * np.eye(d) for c in covariances]


def reference_weighted_log_prob(X, weights, means, covariances, covariance_type):
    k, d = means.shape
    return np.column_stack(
        [
            np.log(w) + stats.multivariate_normal(m, c).logpdf(X)
            for w, m, c in zip(
                weights, means, dense(covariances, covariance_type, k, d)
            )
        ]
    )


def kernel_weighted_log_prob(X, weights, means, covariances, covariance_type, n_chunks):
    d = X.shape[1]
    prec_chol = compute_precision_cholesky(covariances, covariance_type)
    offsets = component_offsets(weights, prec_chol, covariance_type, d)
    if covariance_type == "full":
        return _gaussian_kernels.weighted_log_prob_full(
            X, means, prec_chol, offsets, n_chunks
        )
    if covariance_type == "tied":
        return _gaussian_kernels.weighted_log_prob_tied(
            X, means @ prec_chol, prec_chol, offsets, n_chunks
        )
    return _gaussian_kernels.weighted_log_prob_diag(
        X,
        means,
        half_diag_precisions(prec_chol, covariance_type, d, X.dtype),
        offsets,
        n_chunks,
    )
