"""Hidden Markov models with Gaussian emissions: one mean and covariance per state."""

from numbers import Real
from typing import NamedTuple

import numpy as np
from sklearn.cluster import KMeans
from sklearn.utils import check_array

from skgen.distributions import _gaussian_kernels, _gaussian_missing_kernels
from skgen.distributions._gaussian import (
    check_covariance_values,
    component_offsets,
    compute_precision_cholesky,
    estimate_weighted_log_prob,
    reshift_moments,
)
from skgen.hmm._base import BaseHMM
from skgen.hmm._missing import (
    check_training_columns,
    empty_frames,
    fill_with_column_means,
    has_missing,
)
from skgen.utils._chunking import n_chunks_for
from skgen.utils._sklearn_compat import Interval, StrOptions, validate_data
from skgen.utils._threads import threads_for

#: Shape of ``covars_`` as set (compact) per covariance_type.
_COVARIANCE_SHAPES = {
    "spherical": lambda k, d: (k,),
    "diag": lambda k, d: (k, d),
    "tied": lambda k, d: (d, d),
    "full": lambda k, d: (k, d, d),
}


def _dense_covariances(covars, covariance_type, n_components, n_features):
    """Compact covariances as (n_components, n_features, n_features) matrices."""
    if covariance_type == "full":
        return covars.copy()
    if covariance_type == "tied":
        return np.tile(covars, (n_components, 1, 1))
    if covariance_type == "diag":
        return np.stack([np.diag(c) for c in covars])
    return np.stack([c * np.eye(n_features) for c in covars])


# -- missing entries (NaN) ------------------------------------------------------
# Functions of the parameters, shared with GMMHMM (which passes its mixture
# components as the Gaussians): ``covariances`` dense (K, d, d), each form
# ('full'/'tied': precisions; 'diag'/'spherical': variances) taken from them.


def _missing_spread(covariances, covariance_type):
    """Whether the Gaussians are full, and their precisions (K, d, d) or
    variances (K, d), from dense covariances."""
    if covariance_type in ("full", "tied"):
        precisions = np.linalg.inv(covariances)
        return True, np.ascontiguousarray(
            0.5 * (precisions + np.swapaxes(precisions, 1, 2))
        )
    return False, np.ascontiguousarray(np.diagonal(covariances, axis1=1, axis2=2))


def gaussian_log_prob_missing(X, means, dense, covariance_type, log_weights=None):
    """``log w_k + log N(x_o | k)`` of frames with NaN entries, (n_samples, K).

    ``dense`` covariances (K, d, d); ``log_weights`` None for zeros. A frame
    with every entry missing scores ``log w_k`` exactly.
    """
    n_samples, n_features = X.shape
    n_components = means.shape[0]
    full, spread = _missing_spread(dense, covariance_type)
    if log_weights is None:
        log_weights = np.zeros(n_components)
    X64 = np.asarray(X, dtype=np.float64)
    with threads_for(n_samples * n_components * n_features**2):
        if full:
            offsets = component_offsets(
                np.ones(n_components),
                compute_precision_cholesky(dense, "full"),
                "full",
                n_features,
            )
            out = _gaussian_missing_kernels.log_prob_full_missing(
                X64, means, spread, offsets + log_weights, n_chunks_for(n_samples)
            )
        else:
            offsets = component_offsets(
                np.ones(n_components), 1.0 / np.sqrt(spread), "diag", n_features
            )
            out = _gaussian_missing_kernels.log_prob_diag_missing(
                X64, means, spread, offsets + log_weights, n_chunks_for(n_samples)
            )
    out[empty_frames(X64)] = log_weights
    return out


