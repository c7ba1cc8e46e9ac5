"""Hidden Markov models with categorical emissions (integer symbols)."""

from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
from sklearn.utils import check_array

from skgen.distributions import _categorical
from skgen.hmm._base import BaseHMM, _normalize_rows
from skgen.hmm._missing import check_training_columns
from skgen.utils._mapreduce import map_reduce
from skgen.utils._sklearn_compat import Interval, StrOptions, validate_data


class CategoricalStatistics(NamedTuple):
    """Expected symbol counts under the state posteriors."""

    counts: np.ndarray  # (K, n_features, n_symbols)


def _row_of_largest_symbol(X):
    """The first row of a block that holds its largest symbol."""
    return X[X.max(axis=1).argmax()]


def _first_largest_row(rows):
    """Of rows in block order, the first holding the largest symbol."""
    return rows[int(np.argmax([row.max() for row in rows]))]


class CategoricalHMM(BaseHMM):
    """Hidden Markov model with categorical emissions (integer symbols).

    A drop-in for :class:`hmmlearn.hmm.CategoricalHMM` (same parameters,
    attributes and, from the same start, the same numbers) on one column of
    symbols ``0, 1, ..., n_symbols_ - 1``. Several columns are modelled as
    independent categorical features given the state (as
    :class:`sklearn.naive_bayes.CategoricalNB` does). Sequences as in
    :class:`GaussianHMM`.

    A missing symbol is NaN in a float ``X`` whose other values are integral:
    it is left out of the likelihood and EM adds its expected counts;
    :meth:`impute` fills in the most probable symbol, or draws one (see
    :ref:`hmm_missing`).

    Parameters
    ----------
    n_components : int, default=1
        Number of hidden states.
    startprob_prior : float or array-like of shape (n_components,), default=1.0
        Dirichlet prior on ``startprob_`` (1.0: none).
    transmat_prior : float or array-like of shape (n_components, n_components), \
            default=1.0
        Dirichlet prior on each row of ``transmat_`` (1.0: none).
    emissionprob_prior : float or array-like of shape (n_components, n_symbols), \
            default=1.0
        Dirichlet prior on each row of ``emissionprob_`` (1.0: none).
    n_features : int, default=None
        Number of symbols (hmmlearn's name); None infers it as the largest
        symbol seen in ``fit`` plus one.
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
    params : str, default='ste'
        Parameters EM updates: 's' start, 't' transitions, 'e' emissions.
    init_params : str, default='ste'
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
    emissionprob_ : ndarray of shape (n_components, `n_symbols_`)
        Probability of each symbol in each state; of shape
        (n_components, `n_features_in_`, `n_symbols_`) for several columns.
    n_symbols_ : int
        Number of symbols (hmmlearn sets its ``n_features`` to it).
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
        Number of columns seen during fit (1 for hmmlearn's layout).

    See Also
    --------
    sklearn.naive_bayes.CategoricalNB : Categorical features without the
        time dependence.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.hmm import CategoricalHMM
    >>> X = np.array([[0], [0], [1], [0], [2], [2], [2], [1], [2], [2]])
    >>> model = CategoricalHMM(n_components=2, n_iter=50, random_state=1).fit(X)
    >>> model.emissionprob_.shape
    (2, 3)
    >>> X_new, states = model.sample(5, random_state=0)
    >>> X_new.shape, states.shape
    ((5, 1), (5,))
    """

    _parameter_constraints: dict = {
        **BaseHMM._parameter_constraints,
        "emissionprob_prior": ["array-like", Real],
        "n_features": [Interval(Integral, 1, None, closed="left"), None],
        "implementation": [StrOptions({"log", "scaling"})],
    }

    _emission_codes = "e"
    _emission_parameter_names = ("_emissionprob",)
    _row_dtypes = None  # integer symbols stay integers on dask

    def __init__(
        self,
        n_components=1,
        startprob_prior=1.0,
        transmat_prior=1.0,
        *,
        emissionprob_prior=1.0,
        n_features=None,
        algorithm="viterbi",
        random_state=None,
        n_iter=10,
        tol=1e-2,
        verbose=False,
        params="ste",
        init_params="ste",
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
        self.emissionprob_prior = emissionprob_prior
        self.n_features = n_features
        self.implementation = implementation

    @property
    def emissionprob_(self):
        """Emission probabilities: (n_components, n_symbols) for one column
        (as hmmlearn), (n_components, n_features, n_symbols) for several."""
        probs = self._emissionprob
        return probs[:, 0, :] if probs.shape[1] == 1 else probs

    @emissionprob_.setter
    def emissionprob_(self, probs):
        probs = np.array(probs, dtype=np.float64)
        self._emissionprob = probs[:, np.newaxis, :] if probs.ndim == 2 else probs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True
        tags.input_tags.positive_only = True
        tags.input_tags.allow_nan = True  # NaN: a missing symbol
        return tags

    def _validate_emission_data(self, X, reset):
        X = self._check_symbols(
            validate_data(
                self,
                X,
                dtype="numeric",
                order="C",
                reset=reset,
                ensure_all_finite="allow-nan",
            )
        )
        if reset:
            if X.size and X.min() < 0:
                check_training_columns(np.where(X < 0, np.nan, 0.0))
            return X
        n_symbols = self._emissionprob.shape[2]
        if X.size and X.max() >= n_symbols:
            raise ValueError(
                f"Largest symbol in X is {X.max()}, but the model emits symbols "
                f"up to {n_symbols - 1} only."
            )
        return X

    def _check_block(self, X):
        # The alphabet is checked against all rows when the model starts.
        return self._check_symbols(
            check_array(X, dtype="numeric", order="C", ensure_all_finite="allow-nan")
        )

    def _check_symbols(self, X):
        """Integer symbols 0, 1, ... as intp, or a clear error; a missing
        symbol (NaN in float ``X``) becomes the code -1."""
        missing = None
        if not np.issubdtype(X.dtype, np.integer):
            missing = np.isnan(X)
            if missing.any():
                X = np.where(missing, 0.0, X)
            else:
                missing = None
        if X.size and X.min() < 0:
            raise ValueError(
                f"Negative values in data passed to {type(self).__name__}: "
                f"symbols are 0, 1, ..., got {X.min()}."
            )
        if not np.issubdtype(X.dtype, np.integer):
            fractional = X[X != np.round(X)]
            if fractional.size:
                raise ValueError(
                    f"{type(self).__name__} takes integer symbols; X holds "
                    f"non-integer values such as {fractional[0]}."
                )
        if X.size and X.max() >= 2**31:
            raise ValueError(
                f"{type(self).__name__} takes symbol codes 0, 1, ..., n - 1; X holds "
                f"{X.max():g}. Encode the symbols first (e.g. OrdinalEncoder)."
            )
        X = X.astype(np.intp)
        if missing is not None:
            X[missing] = -1
        return X

    def _block_dtype(self, dtype):
        """Dtype of a validated block of a dask X: symbols as intp."""
        return np.intp

    def _initialisation_rows(self, X, random_state):
        rows = super()._initialisation_rows(X, random_state)
        if rows.shape[0] < X.shape[0]:
            # The alphabet comes from the largest symbol of all X: the row
            # that holds it joins the rows drawn from a dask X.
            top = map_reduce(_row_of_largest_symbol, X, combine=_first_largest_row)
            rows = np.vstack([rows, top[np.newaxis]])
        return rows

    def _init_emissions(self, X, random_state):
        largest = int(X.max()) + 1
        if self.n_features is not None and self.n_features < largest:
            raise ValueError(
                f"Largest symbol in X is {largest - 1}, but n_features="
                f"{self.n_features} allows symbols up to {self.n_features - 1}."
            )
        if not self._needs_init("e", "_emissionprob"):
            n_symbols = np.shape(self._emissionprob)[-1]
            if largest > n_symbols:
                raise ValueError(
                    f"Largest symbol in X is {largest - 1}, but the given "
                    f"emissionprob_ has {n_symbols} symbols."
                )
        else:
            n_symbols = largest if self.n_features is None else self.n_features
            if n_symbols * self.n_components * X.shape[1] > 10**8:
                raise ValueError(
                    f"Symbols up to {n_symbols - 1} need an emission table of "
                    f"{n_symbols * self.n_components * X.shape[1]:,} entries; "
                    "encode the symbols as 0, 1, ..., n - 1 first."
                )
            # hmmlearn's initialisation: uniform draws, normalised.
            probs = random_state.rand(self.n_components, X.shape[1], n_symbols)
            self._emissionprob = probs / probs.sum(axis=2, keepdims=True)

    def _check_emissions(self):
        probs = np.asarray(self._emissionprob, dtype=np.float64)
        k, d = self.n_components, self.n_features_in_
        if probs.ndim != 3 or probs.shape[:2] != (k, d):
            shape = probs[:, 0].shape if probs.ndim == 3 and d == 1 else probs.shape
            expected = f"({k}, n_symbols)" if d == 1 else f"({k}, {d}, n_symbols)"
            raise ValueError(f"emissionprob_ must have shape {expected}, got {shape}.")
        if self.n_features is not None and probs.shape[2] != self.n_features:
            raise ValueError(
                f"emissionprob_ has {probs.shape[2]} symbols, but n_features="
                f"{self.n_features}."
            )
        if not np.all(np.isfinite(probs)) or np.any(probs < 0):
            raise ValueError("emissionprob_ must hold finite, non-negative values.")
        sums = probs.sum(axis=2)
        if not np.allclose(sums, 1.0):
            raise ValueError(
                "Each row of emissionprob_ must sum to 1, got sums "
                f"{np.round(sums.ravel(), 6).tolist()}."
            )
        self._emissionprob = probs
        prior = np.asarray(self.emissionprob_prior, dtype=np.float64)
        if prior.ndim == 2:
            prior = prior[:, np.newaxis, :]
        try:
            np.broadcast_to(prior, probs.shape)
        except ValueError:
            raise ValueError(
                "emissionprob_prior must be a number or broadcast to "
                f"(n_components, n_symbols) = {probs[:, 0].shape}, got shape "
                f"{np.shape(self.emissionprob_prior)}."
            ) from None
        if not np.all(np.isfinite(prior)) or np.any(prior < 0):
            raise ValueError("emissionprob_prior must be finite and non-negative.")

    @property
    def n_symbols_(self):
        """Number of symbols the model emits (hmmlearn's fitted ``n_features``)."""
        return self._emissionprob.shape[2]

    def _emission_log_likelihood(self, X):
        return _categorical.log_likelihood(X, self._emissionprob)

    def _emission_statistics(self, X, posteriors):
        n_symbols = self._emissionprob.shape[2]
        return CategoricalStatistics(
            _categorical.expected_counts(
                X, posteriors, n_symbols, probs=self._emissionprob
            )
        )

    def _emission_m_step(self, stats, reference):
        if "e" not in self.params:
            return
        prior = np.asarray(self.emissionprob_prior, dtype=np.float64)
        if prior.ndim == 2:  # hmmlearn's (n_components, n_symbols)
            prior = prior[:, np.newaxis, :]
        counts = np.maximum(prior - 1.0 + stats.counts, 0.0)
        self._emissionprob, _ = _normalize_rows(counts, self._emissionprob)

    def _sample_emissions(self, states, random_state):
        return _categorical.sample(self._emissionprob[states], random_state)

    def _predictive_emissions(self, state_proba):
        # Symbols are codes, not numbers: their probabilities, not a mean.
        k, d, n_symbols = self._emissionprob.shape
        table = state_proba.reshape(-1, k) @ self._emissionprob.reshape(k, -1)
        return {"symbol_proba": table.reshape(*state_proba.shape[:-1], d, n_symbols)}

    def _impute_emissions(self, X, posteriors, states, random_state):
        missing = X < 0
        X = X.copy()
        if not missing.any():
            return X
        if posteriors is not None:
            # Symbols are codes, not numbers: the most probable symbol,
            # argmax_s sum_k p(z_t = k | x) p(s | k, f), not a mean.
            symbol_probs = np.einsum("tk,kfs->tfs", posteriors, self._emissionprob)
            filled = symbol_probs.argmax(axis=2)
        else:  # entries are independent given the state
            filled = _categorical.sample(self._emissionprob[states], random_state)
        X[missing] = filled[missing]
        return X

    def _n_emission_parameters(self):
        k, d, n_symbols = self._emissionprob.shape
        return {"e": k * d * (n_symbols - 1)}
