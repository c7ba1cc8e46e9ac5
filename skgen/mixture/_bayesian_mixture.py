"""Variational Bayesian Gaussian mixture on the Gaussian mixture's fused kernels.

The variational E-step is the Gaussian mixture's E-step with other
row-independent terms: each component's expected log-weight and expected
log-determinant replace ``log w_k`` and ``log det P_k`` (Bishop, 2006, eq.
10.64-10.66). So one pass of :mod:`skgen.mixture._kernels` gives the
responsibilities' sufficient statistics, and the entropy of the
responsibilities, which the lower bound needs, follows from the same sums
(:func:`_responsibility_log_sum`) without an (n_samples, n_components) array.
"""

import math
from numbers import Real
from typing import NamedTuple

import numpy as np
from scipy.special import betaln, digamma, gammaln
from sklearn.utils import check_array

from skgen.distributions._gaussian import (
    check_covariance_values,
    compute_precision_cholesky,
    log_det_cholesky,
    log_prob_with_offsets,
    precisions_from_cholesky,
)
from skgen.mixture._base import BaseMixture
from skgen.mixture._gaussian_mixture import (
    _COVARIANCE_TYPES,
    GaussianSampleMixin,
    _blend,
    _check_shape,
    _finish_e_step,
    _Statistics,
    _statistics_from_resp,
    e_step_sums_with_offsets,
    n_mixture_parameters,
)
from skgen.utils import _dask
from skgen.utils._mapreduce import map_reduce
from skgen.utils._sklearn_compat import Interval, StrOptions


class _VariationalStatistics(NamedTuple):
    """The Gaussian mixture's statistics per unit of weight, and the weight.

    ``total_weight`` is the number of rows (or the sum of their weights) the
    statistics stand for: the posterior counts are ``weights * total_weight``.
    """

    gaussian: _Statistics
    total_weight: float


class _Posterior(NamedTuple):
    """Parameters of the variational posterior, as scikit-learn names them."""

    weight_concentration: object  # (K,) or a pair of (K,) for the process
    mean_precision: np.ndarray
    means: np.ndarray
    degrees_of_freedom: object  # (K,), or a float for 'tied'
    covariances: np.ndarray
    precisions_cholesky: np.ndarray


# ---------------------------------------------------------------------------
# Priors.
# ---------------------------------------------------------------------------


def _column_moments(X, sample_weight):
    """``(total weight, mean, centred scatter)`` of a block's columns."""
    X = np.asarray(X, dtype=np.float64)
    weight = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    total = weight.sum()
    mean = weight @ X / total
    centred = X - mean
    return total, mean, (weight * centred.T) @ centred


def _merge_column_moments(parts):
    """Moments of the union of blocks, in list order (Chan et al., 1979)."""
    total, mean, scatter = parts[0]
    for other_total, other_mean, other_scatter in parts[1:]:
        merged = total + other_total
        delta = other_mean - mean
        scatter = (
            scatter
            + other_scatter
            + np.outer(delta, delta) * (total * other_total / merged)
        )
        mean = mean + delta * (other_total / merged)
        total = merged
    return total, mean, scatter


def _data_mean_and_covariance(X, sample_weight):
    """Column means and covariance (divisor ``n - 1``) of all rows.

    In memory and unweighted, as scikit-learn computes its default priors
    (``X.mean(axis=0)``, ``np.cov(X.T)``); row weights count as frequencies;
    a dask ``X`` is reduced block by block.
    """
    if sample_weight is None and not _dask.is_dask_collection(X):
        return X.mean(axis=0), np.atleast_2d(np.cov(X.T))
    total, mean, scatter = map_reduce(
        _column_moments, X, sample_weight, combine=_merge_column_moments
    )
    return mean, scatter / (total - 1.0)


def _default_covariance_prior(covariance, covariance_type):
    variances = np.diag(covariance).copy()
    return {
        "full": covariance,
        "tied": covariance,
        "diag": variances,
        "spherical": variances.mean(),
    }[covariance_type]


