"""partial_fit of every HMM: stepwise online EM over batches of sequences."""

import pickle

import numpy as np
import pytest

from skgen.distributions import _gaussian_kernels
from skgen.distributions._gaussian import reshift_moments
from skgen.hmm import GMMHMM, CategoricalHMM, GaussianHMM, PoissonHMM
from tests.hmm.test_gaussian_hmm import regime_data

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
LENGTHS = [120, 80, 100]


def model_and_data(name, seed=0):
    """A model with a set starting point (init_params='') and data for it."""
    X, states = regime_data(seed=seed)
    rng = np.random.RandomState(seed + 100)
    start = dict(
        startprob_=rng.dirichlet(np.ones(3)),
        transmat_=rng.dirichlet(np.full(3, 4.0), size=3),
    )
    if name.startswith("gaussian"):
        covariance_type = name.split("-")[1]
        model = GaussianHMM(3, covariance_type=covariance_type, init_params="")
        start["means_"] = np.array([[0.0, 0.0], [3.0, 1.0], [-2.0, 2.5]]) + 0.3
        start["covars_"] = {
            "spherical": np.ones(3),
            "diag": np.ones((3, 2)),
            "tied": np.eye(2),
            "full": np.tile(np.eye(2), (3, 1, 1)),
        }[covariance_type]
    elif name.startswith("gmm"):
        covariance_type = name.split("-")[1]
        model = GMMHMM(3, n_mix=2, covariance_type=covariance_type, init_params="")
        centres = np.array([[0.0, 0.0], [3.0, 1.0], [-2.0, 2.5]]) + 0.3
        start["weights_"] = rng.dirichlet(np.full(2, 2.0), size=3)
        start["means_"] = centres[:, None, :] + [[0.5, -0.5], [-0.5, 0.5]]
        start["covars_"] = {
            "spherical": np.ones((3, 2)),
            "diag": np.ones((3, 2, 2)),
            "tied": np.tile(np.eye(2), (3, 1, 1)),
            "full": np.tile(np.eye(2), (3, 2, 1, 1)),
        }[covariance_type]
    elif name == "categorical":
        model = CategoricalHMM(3, init_params="")
        X = np.digitize(X[:, :1], [-1.0, 1.0, 2.5])
        start["emissionprob_"] = rng.dirichlet(np.ones(4), size=3)
    else:
        model = PoissonHMM(3, init_params="")
        X = np.floor(np.abs(X) * 2)
        start["lambdas_"] = rng.uniform(1, 5, (3, 2))
    for attribute, value in start.items():
        setattr(model, attribute, value)
    return model, X


FAMILIES = [
    "gaussian-diag",
    "gaussian-spherical",
    "gaussian-full",
    "gaussian-tied",
    "categorical",
    "poisson",
    "gmm-diag",
    "gmm-spherical",
    "gmm-full",
    "gmm-tied",
]
PARAMETERS = {
    "gaussian": ["startprob_", "transmat_", "means_", "covars_"],
    "categorical": ["startprob_", "transmat_", "emissionprob_"],
    "poisson": ["startprob_", "transmat_", "lambdas_"],
    "gmm": ["startprob_", "transmat_", "weights_", "means_", "covars_"],
}


@pytest.mark.parametrize("family", FAMILIES)
def test_partial_fit_on_one_batch_is_one_baum_welch_iteration(family):
    online, X = model_and_data(family)
    batch = pickle.loads(pickle.dumps(online)).set_params(n_iter=1, tol=0)
    online.partial_fit(X, lengths=LENGTHS)
    batch.fit(X, lengths=LENGTHS)
    assert online.n_steps_ == 1
    for name in PARAMETERS[family.split("-")[0]]:
        np.testing.assert_allclose(
            getattr(online, name), getattr(batch, name), rtol=1e-12, err_msg=name
        )
    assert online.lower_bound_ == pytest.approx(batch.lower_bound_, rel=1e-12)


