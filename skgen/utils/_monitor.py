"""One convergence monitor for every iterative fit."""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

_CRITERIA = ("change", "value", "no_improvement")


class ConvergenceMonitor:
    """The values an iterative fit reported, and whether it converged.

    Every iterative fit in skgen (EM of the mixtures and HMMs, semi-supervised
    EM, the VAE's epochs) records its progress in one of these, exposed as
    the fitted attribute ``monitor_``: users read convergence one way
    everywhere. The attribute names are hmmlearn's (``tol``, ``n_iter``,
    ``verbose``, ``history``, ``iter``, ``converged``), with one difference:
    ``converged`` is True only when the criterion was met, never merely
    because ``n_iter`` iterations ran (hmmlearn counts that as converged, so
    its fits never warn).

    Parameters
    ----------
    tol : float
        Threshold of the criterion.
    n_iter : int
        Most iterations the fit runs.
    verbose : int, default=0
        The fit's verbosity (the fit prints its own lines).
    criterion : {'change', 'value', 'no_improvement'}, default='change'
        When the fit has converged:

        - 'change': the last value differs from the one before by less than
          ``tol`` in absolute value (EM's log-likelihood; the first value is
          compared with ``start``);
        - 'value': the last value is below ``tol`` (a distance between
          iterates, e.g. the largest change of a posterior);
        - 'no_improvement': ``patience`` values in a row failed to improve
          the best one by more than ``tol`` (a loss, or a validation score
          with ``higher_is_better``).
    start : float, default=-inf
        The value before the first ('change'), e.g. a warm start's.
    patience : int, default=1
        Values in a row without improvement that stop the fit
        ('no_improvement').
    higher_is_better : bool, default=False
        Direction of improvement ('no_improvement').
    objective : str, default='the objective'
        What the values are, for the warning (e.g. 'the lower bound').

    Attributes
    ----------
    history : list of float
        Every value reported, in order.
    iter : int
        Number of values reported.
    converged : bool
        Whether the criterion was met at the last report.
    best : float
        Best value so far ('no_improvement').
    n_no_improvement : int
        Values in a row without improvement ('no_improvement').

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.mixture import GaussianMixture
    >>> X = np.random.RandomState(0).normal(size=(200, 2))
    >>> monitor = GaussianMixture(2, random_state=0).fit(X).monitor_
    >>> monitor.converged, monitor.iter == len(monitor.history)
    (True, True)
    """

    def __init__(
        self,
        tol,
        n_iter,
        verbose=0,
        *,
        criterion="change",
        start=-np.inf,
        patience=1,
        higher_is_better=False,
        objective="the objective",
    ):
        if criterion not in _CRITERIA:
            raise ValueError(f"criterion must be one of {_CRITERIA}, got {criterion!r}")
        self.tol = tol
        self.n_iter = n_iter
        self.verbose = verbose
        self.criterion = criterion
        self.start = start
        self.patience = patience
        self.higher_is_better = higher_is_better
        self.objective = objective
        self.history = []
        self.iter = 0
        self.converged = False
        self.best = -np.inf if higher_is_better else np.inf
        self.n_no_improvement = 0

    def __repr__(self):
        return (
            f"ConvergenceMonitor(tol={self.tol!r}, n_iter={self.n_iter!r}, "
            f"criterion={self.criterion!r}, iter={self.iter}, "
            f"converged={self.converged})"
        )

    def _reset(self):
        """Forget the values reported (hmmlearn's name: a fit resets the
        monitor it is given before its first iteration)."""
        self.history = []
        self.iter = 0
        self.converged = False
        self.best = -np.inf if self.higher_is_better else np.inf
        self.n_no_improvement = 0

    @property
    def change(self):
        """The last value minus the one before (``start`` before the first)."""
        if not self.history:
            return np.nan
        previous = self.history[-2] if len(self.history) > 1 else self.start
        return self.history[-1] - previous

    def report(self, value):
        """Record one iteration's value; return whether the fit has converged."""
        self.history.append(value)
        self.iter += 1
        if self.criterion == "change":
            self.converged = bool(abs(self.change) < self.tol)
        elif self.criterion == "value":
            self.converged = bool(value < self.tol)
        else:
            self.converged = self._no_improvement(value)
        return self.converged

    def _no_improvement(self, value):
        if self.higher_is_better:
            improved = value > self.best + self.tol
            self.best = max(self.best, value)
        else:
            improved = not value > self.best - self.tol
            self.best = min(self.best, value)
        self.n_no_improvement = 0 if improved else self.n_no_improvement + 1
        return self.n_no_improvement >= self.patience

    def warn(self, what, limit, advice, *, stacklevel=3):
        """Warn that ``what`` did not converge within ``limit`` (e.g. 'max_iter').

        The message gives the criterion's last reading and ``advice``, what
        to change.
        """
        if self.criterion == "change":
            change = self.change
            known = f"was {change:.3g}" if np.isfinite(change) else "is unknown"
            reading = f"the last change of {self.objective} {known}, tol={self.tol:g}"
        elif self.criterion == "value":
            reading = (
                f"{self.objective} was {self.history[-1]:.3g} at the last one, "
                f"above tol={self.tol:g}"
            )
        else:
            reading = (
                f"{self.objective} still improved by more than tol={self.tol:g} "
                f"within the last {self.patience} iteration(s)"
            )
        warnings.warn(
            f"{what} did not converge in {limit}={self.n_iter} iterations: "
            f"{reading}. {advice}",
            ConvergenceWarning,
            stacklevel=stacklevel,
        )


def without_convergence_warnings(function, *args, **kwargs):
    """Call ``function`` with ConvergenceWarning silenced (for inner fits
    whose convergence the caller judges itself, e.g. by BIC)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return function(*args, **kwargs)
