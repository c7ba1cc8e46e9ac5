"""The one convergence monitor: hmmlearn's names, an honest ``converged``."""

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skgen.utils._monitor import ConvergenceMonitor


def test_change_criterion_compares_with_the_start_then_the_last_value():
    monitor = ConvergenceMonitor(tol=0.1, n_iter=10)
    assert not monitor.report(-5.0)  # change from -inf
    assert monitor.change == np.inf
    assert not monitor.report(-4.0)
    assert monitor.report(-3.95)
    assert monitor.history == [-5.0, -4.0, -3.95] and monitor.iter == 3
    assert monitor.converged
    warm = ConvergenceMonitor(tol=0.1, n_iter=10, start=-3.95)
    assert warm.report(-3.9)


def test_running_out_of_iterations_is_not_convergence():
    monitor = ConvergenceMonitor(tol=1e-9, n_iter=2, objective="the lower bound")
    monitor.report(1.0)
    monitor.report(2.0)
    assert not monitor.converged  # hmmlearn would say True here
    with pytest.warns(ConvergenceWarning, match=r"max_iter=2 .*lower bound was 1.*"):
        monitor.warn("EM", "max_iter", "Increase max_iter.")


def test_value_criterion():
    monitor = ConvergenceMonitor(tol=0.01, n_iter=5, criterion="value")
    assert not monitor.report(0.5)
    assert monitor.report(0.001)


@pytest.mark.parametrize("higher_is_better", [False, True])
def test_no_improvement_criterion_counts_values_in_a_row(higher_is_better):
    sign = 1.0 if higher_is_better else -1.0
    monitor = ConvergenceMonitor(
        tol=0.5,
        n_iter=100,
        criterion="no_improvement",
        patience=2,
        higher_is_better=higher_is_better,
    )
    assert not monitor.report(sign * 1.0)  # improves on +-inf
    assert not monitor.report(sign * 1.2)  # by less than tol: 1 in a row
    assert not monitor.report(sign * 3.0)  # improves: the count restarts
    assert monitor.best == sign * 3.0
    assert not monitor.report(sign * 3.1)
    assert monitor.report(sign * 2.0)  # 2 in a row
    assert monitor.n_no_improvement == 2


def test_bad_criterion_is_named():
    with pytest.raises(ValueError, match="criterion"):
        ConvergenceMonitor(tol=0.1, n_iter=3, criterion="soon")