@pytest.mark.parametrize("family", FAMILIES)
def test_second_batch_blends_the_expected_counts(family):
    """Two batches with learning_decay=1, learning_offset=1 (rho = 1/2): the
    M-step sees the average of the two batches' expected counts per row, each
    taken under the parameters of its own step, times the average batch size
    (so each batch weighs 1/2 whatever its size)."""
    model, X = model_and_data(family)
    model.set_params(learning_decay=1.0, learning_offset=1.0)
    first, second = X[:200], X[200:]
    first_lengths, second_lengths = [120, 80], [100]
    reference = pickle.loads(pickle.dumps(model))

    model.partial_fit(first, lengths=first_lengths)
    model.partial_fit(second, lengths=second_lengths)

    reference._validate(first, first_lengths, None, reset=True)
    stats_1, means_1 = reference._e_step(first, np.array([0, 120, 200]))
    reference._m_step(stats_1, means_1)
    stats_2, means_2 = reference._e_step(second, np.array([0, 100]))
    emissions_1, emissions_2 = stats_1.emissions, stats_2.emissions
    # Express the first batch's sums around the second's reference means.
    if family.startswith("gaussian"):
        emissions_1 = reshift_moments(*emissions_1, means_1, means_2)[:3]
    elif family.startswith("gmm"):
        nk, sx, sxx, post_sum = emissions_1
        k, m, d = means_1.shape
        _, sx, sxx, _ = reshift_moments(
            nk.ravel(),
            sx.reshape(k * m, d),
            sxx.reshape(k * m, *sxx.shape[2:]),
            means_1.reshape(k * m, d),
            means_2.reshape(k * m, d),
        )
        sxx = sxx.reshape(nk.shape + sxx.shape[1:])
        emissions_1 = (nk, sx.reshape(k, m, d), sxx, post_sum)
    # Every entry is a sum: all are blended.
    mean_size = 0.5 * (200 + 100)

    def blend(a, b):
        return mean_size * 0.5 * (a / 200 + b / 100)

    averaged = stats_2._replace(
        start=blend(stats_1.start, stats_2.start),
        transitions=blend(stats_1.transitions, stats_2.transitions),
        emissions=type(emissions_2)(
            *(blend(a, b) for a, b in zip(emissions_1, emissions_2))
        ),
    )
    reference._m_step(averaged, means_2)
    assert model.n_steps_ == 2
    for name in PARAMETERS[family.split("-")[0]]:
        np.testing.assert_allclose(
            getattr(model, name), getattr(reference, name), rtol=1e-10, err_msg=name
        )


def test_partial_fit_validates_its_parameters():
    X, _ = regime_data()
    with pytest.raises(ValueError, match="n_components"):
        GaussianHMM(n_components=0).partial_fit(X)
    with pytest.raises(ValueError, match="learning_decay"):
        GaussianHMM(3, learning_decay=5.0).partial_fit(X)


@pytest.mark.parametrize("full", [True, False])
def test_reshifted_moments_equal_moments_taken_around_the_new_point(full):
    rng = np.random.RandomState(0)
    X = rng.standard_normal((50, 3)) * 4 + 10
    resp = rng.dirichlet(np.ones(2), size=50)
    shift, new_shift = rng.standard_normal((2, 3)), rng.standard_normal((2, 3)) + 9

    def moments(around):
        parts = _gaussian_kernels.weighted_moments(X, resp, around, full, 1)
        nk, sx, sxx = (part.sum(axis=0) for part in parts)
        return nk, sx, sxx if full else sxx[..., 0]

    moved = reshift_moments(*moments(shift), shift, new_shift)
    for a, b in zip(moved[:3], moments(new_shift)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-9)


def test_streaming_batches_of_sequences_reaches_the_batch_fit():
    lengths = [100] * 60
    X, _ = regime_data(seed=5, lengths=lengths)
    batch = GaussianHMM(3, n_iter=100, n_init=3, random_state=0).fit(X, lengths=lengths)
    online = GaussianHMM(3, init_params="", random_state=0)
    online.startprob_ = np.full(3, 1 / 3)
    online.transmat_ = np.full((3, 3), 0.1) + 0.7 * np.eye(3)
    online.means_ = batch.means_ + 0.5
    online.covars_ = np.ones((3, 2))
    for _ in range(3):
        for rows in np.array_split(np.arange(60), 20):
            start, stop = rows[0] * 100, (rows[-1] + 1) * 100
            online.partial_fit(X[start:stop], lengths=[100] * len(rows))
    assert online.n_steps_ == 60
    np.testing.assert_allclose(online.means_, batch.means_, atol=0.1)
    np.testing.assert_allclose(online.transmat_, batch.transmat_, atol=0.03)
    assert online.score(X, lengths=lengths) == pytest.approx(
        batch.score(X, lengths=lengths), abs=0.01
    )


def test_partial_fit_after_fit_updates_rather_than_restarts():
    X, _ = regime_data(seed=6)
    fitted = GaussianHMM(3, n_iter=50, random_state=0).fit(X, lengths=LENGTHS)
    assert fitted.n_steps_ == 1
    batch = X[:50]
    updated = pickle.loads(pickle.dumps(fitted)).partial_fit(batch)
    restarted = pickle.loads(pickle.dumps(fitted))
    del restarted._running_stats
    restarted.partial_fit(batch)
    moved = np.abs(updated.means_ - fitted.means_).max()
    assert 0 < moved < np.abs(restarted.means_ - fitted.means_).max()
    assert updated.n_steps_ == 2
    assert len(updated.lower_bounds_) == fitted.n_iter_ + 1


def test_partial_fit_checks_features_after_the_first_batch():
    X, _ = regime_data()
    model = GaussianHMM(3, random_state=0).partial_fit(X[:100])
    with pytest.raises(ValueError, match="features"):
        model.partial_fit(X[:100, :1])
