"""Pseudo-random numbers that depend on a row's values alone."""

import numpy as np


def row_hash_uniforms(X, n_dims):
    """Numbers in [0, 1), (n_rows, n_dims), that depend on each row's bytes only.

    A 64-bit multiply-xorshift hash of the row, then splitmix64's finaliser
    per dimension. A row's numbers do not depend on the other rows nor on
    their order, and the same row gives the same numbers in any process:
    what an order-invariant, deterministic "random" choice per row needs.
    """
    bits = np.ascontiguousarray(X, dtype=np.float64).view(np.uint64)
    state = np.full(bits.shape[0], 0x9E3779B97F4A7C15, dtype=np.uint64)
    for column in bits.T:
        state = (state ^ column) * np.uint64(0xBF58476D1CE4E5B9)
        state ^= state >> np.uint64(31)
    out = np.empty((bits.shape[0], n_dims))
    for d in range(n_dims):
        # splitmix64's finaliser on a per-dimension offset of the row's hash.
        mixed = state + np.uint64((d + 1) * 0x9E3779B97F4A7C15 % 2**64)
        mixed = (mixed ^ (mixed >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        mixed = (mixed ^ (mixed >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        mixed ^= mixed >> np.uint64(31)
        out[:, d] = (mixed >> np.uint64(11)) * 2.0**-53
    return out
