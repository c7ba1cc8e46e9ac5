"""Numba kernels for Gaussian log-densities, shared by every family that has
Gaussian components (mixtures, Gaussian HMMs).

Row helpers compute ``offsets[k] + log N(x | k)`` (without the constant
part, which ``offsets`` carries: see
:func:`skgen.distributions._gaussian.component_offsets`) for every component
of one row (the full covariance's helper takes a tile of rows, for matrix
products); the ``weighted_log_prob_*`` kernels apply them to all rows, in
parallel over fixed chunks.

Numba's on-disk cache keys a kernel on its own file only: a kernel elsewhere
that inlines a helper from here keeps its cached copy when this file changes.
After editing this file during development, delete ``__pycache__`` folders (a
fresh install always compiles afresh).
"""

import numpy as np
from numba import njit, prange

from skgen.utils._chunking import chunk_bounds, parallel_kernel

#: Reassociation (vector lanes for sums) and fused multiply-add, but none of
#: fastmath's no-NaN / no-inf assumptions: ``exp(-inf)`` must stay 0.
REASSOCIATE = {"reassoc", "contract"}

#: Options of helpers that only other kernels call: no entry points from
#: Python to compile (with many array arguments, a tenth of a second each).
KERNEL_ONLY = {"no_cpython_wrapper": True, "no_cfunc_wrapper": True}


@njit(cache=True, nogil=True, inline="always")
def row_log_prob_tied(x, means_chol, precision_chol, offsets, y, out):
    """Tied covariance: ``means_chol[k] = means[k] @ L``, so x @ L is done once."""
    n_components, n_features = means_chol.shape
    for j in range(n_features):
        y[j] = 0.0
    for i in range(n_features):
        a = x[i]
        for j in range(n_features):
            y[j] += a * precision_chol[i, j]
    for k in range(n_components):
        sq = 0.0
        for j in range(n_features):
            t = y[j] - means_chol[k, j]
            sq += t * t
        out[k] = offsets[k] - 0.5 * sq


@njit(cache=True, nogil=True, inline="always")
def pair_log_prob_diag(x0, x1, means, half_precisions, offsets, out0, out1):
    """Diagonal covariance, two rows per sweep over the parameters.

    ``half_precisions[k, j] = 1 / (2 var_kj)``. Sweeping the parameters once for
    two rows halves the loads per flop; used with ``fastmath`` reassociation
    (sums over features in vector lanes), never with ``nnan``/``ninf``.
    """
    n_components, n_features = means.shape
    for k in range(n_components):
        acc0 = 0.0
        acc1 = 0.0
        for j in range(n_features):
            m = means[k, j]
            h = half_precisions[k, j]
            t0 = x0[j] - m
            t1 = x1[j] - m
            acc0 += t0 * t0 * h
            acc1 += t1 * t1 * h
        out0[k] = offsets[k] - acc0
        out1[k] = offsets[k] - acc1


#: Rows per tile of the full-covariance kernels: each component's tile of
#: centred rows goes through matrix products (BLAS; the EM pass has two).
#: 64 rows keep a tile's scratch arrays in L1/L2 at d <= 64 and were faster
#: than 128 at d = 16 and 64 (200,000 rows, K = 8, interleaved runs).
FULL_TILE_ROWS = 64


@njit(cache=True, nogil=True, inline="always")
def _squared_norms(columns, out):
    """``out[t] = sum_j columns[j, t] ** 2``, summed in order of j.

    Four rows of ``columns`` per sweep over ``out``: a quarter of the loads
    and stores of one sweep per row, and the same sums (left to right).
    """
    n_rows, n_columns = columns.shape
    for t in range(n_columns):
        out[t] = 0.0
    j = 0
    while j + 4 <= n_rows:
        for t in range(n_columns):
            a = columns[j, t]
            b = columns[j + 1, t]
            c = columns[j + 2, t]
            e = columns[j + 3, t]
            out[t] = out[t] + a * a + b * b + c * c + e * e
        j += 4
    while j < n_rows:
        for t in range(n_columns):
            out[t] += columns[j, t] * columns[j, t]
        j += 1


