"""Hidden Markov models with a Gaussian mixture per hidden state."""

import warnings
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
from sklearn.cluster import KMeans

from skgen.distributions import _gaussian_kernels
from skgen.distributions._gaussian import (
    check_covariance_values,
    compute_precision_cholesky,
    estimate_weighted_log_prob,
    reshift_moments,
)
from skgen.hmm import _kernels
from skgen.hmm._base import BaseHMM, _check_stochastic, _normalize_rows
from skgen.hmm._forecast import mixture_moments
from skgen.hmm._gaussian import (
    gaussian_fill_missing,
    gaussian_log_prob_missing,
    gaussian_moments_missing,
)
from skgen.hmm._missing import (
    check_training_columns,
    empty_frames,
    fill_with_column_means,
    has_missing,
)
from skgen.utils._chunking import n_chunks_for
from skgen.utils._sklearn_compat import Interval, StrOptions, validate_data
from skgen.utils._threads import threads_for

#: Shape of GMMHMM's covars_ per covariance_type (hmmlearn's layout): 'tied'
#: is one matrix per state, shared by the state's mixture components.
_MIXTURE_COVARIANCE_SHAPES = {
    "spherical": lambda k, m, d: (k, m),
    "diag": lambda k, m, d: (k, m, d),
    "tied": lambda k, m, d: (k, d, d),
    "full": lambda k, m, d: (k, m, d, d),
}


class GMMStatistics(NamedTuple):
    """Sums over rows under the component weights ``r_tkm`` (state posterior
    times the component's share of the state), around the means ``m_km`` of
    the E-step (the reference point)."""

    component_sums: np.ndarray  # (K, n_mix) sum_t r_tkm
    first_moments: np.ndarray  # (K, n_mix, d) sum_t r_tkm (x_t - m_km)
    second_moments: np.ndarray  # (K, n_mix, d, d) 'full'/'tied', else (K, n_mix, d)
    posterior_sums: np.ndarray  # (K,) sum_t r_tk


