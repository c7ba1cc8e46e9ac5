"""The contract every skgen estimator keeps (doc/user_guide/index.rst).

Every test here runs over ``skgen.utils.all_estimators()``: an estimator is
checked by being listed.
"""

import json
import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.exceptions import NotFittedError
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import parametrize_with_checks

from skgen.utils import ConvergenceMonitor, all_estimators
from tests._contract import (
    fast_estimators,
    legal_form,
    make_estimator,
    targets,
    training_data,
)

ESTIMATORS = fast_estimators()
IDS = [type(est).__name__ for est in ESTIMATORS]


def _expected_failed_checks(estimator):
    return getattr(estimator, "_expected_failed_checks", {})


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def test_all_estimators_lists_the_public_estimators():
    import skgen

    names = [name for name, _ in all_estimators()]
    assert names == sorted(names)
    assert "GaussianMixture" in names
    for name in names:
        assert name in skgen.__all__


@pytest.fixture(params=ESTIMATORS, ids=IDS)
def fitted(request):
    estimator = clone(request.param)
    X = training_data(estimator)
    return estimator.fit(X, **targets(estimator, X)), X


def test_score_samples_shape_finite_and_score_is_mean(fitted):
    estimator, X = fitted
    log_prob = estimator.score_samples(X)
    assert log_prob.shape == (X.shape[0],)
    assert np.all(np.isfinite(log_prob))
    if not (is_classifier(estimator) or is_regressor(estimator)):  # accuracy, R^2
        assert estimator.score(X) == pytest.approx(log_prob.mean(), rel=1e-12)


def test_sample_returns_rows_and_latent(fitted):
    estimator, X = fitted
    X_new, latent = estimator.sample(7)
    assert X_new.shape == (7, X.shape[1])
    assert len(latent) == 7
    assert np.all(np.isfinite(X_new))


def test_sample_stream_advances_unless_seeded(fitted):
    estimator, _ = fitted
    first, _ = estimator.sample(5)
    second, _ = estimator.sample(5)
    assert not np.array_equal(first, second)
    seeded_a, _ = estimator.sample(5, random_state=3)
    seeded_b, _ = estimator.sample(5, random_state=3)
    np.testing.assert_array_equal(seeded_a, seeded_b)


def test_sample_stream_is_reproducible_from_random_state(fitted):
    estimator, X = fitted
    again = clone(estimator).fit(X, **targets(estimator, X))
    np.testing.assert_array_equal(estimator.sample(4)[0], again.sample(4)[0])


@pytest.mark.parametrize("n_samples", [0, -1, 2.5, "3"])
def test_sample_rejects_bad_n_samples(fitted, n_samples):
    estimator, _ = fitted
    with pytest.raises((ValueError, TypeError), match="n_samples"):
        estimator.sample(n_samples)


def test_bic_aic_from_log_likelihood(fitted):
    estimator, X = fitted
    log_lik = estimator.score_samples(X).sum()
    p = estimator._n_parameters()
    n = X.shape[0]
    assert estimator.bic(X) == pytest.approx(-2 * log_lik + p * np.log(n), rel=1e-10)
    assert estimator.aic(X) == pytest.approx(-2 * log_lik + 2 * p, rel=1e-10)


def test_pickle_round_trip(fitted):
    estimator, X = fitted
    restored = pickle.loads(pickle.dumps(estimator))
    np.testing.assert_array_equal(restored.score_samples(X), estimator.score_samples(X))
    np.testing.assert_array_equal(
        restored.sample(3, random_state=0)[0], estimator.sample(3, random_state=0)[0]
    )


def test_float32_input_gives_close_results(fitted):
    estimator, X = fitted
    X32 = X.astype(np.float32)
    fitted32 = clone(estimator).fit(X32, **targets(estimator, X))
    log_prob32 = fitted32.score_samples(X32)
    assert log_prob32.shape == (X.shape[0],)
    assert np.all(np.isfinite(log_prob32))
    np.testing.assert_allclose(
        log_prob32, estimator.score_samples(X), rtol=1e-3, atol=1e-3
    )


