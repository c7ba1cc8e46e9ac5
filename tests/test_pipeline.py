"""GenerativePipeline and make_generative_pipeline.

Densities are checked against scipy.stats in the raw units, against an
explicit matrix of the affine map, and by integrating them on a grid; samples
by mapping the final model's own draws back and by Monte-Carlo moments.
"""

import numpy as np
import pytest
from scipy import stats
from scipy.special import logsumexp
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA, IncrementalPCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.neighbors import KernelDensity
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    MaxAbsScaler,
    MinMaxScaler,
    Normalizer,
    StandardScaler,
)

from skgen.classification import GenerativeClassifier
from skgen.mixture import GaussianMixture
from skgen.naive_bayes import GaussianNB
from skgen.pipeline import GenerativePipeline, make_generative_pipeline


def _stretched_blobs(n_samples=300, seed=0):
    """Two correlated 3-D blobs on very different scales per feature."""
    rng = np.random.RandomState(seed)
    labels = rng.randint(2, size=n_samples)
    centres = np.array([[0.0, 0.0, 0.0], [3.0, -2.0, 1.0]])
    mixing = np.array([[1.0, 0.0, 0.0], [0.6, 0.8, 0.0], [-0.3, 0.2, 0.9]])
    X = (centres[labels] + rng.standard_normal((n_samples, 3))) @ mixing.T
    return X * [50.0, 0.02, 3.0] + [1000.0, -5.0, 0.0], labels


def _mixture_logpdf(X, weights, means, covariances):
    """log sum_k w_k N(x | mu_k, Sigma_k), by scipy.stats."""
    parts = [
        np.log(w) + stats.multivariate_normal(mean, cov).logpdf(X)
        for w, mean, cov in zip(weights, means, covariances)
    ]
    return logsumexp(np.column_stack(parts), axis=1)


def _affine_matrix(transform, n_features):
    """(M, c) with transform(x) = x @ M + c, read off the map itself."""
    origin = transform(np.zeros((1, n_features)))
    return transform(np.eye(n_features)) - origin, origin[0]


# -- the Jacobian: densities in the input units ------------------------------


@pytest.mark.parametrize("covariance_type", ["full", "diag"])
def test_density_after_standard_scaler_is_the_raw_gaussian_mixture(covariance_type):
    X, _ = _stretched_blobs()
    pipe = make_generative_pipeline(
        StandardScaler(),
        GaussianMixture(2, covariance_type=covariance_type, random_state=0),
    ).fit(X)
    scaler, gm = pipe[0], pipe[-1]
    covariances = gm.covariances_
    if covariance_type == "diag":
        covariances = np.array([np.diag(c) for c in covariances])
    # x = mean + scale * z: the same mixture, in the raw units.
    D = np.diag(scaler.scale_)
    raw_means = gm.means_ * scaler.scale_ + scaler.mean_
    raw_covariances = [D @ c @ D for c in covariances]
    expected = _mixture_logpdf(X, gm.weights_, raw_means, raw_covariances)
    np.testing.assert_allclose(pipe.score_samples(X), expected, rtol=1e-10)
    assert pipe.score(X) == pytest.approx(expected.mean(), rel=1e-10)


def test_input_density_equals_a_model_fitted_on_raw_data():
    """One Gaussian (the MLE, affine-equivariant): the same density, the same
    BIC, whether fitted after scaling or on the raw rows."""
    X, _ = _stretched_blobs()
    raw = GaussianMixture(1, reg_covar=0.0, random_state=0).fit(X)
    pipe = make_generative_pipeline(
        StandardScaler(), GaussianMixture(1, reg_covar=0.0, random_state=0)
    ).fit(X)
    np.testing.assert_allclose(pipe.score_samples(X), raw.score_samples(X), rtol=1e-9)
    assert pipe.bic(X) == pytest.approx(raw.bic(X), rel=1e-9)
    assert pipe.aic(X) == pytest.approx(raw.aic(X), rel=1e-9)
    assert pipe._n_parameters() == raw._n_parameters() == pipe[-1]._n_parameters()


