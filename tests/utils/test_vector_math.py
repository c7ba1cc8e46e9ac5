"""skgen's vectorisable exp against the C library's (numpy's ``np.exp``)."""

import numpy as np
from numba import njit

from skgen.utils._vector_math import SMALLEST_NORMAL_EXPONENT, vector_exp


@njit
def _exp_all(x):
    out = np.empty_like(x)
    for i in range(x.size):
        out[i] = vector_exp(x[i])
    return out


def test_vector_exp_is_within_one_ulp_of_the_c_library():
    rng = np.random.default_rng(0)
    x = np.concatenate(
        [
            np.linspace(SMALLEST_NORMAL_EXPONENT, 709.0, 400_001),
            -rng.exponential(5.0, 100_000),
            # Ends of the reduction interval, where n changes.
            np.log(2.0) * (np.arange(-1000, 1000) + 0.5),
            [0.0, -0.0, 1e-300, -1e-300, 1.0, -1.0],
        ]
    )
    x = x[x >= SMALLEST_NORMAL_EXPONENT]
    ours, ref = _exp_all(x), np.exp(x)
    ulps = np.abs(ours - ref) / np.spacing(ref)
    assert ulps.max() <= 1.0
    assert _exp_all(np.zeros(1))[0] == 1.0


def test_vector_exp_special_values():
    x = np.array([-np.inf, np.nan, -708.5, -745.2, -1e10])
    ours = _exp_all(x)
    # Subnormal results flush to zero; -inf gives 0; NaN stays NaN.
    np.testing.assert_array_equal(ours[[0, 2, 3, 4]], 0.0)
    assert np.isnan(ours[1])