def test_dataframe_input_sets_feature_names(fitted):
    pd = pytest.importorskip("pandas")
    estimator, X = fitted
    frame = pd.DataFrame(X, columns=[f"col{i}" for i in range(X.shape[1])])
    from_frame = clone(estimator).fit(frame, **targets(estimator, X))
    np.testing.assert_array_equal(from_frame.feature_names_in_, frame.columns)
    np.testing.assert_allclose(
        from_frame.score_samples(frame), estimator.score_samples(X)
    )


_FIT_IN_SUBPROCESS = textwrap.dedent(
    """
    import hashlib, json, sys
    from inspect import signature
    import numpy as np
    import numba
    from skgen.utils import _threads, all_estimators
    from tests._contract import make_estimator, targets, training_data

    # Small data normally runs on one thread; make every kernel use them all.
    _threads.SMALL_WORK = 0
    digests = {"threads": numba.get_num_threads()}
    for name, cls in all_estimators():
        est = make_estimator(cls)
        X = training_data(est, n_samples=5000, seed=1)
        # Several sequences for sequence models (chunks of whole sequences).
        sequential = "lengths" in signature(est.fit).parameters
        lengths = {"lengths": [1000] * 5} if sequential else {}
        est.fit(X, **lengths, **targets(est, X, seed=1))
        h = hashlib.sha256()
        for attr in sorted(vars(est)):
            value = getattr(est, attr)
            if attr.endswith("_") and isinstance(value, np.ndarray):
                h.update(attr.encode()); h.update(np.ascontiguousarray(value).tobytes())
        h.update(est.score_samples(X).tobytes())
        digests[name] = h.hexdigest()
    print(json.dumps(digests))
    """
)


