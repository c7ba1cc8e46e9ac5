"""BayesianGaussianMixture against scikit-learn's, and its own invariants."""

import copy
import warnings

import numpy as np
import pytest
from scipy.special import logsumexp
from sklearn import mixture as sk_mixture
from sklearn.exceptions import ConvergenceWarning

from skgen.mixture import BayesianGaussianMixture, GaussianMixture
from skgen.mixture._bayesian_mixture import (
    _data_mean_and_covariance,
    _responsibility_log_sum,
)
from skgen.utils._mapreduce import map_reduce

COVARIANCE_TYPES = ["full", "tied", "diag", "spherical"]
PRIOR_TYPES = ["dirichlet_process", "dirichlet_distribution"]

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def three_blobs(seed=0, n=(200, 150, 100)):
    rng = np.random.RandomState(seed)
    return np.vstack(
        [
            rng.randn(n[0], 3),
            0.5 * rng.randn(n[1], 3) + [4.0, 4.0, 0.0],
            rng.randn(n[2], 3) + [-3.0, 5.0, 2.0],
        ]
    )


def assert_same_posterior(ours, ref, rtol=1e-10):
    for name in (
        "weights_",
        "means_",
        "covariances_",
        "precisions_",
        "precisions_cholesky_",
        "mean_precision_",
        "degrees_of_freedom_",
        "mean_prior_",
        "covariance_prior_",
    ):
        np.testing.assert_allclose(
            getattr(ours, name), getattr(ref, name), rtol=rtol, atol=1e-12, err_msg=name
        )
    np.testing.assert_allclose(
        np.asarray(ours.weight_concentration_),
        np.asarray(ref.weight_concentration_),
        rtol=rtol,
    )
    assert ours.lower_bound_ == pytest.approx(
        float(np.squeeze(ref.lower_bound_)), rel=rtol
    )


@pytest.mark.parametrize("prior_type", PRIOR_TYPES)
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_fit_equals_scikit_learn(prior_type, covariance_type):
    X = three_blobs()
    params = dict(
        n_components=5,
        covariance_type=covariance_type,
        weight_concentration_prior_type=prior_type,
        max_iter=40,
        tol=1e-8,
        random_state=1,
    )
    ref = sk_mixture.BayesianGaussianMixture(**params).fit(X)
    ours = BayesianGaussianMixture(**params).fit(X)
    assert ours.n_iter_ == ref.n_iter_
    assert ours.converged_ == ref.converged_
    assert_same_posterior(ours, ref)
    np.testing.assert_allclose(
        ours.lower_bounds_, np.squeeze(ref.lower_bounds_), rtol=1e-10
    )
    np.testing.assert_allclose(ours.score_samples(X), ref.score_samples(X), rtol=1e-10)
    np.testing.assert_allclose(
        ours.predict_proba(X), ref.predict_proba(X), rtol=1e-8, atol=1e-12
    )
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


@pytest.mark.parametrize("init_params", ["k-means++", "random", "random_from_data"])
def test_other_starts_and_restarts_equal_scikit_learn(init_params):
    X = three_blobs(seed=3)
    params = dict(
        n_components=4, init_params=init_params, n_init=3, max_iter=30, random_state=7
    )
    ref = sk_mixture.BayesianGaussianMixture(**params).fit(X)
    ours = BayesianGaussianMixture(**params).fit(X)
    assert_same_posterior(ours, ref)