def _check_covariance_prior(prior, covariance_type, n_features):
    if covariance_type == "spherical":
        return float(prior)
    prior = check_array(
        prior,
        dtype=[np.float64, np.float32],
        ensure_2d=False,
        input_name="covariance_prior",
    ).astype(np.float64)
    if covariance_type == "diag":
        _check_shape(prior, (n_features,), "diag covariance_prior")
    else:
        _check_shape(
            prior, (n_features, n_features), f"{covariance_type} covariance_prior"
        )
    check_covariance_values(prior, covariance_type, "covariance_prior")
    return prior


# ---------------------------------------------------------------------------
# The variational M-step: posterior parameters from statistics.
# ---------------------------------------------------------------------------


def _weight_concentration(nk, prior, prior_type):
    if prior_type == "dirichlet_process":
        # Stick-breaking Beta parameters: the weight of the later components.
        later = np.hstack((np.cumsum(nk[::-1])[-2::-1], 0))
        return (1.0 + nk, prior + later)
    return prior + nk


def _wishart_posterior(nk, xk, sk, mean_precision, priors, covariance_type):
    """Degrees of freedom and normalised scale (``W^-1 / nu``) per component."""
    mean_precision_prior, mean_prior, dof_prior, covariance_prior = priors
    n_components = len(nk)
    diff = xk - mean_prior
    spread = nk * mean_precision_prior / mean_precision
    if covariance_type == "full":
        dof = dof_prior + nk
        covariances = (
            covariance_prior
            + nk[:, np.newaxis, np.newaxis] * sk
            + spread[:, np.newaxis, np.newaxis]
            * (diff[:, :, np.newaxis] * diff[:, np.newaxis, :])
        )
        return dof, covariances / dof[:, np.newaxis, np.newaxis]
    if covariance_type == "tied":
        dof = dof_prior + nk.sum() / n_components
        covariances = (
            covariance_prior
            + sk * nk.sum() / n_components
            + mean_precision_prior
            / n_components
            * np.dot((nk / mean_precision) * diff.T, diff)
        )
        return dof, covariances / dof
    dof = dof_prior + nk
    if covariance_type == "diag":
        covariances = covariance_prior + nk[:, np.newaxis] * (
            sk + (mean_precision_prior / mean_precision)[:, np.newaxis] * diff**2
        )
        return dof, covariances / dof[:, np.newaxis]
    covariances = covariance_prior + nk * (
        sk + mean_precision_prior / mean_precision * np.mean(diff**2, axis=1)
    )
    return dof, covariances / dof


def _posterior(stats, priors, weight_prior, prior_type, covariance_type, reg_covar):
    """The variational M-step (Bishop, 2006, eq. 10.58-10.63).

    ``priors`` is ``(mean_precision_prior, mean_prior, degrees_of_freedom_prior,
    covariance_prior)``; the counts are the statistics' weights times their
    total weight, and ``reg_covar`` is added to the data's covariances first,
    as in the Gaussian mixture's M-step.
    """
    gaussian, total_weight = stats
    nk = gaussian.weights * total_weight
    xk = gaussian.means
    sk = np.array(gaussian.scatter, dtype=np.float64)
    if covariance_type == "tied":
        sk /= gaussian.weights.sum()
    if covariance_type in ("full", "tied"):
        diagonal = np.arange(sk.shape[-1])
        sk[..., diagonal, diagonal] += reg_covar
    else:
        sk += reg_covar
    mean_precision_prior, mean_prior = priors[0], priors[1]
    mean_precision = mean_precision_prior + nk
    means = (mean_precision_prior * mean_prior + nk[:, np.newaxis] * xk) / (
        mean_precision[:, np.newaxis]
    )
    dof, covariances = _wishart_posterior(
        nk, xk, sk, mean_precision, priors, covariance_type
    )
    return _Posterior(
        _weight_concentration(nk, weight_prior, prior_type),
        mean_precision,
        means,
        dof,
        covariances,
        compute_precision_cholesky(covariances, covariance_type),
    )


