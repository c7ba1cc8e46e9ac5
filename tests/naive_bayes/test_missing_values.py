"""Naive Bayes with missing entries (NaN), against references: scipy.stats
densities over the observed features, per-class nanmean / nanvar and counts
over the observed entries, the model on the observed columns only, brute-force
posteriors and Monte-Carlo checks of the imputation draws."""

import warnings

import numpy as np
import pytest
from scipy import sparse, stats
from scipy.special import logsumexp, softmax
from sklearn import naive_bayes as sk

from skgen.naive_bayes import (
    BernoulliNB,
    CategoricalNB,
    ComplementNB,
    GaussianNB,
    MultinomialNB,
)
from tests.naive_bayes.test_naive_bayes import (
    categorical_data,
    count_data,
    gaussian_data,
)


def hide(X, fraction=0.3, seed=0):
    """``X`` (as floats) with entries missing completely at random; every
    row keeps one observed entry."""
    rng = np.random.RandomState(seed)
    hidden = np.array(X, dtype=np.float64)
    mask = rng.rand(*hidden.shape) < fraction
    mask[mask.all(axis=1), 0] = False
    hidden[mask] = np.nan
    return hidden


def gaussian_log_joint(model, x):
    """log p(y) + sum over observed j of log N(x_j | theta, var), by scipy."""
    observed = ~np.isnan(x)
    return np.array(
        [
            np.log(model.class_prior_[k])
            + stats.norm.logpdf(
                x[observed], model.theta_[k, observed], np.sqrt(model.var_[k, observed])
            ).sum()
            for k in range(len(model.classes_))
        ]
    )


def bernoulli_log_joint(model, x):
    observed = ~np.isnan(x)
    on = (x[observed] > model.binarize).astype(float)
    p = np.exp(model.feature_log_prob_)
    return np.array(
        [
            model.class_log_prior_[k] + stats.bernoulli.logpmf(on, p[k, observed]).sum()
            for k in range(len(model.classes_))
        ]
    )


def categorical_log_joint(model, x):
    return np.array(
        [
            model.class_log_prior_[k]
            + sum(
                model.feature_log_prob_[j][k, int(x[j])]
                for j in range(len(x))
                if not np.isnan(x[j])
            )
            for k in range(len(model.classes_))
        ]
    )


def multinomial_log_joint(model, x):
    """The multinomial of the observed counts given their total, its
    probabilities renormalised over the observed features (scipy)."""
    observed = ~np.isnan(x)
    p = np.exp(model.feature_log_prob_[:, observed])
    p /= p.sum(axis=1, keepdims=True)
    counts = x[observed]
    return np.array(
        [
            model.class_log_prior_[k]
            + stats.multinomial.logpmf(counts, counts.sum(), p[k])
            for k in range(len(model.classes_))
        ]
    )


CASES = {
    "gaussian": (GaussianNB, gaussian_data, gaussian_log_joint, {}),
    "bernoulli": (BernoulliNB, count_data, bernoulli_log_joint, {"binarize": 1.5}),
    "categorical": (CategoricalNB, categorical_data, categorical_log_joint, {}),
    "multinomial": (MultinomialNB, count_data, multinomial_log_joint, {}),
}


def fitted_on_missing(name, seed=0):
    cls, data, _, params = CASES[name]
    X, y = data(seed=seed)
    X = hide(X, seed=seed)
    return cls(random_state=0, **params).fit(X, y), X, y


@pytest.mark.parametrize("name", list(CASES))
def test_score_samples_and_posteriors_against_observed_feature_reference(name, seed):
    model, X, _ = fitted_on_missing(name, seed)
    log_joint = CASES[name][2]
    rows = X[:25]
    joint = np.array([log_joint(model, x) for x in rows])
    posterior = softmax(joint, axis=1)
    log_prob = logsumexp(joint, axis=1)
    np.testing.assert_allclose(model.score_samples(rows), log_prob, rtol=1e-10)
    np.testing.assert_allclose(model.predict_proba(rows), posterior, atol=1e-12)
    np.testing.assert_allclose(
        model.predict_log_proba(rows), np.log(posterior), rtol=1e-9, atol=1e-12
    )
    np.testing.assert_array_equal(
        model.predict(rows), model.classes_[np.argmax(joint, axis=1)]
    )
    if name != "multinomial":  # scikit-learn's joint leaves out the coefficient
        np.testing.assert_allclose(
            model.predict_joint_log_proba(rows), joint, rtol=1e-10
        )