@njit(cache=True, nogil=True, fastmath=REASSOCIATE, **KERNEL_ONLY)
def _triangular_squared_norms(lower, columns, first, second, out):
    """``out[t] = || lower @ columns[:, t] ||^2`` for a lower-triangular
    ``lower`` (d, d) and ``columns`` (d, tile), skipping the zeros above the
    diagonal.

    Two rows of the product at a time, in the (tile,) scratch rows ``first``
    and ``second`` (contiguous: a strided view's loops do not vectorise):
    each sweep over ``columns`` feeds both, and their squares go into
    ``out`` once the rows are complete. Below ``SPLIT_MIN_FEATURES`` this is
    faster than the matrix product that multiplies the zeros too (serial, d
    = 16, tile of 64: 7.7-10.6 against 15-17 ns per row, squared norms
    included). ``reassoc`` and ``contract`` only fuse multiply-adds: every
    sum runs over j in order, in vector lanes across the tile.
    """
    n_features = columns.shape[0]
    tile = FULL_TILE_ROWS
    last_feature = n_features - 1
    for t in range(tile):
        out[t] = 0.0
    # With odd d the last pass's second row repeats the first and counts 0:
    # one loop for both cases (a separate remainder loop cost compile time).
    for i in range(0, n_features, 2):
        i2 = min(i + 1, last_feature)
        keep = 1.0 if i + 1 < n_features else 0.0
        a = lower[i, 0]
        b = lower[i2, 0]
        for t in range(tile):
            value = columns[0, t]
            first[t] = a * value
            second[t] = b * value
        for j in range(1, i + 1):
            a = lower[i, j]
            b = lower[i2, j]
            for t in range(tile):
                value = columns[j, t]
                first[t] += a * value
                second[t] += b * value
        b = lower[i2, i2]
        for t in range(tile):
            last = second[t] + b * columns[i2, t]
            out[t] += first[t] * first[t] + keep * (last * last)


@njit(cache=True, nogil=True, fastmath=REASSOCIATE, **KERNEL_ONLY)
def _add_lower_scatter(weighted_t, centred_t, sxx):
    """``sxx[a, b] += sum_t weighted_t[a, t] * centred_t[b, t]`` for b <= a:
    the lower triangle of a tile's scatter, both operands (d, tile).

    Blocks of 2 x 2 entries: each pass over the tile loads four rows for
    four sums, and each sum runs in vector lanes (its order depends on the
    machine's vector width, never on threads). The tile's sums are in the
    rows' dtype, as a matrix product would make them, then added to the
    float64 ``sxx``. Serial, d = 16, tile of 64: 3.7-3.9 ns per row against
    15-16 for the full matrix product and its addition (and that product
    needed a row-major copy of the centred rows); 69 against 160 at d = 64.
    The upper triangle is left to :func:`mirror_lower`.
    """
    n_features = weighted_t.shape[0]
    tile = FULL_TILE_ROWS
    last_feature = n_features - 1
    zero = weighted_t.dtype.type(0)
    # With odd d the last block's second row repeats the first and is not
    # stored: one loop for both cases (a remainder loop cost compile time).
    for a in range(0, n_features, 2):
        a2 = min(a + 1, last_feature)
        for b in range(0, a + 1, 2):
            b2 = min(b + 1, last_feature)
            s00 = zero
            s01 = zero
            s10 = zero
            s11 = zero
            for t in range(tile):
                w0 = weighted_t[a, t]
                w1 = weighted_t[a2, t]
                c0 = centred_t[b, t]
                c1 = centred_t[b2, t]
                s00 += w0 * c0
                s01 += w0 * c1
                s10 += w1 * c0
                s11 += w1 * c1
            sxx[a, b] += s00
            if b + 1 <= a:
                sxx[a, b + 1] += s01
            if a + 1 < n_features:
                sxx[a + 1, b] += s10
                sxx[a + 1, b + 1] += s11


