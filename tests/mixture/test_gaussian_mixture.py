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
    _em_pass,
    _statistics_from_resp,
)

COVARIANCE_TYPES = ["full", "tied", "diag", "spherical"]


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


def fit_quietly(estimator, X):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X)


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
    from skgen.mixture import _base

    X = three_blobs(seed=14)
    gm = GaussianMixture(3, random_state=0).fit(X)
    full = gm.predict_proba(X)
    old = _base._SCORE_BLOCK_ROWS
    _base._SCORE_BLOCK_ROWS = 37
    try:
        np.testing.assert_array_equal(gm.predict_proba(X), full)
        np.testing.assert_array_equal(gm.score_samples(X), gm.score_samples(X))
    finally:
        _base._SCORE_BLOCK_ROWS = old
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
