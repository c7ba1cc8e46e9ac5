"""Gaussian mixtures conditioned on some of their columns (Schur complements).

Given the values ``x`` of the columns ``a``, a mixture of Gaussians over the
other columns ``b`` is again a mixture of Gaussians: component k keeps the
weight ``w_k N(x | mu_a, S_aa)`` (renormalised), its mean moves to
``mu_b + S_ba S_aa^-1 (x - mu_a)`` and its covariance becomes the Schur
complement ``S_bb - S_ba S_aa^-1 S_ab``, the same for every ``x``.
Diagonal and spherical components have ``S_ba = 0``: only the weights change.
"""

from typing import NamedTuple

import numpy as np
from scipy import linalg
from scipy.special import logsumexp


class ConditionalGaussians(NamedTuple):
    """What conditioning on columns ``a`` needs, computed once per model.

    ``gain[k] = S_ba S_aa^-1`` (None for 'diag'/'spherical'), the marginal
    parameters of the given columns, and the conditional covariances in the
    shape of ``covariance_type`` over the other columns.
    """

    gain: object
    marginal_means: np.ndarray
    marginal_covariances: np.ndarray
    covariances: np.ndarray


def _full_blocks(covariances, given, other):
    """Blocks ``S_aa``, ``S_ba``, ``S_bb`` of (K, d, d) or (d, d) matrices."""
    pick = np.ix_
    if covariances.ndim == 2:
        return (
            covariances[pick(given, given)],
            covariances[pick(other, given)],
            covariances[pick(other, other)],
        )
    return (
        covariances[:, given][:, :, given],
        covariances[:, other][:, :, given],
        covariances[:, other][:, :, other],
    )


def _gain_and_schur(s_aa, s_ba, s_bb):
    """``S_ba S_aa^-1`` and ``S_bb - S_ba S_aa^-1 S_ab`` of one component."""
    factor = linalg.cho_factor(s_aa, lower=True)
    gain = linalg.cho_solve(factor, s_ba.T).T
    schur = s_bb - gain @ s_ba.T
    return gain, 0.5 * (schur + schur.T)


def conditional_gaussians(means, covariances, covariance_type, given, other):
    """:class:`ConditionalGaussians` of a mixture for given columns ``given``."""
    marginal_means = means[:, given]
    if covariance_type in ("diag", "spherical"):
        if covariance_type == "diag":
            return ConditionalGaussians(
                None, marginal_means, covariances[:, given], covariances[:, other]
            )
        return ConditionalGaussians(None, marginal_means, covariances, covariances)
    s_aa, s_ba, s_bb = _full_blocks(covariances, given, other)
    if covariance_type == "tied":
        gain, schur = _gain_and_schur(s_aa, s_ba, s_bb)
        gains = np.repeat(gain[np.newaxis], len(means), axis=0)
        return ConditionalGaussians(gains, marginal_means, s_aa, schur)
    pairs = [_gain_and_schur(*blocks) for blocks in zip(s_aa, s_ba, s_bb)]
    return ConditionalGaussians(
        np.array([gain for gain, _ in pairs]),
        marginal_means,
        s_aa,
        np.array([schur for _, schur in pairs]),
    )


def marginal_log_prob(X_given, weights, conditional, covariance_type):
    """``log w_k + log N(x | mu_a, S_aa)`` per row and component, (n, K)."""
    n_given = X_given.shape[1]
    diff = X_given[:, np.newaxis, :] - conditional.marginal_means[np.newaxis]
    covariances = conditional.marginal_covariances
    if covariance_type in ("full", "tied"):
        matrices = (
            covariances if covariance_type == "full" else [covariances] * len(weights)
        )
        log_prob = np.empty(diff.shape[:2])
        for k, matrix in enumerate(matrices):
            chol = linalg.cholesky(matrix, lower=True)
            solved = linalg.solve_triangular(chol, diff[:, k].T, lower=True)
            log_det = 2.0 * np.sum(np.log(np.diag(chol)))
            log_prob[:, k] = -0.5 * (np.sum(solved**2, axis=0) + log_det)
    else:
        variances = covariances
        if covariance_type == "spherical":
            variances = np.repeat(covariances[:, np.newaxis], n_given, axis=1)
        log_prob = -0.5 * (
            np.sum(diff**2 / variances[np.newaxis], axis=2)
            + np.sum(np.log(variances), axis=1)[np.newaxis]
        )
    with np.errstate(divide="ignore"):
        log_weights = np.log(weights)
    return log_prob - 0.5 * n_given * np.log(2.0 * np.pi) + log_weights


def conditional_weights(X_given, weights, conditional, covariance_type):
    """Posterior weights of the components given each row, (n, K)."""
    log_prob = marginal_log_prob(X_given, weights, conditional, covariance_type)
    return np.exp(log_prob - logsumexp(log_prob, axis=1, keepdims=True))


def conditional_means(X_given, means, other, conditional):
    """Each component's mean of the other columns given each row, (n, K, d_b)."""
    base = np.broadcast_to(means[:, other], (X_given.shape[0], *means[:, other].shape))
    if conditional.gain is None:
        return base.copy()
    diff = X_given[:, np.newaxis, :] - conditional.marginal_means[np.newaxis]
    shift = np.einsum("kba,nka->nkb", conditional.gain, diff)
    return base + shift


def conditional_variances(conditional, covariance_type, n_components, n_other):
    """Diagonal of each component's conditional covariance, (K, d_b)."""
    covariances = conditional.covariances
    if covariance_type == "full":
        return np.diagonal(covariances, axis1=1, axis2=2).copy()
    if covariance_type == "tied":
        return np.repeat(np.diag(covariances)[np.newaxis], n_components, axis=0)
    if covariance_type == "diag":
        return covariances
    return np.repeat(covariances[:, np.newaxis], n_other, axis=1)


def split_columns(model, columns):
    """Indices of ``columns`` (ints, or names of ``feature_names_in_``) and of
    the other columns, checked: distinct, known, neither side empty."""
    n_features = model.n_features_in_
    columns = np.atleast_1d(np.asarray(columns))
    if columns.size == 0:
        raise ValueError("columns is empty: name at least one column to condition on.")
    if columns.dtype.kind in "OUS":
        names = getattr(model, "feature_names_in_", None)
        if names is None:
            raise ValueError(
                "columns holds names, but the model was fitted without feature "
                "names; give column indices."
            )
        lookup = {name: i for i, name in enumerate(names)}
        unknown = [str(c) for c in columns if c not in lookup]
        if unknown:
            raise ValueError(f"Unknown column name(s): {', '.join(unknown)}.")
        given = np.array([lookup[c] for c in columns])
    elif columns.dtype.kind in "iu":
        given = columns.astype(np.intp)
        if np.any(given < 0) or np.any(given >= n_features):
            raise ValueError(
                f"Column indices must be in [0, {n_features - 1}], got {columns}."
            )
    else:
        raise TypeError(
            f"columns must be integer indices or feature names, got {columns.dtype}."
        )
    if len(np.unique(given)) != len(given):
        raise ValueError(f"columns holds a column twice: {columns.tolist()}.")
    if len(given) == n_features:
        raise ValueError("columns names every column: none would be left to model.")
    other = np.setdiff1d(np.arange(n_features), given)
    return given, other
