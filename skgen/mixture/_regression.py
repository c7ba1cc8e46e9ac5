"""Gaussian mixture regression: a joint mixture of [X, y], conditioned on X."""

from numbers import Integral, Real

import numpy as np
from scipy.special import logsumexp
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils import check_random_state

from skgen.base import GenerativeMixin
from skgen.mixture._conditioning import (
    conditional_gaussians,
    conditional_means,
    conditional_variances,
    conditional_weights,
    marginal_log_prob,
)
from skgen.mixture._gaussian_mixture import (
    _COVARIANCE_TYPES,
    GaussianMixture,
    n_mixture_parameters,
)
from skgen.utils._sklearn_compat import (
    Interval,
    StrOptions,
    _fit_context,
    check_is_fitted,
    validate_data,
)


class GaussianMixtureRegressor(GenerativeMixin, RegressorMixin, BaseEstimator):
    """Gaussian mixture regression: E[y | x] under a joint mixture of [X, y].

    ``fit`` fits a :class:`GaussianMixture` to the rows ``[x, y]``;
    ``predict`` returns the mean of ``y`` given ``x`` under it, a mixture of
    linear regressions weighted by how likely ``x`` is under each component
    (Ghahramani & Jordan, 1994; Calinon, 2016). Being a model of the joint
    distribution, it also gives the predictive spread (``return_std``), draws
    of ``y`` given ``x`` (``sample_y``), the density of the inputs
    (``score_samples``) and new ``(X, y)`` rows (``sample``).

    Read more in the :ref:`User Guide <conditioning>`.

    Parameters
    ----------
    n_components : int, default=1
        Number of components of the joint mixture (1: linear regression with
        Gaussian noise).

    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
        Covariance of the joint components. Only 'full' and 'tied' link ``y``
        to ``x`` within a component; with 'diag' or 'spherical' the
        prediction is a weighted average of the components' means of ``y``.

    tol, reg_covar, max_iter, n_init, init_params, random_state
        As in :class:`GaussianMixture`, for the joint fit.

    Attributes
    ----------
    mixture_ : GaussianMixture
        The joint mixture of ``[X, y]`` (targets in the last columns).

    n_features_in_ : int
        Number of input features.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the input features, when ``X`` had string column names.

    n_targets_ : int
        Number of targets.

    converged_, n_iter_, lower_bound_, monitor_
        Those of ``mixture_``.

    See Also
    --------
    GaussianMixture.condition : The conditional mixture given any columns.

    References
    ----------
    .. [1] Z. Ghahramani and M. I. Jordan, "Supervised learning from
       incomplete data via an EM approach", NIPS 6, 1994.
    .. [2] S. Calinon, "A tutorial on task-parameterized movement learning
       and retrieval", Intelligent Service Robotics 9(1), 2016.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.mixture import GaussianMixtureRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-3, 3, size=(500, 1))
    >>> y = np.sin(X[:, 0]) + 0.1 * rng.randn(500)
    >>> gmr = GaussianMixtureRegressor(n_components=6, random_state=0).fit(X, y)
    >>> mean, std = gmr.predict([[1.5]], return_std=True)
    >>> bool(abs(mean[0] - np.sin(1.5)) < 0.1), bool(std[0] < 0.3)
    (True, True)
    """

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "covariance_type": [StrOptions(set(_COVARIANCE_TYPES))],
        "tol": [Interval(Real, 0.0, None, closed="left")],
        "reg_covar": [Interval(Real, 0.0, None, closed="left")],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "n_init": [Interval(Integral, 1, None, closed="left")],
        "init_params": [
            StrOptions({"kmeans", "random", "random_from_data", "k-means++"})
        ],
        "random_state": ["random_state"],
    }

    _expected_failed_checks = {
        "check_sample_weight_equivalence_on_dense_data": (
            "the joint GaussianMixture's: the initialisation draws rows at "
            "random, so weighted and repeated data start EM from other rows "
            "(see GaussianMixture._expected_failed_checks)."
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
        random_state=None,
    ):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the joint mixture of ``[X, y]``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights, as in :meth:`GaussianMixture.fit`.

        Returns
        -------
        self : object
            The fitted regressor.
        """
        X, y = validate_data(
            self,
            X,
            y,
            dtype=[np.float64, np.float32],
            multi_output=True,
            y_numeric=True,
            ensure_min_samples=2,
        )
        self._y_is_1d = y.ndim == 1
        Y = y.reshape(len(y), -1).astype(X.dtype)
        self.n_targets_ = Y.shape[1]
        self.mixture_ = GaussianMixture(
            self.n_components,
            covariance_type=self.covariance_type,
            tol=self.tol,
            reg_covar=self.reg_covar,
            max_iter=self.max_iter,
            n_init=self.n_init,
            init_params=self.init_params,
            random_state=self.random_state,
        ).fit(np.hstack([X, Y]), sample_weight=sample_weight)
        for name in ("converged_", "n_iter_", "lower_bound_", "monitor_"):
            setattr(self, name, getattr(self.mixture_, name))
        self._prepare()
        self._start_sample_stream()
        return self

    def _prepare(self):
        """The conditioning terms, computed once (they do not depend on x)."""
        n_features = self.n_features_in_
        self._given = np.arange(n_features)
        self._other = np.arange(n_features, n_features + self.n_targets_)
        self._conditional = conditional_gaussians(
            self.mixture_.means_,
            self.mixture_.covariances_,
            self.covariance_type,
            self._given,
            self._other,
        )

    def _components_given(self, X):
        """Posterior weights (n, K) and component means of y (n, K, n_targets)."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        X = X.astype(np.float64, copy=False)
        resp = conditional_weights(
            X, self.mixture_.weights_, self._conditional, self.covariance_type
        )
        means = conditional_means(
            X, self.mixture_.means_, self._other, self._conditional
        )
        return resp, means

    def _shape_targets(self, values):
        return values[:, 0] if self._y_is_1d else values

    def predict(self, X, return_std=False):
        """Mean of ``y`` given each row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.
        return_std : bool, default=False
            Also return the standard deviation of ``y`` given ``x`` (of each
            target): the spread of the conditional mixture, within and
            between its components.

        Returns
        -------
        y_mean : ndarray of shape (n_samples,) or (n_samples, n_targets)
            ``E[y | x]``.
        y_std : ndarray of the same shape
            Returned with ``return_std=True``.
        """
        resp, means = self._components_given(X)
        mean = np.einsum("nk,nkt->nt", resp, means)
        if not return_std:
            return self._shape_targets(mean)
        variances = conditional_variances(
            self._conditional, self.covariance_type, self.n_components, self.n_targets_
        )
        second = np.einsum("nk,nkt->nt", resp, variances[np.newaxis] + means**2)
        std = np.sqrt(np.maximum(second - mean**2, 0.0))
        return self._shape_targets(mean), self._shape_targets(std)

    def sample_y(self, X, n_samples=1, random_state=None):
        """Draws of ``y`` from its distribution given each row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples_X, n_features)
            Inputs.
        n_samples : int, default=1
            Draws per row.
        random_state : int, RandomState instance or None, default=None
            None draws from the model's stream (successive calls differ).

        Returns
        -------
        y_samples : ndarray of shape (n_samples_X, n_samples) or \
                (n_samples_X, n_targets, n_samples)
            As :meth:`sklearn.gaussian_process.GaussianProcessRegressor.sample_y`.
        """
        resp, means = self._components_given(X)
        rng = self._sample_stream(n_samples, random_state)
        n_rows = len(resp)
        cumulative = np.cumsum(resp, axis=1)
        cumulative[:, -1] = 1.0
        uniform = rng.uniform(size=(n_rows, n_samples))
        labels = (uniform[:, :, np.newaxis] > cumulative[:, np.newaxis, :]).sum(axis=2)
        centres = np.take_along_axis(means, labels[:, :, np.newaxis], axis=1)
        noise = rng.standard_normal((n_rows, n_samples, self.n_targets_))
        draws = centres + self._scaled_noise(noise, labels)
        draws = np.swapaxes(draws, 1, 2)  # (n_rows, n_targets, n_samples)
        return draws[:, 0, :] if self._y_is_1d else draws

    def _scaled_noise(self, noise, labels):
        """``noise`` times each drawn component's conditional covariance root."""
        covariances = self._conditional.covariances
        kind = self.covariance_type
        if kind in ("diag", "spherical"):
            variances = conditional_variances(
                self._conditional, kind, self.n_components, self.n_targets_
            )
            return noise * np.sqrt(variances[labels])
        roots = np.linalg.cholesky(
            covariances if kind == "full" else covariances[np.newaxis]
        )
        if kind == "tied":
            return noise @ roots[0].T
        return np.einsum("nsut,nst->nsu", roots[labels], noise)

    def score_samples(self, X):
        """Log-density of the inputs, ``log p(x)``, under the joint mixture.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        log_prob : ndarray of shape (n_samples,)
            The marginal log-density of each row of ``X`` (over ``y``).
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        log_prob = marginal_log_prob(
            X.astype(np.float64, copy=False),
            self.mixture_.weights_,
            self._conditional,
            self.covariance_type,
        )
        return logsumexp(log_prob, axis=1)

    def score(self, X, y, sample_weight=None):
        """Coefficient of determination of ``predict(X)``; the density of the
        inputs is :meth:`score_samples`."""
        return RegressorMixin.score(self, X, y, sample_weight=sample_weight)

    def sample(self, n_samples=1, *, random_state=None):
        """Draw ``(X, y)`` rows from the joint mixture.

        Parameters
        ----------
        n_samples : int, default=1
            Number of rows.
        random_state : int, RandomState instance or None, default=None
            None draws from the model's stream (successive calls differ).

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            Inputs.
        y : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Their targets.
        """
        rng = self._sample_stream(n_samples, random_state)
        rows, _ = self.mixture_.sample(
            n_samples, random_state=check_random_state(rng.randint(2**31 - 1))
        )
        order = rng.permutation(n_samples)  # rows come grouped by component
        rows = rows[order]
        X, Y = rows[:, self._given], rows[:, self._other]
        return X, self._shape_targets(Y)

    def _n_parameters(self):
        """Parameters of the mixture of the inputs (what ``score_samples``
        uses)."""
        return n_mixture_parameters(
            self.n_components, self.n_features_in_, self.covariance_type
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags
