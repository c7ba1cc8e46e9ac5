"""CategoricalHMM against hmmlearn on the same parameters, and by brute force."""

import itertools
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skgen.hmm import CategoricalHMM

hmmlearn_hmm = pytest.importorskip("hmmlearn.hmm")
# Short fits on purpose: their ConvergenceWarning is expected.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

LENGTHS = [80, 50, 120]
EMISSIONS = np.array(
    [[0.7, 0.2, 0.05, 0.05], [0.1, 0.1, 0.4, 0.4], [0.25, 0.25, 0.25, 0.25]]
)


def symbol_data(seed=0, n_features=1):
    rng = np.random.RandomState(seed)
    state, states = 0, []
    for _ in range(sum(LENGTHS)):
        if rng.rand() < 0.15:
            state = rng.randint(3)
        states.append(state)
    states = np.array(states)
    cdf = np.cumsum(EMISSIONS[states], axis=1)
    X = np.column_stack(
        [(cdf > rng.rand(len(states), 1)).argmax(axis=1) for _ in range(n_features)]
    )
    return X, states


def starting_point(seed=1, n_symbols=4):
    rng = np.random.RandomState(seed)
    return dict(
        startprob_=rng.dirichlet(np.ones(3)),
        transmat_=rng.dirichlet(np.ones(3) * 3, size=3),
        emissionprob_=rng.dirichlet(np.ones(n_symbols), size=3),
    )


def fit_both(X, start, **params):
    params = dict(n_components=3, n_iter=10, tol=0, init_params="", **params)
    ref = hmmlearn_hmm.CategoricalHMM(**params)
    ours = CategoricalHMM(**params)
    for model in (ref, ours):
        for name, value in start.items():
            setattr(model, name, value.copy())
    ref.fit(X, LENGTHS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours.fit(X, lengths=LENGTHS)
    return ref, ours


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {
            "emissionprob_prior": 1.5,
            "startprob_prior": 2.0,
            "transmat_prior": np.full((3, 3), 1.3),
        },
        {"emissionprob_prior": np.linspace(1.0, 2.0, 12).reshape(3, 4)},
        {"params": "se"},
        {"params": "t"},
    ],
    ids=["default", "priors", "array-prior", "fixed-transmat", "transitions-only"],
)
def test_ten_iterations_match_hmmlearn(extra):
    X, _ = symbol_data()
    ref, ours = fit_both(X, starting_point(), **extra)
    for name in ["startprob_", "transmat_", "emissionprob_"]:
        np.testing.assert_allclose(
            getattr(ours, name), getattr(ref, name), rtol=1e-8, err_msg=name
        )
    np.testing.assert_allclose(
        ours.lower_bounds_, list(ref.monitor_.history), rtol=1e-8
    )
    assert ours.n_symbols_ == ref.n_features == 4
    # Discrete data make exact ties between state paths common (the same
    # transitions and emissions in another order), and rounding breaks them
    # either way: the paths must be equally likely, and the best.
    log_prob, path = ours.decode(X, LENGTHS)
    ref_log_prob, ref_path = ref.decode(X, LENGTHS)
    np.testing.assert_allclose(log_prob, ref_log_prob, rtol=1e-12)
    np.testing.assert_allclose(path_log_prob(ours, X, path), log_prob, rtol=1e-12)
    np.testing.assert_allclose(path_log_prob(ours, X, ref_path), log_prob, rtol=1e-12)
    np.testing.assert_allclose(
        ours.predict_proba(X, LENGTHS), ref.predict_proba(X, LENGTHS), atol=1e-10
    )
    np.testing.assert_allclose(
        ours.score(X, lengths=LENGTHS) * len(X), ref.score(X, LENGTHS), rtol=1e-10
    )
    if "params" not in extra:  # hmmlearn counts fixed parameters too
        np.testing.assert_allclose(
            ours.bic(X, lengths=LENGTHS), ref.bic(X, LENGTHS), rtol=1e-10
        )
        np.testing.assert_allclose(
            ours.aic(X, lengths=LENGTHS), ref.aic(X, LENGTHS), rtol=1e-10
        )


