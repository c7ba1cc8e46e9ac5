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
from llvmlite import ir as llvm_ir
from numba import njit, prange
from numba.core import types as numba_types
from numba.extending import intrinsic, overload

from skgen.utils._chunking import chunk_bounds, parallel_kernel

#: Reassociation (vector lanes for sums) and fused multiply-add, but none of
#: fastmath's no-NaN / no-inf assumptions: ``exp(-inf)`` must stay 0.
REASSOCIATE = {"reassoc", "contract"}

#: Reassociation without ``contract``, for loops of products and sums:
#: with ``contract``, whether a multiply-add became one fused instruction
#: differed between the code Numba runs right after compiling and the code
#: it saves to its cache, so a fresh process's first fit and later ones
#: differed in the last bit (measured). Vectorised sums come from
#: ``reassoc`` alone; fused multiply-adds, where they pay, from an explicit
#: :func:`_multiply_add`.
REASSOCIATE_ONLY = {"reassoc"}

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
#: centred rows goes through the two d x d products in blocked loops.
#: 64 rows keep a tile's scratch arrays in L1/L2 at d <= 64 and were faster
#: than 128 at d = 16 and 64 (200,000 rows, K = 8, interleaved runs; then
#: with BLAS products). The loops' trip counts are this constant: a
#: run-time tile length made the scatter 1.5x slower and its compile longer.
FULL_TILE_ROWS = 64


@njit(cache=True, nogil=True, fastmath=REASSOCIATE_ONLY, **KERNEL_ONLY)
def _triangular_squared_norms(lower, columns, first, second, out):
    """``out[t] = || lower @ columns[:, t] ||^2`` for a lower-triangular
    ``lower`` (d, d) and ``columns`` (d, tile), skipping the zeros above the
    diagonal.

    Two rows of the product at a time, in the (tile,) scratch rows ``first``
    and ``second`` (contiguous: a strided view's loops do not vectorise):
    each sweep over ``columns`` feeds both, and their squares go into
    ``out`` once the rows are complete. Below ``ROW_MAJOR_MIN_FEATURES``
    this is faster than the matrix product that multiplies the zeros too (serial, d
    = 16, tile of 64: 7.7-10.6 against 15-17 ns per row, squared norms
    included). Every sum runs over j in order, in vector lanes across the
    tile.
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


@intrinsic
def _multiply_add(typingctx, a, b, c):
    """``a * b + c`` as LLVM's ``fmuladd`` (one rounding where the CPU has
    FMA, as every code path compiles it), a reduction the vectoriser knows."""
    if not isinstance(a, numba_types.Float):
        return None

    def codegen(context, builder, signature, args):
        value_type = args[0].type
        function = builder.module.declare_intrinsic(
            "llvm.fmuladd",
            [value_type],
            llvm_ir.FunctionType(value_type, [value_type] * 3),
        )
        return builder.call(function, args, fastmath=("reassoc",))

    return a(a, a, a), codegen


def _sum_step(rows):
    """Elements of ``rows``' dtype in 128 bytes (two 512-bit vectors)."""
    return 128 // rows.itemsize


@overload(_sum_step)
def _sum_step_constant(rows):
    # A compile-time constant: an array's ``itemsize`` is read at run time,
    # and loops whose trip counts are multiples of it kept their remainders.
    step = 128 // (rows.dtype.bitwidth // 8)
    return lambda rows: step


