"""HMM kernels against brute-force enumeration of every state path and against
hmmlearn's compiled routines on the same parameters."""

import itertools

import numpy as np
import pytest
from numba import njit
from scipy.special import logsumexp

from skgen.hmm import _kernels


def random_hmm(n_components, n_samples, seed, zero_transitions=False):
    rng = np.random.RandomState(seed)
    startprob = rng.dirichlet(np.ones(n_components))
    transmat = rng.dirichlet(np.ones(n_components), size=n_components)
    if zero_transitions:  # left-right: no way back
        transmat = np.triu(transmat)
        transmat /= transmat.sum(axis=1, keepdims=True)
    log_frameprob = rng.normal(-3.0, 2.0, (n_samples, n_components))
    return startprob, transmat, log_frameprob


def bounds_of(lengths):
    return np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)


def log(a):
    with np.errstate(divide="ignore"):
        return np.log(a)


def forward_backward(startprob, transmat, log_frameprob, bounds, n_chunks):
    """The kernel with its posteriors in a new array."""
    out = np.full_like(log_frameprob, np.nan)
    return _kernels.forward_backward(
        startprob, transmat, log_frameprob, bounds, n_chunks, out
    )


def brute_force(startprob, transmat, log_frameprob):
    """Every path of one sequence: likelihood, posteriors, counts, best path."""
    n_steps, n_components = log_frameprob.shape
    paths = np.array(list(itertools.product(range(n_components), repeat=n_steps)))
    steps = np.arange(n_steps)
    log_p = (
        log(startprob)[paths[:, 0]]
        + log(transmat)[paths[:, :-1], paths[:, 1:]].sum(axis=1)
        + log_frameprob[steps, paths].sum(axis=1)
    )
    log_lik = logsumexp(log_p)
    weight = np.exp(log_p - log_lik)
    posteriors = np.zeros((n_steps, n_components))
    transitions = np.zeros((n_components, n_components))
    for path, w in zip(paths, weight):
        posteriors[steps, path] += w
        np.add.at(transitions, (path[:-1], path[1:]), w)
    best = paths[np.argmax(log_p)]
    return log_lik, posteriors, transitions, log_p.max(), best


@pytest.mark.parametrize("n_components, n_steps", [(1, 4), (2, 5), (3, 6), (3, 1)])
@pytest.mark.parametrize("zero_transitions", [False, True])
def test_forward_backward_and_viterbi_match_enumeration(
    n_components, n_steps, zero_transitions
):
    for seed in range(3):
        startprob, transmat, log_frameprob = random_hmm(
            n_components, n_steps, seed, zero_transitions
        )
        bounds = bounds_of([n_steps])
        log_lik, post, start_counts, trans_counts = forward_backward(
            startprob, transmat, log_frameprob, bounds, 1
        )
        ref_lik, ref_post, ref_trans, ref_best_lp, ref_best = brute_force(
            startprob, transmat, log_frameprob
        )
        np.testing.assert_allclose(log_lik[0], ref_lik, rtol=1e-12)
        np.testing.assert_allclose(post, ref_post, atol=1e-12)
        np.testing.assert_allclose(start_counts[0], ref_post[0], atol=1e-12)
        np.testing.assert_allclose(trans_counts[0], ref_trans, atol=1e-12)
        steps = _kernels.step_log_likelihood(
            startprob, transmat, log_frameprob, bounds, 1
        )
        assert steps.sum() == pytest.approx(ref_lik, rel=1e-12)
        # Step t's entry is log p(x_<=t) - log p(x_<t): check the first prefix.
        prefix = brute_force(startprob, transmat, log_frameprob[:1])[0]
        assert steps[0] == pytest.approx(prefix, rel=1e-12)
        best_lp, best = _kernels.viterbi(
            log(startprob), log(transmat), log_frameprob, bounds, 1
        )
        assert best_lp[0] == pytest.approx(ref_best_lp, rel=1e-12)
        np.testing.assert_array_equal(best, ref_best)


@pytest.fixture(scope="module")
def hmmc():
    return pytest.importorskip("hmmlearn._hmmc")