@pytest.mark.parametrize("name", list(CASES))
def test_a_missing_feature_scores_as_the_model_without_it(name):
    """Marginalising feature 1 = the same parameters with column 1 removed:
    the model's own complete-data code on the other columns."""
    cls, data, _, params = CASES[name]
    X, y = data()
    model = cls(**params).fit(X, y)
    rows = np.array(X[:20], dtype=np.float64)
    rows[:, 1] = np.nan
    dropped = cls(**params).fit(np.delete(X, 1, axis=1), y)
    if name == "gaussian":
        dropped.theta_ = np.delete(model.theta_, 1, axis=1)
        dropped.var_ = np.delete(model.var_, 1, axis=1)
    elif name == "categorical":
        dropped.feature_log_prob_ = [
            lp for j, lp in enumerate(model.feature_log_prob_) if j != 1
        ]
    else:
        kept = np.delete(model.feature_log_prob_, 1, axis=1)
        if name == "multinomial":  # renormalised over the kept features
            kept = kept - logsumexp(kept, axis=1, keepdims=True)
        dropped.feature_log_prob_ = kept
    complete = np.delete(rows, 1, axis=1)
    np.testing.assert_allclose(
        model.predict_proba(rows), dropped.predict_proba(complete), rtol=1e-10
    )
    np.testing.assert_allclose(
        model.score_samples(rows), dropped.score_samples(complete), rtol=1e-10
    )


@pytest.mark.parametrize("name", list(CASES))
def test_complete_rows_score_as_before(name):
    """No NaN: the numbers of the complete-data code (scikit-learn's)."""
    model, X, y = fitted_on_missing(name)
    complete = np.asarray(CASES[name][1]()[0][:30], dtype=np.float64)
    sk_cls = getattr(sk, CASES[name][0].__name__)
    reference = sk_cls(**CASES[name][3])
    for attr in vars(model):
        if (
            attr.endswith("_")
            and not attr.startswith("_")
            and attr != "observed_count_"
        ):
            setattr(reference, attr, getattr(model, attr))
    np.testing.assert_allclose(
        model.predict_joint_log_proba(complete),
        reference.predict_joint_log_proba(complete),
        rtol=1e-12,
    )


@pytest.mark.parametrize("name", list(CASES))
def test_rows_with_no_observed_entry_and_inf_are_errors(name):
    model, X, _ = fitted_on_missing(name)
    empty = np.array(X[:3])
    empty[1] = np.nan
    infinite = np.array(X[:3])
    infinite[0, 0] = np.inf
    for method in ("predict", "predict_proba", "score_samples", "impute"):
        if not hasattr(model, method):
            continue
        with pytest.raises(ValueError, match="every entry missing"):
            getattr(model, method)(empty)
        with pytest.raises(ValueError, match="infinity"):
            getattr(model, method)(infinite)
    _, data, _, params = CASES[name]
    X_train, y = data()
    X_train = np.array(X_train, dtype=np.float64)
    X_train[5] = np.nan
    with pytest.raises(ValueError, match="every entry missing"):
        type(model)(**params).fit(X_train, y)


def test_complement_nb_refuses_missing_entries():
    X, y = count_data()
    hidden = hide(X)
    with pytest.raises(ValueError, match="NaN"):
        ComplementNB().fit(hidden, y)
    model = ComplementNB().fit(X, y)
    for method in ("predict", "predict_proba", "score_samples"):
        with pytest.raises(ValueError, match="NaN"):
            getattr(model, method)(hidden)


# -- fit ------------------------------------------------------------------


