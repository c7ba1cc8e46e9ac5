"""GaussianMixture.condition and GaussianMixtureRegressor against references:
joint over marginal densities, numerical integration, and the gmr package."""

import numpy as np
import pandas as pd
import pytest
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

from skgen.mixture import GaussianMixture, GaussianMixtureRegressor

COVARIANCE_TYPES = ["full", "tied", "diag", "spherical"]


def correlated_blobs(seed=0, n=600):
    rng = np.random.RandomState(seed)
    a = rng.multivariate_normal(
        [0, 0, 0], [[1, 0.6, 0.3], [0.6, 1, 0.5], [0.3, 0.5, 1]], n
    )
    b = rng.multivariate_normal(
        [3, -2, 1], [[0.5, -0.2, 0], [-0.2, 0.8, 0.3], [0, 0.3, 0.6]], n
    )
    return np.vstack([a, b])


def full_covariances(model):
    k, d = model.means_.shape
    c = model.covariances_
    return {
        "full": lambda: c,
        "tied": lambda: np.repeat(c[np.newaxis], k, axis=0),
        "diag": lambda: np.array([np.diag(v) for v in c]),
        "spherical": lambda: np.array([v * np.eye(d) for v in c]),
    }[model.covariance_type]()


def marginal_log_density(model, X, columns):
    """log p(x_columns), by scipy on the marginal of each component."""
    covariances = full_covariances(model)
    terms = [
        np.log(w)
        + multivariate_normal(m[columns], c[np.ix_(columns, columns)]).logpdf(X)
        for w, m, c in zip(model.weights_, model.means_, covariances)
    ]
    return logsumexp(np.column_stack(terms), axis=1)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("columns", [[0], [2], [0, 2]])
def test_conditional_density_is_joint_over_marginal(covariance_type, columns):
    X = correlated_blobs()
    model = GaussianMixture(2, covariance_type=covariance_type, random_state=0).fit(X)
    given = np.array([0.5, -0.3])[: len(columns)]
    conditional = model.condition(given, columns)
    assert conditional.covariance_type == covariance_type
    other = [c for c in range(3) if c not in columns]
    rows = np.random.RandomState(1).randn(50, len(other))
    joint_rows = np.empty((50, 3))
    joint_rows[:, columns] = given
    joint_rows[:, other] = rows
    expected = model.score_samples(joint_rows) - marginal_log_density(
        model, given[np.newaxis], columns
    )
    np.testing.assert_allclose(conditional.score_samples(rows), expected, rtol=1e-9)
    assert conditional.n_features_in_ == len(other)
    assert conditional.weights_.sum() == pytest.approx(1.0)


def test_conditional_samples_match_its_moments():
    X = correlated_blobs(seed=2)
    model = GaussianMixture(2, random_state=0).fit(X)
    conditional = model.condition([1.0], [1])
    rows, labels = conditional.sample(100_000, random_state=0)
    mean = conditional.weights_ @ conditional.means_
    np.testing.assert_allclose(rows.mean(axis=0), mean, atol=0.02)
    np.testing.assert_allclose(
        np.bincount(labels, minlength=2) / len(labels), conditional.weights_, atol=0.01
    )


def test_condition_by_feature_names():
    X = pd.DataFrame(correlated_blobs(seed=3), columns=["a", "b", "c"])
    model = GaussianMixture(2, random_state=0).fit(X)
    by_name = model.condition([0.2], ["b"])
    by_index = model.condition([0.2], [1])
    np.testing.assert_array_equal(by_name.means_, by_index.means_)
    assert list(by_name.feature_names_in_) == ["a", "c"]
    by_name.predict_proba(pd.DataFrame([[0.0, 1.0]], columns=["a", "c"]))


@pytest.mark.parametrize(
    "values, columns, error, match",
    [
        ([1.0], [], ValueError, "empty"),
        ([1.0, 2.0], [0], ValueError, "values has 2"),
        ([1.0], [5], ValueError, "indices"),
        ([1.0, 1.0], [0, 0], ValueError, "twice"),
        ([1.0, 1.0, 1.0], [0, 1, 2], ValueError, "every column"),
        ([np.nan], [0], ValueError, "NaN"),
        ([1.0], ["x"], ValueError, "names"),
        ([1.0], [0.5], TypeError, "integer"),
    ],
)
def test_condition_rejects_bad_requests(values, columns, error, match):
    model = GaussianMixture(2, random_state=0).fit(correlated_blobs())
    with pytest.raises(error, match=match):
        model.condition(values, columns)


