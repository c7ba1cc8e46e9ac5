"""Gaussian parameter algebra shared by every family with Gaussian components.

``precisions_cholesky`` is upper triangular, ``precision = U @ U.T``, as in
scikit-learn; shapes follow ``covariance_type``: (K, d, d) 'full', (d, d)
'tied', (K, d) 'diag', (K,) 'spherical'.
"""

import math

import numpy as np
from scipy import linalg

from skgen.distributions import _gaussian_kernels
from skgen.utils._chunking import n_chunks_for
from skgen.utils._threads import threads_for

ILL_DEFINED_COVARIANCE = (
    "Fitting the mixture model failed because some components have ill-defined "
    "empirical covariance (for instance caused by singleton or collapsed "
    "samples). Try to decrease the number of components, increase reg_covar, "
    "or scale the input data."
)


def compute_precision_cholesky(covariances, covariance_type, ridge=0.0):
    """Cholesky factors of the precisions from the covariances.

    A matrix whose Cholesky factorisation fails is factorised with ``ridge``
    added to its diagonal, if ``ridge`` is positive (hmmlearn's evaluation of
    a singular state covariance); a ``ValueError`` if it fails still.
    """
    if covariance_type in ("full", "tied"):
        matrices = covariances.reshape(-1, *covariances.shape[-2:])
        factors = np.empty_like(matrices)
        eye = np.eye(matrices.shape[-1])
        for k, covariance in enumerate(matrices):
            try:
                cov_chol = linalg.cholesky(covariance, lower=True)
            except linalg.LinAlgError:
                cov_chol = _ridge_cholesky(covariance, ridge)
            factors[k] = linalg.solve_triangular(cov_chol, eye, lower=True).T
        return factors.reshape(covariances.shape)
    if np.any(covariances <= 0.0):
        raise ValueError(ILL_DEFINED_COVARIANCE)
    return 1.0 / np.sqrt(covariances)


def _ridge_cholesky(covariance, ridge):
    if ridge > 0:
        try:
            return linalg.cholesky(
                covariance + ridge * np.eye(covariance.shape[0]), lower=True
            )
        except linalg.LinAlgError:
            pass
    raise ValueError(ILL_DEFINED_COVARIANCE) from None


def precision_cholesky_from_precisions(precisions, covariance_type):
    """Upper-triangular U with U U^T = precision (Cholesky of the flipped matrix)."""
    if covariance_type in ("full", "tied"):
        flipped = precisions[..., ::-1, ::-1]
        factors = np.linalg.cholesky(flipped)
        return np.ascontiguousarray(factors[..., ::-1, ::-1])
    return np.sqrt(precisions)


def precisions_from_cholesky(precisions_chol, covariance_type):
    if covariance_type in ("full", "tied"):
        return precisions_chol @ np.swapaxes(precisions_chol, -1, -2)
    return precisions_chol**2


def covariances_from_precisions(precisions, covariance_type):
    if covariance_type in ("full", "tied"):
        return np.linalg.inv(precisions)
    return 1.0 / precisions


def log_det_cholesky(precisions_chol, covariance_type, n_features):
    """log det of each precision's Cholesky factor (half the log det precision)."""
    if covariance_type == "full":
        return np.log(np.diagonal(precisions_chol, axis1=1, axis2=2)).sum(axis=1)
    if covariance_type == "tied":
        return np.log(np.diag(precisions_chol)).sum()
    if covariance_type == "diag":
        return np.log(precisions_chol).sum(axis=1)
    return n_features * np.log(precisions_chol)


def component_offsets(weights, precisions_chol, covariance_type, n_features):
    """log w_k + log det L_k - d/2 log(2 pi): the row-independent part."""
    with np.errstate(divide="ignore"):  # an empty component has log w = -inf
        log_weights = np.log(weights)
    log_det = log_det_cholesky(precisions_chol, covariance_type, n_features)
    return log_weights + log_det - 0.5 * n_features * math.log(2 * math.pi)


def half_diag_precisions(precisions_chol, covariance_type, n_features, dtype):
    """1 / (2 var) per component and feature, (n_components, n_features)."""
    half = 0.5 * precisions_chol**2
    if covariance_type == "spherical":
        half = np.repeat(half[:, np.newaxis], n_features, axis=1)
    return np.ascontiguousarray(half, dtype=dtype)