def path_log_prob(model, X, path):
    """log p(X, path), summed over the sequences of LENGTHS."""
    with np.errstate(divide="ignore"):
        log_emission = np.log(model.emissionprob_)[path, X[:, 0]]
        log_transition = np.log(model.transmat_)[path[:-1], path[1:]]
        log_start = np.log(model.startprob_)
    starts = np.cumsum([0] + LENGTHS[:-1])
    # Transitions between sequences do not count.
    return (
        log_emission.sum()
        + np.delete(log_transition, starts[1:] - 1).sum()
        + log_start[path[starts]].sum()
    )


def brute_force_log_likelihood(model, X):
    """log p(X) summed over every state path, emissions a product over columns."""
    k = model.n_components
    probs = model._emissionprob
    total = 0.0
    for path in itertools.product(range(k), repeat=len(X)):
        p = model.startprob_[path[0]]
        for t, state in enumerate(path):
            if t:
                p *= model.transmat_[path[t - 1], state]
            p *= np.prod(probs[state, np.arange(X.shape[1]), X[t]])
        total += p
    return np.log(total)


@pytest.mark.parametrize("n_features", [1, 3])
def test_likelihood_matches_enumeration_of_paths(n_features):
    rng = np.random.RandomState(3)
    model = CategoricalHMM(n_components=3)
    model.startprob_ = rng.dirichlet(np.ones(3))
    model.transmat_ = rng.dirichlet(np.ones(3), size=3)
    model.emissionprob_ = rng.dirichlet(np.ones(4), size=(3, n_features)).squeeze(
        axis=1 if n_features == 1 else ()
    )
    model.n_features_in_ = n_features
    X = rng.randint(4, size=(6, n_features))
    expected = brute_force_log_likelihood(model, X)
    np.testing.assert_allclose(model.score_samples(X).sum(), expected, rtol=1e-12)


def test_several_columns_update_each_feature_from_its_counts():
    X, _ = symbol_data(seed=4, n_features=2)
    rng = np.random.RandomState(2)
    model = CategoricalHMM(3, n_iter=1, init_params="", params="e")
    model.startprob_ = rng.dirichlet(np.ones(3))
    model.transmat_ = rng.dirichlet(np.ones(3) * 3, size=3)
    model.emissionprob_ = rng.dirichlet(np.ones(4), size=(3, 2))
    model.n_features_in_ = 2
    posteriors = model.predict_proba(X, lengths=LENGTHS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, lengths=LENGTHS)
    assert model.emissionprob_.shape == (3, 2, 4)
    for feature in range(2):
        one_hot = np.eye(4)[X[:, feature]]
        counts = posteriors.T @ one_hot
        np.testing.assert_allclose(
            model.emissionprob_[:, feature],
            counts / counts.sum(axis=1, keepdims=True),
            rtol=1e-12,
        )
    assert model._n_parameters() == 3 * 2 * 3


def test_sample_follows_the_parameters():
    model = CategoricalHMM(n_components=3)
    start = starting_point(seed=5)
    for name, value in start.items():
        setattr(model, name, value)
    model.n_features_in_ = 1
    X, states = model.sample(40_000, random_state=0)
    assert X.shape == (40_000, 1) and np.issubdtype(X.dtype, np.integer)
    for k in range(3):
        frequencies = np.bincount(X[states == k, 0], minlength=4) / np.sum(states == k)
        np.testing.assert_allclose(frequencies, start["emissionprob_"][k], atol=0.02)
    pairs = np.zeros((3, 3))
    np.add.at(pairs, (states[:-1], states[1:]), 1)
    np.testing.assert_allclose(
        pairs / pairs.sum(axis=1, keepdims=True), start["transmat_"], atol=0.02
    )