# -- GaussianMixtureRegressor ------------------------------------------------------


def sine_data(seed=0, n=800):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-3, 3, size=(n, 1))
    return X, np.sin(X[:, 0]) + 0.1 * rng.randn(n)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_prediction_and_spread_equal_numerical_integration(covariance_type):
    """E[y|x] and sd[y|x] integrated over a grid of y from the joint density."""
    X, y = sine_data()
    model = GaussianMixtureRegressor(
        n_components=5, covariance_type=covariance_type, random_state=0
    ).fit(X, y)
    x_test = np.array([[-2.0], [0.3], [1.7]])
    mean, std = model.predict(x_test, return_std=True)
    grid = np.linspace(-8, 8, 40001)
    for i, x in enumerate(x_test[:, 0]):
        rows = np.column_stack([np.full_like(grid, x), grid])
        density = np.exp(model.mixture_.score_samples(rows))
        total = np.trapezoid(density, grid)
        expected_mean = np.trapezoid(grid * density, grid) / total
        expected_var = np.trapezoid((grid - expected_mean) ** 2 * density, grid) / total
        assert mean[i] == pytest.approx(expected_mean, abs=1e-7)
        assert std[i] == pytest.approx(np.sqrt(expected_var), rel=1e-6)
        # score_samples is the marginal density of x: the integral over y.
        assert np.exp(model.score_samples(x_test[i : i + 1]))[0] == pytest.approx(
            total, rel=1e-6
        )


def test_multi_output_shapes_and_conditional_draws():
    rng = np.random.RandomState(1)
    X = rng.uniform(-2, 2, size=(600, 2))
    Y = np.column_stack([X[:, 0] + X[:, 1], X[:, 0] - X[:, 1]]) + 0.2 * rng.randn(
        600, 2
    )
    model = GaussianMixtureRegressor(n_components=3, random_state=0).fit(X, Y)
    mean, std = model.predict(X[:5], return_std=True)
    assert mean.shape == std.shape == (5, 2)
    draws = model.sample_y(X[:2], n_samples=40_000, random_state=0)
    assert draws.shape == (2, 2, 40_000)
    np.testing.assert_allclose(draws.mean(axis=2), mean[:2], atol=0.01)
    np.testing.assert_allclose(draws.std(axis=2), std[:2], rtol=0.02)
    X_new, Y_new = model.sample(50)
    assert X_new.shape == (50, 2) and Y_new.shape == (50, 2)


def test_single_output_draws_match_the_predicted_moments():
    X, y = sine_data(seed=2)
    model = GaussianMixtureRegressor(n_components=6, random_state=0).fit(X, y)
    draws = model.sample_y([[0.5], [2.5]], n_samples=50_000, random_state=0)
    assert draws.shape == (2, 50_000)
    mean, std = model.predict([[0.5], [2.5]], return_std=True)
    np.testing.assert_allclose(draws.mean(axis=1), mean, atol=0.005)
    np.testing.assert_allclose(draws.std(axis=1), std, rtol=0.02)


def test_one_component_is_linear_regression():
    from sklearn.linear_model import LinearRegression

    rng = np.random.RandomState(3)
    X = rng.randn(500, 3)
    y = X @ [1.0, -2.0, 0.5] + 0.3 * rng.randn(500)
    ours = GaussianMixtureRegressor(reg_covar=0.0).fit(X, y)
    ref = LinearRegression().fit(X, y)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("covariance_type", ["full", "diag"])
def test_predictions_equal_gmr_from_the_same_parameters(covariance_type):
    gmr = pytest.importorskip("gmr")
    X, y = sine_data(seed=4)
    model = GaussianMixtureRegressor(
        n_components=4, covariance_type=covariance_type, random_state=0
    ).fit(X, y)
    mixture = model.mixture_
    covariances = full_covariances(mixture)
    reference = gmr.GMM(
        n_components=4,
        priors=mixture.weights_,
        means=mixture.means_,
        covariances=covariances,
    )
    x_test = np.linspace(-3, 3, 50)[:, np.newaxis]
    np.testing.assert_allclose(
        model.predict(x_test),
        reference.predict([0], x_test)[:, 0],
        rtol=1e-8,
        atol=1e-10,
    )
