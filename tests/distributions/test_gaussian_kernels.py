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
