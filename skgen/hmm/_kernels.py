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

A step that no state can explain given the past (``c_t = 0``: every path
through it uses a zero transition, or its frame probabilities underflow next
to an unreachable state's) makes its sequence's log-likelihood ``-inf``; its
posteriors are then zero and it adds nothing to the expected counts.
"""

import numpy as np
from numba import njit, prange


@njit(cache=True, nogil=True, inline="always")
def _sequence_chunk(c, n_chunks, n_sequences):
    """Sequences [first, last) of chunk ``c``."""
    return c * n_sequences // n_chunks, (c + 1) * n_sequences // n_chunks


@njit(cache=True, nogil=True)
def _scaled_frameprob(log_frameprob, frameprob, shift):
    """frameprob[t] = exp(log_frameprob[t] - shift[t]), shift[t] = max over states."""
    n_steps, n_components = log_frameprob.shape
    for t in range(n_steps):
        top = log_frameprob[t, 0]
        for k in range(1, n_components):
            if log_frameprob[t, k] > top:
                top = log_frameprob[t, k]
        if top == -np.inf:
            top = 0.0  # an impossible frame: leave its zeros, c_t will be 0
        shift[t] = top
        for k in range(n_components):
            frameprob[t, k] = np.exp(log_frameprob[t, k] - top)


@njit(cache=True, nogil=True)
def _forward_scaled(startprob, transmat, frameprob, alpha, scale):
    """Scaled forward pass over one sequence; return False if some c_t = 0.

    ``alpha[t]`` is normalised to sum to one, ``scale[t]`` the normaliser c_t.
    """
    n_steps, n_components = frameprob.shape
    total = 0.0
    for k in range(n_components):
        alpha[0, k] = startprob[k] * frameprob[0, k]
        total += alpha[0, k]
    if total == 0.0:
        return False
    scale[0] = total
    for k in range(n_components):
        alpha[0, k] /= total
    for t in range(1, n_steps):
        for j in range(n_components):
            alpha[t, j] = 0.0
        for i in range(n_components):
            a = alpha[t - 1, i]
            if a == 0.0:
                continue
            for j in range(n_components):
                alpha[t, j] += a * transmat[i, j]
        total = 0.0
        for j in range(n_components):
            alpha[t, j] *= frameprob[t, j]
            total += alpha[t, j]
        if total == 0.0:
            return False
        scale[t] = total
        for j in range(n_components):
            alpha[t, j] /= total
    return True


@njit(cache=True, nogil=True)
def _backward_scaled(transmat, frameprob, scale, beta, weighted):
    """Scaled backward pass with the forward pass's normalisers.

    ``weighted`` is a work row: b_{t+1} * beta_{t+1} / c_{t+1}.
    """
    n_steps, n_components = frameprob.shape
    for k in range(n_components):
        beta[n_steps - 1, k] = 1.0
    for t in range(n_steps - 2, -1, -1):
        for j in range(n_components):
            weighted[j] = frameprob[t + 1, j] * beta[t + 1, j] / scale[t + 1]
        for i in range(n_components):
            total = 0.0
            for j in range(n_components):
                total += transmat[i, j] * weighted[j]
            beta[t, i] = total


@njit(cache=True, nogil=True)
def _sequence_log_likelihood(scale, shift):
    total = 0.0
    for t in range(scale.shape[0]):
        total += np.log(scale[t]) + shift[t]
    return total


@njit(cache=True, nogil=True, parallel=True)
def forward_backward(startprob, transmat, log_frameprob, bounds, n_chunks):
    """Posteriors and expected counts of every sequence.

    Returns
    -------
    log_lik : (n_sequences,) log p(x) of each sequence.
    posteriors : (n_samples, K) p(z_t = k | x), rows of -inf sequences zero.
    start_counts : (n_chunks, K) sum over sequences of the posteriors at t=0.
    transition_counts : (n_chunks, K, K) expected numbers of i -> j transitions,
        accumulated step by step (no (T, K, K) array).
    """
    n_samples, n_components = log_frameprob.shape
    n_sequences = bounds.shape[0] - 1
    log_lik = np.empty(n_sequences)
    posteriors = np.zeros((n_samples, n_components))
    start_counts = np.zeros((n_chunks, n_components))
    transition_counts = np.zeros((n_chunks, n_components, n_components))
    for c in prange(n_chunks):
        first, last = _sequence_chunk(c, n_chunks, n_sequences)
        weighted = np.empty(n_components)
        for s in range(first, last):
            start, stop = bounds[s], bounds[s + 1]
            n_steps = stop - start
            frameprob = np.empty((n_steps, n_components))
            shift = np.empty(n_steps)
            alpha = np.empty((n_steps, n_components))
            beta = np.empty((n_steps, n_components))
            scale = np.empty(n_steps)
            _scaled_frameprob(log_frameprob[start:stop], frameprob, shift)
            if not _forward_scaled(startprob, transmat, frameprob, alpha, scale):
                log_lik[s] = -np.inf
                continue
            log_lik[s] = _sequence_log_likelihood(scale, shift)
            _backward_scaled(transmat, frameprob, scale, beta, weighted)
            for t in range(n_steps):
                for k in range(n_components):
                    posteriors[start + t, k] = alpha[t, k] * beta[t, k]
            for k in range(n_components):
                start_counts[c, k] += posteriors[start, k]
            for t in range(n_steps - 1):
                for j in range(n_components):
                    weighted[j] = frameprob[t + 1, j] * beta[t + 1, j] / scale[t + 1]
                for i in range(n_components):
                    a = alpha[t, i]
                    if a == 0.0:
                        continue
                    for j in range(n_components):
                        transition_counts[c, i, j] += a * transmat[i, j] * weighted[j]
    return log_lik, posteriors, start_counts, transition_counts


@njit(cache=True, nogil=True, parallel=True)
def step_log_likelihood(startprob, transmat, log_frameprob, bounds, n_chunks):
    """log p(x_t | x_<t) of every row (forward pass only).

    A sequence's entries sum to its log-likelihood; from the first impossible
    step on, they are -inf.
    """
    n_samples, n_components = log_frameprob.shape
    n_sequences = bounds.shape[0] - 1
    out = np.empty(n_samples)
    for c in prange(n_chunks):
        first, last = _sequence_chunk(c, n_chunks, n_sequences)
        for s in range(first, last):
            start, stop = bounds[s], bounds[s + 1]
            n_steps = stop - start
            frameprob = np.empty((n_steps, n_components))
            shift = np.empty(n_steps)
            alpha = np.empty((n_steps, n_components))
            scale = np.zeros(n_steps)
            _scaled_frameprob(log_frameprob[start:stop], frameprob, shift)
            _forward_scaled(startprob, transmat, frameprob, alpha, scale)
            for t in range(n_steps):
                # scale stays 0 from the first impossible step on: log 0 = -inf
                out[start + t] = (
                    np.log(scale[t]) + shift[t] if scale[t] > 0 else -np.inf
                )
    return out


@njit(cache=True, nogil=True, parallel=True)
def viterbi(log_startprob, log_transmat, log_frameprob, bounds, n_chunks):
    """Most likely state path of every sequence, in log space.

    Ties go to the lowest state index, as ``argmax`` (and hmmlearn) do.

    Returns
    -------
    log_prob : (n_sequences,) log-probability of each sequence's best path.
    states : (n_samples,) int64 best path.
    """
    n_samples, n_components = log_frameprob.shape
    n_sequences = bounds.shape[0] - 1
    log_prob = np.empty(n_sequences)
    states = np.empty(n_samples, dtype=np.int64)
    for c in prange(n_chunks):
        first, last = _sequence_chunk(c, n_chunks, n_sequences)
        previous = np.empty(n_components)
        current = np.empty(n_components)
        for s in range(first, last):
            start, stop = bounds[s], bounds[s + 1]
            n_steps = stop - start
            back = np.empty((n_steps, n_components), dtype=np.int32)
            for k in range(n_components):
                previous[k] = log_startprob[k] + log_frameprob[start, k]
            for t in range(1, n_steps):
                for j in range(n_components):
                    best = previous[0] + log_transmat[0, j]
                    arg = 0
                    for i in range(1, n_components):
                        candidate = previous[i] + log_transmat[i, j]
                        if candidate > best:
                            best = candidate
                            arg = i
                    current[j] = best + log_frameprob[start + t, j]
                    back[t, j] = arg
                for j in range(n_components):
                    previous[j] = current[j]
            best = previous[0]
            arg = 0
            for k in range(1, n_components):
                if previous[k] > best:
                    best = previous[k]
                    arg = k
            log_prob[s] = best
            states[stop - 1] = arg
            for t in range(n_steps - 1, 0, -1):
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
