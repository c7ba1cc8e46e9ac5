"""Naive Bayes: scikit-learn's numbers, densities against scipy.stats, and
Monte-Carlo checks of sample() against the fitted parameters."""

import numpy as np
import pytest
from scipy import sparse, stats
from scipy.special import logsumexp
from sklearn import naive_bayes as sk

from skgen.naive_bayes import BernoulliNB, CategoricalNB, GaussianNB, MultinomialNB


def labels(n=300, seed=0):
    return np.random.RandomState(seed).choice(
        ["a", "b", "c"], size=n, p=[0.5, 0.3, 0.2]
    )


def gaussian_data(n=300, seed=0):
    y = labels(n, seed)
    rng = np.random.RandomState(seed + 1)
    centres = {"a": [0.0, 0.0, 1.0], "b": [2.0, -1.0, 0.0], "c": [-1.0, 3.0, 2.0]}
    X = np.array([centres[c] for c in y]) + rng.standard_normal((n, 3))
    return X, y


def count_data(n=300, seed=0):
    y = labels(n, seed)
    rng = np.random.RandomState(seed + 1)
    rates = {
        "a": [5.0, 1.0, 1.0, 0.2],
        "b": [1.0, 4.0, 0.5, 2.0],
        "c": [0.5, 0.5, 6.0, 1.0],
    }
    return rng.poisson([rates[c] for c in y]).astype(np.float64), y


def categorical_data(n=300, seed=0):
    X, y = count_data(n, seed)
    return np.minimum(X, 4).astype(int), y


CASES = {
    "gaussian": (GaussianNB, sk.GaussianNB, gaussian_data),
    "multinomial": (MultinomialNB, sk.MultinomialNB, count_data),
    "bernoulli": (BernoulliNB, sk.BernoulliNB, count_data),
    "categorical": (CategoricalNB, sk.CategoricalNB, categorical_data),
}


@pytest.mark.parametrize("name", list(CASES))
def test_same_fit_and_predictions_as_scikit_learn(name):
    ours_cls, ref_cls, data = CASES[name]
    X, y = data()
    X_test, _ = data(seed=5)
    weights = np.random.RandomState(2).uniform(0.2, 2.0, len(y))
    for kwargs in ({}, {"sample_weight": weights}):
        ours = ours_cls().fit(X, y, **kwargs)
        ref = ref_cls().fit(X, y, **kwargs)
        np.testing.assert_array_equal(
            ours.predict_proba(X_test), ref.predict_proba(X_test)
        )
        np.testing.assert_array_equal(ours.predict(X_test), ref.predict(X_test))
    # partial_fit over batches is the full fit.
    ours = ours_cls()
    for rows in np.array_split(np.arange(len(y)), 4):
        ours.partial_fit(X[rows], y[rows], classes=["a", "b", "c"])
    ref = ref_cls().fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X_test), ref.predict_proba(X_test))
    assert ours.score(X_test, ref.predict(X_test)) == 1.0  # accuracy, as sklearn


@pytest.mark.parametrize("cls", [MultinomialNB, BernoulliNB])
def test_sparse_counts_give_the_dense_results(cls):
    X, y = count_data()
    dense = cls(random_state=0).fit(X, y)
    sparse_model = cls(random_state=0).fit(sparse.csr_matrix(X), y)
    np.testing.assert_allclose(
        sparse_model.score_samples(sparse.csr_matrix(X)), dense.score_samples(X)
    )
    np.testing.assert_array_equal(
        sparse_model.sample(50, random_state=1)[0], dense.sample(50, random_state=1)[0]
    )


def test_gaussian_score_samples_is_the_scipy_mixture_density():
    X, y = gaussian_data()
    model = GaussianNB().fit(X, y)
    expected = logsumexp(
        [
            np.log(prior) + stats.multivariate_normal(mean, np.diag(var)).logpdf(X)
            for prior, mean, var in zip(model.class_prior_, model.theta_, model.var_)
        ],
        axis=0,
    )
    np.testing.assert_allclose(model.score_samples(X), expected, rtol=1e-12)


def test_multinomial_score_samples_is_the_scipy_multinomial_mass():
    X, y = count_data()
    model = MultinomialNB().fit(X, y)
    totals = X.sum(axis=1).astype(int)
    expected = logsumexp(
        [
            log_prior + stats.multinomial.logpmf(X, totals, np.exp(log_prob))
            for log_prior, log_prob in zip(
                model.class_log_prior_, model.feature_log_prob_
            )
        ],
        axis=0,
    )
    np.testing.assert_allclose(model.score_samples(X), expected, rtol=1e-12)


def test_bernoulli_score_samples_is_the_scipy_bernoulli_mass():
    X, y = count_data()
    model = BernoulliNB(binarize=1.0).fit(X, y)
    binary = (X > 1.0).astype(int)
    expected = logsumexp(
        [
            log_prior + stats.bernoulli(np.exp(log_prob)).logpmf(binary).sum(axis=1)
            for log_prior, log_prob in zip(
                model.class_log_prior_, model.feature_log_prob_
            )
        ],
        axis=0,
    )
    np.testing.assert_allclose(model.score_samples(X), expected, rtol=1e-12)


def test_categorical_score_samples_sums_the_category_masses():
    X, y = categorical_data()
    model = CategoricalNB().fit(X, y)
    per_class = [
        log_prior
        + sum(model.feature_log_prob_[j][c, X[:, j]] for j in range(X.shape[1]))
        for c, log_prior in enumerate(model.class_log_prior_)
    ]
    expected = logsumexp(per_class, axis=0)
    np.testing.assert_allclose(model.score_samples(X), expected, rtol=1e-12)
    # The masses of every possible row sum to one.
    grid = np.stack(np.meshgrid(*[np.arange(k) for k in model.n_categories_]), -1)
    total = np.exp(model.score_samples(grid.reshape(-1, X.shape[1]))).sum()
    assert total == pytest.approx(1.0, rel=1e-10)


def test_gaussian_samples_follow_the_class_parameters():
    X, y = gaussian_data()
    model = GaussianNB().fit(X, y)
    X_new, y_new = model.sample(60_000, random_state=0)
    counts = np.array([np.mean(y_new == c) for c in model.classes_])
    np.testing.assert_allclose(counts, model.class_prior_, atol=0.01)
    for c, label in enumerate(model.classes_):
        rows = X_new[y_new == label]
        np.testing.assert_allclose(rows.mean(axis=0), model.theta_[c], atol=0.03)
        np.testing.assert_allclose(rows.var(axis=0), model.var_[c], rtol=0.05)


def test_multinomial_samples_follow_the_class_parameters():
    X, y = count_data()
    model = MultinomialNB().fit(X, y)
    X_new, y_new = model.sample(30_000, y="b", random_state=0)
    assert set(y_new) == {"b"}
    b = list(model.classes_).index("b")
    shares = X_new.sum(axis=0) / X_new.sum()
    np.testing.assert_allclose(shares, np.exp(model.feature_log_prob_[b]), atol=0.01)
    # Totals are Poisson, of class b's mean observed total.
    observed = X[y == "b"].sum(axis=1)
    totals = X_new.sum(axis=1)
    assert totals.mean() == pytest.approx(observed.mean(), rel=0.01)
    assert totals.var() == pytest.approx(observed.mean(), rel=0.05)
    assert np.all(X_new >= 0) and np.all(X_new == np.round(X_new))


def test_bernoulli_and_categorical_samples_follow_the_class_parameters():
    X, y = count_data()
    model = BernoulliNB().fit(X, y)
    X_new, y_new = model.sample(30_000, random_state=0)
    for c, label in enumerate(model.classes_):
        np.testing.assert_allclose(
            X_new[y_new == label].mean(axis=0),
            np.exp(model.feature_log_prob_[c]),
            atol=0.02,
        )
    X, y = categorical_data()
    model = CategoricalNB().fit(X, y)
    X_new, y_new = model.sample(30_000, random_state=0)
    assert X_new.dtype.kind == "i"
    for c, label in enumerate(model.classes_):
        rows = X_new[y_new == label]
        for j, log_prob in enumerate(model.feature_log_prob_):
            frequencies = np.bincount(rows[:, j], minlength=log_prob.shape[1]) / len(
                rows
            )
            np.testing.assert_allclose(frequencies, np.exp(log_prob[c]), atol=0.02)


def test_sample_given_classes_and_bad_labels():
    X, y = gaussian_data()
    model = GaussianNB(random_state=0).fit(X, y)
    _, y_new = model.sample(4, y=["a", "c", "c", "b"])
    assert y_new.tolist() == ["a", "c", "c", "b"]
    with pytest.raises(ValueError, match=r"label\(s\) \['z'\].*classes_ are"):
        model.sample(2, y="z")
    with pytest.raises(ValueError, match="n_samples=3 labels"):
        model.sample(3, y=["a", "b"])


def test_categorical_unknown_category_is_named():
    X, y = categorical_data()
    model = CategoricalNB().fit(X, y)
    bad = X[:3].copy()
    bad[1, 2] = 9
    with pytest.raises(ValueError, match="Feature 2 of X holds category 9"):
        model.predict(bad)


def test_categorical_fractional_categories_are_refused():
    # scikit-learn casts X to int, so 1.5 would silently count as category 1.
    X, y = categorical_data()
    bad = X[:20].astype(np.float64)
    bad[3, 1] = 1.5
    message = "feature 1 of X has non-integral values such as 1.5"
    with pytest.raises(ValueError, match=message):
        CategoricalNB().fit(bad, y[:20])
    with pytest.raises(ValueError, match=message):
        CategoricalNB().partial_fit(bad, y[:20], classes=np.unique(y))
    model = CategoricalNB().fit(X, y)
    for method in ("predict", "predict_proba", "predict_log_proba", "score_samples"):
        with pytest.raises(ValueError, match=message):
            getattr(model, method)(bad)
    # Integral floats are categories, as in scikit-learn.
    np.testing.assert_array_equal(
        model.predict_proba(X[:20].astype(np.float64)), model.predict_proba(X[:20])
    )


def test_bic_counts_the_free_parameters():
    X, y = gaussian_data()
    model = GaussianNB().fit(X, y)
    assert model._n_parameters() == 2 + 2 * 3 * 3
    assert GaussianNB(priors=[0.2, 0.3, 0.5]).fit(X, y)._n_parameters() == 18
    expected = -2 * model.score_samples(X).sum() + 20 * np.log(len(X))
    assert model.bic(X) == pytest.approx(expected)
    X, y = categorical_data()
    model = CategoricalNB().fit(X, y)
    assert model._n_parameters() == 2 + 3 * sum(k - 1 for k in model.n_categories_)


# -- CategoricalNB.partial_fit: batches that bring new categories --------------

GROWING_BATCHES = [  # feature 0 grows, then a batch with fewer categories
    (np.array([[0, 1], [1, 0], [0, 2]]), np.array(["a", "b", "a"])),
    (np.array([[3, 0], [2, 1], [0, 0]]), np.array(["b", "b", "a"])),
    (np.array([[1, 1], [0, 0]]), np.array(["a", "b"])),
]


