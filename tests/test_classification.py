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

from skgen.classification import (
    AUTO_WEIGHTS,
    GenerativeClassifier,
    SemiSupervisedEMClassifier,
)
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


# -- sequences ------------------------------------------------------------------


def _first_rows(ids):
    return np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])


def _hmm(**params):
    from skgen.hmm import GaussianHMM

    return GaussianHMM(2, covariance_type="diag", n_iter=30, random_state=0, **params)


@pytest.fixture(scope="module")
def sequences():
    from skgen.datasets import make_sequence_classification

    # Unequal class sizes: priors count sequences, not rows.
    X, y, ids = make_sequence_classification(41, random_state=0)
    X_test, y_test, ids_test = make_sequence_classification(40, random_state=1)
    return X, y, ids, X_test, y_test, ids_test


def test_sequence_classification_is_bayes_rule_over_hmm_likelihoods(sequences):
    """Per-class HMM log-likelihood of each test sequence (hmmlearn, on the
    fitted parameters) + log prior; argmax and softmax are predict and
    predict_proba, for every row of the sequence."""
    hmmlearn_hmm = pytest.importorskip("hmmlearn.hmm")
    X, y, ids, X_test, _, ids_test = sequences
    model = GenerativeClassifier(_hmm()).fit(X, y, sequence_ids=ids)
    firsts = _first_rows(ids)
    np.testing.assert_allclose(
        model.class_prior_, np.bincount(y[firsts]) / len(firsts), rtol=1e-12
    )
    # Each class's model is the HMM fitted to that class's sequences alone.
    alone = _hmm().fit(X[y == 1], sequence_ids=ids[y == 1])
    np.testing.assert_array_equal(model.estimators_[1].means_, alone.means_)
    test_firsts = _first_rows(ids_test)
    stops = np.r_[test_firsts[1:], len(ids_test)]
    joint = np.empty((len(test_firsts), 2))
    for c, fitted in enumerate(model.estimators_):
        reference = hmmlearn_hmm.GaussianHMM(2, covariance_type="diag")
        reference.startprob_ = fitted.startprob_
        reference.transmat_ = fitted.transmat_
        reference.means_ = fitted.means_
        reference.covars_ = np.diagonal(fitted.covars_, axis1=1, axis2=2)
        joint[:, c] = [
            reference.score(X_test[a:b]) + np.log(model.class_prior_[c])
            for a, b in zip(test_firsts, stops)
        ]
    lengths = stops - test_firsts
    expected_proba = np.exp(joint - logsumexp(joint, axis=1, keepdims=True))
    np.testing.assert_allclose(
        model.predict_joint_log_proba(X_test, sequence_ids=ids_test),
        np.repeat(joint, lengths, axis=0),
        rtol=1e-9,
    )
    np.testing.assert_allclose(
        model.predict_proba(X_test, sequence_ids=ids_test),
        np.repeat(expected_proba, lengths, axis=0),
        rtol=1e-7,
        atol=1e-12,
    )
    np.testing.assert_array_equal(
        model.predict(X_test, sequence_ids=ids_test),
        np.repeat(joint.argmax(axis=1), lengths),
    )
    # score_samples: log p(x_t | x_<t) with the class summed out; a
    # sequence's entries sum to log sum_c p(c) p(sequence | c).
    np.testing.assert_allclose(
        np.add.reduceat(
            model.score_samples(X_test, sequence_ids=ids_test), test_firsts
        ),
        logsumexp(joint, axis=1),
        rtol=1e-9,
    )