@pytest.mark.parametrize("weighted", [False, True])
def test_gaussian_fit_is_per_class_nanmean_and_nanvar(weighted, seed):
    X, y = gaussian_data(seed=seed)
    X = hide(X, seed=seed)
    weights = (
        np.random.RandomState(seed).uniform(0.2, 2.0, len(y)) if weighted else None
    )
    model = GaussianNB().fit(X, y, sample_weight=weights)
    epsilon = 1e-9 * np.nanvar(X, axis=0).max()
    assert model.epsilon_ == pytest.approx(epsilon, rel=1e-12)
    w_all = np.ones(len(y)) if weights is None else weights
    for k, label in enumerate(model.classes_):
        Z = X[y == label]
        w = np.where(np.isnan(Z), 0.0, w_all[y == label][:, None])
        mean = np.nansum(w * np.nan_to_num(Z), axis=0) / w.sum(axis=0)
        var = np.nansum(w * (np.nan_to_num(Z) - mean) ** 2, axis=0) / w.sum(axis=0)
        if not weighted:
            np.testing.assert_allclose(mean, np.nanmean(Z, axis=0), rtol=1e-12)
            np.testing.assert_allclose(var, np.nanvar(Z, axis=0), rtol=1e-12)
        np.testing.assert_allclose(model.theta_[k], mean, rtol=1e-10)
        np.testing.assert_allclose(model.var_[k], var + epsilon, rtol=1e-10)
        np.testing.assert_allclose(model.class_count_[k], w_all[y == label].sum())
        np.testing.assert_allclose(model.observed_count_[k], w.sum(axis=0))
    np.testing.assert_allclose(
        model.class_prior_, model.class_count_ / model.class_count_.sum()
    )


def test_gaussian_partial_fit_with_missing_batches_equals_fit():
    X, y = gaussian_data()
    hidden = hide(X)
    hidden[:100] = X[:100]  # a complete first batch: scikit-learn's update
    model = GaussianNB()
    for rows in np.array_split(np.arange(len(y)), [100, 180, 250]):
        model.partial_fit(hidden[rows], y[rows], classes=np.unique(y))
    whole = GaussianNB().fit(hidden, y)
    np.testing.assert_allclose(model.theta_, whole.theta_, rtol=1e-10)
    # var_ holds the last batch's epsilon_, as scikit-learn's partial_fit.
    np.testing.assert_allclose(
        model.var_ - model.epsilon_, whole.var_ - whole.epsilon_, rtol=1e-9
    )
    np.testing.assert_allclose(model.class_count_, whole.class_count_)
    np.testing.assert_allclose(model.observed_count_, whole.observed_count_)


def test_gaussian_complete_fit_keeps_scikit_learn_numbers():
    X, y = gaussian_data()
    model = GaussianNB().fit(X, y)
    reference = sk.GaussianNB().fit(X, y)
    np.testing.assert_array_equal(model.theta_, reference.theta_)
    np.testing.assert_array_equal(model.var_, reference.var_)
    np.testing.assert_array_equal(
        model.observed_count_, np.repeat(reference.class_count_[:, None], 3, axis=1)
    )


def test_bernoulli_fit_counts_observed_entries(seed):
    X, y = count_data(seed=seed)
    X = hide(X, seed=seed)
    model = BernoulliNB(binarize=1.5, alpha=0.5).fit(X, y)
    for k, label in enumerate(model.classes_):
        Z = X[y == label]
        observed = ~np.isnan(Z)
        on = (np.nan_to_num(Z) > 1.5) & observed
        expected = (on.sum(axis=0) + 0.5) / (observed.sum(axis=0) + 1.0)
        np.testing.assert_allclose(np.exp(model.feature_log_prob_[k]), expected)
    on_sparse = BernoulliNB(binarize=1.5, alpha=0.5).fit(sparse.csr_matrix(X), y)
    np.testing.assert_allclose(on_sparse.feature_log_prob_, model.feature_log_prob_)
    np.testing.assert_allclose(
        on_sparse.score_samples(sparse.csr_matrix(X[:20])), model.score_samples(X[:20])
    )


def test_multinomial_fit_scales_each_feature_to_every_row(seed):
    """Each feature's count in a class: its mean over the rows observing it,
    times the class's rows; then scikit-learn's smoothing."""
    X, y = count_data(seed=seed)
    X = hide(X, seed=seed)
    model = MultinomialNB(alpha=0.5).fit(X, y)
    for k, label in enumerate(model.classes_):
        Z = X[y == label]
        counts = np.nanmean(Z, axis=0) * len(Z) + 0.5
        np.testing.assert_allclose(
            np.exp(model.feature_log_prob_[k]), counts / counts.sum(), rtol=1e-12
        )
    batches = MultinomialNB(alpha=0.5)
    for rows in np.array_split(np.arange(len(y)), 3):
        batches.partial_fit(X[rows], y[rows], classes=np.unique(y))
    np.testing.assert_allclose(batches.feature_log_prob_, model.feature_log_prob_)
    on_sparse = MultinomialNB(alpha=0.5).fit(sparse.csr_matrix(X), y)
    np.testing.assert_allclose(on_sparse.feature_log_prob_, model.feature_log_prob_)
    np.testing.assert_allclose(
        on_sparse.score_samples(sparse.csr_matrix(X[:20])), model.score_samples(X[:20])
    )


