"""KernelDensity against scikit-learn, exact references and Monte-Carlo."""

import numba
import numpy as np
import pytest
from scipy import stats
from scipy.integrate import cumulative_trapezoid, quad
from scipy.special import gammaln, logsumexp
from sklearn.neighbors import KernelDensity as SkKernelDensity
from sklearn.neighbors._kd_tree import kernel_norm

from skgen.neighbors import KernelDensity
from skgen.neighbors._kde import log_kernel_norm
from skgen.neighbors._kernels import cosine_radii
from skgen.utils import _threads

KERNELS = ["gaussian", "tophat", "epanechnikov", "exponential", "linear", "cosine"]
COMPACT = ["tophat", "epanechnikov", "linear", "cosine"]

PROFILES = {
    "gaussian": lambda t: np.exp(-0.5 * t**2),
    "tophat": lambda t: np.where(t < 1, 1.0, 0.0),
    "epanechnikov": lambda t: np.where(t < 1, 1 - t**2, 0.0),
    "exponential": lambda t: np.exp(-t),
    "linear": lambda t: np.where(t < 1, 1 - t, 0.0),
    "cosine": lambda t: np.where(t < 1, np.cos(0.5 * np.pi * np.minimum(t, 1)), 0.0),
}


def _reference_log_density(X, Q, kernel, h, weights=None):
    """Direct NumPy log-density: all pairs, the profile in log space."""
    dist = np.sqrt(((Q[:, None, :] - X[None, :, :]) ** 2).sum(-1)) / h
    with np.errstate(divide="ignore"):
        if kernel == "gaussian":
            log_k = -0.5 * dist**2
        elif kernel == "exponential":
            log_k = -dist
        else:
            log_k = np.log(PROFILES[kernel](dist))
    w = np.ones(len(X)) if weights is None else weights
    log_sum = logsumexp(log_k, b=w, axis=1)
    return log_sum - np.log(w.sum()) + log_kernel_norm(kernel, h, X.shape[1])


def _sklearn_unnormalised(sk, Q, kernel, h, d):
    """scikit-learn's log-density without its kernel constant."""
    return sk.score_samples(Q) - kernel_norm(h, d, kernel, return_log=True)


