"""Naive Bayes on dask arrays: per-block sums on the workers, added in order."""

import numpy as np
import pytest

distributed = pytest.importorskip("dask.distributed")
da = pytest.importorskip("dask.array")

from skgen.naive_bayes import (  # noqa: E402
    BernoulliNB,
    CategoricalNB,
    ComplementNB,
    GaussianNB,
    MultinomialNB,
)
from tests._dask_helpers import (  # noqa: E402
    ROW_CHUNKS,
    assert_close,
    blobs,
    check_samples_in_blocks,
)

pytestmark = pytest.mark.usefixtures("dask_client")


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
    "complement": ComplementNB,
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


def test_samples_in_blocks_are_lazy_reproducible_and_from_the_model():
    X = blobs(seed=7)
    check_samples_in_blocks(GaussianNB(random_state=0).fit(X, X[:, 0] > 1.5))


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
