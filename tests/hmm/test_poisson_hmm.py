"""PoissonHMM against hmmlearn on the same parameters."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skgen.hmm import PoissonHMM

hmmlearn_hmm = pytest.importorskip("hmmlearn.hmm")

LENGTHS = [90, 60, 150]


def count_data(seed=0):
    rng = np.random.RandomState(seed)
    rates = np.array([[1.0, 6.0], [9.0, 2.0], [4.0, 4.0]])
    state, states = 0, []
    for _ in range(sum(LENGTHS)):
        if rng.rand() < 0.1:
            state = rng.randint(3)
        states.append(state)
    return rng.poisson(rates[states]), np.array(states)


@pytest.mark.parametrize("prior", [{}, {"lambdas_prior": 2.0, "lambdas_weight": 0.5}])
def test_ten_iterations_match_hmmlearn(prior):
    X, _ = count_data()
    rng = np.random.RandomState(1)
    start = dict(
        startprob_=rng.dirichlet(np.ones(3)),
        transmat_=rng.dirichlet(np.ones(3) * 3, size=3),
        lambdas_=rng.uniform(1, 8, (3, 2)),
    )
    params = dict(n_components=3, n_iter=10, tol=0, init_params="", **prior)
    ref = hmmlearn_hmm.PoissonHMM(**params)
    ours = PoissonHMM(**params)
    for model in (ref, ours):
        for name, value in start.items():
            setattr(model, name, value.copy())
    ref.fit(X, LENGTHS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours.fit(X, lengths=LENGTHS)
    for name in ["startprob_", "transmat_", "lambdas_"]:
        np.testing.assert_allclose(
            getattr(ours, name), getattr(ref, name), rtol=1e-8, err_msg=name
        )
    np.testing.assert_allclose(
        ours.lower_bounds_, list(ref.monitor_.history), rtol=1e-8
    )
    np.testing.assert_array_equal(ours.predict(X, LENGTHS), ref.predict(X, LENGTHS))
    np.testing.assert_allclose(
        ours.predict_proba(X, LENGTHS),
        ref.predict_proba(X, LENGTHS),
        rtol=1e-7,
        atol=1e-10,
    )
    assert ours.bic(X) == pytest.approx(
        -2 * ours.score_samples(X).sum() + ours._n_parameters() * np.log(len(X))
    )


def test_negative_counts_are_a_clear_error():
    X, _ = count_data()
    X = X.astype(float)
    X[5, 1] = -1
    with pytest.raises(
        ValueError, match="Negative values in data passed to PoissonHMM"
    ):
        PoissonHMM(3).fit(X)


def test_sample_rates_match_lambdas():
    X, _ = count_data(seed=2)
    model = PoissonHMM(3, n_iter=50, n_init=3, random_state=0).fit(X, lengths=LENGTHS)
    X_new, states = model.sample(30_000, random_state=0)
    assert np.all(X_new >= 0) and np.all(X_new == np.round(X_new))
    for k in range(3):
        rows = X_new[states == k]
        sd = np.sqrt(model.lambdas_[k] / len(rows))
        assert np.all(np.abs(rows.mean(axis=0) - model.lambdas_[k]) < 5 * sd)
