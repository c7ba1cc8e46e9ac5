"""Numba kernels for hidden Markov models: forward-backward and Viterbi.

Every kernel takes the stacked rows of all sequences, ``log_frameprob`` of
shape (n_samples, n_components) (``log p(x_t | state)``, from the emission
model), and ``bounds``: int64 array of shape (n_sequences + 1,), sequence ``s``
being rows ``bounds[s]:bounds[s + 1]``.

Sequences are split into a fixed number of chunks (a function of the number of
sequences only); chunks run in parallel and their partial sums are reduced by
the caller in chunk order, so results do not depend on the number of threads.

Forward-backward is *scaled* (normalised at every step), not in log space:
frame probabilities are exponentiated after subtracting each step's maximum
over states, ``b_t = exp(log_frameprob_t - m_t)``, so that neither they nor the
recursions underflow however long the sequence; the log-likelihood is
``sum_t log c_t + m_t`` with ``c_t`` the step's normaliser. ``c_t`` times
``exp(m_t)`` is ``p(x_t | x_<t)``: the per-step log-likelihoods that
``score_samples`` returns come straight out of the forward pass.

The per-step work is laid out for the CPU: states are padded to a multiple of
``LANES`` (8, one AVX-512 register of float64) and every matrix-vector product
(``_axpy_block``) and Viterbi's max-plus step (``_max_plus_block``) runs over
blocks of eight states in one vector register, written as LLVM vector
instructions: numba's loop vectoriser does not touch loops as short as the
number of states, and its SLP vectoriser is off, so the same lane-wise code on
tuples of eight ran one scalar at a time. Frame probabilities are
exponentiated by ``exp_nonpositive`` in one long loop per sequence, which the
loop vectoriser does turn into vector code (libm's scalar ``exp`` was a third
of the pass).

A step that no state can explain given the past (``c_t = 0``: every path
through it uses a zero transition, or its frame probabilities underflow next
to an unreachable state's) makes its sequence's log-likelihood ``-inf``; its
posteriors are then zero and it adds nothing to the expected counts.
"""

import math

import numpy as np
from llvmlite import ir as llvm_ir
from numba import njit, prange, types
from numba.core import cgutils
from numba.extending import intrinsic

from skgen.utils._chunking import chunk_bounds, parallel_kernel

#: States are processed in blocks of this many (padded with zero states).
LANES = 8

# exp(x) for x <= 0: x = m ln 2 + r with |r| <= ln(2) / 2 (Cody-Waite split of
# ln 2), exp(r) by its Taylor series to r^13 (truncation < 1e-17), times 2^m
# from a table. Below _UNDERFLOW the result is 0 (numpy gives subnormals).
_LOG2E = 1.4426950408889634
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_UNDERFLOW = -708.3964185322641
_POW2_NEGATIVE = np.ldexp(1.0, -np.arange(1023))
_C = tuple(1.0 / math.factorial(i) for i in range(14))


@njit(cache=True, nogil=True, fastmath={"contract"})
def exp_nonpositive(values):
    """values[:] = exp(values) in place, for values <= 0 or -inf; 2 ulp.

    NaN stays NaN; positive values (outside the domain) give 1.

    A plain loop of arithmetic and one table lookup, so that it vectorises;
    the polynomial is evaluated by Estrin's scheme for a short dependency chain.
    """
    for idx in range(values.shape[0]):
        value = values[idx]
        # NaN goes to _UNDERFLOW too, and a positive x (outside the domain)
        # to 0: the table index stays in range whatever the input.
        x = min(value, 0.0) if value > _UNDERFLOW else _UNDERFLOW
        m = np.floor(x * _LOG2E + 0.5)
        r = (x - m * _LN2_HI) - m * _LN2_LO
        r2 = r * r
        r4 = r2 * r2
        q0 = (_C[0] + _C[1] * r) + (_C[2] + _C[3] * r) * r2
        q1 = (_C[4] + _C[5] * r) + (_C[6] + _C[7] * r) * r2
        q2 = (_C[8] + _C[9] * r) + (_C[10] + _C[11] * r) * r2
        q3 = _C[12] + _C[13] * r
        p = (q0 + q1 * r4) + (q2 + q3 * r4) * (r4 * r4)
        exp_x = p * _POW2_NEGATIVE[-np.int64(m)]
        values[idx] = exp_x if value > _UNDERFLOW else (0.0 if value <= 0 else value)


_I32 = llvm_ir.IntType(32)


