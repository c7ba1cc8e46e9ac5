"""GaussianMixture on dask arrays: exact EM, the E-step on the workers.

Each EM iteration maps the in-memory E-step (the family's Numba kernel through
``_run_em_pass``) over the row blocks of ``X`` where they live; each block
returns its sums (log-likelihood, responsibilities, first and second moments
around the current means), the sums are added in a tree of fixed shape
(:func:`skgen.utils._dask.tree_reduce`) and the M-step runs once, locally.
Sums around the same means add exactly, so the fit equals the in-memory fit
on the same rows from the same start, to rounding: only the order of the
additions differs, since the blocks are not the kernel's own chunks.

The EM loop is the in-memory one (``BaseMixture._fit_predict``), given
a :class:`DaskRows` for ``X``. The initialisation (``init_params``) runs as
in memory on at most ``INIT_SAMPLE_ROWS`` rows drawn from ``X`` (all rows,
hence the in-memory initialisation, when there are fewer); with
``weights_init``, ``means_init`` and ``precisions_init`` all given it reads no
data.

Nothing here imports dask at import time (``skgen`` must import without it).
"""

from numbers import Integral

import numpy as np
from sklearn.utils import assert_all_finite, check_scalar

from skgen.mixture._gaussian_mixture import _reduce_em_pass, _run_em_pass
from skgen.utils import _dask
from skgen.utils._sklearn_compat import check_is_fitted
from skgen.utils._threads import single_threaded_blas, threads_for


def fit_predict(estimator, X, sample_weight=None):
    """``BaseMixture.fit_predict`` for a dask array ``X`` (parameters validated).

    Returns the labels as a dask array (not computed).
    """
    X, sample_weight = _check_training_data(estimator, X, sample_weight)
    estimator._check_parameters(X)  # reads X.shape[1] only
    with single_threaded_blas():
        return estimator._fit_predict(DaskRows(X, sample_weight), sample_weight)


def partial_fit(estimator, X, sample_weight, first_call):
    """``BaseMixture.partial_fit`` for a dask array ``X``: one batch's E-step
    on the workers, then the in-memory update of the running statistics."""
    X, sample_weight = _check_training_data(
        estimator, X, sample_weight, reset=first_call
    )
    with single_threaded_blas():
        estimator._partial_fit(DaskRows(X, sample_weight), sample_weight, first_call)
    return estimator


def _check_training_data(estimator, X, sample_weight, reset=True):
    """As ``BaseMixture._validate_training_data``, lazily where it can.

    Finiteness of ``X`` is checked on the workers, in the first E-step.
    """
    X = _dask.check_rows(X)
    n_rows, rows = X.shape[0], ""
    if n_rows < 2:
        raise ValueError(
            f"Found array with {n_rows} sample(s) (shape={X.shape}) while a "
            "minimum of 2 is required."
        )
    if sample_weight is not None:
        weights = _dask.aligned(sample_weight, X, "sample_weight", dtype=np.float64)
        low, high, total, n_rows = _dask.compute(
            weights.min(), weights.max(), weights.sum(), (weights != 0).sum()
        )
        if not np.isfinite(total):
            raise ValueError("Input sample_weight contains NaN or infinity.")
        if low < 0:
            raise ValueError("Negative values in data passed to sample_weight")
        n_rows = int(n_rows)
        rows = " (rows of positive sample_weight)"
        if n_rows < 2:
            raise ValueError(
                f"Found {n_rows} row(s) of positive sample_weight while a "
                "minimum of 2 is required."
            )
        # As in memory: w / max(w), then scaled to sum to the positive rows.
        sample_weight = weights / high * (n_rows / (total / high))
    if n_rows < estimator.n_components:
        raise ValueError(
            "Expected n_samples >= n_components but got "
            f"n_components = {estimator.n_components}, n_samples = {n_rows}{rows}"
        )
    if reset:
        _dask.reset_n_features(estimator, X.shape[1])
    else:
        _dask.check_n_features(estimator, X)
    return X, sample_weight