def test_fit_is_identical_for_one_and_two_threads():
    """A fixed random_state fixes the fit bit for bit, whatever the thread count."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    results = []
    for threads in ("1", "2"):
        env = {**os.environ, "NUMBA_NUM_THREADS": threads, "PYTHONPATH": root}
        out = subprocess.run(
            [sys.executable, "-c", _FIT_IN_SUBPROCESS],
            capture_output=True,
            text=True,
            env=env,
            cwd=root,
            check=True,
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    one, two = results
    assert (one.pop("threads"), two.pop("threads")) == (1, 2)
    assert one == two


# -- bad input: clear errors before any kernel runs ---------------------------


def _bad_arrays():
    X = training_data(None)
    with_nan = X.copy()
    with_nan[3, 1] = np.nan
    with_inf = X.copy()
    with_inf[0, 0] = np.inf
    return {
        "nan": (with_nan, ValueError, "NaN"),
        "inf": (with_inf, ValueError, "infinity"),
        "empty": (np.empty((0, 3)), ValueError, "0 sample"),
        "one-dimensional": (X[:, 0], ValueError, "2D array"),
        "three-dimensional": (X[:, :, None], ValueError, "dim"),
        "strings": (np.array([["a", "b"], ["c", "d"]]), ValueError, "convert|string"),
        "complex": (X.astype(complex), ValueError, "[Cc]omplex"),
    }


@pytest.mark.parametrize("case", list(_bad_arrays()))
@pytest.mark.parametrize("estimator", ESTIMATORS, ids=IDS)
def test_fit_rejects_bad_input_clearly(estimator, case):
    X, error, message = _bad_arrays()[case]
    tags = get_tags(estimator).input_tags
    if (case == "nan" and tags.allow_nan) or (case == "strings" and tags.string):
        pytest.skip(f"{type(estimator).__name__} takes {case} (its tags say so)")
    with pytest.raises(error, match=message):
        clone(estimator).fit(X, **targets(estimator, X))


def test_sparse_input_is_a_type_error_for_dense_models(fitted):
    from scipy import sparse

    estimator, X = fitted
    if get_tags(estimator).input_tags.sparse:
        pytest.skip(f"{type(estimator).__name__} takes sparse input")
    with pytest.raises(TypeError, match="[Ss]parse"):
        clone(estimator).fit(sparse.csr_matrix(X), **targets(estimator, X))


@pytest.mark.parametrize(
    "method", ["score_samples", "score", "predict", "predict_proba"]
)
def test_wrong_feature_count_is_named(fitted, method):
    estimator, X = fitted
    if not hasattr(estimator, method):
        pytest.skip(f"{type(estimator).__name__} has no {method}")
    y = targets(estimator, X).get("y")
    args = (y.clip(0),) if method == "score" and y is not None else ()
    with pytest.raises(ValueError, match="features"):
        getattr(estimator, method)(X[:, :-1], *args)


@pytest.mark.parametrize("method", ["score_samples", "sample", "bic"])
def test_unfitted_estimator_says_so(method):
    for estimator in ESTIMATORS:
        X = training_data(estimator)
        args = () if method == "sample" else (X,)
        with pytest.raises(NotFittedError):
            getattr(clone(estimator), method)(*args)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=IDS)
def test_bad_parameter_is_named(estimator):
    X = training_data(estimator)
    for name in ("n_components", "max_iter", "random_state"):
        if name in estimator.get_params():
            bad = clone(estimator).set_params(**{name: "bad"})
            with pytest.raises(ValueError, match=name):
                bad.fit(X, **targets(estimator, X))


def test_awkward_but_legal_data_gives_finite_results():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((80, 3))
    cases = {
        "constant column": np.column_stack([X[:, :2], np.full(80, 7.0)]),
        "duplicate rows": np.repeat(X[:10], 8, axis=0),
        "huge values": X * 1e6 + 1e9,
        "tiny values": X * 1e-8,
    }
    for _, cls in all_estimators():
        for label, data in cases.items():
            estimator = clone(make_estimator(cls))
            data = legal_form(estimator, data)
            with np.errstate(over="raise", invalid="raise", divide="raise"):
                estimator.fit(data, **targets(estimator, data))
                log_prob = estimator.score_samples(data)
            assert np.all(np.isfinite(log_prob)), (cls.__name__, label)
            assert np.all(np.isfinite(estimator.sample(5)[0])), (cls.__name__, label)


def test_score_takes_sample_weight(fitted):
    estimator, X = fitted
    weights = np.linspace(0.0, 2.0, X.shape[0])
    if is_classifier(estimator):  # weighted accuracy
        y = targets(estimator, X)["y"].clip(0)
        correct = estimator.predict(X) == y
        expected = np.average(correct, weights=weights)
        assert estimator.score(X, y, sample_weight=weights) == pytest.approx(expected)
        return
    if is_regressor(estimator):  # weighted R^2
        from sklearn.metrics import r2_score

        y = targets(estimator, X)["y"]
        expected = r2_score(y, estimator.predict(X), sample_weight=weights)
        assert estimator.score(X, y, sample_weight=weights) == pytest.approx(expected)
        return
    expected = np.average(estimator.score_samples(X), weights=weights)
    assert estimator.score(X, sample_weight=weights) == pytest.approx(
        expected, rel=1e-12
    )


def test_pipeline_score_under_metadata_routing(fitted):
    """Pipeline.score passes sample_weight when routing is on (scikit-learn's
    own GaussianMixture fails there); every skgen model accepts it."""
    import sklearn
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    estimator, X = fitted
    with sklearn.config_context(enable_metadata_routing=True):
        fit_y = targets(estimator, X)
        pipe = make_pipeline(FunctionTransformer(), clone(estimator)).fit(X, **fit_y)
        score_y = {"y": fit_y["y"].clip(0)} if fit_y else {}
        assert pipe.score(X, **score_y) == pytest.approx(
            pipe[-1].score(X, **score_y), rel=1e-12
        )


def test_iterative_fits_expose_one_convergence_monitor(fitted):
    """Every fit with a convergence criterion records it in ``monitor_``."""
    estimator, _ = fitted
    iterative = ("max_iter" in estimator.get_params()) or hasattr(estimator, "n_iter")
    if type(estimator).__name__ == "GAN":
        pytest.skip("a two-player game has no loss that settles: no criterion")
    if not iterative and not hasattr(estimator, "converged_"):
        pytest.skip(f"{type(estimator).__name__} does not iterate")
    monitor = estimator.monitor_
    assert isinstance(monitor, ConvergenceMonitor)
    assert monitor.converged == getattr(estimator, "converged_", monitor.converged)
    assert monitor.iter == len(monitor.history)
    if hasattr(estimator, "lower_bounds_"):
        assert list(estimator.lower_bounds_) == monitor.history
