"""The mixture's one-pass EM kernels against plain numpy sums."""

import numpy as np
import pytest

from skgen.distributions._gaussian import (
    component_offsets as _component_offsets,
)
from skgen.distributions._gaussian import (
    compute_precision_cholesky as _compute_precision_cholesky,
)
from skgen.distributions._gaussian import (
    half_diag_precisions as _half_diag_precisions,
)
from skgen.mixture import _kernels
from tests._gaussian_problems import random_problem, reference_weighted_log_prob


def reference_statistics(X, weights, means, covariances, covariance_type):
    """Responsibilities from scipy, then the kernel's shifted sums in numpy."""
    log_prob = reference_weighted_log_prob(
        X, weights, means, covariances, covariance_type
    )
    log_norm = np.logaddexp.reduce(log_prob, axis=1)
    resp = np.exp(log_prob - log_norm[:, None])
    diff = X[:, None, :] - means[None, :, :]  # (n, k, d)
    sx = np.einsum("nk,nkd->kd", resp, diff)
    sxx = np.einsum("nk,nkd,nke->kde", resp, diff, diff)
    return log_norm.sum(), resp.sum(axis=0), sx, sxx


@pytest.mark.parametrize("n_features", [4, 33, 40])
@pytest.mark.parametrize("n_chunks", [1, 5])
def test_em_pass_full_sums(n_chunks, n_features):
    # 301 rows: whole and partial tiles of FULL_TILE_ROWS, chunks shorter
    # than a tile (n_chunks=5); 33 and 40 features take the row-major loop
    # (ROW_MAJOR_MIN_FEATURES), 33 with a factor padded to 48.
    X, weights, means, covariances = random_problem("full", d=n_features)
    prec_chol = _compute_precision_cholesky(covariances, "full")
    offsets = _component_offsets(weights, prec_chol, "full", X.shape[1])
    parts = _kernels.em_pass_full(X, means, prec_chol, offsets, n_chunks)
    assert parts[0].shape == (n_chunks,)
    for ours, ref in zip(
        parts, reference_statistics(X, weights, means, covariances, "full")
    ):
        np.testing.assert_allclose(ours.sum(axis=0), ref, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("covariance_type", ["diag", "spherical"])
def test_em_pass_diag_sums(covariance_type):
    X, weights, means, covariances = random_problem(covariance_type)
    d = X.shape[1]
    prec_chol = _compute_precision_cholesky(covariances, covariance_type)
    offsets = _component_offsets(weights, prec_chol, covariance_type, d)
    parts = _kernels.em_pass_diag(
        X,
        means,
        _half_diag_precisions(prec_chol, covariance_type, d, X.dtype),
        offsets,
        3,
    )
    log_lik, nk, sx, sxx = (p.sum(axis=0) for p in parts)
    ref = reference_statistics(X, weights, means, covariances, covariance_type)
    np.testing.assert_allclose(log_lik, ref[0], rtol=1e-10)
    np.testing.assert_allclose(nk, ref[1], rtol=1e-10)
    np.testing.assert_allclose(sx, ref[2], rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(sxx, np.einsum("kdd->kd", ref[3]), rtol=1e-10)


def test_em_pass_tied_sums():
    X, weights, means, covariance = random_problem("tied")
    prec_chol = _compute_precision_cholesky(covariance, "tied")
    offsets = _component_offsets(weights, prec_chol, "tied", X.shape[1])
    shift = np.array([0.5, -1.0, 2.0, 0.0])
    parts = _kernels.em_pass_tied(
        X, means, means @ prec_chol, prec_chol, offsets, shift, 4
    )
    log_lik, nk, sx, scatter = (p.sum(axis=0) for p in parts)
    ref = reference_statistics(X, weights, means, covariance, "tied")
    np.testing.assert_allclose(log_lik, ref[0], rtol=1e-10)
    np.testing.assert_allclose(nk, ref[1], rtol=1e-10)
    np.testing.assert_allclose(sx, ref[2], rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(scatter, (X - shift).T @ (X - shift), rtol=1e-12)


def test_float32_rows_accumulate_in_float64():
    X, weights, means, covariances = random_problem("full", n=2000)
    prec_chol = _compute_precision_cholesky(covariances, "full")
    offsets = _component_offsets(weights, prec_chol, "full", X.shape[1])
    args64 = (X, means, prec_chol, offsets, 2)
    args32 = (
        X.astype(np.float32),
        means.astype(np.float32),
        prec_chol.astype(np.float32),
        offsets,
        2,
    )
    parts64 = _kernels.em_pass_full(*args64)
    parts32 = _kernels.em_pass_full(*args32)
    for p32, p64 in zip(parts32, parts64):
        assert p32.dtype == np.float64
        np.testing.assert_allclose(
            p32.sum(axis=0), p64.sum(axis=0), rtol=1e-4, atol=1e-3
        )


def test_a_row_far_from_every_component_stays_finite():
    """Responsibilities of a far row underflow to exact zeros, not NaN."""
    X, weights, means, covariances = random_problem("full")
    X[0] = 1e4
    prec_chol = _compute_precision_cholesky(covariances, "full")
    offsets = _component_offsets(weights, prec_chol, "full", X.shape[1])
    for part in _kernels.em_pass_full(X, means, prec_chol, offsets, 2):
        assert np.all(np.isfinite(part))


def _kernel_args(covariance_type, X, weights, means, covariances, n_chunks):
    """The kernels of ``covariance_type`` (unweighted, weighted) and the
    arguments after ``X`` (the weighted kernel takes the weights first)."""
    prec_chol = _compute_precision_cholesky(covariances, covariance_type)
    offsets = _component_offsets(weights, prec_chol, covariance_type, X.shape[1])
    if covariance_type == "full":
        kernels = (_kernels.em_pass_full, _kernels.em_pass_full_weighted)
        return kernels, (means, prec_chol, offsets, n_chunks)
    if covariance_type == "tied":
        shift = np.array([0.5, -1.0, 2.0, 0.0])
        kernels = (_kernels.em_pass_tied, _kernels.em_pass_tied_weighted)
        return kernels, (means, means @ prec_chol, prec_chol, offsets, shift, n_chunks)
    half = _half_diag_precisions(prec_chol, covariance_type, X.shape[1], X.dtype)
    kernels = (_kernels.em_pass_diag, _kernels.em_pass_diag_weighted)
    return kernels, (means, half, offsets, n_chunks)


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag"])
def test_weighted_sums(covariance_type):
    """The weighted kernels multiply every row's terms by its weight."""
    X, weights, means, covariances = random_problem(covariance_type)
    w = np.random.RandomState(1).uniform(0.0, 3.0, size=len(X))
    w[::5] = 0.0
    (_, kernel), args = _kernel_args(covariance_type, X, weights, means, covariances, 3)
    log_lik, nk, sx, sxx = (p.sum(axis=0) for p in kernel(X, w, *args))
    ref_log_prob = reference_weighted_log_prob(
        X, weights, means, covariances, covariance_type
    )
    log_norm = np.logaddexp.reduce(ref_log_prob, axis=1)
    resp = w[:, None] * np.exp(ref_log_prob - log_norm[:, None])
    diff = X[:, None, :] - means[None, :, :]
    np.testing.assert_allclose(log_lik, w @ log_norm, rtol=1e-10)
    np.testing.assert_allclose(nk, resp.sum(axis=0), rtol=1e-10)
    np.testing.assert_allclose(
        sx, np.einsum("nk,nkd->kd", resp, diff), rtol=1e-10, atol=1e-10
    )
    if covariance_type == "tied":
        centred = X - args[4]
        ref_sxx = (w[:, None] * centred).T @ centred
    elif covariance_type == "full":
        ref_sxx = np.einsum("nk,nkd,nke->kde", resp, diff, diff)
    else:
        ref_sxx = np.einsum("nk,nkd->kd", resp, diff**2)
    np.testing.assert_allclose(sxx, ref_sxx, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag"])
def test_unit_weights_give_the_unweighted_sums_exactly(covariance_type):
    """Multiplying by 1.0 is exact: the weighted twin does the unweighted
    arithmetic."""
    X, weights, means, covariances = random_problem(covariance_type)
    (kernel, weighted_kernel), args = _kernel_args(
        covariance_type, X, weights, means, covariances, 3
    )
    for ours, ref in zip(weighted_kernel(X, np.ones(len(X)), *args), kernel(X, *args)):
        np.testing.assert_array_equal(ours, ref)


@pytest.mark.parametrize("weighted", [False, True])
def test_tile_responsibilities_match_scipy_softmax(weighted):
    """The tile softmax (components by rows, padded) against scipy: r_tk, the
    sum of log p(x_t), zeros in the padding; a component of weight 0 (log
    probability -inf) gets exact zeros."""
    from scipy.special import logsumexp, softmax

    rng = np.random.default_rng(1)
    n_components, tile, n_rows = 5, 16, 11
    log_prob = rng.normal(0.0, 30.0, (n_components, tile))
    log_prob[2] = -np.inf
    log_prob[3, 0] = log_prob[0, 0] - 800.0  # exp underflows
    weight = rng.uniform(0.5, 2.0, n_rows)
    work = log_prob.copy()
    top, total = np.empty(tile), np.empty(tile)
    if weighted:
        log_lik = _kernels._tile_weighted_responsibilities(
            work, n_rows, weight, top, total
        )
    else:
        log_lik = _kernels._tile_responsibilities(work, n_rows, top, total)
        weight = np.ones(n_rows)
    rows = log_prob[:, :n_rows]
    np.testing.assert_allclose(
        work[:, :n_rows], softmax(rows, axis=0) * weight, rtol=1e-14, atol=1e-300
    )
    np.testing.assert_allclose(log_lik, weight @ logsumexp(rows, axis=0), rtol=1e-14)
    assert np.all(work[:, n_rows:] == 0.0)
    assert np.all(work[2] == 0.0)
