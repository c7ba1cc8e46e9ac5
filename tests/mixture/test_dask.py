"""GaussianMixture on dask arrays: exact EM with the E-step on the workers."""

import warnings

import numpy as np
import pytest

distributed = pytest.importorskip("dask.distributed")
da = pytest.importorskip("dask.array")
import dask  # noqa: E402

from skgen.mixture import GaussianMixture  # noqa: E402
from tests._dask_helpers import (  # noqa: E402
    ROW_CHUNKS,
    assert_close,
    blobs,
    check_samples_in_blocks,
    in_blocks,
)

pytestmark = [
    pytest.mark.usefixtures("dask_client"),
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
]


def fit_mixture(model, X, **kwargs):
    """GaussianMixture on dask ``X``, through its own ``fit``."""
    return model.fit(X, **kwargs)


def starting_point(X, covariance_type, n_components=3):
    init = GaussianMixture(
        n_components, covariance_type=covariance_type, max_iter=0, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        init.fit(X)
    return dict(
        weights_init=init.weights_,
        means_init=init.means_,
        precisions_init=init.precisions_,
    )


# -- GaussianMixture -------------------------------------------------------------


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_mixture_from_a_given_start_equals_the_in_memory_fit(covariance_type):
    X = blobs()
    params = dict(
        n_components=3,
        covariance_type=covariance_type,
        max_iter=15,
        tol=0.0,
        n_init=1,
        **starting_point(X, covariance_type),
    )
    ref = GaussianMixture(**params).fit(X)
    got = fit_mixture(GaussianMixture(**params), in_blocks(X))
    for name in ("weights_", "means_", "covariances_", "precisions_cholesky_"):
        assert_close(getattr(got, name), getattr(ref, name))
    assert_close(got.lower_bounds_, ref.lower_bounds_)
    assert (got.n_iter_, got.converged_) == (ref.n_iter_, ref.converged_)
    assert got.n_features_in_ == 3


@pytest.mark.parametrize("init_params", ["kmeans", "random_from_data"])
def test_mixture_default_start_on_few_rows_is_the_in_memory_start(init_params):
    # Fewer rows than INIT_SAMPLE_ROWS: the initialisation sees all of them,
    # in order, with the same random stream.
    X = blobs(seed=1)
    params = dict(n_components=3, init_params=init_params, n_init=2, random_state=0)
    ref = GaussianMixture(**params).fit(X)
    got = fit_mixture(GaussianMixture(**params), in_blocks(X))
    assert_close(got.means_, ref.means_)
    assert_close(got.lower_bound_, ref.lower_bound_)
    assert got.n_iter_ == ref.n_iter_


def test_mixture_sample_weight_as_dask_or_numpy():
    X = blobs(seed=2)
    weights = np.random.default_rng(0).uniform(0.0, 3.0, X.shape[0])
    weights[:50] = 0.0
    params = dict(n_components=3, max_iter=10, tol=0.0, random_state=0)
    ref = GaussianMixture(**params).fit(X, sample_weight=weights)
    dX = in_blocks(X)
    for w in (weights, da.from_array(weights, 1000)):
        got = fit_mixture(GaussianMixture(**params), dX, sample_weight=w)
        assert_close(got.means_, ref.means_)
        assert_close(got.covariances_, ref.covariances_)
        assert_close(got.lower_bound_, ref.lower_bound_)


def test_mixture_fit_is_identical_on_any_scheduler():
    # The reduction's order depends on the blocks only, not on the workers.
    X = in_blocks(blobs(seed=3))
    params = dict(n_components=3, max_iter=5, tol=0.0, random_state=0)
    on_cluster = fit_mixture(GaussianMixture(**params), X)
    with dask.config.set(scheduler="synchronous"):
        in_process = fit_mixture(GaussianMixture(**params), X)
    np.testing.assert_array_equal(on_cluster.means_, in_process.means_)
    np.testing.assert_array_equal(on_cluster.covariances_, in_process.covariances_)


def test_mixture_predictions_are_dask_arrays():
    X = blobs(seed=4)
    dX = in_blocks(X)
    model = GaussianMixture(3, random_state=0).fit(X)
    labels = model.predict(dX)
    proba = model.predict_proba(dX)
    log_prob = model.score_samples(dX)
    for result in (labels, proba, log_prob):
        assert isinstance(result, da.Array)
    assert proba.shape == (X.shape[0], 3) and proba.chunks[0] == ROW_CHUNKS
    np.testing.assert_array_equal(labels.compute(), model.predict(X))
    assert_close(proba.compute(), model.predict_proba(X))
    assert_close(log_prob.compute(), model.score_samples(X))


def test_mixture_fit_predict_returns_lazy_labels():
    X = blobs(seed=5)
    model = GaussianMixture(3, random_state=0)
    labels = model.fit_predict(in_blocks(X))
    assert isinstance(labels, da.Array)
    np.testing.assert_array_equal(labels.compute(), model.predict(X))


def test_mixture_bad_dask_input():
    X = blobs(n_samples=400)
    X[123, 1] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        fit_mixture(GaussianMixture(2, random_state=0), da.from_array(X, 100))
    X[123] = np.nan  # a row with no observed entry
    with pytest.raises(ValueError, match="every entry missing"):
        fit_mixture(GaussianMixture(2, random_state=0), da.from_array(X, 100))
    with pytest.raises(ValueError, match="2-d"):
        fit_mixture(GaussianMixture(2), da.ones(10, chunks=5))
    unknown = da.from_array(blobs(n_samples=100), 50)
    unknown = unknown[unknown[:, 0] > -100]
    with pytest.raises(ValueError, match="compute_chunk_sizes"):
        fit_mixture(GaussianMixture(2), unknown)
    model = GaussianMixture(2, random_state=0).fit(blobs(n_samples=100))
    with pytest.raises(ValueError, match="expecting 3 features"):
        model.predict(da.ones((10, 2), chunks=5))


def test_grid_search_through_the_joblib_dask_backend():
    joblib = pytest.importorskip("joblib")
    from sklearn.model_selection import GridSearchCV

    X = blobs(n_samples=600, seed=6)
    grid = {"n_components": [1, 2, 3], "covariance_type": ["full", "diag"]}

    def search():
        return GridSearchCV(GaussianMixture(random_state=0), grid, cv=3, n_jobs=-1)

    ref = search().fit(X)
    with joblib.parallel_backend("dask"):
        got = search().fit(X)
    assert got.best_params_ == ref.best_params_
    assert_close(got.cv_results_["mean_test_score"], ref.cv_results_["mean_test_score"])


def test_samples_in_blocks_are_lazy_reproducible_and_from_the_model():
    check_samples_in_blocks(GaussianMixture(3, random_state=0).fit(blobs(seed=7)))


def test_initialisation_from_rows_drawn_from_a_larger_array(monkeypatch):
    from skgen.utils import _dask as utils_dask

    monkeypatch.setattr(utils_dask, "INIT_SAMPLE_ROWS", 300)
    X = blobs(seed=8)
    dX = in_blocks(X)
    model = fit_mixture(GaussianMixture(3, random_state=0), dX)
    again = fit_mixture(GaussianMixture(3, random_state=0), dX)
    np.testing.assert_array_equal(model.means_, again.means_)
    # Started from 300 of the 2,500 rows, EM finds the same three blobs (to
    # its tolerance, 1e-3).
    reference = GaussianMixture(3, random_state=0).fit(X)
    order = np.argsort(model.means_[:, 0])
    ref_order = np.argsort(reference.means_[:, 0])
    assert_close(model.means_[order], reference.means_[ref_order], rtol=1e-2)


def test_mixture_partial_fit_on_dask_batches_equals_in_memory(no_materialising):
    X = blobs()
    ref = GaussianMixture(3, random_state=0)
    got = GaussianMixture(3, random_state=0)
    for rows in (slice(0, 1500), slice(1500, None)):
        ref.partial_fit(X[rows])
        got.partial_fit(da.from_array(X[rows], (500, -1)))
    for attribute in ("weights_", "means_", "covariances_"):
        assert_close(getattr(got, attribute), getattr(ref, attribute))
    with pytest.raises(ValueError, match="features"):
        got.partial_fit(da.from_array(X[:, :2], (500, -1)))


def test_mixed_type_mixture_on_dask_equals_the_in_memory_fit(no_materialising):
    from skgen.mixture import MixedTypeMixture

    rng = np.random.default_rng(3)
    group = rng.integers(2, size=2500)
    X = np.column_stack(
        [
            rng.normal(3.0 * group, 1.0),
            rng.integers(3, size=2500) * (1 - group) + 2 * group,
            rng.uniform(size=2500) < 0.3 + 0.4 * group,
            rng.poisson(1.0 + 3.0 * group),
        ]
    ).astype(float)
    params = dict(
        column_types={3: "poisson"}, init_params="random", random_state=0, tol=0.0
    )
    ref = MixedTypeMixture(2, max_iter=10, **params).fit(X)
    got = MixedTypeMixture(2, max_iter=10, **params).fit(in_blocks(X))
    assert got.column_types_.tolist() == ref.column_types_.tolist()
    for name in ("weights_", "means_", "categorical_probs_", "poisson_rates_"):
        assert_close(getattr(got, name), getattr(ref, name))
    labels = got.predict(in_blocks(X))
    assert isinstance(labels, da.Array)
    np.testing.assert_array_equal(labels.compute(), ref.predict(X))
    online = MixedTypeMixture(2, **params).partial_fit(in_blocks(X))
    in_memory = MixedTypeMixture(2, **params).partial_fit(X)
    assert_close(online.categorical_probs_, in_memory.categorical_probs_)


def test_mixed_type_mixture_refit_on_dask_reads_the_new_column_types():
    from skgen.mixture import MixedTypeMixture

    rng = np.random.RandomState(0)
    gaussian = rng.normal(size=(2500, 1))
    binary = np.column_stack([gaussian, rng.randint(2, size=2500)])
    codes = np.column_stack([gaussian, rng.randint(3, size=2500)])
    model = MixedTypeMixture(2, random_state=0, max_iter=5).fit(in_blocks(binary))
    assert model.column_types_.tolist() == ["gaussian", "bernoulli"]
    model.fit(in_blocks(codes))
    ref = MixedTypeMixture(2, random_state=0, max_iter=5).fit(codes)
    assert model.column_types_.tolist() == ["gaussian", "categorical"]
    assert_close(model.categorical_probs_, ref.categorical_probs_)


def test_mixed_type_mixture_samples_in_blocks():
    from skgen.mixture import MixedTypeMixture

    X = np.column_stack(
        [np.random.RandomState(0).normal(size=300), np.arange(300) % 3]
    ).astype(float)
    model = MixedTypeMixture(2, random_state=0, max_iter=5).fit(X)
    rows, labels = model.sample(250, random_state=1, chunks=100)
    assert isinstance(rows, da.Array) and rows.chunks[0] == (100, 100, 50)
    again, _ = model.sample(250, random_state=1, chunks=100)
    drawn = rows.compute()
    np.testing.assert_array_equal(drawn, again.compute())
    assert set(np.unique(drawn[:, 1])) <= {0.0, 1.0, 2.0}
    assert labels.compute().shape == (250,)


# -- BayesianGaussianMixture -----------------------------------------------------


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_bayesian_mixture_equals_the_in_memory_fit(covariance_type):
    # The default priors (the data's mean and covariance) are reduced block by
    # block on the workers too.
    from skgen.mixture import BayesianGaussianMixture

    X = blobs(seed=5)
    params = dict(
        n_components=4, covariance_type=covariance_type, max_iter=15, random_state=0
    )
    ref = BayesianGaussianMixture(**params).fit(X)
    got = fit_mixture(BayesianGaussianMixture(**params), in_blocks(X))
    for name in ("mean_prior_", "covariance_prior_", "weights_", "means_"):
        assert_close(getattr(got, name), getattr(ref, name))
    assert_close(got.covariances_, ref.covariances_)
    assert_close(got.lower_bounds_, ref.lower_bounds_)
    assert_close(got.predict_proba(in_blocks(X)).compute(), ref.predict_proba(X))


def test_bayesian_mixture_sample_weight_as_dask():
    from skgen.mixture import BayesianGaussianMixture

    X = blobs(seed=6)
    weights = np.random.default_rng(1).integers(0, 3, X.shape[0]).astype(float)
    params = dict(n_components=3, max_iter=10, tol=0.0, random_state=0)
    ref = BayesianGaussianMixture(**params).fit(X, sample_weight=weights)
    got = fit_mixture(
        BayesianGaussianMixture(**params),
        in_blocks(X),
        sample_weight=da.from_array(weights, 1000),
    )
    assert_close(got.means_, ref.means_)
    assert_close(got.lower_bound_, ref.lower_bound_)


def test_mixture_with_missing_entries_equals_the_in_memory_fit():
    X = blobs(seed=7)
    X[np.random.default_rng(0).random(X.shape) < 0.2] = np.nan
    X[np.isnan(X).all(axis=1), 0] = 0.0
    params = dict(n_components=3, max_iter=10, tol=0.0, random_state=0)
    ref = GaussianMixture(**params).fit(X)
    got = fit_mixture(GaussianMixture(**params), in_blocks(X))
    assert_close(got.means_, ref.means_)
    assert_close(got.covariances_, ref.covariances_)
    assert_close(got.lower_bounds_, ref.lower_bounds_)
    assert_close(got.score_samples(in_blocks(X)).compute(), ref.score_samples(X))
