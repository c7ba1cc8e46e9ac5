"""Elementary functions that Numba can vectorise.

Numba compiles ``np.exp`` to a call into the C library, one value at a time
(5.6 ns each on the benchmark machine): in a softmax over a tile of rows that
call, not the arithmetic, was the cost. Without Intel's SVML, which skgen does
not depend on, LLVM has no vector ``exp``; :func:`exp_nonpositive` is one
written in plain arithmetic (range reduction and a polynomial), so that a loop
calling it compiles to vector instructions (1.2 ns a value): see
:func:`vector_exp`.
"""

import numpy as np
from numba import njit, types
from numba.extending import intrinsic

_LOG2_E = 1.4426950408889634
# ln 2 split in two (fdlibm's constants): n * _LN2_HIGH is exact for |n| < 2**20.
_LN2_HIGH = 6.93147180369123816490e-01
_LN2_LOW = 1.90821492927058770002e-10
#: Below this, exp(x) is subnormal (2**-1022 = exp(-708.4)).
SMALLEST_NORMAL_EXPONENT = -708.0
#: Above this, exp(x) overflows (2**1024 = exp(709.8)).
LARGEST_EXPONENT = 709.0


@intrinsic
def _float64_from_bits(typingctx, bits):
    """The float64 whose IEEE bit pattern is the int64 ``bits``."""
    if bits != types.int64:
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(types.float64))

    return types.float64(types.int64), codegen


@njit(cache=True, nogil=True, fastmath={"contract"}, no_cpython_wrapper=True)
def vector_exp(x):
    """``exp(x)`` of a float64, in arithmetic that LLVM can vectorise.

    Within 1 ulp of the C library's ``exp`` for ``-708 <= x <= 709`` (tested
    against ``np.exp``); 0 below, where ``exp`` is subnormal (under 2.3e-308),
    because arithmetic on subnormals is slow on x86 and such a value adds
    nothing next to a sum of at least 1 (skgen's softmaxes). ``exp(-inf)`` is
    0 and NaN stays NaN; above 709 (overflow) the result is not defined.

    Method: x = n ln 2 + r with |r| <= ln(2) / 2; exp(r) by its Taylor series
    to degree 13 (truncation error below 1e-17); exp(x) = 2**n exp(r), with
    2**n built from its bits. ``contract`` lets LLVM fuse the polynomial's
    multiply-adds; no other fast-math flag, so NaN and -inf keep IEEE meaning.
    """
    # Comparisons are False for NaN: NaN is clamped here (n stays a valid
    # integer) and restored by the final ``x - x``.
    tiny = x < SMALLEST_NORMAL_EXPONENT
    clamped = x if x >= SMALLEST_NORMAL_EXPONENT else SMALLEST_NORMAL_EXPONENT
    clamped = clamped if clamped <= LARGEST_EXPONENT else LARGEST_EXPONENT
    n = np.floor(clamped * _LOG2_E + 0.5)
    r = (clamped - n * _LN2_HIGH) - n * _LN2_LOW
    p = 1.0 / 6227020800.0  # 1/13!
    p = p * r + 1.0 / 479001600.0
    p = p * r + 1.0 / 39916800.0
    p = p * r + 1.0 / 3628800.0
    p = p * r + 1.0 / 362880.0
    p = p * r + 1.0 / 40320.0
    p = p * r + 1.0 / 5040.0
    p = p * r + 1.0 / 720.0
    p = p * r + 1.0 / 120.0
    p = p * r + 1.0 / 24.0
    p = p * r + 1.0 / 6.0
    p = p * r + 0.5
    p = p * r + 1.0
    p = p * r + 1.0
    # -1022 <= n <= 1023, so 2**n is a normal float: exponent bits n + 1023.
    two_to_n = _float64_from_bits((np.int64(n) + 1023) << 52)
    return 0.0 if tiny else p * two_to_n + (x - x)