def _splat(builder, value, vector_type):
    """``value`` in every lane of a ``vector_type`` (LLVM IR)."""
    undefined = llvm_ir.Constant(vector_type, llvm_ir.Undefined)
    first = builder.insert_element(undefined, value, llvm_ir.Constant(_I32, 0))
    lanes = llvm_ir.VectorType(_I32, vector_type.count)
    zeros = llvm_ir.Constant(lanes, [0] * vector_type.count)
    return builder.shuffle_vector(first, undefined, zeros)


# Eight lanes as a tuple, x an 8-element view: the per-block work around the
# vector intrinsics below (a few operations a block, not per state).
@njit(inline="always")
def _mul8(acc, x):
    return (
        acc[0] * x[0], acc[1] * x[1], acc[2] * x[2], acc[3] * x[3],
        acc[4] * x[4], acc[5] * x[5], acc[6] * x[6], acc[7] * x[7],
    )  # fmt: skip


@njit(inline="always")
def _sum8(acc):
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + (
        (acc[4] + acc[5]) + (acc[6] + acc[7])
    )


@njit(inline="always")
def _store8(acc, x):
    for lane in range(LANES):
        x[lane] = acc[lane]


@njit(inline="always")
def _load8(x):
    return (x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7])


def _c_float64(kind, ndim=None):
    return (
        isinstance(kind, types.Array)
        and kind.dtype == types.float64
        and kind.layout == "C"
        and (ndim is None or kind.ndim == ndim)
    )


@intrinsic
def _axpy_block(
    typingctx,
    coefs,
    coef_start,
    coef_step,
    n_terms,
    matrix,
    row_start,
    column,
    out,
    out_start,
):
    """LANES sums ``sum_r a_r * matrix[row_start + r, column + l]`` over
    ``r < n_terms``, with ``a_r = coefs.flat[coef_start + r * coef_step]``,
    stored at ``out.flat[out_start:out_start + LANES]``.

    The recursions' matrix-vector products over blocks of LANES states, as
    LLVM vector instructions: one register carried through the loop over
    ``r`` (Numba's SLP vectoriser is off, and the same code on tuples of
    eight ran one scalar at a time). Each lane adds its products in order
    from 0.0, a multiply then an add (no fused multiply-add), as the scalar
    code did: the same bits. ``coefs``, ``matrix`` and ``out`` are
    C-contiguous float64; ``matrix`` is 2-D with room for LANES columns from
    ``column``.
    """
    if not (_c_float64(coefs) and _c_float64(matrix, 2) and _c_float64(out)):
        return None
    signature = types.void(
        coefs, coef_start, coef_step, n_terms, matrix, row_start, column, out, out_start
    )

    def codegen(context, builder, signature, args):
        kinds = signature.args
        coefs_, matrix_, out_ = (
            context.make_array(kinds[k])(context, builder, args[k]) for k in (0, 4, 7)
        )
        coef_start_, coef_step_, n_terms_, row_start_, column_, out_start_ = (
            context.cast(builder, args[k], kinds[k], types.intp)
            for k in (1, 2, 3, 5, 6, 8)
        )
        lanes = llvm_ir.VectorType(llvm_ir.DoubleType(), LANES)
        n_columns = builder.extract_value(matrix_.shape, 1)
        acc_at = cgutils.alloca_once_value(
            builder, llvm_ir.Constant(lanes, [0.0] * LANES)
        )
        with cgutils.for_range(builder, n_terms_) as loop:
            r = loop.index
            coef_at = builder.add(coef_start_, builder.mul(r, coef_step_))
            coef = builder.load(builder.gep(coefs_.data, [coef_at]))
            row = builder.add(row_start_, r)
            offset = builder.add(builder.mul(row, n_columns), column_)
            values = builder.load(
                builder.bitcast(
                    builder.gep(matrix_.data, [offset]), lanes.as_pointer()
                ),
                align=8,
            )
            product = builder.fmul(_splat(builder, coef, lanes), values)
            builder.store(builder.fadd(builder.load(acc_at), product), acc_at)
        target = builder.gep(out_.data, [out_start_])
        builder.store(
            builder.load(acc_at), builder.bitcast(target, lanes.as_pointer()), align=8
        )
        return context.get_dummy_value()

    return signature, codegen


@njit(cache=True, nogil=True)
def _longest_sequence(bounds, first, last):
    longest = 0
    for s in range(first, last):
        longest = max(longest, bounds[s + 1] - bounds[s])
    return longest


