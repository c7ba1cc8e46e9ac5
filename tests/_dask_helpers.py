"""What the Dask tests of every family share: data, blocks, tolerances.

The LocalCluster they run on is the ``dask_client`` fixture of
``tests/conftest.py``. Every fit on a dask array is compared with the
in-memory fit on the same rows from the same start: they differ by the order
of the additions only, so they agree to 1e-10 relative.
"""

import numpy as np

RTOL = 1e-10
# Uneven row blocks, none of them the in-memory kernel's chunks.
ROW_CHUNKS = (700, 500, 900, 400)


def in_blocks(X):
    import dask.array as da

    return da.from_array(X, (ROW_CHUNKS, -1))


def assert_close(actual, expected, rtol=RTOL):
    """Relative to the largest entry, so that near-zero entries do not dominate;
    infinite entries (an unseen class's log prior) must be equal."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    finite = np.isfinite(expected)
    np.testing.assert_array_equal(actual[~finite], expected[~finite])
    actual, expected = actual[finite], expected[finite]
    if expected.size:
        scale = max(np.max(np.abs(expected)), np.finfo(np.float64).tiny)
        assert np.max(np.abs(actual - expected)) <= rtol * scale


def blobs(n_samples=2500, n_features=3, seed=0):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0] * n_features, [3.0] * n_features, [-2.0, 4.0, 1.0]])
    labels = rng.integers(3, size=n_samples)
    return centres[labels, :n_features] + rng.normal(size=(n_samples, n_features))


def check_samples_in_blocks(model):
    """``sample(chunks=...)``: lazy, reproducible, advancing, from the model."""
    import dask.array as da

    rows, latent = model.sample(20_000, chunks=3000, random_state=1)
    assert isinstance(rows, da.Array) and isinstance(latent, da.Array)
    assert rows.chunks == ((3000,) * 6 + (2000,), (model.n_features_in_,))
    again, _ = model.sample(20_000, chunks=3000, random_state=1)
    np.testing.assert_array_equal(rows.compute(), again.compute())
    # The model's stream advances: two calls without a seed differ.
    first, _ = model.sample(100, chunks=30)
    second, _ = model.sample(100, chunks=30)
    assert not np.array_equal(first.compute(), second.compute())
    # Rows come from the model: their mean is the model's (20,000 draws).
    reference, _ = model.sample(20_000, random_state=2)
    np.testing.assert_allclose(
        rows.mean(axis=0).compute(), reference.mean(axis=0), atol=0.1
    )