@njit(cache=True, nogil=True, fastmath=REASSOCIATE_ONLY, **KERNEL_ONLY)
def _row_major_triangular_squared_norms(padded, rows, out):
    """``out[t] = || padded @ rows[t] ||^2``, from ``ROW_MAJOR_MIN_FEATURES``
    features on.

    ``padded`` (p, p) is a lower-triangular factor with zero rows and
    columns past d up to p (:func:`padded_width`: a multiple of 128 bytes),
    and ``rows`` (tile, p) the centred rows, row-major, zero past column d.
    Each entry of the product is a sum over j <= i, in vector lanes; blocks
    of four entries of a row (i to i + 3) for two rows of the tile share
    every load. Each sum runs up to the next multiple of 128 bytes past
    i + 3, over the factor's zeros: two full vectors per step and no
    remainder loop (ending at i + 4 took 92 against 69 ns per row at d =
    64). Serial, tile of 64, ns per row: 69 at d = 64 and 27 at d = 32,
    against 135 and 44 for OpenBLAS's products over the factor's two
    blocks (its kernels for this machine use 256-bit vectors; Numba's loops
    compile to the CPU's own); below 32 features the transposed
    :func:`_triangular_squared_norms` is faster.
    """
    n_padded = padded.shape[0]
    tile = FULL_TILE_ROWS
    zero = rows.dtype.type(0)
    step = _sum_step(rows)
    for t in range(0, tile, 2):
        norm0 = 0.0
        norm1 = 0.0
        for i in range(0, n_padded, 4):
            y00 = zero
            y01 = zero
            y10 = zero
            y11 = zero
            y20 = zero
            y21 = zero
            y30 = zero
            y31 = zero
            for j in range((i + 3 + step) // step * step):
                r0 = rows[t, j]
                r1 = rows[t + 1, j]
                f0 = padded[i, j]
                f1 = padded[i + 1, j]
                f2 = padded[i + 2, j]
                f3 = padded[i + 3, j]
                y00 = _multiply_add(f0, r0, y00)
                y01 = _multiply_add(f0, r1, y01)
                y10 = _multiply_add(f1, r0, y10)
                y11 = _multiply_add(f1, r1, y11)
                y20 = _multiply_add(f2, r0, y20)
                y21 = _multiply_add(f2, r1, y21)
                y30 = _multiply_add(f3, r0, y30)
                y31 = _multiply_add(f3, r1, y31)
            norm0 += y00 * y00 + y10 * y10 + y20 * y20 + y30 * y30
            norm1 += y01 * y01 + y11 * y11 + y21 * y21 + y31 * y31
        out[t] = norm0
        out[t + 1] = norm1


@njit(cache=True, nogil=True, fastmath=REASSOCIATE_ONLY, **KERNEL_ONLY)
def _add_lower_scatter(weighted_t, centred_t, sxx):
    """``sxx[a, b] += sum_t weighted_t[a, t] * centred_t[b, t]`` for b <= a:
    the lower triangle of a tile's scatter, both operands (d, tile).

    Each sum runs in vector lanes (its order depends on the machine's
    vector width, never on threads), in the rows' dtype, as a matrix product
    would make it, then goes into the float64 ``sxx``. Below the diagonal,
    in blocks of 4 x 4 entries: each pass over the tile loads eight rows for
    sixteen sums. The diagonal's blocks and the last rows when d is not a
    multiple of 4 go in 2 x 2 blocks (:func:`_add_lower_scatter_pairs`):
    stores under conditions inside the 4 x 4 loop nest made it half as fast,
    and 4 x 4 code for the edges tripled its compile time. Serial, tile of
    64, ns per row: about 4 at d = 16 and 53 at d = 64, against 15-16 and
    160 for the full matrix product (OpenBLAS) and its addition, which also
    needed a row-major copy of the centred rows; 2 x 2 blocks alone took 68
    at d = 64. The upper triangle is left to :func:`mirror_lower`.
    """
    n_features = weighted_t.shape[0]
    tile = FULL_TILE_ROWS
    zero = weighted_t.dtype.type(0)
    n_whole = n_features // 4 * 4
    for a in range(0, n_whole, 4):
        for b in range(0, a, 4):
            s00 = zero
            s01 = zero
            s02 = zero
            s03 = zero
            s10 = zero
            s11 = zero
            s12 = zero
            s13 = zero
            s20 = zero
            s21 = zero
            s22 = zero
            s23 = zero
            s30 = zero
            s31 = zero
            s32 = zero
            s33 = zero
            for t in range(tile):
                w0 = weighted_t[a, t]
                w1 = weighted_t[a + 1, t]
                w2 = weighted_t[a + 2, t]
                w3 = weighted_t[a + 3, t]
                c0 = centred_t[b, t]
                c1 = centred_t[b + 1, t]
                c2 = centred_t[b + 2, t]
                c3 = centred_t[b + 3, t]
                s00 = _multiply_add(w0, c0, s00)
                s01 = _multiply_add(w0, c1, s01)
                s02 = _multiply_add(w0, c2, s02)
                s03 = _multiply_add(w0, c3, s03)
                s10 = _multiply_add(w1, c0, s10)
                s11 = _multiply_add(w1, c1, s11)
                s12 = _multiply_add(w1, c2, s12)
                s13 = _multiply_add(w1, c3, s13)
                s20 = _multiply_add(w2, c0, s20)
                s21 = _multiply_add(w2, c1, s21)
                s22 = _multiply_add(w2, c2, s22)
                s23 = _multiply_add(w2, c3, s23)
                s30 = _multiply_add(w3, c0, s30)
                s31 = _multiply_add(w3, c1, s31)
                s32 = _multiply_add(w3, c2, s32)
                s33 = _multiply_add(w3, c3, s33)
            sxx[a, b] += s00
            sxx[a, b + 1] += s01
            sxx[a, b + 2] += s02
            sxx[a, b + 3] += s03
            sxx[a + 1, b] += s10
            sxx[a + 1, b + 1] += s11
            sxx[a + 1, b + 2] += s12
            sxx[a + 1, b + 3] += s13
            sxx[a + 2, b] += s20
            sxx[a + 2, b + 1] += s21
            sxx[a + 2, b + 2] += s22
            sxx[a + 2, b + 3] += s23
            sxx[a + 3, b] += s30
            sxx[a + 3, b + 1] += s31
            sxx[a + 3, b + 2] += s32
            sxx[a + 3, b + 3] += s33
        _add_lower_scatter_pairs(weighted_t, centred_t, sxx, a, a + 4, a)
    _add_lower_scatter_pairs(weighted_t, centred_t, sxx, n_whole, n_features, 0)


@njit(cache=True, nogil=True, fastmath=REASSOCIATE_ONLY, **KERNEL_ONLY)
def _add_lower_scatter_pairs(
    weighted_t, centred_t, sxx, first_row, stop_row, first_column
):
    """:func:`_add_lower_scatter` for rows ``first_row:stop_row`` and columns
    ``first_column`` to the diagonal, in blocks of 2 x 2; a last odd row or
    column repeats the one before it and is not stored."""
    n_features = weighted_t.shape[0]
    tile = FULL_TILE_ROWS
    last = n_features - 1
    zero = weighted_t.dtype.type(0)
    for a in range(first_row, stop_row, 2):
        a2 = min(a + 1, last)
        for b in range(first_column, a + 1, 2):
            b2 = min(b + 1, last)
            s00 = zero
            s01 = zero
            s10 = zero
            s11 = zero
            for t in range(tile):
                w0 = weighted_t[a, t]
                w1 = weighted_t[a2, t]
                c0 = centred_t[b, t]
                c1 = centred_t[b2, t]
                s00 = _multiply_add(w0, c0, s00)
                s01 = _multiply_add(w0, c1, s01)
                s10 = _multiply_add(w1, c0, s10)
                s11 = _multiply_add(w1, c1, s11)
            sxx[a, b] += s00
            if b + 1 <= a:
                sxx[a, b + 1] += s01
            if a + 1 < stop_row:
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

#: From this many features on, the log-densities' product by the factor
#: runs over row-major centred rows (:func:`_row_major_triangular_squared_norms`);
#: below, over the transposed tile (:func:`_triangular_squared_norms`),
#: which was faster at d = 16 (7.9 against 11.3 ns per row, serial) and
#: slower at 32 (42 against 34).
ROW_MAJOR_MIN_FEATURES = 32


def precision_factor_forms(precisions_chol):
    """Each L_k^T (lower triangular), in the form its kernel loop reads.

    Returns ``(lower, padded)``, one of them None: below
    ``ROW_MAJOR_MIN_FEATURES`` features, ``lower`` (K, d, d) is L^T,
    contiguous; from there on, ``padded`` (K, p, p) is L^T with zero rows
    and columns up to p = ``padded_width(d, dtype)``. None is a type of
    its own to Numba: each compiled kernel holds the one loop its call
    needs (both cost a first fit half a second of compilation).
    """
    n_components, n_features = precisions_chol.shape[:2]
    lower = precisions_chol.transpose(0, 2, 1)
    if n_features < ROW_MAJOR_MIN_FEATURES:
        return np.ascontiguousarray(lower), None
    n_padded = padded_width(n_features, lower.dtype)
    padded = np.zeros((n_components, n_padded, n_padded), dtype=lower.dtype)
    padded[:, :n_features, :n_features] = lower
    return None, padded


def padded_width(n_features, dtype):
    """Columns of the padded factor and of the row-major centred rows: d
    rounded up to 128 bytes of the rows' dtype (16 float64, 32 float32)
    from ``ROW_MAJOR_MIN_FEATURES`` on, else 0 (not used)."""
    if n_features < ROW_MAJOR_MIN_FEATURES:
        return 0
    multiple = 128 // np.dtype(dtype).itemsize
    return -(-n_features // multiple) * multiple


def full_partial_sums(n_chunks, n_components, n_features):
    """Zeroed per-chunk sums of the full-covariance kernels: ``nk``
    (n_chunks, K), ``sx`` (n_chunks, K, d) and ``sxx`` (n_chunks, K, d, d)."""
    return (
        np.zeros((n_chunks, n_components)),
        np.zeros((n_chunks, n_components, n_features)),
        np.zeros((n_chunks, n_components, n_features, n_features)),
    )


def full_tile_scratch(n_chunks, n_components, n_features, dtype):
    """Every chunk's scratch arrays for the tile kernels, in four arrays.

    Made here, not in the compiled kernels: each array shape a kernel
    allocates adds about 0.1 s to its first compile, and the full kernels'
    ten made a fifth of a first full-covariance fit. Per chunk ``c``:

    - ``tiles[c]`` (4, d, tile), the rows' dtype: the tile transposed, its
      centred rows, two rows of scratch (``tiles[c, 2, 0]`` and
      ``tiles[c, 3, 0]``), its weighted rows;
    - ``rows[c]`` (tile, p), the rows' dtype, zeros: the centred rows,
      row-major, padded with zero columns to ``padded_width(d, dtype)`` (0 below
      ``ROW_MAJOR_MIN_FEATURES``);
    - ``work[c]`` (K + 2, tile), float64: log-probabilities then
      responsibilities (rows :K), each row's largest log-probability and sum;
    - ``sums[c]``, float64, of length max(d, K).
    """
    tile = FULL_TILE_ROWS
    rows = _aligned_empty((n_chunks, tile, padded_width(n_features, dtype)), dtype)
    rows[:] = 0.0
    return (
        _aligned_empty((n_chunks, 4, n_features, tile), dtype),
        rows,
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
def tile_log_prob_full(
    X, start, n_rows, means, lower, padded, offsets, tiles, rows, log_prob_t
):
    """Fill ``log_prob_t[k, t] = offsets[k] + log N(x_t | k)`` for rows
    ``start:start + n_rows`` of ``X`` (a tile).

    The factors come from :func:`precision_factor_forms` (one of ``lower``
    and ``padded`` is None), the chunk's scratch ``tiles`` (4, d, tile) and
    ``rows`` (tile, p) from :func:`full_tile_scratch`. The tile is loaded
    transposed, features by rows, into ``tiles[0]`` (the statistics read it
    there). ``L_k^T (x - m_k)`` and its squared norm: below
    ``ROW_MAJOR_MIN_FEATURES`` over the transposed centred rows
    (``tiles[1]``) by :func:`_triangular_squared_norms`; from there on over
    row-major centred rows by :func:`_row_major_triangular_squared_norms`.
    Both skip the factor's zeros. Columns past ``n_rows`` are padding:
    finite, to be ignored. Not inlined: compiled once for the kernels that
    use it.
    """
    n_components, n_features = means.shape
    tile = tiles.shape[2]
    rows_t = tiles[0]
    centred_t = tiles[1]
    load_tile_transposed(X, start, n_rows, rows_t)
    # Numba prunes a branch on a None argument's test: each test below names
    # the one argument its branch reads, so the other form's loop is left
    # out whole (an ``else`` on an array argument is not pruned).
    if lower is not None:
        for k in range(n_components):
            for j in range(n_features):
                mean = means[k, j]
                for t in range(tile):
                    centred_t[j, t] = rows_t[j, t] - mean
            _triangular_squared_norms(
                lower[k], centred_t, tiles[2, 0], tiles[3, 0], log_prob_t[k]
            )
    if padded is not None:
        if n_rows < tile:
            rows[n_rows:] = 0.0  # finite padding
        for k in range(n_components):
            for t in range(n_rows):
                for j in range(n_features):
                    rows[t, j] = X[start + t, j] - means[k, j]
            _row_major_triangular_squared_norms(padded[k], rows, log_prob_t[k])
    for k in range(n_components):
        for t in range(tile):
            log_prob_t[k, t] = offsets[k] - 0.5 * log_prob_t[k, t]


@njit(cache=True, nogil=True, **KERNEL_ONLY)
def tile_statistics_full(means, rows_t, resp_t, tiles, sums, nk, sx, sxx, wide):
    """Add a tile's r_tk, r_tk (x_t - m_k) and the lower triangle of
    r_tk (x_t - m_k)(...)^T.

    ``wide`` is None below ``ROW_MAJOR_MIN_FEATURES`` features, else an
    array (the padded factors): the scatter's 4 x 4 blocks
    (:func:`_add_lower_scatter`) are compiled only for the wide form, where
    they pay (68 -> 50 ns per row at d = 64; a first fit's compile takes
    0.7 s more with them); below, its 2 x 2 blocks, as fast at d = 16.

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
        if wide is None:
            _add_lower_scatter_pairs(weighted_t, centred_t, sxx[k], 0, n_features, 0)
        if wide is not None:
            _add_lower_scatter(weighted_t, centred_t, sxx[k])


def weighted_log_prob_full(X, means, precisions_chol, offsets, n_chunks):
    """``offsets[k] + log N(x_i | k)`` of every row, full covariances.

    ``means`` and ``precisions_chol`` in the rows' dtype, contiguous.
    """
    n_samples, n_components = X.shape[0], means.shape[0]
    lower, padded = precision_factor_forms(precisions_chol)
    out = np.empty((n_samples, n_components))
    tiles, rows, work, _ = full_tile_scratch(
        n_chunks, n_components, X.shape[1], X.dtype
    )
    weighted_log_prob_full_tiles(
        X, means, lower, padded, offsets, n_chunks, out, tiles, rows, work
    )
    return out


@parallel_kernel()
def weighted_log_prob_full_tiles(
    X, means, lower, padded, offsets, n_chunks, out, tiles, rows, work
):
    """Fill ``out`` for :func:`weighted_log_prob_full`, tile by tile; the
    factors from :func:`precision_factor_forms`, the scratch from
    :func:`full_tile_scratch`."""
    n_samples = X.shape[0]
    n_components = means.shape[0]
    tile = FULL_TILE_ROWS
    for c in prange(n_chunks):
        start, stop = chunk_bounds(c, n_chunks, n_samples)
        log_prob_t = work[c, :n_components]
        for t0 in range(start, stop, tile):
            n_rows = min(tile, stop - t0)
            tile_log_prob_full(
                X,
                t0,
                n_rows,
                means,
                lower,
                padded,
                offsets,
                tiles[c],
                rows[c],
                log_prob_t,
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
        # The scatter's loop for wide rows is chosen by the type of ``wide``.
        wide = None if n_features < ROW_MAJOR_MIN_FEATURES else scratch[1]
        weighted_moments_full(X, resp, shift, n_chunks, wide, *partials, *scratch)
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
def weighted_moments_full(
    X, resp, shift, n_chunks, wide, nk, sx, sxx, tiles, rows, work, sums
):
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
                shift, rows_t, resp_t, tiles[c], sums[c], nk[c], sx[c], sxx[c], wide
            )
        mirror_lower(sxx[c])