@pytest.mark.parametrize("n_components", [2, 5, 8, 9, 17])
@pytest.mark.parametrize("zero_transitions", [False, True])
def test_match_hmmlearn_on_several_sequences(hmmc, n_components, zero_transitions):
    lengths = [50, 1, 7, 200, 33]
    startprob, transmat, log_frameprob = random_hmm(
        n_components, sum(lengths), 4, zero_transitions
    )
    bounds = bounds_of(lengths)
    log_lik, post, start_counts, trans_counts = forward_backward(
        startprob, transmat, log_frameprob, bounds, 3
    )
    best_lp, best = _kernels.viterbi(
        log(startprob), log(transmat), log_frameprob, bounds, 2
    )
    ref_trans = np.zeros((n_components, n_components))
    ref_start = np.zeros(n_components)
    for s, (a, b) in enumerate(zip(bounds[:-1], bounds[1:])):
        frameprob = np.exp(log_frameprob[a:b])
        ref_lik, fwd, scaling = hmmc.forward_scaling(startprob, transmat, frameprob)
        bwd = hmmc.backward_scaling(startprob, transmat, frameprob, scaling)
        assert log_lik[s] == pytest.approx(ref_lik, rel=1e-12)
        # hmmlearn's posteriors: fwd * bwd normalised per row.
        ref_post = fwd * bwd
        ref_post /= ref_post.sum(axis=1, keepdims=True)
        np.testing.assert_allclose(post[a:b], ref_post, rtol=1e-9, atol=1e-13)
        ref_start += ref_post[0]
        if b - a > 1:
            ref_trans += hmmc.compute_scaling_xi_sum(fwd, transmat, bwd, frameprob)
        ref_lp, ref_path = hmmc.viterbi(startprob, transmat, log_frameprob[a:b])
        assert best_lp[s] == pytest.approx(ref_lp, rel=1e-12)
        np.testing.assert_array_equal(best[a:b], ref_path)
    np.testing.assert_allclose(start_counts.sum(axis=0), ref_start, rtol=1e-10)
    np.testing.assert_allclose(
        trans_counts.sum(axis=0), ref_trans, rtol=1e-10, atol=1e-12
    )
    if zero_transitions:
        assert np.all(trans_counts.sum(axis=0)[transmat == 0] == 0)


def test_results_do_not_depend_on_the_chunking():
    lengths = [30, 31, 32, 33, 34, 35, 36]
    startprob, transmat, log_frameprob = random_hmm(4, sum(lengths), 5)
    bounds = bounds_of(lengths)
    one = forward_backward(startprob, transmat, log_frameprob, bounds, 1)
    many = forward_backward(startprob, transmat, log_frameprob, bounds, 7)
    np.testing.assert_array_equal(one[0], many[0])  # per sequence: identical
    np.testing.assert_array_equal(one[1], many[1])
    np.testing.assert_allclose(one[3].sum(axis=0), many[3].sum(axis=0), rtol=1e-13)


def test_a_million_steps_do_not_underflow(hmmc):
    n_steps = 10**6
    startprob, transmat, log_frameprob = random_hmm(3, n_steps, 6)
    log_frameprob -= 50.0  # every frame probability below 1e-21
    bounds = bounds_of([n_steps])
    log_lik, post, _, trans_counts = forward_backward(
        startprob, transmat, log_frameprob, bounds, 1
    )
    ref_lik, _ = hmmc.forward_log(startprob, transmat, log_frameprob)
    assert np.isfinite(log_lik[0])
    assert log_lik[0] == pytest.approx(ref_lik, rel=1e-10)
    np.testing.assert_allclose(post.sum(axis=1), 1.0, rtol=1e-10)
    assert trans_counts.sum() == pytest.approx(n_steps - 1, rel=1e-10)


def test_an_impossible_sequence_has_zero_likelihood():
    startprob = np.array([1.0, 0.0])
    transmat = np.array([[1.0, 0.0], [0.0, 1.0]])  # stuck in state 0
    log_frameprob = np.array([[0.0, -1.0], [-np.inf, 0.0], [0.0, 0.0]])
    bounds = bounds_of([1, 2])
    log_lik, post, start_counts, trans_counts = forward_backward(
        startprob, transmat, log_frameprob, bounds, 1
    )
    assert np.isfinite(log_lik[0]) and log_lik[1] == -np.inf
    assert np.all(post[1:] == 0) and np.all(np.isfinite(trans_counts))
    steps = _kernels.step_log_likelihood(startprob, transmat, log_frameprob, bounds, 1)
    assert np.isfinite(steps[0]) and np.all(steps[1:] == -np.inf)