def test_dynamics_tell_classes_apart_that_rows_cannot(sequences):
    """The classes differ only in transition dynamics: HMMs per class label
    sequences well; i.i.d. mixtures per class (the sum of row
    log-densities) are at chance."""
    X, y, ids, X_test, y_test, ids_test = sequences
    hmm = GenerativeClassifier(_hmm()).fit(X, y, sequence_ids=ids)
    iid = GenerativeClassifier(GaussianMixture(2, random_state=0)).fit(
        X, y, sequence_ids=ids
    )
    assert hmm.score(X_test, y_test, sequence_ids=ids_test) >= 0.9
    assert iid.score(X_test, y_test, sequence_ids=ids_test) <= 0.7
    # An i.i.d. density's sequence log-likelihood is its rows' sum.
    firsts = _first_rows(ids_test)
    np.testing.assert_allclose(
        iid.predict_joint_log_proba(X_test, sequence_ids=ids_test)[firsts, 0],
        np.add.reduceat(iid.estimators_[0].score_samples(X_test), firsts)
        + np.log(iid.class_prior_[0]),
        rtol=1e-10,
    )


def test_sequence_score_counts_each_sequence_once(sequences):
    X, y, ids, X_test, y_test, ids_test = sequences
    model = GenerativeClassifier(GaussianMixture(2, random_state=0)).fit(
        X, y, sequence_ids=ids
    )
    firsts = _first_rows(ids_test)
    predicted = model.predict(X_test, sequence_ids=ids_test)
    right = predicted[firsts] == y_test[firsts]
    assert model.score(X_test, y_test, sequence_ids=ids_test) == pytest.approx(
        right.mean()
    )
    # Accuracy over rows weighs each sequence by its length.
    lengths = np.diff(np.r_[firsts, len(ids_test)])
    assert model.score(X_test, y_test) != pytest.approx(right.mean())
    weights = np.repeat(np.arange(1.0, len(firsts) + 1), lengths)
    assert model.score(
        X_test, y_test, sample_weight=weights, sequence_ids=ids_test
    ) == pytest.approx(np.average(right, weights=np.arange(1.0, len(firsts) + 1)))
    assert model.score(X_test, y_test, sequence_ids=ids_test) != pytest.approx(
        np.mean(predicted == y_test)
    )


def test_cross_validation_splits_and_scores_whole_sequences(sequences):
    """cross_validate with GroupKFold over sequence ids and metadata routing:
    each fold's score is the held-out sequences' accuracy of a classifier
    fitted to the other sequences."""
    import sklearn
    from sklearn.model_selection import GroupKFold

    X, y, ids = sequences[:3]
    model = GenerativeClassifier(_hmm(n_init=1))
    cv = GroupKFold(3)
    with sklearn.config_context(enable_metadata_routing=True):
        scores = cross_validate(
            model, X, y, cv=cv, params={"groups": ids, "sequence_ids": ids}
        )["test_score"]
    expected = []
    for train, test in cv.split(X, y, groups=ids):
        fitted = GenerativeClassifier(_hmm()).fit(
            X[train], y[train], sequence_ids=ids[train]
        )
        firsts = _first_rows(ids[test])
        predicted = fitted.predict(X[test], sequence_ids=ids[test])[firsts]
        expected.append(np.mean(predicted == y[test][firsts]))
    np.testing.assert_allclose(scores, expected)
    assert np.mean(scores) > 0.8


def test_sequence_input_errors_are_named(sequences):
    X, y, ids = sequences[:3]
    mixed = y.copy()
    mixed[np.flatnonzero(ids == 3)[-1]] = 1 - mixed[np.flatnonzero(ids == 3)[0]]
    with pytest.raises(ValueError, match=r"changes inside sequence\(s\) \[3\]"):
        GenerativeClassifier(GaussianMixture()).fit(X, mixed, sequence_ids=ids)
    with pytest.raises(ValueError, match="GaussianHMM models sequences"):
        GenerativeClassifier(_hmm()).fit(X, y)
    with pytest.raises(ValueError, match="contiguous"):
        GenerativeClassifier(GaussianMixture()).fit(X, y, sequence_ids=ids % 5)
    weights = np.linspace(1.0, 2.0, len(y))
    with pytest.raises(ValueError, match="sample_weight must be the same"):
        GenerativeClassifier(GaussianMixture()).fit(
            X, y, sample_weight=weights, sequence_ids=ids
        )
    partly = np.where(ids == 0, -1, y)
    partly[ids == 0][:3] = y[ids == 0][:3]
    partly[np.flatnonzero(ids == 0)[:3]] = 0
    with pytest.raises(ValueError, match="-1 for unlabeled"):
        SemiSupervisedEMClassifier(
            GenerativeClassifier(GaussianMixture()), unlabeled_weight=1.0
        ).fit(X, partly, sequence_ids=ids)
    with pytest.raises(ValueError, match="estimator whose fit takes them"):
        SemiSupervisedEMClassifier(GaussianNB()).fit(X, y, sequence_ids=ids)


