"""GaussianMixture against independent references: scikit-learn's
GaussianMixture, scipy.stats densities and Monte-Carlo moments."""

import pickle
import warnings

import numpy as np
import pytest
from scipy import stats
from sklearn import mixture as sk_mixture
from sklearn.exceptions import ConvergenceWarning

from skgen.mixture import GaussianMixture
from skgen.mixture._gaussian_mixture import (
    _blend,
    _e_step_sums,
    _finish_e_step,
    _statistics_from_resp,
)

COVARIANCE_TYPES = ["full", "tied", "diag", "spherical"]


def _em_pass(X, weights, means, precisions_chol, covariance_type):
    """One E-step over all rows in memory: (mean log-likelihood, statistics)."""
    sums = _e_step_sums(X, None, weights, means, precisions_chol, covariance_type)
    return _finish_e_step(sums, weights, means, covariance_type)


def three_blobs(n_per_blob=200, seed=0, dtype=np.float64):
    rng = np.random.RandomState(seed)
    centres = np.array([[0.0, 0.0, 0.0], [4.0, 4.0, 0.0], [0.0, 5.0, 5.0]])
    scales = np.array([1.0, 0.5, 1.5])
    X = np.vstack(
        [c + s * rng.standard_normal((n_per_blob, 3)) for c, s in zip(centres, scales)]
    )
    return X.astype(dtype)


def specified_start(X, covariance_type, n_components=3, seed=0):
    """A full starting point (weights, means, precisions) from sklearn's init."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        init = sk_mixture.GaussianMixture(
            n_components, covariance_type=covariance_type, max_iter=0, random_state=seed
        ).fit(X)
    return dict(
        n_components=n_components,
        covariance_type=covariance_type,
        weights_init=init.weights_,
        means_init=init.means_,
        precisions_init=init.precisions_,
    )


def fit_quietly(estimator, X, sample_weight=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if sample_weight is None:  # scikit-learn's GaussianMixture has none
            return estimator.fit(X)
        return estimator.fit(X, sample_weight=sample_weight)


FITTED = ["weights_", "means_", "covariances_", "precisions_cholesky_", "precisions_"]


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("n_iter", [1, 20])
def test_em_matches_sklearn_from_a_specified_start(covariance_type, n_iter):
    X = three_blobs()
    start = specified_start(X, covariance_type)
    ours = fit_quietly(GaussianMixture(max_iter=n_iter, tol=0, **start), X)
    ref = fit_quietly(sk_mixture.GaussianMixture(max_iter=n_iter, tol=0, **start), X)
    for name in FITTED:
        np.testing.assert_allclose(
            getattr(ours, name), getattr(ref, name), rtol=1e-8, atol=1e-12, err_msg=name
        )
    assert ours.lower_bound_ == pytest.approx(ref.lower_bound_, rel=1e-8)
    np.testing.assert_allclose(ours.lower_bounds_, ref.lower_bounds_, rtol=1e-8)
    assert ours.n_iter_ == ref.n_iter_ == n_iter
    np.testing.assert_allclose(ours.score_samples(X), ref.score_samples(X), rtol=1e-8)
    np.testing.assert_allclose(
        ours.predict_proba(X), ref.predict_proba(X), rtol=1e-7, atol=1e-12
    )
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    assert ours.bic(X) == pytest.approx(ref.bic(X), rel=1e-8)
    assert ours.aic(X) == pytest.approx(ref.aic(X), rel=1e-8)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize(
    "init_params", ["kmeans", "k-means++", "random", "random_from_data"]
)
def test_default_initialisations_match_sklearn(covariance_type, init_params):
    X = three_blobs(n_per_blob=60, seed=1)
    params = dict(
        n_components=3,
        covariance_type=covariance_type,
        init_params=init_params,
        random_state=7,
    )
    ours = fit_quietly(GaussianMixture(**params), X)
    ref = fit_quietly(sk_mixture.GaussianMixture(**params), X)
    for name in FITTED:
        np.testing.assert_allclose(
            getattr(ours, name), getattr(ref, name), rtol=1e-6, atol=1e-9, err_msg=name
        )
    assert ours.converged_ == ref.converged_
    assert ours.n_iter_ == ref.n_iter_


def dense_covariances(gm):
    """Each component's covariance as a (n_features, n_features) matrix."""
    n_components, n_features = gm.means_.shape
    if gm.covariance_type == "full":
        return list(gm.covariances_)
    if gm.covariance_type == "tied":
        return [gm.covariances_] * n_components
    if gm.covariance_type == "diag":
        return [np.diag(c) for c in gm.covariances_]
    return [c * np.eye(n_features) for c in gm.covariances_]


