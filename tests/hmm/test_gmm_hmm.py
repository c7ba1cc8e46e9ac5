"""GMMHMM against scipy densities and against hmmlearn on the same parameters;
sampling, partial_fit, the finite results where hmmlearn divides by zero, and
the estimator checks."""

import warnings

import numpy as np
import pytest
from scipy.special import logsumexp, softmax
from scipy.stats import multivariate_normal
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import parametrize_with_checks

from skgen.distributions import _gaussian_kernels
from skgen.hmm import GMMHMM
from skgen.utils._statistics import blend_sums
from tests._contract import make_estimator

hmmlearn_hmm = pytest.importorskip("hmmlearn.hmm")

COVARIANCE_TYPES = ["spherical", "diag", "full", "tied"]
LENGTHS = [120, 80, 100]
K, M, D = 3, 2, 2
PARAMETERS = ["startprob_", "transmat_", "weights_", "means_", "covars_"]


def mixture_regime_data(seed=0, lengths=LENGTHS):
    """Sequences switching between three states, each a mixture of two blobs."""
    rng = np.random.RandomState(seed)
    centres = np.array([[0.0, 0.0], [3.0, 1.0], [-2.0, 2.5]])
    offsets = np.array([[1.0, -0.5], [-1.0, 0.5]])
    states, rows = [], []
    for length in lengths:
        state = rng.randint(3)
        for _ in range(length):
            if rng.rand() < 0.1:
                state = rng.randint(3)
            states.append(state)
            blob = offsets[rng.randint(2)]
            noise = rng.standard_normal(2) * (0.4 + 0.2 * state)
            rows.append(centres[state] + blob + noise)
    return np.array(rows), np.array(states)


def random_covars(covariance_type, rng):
    if covariance_type == "spherical":
        return rng.uniform(0.5, 2.0, (K, M))
    if covariance_type == "diag":
        return rng.uniform(0.5, 2.0, (K, M, D))
    factors = rng.normal(0.0, 0.5, (K, M, D, D))
    covars = factors @ np.swapaxes(factors, -1, -2) + np.eye(D)
    return covars[:, 0] if covariance_type == "tied" else covars


def starting_point(covariance_type, seed=1):
    rng = np.random.RandomState(seed)
    return dict(
        startprob_=rng.dirichlet(np.ones(K)),
        transmat_=rng.dirichlet(np.full(K, 3.0), size=K),
        weights_=rng.dirichlet(np.full(M, 2.0), size=K),
        means_=rng.normal(0.0, 2.0, (K, M, D)),
        covars_=random_covars(covariance_type, rng),
    )


def set_start(model, start):
    for name, value in start.items():
        setattr(model, name, value.copy())
    return model


def dense_covariances(model):
    """(K, M, d, d) covariance of every component, computed here from covars_."""
    covars = model.covars_
    eye = np.eye(D)
    if model.covariance_type == "spherical":
        return covars[..., None, None] * eye
    if model.covariance_type == "diag":
        return covars[..., :, None] * eye
    if model.covariance_type == "tied":
        return np.repeat(covars[:, None], M, axis=1)
    return covars


def fit_both(covariance_type, X, **params):
    """hmmlearn's and skgen's GMMHMM, 10 iterations from the same start."""
    params = dict(
        n_components=K,
        n_mix=M,
        covariance_type=covariance_type,
        n_iter=10,
        tol=0,
        init_params="",
        **params,
    )
    start = starting_point(covariance_type)
    ref = set_start(hmmlearn_hmm.GMMHMM(**params), start)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref.fit(X, LENGTHS)
    ours = set_start(GMMHMM(**params), start)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours.fit(X, lengths=LENGTHS)
    return ref, ours


def assert_same_fit(ours, ref):
    for name in PARAMETERS:
        assert getattr(ours, name).shape == getattr(ref, name).shape, name
        np.testing.assert_allclose(
            getattr(ours, name), getattr(ref, name), rtol=1e-8, atol=1e-12, err_msg=name
        )
    assert ours.lower_bound_ == pytest.approx(ref.monitor_.history[-1], rel=1e-8)
    assert len(ours.lower_bounds_) == 10