def test_posteriors_may_overwrite_the_frame_log_probabilities():
    lengths = [30, 1, 45, 7]
    startprob, transmat, log_frameprob = random_hmm(9, sum(lengths), 8)
    log_frameprob[31:76] = -np.inf  # the third sequence is impossible
    bounds = bounds_of(lengths)
    apart = forward_backward(startprob, transmat, log_frameprob, bounds, 2)
    in_place = log_frameprob.copy()
    shared = _kernels.forward_backward(
        startprob, transmat, in_place, bounds, 2, in_place
    )
    assert shared[1] is in_place
    for a, b in zip(apart, shared):
        np.testing.assert_array_equal(a, b)
    assert apart[0][2] == -np.inf and np.all(apart[1][31:76] == 0)


def test_exp_nonpositive_matches_numpy():
    x = np.concatenate([np.linspace(-708, 0, 200_001), [-np.inf, -800.0, -0.0, np.nan]])
    out = x.copy()
    _kernels.exp_nonpositive(out)
    ref = np.exp(x[:-4])
    assert np.max(np.abs(out[:-4] - ref) / np.spacing(ref)) <= 2
    assert np.all(out[-4:-2] == 0) and out[-2] == 1.0 and np.isnan(out[-1])


def test_tiny_normalisers_keep_the_likelihood_finite(hmmc):
    # 599 steps of c_t = 0.5 (product 5e-181), then one of c_t = 1e-150: a
    # running product of the c_t would underflow to 0 there.
    A, B = [0.0, -np.inf, -np.inf], [-np.inf, -np.inf, 0.0]
    log_frameprob = np.array([A] * 600 + [B, A])
    startprob = np.array([1.0, 0.0, 0.0])
    row = [0.5, 0.5 - 1e-150, 1e-150]
    transmat = np.array([row, row, [1.0, 0.0, 0.0]])
    bounds = bounds_of([len(log_frameprob)])
    log_lik = forward_backward(startprob, transmat, log_frameprob, bounds, 1)[0]
    ref_lik, _ = hmmc.forward_log(startprob, transmat, log_frameprob)
    assert np.isfinite(ref_lik)
    assert log_lik[0] == pytest.approx(ref_lik, rel=1e-12)
    steps = _kernels.step_log_likelihood(startprob, transmat, log_frameprob, bounds, 1)
    assert steps.sum() == pytest.approx(ref_lik, rel=1e-12)


