"""GenerativeImputer: scikit-learn's estimator checks, the model's own
imputation, pipelines and multiple imputation."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from skgen.impute import GenerativeImputer
from skgen.mixture import GaussianMixture
from skgen.naive_bayes import GaussianNB

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@parametrize_with_checks(
    [
        GenerativeImputer(random_state=0),
        GenerativeImputer(GaussianMixture(n_components=1), sample=True),
    ]
)
def test_sklearn_compatible_imputer(estimator, check):
    check(estimator)


def correlated_rows(n=400, seed=0, fraction=0.2):
    rng = np.random.RandomState(seed)
    X = rng.multivariate_normal(
        [0, 1, -1], [[1, 0.8, 0.3], [0.8, 1, 0.5], [0.3, 0.5, 1]], n
    )
    y = (X[:, 0] + X[:, 1] > 1).astype(int)
    hidden = X.copy()
    mask = rng.rand(*X.shape) < fraction
    mask[mask.all(axis=1), 0] = False
    hidden[mask] = np.nan
    return X, hidden, y


def test_transform_is_the_models_imputation():
    _, X, _ = correlated_rows()
    model = GaussianMixture(n_components=2, random_state=0)
    imputer = GenerativeImputer(model).fit(X)
    reference = clone(model).fit(X)
    np.testing.assert_array_equal(imputer.transform(X), reference.impute(X))
    observed = ~np.isnan(X)
    np.testing.assert_array_equal(imputer.transform(X)[observed], X[observed])
    assert not np.isnan(imputer.transform(X)).any()


def test_default_model_is_a_three_component_mixture_seeded_by_random_state():
    _, X, _ = correlated_rows()
    imputer = GenerativeImputer(random_state=0).fit(X)
    assert isinstance(imputer.estimator_, GaussianMixture)
    assert imputer.estimator_.n_components == 3
    again = GenerativeImputer(random_state=0).fit(X)
    np.testing.assert_array_equal(imputer.transform(X), again.transform(X))
    assert imputer.estimator is None  # the parameter is left as given


def test_conditional_means_beat_column_means_on_correlated_data():
    """A check that the model is used: the hidden entries of correlated
    columns are recovered better than by the column means."""
    from sklearn.impute import SimpleImputer

    complete, X, _ = correlated_rows(n=2000)
    hidden = np.isnan(X)
    ours = GenerativeImputer(GaussianMixture(n_components=1), random_state=0)
    error = np.mean((ours.fit_transform(X)[hidden] - complete[hidden]) ** 2)
    baseline = np.mean(
        (SimpleImputer().fit_transform(X)[hidden] - complete[hidden]) ** 2
    )
    assert error < 0.8 * baseline


def test_multiple_imputation_differs_between_calls_and_reproduces_with_a_seed():
    _, X, _ = correlated_rows()
    imputer = GenerativeImputer(
        GaussianMixture(n_components=2, random_state=0), sample=True
    )
    first, second = imputer.fit(X).transform(X), imputer.transform(X)
    hidden = np.isnan(X)
    assert not np.array_equal(first[hidden], second[hidden])
    np.testing.assert_array_equal(first[~hidden], second[~hidden])
    seeded = GenerativeImputer(
        GaussianMixture(n_components=2, random_state=0), sample=True, random_state=5
    )
    a1, a2 = seeded.fit(X).transform(X), seeded.transform(X)
    b1, b2 = clone(seeded).fit(X).transform(X), seeded.fit(X).transform(X)
    np.testing.assert_array_equal(a1, b1)
    np.testing.assert_array_equal(a1, b2)
    assert not np.array_equal(a1, a2)
    # The draws are the model's: the same stream given to impute directly.
    model = GaussianMixture(n_components=2, random_state=0).fit(X)
    np.testing.assert_array_equal(
        a1, model.impute(X, sample=True, random_state=np.random.RandomState(5))
    )


def test_in_a_pipeline_before_a_classifier_and_in_cross_validate():
    _, X, y = correlated_rows(n=600)
    pipe = make_pipeline(
        GenerativeImputer(GaussianMixture(n_components=2, random_state=0)),
        LogisticRegression(),
    )
    scores = cross_validate(pipe, X, y, cv=3)["test_score"]
    assert scores.min() > 0.8
    fitted = pipe.fit(X, y)
    expected = fitted[-1].predict_proba(fitted[0].estimator_.impute(X))
    np.testing.assert_allclose(fitted.predict_proba(X), expected)


def test_a_classifier_model_is_fitted_with_the_classes():
    _, X, y = correlated_rows()
    imputer = GenerativeImputer(GaussianNB()).fit(X, y)
    np.testing.assert_array_equal(
        imputer.transform(X), GaussianNB().fit(X, y).impute(X)
    )
    pipe = make_pipeline(GenerativeImputer(GaussianNB()), LogisticRegression())
    assert pipe.fit(X, y).score(X, y) > 0.8
    with pytest.raises(
        ValueError, match="classifier: fit the imputer with the classes"
    ):
        GenerativeImputer(GaussianNB()).fit(X)


def test_bad_models_and_bad_rows_are_clear_errors():
    _, X, _ = correlated_rows()
    with pytest.raises(ValueError, match="estimator"):
        GenerativeImputer(LogisticRegression()).fit(X)
    imputer = GenerativeImputer(GaussianMixture(n_components=2, random_state=0)).fit(X)
    bad = X[:5].copy()
    bad[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        imputer.transform(bad)
    bad[0] = np.nan
    with pytest.raises(ValueError, match="every entry missing"):
        imputer.transform(bad)
    with pytest.raises(ValueError, match="features"):
        imputer.transform(X[:, :2])


def test_feature_names_pass_through():
    pd = pytest.importorskip("pandas")
    _, X, _ = correlated_rows()
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    imputer = GenerativeImputer(GaussianMixture(n_components=2, random_state=0))
    imputer.fit(frame)
    np.testing.assert_array_equal(imputer.get_feature_names_out(), ["a", "b", "c"])
    imputer.set_output(transform="pandas")
    out = imputer.transform(frame)
    assert list(out.columns) == ["a", "b", "c"]
    assert not out.isna().any().any()
