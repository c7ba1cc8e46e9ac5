"""GaussianHMM against hmmlearn on the same parameters, and the sequence
contract: lengths / sequence_ids, routing through cross-validation, errors."""

import warnings

import numpy as np
import pytest
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, GroupKFold, cross_validate

from skgen.hmm import GaussianHMM

hmmlearn_hmm = pytest.importorskip("hmmlearn.hmm")

COVARIANCE_TYPES = ["diag", "spherical", "full", "tied"]
LENGTHS = [120, 80, 100]


def regime_data(seed=0, lengths=LENGTHS):
    """Sequences that switch between three Gaussian regimes."""
    rng = np.random.RandomState(seed)
    centres = np.array([[0.0, 0.0], [3.0, 1.0], [-2.0, 2.5]])
    states, rows = [], []
    for length in lengths:
        state = rng.randint(3)
        for _ in range(length):
            if rng.rand() < 0.1:
                state = rng.randint(3)
            states.append(state)
            rows.append(centres[state] + rng.standard_normal(2) * (0.5 + 0.3 * state))
    return np.array(rows), np.array(states)


def hmmlearn_start(X, covariance_type, lengths=LENGTHS):
    """A starting point: hmmlearn's initialisation after one iteration."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = hmmlearn_hmm.GaussianHMM(
            3, covariance_type=covariance_type, n_iter=1, random_state=0
        ).fit(X, lengths)
    covars = ref._covars_.copy()
    return dict(
        startprob_=ref.startprob_.copy(),
        transmat_=ref.transmat_.copy(),
        means_=ref.means_.copy(),
        # hmmlearn keeps spherical variances tiled over the features
        covars_=covars[:, 0] if covariance_type == "spherical" else covars,
    ), covars


def set_start(model, start):
    for name, value in start.items():
        setattr(model, name, value.copy())
    return model


def compact(model):
    covars = model._covars_
    if model.covariance_type == "spherical" and covars.ndim == 2:
        return covars[:, 0]
    return covars


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("implementation", ["log", "scaling"])
def test_ten_baum_welch_iterations_match_hmmlearn(covariance_type, implementation):
    X, _ = regime_data()
    start, ref_covars = hmmlearn_start(X, covariance_type)
    params = dict(
        n_components=3,
        covariance_type=covariance_type,
        n_iter=10,
        tol=0,
        init_params="",
    )
    ref = set_start(
        hmmlearn_hmm.GaussianHMM(implementation=implementation, **params), start
    )
    ref._covars_ = ref_covars.copy()
    ref.fit(X, LENGTHS)
    ours = set_start(GaussianHMM(**params), start)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours.fit(X, lengths=LENGTHS)
    for name in ["startprob_", "transmat_", "means_"]:
        np.testing.assert_allclose(
            getattr(ours, name), getattr(ref, name), rtol=1e-8, atol=1e-12, err_msg=name
        )
    np.testing.assert_allclose(compact(ours), compact(ref), rtol=1e-8)
    np.testing.assert_allclose(
        ours.lower_bounds_, list(ref.monitor_.history), rtol=1e-8
    )
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


def test_priors_match_hmmlearn():
    X, _ = regime_data(seed=1)
    for covariance_type in COVARIANCE_TYPES:
        start, ref_covars = hmmlearn_start(X, covariance_type)
        params = dict(
            n_components=3,
            covariance_type=covariance_type,
            n_iter=5,
            tol=0,
            init_params="",
            startprob_prior=2.0,
            transmat_prior=1.5,
            means_prior=0.5,
            means_weight=3.0,
            covars_prior=0.2,
            covars_weight=4.0,
        )
        ref = set_start(hmmlearn_hmm.GaussianHMM(**params), start)
        ref._covars_ = ref_covars.copy()
        ref.fit(X, LENGTHS)
        ours = set_start(GaussianHMM(**params), start)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            ours.fit(X, lengths=LENGTHS)
        np.testing.assert_allclose(
            ours.means_, ref.means_, rtol=1e-8, err_msg=covariance_type
        )
        np.testing.assert_allclose(
            compact(ours), compact(ref), rtol=1e-8, err_msg=covariance_type
        )
        np.testing.assert_allclose(ours.transmat_, ref.transmat_, rtol=1e-8)


def test_score_samples_are_per_step_and_sum_to_each_sequence():
    X, _ = regime_data(seed=2)
    model = GaussianHMM(3, random_state=0, n_iter=20).fit(X, lengths=LENGTHS)
    steps = model.score_samples(X, LENGTHS)
    bounds = np.cumsum([0] + LENGTHS)
    for a, b in zip(bounds[:-1], bounds[1:]):
        assert steps[a:b].sum() == pytest.approx(
            model.score(X[a:b]) * (b - a), rel=1e-10
        )
    # The first step of a sequence is the mixture log-density of one row.
    first = model.score_samples(X[:1])
    log_mix = np.logaddexp.reduce(
        np.log(model.startprob_) + model._emission_log_likelihood(X[:1]), axis=1
    )
    np.testing.assert_allclose(first, log_mix, rtol=1e-12)


def test_fixed_parameters_and_zero_transitions_stay():
    X, _ = regime_data(seed=3)
    left_right = np.array([[0.9, 0.1, 0.0], [0.0, 0.9, 0.1], [0.0, 0.0, 1.0]])
    model = GaussianHMM(3, init_params="mc", params="tmc", n_iter=15, random_state=0)
    model.startprob_ = np.array([1.0, 0.0, 0.0])
    model.transmat_ = left_right.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, lengths=LENGTHS)
    np.testing.assert_array_equal(model.startprob_, [1.0, 0.0, 0.0])
    assert np.all(model.transmat_[left_right == 0] == 0)
    np.testing.assert_allclose(model.transmat_.sum(axis=1), 1.0)
    states = model.predict(X, LENGTHS)
    for a, b in zip(np.cumsum([0] + LENGTHS[:-1]), np.cumsum(LENGTHS)):
        assert np.all(np.diff(states[a:b]) >= 0)  # never goes back


def test_sample_follows_the_parameters():
    """Monte-Carlo: transition frequencies and per-state moments of a long draw."""
    X, _ = regime_data(seed=4)
    model = GaussianHMM(3, covariance_type="full", n_iter=20, random_state=0)
    model.fit(X, lengths=LENGTHS)
    X_new, states = model.sample(40_000, random_state=0)
    counts = np.zeros((3, 3))
    np.add.at(counts, (states[:-1], states[1:]), 1)
    freq = counts / counts.sum(axis=1, keepdims=True)
    sd = np.sqrt(
        model.transmat_ * (1 - model.transmat_) / counts.sum(axis=1, keepdims=True)
    )
    assert np.all(np.abs(freq - model.transmat_) < 5 * sd + 1e-12)
    for k in range(3):
        rows = X_new[states == k]
        mean_sd = np.sqrt(np.diag(model.covars_[k]) / len(rows))
        assert np.all(np.abs(rows.mean(axis=0) - model.means_[k]) < 5 * mean_sd)
        np.testing.assert_allclose(
            np.cov(rows.T), model.covars_[k], rtol=0.1, atol=0.02
        )


# -- sequences ------------------------------------------------------------------


def test_sequence_ids_and_lengths_agree():
    X, _ = regime_data(seed=5)
    ids = np.repeat(["a", "b", "c"], LENGTHS)
    by_lengths = GaussianHMM(3, random_state=0).fit(X, lengths=LENGTHS)
    by_ids = GaussianHMM(3, random_state=0).fit(X, sequence_ids=ids)
    np.testing.assert_array_equal(by_ids.transmat_, by_lengths.transmat_)
    np.testing.assert_array_equal(
        by_ids.score_samples(X, sequence_ids=ids), by_lengths.score_samples(X, LENGTHS)
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"lengths": [100, 100]}, "lengths sum to 200, but X has 300 rows"),
        ({"lengths": [150, 0, 150]}, "at least 1"),
        ({"lengths": [150, -10, 160]}, "at least 1"),
        ({"lengths": [150.5, 149.5]}, "integers"),
        ({"sequence_ids": np.repeat([1, 2, 1], 100)}, "contiguous"),
        ({"sequence_ids": np.zeros(10)}, "one entry per row"),
        (
            {"lengths": [300], "sequence_ids": np.zeros(300)},
            "either lengths or sequence_ids",
        ),
    ],
)
def test_bad_sequences_are_clear_errors(kwargs, message):
    X, _ = regime_data()
    with pytest.raises(ValueError, match=message):
        GaussianHMM(3).fit(X, **kwargs)


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("transmat_", np.full((3, 3), 0.5), "transmat_ must sum to 1"),
        ("startprob_", np.array([0.5, 0.6, -0.1]), "non-negative"),
        ("transmat_", np.eye(2), "shape"),
        ("covars_", -np.ones((3, 2)), "positive"),
        ("means_", np.zeros((2, 2)), "shape"),
    ],
)
def test_bad_user_parameters_are_named(name, value, message):
    X, _ = regime_data()
    model = GaussianHMM(3, init_params="")
    model.startprob_ = np.full(3, 1 / 3)
    model.transmat_ = np.full((3, 3), 1 / 3)
    model.means_ = np.zeros((3, 2))
    model.covars_ = np.ones((3, 2))
    setattr(model, name, value)
    with pytest.raises(ValueError, match=message):
        model.fit(X)


def test_hmmlearn_style_positional_lengths_warn():
    X, _ = regime_data()
    with pytest.warns(UserWarning, match=r"fit\(X, lengths=\.\.\.\)"):
        model = GaussianHMM(3, n_iter=2).fit(X, np.array(LENGTHS))
    with pytest.warns(UserWarning, match=r"score\(X, lengths=\.\.\.\)"):
        model.score(X, np.array(LENGTHS))


def test_convergence_warning_names_n_iter_and_tol():
    X, _ = regime_data()
    with pytest.warns(ConvergenceWarning, match="n_iter=2.*tol"):
        GaussianHMM(3, n_iter=2, tol=0).fit(X, lengths=LENGTHS)


class RecordingHMM(GaussianHMM):
    """Remembers the sequence ids each fit received."""

    fitted_ids = []

    def fit(self, X, y=None, lengths=None, sequence_ids=None):
        RecordingHMM.fitted_ids.append(np.asarray(sequence_ids))
        return super().fit(X, y, lengths=lengths, sequence_ids=sequence_ids)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_grouped_cross_validation_never_cuts_a_sequence():
    lengths = [40, 55, 35, 60, 45, 50]
    X, _ = regime_data(seed=6, lengths=lengths)
    ids = np.repeat(np.arange(len(lengths)), lengths)
    RecordingHMM.fitted_ids = []
    with sklearn.config_context(enable_metadata_routing=True):
        result = cross_validate(
            RecordingHMM(3, n_iter=5, random_state=0),
            X,
            cv=GroupKFold(n_splits=3),
            params={"sequence_ids": ids, "groups": ids},
        )
        search = GridSearchCV(
            RecordingHMM(n_iter=5, random_state=0),
            {"n_components": [2, 3]},
            cv=GroupKFold(n_splits=3),
        ).fit(X, sequence_ids=ids, groups=ids)
    assert np.all(np.isfinite(result["test_score"]))
    assert search.best_params_["n_components"] in (2, 3)
    full_sizes = dict(zip(range(len(lengths)), lengths))
    assert len(RecordingHMM.fitted_ids) == 3 + 2 * 3 + 1
    for fold_ids in RecordingHMM.fitted_ids:
        present, counts = np.unique(fold_ids, return_counts=True)
        for seq, count in zip(present, counts):
            assert count == full_sizes[seq]  # every sequence whole
        # and each still contiguous, so it is read as one sequence
        assert np.count_nonzero(np.diff(fold_ids)) == len(present) - 1
    # The folds' scores are what fitting each fold by hand gives.
    manual = []
    for train, test in GroupKFold(n_splits=3).split(X, groups=ids):
        model = GaussianHMM(3, n_iter=5, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X[train], sequence_ids=ids[train])
        manual.append(model.score(X[test], sequence_ids=ids[test]))
    np.testing.assert_allclose(result["test_score"], manual, rtol=1e-12)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_n_init_keeps_the_best_start_and_restarts_from_given_parameters():
    X, _ = regime_data(seed=7)
    one = GaussianHMM(3, n_iter=30, random_state=0).fit(X, lengths=LENGTHS)
    best = GaussianHMM(3, n_iter=30, n_init=4, random_state=0).fit(X, lengths=LENGTHS)
    # The first of the four starts draws exactly what the single start draws.
    assert best.lower_bound_ >= one.lower_bound_
    assert best.lower_bounds_[-1] == best.lower_bound_
    left_right = np.array([[0.5, 0.5, 0.0], [0.0, 0.5, 0.5], [0.0, 0.0, 1.0]])
    model = GaussianHMM(3, init_params="smc", n_init=3, n_iter=5, random_state=0)
    model.transmat_ = left_right.copy()
    model.fit(X, lengths=LENGTHS)
    assert np.all(model.transmat_[left_right == 0] == 0)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_sequence_ids_route_through_a_pipeline():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, _ = regime_data(seed=8)
    ids = np.repeat(np.arange(3), LENGTHS)
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = make_pipeline(StandardScaler(), GaussianHMM(3, random_state=0))
        pipe.fit(X, sequence_ids=ids)
        piped = pipe.score(X, sequence_ids=ids)
    Z = StandardScaler().fit_transform(X)
    direct = GaussianHMM(3, random_state=0).fit(Z, sequence_ids=ids)
    assert piped == pytest.approx(direct.score(Z, sequence_ids=ids), rel=1e-12)


@pytest.mark.parametrize("covariance_type", ["spherical", "diag", "full", "tied"])
def test_one_row_gives_finite_parameters(covariance_type):
    # np.cov of one row is NaN; the start then takes min_covar alone. The
    # full and tied M-steps give a singular scatter (a count below
    # n_features): min_covar is added to its diagonal.
    X = np.array([[1.0, -2.0, 0.5]])
    model = GaussianHMM(1, covariance_type=covariance_type, n_iter=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X)
    assert np.all(np.isfinite(model.covars_)) and np.isfinite(model.score(X))
    np.testing.assert_allclose(model.means_, X)


def test_predictions_in_blocks_of_whole_sequences_equal_one_pass(monkeypatch):
    from skgen.utils import _chunking

    rng = np.random.RandomState(3)
    lengths = [5, 17, 1, 30, 8, 12]
    X = rng.normal(size=(sum(lengths), 2))
    model = GaussianHMM(3, n_iter=5, random_state=0).fit(X, lengths=lengths)
    whole = (
        model.score_samples(X, lengths),
        model.predict_proba(X, lengths),
        model.decode(X, lengths),
        model.decode(X, lengths, algorithm="map"),
    )
    # Groups of at most 20 rows (3 states: 9 float temporaries per row):
    # sequences are never cut (30 is a group alone).
    monkeypatch.setattr(_chunking, "BLOCK_ROWS", 20)
    monkeypatch.setattr(_chunking, "BLOCK_FLOATS_PER_ROW", 9)
    assert _chunking.rows_per_block(model._floats_per_row()) == 20
    blocked = (
        model.score_samples(X, lengths),
        model.predict_proba(X, lengths),
        model.decode(X, lengths),
        model.decode(X, lengths, algorithm="map"),
    )
    np.testing.assert_array_equal(blocked[0], whole[0])
    np.testing.assert_array_equal(blocked[1], whole[1])
    for (score_b, states_b), (score_w, states_w) in zip(blocked[2:], whole[2:]):
        assert score_b == pytest.approx(score_w, rel=1e-13)
        np.testing.assert_array_equal(states_b, states_w)


def test_nan_parameters_are_an_error_in_every_prediction():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 2))
    model = GaussianHMM(2, n_iter=3, random_state=0).fit(X)
    model.means_ = np.array([[0.0, 0.0], [np.nan, 1.0]])
    for method in (model.predict, model.predict_proba, model.score_samples):
        with pytest.raises(ValueError, match="are NaN: the emission parameters"):
            method(X)
    with pytest.raises(ValueError, match="are NaN"):
        model.decode(X, algorithm="map")


@pytest.mark.parametrize("name", ["params", "init_params"])
def test_unknown_letters_of_params_are_named(name):
    X = np.random.RandomState(0).normal(size=(50, 2))
    with pytest.raises(ValueError, match=rf"{name}='stq' .* letter\(s\) q.*s, t, m, c"):
        GaussianHMM(2, **{name: "stq"}).fit(X)
    with pytest.raises(ValueError, match="letter"):
        GaussianHMM(2, **{name: "e"}).partial_fit(X)


# hmmlearn's issue 2: nine rows, a constant first column. A state of few rows
# has a singular scatter; hmmlearn fits (it evaluates such a covariance with
# 1e-7 on its diagonal), so skgen must too.
ISSUE_2 = np.array(
    [
        [715.0, 585.0, 0.0, 0.0],
        [715.0, 520.0, 1.04705811, -60.3696289],
        [715.0, 455.0, 0.72088623, -52.7055664],
        [715.0, 390.0, -0.457946777, -78.0605469],
        [715.0, 325.0, -6.43127441, -55.9954834],
        [715.0, 260.0, -2.90063477, -78.0220947],
        [715.0, 195.0, 8.45532227, -70.3294373],
        [715.0, 130.0, 4.09387207, -58.3621216],
        [715.0, 65.0, -1.21667480, -44.8131409],
    ]
)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_issue_2_data_fits_with_finite_results(covariance_type, seed):
    X = ISSUE_2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # hmmlearn's start (n_iter=0 initialises only), then 10 iterations.
        start = hmmlearn_hmm.GaussianHMM(
            3, covariance_type, n_iter=0, random_state=seed
        ).fit(X)
        ref = hmmlearn_hmm.GaussianHMM(
            3, covariance_type, n_iter=10, tol=-np.inf, init_params=""
        )
        ours = GaussianHMM(3, covariance_type, n_iter=10, tol=0.0, init_params="")
        for model in (ref, ours):
            model.startprob_ = start.startprob_.copy()
            model.transmat_ = start.transmat_.copy()
            model.means_ = start.means_.copy()
            model.covars_ = start._covars_.copy()
        ref.fit(X)
        ours.fit(X)
    assert np.all(np.isfinite(ours.covars_)) and np.all(np.isfinite(ours.means_))
    assert np.all(np.linalg.eigvalsh(ours.covars_) > 0)
    assert np.all(np.isfinite(ours.score_samples(X)))
    assert np.all(np.isfinite(ours.predict_proba(X)))
    assert np.all(np.isfinite(ours.sample(20, random_state=0)[0]))
    history = np.asarray(ref.monitor_.history)
    if covariance_type == "full":
        # Once a state's scatter is singular, the likelihood is decided by
        # which near-singular matrix a Cholesky factorisation accepts (and by
        # the ridge: 1e-7 in hmmlearn, min_covar here); until then, the same.
        np.testing.assert_allclose(ours.lower_bounds_[:3], history[:3], rtol=1e-8)
    else:
        np.testing.assert_allclose(ours.lower_bounds_, history, rtol=1e-7)
        np.testing.assert_allclose(ours.means_, ref.means_, rtol=1e-6, atol=1e-6)


def test_singular_scatter_gets_min_covar_on_its_diagonal():
    # One state, two rows in three dimensions: the scatter has rank one.
    X = np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 2.0]])
    model = GaussianHMM(1, "full", n_iter=1, covars_prior=0.0, min_covar=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X)
    scatter = np.cov(X.T, bias=True)
    np.testing.assert_allclose(model.covars_[0], scatter + 0.5 * np.eye(3))


@pytest.mark.parametrize("covariance_type", ["full", "diag"])
def test_state_no_row_reaches_keeps_its_mean_and_covariance(covariance_type):
    X, _ = regime_data()
    model = GaussianHMM(
        2, covariance_type, init_params="", params="mc", n_iter=2, means_weight=0
    )
    model.startprob_ = np.array([0.5, 0.5])
    model.transmat_ = np.full((2, 2), 0.5)
    model.means_ = np.array([[0.0, 0.0], [1e6, 1e6]])  # posterior exactly 0
    model.covars_ = (
        np.ones((2, 2)) if covariance_type == "diag" else np.stack([np.eye(2)] * 2)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, lengths=LENGTHS)
    np.testing.assert_array_equal(model.means_[1], [1e6, 1e6])
    assert np.all(np.isfinite(model.covars_))
    if covariance_type == "full":
        np.testing.assert_array_equal(model.covars_[1], np.eye(2))


@pytest.mark.parametrize(
    "covariance_type, given, compact_shape",
    [
        ("spherical", [[4.0], [3.0]], (2,)),  # hmmlearn's issue 385
        ("spherical", [[[[4.0]]], [[[3.0]]]], (2,)),
        ("spherical", [[4.0, 4.0], [3.0, 3.0]], (2,)),  # hmmlearn's stored form
        ("spherical", [4.0 * np.eye(2), 3.0 * np.eye(2)], (2,)),
        ("diag", [np.diag([1.0, 2.0]), np.diag([3.0, 4.0])], (2, 2)),
        ("tied", [[[2.0, 0.5], [0.5, 1.0]]] * 2, (2, 2)),
    ],
)
def test_covars_setter_takes_hmmlearns_forms(covariance_type, given, compact_shape):
    model = GaussianHMM(2, covariance_type)
    model.means_ = np.zeros((2, 2))
    model.covars_ = given
    assert model._covars_.shape == compact_shape
    assert model.covars_.shape == (2, 2, 2)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_covars_round_trip_through_the_full_matrices(covariance_type):
    X, _ = regime_data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fitted = GaussianHMM(3, covariance_type, random_state=0).fit(X, lengths=LENGTHS)
    copy = GaussianHMM(3, covariance_type, init_params="", n_iter=1)
    for name in ("startprob_", "transmat_", "means_", "covars_"):
        setattr(copy, name, getattr(fitted, name))  # covars_: full matrices
    np.testing.assert_array_equal(copy._covars_, fitted._covars_)
    assert copy.score(X, lengths=LENGTHS) == fitted.score(X, lengths=LENGTHS)


def test_covars_of_a_wrong_form_are_refused_at_fit():
    X, _ = regime_data()
    model = GaussianHMM(2, "spherical", init_params="st")
    model.means_ = np.zeros((2, 2))
    model.covars_ = [[1.0, 2.0], [3.0, 4.0]]  # not one variance per state
    with pytest.raises(ValueError, match="'spherical' covars_ must have shape"):
        model.fit(X, lengths=LENGTHS)
