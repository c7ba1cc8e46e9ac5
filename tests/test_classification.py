"""GenerativeClassifier (Bayes' rule over any density) and semi-supervised EM."""

import warnings

import numpy as np
import pytest
from scipy.special import logsumexp
from sklearn.datasets import load_digits, load_iris
from sklearn.decomposition import PCA
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    cross_validate,
    train_test_split,
)
from sklearn.neighbors import KernelDensity
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgen.classification import GenerativeClassifier, SemiSupervisedEMClassifier
from skgen.mixture import GaussianMixture
from skgen.naive_bayes import GaussianNB, MultinomialNB

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def test_one_diagonal_gaussian_per_class_is_gaussian_naive_bayes():
    X, y = load_iris(return_X_y=True)
    density = GaussianMixture(1, covariance_type="diag", reg_covar=1e-12)
    ours = GenerativeClassifier(density).fit(X, y)
    reference = GaussianNB(var_smoothing=1e-15).fit(X, y)
    np.testing.assert_allclose(
        ours.predict_proba(X), reference.predict_proba(X), rtol=1e-6, atol=1e-12
    )
    np.testing.assert_allclose(
        ours.score_samples(X), reference.score_samples(X), rtol=1e-8
    )


def test_bayes_rule_over_kernel_densities():
    X, y = load_iris(return_X_y=True)
    model = GenerativeClassifier(KernelDensity(bandwidth=0.5), priors=[0.2, 0.3, 0.5])
    model.fit(X, y)
    joint = np.column_stack(
        [
            np.log(prior) + KernelDensity(bandwidth=0.5).fit(X[y == c]).score_samples(X)
            for c, prior in zip(range(3), [0.2, 0.3, 0.5])
        ]
    )
    np.testing.assert_allclose(
        model.predict_log_proba(X), joint - logsumexp(joint, axis=1, keepdims=True)
    )
    np.testing.assert_allclose(model.score_samples(X), logsumexp(joint, axis=1))
    X_new, y_new = model.sample(5, y=2, random_state=0)
    assert X_new.shape == (5, 4) and set(y_new) == {2}


def test_rows_far_from_every_class_keep_finite_posteriors():
    X, y = load_iris(return_X_y=True)
    model = GenerativeClassifier(GaussianMixture(1, random_state=0)).fit(X, y)
    far = X[:3] + 1e4  # every log-density about -1e9: exp underflows
    proba = model.predict_proba(far)
    assert np.all(np.isfinite(proba))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert np.all(np.isfinite(model.score_samples(far)))


def test_samples_come_from_each_class_density():
    X, y = load_iris(return_X_y=True)
    model = GenerativeClassifier(
        GaussianMixture(1, covariance_type="full", random_state=0), random_state=0
    ).fit(X, y)
    X_new, y_new = model.sample(30_000)
    np.testing.assert_allclose(
        np.bincount(y_new) / len(y_new), model.class_prior_, atol=0.01
    )
    for c, density in enumerate(model.estimators_):
        rows = X_new[y_new == c]
        np.testing.assert_allclose(rows.mean(axis=0), density.means_[0], atol=0.02)
        np.testing.assert_allclose(
            np.cov(rows.T), density.covariances_[0], atol=0.01, rtol=0.05
        )
    with pytest.raises(ValueError, match=r"label\(s\) \[7\]"):
        model.sample(2, y=7)


def test_searches_the_inner_density_in_a_pipeline():
    X, y = load_iris(return_X_y=True)
    pipe = make_pipeline(
        StandardScaler(), GenerativeClassifier(GaussianMixture(random_state=0))
    )
    search = GridSearchCV(
        pipe,
        {"generativeclassifier__estimator__n_components": [1, 2, 3]},
        cv=StratifiedKFold(3, shuffle=True, random_state=0),
    ).fit(X, y)
    assert search.best_score_ > 0.9
    scores = cross_validate(pipe, X, y, cv=3)["test_score"]
    assert scores.mean() > 0.9