def estimate_weighted_log_prob(X, weights, means, precisions_chol, covariance_type):
    """``log w_k + log N(x_i | k)`` for every row, shape (n_samples, n_components).

    With ``weights`` all ones it is the per-component log-density.
    """
    n_samples, n_features = X.shape
    with threads_for(n_samples * len(weights) * n_features**2):
        return _weighted_log_prob(X, weights, means, precisions_chol, covariance_type)


def _weighted_log_prob(X, weights, means, precisions_chol, covariance_type):
    offsets = component_offsets(weights, precisions_chol, covariance_type, X.shape[1])
    return log_prob_with_offsets(X, offsets, means, precisions_chol, covariance_type)


def log_prob_with_offsets(X, offsets, means, precisions_chol, covariance_type):
    """``offsets[k] - (x_i - m_k)^T P_k (x_i - m_k) / 2`` for every row and k.

    ``offsets`` is each component's row-independent term: for a Gaussian
    mixture :func:`component_offsets`; a variational mixture adds expected
    log-weights and log-determinants instead.
    """
    n_samples, n_features = X.shape
    n_chunks = n_chunks_for(n_samples)
    dtype = X.dtype
    if covariance_type == "full":
        return _gaussian_kernels.weighted_log_prob_full(
            X,
            np.ascontiguousarray(means, dtype=dtype),
            np.ascontiguousarray(precisions_chol, dtype=dtype),
            offsets,
            n_chunks,
        )
    if covariance_type == "tied":
        return _gaussian_kernels.weighted_log_prob_tied(
            X,
            (means @ precisions_chol).astype(dtype),
            precisions_chol.astype(dtype),
            offsets,
            n_chunks,
        )
    return _gaussian_kernels.weighted_log_prob_diag(
        X,
        means.astype(dtype),
        half_diag_precisions(precisions_chol, covariance_type, n_features, dtype),
        offsets,
        n_chunks,
    )


def reshift_moments(weights, sum_x, sum_xx, shift, new_shift):
    """Weighted moments around ``shift`` re-expressed around ``new_shift``.

    ``sum_x[k] = sum_i r_ik (x_i - shift_k)`` and ``sum_xx`` the matching
    second moments, full (K, d, d) or diagonal (K, d). Exact algebra: with
    ``c = shift - new_shift``, ``x - new_shift = (x - shift) + c``.
    """
    c = shift - new_shift
    new_sum_x = sum_x + weights[:, np.newaxis] * c
    if sum_xx.ndim == 3:
        cross = sum_x[:, :, np.newaxis] * c[:, np.newaxis, :]
        new_sum_xx = (
            sum_xx
            + cross
            + np.swapaxes(cross, 1, 2)
            + weights[:, np.newaxis, np.newaxis]
            * (c[:, :, np.newaxis] * c[:, np.newaxis, :])
        )
    else:
        new_sum_xx = sum_xx + 2.0 * c * sum_x + weights[:, np.newaxis] * c**2
    return weights, new_sum_x, new_sum_xx, new_shift


def check_covariance_values(array, covariance_type, name):
    """Raise a ``ValueError`` unless ``array`` holds valid covariances.

    The one check of user-given covariances or precisions, shaped by
    ``covariance_type`` (the shape is the caller's to check): finite, and
    symmetric positive-definite matrices ('full', 'tied') or positive
    variances ('diag', 'spherical'). The messages are scikit-learn's.
    """
    array = np.asarray(array, dtype=np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"'{covariance_type}' {name} should be finite")
    if covariance_type in ("full", "tied"):
        matrices = array.reshape(-1, *array.shape[-2:])
        if not (
            np.allclose(matrices, np.swapaxes(matrices, 1, 2))
            and np.all(np.linalg.eigvalsh(matrices)[:, 0] > 0.0)
        ):
            raise ValueError(
                f"'{covariance_type}' {name} should be symmetric, positive-definite"
            )
    elif np.any(array <= 0.0):
        raise ValueError(f"'{covariance_type}' {name} should be positive")