class GMMHMM(BaseHMM):
    """Hidden Markov model with a Gaussian mixture per hidden state.

    A drop-in for :class:`hmmlearn.hmm.GMMHMM` (same parameters, priors and
    their defaults, attributes and, from the same start, the same numbers),
    fitted by Baum-Welch on the Numba forward-backward kernel. Each state
    emits from a mixture of ``n_mix`` Gaussians. Sequences as in
    :class:`GaussianHMM`.

    Missing observations are NaN, integrated out of every mixture component
    (a fully missing frame contributes no likelihood); :meth:`impute` fills
    them in (see :ref:`hmm_missing`).

    Parameters
    ----------
    n_components : int, default=1
        Number of hidden states.
    n_mix : int, default=1
        Number of Gaussian components in each state's mixture.
    min_covar : float, default=1e-3
        Added to the diagonal of the data covariance that initialises
        ``covars_`` (as in hmmlearn, it is no floor during EM).
    startprob_prior : float or array-like of shape (n_components,), default=1.0
        Dirichlet prior on ``startprob_`` (1.0: none).
    transmat_prior : float or array-like of shape (n_components, n_components), \
            default=1.0
        Dirichlet prior on each row of ``transmat_`` (1.0: none).
    weights_prior : float or array-like of shape (n_components, n_mix), \
            default=1.0
        Dirichlet prior on each row of ``weights_`` (1.0: none).
    means_prior, means_weight : float or array-like, default=0.0
        Normal prior on ``means_``: its mean, broadcast to
        (n_components, n_mix, n_features), and its weight in pseudo-rows,
        broadcast to (n_components, n_mix).
    covars_prior, covars_weight : float or array-like, default=None
        Prior on ``covars_``, as hmmlearn defines it: inverse-Wishart scale
        and degrees of freedom ('full', 'tied'), inverse-gamma shape and
        scale ('diag', 'spherical'). None takes hmmlearn's defaults, which
        make the update the maximum-likelihood one for 'full', 'tied' and
        'diag'; for 'spherical' the variance is divided by
        ``n_features * (N + 1) - n_mix`` rather than ``n_features * N``.
    algorithm : {'viterbi', 'map'}, default='viterbi'
        Decoder of :meth:`predict` and :meth:`decode`.
    covariance_type : {'spherical', 'diag', 'full', 'tied'}, default='diag'
        Form of the components' covariances; 'tied': one full matrix per
        state, shared by the components of its mixture.
    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation and the stream :meth:`sample` draws from.
    n_iter : int, default=10
        Maximum number of EM iterations; 0 initialises the parameters only
        (as hmmlearn).
    tol : float, default=1e-2
        EM stops when the total log-likelihood changes by less than ``tol``.
    verbose : bool, default=False
        Print the log-likelihood at every iteration.
    params : str, default='stmcw'
        Parameters EM updates: 's' start probabilities, 't' transitions,
        'm' means, 'c' covariances, 'w' mixture weights.
    init_params : str, default='stmcw'
        Parameters initialised before EM (k-means into states, then within
        each state, as hmmlearn); the others keep the values set on the
        estimator.
    implementation : {'log', 'scaling'}, default='log'
        Accepted for compatibility with hmmlearn; skgen always runs the scaled
        forward-backward, which gives the same numbers as either.
    n_init : int, default=1
        Number of starts; the fit with the highest final log-likelihood is
        kept (hmmlearn has one).
    learning_decay : float in (0.5, 1], default=0.7
        Step-size exponent of :meth:`partial_fit`: batch ``t`` weighs
        ``(t + learning_offset) ** -learning_decay`` (as in
        :class:`skgen.mixture.GaussianMixture`).
    learning_offset : float, default=1.0
        Delays the decay of :meth:`partial_fit`'s step size.

    Attributes
    ----------
    startprob_ : ndarray of shape (n_components,)
        Initial state distribution.
    transmat_ : ndarray of shape (n_components, n_components)
        Transition probabilities; row i is p(z_{t+1} | z_t = i).
    weights_ : ndarray of shape (n_components, n_mix)
        Mixture weights of each state.
    means_ : ndarray of shape (n_components, n_mix, n_features)
        Mean of each mixture component of each state.
    covars_ : ndarray
        Covariances, in hmmlearn's shape for ``covariance_type``:
        (n_components, n_mix) 'spherical', (n_components, n_mix, n_features)
        'diag', (n_components, n_mix, n_features, n_features) 'full',
        (n_components, n_features, n_features) 'tied'.
    converged_ : bool
        Whether EM stopped by ``tol`` rather than ``n_iter`` (best start).
    n_iter_ : int
        EM iterations run (best start).
    lower_bound_ : float
        Total log-likelihood of the training sequences before the last M-step.
    lower_bounds_ : list of float
        ``lower_bound_`` at every iteration (as ``monitor_.history``).
    monitor_ : :class:`~skgen.utils.ConvergenceMonitor`
        The EM run's convergence, with hmmlearn's attribute names:
        ``history`` (the log-likelihood at every iteration, then one per
        ``partial_fit`` call), ``iter``, ``converged`` (True only if ``tol``
        was met), ``tol``, ``n_iter``, ``verbose``.
        It exists before ``fit`` (hmmlearn's habit); a monitor assigned to
        it before ``fit`` is the one the fit reports to and stops by.
    n_features_in_ : int
        Number of features seen during fit.

    See Also
    --------
    GaussianHMM : One Gaussian per state.
    skgen.mixture.GaussianMixture : A Gaussian mixture without the time
        dependence.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.hmm import GMMHMM
    >>> rng = np.random.RandomState(0)
    >>> calm = rng.normal(0, 1, (60, 1)) + rng.choice([-3, 3], size=(60, 1))
    >>> busy = rng.normal(12, 1, (40, 1))
    >>> X = np.concatenate([calm, busy])
    >>> model = GMMHMM(n_components=2, n_mix=2, n_iter=50, random_state=0)
    >>> model = model.fit(X, lengths=[50, 50])
    >>> model.weights_.shape, model.means_.shape, model.covars_.shape
    ((2, 2), (2, 2, 1), (2, 2, 1))
    >>> states = model.predict(X, lengths=[50, 50])
    >>> int((states[:60] != states[0]).sum()), int((states[60:] == states[0]).sum())
    (0, 0)
    """

    _parameter_constraints: dict = {
        **BaseHMM._parameter_constraints,
        "n_mix": [Interval(Integral, 1, None, closed="left")],
        "min_covar": [Interval(Real, 0.0, None, closed="left")],
        "weights_prior": ["array-like", Real],
        "means_prior": ["array-like", Real],
        "means_weight": ["array-like", Real],
        "covars_prior": ["array-like", Real, None],
        "covars_weight": ["array-like", Real, None],
        "covariance_type": [StrOptions({"spherical", "diag", "full", "tied"})],
        "implementation": [StrOptions({"log", "scaling"})],
    }

    _emission_codes = "mcw"
    _emission_parameter_names = ("weights_", "means_", "covars_")

    def __init__(
        self,
        n_components=1,
        n_mix=1,
        min_covar=1e-3,
        startprob_prior=1.0,
        transmat_prior=1.0,
        weights_prior=1.0,
        means_prior=0.0,
        means_weight=0.0,
        covars_prior=None,
        covars_weight=None,
        algorithm="viterbi",
        covariance_type="diag",
        random_state=None,
        n_iter=10,
        tol=1e-2,
        verbose=False,
        params="stmcw",
        init_params="stmcw",
        implementation="log",
        n_init=1,
        learning_decay=0.7,
        learning_offset=1.0,
    ):
        super().__init__(
            n_components=n_components,
            startprob_prior=startprob_prior,
            transmat_prior=transmat_prior,
            algorithm=algorithm,
            random_state=random_state,
            n_iter=n_iter,
            tol=tol,
            verbose=verbose,
            params=params,
            init_params=init_params,
            n_init=n_init,
            learning_decay=learning_decay,
            learning_offset=learning_offset,
        )
        self.n_mix = n_mix
        self.min_covar = min_covar
        self.weights_prior = weights_prior
        self.means_prior = means_prior
        self.means_weight = means_weight
        self.covars_prior = covars_prior
        self.covars_weight = covars_weight
        self.covariance_type = covariance_type
        self.implementation = implementation

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # missing entries are integrated out
        return tags

    def _validate_emission_data(self, X, reset):
        X = validate_data(
            self,
            X,
            dtype=[np.float64, np.float32],
            order="C",
            reset=reset,
            ensure_all_finite="allow-nan",
        )
        if reset:
            check_training_columns(X)
        return X

    # -- initialisation and checks --------------------------------------------

    def _init_emissions(self, X, random_state):
        X = fill_with_column_means(X)  # k-means and the covariance: a start
        k, m = self.n_components, self.n_mix
        n_samples, n_features = X.shape
        # hmmlearn's start: the data covariance plus min_covar (none for one row).
        cv = self.min_covar * np.eye(n_features)
        if n_samples > 1:
            cv += np.atleast_2d(np.cov(X.T))
        if self._needs_init("w", "weights_"):
            self.weights_ = np.full((k, m), 1.0 / m)
        if self._needs_init("m", "means_"):
            if n_samples < k * m:
                raise ValueError(
                    "Expected n_samples >= n_components * n_mix to initialise the "
                    f"means, got n_samples = {n_samples}, n_components = {k}, "
                    f"n_mix = {m}."
                )
            self.means_ = self._kmeans_means(X, cv, random_state)
        if self._needs_init("c", "covars_"):
            self.covars_ = {
                "spherical": lambda: np.full((k, m), cv.diagonal().mean()),
                "diag": lambda: np.tile(cv.diagonal(), (k, m, 1)),
                "tied": lambda: np.tile(cv, (k, 1, 1)),
                "full": lambda: np.tile(cv, (k, m, 1, 1)),
            }[self.covariance_type]()

    def _kmeans_means(self, X, cv, random_state):
        """hmmlearn's start: k-means into states, then within each state."""
        k, m = self.n_components, self.n_mix
        kmeans = KMeans(k, n_init=10, random_state=random_state).fit(X)
        centre = kmeans.cluster_centers_.mean(axis=0)
        means = np.empty((k, m, X.shape[1]))
        for state in range(k):  # a loop over states, not rows
            rows = X[kmeans.labels_ == state]
            if rows.shape[0] < m:  # too few rows: draws around the centre
                means[state] = random_state.multivariate_normal(centre, cv, size=m)
            elif m == 1:
                means[state] = rows.mean(axis=0)
            else:
                inner = KMeans(m, n_init=10, random_state=random_state).fit(rows)
                means[state] = inner.cluster_centers_
        return means

    def _check_emissions(self):
        k, m, d = self.n_components, self.n_mix, self.n_features_in_
        self.weights_ = _check_stochastic("weights_", self.weights_, (k, m))
        means = np.asarray(self.means_, dtype=np.float64)
        if means.shape != (k, m, d):
            raise ValueError(
                f"means_ must have shape (n_components, n_mix, n_features) = "
                f"{(k, m, d)}, got {means.shape}."
            )
        if not np.all(np.isfinite(means)):
            raise ValueError("means_ must be finite.")
        covars = np.asarray(self.covars_, dtype=np.float64)
        expected = _MIXTURE_COVARIANCE_SHAPES[self.covariance_type](k, m, d)
        if covars.shape != expected:
            raise ValueError(
                f"'{self.covariance_type}' covars_ must have shape {expected}, "
                f"got {covars.shape}."
            )
        check_covariance_values(covars, self.covariance_type, "covars_")
        self._priors()  # their shapes, before EM runs
        self.means_ = means
        self.covars_ = covars

    def _priors(self):
        """hmmlearn's priors, its defaults filled in, broadcast to the shapes
        of the parameters (the constructor's values are left as given)."""
        k, m, d = self.n_components, self.n_mix, self.n_features_in_
        covariance_type = self.covariance_type
        default_prior, default_weight = {
            "full": (0.0, -(1.0 + d + 1.0)),
            "tied": (0.0, -(m + d + 1.0)),
            "diag": (-1.5, 0.0),
            "spherical": (-(m + 2.0) / 2.0, 0.0),
        }[covariance_type]
        covars_prior = default_prior if self.covars_prior is None else self.covars_prior
        covars_weight = (
            default_weight if self.covars_weight is None else self.covars_weight
        )
        weight_shape = {
            "full": (k, m),
            "tied": (k,),
            "diag": (k, m, d),
            "spherical": (k, m),
        }[covariance_type]
        shapes = {
            "weights_prior": (self.weights_prior, (k, m)),
            "means_prior": (self.means_prior, (k, m, d)),
            "means_weight": (self.means_weight, (k, m)),
            "covars_prior": (
                covars_prior,
                _MIXTURE_COVARIANCE_SHAPES[covariance_type](k, m, d),
            ),
            "covars_weight": (covars_weight, weight_shape),
        }
        priors = {}
        for name, (value, shape) in shapes.items():
            value = np.asarray(value, dtype=np.float64)
            try:
                priors[name] = np.broadcast_to(value, shape)
            except ValueError:
                raise ValueError(
                    f"{name} must be a number or broadcast to shape {shape}, "
                    f"got shape {value.shape}."
                ) from None
        return priors

    # -- likelihood and statistics ----------------------------------------------

    def _floats_per_row(self):
        # The states' temporaries and, per component, its log-probability
        # and responsibility.
        return self.n_components * (3 + 2 * self.n_mix)

    def _component_log_prob(self, X):
        """``log w_km + log N(x_t | m_km, C_km)``, shape (n_samples, K * n_mix)."""
        k, m, d = self.means_.shape
        covariance_type = self.covariance_type
        if has_missing(X):
            with np.errstate(divide="ignore"):
                log_weights = np.log(self.weights_.ravel())
            return gaussian_log_prob_missing(
                X,
                self.means_.reshape(k * m, d),
                self._dense_covariances(),
                covariance_type,
                log_weights,
            )
        if covariance_type == "tied":
            # One matrix per state: each component of the state repeats it.
            precisions_chol = np.repeat(
                compute_precision_cholesky(self.covars_, "full"), m, axis=0
            )
            covariance_type = "full"
        else:
            precisions_chol = compute_precision_cholesky(
                self.covars_.reshape(k * m, *self.covars_.shape[2:]), covariance_type
            )
        return estimate_weighted_log_prob(
            X,
            self.weights_.ravel(),
            self.means_.reshape(k * m, d),
            precisions_chol,
            covariance_type,
        )

    def _emission_log_likelihood(self, X):
        n_samples = X.shape[0]
        with threads_for(n_samples * self.n_components * self.n_mix):
            sums, tops = _kernels.mixture_likelihood(
                self._component_log_prob(X), self.n_mix, n_chunks_for(n_samples)
            )
        with np.errstate(divide="ignore"):
            log_lik = np.log(sums, out=sums) + tops
        if has_missing(X):
            log_lik[empty_frames(X)] = 0.0  # not log(sum of weights) rounded
        return log_lik

    def _emission_statistics(self, X, posteriors):
        k, m, d = self.means_.shape
        n_samples = X.shape[0]
        # Responsibilities of the components within each state, times the
        # state posteriors: (n_samples, K * n_mix) weights of the rows.
        with threads_for(n_samples * k * m):
            resp = _kernels.mixture_responsibilities(
                self._component_log_prob(X), posteriors, m, n_chunks_for(n_samples)
            )
        full = self.covariance_type in ("full", "tied")
        if has_missing(X):
            # Expected moments: each frame completed per component.
            nk, sx, sxx = gaussian_moments_missing(
                X,
                resp,
                self.means_.reshape(k * m, d),
                self._dense_covariances(),
                self.covariance_type,
            )
        else:
            # Sums around the previous means: hmmlearn's covariance scatter,
            # and no E[x^2] - E[x]^2 cancellation.
            shift = self.means_.reshape(k * m, d).astype(X.dtype)
            with threads_for(n_samples * k * m * d**2):
                parts = _gaussian_kernels.weighted_moments(
                    X,
                    resp,
                    shift,
                    full,
                    n_chunks_for(n_samples, k * m * d**2),
                )
            nk, sx, sxx = (part.sum(axis=0) for part in parts)
        if full:
            sxx = 0.5 * (sxx + np.swapaxes(sxx, 1, 2))
            sxx = sxx.reshape(k, m, d, d)
        else:
            sxx = sxx.reshape(k, m, d)
        return GMMStatistics(
            nk.reshape(k, m), sx.reshape(k, m, d), sxx, posteriors.sum(axis=0)
        )

    def _emission_reference(self):
        return self.means_

    def _reshift_emission_statistics(self, stats, reference, new_reference):
        k, m, d = new_reference.shape
        nk, sx, sxx, posterior_sums = stats
        flat = sxx.reshape(k * m, d, d) if sxx.ndim == 4 else sxx.reshape(k * m, d)
        _, sx, flat, _ = reshift_moments(
            nk.ravel(),
            sx.reshape(k * m, d),
            flat,
            reference.reshape(k * m, d),
            new_reference.reshape(k * m, d),
        )
        return GMMStatistics(
            nk, sx.reshape(k, m, d), flat.reshape(sxx.shape), posterior_sums
        )

    # -- M-step -----------------------------------------------------------------

    def _emission_m_step(self, stats, old_means):
        nk, sx, scatter, post_sum = stats  # sums around old_means
        priors = self._priors()
        if "w" in self.params:
            counts = np.maximum(nk + (priors["weights_prior"] - 1.0), 0.0)
            self.weights_, _ = _normalize_rows(counts, self.weights_)
        means_weight, means_prior = priors["means_weight"], priors["means_prior"]
        if "m" in self.params:
            numerator = means_weight[..., np.newaxis] * means_prior + (
                sx + nk[..., np.newaxis] * old_means
            )
            denominator = (nk + means_weight)[..., np.newaxis]
            # A component with no rows and no prior keeps its mean.
            self.means_ = np.where(
                denominator > 0,
                numerator / np.where(denominator > 0, denominator, 1.0),
                old_means,
            )
        if "c" in self.params:
            self._covariance_m_step(nk, scatter, post_sum, priors)

    def _covariance_m_step(self, nk, scatter, post_sum, priors):
        """hmmlearn's update; ``scatter`` is around the previous means."""
        d = self.means_.shape[2]
        weight = priors["means_weight"]
        centred = self.means_ - priors["means_prior"]
        psi, nu = priors["covars_prior"], priors["covars_weight"]
        covariance_type = self.covariance_type
        if covariance_type == "full":
            outer = centred[..., :, None] * centred[..., None, :]
            numerator = np.swapaxes(psi, -1, -2) + weight[..., None, None] * outer
            numerator = numerator + scatter
            denominator = (nk + 1 + nu + d + 1)[..., None, None]
        elif covariance_type == "tied":
            numerator = (
                np.einsum("km,kma,kmb->kab", weight, centred, centred)
                + np.swapaxes(psi, -1, -2)
                + scatter.sum(axis=1)
            )
            denominator = (post_sum + self.n_mix + nu + d + 1)[:, None, None]
        elif covariance_type == "diag":
            # hmmlearn's names: covars_prior is alpha, covars_weight beta.
            numerator = weight[..., None] * centred**2 + 2 * nu + scatter
            denominator = nk[..., None] + 1 + 2 * (psi + 1)
        else:
            numerator = (
                weight * np.einsum("kma,kma->km", centred, centred)
                + 2 * nu
                + scatter.sum(axis=2)
            )
            denominator = d * (nk + 1) + 2 * (psi + 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            covars = numerator / np.where(denominator > 0, denominator, np.nan)
        if covariance_type in ("spherical", "diag"):
            valid = np.isfinite(covars) & (covars > 0)
        else:
            matrices = covars.reshape(-1, d, d)
            finite = np.all(np.isfinite(matrices), axis=(1, 2))
            eigenvalues = np.linalg.eigvalsh(
                np.where(finite[:, None, None], matrices, np.eye(d))
            )
            # Positive definite, and not numerically singular.
            smallest, largest = eigenvalues[:, 0], eigenvalues[:, -1]
            valid = (
                finite
                & (smallest > 0)
                & (smallest > d * np.finfo(np.float64).eps * largest)
            )
            valid = valid.reshape(covars.shape[:-2])[..., None, None]
        self.covars_ = np.where(valid, covars, self.covars_)
        if not np.all(valid):
            kept = ~valid
            if covariance_type == "diag":
                kept = kept.any(axis=-1)
            elif covariance_type in ("full", "tied"):
                kept = kept[..., 0, 0]
            where = np.argwhere(kept).tolist()
            what = "state(s)" if covariance_type == "tied" else "(state, mix) pair(s)"
            warnings.warn(
                f"The covariance update of {what} {where[:5]} would not be "
                "positive definite (too few expected rows, rows on one point or a "
                "constant feature); they keep their previous covariance. "
                "Consider a smaller n_mix or a covars_prior.",
                RuntimeWarning,
                stacklevel=2,
            )

    # -- sampling and counting --------------------------------------------------

    def _dense_covariances(self):
        """Covariance of every component, (n_components * n_mix, d, d)."""
        k, m, d = self.means_.shape
        covars = self.covars_
        if self.covariance_type == "full":
            return covars.reshape(k * m, d, d)
        if self.covariance_type == "tied":
            return np.repeat(covars, m, axis=0)
        if self.covariance_type == "spherical":
            covars = np.repeat(covars[..., np.newaxis], d, axis=2)
        return covars.reshape(k * m, d)[:, :, np.newaxis] * np.eye(d)

    def _sample_emissions(self, states, random_state):
        k, m, d = self.means_.shape
        n_samples = states.shape[0]
        # A row's component: the first whose cumulative weight exceeds a uniform.
        cumulative = np.cumsum(self.weights_, axis=1)
        uniform = random_state.uniform(size=(n_samples, 1))
        mix = np.minimum((uniform >= cumulative[states]).sum(axis=1), m - 1)
        components = states * m + mix
        noise = random_state.standard_normal((n_samples, d))
        factors = np.linalg.cholesky(self._dense_covariances())
        means = self.means_.reshape(k * m, d)
        X = np.empty((n_samples, d))
        for component in np.unique(components):  # a loop over components
            rows = components == component
            X[rows] = means[component] + noise[rows] @ factors[component].T
        return X

    def _state_moments(self):
        # Each state's mixture of its components, by the same rule as a
        # forecast's mixture of states.
        k, m, d = self.means_.shape
        covariances = self._dense_covariances().reshape(k, m, d, d)
        moments = [
            mixture_moments(self.weights_[i], self.means_[i], covariances[i])
            for i in range(k)
        ]
        return np.stack([mean for mean, _ in moments]), np.stack(
            [cov for _, cov in moments]
        )

    def _impute_emissions(self, X, posteriors, states, random_state):
        k, m, d = self.means_.shape
        n_samples = X.shape[0]
        if posteriors is None:  # the state's components given the observed
            posteriors = np.zeros((n_samples, k))
            posteriors[np.arange(n_samples), states] = 1.0
        with threads_for(n_samples * k * m):
            resp = _kernels.mixture_responsibilities(
                self._component_log_prob(X), posteriors, m, n_chunks_for(n_samples)
            )
        components = None
        if states is not None:  # a component drawn within each row's state
            cumulative = np.cumsum(resp, axis=1)
            uniform = random_state.uniform(size=(n_samples, 1))
            components = np.minimum((uniform >= cumulative).sum(axis=1), k * m - 1)
            resp = None
        return gaussian_fill_missing(
            X,
            resp,
            components,
            self.means_.reshape(k * m, d),
            self._dense_covariances(),
            self.covariance_type,
            random_state,
        )

    def _n_emission_parameters(self):
        k, m, d = self.means_.shape
        return {
            "w": k * (m - 1),
            "m": k * m * d,
            "c": {
                "spherical": k * m,
                "diag": k * m * d,
                "tied": k * d * (d + 1) // 2,
                "full": k * m * d * (d + 1) // 2,
            }[self.covariance_type],
        }