def test_density_integrates_to_one_in_1d():
    rng = np.random.RandomState(0)
    x = np.concatenate([rng.normal(-200.0, 30.0, 150), rng.normal(100.0, 60.0, 150)])
    X = x[:, np.newaxis]
    pipe = make_generative_pipeline(
        StandardScaler(), GaussianMixture(2, random_state=0)
    ).fit(X)
    grid = np.linspace(-800.0, 800.0, 20001)
    density = np.exp(pipe.score_samples(grid[:, np.newaxis]))
    assert np.trapezoid(density, grid) == pytest.approx(1.0, abs=1e-6)
    # Without the Jacobian it is a density of the scaled rows, z = x / scale
    # (+ shift): over the raw axis it integrates to scale.
    pipe.set_params(density_space="model")
    density = np.exp(pipe.score_samples(grid[:, np.newaxis]))
    assert np.trapezoid(density, grid) == pytest.approx(pipe[0].scale_[0], rel=1e-6)


def test_density_integrates_to_one_in_2d():
    X, _ = _stretched_blobs()
    X = X[:, :2]
    pipe = make_generative_pipeline(
        StandardScaler(), PCA(whiten=True), GaussianMixture(2, random_state=0)
    ).fit(X)
    low, high = X.min(axis=0), X.max(axis=0)
    span = high - low
    gx = np.linspace(low[0] - span[0], high[0] + span[0], 601)
    gy = np.linspace(low[1] - span[1], high[1] + span[1], 601)
    xx, yy = np.meshgrid(gx, gy, indexing="ij")
    log_density = pipe.score_samples(np.column_stack([xx.ravel(), yy.ravel()]))
    density = np.exp(log_density).reshape(xx.shape)
    total = np.trapezoid(np.trapezoid(density, gy, axis=1), gx)
    assert total == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize(
    "step",
    [
        StandardScaler(),
        StandardScaler(with_std=False),
        StandardScaler(with_mean=False),
        MinMaxScaler(),
        MinMaxScaler(feature_range=(-3.0, 5.0)),
        MaxAbsScaler(),
        PCA(),
        PCA(whiten=True),
        IncrementalPCA(whiten=True),
        FunctionTransformer(),
        make_pipeline(StandardScaler(), PCA(whiten=True)),
    ],
    ids=lambda step: str(step).replace("\n", "").replace(" ", ""),
)
def test_log_jacobian_of_each_affine_step(step):
    """score_samples adds log |det M| of the map x -> x @ M + c, with M read
    off the fitted step itself."""
    X, _ = _stretched_blobs()
    pipe = GenerativePipeline(
        [("step", step), ("model", GaussianMixture(2, random_state=0))]
    ).fit(X)
    fitted = pipe[0]
    M, _ = _affine_matrix(fitted.transform, X.shape[1])
    sign, log_det = np.linalg.slogdet(M)
    assert sign != 0
    expected = pipe[-1].score_samples(fitted.transform(X)) + log_det
    np.testing.assert_allclose(pipe.score_samples(X), expected, rtol=1e-9)