@njit(cache=True, nogil=True)
def _padded_transitions(transmat):
    """transmat and its transpose, zero-padded to a multiple of LANES states."""
    n_components = transmat.shape[0]
    n_padded = -(-n_components // LANES) * LANES
    padded = np.zeros((n_padded, n_padded))
    padded_t = np.zeros((n_padded, n_padded))
    # Loops, not slice assignment: Numba compiles a slice assignment's size
    # check with its error message, about 2.5 s the first time.
    for i in range(n_components):
        for j in range(n_components):
            padded[i, j] = transmat[i, j]
            padded_t[j, i] = transmat[i, j]
    return padded, padded_t


@njit(cache=True, nogil=True)
def _scaled_frameprob(log_frameprob, frameprob, shift):
    """frameprob[t] = exp(log_frameprob[t] - shift[t]), shift[t] = max over states.

    ``frameprob`` has the padded width; padding states get probability 0.
    """
    n_steps, n_components = log_frameprob.shape
    n_padded = frameprob.shape[1]
    for t in range(n_steps):
        top = log_frameprob[t, 0]
        for k in range(1, n_components):
            top = max(top, log_frameprob[t, k])
        if top == -np.inf:
            top = 0.0  # an impossible frame: leave its zeros, c_t will be 0
        shift[t] = top
        for k in range(n_components):
            frameprob[t, k] = log_frameprob[t, k] - top
        for k in range(n_components, n_padded):
            frameprob[t, k] = -np.inf
    exp_nonpositive(frameprob.reshape(-1))


@njit(cache=True, nogil=True)
def _forward_scaled(startprob, transmat, frameprob, alpha, scale):
    """Scaled forward pass over one sequence; return False if some c_t = 0.

    ``alpha[t]`` is normalised to sum to one, ``scale[t]`` the normaliser c_t.
    ``transmat`` and the rows of ``frameprob`` and ``alpha`` are padded.
    """
    n_steps, n_padded = frameprob.shape
    n_components = startprob.shape[0]
    total = 0.0
    alpha[0, :] = 0.0
    for k in range(n_components):
        alpha[0, k] = startprob[k] * frameprob[0, k]
        total += alpha[0, k]
    if total == 0.0:
        return False
    scale[0] = total
    # Divide, not multiply by 1 / total: a subnormal total has no finite inverse.
    for k in range(n_padded):  # a loop: a slice's /= compiles a size check
        alpha[0, k] /= total
    for t in range(1, n_steps):
        total = 0.0
        for jb in range(0, n_padded, LANES):
            # alpha[t, block] = alpha[t - 1, :K] @ transmat[:K, block]
            previous_row = (t - 1) * n_padded
            _axpy_block(
                alpha,
                previous_row,
                1,
                n_components,
                transmat,
                0,
                jb,
                alpha,
                previous_row + n_padded + jb,
            )
            block = alpha[t, jb : jb + LANES]
            acc = _mul8(_load8(block), frameprob[t, jb : jb + LANES])
            _store8(acc, block)
            total += _sum8(acc)
        if total == 0.0:
            return False
        scale[t] = total
        for k in range(n_padded):
            alpha[t, k] /= total
    return True


@njit(cache=True, nogil=True)
def _backward_scaled(transmat_t, frameprob, scale, alpha, beta_rows, posteriors):
    """Scaled backward pass with the forward pass's normalisers.

    Writes ``posteriors[t] = alpha[t] * beta[t]`` (the first K states) as it
    goes, keeping only two rows of beta (``beta_rows``), and overwrites
    ``frameprob[t]`` (t >= 1) with ``b_t * beta_t / c_t``, from which
    ``beta[t - 1] = transmat @ that`` and the expected transitions come.
    """
    n_steps, n_padded = frameprob.shape
    n_components = posteriors.shape[1]
    later, current = 0, 1  # rows of beta_rows
    for k in range(n_padded):
        beta_rows[later, k] = 1.0
    for k in range(n_components):
        posteriors[n_steps - 1, k] = alpha[n_steps - 1, k]
    for t in range(n_steps - 1, 0, -1):
        for k in range(n_padded):
            frameprob[t, k] = frameprob[t, k] * beta_rows[later, k] / scale[t]
        for ib in range(0, n_padded, LANES):
            # beta[t - 1, block] = w_t @ transmat_t[:, block]
            _axpy_block(
                frameprob,
                t * n_padded,
                1,
                n_padded,
                transmat_t,
                0,
                ib,
                beta_rows,
                current * n_padded + ib,
            )
        for k in range(n_components):
            posteriors[t - 1, k] = alpha[t - 1, k] * beta_rows[current, k]
        later, current = current, later


@njit(cache=True, nogil=True)
def _add_transitions(transmat, alpha, weighted, counts, weight):
    """counts[i, j] += weight * transmat[i, j] * sum_t alpha[t - 1, i] weighted[t, j].

    The sum over steps is a (K x T) by (T x K) product, accumulated in
    registers; transmat (and the sequence's ``weight``) multiplies it once at
    the end.
    """
    n_steps, n_padded = alpha.shape
    n_components = counts.shape[0]
    block = np.empty(LANES)
    for i in range(n_components):
        for jb in range(0, n_padded, LANES):
            # alpha[:-1, i] @ weighted[1:, block]
            _axpy_block(alpha, i, n_padded, n_steps - 1, weighted, 1, jb, block, 0)
            for lane in range(LANES):
                j = jb + lane
                if j < n_components:
                    counts[i, j] += weight * transmat[i, j] * block[lane]


@njit(cache=True, nogil=True)
def _sequence_log_likelihood(scale, shift):
    """sum_t log c_t + m_t, with one log per ~1e200 of product, not per step.

    c_t <= 1; one below 1e-100 goes to the sum by its own log, so that the
    running product (kept above 1e-200) never leaves the normal range.
    """
    total = 0.0
    product = 1.0
    for t in range(scale.shape[0]):
        total += shift[t]
        if scale[t] < 1e-100:
            total += np.log(scale[t])
            continue
        product *= scale[t]
        if product < 1e-200:
            total += np.log(product)
            product = 1.0
    return total + np.log(product)


@parallel_kernel()
def forward_backward(
    startprob,
    transmat,
    log_frameprob,
    bounds,
    n_chunks,
    posteriors,
    sequence_weights=None,
):
    """Posteriors and expected counts of every sequence.

    ``posteriors`` (n_samples, K) receives the posteriors; it may be
    ``log_frameprob`` itself (each sequence's rows are read before they are
    written), which spares allocating, and page-faulting in, a second
    (n_samples, K) array at every EM iteration. ``sequence_weights``
    (n_sequences,), if given, multiply each sequence's start and transition
    counts (not its posteriors or log-likelihood).

    Returns
    -------
    log_lik : (n_sequences,) log p(x) of each sequence.
    posteriors : the argument, p(z_t = k | x); rows of -inf sequences zero.
    start_counts : (n_chunks, K) sum over sequences of the posteriors at t=0.
    transition_counts : (n_chunks, K, K) expected numbers of i -> j transitions,
        accumulated sequence by sequence (no (T, K, K) array).
    """
    n_samples, n_components = log_frameprob.shape
    n_sequences = bounds.shape[0] - 1
    transmat_padded, transmat_t = _padded_transitions(transmat)
    n_padded = transmat_padded.shape[0]
    log_lik = np.empty(n_sequences)
    start_counts = np.zeros((n_chunks, n_components))
    transition_counts = np.zeros((n_chunks, n_components, n_components))
    for c in prange(n_chunks):
        first, last = chunk_bounds(c, n_chunks, n_sequences)
        # Work arrays for the chunk's longest sequence, reused by the others.
        longest = _longest_sequence(bounds, first, last)
        frameprob_work = np.empty((longest, n_padded))
        alpha_work = np.empty((longest, n_padded))
        beta_rows = np.empty((2, n_padded))
        shift_work = np.empty(longest)
        scale_work = np.empty(longest)
        for s in range(first, last):
            start, stop = bounds[s], bounds[s + 1]
            n_steps = stop - start
            frameprob = frameprob_work[:n_steps]
            alpha = alpha_work[:n_steps]
            shift = shift_work[:n_steps]
            scale = scale_work[:n_steps]
            _scaled_frameprob(log_frameprob[start:stop], frameprob, shift)
            if not _forward_scaled(startprob, transmat_padded, frameprob, alpha, scale):
                log_lik[s] = -np.inf
                posteriors[start:stop] = 0.0
                continue
            log_lik[s] = _sequence_log_likelihood(scale, shift)
            # From here on frameprob[t] holds b_t * beta_t / c_t (t >= 1).
            _backward_scaled(
                transmat_t, frameprob, scale, alpha, beta_rows, posteriors[start:stop]
            )
            weight = 1.0 if sequence_weights is None else sequence_weights[s]
            for k in range(n_components):
                start_counts[c, k] += weight * posteriors[start, k]
            _add_transitions(transmat, alpha, frameprob, transition_counts[c], weight)
    return log_lik, posteriors, start_counts, transition_counts


@parallel_kernel()
def step_log_likelihood(startprob, transmat, log_frameprob, bounds, n_chunks):
    """log p(x_t | x_<t) of every row (forward pass only).

    A sequence's entries sum to its log-likelihood; from the first impossible
    step on, they are -inf.
    """
    n_samples, n_components = log_frameprob.shape
    n_sequences = bounds.shape[0] - 1
    transmat_padded = _padded_transitions(transmat)[0]
    n_padded = transmat_padded.shape[0]
    out = np.empty(n_samples)
    for c in prange(n_chunks):
        first, last = chunk_bounds(c, n_chunks, n_sequences)
        longest = _longest_sequence(bounds, first, last)
        frameprob_work = np.empty((longest, n_padded))
        alpha_work = np.empty((longest, n_padded))
        shift_work = np.empty(longest)
        scale_work = np.empty(longest)
        for s in range(first, last):
            start, stop = bounds[s], bounds[s + 1]
            n_steps = stop - start
            frameprob = frameprob_work[:n_steps]
            shift = shift_work[:n_steps]
            scale = scale_work[:n_steps]
            scale[:] = 0.0
            _scaled_frameprob(log_frameprob[start:stop], frameprob, shift)
            _forward_scaled(
                startprob, transmat_padded, frameprob, alpha_work[:n_steps], scale
            )
            for t in range(n_steps):
                # scale stays 0 from the first impossible step on: log 0 = -inf
                out[start + t] = (
                    np.log(scale[t]) + shift[t] if scale[t] > 0 else -np.inf
                )
    return out


@parallel_kernel()
def forward_filter(startprob, transmat, log_frameprob, bounds, n_chunks, filtered):
    """Filtered state probabilities ``p(z_t = k | x_1, ..., x_t)`` (forward pass only).

    The scaled forward variables are these probabilities: each step's
    ``alpha_t`` is normalised to sum to one. ``filtered`` (n_samples, K)
    receives them; it may be ``log_frameprob`` itself (a sequence's rows are
    read before they are written).

    Returns
    -------
    log_lik : (n_sequences,) log p(x) of each sequence (-inf: some step has
        zero probability given the past; the sequence's rows are then zero).
    filtered : the argument.
    """
    n_samples, n_components = log_frameprob.shape
    n_sequences = bounds.shape[0] - 1
    transmat_padded = _padded_transitions(transmat)[0]
    n_padded = transmat_padded.shape[0]
    log_lik = np.empty(n_sequences)
    for c in prange(n_chunks):
        first, last = chunk_bounds(c, n_chunks, n_sequences)
        longest = _longest_sequence(bounds, first, last)
        frameprob_work = np.empty((longest, n_padded))
        alpha_work = np.empty((longest, n_padded))
        shift_work = np.empty(longest)
        scale_work = np.empty(longest)
        for s in range(first, last):
            start, stop = bounds[s], bounds[s + 1]
            n_steps = stop - start
            alpha = alpha_work[:n_steps]
            _scaled_frameprob(
                log_frameprob[start:stop], frameprob_work[:n_steps], shift_work
            )
            if not _forward_scaled(
                startprob,
                transmat_padded,
                frameprob_work[:n_steps],
                alpha,
                scale_work[:n_steps],
            ):
                log_lik[s] = -np.inf
                filtered[start:stop] = 0.0
                continue
            log_lik[s] = _sequence_log_likelihood(
                scale_work[:n_steps], shift_work[:n_steps]
            )
            for t in range(n_steps):
                for k in range(n_components):
                    filtered[start + t, k] = alpha[t, k]
    return log_lik, filtered


@parallel_kernel()
def predict_states(state_proba, transmat, n_steps, n_chunks):
    """State probabilities ``n_steps`` steps ahead of each row of ``state_proba``.

    ``out[s, h] = state_proba[s] @ transmat ** (h + 1)``, shape
    (n_sequences, n_steps, K): from the filtered distribution of a sequence's
    last row, the distributions of the next ``n_steps`` hidden states.
    """
    n_sequences, n_components = state_proba.shape
    out = np.zeros((n_sequences, n_steps, n_components))
    for c in prange(n_chunks):
        first, last = chunk_bounds(c, n_chunks, n_sequences)
        for s in range(first, last):
            previous = state_proba[s]
            for h in range(n_steps):
                current = out[s, h]
                for i in range(n_components):
                    weight = previous[i]
                    if weight == 0.0:
                        continue
                    for j in range(n_components):
                        current[j] += weight * transmat[i, j]
                previous = current
    return out


@intrinsic
def _max_plus_block(typingctx, previous, log_transmat, n_components, jb, best, arg):
    """``best[l] = max_i previous[i] + log_transmat[i, jb + l]`` over
    ``i < n_components`` for the LANES states from ``jb``, and ``arg[l]`` the
    first ``i`` reaching it (``arg`` 0 and ``best`` -inf if none beats -inf).

    Written as LLVM vector instructions, one register of LANES scores and one
    of indices carried through the loop over ``i``: Numba's SLP vectoriser is
    off, and the same lane-wise code on tuples ran one scalar at a time (2.2x
    slower at 8 states, 3-4x from 9 to 64). The comparisons are the scalar
    code's (``>``, in increasing ``i``), so ties and the results are the same.
    ``previous`` (float64, 1-D) and ``log_transmat`` (float64, 2-D) are
    C-contiguous and padded to a multiple of LANES states; ``best`` (float64)
    and ``arg`` (int32) hold LANES entries.
    """
    if not (
        _c_float64(previous, 1) and _c_float64(log_transmat, 2) and _c_float64(best, 1)
    ) or arg != types.Array(types.int32, 1, "C"):
        return None
    signature = types.void(previous, log_transmat, n_components, jb, best, arg)

    def codegen(context, builder, signature, args):
        kinds = signature.args
        previous_, transmat_, best_, arg_ = (
            context.make_array(kinds[k])(context, builder, args[k])
            for k in (0, 1, 4, 5)
        )
        scores = llvm_ir.VectorType(llvm_ir.DoubleType(), LANES)
        indices = llvm_ir.VectorType(_I32, LANES)
        n_columns = builder.extract_value(transmat_.shape, 1)
        n_rows = context.cast(builder, args[2], kinds[2], types.intp)
        first_column = context.cast(builder, args[3], kinds[3], types.intp)
        best_at = cgutils.alloca_once_value(
            builder, llvm_ir.Constant(scores, [float("-inf")] * LANES)
        )
        arg_at = cgutils.alloca_once_value(
            builder, llvm_ir.Constant(indices, [0] * LANES)
        )
        with cgutils.for_range(builder, n_rows) as loop:
            i = loop.index
            weight = builder.load(builder.gep(previous_.data, [i]))
            offset = builder.add(builder.mul(i, n_columns), first_column)
            row = builder.bitcast(
                builder.gep(transmat_.data, [offset]), scores.as_pointer()
            )
            candidate = builder.fadd(
                _splat(builder, weight, scores), builder.load(row, align=8)
            )
            current = builder.load(best_at)
            better = builder.fcmp_ordered(">", candidate, current)
            builder.store(builder.select(better, candidate, current), best_at)
            index = _splat(builder, builder.trunc(i, _I32), indices)
            builder.store(builder.select(better, index, builder.load(arg_at)), arg_at)
        builder.store(
            builder.load(best_at),
            builder.bitcast(best_.data, scores.as_pointer()),
            align=8,
        )
        builder.store(
            builder.load(arg_at),
            builder.bitcast(arg_.data, indices.as_pointer()),
            align=4,
        )
        return context.get_dummy_value()

    return signature, codegen


@njit(cache=True, nogil=True)
def _count_nan(values):
    """NaN entries of a C-contiguous 2-D array (a vectorised pass, and the
    sequence's frames are then in cache for the recursion)."""
    flat = values.reshape(-1)
    count = 0
    for i in range(flat.shape[0]):
        count += flat[i] != flat[i]
    return count


@njit(cache=True, nogil=True)
def _viterbi_sequence(
    log_startprob, log_transmat, log_frameprob, previous, current, back, best, arg
):
    """Best path score of one sequence and its last state.

    ``back[t, j]`` receives the best predecessor of state j at step t.
    ``log_transmat``, ``previous`` and ``current`` are padded to a multiple of
    LANES states (padding states at -inf); ``best`` and ``arg`` are LANES
    entries of scratch for :func:`_max_plus_block`.
    """
    n_steps, n_components = log_frameprob.shape
    n_padded = previous.shape[0]
    previous[:] = -np.inf
    current[:] = -np.inf
    for k in range(n_components):
        previous[k] = log_startprob[k] + log_frameprob[0, k]
    for t in range(1, n_steps):
        for jb in range(0, n_padded, LANES):
            _max_plus_block(previous, log_transmat, n_components, jb, best, arg)
            for lane in range(LANES):
                j = jb + lane
                if j < n_components:
                    current[j] = best[lane] + log_frameprob[t, j]
                    back[t, j] = arg[lane]
        previous, current = current, previous
    last_score = previous[0]
    last_state = 0
    for k in range(1, n_components):
        if previous[k] > last_score:
            last_score = previous[k]
            last_state = k
    return last_score, last_state


@parallel_kernel()
def viterbi(log_startprob, log_transmat, log_frameprob, bounds, n_chunks):
    """Most likely state path of every sequence, in log space.

    Ties go to the lowest state index at each step, as numpy's ``argmax``
    does (hmmlearn 0.3.3's backtracking takes the highest).

    Returns
    -------
    log_prob : (n_sequences,) log-probability of each sequence's best path;
        NaN for a sequence with a NaN frame log-probability (the maximum
        would pass over it).
    states : (n_samples,) int64 best path.
    """
    n_samples, n_components = log_frameprob.shape
    n_sequences = bounds.shape[0] - 1
    n_padded = -(-n_components // LANES) * LANES
    log_transmat_padded = np.full((n_padded, n_padded), -np.inf)
    for i in range(n_components):  # not a slice assignment: see above
        for j in range(n_components):
            log_transmat_padded[i, j] = log_transmat[i, j]
    log_prob = np.empty(n_sequences)
    states = np.empty(n_samples, dtype=np.int64)
    for c in prange(n_chunks):
        first, last = chunk_bounds(c, n_chunks, n_sequences)
        previous = np.empty(n_padded)
        current = np.empty(n_padded)
        back_work = np.empty(
            (_longest_sequence(bounds, first, last), n_components), dtype=np.int32
        )
        block_best = np.empty(LANES)
        block_arg = np.empty(LANES, dtype=np.int32)
        for s in range(first, last):
            start, stop = bounds[s], bounds[s + 1]
            back = back_work[: stop - start]
            best, arg = _viterbi_sequence(
                log_startprob,
                log_transmat_padded,
                log_frameprob[start:stop],
                previous,
                current,
                back,
                block_best,
                block_arg,
            )
            log_prob[s] = best if _count_nan(log_frameprob[start:stop]) == 0 else np.nan
            states[stop - 1] = arg
            for t in range(stop - start - 1, 0, -1):
                arg = back[t, arg]
                states[start + t - 1] = arg
    return log_prob, states


@njit(cache=True, nogil=True)
def sample_states(startprob_cdf, transmat_cdf, uniforms):
    """A state path from uniform draws: inverse-CDF at every step."""
    n_steps = uniforms.shape[0]
    n_components = startprob_cdf.shape[0]
    states = np.empty(n_steps, dtype=np.int64)
    state = 0
    for t in range(n_steps):
        cdf = startprob_cdf if t == 0 else transmat_cdf[state]
        state = n_components - 1
        for k in range(n_components):
            if cdf[k] > uniforms[t]:
                state = k
                break
        states[t] = state
    return states


@njit(cache=True, nogil=True, inline="always")
def _draw_index(weights, n, uniform):
    """Index drawn with probability proportional to ``weights[:n]``."""
    total = 0.0
    for k in range(n):
        total += weights[k]
    target = uniform * total
    cumulative = 0.0
    for k in range(n):
        cumulative += weights[k]
        if target < cumulative:
            return k
    for k in range(n - 1, -1, -1):  # rounding: the last state of nonzero weight
        if weights[k] > 0.0:
            return k
    return n - 1


@parallel_kernel()
def sample_posterior_states(
    startprob, transmat, log_frameprob, bounds, uniforms, n_chunks
):
    """One state path per sequence drawn from p(z | x): forward filtering,
    backward sampling.

    The scaled forward pass gives the filtered ``p(z_t | x_<=t)``; the last
    state is drawn from it, then each earlier one from
    ``p(z_t | z_t+1, x_<=t)``, proportional to ``alpha_t(i) A[i, z_t+1]``,
    with the uniform ``uniforms[t]`` of the row.

    Returns
    -------
    states : (n_samples,) int64 drawn states.
    possible : (n_sequences,) bool, False for a sequence of zero probability
        (its states are left at 0).
    """
    n_samples, n_components = log_frameprob.shape
    n_sequences = bounds.shape[0] - 1
    transmat_padded, _ = _padded_transitions(transmat)
    n_padded = transmat_padded.shape[0]
    states = np.zeros(n_samples, dtype=np.int64)
    possible = np.ones(n_sequences, dtype=np.bool_)
    for c in prange(n_chunks):
        first, last = chunk_bounds(c, n_chunks, n_sequences)
        longest = _longest_sequence(bounds, first, last)
        frameprob_work = np.empty((longest, n_padded))
        alpha_work = np.empty((longest, n_padded))
        shift_work = np.empty(longest)
        scale_work = np.empty(longest)
        weights = np.empty(n_components)
        for s in range(first, last):
            start, stop = bounds[s], bounds[s + 1]
            n_steps = stop - start
            alpha = alpha_work[:n_steps]
            _scaled_frameprob(
                log_frameprob[start:stop], frameprob_work[:n_steps], shift_work
            )
            if not _forward_scaled(
                startprob, transmat_padded, frameprob_work[:n_steps], alpha, scale_work
            ):
                possible[s] = False
                continue
            t = n_steps - 1
            state = _draw_index(alpha[t], n_components, uniforms[start + t])
            states[start + t] = state
            for t in range(n_steps - 2, -1, -1):
                for i in range(n_components):
                    weights[i] = alpha[t, i] * transmat[i, state]
                state = _draw_index(weights, n_components, uniforms[start + t])
                states[start + t] = state
    return states, possible


# -- mixture emissions (GMMHMM) -------------------------------------------------


@njit(cache=True, nogil=True)
def _exp_relative_to_state_max(block, n_mix, tops):
    """In place: block[t, k * n_mix + m] -> exp(it - top[t, k]), the top being
    the largest over the state's components (0 if all are -inf)."""
    n_rows, n_columns = block.shape
    for t in range(n_rows):
        for k in range(n_columns // n_mix):
            top = -np.inf
            for m in range(k * n_mix, (k + 1) * n_mix):
                top = max(top, block[t, m])
            if top == -np.inf:
                top = 0.0  # every component impossible: all exp to 0
            tops[t, k] = top
            for m in range(k * n_mix, (k + 1) * n_mix):
                block[t, m] -= top
    exp_nonpositive(block.reshape(-1))


@parallel_kernel()
def mixture_likelihood(component_log_prob, n_mix, n_chunks):
    """Per state, ``sum_m exp(component_log_prob[t, k * n_mix + m] - top)``
    and the ``top`` (n_samples, K each): the log-likelihood is
    ``log(sum) + top`` (NumPy's vectorised log; -inf where the sum is 0).

    Overwrites ``component_log_prob``. NumPy's reductions over a last axis of
    n_mix entries took 18 ms per call at 50,000 x 4 x 3.
    """
    n_samples, n_columns = component_log_prob.shape
    n_components = n_columns // n_mix
    sums = np.empty((n_samples, n_components))
    tops = np.empty((n_samples, n_components))
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        _exp_relative_to_state_max(
            component_log_prob[start:stop], n_mix, tops[start:stop]
        )
        for t in range(start, stop):
            for k in range(n_components):
                total = 0.0
                for m in range(k * n_mix, (k + 1) * n_mix):
                    total += component_log_prob[t, m]
                sums[t, k] = total
    return sums, tops


@parallel_kernel()
def mixture_responsibilities(component_log_prob, posteriors, n_mix, n_chunks):
    """In place: component_log_prob[t, k * n_mix + m] becomes
    posteriors[t, k] * p(component m | x_t, state k) (0 where no component
    of the state can emit x_t)."""
    n_samples, n_columns = component_log_prob.shape
    n_components = n_columns // n_mix
    tops = np.empty((n_samples, n_components))
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        _exp_relative_to_state_max(
            component_log_prob[start:stop], n_mix, tops[start:stop]
        )
        for t in range(start, stop):
            for k in range(n_components):
                total = 0.0
                for m in range(k * n_mix, (k + 1) * n_mix):
                    total += component_log_prob[t, m]
                weight = posteriors[t, k] / total if total > 0 else 0.0
                for m in range(k * n_mix, (k + 1) * n_mix):
                    component_log_prob[t, m] *= weight
    return component_log_prob