def reference_log_density(gm, X):
    """log p(x) from scipy.stats, component by component."""
    covariances = dense_covariances(gm)
    per_component = np.column_stack(
        [
            np.log(w) + stats.multivariate_normal(m, c).logpdf(X)
            for w, m, c in zip(gm.weights_, gm.means_, covariances)
        ]
    )
    return np.logaddexp.reduce(per_component, axis=1)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_score_samples_matches_scipy_stats(covariance_type):
    X = three_blobs(seed=2)
    gm = GaussianMixture(3, covariance_type=covariance_type, random_state=0).fit(X)
    X_test = three_blobs(n_per_blob=30, seed=3)
    np.testing.assert_allclose(
        gm.score_samples(X_test), reference_log_density(gm, X_test), rtol=1e-10
    )


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_sample_moments_match_the_fitted_parameters(covariance_type):
    """Monte-Carlo: counts, means and covariances of draws per component."""
    X = three_blobs(seed=4)
    gm = GaussianMixture(3, covariance_type=covariance_type, random_state=0).fit(X)
    n = 60_000
    X_new, labels = gm.sample(n, random_state=1)
    assert X_new.shape == (n, 3) and labels.shape == (n,)
    counts = np.bincount(labels, minlength=3)
    # Multinomial counts: within 5 standard deviations.
    sd = np.sqrt(n * gm.weights_ * (1 - gm.weights_))
    assert np.all(np.abs(counts - n * gm.weights_) < 5 * sd)
    full_covariances = dense_covariances(gm)
    for k in range(3):
        rows = X_new[labels == k]
        cov = np.asarray(full_covariances[k])
        mean_sd = np.sqrt(np.diag(cov) / len(rows))
        assert np.all(np.abs(rows.mean(axis=0) - gm.means_[k]) < 5 * mean_sd)
        # Sample covariance entries: sd of an entry ~ sqrt((s_ii s_jj + s_ij^2) / n)
        entry_sd = np.sqrt((np.outer(np.diag(cov), np.diag(cov)) + cov**2) / len(rows))
        assert np.all(np.abs(np.cov(rows.T) - cov) < 5 * entry_sd)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_seeded_sample_equals_sklearn_sample(covariance_type):
    X = three_blobs(seed=5)
    ours = GaussianMixture(3, covariance_type=covariance_type, random_state=4).fit(X)
    ref = sk_mixture.GaussianMixture(3, covariance_type=covariance_type, random_state=4)
    ref.fit(X)
    ref_X, ref_y = ref.sample(50)
    # First draw after fit follows the same stream as sklearn's sample().
    our_X, our_y = ours.sample(50)
    np.testing.assert_allclose(our_X, ref_X, rtol=1e-7)
    np.testing.assert_array_equal(our_y, ref_y)
    # ...and the next one moves on, where sklearn would repeat itself.
    assert not np.allclose(ours.sample(50)[0], ref.sample(50)[0])
    np.testing.assert_allclose(ours.sample(50, random_state=4)[0], ref_X, rtol=1e-7)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_lower_bound_never_decreases(covariance_type):
    """EM's monotonicity, one iteration at a time through warm_start."""
    X = three_blobs(seed=6)
    gm = GaussianMixture(
        3, covariance_type=covariance_type, max_iter=1, warm_start=True, random_state=0
    )
    bounds = []
    for _ in range(25):
        fit_quietly(gm, X)
        bounds.append(gm.lower_bound_)
    assert np.all(np.diff(bounds) >= -1e-10)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_fit_predict_equals_fit_then_predict(covariance_type):
    X = three_blobs(seed=7)
    params = dict(n_components=3, covariance_type=covariance_type, random_state=1)
    labels = GaussianMixture(**params).fit_predict(X)
    np.testing.assert_array_equal(labels, GaussianMixture(**params).fit(X).predict(X))