class _LogTransformer(TransformerMixin, BaseEstimator):
    """z = log x, with the hook GenerativePipeline uses for its Jacobian."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return np.log(X)

    def inverse_transform(self, Z):
        return np.exp(Z)

    def log_abs_det_jacobian(self, X):
        return -np.log(X).sum(axis=1)


def test_log_abs_det_jacobian_hook_gives_the_log_normal_density():
    rng = np.random.RandomState(0)
    X = rng.lognormal(mean=1.5, sigma=0.4, size=(400, 1))
    pipe = make_generative_pipeline(
        _LogTransformer(), GaussianMixture(1, random_state=0)
    ).fit(X)
    mu, var = pipe[-1].means_[0, 0], pipe[-1].covariances_[0, 0, 0]
    expected = stats.lognorm(s=np.sqrt(var), scale=np.exp(mu)).logpdf(X[:, 0])
    np.testing.assert_allclose(pipe.score_samples(X), expected, rtol=1e-10)
    X_new, _ = pipe.sample(50, random_state=0)
    np.testing.assert_allclose(
        X_new, np.exp(pipe[-1].sample(50, random_state=0)[0]), rtol=1e-12
    )


@pytest.mark.parametrize(
    "step, name, message",
    [
        (PCA(n_components=2), "pca", "maps 3 features to 2"),
        (MinMaxScaler(clip=True), "minmaxscaler", "clips"),
        (FunctionTransformer(np.arcsinh, np.sinh), "functiontransformer", "log_abs"),
        (make_pipeline(StandardScaler(), PCA(2)), "pipeline__pca", "3 features to 2"),
    ],
)
def test_input_density_needs_known_jacobians_and_names_the_step(step, name, message):
    X, _ = _stretched_blobs()
    pipe = make_generative_pipeline(step, GaussianMixture(2, random_state=0)).fit(X)
    with pytest.raises(ValueError, match=f"step '{name}'.*{message}.*'model'"):
        pipe.score_samples(X)
    with pytest.raises(ValueError, match=f"step '{name}'"):
        pipe.bic(X)
    pipe.set_params(density_space="model")
    np.testing.assert_array_equal(
        pipe.score_samples(X), pipe[-1].score_samples(pipe[:-1].transform(X))
    )


def test_bad_density_space_is_named():
    X, _ = _stretched_blobs()
    pipe = make_generative_pipeline(
        StandardScaler(), GaussianMixture(), density_space="raw"
    )
    with pytest.raises(ValueError, match="density_space"):
        pipe.fit(X)


# -- sampling through the inverse transforms ---------------------------------


def test_sample_maps_the_model_draws_back_through_each_step():
    X, _ = _stretched_blobs()
    pipe = make_generative_pipeline(
        StandardScaler(), PCA(), GaussianMixture(3, random_state=0)
    ).fit(X)
    X_new, labels = pipe.sample(10, random_state=1)
    Z, expected_labels = pipe[-1].sample(10, random_state=1)
    np.testing.assert_allclose(X_new, pipe[:-1].inverse_transform(Z), rtol=1e-12)
    np.testing.assert_array_equal(labels, expected_labels)


def test_sample_moments_are_the_model_moments_mapped_back():
    """Monte-Carlo: the mean and covariance of many draws are those of the
    fitted mixture, pushed through the inverse PCA and inverse scaling."""
    X, _ = _stretched_blobs()
    pipe = make_generative_pipeline(
        StandardScaler(), PCA(), GaussianMixture(3, random_state=0)
    ).fit(X)
    scaler, pca, gm = pipe[0], pipe[1], pipe[-1]
    # Moments of the mixture in the model space.
    mean_z = gm.weights_ @ gm.means_
    second = sum(
        w * (c + np.outer(m, m))
        for w, m, c in zip(gm.weights_, gm.means_, gm.covariances_)
    )
    cov_z = second - np.outer(mean_z, mean_z)
    # x = (z @ components_ + pca.mean_) * scale_ + scaler.mean_ = z @ A + b.
    A = pca.components_ * scaler.scale_
    b = pca.mean_ * scaler.scale_ + scaler.mean_
    mean_x, cov_x = mean_z @ A + b, A.T @ cov_z @ A

    n = 200_000
    draws, _ = pipe.sample(n, random_state=0)
    # Five standard errors: a false alarm has probability ~6e-7 per entry.
    se_mean = np.sqrt(np.diag(cov_x) / n)
    np.testing.assert_array_less(np.abs(draws.mean(axis=0) - mean_x), 5 * se_mean)
    centred = draws - draws.mean(axis=0)
    products = centred[:, :, np.newaxis] * centred[:, np.newaxis, :]
    se_cov = products.std(axis=0) / np.sqrt(n)  # empirical, mixture-robust
    np.testing.assert_array_less(
        np.abs(np.cov(draws, rowvar=False) - cov_x), 5 * se_cov
    )


def test_sample_stream_is_the_final_models():
    X, _ = _stretched_blobs()
    pipe = make_generative_pipeline(MinMaxScaler(), GaussianMixture(2, random_state=0))
    first = clone(pipe).fit(X)
    second = clone(pipe).fit(X)
    a, _ = first.sample(5)
    b, _ = first.sample(5)
    assert not np.array_equal(a, b)
    # random_state=None advanced the final model's own stream.
    np.testing.assert_array_equal(second.sample(5)[0], a)
    np.testing.assert_allclose(
        second[0].inverse_transform(second[-1].sample(5)[0]), b, rtol=1e-12
    )
    np.testing.assert_array_equal(
        first.sample(5, random_state=7)[0], first.sample(5, random_state=7)[0]
    )


@pytest.mark.parametrize(
    "step, name, message",
    [
        (Normalizer(), "normalizer", "has no inverse_transform"),
        (FunctionTransformer(np.log1p), "functiontransformer", "inverse_func"),
        (make_pipeline(StandardScaler(), Normalizer()), "pipeline__normalizer", "no"),
    ],
)
def test_step_without_inverse_is_named_before_anything_is_drawn(step, name, message):
    X, _ = _stretched_blobs()
    X = np.abs(X)
    pipe = make_generative_pipeline(step, GaussianMixture(2, random_state=0)).fit(X)
    state = pipe[-1]._sample_random_state.get_state()[1].copy()
    with pytest.raises(TypeError, match=f"step '{name}'.*{message}"):
        pipe.sample(5)
    np.testing.assert_array_equal(pipe[-1]._sample_random_state.get_state()[1], state)


def test_digits_pixels_from_a_mixture_in_a_pca_space():
    X, _ = load_digits(return_X_y=True)
    pipe = make_generative_pipeline(
        PCA(20, random_state=0),
        GaussianMixture(10, covariance_type="full", random_state=0),
    ).fit(X)
    digits, labels = pipe.sample(2000, random_state=0)
    assert digits.shape == (2000, 64)
    assert labels.shape == (2000,)
    # The mixture's mean is the mean of the projected rows (every M-step keeps
    # it), which PCA maps back to the mean image: five standard errors.
    se = digits.std(axis=0) / np.sqrt(len(digits))
    np.testing.assert_array_less(
        np.abs(digits.mean(axis=0) - X.mean(axis=0)), 5 * se + 1e-9
    )
    # 20 dimensions of 64 carry no density of the pixels.
    with pytest.raises(ValueError, match="step 'pca'.*64 features to 20"):
        pipe.score_samples(X[:5])
    pipe.set_params(density_space="model")
    np.testing.assert_array_equal(
        pipe.score_samples(X[:5]), pipe[-1].score_samples(pipe[0].transform(X[:5]))
    )


# -- classifiers as final step ------------------------------------------------


def test_naive_bayes_final_step_samples_given_classes():
    X, y = _stretched_blobs()
    pipe = make_generative_pipeline(StandardScaler(), GaussianNB(random_state=0))
    pipe.fit(X, y)
    X_new, y_new = pipe.sample(50, y=1, random_state=0)
    np.testing.assert_array_equal(y_new, np.ones(50))
    Z, _ = pipe[-1].sample(50, y=1, random_state=0)
    np.testing.assert_allclose(X_new, pipe[0].inverse_transform(Z), rtol=1e-12)
    # score stays the accuracy; score_samples is the density of the raw rows.
    assert pipe.score(X, y) == pytest.approx(np.mean(pipe.predict(X) == y))
    scaler, nb = pipe[0], pipe[-1]
    expected = _mixture_logpdf(
        X,
        nb.class_prior_,
        nb.theta_ * scaler.scale_ + scaler.mean_,
        [np.diag(v * scaler.scale_**2) for v in nb.var_],
    )
    np.testing.assert_allclose(pipe.score_samples(X), expected, rtol=1e-10)


def test_generative_classifier_final_step_samples_an_array_of_classes():
    X, y = _stretched_blobs()
    pipe = make_generative_pipeline(
        MinMaxScaler(),
        GenerativeClassifier(GaussianMixture(1, random_state=0), random_state=0),
    ).fit(X, y)
    wanted = np.array([0, 1, 1, 0, 1])
    X_new, y_new = pipe.sample(5, y=wanted)
    np.testing.assert_array_equal(y_new, wanted)
    assert X_new.shape == (5, 3)
    np.testing.assert_array_equal(pipe.classes_, [0, 1])


def test_y_for_a_model_without_classes_is_a_clear_error():
    X, _ = _stretched_blobs()
    pipe = make_generative_pipeline(StandardScaler(), GaussianMixture(2)).fit(X)
    with pytest.raises(TypeError, match="'gaussianmixture'.*takes no y"):
        pipe.sample(3, y=1)


# -- the pipeline as a scikit-learn estimator ---------------------------------


def test_grid_search_over_the_model_scored_by_mean_log_likelihood():
    rng = np.random.RandomState(0)
    centres = np.array([[0.0, 0.0], [8.0, 0.0], [0.0, 8.0]])
    X = (centres[rng.randint(3, size=300)] + rng.standard_normal((300, 2))) * [
        100.0,
        0.1,
    ]
    pipe = make_generative_pipeline(StandardScaler(), GaussianMixture(random_state=0))
    cv = KFold(3, shuffle=True, random_state=0)
    grid = {"gaussianmixture__n_components": [1, 2, 3]}
    search = GridSearchCV(pipe, grid, cv=cv).fit(X)
    assert search.best_params_ == {"gaussianmixture__n_components": 3}
    # The score of a split is the mean log-density of its held-out rows.
    for i, k in enumerate(grid["gaussianmixture__n_components"]):
        scores = [
            clone(pipe)
            .set_params(gaussianmixture__n_components=k)
            .fit(X[train])
            .score(X[test])
            for train, test in cv.split(X)
        ]
        assert search.cv_results_["mean_test_score"][i] == pytest.approx(
            np.mean(scores), rel=1e-12
        )


def test_score_is_the_weighted_mean_of_score_samples():
    X, _ = _stretched_blobs()
    pipe = make_generative_pipeline(StandardScaler(), GaussianMixture(2)).fit(X)
    weights = np.linspace(0.0, 1.0, len(X))
    assert pipe.score(X, sample_weight=weights) == pytest.approx(
        np.average(pipe.score_samples(X), weights=weights), rel=1e-12
    )


def test_make_generative_pipeline_names_and_slices():
    pipe = make_generative_pipeline(
        StandardScaler(), PCA(), GaussianMixture(), density_space="model"
    )
    assert [name for name, _ in pipe.steps] == [
        "standardscaler",
        "pca",
        "gaussianmixture",
    ]
    assert pipe.density_space == "model"
    head = pipe[:-1]
    assert type(head) is Pipeline
    tail = pipe[1:]
    assert type(tail) is GenerativePipeline
    assert tail.density_space == "model"
    assert pipe["pca"] is pipe[1]


def test_final_step_must_generate():
    X, y = _stretched_blobs()
    pipe = make_generative_pipeline(StandardScaler(), LogisticRegression())
    with pytest.raises(TypeError, match="'logisticregression'.*sample"):
        pipe.fit(X, y)


def test_a_sampler_returning_rows_alone_gives_no_latent():
    X, _ = _stretched_blobs()
    pipe = make_generative_pipeline(StandardScaler(), KernelDensity()).fit(X)
    X_new, latent = pipe.sample(4, random_state=0)
    assert X_new.shape == (4, 3)
    assert latent is None


def test_the_old_tabular_encoder_import_warns_and_works():
    import skgen.pipeline
    from skgen.preprocessing import TabularEncoder

    with pytest.warns(FutureWarning, match="numeric='standard'"):
        moved = skgen.pipeline.TabularEncoder
    assert moved is TabularEncoder
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        skgen.pipeline.nothing  # noqa: B018
