"""Hidden Markov models with independent Poisson counts per feature."""

from numbers import Real
from typing import NamedTuple

import numpy as np
from sklearn.utils import check_array

from skgen.distributions import _poisson
from skgen.hmm._base import BaseHMM
from skgen.hmm._missing import check_training_columns, has_missing
from skgen.utils._sklearn_compat import StrOptions, validate_data


class PoissonStatistics(NamedTuple):
    """Sums over rows under the state posteriors ``r_tk``."""

    posterior_sums: np.ndarray  # (K,) sum_t r_tk
    weighted_counts: np.ndarray  # (K, n_features) sum_t r_tk x_t


class PoissonHMM(BaseHMM):
    """Hidden Markov model with independent Poisson counts per feature.

    A drop-in for :class:`hmmlearn.hmm.PoissonHMM` (same parameters and, from
    the same start, the same numbers), fitted by Baum-Welch on the Numba
    forward-backward kernel. Sequences as in :class:`GaussianHMM`.

    A missing count is NaN: it is left out of the likelihood and EM adds its
    expected value; :meth:`impute` fills it in (see :ref:`hmm_missing`).

    Parameters
    ----------
    n_components : int, default=1
        Number of hidden states.
    startprob_prior : float or array-like of shape (n_components,), default=1.0
        Dirichlet prior on ``startprob_`` (1.0: none).
    transmat_prior : float or array-like of shape (n_components, n_components), \
            default=1.0
        Dirichlet prior on each row of ``transmat_`` (1.0: none).
    lambdas_prior, lambdas_weight : float or array-like, default=0.0
        Gamma prior on ``lambdas_`` (shape and rate, as hmmlearn defines it).
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
    params : str, default='stl'
        Parameters EM updates: 's' start, 't' transitions, 'l' rates.
    init_params : str, default='stl'
        Parameters initialised before EM.
    implementation : {'log', 'scaling'}, default='log'
        Accepted for compatibility with hmmlearn; ignored.
    n_init : int, default=1
        Number of starts; the best final log-likelihood is kept.

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
        Transition probabilities.
    lambdas_ : ndarray of shape (n_components, n_features)
        Poisson rate of each feature in each state.
    converged_ : bool
        Whether EM stopped by ``tol`` rather than ``n_iter``.
    n_iter_ : int
        EM iterations run.
    lower_bound_ : float
        Total log-likelihood before the last M-step.
    lower_bounds_ : list of float
        ``lower_bound_`` at every iteration.
    monitor_ : :class:`~skgen.utils.ConvergenceMonitor`
        The EM run's convergence, with hmmlearn's attribute names:
        ``history`` (the log-likelihood at every iteration, then one per
        ``partial_fit`` call), ``iter``, ``converged`` (True only if ``tol``
        was met), ``tol``, ``n_iter``, ``verbose``.
        It exists before ``fit`` (hmmlearn's habit); a monitor assigned to
        it before ``fit`` is the one the fit reports to and stops by.
    n_features_in_ : int
        Number of features seen during fit.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.hmm import PoissonHMM
    >>> rng = np.random.RandomState(0)
    >>> X = np.concatenate([rng.poisson(2, (60, 1)), rng.poisson(20, (40, 1))])
    >>> model = PoissonHMM(n_components=2, n_iter=50, random_state=0).fit(X)
    >>> np.sort(model.lambdas_.ravel()).round(0)
    array([ 2., 20.])
    """

    _parameter_constraints: dict = {
        **BaseHMM._parameter_constraints,
        "lambdas_prior": ["array-like", Real],
        "lambdas_weight": ["array-like", Real],
        "implementation": [StrOptions({"log", "scaling"})],
    }

    _emission_codes = "l"
    _emission_parameter_names = ("lambdas_",)

    def __init__(
        self,
        n_components=1,
        startprob_prior=1.0,
        transmat_prior=1.0,
        lambdas_prior=0.0,
        lambdas_weight=0.0,
        algorithm="viterbi",
        random_state=None,
        n_iter=10,
        tol=1e-2,
        verbose=False,
        params="stl",
        init_params="stl",
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
        self.lambdas_prior = lambdas_prior
        self.lambdas_weight = lambdas_weight
        self.implementation = implementation

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        tags.input_tags.allow_nan = True  # a missing count is integrated out
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
        if np.any(X < 0):  # NaN compares False: missing counts pass
            raise ValueError(
                f"Negative values in data passed to {type(self).__name__} (input X)."
            )
        if reset:
            check_training_columns(X)
        return X

    def _init_emissions(self, X, random_state):
        if self._needs_init("l", "lambdas_"):
            # Method of moments over all counts, as hmmlearn does.
            mean, var = float(np.nanmean(X)), float(np.nanvar(X))
            if mean <= 0 or var <= 0:  # all zeros, or one repeated count
                self.lambdas_ = np.full(
                    (self.n_components, X.shape[1]), max(mean, 1e-3)
                )
            else:
                self.lambdas_ = random_state.gamma(
                    shape=mean**2 / var,
                    scale=var / mean,
                    size=(self.n_components, X.shape[1]),
                )

    def _check_emissions(self):
        lambdas = check_array(self.lambdas_, input_name="lambdas_")
        expected = (self.n_components, self.n_features_in_)
        if lambdas.shape != expected:
            raise ValueError(
                f"lambdas_ must have shape {expected}, got {lambdas.shape}."
            )
        if np.any(lambdas < 0):
            raise ValueError("lambdas_ must be non-negative.")
        self.lambdas_ = lambdas.astype(np.float64)

    def _emission_log_likelihood(self, X):
        if has_missing(X):
            return _poisson.log_likelihood_missing(X, self.lambdas_)
        return _poisson.log_likelihood(X, self.lambdas_)

    def _emission_statistics(self, X, posteriors):
        if has_missing(X):
            return PoissonStatistics(
                *_poisson.expected_sums_missing(X, posteriors, self.lambdas_)
            )
        return PoissonStatistics(*_poisson.expected_sums(X, posteriors))

    def _emission_m_step(self, stats, reference):
        if "l" not in self.params:
            return
        post, obs = stats
        # hmmlearn's update, including its n = all posteriors (not per state).
        n = post.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            y_bar = obs / post[:, np.newaxis]
        y_bar = np.where(post[:, np.newaxis] > 0, y_bar, self.lambdas_)
        self.lambdas_ = (self.lambdas_prior + n * y_bar) / (self.lambdas_weight + n)

    def _sample_emissions(self, states, random_state):
        return _poisson.sample(self.lambdas_[states], random_state)

    def _state_moments(self):
        # Counts are independent given the state: a diagonal covariance.
        return self.lambdas_, self.lambdas_[:, :, np.newaxis] * np.eye(
            self.lambdas_.shape[1]
        )

    def _impute_emissions(self, X, posteriors, states, random_state):
        X = np.array(X, dtype=np.float64)
        missing = np.isnan(X)
        if posteriors is not None:  # E[x_tj | x] = sum_k p(z_t = k | x) lambda_kj
            filled = posteriors @ self.lambdas_
        else:  # counts are independent given the state
            filled = _poisson.sample(self.lambdas_[states], random_state)
        X[missing] = filled[missing]
        return X

    def _n_emission_parameters(self):
        return {"l": self.lambdas_.size}