def test_given_priors_equal_scikit_learn():
    X = three_blobs(seed=2)
    priors = dict(
        weight_concentration_prior=0.01,
        mean_precision_prior=0.5,
        mean_prior=[1.0, 2.0, 0.5],
        degrees_of_freedom_prior=5.0,
    )
    for covariance_type, covariance_prior in [
        ("full", 2.0 * np.eye(3)),
        ("tied", np.diag([1.0, 2.0, 3.0])),
        ("diag", np.array([1.0, 2.0, 0.5])),
        ("spherical", 1.5),
    ]:
        params = dict(
            n_components=4,
            covariance_type=covariance_type,
            covariance_prior=covariance_prior,
            max_iter=25,
            random_state=0,
            **priors,
        )
        ref = sk_mixture.BayesianGaussianMixture(**params).fit(X)
        ours = BayesianGaussianMixture(**params).fit(X)
        assert_same_posterior(ours, ref)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_responsibility_entropy_from_sums_equals_the_direct_sum(covariance_type):
    """The lower bound's sum_ik r log r, rebuilt from the E-step's sums, equals
    the sum over an explicit (n_samples, n_components) array."""
    X = three_blobs(seed=4)
    model = BayesianGaussianMixture(
        n_components=3, covariance_type=covariance_type, max_iter=3, random_state=0
    ).fit(X)
    function, args = model._e_step_block()
    sums = map_reduce(function, X, None, args=args)
    offsets, shift_weights, means, precisions_chol, _ = args
    from_sums = _responsibility_log_sum(
        sums, offsets, means, shift_weights @ means, precisions_chol, covariance_type
    )
    weighted = model._estimate_weighted_log_prob(X)
    log_resp = weighted - logsumexp(weighted, axis=1)[:, np.newaxis]
    direct = np.sum(np.exp(log_resp) * log_resp)
    assert from_sums == pytest.approx(direct, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_lower_bound_never_decreases(covariance_type):
    X = three_blobs(seed=5)
    model = BayesianGaussianMixture(
        n_components=6,
        covariance_type=covariance_type,
        max_iter=1,
        warm_start=True,
        random_state=0,
    )
    bounds = []
    for _ in range(30):
        bounds.append(model.fit(X).lower_bound_)
    assert np.all(np.diff(bounds) >= -1e-9 * np.abs(bounds[1:]))


def test_dirichlet_process_empties_unneeded_components():
    X = three_blobs(seed=6)
    model = BayesianGaussianMixture(
        n_components=10, weight_concentration_prior=1e-3, max_iter=500, random_state=0
    ).fit(X)
    assert np.sum(model.weights_ > 0.02) == 3
    assert model.weights_.sum() == pytest.approx(1.0)


def test_integer_weights_count_as_repeated_rows():
    """From the same posterior, weighted rows and repeated rows give the same
    fit: a weight counts as that many rows against the prior."""
    X = three_blobs(seed=7, n=(40, 30, 20))
    weights = np.random.RandomState(0).randint(0, 4, size=len(X))
    repeated = np.repeat(X, weights, axis=0)
    start = BayesianGaussianMixture(
        n_components=3, max_iter=2, random_state=0, warm_start=True
    ).fit(repeated)
    by_rows = copy.deepcopy(start).set_params(max_iter=10).fit(repeated)
    by_weights = (
        copy.deepcopy(start).set_params(max_iter=10).fit(X, sample_weight=weights)
    )
    assert_same_posterior(by_weights, by_rows, rtol=1e-9)


def test_weighted_priors_are_frequency_weighted():
    X = three_blobs(seed=8, n=(20, 10, 5))
    weights = np.arange(len(X)) % 3 + 1.0
    mean, covariance = _data_mean_and_covariance(X, weights)
    repeated = np.repeat(X, weights.astype(int), axis=0)
    np.testing.assert_allclose(mean, repeated.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(covariance, np.cov(repeated.T), rtol=1e-12)


def test_partial_fit_first_batch_is_one_iteration_and_counts_accumulate():
    X = three_blobs(seed=9)
    params = dict(
        n_components=3,
        weight_concentration_prior_type="dirichlet_distribution",
        random_state=0,
    )
    one_step = BayesianGaussianMixture(max_iter=1, **params).fit(X)
    online = BayesianGaussianMixture(**params).partial_fit(X)
    assert_same_posterior(online, one_step, rtol=1e-12)
    # Stochastic variational inference: the statistics stand for every row
    # seen, so the posterior counts add up to the rows of all batches.
    online.partial_fit(X[:100]).partial_fit(X[100:])
    prior = online.weight_concentration_prior_
    assert online.weight_concentration_.sum() == pytest.approx(
        3 * prior + 2 * len(X), rel=1e-9
    )


def test_partial_fit_streams_to_the_batch_solution():
    X = three_blobs(seed=10, n=(2000, 1500, 1000))
    X = X[np.random.RandomState(0).permutation(len(X))]
    batch = BayesianGaussianMixture(n_components=3, random_state=0).fit(X)
    online = BayesianGaussianMixture(n_components=3, random_state=0)
    for _ in range(3):
        for rows in np.array_split(np.arange(len(X)), 15):
            online.partial_fit(X[rows])
    order_batch = np.argsort(batch.means_[:, 0])
    order_online = np.argsort(online.means_[:, 0])
    np.testing.assert_allclose(
        online.means_[order_online], batch.means_[order_batch], atol=0.1
    )


def test_sample_draws_from_the_posterior_mean_mixture():
    X = three_blobs(seed=11)
    model = BayesianGaussianMixture(
        n_components=3, covariance_type="full", random_state=0, max_iter=200
    ).fit(X)
    samples, labels = model.sample(60000, random_state=0)
    np.testing.assert_allclose(
        np.bincount(labels, minlength=3) / 60000, model.weights_, atol=0.01
    )
    for k in range(3):
        rows = samples[labels == k]
        np.testing.assert_allclose(rows.mean(axis=0), model.means_[k], atol=0.05)
        np.testing.assert_allclose(np.cov(rows.T), model.covariances_[k], atol=0.05)


def test_float32_input_agrees_with_float64():
    X = three_blobs(seed=12)
    params = dict(n_components=3, random_state=0, max_iter=20, tol=0.0)
    ours64 = BayesianGaussianMixture(**params).fit(X)
    ours32 = BayesianGaussianMixture(**params).fit(X.astype(np.float32))
    np.testing.assert_allclose(ours32.means_, ours64.means_, rtol=1e-4, atol=1e-4)


def test_bad_priors_are_named():
    X = three_blobs()
    with pytest.raises(ValueError, match="degrees_of_freedom_prior"):
        BayesianGaussianMixture(degrees_of_freedom_prior=1.0).fit(X)
    with pytest.raises(ValueError, match="means"):
        BayesianGaussianMixture(mean_prior=[0.0, 1.0]).fit(X)
    with pytest.raises(ValueError, match="covariance_prior"):
        BayesianGaussianMixture(covariance_prior=np.eye(2)).fit(X)
    with pytest.raises(ValueError, match="covariance_prior"):
        BayesianGaussianMixture(
            covariance_type="diag", covariance_prior=[1.0, -1.0, 1.0]
        ).fit(X)
    with pytest.raises(ValueError, match="weight_concentration_prior_type"):
        BayesianGaussianMixture(weight_concentration_prior_type="pitman_yor").fit(X)


def test_convergence_warning_names_max_iter():
    X = three_blobs()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        BayesianGaussianMixture(n_components=4, max_iter=2, random_state=0).fit(X)
    messages = [
        str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)
    ]
    assert messages and "max_iter" in messages[0]


def test_fits_the_same_problem_as_the_maximum_likelihood_mixture():
    """With a weak prior and much data, the posterior means are the maximum
    likelihood means."""
    X = three_blobs(seed=13, n=(4000, 3000, 2000))
    ml = GaussianMixture(n_components=3, random_state=0).fit(X)
    vb = BayesianGaussianMixture(
        n_components=3,
        weight_concentration_prior_type="dirichlet_distribution",
        mean_precision_prior=1e-6,
        random_state=0,
    ).fit(X)
    np.testing.assert_allclose(
        np.sort(vb.means_, axis=0), np.sort(ml.means_, axis=0), atol=1e-3
    )