# ---------------------------------------------------------------------------
# The variational E-step's terms and the lower bound.
# ---------------------------------------------------------------------------


def _expected_log_weights(concentration, prior_type):
    """``E[log w_k]`` under the Dirichlet or stick-breaking posterior."""
    if prior_type == "dirichlet_process":
        a, b = concentration
        digamma_sum = digamma(a + b)
        log_stick = digamma(b) - digamma_sum
        return digamma(a) - digamma_sum + np.hstack((0, np.cumsum(log_stick)[:-1]))
    return digamma(concentration) - digamma(np.sum(concentration))


def _offsets(posterior, prior_type, covariance_type, n_features):
    """Row-independent terms of ``E[log w_k + log N(x | mu_k, P_k)]``.

    The precisions are normalised (``precisions_cholesky_`` factors ``nu W``),
    hence the ``- d/2 log nu`` beside ``E[log det W]``.
    """
    dof = posterior.degrees_of_freedom
    log_lambda = n_features * math.log(2.0) + np.sum(
        digamma(0.5 * (dof - np.arange(n_features)[:, np.newaxis])), axis=0
    )
    log_det = log_det_cholesky(
        posterior.precisions_cholesky, covariance_type, n_features
    )
    return (
        _expected_log_weights(posterior.weight_concentration, prior_type)
        + log_det
        - 0.5 * n_features * math.log(2.0 * math.pi)
        - 0.5 * n_features * np.log(dof)
        + 0.5 * (log_lambda - n_features / posterior.mean_precision)
    )


def _mahalanobis_sum(sums, means, shift, precisions_chol, covariance_type):
    """``sum_ik r_ik (x_i - m_k)^T P_k (x_i - m_k)`` from one E-step's sums.

    The sums are centred on the E-step's means ``m_k`` ('tied': the scatter
    of all rows around ``shift``, re-centred here on each component).
    """
    moments = sums.second_moments
    if covariance_type == "full":
        return float(np.sum(np.matmul(moments, precisions_chol) * precisions_chol))
    if covariance_type == "tied":
        offset = means - shift
        cross = offset.T @ sums.first_moments
        scatter = moments - cross - cross.T - (sums.resp * offset.T) @ offset
        return float(np.sum((scatter @ precisions_chol) * precisions_chol))
    precisions = precisions_chol**2
    if covariance_type == "spherical":
        return float(precisions @ moments.sum(axis=1))
    return float(np.sum(precisions * moments))


def _responsibility_log_sum(sums, offsets, means, shift, precisions_chol, cov_type):
    """``sum_ik r_ik log r_ik`` from the E-step's sums.

    ``log r_ik = offsets_k - maha_ik / 2 - log p(x_i)`` and the responsibilities
    of a row sum to one, so the sum is ``sum_k N_k offsets_k - sum_ik r_ik
    maha_ik / 2 - sum_i log p(x_i)``.
    """
    maha = _mahalanobis_sum(sums, means, shift, precisions_chol, cov_type)
    return float(sums.resp @ offsets) - 0.5 * maha - sums.log_likelihood


def _log_wishart_norm(dof, log_det_precisions_chol, n_features):
    """Log normaliser of the Wishart, without its ``log pi`` term."""
    return -(
        dof * log_det_precisions_chol
        + dof * n_features * 0.5 * math.log(2.0)
        + np.sum(gammaln(0.5 * (dof - np.arange(n_features)[:, np.newaxis])), 0)
    )


def _lower_bound(resp_log_sum, posterior, prior_type, covariance_type, n_features):
    """The evidence lower bound, up to constants, as scikit-learn reports it."""
    dof = posterior.degrees_of_freedom
    log_det = log_det_cholesky(
        posterior.precisions_cholesky, covariance_type, n_features
    ) - 0.5 * n_features * np.log(dof)
    log_wishart = np.sum(_log_wishart_norm(dof, log_det, n_features))
    if covariance_type == "tied":
        log_wishart *= len(posterior.mean_precision)
    concentration = posterior.weight_concentration
    if prior_type == "dirichlet_process":
        log_norm_weight = -np.sum(betaln(concentration[0], concentration[1]))
    else:
        log_norm_weight = gammaln(np.sum(concentration)) - np.sum(
            gammaln(concentration)
        )
    return float(
        -resp_log_sum
        - log_wishart
        - log_norm_weight
        - 0.5 * n_features * np.sum(np.log(posterior.mean_precision))
    )