def test_bad_priors_and_weightless_classes_are_named():
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="one entry per class"):
        GenerativeClassifier(GaussianMixture(), priors=[0.5, 0.5]).fit(X, y)
    weights = np.where(y == 1, 0.0, 1.0)
    with pytest.raises(ValueError, match=r"class\(es\) \[1\]"):
        GenerativeClassifier(KernelDensity()).fit(X, y, sample_weight=weights)


# -- semi-supervised EM ---------------------------------------------------------


def digits_with_few_labels(seed, fraction=0.05, n_components=10):
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=seed, stratify=y
    )
    # PCA needs no labels: it is fitted on every training row.
    pca = PCA(n_components, random_state=0).fit(X_train)
    labeled = np.random.RandomState(seed).rand(len(y_train)) < fraction
    partial = np.where(labeled, y_train, -1)
    return pca.transform(X_train), partial, pca.transform(X_test), y_test


def test_unlabeled_digits_improve_naive_bayes_over_seeds():
    """5% of the digits labeled: EM over the unlabeled rows beats the labeled
    rows alone (measured: +8 points on average over these seeds)."""
    gains = []
    for seed in range(5):
        X, partial, X_test, y_test = digits_with_few_labels(seed)
        labeled = partial != -1
        alone = GaussianNB().fit(X[labeled], partial[labeled]).score(X_test, y_test)
        semi = SemiSupervisedEMClassifier(
            GaussianNB(), unlabeled_weight=0.3, max_iter=30
        ).fit(X, partial)
        gains.append(semi.score(X_test, y_test) - alone)
    gains = np.array(gains)
    assert gains.mean() > 0.05
    assert np.sum(gains > 0) >= 4


def test_em_step_refits_with_posterior_weights():
    """One EM iteration equals the fit on labeled rows plus each unlabeled row
    once per class, weighted by unlabeled_weight times its posterior."""
    X, partial, _, _ = digits_with_few_labels(0, fraction=0.2, n_components=5)
    labeled = partial != -1
    first = GaussianNB().fit(X[labeled], partial[labeled])
    posteriors = first.predict_proba(X[~labeled])
    classes = first.classes_
    X_all = np.concatenate([X[labeled]] + [X[~labeled]] * len(classes))
    y_all = np.concatenate([partial[labeled], np.repeat(classes, (~labeled).sum())])
    w_all = np.concatenate([np.ones(labeled.sum()), 0.5 * posteriors.T.ravel()])
    expected = GaussianNB().fit(X_all, y_all, sample_weight=w_all)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = SemiSupervisedEMClassifier(
            GaussianNB(), unlabeled_weight=0.5, max_iter=1
        ).fit(X, partial)
    np.testing.assert_allclose(model.estimator_.theta_, expected.theta_, rtol=1e-10)
    np.testing.assert_allclose(model.estimator_.var_, expected.var_, rtol=1e-10)
    assert model.n_iter_ == 2
    assert np.all(model.transduction_[labeled] == partial[labeled])
    assert set(model.transduction_) <= set(classes)


def test_semi_supervised_generates_and_scores_through_its_model():
    X, partial, _, _ = digits_with_few_labels(1)
    model = SemiSupervisedEMClassifier(GaussianNB(random_state=0), max_iter=5)
    model.fit(X, partial)
    np.testing.assert_array_equal(
        model.score_samples(X), model.estimator_.score_samples(X)
    )
    X_new, y_new = model.sample(4, y=3, random_state=0)
    assert X_new.shape == (4, X.shape[1]) and set(y_new) == {3}


def test_semi_supervised_errors_are_clear():
    X, partial, _, _ = digits_with_few_labels(0)
    with pytest.raises(ValueError, match="no labeled row"):
        SemiSupervisedEMClassifier(GaussianNB()).fit(X, np.full(len(X), -1))
    with pytest.raises(ValueError, match="does not take sample_weight"):
        SemiSupervisedEMClassifier(make_pipeline(MultinomialNB())).fit(
            np.abs(X), partial
        )


