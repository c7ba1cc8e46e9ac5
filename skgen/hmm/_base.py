"""Base class of skgen's hidden Markov models: EM over sequences, decoding, sampling."""

import math
import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real
from time import time

import numpy as np
from sklearn.base import BaseEstimator, DensityMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state

from skgen.base import GenerativeMixin, _weighted_mean
from skgen.hmm import _kernels
from skgen.utils._chunking import n_chunks_for
from skgen.utils._dask import is_dask_collection
from skgen.utils._sequences import sequence_blocks, sequence_bounds
from skgen.utils._sklearn_compat import (
    Interval,
    StrOptions,
    _fit_context,
    _num_samples,
    check_is_fitted,
)
from skgen.utils._threads import single_threaded_blas, threads_for


def _normalize_rows(counts, previous):
    """Rows of ``counts`` made stochastic; a row with no mass keeps ``previous``.

    hmmlearn leaves such a row at zero, which makes its state a dead end; here
    the state's previous distribution stays (and a warning says which).
    """
    totals = counts.sum(axis=-1, keepdims=True)
    empty = totals[..., 0] == 0
    out = np.where(totals > 0, counts / np.where(totals > 0, totals, 1.0), previous)
    return out, np.flatnonzero(np.atleast_1d(empty))


#: Rows per group of whole sequences in predictions: their temporaries
#: ((n_rows, n_components) frame log-probabilities, posteriors) stay bounded.
_BLOCK_ROWS = 65536


def _over_sequence_blocks(function, X, bounds):
    """``function(X_block, block_bounds)`` over groups of whole sequences.

    ``function`` returns a per-sequence array (or None) and a per-row array;
    they come back for all of ``X``, concatenated in order.
    """
    blocks = list(sequence_blocks(bounds, _BLOCK_ROWS))
    if len(blocks) <= 1:
        return function(X, bounds)
    per_sequence, per_row = [], None
    for rows, block_bounds in blocks:
        sequence_part, row_part = function(X[rows], block_bounds)
        if per_row is None:
            per_row = np.empty((X.shape[0], *row_part.shape[1:]), row_part.dtype)
        per_row[rows] = row_part
        per_sequence.append(sequence_part)
    if per_sequence[0] is None:
        return None, per_row
    return np.concatenate(per_sequence), per_row


def _sequence_chunks(bounds, stat_size=1):
    """Chunks of whole sequences for the kernels (at least one sequence each)."""
    return n_chunks_for(len(bounds) - 1, stat_size, min_per_chunk=1)


def _warn_if_lengths_passed_as_y(y, n_samples, method):
    """hmmlearn's ``fit(X, lengths)`` lands ``lengths`` in scikit-learn's ``y``."""
    y = np.asarray(y)
    if (
        y.ndim == 1
        and 0 < y.shape[0] < n_samples
        and np.issubdtype(y.dtype, np.integer)
        and y.sum() == n_samples
    ):
        warnings.warn(
            f"The second argument of {method} is y, which an HMM ignores, yet it "
            f"looks like sequence lengths: pass them as {method}(X, lengths=...).",
            UserWarning,
            stacklevel=3,
        )


def _check_possible(log_lik):
    """A sequence of zero probability has no posterior: say so."""
    if np.any(np.isnan(log_lik)):
        which = np.flatnonzero(np.isnan(log_lik))[:5].tolist()
        raise ValueError(
            f"The log-likelihood of sequence(s) {which} is NaN: the emission "
            "parameters give NaN log-probabilities."
        )
    if np.any(np.isneginf(log_lik)):
        raise ValueError(
            f"Sequence(s) {np.flatnonzero(np.isneginf(log_lik))[:5].tolist()} "
            "have zero probability under the current parameters (a "
            "forbidden transition or start, or rows no state can emit)."
        )


def _check_prior(name, prior, shape):
    prior = np.asarray(prior, dtype=np.float64)
    try:
        np.broadcast_to(prior, shape)
    except ValueError:
        raise ValueError(
            f"{name} must be a number or broadcast to shape {shape}, got shape "
            f"{prior.shape}."
        ) from None
    if not np.all(np.isfinite(prior)) or np.any(prior < 0):
        raise ValueError(f"{name} must be finite and non-negative.")