@njit(cache=True, nogil=True, **KERNEL_ONLY)
def mirror_lower(matrices):
    """Copy the lower triangle of each (d, d) matrix of ``matrices`` (K, d,
    d) onto its upper triangle."""
    for k in range(matrices.shape[0]):
        for a in range(matrices.shape[1]):
            for b in range(a):
                matrices[k, b, a] = matrices[k, a, b]


@njit(cache=True, nogil=True, fastmath=REASSOCIATE, **KERNEL_ONLY)
def _row_sums(rows, out):
    """``out[i] = sum(rows[i])``, in vector lanes (the order of the sum
    depends on the machine's vector width, never on threads)."""
    for i in range(rows.shape[0]):
        total = 0.0
        for t in range(rows.shape[1]):
            total += rows[i, t]
        out[i] = total


@njit(cache=True, nogil=True, inline="always")
def load_tile_transposed(X, start, n_rows, rows_t):
    """``rows_t[j, t] = X[start + t, j]``; zeros in the padding past ``n_rows``."""
    if n_rows < rows_t.shape[1]:
        rows_t[:, n_rows:] = 0.0
    for t in range(n_rows):
        for j in range(X.shape[1]):
            rows_t[j, t] = X[start + t, j]


#: Square roots of the smallest normal float32 and float64 numbers (below,
#: responsibilities count as 0 in the scatter; see tile_statistics_full).
NEGLIGIBLE_FLOAT32 = float(np.sqrt(np.finfo(np.float32).tiny))
NEGLIGIBLE_FLOAT64 = float(np.sqrt(np.finfo(np.float64).tiny))

#: From this many features on, the triangular factors are split in two
#: blocks of features, so that the log-densities' matrix products skip a
#: quarter of their work (the zeros of the upper-right block). Below it, the
#: products are too small for the extra BLAS call to pay.
SPLIT_MIN_FEATURES = 32


def split_precision_factors(precisions_chol):
    """Each L_k^T (lower triangular), contiguous, in blocks from
    ``SPLIT_MIN_FEATURES`` features on.

    Below that: ``head`` is None and ``tail`` (K, d, d) is L^T, for
    :func:`_triangular_squared_norms`. From there on, with h = d // 2:
    ``head`` (K, h, h) holds rows and columns :h of L_k^T, and ``tail``
    (K, d - h, d) its rows h:, so that L_k^T y is ``head @ y[:h]`` over
    ``tail @ y`` (matrix products) and the zeros of the upper-right block
    are never read. A None ``head`` is a type of its own to Numba: each
    compiled kernel holds the one form its call needs (both forms cost a
    first fit half a second of compilation).
    """
    n_features = precisions_chol.shape[1]
    lower = precisions_chol.transpose(0, 2, 1)
    if n_features < SPLIT_MIN_FEATURES:
        return None, np.ascontiguousarray(lower)
    split = n_features // 2
    head = np.ascontiguousarray(lower[:, :split, :split])
    tail = np.ascontiguousarray(lower[:, split:])
    return head, tail


def full_partial_sums(n_chunks, n_components, n_features):
    """Zeroed per-chunk sums of the full-covariance kernels: ``nk``
    (n_chunks, K), ``sx`` (n_chunks, K, d) and ``sxx`` (n_chunks, K, d, d)."""
    return (
        np.zeros((n_chunks, n_components)),
        np.zeros((n_chunks, n_components, n_features)),
        np.zeros((n_chunks, n_components, n_features, n_features)),
    )