# -- densities ------------------------------------------------------------------


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_emission_log_likelihood_is_the_mixture_density(covariance_type):
    X, _ = mixture_regime_data()
    model = set_start(
        GMMHMM(K, n_mix=M, covariance_type=covariance_type),
        starting_point(covariance_type),
    )
    covars = dense_covariances(model)
    expected = np.empty((len(X), K))
    for k in range(K):
        log_terms = [
            np.log(model.weights_[k, m])
            + multivariate_normal(model.means_[k, m], covars[k, m]).logpdf(X)
            for m in range(M)
        ]
        expected[:, k] = logsumexp(log_terms, axis=0)
    np.testing.assert_allclose(
        model._emission_log_likelihood(X), expected, rtol=1e-10, atol=1e-10
    )


def test_tied_covariance_is_one_matrix_per_state():
    X, _ = mixture_regime_data()
    model = GMMHMM(K, n_mix=M, covariance_type="tied", n_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, lengths=LENGTHS)
    assert model.covars_.shape == (K, D, D)
    assert not np.allclose(model.covars_[0], model.covars_[1])


@pytest.mark.parametrize(
    "covariance_type, shape",
    [
        ("spherical", (K, M)),
        ("diag", (K, M, D)),
        ("full", (K, M, D, D)),
        ("tied", (K, D, D)),
    ],
)
def test_initialisation_has_hmmlearns_shapes(covariance_type, shape):
    X, _ = mixture_regime_data()
    model = GMMHMM(K, n_mix=M, covariance_type=covariance_type, n_iter=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.set_params(random_state=0).fit(X, lengths=LENGTHS)
    assert model.weights_.shape == (K, M)
    assert model.means_.shape == (K, M, D)
    assert model.covars_.shape == shape
    np.testing.assert_allclose(model.weights_.sum(axis=1), 1.0)


# -- hmmlearn's numbers from the same start ---------------------------------------


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_ten_baum_welch_iterations_match_hmmlearn(covariance_type):
    X, _ = mixture_regime_data()
    ref, ours = fit_both(covariance_type, X)
    assert_same_fit(ours, ref)
    # Inference on the fitted parameters.
    assert ours.score(X, lengths=LENGTHS) * len(X) == pytest.approx(
        ref.score(X, LENGTHS), rel=1e-8
    )
    np.testing.assert_allclose(
        ours.predict_proba(X, LENGTHS),
        ref.predict_proba(X, LENGTHS),
        rtol=1e-7,
        atol=1e-10,
    )
    for algorithm in ["viterbi", "map"]:
        our_lp, our_states = ours.decode(X, LENGTHS, algorithm)
        ref_lp, ref_states = ref.decode(X, LENGTHS, algorithm=algorithm)
        assert our_lp == pytest.approx(ref_lp, rel=1e-8)
        np.testing.assert_array_equal(our_states, ref_states)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("params", ["stm", "mc", "cw"])
def test_parameter_subsets_match_hmmlearn(covariance_type, params):
    X, _ = mixture_regime_data(seed=1)
    ref, ours = fit_both(covariance_type, X, params=params)
    assert_same_fit(ours, ref)
    start = starting_point(covariance_type)
    for code, name in zip("stwmc", PARAMETERS):
        if code not in params:
            np.testing.assert_array_equal(getattr(ours, name), start[name])


COVARIANCE_PRIORS = {
    "full": dict(covars_prior=0.2 * np.eye(D), covars_weight=2.0),
    "tied": dict(covars_prior=0.2 * np.eye(D), covars_weight=1.0),
    "diag": dict(covars_prior=1.0, covars_weight=0.1),
    "spherical": dict(covars_prior=0.5, covars_weight=0.2),
}


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("covariance_prior", [False, True])
def test_priors_match_hmmlearn(covariance_type, covariance_prior):
    X, _ = mixture_regime_data(seed=2)
    priors = dict(
        startprob_prior=2.0,
        transmat_prior=1.5,
        weights_prior=np.array([2.0, 3.0]),
        means_prior=0.5,
        means_weight=np.linspace(0.5, 3.0, K * M).reshape(K, M),
    )
    if covariance_prior:
        priors.update(COVARIANCE_PRIORS[covariance_type])
    ref, ours = fit_both(covariance_type, X, **priors)
    assert_same_fit(ours, ref)
    # The constructor's values are left as given (hmmlearn overwrites them).
    assert ours.covars_prior is priors.get("covars_prior")
    assert np.shape(ours.weights_prior) == (M,)


# -- departures: finite where hmmlearn divides by zero ------------------------------


def test_unreachable_state_keeps_its_mixture():
    """A state no row can be in: hmmlearn's weights and means become 0 / 0."""
    X, _ = mixture_regime_data(seed=3)
    start = starting_point("full")
    start["startprob_"] = np.array([0.5, 0.5, 0.0])
    start["transmat_"] = np.array([[0.9, 0.1, 0.0], [0.1, 0.9, 0.0], [0.3, 0.3, 0.4]])
    model = set_start(
        GMMHMM(K, n_mix=M, covariance_type="full", init_params="", n_iter=5), start
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (ConvergenceWarning, RuntimeWarning))
        model.fit(X, lengths=LENGTHS)
    for name in ["weights_", "means_", "covars_"]:
        value = getattr(model, name)
        assert np.all(np.isfinite(value)), name
        np.testing.assert_array_equal(value[2], start[name][2], err_msg=name)
    assert np.all(np.isfinite(model.score_samples(X, LENGTHS)))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_negative_spherical_denominator_keeps_the_variance():
    """hmmlearn's default spherical prior divides by n_features (N + 1) - n_mix,
    negative for a component with fewer than n_mix - 1 expected rows in 1-d."""
    rng = np.random.RandomState(0)
    X = rng.standard_normal((200, 1))
    model = GMMHMM(1, n_mix=3, covariance_type="spherical", init_params="", n_iter=1)
    model.startprob_ = np.ones(1)
    model.transmat_ = np.ones((1, 1))
    model.weights_ = np.array([[0.5, 0.499, 0.001]])
    model.means_ = np.array([[[-0.5], [0.5], [40.0]]])  # the last: no rows
    model.covars_ = np.array([[1.0, 1.0, 1.0]])
    ref = hmmlearn_hmm.GMMHMM(
        1, n_mix=3, covariance_type="spherical", init_params="", n_iter=1
    )
    for name in ["startprob_", "transmat_", "weights_", "means_", "covars_"]:
        setattr(ref, name, getattr(model, name).copy())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref.fit(X)
    assert ref.covars_[0, 2] < 0  # hmmlearn's negative variance
    with pytest.warns(RuntimeWarning, match=r"keep their previous covariance"):
        model.fit(X)
    assert model.covars_[0, 2] == 1.0
    np.testing.assert_allclose(model.covars_[0, :2], ref.covars_[0, :2], rtol=1e-10)
    np.testing.assert_allclose(model.means_[0, :2], ref.means_[0, :2], rtol=1e-10)


def test_constant_feature_gives_finite_results():
    X, _ = mixture_regime_data(seed=4)
    X[:, 1] = 3.0
    for covariance_type in COVARIANCE_TYPES:
        model = GMMHMM(K, n_mix=M, covariance_type=covariance_type, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", (ConvergenceWarning, RuntimeWarning))
            model.fit(X, lengths=LENGTHS)
        assert np.all(np.isfinite(model.score_samples(X, LENGTHS))), covariance_type
        assert np.all(np.isfinite(model.covars_)), covariance_type


def test_n_parameters_counts_weights_per_state():
    X, _ = mixture_regime_data()
    model = set_start(
        GMMHMM(K, n_mix=M, covariance_type="full", init_params="", n_iter=1),
        starting_point("full"),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, lengths=LENGTHS)
    # hmmlearn 0.3.3 counts n_mix - 1 weights in all; there are K (n_mix - 1).
    expected = (K - 1) + K * (K - 1) + K * (M - 1) + K * M * D + K * M * 3
    assert model._n_parameters() == expected
    log_lik = model.score(X, lengths=LENGTHS) * len(X)
    assert model.bic(X, lengths=LENGTHS) == pytest.approx(
        -2 * log_lik + expected * np.log(len(X)), rel=1e-12
    )


# -- sampling ---------------------------------------------------------------------


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_sample_follows_the_state_mixtures(covariance_type):
    """Monte-Carlo: per state, the mean and covariance of a long draw against
    the mixture's (sum of w (C + m m^T), minus the mean's outer product)."""
    X, _ = mixture_regime_data(seed=5)
    model = GMMHMM(K, n_mix=M, covariance_type=covariance_type, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, lengths=LENGTHS)
    X_new, states = model.sample(30_000, random_state=0)
    assert X_new.shape == (30_000, D)
    covars = dense_covariances(model)
    for k in range(K):
        rows = X_new[states == k]
        weights = model.weights_[k]
        mean = weights @ model.means_[k]
        second = np.einsum(
            "m,mab->ab",
            weights,
            covars[k] + model.means_[k, :, :, None] * model.means_[k, :, None, :],
        )
        covariance = second - np.outer(mean, mean)
        mean_sd = np.sqrt(np.diag(covariance) / len(rows))
        assert np.all(np.abs(rows.mean(axis=0) - mean) < 5 * mean_sd), k
        np.testing.assert_allclose(np.cov(rows.T), covariance, rtol=0.1, atol=0.05)


def test_sample_never_draws_a_zero_weight_component():
    X, _ = mixture_regime_data()
    start = starting_point("diag")
    start["weights_"] = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    start["means_"][0, 1] = start["means_"][1, 0] = 1e3
    model = set_start(GMMHMM(K, n_mix=M, init_params="", params="", n_iter=1), start)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, lengths=LENGTHS)
    X_new, _ = model.sample(2_000, random_state=1)
    assert np.all(np.abs(X_new) < 100)


# -- partial_fit ------------------------------------------------------------------


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_blended_statistics_are_taken_around_the_new_means(covariance_type):
    """Statistics of two E-steps at different means, blended, equal the sums
    computed directly around the newer means."""
    X, _ = mixture_regime_data(seed=6)
    model = set_start(
        GMMHMM(K, n_mix=M, covariance_type=covariance_type),
        starting_point(covariance_type),
    )
    model.n_features_in_ = D
    posteriors = np.random.RandomState(0).dirichlet(np.ones(K), size=len(X))
    old_means = model.means_
    old = model._emission_statistics(X, posteriors)
    log_prob = model._component_log_prob(X).reshape(len(X), K, M)
    resp = (softmax(log_prob, axis=2) * posteriors[:, :, None]).reshape(len(X), -1)
    model.means_ = model.means_ + 0.7
    new = model._emission_statistics(X, posteriors)
    reshifted = model._reshift_emission_statistics(old, old_means, model.means_)
    blended = blend_sums(reshifted, new, 0.0)
    full = covariance_type in ("full", "tied")
    nk, sx, sxx = (
        part.sum(axis=0)
        for part in _gaussian_kernels.weighted_moments(
            X, resp, model.means_.reshape(K * M, D), full, 1
        )
    )
    np.testing.assert_allclose(blended[0], nk.reshape(K, M), rtol=1e-12)
    np.testing.assert_allclose(blended[1], sx.reshape(K, M, D), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(
        blended[2], sxx.reshape(blended[2].shape), rtol=1e-9, atol=1e-9
    )
    halfway = blend_sums(reshifted, new, 0.5)
    np.testing.assert_allclose(halfway[3], posteriors.sum(axis=0), rtol=1e-12)


def test_partial_fit_over_batches_approaches_fit():
    X, _ = mixture_regime_data(seed=7, lengths=[100] * 6)
    model = GMMHMM(K, n_mix=M, random_state=0, learning_offset=2.0)
    scores = []
    for _ in range(15):
        for batch in range(3):
            rows = slice(200 * batch, 200 * (batch + 1))
            model.partial_fit(X[rows], lengths=[100, 100])
        scores.append(model.score(X, lengths=[100] * 6))
    assert np.all(np.isfinite(scores))
    assert scores[-1] > scores[0]
    np.testing.assert_allclose(model.weights_.sum(axis=1), 1.0)


# -- errors -----------------------------------------------------------------------


def valid_model(**params):
    model = GMMHMM(K, n_mix=M, covariance_type="diag", init_params="", **params)
    return set_start(model, starting_point("diag"))


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("weights_", np.full((K, M), 0.3), "weights_ must sum to 1"),
        ("weights_", np.full((K, M + 1), 1 / (M + 1)), r"weights_ must have shape"),
        ("weights_", np.array([[1.2, -0.2]] * K), "non-negative"),
        ("means_", np.zeros((K, M)), r"means_ must have shape .*\(3, 2, 2\)"),
        ("means_", np.full((K, M, D), np.nan), "finite"),
        ("covars_", np.ones((K, D)), r"'diag' covars_ must have shape \(3, 2, 2\)"),
        ("covars_", -np.ones((K, M, D)), "positive"),
    ],
)
def test_bad_user_parameters_are_named(name, value, message):
    X, _ = mixture_regime_data()
    model = valid_model()
    setattr(model, name, value)
    with pytest.raises(ValueError, match=message):
        model.fit(X, lengths=LENGTHS)