# -- score_samples ------------------------------------------------------------


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("d", [1, 2, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_score_samples_matches_sklearn(kernel, d, weighted):
    """Equal to scikit-learn's tree to 1e-12 relative, constants aside: the
    cosine's constant is compared on its own (scikit-learn's is wrong in even
    dimensions). Where a compact kernel has no row in range, skgen gives
    -inf; scikit-learn's tree can leave a rounding residue there."""
    rng = np.random.RandomState(d)
    X = rng.standard_normal((200, d))
    Q = 1.5 * rng.standard_normal((60, d))
    weights = rng.uniform(0.1, 2.0, size=200) if weighted else None
    h = 0.7
    ours = KernelDensity(kernel=kernel, bandwidth=h).fit(X, sample_weight=weights)
    sk = SkKernelDensity(kernel=kernel, bandwidth=h).fit(X, sample_weight=weights)
    a = ours.score_samples(Q) - log_kernel_norm(kernel, h, d)
    b = _sklearn_unnormalised(sk, Q, kernel, h, d)
    finite = np.isfinite(a)
    if kernel in COMPACT:
        assert not finite.all()  # the test reaches the -inf case
    else:
        assert finite.all()
    np.testing.assert_allclose(a[finite], b[finite], rtol=1e-12)
    # scikit-learn's: -inf, or a sum of kernels of order 1e-16 left by
    # subtracting the bounds of pruned nodes.
    assert np.all(b[~finite] < np.log(1e-13))


@pytest.mark.parametrize("kernel", ["gaussian", "exponential", "epanechnikov"])
@pytest.mark.parametrize("d", [16, 33])
def test_score_samples_matches_direct_sum_in_high_dimension(kernel, d):
    """Exact against all pairs in NumPy (scikit-learn's tree is not, there:
    with atol=rtol=0 its bounds still lose digits for far queries)."""
    rng = np.random.RandomState(0)
    X = rng.standard_normal((700, d))  # more than two blocks of rows
    Q = np.vstack([X[:5] + 0.1, 1.5 * rng.standard_normal((20, d))])
    weights = rng.uniform(0.0, 1.0, size=700)
    h = 2.5
    for w in (None, weights):
        ours = KernelDensity(kernel=kernel, bandwidth=h).fit(X, sample_weight=w)
        expected = _reference_log_density(X, Q, kernel, h, w)
        got = ours.score_samples(Q)
        finite = np.isfinite(expected)
        np.testing.assert_array_equal(np.isfinite(got), finite)
        np.testing.assert_allclose(got[finite], expected[finite], rtol=1e-12)


def test_far_queries_stay_finite_for_unbounded_kernels():
    X = np.zeros((3, 2))
    far = np.array([[1e3, 0.0], [0.0, -4e3]])
    for kernel in ("gaussian", "exponential"):
        got = KernelDensity(kernel=kernel, bandwidth=0.5).fit(X).score_samples(far)
        expected = _reference_log_density(X, far, kernel, 0.5)
        np.testing.assert_allclose(got, expected, rtol=1e-14)
    for kernel in COMPACT:
        got = KernelDensity(kernel=kernel, bandwidth=0.5).fit(X).score_samples(far)
        assert np.all(got == -np.inf)


@pytest.mark.parametrize("params", [{"atol": 1e-3}, {"metric": "manhattan"}])
def test_tree_path_is_sklearns(params):
    rng = np.random.RandomState(1)
    X, Q = rng.standard_normal((150, 3)), rng.standard_normal((20, 3))
    ours = KernelDensity(bandwidth=0.6, kernel="epanechnikov", **params).fit(X)
    sk = SkKernelDensity(bandwidth=0.6, kernel="epanechnikov", **params).fit(X)
    assert hasattr(ours, "tree_")
    np.testing.assert_array_equal(ours.score_samples(Q), sk.score_samples(Q))


def test_brute_and_tree_agree_and_brute_is_exact_for_any_tolerance():
    rng = np.random.RandomState(2)
    X, Q = rng.standard_normal((150, 2)), rng.standard_normal((20, 2))
    brute = KernelDensity(algorithm="brute", rtol=1e-2).fit(X)
    assert not hasattr(brute, "tree_")
    tree = KernelDensity(algorithm="kd_tree").fit(X)
    exact = KernelDensity().fit(X)
    np.testing.assert_array_equal(brute.score_samples(Q), exact.score_samples(Q))
    np.testing.assert_allclose(tree.score_samples(Q), exact.score_samples(Q), 1e-12)


def test_results_do_not_depend_on_threads(monkeypatch):
    monkeypatch.setattr(_threads, "SMALL_WORK", 0)
    rng = np.random.RandomState(3)
    X, Q = rng.standard_normal((600, 5)), rng.standard_normal((3000, 5))
    kde = KernelDensity(bandwidth=0.4).fit(X)
    previous = numba.get_num_threads()
    try:
        results = []
        for threads in {1, numba.config.NUMBA_NUM_THREADS}:
            numba.set_num_threads(threads)
            results.append(kde.score_samples(Q))
    finally:
        numba.set_num_threads(previous)
    for result in results[1:]:
        np.testing.assert_array_equal(result, results[0])


# -- normalisation ------------------------------------------------------------


@pytest.mark.parametrize("kernel", KERNELS)
def test_density_integrates_to_one_in_1d_and_2d(kernel):
    h = 0.8
    kde1 = KernelDensity(kernel=kernel, bandwidth=h).fit([[0.3]])

    def density1(x):
        return np.exp(kde1.score_samples(np.array([[x]])))[0]

    edge = 40 * h if kernel in ("gaussian", "exponential") else h
    total = quad(density1, 0.3 - edge, 0.3 + edge, points=[0.3], limit=200)[0]
    assert total == pytest.approx(1.0, rel=1e-8)

    kde2 = KernelDensity(kernel=kernel, bandwidth=h).fit([[0.0, 0.0]])

    def ring(r):  # 2 pi r p(r): the density is radial
        return 2 * np.pi * r * np.exp(kde2.score_samples(np.array([[r, 0.0]])))[0]

    total = quad(ring, 0.0, edge, limit=200)[0]
    assert total == pytest.approx(1.0, rel=1e-8)


@pytest.mark.parametrize("kernel", KERNELS)
def test_normalisation_matches_sklearn_where_sklearn_is_right(kernel):
    dims = [1, 3, 5, 7] if kernel == "cosine" else [1, 2, 3, 4, 8, 16, 33]
    for d in dims:
        assert log_kernel_norm(kernel, 0.7, d) == pytest.approx(
            kernel_norm(0.7, d, kernel, return_log=True), rel=1e-12
        )


@pytest.mark.parametrize("d", range(1, 13))
def test_cosine_normalisation_against_quadrature(d):
    """scikit-learn's cosine constant is wrong in even dimensions (d=2: 2/pi
    for 0.2313; NaN for d=4): skgen's is the integral."""
    radial = quad(lambda t: t ** (d - 1) * np.cos(0.5 * np.pi * t), 0, 1, epsrel=1e-13)
    log_area = np.log(2) + 0.5 * d * np.log(np.pi) - gammaln(0.5 * d)
    expected = -(log_area + np.log(radial[0]))
    assert log_kernel_norm("cosine", 1.0, d) == pytest.approx(expected, rel=1e-12)


# -- sampling -----------------------------------------------------------------


def _radial_cdf(kernel, d):
    """CDF of the radius over h, ``t**(d-1) k(t)`` integrated on a fine grid."""
    top = 1.0 if kernel in COMPACT else 60.0
    t = np.linspace(0.0, top, 200_001)
    cdf = cumulative_trapezoid(t ** (d - 1) * PROFILES[kernel](t), t, initial=0)
    cdf /= cdf[-1]
    return lambda r: np.interp(r, t, cdf)


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("d", [1, 3, 6])
def test_sample_radii_follow_the_radial_distribution(kernel, d):
    """Kolmogorov-Smirnov of the distances to the one centre, at a fixed seed."""
    h = 0.6
    centre = np.linspace(-1, 1, d)[np.newaxis]
    kde = KernelDensity(kernel=kernel, bandwidth=h).fit(centre)
    samples, rows = kde.sample(20_000, random_state=0)
    assert np.all(rows == 0)
    radii = np.linalg.norm(samples - centre, axis=1) / h
    result = stats.kstest(radii, _radial_cdf(kernel, d))
    assert result.pvalue > 1e-3
    if d > 1:  # the directions are uniform: their mean is near zero
        directions = (samples - centre) / (h * radii[:, np.newaxis])
        assert np.all(np.abs(directions.mean(axis=0)) < 4 / np.sqrt(20_000))


def _radial_second_moment(kernel, d):
    top = 1.0 if kernel in COMPACT else 60.0
    t = np.linspace(0.0, top, 200_001)
    p = t ** (d - 1) * PROFILES[kernel](t)
    return np.trapezoid(t**2 * p, t) / np.trapezoid(p, t)


@pytest.mark.parametrize("kernel", KERNELS)
def test_sample_mean_and_covariance(kernel):
    """Mean: the weighted centres'; covariance: theirs plus h**2 E[t**2]/d."""
    rng = np.random.RandomState(4)
    d, h, n = 3, 0.5, 100_000
    X = rng.standard_normal((5, d)) * [1.0, 2.0, 0.5]
    w = np.array([1.0, 0.0, 2.0, 3.0, 0.5])
    kde = KernelDensity(kernel=kernel, bandwidth=h).fit(X, sample_weight=w)
    samples, rows = kde.sample(n, random_state=1)
    p = w / w.sum()
    mean = p @ X
    cov = (X - mean).T @ ((X - mean) * p[:, None])
    cov += np.eye(d) * h**2 * _radial_second_moment(kernel, d) / d
    se = np.sqrt(np.diag(cov) / n)
    assert np.all(np.abs(samples.mean(axis=0) - mean) < 5 * se)
    np.testing.assert_allclose(np.cov(samples.T), cov, atol=0.03)
    # Rows by their weights; a row of weight zero is never drawn.
    counts = np.bincount(rows, minlength=5) / n
    np.testing.assert_allclose(counts, p, atol=0.01)
    assert counts[1] == 0


@pytest.mark.parametrize("kernel", KERNELS)
def test_1d_histogram_matches_score_samples(kernel):
    X = np.array([[-1.0], [0.0], [0.3], [2.0]])
    kde = KernelDensity(kernel=kernel, bandwidth=0.7).fit(X)
    samples, _ = kde.sample(50_000, random_state=2)
    edges = np.linspace(-3.5, 4.5, 41)
    counts, _ = np.histogram(samples[:, 0], bins=edges)
    fine = np.linspace(-3.5, 4.5, 8001)
    density = np.exp(kde.score_samples(fine[:, None]))
    cdf = cumulative_trapezoid(density, fine, initial=0)
    expected = np.diff(np.interp(edges, fine, cdf)) * len(samples)
    chi2 = ((counts - expected) ** 2 / np.maximum(expected, 1)).sum()
    assert chi2 < 80  # 40 bins: the 99.9% quantile of chi2(40) is 73.4


def test_cosine_radii_invert_the_cdf_to_machine_precision():
    u = np.array([0.0, 1e-12, 0.1, 0.5, 0.9, 1 - 1e-9])
    for d in (1, 2, 7, 30):

        def radial(s, d=d):
            return s ** (d - 1) * np.cos(0.5 * np.pi * s)

        t = cosine_radii(u, d)
        norm = quad(radial, 0, 1)[0]
        for ti, ui in zip(t, u):
            value = quad(radial, 0, ti)[0]
            assert value / norm == pytest.approx(ui, rel=1e-10, abs=1e-15)


@pytest.mark.parametrize("kernel", ["gaussian", "tophat"])
@pytest.mark.parametrize("weighted", [False, True])
def test_gaussian_and_tophat_draws_are_sklearns(kernel, weighted):
    rng = np.random.RandomState(5)
    X = rng.standard_normal((30, 4))
    w = rng.uniform(size=30) if weighted else None
    ours = KernelDensity(kernel=kernel, bandwidth=0.3).fit(X, sample_weight=w)
    sk = SkKernelDensity(kernel=kernel, bandwidth=0.3).fit(X, sample_weight=w)
    samples, _ = ours.sample(50, random_state=7)
    np.testing.assert_array_equal(samples, sk.sample(50, random_state=7))


def test_sample_keeps_float32_and_row_indices_of_the_input():
    X = np.arange(12, dtype=np.float32).reshape(6, 2)
    w = np.array([0.0, 1.0, 0.0, 1.0, 0.0, 0.0])
    kde = KernelDensity(kernel="linear", bandwidth=0.1).fit(X, sample_weight=w)
    samples, rows = kde.sample(200, random_state=0)
    assert samples.dtype == np.float32
    assert set(rows) == {1, 3}
    assert np.all(np.abs(samples - X[rows]) < 0.1 + 1e-6)


# -- validation ---------------------------------------------------------------


def test_bad_input_raises_clear_errors():
    X = np.random.RandomState(0).standard_normal((10, 2))
    with pytest.raises(ValueError, match="Negative values in data passed"):
        KernelDensity().fit(X, sample_weight=-np.ones(10))
    with pytest.raises(ValueError, match="at least one non-zero"):
        KernelDensity().fit(X, sample_weight=np.zeros(10))
    for bandwidth in (0.0, -1.0, "wide"):
        with pytest.raises(ValueError, match="bandwidth"):
            KernelDensity(bandwidth=bandwidth).fit(X)
    for bad in (np.nan, np.inf):
        Xb = X.copy()
        Xb[0, 0] = bad
        with pytest.raises(ValueError, match="NaN|infinity"):
            KernelDensity().fit(Xb)
        with pytest.raises(ValueError, match="NaN|infinity"):
            KernelDensity().fit(X).score_samples(Xb)
    with pytest.raises(ValueError, match="features"):
        KernelDensity().fit(X).score_samples(X[:, :1])
    with pytest.raises(ValueError, match="brute"):
        KernelDensity(algorithm="brute", metric="manhattan").fit(X)
    with pytest.raises(ValueError, match="metric"):
        KernelDensity(algorithm="kd_tree", metric="haversine").fit(X)


def test_sample_refuses_non_euclidean_metrics():
    X = np.random.RandomState(0).standard_normal((10, 2))
    kde = KernelDensity(metric="manhattan").fit(X)
    with pytest.raises(NotImplementedError, match="manhattan"):
        kde.sample(3)
    minkowski2 = KernelDensity(metric="minkowski", metric_params={"p": 2}).fit(X)
    assert minkowski2.sample(3)[0].shape == (3, 2)
    assert not hasattr(minkowski2, "tree_")  # Euclidean: the brute-force kernel


@pytest.mark.parametrize("rule", ["scott", "silverman"])
def test_bandwidth_rules_are_sklearns(rule):
    X = np.random.RandomState(0).standard_normal((50, 3))
    ours = KernelDensity(bandwidth=rule).fit(X)
    assert ours.bandwidth_ == SkKernelDensity(bandwidth=rule).fit(X).bandwidth_


def test_dataframe_and_awkward_data():
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    X = rng.standard_normal((40, 3))
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    kde = KernelDensity(bandwidth=0.5).fit(frame)
    np.testing.assert_array_equal(kde.feature_names_in_, ["a", "b", "c"])
    np.testing.assert_allclose(
        kde.score_samples(frame), KernelDensity(bandwidth=0.5).fit(X).score_samples(X)
    )
    for data in (X * 1e6 + 1e9, X * 1e-8, np.repeat(X[:4], 10, axis=0)):
        for kernel in KERNELS:
            kde = KernelDensity(kernel=kernel).fit(data)
            assert np.all(np.isfinite(kde.score_samples(data)))
            assert np.all(np.isfinite(kde.sample(5)[0]))
