"""MixedTypeMixture conditioned on the values of some of its columns.

Given a component, the Gaussian block and every other column are
independent, so conditioning on values multiplies each component's weight by
the given values' probability under it (a categorical, Bernoulli or Poisson
probability, or the Gaussian block's marginal density) and conditions the
Gaussian block on its given columns (:mod:`skgen.mixture._conditioning`).
The result is again a :class:`MixedTypeMixture`, over the other columns.

A given Gaussian column may also be known to lie in an interval only (a
table's integer or repeated value is an interval of normal scores):
:func:`sample_given_interval` draws such rows exactly, without rejection.
"""

import numpy as np
from scipy.special import log_ndtr, logsumexp
from scipy.stats import truncnorm
from sklearn.base import clone

from skgen.distributions import _bernoulli, _categorical, _poisson
from skgen.distributions._gaussian import (
    compute_precision_cholesky,
    precisions_from_cholesky,
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


def sample_given_interval(model, n_samples, column, low, high, rng):
    """Rows of ``model`` drawn given that its Gaussian ``column`` lies in
    ``[low, high]``: exactly, without rejection.

    A component is drawn with probability proportional to its weight times
    the interval's probability under its marginal, the column's value from
    that truncated normal, then the other Gaussian columns from their
    conditional given that value and every other column from the component.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    labels : ndarray of shape (n_samples,)
    """
    blocks = model._blocks()
    local = int(np.flatnonzero(blocks.gaussian == column)[0])
    others = np.flatnonzero(np.arange(blocks.gaussian.size) != local)
    conditional = conditional_gaussians(
        model.means_, model.covariances_, model.covariance_type, [local], others
    )
    mean = conditional.marginal_means[:, 0]
    variance = conditional_variances(
        conditional._replace(covariances=conditional.marginal_covariances),
        model.covariance_type,
        model.n_components,
        1,
    )[:, 0]
    scale = np.sqrt(variance)
    a, b = (low - mean) / scale, (high - mean) / scale
    # log P(a < z < b), stable in either tail: by the side away from the mean.
    upper = np.where(a > 0, -b, a)
    lower = np.where(a > 0, -a, b)
    log_mass = log_ndtr(lower) + np.log1p(-np.exp(log_ndtr(upper) - log_ndtr(lower)))
    with np.errstate(divide="ignore"):
        log_weights = np.log(model.weights_) + log_mass
    if not np.isfinite(log_weights).any():
        raise ValueError(
            "The given value has probability 0 under every component of the model."
        )
    weights = np.exp(log_weights - logsumexp(log_weights))
    counts = rng.multinomial(n_samples, weights)
    labels = np.repeat(np.arange(model.n_components), counts)
    X = np.empty((n_samples, model.n_features_in_))
    given_scores = truncnorm.rvs(
        a[labels], b[labels], loc=mean[labels], scale=scale[labels], random_state=rng
    )
    X[:, column] = given_scores
    if others.size:
        shifted = conditional_means(
            given_scores[:, np.newaxis], model.means_, others, conditional
        )[np.arange(n_samples), labels]
        covariances = conditional.covariances
        if model.covariance_type == "full":
            roots = np.linalg.cholesky(covariances)[labels]
            noise = rng.standard_normal((n_samples, others.size))
            X[:, blocks.gaussian[others]] = shifted + np.einsum(
                "nij,nj->ni", roots, noise
            )
        else:
            spread = conditional_variances(
                conditional, model.covariance_type, model.n_components, others.size
            )
            noise = rng.standard_normal((n_samples, others.size))
            X[:, blocks.gaussian[others]] = shifted + noise * np.sqrt(spread[labels])
    if blocks.categorical.size:
        X[:, blocks.categorical] = _categorical.sample(
            model.categorical_probs_[labels], rng
        )
    if blocks.bernoulli.size:
        X[:, blocks.bernoulli] = _bernoulli.sample(model.bernoulli_probs_[labels], rng)
    if blocks.poisson.size:
        X[:, blocks.poisson] = _poisson.sample(model.poisson_rates_[labels], rng)
    return X, labels
