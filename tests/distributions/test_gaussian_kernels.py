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


@pytest.mark.parametrize("n_features", [31, 32, 47, 64])
def test_full_log_prob_row_major_from_32_features_matches_scipy(n_features):
    """From ROW_MAJOR_MIN_FEATURES features on, the product runs over
    row-major rows and a factor padded with zeros to 128 bytes (47: to 48,
    64: none); below, over the transposed tile."""
    from skgen.distributions._gaussian_kernels import ROW_MAJOR_MIN_FEATURES

    assert ROW_MAJOR_MIN_FEATURES == 32
    problem = random_problem("full", d=n_features)
    ours = kernel_weighted_log_prob(*problem, "full", 3)
    np.testing.assert_allclose(
        ours, reference_weighted_log_prob(*problem, "full"), rtol=1e-11
    )


@pytest.mark.parametrize("n_features", [5, 31, 32, 33, 47])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_precision_factor_forms(n_features, dtype):
    from skgen.distributions._gaussian_kernels import precision_factor_forms

    rng = np.random.default_rng(1)
    factors = np.triu(rng.normal(size=(3, n_features, n_features))).astype(dtype)
    lower, padded = precision_factor_forms(factors)
    transposed = factors.transpose(0, 2, 1)
    if n_features < 32:  # the transposed tile's loop
        assert padded is None and lower.flags.c_contiguous
        np.testing.assert_array_equal(lower, transposed)
        return
    assert lower is None
    multiple = 16 if dtype == np.float64 else 32  # 128 bytes
    n_padded = -(-n_features // multiple) * multiple
    assert padded.shape == (3, n_padded, n_padded) and padded.dtype == dtype
    np.testing.assert_array_equal(padded[:, :n_features, :n_features], transposed)
    assert not padded[:, n_features:].any() and not padded[:, :, n_features:].any()


@pytest.mark.parametrize("n_features", [32, 33, 47, 64])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_row_major_triangular_squared_norms_match_numpy(n_features, dtype):
    from numba import njit

    from skgen.distributions._gaussian_kernels import (
        _row_major_triangular_squared_norms,
        padded_width,
        precision_factor_forms,
    )

    rng = np.random.default_rng(n_features)
    factor = np.triu(rng.normal(size=(1, n_features, n_features))).astype(dtype)
    _, padded = precision_factor_forms(factor)
    rows = np.zeros((64, padded_width(n_features, dtype)), dtype)
    rows[:, :n_features] = rng.normal(size=(64, n_features))
    out = np.full(64, np.nan)
    njit(lambda *a: _row_major_triangular_squared_norms(*a))(padded[0], rows, out)
    lower = factor[0].T.astype(np.float64)
    expected = ((rows[:, :n_features].astype(np.float64) @ lower.T) ** 2).sum(axis=1)
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(out, expected, rtol=rtol)


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
@pytest.mark.parametrize("n_features", [4, 37])
def test_weighted_moments_match_einsum(full, n_chunks, dtype, n_features):
    """37 features: the scatter's 4 x 4 blocks, and 2 x 2 ones for the
    diagonal and the last row."""
    from skgen.distributions._gaussian_kernels import weighted_moments

    rng = np.random.RandomState(0)
    X = (rng.standard_normal((53, n_features)) * 3 + 5).astype(dtype)
    resp = rng.dirichlet(np.ones(3), size=53).astype(dtype)
    resp[::5, 1] = 0.0  # zero responsibilities are skipped
    shift = rng.standard_normal((3, n_features)).astype(dtype)
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


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_tile_scratch_starts_every_chunk_on_a_cache_line(dtype):
    from skgen.distributions._gaussian_kernels import FULL_TILE_ROWS, full_tile_scratch

    tiles, rows, work, sums = full_tile_scratch(5, 3, 16, dtype)
    assert tiles.shape == (5, 4, 16, FULL_TILE_ROWS) and tiles.dtype == dtype
    assert rows.shape == (5, FULL_TILE_ROWS, 0)  # row-major rows from d = 32
    assert work.shape == (5, 5, FULL_TILE_ROWS) and work.dtype == np.float64
    assert sums.shape == (5, 16)
    wide = full_tile_scratch(5, 3, 33, dtype)[1]
    width = 48 if dtype == np.float64 else 64  # 33 rounded up to 128 bytes
    assert wide.shape == (5, FULL_TILE_ROWS, width) and not wide.any()
    for array in (tiles, work, sums, wide):
        assert array.flags.c_contiguous and array.flags.writeable
        assert array.ctypes.data % 64 == 0
    for c in range(5):
        assert wide[c].ctypes.data % 64 == 0
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
    expected = ((lower.astype(np.float64) @ columns.astype(np.float64)) ** 2).sum(
        axis=0
    )
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
