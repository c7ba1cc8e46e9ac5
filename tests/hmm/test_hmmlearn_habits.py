"""Habits of hmmlearn's users that skgen's HMMs keep: the convergence monitor
(before fit, and one of the user's), ``n_iter=0``, the warning when
``init_params`` overwrites a value set before fit."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skgen.hmm import GMMHMM, CategoricalHMM, GaussianHMM, PoissonHMM
from skgen.utils import ConvergenceMonitor

LENGTHS = [60, 40, 50]


def data(family, seed=0):
    rng = np.random.RandomState(seed)
    n = sum(LENGTHS)
    states = (np.arange(n) // 25) % 2
    if family is CategoricalHMM:
        return np.where(rng.rand(n) < 0.8, states, 2 - states)[:, None]
    if family is PoissonHMM:
        return rng.poisson(np.array([[1.0, 5.0], [6.0, 2.0]])[states])
    return rng.normal(size=(n, 2)) + 3.0 * states[:, None]


def model(family, **params):
    if family is GMMHMM:
        params.setdefault("n_mix", 2)
    return family(n_components=2, random_state=0, **params)


FAMILIES = [GaussianHMM, GMMHMM, CategoricalHMM, PoissonHMM]


@pytest.mark.parametrize("family", FAMILIES)
def test_monitor_before_fit_has_the_estimators_settings(family):
    monitor = model(family, tol=0.5, n_iter=7, verbose=False).monitor_
    assert (monitor.tol, monitor.n_iter, monitor.verbose) == (0.5, 7, False)
    assert monitor.iter == 0 and len(monitor.history) == 0 and not monitor.converged


@pytest.mark.parametrize("family", FAMILIES)
def test_monitor_after_fit_holds_the_run(family):
    X = data(family)
    hmm = model(family, n_iter=500, tol=0.05).fit(X, lengths=LENGTHS)
    monitor = hmm.monitor_
    assert monitor.iter == hmm.n_iter_ == len(monitor.history)
    assert monitor.converged and hmm.converged_
    assert list(monitor.history) == hmm.lower_bounds_
    assert monitor.history[-1] == hmm.lower_bound_
    # Baum-Welch never lowers the log-likelihood (hmmlearn's monitor checks it).
    assert np.all(np.diff(monitor.history) > -1e-8 * np.abs(monitor.history[1:]))


class StopAfterTwo(ConvergenceMonitor):
    """A monitor of the user's, with its own criterion (hmmlearn's habit:
    subclass the monitor, assign it to monitor_ before fit)."""

    def report(self, value):
        super().report(value)
        self.converged = self.iter >= 2
        return self.converged


@pytest.mark.parametrize("family", FAMILIES)
def test_a_monitor_assigned_before_fit_decides_when_to_stop(family):
    X = data(family)
    hmm = model(family, n_iter=50, tol=0.0)
    monitor = StopAfterTwo(tol=0.0, n_iter=50)
    hmm.monitor_ = monitor
    hmm.fit(X, lengths=LENGTHS)
    assert hmm.monitor_ is monitor and monitor.iter == 2 and hmm.n_iter_ == 2
    hmm.fit(X, lengths=LENGTHS)  # reset and used again, as hmmlearn does
    assert monitor.iter == 2 and len(monitor.history) == 2


def test_hmmlearns_monitor_subclass_works():
    base = pytest.importorskip("hmmlearn.base")

    class Strict(base.ConvergenceMonitor):
        @property
        def converged(self):
            return len(self.history) >= 2 and self.history[-1] - self.history[-2] < 1.0

    X = data(GaussianHMM)
    hmm = model(GaussianHMM, n_iter=100, tol=1e-9)
    hmm.monitor_ = Strict(hmm.monitor_.tol, hmm.monitor_.n_iter, False)
    hmm.fit(X, lengths=LENGTHS)
    assert hmm.monitor_.converged and hmm.converged_
    history = list(hmm.monitor_.history)
    assert history[-1] - history[-2] < 1.0 and hmm.n_iter_ == len(history) < 100

    # n_iter reached without meeting the criterion: a ConvergenceWarning.
    class Never(base.ConvergenceMonitor):
        converged = False

    hmm.monitor_ = Never(0, 3, False)
    with pytest.warns(ConvergenceWarning, match="Never given as monitor_"):
        hmm.set_params(n_iter=3).fit(X, lengths=LENGTHS)


@pytest.mark.parametrize("family", FAMILIES)
def test_a_monitor_is_copied_for_each_start(family):
    X = data(family)
    hmm = model(family, n_iter=5, tol=0.0, n_init=3)
    monitor = ConvergenceMonitor(0.0, 5)
    hmm.monitor_ = monitor
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        hmm.fit(X, lengths=LENGTHS)
    assert monitor.iter == 0  # the template is not reported to
    assert hmm.monitor_ is not monitor and hmm.monitor_.iter == 5


@pytest.mark.parametrize("family", FAMILIES)
def test_n_iter_zero_initialises_only(family):
    X = data(family)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # none for n_iter=0
        start = model(family, n_iter=0).fit(X, lengths=LENGTHS)
    assert start.n_iter_ == 0 and not start.converged_
    assert start.monitor_.iter == 0 and start.lower_bounds_ == []
    # lower_bound_ is the log-likelihood of the start.
    assert start.lower_bound_ == pytest.approx(
        start.score(X, lengths=LENGTHS) * X.shape[0], rel=1e-10
    )
    # Iterating from the start equals a fit of the same initialisation.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start.set_params(n_iter=3, init_params="").fit(X, lengths=LENGTHS)
        direct = model(family, n_iter=3).fit(X, lengths=LENGTHS)
    assert start.lower_bounds_ == pytest.approx(direct.lower_bounds_, rel=1e-12)


def test_n_iter_zero_leaves_given_parameters_alone():
    X = data(GaussianHMM)
    hmm = GaussianHMM(2, n_iter=0, init_params="mc")
    hmm.startprob_ = np.array([0.3, 0.7])
    hmm.transmat_ = np.array([[0.9, 0.1], [0.2, 0.8]])
    hmm.fit(X, lengths=LENGTHS)
    np.testing.assert_array_equal(hmm.startprob_, [0.3, 0.7])
    np.testing.assert_array_equal(hmm.transmat_, [[0.9, 0.1], [0.2, 0.8]])


def test_value_set_before_fit_warns_when_init_params_overwrites_it():
    X = data(GaussianHMM)
    hmm = GaussianHMM(2, random_state=0, n_iter=2)
    hmm.startprob_ = np.array([0.3, 0.7])
    hmm.covars_ = np.ones((2, 2))
    with pytest.warns(UserWarning, match="will be|overwritten") as record:
        hmm.fit(X, lengths=LENGTHS)
    messages = [str(w.message) for w in record if w.category is UserWarning]
    assert len(messages) == 2  # once each, however many starts
    assert any("startprob_" in m and "'s'" in m for m in messages)
    assert any("covars_" in m and "'c'" in m for m in messages)
    assert record[0].filename == __file__

    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)  # a UserWarning
        # Refitting overwrites the fit's own values: no warning.
        hmm.fit(X, lengths=LENGTHS)
        # Nor when init_params leaves the value alone.
        keep = GaussianHMM(2, random_state=0, n_iter=2, init_params="tmc")
        keep.startprob_ = np.array([0.3, 0.7])
        keep.fit(X, lengths=LENGTHS)

    # A value set again after a fit is the user's.
    hmm.transmat_ = np.full((2, 2), 0.5)
    with pytest.warns(UserWarning, match="transmat_ was set before fit"):
        hmm.fit(X, lengths=LENGTHS)


@pytest.mark.parametrize("family", FAMILIES)
def test_partial_fit_warns_on_its_first_batch_only(family):
    X = data(family)
    hmm = model(family)
    hmm.transmat_ = np.full((2, 2), 0.5)
    with pytest.warns(UserWarning, match="transmat_ was set before fit"):
        hmm.partial_fit(X, lengths=LENGTHS)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)  # a UserWarning
        hmm.partial_fit(X, lengths=LENGTHS)
        hmm.fit(X, lengths=LENGTHS)  # partial_fit's values are the fit's


def test_fewer_data_points_than_free_parameters_warns():
    X = np.random.RandomState(0).normal(size=(5, 2))
    with pytest.warns(UserWarning, match="20 free scalar parameters with only 10"):
        GaussianHMM(3, "diag", n_iter=1, random_state=0).fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        # Only the parameters in params count (as hmmlearn).
        GaussianHMM(3, "diag", n_iter=1, random_state=0, params="st").fit(X)