def test_multinomial_complete_fit_keeps_scikit_learn_numbers():
    X, y = count_data()
    model = MultinomialNB().fit(X, y)
    np.testing.assert_array_equal(
        model.feature_log_prob_, sk.MultinomialNB().fit(X, y).feature_log_prob_
    )


def test_categorical_fit_counts_observed_entries(seed):
    X, y = categorical_data(seed=seed)
    X = hide(X, seed=seed)
    model = CategoricalNB(alpha=0.5).fit(X, y)
    for j in range(X.shape[1]):
        for k, label in enumerate(model.classes_):
            column = X[y == label, j]
            column = column[~np.isnan(column)].astype(int)
            counts = np.bincount(column, minlength=model.n_categories_[j]) + 0.5
            np.testing.assert_allclose(
                np.exp(model.feature_log_prob_[j][k]), counts / counts.sum()
            )
    batches = CategoricalNB(alpha=0.5)
    for rows in np.array_split(np.arange(len(y)), 3):
        batches.partial_fit(X[rows], y[rows], classes=np.unique(y))
    for a, b in zip(batches.feature_log_prob_, model.feature_log_prob_):
        np.testing.assert_allclose(a, b)


def test_categorical_missing_entries_need_integer_codes_elsewhere():
    X, y = categorical_data()
    X = hide(X)
    X[0, 1] = 1.5 if np.isnan(X[0, 0]) else X[0, 1]
    X[1, 2] = 2.5
    with pytest.raises(ValueError, match="non-integral"):
        CategoricalNB().fit(X, y)
    X[1, 2] = -1.0
    with pytest.raises(ValueError, match="Negative"):
        CategoricalNB().fit(X, y)


@pytest.mark.parametrize("cls", [GaussianNB, MultinomialNB])
def test_a_feature_never_observed_in_a_class_is_an_error(cls):
    X, y = count_data()
    X = hide(X)
    X[y == "b", 2] = np.nan
    X[np.isnan(X).all(axis=1), 0] = 1.0
    with pytest.raises(ValueError, match="Feature 2 .* class 'b'"):
        cls().fit(X, y)


# -- impute ---------------------------------------------------------------

IMPUTING = ["gaussian", "bernoulli", "categorical"]


def brute_force_posterior(model, name, rows):
    joint = np.array([CASES[name][2](model, x) for x in rows])
    return softmax(joint, axis=1)


def class_means(model, name):
    if name == "gaussian":
        return model.theta_
    return np.exp(model.feature_log_prob_)


@pytest.mark.parametrize("name", IMPUTING)
def test_impute_fills_missing_entries_with_the_conditional(name):
    model, X, _ = fitted_on_missing(name)
    rows = X[:40]
    imputed = model.impute(rows)
    observed = ~np.isnan(rows)
    np.testing.assert_array_equal(imputed[observed], rows[observed])
    assert not np.isnan(imputed).any()
    posterior = brute_force_posterior(model, name, rows)
    if name == "categorical":
        expected = np.column_stack(
            [
                np.argmax(posterior @ np.exp(lp), axis=1)
                for lp in model.feature_log_prob_
            ]
        )
    else:
        expected = posterior @ class_means(model, name)
    np.testing.assert_allclose(imputed[~observed], expected[~observed], rtol=1e-10)


