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

from skgen.distributions._gaussian import (
    compute_precision_cholesky,
    estimate_weighted_log_prob,
)


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
    marginal_precisions_cholesky: np.ndarray


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
    if covariance_type == "diag":
        gain, marginal, conditional = (
            None,
            covariances[:, given],
            covariances[:, other],
        )
    elif covariance_type == "spherical":
        gain, marginal, conditional = None, covariances, covariances
    else:
        s_aa, s_ba, s_bb = _full_blocks(covariances, given, other)
        if covariance_type == "tied":
            gain, conditional = _gain_and_schur(s_aa, s_ba, s_bb)
            gain = np.repeat(gain[np.newaxis], len(means), axis=0)
        else:
            pairs = [_gain_and_schur(*blocks) for blocks in zip(s_aa, s_ba, s_bb)]
            gain = np.array([g for g, _ in pairs])
            conditional = np.array([schur for _, schur in pairs])
        marginal = s_aa
    return ConditionalGaussians(
        gain,
        marginal_means,
        marginal,
        conditional,
        compute_precision_cholesky(marginal, covariance_type),
    )


def marginal_log_prob(X_given, weights, conditional, covariance_type):
    """``log w_k + log N(x | mu_a, S_aa)`` per row and component, (n, K), by
    the Gaussian mixture's parallel kernels on the marginal parameters."""
    return estimate_weighted_log_prob(
        np.ascontiguousarray(X_given),
        weights,
        conditional.marginal_means,
        conditional.marginal_precisions_cholesky,
        covariance_type,
    )


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
    # shift[n, k] = gain[k] @ diff[n, k], as one batched product over k.
    shift = np.matmul(
        diff.transpose(1, 0, 2), conditional.gain.transpose(0, 2, 1)
    ).transpose(1, 0, 2)
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