def test_fit_skips_the_last_e_step_that_only_labels_need(monkeypatch):
    X = three_blobs(seed=7)
    params = dict(n_components=3, random_state=1)
    expected = GaussianMixture(**params).fit(X)
    calls = []
    original = GaussianMixture._labels
    monkeypatch.setattr(
        GaussianMixture, "_labels", lambda self, X: calls.append(1) or original(self, X)
    )
    gm = GaussianMixture(**params).fit(X)
    assert calls == []
    np.testing.assert_array_equal(gm.means_, expected.means_)
    assert gm.lower_bound_ == expected.lower_bound_
    GaussianMixture(**params).fit_predict(X)
    assert calls == [1]


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_float32_path_agrees_with_float64(covariance_type):
    X = three_blobs(seed=8)
    start = specified_start(X, covariance_type)
    gm64 = fit_quietly(GaussianMixture(max_iter=10, tol=0, **start), X)
    gm32 = fit_quietly(
        GaussianMixture(max_iter=10, tol=0, **start), X.astype(np.float32)
    )
    np.testing.assert_allclose(gm32.means_, gm64.means_, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(
        gm32.covariances_, gm64.covariances_, rtol=1e-3, atol=1e-4
    )
    assert gm32.lower_bound_ == pytest.approx(gm64.lower_bound_, rel=1e-5)


# -- the one-pass statistics --------------------------------------------------


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_one_pass_statistics_equal_two_pass_ones(covariance_type):
    """Kernel statistics (shifted sums) against numpy on explicit responsibilities."""
    X = three_blobs(seed=9)
    gm = GaussianMixture(3, covariance_type=covariance_type, max_iter=3, random_state=0)
    fit_quietly(gm, X)
    log_lik, fused = _em_pass(
        X, gm.weights_, gm.means_, gm.precisions_cholesky_, covariance_type
    )
    resp = gm.predict_proba(X)
    direct = _statistics_from_resp(X, resp, covariance_type)
    assert log_lik == pytest.approx(gm.score(X), rel=1e-12)
    for a, b in zip(fused, direct):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_statistics_stay_accurate_far_from_the_origin():
    """Centred accumulation: an offset of 1e8 costs no precision in the covariance."""
    X = three_blobs(seed=10)
    start = specified_start(X, "full")
    near = fit_quietly(GaussianMixture(max_iter=5, tol=0, **start), X)
    start["means_init"] = start["means_init"] + 1e8
    far = fit_quietly(GaussianMixture(max_iter=5, tol=0, **start), X + 1e8)
    np.testing.assert_allclose(far.covariances_, near.covariances_, rtol=1e-6)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_blending_statistics_equals_statistics_of_the_union(covariance_type):
    X = three_blobs(seed=11)
    gm = fit_quietly(GaussianMixture(3, covariance_type=covariance_type, max_iter=2), X)
    params = (gm.weights_, gm.means_, gm.precisions_cholesky_, covariance_type)
    first, second = X[:250], X[250:]
    _, s1 = _em_pass(first, *params)
    _, s2 = _em_pass(second, *params)
    _, both = _em_pass(X, *params)
    blended = _blend(s1, s2, len(second) / len(X), covariance_type)
    for a, b in zip(blended, both):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


# -- partial_fit ----------------------------------------------------------------


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_partial_fit_on_one_batch_is_one_em_iteration(covariance_type):
    X = three_blobs(seed=12)
    start = specified_start(X, covariance_type)
    online = GaussianMixture(**start).partial_fit(X)
    batch = fit_quietly(GaussianMixture(max_iter=1, tol=0, **start), X)
    for name in FITTED:
        np.testing.assert_allclose(
            getattr(online, name), getattr(batch, name), rtol=1e-12
        )


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_partial_fit_over_batches_reaches_the_batch_solution(covariance_type):
    X = three_blobs(n_per_blob=2000, seed=13)
    rng = np.random.RandomState(0)
    X = X[rng.permutation(len(X))]
    batch = GaussianMixture(3, covariance_type=covariance_type, random_state=0).fit(X)
    online = GaussianMixture(
        3,
        covariance_type=covariance_type,
        means_init=batch.means_ + 0.3,
        random_state=0,
    )
    for _ in range(3):
        for rows in np.array_split(np.arange(len(X)), 30):
            online.partial_fit(X[rows])
    assert online.n_steps_ == 90
    order = np.argsort(online.means_[:, 0] + 10 * online.means_[:, 1])
    ref_order = np.argsort(batch.means_[:, 0] + 10 * batch.means_[:, 1])
    np.testing.assert_allclose(online.means_[order], batch.means_[ref_order], atol=0.1)
    assert online.score(X) == pytest.approx(batch.score(X), abs=0.02)


def test_partial_fit_after_fit_updates_rather_than_restarts():
    X = three_blobs(seed=15)
    fitted = GaussianMixture(3, random_state=0).fit(X)
    batch = three_blobs(n_per_blob=5, seed=16)
    updated = pickle.loads(pickle.dumps(fitted)).partial_fit(batch)
    # A model that starts at the fitted parameters but has seen only the batch.
    restarted = GaussianMixture(
        3,
        weights_init=fitted.weights_,
        means_init=fitted.means_,
        precisions_init=fitted.precisions_,
    ).partial_fit(batch)
    moved = np.abs(updated.means_ - fitted.means_).max()
    assert 0 < moved < np.abs(restarted.means_ - fitted.means_).max()
    # rho after fit: (1 + learning_offset) ** -learning_decay of the batch.
    rho = 2.0**-0.7
    _, batch_stats = _em_pass(
        batch, fitted.weights_, fitted.means_, fitted.precisions_cholesky_, "full"
    )
    expected = _blend(fitted._running_stats, batch_stats, rho, "full")
    np.testing.assert_allclose(updated.means_, expected.means, rtol=1e-12)
    # The next update is step t=2.
    second = three_blobs(n_per_blob=5, seed=17)
    _, second_stats = _em_pass(
        second, updated.weights_, updated.means_, updated.precisions_cholesky_, "full"
    )
    expected = _blend(expected, second_stats, 3.0**-0.7, "full")
    updated.partial_fit(second)
    assert updated.n_steps_ == 3
    np.testing.assert_allclose(updated.means_, expected.means, rtol=1e-12)


def test_partial_fit_checks_features_after_the_first_batch():
    X = three_blobs()
    gm = GaussianMixture(3, random_state=0).partial_fit(X[:100])
    with pytest.raises(ValueError, match="features"):
        gm.partial_fit(X[:100, :2])


# -- user-facing behaviour --------------------------------------------------------


def test_convergence_warning_names_what_to_change():
    X = three_blobs()
    with pytest.warns(ConvergenceWarning, match="max_iter=2.*tol"):
        GaussianMixture(3, max_iter=2, tol=1e-12, random_state=0).fit(X)


def test_verbose_prints_progress(capsys):
    X = three_blobs()
    GaussianMixture(3, verbose=2, verbose_interval=1, random_state=0).fit(X)
    out = capsys.readouterr().out
    assert "Initialization 0" in out
    assert "Iteration 1\t time lapse" in out
    assert "Initialization converged" in out


def test_fewer_samples_than_components_is_an_error():
    with pytest.raises(ValueError, match="n_samples >= n_components"):
        GaussianMixture(5).fit(three_blobs()[:4])


@pytest.mark.parametrize(
    "params, message",
    [
        ({"weights_init": [0.5, 0.6, -0.1]}, "range"),
        ({"weights_init": [0.2, 0.2, 0.2]}, "normalized"),
        ({"weights_init": [0.5, 0.5]}, "shape"),
        ({"means_init": np.zeros((2, 3))}, "shape"),
        ({"precisions_init": -np.ones((3, 3))}, "positive"),
        (
            {"covariance_type": "tied", "precisions_init": -np.eye(3)},
            "positive-definite",
        ),
        ({"covariance_type": "full", "precisions_init": np.ones((3, 3))}, "shape"),
        ({"covariance_type": "banana"}, "covariance_type"),
        ({"init_params": "magic"}, "init_params"),
        ({"reg_covar": -1.0}, "reg_covar"),
        ({"learning_decay": 0.2}, "learning_decay"),
    ],
)
def test_bad_parameters_are_named(params, message):
    params = {"n_components": 3, "covariance_type": "diag", **params}
    with pytest.raises(ValueError, match=message):
        GaussianMixture(**params).fit(three_blobs())


def test_collapsed_component_gives_an_actionable_error():
    X = np.vstack([np.zeros((50, 2)), np.ones((50, 2))])
    gm = GaussianMixture(2, reg_covar=0.0, random_state=0)
    with pytest.raises(ValueError, match="increase reg_covar"):
        gm.fit(X)


def test_predict_proba_rows_sum_to_one_in_blocks():
    """predict_proba over more rows than one scoring block."""
    from skgen.utils import _chunking

    X = three_blobs(seed=14)
    gm = GaussianMixture(3, random_state=0).fit(X)
    full = gm.predict_proba(X)
    old = _chunking.BLOCK_ROWS
    _chunking.BLOCK_ROWS = 37
    try:
        np.testing.assert_array_equal(gm.predict_proba(X), full)
        np.testing.assert_array_equal(gm.score_samples(X), gm.score_samples(X))
    finally:
        _chunking.BLOCK_ROWS = old
    np.testing.assert_allclose(full.sum(axis=1), 1.0)


def test_given_precisions_are_not_recomputed_from_the_initial_clusters():
    """A singleton initial cluster with reg_covar=0 is fine when the user gives
    the precisions (as in scikit-learn)."""
    X = np.vstack([three_blobs(n_per_blob=30, seed=18), [[50.0, 50.0, 50.0]]])
    params = dict(
        n_components=4,
        covariance_type="diag",
        reg_covar=0.0,
        precisions_init=np.ones((4, 3)),
        max_iter=1,
        random_state=0,
    )
    ours = fit_quietly(GaussianMixture(**params), X)
    ref = fit_quietly(sk_mixture.GaussianMixture(**params), X)
    np.testing.assert_allclose(ours.means_, ref.means_, rtol=1e-10)
    # The lone far point's component has a variance of ~0: scikit-learn's raw
    # moments give cancellation noise (~1e-12), the centred sums ~1e-41.
    assert np.all(
        np.isfinite(ours.precisions_cholesky_) & (ours.precisions_cholesky_ > 0)
    )
    # (scikit-learn 1.9.1 cannot fit this with max_iter=0: it never sets
    # covariances_ when precisions_init is given; skgen derives them.)
    initial = GaussianMixture(**{**params, "max_iter": 0}).fit(X)
    np.testing.assert_allclose(initial.covariances_, 1.0)


# -- sample_weight ------------------------------------------------------------


def some_weights(n_samples, seed=0, low=0, high=4):
    """Integer weights in [low, high), zeros included when low is 0."""
    return np.random.RandomState(seed).randint(low, high, size=n_samples)


def assert_same_fit(ours, ref, rtol):
    for name in FITTED:
        np.testing.assert_allclose(
            getattr(ours, name), getattr(ref, name), rtol=rtol, atol=1e-12, err_msg=name
        )
    np.testing.assert_allclose(ours.lower_bounds_, ref.lower_bounds_, rtol=rtol)
    assert ours.n_iter_ == ref.n_iter_


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_integer_weights_equal_repeated_rows(covariance_type):
    X = three_blobs(seed=20)
    w = some_weights(len(X))
    start = specified_start(X, covariance_type)
    weighted = fit_quietly(GaussianMixture(max_iter=20, tol=0, **start), X, w)
    repeated = fit_quietly(
        GaussianMixture(max_iter=20, tol=0, **start), np.repeat(X, w, axis=0)
    )
    assert_same_fit(weighted, repeated, rtol=1e-10)
    # partial_fit: one weighted batch is the repeated batch.
    online = GaussianMixture(**start).partial_fit(X, sample_weight=w)
    online_repeated = GaussianMixture(**start).partial_fit(np.repeat(X, w, axis=0))
    for name in FITTED:
        np.testing.assert_allclose(
            getattr(online, name), getattr(online_repeated, name), rtol=1e-10
        )
    assert online.lower_bound_ == pytest.approx(online_repeated.lower_bound_, 1e-12)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("init_params", ["given", "kmeans", "k-means++"])
def test_zero_weights_equal_dropping_the_rows(covariance_type, init_params):
    """Rows of weight 0 take no part, the initialisation's k-means included."""
    X = three_blobs(seed=21)
    w = some_weights(len(X), seed=1, high=2)  # 0 or 1
    if init_params == "given":
        params = dict(specified_start(X, covariance_type), max_iter=20, tol=0)
    else:
        params = dict(
            n_components=3,
            covariance_type=covariance_type,
            init_params=init_params,
            random_state=3,
        )
    weighted = fit_quietly(GaussianMixture(**params), X, w)
    dropped = fit_quietly(GaussianMixture(**params), X[w > 0])
    assert_same_fit(weighted, dropped, rtol=1e-10)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_scaling_the_weights_changes_nothing(covariance_type):
    X = three_blobs(seed=22)
    w = np.random.RandomState(2).uniform(0.0, 3.0, size=len(X))
    params = dict(n_components=3, covariance_type=covariance_type, random_state=0)
    ref = fit_quietly(GaussianMixture(**params), X, w)
    for scale in (1e-6, 7.0, 1e8):
        scaled = fit_quietly(GaussianMixture(**params), X, scale * w)
        assert_same_fit(scaled, ref, rtol=1e-10)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("init_params", ["given", "kmeans", "k-means++"])
def test_unit_weights_equal_no_weights(covariance_type, init_params):
    X = three_blobs(seed=23)
    if init_params == "given":
        params = dict(specified_start(X, covariance_type), max_iter=20, tol=0)
    else:
        params = dict(
            n_components=3,
            covariance_type=covariance_type,
            init_params=init_params,
            random_state=4,
        )
    ones = fit_quietly(GaussianMixture(**params), X, np.ones(len(X)))
    none = fit_quietly(GaussianMixture(**params), X)
    assert_same_fit(ones, none, rtol=1e-12)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_lower_bound_is_the_weighted_mean_log_likelihood(covariance_type):
    """lower_bounds_[t] is the weighted mean of score_samples under the
    parameters after t iterations (t = 0: the start)."""
    X = three_blobs(seed=24)
    w = np.random.RandomState(3).uniform(0.0, 2.0, size=len(X))
    w[:40] = 0.0
    start = specified_start(X, covariance_type)
    fitted = fit_quietly(GaussianMixture(max_iter=4, tol=0, **start), X, w)
    for t in range(4):
        after_t = fit_quietly(GaussianMixture(max_iter=t, tol=0, **start), X, w)
        expected = np.average(after_t.score_samples(X), weights=w)
        assert fitted.lower_bounds_[t] == pytest.approx(expected, rel=1e-12)
        assert after_t.score(X, sample_weight=w) == pytest.approx(expected, rel=1e-12)
    # partial_fit reports the batch's weighted mean under the parameters before.
    batch = GaussianMixture(**start)
    before = fit_quietly(GaussianMixture(max_iter=0, **start), X)
    batch.partial_fit(X, sample_weight=w)
    assert batch.lower_bound_ == pytest.approx(
        np.average(before.score_samples(X), weights=w), rel=1e-12
    )


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_weights_shift_the_fit_toward_the_heavy_rows(covariance_type):
    """One component: the weighted mean and covariance, as numpy computes them."""
    X = three_blobs(seed=25)
    w = np.random.RandomState(4).uniform(0.0, 5.0, size=len(X))
    gm = fit_quietly(
        GaussianMixture(1, covariance_type=covariance_type, reg_covar=0.0), X, w
    )
    mean = np.average(X, axis=0, weights=w)
    cov = np.cov(X.T, aweights=w, bias=True)
    np.testing.assert_allclose(gm.means_[0], mean, rtol=1e-10)
    expected = {
        "full": cov[np.newaxis],
        "tied": cov,
        "diag": np.diag(cov)[np.newaxis],
        "spherical": np.diag(cov).mean()[np.newaxis],
    }[covariance_type]
    np.testing.assert_allclose(gm.covariances_, expected, rtol=1e-10)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize(
    "init_params", ["kmeans", "k-means++", "random", "random_from_data"]
)
def test_weighted_initialisations_are_deterministic_and_finite(
    covariance_type, init_params
):
    X = three_blobs(seed=26)
    w = some_weights(len(X), seed=5)
    params = dict(
        n_components=3,
        covariance_type=covariance_type,
        init_params=init_params,
        random_state=5,
    )
    first = fit_quietly(GaussianMixture(**params), X, w)
    second = fit_quietly(GaussianMixture(**params), X, w)
    for name in FITTED:
        assert np.all(np.isfinite(getattr(first, name))), name
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name))
    assert np.isfinite(first.lower_bound_)
    # The weights are used: the fit differs from the unweighted one.
    unweighted = fit_quietly(GaussianMixture(**params), X)
    assert not np.allclose(first.means_, unweighted.means_)