def full_tile_scratch(n_chunks, n_components, n_features, dtype):
    """Every chunk's scratch arrays for the tile kernels, in three arrays.

    Made here, not in the compiled kernels: each array shape a kernel
    allocates adds about 0.1 s to its first compile, and the full kernels'
    ten made a fifth of a first full-covariance fit. Per chunk ``c``:

    - ``tiles[c]`` (4, d, tile), the rows' dtype: the tile transposed, its
      centred and projected rows, its weighted rows;
    - ``work[c]`` (K + 2, tile), float64: log-probabilities then
      responsibilities (rows :K), each row's largest log-probability and sum;
    - ``sums[c]``, float64, of length max(d, K).
    """
    tile = FULL_TILE_ROWS
    return (
        _aligned_empty((n_chunks, 4, n_features, tile), dtype),
        _aligned_empty((n_chunks, n_components + 2, tile), np.float64),
        _aligned_empty((n_chunks, max(n_features, n_components)), np.float64),
    )


def _aligned_empty(shape, dtype, alignment=64):
    """``np.empty`` starting on a cache line.

    NumPy's large arrays start 16 bytes past a page boundary: the tiles' rows
    of 64 values then straddle cache lines, and every vector load of a row
    touches two (the d = 64 pass was 15-20% slower than with Numba's own
    aligned allocations). Tiles of 64 rows keep each chunk's arrays aligned.
    """
    dtype = np.dtype(dtype)
    n_bytes = int(np.prod(shape)) * dtype.itemsize
    buffer = np.empty(n_bytes + alignment, dtype=np.uint8)
    start = -buffer.ctypes.data % alignment
    return buffer[start : start + n_bytes].view(dtype).reshape(shape)


@njit(cache=True, nogil=True, **KERNEL_ONLY)
def tile_log_prob_full(X, start, n_rows, means, head, tail, offsets, tiles, log_prob_t):
    """Fill ``log_prob_t[k, t] = offsets[k] + log N(x_t | k)`` for rows
    ``start:start + n_rows`` of ``X`` (a tile).

    The tile is held transposed, features by rows, in the chunk's scratch
    ``tiles`` (4, d, tile) from :func:`full_tile_scratch`: ``tiles[0]`` the
    rows, ``tiles[1]`` the centred rows, ``tiles[2]`` their products by the
    factor (``tiles[2, 0]`` and ``tiles[3, 0]`` scratch rows for the
    triangular loop).
    Every loop over rows runs over contiguous memory and compiles to vector
    instructions; row-major, the sum of squares per row was a scalar loop
    and cost as much as the matrix product. Columns past ``n_rows`` are
    padding: finite, to be ignored.

    ``L_k^T (x - m_k)`` and its squared norm: below ``SPLIT_MIN_FEATURES``
    (``head`` None, see :func:`split_precision_factors`) by
    :func:`_triangular_squared_norms`, which skips the factor's zeros;
    from there on by matrix products (BLAS, run on one thread inside
    parallel chunks) over the factor's blocks, which were faster at d = 48
    and 64. Not inlined: compiled once for the kernels that use it.
    """
    n_components, n_features = means.shape
    tile = tiles.shape[2]
    rows_t = tiles[0]
    centred_t = tiles[1]
    projected_t = tiles[2]
    load_tile_transposed(X, start, n_rows, rows_t)
    for k in range(n_components):
        for j in range(n_features):
            mean = means[k, j]
            for t in range(tile):
                centred_t[j, t] = rows_t[j, t] - mean
        if head is None:
            _triangular_squared_norms(
                tail[k], centred_t, projected_t[0], tiles[3, 0], log_prob_t[k]
            )
        else:
            split = head.shape[1]
            np.dot(head[k], centred_t[:split], projected_t[:split])
            np.dot(tail[k], centred_t, projected_t[split:])
            _squared_norms(projected_t, log_prob_t[k])
        for t in range(tile):
            log_prob_t[k, t] = offsets[k] - 0.5 * log_prob_t[k, t]