def test_random_state_makes_the_fit_reproducible():
    X, y = load_iris(return_X_y=True)
    fits = [
        GenerativeClassifier(GaussianMixture(3, n_init=1), random_state=0).fit(X, y)
        for _ in range(2)
    ]
    np.testing.assert_array_equal(fits[0].score_samples(X), fits[1].score_samples(X))


def test_rows_no_class_can_explain_get_the_prior():
    X, y = load_iris(return_X_y=True)
    model = GenerativeClassifier(KernelDensity(kernel="tophat", bandwidth=0.5))
    model.fit(X, y)
    proba = model.predict_proba([[50.0, 50.0, 50.0, 50.0]])
    np.testing.assert_allclose(proba, [model.class_prior_])
    with pytest.raises(TypeError, match="number of parameters"):
        model.bic(X)


def test_pandas_string_labels_mark_unlabeled_rows_with_minus_one():
    pd = pytest.importorskip("pandas")
    X, partial, _, _ = digits_with_few_labels(0)
    labels = pd.Series(partial.astype(str))  # "-1" for the unlabeled rows
    model = SemiSupervisedEMClassifier(GaussianNB(), max_iter=3).fit(X, labels)
    assert "-1" not in model.classes_
    assert model.n_iter_ > 1


# -- unlabeled_weight='auto' --------------------------------------------------------


def _labels_kept(y, per_class, seed):
    rng = np.random.RandomState(seed)
    partial = np.full(len(y), -1)
    for label in np.unique(y):
        rows = rng.choice(np.flatnonzero(y == label), per_class, replace=False)
        partial[rows] = y[rows]
    return partial


def test_auto_weight_uses_unlabeled_rows_that_help():
    rng = np.random.RandomState(0)
    X = np.concatenate([rng.normal(0, 1, (300, 2)), rng.normal(2.5, 1, (300, 2))])
    y = np.repeat([0, 1], 300)
    gains = []
    for seed in range(5):
        partial = _labels_kept(y, 3, seed)
        supervised = GaussianNB().fit(X[partial >= 0], partial[partial >= 0])
        auto = SemiSupervisedEMClassifier(GaussianNB(), max_iter=30).fit(X, partial)
        assert auto.unlabeled_weight_ in (0.0, 0.01, 0.03, 0.1, 0.3, 1.0)
        gains.append(auto.score(X, y) - supervised.score(X, y))
    assert np.mean(gains) > 0.0


def test_auto_weight_falls_back_when_unlabeled_rows_hurt():
    """Each class is two blobs on a diagonal (XOR): one Gaussian per class
    fits it badly, and EM over unlabeled rows pulls it further off; fixed
    weight 1 loses accuracy, 'auto' does not lose more than a point."""
    rng = np.random.RandomState(1)
    centres = np.array([[0, 0], [4, 4], [0, 4], [4, 0]])
    labels = np.array([0, 0, 1, 1])
    which = rng.randint(4, size=1600)
    X = centres[which] + rng.normal(0, 1.0, (1600, 2))
    y = labels[which]
    differences = {"auto": [], 1.0: []}
    for seed in range(5):
        partial = _labels_kept(y, 20, seed)
        supervised = GaussianNB().fit(X[partial >= 0], partial[partial >= 0])
        base = supervised.score(X, y)
        for weight in differences:
            model = SemiSupervisedEMClassifier(
                GaussianNB(), unlabeled_weight=weight, max_iter=30
            ).fit(X, partial)
            differences[weight].append(model.score(X, y) - base)
    assert np.mean(differences[1.0]) < -0.01  # the failure 'auto' guards against
    assert np.mean(differences["auto"]) >= -0.01


def test_auto_weight_is_zero_without_three_labels_per_class():
    rng = np.random.RandomState(2)
    X = rng.normal(size=(100, 2))
    y = np.full(100, -1)
    y[:5] = [0, 0, 1, 1, 1]
    model = SemiSupervisedEMClassifier(GaussianNB()).fit(X, y)
    assert model.unlabeled_weight_ == 0.0 and model.weight_scores_ == {}
    fixed = SemiSupervisedEMClassifier(GaussianNB(), unlabeled_weight=0.5).fit(X, y)
    assert fixed.unlabeled_weight_ == 0.5