@pytest.mark.parametrize("covariance_type", ["full", "tied"])
def test_covariances_must_be_positive_definite(covariance_type):
    X, _ = mixture_regime_data()
    start = starting_point(covariance_type)
    start["covars_"][0] = np.array([[1.0, 2.0], [2.0, 1.0]])  # eigenvalue -1
    model = set_start(
        GMMHMM(K, n_mix=M, covariance_type=covariance_type, init_params=""), start
    )
    with pytest.raises(ValueError, match="positive-definite"):
        model.fit(X, lengths=LENGTHS)


def test_prior_of_the_wrong_shape_is_named():
    X, _ = mixture_regime_data()
    with pytest.raises(ValueError, match=r"means_prior must .* shape \(3, 2, 2\)"):
        valid_model(means_prior=np.zeros(5)).fit(X, lengths=LENGTHS)


def test_too_few_rows_for_the_components():
    X, _ = mixture_regime_data()
    with pytest.raises(ValueError, match="n_samples >= n_components \\* n_mix"):
        GMMHMM(3, n_mix=4).fit(X[:11])


@pytest.mark.parametrize(
    "param, value", [("n_mix", 0), ("covariance_type", "round"), ("min_covar", -1)]
)
def test_bad_constructor_parameters_are_named(param, value):
    X, _ = mixture_regime_data()
    with pytest.raises(ValueError, match=param):
        GMMHMM(**{param: value}).fit(X)


def test_same_constructor_as_hmmlearn():
    from inspect import signature

    ours = signature(GMMHMM).parameters
    theirs = signature(hmmlearn_hmm.GMMHMM).parameters
    assert list(ours)[: len(theirs)] == list(theirs)
    for name, parameter in theirs.items():
        assert ours[name].default == parameter.default, name


# -- scikit-learn's estimator checks ------------------------------------------------


@parametrize_with_checks(
    [
        make_estimator(GMMHMM, covariance_type=covariance_type)
        for covariance_type in COVARIANCE_TYPES
    ],
    expected_failed_checks=lambda estimator: estimator._expected_failed_checks,
)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