@pytest.mark.parametrize("min_categories", [None, 3, [5, 2]])
def test_categorical_partial_fit_grows_the_categories_as_scikit_learn(
    min_categories,
):
    ours = CategoricalNB(min_categories=min_categories)
    ref = sk.CategoricalNB(min_categories=min_categories)
    weights = np.random.RandomState(0).uniform(0.5, 2.0, 8)
    start = 0
    for X_batch, y_batch in GROWING_BATCHES:
        w = weights[start : start + len(y_batch)]
        start += len(y_batch)
        ours.partial_fit(X_batch, y_batch, classes=["a", "b"], sample_weight=w)
        ref.partial_fit(X_batch, y_batch, classes=["a", "b"], sample_weight=w)
        for name in ("category_count_", "feature_log_prob_"):
            for mine, theirs in zip(getattr(ours, name), getattr(ref, name)):
                np.testing.assert_array_equal(mine, theirs)
        np.testing.assert_array_equal(ours.class_count_, ref.class_count_)
    # Every category counted so far is known (scikit-learn's n_categories_ is
    # the last batch's, [2, 2] or [3, 3] here): as a fit on all the rows.
    X_all = np.vstack([X for X, _ in GROWING_BATCHES])
    y_all = np.concatenate([y for _, y in GROWING_BATCHES])
    whole = sk.CategoricalNB(min_categories=min_categories).fit(
        X_all, y_all, sample_weight=weights
    )
    np.testing.assert_array_equal(ours.n_categories_, whole.n_categories_)
    assert ours.n_categories_.dtype == whole.n_categories_.dtype
    np.testing.assert_array_equal(
        ours.n_categories_, [c.shape[1] for c in ref.category_count_]
    )
    # Predictions, including categories only an earlier batch had.
    grid = np.array([[a, b] for a in range(4) for b in range(3)])
    np.testing.assert_array_equal(ours.predict_proba(grid), ref.predict_proba(grid))
    np.testing.assert_allclose(
        ours.predict_proba(grid), whole.predict_proba(grid), rtol=1e-12
    )


def test_categorical_density_and_samples_after_the_categories_grew():
    model = CategoricalNB(min_categories=[1, 4])
    for X_batch, y_batch in GROWING_BATCHES:
        model.partial_fit(X_batch, y_batch, classes=["a", "b"])
    assert model.n_categories_.tolist() == [4, 4]
    # score_samples: log sum_y p(y) prod_j p(x_j | y), over every possible row.
    grid = np.array([[a, b] for a in range(4) for b in range(4)])
    expected = logsumexp(
        [
            log_prior + sum(model.feature_log_prob_[j][c, grid[:, j]] for j in range(2))
            for c, log_prior in enumerate(model.class_log_prior_)
        ],
        axis=0,
    )
    np.testing.assert_allclose(model.score_samples(grid), expected, rtol=1e-12)
    assert np.exp(model.score_samples(grid)).sum() == pytest.approx(1.0, rel=1e-12)
    # Samples reach the new categories with their fitted probabilities.
    X_new, y_new = model.sample(40_000, random_state=0)
    for c, label in enumerate(model.classes_):
        rows = X_new[y_new == label]
        for j, log_prob in enumerate(model.feature_log_prob_):
            frequencies = np.bincount(rows[:, j], minlength=4) / len(rows)
            np.testing.assert_allclose(frequencies, np.exp(log_prob[c]), atol=0.015)
    with pytest.raises(ValueError, match="Feature 0 of X holds category 4"):
        model.predict([[4, 0]])


def test_categorical_partial_fit_case_of_scikit_learns_tests():
    # sklearn/tests/test_naive_bayes.py::test_discretenb_sample_weight_multiclass
    X = np.array([[0, 0, 1], [0, 1, 1], [0, 1, 1], [1, 0, 0]])
    y = np.array([0, 0, 1, 2])
    weights = np.array([1, 1, 2, 2], dtype=np.float64) / 6
    model = CategoricalNB()
    model.partial_fit(X[:2], y[:2], classes=[0, 1, 2], sample_weight=weights[:2])
    model.partial_fit(X[2:3], y[2:3], sample_weight=weights[2:3])
    model.partial_fit(X[3:], y[3:], sample_weight=weights[3:])
    np.testing.assert_array_equal(model.predict(X), [0, 1, 1, 2])
    np.testing.assert_array_equal(model.n_categories_, [2, 2, 2])


def test_multinomial_score_samples_refuses_negative_counts():
    X, y = count_data()
    model = MultinomialNB().fit(X, y)
    bad = X[:5].copy()
    bad[2, 1] = -1.0
    with pytest.raises(ValueError, match=r"MultinomialNB.score_samples \(input X\)"):
        model.score_samples(bad)
    with pytest.raises(ValueError, match="Negative values"):
        model.score_samples(sparse.csr_matrix(bad))
    # Predictions stay scikit-learn's, which accepts them.
    ref = sk.MultinomialNB().fit(X, y)
    np.testing.assert_array_equal(model.predict_proba(bad), ref.predict_proba(bad))