def test_semi_supervised_em_weighs_whole_unlabeled_sequences(sequences):
    """One EM iteration over sequences equals a fit on the labeled sequences
    plus a copy of each unlabeled sequence per class (a sequence of its own),
    weighted by unlabeled_weight times the posterior of the class given the
    whole sequence."""
    X, y, ids = sequences[:3]
    partial = np.where(ids % 4 < 2, y, -1)  # both classes labeled
    labeled = partial != -1
    classifier = GenerativeClassifier(GaussianMixture(2, random_state=0))
    first = clone_fit(classifier, X[labeled], partial[labeled], ids[labeled])
    posteriors = first.predict_proba(X[~labeled], sequence_ids=ids[~labeled])
    offset = ids.max() + 1
    X_all = np.concatenate([X[labeled], X[~labeled], X[~labeled]])
    y_all = np.concatenate([partial[labeled], np.repeat([0, 1], (~labeled).sum())])
    ids_all = np.concatenate(
        [ids[labeled], ids[~labeled] + offset, ids[~labeled] + 2 * offset]
    )
    w_all = np.concatenate([np.ones(labeled.sum()), 0.5 * posteriors.T.ravel()])
    expected = clone_fit(classifier, X_all, y_all, ids_all, sample_weight=w_all)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = SemiSupervisedEMClassifier(
            classifier, unlabeled_weight=0.5, max_iter=1
        ).fit(X, partial, sequence_ids=ids)
    for ours, theirs in zip(model.estimator_.estimators_, expected.estimators_):
        np.testing.assert_allclose(ours.means_, theirs.means_, rtol=1e-10)
    # Posteriors, and so the transduction, are per sequence.
    firsts = _first_rows(ids)
    lengths = np.diff(np.r_[firsts, len(ids)])
    np.testing.assert_array_equal(
        model.transduction_, np.repeat(model.transduction_[firsts], lengths)
    )
    assert model.score(X, y, sequence_ids=ids) == pytest.approx(
        model.estimator_.score(X, y, sequence_ids=ids)
    )


def clone_fit(classifier, X, y, ids, **kwargs):
    from sklearn.base import clone

    return clone(classifier).fit(X, y, sequence_ids=ids, **kwargs)


def test_auto_weight_folds_labeled_sequences(sequences):
    X, y, ids = (array[sequences[2] < 20] for array in sequences[:3])
    partial = np.where(ids < 12, y, -1)  # six labeled sequences per class
    model = SemiSupervisedEMClassifier(
        GenerativeClassifier(GaussianMixture(1, init_params="random_from_data")),
        max_iter=2,
    ).fit(X, partial, sequence_ids=ids)
    assert set(model.weight_scores_) == {*AUTO_WEIGHTS, "log_loss"}
    # Held-out accuracies count sequences: 5 folds of the 12 hold out 2 or 3,
    # so the mean of the 15 folds' accuracies is a multiple of 1 / 90.
    for weight in AUTO_WEIGHTS:
        multiple = model.weight_scores_[weight] * 90
        assert multiple == pytest.approx(round(multiple), abs=1e-9)
