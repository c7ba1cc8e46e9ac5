"""The walk-through of doc/design.rst, "How to add an emission family", run.

``BernoulliHMM`` below is the page's example, included there from this file:
one class with the emission hooks of ``BaseHMM``, and nothing else. The
tests check that what the page promises comes with it: hmmlearn-style
sequences, several starts, stepwise EM, Dask, predictions and sampling, the
information criteria, and scikit-learn's estimator checks.
"""

from typing import NamedTuple

import numpy as np
import pytest
from scipy.special import logsumexp
from sklearn.utils.estimator_checks import parametrize_with_checks
from sklearn.utils.validation import check_array

from skgen.hmm._base import BaseHMM
from skgen.utils._sklearn_compat import validate_data


class BernoulliStatistics(NamedTuple):
    """Sums over rows under the state posteriors ``r_tk``."""

    posterior_sums: np.ndarray  # (K,) sum_t r_tk
    ones: np.ndarray  # (K, n_features) sum_t r_tk x_t


class BernoulliHMM(BaseHMM):
    """Hidden Markov model with independent binary features per state."""

    _parameter_constraints: dict = {**BaseHMM._parameter_constraints}
    _emission_codes = "e"  # the letter of emissionprob_ in params/init_params
    _emission_parameter_names = ("emissionprob_",)

    def __init__(
        self,
        n_components=1,
        *,
        startprob_prior=1.0,
        transmat_prior=1.0,
        algorithm="viterbi",
        random_state=None,
        n_iter=10,
        tol=1e-2,
        verbose=False,
        params="ste",
        init_params="ste",
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

    def _validate_emission_data(self, X, reset):
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=reset)
        return self._check_block(X)

    def _check_block(self, X):  # the row checks, also run on dask blocks
        # Values above 0.5 count as 1 (as BernoulliNB's binarize does at 0).
        X = check_array(X, dtype=[np.float64, np.float32])
        return (X > 0.5).astype(np.float64)

    def _init_emissions(self, X, random_state):
        if self._needs_init("e", "emissionprob_"):
            shape = (self.n_components, X.shape[1])
            self.emissionprob_ = random_state.uniform(0.25, 0.75, size=shape)

    def _check_emissions(self):
        shape = (self.n_components, self.n_features_in_)
        probs = np.asarray(self.emissionprob_, dtype=np.float64)
        if probs.shape != shape or np.any((probs < 0) | (probs > 1)):
            raise ValueError(f"emissionprob_ must be probabilities of shape {shape}.")
        self.emissionprob_ = probs

    def _emission_log_likelihood(self, X):
        with np.errstate(divide="ignore"):
            log_p, log_q = np.log(self.emissionprob_), np.log1p(-self.emissionprob_)
        return X @ log_p.T + (1.0 - X) @ log_q.T

    def _emission_statistics(self, X, posteriors):
        return BernoulliStatistics(posteriors.sum(axis=0), posteriors.T @ X)

    def _emission_m_step(self, stats, reference):
        if "e" in self.params:
            totals = np.maximum(stats.posterior_sums, 1e-12)[:, np.newaxis]
            self.emissionprob_ = np.clip(stats.ones / totals, 1e-6, 1 - 1e-6)

    def _sample_emissions(self, states, random_state):
        draws = random_state.uniform(size=(states.size, self.emissionprob_.shape[1]))
        return (draws < self.emissionprob_[states]).astype(np.float64)

    def _n_emission_parameters(self):
        return {"e": self.emissionprob_.size}