def test_a_subnormal_normaliser_is_divided_by_not_inverted(hmmc):
    # c_0 = 1e-310 has no finite inverse; its posteriors must still be exact.
    startprob = np.array([1.0, 1e-310, 0.0])
    transmat = np.array([[1.0, 0.0, 0.0], [0.5, 0.0, 0.5], [0.0, 0.0, 1.0]])
    log_frameprob = np.array([[-np.inf, 0.0, -np.inf], [-np.inf, -3.0, 0.0]])
    bounds = bounds_of([2])
    log_lik, post, _, trans = forward_backward(
        startprob, transmat, log_frameprob, bounds, 1
    )
    ref_lik, _ = hmmc.forward_log(startprob, transmat, log_frameprob)
    assert log_lik[0] == pytest.approx(ref_lik, rel=1e-12)
    np.testing.assert_array_equal(post, [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    assert trans.sum(axis=0)[1, 2] == pytest.approx(1.0)


def test_mixture_kernels_against_scipy():
    rng = np.random.RandomState(10)
    n_samples, n_components, n_mix = 200, 3, 4
    log_prob = rng.normal(-5.0, 30.0, (n_samples, n_components * n_mix))
    log_prob[5, 4:8] = -np.inf  # state 1 cannot emit row 5
    log_prob[6, 0] = -np.inf  # one impossible component
    cube = log_prob.reshape(n_samples, n_components, n_mix)
    expected = logsumexp(cube, axis=2)
    for n_chunks in (1, 6):
        sums, tops = _kernels.mixture_likelihood(log_prob.copy(), n_mix, n_chunks)
        with np.errstate(divide="ignore"):
            got = np.log(sums) + tops
        np.testing.assert_allclose(got, expected, rtol=1e-13)
        assert got[5, 1] == -np.inf
    posteriors = rng.dirichlet(np.ones(n_components), size=n_samples)
    with np.errstate(invalid="ignore"):
        within = np.exp(cube - expected[:, :, np.newaxis])
    within[5, 1] = 0.0
    resp = _kernels.mixture_responsibilities(log_prob.copy(), posteriors, n_mix, 3)
    np.testing.assert_allclose(
        resp,
        (within * posteriors[:, :, np.newaxis]).reshape(n_samples, -1),
        rtol=1e-13,
        atol=1e-300,
    )


def test_viterbi_marks_exactly_the_sequences_with_a_nan_frame():
    # The maximum passes over a NaN score; the kernel tests the frames itself.
    lengths = [20, 15, 30]
    startprob, transmat, log_frameprob = random_hmm(4, sum(lengths), 9, False)
    log_frameprob[20 + 7, 2] = np.nan
    best_lp, _ = _kernels.viterbi(
        log(startprob), log(transmat), log_frameprob, bounds_of(lengths), 3
    )
    np.testing.assert_array_equal(np.isnan(best_lp), [False, True, False])


@njit  # not cached: the cache would keep an old _max_plus_block inlined
def _max_plus_blocks(previous, log_transmat, n_components):
    """Every block of ``_kernels._max_plus_block``, for the test below."""
    n_padded = previous.shape[0]
    best = np.empty(_kernels.LANES)
    arg = np.empty(_kernels.LANES, dtype=np.int32)
    all_best = np.empty(n_padded)
    all_arg = np.empty(n_padded, dtype=np.int32)
    for jb in range(0, n_padded, _kernels.LANES):
        _kernels._max_plus_block(previous, log_transmat, n_components, jb, best, arg)
        all_best[jb : jb + _kernels.LANES] = best
        all_arg[jb : jb + _kernels.LANES] = arg
    return all_best, all_arg


@pytest.mark.parametrize("n_components", [1, 2, 7, 8, 9, 16, 17])
@pytest.mark.parametrize("ties", [False, True])
def test_max_plus_block_matches_numpy(n_components, ties):
    # The vector max-plus step: best score and first best predecessor of each
    # state, as numpy's max and argmax (which takes the first of tied ones).
    rng = np.random.RandomState(n_components)
    n_padded = -(-n_components // _kernels.LANES) * _kernels.LANES
    previous = np.full(n_padded, -np.inf)
    log_transmat = np.full((n_padded, n_padded), -np.inf)
    previous[:n_components] = rng.normal(size=n_components)
    log_transmat[:n_components, :n_components] = rng.normal(
        size=(n_components, n_components)
    )
    if ties:  # equal scores, forbidden transitions, an unreachable state
        previous[:n_components] = np.round(previous[:n_components])
        log_transmat[:n_components, :n_components] = np.round(
            log_transmat[:n_components, :n_components]
        )
        log_transmat[: n_components // 2, 0] = -np.inf
        log_transmat[:n_components, n_components - 1] = -np.inf
    best, arg = _max_plus_blocks(previous, log_transmat, n_components)
    scores = previous[:n_components, np.newaxis] + log_transmat[:n_components]
    np.testing.assert_array_equal(best, scores.max(axis=0))
    np.testing.assert_array_equal(arg, scores.argmax(axis=0))
    if ties:
        assert best[n_components - 1] == -np.inf and arg[n_components - 1] == 0


@njit  # not cached: the cache would keep an old _axpy_block inlined
def _axpy_blocks(coefs, coef_start, coef_step, n_terms, matrix, row_start):
    """Every block of ``_kernels._axpy_block`` across ``matrix``'s columns."""
    out = np.full(matrix.shape[1], np.nan)
    for column in range(0, matrix.shape[1], _kernels.LANES):
        _kernels._axpy_block(
            coefs,
            coef_start,
            coef_step,
            n_terms,
            matrix,
            row_start,
            column,
            out,
            column,
        )
    return out


@pytest.mark.parametrize("n_terms", [0, 1, 7, 9, 33])
@pytest.mark.parametrize("width", [8, 16, 24])
def test_axpy_block_matches_numpy_with_strided_coefficients(n_terms, width):
    # The recursions' matrix-vector step: coefficients along a row (forward,
    # backward) or down a column (expected transitions), rows from an offset.
    rng = np.random.RandomState(width + n_terms)
    coefs = rng.normal(size=(n_terms + 2, width))
    matrix = rng.normal(size=(n_terms + 3, width))
    along_row = _axpy_blocks(coefs, width, 1, min(n_terms, width), matrix, 2)
    expected = coefs[1, : min(n_terms, width)] @ matrix[2 : 2 + min(n_terms, width)]
    np.testing.assert_allclose(along_row, expected, rtol=1e-12, atol=1e-12)
    down_column = _axpy_blocks(coefs, 3, width, n_terms, matrix, 1)
    expected = coefs[:n_terms, 3] @ matrix[1 : 1 + n_terms]
    np.testing.assert_allclose(down_column, expected, rtol=1e-12, atol=1e-12)