@pytest.mark.parametrize("init_params", ["k-means++", "random_from_data"])
def test_initial_rows_are_drawn_from_rows_of_positive_weight(init_params):
    X = three_blobs(seed=27)
    w = np.zeros(len(X))
    heavy = np.arange(0, len(X), 7)
    w[heavy] = 1.0 + np.arange(len(heavy))
    for seed in range(10):
        start = GaussianMixture(
            3, init_params=init_params, max_iter=0, random_state=seed
        ).fit(X, sample_weight=w)
        # Each initial mean is one row of X, and one of positive weight.
        distance = np.abs(start.means_[:, np.newaxis, :] - X[np.newaxis]).sum(axis=2)
        assert set(distance.argmin(axis=1)) <= set(heavy)
        assert distance.min(axis=1).max() < 1e-12


def test_fit_predict_with_weights_equals_fit_then_predict():
    X = three_blobs(seed=28)
    w = some_weights(len(X), seed=6)
    labels = GaussianMixture(3, random_state=1).fit_predict(X, sample_weight=w)
    fitted = GaussianMixture(3, random_state=1).fit(X, sample_weight=w)
    np.testing.assert_array_equal(labels, fitted.predict(X))


def test_float32_weighted_fit_agrees_with_float64():
    X = three_blobs(seed=29)
    w = some_weights(len(X), seed=7)
    start = specified_start(X, "full")
    gm64 = fit_quietly(GaussianMixture(max_iter=10, tol=0, **start), X, w)
    gm32 = fit_quietly(
        GaussianMixture(max_iter=10, tol=0, **start), X.astype(np.float32), w
    )
    np.testing.assert_allclose(gm32.means_, gm64.means_, rtol=1e-4, atol=1e-4)
    assert gm32.lower_bound_ == pytest.approx(gm64.lower_bound_, rel=1e-5)


