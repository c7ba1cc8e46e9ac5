"""ComplementNB: scikit-learn's decision rule, and the multinomial of each
class's own counts as its density (checked against scipy.stats)."""

import itertools

import numpy as np
import pytest
from scipy import sparse, stats
from scipy.special import logsumexp
from sklearn import naive_bayes as sk

from skgen.naive_bayes import ComplementNB
from tests.naive_bayes.test_naive_bayes import count_data

PREDICTIONS = [
    "predict",
    "predict_proba",
    "predict_log_proba",
    "predict_joint_log_proba",
]


def own_class_probabilities(X, y, classes, alpha, sample_weight=None):
    """Each class's smoothed feature frequencies, counted here from X."""
    w = np.ones(len(y)) if sample_weight is None else sample_weight
    counts = np.array([(X[y == c] * w[y == c, None]).sum(axis=0) for c in classes])
    smoothed = counts + alpha
    return smoothed / smoothed.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("norm", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_fit_and_predictions_are_scikit_learns(norm, weighted):
    X, y = count_data()
    X_test, _ = count_data(seed=5)
    weights = np.random.RandomState(2).uniform(0.2, 2.0, len(y)) if weighted else None
    ours = ComplementNB(norm=norm).fit(X, y, sample_weight=weights)
    ref = sk.ComplementNB(norm=norm).fit(X, y, sample_weight=weights)
    for attribute in ("feature_log_prob_", "feature_all_", "class_log_prior_"):
        np.testing.assert_array_equal(getattr(ours, attribute), getattr(ref, attribute))
    for method in PREDICTIONS:
        np.testing.assert_array_equal(
            getattr(ours, method)(X_test), getattr(ref, method)(X_test)
        )


def test_partial_fit_batches_are_scikit_learns():
    X, y = count_data()
    ours, ref = ComplementNB(), sk.ComplementNB()
    for rows in np.array_split(np.arange(len(y)), 3):
        ours.partial_fit(X[rows], y[rows], classes=["a", "b", "c"])
        ref.partial_fit(X[rows], y[rows], classes=["a", "b", "c"])
    for attribute in ("feature_count_", "feature_all_", "feature_log_prob_"):
        np.testing.assert_array_equal(getattr(ours, attribute), getattr(ref, attribute))
    np.testing.assert_array_equal(ours.predict_proba(X), ref.predict_proba(X))
    # ...and the density is the one of the fit on all rows.
    whole = ComplementNB().fit(X, y)
    np.testing.assert_allclose(
        ours.multinomial_log_prob_, whole.multinomial_log_prob_, rtol=1e-14
    )
    np.testing.assert_allclose(ours.score_samples(X), whole.score_samples(X))


@pytest.mark.parametrize("alpha", [1.0, 0.3, np.array([0.5, 1.0, 2.0, 0.1])])
def test_density_is_multinomial_nb_of_the_same_counts(alpha):
    X, y = count_data()
    ours = ComplementNB(alpha=alpha).fit(X, y)
    ref = sk.MultinomialNB(alpha=alpha).fit(X, y)
    np.testing.assert_array_equal(ours.multinomial_log_prob_, ref.feature_log_prob_)
    np.testing.assert_allclose(
        np.exp(ours.multinomial_log_prob_),
        own_class_probabilities(X, y, ours.classes_, alpha),
        rtol=1e-12,
    )


@pytest.mark.parametrize(
    "params", [{}, {"fit_prior": False}, {"class_prior": [0.1, 0.6, 0.3]}]
)
def test_score_samples_is_the_scipy_multinomial_mixture(params):
    X, y = count_data()
    weights = np.random.RandomState(3).uniform(0.5, 1.5, len(y))
    model = ComplementNB(alpha=0.5, **params).fit(X, y, sample_weight=weights)
    classes = np.array(["a", "b", "c"])
    probabilities = own_class_probabilities(X, y, classes, 0.5, weights)
    if "class_prior" in params:
        prior = np.array(params["class_prior"])
    elif params.get("fit_prior", True):
        prior = np.array([weights[y == c].sum() for c in classes]) / weights.sum()
    else:
        prior = np.full(3, 1 / 3)
    X_test, _ = count_data(seed=7)
    totals = X_test.sum(axis=1).astype(int)
    expected = logsumexp(
        [
            np.log(p_y) + stats.multinomial.logpmf(X_test, totals, p)
            for p_y, p in zip(prior, probabilities)
        ],
        axis=0,
    )
    # (An all-zero row has mass 1: log 0, to rounding.)
    np.testing.assert_allclose(
        model.score_samples(X_test), expected, rtol=1e-12, atol=1e-14
    )


def test_masses_of_every_row_of_one_total_sum_to_one():
    X, y = count_data()
    model = ComplementNB().fit(X, y)
    n, d = 5, X.shape[1]
    rows = np.array(
        [c for c in itertools.product(range(n + 1), repeat=d) if sum(c) == n],
        dtype=float,
    )
    assert np.exp(model.score_samples(rows)).sum() == pytest.approx(1.0, rel=1e-12)


def test_norm_changes_the_decision_rule_not_the_density():
    X, y = count_data()
    plain, normed = ComplementNB().fit(X, y), ComplementNB(norm=True).fit(X, y)
    assert not np.allclose(plain.feature_log_prob_, normed.feature_log_prob_)
    np.testing.assert_array_equal(plain.score_samples(X), normed.score_samples(X))


def test_samples_follow_the_own_class_multinomial():
    X, y = count_data()
    model = ComplementNB().fit(X, y)
    X_new, y_new = model.sample(30_000, y="c", random_state=0)
    assert set(y_new) == {"c"}
    c = list(model.classes_).index("c")
    shares = X_new.sum(axis=0) / X_new.sum()
    np.testing.assert_allclose(
        shares, own_class_probabilities(X, y, model.classes_, 1.0)[c], atol=0.01
    )
    # Totals as MultinomialNB draws them: Poisson of class c's mean total.
    totals = X_new.sum(axis=1)
    observed = X[y == "c"].sum(axis=1).mean()
    assert totals.mean() == pytest.approx(observed, rel=0.01)
    assert totals.var() == pytest.approx(observed, rel=0.05)
    assert np.all(X_new >= 0) and np.all(X_new == np.round(X_new))
    # Classes from the prior.
    _, y_new = model.sample(30_000, random_state=1)
    frequencies = [np.mean(y_new == label) for label in model.classes_]
    np.testing.assert_allclose(frequencies, np.exp(model.class_log_prior_), atol=0.01)


def test_samples_are_multinomial_nbs_for_the_same_counts():
    """Same density, same sampler: the same rows for the same seed."""
    X, y = count_data()
    ours = ComplementNB(random_state=0).fit(X, y)
    from skgen.naive_bayes import MultinomialNB

    theirs = MultinomialNB(random_state=0).fit(X, y)
    np.testing.assert_array_equal(ours.sample(50)[0], theirs.sample(50)[0])
    np.testing.assert_allclose(ours.score_samples(X), theirs.score_samples(X))


def test_sparse_counts_give_the_dense_results():
    X, y = count_data()
    dense = ComplementNB(random_state=0).fit(X, y)
    csr = ComplementNB(random_state=0).fit(sparse.csr_matrix(X), y)
    np.testing.assert_array_equal(csr.feature_log_prob_, dense.feature_log_prob_)
    np.testing.assert_allclose(
        csr.score_samples(sparse.csr_matrix(X)), dense.score_samples(X), rtol=1e-12
    )
    np.testing.assert_allclose(  # sparse products round differently
        csr.predict_proba(sparse.csc_matrix(X)), dense.predict_proba(X), rtol=1e-12
    )
    np.testing.assert_array_equal(
        csr.sample(50, random_state=1)[0], dense.sample(50, random_state=1)[0]
    )


def test_negative_counts_are_refused():
    X, y = count_data()
    bad = X.copy()
    bad[4, 2] = -1.0
    with pytest.raises(ValueError, match="Negative values in data passed to Comp"):
        ComplementNB().fit(bad, y)
    with pytest.raises(ValueError, match="Negative values in data passed to Comp"):
        ComplementNB().partial_fit(bad, y, classes=["a", "b", "c"])
    model = ComplementNB().fit(X, y)
    with pytest.raises(ValueError, match=r"ComplementNB.score_samples \(input X\)"):
        model.score_samples(bad)
    with pytest.raises(ValueError, match="Negative values"):
        model.score_samples(sparse.csr_matrix(bad))


def test_bic_counts_the_multinomial_parameters():
    X, y = count_data()
    model = ComplementNB().fit(X, y)
    assert model._n_parameters() == 2 + 3 * (4 - 1)
    expected = -2 * model.score_samples(X).sum() + 11 * np.log(len(X))
    assert model.bic(X) == pytest.approx(expected)
