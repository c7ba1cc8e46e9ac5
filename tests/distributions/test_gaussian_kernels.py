"""Shared Gaussian log-density kernels against scipy.stats."""

import numpy as np
import pytest

from tests._gaussian_problems import (
    kernel_weighted_log_prob,
    random_problem,
    reference_weighted_log_prob,
)


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
@pytest.mark.parametrize("n_chunks", [1, 7])
def test_weighted_log_prob_matches_scipy(covariance_type, n_chunks):
    problem = random_problem(covariance_type)
    ours = kernel_weighted_log_prob(*problem, covariance_type, n_chunks)
    np.testing.assert_allclose(
        ours, reference_weighted_log_prob(*problem, covariance_type), rtol=1e-11
    )


@pytest.mark.parametrize("n_features", [31, 32, 47])
def test_full_log_prob_with_split_factors_matches_scipy(n_features):
    """From SPLIT_MIN_FEATURES features on, the factors go in two blocks."""
    from skgen.distributions._gaussian_kernels import SPLIT_MIN_FEATURES

    assert SPLIT_MIN_FEATURES == 32  # 31 features: one block; 32, 47: two
    problem = random_problem("full", d=n_features)
    ours = kernel_weighted_log_prob(*problem, "full", 3)
    np.testing.assert_allclose(
        ours, reference_weighted_log_prob(*problem, "full"), rtol=1e-11
    )


