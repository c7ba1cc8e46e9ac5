"""Base class of skgen's mixture models: the EM loop, once."""

from abc import ABCMeta, abstractmethod
from numbers import Integral, Real
from time import time

import numpy as np
from scipy.special import logsumexp
from sklearn.base import BaseEstimator, DensityMixin
from sklearn.cluster import KMeans, kmeans_plusplus
from sklearn.utils import check_array, check_random_state

from skgen.base import GenerativeMixin
from skgen.utils._chunking import row_blocks
from skgen.utils._mapreduce import (
    initialisation_rows,
    map_reduce,
    normalized_sample_weight,
    row_wise,
    validate_rows,
)
from skgen.utils._monitor import ConvergenceMonitor
from skgen.utils._sklearn_compat import (
    Interval,
    StrOptions,
    _fit_context,
    check_is_fitted,
    validate_data,
)
from skgen.utils._threads import single_threaded_blas


class BaseMixture(GenerativeMixin, DensityMixin, BaseEstimator, metaclass=ABCMeta):
    """Base class for mixture models fitted by EM.

    Owns ``fit`` (``n_init`` restarts of ``max_iter`` EM iterations, keeping
    the best lower bound), ``partial_fit`` (stepwise online EM), prediction and
    scoring. A subclass supplies its parameters through these hooks, where
    ``sample_weight`` is None or validated row weights (float64, non-negative,
    rescaled to sum to the number of rows of positive weight):

    * ``_check_parameters(X, sample_weight)`` -- validate the user's initial
      parameters (and set those estimated from the data, such as priors);
    * ``_initialize(X, resp, sample_weight)`` -- parameters from initial
      responsibilities (``resp`` is None when the user gave every initial
      parameter);
    * ``_e_step_block()`` -- ``(block_function, args)``: the E-step of one
      row block, ``block_function(X, sample_weight, *args)``, returning sums
      that add over blocks (run by :func:`skgen.utils._mapreduce.map_reduce`,
      in memory or on Dask);
    * ``_finish_e_step(sums)`` -- ``(weighted mean log-likelihood, sufficient
      statistics per unit of weight)`` from the sums over all rows;
    * ``_blend_statistics(old, new, step)`` -- ``(1 - step) old + step new``;
    * ``_m_step(stats)`` -- parameters from sufficient statistics;
    * ``_estimate_weighted_log_prob(X)`` -- ``log w_k + log p(x | k)``;
    * ``_get_parameters()`` / ``_set_parameters(params)``.
    """

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0.0, None, closed="left")],
        "reg_covar": [Interval(Real, 0.0, None, closed="left")],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "n_init": [Interval(Integral, 1, None, closed="left")],
        "init_params": [
            StrOptions({"kmeans", "random", "random_from_data", "k-means++"})
        ],
        "random_state": ["random_state"],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
        "verbose_interval": [Interval(Integral, 1, None, closed="left")],
        "learning_decay": [Interval(Real, 0.5, 1.0, closed="right")],
        "learning_offset": [Interval(Real, 0.0, None, closed="left")],
    }

    def __init__(
        self,
        n_components,
        tol,
        reg_covar,
        max_iter,
        n_init,
        init_params,
        random_state,
        warm_start,
        verbose,
        verbose_interval,
        learning_decay,
        learning_offset,
    ):
        self.n_components = n_components
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.verbose_interval = verbose_interval
        self.learning_decay = learning_decay
        self.learning_offset = learning_offset

    # -- hooks ---------------------------------------------------------------

    @abstractmethod
    def _check_parameters(self, X, sample_weight):
        """Validate the initial parameters against ``X``."""

    @abstractmethod
    def _initialize(self, X, resp, sample_weight=None):
        """Set the parameters from initial responsibilities."""

    @abstractmethod
    def _e_step_block(self):
        """Return ``(block_function, args)``: the E-step of one row block."""

    @abstractmethod
    def _finish_e_step(self, sums):
        """Return ``(mean log-likelihood, statistics)`` from the blocks' sums."""

    def _initialization_space(self, X):
        """The rows k-means and the like read to start EM (``X`` itself)."""
        return X

    def _initialization_reads_data(self):
        """Whether initialising reads rows (False when every start is given)."""
        return True

    def _em_pass(self, X, sample_weight):
        """One E-step over all rows: ``(mean log-likelihood, statistics)``."""
        block_function, args = self._e_step_block()
        return self._finish_e_step(
            map_reduce(block_function, X, sample_weight, args=args)
        )

    def _bound_after_m_step(self, e_step_bound, stats):
        """The lower bound EM monitors, once the M-step has run.

        For maximum likelihood, the E-step's mean log-likelihood itself
        (scikit-learn reports the bound of the parameters before the M-step);
        a variational fit completes its bound with the new parameters.
        """
        return e_step_bound

    @abstractmethod
    def _blend_statistics(self, old, new, step):
        """Return the statistics ``(1 - step) * old + step * new``."""

    @abstractmethod
    def _m_step(self, stats):
        """Set the parameters that maximise the expected log-likelihood."""

    @abstractmethod
    def _estimate_weighted_log_prob(self, X):
        """Return ``log w_k + log p(x_i | k)``, shape (n_samples, n_components)."""

    @abstractmethod
    def _get_parameters(self):
        """Return the fitted parameters as a tuple."""

    @abstractmethod
    def _set_parameters(self, params):
        """Set the fitted parameters from a tuple of ``_get_parameters``."""

    # -- fitting -------------------------------------------------------------

    def _validate_training_data(self, X, sample_weight, reset):
        """Validated ``(X, sample_weight)``; ``sample_weight`` stays None if not
        given, else it is rescaled to sum to its number of positive weights."""
        X = validate_rows(
            self,
            X,
            self._validate_rows,
            reset=reset,
            min_samples=2,
            dtype=(np.float64, np.float32),
        )
        sample_weight, n_rows = normalized_sample_weight(sample_weight, X)
        rows = "" if sample_weight is None else " (rows of positive sample_weight)"
        if sample_weight is not None and n_rows < 2:
            raise ValueError(
                f"Found {n_rows} row(s) of positive sample_weight while a "
                "minimum of 2 is required."
            )
        if n_rows < self.n_components:
            raise ValueError(
                "Expected n_samples >= n_components but got "
                f"n_components = {self.n_components}, n_samples = {n_rows}{rows}"
            )
        return X, sample_weight

    # Whether NaN entries are legal (marginalised) rather than an error.
    _allows_missing = False

    def _finite(self):
        return "allow-nan" if self._allows_missing else True

    def _validate_rows(self, X, reset):
        return validate_data(
            self,
            X,
            dtype=[np.float64, np.float32],
            order="C",
            ensure_min_samples=2,
            ensure_all_finite=self._finite(),
            reset=reset,
        )

    def _check_block(self, X):
        """Row checks of one block of a dask ``X`` (on a worker)."""
        return check_array(
            X,
            dtype=[np.float64, np.float32],
            order="C",
            ensure_all_finite=self._finite(),
        )

    def _initialize_parameters(self, X, random_state, sample_weight=None):
        """Initial responsibilities by ``init_params``, then ``_initialize``.

        With ``sample_weight``, k-means and k-means++ weigh the rows and
        'random_from_data' draws rows with probability proportional to their
        weights, so rows of weight 0 are never used; 'random' responsibilities
        count by the rows' weights in ``_initialize``. ``X`` and
        ``sample_weight`` are in memory (see ``initialisation_rows``).
        """
        n_samples = X.shape[0]
        n_components = self.n_components
        if self.init_params == "random":
            resp = random_state.uniform(size=(n_samples, n_components))
            resp /= resp.sum(axis=1)[:, np.newaxis]
        else:
            X_init = self._initialization_space(X)
            candidates, X_in, weight_in = np.arange(n_samples), X_init, sample_weight
            if sample_weight is not None and not np.all(sample_weight > 0.0):
                candidates = np.flatnonzero(sample_weight)
                X_in, weight_in = X_init[candidates], sample_weight[candidates]
            if self.init_params == "kmeans":
                labels = (
                    KMeans(n_clusters=n_components, n_init=1, random_state=random_state)
                    .fit(X_in, sample_weight=weight_in)
                    .labels_
                )
                rows, cols = candidates, labels
            elif self.init_params == "k-means++":
                _, chosen = kmeans_plusplus(
                    X_in,
                    n_components,
                    sample_weight=weight_in,
                    random_state=random_state,
                )
                rows, cols = candidates[chosen], np.arange(n_components)
            else:  # "random_from_data"
                p = None if weight_in is None else weight_in / weight_in.sum()
                chosen = random_state.choice(
                    len(candidates), size=n_components, replace=False, p=p
                )
                rows, cols = candidates[chosen], np.arange(n_components)
            resp = np.zeros((n_samples, n_components))
            resp[rows, cols] = 1.0
        self._initialize(X, resp, sample_weight)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None):
        """Estimate the model parameters with the EM algorithm.

        The model is fitted ``n_init`` times and the parameters with the
        largest lower bound are kept. Each trial alternates E- and M-steps
        until the lower bound changes by less than ``tol`` or ``max_iter``
        iterations are done; in the latter case a
        :class:`~sklearn.exceptions.ConvergenceWarning` is raised.

        With ``warm_start=True``, ``n_init`` is ignored after the first call
        and each call continues from the previous parameters.

        Parameters
        ----------
        X : array-like or dask array of shape (n_samples, n_features)
            Training rows. A dask array is fitted where its row blocks live:
            each iteration's E-step runs on the workers, block by block, the
            blocks' sufficient statistics are added in a fixed order and the
            M-step runs once; the result equals the in-memory fit from the
            same start to rounding (see :ref:`scaling`).
        y : None
            Ignored; present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative row weights: a row of weight ``w`` counts as ``w``
            copies of itself, and a row of weight 0 as if it were absent.
            The E-step's responsibilities are multiplied by the weights in
            the sufficient statistics, the lower bound is the weighted mean
            log-likelihood, and the initialisation weighs the rows too (see
            ``init_params``). Only the weights' ratios matter. None weighs
            every row 1.

        Returns
        -------
        self : object
            The fitted mixture.
        """
        self._fit_em(X, sample_weight)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_predict(self, X, y=None, sample_weight=None):
        """Estimate the model parameters with EM and predict the labels of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows.
        y : None
            Ignored; present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative row weights, as in :meth:`fit`. Every row is labelled,
            including those of weight 0.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Component of largest posterior probability for each row; equal to
            ``fit(X, sample_weight=sample_weight).predict(X)``.
        """
        X = self._fit_em(X, sample_weight)
        # A last E-step, so that fit_predict(X) == fit(X).predict(X); fit
        # alone skips it.
        with single_threaded_blas():
            return self._labels(X)

    def _fit_em(self, X, sample_weight):
        """Validate, fit by EM (``n_init`` starts); return the validated X."""
        X, sample_weight = self._validate_training_data(X, sample_weight, reset=True)
        self._check_parameters(X, sample_weight)
        with single_threaded_blas():
            self._fit_starts(X, sample_weight)
        return X

    def _fit_starts(self, X, sample_weight):
        """EM from ``n_init`` starts (one with a warm start); keep the best."""
        do_init = not (self.warm_start and hasattr(self, "converged_"))
        n_init = self.n_init if do_init else 1
        random_state = check_random_state(self.random_state)
        if do_init and self._initialization_reads_data():
            # Drawn once for every start (all rows, unless a large dask X).
            init_rows = initialisation_rows(X, random_state, sample_weight)
        else:
            init_rows = (X, sample_weight)
        start = -np.inf if do_init else self.lower_bound_
        best, max_lower_bound = None, -np.inf
        for init in range(n_init):
            self._print_verbose_msg_init_beg(init)
            if do_init:
                init_X, init_weight = init_rows
                self._initialize_parameters(init_X, random_state, init_weight)
            monitor, stats = self._run_em(X, sample_weight, start)
            lower_bound = monitor.history[-1] if monitor.history else -np.inf
            if (
                not monitor.history
                or lower_bound > max_lower_bound
                or max_lower_bound == -np.inf
            ):
                max_lower_bound = lower_bound
                best = (self._get_parameters(), monitor, stats)
        params, self.monitor_, stats = best
        if not self.monitor_.converged and self.max_iter > 0:
            self.monitor_.warn(
                "Best performing initialization",
                "max_iter",
                "Increase max_iter, raise tol, try other init_params, or check "
                "the data for degenerate columns.",
                stacklevel=6,
            )
        self._set_parameters(params)
        # The statistics behind the parameters: partial_fit continues from
        # them, as from a first update.
        self._running_stats = stats
        self.n_steps_ = 1
        self.converged_ = self.monitor_.converged
        self.n_iter_ = self.monitor_.iter
        self.lower_bound_ = max_lower_bound
        self.lower_bounds_ = list(self.monitor_.history)
        self._start_sample_stream()

    def _run_em(self, X, sample_weight, start):
        """EM from the current parameters: its monitor and last statistics.

        Each iteration is one pass over the data that gives the E-step's
        lower bound and the M-step's sufficient statistics, then the M-step.
        """
        monitor = ConvergenceMonitor(
            self.tol,
            self.max_iter,
            self.verbose,
            start=start,
            objective="the lower bound",
        )
        stats = None
        for n_iter in range(1, self.max_iter + 1):
            lower_bound, stats = self._em_pass(X, sample_weight)
            self._m_step(stats)
            lower_bound = self._bound_after_m_step(lower_bound, stats)
            converged = monitor.report(lower_bound)
            self._print_verbose_msg_iter_end(n_iter, monitor.change)
            if converged:
                break
        if self.max_iter > 0:
            self._print_verbose_msg_init_end(monitor.history[-1], monitor.converged)
        return monitor, stats

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None, sample_weight=None):
        """Update the model with one batch of rows by stepwise online EM.

        Each call runs one E-step on the batch under the current parameters
        and moves the running sufficient statistics toward the batch's,

        .. math::

            s \\leftarrow (1 - \\rho_t)\\, s + \\rho_t\\, \\hat s_t, \\qquad
            \\rho_t = (t + \\text{learning\\_offset})^{-\\text{learning\\_decay}},

        where ``t`` counts the earlier updates (``rho = 1`` for the first
        batch), then runs the M-step on ``s`` (Cappé & Moulines, 2009). With
        ``learning_decay=1`` and ``learning_offset=1`` the statistics are the
        plain average over batches. The first call initialises the parameters
        from its batch with ``init_params``. After ``fit``, the statistics of
        the fit's last iteration count as the first update (``t = 1`` for the
        next batch), so the model is updated, not restarted.

        Parameters
        ----------
        X : array-like or dask array of shape (n_samples, n_features)
            One batch of rows: at least 2, and at least ``n_components``
            (of positive weight, with ``sample_weight``). A dask batch's
            E-step runs on the workers, block by block, as in :meth:`fit`.
        y : None
            Ignored; present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the batch's rows, as in :meth:`fit`: the
            batch's statistics are weighted means. They set the rows' weights
            within the batch only; the batch's weight in the running
            statistics is ``rho_t``, whatever its rows' weights (as whatever
            its number of rows).

        Returns
        -------
        self : object
            The updated mixture.
        """
        first_call = not hasattr(self, "n_steps_") and not hasattr(self, "converged_")
        X, sample_weight = self._validate_training_data(
            X, sample_weight, reset=first_call
        )
        with single_threaded_blas():
            self._partial_fit(X, sample_weight, first_call)
        return self

    def _partial_fit(self, X, sample_weight, first_call):
        if first_call:
            self._check_parameters(X, sample_weight)
            random_state = check_random_state(self.random_state)
            init_rows = (X, sample_weight)
            if self._initialization_reads_data():
                init_rows = initialisation_rows(X, random_state, sample_weight)
            init_X, init_weight = init_rows
            self._initialize_parameters(init_X, random_state, init_weight)
            self._running_stats = None
            self.converged_ = False
            self.monitor_ = ConvergenceMonitor(
                self.tol, self.max_iter, self.verbose, objective="the lower bound"
            )
            self._start_sample_stream()
        step = getattr(self, "n_steps_", 0)
        log_likelihood, batch_stats = self._em_pass(X, sample_weight)
        if getattr(self, "_running_stats", None) is None:
            self._running_stats = batch_stats
        else:
            rho = (step + self.learning_offset) ** -self.learning_decay
            self._running_stats = self._blend_statistics(
                self._running_stats, batch_stats, rho
            )
        self._m_step(self._running_stats)
        log_likelihood = self._bound_after_m_step(log_likelihood, self._running_stats)
        self._set_parameters(self._get_parameters())
        self.n_steps_ = step + 1
        self.n_iter_ = getattr(self, "n_iter_", 0) + 1
        self.lower_bound_ = log_likelihood
        self.monitor_.report(log_likelihood)

    # -- prediction ----------------------------------------------------------

    def _validate_test_data(self, X):
        check_is_fitted(self)
        return validate_data(
            self,
            X,
            dtype=[np.float64, np.float32],
            order="C",
            ensure_all_finite=self._finite(),
            reset=False,
        )

    @row_wise(dtype=np.intp)
    def _labels(self, X):
        """Component labels of validated rows, in row blocks."""
        labels = np.empty(X.shape[0], dtype=np.intp)
        for rows in row_blocks(X.shape[0]):
            labels[rows] = self._estimate_weighted_log_prob(X[rows]).argmax(axis=1)
        return labels

    @row_wise()
    def score_samples(self, X):
        """Log-density of each row under the mixture.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to score.

        Returns
        -------
        log_prob : ndarray of shape (n_samples,)
            ``log p(x_i)``, the log of the mixture density at each row; a dask
            array for dask ``X``.
        """
        X = self._validate_test_data(X)
        log_prob = np.empty(X.shape[0])
        for rows in row_blocks(X.shape[0]):
            log_prob[rows] = logsumexp(
                self._estimate_weighted_log_prob(X[rows]), axis=1
            )
        return log_prob

    @row_wise(dtype=np.intp)
    def predict(self, X):
        """Component of largest posterior probability for each row.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to label.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Component labels; a dask array for dask ``X``.
        """
        return self._labels(self._validate_test_data(X))

    @row_wise(n_columns=lambda mixture: mixture.n_components)
    def predict_proba(self, X):
        """Posterior probability of each component for each row.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to evaluate.

        Returns
        -------
        resp : ndarray of shape (n_samples, n_components)
            ``p(k | x_i)``; rows sum to one. A dask array for dask ``X``.
        """
        X = self._validate_test_data(X)
        resp = np.empty((X.shape[0], self.n_components))
        for rows in row_blocks(X.shape[0]):
            weighted = self._estimate_weighted_log_prob(X[rows])
            resp[rows] = np.exp(weighted - logsumexp(weighted, axis=1)[:, np.newaxis])
        return resp

    # -- verbose output, as scikit-learn prints it ----------------------------

    def _print_verbose_msg_init_beg(self, n_init):
        if self.verbose >= 1:
            print(f"Initialization {n_init}")
            self._init_prev_time = self._iter_prev_time = time()

    def _print_verbose_msg_iter_end(self, n_iter, diff_ll):
        if self.verbose >= 1 and n_iter % self.verbose_interval == 0:
            if self.verbose == 1:
                print(f"  Iteration {n_iter}")
            else:
                now = time()
                lapse = now - self._iter_prev_time
                print(
                    f"  Iteration {n_iter}\t time lapse {lapse:.5f}s"
                    f"\t ll change {diff_ll:.5f}"
                )
                self._iter_prev_time = now

    def _print_verbose_msg_init_end(self, lower_bound, converged):
        if self.verbose >= 1:
            status = "converged" if converged else "did not converge"
            message = f"Initialization {status}."
            if self.verbose >= 2:
                message += (
                    f" time lapse {time() - self._init_prev_time:.5f}s\t "
                    f"lower bound {lower_bound:.5f}"
                )
            print(message)