@njit(cache=True, nogil=True, **KERNEL_ONLY)
def tile_statistics_full(means, rows_t, resp_t, tiles, sums, nk, sx, sxx):
    """Add a tile's r_tk, r_tk (x_t - m_k) and the lower triangle of
    r_tk (x_t - m_k)(...)^T.

    ``rows_t`` is the tile transposed, (d, tile), as
    :func:`tile_log_prob_full` leaves it, and ``resp_t`` (K, tile) its
    responsibilities, 0 in the padding; ``nk``, ``sx`` and ``sxx`` are one
    chunk's slots (the caller mirrors ``sxx``'s lower triangle once the
    chunk is done: :func:`mirror_lower`). Scratch: ``tiles`` (4, d, tile),
    of the rows' dtype, whose ``tiles[1]`` and ``tiles[3]`` take the centred
    and weighted rows; ``sums``, float64, of length at least d and K.
    """
    n_components, n_features = means.shape
    centred_t = tiles[1]
    weighted_t = tiles[3]
    # Responsibilities below the square root of the smallest normal number
    # count as 0, so that the products r_tk (x_t - m_k) and their products
    # with the centred rows are not subnormal: subnormal operands slow the
    # multiplications about 100-fold (float32 rows far from a component,
    # r_tk near 1e-40, made the whole pass 2x slower). Dropped: r_tk below
    # 1e-19 (float32 rows) or 1e-154 (float64).
    negligible = NEGLIGIBLE_FLOAT32 if weighted_t.itemsize == 4 else NEGLIGIBLE_FLOAT64
    for k in range(n_components):
        for t in range(resp_t.shape[1]):
            r = resp_t[k, t]
            resp_t[k, t] = 0.0 if r < negligible else r
    _row_sums(resp_t, sums[:n_components])
    for k in range(n_components):
        nk[k] += sums[k]
    for k in range(n_components):
        resp = resp_t[k]
        for j in range(n_features):
            mean = means[k, j]
            for t in range(rows_t.shape[1]):
                centred = rows_t[j, t] - mean
                centred_t[j, t] = centred
                weighted_t[j, t] = resp[t] * centred
        _row_sums(weighted_t, sums[:n_features])
        for j in range(n_features):
            sx[k, j] += sums[j]
        _add_lower_scatter(weighted_t, centred_t, sxx[k])


def weighted_log_prob_full(X, means, precisions_chol, offsets, n_chunks):
    """``offsets[k] + log N(x_i | k)`` of every row, full covariances.

    ``means`` and ``precisions_chol`` in the rows' dtype, contiguous.
    """
    n_samples, n_components = X.shape[0], means.shape[0]
    head, tail = split_precision_factors(precisions_chol)
    out = np.empty((n_samples, n_components))
    tiles, work, _ = full_tile_scratch(n_chunks, n_components, X.shape[1], X.dtype)
    weighted_log_prob_full_tiles(
        X, means, head, tail, offsets, n_chunks, out, tiles, work
    )
    return out


@parallel_kernel()
def weighted_log_prob_full_tiles(
    X, means, head, tail, offsets, n_chunks, out, tiles, work
):
    """Fill ``out`` for :func:`weighted_log_prob_full`, tile by tile; the
    blocks of the factors from :func:`split_precision_factors`, the scratch
    from :func:`full_tile_scratch`."""
    n_samples = X.shape[0]
    n_components = means.shape[0]
    tile = FULL_TILE_ROWS
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        log_prob_t = work[c, :n_components]
        for t0 in range(start, stop, tile):
            n_rows = min(tile, stop - t0)
            tile_log_prob_full(
                X, t0, n_rows, means, head, tail, offsets, tiles[c], log_prob_t
            )
            for t in range(n_rows):
                for k in range(n_components):
                    out[t0 + t, k] = log_prob_t[k, t]


@parallel_kernel()
def weighted_log_prob_tied(X, means_chol, precision_chol, offsets, n_chunks):
    """The same for a tied covariance; ``means_chol = means @ precision_chol``."""
    n_samples, n_features = X.shape
    out = np.empty((n_samples, means_chol.shape[0]))
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        y = np.empty(n_features, dtype=X.dtype)
        for i in range(start, stop):
            row_log_prob_tied(X[i], means_chol, precision_chol, offsets, y, out[i])
    return out