def _mixing_weights(concentration, prior_type):
    """Posterior mean weights, normalised."""
    if prior_type == "dirichlet_process":
        a, b = concentration
        stick = b / (a + b)
        weights = a / (a + b) * np.hstack((1, np.cumprod(stick[:-1])))
        return weights / np.sum(weights)
    return concentration / np.sum(concentration)


class BayesianGaussianMixture(GaussianSampleMixin, BaseMixture):
    """Variational Bayesian Gaussian mixture, on fused Numba kernels.

    A drop-in for :class:`sklearn.mixture.BayesianGaussianMixture`: the same
    parameters, fitted attributes and numbers (to rounding), with the
    variational E-step and the M-step's sufficient statistics computed in one
    parallel pass over the data, as :class:`GaussianMixture` does. The
    weights have a Dirichlet-process (stick-breaking) or Dirichlet prior, so
    components the data do not need get weights close to zero: the effective
    number of components is inferred. Adds ``partial_fit`` (stochastic
    variational inference), ``sample_weight``, fits of dask arrays and a
    ``sample`` whose successive calls differ.

    Read more in the :ref:`User Guide <bayesian_mixture>`.

    Parameters
    ----------
    n_components : int, default=1
        Largest number of components; the fit may leave some nearly empty.

    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
        Form of the covariance, as in :class:`GaussianMixture`.

    tol : float, default=1e-3
        Convergence threshold: the fit stops when the lower bound (a sum over
        rows, not a mean) changes by less than ``tol``.

    reg_covar : float, default=1e-6
        Non-negative regularisation added to the diagonal of the data's
        covariance in each M-step.

    max_iter : int, default=100
        Number of iterations per initialisation.

    n_init : int, default=1
        Number of initialisations; the one of largest lower bound is kept.

    init_params : {'kmeans', 'k-means++', 'random', 'random_from_data'}, \
            default='kmeans'
        How the initial responsibilities are made, as in
        :class:`GaussianMixture`.

    weight_concentration_prior_type : {'dirichlet_process', \
            'dirichlet_distribution'}, default='dirichlet_process'
        Prior of the weights: a Dirichlet process (stick-breaking, truncated
        at ``n_components``) or a Dirichlet distribution.

    weight_concentration_prior : float, default=None
        Concentration of the weights' prior (``gamma`` of the process, or
        ``alpha`` of the Dirichlet); smaller values put the mass on fewer
        components. None means ``1 / n_components``.

    mean_precision_prior : float, default=None
        Precision of the means' prior (``beta_0``); None means 1.

    mean_prior : array-like of shape (n_features,), default=None
        Mean of the means' prior; None means the data's mean.

    degrees_of_freedom_prior : float, default=None
        Degrees of freedom of the precisions' Wishart prior, larger than
        ``n_features - 1``; None means ``n_features``.

    covariance_prior : float or array-like, default=None
        Scale of the precisions' prior, shaped by ``covariance_type``:
        (n_features, n_features) 'full' and 'tied', (n_features,) 'diag',
        a float 'spherical'. None means the data's covariance (its diagonal,
        or the diagonal's mean).

    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation and the stream ``sample`` draws from.

    warm_start : bool, default=False
        If True, each ``fit`` starts from the previous solution.

    verbose : int, default=0
        1 prints each initialisation and iteration; 2 adds timings and the
        change of the lower bound.

    verbose_interval : int, default=10
        Iterations between two printed lines.

    learning_decay : float, default=0.7
        Exponent of the step size of ``partial_fit``, in (0.5, 1].

    learning_offset : float, default=1.0
        Offset of the step size of ``partial_fit``.

    Attributes
    ----------
    weights_ : ndarray of shape (n_components,)
        Posterior mean weights.

    means_ : ndarray of shape (n_components, n_features)
        Posterior mean of the component means.

    covariances_ : ndarray
        ``W_k^-1 / nu_k``: the inverse of the posterior mean precision, shaped
        as in :class:`GaussianMixture`.

    precisions_ : ndarray
        Posterior mean precisions ``nu_k W_k``.

    precisions_cholesky_ : ndarray
        Cholesky factors of ``precisions_``.

    weight_concentration_prior_ : float
        The weights' prior concentration used.

    weight_concentration_ : ndarray of shape (n_components,) or tuple
        Posterior Dirichlet parameters, or the pair of Beta parameters of the
        stick-breaking process.

    mean_precision_prior_ : float
        The means' prior precision used.

    mean_precision_ : ndarray of shape (n_components,)
        Posterior precision scale ``beta_k`` of each mean.

    mean_prior_ : ndarray of shape (n_features,)
        The means' prior mean used.

    degrees_of_freedom_prior_ : float
        The Wishart prior's degrees of freedom used.

    degrees_of_freedom_ : ndarray of shape (n_components,) or float
        Posterior degrees of freedom ``nu_k`` (one for 'tied').

    covariance_prior_ : float or ndarray
        The Wishart prior's scale used.

    converged_ : bool
        Whether the best initialisation converged.

    n_iter_ : int
        Iterations of the best initialisation (or ``partial_fit`` calls).

    lower_bound_ : float
        The evidence lower bound (up to constants) of the best initialisation
        after its last iteration; a sum over rows.

    lower_bounds_ : list of float
        The lower bound after each iteration of the best initialisation.

    monitor_ : :class:`~skgen.utils.ConvergenceMonitor`
        The best initialisation's convergence (``history``, ``iter``,
        ``converged``).

    n_steps_ : int
        Updates of the running statistics: 1 for ``fit``, then 1 per
        ``partial_fit`` call.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features, when ``X`` had string column names.

    See Also
    --------
    GaussianMixture : Maximum-likelihood mixture of Gaussians.
    sklearn.mixture.BayesianGaussianMixture : The reference implementation.

    Notes
    -----
    ``score_samples``, ``predict`` and ``predict_proba`` use the variational
    expectations of the log-weights and log-densities, as scikit-learn's do:
    ``score_samples`` is ``log sum_k exp E[log w_k + log N(x | k)]``, a lower
    bound of the posterior predictive log-density, not a normalised
    log-density. ``sample`` draws from the mixture of the posterior means
    (``weights_``, ``means_``, ``covariances_``).

    References
    ----------
    .. [1] C. M. Bishop, "Pattern Recognition and Machine Learning", chapter
       10.2, Springer, 2006.
    .. [2] D. M. Blei and M. I. Jordan, "Variational inference for Dirichlet
       process mixtures", Bayesian Analysis 1(1), 2006.
    .. [3] M. D. Hoffman, D. M. Blei, C. Wang and J. Paisley, "Stochastic
       variational inference", JMLR 14, 2013.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.mixture import BayesianGaussianMixture
    >>> X = np.array([[1, 2], [1, 4], [1, 0], [4, 2], [12, 4], [10, 7]])
    >>> bgm = BayesianGaussianMixture(n_components=2, random_state=42).fit(X)
    >>> bgm.means_.round(2)
    array([[2.5 , 2.29],
           [8.46, 4.52]])
    >>> bgm.predict([[0, 0], [9, 3]])
    array([0, 1])
    """

    _parameter_constraints: dict = {
        **BaseMixture._parameter_constraints,
        "covariance_type": [StrOptions(set(_COVARIANCE_TYPES))],
        "weight_concentration_prior_type": [
            StrOptions({"dirichlet_process", "dirichlet_distribution"})
        ],
        "weight_concentration_prior": [
            None,
            Interval(Real, 0.0, None, closed="neither"),
        ],
        "mean_precision_prior": [None, Interval(Real, 0.0, None, closed="neither")],
        "mean_prior": [None, "array-like"],
        "degrees_of_freedom_prior": [
            None,
            Interval(Real, 0.0, None, closed="neither"),
        ],
        "covariance_prior": [
            None,
            "array-like",
            Interval(Real, 0.0, None, closed="neither"),
        ],
    }

    _expected_failed_checks = {
        "check_sample_weight_equivalence_on_dense_data": (
            "as for GaussianMixture: the initialisation draws rows at random, "
            "so weighted and repeated data start from other rows. From the "
            "same start, weighted and repeated fits agree (tests/mixture)."
        ),
    }

    def __init__(
        self,
        n_components=1,
        *,
        covariance_type="full",
        tol=1e-3,
        reg_covar=1e-6,
        max_iter=100,
        n_init=1,
        init_params="kmeans",
        weight_concentration_prior_type="dirichlet_process",
        weight_concentration_prior=None,
        mean_precision_prior=None,
        mean_prior=None,
        degrees_of_freedom_prior=None,
        covariance_prior=None,
        random_state=None,
        warm_start=False,
        verbose=0,
        verbose_interval=10,
        learning_decay=0.7,
        learning_offset=1.0,
    ):
        super().__init__(
            n_components=n_components,
            tol=tol,
            reg_covar=reg_covar,
            max_iter=max_iter,
            n_init=n_init,
            init_params=init_params,
            random_state=random_state,
            warm_start=warm_start,
            verbose=verbose,
            verbose_interval=verbose_interval,
            learning_decay=learning_decay,
            learning_offset=learning_offset,
        )
        self.covariance_type = covariance_type
        self.weight_concentration_prior_type = weight_concentration_prior_type
        self.weight_concentration_prior = weight_concentration_prior
        self.mean_precision_prior = mean_precision_prior
        self.mean_prior = mean_prior
        self.degrees_of_freedom_prior = degrees_of_freedom_prior
        self.covariance_prior = covariance_prior

    def _validate_training_data(self, X, sample_weight, reset):
        """As the base's, but the weights keep their sum: a row of weight 2
        counts as two rows against the prior (only the ratios matter to a
        maximum-likelihood fit, not to a posterior)."""
        X, normalized = super()._validate_training_data(X, sample_weight, reset)
        if normalized is not None:
            total = float(np.sum(np.asarray(sample_weight, dtype=np.float64)))
            normalized = normalized * (total / float(np.sum(normalized)))
        return X, normalized

    # -- priors ----------------------------------------------------------------

    def _check_parameters(self, X, sample_weight=None):
        n_features = X.shape[1]
        self.weight_concentration_prior_ = (
            1.0 / self.n_components
            if self.weight_concentration_prior is None
            else self.weight_concentration_prior
        )
        self.mean_precision_prior_ = (
            1.0 if self.mean_precision_prior is None else self.mean_precision_prior
        )
        if self.degrees_of_freedom_prior is None:
            self.degrees_of_freedom_prior_ = n_features
        elif self.degrees_of_freedom_prior > n_features - 1.0:
            self.degrees_of_freedom_prior_ = self.degrees_of_freedom_prior
        else:
            raise ValueError(
                "The parameter 'degrees_of_freedom_prior' should be greater than "
                f"{n_features - 1}, but got {self.degrees_of_freedom_prior:.3f}."
            )
        if self.mean_prior is not None:
            self.mean_prior_ = check_array(
                self.mean_prior,
                dtype=[np.float64, np.float32],
                ensure_2d=False,
                input_name="mean_prior",
            )
            _check_shape(self.mean_prior_, (n_features,), "means")
        if self.covariance_prior is not None:
            self.covariance_prior_ = _check_covariance_prior(
                self.covariance_prior, self.covariance_type, n_features
            )
        if self.mean_prior is None or self.covariance_prior is None:
            mean, covariance = _data_mean_and_covariance(X, sample_weight)
            if self.mean_prior is None:
                self.mean_prior_ = mean
            if self.covariance_prior is None:
                self.covariance_prior_ = _default_covariance_prior(
                    covariance, self.covariance_type
                )

    def _priors(self):
        return (
            self.mean_precision_prior_,
            self.mean_prior_,
            self.degrees_of_freedom_prior_,
            self.covariance_prior_,
        )

    # -- EM hooks --------------------------------------------------------------

    def _initialize(self, X, resp, sample_weight=None):
        total_weight = X.shape[0] if sample_weight is None else sample_weight.sum()
        stats = _statistics_from_resp(X, resp, self.covariance_type, sample_weight)
        self._m_step(_VariationalStatistics(stats, total_weight))

    def _posterior_now(self):
        return _Posterior(*self._get_parameters())

    def _shift_weights(self):
        """Weights that centre the 'tied' scatter (any fixed choice is exact)."""
        return np.full(self.n_components, 1.0 / self.n_components)

    def _e_step_block(self):
        offsets = _offsets(
            self._posterior_now(),
            self.weight_concentration_prior_type,
            self.covariance_type,
            self.means_.shape[1],
        )
        return e_step_sums_with_offsets, (
            offsets,
            self._shift_weights(),
            self.means_,
            self.precisions_cholesky_,
            self.covariance_type,
        )

    def _finish_e_step(self, sums):
        offsets, shift_weights, means, precisions_chol, covariance_type = (
            self._e_step_block()[1]
        )
        _, gaussian = _finish_e_step(sums, shift_weights, means, covariance_type)
        resp_log_sum = _responsibility_log_sum(
            sums,
            offsets,
            means,
            shift_weights @ means,
            precisions_chol,
            covariance_type,
        )
        # The entropy term is per unit of weight, as the statistics are.
        stats = _VariationalStatistics(gaussian, sums.total_weight)
        return resp_log_sum / sums.total_weight, stats

    def _bound_after_m_step(self, resp_log_mean, stats):
        return _lower_bound(
            resp_log_mean * stats.total_weight,
            self._posterior_now(),
            self.weight_concentration_prior_type,
            self.covariance_type,
            self.means_.shape[1],
        )

    def _blend_statistics(self, old, new, step):
        """Stochastic variational inference: the statistics are blended as the
        Gaussian mixture's, and stand for every row seen so far."""
        return _VariationalStatistics(
            _blend(old.gaussian, new.gaussian, step, self.covariance_type),
            old.total_weight + new.total_weight,
        )

    def _m_step(self, stats):
        posterior = _posterior(
            stats,
            self._priors(),
            self.weight_concentration_prior_,
            self.weight_concentration_prior_type,
            self.covariance_type,
            self.reg_covar,
        )
        (
            self.weight_concentration_,
            self.mean_precision_,
            self.means_,
            self.degrees_of_freedom_,
            self.covariances_,
            self.precisions_cholesky_,
        ) = posterior

    def _estimate_weighted_log_prob(self, X):
        offsets = _offsets(
            self._posterior_now(),
            self.weight_concentration_prior_type,
            self.covariance_type,
            X.shape[1],
        )
        return log_prob_with_offsets(
            X, offsets, self.means_, self.precisions_cholesky_, self.covariance_type
        )

    def _get_parameters(self):
        return (
            self.weight_concentration_,
            self.mean_precision_,
            self.means_,
            self.degrees_of_freedom_,
            self.covariances_,
            self.precisions_cholesky_,
        )

    def _set_parameters(self, params):
        (
            self.weight_concentration_,
            self.mean_precision_,
            self.means_,
            self.degrees_of_freedom_,
            self.covariances_,
            self.precisions_cholesky_,
        ) = params
        self.weights_ = _mixing_weights(
            self.weight_concentration_, self.weight_concentration_prior_type
        )
        self.precisions_ = precisions_from_cholesky(
            self.precisions_cholesky_, self.covariance_type
        )

    def _n_parameters(self):
        """Free parameters of the posterior-mean mixture (as a
        :class:`GaussianMixture` of the same shape counts them)."""
        return n_mixture_parameters(
            self.n_components, self.means_.shape[1], self.covariance_type
        )