def _regimes(seed=0, lengths=(40, 60, 50)):
    """Sequences that switch once from one state's features to the other's."""
    probs = np.array([[0.1, 0.9, 0.2, 0.7], [0.8, 0.2, 0.6, 0.3]])
    rng = np.random.RandomState(seed)
    states = np.concatenate([np.arange(n) >= n // 2 for n in lengths]).astype(int)
    X = rng.uniform(size=(len(states), 4)) < probs[states]
    return X.astype(np.float64), list(lengths)


@parametrize_with_checks(
    [BernoulliHMM(2, n_iter=20, random_state=0)],
    expected_failed_checks=lambda estimator: estimator._expected_failed_checks,
)
def test_the_new_family_passes_the_estimator_checks(estimator, check):
    check(estimator)


def test_the_likelihood_is_the_sum_over_state_paths():
    """Brute force over the 2**3 paths of a 3-step sequence."""
    X = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    model = BernoulliHMM(2)
    model.n_features_in_ = 2
    model.startprob_ = np.array([0.6, 0.4])
    model.transmat_ = np.array([[0.7, 0.3], [0.2, 0.8]])
    model.emissionprob_ = np.array([[0.9, 0.2], [0.3, 0.6]])
    p = model.emissionprob_
    frame = np.log(np.where(X[:, None, :] == 1, p, 1 - p)).sum(axis=2)
    paths = []
    for path in np.ndindex(2, 2, 2):
        log_prob = np.log(model.startprob_[path[0]]) + frame[0, path[0]]
        for t in (1, 2):
            log_prob += np.log(model.transmat_[path[t - 1], path[t]])
            log_prob += frame[t, path[t]]
        paths.append(log_prob)
    assert model.score_samples(X).sum() == pytest.approx(logsumexp(paths), rel=1e-12)


def test_what_the_base_gives_a_new_family():
    X, lengths = _regimes()
    model = BernoulliHMM(2, n_iter=50, n_init=2, random_state=0)
    model.fit(X, lengths=lengths)
    assert model.monitor_.iter == model.n_iter_ and model.lower_bounds_
    states = model.predict(X, lengths=lengths)
    assert states.shape == (X.shape[0],)
    assert model.predict_proba(X, lengths=lengths).shape == (X.shape[0], 2)
    rows, path = model.sample(30, random_state=0)
    assert set(np.unique(rows)) <= {0.0, 1.0} and path.shape == (30,)
    assert model.bic(X, lengths=lengths) > model.aic(X, lengths=lengths)
    model.partial_fit(X[:100], lengths=[40, 60])
    assert model.n_steps_ == 2
    with pytest.raises(ValueError, match=r"letter\(s\) m"):
        BernoulliHMM(2, params="stm").fit(X)


def test_dask_comes_with_the_base():
    distributed = pytest.importorskip("dask.distributed")
    da = pytest.importorskip("dask.array")
    del distributed
    import dask

    X, lengths = _regimes(seed=1)
    params = dict(n_iter=5, tol=0.0, random_state=0)
    ref = BernoulliHMM(2, **params).fit(X, lengths=lengths)
    dX = da.from_array(X, chunks=((40, 110), 4))
    with dask.config.set(scheduler="threads"):
        got = BernoulliHMM(2, **params).fit(dX, lengths=lengths)
        proba = got.predict_proba(dX, lengths=lengths).compute()
    np.testing.assert_allclose(got.emissionprob_, ref.emissionprob_, rtol=1e-10)
    np.testing.assert_allclose(proba, ref.predict_proba(X, lengths=lengths), rtol=1e-9)


def test_known_states_and_weights_come_with_the_base():
    """A new family gets labelled fits and sequence weights with no code of its
    own: fully labelled, the first M-step is the supervised estimate."""
    X, lengths = _regimes(seed=2)
    states = np.concatenate([np.arange(n) >= n // 2 for n in lengths]).astype(int)
    model = BernoulliHMM(2, random_state=0).fit(X, lengths=lengths, states=states)
    ones = np.array([X[states == k].mean(axis=0) for k in range(2)])
    np.testing.assert_allclose(model.emissionprob_, ones, rtol=1e-12)
    np.testing.assert_allclose(model.startprob_, [1.0, 0.0], atol=1e-15)
    switches = len(lengths)  # one 0 -> 1 switch per sequence
    stays = np.bincount(states)[0] - switches
    np.testing.assert_allclose(
        model.transmat_[0], [stays, switches] / (stays + switches)
    )
    weighted = BernoulliHMM(2, random_state=0).fit(
        X, lengths=lengths, states=states, sample_weight=[1, 0, 1]
    )
    kept = np.r_[np.arange(40), np.arange(100, 150)]
    ones = np.array([X[kept][states[kept] == k].mean(axis=0) for k in range(2)])
    np.testing.assert_allclose(weighted.emissionprob_, ones, rtol=1e-12)