@pytest.mark.parametrize(
    "sample_weight, message",
    [
        (-np.ones(600), "Negative values.*sample_weight"),
        (np.r_[-1.0, np.ones(599)], "Negative values.*sample_weight"),
        (np.zeros(600), "non-zero"),
        (np.ones(599), r"sample_weight.shape == \(599,\), expected \(600,\)"),
        (np.ones((600, 2)), "1D"),
        (np.r_[np.nan, np.ones(599)], "sample_weight contains NaN"),
        (
            np.r_[np.ones(2), np.zeros(598)],
            "n_components = 3, n_samples = 2 .*positive",
        ),
        (np.r_[1.0, np.zeros(599)], "1 row.*positive sample_weight.*minimum of 2"),
    ],
)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_bad_sample_weight_is_named(sample_weight, message, method):
    X = three_blobs()
    with pytest.raises(ValueError, match=message):
        getattr(GaussianMixture(3), method)(X, sample_weight=sample_weight)


def test_sample_weight_is_not_modified():
    X = three_blobs()
    w = some_weights(len(X)).astype(np.float64) * 0.5
    original = w.copy()
    GaussianMixture(3, random_state=0).fit(X, sample_weight=w)
    np.testing.assert_array_equal(w, original)


def test_sample_weight_routes_through_metadata_routing():
    import sklearn
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    X = three_blobs(seed=30)
    w = some_weights(len(X), seed=8)
    direct = GaussianMixture(3, random_state=0).fit(X, sample_weight=w)
    with sklearn.config_context(enable_metadata_routing=True):
        gm = GaussianMixture(3, random_state=0).set_fit_request(sample_weight=True)
        assert gm.get_metadata_routing().fit.requests == {"sample_weight": True}
        pipe = make_pipeline(FunctionTransformer(), gm).fit(X, sample_weight=w)
    np.testing.assert_array_equal(pipe[-1].means_, direct.means_)