class DaskRows:
    """A dask ``X`` as the EM loop of ``BaseMixture._fit_predict`` sees it.

    The loop is the in-memory one; its three steps that read data dispatch on
    this object: the start (:meth:`start_rows`), the E-step (:meth:`em_pass`,
    over the delayed row blocks) and the final labels (:meth:`predict`).
    """

    def __init__(self, X, sample_weight):
        self.array = X
        self.sample_weight = sample_weight
        self.blocks = _dask.row_blocks(X)
        self.weight_blocks = _dask.row_blocks(sample_weight)
        self.checked = False  # finiteness of X, checked on the first pass
        self._start = None

    @property
    def shape(self):
        return self.array.shape

    def start_rows(self, random_state):
        """In-memory rows (and weights) to initialise from, drawn once."""
        if self._start is None:
            self._start = _dask.draw_rows(
                self.array, _dask.INIT_SAMPLE_ROWS, random_state, self.sample_weight
            )
        return self._start

    def em_pass(self, estimator):
        result = em_pass(estimator, self.blocks, self.weight_blocks, not self.checked)
        self.checked = True
        return result

    def predict(self, estimator):
        return predict(estimator, self.array)


def em_pass(estimator, blocks, weight_blocks=None, check=False):
    """One EM pass over delayed row blocks: ``(lower bound, statistics)``.

    The dask counterpart of ``GaussianMixture._em_pass``: each block's sums
    come from the same kernel on a worker; the M-step's statistics follow
    from their total exactly as in memory (``_reduce_em_pass``).
    """
    import dask

    est = estimator
    params = _dask.shared(
        (est.weights_, est.means_, est.precisions_cholesky_, est.covariance_type)
    )
    task = dask.delayed(_block_sums, pure=True)
    if weight_blocks is None:
        weight_blocks = [None] * len(blocks)
    parts = [task(b, w, params, check) for b, w in zip(blocks, weight_blocks)]
    (total,) = _dask.compute(_dask.tree_reduce(_dask.add_tuples, parts))
    *sums, total_weight = total
    return _reduce_em_pass(
        tuple(s[np.newaxis] for s in sums),
        est.weights_,
        est.means_,
        est.covariance_type,
        float(total_weight),
    )


def _block_sums(X, sample_weight, params, check):
    """On a worker: one block's ``(log_lik, nk, sx, sxx, weight)`` sums."""
    weights, means, precisions_chol, covariance_type = params
    X = np.ascontiguousarray(X)
    if check:
        assert_all_finite(X, input_name="X")
    n_samples, n_features = X.shape
    with threads_for(n_samples * len(weights) * n_features**2):
        parts = _run_em_pass(
            X, weights, means, precisions_chol, covariance_type, sample_weight
        )
    weight = n_samples if sample_weight is None else sample_weight.sum()
    return (*(part.sum(axis=0) for part in parts), np.float64(weight))


# -- prediction ----------------------------------------------------------------


def _check_test_data(estimator, X):
    check_is_fitted(estimator)
    X = _dask.check_rows(X)
    _dask.check_n_features(estimator, X)
    return X


def predict(estimator, X):
    """Labels of the rows of dask ``X``, as a dask array."""
    X = _check_test_data(estimator, X)
    return _dask.map_method(estimator, X, "predict", n_columns=None, dtype=np.intp)


def predict_proba(estimator, X):
    """Responsibilities of the rows of dask ``X``, as a dask array."""
    X = _check_test_data(estimator, X)
    return _dask.map_method(
        estimator,
        X,
        "predict_proba",
        n_columns=estimator.n_components,
        dtype=np.float64,
    )


def score_samples(estimator, X):
    """``log p(x)`` of the rows of dask ``X``, as a dask array."""
    X = _check_test_data(estimator, X)
    return _dask.map_method(
        estimator, X, "score_samples", n_columns=None, dtype=np.float64
    )


def sample(estimator, n_samples, chunks, random_state=None):
    """``estimator.sample(n_samples)`` as two dask arrays, in blocks of ``chunks``."""
    check_scalar(chunks, "chunks", Integral, min_val=1)
    check_is_fitted(estimator)
    meta = ((estimator.means_.shape[1], np.float64), np.intp)
    return _dask.sample_blocks(estimator, n_samples, chunks, random_state, meta=meta)
