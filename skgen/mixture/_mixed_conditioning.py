"""MixedTypeMixture conditioned on the values of some of its columns.

Given a component, the Gaussian block and every other column are
independent, so conditioning on values multiplies each component's weight by
the given values' probability under it (a categorical, Bernoulli or Poisson
probability, or the Gaussian block's marginal density) and conditions the
Gaussian block on its given columns (:mod:`skgen.mixture._conditioning`).
The result is again a :class:`MixedTypeMixture`, over the other columns.

Given Gaussian columns may also be known to lie in intervals only (a
table's integer or repeated value is an interval of normal scores):
:func:`sample_given_box` draws such rows exactly, without rejection.
"""

import numpy as np
from scipy.special import logsumexp
from sklearn.base import clone

from skgen.distributions import _bernoulli, _categorical, _poisson
from skgen.distributions._gaussian import (
    compute_precision_cholesky,
    precisions_from_cholesky,
)
from skgen.distributions._truncated_gaussian import (
    box_probability,
    log_interval_mass,
    sample_box,
)
from skgen.mixture._conditioning import (
    conditional_gaussians,
    conditional_means,
    conditional_variances,
    marginal_log_prob,
)


def _given_log_prob(model, values, given):
    """``log w_k + log p(values | k)`` of one row of given values, (K,)."""
    blocks = model._blocks()
    row = np.full(model.n_features_in_, np.nan)
    row[given] = values
    is_given = np.zeros(model.n_features_in_, dtype=bool)
    is_given[given] = True
    with np.errstate(divide="ignore"):
        log_prob = np.log(model.weights_)
    for kind, module, attribute in (
        ("categorical", _categorical, "categorical_probs_"),
        ("bernoulli", _bernoulli, "bernoulli_probs_"),
        ("poisson", _poisson, "poisson_rates_"),
    ):
        columns = getattr(blocks, kind)
        chosen = is_given[columns]
        if not chosen.any():
            continue
        parameters = getattr(model, attribute)[:, chosen]
        value = row[columns[chosen]][np.newaxis]
        if kind == "categorical":
            value = value.astype(np.intp)
        log_prob += module.log_likelihood(value, parameters)[0]
    return log_prob


def condition_mixed(model, values, given):
    """The :class:`MixedTypeMixture` of the columns not in ``given``, given
    ``values`` of the columns ``given`` (positions, checked by the caller)."""
    blocks = model._blocks()
    is_given = np.zeros(model.n_features_in_, dtype=bool)
    is_given[given] = True
    log_weights = _given_log_prob(model, values, given)
    result = clone(model).set_params(
        column_types=[str(t) for t in model.column_types_[~is_given]]
    )
    gaussian_given = is_given[blocks.gaussian]
    if gaussian_given.any():
        row = np.full(model.n_features_in_, np.nan)
        row[given] = values
        local_given = np.flatnonzero(gaussian_given)
        local_other = np.flatnonzero(~gaussian_given)
        conditional = conditional_gaussians(
            model.means_,
            model.covariances_,
            model.covariance_type,
            local_given,
            local_other,
        )
        x_given = row[blocks.gaussian[local_given]][np.newaxis]
        log_weights += marginal_log_prob(
            x_given, np.ones(model.n_components), conditional, model.covariance_type
        )[0]
        if local_other.size:
            result.means_ = conditional_means(
                x_given, model.means_, local_other, conditional
            )[0]
            result.covariances_ = conditional.covariances
    elif blocks.gaussian.size:
        result.means_, result.covariances_ = model.means_, model.covariances_
    if hasattr(result, "means_"):
        result.precisions_cholesky_ = compute_precision_cholesky(
            result.covariances_, model.covariance_type
        )
        result.precisions_ = precisions_from_cholesky(
            result.precisions_cholesky_, model.covariance_type
        )
    result.weights_ = np.exp(log_weights - logsumexp(log_weights))
    for kind, attribute in (
        ("categorical", "categorical_probs_"),
        ("bernoulli", "bernoulli_probs_"),
        ("poisson", "poisson_rates_"),
    ):
        kept = ~is_given[getattr(blocks, kind)]
        if kept.any():
            setattr(result, attribute, getattr(model, attribute)[:, kept])
    result.column_types_ = model.column_types_[~is_given]
    result.n_categories_ = model.n_categories_[~is_given[blocks.categorical]]
    blocks_left = result._blocks()
    for kind, columns in zip(blocks_left._fields, blocks_left):
        setattr(result, f"{kind}_columns_", columns)
    result.n_features_in_ = int((~is_given).sum())
    if hasattr(model, "feature_names_in_"):
        result.feature_names_in_ = model.feature_names_in_[~is_given]
    for name in ("converged_", "n_iter_", "lower_bound_", "lower_bounds_"):
        if hasattr(model, name):
            setattr(result, name, getattr(model, name))
    result._start_sample_stream()
    return result