@parallel_kernel(fastmath=REASSOCIATE)
def weighted_log_prob_diag(X, means, half_precisions, offsets, n_chunks):
    """The same for diagonal covariances; ``half_precisions = 1 / (2 var)``."""
    n_samples = X.shape[0]
    n_components = means.shape[0]
    out = np.empty((n_samples, n_components))
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        for i in range(start, stop, 2):
            # An unpaired last row is computed twice into its own slot.
            j = i + 1 if i + 1 < stop else i
            pair_log_prob_diag(
                X[i], X[j], means, half_precisions, offsets, out[i], out[j]
            )
    return out


def weighted_moments(X, resp, shift, full, n_chunks):
    """Moments of the rows under given responsibilities, around ``shift``.

    Returns per-chunk partials: ``nk`` (n_chunks, K) sums of r_ik, ``sx``
    (n_chunks, K, d) sums of r_ik (x_i - shift_k), and ``sxx``: with ``full``,
    (n_chunks, K, d, d) sums of r_ik (x_i - shift_k)(x_i - shift_k)^T; else
    (n_chunks, K, d, 1) sums of r_ik (x_i - shift_k)^2.

    One kernel per form: a run-time ``full`` flag inside the loops kept them
    from vectorising.
    """
    if full:
        n_components, n_features = resp.shape[1], X.shape[1]
        partials = full_partial_sums(n_chunks, n_components, n_features)
        scratch = full_tile_scratch(n_chunks, n_components, n_features, X.dtype)
        weighted_moments_full(X, resp, shift, n_chunks, *partials, *scratch)
        return partials
    nk, sx, sxx = weighted_moments_diag(X, resp, shift, n_chunks)
    return nk, sx, sxx[..., np.newaxis]


@parallel_kernel(fastmath=REASSOCIATE)
def weighted_moments_diag(X, resp, shift, n_chunks):
    """``weighted_moments`` with squares only: sxx of shape (n_chunks, K, d).

    Plain indices, no array views in the loops: a view costs an atomic
    reference count, which made the loops ~30x slower on two threads.
    """
    n_samples, n_features = X.shape
    n_components = resp.shape[1]
    nk = np.zeros((n_chunks, n_components))
    sx = np.zeros((n_chunks, n_components, n_features))
    sxx = np.zeros((n_chunks, n_components, n_features))
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        for i in range(start, stop):
            for k in range(n_components):
                r = resp[i, k]
                if r == 0.0:
                    continue
                nk[c, k] += r
                for a in range(n_features):
                    diff = X[i, a] - shift[k, a]
                    w = r * diff
                    sx[c, k, a] += w
                    sxx[c, k, a] += w * diff
    return nk, sx, sxx


@parallel_kernel()
def weighted_moments_full(X, resp, shift, n_chunks, nk, sx, sxx, tiles, work, sums):
    """Add each chunk's rows into its slot of ``nk``, ``sx`` and ``sxx``
    (``weighted_moments`` with outer products; the scratch from
    :func:`full_tile_scratch`).

    In tiles of rows, as the mixture's EM pass.
    """
    n_samples = X.shape[0]
    n_components = resp.shape[1]
    tile = FULL_TILE_ROWS
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        rows_t = tiles[c, 0]
        resp_t = work[c, :n_components]
        for t0 in range(start, stop, tile):
            n_rows = min(tile, stop - t0)
            load_tile_transposed(X, t0, n_rows, rows_t)
            resp_t[:, n_rows:] = 0.0
            for t in range(n_rows):
                for k in range(n_components):
                    resp_t[k, t] = resp[t0 + t, k]
            tile_statistics_full(
                shift, rows_t, resp_t, tiles[c], sums[c], nk[c], sx[c], sxx[c]
            )
        mirror_lower(sxx[c])
