"""Known states (``fit(X, states=...)``) and per-sequence ``sample_weight``.

Fully labelled fits against the supervised estimate computed by hand with
numpy (counts, per-state moments); partly labelled posteriors against
brute-force enumeration of the state paths that agree with the labels;
integer weights against fits on repeated sequences from the same start.
"""

import copy
import itertools
import warnings

import numpy as np
import pytest
import sklearn
from scipy.special import logsumexp
from scipy.stats import multivariate_normal
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GroupKFold, cross_validate

from skgen.hmm import GMMHMM, CategoricalHMM, GaussianHMM, PoissonHMM, _kernels
from skgen.utils._sequences import sequence_bounds

LENGTHS = [30, 45, 25, 40]
TRANSMAT = np.array([[0.8, 0.15, 0.05], [0.1, 0.8, 0.1], [0.2, 0.1, 0.7]])
MEANS = np.array([[0.0, 0.0], [3.0, 1.0], [-2.0, 3.0]])


def chain(lengths=LENGTHS, seed=0):
    """States of a three-state chain per sequence, stacked."""
    rng = np.random.RandomState(seed)
    states = []
    for n in lengths:
        path = [rng.randint(3)]
        for _ in range(n - 1):
            path.append(rng.choice(3, p=TRANSMAT[path[-1]]))
        states.extend(path)
    return np.array(states)


def gaussian_rows(states, seed=0):
    rng = np.random.RandomState(seed + 1)
    return MEANS[states] + rng.standard_normal((states.size, 2))


def supervised_chain(states, lengths, n_components=3):
    """Start and transition probabilities from counts."""
    bounds = np.concatenate([[0], np.cumsum(lengths)])
    start = np.bincount(states[bounds[:-1]], minlength=n_components)
    counts = np.zeros((n_components, n_components))
    for a, b in zip(bounds[:-1], bounds[1:]):
        np.add.at(counts, (states[a : b - 1], states[a + 1 : b]), 1)
    return start / start.sum(), counts / counts.sum(axis=1, keepdims=True)