def gaussian_moments_missing(X, posteriors, means, dense, covariance_type):
    """Expected moments ``(nk, sx, sxx)`` around ``means`` of frames with NaN
    entries under ``posteriors`` (n_samples, K): each frame completed by its
    conditional mean given its observed entries, the conditional covariance
    added to the second moments. ``dense`` covariances (K, d, d); ``sxx``
    (K, d, d) for 'full'/'tied', (K, d) squares otherwise."""
    n_samples, n_features = X.shape
    n_components = means.shape[0]
    full, spread = _missing_spread(dense, covariance_type)
    X64 = np.asarray(X, dtype=np.float64)
    weights = np.ascontiguousarray(posteriors, dtype=np.float64)
    n_chunks = n_chunks_for(n_samples, n_components * n_features * (n_features + 1))
    with threads_for(n_samples * n_components * n_features**2):
        if full:
            parts = _gaussian_missing_kernels.posterior_moments_full_missing(
                X64, weights, means, spread, n_chunks
            )
            nk, sx, sxx, empty = (part.sum(axis=0) for part in parts)
            # A frame with no observed entry: E[(x - m)(x - m)^T] = S.
            return nk, sx, sxx + empty[:, None, None] * dense
        parts = _gaussian_missing_kernels.posterior_moments_diag_missing(
            X64, weights, means, spread, n_chunks
        )
    return tuple(part.sum(axis=0) for part in parts)


def gaussian_fill_missing(
    X, posteriors, states, means, dense, covariance_type, random_state
):
    """``X`` (float64) with its NaN entries filled: conditional means averaged
    under ``posteriors`` (n_samples, K), or (``posteriors`` None) draws from
    the conditional of each row's Gaussian ``states[i]``."""
    n_samples, n_features = X.shape
    full, spread = _missing_spread(dense, covariance_type)
    X64 = np.asarray(X, dtype=np.float64)
    if posteriors is None:
        weights = np.empty((0, means.shape[0]))
        components = np.ascontiguousarray(states, dtype=np.int64)
        normals = random_state.standard_normal((n_samples, n_features))
    else:
        weights = np.ascontiguousarray(posteriors, dtype=np.float64)
        components = np.empty(0, dtype=np.int64)
        normals = np.empty((0, 0))
    kernel = (
        _gaussian_missing_kernels.fill_full_missing
        if full
        else _gaussian_missing_kernels.fill_diag_missing
    )
    with threads_for(n_samples * means.shape[0] * n_features**2):
        return kernel(
            X64, weights, components, means, spread, normals, n_chunks_for(n_samples)
        )


def _compact_covariances(covars, covariance_type, n_components):
    """``covars`` in the compact form of ``covariance_type``.

    Besides the compact form, the forms hmmlearn's setter accepts: for
    'spherical', any array of ``n_components`` values (``(k,)``, ``(k, 1)``,
    ``(k, 1, 1)``, ...) or hmmlearn's stored ``(k, n_features)`` of equal
    rows; and, for every type, the full matrices the getter returns when they
    have the type's structure, so that ``b.covars_ = a.covars_`` round-trips.
    Anything else is returned as given, for the fit's check to name its shape.
    """
    covars = np.array(covars, dtype=np.float64)
    k = n_components
    if covariance_type == "full" or covars.ndim == 0 or covars.shape[0] != k:
        return covars
    full_form = covars.ndim == 3 and covars.shape[1] == covars.shape[2]
    if covariance_type == "tied":
        if full_form and np.all(covars == covars[:1]):
            return covars[0].copy()
        return covars
    if full_form:
        diagonals = np.diagonal(covars, axis1=1, axis2=2)
        if not np.array_equal(covars, diagonals[:, :, None] * np.eye(covars.shape[1])):
            return covars
        covars = diagonals.copy()  # the 'diag' form
    if covariance_type == "spherical":
        rows = covars.reshape(k, -1)
        if rows.shape[1] and np.all(rows == rows[:, :1]):
            return rows[:, 0].copy()
    return covars


def _floor_covariances(covars, ridge):
    """Full or tied covariances, ``ridge`` added to the diagonal of those
    that are not numerically positive definite (legal data can make a state's
    scatter singular, e.g. a constant column and a state of few rows)."""
    matrices = covars.reshape(-1, *covars.shape[-2:])
    singular = ~(np.linalg.eigvalsh(matrices)[:, 0] > 0.0)
    if singular.any():
        matrices = matrices.copy()
        matrices[singular] += ridge * np.eye(matrices.shape[-1])
    return matrices.reshape(covars.shape)


