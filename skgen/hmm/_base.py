"""Base class of skgen's hidden Markov models: EM over sequences, decoding, sampling."""

import copy
import math
import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real
from time import time
from typing import NamedTuple

import numpy as np
from sklearn.base import BaseEstimator, DensityMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state, check_scalar

from skgen.base import GenerativeMixin, _weighted_mean
from skgen.hmm import _kernels
from skgen.hmm._forecast import HMMForecast, check_n_steps, mixture_moments
from skgen.utils._chunking import n_chunks_for, rows_per_block
from skgen.utils._mapreduce import (
    initialisation_rows,
    map_reduce,
    sample_in_blocks,
    sequence_wise,
    validate_rows,
    validated_sequence_bounds,
)
from skgen.utils._monitor import ConvergenceMonitor
from skgen.utils._sequences import bounds_within, sequence_blocks
from skgen.utils._sklearn_compat import (
    Interval,
    StrOptions,
    _fit_context,
    _num_samples,
    check_is_fitted,
)
from skgen.utils._statistics import blend_sums, scale_sums
from skgen.utils._threads import single_threaded_blas, threads_for
from skgen.utils._validation import check_letters


def _normalize_rows(counts, previous):
    """Rows of ``counts`` made stochastic; a row with no mass keeps ``previous``.

    hmmlearn leaves such a row at zero, which makes its state a dead end; here
    the state's previous distribution stays (and a warning says which).
    """
    totals = counts.sum(axis=-1, keepdims=True)
    empty = totals[..., 0] == 0
    out = np.where(totals > 0, counts / np.where(totals > 0, totals, 1.0), previous)
    return out, np.flatnonzero(np.atleast_1d(empty))


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


def _known_states(states, n_samples, n_components):
    """``fit``'s ``states``: the known state of each row (-1 where unknown).

    Returns an int64 array of shape (n_samples,), or None when no state is
    known (``states`` None or all -1).
    """
    if states is None:
        return None
    labels = np.asarray(states)
    if labels.ndim != 1 or labels.shape[0] != n_samples:
        raise ValueError(
            "states must hold the hidden state of each row of X (-1 where "
            f"unknown): expected shape ({n_samples},), got {labels.shape}."
        )
    if labels.dtype.kind == "f":
        fractional = ~np.isfinite(labels) | (labels != np.round(labels))
        if fractional.any():
            row = int(np.argmax(fractional))
            raise ValueError(
                "states must hold integer states (-1 where unknown), got "
                f"{float(labels[row])} at row {row}."
            )
    elif labels.dtype.kind not in "iu":
        raise ValueError(
            "states must hold integer states (-1 where unknown), got an array "
            f"of dtype {labels.dtype}."
        )
    labels = labels.astype(np.int64)
    outside = (labels < -1) | (labels >= n_components)
    if outside.any():
        row = int(np.argmax(outside))
        raise ValueError(
            f"states must be in [0, {n_components - 1}] (n_components="
            f"{n_components}) or -1 where unknown, got {labels[row]} at row {row}."
        )
    return None if np.all(labels == -1) else labels


def _row_weights(sample_weight, bounds):
    """Per-sequence ``sample_weight`` as one weight per row (None: unweighted).

    Takes one weight per sequence, or one per row equal within each sequence
    (the form cross-validation splits with the rows).
    """
    if sample_weight is None:
        return None
    n_samples, n_sequences = int(bounds[-1]), len(bounds) - 1
    weights = np.asarray(sample_weight)
    if weights.ndim != 1 or weights.shape[0] not in (n_sequences, n_samples):
        raise ValueError(
            "sample_weight must have one entry per sequence "
            f"({n_sequences},) or per row ({n_samples},), got shape "
            f"{weights.shape}."
        )
    if weights.dtype.kind not in "biuf":
        raise ValueError(f"sample_weight must hold numbers, got dtype {weights.dtype}.")
    weights = weights.astype(np.float64)
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise ValueError(
            "sample_weight must be finite and non-negative, got "
            f"{weights[~(np.isfinite(weights) & (weights >= 0))][0]:g}."
        )
    sizes = np.diff(bounds)
    if weights.shape[0] == n_sequences:
        weights = np.repeat(weights, sizes)
    else:
        varies = weights != np.repeat(weights[bounds[:-1]], sizes)
        if varies.any():
            row = int(np.argmax(varies))
            sequence = int(np.searchsorted(bounds, row, side="right") - 1)
            raise ValueError(
                "sample_weight weighs whole sequences: per row, it must be "
                f"equal within each sequence, but sequence {sequence} has "
                f"{weights[bounds[sequence]]:g} and {weights[row]:g} (row {row})."
            )
    if not np.any(weights > 0):
        raise ValueError("sample_weight is zero for every sequence: nothing to fit.")
    return weights


def _clamp_to_labels(log_frameprob, labels):
    """In place: a labelled row's other states get log-probability -inf."""
    known = np.flatnonzero(labels >= 0)
    kept = log_frameprob[known, labels[known]]
    log_frameprob[known] = -np.inf
    log_frameprob[known, labels[known]] = kept
    return log_frameprob


def _check_labels_possible(labels, bounds, startprob, transmat, weights):
    """Known states that a zero of ``startprob_`` or ``transmat_`` forbids
    (EM keeps those zeros): a clear error before EM runs."""
    counted = np.ones(labels.shape[0], bool) if weights is None else weights > 0
    first = labels[bounds[:-1]]
    bad = (first >= 0) & (startprob[np.maximum(first, 0)] == 0) & counted[bounds[:-1]]
    if bad.any():
        s = int(np.argmax(bad))
        raise ValueError(
            f"states puts the first row of sequence {s} (row {bounds[s]}) in state "
            f"{first[s]}, whose startprob_ is 0: the sequence is impossible."
        )
    before, after = labels[:-1], labels[1:]
    inside = np.ones(before.shape[0], bool)
    inside[bounds[1:-1] - 1] = False  # no transition between sequences
    forbidden = transmat[np.maximum(before, 0), np.maximum(after, 0)] == 0
    bad = inside & (before >= 0) & (after >= 0) & forbidden & counted[1:]
    if bad.any():
        t = int(np.argmax(bad))
        i, j = before[t], after[t]
        raise ValueError(
            f"states puts row {t} in state {i} and row {t + 1} in state {j}, but "
            f"transmat_[{i}, {j}] is 0: the sequence is impossible."
        )