def _full_covariances(covariances, covariance_type, n_components, n_columns):
    """Covariances in any of the four shapes as (K, r, r) matrices."""
    if covariance_type == "full":
        return covariances
    if covariance_type == "tied":
        return np.repeat(covariances[np.newaxis], n_components, axis=0)
    if covariance_type == "spherical":
        covariances = np.repeat(covariances[:, np.newaxis], n_columns, axis=1)
    return covariances[:, :, np.newaxis] * np.eye(n_columns)


def sample_given_box(model, n_samples, columns, low, high, rng):
    """Rows of ``model`` drawn given that its Gaussian ``columns`` lie in
    ``[low, high]`` (one interval each): exactly, without rejection.

    A component is drawn with probability proportional to its weight times
    the box's probability under its marginal, the columns' values from that
    normal restricted to the box
    (:func:`~skgen.distributions._truncated_gaussian.sample_box`), then the
    other Gaussian columns from their conditional given those values and
    every other column from the component.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    labels : ndarray of shape (n_samples,)
    """
    blocks = model._blocks()
    local = np.array([int(np.flatnonzero(blocks.gaussian == c)[0]) for c in columns])
    others = np.setdiff1d(np.arange(blocks.gaussian.size), local)
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    conditional = conditional_gaussians(
        model.means_, model.covariances_, model.covariance_type, local, others
    )
    means = conditional.marginal_means
    covariances = _full_covariances(
        conditional.marginal_covariances,
        model.covariance_type,
        model.n_components,
        local.size,
    )
    if local.size == 1:  # in logs: a far tail keeps its digits
        scale = np.sqrt(covariances[:, 0, 0])
        log_mass = log_interval_mass(
            (low[0] - means[:, 0]) / scale, (high[0] - means[:, 0]) / scale
        )
    else:
        with np.errstate(divide="ignore"):
            log_mass = np.log(
                [box_probability(m, c, low, high) for m, c in zip(means, covariances)]
            )
    with np.errstate(divide="ignore"):
        log_weights = np.log(model.weights_) + log_mass
    if not np.isfinite(log_weights).any():
        raise ValueError(
            "The given values have probability 0 under every component of the model."
        )
    weights = np.exp(log_weights - logsumexp(log_weights))
    counts = rng.multinomial(n_samples, weights)
    labels = np.repeat(np.arange(model.n_components), counts)
    given_scores = np.concatenate(
        [
            sample_box(means[k], covariances[k], low, high, count, rng)
            for k, count in enumerate(counts)
            if count
        ]
    )
    X = np.empty((n_samples, model.n_features_in_))
    X[:, blocks.gaussian[local]] = given_scores
    if others.size:
        X[:, blocks.gaussian[others]] = _sample_others_given(
            model, conditional, given_scores, labels, others, rng
        )
    if blocks.categorical.size:
        X[:, blocks.categorical] = _categorical.sample(
            model.categorical_probs_[labels], rng
        )
    if blocks.bernoulli.size:
        X[:, blocks.bernoulli] = _bernoulli.sample(model.bernoulli_probs_[labels], rng)
    if blocks.poisson.size:
        X[:, blocks.poisson] = _poisson.sample(model.poisson_rates_[labels], rng)
    return X, labels


def _sample_others_given(model, conditional, given_scores, labels, others, rng):
    """The other Gaussian columns of each row, from its component's
    conditional given the row's ``given_scores``."""
    n_samples = len(labels)
    shifted = conditional_means(given_scores, model.means_, others, conditional)[
        np.arange(n_samples), labels
    ]
    noise = rng.standard_normal((n_samples, others.size))
    if model.covariance_type == "full":
        roots = np.linalg.cholesky(conditional.covariances)[labels]
        return shifted + np.einsum("nij,nj->ni", roots, noise)
    spread = conditional_variances(
        conditional, model.covariance_type, model.n_components, others.size
    )
    return shifted + noise * np.sqrt(spread[labels])