@pytest.mark.parametrize("n_features", [5, 31, 32, 33])
def test_split_precision_factors_are_the_transposed_factor(n_features):
    from skgen.distributions._gaussian_kernels import split_precision_factors

    rng = np.random.default_rng(1)
    factors = np.triu(rng.normal(size=(3, n_features, n_features)))
    head, tail = split_precision_factors(factors)
    if n_features < 32:  # one triangular block, for the triangular loop
        assert head is None
        np.testing.assert_array_equal(tail, factors.transpose(0, 2, 1))
        assert tail.flags.c_contiguous
        return
    split = head.shape[1]
    assert split == n_features // 2
    for k in range(3):
        lower = factors[k].T
        np.testing.assert_array_equal(head[k], lower[:split, :split])
        np.testing.assert_array_equal(tail[k], lower[split:])
        # The block left out holds only the factor's zeros.
        assert not lower[:split, split:].any()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_negligible_responsibilities_count_as_zero(dtype):
    """r_ik below sqrt(smallest normal) are dropped (they would make
    subnormal products); larger ones, however small, are kept."""
    from skgen.distributions._gaussian_kernels import weighted_moments

    rng = np.random.default_rng(2)
    X = rng.normal(size=(70, 3)).astype(dtype)
    resp = np.zeros((70, 2))
    resp[:, 0] = 1.0
    negligible = np.sqrt(np.finfo(dtype).tiny)
    resp[:10, 1] = negligible / 4  # dropped
    resp[10:20, 1] = negligible * 4  # kept: component 1's only weight
    shift = np.zeros((2, 3), dtype=dtype)
    nk, sx, sxx = (p.sum(axis=0) for p in weighted_moments(X, resp, shift, True, 2))
    kept = resp.copy()
    kept[:10, 1] = 0.0
    x = X.astype(np.float64)
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(nk, kept.sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(sx, kept.T @ x, rtol=rtol)
    np.testing.assert_allclose(sxx, np.einsum("nk,na,nb->kab", kept, x, x), rtol=rtol)


@pytest.mark.parametrize("full", [True, False])
@pytest.mark.parametrize("n_chunks", [1, 3, 7])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_weighted_moments_match_einsum(full, n_chunks, dtype):
    from skgen.distributions._gaussian_kernels import weighted_moments

    rng = np.random.RandomState(0)
    X = (rng.standard_normal((53, 4)) * 3 + 5).astype(dtype)
    resp = rng.dirichlet(np.ones(3), size=53).astype(dtype)
    resp[::5, 1] = 0.0  # zero responsibilities are skipped
    shift = rng.standard_normal((3, 4)).astype(dtype)
    nk, sx, sxx = (
        part.sum(axis=0) for part in weighted_moments(X, resp, shift, full, n_chunks)
    )
    diff = X[:, None, :].astype(np.float64) - shift[None].astype(np.float64)
    r = resp.astype(np.float64)
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(nk, r.sum(axis=0), rtol=rtol)
    np.testing.assert_allclose(sx, np.einsum("nk,nkd->kd", r, diff), rtol=rtol)
    expected = (
        np.einsum("nk,nka,nkb->kab", r, diff, diff)
        if full
        else np.einsum("nk,nkd->kd", r, diff**2)[..., None]
    )
    np.testing.assert_allclose(sxx, expected, rtol=rtol)


@pytest.mark.parametrize("n_features", [1, 3, 4, 9, 16])
def test_squared_norms_sum_in_feature_order(n_features):
    """Four features per sweep, the same sums as one at a time, bit for bit."""
    from numba import njit

    from skgen.distributions._gaussian_kernels import _squared_norms

    @njit
    def one_at_a_time(columns):
        out = np.zeros(columns.shape[1])
        for j in range(columns.shape[0]):
            for t in range(columns.shape[1]):
                out[t] += columns[j, t] * columns[j, t]
        return out

    columns = np.random.default_rng(0).normal(size=(n_features, 37))
    out = np.empty(37)
    njit(lambda c, o: _squared_norms(c, o))(columns, out)
    np.testing.assert_array_equal(out, one_at_a_time(columns))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_tile_scratch_starts_every_chunk_on_a_cache_line(dtype):
    from skgen.distributions._gaussian_kernels import FULL_TILE_ROWS, full_tile_scratch

    tiles, work, sums = full_tile_scratch(5, 3, 16, dtype)
    assert tiles.shape == (5, 4, 16, FULL_TILE_ROWS) and tiles.dtype == dtype
    assert work.shape == (5, 5, FULL_TILE_ROWS) and work.dtype == np.float64
    assert sums.shape == (5, 16)
    for array in (tiles, work, sums):
        assert array.flags.c_contiguous and array.flags.writeable
        assert array.ctypes.data % 64 == 0
    for c in range(5):
        for i in range(4):
            assert tiles[c, i].ctypes.data % 64 == 0


@pytest.mark.parametrize("n_features", [1, 2, 3, 8, 15, 16, 31])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_triangular_squared_norms_match_numpy(n_features, dtype):
    """||L c_t||^2 with the triangle's zeros skipped, odd and even d."""
    from numba import njit

    from skgen.distributions._gaussian_kernels import _triangular_squared_norms

    rng = np.random.default_rng(n_features)
    lower = np.tril(rng.normal(size=(n_features, n_features))).astype(dtype)
    columns = rng.normal(size=(n_features, 64)).astype(dtype)
    first, second = np.empty(64, dtype), np.empty(64, dtype)
    out = np.full(64, np.nan)
    njit(lambda *a: _triangular_squared_norms(*a))(lower, columns, first, second, out)
    expected = ((lower.astype(np.float64) @ columns.astype(np.float64)) ** 2).sum(axis=0)
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(out, expected, rtol=rtol)


@pytest.mark.parametrize("n_features", [1, 2, 3, 8, 15, 16, 33])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_lower_scatter_adds_the_lower_triangle_and_mirror_fills_the_upper(
    n_features, dtype
):
    from numba import njit

    from skgen.distributions._gaussian_kernels import _add_lower_scatter, mirror_lower

    rng = np.random.default_rng(n_features)
    centred = rng.normal(size=(n_features, 64)).astype(dtype)
    weighted = (centred * rng.random(64)).astype(dtype)
    before = rng.normal(size=(2, n_features, n_features))
    sxx = before.copy()
    njit(lambda *a: _add_lower_scatter(*a))(weighted, centred, sxx[1])
    product = weighted.astype(np.float64) @ centred.T.astype(np.float64)
    # Sums of 64 terms of both signs: tolerance against their scale.
    atol = (1e-13 if dtype == np.float64 else 1e-5) * np.abs(product).max()
    lower = np.tril_indices(n_features)
    upper = np.triu_indices(n_features, 1)
    np.testing.assert_allclose(
        sxx[1][lower], (before[1] + product)[lower], rtol=0, atol=atol
    )
    np.testing.assert_array_equal(sxx[1][upper], before[1][upper])  # untouched
    np.testing.assert_array_equal(sxx[0], before[0])
    added = sxx.copy()
    njit(lambda m: mirror_lower(m))(sxx)
    for k in range(2):
        np.testing.assert_array_equal(np.tril(sxx[k]), np.tril(added[k]))
        np.testing.assert_array_equal(sxx[k], sxx[k].T)