class GaussianStatistics(NamedTuple):
    """Sums over rows under the state posteriors ``r_tk``, around the means
    ``m_k`` of the E-step (the reference point)."""

    posterior_sums: np.ndarray  # (K,) sum_t r_tk
    first_moments: np.ndarray  # (K, d) sum_t r_tk (x_t - m_k)
    second_moments: np.ndarray  # (K, d, d) 'full'/'tied', else (K, d) squares


class GaussianHMM(BaseHMM):
    """Hidden Markov model with Gaussian emissions.

    A drop-in for :class:`hmmlearn.hmm.GaussianHMM` (same parameters,
    attributes and, from the same start, the same numbers), fitted by
    Baum-Welch on Numba kernels that run sequences in parallel. Sequences are
    given by ``lengths`` (as hmmlearn) or by the sample-aligned
    ``sequence_ids``, which scikit-learn's cross-validation splits with the rows.

    Missing observations are NaN: a partly missing frame scores the marginal
    of its observed entries, a fully missing one contributes no likelihood,
    and EM uses the missing entries' expected statistics; :meth:`impute`
    fills them in (see :ref:`hmm_missing`).

    Parameters
    ----------
    n_components : int, default=1
        Number of hidden states.
    covariance_type : {'spherical', 'diag', 'full', 'tied'}, default='diag'
        Form of each state's covariance.
    min_covar : float, default=1e-3
        Added to the diagonal of the data covariance that initialises
        ``covars_``, and to that of a full or tied covariance the M-step
        leaves not numerically positive definite (a constant column, a state
        of few rows), so that legal data fit.
    startprob_prior : float or array-like of shape (n_components,), default=1.0
        Dirichlet prior on ``startprob_`` (1.0: none).
    transmat_prior : float or array-like of shape (n_components, n_components), \
            default=1.0
        Dirichlet prior on each row of ``transmat_`` (1.0: none).
    means_prior, means_weight : float or array-like, default=0
        Normal prior on ``means_``: its mean and its weight in pseudo-rows.
    covars_prior, covars_weight : float or array-like, default=1e-2 and 1
        Inverse-Wishart (full, tied) or inverse-gamma (diag, spherical) prior
        on ``covars_``, as hmmlearn defines it.
    algorithm : {'viterbi', 'map'}, default='viterbi'
        Decoder of :meth:`predict` and :meth:`decode`.
    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation and the stream :meth:`sample` draws from.
    n_iter : int, default=10
        Maximum number of EM iterations; 0 initialises the parameters only
        (as hmmlearn).
    tol : float, default=1e-2
        EM stops when the total log-likelihood changes by less than ``tol``.
    verbose : bool, default=False
        Print the log-likelihood at every iteration.
    params : str, default='stmc'
        Parameters EM updates: 's' start probabilities, 't' transitions,
        'm' means, 'c' covariances.
    init_params : str, default='stmc'
        Parameters initialised before EM; the others keep the values set on
        the estimator (e.g. ``model.transmat_ = ...`` before ``fit``).
    implementation : {'log', 'scaling'}, default='log'
        Accepted for compatibility with hmmlearn; skgen always runs the scaled
        forward-backward, which gives the same numbers as either.
    n_init : int, default=1
        Number of starts (as in scikit-learn's mixtures; hmmlearn has one);
        the fit with the highest final log-likelihood is kept. The random
        initialisation, hmmlearn's, draws nearly one-hot transition rows that
        can trap EM in a poor optimum: several starts avoid it.
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
    means_ : ndarray of shape (n_components, n_features)
        Mean of each state.
    covars_ : ndarray of shape (n_components, n_features, n_features)
        Covariance of each state, as full matrices (as hmmlearn returns them;
        assign the compact form of ``covariance_type`` to set them).
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
    skgen.mixture.GaussianMixture : The same emissions without the time
        dependence.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.hmm import GaussianHMM
    >>> rng = np.random.RandomState(0)
    >>> X = np.concatenate([rng.normal(0, 1, (50, 1)), rng.normal(8, 1, (50, 1))])
    >>> model = GaussianHMM(n_components=2, random_state=0).fit(X, lengths=[60, 40])
    >>> states = model.predict(X, lengths=[60, 40])
    >>> int((states[:50] != states[0]).sum()), int((states[50:] == states[0]).sum())
    (0, 0)
    >>> model.score_samples(X, lengths=[60, 40]).shape
    (100,)
    """

    _parameter_constraints: dict = {
        **BaseHMM._parameter_constraints,
        "covariance_type": [StrOptions({"spherical", "diag", "full", "tied"})],
        "min_covar": [Interval(Real, 0.0, None, closed="left")],
        "means_prior": ["array-like", Real],
        "means_weight": ["array-like", Real],
        "covars_prior": ["array-like", Real],
        "covars_weight": ["array-like", Real],
        "implementation": [StrOptions({"log", "scaling"})],
    }

    _emission_codes = "mc"
    _emission_parameter_names = ("means_", "_covars_")

    def __init__(
        self,
        n_components=1,
        covariance_type="diag",
        min_covar=1e-3,
        startprob_prior=1.0,
        transmat_prior=1.0,
        means_prior=0,
        means_weight=0,
        covars_prior=1e-2,
        covars_weight=1,
        algorithm="viterbi",
        random_state=None,
        n_iter=10,
        tol=1e-2,
        verbose=False,
        params="stmc",
        init_params="stmc",
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
        self.covariance_type = covariance_type
        self.min_covar = min_covar
        self.means_prior = means_prior
        self.means_weight = means_weight
        self.covars_prior = covars_prior
        self.covars_weight = covars_weight
        self.implementation = implementation

    @property
    def covars_(self):
        """Covariance of each state, (n_components, n_features, n_features)
        whatever ``covariance_type`` (as hmmlearn returns them)."""
        return _dense_covariances(
            self._covars_, self.covariance_type, self.n_components, self.means_.shape[1]
        )

    @covars_.setter
    def covars_(self, covars):
        self._covars_ = _compact_covariances(
            covars, self.covariance_type, self.n_components
        )

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

    def _init_emissions(self, X, random_state):
        X = fill_with_column_means(X)  # k-means and the covariance: a start
        n_features = X.shape[1]
        if self._needs_init("m", "means_"):
            if X.shape[0] < self.n_components:
                raise ValueError(
                    "Expected n_samples >= n_components to initialise the means, "
                    f"got n_samples = {X.shape[0]}, n_components = {self.n_components}."
                )
            kmeans = KMeans(self.n_components, n_init=10, random_state=random_state)
            self.means_ = kmeans.fit(X).cluster_centers_.astype(np.float64)
        if self._needs_init("c", "_covars_"):
            # The data covariance plus min_covar (none for one row: no NaN).
            cv = self.min_covar * np.eye(n_features)
            if X.shape[0] > 1:
                cv += np.atleast_2d(np.cov(X.T))
            k = self.n_components
            self._covars_ = {
                "spherical": lambda: np.full(k, cv.diagonal().mean()),
                "diag": lambda: np.tile(cv.diagonal(), (k, 1)),
                "tied": lambda: cv,
                "full": lambda: np.tile(cv, (k, 1, 1)),
            }[self.covariance_type]()

    def _check_emissions(self):
        means = check_array(self.means_, input_name="means_")
        k, d = self.n_components, self.n_features_in_
        if means.shape != (k, d):
            raise ValueError(f"means_ must have shape {(k, d)}, got {means.shape}.")
        covars = _compact_covariances(self._covars_, self.covariance_type, k)
        expected = _COVARIANCE_SHAPES[self.covariance_type](k, d)
        if covars.shape != expected:
            raise ValueError(
                f"'{self.covariance_type}' covars_ must have shape {expected}, "
                f"got {covars.shape}."
            )
        check_covariance_values(covars, self.covariance_type, "covars_")
        self.means_ = means.astype(np.float64)
        self._covars_ = covars

    def _precisions_cholesky(self):
        # A covariance a Cholesky factorisation finds singular is evaluated
        # with min_covar on its diagonal (hmmlearn: 1e-7).
        return compute_precision_cholesky(
            self._covars_, self.covariance_type, ridge=self.min_covar
        )

    def _emission_log_likelihood(self, X):
        if has_missing(X):
            return gaussian_log_prob_missing(
                X, self.means_, self.covars_, self.covariance_type
            )
        return estimate_weighted_log_prob(
            X,
            np.ones(self.n_components),
            self.means_,
            self._precisions_cholesky(),
            self.covariance_type,
        )

    def _emission_statistics(self, X, posteriors):
        full = self.covariance_type in ("full", "tied")
        if has_missing(X):
            return GaussianStatistics(
                *gaussian_moments_missing(
                    X, posteriors, self.means_, self.covars_, self.covariance_type
                )
            )
        shift = self.means_.astype(X.dtype)
        n_samples, n_features = X.shape
        with threads_for(n_samples * self.n_components * n_features**2):
            parts = _gaussian_kernels.weighted_moments(
                X,
                posteriors,
                shift,
                full,
                n_chunks_for(n_samples, self.n_components * n_features**2),
            )
        nk, sx, sxx = (part.sum(axis=0) for part in parts)
        return GaussianStatistics(nk, sx, sxx if full else sxx[..., 0])

    def _emission_reference(self):
        return self.means_

    def _reshift_emission_statistics(self, stats, reference, new_reference):
        return GaussianStatistics(
            *reshift_moments(*stats, reference, new_reference)[:3]
        )

    def _emission_m_step(self, stats, old_means):
        nk, sx, sxx = stats  # sums around old_means
        means_weight = np.asarray(self.means_weight, dtype=np.float64)
        means_prior = np.asarray(self.means_prior, dtype=np.float64)
        denom = nk[:, np.newaxis]
        if "m" in self.params:
            sum_x = sx + nk[:, np.newaxis] * old_means
            weight = means_weight + denom
            with np.errstate(divide="ignore", invalid="ignore"):
                means = (means_weight * means_prior + sum_x) / weight
            # A state no row reaches (and no prior) keeps its mean.
            self.means_ = np.where(weight > 0, means, self.means_)
        if "c" not in self.params:
            return
        # sum_i r_ik (x_i - m_k)(x_i - m_k)^T from sums around the old means.
        delta = self.means_ - old_means
        meandiff = self.means_ - means_prior
        if self.covariance_type in ("spherical", "diag"):
            scatter = sxx - 2 * delta * sx + delta**2 * denom
            c_n = means_weight * meandiff**2 + scatter
            c_d = max(self.covars_weight - 1, 0) + denom
            covars = (self.covars_prior + c_n) / np.maximum(c_d, 1e-5)
            self._covars_ = (
                covars.mean(axis=1) if self.covariance_type == "spherical" else covars
            )
        else:
            cross = delta[:, :, None] * sx[:, None, :]
            scatter = (
                sxx
                - cross
                - np.swapaxes(cross, 1, 2)
                + nk[:, None, None] * delta[:, :, None] * delta[:, None, :]
            )
            c_n = means_weight * (meandiff[:, :, None] * meandiff[:, None, :]) + scatter
            cv_weight = max(self.covars_weight - self.n_features_in_, 0)
            if self.covariance_type == "tied":
                covars = (self.covars_prior + c_n.sum(axis=0)) / (cv_weight + nk.sum())
            else:
                weight = cv_weight + nk[:, None, None]
                with np.errstate(divide="ignore", invalid="ignore"):
                    covars = (self.covars_prior + c_n) / weight
                # A state no row reaches keeps its covariance.
                covars = np.where(weight > 0, covars, self._covars_)
            self._covars_ = _floor_covariances(covars, self.min_covar)

    def _sample_emissions(self, states, random_state):
        n_features = self.means_.shape[1]
        X = np.empty((states.shape[0], n_features))
        covars = self.covars_
        for k in range(self.n_components):
            rows = np.flatnonzero(states == k)
            if rows.size:
                X[rows] = random_state.multivariate_normal(
                    self.means_[k], covars[k], size=rows.size
                )
        return X

    def _state_moments(self):
        return self.means_, self.covars_

    def _impute_emissions(self, X, posteriors, states, random_state):
        return gaussian_fill_missing(
            X,
            posteriors,
            states,
            self.means_,
            self.covars_,
            self.covariance_type,
            random_state,
        )

    def _n_emission_parameters(self):
        k, d = self.n_components, self.means_.shape[1]
        return {
            "m": k * d,
            "c": {
                "spherical": k,
                "diag": k * d,
                "tied": d * (d + 1) // 2,
                "full": k * d * (d + 1) // 2,
            }[self.covariance_type],
        }