def fit_quietly(model, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(*args, **kwargs)


def assert_same_parameters(got, ref, rtol=1e-10, atol=1e-12):
    for name in ref._parameter_names():
        np.testing.assert_allclose(
            getattr(got, name), getattr(ref, name), rtol=rtol, atol=atol, err_msg=name
        )


# -- fully labelled: the supervised estimate -------------------------------------


@pytest.mark.parametrize("covariance_type", ["spherical", "diag", "full", "tied"])
@pytest.mark.parametrize("seed", [0, 1])
def test_fully_labelled_gaussian_is_the_supervised_mle(covariance_type, seed):
    states = chain()
    X = gaussian_rows(states)
    model = GaussianHMM(
        3, covariance_type=covariance_type, covars_prior=0.0, random_state=seed
    )
    model.fit(X, lengths=LENGTHS, states=states)
    startprob, transmat = supervised_chain(states, LENGTHS)
    np.testing.assert_allclose(model.startprob_, startprob, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(model.transmat_, transmat, rtol=1e-12)
    means = np.array([X[states == k].mean(axis=0) for k in range(3)])
    scatter = np.array(
        [np.cov(X[states == k].T, bias=True) for k in range(3)]
    )  # per state, around its own mean
    expected = {
        "full": scatter,
        "tied": np.tile(
            sum((states == k).sum() * scatter[k] for k in range(3)) / len(X), (3, 1, 1)
        ),
        "diag": np.array([np.diag(np.diag(s)) for s in scatter]),
        "spherical": np.array([np.eye(2) * np.diag(s).mean() for s in scatter]),
    }[covariance_type]
    np.testing.assert_allclose(model.means_, means, rtol=1e-10)
    np.testing.assert_allclose(model.covars_, expected, rtol=1e-10)
    # The first M-step lands there, the next one stays: converged at the third.
    assert model.converged_ and model.n_iter_ == 3
    assert model.lower_bounds_[1] == pytest.approx(model.lower_bounds_[2], rel=1e-12)


@pytest.mark.parametrize("covariance_type", ["full", "tied"])
def test_fully_labelled_singular_scatter_gets_min_covar(covariance_type):
    """A column constant within every state: the scatter is singular, and the
    M-step adds min_covar to its diagonal (the same rule as without labels)."""
    states = chain()
    X = gaussian_rows(states)
    X[:, 1] = np.array([5.0, -1.0, 2.0])[states]
    model = GaussianHMM(
        3, covariance_type=covariance_type, covars_prior=0.0, min_covar=1e-3
    )
    fit_quietly(model, X, lengths=LENGTHS, states=states)
    scatter = np.array([np.cov(X[states == k].T, bias=True) for k in range(3)])
    if covariance_type == "tied":
        counts = np.bincount(states)
        scatter = np.tile(
            (counts[:, None, None] * scatter).sum(axis=0) / len(X), (3, 1, 1)
        )
    expected = scatter + 1e-3 * np.eye(2)
    np.testing.assert_allclose(model.covars_, expected, rtol=1e-10, atol=1e-14)


def test_fully_labelled_gaussian_with_its_default_priors():
    """diag with covars_prior=1e-2 (the default): (prior + scatter) / count."""
    states = chain()
    X = gaussian_rows(states)
    model = GaussianHMM(3, covariance_type="diag").fit(
        X, lengths=LENGTHS, states=states
    )
    for k in range(3):
        rows = X[states == k]
        expected = (1e-2 + ((rows - rows.mean(axis=0)) ** 2).sum(axis=0)) / len(rows)
        np.testing.assert_allclose(np.diag(model.covars_[k]), expected, rtol=1e-10)


def test_fully_labelled_categorical_is_the_supervised_mle():
    states = chain(seed=3)
    probs = np.array([[0.7, 0.2, 0.1, 0.0], [0.1, 0.6, 0.2, 0.1], [0.0, 0.1, 0.2, 0.7]])
    rng = np.random.RandomState(4)
    X = np.array([[rng.choice(4, p=probs[s])] for s in states])
    model = CategoricalHMM(3, random_state=0).fit(X, lengths=LENGTHS, states=states)
    counts = np.zeros((3, 4))
    np.add.at(counts, (states, X[:, 0]), 1)
    np.testing.assert_allclose(
        model.emissionprob_, counts / counts.sum(axis=1, keepdims=True), rtol=1e-12
    )
    startprob, transmat = supervised_chain(states, LENGTHS)
    np.testing.assert_allclose(model.transmat_, transmat, rtol=1e-12)
    np.testing.assert_allclose(model.startprob_, startprob, rtol=1e-12, atol=1e-14)


def test_fully_labelled_poisson_is_the_supervised_mle():
    states = chain(seed=5)
    rates = np.array([[1.0, 6.0], [4.0, 0.5], [9.0, 3.0]])
    X = np.random.RandomState(6).poisson(rates[states]).astype(np.float64)
    model = PoissonHMM(3, random_state=0).fit(X, lengths=LENGTHS, states=states)
    means = np.array([X[states == k].mean(axis=0) for k in range(3)])
    np.testing.assert_allclose(model.lambdas_, means, rtol=1e-12)
    np.testing.assert_allclose(model.transmat_, supervised_chain(states, LENGTHS)[1])


@pytest.mark.parametrize("covariance_type", ["diag", "full"])
def test_fully_labelled_gmmhmm_runs_each_states_mixture_em(covariance_type):
    """Start and transitions are the counts; within a state the mixture still
    needs EM: one iteration is one EM step of each state's Gaussian mixture on
    its own rows (the default priors make it maximum likelihood; the scatter
    is around the previous means, as hmmlearn's)."""
    states = chain(seed=7)
    X = gaussian_rows(states, seed=7)
    rng = np.random.RandomState(8)
    weights = rng.dirichlet(np.ones(2), size=3)
    means = MEANS[:, None, :] + rng.normal(0, 1, (3, 2, 2))
    dense = np.tile(np.array([[1.5, 0.3], [0.3, 0.8]]), (3, 2, 1, 1))
    model = GMMHMM(3, n_mix=2, covariance_type=covariance_type, n_iter=1)
    model.set_params(init_params="")
    model.startprob_ = np.full(3, 1 / 3)
    model.transmat_ = np.full((3, 3), 1 / 3)
    model.weights_ = weights
    model.means_ = means
    model.covars_ = dense if covariance_type == "full" else dense[..., [0, 1], [0, 1]]
    model.n_features_in_ = 2
    fit_quietly(model, X, lengths=LENGTHS, states=states)
    startprob, transmat = supervised_chain(states, LENGTHS)
    np.testing.assert_allclose(model.startprob_, startprob, atol=1e-14)
    np.testing.assert_allclose(model.transmat_, transmat, rtol=1e-12)
    covariances = dense if covariance_type == "full" else dense * np.eye(2)
    for k in range(3):
        rows = X[states == k]
        dens = np.column_stack(
            [
                weights[k, m]
                * multivariate_normal(means[k, m], covariances[k, m]).pdf(rows)
                for m in range(2)
            ]
        )
        resp = dens / dens.sum(axis=1, keepdims=True)
        nk = resp.sum(axis=0)
        np.testing.assert_allclose(model.weights_[k], nk / nk.sum(), rtol=1e-10)
        np.testing.assert_allclose(
            model.means_[k], (resp.T @ rows) / nk[:, None], rtol=1e-10
        )
        for m in range(2):
            centred = rows - means[k, m]
            scatter = (resp[:, m, None] * centred).T @ centred / nk[m]
            if covariance_type == "diag":
                scatter = np.diag(scatter)
            np.testing.assert_allclose(model.covars_[k, m], scatter, rtol=1e-10)


def test_all_unknown_states_are_an_unlabelled_fit():
    states = chain()
    X = gaussian_rows(states)
    ref = GaussianHMM(3, random_state=0, n_iter=5)
    fit_quietly(ref, X, lengths=LENGTHS)
    got = GaussianHMM(3, random_state=0, n_iter=5)
    fit_quietly(got, X, lengths=LENGTHS, states=np.full(len(X), -1))
    assert_same_parameters(got, ref, rtol=0, atol=0)


def test_y_stays_ignored():
    """Known states go in ``states``: scikit-learn's tools pass arbitrary ``y``
    to an unsupervised estimator (its checks pass class labels)."""
    states = chain()
    X = gaussian_rows(states)
    ref = fit_quietly(GaussianHMM(3, random_state=0), X, lengths=LENGTHS)
    got = fit_quietly(GaussianHMM(3, random_state=0), X, states + 7, lengths=LENGTHS)
    assert_same_parameters(got, ref, rtol=0, atol=0)


# -- partly labelled: clamped posteriors ------------------------------------------


def tiny_model():
    model = GaussianHMM(3, covariance_type="diag", init_params="", n_iter=1)
    model.startprob_ = np.array([0.5, 0.3, 0.2])
    model.transmat_ = np.array([[0.6, 0.3, 0.1], [0.2, 0.5, 0.3], [0.3, 0.3, 0.4]])
    model.means_ = np.array([[0.0], [1.5], [3.0]])
    model.covars_ = np.array([[1.0], [0.7], [1.3]])
    model.n_features_in_ = 1
    return model


def clamped_brute_force(model, X, labels):
    """log p(x, labels), posteriors and expected transitions of one sequence,
    summed over the state paths that agree with the labels."""
    frame = model._emission_log_likelihood(X)
    n_steps = len(X)
    paths = np.array(
        [
            path
            for path in itertools.product(range(3), repeat=n_steps)
            if all(label in (-1, state) for label, state in zip(labels, path))
        ]
    )
    steps = np.arange(n_steps)
    log_p = (
        np.log(model.startprob_)[paths[:, 0]]
        + np.log(model.transmat_)[paths[:, :-1], paths[:, 1:]].sum(axis=1)
        + frame[steps, paths].sum(axis=1)
    )
    log_lik = logsumexp(log_p)
    weight = np.exp(log_p - log_lik)
    posteriors = np.zeros((n_steps, 3))
    transitions = np.zeros((3, 3))
    for path, w in zip(paths, weight):
        posteriors[steps, path] += w
        np.add.at(transitions, (path[:-1], path[1:]), w)
    return log_lik, posteriors, transitions


X_TINY = np.array([[0.3], [2.9], [1.1], [-0.4], [1.8], [2.2], [0.5], [3.1], [1.0]])
LABELS_TINY = np.array([-1, 2, -1, -1, 1, -1, 0, -1, -1])
LENGTHS_TINY = [6, 3]


def test_clamped_posteriors_equal_brute_force_over_consistent_paths():
    model = tiny_model()
    model._check_parameters()
    bounds = sequence_bounds(len(X_TINY), LENGTHS_TINY)
    log_lik, posteriors, start, transitions = model._forward_backward(
        X_TINY, bounds, LABELS_TINY
    )
    expected_transitions = np.zeros((3, 3))
    for s, (a, b) in enumerate(zip(bounds[:-1], bounds[1:])):
        ref = clamped_brute_force(model, X_TINY[a:b], LABELS_TINY[a:b])
        assert log_lik[s] == pytest.approx(ref[0], rel=1e-12)
        np.testing.assert_allclose(posteriors[a:b], ref[1], rtol=1e-10, atol=1e-15)
        expected_transitions += ref[2]
    np.testing.assert_allclose(
        transitions.sum(axis=0), expected_transitions, rtol=1e-10
    )
    known = LABELS_TINY >= 0
    np.testing.assert_allclose(posteriors[known, LABELS_TINY[known]], 1.0, rtol=1e-15)


def test_one_clamped_em_step_is_the_m_step_of_the_brute_force_counts():
    """Through the public API: one iteration from given parameters."""
    model = tiny_model()
    model.fit(X_TINY, lengths=LENGTHS_TINY, states=LABELS_TINY)
    refs = [
        clamped_brute_force(tiny_model(), X_TINY[a:b], LABELS_TINY[a:b])
        for a, b in ((0, 6), (6, 9))
    ]
    posteriors = np.concatenate([ref[1] for ref in refs])
    transitions = refs[0][2] + refs[1][2]
    start = refs[0][1][0] + refs[1][1][0]
    assert model.lower_bound_ == pytest.approx(refs[0][0] + refs[1][0], rel=1e-12)
    np.testing.assert_allclose(model.startprob_, start / 2, rtol=1e-10)
    np.testing.assert_allclose(
        model.transmat_,
        transitions / transitions.sum(axis=1, keepdims=True),
        rtol=1e-10,
    )
    np.testing.assert_allclose(
        model.means_[:, 0],
        posteriors.T @ X_TINY[:, 0] / posteriors.sum(axis=0),
        rtol=1e-10,
    )


def test_partly_labelled_em_names_the_states_by_the_labels():
    """Three known rows per state fix which state is which. A start whose
    states are permuted against the labels can end in a local optimum that
    treats the known rows as outliers; its log p(X, known states) is far
    lower, so n_init keeps a start that agrees with them."""
    states = chain(seed=11)
    X = gaussian_rows(states, seed=11)
    known = np.full(len(X), -1)
    for k in range(3):
        known[np.flatnonzero(states == k)[:3]] = k
    model = GaussianHMM(3, n_iter=100, n_init=4, random_state=0)
    fit_quietly(model, X, lengths=LENGTHS, states=known)
    supervised_means = [X[states == k].mean(axis=0) for k in range(3)]
    np.testing.assert_allclose(model.means_, supervised_means, atol=0.2)
    assert np.mean(model.predict(X, lengths=LENGTHS) == states) > 0.9
    one = GaussianHMM(3, n_iter=100, random_state=0)
    fit_quietly(one, X, lengths=LENGTHS, states=known)
    assert one.lower_bound_ < model.lower_bound_ - 10  # the permuted optimum
    clamped = model._forward_backward(X, sequence_bounds(len(X), LENGTHS), known)[1]
    assert np.all(clamped[known >= 0].argmax(axis=1) == known[known >= 0])


# -- impossible and bad labels ----------------------------------------------------


def test_labels_against_a_zero_transition_or_start_are_named():
    model = tiny_model().set_params(n_iter=3)
    model.transmat_ = np.array([[0.7, 0.3, 0.0], [0.0, 0.6, 0.4], [0.0, 0.0, 1.0]])
    X = X_TINY[:4]
    with pytest.raises(
        ValueError,
        match=r"row 1 in state 2 and row 2 in state 0.*transmat_\[2, 0\] is 0",
    ):
        model.fit(X, states=[-1, 2, 0, -1])
    model.startprob_ = np.array([1.0, 0.0, 0.0])
    with pytest.raises(
        ValueError,
        match=r"first row of sequence 1 \(row 2\) in state 1.*startprob_ is 0",
    ):
        model.fit(X, lengths=[2, 2], states=[-1, -1, 1, -1])


def test_labels_no_path_joins_are_an_error_not_nan():
    """Left-right: state 2 at row 0, state 0 two rows later -- no two-step
    path, which only the forward pass can see."""
    model = tiny_model().set_params(n_iter=3)
    model.startprob_ = np.array([0.5, 0.3, 0.2])
    model.transmat_ = np.array([[0.7, 0.3, 0.0], [0.0, 0.6, 0.4], [0.0, 0.0, 1.0]])
    with pytest.raises(ValueError, match="zero probability.*given the known states"):
        model.fit(X_TINY[:4], states=[2, -1, 0, -1])


def test_a_labelled_state_that_cannot_emit_its_row_is_an_error():
    model = CategoricalHMM(2, init_params="", n_iter=2)
    model.startprob_ = np.array([0.5, 0.5])
    model.transmat_ = np.full((2, 2), 0.5)
    model.emissionprob_ = np.array([[1.0, 0.0], [0.5, 0.5]])
    with pytest.raises(ValueError, match="zero probability.*given the known states"):
        model.fit(np.array([[0], [1], [0]]), states=[-1, 0, -1])


@pytest.mark.parametrize(
    "states, message",
    [
        (np.zeros(5, dtype=int), r"expected shape \(6,\), got \(5,\)"),
        (np.zeros((6, 1), dtype=int), r"expected shape \(6,\), got \(6, 1\)"),
        ([0, 1, 0.5, 2, -1, 0], r"integer states.*0.5 at row 2"),
        ([0, 1, np.nan, 2, -1, 0], r"integer states.*nan at row 2"),
        ([0, 1, 3, 2, -1, 0], r"in \[0, 2\] \(n_components=3\).*got 3 at row 2"),
        ([0, 1, -2, 2, -1, 0], r"got -2 at row 2"),
        (list("abcabc"), r"integer states.*dtype <U1"),
    ],
)
def test_bad_states_are_named(states, message):
    X = gaussian_rows(chain(lengths=[6]))
    with pytest.raises(ValueError, match=message):
        GaussianHMM(3).fit(X, states=states)
    with pytest.raises(ValueError, match=message):
        GaussianHMM(3).partial_fit(X, states=states)


def test_integral_float_states_are_accepted():
    states = chain()
    X = gaussian_rows(states)
    ref = GaussianHMM(3, random_state=0).fit(X, lengths=LENGTHS, states=states)
    got = GaussianHMM(3, random_state=0).fit(
        X, lengths=LENGTHS, states=states.astype(float)
    )
    assert_same_parameters(got, ref, rtol=0, atol=0)


# -- sample_weight: frequency weights per sequence ----------------------------------


def family_data(family):
    states = chain(seed=2)
    X = gaussian_rows(states, seed=2)
    if family is CategoricalHMM:
        X = np.digitize(X[:, :1], [-1.0, 1.0, 2.5])
    elif family is PoissonHMM:
        X = np.floor(np.abs(X) * 2)
    return X, states


FAMILIES = {
    "gaussian-full": lambda: GaussianHMM(
        3, covariance_type="full", transmat_prior=2.0, means_weight=0.5
    ),
    "gaussian-spherical": lambda: GaussianHMM(3, covariance_type="spherical"),
    "gmm-diag": lambda: GMMHMM(3, n_mix=2, covariance_type="diag"),
    "categorical": lambda: CategoricalHMM(3, emissionprob_prior=1.5),
    "poisson": lambda: PoissonHMM(3, lambdas_prior=1.0, lambdas_weight=2.0),
}


def started(name, X, lengths):
    """A model of ``name`` with its initial parameters set (``init_params=''``)."""
    start = FAMILIES[name]().set_params(n_iter=0, random_state=0)
    start.fit(X, lengths=lengths)
    return start.set_params(n_iter=6, tol=0.0, init_params="")


def repeated(X, lengths, counts, states=None):
    """Each sequence ``counts[s]`` times, in order."""
    bounds = np.concatenate([[0], np.cumsum(lengths)])
    parts = [
        (a, b)
        for (a, b), c in zip(zip(bounds[:-1], bounds[1:]), counts)
        for _ in range(c)
    ]
    rows = np.concatenate([np.arange(a, b) for a, b in parts])
    out_states = None if states is None else states[rows]
    return X[rows], [b - a for a, b in parts], out_states


@pytest.mark.parametrize("name", list(FAMILIES))
def test_integer_weights_equal_repeated_sequences(name):
    family = FAMILIES[name]().__class__
    X, _ = family_data(family)
    counts = [2, 1, 3, 1]
    start = started(name, X, LENGTHS)
    weighted = fit_quietly(
        copy.deepcopy(start), X, lengths=LENGTHS, sample_weight=counts
    )
    X_rep, lengths_rep, _ = repeated(X, LENGTHS, counts)
    ref = fit_quietly(copy.deepcopy(start), X_rep, lengths=lengths_rep)
    assert_same_parameters(weighted, ref)
    np.testing.assert_allclose(weighted.lower_bounds_, ref.lower_bounds_, rtol=1e-10)


def test_weights_and_known_states_together_equal_repeated_sequences():
    X, states = family_data(GaussianHMM)
    known = np.where(np.arange(len(X)) % 4 == 0, states, -1)
    counts = [3, 1, 2, 2]
    start = started("gaussian-full", X, LENGTHS)
    weighted = fit_quietly(
        copy.deepcopy(start), X, lengths=LENGTHS, states=known, sample_weight=counts
    )
    X_rep, lengths_rep, known_rep = repeated(X, LENGTHS, counts, known)
    ref = fit_quietly(
        copy.deepcopy(start), X_rep, lengths=lengths_rep, states=known_rep
    )
    assert_same_parameters(weighted, ref)


def test_weights_per_row_equal_weights_per_sequence_and_are_not_modified():
    X, _ = family_data(GaussianHMM)
    per_sequence = np.array([0.5, 2.0, 1.0, 3.5])
    per_row = np.repeat(per_sequence, LENGTHS)
    kept = per_row.copy()
    start = started("gaussian-full", X, LENGTHS)
    ref = fit_quietly(
        copy.deepcopy(start), X, lengths=LENGTHS, sample_weight=per_sequence
    )
    ids = np.repeat(np.arange(4), LENGTHS)
    got = fit_quietly(copy.deepcopy(start), X, sequence_ids=ids, sample_weight=per_row)
    assert_same_parameters(got, ref, rtol=0, atol=0)
    np.testing.assert_array_equal(per_row, kept)


def test_unit_weights_equal_no_weights():
    X, _ = family_data(GaussianHMM)
    ref = fit_quietly(GaussianHMM(3, random_state=0), X, lengths=LENGTHS)
    got = fit_quietly(
        GaussianHMM(3, random_state=0), X, lengths=LENGTHS, sample_weight=np.ones(4)
    )
    assert_same_parameters(got, ref, rtol=1e-12)


def test_zero_weight_is_an_absent_sequence_even_impossible_or_in_the_start():
    X, _ = family_data(GaussianHMM)
    keep = [0, 2, 3]
    bounds = np.concatenate([[0], np.cumsum(LENGTHS)])
    rows = np.concatenate([np.arange(bounds[s], bounds[s + 1]) for s in keep])
    ref = fit_quietly(
        GaussianHMM(3, random_state=0), X[rows], lengths=[LENGTHS[s] for s in keep]
    )
    got = fit_quietly(
        GaussianHMM(3, random_state=0), X, lengths=LENGTHS, sample_weight=[1, 0, 1, 1]
    )
    assert_same_parameters(got, ref, rtol=1e-12)
    # A sequence of weight 0 may even contradict the topology.
    model = tiny_model().set_params(n_iter=2)
    model.transmat_ = np.array([[0.7, 0.3, 0.0], [0.0, 0.6, 0.4], [0.0, 0.0, 1.0]])
    model.fit(X_TINY[:4], lengths=[2, 2], states=[-1, -1, 2, 0], sample_weight=[1, 0])
    with pytest.raises(ValueError, match=r"transmat_\[2, 0\] is 0"):
        model.fit(X_TINY[:4], lengths=[2, 2], states=[-1, -1, 2, 0])


@pytest.mark.parametrize(
    "sample_weight, message",
    [
        ([1.0, -1.0, 1.0, 1.0], "non-negative, got -1"),
        ([1.0, np.nan, 1.0, 1.0], "finite and non-negative, got nan"),
        ([1.0, 2.0, 3.0], r"per sequence \(4,\) or per row \(140,\), got shape \(3,\)"),
        (np.zeros(4), "zero for every sequence"),
        (np.r_[np.ones(31), 2.0, np.ones(108)], r"sequence 1 has 1 and 2 \(row 31\)"),
        (list("abcd"), "must hold numbers"),
    ],
)
def test_bad_sample_weight_is_named(sample_weight, message):
    X, _ = family_data(GaussianHMM)
    with pytest.raises(ValueError, match=message):
        GaussianHMM(3).fit(X, lengths=LENGTHS, sample_weight=sample_weight)


def test_partial_fit_takes_weights_and_states():
    X, states = family_data(GaussianHMM)
    counts = [2, 1, 1, 3]
    start = started("gaussian-full", X, LENGTHS)
    got = copy.deepcopy(start).partial_fit(X, lengths=LENGTHS, sample_weight=counts)
    X_rep, lengths_rep, _ = repeated(X, LENGTHS, counts)
    ref = copy.deepcopy(start).partial_fit(X_rep, lengths=lengths_rep)
    assert_same_parameters(got, ref)
    np.testing.assert_allclose(got._running_stats.n_rows, ref._running_stats.n_rows)
    # A second batch blends as per weighted row.
    got.partial_fit(X[:30], states=states[:30], sample_weight=[2.0])
    ref.partial_fit(
        np.concatenate([X[:30]] * 2), lengths=[30, 30], states=np.tile(states[:30], 2)
    )
    assert_same_parameters(got, ref)
    # Fully labelled, a first batch is the supervised estimate (rho = 1).
    supervised = GaussianHMM(
        3, covariance_type="full", covars_prior=0.0, init_params=""
    )
    for name in ("startprob_", "transmat_", "means_", "covars_"):
        setattr(supervised, name, getattr(start, name))
    supervised.partial_fit(X, lengths=LENGTHS, states=states)
    np.testing.assert_allclose(
        supervised.transmat_, supervised_chain(states, LENGTHS)[1], rtol=1e-12
    )
    np.testing.assert_allclose(
        supervised.means_, [X[states == k].mean(axis=0) for k in range(3)], rtol=1e-10
    )


def test_weighted_kernel_counts_are_weighted_sums_of_sequence_counts():
    rng = np.random.RandomState(0)
    lengths = [5, 1, 7, 3]
    bounds = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    startprob = rng.dirichlet(np.ones(3))
    transmat = rng.dirichlet(np.ones(3), size=3)
    log_frameprob = rng.normal(-2, 1, (bounds[-1], 3))
    weights = np.array([0.5, 2.0, 0.0, 3.0])
    got = _kernels.forward_backward(
        startprob,
        transmat,
        log_frameprob.copy(),
        bounds,
        2,
        np.empty_like(log_frameprob),
        weights,
    )
    start = np.zeros(3)
    transitions = np.zeros((3, 3))
    for s, w in enumerate(weights):
        one = _kernels.forward_backward(
            startprob,
            transmat,
            log_frameprob[bounds[s] : bounds[s + 1]].copy(),
            bounds[s : s + 2] - bounds[s],
            1,
            np.empty((lengths[s], 3)),
        )
        start += w * one[2][0]
        transitions += w * one[3][0]
        np.testing.assert_allclose(
            got[1][bounds[s] : bounds[s + 1]], one[1], rtol=1e-13
        )
    np.testing.assert_allclose(got[2].sum(axis=0), start, rtol=1e-12)
    np.testing.assert_allclose(got[3].sum(axis=0), transitions, rtol=1e-12)


# -- metadata routing and dask --------------------------------------------------------


def test_states_and_weights_route_through_cross_validation():
    X, states = family_data(GaussianHMM)
    ids = np.repeat(np.arange(4), LENGTHS)
    weights = np.repeat([1.0, 2.0, 0.5, 1.5], LENGTHS)
    model = GaussianHMM(3, covariance_type="full", covars_prior=0.0, random_state=0)
    with sklearn.config_context(enable_metadata_routing=True):
        result = cross_validate(
            model,
            X,
            cv=GroupKFold(n_splits=2),
            params={
                "sequence_ids": ids,
                "groups": ids,
                "states": states,
                "sample_weight": weights,
            },
            return_estimator=True,
            return_indices=True,
        )
    folds = zip(
        result["estimator"], result["indices"]["train"], result["indices"]["test"]
    )
    for (fitted, train, test), score in zip(folds, result["test_score"]):
        # the routed weights weigh the test rows too
        assert score == pytest.approx(
            fitted.score(X[test], sequence_ids=ids[test], sample_weight=weights[test]),
            rel=1e-12,
        )
        manual = GaussianHMM(
            3, covariance_type="full", covars_prior=0.0, random_state=0
        )
        manual.fit(
            X[train],
            sequence_ids=ids[train],
            states=states[train],
            sample_weight=weights[train],
        )
        assert_same_parameters(fitted, manual, rtol=0, atol=0)
        # fully labelled: the weighted supervised means
        w = weights[train]
        for k in range(3):
            rows = states[train] == k
            np.testing.assert_allclose(
                fitted.means_[k],
                np.average(X[train][rows], axis=0, weights=w[rows]),
                rtol=1e-10,
            )


def test_metadata_requests_of_fit_and_score():
    routing = GaussianHMM().get_metadata_routing()
    assert routing.fit.requests == {
        "lengths": True,
        "sequence_ids": True,
        "states": True,
        "sample_weight": True,
    }
    assert routing.score.requests == {
        "lengths": True,
        "sequence_ids": True,
        "sample_weight": True,
    }


@pytest.mark.usefixtures("dask_client")
def test_dask_fit_with_states_and_weights_equals_in_memory():
    pytest.importorskip("dask.distributed")
    da = pytest.importorskip("dask.array")
    X, states = family_data(GaussianHMM)
    known = np.where(np.arange(len(X)) % 3 == 0, states, -1)
    counts = np.array([2.0, 0.5, 1.0, 3.0])
    params = dict(n_iter=5, tol=0.0, random_state=0)
    ref = fit_quietly(
        GaussianHMM(3, **params), X, lengths=LENGTHS, states=known, sample_weight=counts
    )
    dX = da.from_array(X, chunks=((75, 65), 2))
    got = fit_quietly(
        GaussianHMM(3, **params),
        dX,
        lengths=LENGTHS,
        states=da.from_array(known, chunks=((75, 65),)),
        sample_weight=counts,
    )
    assert_same_parameters(got, ref, rtol=1e-9, atol=1e-12)