def _check_stochastic(name, array, shape):
    array = np.asarray(array, dtype=np.float64)
    if array.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {array.shape}.")
    if not np.all(np.isfinite(array)) or np.any(array < 0):
        raise ValueError(f"{name} must hold finite, non-negative probabilities.")
    sums = array.sum(axis=-1)
    if not np.allclose(sums, 1.0):
        raise ValueError(
            f"Each row of {name} must sum to 1, got sums {np.round(sums, 6).tolist()}."
        )
    return array


class BaseHMM(GenerativeMixin, DensityMixin, BaseEstimator, metaclass=ABCMeta):
    """Base class for hidden Markov models fitted by Baum-Welch (EM).

    Owns the sequences (``lengths`` as hmmlearn, or the sample-aligned
    ``sequence_ids`` that scikit-learn's cross-validation can split), the EM
    loop over the Numba forward-backward kernel, the start and transition
    M-step, decoding, scoring and sampling. An emission family supplies:

    * ``_emission_codes`` -- its letters in ``params`` / ``init_params``;
    * ``_validate_emission_data(X, reset)`` -- check and convert ``X``;
    * ``_init_emissions(X, random_state)`` / ``_check_emissions()``;
    * ``_emission_log_likelihood(X)`` -- (n_samples, n_components) log p(x | state),
      a new array each call (the forward-backward kernel overwrites it);
    * ``_emission_statistics(X, posteriors)`` and ``_emission_m_step(stats)``;
    * ``_sample_emissions(states, random_state)``;
    * ``_n_emission_parameters()`` -- free parameters per code letter;
    * ``_n_reference_statistics`` -- how many trailing entries of the
      statistics are reference points rather than sums (0 by default), so that
      the statistics of row blocks add up (dask input).
    """

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "startprob_prior": ["array-like", Interval(Real, 0.0, None, closed="left")],
        "transmat_prior": ["array-like", Interval(Real, 0.0, None, closed="left")],
        "algorithm": [StrOptions({"viterbi", "map"})],
        "random_state": ["random_state"],
        "n_iter": [Interval(Integral, 1, None, closed="left")],
        "n_init": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0.0, None, closed="left")],
        "verbose": ["verbose"],
        "params": [str],
        "init_params": [str],
        "learning_decay": [Interval(Real, 0.5, 1.0, closed="right")],
        "learning_offset": [Interval(Real, 0.0, None, closed="left")],
    }

    # Sequences travel with the rows through metadata routing, requested by
    # default so that cross_validate / GridSearchCV pass them on.
    __metadata_request__fit = {"sequence_ids": True, "lengths": True}
    __metadata_request__score = {"sequence_ids": True, "lengths": True}
    __metadata_request__predict = {"sequence_ids": True, "lengths": True}
    __metadata_request__predict_proba = {"sequence_ids": True, "lengths": True}

    def __init__(
        self,
        n_components,
        startprob_prior,
        transmat_prior,
        algorithm,
        random_state,
        n_iter,
        tol,
        verbose,
        params,
        init_params,
        n_init,
        learning_decay,
        learning_offset,
    ):
        self.n_components = n_components
        self.startprob_prior = startprob_prior
        self.transmat_prior = transmat_prior
        self.algorithm = algorithm
        self.random_state = random_state
        self.n_iter = n_iter
        self.tol = tol
        self.verbose = verbose
        self.params = params
        self.init_params = init_params
        self.n_init = n_init
        self.learning_decay = learning_decay
        self.learning_offset = learning_offset

    # -- emission hooks ------------------------------------------------------

    _emission_codes = ""
    _n_reference_statistics = 0
    #: Attributes holding the emission parameters (restored between n_init starts).
    _emission_parameter_names = ()

    @abstractmethod
    def _validate_emission_data(self, X, reset):
        """Return ``X`` checked for this emission family."""

    @abstractmethod
    def _init_emissions(self, X, random_state):
        """Initialise the emission parameters whose code is in init_params."""

    @abstractmethod
    def _check_emissions(self):
        """Validate emission parameters the user set."""

    @abstractmethod
    def _emission_log_likelihood(self, X):
        """Return log p(x_t | state k), shape (n_samples, n_components)."""

    @abstractmethod
    def _emission_statistics(self, X, posteriors):
        """Sufficient statistics of the emissions under state posteriors."""

    @abstractmethod
    def _emission_m_step(self, stats):
        """Update the emission parameters in ``params`` from statistics."""

    def _scale_statistics(self, stats, factor):
        """``(start, transitions, emission)`` statistics times ``factor``
        (the emission family's trailing reference points kept)."""
        start, transitions, emission = stats
        keep = len(emission) - self._n_reference_statistics
        emission = tuple(s * factor if i < keep else s for i, s in enumerate(emission))
        return start * factor, transitions * factor, emission

    def _blend_emission_statistics(self, old, new, step):
        """Statistics of ``(1 - step) * old + step * new`` (for partial_fit).

        Linear by default; a family whose statistics are taken around moving
        reference points overrides it.
        """
        return tuple((1.0 - step) * a + step * b for a, b in zip(old, new))

    @abstractmethod
    def _sample_emissions(self, states, random_state):
        """Draw one row per state of the path ``states``."""

    @abstractmethod
    def _n_emission_parameters(self):
        """Dict: emission code letter -> number of free scalars."""

    # -- data and sequences --------------------------------------------------

    def _validate(self, X, lengths, sequence_ids, reset):
        if is_dask_collection(X):
            from skgen.hmm import _dask

            return _dask.validate(self, X, lengths, sequence_ids, reset)
        if reset:
            X = self._validate_emission_data(X, reset=True)
        else:
            check_is_fitted(self)
            X = self._validate_emission_data(X, reset=False)
        bounds = sequence_bounds(X.shape[0], lengths, sequence_ids)
        return X, bounds

    def _needs_init(self, code, name):
        return code in self.init_params or not hasattr(self, name)

    def _init_parameters(self, X, random_state):
        if is_dask_collection(X):
            from skgen.hmm import _dask

            X = _dask.initialisation_rows(self, X, random_state)
        k = self.n_components
        if self._needs_init("s", "startprob_"):
            self.startprob_ = random_state.dirichlet(np.full(k, 1.0 / k))
        if self._needs_init("t", "transmat_"):
            self.transmat_ = random_state.dirichlet(np.full(k, 1.0 / k), size=k)
        self._init_emissions(X, random_state)

    def _check_parameters(self):
        k = self.n_components
        self.startprob_ = _check_stochastic("startprob_", self.startprob_, (k,))
        self.transmat_ = _check_stochastic("transmat_", self.transmat_, (k, k))
        _check_prior("startprob_prior", self.startprob_prior, (k,))
        _check_prior("transmat_prior", self.transmat_prior, (k, k))
        self._check_emissions()

    # -- fitting -------------------------------------------------------------

    def _frame_log_likelihood(self, X):
        """``_emission_log_likelihood(X)``, checked: the kernels would read a
        NaN as an impossible frame."""
        log_frameprob = np.ascontiguousarray(
            self._emission_log_likelihood(X), dtype=np.float64
        )
        # One pass that NaN propagates through (the per-row test took 4.4 ms
        # on 200,000 x 8, a third of a Baum-Welch iteration).
        if not np.isnan(log_frameprob.sum()):
            return log_frameprob
        nan_rows = np.isnan(log_frameprob).any(axis=1)
        if nan_rows.any():
            raise ValueError(
                f"The emission log-probabilities of {int(nan_rows.sum())} row(s) "
                f"(the first: row {int(np.argmax(nan_rows))}) are NaN: the "
                "emission parameters must be finite."
            )
        return log_frameprob

    def _forward_backward(self, X, bounds):
        log_frameprob = self._frame_log_likelihood(X)
        with threads_for(X.shape[0] * self.n_components**2):
            # The posteriors overwrite the frame log-probabilities in place.
            return _kernels.forward_backward(
                self.startprob_,
                self.transmat_,
                log_frameprob,
                bounds,
                _sequence_chunks(bounds, self.n_components**2),
                log_frameprob,
            )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, lengths=None, sequence_ids=None):
        """Estimate the parameters with the Baum-Welch algorithm (EM).

        Parameters not in ``init_params`` keep the values set on the estimator
        before ``fit``; those not in ``params`` are not updated. Zeros of a
        given ``transmat_`` or ``startprob_`` stay zero (left-right and other
        sparse topologies).

        A dask array ``X`` is fitted where its row blocks live: each
        iteration's forward-backward passes and expected counts run on the
        workers, block by block, and the counts are added in a fixed order
        before the M-step; every sequence must lie inside one block. The
        result equals the in-memory fit to rounding (see :ref:`scaling`).

        Parameters
        ----------
        X : array-like or dask array of shape (n_samples, n_features)
            The rows of all sequences, stacked.
        y : None
            Ignored; present for API consistency.
        lengths : array-like of int, default=None
            Lengths of the sequences in ``X`` (as hmmlearn); they sum to
            ``n_samples``.
        sequence_ids : array-like of shape (n_samples,), default=None
            The sequence of each row; rows of one sequence are contiguous.
            Aligned with ``X``, so cross-validation splits it with the rows.

        Returns
        -------
        self : object
            The fitted model.
        """
        if y is not None and lengths is None and sequence_ids is None:
            _warn_if_lengths_passed_as_y(y, _num_samples(X), "fit")
        X, bounds = self._validate(X, lengths, sequence_ids, reset=True)
        random_state = check_random_state(self.random_state)
        names = ("startprob_", "transmat_", *self._emission_parameter_names)
        # Values the user set before fit: every start begins from them.
        given = {
            name: np.copy(getattr(self, name)) for name in names if hasattr(self, name)
        }
        best = None
        with single_threaded_blas():
            for init in range(self.n_init):
                for name in names:
                    if name in given:
                        setattr(self, name, np.copy(given[name]))
                    elif hasattr(self, name):
                        delattr(self, name)
                if self.verbose and self.n_init > 1:
                    print(f"Initialization {init}")
                self._init_parameters(X, random_state)
                self._check_parameters()
                run = self._em(X, bounds)
                if best is None or run["lower_bounds"][-1] > best["lower_bounds"][-1]:
                    best = {**run, "params": {n: getattr(self, n) for n in names}}
        for name, value in best["params"].items():
            setattr(self, name, value)
        self.converged_ = best["converged"]
        self.n_iter_ = len(best["lower_bounds"])
        self.lower_bound_ = best["lower_bounds"][-1]
        self.lower_bounds_ = best["lower_bounds"]
        # partial_fit continues from the last iteration's expected counts.
        self._running_stats = (
            X.shape[0],
            self._scale_statistics(best["stats"], 1.0 / X.shape[0]),
        )
        self.n_steps_ = 1
        if not self.converged_:
            change = best["change"]
            last = f"was {change:.3g}" if np.isfinite(change) else "is unknown"
            warnings.warn(
                f"Baum-Welch did not converge in n_iter={self.n_iter} iterations: "
                f"the last change of the log-likelihood {last}, tol={self.tol:g}. "
                "Increase n_iter or raise tol.",
                ConvergenceWarning,
                stacklevel=2,
            )
        self._start_sample_stream()
        return self

    def _e_step(self, X, bounds):
        """Log-likelihood of the sequences and the M-step's statistics."""
        if is_dask_collection(X):
            from skgen.hmm import _dask

            return _dask.e_step(self, X, bounds)
        log_lik, posteriors, start, transitions = self._forward_backward(X, bounds)
        _check_possible(log_lik)
        stats = (
            start.sum(axis=0),
            transitions.sum(axis=0),
            self._emission_statistics(X, posteriors),
        )
        return float(log_lik.sum()), stats

    def _em(self, X, bounds):
        """Baum-Welch from the current parameters; return its record."""
        history = []
        converged = False
        tic = time()
        for n_iter in range(1, self.n_iter + 1):
            lower_bound, stats = self._e_step(X, bounds)
            self._m_step(*stats)
            change = lower_bound - history[-1] if history else np.inf
            history.append(lower_bound)
            if self.verbose:
                print(
                    f"  iteration {n_iter:>4}  log-likelihood {lower_bound:.6f}"
                    f"  change {change:.6g}  ({time() - tic:.2f} s)"
                )
            if abs(change) < self.tol:
                converged = True
                break
        return {
            "lower_bounds": history,
            "converged": converged,
            "change": change,
            "stats": stats,
        }

    def partial_fit(self, X, y=None, lengths=None, sequence_ids=None):
        """Update the model with one batch of sequences by stepwise online EM.

        Each call runs one forward-backward pass over the batch under the
        current parameters and moves the running expected counts toward the
        batch's,

        .. math::

            s \\leftarrow (1 - \\rho_t)\\, s + \\rho_t\\, \\hat s_t, \\qquad
            \\rho_t = (t + \\text{learning\\_offset})^{-\\text{learning\\_decay}},

        where ``t`` counts the earlier updates (``rho = 1`` for the first
        batch), then runs the M-step on ``s`` (Cappé & Moulines, 2009). The
        counts are blended as averages per row, so a batch weighs ``rho``
        whatever its size; the M-step takes them back to the scale of the
        (blended) batch size, where the priors weigh as in a fit on one batch.
        The first call initialises the parameters from its batch with
        ``init_params``. After ``fit``, the counts of the fit's last
        iteration count as the first update, so the model is updated, not
        restarted. Sequences do not span batches.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The rows of the batch's sequences, stacked.
        y : None
            Ignored; present for API consistency.
        lengths, sequence_ids : array-like, default=None
            How rows group into sequences (see :meth:`fit`).

        Returns
        -------
        self : object
            The updated model.
        """
        self._validate_params()
        first_call = not hasattr(self, "n_steps_") and not hasattr(self, "converged_")
        X, bounds = self._validate(X, lengths, sequence_ids, reset=first_call)
        with single_threaded_blas():
            if first_call:
                self._init_parameters(X, check_random_state(self.random_state))
                self._check_parameters()
                self._running_stats = None
                self.converged_ = False
                self.lower_bounds_ = []
                self._start_sample_stream()
            step = getattr(self, "n_steps_", 0)
            log_likelihood, batch_stats = self._e_step(X, bounds)
            # Blend per-row averages, so that a batch weighs rho whatever its
            # size; the M-step sees them back on the scale of the (blended)
            # batch size, which is where the priors weigh.
            batch = (X.shape[0], self._scale_statistics(batch_stats, 1.0 / X.shape[0]))
            running = getattr(self, "_running_stats", None)
            if running is None:
                running = batch
            else:
                rho = (step + self.learning_offset) ** -self.learning_decay
                old, new = running[1], batch[1]
                running = (
                    (1.0 - rho) * running[0] + rho * batch[0],
                    (
                        (1.0 - rho) * old[0] + rho * new[0],
                        (1.0 - rho) * old[1] + rho * new[1],
                        self._blend_emission_statistics(old[2], new[2], rho),
                    ),
                )
            self._running_stats = running
            self._m_step(*self._scale_statistics(running[1], running[0]))
        self.n_steps_ = step + 1
        self.n_iter_ = getattr(self, "n_iter_", 0) + 1
        self.lower_bound_ = log_likelihood
        self.lower_bounds_ = [*self.lower_bounds_, log_likelihood]
        return self

    def _m_step(self, start_counts, transition_counts, emission_stats):
        if "s" in self.params:
            counts = np.maximum(self.startprob_prior - 1.0 + start_counts, 0.0)
            counts = np.where(self.startprob_ == 0, 0.0, counts)
            self.startprob_, _ = _normalize_rows(counts, self.startprob_)
        if "t" in self.params:
            counts = np.maximum(self.transmat_prior - 1.0 + transition_counts, 0.0)
            counts = np.where(self.transmat_ == 0, 0.0, counts)
            self.transmat_, empty = _normalize_rows(counts, self.transmat_)
            if empty.size:
                warnings.warn(
                    f"No transition out of state(s) {empty.tolist()} was expected "
                    "in the data; their rows of transmat_ are left unchanged. "
                    "Consider fewer n_components.",
                    RuntimeWarning,
                    stacklevel=3,
                )
        self._emission_m_step(emission_stats)

    # -- inference -----------------------------------------------------------

    def score_samples(self, X, lengths=None, *, sequence_ids=None):
        """Log-likelihood of each row given the rows before it in its sequence.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The rows of all sequences, stacked.
        lengths, sequence_ids : array-like, default=None
            How rows group into sequences (see :meth:`fit`).

        Returns
        -------
        log_prob : ndarray of shape (n_samples,)
            ``log p(x_t | x_<t)``; the entries of a sequence sum to its
            log-likelihood ``log p(x_1, ..., x_T)``. A dask array for dask
            ``X`` (each sequence inside one row block).
        """
        if is_dask_collection(X):
            from skgen.hmm import _dask

            return _dask.score_samples(self, X, lengths, sequence_ids)
        X, bounds = self._validate(X, lengths, sequence_ids, reset=False)
        return _over_sequence_blocks(self._step_log_likelihood, X, bounds)[1]

    def _step_log_likelihood(self, X, bounds):
        log_frameprob = self._frame_log_likelihood(X)
        with threads_for(X.shape[0] * self.n_components**2):
            return None, _kernels.step_log_likelihood(
                self.startprob_,
                self.transmat_,
                log_frameprob,
                bounds,
                _sequence_chunks(bounds),
            )

    def score(self, X, y=None, lengths=None, sequence_ids=None, sample_weight=None):
        """Mean of :meth:`score_samples`: log-likelihood per row.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The rows of all sequences, stacked.
        y : None
            Ignored; present for API consistency.
        lengths, sequence_ids : array-like, default=None
            How rows group into sequences (see :meth:`fit`).
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows' :meth:`score_samples` in the mean.

        Returns
        -------
        log_likelihood : float
            Total log-likelihood of the sequences divided by ``n_samples``.
        """
        if y is not None and lengths is None and sequence_ids is None:
            _warn_if_lengths_passed_as_y(y, _num_samples(X), "score")
        log_prob = self.score_samples(X, lengths, sequence_ids=sequence_ids)
        return _weighted_mean(log_prob, sample_weight)

    def predict_proba(self, X, lengths=None, *, sequence_ids=None):
        """Posterior probability of each state at each row.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The rows of all sequences, stacked.
        lengths, sequence_ids : array-like, default=None
            How rows group into sequences (see :meth:`fit`).

        Returns
        -------
        posteriors : ndarray of shape (n_samples, n_components)
            ``p(z_t = k | x)`` given the whole sequence. A dask array for
            dask ``X`` (each sequence inside one row block).
        """
        if is_dask_collection(X):
            from skgen.hmm import _dask

            return _dask.predict_proba(self, X, lengths, sequence_ids)
        X, bounds = self._validate(X, lengths, sequence_ids, reset=False)
        log_lik, posteriors = _over_sequence_blocks(
            lambda X, bounds: self._forward_backward(X, bounds)[:2], X, bounds
        )
        _check_possible(log_lik)
        return posteriors

    def decode(self, X, lengths=None, algorithm=None, *, sequence_ids=None):
        """Most likely states, as hmmlearn's ``decode``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The rows of all sequences, stacked.
        lengths, sequence_ids : array-like, default=None
            How rows group into sequences (see :meth:`fit`).
        algorithm : {'viterbi', 'map'}, default=None
            'viterbi': the single most likely path; 'map': the most likely
            state at each row. Defaults to the estimator's ``algorithm``.

        Returns
        -------
        log_prob : float
            'viterbi': log-probability of the best paths, summed over
            sequences. 'map': as hmmlearn returns it, the sum over rows of the
            largest posterior state probability (a score, not a log-probability).
        states : ndarray of shape (n_samples,)
            The decoded states. For dask ``X`` (each sequence inside one row
            block), ``log_prob`` is a 0-d and ``states`` a 1-d dask array.
        """
        algorithm = self.algorithm if algorithm is None else algorithm
        if algorithm not in ("viterbi", "map"):
            raise ValueError(
                f"algorithm must be 'viterbi' or 'map', got {algorithm!r}."
            )
        if is_dask_collection(X):
            from skgen.hmm import _dask

            return _dask.decode(self, X, lengths, algorithm, sequence_ids)
        X, bounds = self._validate(X, lengths, sequence_ids, reset=False)
        if algorithm == "map":
            scores, states = _over_sequence_blocks(self._decode_map, X, bounds)
            _check_possible(scores[:, 0])
            return float(scores[:, 1].sum()), states
        log_prob, states = _over_sequence_blocks(self._viterbi, X, bounds)
        _check_possible(log_prob)
        return float(log_prob.sum()), states

    def _decode_map(self, X, bounds):
        """Per sequence: log-likelihood and summed top posterior; per row: state."""
        log_lik, posteriors = self._forward_backward(X, bounds)[:2]
        top = np.add.reduceat(posteriors.max(axis=1), bounds[:-1])
        return np.column_stack([log_lik, top]), posteriors.argmax(axis=1)

    def _viterbi(self, X, bounds):
        log_frameprob = self._frame_log_likelihood(X)
        with (
            np.errstate(divide="ignore"),
            threads_for(X.shape[0] * self.n_components**2),
        ):
            return _kernels.viterbi(
                np.log(self.startprob_),
                np.log(self.transmat_),
                log_frameprob,
                bounds,
                _sequence_chunks(bounds),
            )

    def predict(self, X, lengths=None, *, sequence_ids=None):
        """Decoded states by ``algorithm`` (Viterbi by default).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The rows of all sequences, stacked.
        lengths, sequence_ids : array-like, default=None
            How rows group into sequences (see :meth:`fit`).

        Returns
        -------
        states : ndarray of shape (n_samples,)
        """
        return self.decode(X, lengths, sequence_ids=sequence_ids)[1]

    def sample(self, n_samples=1, *, random_state=None, chunks=None):
        """Draw one sequence from the model.

        Parameters
        ----------
        n_samples : int, default=1
            Length of the sequence.
        random_state : int, RandomState instance or None, default=None
            None draws from the model's own stream (advanced by every call);
            an int makes the call reproducible.
        chunks : int, default=None
            None returns ndarrays. An int returns dask arrays (dask needed):
            the same one sequence, drawn lazily in blocks of at most
            ``chunks`` rows, each block starting from the state the previous
            one ended in and drawing from its own generator seeded from the
            stream above (reproducible for an integer ``random_state``, but
            other rows than without ``chunks``).

        Returns
        -------
        X : ndarray or dask array of shape (n_samples, n_features)
            The emitted rows.
        states : ndarray or dask array of shape (n_samples,)
            The hidden state path.
        """
        if chunks is not None:
            from skgen.hmm import _dask

            return _dask.sample(self, n_samples, chunks, random_state)
        rng = self._sample_stream(n_samples, random_state)
        states = _kernels.sample_states(
            np.cumsum(self.startprob_),
            np.cumsum(self.transmat_, axis=1),
            rng.uniform(size=n_samples),
        )
        return self._sample_emissions(states, rng), states

    def bic(self, X, lengths=None, *, sequence_ids=None):
        """Bayesian information criterion of the fitted model on ``X``.

        ``-2 log L + n_parameters * log(n_samples)``; lower is better. Only
        the parameters EM estimates (those in ``params``) count; hmmlearn
        also counts fixed ones.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The rows of all sequences, stacked.
        lengths, sequence_ids : array-like, default=None
            How rows group into sequences (see :meth:`fit`).

        Returns
        -------
        bic : float
        """
        log_prob = self.score_samples(X, lengths, sequence_ids=sequence_ids)
        n_samples = log_prob.shape[0]
        return -2 * float(log_prob.sum()) + self._n_parameters() * math.log(n_samples)

    def aic(self, X, lengths=None, *, sequence_ids=None):
        """Akaike information criterion of the fitted model on ``X``.

        ``-2 log L + 2 n_parameters``; lower is better.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The rows of all sequences, stacked.
        lengths, sequence_ids : array-like, default=None
            How rows group into sequences (see :meth:`fit`).

        Returns
        -------
        aic : float
        """
        log_prob = self.score_samples(X, lengths, sequence_ids=sequence_ids)
        return -2 * float(log_prob.sum()) + 2 * self._n_parameters()

    def _n_parameters(self):
        """Free parameters that ``params`` lets EM change."""
        k = self.n_components
        counts = {"s": k - 1, "t": k * (k - 1), **self._n_emission_parameters()}
        return int(sum(n for code, n in counts.items() if code in self.params))