@pytest.mark.parametrize("name", IMPUTING)
def test_impute_draws_follow_the_conditional(name):
    """Monte Carlo: 20000 copies of one row; the draws' mean (and, for the
    Gaussian, variance) against the class mixture of the posterior."""
    model, X, _ = fitted_on_missing(name)
    row = np.array(X[0])
    row[1:] = np.nan
    copies = np.repeat(row[np.newaxis], 20000, axis=0)
    draws = model.impute(copies, sample=True, random_state=0)[:, 1:]
    posterior = brute_force_posterior(model, name, row[np.newaxis])[0]
    if name == "categorical":
        for j in range(1, X.shape[1]):
            expected = posterior @ np.exp(model.feature_log_prob_[j])
            frequencies = np.bincount(
                draws[:, j - 1].astype(int), minlength=len(expected)
            ) / len(draws)
            np.testing.assert_allclose(frequencies, expected, atol=0.015)
        return
    means = class_means(model, name)[:, 1:]
    mean = posterior @ means
    if name == "gaussian":
        second = posterior @ (model.var_[:, 1:] + means**2)
    else:
        second = mean  # 0/1 draws
    sd = np.sqrt(second - mean**2)
    np.testing.assert_allclose(draws.mean(axis=0), mean, atol=4 * sd.max() / 141)
    np.testing.assert_allclose(draws.std(axis=0), sd, rtol=0.03)


@pytest.mark.parametrize("name", IMPUTING)
def test_impute_draws_advance_the_stream_unless_seeded(name):
    model, X, _ = fitted_on_missing(name)
    rows = X[:50]
    first = model.impute(rows, sample=True)
    second = model.impute(rows, sample=True)
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(
        model.impute(rows, sample=True, random_state=3),
        model.impute(rows, sample=True, random_state=3),
    )


def test_impute_takes_dataframes_without_feature_name_warnings():
    pd = pytest.importorskip("pandas")
    X, y = gaussian_data()
    frame = pd.DataFrame(hide(X), columns=["a", "b", "c"])
    model = GaussianNB().fit(frame, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        imputed = model.impute(frame)
    np.testing.assert_allclose(imputed, GaussianNB().fit(hide(X), y).impute(hide(X)))


def test_multinomial_and_complement_nb_do_not_impute():
    """Their models say nothing of a row's total, so nothing of a missing
    count (doc/design.rst)."""
    assert not hasattr(MultinomialNB(), "impute")
    assert not hasattr(ComplementNB(), "impute")


def test_gaussian_fit_on_dask_blocks_with_missing_entries_equals_in_memory():
    da = pytest.importorskip("dask.array")
    X, y = gaussian_data()
    X = hide(X)
    model = GaussianNB().fit(X, y)
    lazy = GaussianNB().fit(da.from_array(X, chunks=70), da.from_array(y, chunks=70))
    np.testing.assert_allclose(lazy.theta_, model.theta_, rtol=1e-12)
    np.testing.assert_allclose(lazy.var_, model.var_, rtol=1e-12)
    np.testing.assert_allclose(lazy.observed_count_, model.observed_count_)
    np.testing.assert_allclose(
        lazy.score_samples(da.from_array(X, chunks=70)).compute(),
        model.score_samples(X),
        rtol=1e-12,
    )


def test_gaussian_fit_with_missing_entries_checks_targets_as_scikit_learn():
    X, y = gaussian_data()
    X = hide(X)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        GaussianNB().fit(X, y[:-1])
    with pytest.raises(ValueError, match="1d array"):
        GaussianNB().fit(X, np.c_[y, y])
    with pytest.raises(ValueError, match="sample_weight"):
        GaussianNB().fit(X, y, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        GaussianNB().partial_fit(X, y[:-1], classes=np.unique(y))
    with pytest.raises(ValueError, match="classes must be passed"):
        GaussianNB().partial_fit(X, y)


def test_pandas_missing_values_nullable_dtypes_included():
    pd = pytest.importorskip("pandas")
    X, y = gaussian_data()
    X = hide(X)
    frame = pd.DataFrame(X, columns=["a", "b", "c"]).astype("Float64")  # pd.NA
    model = GaussianNB().fit(frame, y)
    reference = GaussianNB().fit(X, y)
    np.testing.assert_allclose(model.theta_, reference.theta_)
    np.testing.assert_allclose(model.score_samples(frame), reference.score_samples(X))
    X_cat, y_cat = categorical_data()
    X_cat = hide(X_cat)
    codes = pd.DataFrame(X_cat).astype("Int64")
    np.testing.assert_allclose(
        CategoricalNB().fit(codes, y_cat).score_samples(codes),
        CategoricalNB().fit(X_cat, y_cat).score_samples(X_cat),
    )