def _check_possible(log_lik, labelled=False):
    """A sequence of zero probability has no posterior: say so."""
    if np.any(np.isnan(log_lik)):
        which = np.flatnonzero(np.isnan(log_lik))[:5].tolist()
        raise ValueError(
            f"The log-likelihoods of sequence(s) {which} are NaN: the emission "
            "parameters give NaN log-probabilities."
        )
    if np.any(np.isneginf(log_lik)):
        given = (
            " given the known states (a labelled row its state cannot emit, "
            "or labels that no path of nonzero transitions joins)"
            if labelled
            else ""
        )
        raise ValueError(
            f"Sequence(s) {np.flatnonzero(np.isneginf(log_lik))[:5].tolist()} "
            f"have zero probability under the current parameters{given} (a "
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


class HMMStatistics(NamedTuple):
    """Sums over the rows of whole sequences: the E-step's output.

    They add over disjoint sets of sequences (row blocks of a dask array).
    """

    log_likelihood: float  # sum of the sequences' log-likelihoods
    start: np.ndarray  # (K,) expected number of sequences starting in k
    transitions: np.ndarray  # (K, K) expected transitions i -> j
    emissions: tuple  # the emission family's NamedTuple of sums


class _RunningStatistics(NamedTuple):
    """What stepwise online EM carries between batches (``partial_fit``)."""

    n_rows: float  # blended batch size
    statistics: HMMStatistics  # per row of data
    reference: object  # the emission family's reference point of the sums


class _Start(NamedTuple):
    """One EM run from one start (``n_init``)."""

    monitor: ConvergenceMonitor
    statistics: HMMStatistics  # of the last iteration
    reference: object
    parameters: dict


def _block_statistics(X, labels, weights, bounds, model):
    """The E-step of one block of whole sequences (a map-reduce block function);
    ``labels`` and ``weights`` are the block's rows' (or None)."""
    return model._block_statistics(X, bounds, labels, weights)


class BaseHMM(GenerativeMixin, DensityMixin, BaseEstimator, metaclass=ABCMeta):
    """Base class for hidden Markov models fitted by Baum-Welch (EM).

    Owns the sequences (``lengths`` as hmmlearn, or the sample-aligned
    ``sequence_ids`` that scikit-learn's cross-validation can split), the EM
    loop over the Numba forward-backward kernel, the start and transition
    M-step, decoding, scoring and sampling. An emission family is one module
    with one subclass (see ``doc/design.rst``, "How to add an emission
    family"); it supplies:

    * ``_emission_codes`` -- its letters in ``params`` / ``init_params``
      (beside 's' and 't'), and ``_emission_parameter_names``;
    * ``_validate_emission_data(X, reset)`` -- check and convert ``X``;
    * ``_init_emissions(X, random_state)`` / ``_check_emissions()``;
    * ``_emission_log_likelihood(X)`` -- (n_samples, n_components) log p(x | state),
      a new array each call (the forward-backward kernel overwrites it);
    * ``_emission_statistics(X, posteriors)`` -- a NamedTuple of sums over
      rows, which add over blocks of sequences; sums taken around a
      reference point (e.g. the current means) name it in
      ``_emission_reference()`` and move between reference points in
      ``_reshift_emission_statistics``;
    * ``_emission_m_step(stats, reference)``;
    * ``_sample_emissions(states, random_state)``;
    * ``_n_emission_parameters()`` -- free parameters per code letter;
    * optionally ``_state_moments()`` -- each state's emission mean and
      covariance, for :meth:`forecast`'s ``mean`` and ``covariance`` (or
      ``_predictive_emissions`` for other fields).
    """

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "startprob_prior": ["array-like", Interval(Real, 0.0, None, closed="left")],
        "transmat_prior": ["array-like", Interval(Real, 0.0, None, closed="left")],
        "algorithm": [StrOptions({"viterbi", "map"})],
        "random_state": ["random_state"],
        "n_iter": [Interval(Integral, 0, None, closed="left")],
        "n_init": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0.0, None, closed="left")],
        "verbose": ["verbose"],
        "params": [str],
        "init_params": [str],
        "learning_decay": [Interval(Real, 0.5, 1.0, closed="right")],
        "learning_offset": [Interval(Real, 0.0, None, closed="left")],
    }

    # scikit-learn's estimator checks that cannot pass, with the reason; read
    # by tests/test_common.py (scikit-learn 1.9 has no tag for them).
    _expected_failed_checks = {
        "check_sample_weight_equivalence_on_dense_data": (
            "sample_weight weighs whole sequences, and the check's rows are one "
            "sequence whose rows it repeats (which adds transitions the "
            "sequence does not have) and shuffles; a weight w equals w copies "
            "of the sequence to 1e-10 (tests/hmm/test_labels_and_weights.py)"
        ),
        "check_sample_weights_not_overwritten": (
            "the check's weights vary within its one sequence, which is refused "
            "(sample_weight weighs whole sequences); tests/hmm check that "
            "per-sequence weights are not modified"
        ),
    }

    # Sequences travel with the rows through metadata routing, requested by
    # default so that cross_validate / GridSearchCV pass them on.
    __metadata_request__fit = {
        "sequence_ids": True,
        "lengths": True,
        "states": True,
        "sample_weight": True,
    }
    __metadata_request__score = {
        "sequence_ids": True,
        "lengths": True,
        "sample_weight": True,
    }
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

    #: Letters of the emission parameters in ``params`` / ``init_params``.
    _emission_codes = ""
    #: Attributes holding the emission parameters (restored between n_init starts).
    _emission_parameter_names = ()
    #: Dtypes a dask X is converted to before its blocks are validated
    #: (None: kept, for families of integer symbols).
    _row_dtypes = (np.float64, np.float32)

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
        """Sums of the emissions' sufficient statistics under state posteriors."""

    @abstractmethod
    def _emission_m_step(self, stats, reference):
        """Update the emission parameters in ``params`` from statistics."""

    @abstractmethod
    def _sample_emissions(self, states, random_state):
        """Draw one row per state of the path ``states``."""

    @abstractmethod
    def _n_emission_parameters(self):
        """Dict: emission code letter -> number of free scalars."""

    def _emission_reference(self):
        """The point the emission sums are taken around (None: plain sums)."""
        return None

    def _reshift_emission_statistics(self, stats, reference, new_reference):
        """``stats`` taken around ``reference`` re-expressed around
        ``new_reference`` (for partial_fit's blending); plain sums stay."""
        return stats

    def _impute_emissions(self, X, posteriors, states, random_state):
        """``X`` with its missing entries filled: conditional means under the
        state ``posteriors`` (n_samples, n_components), or, with ``posteriors``
        None, draws given the sampled ``states``. Families that take NaN
        override it."""
        raise NotImplementedError(
            f"{type(self).__name__} does not take missing observations."
        )

    def _state_moments(self):
        """Mean (K, d) and covariance (K, d, d) of each state's emissions, for
        :meth:`forecast`; None for a family that has none."""
        return None

    def _predictive_emissions(self, state_proba):
        """Fields of :class:`HMMForecast` describing the rows, given the state
        probabilities (..., K) of each forecast step."""
        moments = self._state_moments()
        if moments is None:
            return {}
        mean, covariance = mixture_moments(state_proba, *moments)
        return {"mean": mean, "covariance": covariance}

    def _check_block(self, X):
        """Row checks of one block of a dask ``X`` (on a worker)."""
        return self._validate_emission_data(X, reset=False)

    def _initialisation_rows(self, X, random_state):
        """The rows the initialisation reads (drawn rows of a large dask X)."""
        return initialisation_rows(X, random_state)[0]

    # -- data and sequences --------------------------------------------------

    def _check_letters(self):
        """``params`` and ``init_params`` may hold only the letters of the model."""
        for name in ("params", "init_params"):
            check_letters(self, name, "st" + self._emission_codes)

    def _validate(self, X, lengths, sequence_ids, reset):
        if not reset:
            check_is_fitted(self)
        X = validate_rows(
            self, X, self._validate_emission_data, reset=reset, dtype=self._row_dtypes
        )
        return X, validated_sequence_bounds(X, lengths, sequence_ids)

    def _needs_init(self, code, name):
        if code not in self.init_params:
            return not hasattr(self, name)
        user_values = getattr(self, "_user_values", set())
        if name in user_values:
            user_values.discard(name)  # once per fit, not per start
            self._overwritten = [*getattr(self, "_overwritten", []), (code, name)]
        return True

    def _warn_overwritten(self, stacklevel):
        """Warn of the values set before fit that init_params overwrote
        (hmmlearn logs this)."""
        for code, name in getattr(self, "_overwritten", []):
            warnings.warn(
                f"{name.strip('_')}_ was set before fit, but init_params="
                f"{self.init_params!r} holds {code!r}: it was overwritten during "
                f"initialisation. Remove {code!r} from init_params to start from "
                "the value set.",
                UserWarning,
                stacklevel=stacklevel + 1,
            )
        self._overwritten = []

    def _parameter_names(self):
        return ("startprob_", "transmat_", *self._emission_parameter_names)

    def _note_user_values(self):
        """Parameters set on the estimator since the last fit (the user's)."""
        fitted = getattr(self, "_fitted_values", {})
        self._user_values = {
            name
            for name in self._parameter_names()
            if hasattr(self, name) and getattr(self, name) is not fitted.get(name)
        }

    def _remember_fitted_values(self):
        self._user_values = set()
        self._fitted_values = {
            name: getattr(self, name)
            for name in self._parameter_names()
            if hasattr(self, name)
        }

    # -- convergence monitor -------------------------------------------------

    @property
    def monitor_(self):
        """The EM run's :class:`~skgen.utils.ConvergenceMonitor`.

        Before fit (as in hmmlearn), a fresh monitor of the estimator's
        ``tol``, ``n_iter`` and ``verbose``. A monitor assigned to
        ``monitor_`` (e.g. an hmmlearn-style subclass with its own
        ``converged``) is the one every later fit reports to and stops by.
        """
        monitor = getattr(self, "_monitor", None)
        return self._default_monitor() if monitor is None else monitor

    @monitor_.setter
    def monitor_(self, monitor):
        self._monitor = self._given_monitor = monitor

    def _default_monitor(self):
        return ConvergenceMonitor(
            self.tol, self.n_iter, self.verbose, objective="the log-likelihood"
        )

    def _new_monitor(self):
        """A reset monitor for one EM run: the user's (a copy for n_init > 1)
        or a new one."""
        given = getattr(self, "_given_monitor", None)
        if given is None:
            return self._default_monitor()
        monitor = given if self.n_init == 1 else copy.deepcopy(given)
        monitor._reset()
        return monitor

    def _init_parameters(self, X, random_state):
        rows = self._initialisation_rows(X, random_state)
        k = self.n_components
        if self._needs_init("s", "startprob_"):
            self.startprob_ = random_state.dirichlet(np.full(k, 1.0 / k))
        if self._needs_init("t", "transmat_"):
            self.transmat_ = random_state.dirichlet(np.full(k, 1.0 / k), size=k)
        self._init_emissions(rows, random_state)

    def _check_parameters(self):
        k = self.n_components
        self.startprob_ = _check_stochastic("startprob_", self.startprob_, (k,))
        self.transmat_ = _check_stochastic("transmat_", self.transmat_, (k, k))
        _check_prior("startprob_prior", self.startprob_prior, (k,))
        _check_prior("transmat_prior", self.transmat_prior, (k, k))
        self._check_emissions()

    # -- fitting -------------------------------------------------------------

    def _floats_per_row(self):
        """float64 temporaries a prediction holds per row: frame
        log-probabilities, their exponentials and the posteriors."""
        return 3 * self.n_components

    def _over_sequence_blocks(self, function, X, bounds):
        """``function(X_block, block_bounds)`` over groups of whole sequences.

        ``function`` returns a per-sequence array (or None) and a per-row array;
        they come back for all of ``X``, concatenated in order. The groups keep
        the temporaries (``_floats_per_row`` per row) bounded.
        """
        blocks = list(sequence_blocks(bounds, rows_per_block(self._floats_per_row())))
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

    def _frame_log_likelihood(self, X, check_nan=True):
        """``_emission_log_likelihood(X)``, checked: the kernels would read a
        NaN as an impossible frame (the Viterbi kernel, which tests its frames
        itself, passes ``check_nan=False``)."""
        log_frameprob = np.ascontiguousarray(
            self._emission_log_likelihood(X), dtype=np.float64
        )
        # One pass that NaN propagates through (the per-row test took 4.4 ms
        # on 200,000 x 8, a third of a Baum-Welch iteration).
        if not check_nan or not np.isnan(log_frameprob.sum()):
            return log_frameprob
        nan_rows = np.isnan(log_frameprob).any(axis=1)
        if nan_rows.any():
            raise ValueError(
                f"The emission log-probabilities of {int(nan_rows.sum())} row(s) "
                f"(the first: row {int(np.argmax(nan_rows))}) are NaN: the "
                "emission parameters must be finite."
            )
        return log_frameprob

    def _forward_backward(self, X, bounds, labels=None, sequence_weights=None):
        """Posteriors and counts; rows with a known state (``labels`` >= 0)
        clamped to it, counts weighted by ``sequence_weights``."""
        log_frameprob = self._frame_log_likelihood(X)
        if labels is not None:
            _clamp_to_labels(log_frameprob, labels)
        with threads_for(X.shape[0] * self.n_components**2):
            # The posteriors overwrite the frame log-probabilities in place.
            return _kernels.forward_backward(
                self.startprob_,
                self.transmat_,
                log_frameprob,
                bounds,
                _sequence_chunks(bounds, self.n_components**2),
                log_frameprob,
                sequence_weights,
            )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self,
        X,
        y=None,
        lengths=None,
        sequence_ids=None,
        *,
        states=None,
        sample_weight=None,
    ):
        """Estimate the parameters with the Baum-Welch algorithm (EM).

        Parameters not in ``init_params`` keep the values set on the estimator
        before ``fit``; those not in ``params`` are not updated. Zeros of a
        given ``transmat_`` or ``startprob_`` stay zero (left-right and other
        sparse topologies).

        Rows whose hidden state is known (``states``) are clamped to it: EM runs
        over the state paths that agree with the labels, and maximises
        ``log p(X, known states)``. When every row is labelled, the posteriors
        are the labels, and the first M-step gives the supervised estimate
        (start and transition counts, each state's emission estimate from its
        rows) whatever the initialisation; later iterations keep it.

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
            Ignored; present for API consistency (known states go in
            ``states``). hmmlearn's positional ``fit(X, lengths)`` puts the
            lengths here: a warning says so.
        lengths : array-like of int, default=None
            Lengths of the sequences in ``X`` (as hmmlearn); they sum to
            ``n_samples``.
        sequence_ids : array-like of shape (n_samples,), default=None
            The sequence of each row; rows of one sequence are contiguous.
            Aligned with ``X``, so cross-validation splits it with the rows.
        states : array-like of int of shape (n_samples,), default=None
            The hidden state of each row where it is known, -1 where it is
            not: integers in ``[-1, n_components)``. Aligned with ``X`` and
            requested through metadata routing by default, as
            ``sequence_ids``.
        sample_weight : array-like of shape (n_sequences,) or (n_samples,), \
                default=None
            Weight of each sequence, or of each row, equal within each
            sequence (the form cross-validation splits). Frequency weights:
            each sequence's expected counts are multiplied by its weight, so
            an integer weight ``w`` fits as ``w`` copies of the sequence
            (priors weigh against the weighted counts). A sequence of weight
            0 is left out (of the initialisation too, for ``X`` in memory);
            the other weights do not enter the initialisation.

        Returns
        -------
        self : object
            The fitted model.
        """
        if y is not None and lengths is None and sequence_ids is None:
            _warn_if_lengths_passed_as_y(y, _num_samples(X), "fit")
        self._check_letters()
        X, bounds = self._validate(X, lengths, sequence_ids, reset=True)
        labels = _known_states(states, X.shape[0], self.n_components)
        weights = _row_weights(sample_weight, bounds)
        random_state = check_random_state(self.random_state)
        self._note_user_values()
        with single_threaded_blas():
            best = self._best_start(X, bounds, random_state, labels, weights)
        self._warn_overwritten(stacklevel=3)
        n_parameters = self._n_parameters()
        if X.size < n_parameters:
            warnings.warn(
                f"Fitting a model with {n_parameters} free scalar parameters with "
                f"only {X.size} data points will result in a degenerate solution.",
                UserWarning,
                stacklevel=3,
            )
        for name, value in best.parameters.items():
            setattr(self, name, value)
        self._remember_fitted_values()
        self._monitor = best.monitor
        self.converged_ = bool(best.monitor.converged) and best.monitor.iter > 0
        self.n_iter_ = best.monitor.iter
        # The log-likelihood before the last M-step (with n_iter=0, of the start).
        self.lower_bound_ = best.statistics.log_likelihood
        self.lower_bounds_ = list(best.monitor.history)
        # partial_fit continues from the last iteration's expected counts.
        n_rows = X.shape[0] if weights is None else float(weights.sum())
        self._running_stats = _RunningStatistics(
            n_rows, scale_sums(best.statistics, 1.0 / n_rows), best.reference
        )
        self.n_steps_ = 1
        if not self.converged_ and self.n_iter > 0:
            self._warn_not_converged(best.monitor)
        self._start_sample_stream()
        return self

    def _warn_not_converged(self, monitor):
        if isinstance(monitor, ConvergenceMonitor):
            monitor.warn(
                "Baum-Welch", "n_iter", "Increase n_iter or raise tol.", stacklevel=5
            )
        else:  # a monitor of the user's (hmmlearn's interface)
            warnings.warn(
                f"Baum-Welch did not converge in {monitor.iter} iterations by the "
                f"criterion of the {type(monitor).__name__} given as monitor_.",
                ConvergenceWarning,
                stacklevel=4,
            )

    def _best_start(self, X, bounds, random_state, labels=None, weights=None):
        """EM from ``n_init`` starts; the one of highest final log-likelihood."""
        # The initialisation reads the rows of the sequences of positive weight.
        init_X = X
        if weights is not None and isinstance(X, np.ndarray) and weights.min() == 0:
            init_X = X[weights > 0]
        names = self._parameter_names()
        # Values the user set before fit: every start begins from them.
        given = {
            name: np.copy(getattr(self, name)) for name in names if hasattr(self, name)
        }
        best = None
        for init in range(self.n_init):
            for name in names:
                if name in given:
                    setattr(self, name, np.copy(given[name]))
                elif hasattr(self, name):
                    delattr(self, name)
            if self.verbose and self.n_init > 1:
                print(f"Initialization {init}")
            self._init_parameters(init_X, random_state)
            self._check_parameters()
            if labels is not None:
                _check_labels_possible(
                    labels, bounds, self.startprob_, self.transmat_, weights
                )
            run = self._em(X, bounds, labels, weights)
            if (
                best is None
                or run.statistics.log_likelihood > best.statistics.log_likelihood
            ):
                best = run._replace(
                    parameters={name: getattr(self, name) for name in names}
                )
        return best

    def _e_step(self, X, bounds, labels=None, weights=None):
        """:class:`HMMStatistics` of all sequences, and their emission reference.

        One block function over whole sequences, run by ``map_reduce`` in
        memory (one call) or per row block of a dask array. ``labels``: the
        known state of each row (-1: unknown); ``weights``: each row's
        sequence weight (see :meth:`fit`).
        """
        reference = self._emission_reference()
        stats = map_reduce(
            _block_statistics,
            X,
            labels,
            weights,
            args=(self,),
            block_args=lambda start, stop: (bounds_within(bounds, start, stop),),
        )
        return stats, reference

    def _block_statistics(self, X, bounds, labels=None, weights=None):
        sequence_weights = None
        if weights is not None:
            sequence_weights = np.ascontiguousarray(weights[bounds[:-1]])
        log_lik, posteriors, start, transitions = self._forward_backward(
            X, bounds, labels, sequence_weights
        )
        if weights is None:
            _check_possible(log_lik, labels is not None)
            total = float(log_lik.sum())
        else:
            # A sequence of weight 0 is absent: its likelihood is not asked.
            counted = sequence_weights > 0
            _check_possible(np.where(counted, log_lik, 0.0), labels is not None)
            total = float(sequence_weights[counted] @ log_lik[counted])
            posteriors *= weights[:, np.newaxis]
        return HMMStatistics(
            total,
            start.sum(axis=0),
            transitions.sum(axis=0),
            self._emission_statistics(X, posteriors),
        )

    def _em(self, X, bounds, labels=None, weights=None):
        """Baum-Welch from the current parameters; return its :class:`_Start`.

        ``n_iter=0`` initialises only (as hmmlearn): one E-step scores the
        start, for ``lower_bound_``, ``n_init`` and ``partial_fit``.
        """
        monitor = self._new_monitor()
        tic = time()
        stats = None
        for _ in range(self.n_iter):
            stats, reference = self._e_step(X, bounds, labels, weights)
            self._m_step(stats, reference)
            previous = monitor.history[-1] if len(monitor.history) else -np.inf
            monitor.report(stats.log_likelihood)
            if self.verbose:
                print(
                    f"  iteration {monitor.iter:>4}  log-likelihood "
                    f"{stats.log_likelihood:.6f}  change "
                    f"{stats.log_likelihood - previous:.6g}  ({time() - tic:.2f} s)"
                )
            # Read after report: hmmlearn's monitors compute it as a property.
            if monitor.converged:
                break
        if stats is None:
            stats, reference = self._e_step(X, bounds, labels, weights)
        return _Start(monitor, stats, reference, {})

    def partial_fit(
        self,
        X,
        y=None,
        lengths=None,
        sequence_ids=None,
        *,
        states=None,
        sample_weight=None,
    ):
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

        With ``sample_weight``, a batch's size is its weighted number of rows
        (its counts are averaged per weighted row before blending).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The rows of the batch's sequences, stacked.
        y : None
            Ignored; present for API consistency.
        lengths, sequence_ids : array-like, default=None
            How rows group into sequences (see :meth:`fit`).
        states : array-like of int of shape (n_samples,), default=None
            The known state of each row, -1 where unknown (see :meth:`fit`).
        sample_weight : array-like of shape (n_sequences,) or (n_samples,), \
                default=None
            Weight of each sequence of the batch (see :meth:`fit`).

        Returns
        -------
        self : object
            The updated model.
        """
        self._validate_params()
        self._check_letters()
        first_call = not hasattr(self, "n_steps_") and not hasattr(self, "converged_")
        X, bounds = self._validate(X, lengths, sequence_ids, reset=first_call)
        labels = _known_states(states, X.shape[0], self.n_components)
        weights = _row_weights(sample_weight, bounds)
        with single_threaded_blas():
            if first_call:
                self._note_user_values()
                init_X = X
                if weights is not None and isinstance(X, np.ndarray):
                    init_X = X[weights > 0]
                self._init_parameters(init_X, check_random_state(self.random_state))
                self._warn_overwritten(stacklevel=2)
                self._check_parameters()
                self._running_stats = None
                self.converged_ = False
                self.lower_bounds_ = []
                self._monitor = self._new_monitor()
                self._start_sample_stream()
            if labels is not None:
                _check_labels_possible(
                    labels, bounds, self.startprob_, self.transmat_, weights
                )
            step = getattr(self, "n_steps_", 0)
            stats, reference = self._e_step(X, bounds, labels, weights)
            n_rows = X.shape[0] if weights is None else float(weights.sum())
            running = self._blend_running(stats, reference, n_rows, step)
            self._running_stats = running
            self._m_step(
                scale_sums(running.statistics, running.n_rows), running.reference
            )
        self._remember_fitted_values()
        self.n_steps_ = step + 1
        self.n_iter_ = getattr(self, "n_iter_", 0) + 1
        self.lower_bound_ = stats.log_likelihood
        self.lower_bounds_ = [*self.lower_bounds_, stats.log_likelihood]
        self.monitor_.report(stats.log_likelihood)
        return self

    def _blend_running(self, stats, reference, n_rows, step):
        """The running statistics moved toward one batch's (see partial_fit).

        Per-row averages are blended, so that a batch weighs rho whatever its
        size; the M-step takes them back to the scale of the (blended) batch
        size, which is where the priors weigh.
        """
        batch = _RunningStatistics(n_rows, scale_sums(stats, 1.0 / n_rows), reference)
        running = getattr(self, "_running_stats", None)
        if running is None:
            return batch
        rho = (step + self.learning_offset) ** -self.learning_decay
        old = running.statistics
        # Both around the batch's reference point, then linear.
        old = old._replace(
            emissions=self._reshift_emission_statistics(
                old.emissions, running.reference, reference
            )
        )
        return _RunningStatistics(
            (1.0 - rho) * running.n_rows + rho * n_rows,
            blend_sums(old, batch.statistics, rho),
            reference,
        )

    def _m_step(self, stats, reference):
        if "s" in self.params:
            counts = np.maximum(self.startprob_prior - 1.0 + stats.start, 0.0)
            counts = np.where(self.startprob_ == 0, 0.0, counts)
            self.startprob_, _ = _normalize_rows(counts, self.startprob_)
        if "t" in self.params:
            counts = np.maximum(self.transmat_prior - 1.0 + stats.transitions, 0.0)
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
        self._emission_m_step(stats.emissions, reference)

    # -- inference -----------------------------------------------------------

    @sequence_wise((None, np.float64))
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
        X, bounds = self._validate(X, lengths, sequence_ids, reset=False)
        return self._over_sequence_blocks(self._step_log_likelihood, X, bounds)[1]

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

    @sequence_wise((lambda model: model.n_components, np.float64))
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
        X, bounds = self._validate(X, lengths, sequence_ids, reset=False)
        log_lik, posteriors = self._over_sequence_blocks(
            lambda X, bounds: self._forward_backward(X, bounds)[:2], X, bounds
        )
        _check_possible(log_lik)
        return posteriors

    @sequence_wise((lambda model: model.n_components, np.float64))
    def filter_proba(self, X, lengths=None, *, sequence_ids=None):
        """Filtered probability of each state at each row: the past only.

        Unlike :meth:`predict_proba`, which conditions on the whole sequence
        (forward-backward: a row's probabilities change when later rows
        arrive), row ``t`` here is given rows ``1..t`` of its sequence only,
        as an online system sees it (forward pass only). The last row of a
        sequence has the same probabilities either way. Missing frames (NaN)
        are crossed on the transitions, as everywhere.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The rows of all sequences, stacked.
        lengths, sequence_ids : array-like, default=None
            How rows group into sequences (see :meth:`fit`).

        Returns
        -------
        filtered : ndarray of shape (n_samples, n_components)
            ``p(z_t = k | x_1, ..., x_t)``; ``filtered.argmax(axis=1)`` is the
            online decoding. A dask array for dask ``X`` (each sequence
            inside one row block).

        Examples
        --------
        >>> import numpy as np
        >>> from skgen.hmm import GaussianHMM
        >>> model = GaussianHMM(n_components=2, init_params="")
        >>> model.startprob_ = np.array([0.5, 0.5])
        >>> model.transmat_ = np.array([[0.9, 0.1], [0.1, 0.9]])
        >>> model.means_ = np.array([[0.0], [3.0]])
        >>> model.covars_ = np.array([[1.0], [1.0]])
        >>> model.n_features_in_ = 1
        >>> X = np.array([[0.1], [1.5], [3.2]])
        >>> model.filter_proba(X).round(3)  # row 1 knows nothing of row 2
        array([[0.985, 0.015],
               [0.888, 0.112],
               [0.025, 0.975]])
        >>> model.predict_proba(X).round(3)  # hindsight: row 1 is a toss-up
        array([[0.938, 0.062],
               [0.482, 0.518],
               [0.025, 0.975]])
        """
        X, bounds = self._validate(X, lengths, sequence_ids, reset=False)
        log_lik, filtered = self._over_sequence_blocks(self._forward_filter, X, bounds)
        _check_possible(log_lik)
        return filtered

    def _forward_filter(self, X, bounds):
        log_frameprob = self._frame_log_likelihood(X)
        with threads_for(X.shape[0] * self.n_components**2):
            # The filtered probabilities overwrite the frame log-probabilities.
            return _kernels.forward_filter(
                self.startprob_,
                self.transmat_,
                log_frameprob,
                bounds,
                _sequence_chunks(bounds),
                log_frameprob,
            )

    def _last_filtered(self, X, bounds):
        """``p(z_T | x_1..T)`` at the last row of every sequence, (n_sequences, K)."""
        if not isinstance(X, np.ndarray):
            raise TypeError(
                "forecast and sample(given=...) take rows in memory (compute a "
                "dask X first)."
            )
        log_lik, filtered = self._over_sequence_blocks(self._forward_filter, X, bounds)
        _check_possible(log_lik)
        return filtered[bounds[1:] - 1]

    def forecast(self, X, n_steps=1, *, lengths=None, sequence_ids=None):
        """Predictive distribution of the ``n_steps`` rows after each sequence.

        From the filtered state probabilities at the last row of a sequence,
        ``p(z_T | x_1..T)`` (see :meth:`filter_proba`), the states ``h`` steps
        ahead have probabilities ``p(z_T) transmat_ ** h``, and the next rows
        the emission laws mixed by them. Each step is a marginal: the joint
        law of several future rows is what :meth:`sample` with ``given``
        draws from.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The rows of all sequences, stacked: the past to forecast from.
        n_steps : int, default=1
            How many steps ahead.
        lengths, sequence_ids : array-like, default=None
            How rows group into sequences (see :meth:`fit`); one forecast per
            sequence, from its end.

        Returns
        -------
        forecast : HMMForecast
            A named tuple: ``state_proba`` of shape (n_sequences, n_steps,
            n_components); for Gaussian, GMM and Poisson emissions the
            predictive ``mean`` (n_sequences, n_steps, n_features) and
            ``covariance`` (n_sequences, n_steps, n_features, n_features);
            for :class:`CategoricalHMM` ``symbol_proba`` (n_sequences,
            n_steps, n_features, n_symbols). Fields a family has no value
            for are None.

        Examples
        --------
        >>> import numpy as np
        >>> from skgen.hmm import GaussianHMM
        >>> model = GaussianHMM(n_components=2, init_params="")
        >>> model.startprob_ = np.array([0.5, 0.5])
        >>> model.transmat_ = np.array([[0.9, 0.1], [0.2, 0.8]])
        >>> model.means_ = np.array([[0.0], [10.0]])
        >>> model.covars_ = np.array([[1.0], [1.0]])
        >>> model.n_features_in_ = 1
        >>> result = model.forecast(np.array([[0.2], [-0.5]]), n_steps=3)
        >>> result.state_proba[0].round(3)  # towards (2/3, 1/3)
        array([[0.9  , 0.1  ],
               [0.83 , 0.17 ],
               [0.781, 0.219]])
        >>> result.mean[0, :, 0].round(2)
        array([1.  , 1.7 , 2.19])
        """
        n_steps = check_n_steps(n_steps)
        X, bounds = self._validate(X, lengths, sequence_ids, reset=False)
        last = self._last_filtered(X, bounds)
        with threads_for(last.shape[0] * n_steps * self.n_components**2):
            state_proba = _kernels.predict_states(
                last, self.transmat_, n_steps, _sequence_chunks(bounds)
            )
        return HMMForecast(state_proba, **self._predictive_emissions(state_proba))

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
        return self._decode(X, lengths, algorithm, sequence_ids=sequence_ids)

    @sequence_wise("total", (None, np.intp))
    def _decode(self, X, lengths, algorithm, *, sequence_ids=None):
        X, bounds = self._validate(X, lengths, sequence_ids, reset=False)
        if algorithm == "map":
            scores, states = self._over_sequence_blocks(self._decode_map, X, bounds)
            _check_possible(scores[:, 0])
            return float(scores[:, 1].sum()), states
        log_prob, states = self._over_sequence_blocks(self._viterbi, X, bounds)
        _check_possible(log_prob)
        return float(log_prob.sum()), states.astype(np.intp, copy=False)

    def _decode_map(self, X, bounds):
        """Per sequence: log-likelihood and summed top posterior; per row: state."""
        log_lik, posteriors = self._forward_backward(X, bounds)[:2]
        top = np.add.reduceat(posteriors.max(axis=1), bounds[:-1])
        return np.column_stack([log_lik, top]), posteriors.argmax(axis=1)

    def _viterbi(self, X, bounds):
        # NaN frames come back as NaN log-probabilities, which _decode reports.
        log_frameprob = self._frame_log_likelihood(X, check_nan=False)
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

    def sample(
        self, n_samples=1, *, random_state=None, chunks=None, currstate=None, given=None
    ):
        """Draw one sequence from the model, or the rows that continue one.

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
            other rows than without ``chunks``). Not with ``currstate`` or
            ``given``.
        currstate : int, default=None
            The state of the first row (hmmlearn's ``currstate``); None draws
            it from ``startprob_``.
        given : array-like of shape (n_given, n_features), default=None
            Observed rows of one sequence (NaN where missing, as for
            :meth:`predict_proba`) that the draw continues: the state of the
            first new row is drawn from ``p(z_T | given) @ transmat_`` (see
            :meth:`filter_proba`), so the rows returned follow the law of
            rows ``T + 1, ..., T + n_samples`` given ``given``. Only the new
            rows are returned.

        Returns
        -------
        X : ndarray or dask array of shape (n_samples, n_features)
            The emitted rows.
        states : ndarray or dask array of shape (n_samples,)
            The hidden state path.

        Examples
        --------
        >>> import numpy as np
        >>> from skgen.hmm import GaussianHMM
        >>> model = GaussianHMM(n_components=2, init_params="")
        >>> model.startprob_ = np.array([0.5, 0.5])
        >>> model.transmat_ = np.array([[1.0, 0.0], [0.0, 1.0]])
        >>> model.means_ = np.array([[0.0], [10.0]])
        >>> model.covars_ = np.array([[1.0], [1.0]])
        >>> model.n_features_in_ = 1
        >>> X, states = model.sample(4, given=[[9.5], [10.3]], random_state=0)
        >>> states  # the chain cannot leave the state the prefix is in
        array([1, 1, 1, 1])
        """
        if chunks is not None:
            if currstate is not None or given is not None:
                raise ValueError(
                    "sample(chunks=...) draws a new sequence: it takes neither "
                    "currstate nor given."
                )
            one_row = self.sample(1, random_state=0)[0]
            meta = ((one_row.shape[1], one_row.dtype), np.intp)
            return sample_in_blocks(
                self, n_samples, chunks, random_state, meta=meta, chain=True
            )
        rng = self._sample_stream(n_samples, random_state)
        start = self._first_state_proba(currstate, given)
        return self._sample_chain(n_samples, rng, start)[:2]

    def _first_state_proba(self, currstate, given):
        """The law of the first sampled state (see :meth:`sample`)."""
        if currstate is not None and given is not None:
            raise ValueError("Pass at most one of currstate and given to sample.")
        if currstate is not None:
            check_scalar(
                currstate,
                "currstate",
                Integral,
                min_val=0,
                max_val=self.n_components - 1,
            )
            return np.eye(self.n_components)[int(currstate)]
        if given is None:
            return self.startprob_
        X, bounds = self._validate(given, None, None, reset=False)
        return self._last_filtered(X, bounds)[0] @ self.transmat_

    def _sample_after(self, n_samples, random_state, previous_state):
        """``n_samples`` rows of the chain after ``previous_state`` (None: from
        ``startprob_``): ``(rows, states, last state)``."""
        start = (
            self.startprob_
            if previous_state is None
            else self.transmat_[previous_state]
        )
        return self._sample_chain(n_samples, random_state, start)

    def _sample_chain(self, n_samples, random_state, start):
        """``n_samples`` rows of the chain whose first state has law ``start``:
        ``(rows, states, last state)``."""
        states = _kernels.sample_states(
            np.cumsum(start),
            np.cumsum(self.transmat_, axis=1),
            random_state.uniform(size=n_samples),
        )
        return self._sample_emissions(states, random_state), states, int(states[-1])

    def impute(
        self, X, lengths=None, *, sequence_ids=None, sample=False, random_state=None
    ):
        """``X`` with its missing entries (NaN) filled in from the model.

        Each sequence is read whole: a missing entry is predicted from the
        frames before and after it through the hidden states, and from the
        observed entries of its own frame.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The rows of all sequences, stacked, with NaN where entries are
            missing (a frame may have every entry missing).
        lengths, sequence_ids : array-like, default=None
            How rows group into sequences (see :meth:`fit`).
        sample : bool, default=False
            False fills each missing entry with its conditional mean given the
            whole sequence, ``sum_k p(z_t = k | x) E[x_tj | x_t,obs, z_t = k]``
            (:class:`CategoricalHMM`: the most probable symbol). True draws a
            state path from ``p(z | x)`` (forward filtering, backward
            sampling), then the missing entries of each frame from their
            conditional distribution given its state and its observed entries:
            repeated calls give multiple imputations.
        random_state : int, RandomState instance or None, default=None
            For ``sample=True``: None draws from the model's stream (successive
            calls differ); an int makes the call reproducible.

        Returns
        -------
        X_imputed : ndarray of shape (n_samples, n_features)
            ``X`` with every NaN replaced; observed entries unchanged (float64;
            intp symbols for :class:`CategoricalHMM`).

        Examples
        --------
        >>> import numpy as np
        >>> from skgen.hmm import GaussianHMM
        >>> model = GaussianHMM(n_components=2, init_params="")
        >>> model.startprob_ = np.array([1.0, 0.0])
        >>> model.transmat_ = np.array([[0.9, 0.1], [0.1, 0.9]])
        >>> model.means_ = np.array([[0.0, 0.0], [10.0, 10.0]])
        >>> model.covars_ = np.array([[1.0, 1.0], [1.0, 1.0]])
        >>> model.n_features_in_ = 2
        >>> X = np.array([[0.2, -0.1], [np.nan, np.nan], [9.8, np.nan]])
        >>> model.impute(X).round(2)  # the gap is as likely in either state
        array([[ 0.2, -0.1],
               [ 5. ,  5. ],
               [ 9.8, 10. ]])
        """
        X, bounds = self._validate(X, lengths, sequence_ids, reset=False)
        if not isinstance(X, np.ndarray):
            raise TypeError("impute takes rows in memory (compute a dask X first).")
        rng = self._sample_stream(1, random_state) if sample else None
        if not sample:
            log_lik, posteriors = self._forward_backward(X, bounds)[:2]
            _check_possible(log_lik)
            return self._impute_emissions(X, posteriors, None, None)
        return self._impute_emissions(
            X, None, self._sample_posterior_states(X, bounds, rng), rng
        )

    def _sample_posterior_states(self, X, bounds, random_state):
        """A state path per sequence drawn from ``p(z | x)`` (FFBS)."""
        log_frameprob = self._frame_log_likelihood(X)
        with threads_for(X.shape[0] * self.n_components**2):
            states, possible = _kernels.sample_posterior_states(
                self.startprob_,
                self.transmat_,
                log_frameprob,
                bounds,
                random_state.uniform(size=X.shape[0]),
                _sequence_chunks(bounds),
            )
        _check_possible(np.where(possible, 0.0, -np.inf))
        return states.astype(np.intp, copy=False)

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