def test_integral_floats_and_dataframes_are_symbols():
    pd = pytest.importorskip("pandas")
    X, _ = symbol_data()
    a = CategoricalHMM(3, random_state=0, n_iter=5).fit(X)
    b = CategoricalHMM(3, random_state=0, n_iter=5).fit(X.astype(np.float32))
    c = CategoricalHMM(3, random_state=0, n_iter=5).fit(
        pd.DataFrame({"symbol": X[:, 0]})
    )
    np.testing.assert_allclose(a.emissionprob_, b.emissionprob_)
    np.testing.assert_allclose(a.emissionprob_, c.emissionprob_)
    assert list(c.feature_names_in_) == ["symbol"]


@pytest.mark.parametrize(
    "X, message",
    [
        (np.array([[0.0], [1.5], [2.0]]), "non-integer values such as 1.5"),
        (np.array([[0], [-1], [2]]), "Negative values in data"),
    ],
)
def test_bad_symbols_are_clear_errors(X, message):
    with pytest.raises(ValueError, match=message):
        CategoricalHMM(2).fit(X)


def test_symbols_out_of_range_are_clear_errors():
    X, _ = symbol_data()
    with pytest.raises(ValueError, match="n_features=3 allows symbols up to 2"):
        CategoricalHMM(3, n_features=3).fit(X)
    model = CategoricalHMM(3, n_iter=2, random_state=0).fit(X)
    with pytest.raises(ValueError, match="Largest symbol in X is 7"):
        model.predict(np.array([[0], [7]]))
    assert CategoricalHMM(3, n_features=6, n_iter=2).fit(X).n_symbols_ == 6


def test_user_emissionprob_is_checked():
    X, _ = symbol_data()
    model = CategoricalHMM(3, init_params="st")
    model.emissionprob_ = np.full((3, 4), 0.3)
    with pytest.raises(ValueError, match="Each row of emissionprob_ must sum to 1"):
        model.fit(X)
    model.emissionprob_ = np.full((2, 4), 0.25)
    with pytest.raises(
        ValueError, match=r"emissionprob_ must have shape \(3, n_symbols\)"
    ):
        model.fit(X)


def test_symbols_and_priors_that_cannot_work_are_named():
    X, _ = symbol_data()
    model = CategoricalHMM(3, init_params="st")
    model.emissionprob_ = np.full((3, 2), 0.5)
    with pytest.raises(ValueError, match="given emissionprob_ has 2 symbols"):
        model.fit(X)
    with pytest.raises(ValueError, match="symbol codes 0, 1, ..., n - 1"):
        CategoricalHMM(2).fit(np.array([[0.0], [1.0], [1e20]]))
    with pytest.raises(ValueError, match="emission table of"):
        CategoricalHMM(2).fit(np.array([[0], [10**9]]))
    with pytest.raises(ValueError, match="emissionprob_prior must be a number or"):
        CategoricalHMM(3, emissionprob_prior=np.ones((5, 7))).fit(X)
    with pytest.raises(ValueError, match="emissionprob_prior must be finite"):
        CategoricalHMM(3, emissionprob_prior=-1.0).fit(X)
    with pytest.raises(ValueError, match="transmat_prior must be a number or"):
        CategoricalHMM(3, transmat_prior=np.ones((2, 2))).fit(X)


def test_a_sequence_of_zero_probability_has_no_posterior():
    X, _ = symbol_data()
    model = CategoricalHMM(3, n_features=5, n_iter=3, random_state=0).fit(X)
    # Symbol 4 never occurs in training: its probability is 0 in every state.
    unseen = np.array([[4], [0]])
    assert np.all(np.isneginf(model.score_samples(unseen)[:1]))
    with pytest.raises(ValueError, match="zero probability"):
        model.predict_proba(unseen)
    with pytest.raises(ValueError, match="zero probability"):
        model.predict(unseen)


def test_unknown_letters_of_params_are_named():
    X = np.array([[0], [1], [2], [1]] * 5)
    with pytest.raises(ValueError, match=r"params='stm' .* letter\(s\) m"):
        CategoricalHMM(2, params="stm").fit(X)
