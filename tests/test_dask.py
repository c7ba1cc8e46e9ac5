"""Dask input: exact EM with the E-step on a LocalCluster's workers.

One ``dask.distributed.LocalCluster`` for the module (2 worker processes of
1 thread each, on loopback), closed at the end. Every fit on a dask array is
compared with the in-memory fit on the same rows from the same start: they
differ by the order of the additions only, so they agree to 1e-10 relative.
"""

import warnings

import numpy as np
import pytest

distributed = pytest.importorskip("dask.distributed")
da = pytest.importorskip("dask.array")
import dask  # noqa: E402

from skgen.hmm import GMMHMM, CategoricalHMM, GaussianHMM, PoissonHMM  # noqa: E402
from skgen.mixture import GaussianMixture  # noqa: E402
from skgen.naive_bayes import (  # noqa: E402
    BernoulliNB,
    CategoricalNB,
    GaussianNB,
    MultinomialNB,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
RTOL = 1e-10
# Uneven row blocks, none of them the in-memory kernel's chunks.
ROW_CHUNKS = (700, 500, 900, 400)


@pytest.fixture(scope="module", autouse=True)
def client():
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def fit_mixture(model, X, **kwargs):
    """GaussianMixture on dask ``X``, through its own ``fit``."""
    return model.fit(X, **kwargs)


def in_blocks(X):
    return da.from_array(X, (ROW_CHUNKS, -1))


def assert_close(actual, expected, rtol=RTOL):
    """Relative to the largest entry, so that near-zero entries do not dominate;
    infinite entries (an unseen class's log prior) must be equal."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    finite = np.isfinite(expected)
    np.testing.assert_array_equal(actual[~finite], expected[~finite])
    actual, expected = actual[finite], expected[finite]
    if expected.size:
        scale = max(np.max(np.abs(expected)), np.finfo(np.float64).tiny)
        assert np.max(np.abs(actual - expected)) <= rtol * scale


def blobs(n_samples=2500, n_features=3, seed=0):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0] * n_features, [3.0] * n_features, [-2.0, 4.0, 1.0]])
    labels = rng.integers(3, size=n_samples)
    return centres[labels, :n_features] + rng.normal(size=(n_samples, n_features))


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
    X[123, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
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


# -- naive Bayes ---------------------------------------------------------------


def nb_data(name, n_samples=2500, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.choice(np.array(["a", "b", "c"]), size=n_samples)
    if name == "gaussian":
        X = rng.normal(size=(n_samples, 4)) + 10.0 * (y == "b")[:, np.newaxis]
    else:
        X = rng.poisson(2.0, size=(n_samples, 4)) + 3 * (y == "a")[:, np.newaxis]
    return X, y


NB_MODELS = {
    "gaussian": GaussianNB,
    "multinomial": MultinomialNB,
    "bernoulli": lambda: BernoulliNB(binarize=2.0),
    "categorical": CategoricalNB,
}


def fitted_attributes(model):
    return {k: v for k, v in vars(model).items() if k.endswith("_") and k[0] != "_"}


def assert_same_fitted_attributes(got, ref):
    expected = fitted_attributes(ref)
    assert set(fitted_attributes(got)) == set(expected)
    for attribute, value in expected.items():
        actual = getattr(got, attribute)
        if isinstance(value, list):
            for a, b in zip(actual, value):
                assert_close(a, b)
        elif np.asarray(value).dtype.kind == "f":
            assert_close(actual, value)
        else:
            np.testing.assert_array_equal(actual, value)


@pytest.mark.parametrize("name", list(NB_MODELS))
@pytest.mark.parametrize("weighted", [False, True])
def test_naive_bayes_fit_equals_the_in_memory_fit(name, weighted):
    X, y = nb_data(name)
    weights = None
    if weighted:
        weights = np.random.default_rng(1).uniform(0.0, 2.0, X.shape[0])
    ref = NB_MODELS[name]().fit(X, y, sample_weight=weights)
    got = NB_MODELS[name]().fit(
        da.from_array(X, (ROW_CHUNKS, 4)),
        da.from_array(y, (ROW_CHUNKS,)),
        sample_weight=weights,
    )
    assert_same_fitted_attributes(got, ref)


@pytest.mark.parametrize("name", list(NB_MODELS))
def test_naive_bayes_predictions_are_dask_arrays(name):
    X, y = nb_data(name, seed=1)
    model = NB_MODELS[name]().fit(X, y)
    dX = da.from_array(X, (ROW_CHUNKS, 4))
    for method in ("predict_proba", "predict_log_proba", "score_samples"):
        result = getattr(model, method)(dX)
        assert isinstance(result, da.Array)
        assert_close(result.compute(), getattr(model, method)(X))
    labels = model.predict(dX)
    assert isinstance(labels, da.Array)
    np.testing.assert_array_equal(labels.compute(), model.predict(X))


# -- HMMs ------------------------------------------------------------------------


def hmm_data(family, seed=0):
    """Stacked sequences and their lengths; three regimes of the state."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(30, 90, size=40)
    states = rng.integers(3, size=lengths.sum())
    X = np.array([[0.0, 0.0], [3.0, 1.0], [-2.0, 2.5]])[states] + rng.normal(
        size=(lengths.sum(), 2)
    )
    if family == "categorical":
        X = np.digitize(X[:, :1], [-1.0, 1.0, 2.5])
    elif family == "poisson":
        X = np.floor(np.abs(X) * 2)
    return X, lengths


HMM_MODELS = {
    "gaussian-full": lambda: GaussianHMM(3, covariance_type="full"),
    "gaussian-diag": lambda: GaussianHMM(3, covariance_type="diag"),
    "gmm-tied": lambda: GMMHMM(3, n_mix=2, covariance_type="tied"),
    "categorical": lambda: CategoricalHMM(3),
    "poisson": lambda: PoissonHMM(3),
}


def hmm_blocks(X, lengths, per_block=(9, 13, 6, 12)):
    """A dask array whose blocks hold whole sequences (uneven numbers)."""
    ends = np.cumsum(per_block)
    rows = [int(lengths[s:e].sum()) for s, e in zip([0, *ends[:-1]], ends)]
    return da.from_array(X, (tuple(rows), X.shape[1]))


@pytest.mark.parametrize("name", list(HMM_MODELS))
def test_hmm_fit_equals_the_in_memory_fit(name):
    X, lengths = hmm_data(name.split("-")[0])
    params = dict(n_iter=8, tol=0.0, random_state=0)
    ref = HMM_MODELS[name]().set_params(**params).fit(X, lengths=lengths)
    got = HMM_MODELS[name]().set_params(**params)
    got.fit(hmm_blocks(X, lengths), lengths=lengths)
    names = ("startprob_", "transmat_", *ref._emission_parameter_names)
    for attribute in names:
        assert_close(getattr(got, attribute), getattr(ref, attribute))
    assert_close(got.lower_bounds_, ref.lower_bounds_)


def test_hmm_sequence_ids_as_dask_and_predictions():
    X, lengths = hmm_data("gaussian", seed=1)
    ids = np.repeat(np.arange(len(lengths)), lengths)
    dX = hmm_blocks(X, lengths)
    d_ids = da.from_array(ids, (dX.chunks[0],))
    ref = GaussianHMM(3, n_iter=5, tol=0.0, random_state=0).fit(X, lengths=lengths)
    got = GaussianHMM(3, n_iter=5, tol=0.0, random_state=0).fit(dX, sequence_ids=d_ids)
    assert_close(got.means_, ref.means_)
    log_prob = got.score_samples(dX, sequence_ids=ids)
    proba = got.predict_proba(dX, lengths=lengths)
    states = got.predict(dX, lengths=lengths)
    for result in (log_prob, proba, states):
        assert isinstance(result, da.Array)
    assert_close(log_prob.compute(), ref.score_samples(X, lengths=lengths))
    assert_close(proba.compute(), ref.predict_proba(X, lengths=lengths))
    np.testing.assert_array_equal(states.compute(), ref.predict(X, lengths=lengths))
    log_prob_path, _ = got.decode(dX, lengths=lengths)
    assert_close(float(log_prob_path), ref.decode(X, lengths=lengths)[0])
    assert_close(got.score(dX, lengths=lengths), ref.score(X, lengths=lengths))


def test_hmm_sequence_across_blocks_is_an_error():
    X, lengths = hmm_data("gaussian")
    with pytest.raises(
        ValueError,
        match=r"starts at row 50, inside sequence 0 \(rows 0 to 80\).*Rechunk",
    ):
        GaussianHMM(2).fit(da.from_array(X, 50), lengths=lengths)


# -- model selection on the cluster --------------------------------------------


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


# -- sampling in blocks ------------------------------------------------------------


def sample_mixture(model, n_samples, **kwargs):
    return model.sample(n_samples, **kwargs)


def test_samples_in_blocks_are_lazy_reproducible_and_from_the_model():
    X = blobs(seed=7)
    models = {
        "mixture": GaussianMixture(3, random_state=0).fit(X),
        "naive_bayes": GaussianNB(random_state=0).fit(X, X[:, 0] > 1.5),
        "hmm": GaussianHMM(3, random_state=0).fit(X),
    }
    for name, model in models.items():
        draw = sample_mixture if name == "mixture" else type(model).sample
        rows, latent = draw(model, 20_000, chunks=3000, random_state=1)
        assert isinstance(rows, da.Array) and isinstance(latent, da.Array)
        assert rows.chunks == ((3000,) * 6 + (2000,), (3,))
        again, _ = draw(model, 20_000, chunks=3000, random_state=1)
        np.testing.assert_array_equal(rows.compute(), again.compute())
        # The model's stream advances: two calls without a seed differ.
        first, _ = draw(model, 100, chunks=30)
        second, _ = draw(model, 100, chunks=30)
        assert not np.array_equal(first.compute(), second.compute())
        # Rows come from the model: their mean is the model's (20,000 draws).
        reference, _ = model.sample(20_000, random_state=2)
        np.testing.assert_allclose(
            rows.mean(axis=0).compute(), reference.mean(axis=0), atol=0.1
        )


def test_hmm_blocks_sample_one_markov_chain():
    # A left-to-right chain that must not restart at each block.
    model = GaussianHMM(3, init_params="", params="")
    model.startprob_ = np.array([1.0, 0.0, 0.0])
    model.transmat_ = np.array([[0.99, 0.01, 0.0], [0.0, 0.99, 0.01], [0.0, 0.0, 1.0]])
    model.means_ = np.zeros((3, 1))
    model.covars_ = np.ones((3, 1))
    model.n_features_in_ = 1
    model.converged_ = True
    _, states = model.sample(2000, chunks=100, random_state=0)
    states = states.compute()
    assert np.all(np.diff(states) >= 0)
    assert states[-1] == 2


# -- initialisation from drawn rows ----------------------------------------------


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

    # A categorical HMM's alphabet is all X's, even if the drawn rows miss
    # the largest symbol.
    symbols, lengths = hmm_data("categorical")
    symbols[-1] = 7  # once, in the last row
    hmm = CategoricalHMM(3, n_iter=2, random_state=0)
    hmm.fit(hmm_blocks(symbols, lengths), lengths=lengths)
    assert hmm.n_symbols_ == 8


# -- partial_fit on dask batches -------------------------------------------------


@pytest.fixture
def no_materialising(monkeypatch):
    """Turning a whole dask batch into one numpy array (in this process) fails."""

    def refuse(self, *args, **kwargs):
        raise AssertionError("a dask batch was materialised in the client")

    monkeypatch.setattr(da.Array, "__array__", refuse)


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


@pytest.mark.parametrize("name", list(NB_MODELS))
def test_naive_bayes_partial_fit_on_dask_batches_equals_in_memory(
    name, no_materialising
):
    X, y = nb_data(name)
    weights = np.random.default_rng(2).uniform(0.0, 2.0, X.shape[0])
    ref, got = NB_MODELS[name](), NB_MODELS[name]()
    for rows in (slice(0, 1200), slice(1200, 2000), slice(2000, None)):
        ref.partial_fit(
            X[rows], y[rows], classes=["a", "b", "c"], sample_weight=weights[rows]
        )
        got.partial_fit(
            da.from_array(X[rows], (300, -1)),
            da.from_array(y[rows], 300),
            classes=["a", "b", "c"],
            sample_weight=da.from_array(weights[rows], 300),
        )
    assert_same_fitted_attributes(got, ref)
    with pytest.raises(ValueError, match="do not exist in the initial classes"):
        got.partial_fit(da.from_array(X[:10], 5), da.from_array(np.full(10, "z"), 5))


def test_hmm_partial_fit_on_dask_batches_equals_in_memory(no_materialising):
    X, lengths = hmm_data("gaussian")
    ref = GaussianHMM(3, random_state=0)
    got = GaussianHMM(3, random_state=0)
    first, second = lengths[:22], lengths[22:]
    split = int(first.sum())
    ref.partial_fit(X[:split], lengths=first).partial_fit(X[split:], lengths=second)
    got.partial_fit(hmm_blocks(X[:split], first, (9, 13)), lengths=first)
    got.partial_fit(hmm_blocks(X[split:], second, (6, 12)), lengths=second)
    for attribute in ("startprob_", "transmat_", "means_", "covars_"):
        assert_close(getattr(got, attribute), getattr(ref, attribute))


@pytest.mark.parametrize("name", ["gaussian", "multinomial"])
def test_naive_bayes_partial_fit_with_a_class_not_seen_yet(name):
    X, y = nb_data(name)
    keep = y != "c"  # class "c" is declared, never seen
    X, y = X[keep], y[keep]
    ref, got = NB_MODELS[name](), NB_MODELS[name]()
    for rows, scale in ((slice(0, 800), 1.0), (slice(800, None), 10.0)):
        ref.partial_fit(X[rows] * scale, y[rows], classes=["a", "b", "c"])
        got.partial_fit(
            da.from_array(X[rows] * scale, (300, -1)),
            da.from_array(y[rows], 300),
            classes=["a", "b", "c"],
        )
    assert_same_fitted_attributes(got, ref)
    with pytest.raises(ValueError, match="is not the same as on last call"):
        got.partial_fit(
            da.from_array(X[:10], 5), da.from_array(y[:10], 5), classes=["a", "b"]
        )
