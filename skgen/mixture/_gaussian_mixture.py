"""Gaussian mixture model fitted by EM on fused Numba kernels."""

from typing import NamedTuple

import numpy as np
from scipy.special import logsumexp
from sklearn.base import clone
from sklearn.utils import check_array

from skgen.distributions import _gaussian_missing_kernels
from skgen.distributions._gaussian import (
    check_covariance_values,
    component_offsets,
    compute_precision_cholesky,
    covariances_from_precisions,
    estimate_weighted_log_prob,
    half_diag_precisions,
    precision_cholesky_from_precisions,
    precisions_from_cholesky,
)
from skgen.mixture import _kernels, _missing_kernels
from skgen.mixture._base import BaseMixture
from skgen.mixture._conditioning import (
    conditional_gaussians,
    conditional_means,
    conditional_weights,
    split_columns,
)
from skgen.utils import _dask
from skgen.utils._chunking import n_chunks_for
from skgen.utils._mapreduce import map_reduce, sample_in_blocks
from skgen.utils._sklearn_compat import StrOptions, check_is_fitted
from skgen.utils._threads import threads_for
from skgen.utils._validation import check_letters

_COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")


class _Statistics(NamedTuple):
    """Sufficient statistics of EM, per row of data (per unit of weight).

    ``weights[k]`` is the mean responsibility of component k, ``means[k]`` its
    weighted mean and ``scatter`` the centred second moments, in the shape of
    ``covariances_``: per component for 'full', 'diag' and 'spherical'; for
    'tied' the pooled within-component scatter ``sum_k weights[k] * C_k``.
    """

    weights: np.ndarray
    means: np.ndarray
    scatter: np.ndarray


# ---------------------------------------------------------------------------
# Validation of user-given initial parameters.
# ---------------------------------------------------------------------------


def _check_shape(param, expected, name):
    if param.shape != expected:
        raise ValueError(
            f"The parameter '{name}' should have the shape of {expected}, "
            f"but got {param.shape}"
        )


def _check_weights(weights, n_components):
    weights = check_array(
        weights,
        dtype=[np.float64, np.float32],
        ensure_2d=False,
        input_name="weights_init",
    )
    _check_shape(weights, (n_components,), "weights_init")
    if np.any(weights < 0.0) or np.any(weights > 1.0):
        raise ValueError(
            "The parameter 'weights_init' should be in the range [0, 1], but got "
            f"max value {weights.max():.5f}, min value {weights.min():.5f}"
        )
    atol = 1e-6 if weights.dtype == np.float32 else 1e-8
    if abs(1.0 - weights.sum()) > atol:
        raise ValueError(
            "The parameter 'weights_init' should be normalized, but got "
            f"sum(weights_init) = {weights.sum():.5f}"
        )
    return weights.astype(np.float64)


def _check_means(means, n_components, n_features):
    means = check_array(
        means, dtype=[np.float64, np.float32], ensure_2d=False, input_name="means_init"
    )
    _check_shape(means, (n_components, n_features), "means_init")
    return means.astype(np.float64)


def _check_precisions(precisions, covariance_type, n_components, n_features):
    precisions = check_array(
        precisions,
        dtype=[np.float64, np.float32],
        ensure_2d=False,
        allow_nd=covariance_type == "full",
        input_name="precisions_init",
    ).astype(np.float64)
    expected = {
        "full": (n_components, n_features, n_features),
        "tied": (n_features, n_features),
        "diag": (n_components, n_features),
        "spherical": (n_components,),
    }[covariance_type]
    _check_shape(precisions, expected, "precisions_init")
    check_covariance_values(precisions, covariance_type, "precisions_init")
    return precisions


class _EStepSums(NamedTuple):
    """Sums over rows of one E-step, around the current means ``m_k``.

    With ``sample_weight``, every row's terms are multiplied by its weight.
    """

    log_likelihood: float  # sum_i log p(x_i)
    resp: np.ndarray  # (K,) sum_i r_ik
    first_moments: np.ndarray  # (K, d) sum_i r_ik (x_i - m_k)
    second_moments: np.ndarray  # sum_i r_ik (x_i - m_k)(...)^T: (K, d, d) or (K, d)
    total_weight: float  # number of rows, or sum of their weights


def _e_step_sums(X, sample_weight, weights, means, precisions_chol, covariance_type):
    """The E-step of one block of rows: its :class:`_EStepSums`.

    The kernels return per-chunk partial sums, added here in chunk order. The
    new means and the centred scatter follow from the sums without
    cancellation (see ``_kernels`` and :func:`_finish_e_step`).
    """
    offsets = component_offsets(weights, precisions_chol, covariance_type, X.shape[1])
    return e_step_sums_with_offsets(
        X, sample_weight, offsets, weights, means, precisions_chol, covariance_type
    )


def e_step_sums_with_offsets(
    X, sample_weight, offsets, weights, means, precisions_chol, covariance_type
):
    """:func:`_e_step_sums` with each component's row-independent log-density
    term given (``offsets``); ``weights`` only centre the 'tied' scatter."""
    n_samples, n_features = X.shape
    with threads_for(n_samples * len(weights) * n_features**2):
        parts = _run_em_pass(
            X, offsets, weights, means, precisions_chol, covariance_type, sample_weight
        )
    total_weight = n_samples if sample_weight is None else sample_weight.sum()
    return _EStepSums(*(part.sum(axis=0) for part in parts), total_weight)


def _e_step_sums_missing(
    X, sample_weight, weights, means, precisions_chol, covariance_type
):
    """:func:`_e_step_sums` for rows with NaN entries, integrated out."""
    n_samples, n_features = X.shape
    offsets = component_offsets(weights, precisions_chol, covariance_type, n_features)
    X64 = np.asarray(X, dtype=np.float64)
    row_weights = np.ones(n_samples) if sample_weight is None else sample_weight
    n_chunks = n_chunks_for(n_samples, len(weights) * n_features * (n_features + 1))
    with threads_for(n_samples * len(weights) * n_features**2):
        if covariance_type == "tied":
            parts = _missing_kernels.em_pass_tied_missing(
                X64,
                row_weights,
                means,
                precisions_from_cholesky(precisions_chol, "tied"),
                precisions_chol,
                offsets,
                _tied_shift(weights, means),
                n_chunks,
            )
        elif covariance_type == "full":
            parts = _missing_kernels.em_pass_full_missing(
                X64,
                row_weights,
                _missing_kernels.missingness_order(X64),
                means,
                _full_precisions(precisions_chol, covariance_type, len(weights)),
                np.ascontiguousarray(precisions_chol),
                offsets,
                n_chunks,
            )
        else:
            parts = _missing_kernels.em_pass_diag_missing(
                X64,
                row_weights,
                means,
                _diag_variances(precisions_chol, covariance_type, n_features),
                offsets,
                n_chunks,
            )
    log_lik, nk, sx, sxx = (part.sum(axis=0) for part in parts)
    total_weight = float(row_weights.sum())
    return _EStepSums(float(log_lik), nk, sx, sxx, total_weight)


def _full_precisions(precisions_chol, covariance_type, n_components):
    """Precision matrices (K, d, d); 'tied' repeated for every component."""
    precisions = precisions_from_cholesky(precisions_chol, covariance_type)
    if covariance_type == "tied":
        precisions = np.repeat(precisions[np.newaxis], n_components, axis=0)
    return np.ascontiguousarray(precisions)


def _diag_variances(precisions_chol, covariance_type, n_features):
    """Variances (K, d) of 'diag' or 'spherical' components."""
    variances = 1.0 / precisions_chol**2
    if covariance_type == "spherical":
        variances = np.repeat(variances[:, np.newaxis], n_features, axis=1)
    return np.ascontiguousarray(variances)


def _missing_counts(X):
    """Missing entries per column, rows with every entry missing, rows."""
    missing = np.isnan(X)
    return missing.sum(axis=0), missing.all(axis=1).sum(), X.shape[0]


def check_missing_entries(X, training=True):
    """Whether ``X`` has NaN entries; raise if a row (or, for ``training``
    rows, a column) has no observed entry."""
    if not _dask.is_dask_collection(X) and not np.isnan(X.sum()):
        return False  # the common case, without a boolean copy of X
    per_column, n_empty_rows, n_rows = map_reduce(_missing_counts, X)
    if n_empty_rows:
        raise ValueError(
            f"{int(n_empty_rows)} row(s) of X have every entry missing (NaN): "
            "such a row carries no information; drop it."
        )
    empty_columns = np.flatnonzero(per_column == n_rows)
    if training and len(empty_columns):
        raise ValueError(
            f"Column(s) {empty_columns.tolist()} of X have every entry missing "
            "(NaN): nothing can be learned about them; drop them."
        )
    return bool(per_column.sum())


def _fill_with_column_means(X):
    """A copy of ``X`` with NaN entries replaced by their column's mean."""
    if not np.isnan(X.sum()):
        return X
    filled = np.array(X, dtype=np.float64)
    rows, columns = np.nonzero(np.isnan(filled))
    filled[rows, columns] = np.nanmean(filled, axis=0)[columns]
    return filled


def weighted_log_prob_missing(X, weights, means, precisions_chol, covariance_type):
    """``log w_k + log N(x_o | k)`` of rows with NaN entries, (n, K)."""
    n_samples, n_features = X.shape
    offsets = component_offsets(weights, precisions_chol, covariance_type, n_features)
    X64 = np.asarray(X, dtype=np.float64)
    n_chunks = n_chunks_for(n_samples)
    with threads_for(n_samples * len(weights) * n_features**2):
        if covariance_type in ("full", "tied"):
            return _gaussian_missing_kernels.log_prob_full_missing(
                X64,
                means,
                _full_precisions(precisions_chol, covariance_type, len(weights)),
                offsets,
                n_chunks,
            )
        return _gaussian_missing_kernels.log_prob_diag_missing(
            X64,
            means,
            _diag_variances(precisions_chol, covariance_type, n_features),
            offsets,
            n_chunks,
        )


def _run_em_pass(
    X, offsets, weights, means, precisions_chol, covariance_type, sample_weight
):
    """The kernel of ``covariance_type``: per-chunk partial sums.

    With ``sample_weight``, its ``_weighted`` twin, which takes the weights
    after ``X`` and otherwise the same arguments.
    """
    n_samples, n_features = X.shape
    n_components = means.shape[0]
    dtype = X.dtype
    if covariance_type == "full":
        kernel = _kernels.em_pass_full
        weighted_kernel = _kernels.em_pass_full_weighted
        n_chunks = n_chunks_for(n_samples, n_components * n_features * (n_features + 1))
        args = (
            np.ascontiguousarray(means, dtype=dtype),
            np.ascontiguousarray(precisions_chol, dtype=dtype),
            offsets,
            n_chunks,
        )
    elif covariance_type == "tied":
        kernel = _kernels.em_pass_tied
        weighted_kernel = _kernels.em_pass_tied_weighted
        n_chunks = n_chunks_for(n_samples, n_features * (n_features + n_components))
        args = (
            means.astype(dtype),
            (means @ precisions_chol).astype(dtype),
            precisions_chol.astype(dtype),
            offsets,
            _tied_shift(weights, means).astype(dtype),
            n_chunks,
        )
    else:
        kernel = _kernels.em_pass_diag
        weighted_kernel = _kernels.em_pass_diag_weighted
        n_chunks = n_chunks_for(n_samples, 2 * n_components * n_features)
        args = (
            means.astype(dtype),
            half_diag_precisions(precisions_chol, covariance_type, n_features, dtype),
            offsets,
            n_chunks,
        )
    if sample_weight is None:
        return kernel(X, *args)
    return weighted_kernel(X, sample_weight, *args)


def _tied_shift(weights, means):
    """Centre of the tied scatter: close to the data mean, so it stays small."""
    return weights @ means


def _finish_e_step(sums, weights, means, covariance_type):
    """Mean log-likelihood and :class:`_Statistics` from the sums of all rows.

    The statistics are per unit of weight: ``sums.total_weight`` is the number
    of rows, or the sum of their weights.
    """
    log_lik, nk, sx, sxx, total_weight = sums
    # As scikit-learn: 10 eps keeps an empty component's division finite.
    nk = nk + 10 * np.finfo(np.float64).eps
    shift_to_new_mean = sx / nk[:, np.newaxis]
    new_means = means + shift_to_new_mean
    if covariance_type == "full":
        scatter = sxx / nk[:, np.newaxis, np.newaxis] - (
            shift_to_new_mean[:, :, np.newaxis] * shift_to_new_mean[:, np.newaxis, :]
        )
    elif covariance_type == "tied":
        # Scatter of all rows around `shift`, minus the between-component part.
        between = new_means - _tied_shift(weights, means)
        scatter = (sxx - (nk * between.T) @ between) / total_weight
    else:
        scatter = sxx / nk[:, np.newaxis] - shift_to_new_mean**2
        if covariance_type == "spherical":
            scatter = scatter.mean(axis=1)
    return log_lik / total_weight, _Statistics(nk / total_weight, new_means, scatter)


def _statistics_from_resp(X, resp, covariance_type, sample_weight=None):
    """:class:`_Statistics` of explicit responsibilities (initialisation only).

    With ``sample_weight``, each row's responsibilities count ``w_i`` times.
    """
    X = np.asarray(X, dtype=np.float64)
    if sample_weight is None:
        total_weight = X.shape[0]
        X_weighted = X
    else:
        total_weight = sample_weight.sum()
        X_weighted = sample_weight[:, np.newaxis] * X
        resp = sample_weight[:, np.newaxis] * resp
    nk = resp.sum(axis=0) + 10 * np.finfo(np.float64).eps
    means = (resp.T @ X) / nk[:, np.newaxis]
    if covariance_type == "full":
        scatter = np.empty((len(nk), X.shape[1], X.shape[1]))
        for k in range(len(nk)):
            diff = X - means[k]
            scatter[k] = (resp[:, k] * diff.T) @ diff / nk[k]
    elif covariance_type == "tied":
        # As scikit-learn: the second moments of all rows, less the means'.
        scatter = (X.T @ X_weighted - (nk * means.T) @ means) / total_weight
    else:
        scatter = (resp.T @ (X * X)) / nk[:, np.newaxis] - means**2
        if covariance_type == "spherical":
            scatter = scatter.mean(axis=1)
    return _Statistics(nk / total_weight, means, scatter)


def _gaussian_parameters(stats, covariance_type, reg_covar):
    """The M-step: weights, means, covariances (``reg_covar`` added to their
    diagonal) and precision Cholesky factors from :class:`_Statistics`."""
    covariances = np.array(stats.scatter, dtype=np.float64)
    if covariance_type == "tied":
        covariances /= stats.weights.sum()
    if covariance_type in ("full", "tied"):
        diagonal = np.arange(covariances.shape[-1])
        covariances[..., diagonal, diagonal] += reg_covar
    else:
        covariances += reg_covar
    weights = stats.weights / stats.weights.sum()
    precisions_chol = compute_precision_cholesky(covariances, covariance_type)
    return weights, stats.means, covariances, precisions_chol


def _hold_means(stats, means, covariance_type):
    """Statistics with the means held at ``means``: the scatter around them
    (the scatter around the data's means plus the shift between the two)."""
    shift = stats.means - means
    if covariance_type == "full":
        scatter = stats.scatter + shift[:, :, np.newaxis] * shift[:, np.newaxis, :]
    elif covariance_type == "tied":
        scatter = stats.scatter + (stats.weights * shift.T) @ shift
    elif covariance_type == "diag":
        scatter = stats.scatter + shift**2
    else:
        scatter = stats.scatter + (shift**2).mean(axis=1)
    return _Statistics(stats.weights, means, scatter)


def _blend(old, new, step, covariance_type):
    """Statistics of the mixture ``(1 - step) * old + step * new`` of two data sets.

    Exact in centred form: the second moments of the merged set are the two
    scatters plus the spread between the two means.
    """
    a = (1.0 - step) * old.weights
    b = step * new.weights
    weights = a + b
    means = (a[:, np.newaxis] * old.means + b[:, np.newaxis] * new.means) / weights[
        :, np.newaxis
    ]
    delta = old.means - new.means
    spread = a * b / weights
    if covariance_type == "full":
        cross = delta[:, :, np.newaxis] * delta[:, np.newaxis, :]
        scatter = (
            a[:, None, None] * old.scatter
            + b[:, None, None] * new.scatter
            + spread[:, None, None] * cross
        ) / weights[:, None, None]
    elif covariance_type == "tied":
        scatter = (
            (1.0 - step) * old.scatter + step * new.scatter + (spread * delta.T) @ delta
        )
    else:
        cross = delta**2 if covariance_type == "diag" else (delta**2).mean(axis=1)
        extra = (slice(None),) + (np.newaxis,) * (cross.ndim - 1)
        scatter = (
            a[extra] * old.scatter + b[extra] * new.scatter + spread[extra] * cross
        ) / weights[extra]
    return _Statistics(weights, means, scatter)


def n_mixture_parameters(n_components, n_features, covariance_type):
    """Free parameters of a mixture of ``n_components`` Gaussians."""
    k = n_components
    cov_params = {
        "full": k * n_features * (n_features + 1) / 2.0,
        "diag": k * n_features,
        "tied": n_features * (n_features + 1) / 2.0,
        "spherical": k,
    }[covariance_type]
    return int(cov_params + n_features * k + k - 1)


class GaussianSampleMixin:
    """``sample`` of a mixture of Gaussians from its ``weights_``, ``means_``
    and ``covariances_`` (shaped by ``covariance_type``)."""

    def sample(self, n_samples=1, *, random_state=None, chunks=None):
        """Draw rows from the fitted mixture.

        Parameters
        ----------
        n_samples : int, default=1
            Number of rows to draw.
        random_state : int, RandomState instance or None, default=None
            None draws from the model's own stream, created at ``fit`` and
            advanced by every call, so successive calls differ. An int makes
            the call reproducible; it gives the same rows as scikit-learn's
            ``GaussianMixture(random_state=that_int).sample`` on the same
            parameters.
        chunks : int, default=None
            None returns ndarrays. An int returns dask arrays (dask needed),
            drawn lazily in blocks of at most ``chunks`` rows, each block from
            its own generator seeded from the stream above: reproducible for
            an integer ``random_state``, but other rows than without
            ``chunks``.

        Returns
        -------
        X : ndarray or dask array of shape (n_samples, n_features)
            The rows, grouped by component (within each block).
        labels : ndarray or dask array of shape (n_samples,)
            The component each row was drawn from.
        """
        if chunks is not None:
            meta = ((self.means_.shape[1], np.float64), np.intp)
            return sample_in_blocks(self, n_samples, chunks, random_state, meta=meta)
        rng = self._sample_stream(n_samples, random_state)
        counts = rng.multinomial(n_samples, self.weights_)
        n_features = self.means_.shape[1]
        if self.covariance_type in ("full", "tied"):
            covariances = (
                self.covariances_
                if self.covariance_type == "full"
                else [self.covariances_] * self.n_components
            )
            blocks = [
                rng.multivariate_normal(mean, covariance, int(count))
                for mean, covariance, count in zip(self.means_, covariances, counts)
            ]
        else:
            blocks = [
                mean
                + rng.standard_normal(size=(count, n_features)) * np.sqrt(covariance)
                for mean, covariance, count in zip(
                    self.means_, self.covariances_, counts
                )
            ]
        labels = np.repeat(np.arange(self.n_components), counts)
        return np.vstack(blocks), labels


class GaussianMixture(GaussianSampleMixin, BaseMixture):
    """Gaussian mixture model fitted by EM, on fused Numba kernels.

    A drop-in for :class:`sklearn.mixture.GaussianMixture`: the same
    parameters, fitted attributes and results (to rounding), with one pass over
    the data per EM iteration that computes the responsibilities and the
    M-step's sufficient statistics together, in parallel over fixed chunks of
    rows. Adds ``partial_fit`` (stepwise online EM) and a ``sample`` whose
    successive calls differ.

    Read more in the :ref:`User Guide <mixture>`.

    Parameters
    ----------
    n_components : int, default=1
        Number of mixture components.

    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
        Form of the covariance: 'full', each component its own general
        covariance; 'tied', one general covariance shared by all; 'diag', each
        its own diagonal covariance; 'spherical', each its own single variance.

    tol : float, default=1e-3
        Convergence threshold: EM stops when the lower bound (the mean
        log-likelihood) changes by less than ``tol`` in absolute value.

    reg_covar : float, default=1e-6
        Non-negative regularisation added to the diagonal of the covariances,
        so that they stay positive definite.

    max_iter : int, default=100
        Number of EM iterations per initialisation.

    n_init : int, default=1
        Number of initialisations; the best result is kept.

    init_params : {'kmeans', 'k-means++', 'random', 'random_from_data'}, \
            default='kmeans'
        How the initial responsibilities are made: by k-means labels,
        k-means++ centres, uniform random responsibilities, or randomly chosen
        rows as the initial means.

    weights_init : array-like of shape (n_components,), default=None
        Initial weights; by default from ``init_params``.

    means_init : array-like of shape (n_components, n_features), default=None
        Initial means; by default from ``init_params``.

    precisions_init : array-like, default=None
        Initial precisions (inverse covariances), shaped by
        ``covariance_type``: (n_components,) 'spherical', (n_features,
        n_features) 'tied', (n_components, n_features) 'diag',
        (n_components, n_features, n_features) 'full'. By default from
        ``init_params``.

    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation and the stream ``sample`` draws from.
        An int gives the same fit, bit for bit, on any number of threads.

    warm_start : bool, default=False
        If True, each ``fit`` starts from the previous solution (``n_init`` is
        then ignored).

    verbose : int, default=0
        1 prints each initialisation and iteration; 2 adds timings and the
        change of the lower bound.

    verbose_interval : int, default=10
        Iterations between two printed lines.

    learning_decay : float, default=0.7
        Exponent of the step size of ``partial_fit``, in (0.5, 1].

    learning_offset : float, default=1.0
        Offset of the step size of ``partial_fit``: step ``t`` weighs the new
        batch by ``(t + learning_offset) ** -learning_decay``.

    params : str, default='wmc'
        The parameters EM updates, in hmmlearn's style: 'w' the weights, 'm'
        the means, 'c' the covariances. A part left out keeps its initial
        value (its ``*_init`` when given, else the initialisation's), and the
        others take their constrained maximum (with the means held, the
        covariances are the scatter around the held means). Unlike
        hmmlearn's, ``init_params`` keeps scikit-learn's meaning, the
        initialisation method.

    Attributes
    ----------
    weights_ : ndarray of shape (n_components,)
        Mixing weights.

    means_ : ndarray of shape (n_components, n_features)
        Component means.

    covariances_ : ndarray
        Component covariances, shaped by ``covariance_type`` as
        ``precisions_init``.

    precisions_ : ndarray
        Inverses of ``covariances_``.

    precisions_cholesky_ : ndarray
        Upper-triangular Cholesky factors ``U`` of the precisions,
        ``precision = U @ U.T``.

    converged_ : bool
        Whether the best initialisation converged within ``max_iter``.

    n_iter_ : int
        EM iterations of the best initialisation (or ``partial_fit`` calls).

    lower_bound_ : float
        Mean log-likelihood of the training data under the parameters before
        the last M-step, as scikit-learn reports it; with ``sample_weight``,
        the weighted mean ``sum_i w_i log p(x_i) / sum_i w_i``.

    lower_bounds_ : list of float
        ``lower_bound_`` after each iteration of the best initialisation.

    monitor_ : :class:`~skgen.utils.ConvergenceMonitor`
        The best initialisation's convergence, read as for every iterative
        fit in skgen: ``history`` (its lower bounds, then one per
        ``partial_fit`` call), ``iter``, ``converged`` (True only if ``tol``
        was met), ``tol``, ``n_iter`` (``max_iter``).

    n_steps_ : int
        Updates of the running statistics: 1 for ``fit``, then 1 per
        ``partial_fit`` call.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features, when ``X`` had string column names.

    See Also
    --------
    sklearn.mixture.GaussianMixture : The reference implementation.

    References
    ----------
    .. [1] A. P. Dempster, N. M. Laird and D. B. Rubin, "Maximum likelihood from
       incomplete data via the EM algorithm", JRSS B 39(1), 1977.
    .. [2] O. Cappé and E. Moulines, "On-line expectation-maximization algorithm
       for latent data models", JRSS B 71(3), 2009.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.mixture import GaussianMixture
    >>> X = np.array([[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]])
    >>> gm = GaussianMixture(n_components=2, random_state=0).fit(X)
    >>> gm.means_
    array([[10.,  2.],
           [ 1.,  2.]])
    >>> gm.predict([[0, 0], [12, 3]])
    array([1, 0])
    >>> X_new, labels = gm.sample(4, random_state=0)
    >>> X_new.shape, labels.shape
    ((4, 2), (4,))
    """

    _parameter_constraints: dict = {
        **BaseMixture._parameter_constraints,
        "covariance_type": [StrOptions(set(_COVARIANCE_TYPES))],
        "weights_init": ["array-like", None],
        "means_init": ["array-like", None],
        "precisions_init": ["array-like", None],
        "params": [str],
    }

    # scikit-learn's estimator checks that cannot pass, with the reason; read
    # by tests/test_common.py (scikit-learn 1.9 has no tag for them).
    _expected_failed_checks = {
        "check_sample_weight_equivalence_on_dense_data": (
            "the initialisation draws rows at random (k-means++ seeds the "
            "default 'kmeans') and the check shuffles the weighted rows, so "
            "one seed starts EM from other rows than on the repeated data, and "
            "EM can end in another local optimum (on the check's data, "
            "KMeans(n_init=1) itself gives another partition for 10 seeds out "
            "of 10). From the same start, weighted and repeated fits agree to "
            "1e-10 (tests/mixture)."
        ),
    }

    def __init__(
        self,
        n_components=1,
        *,
        covariance_type="full",
        tol=1e-3,
        reg_covar=1e-6,
        max_iter=100,
        n_init=1,
        init_params="kmeans",
        weights_init=None,
        means_init=None,
        precisions_init=None,
        random_state=None,
        warm_start=False,
        verbose=0,
        verbose_interval=10,
        learning_decay=0.7,
        learning_offset=1.0,
        params="wmc",
    ):
        super().__init__(
            n_components=n_components,
            tol=tol,
            reg_covar=reg_covar,
            max_iter=max_iter,
            n_init=n_init,
            init_params=init_params,
            random_state=random_state,
            warm_start=warm_start,
            verbose=verbose,
            verbose_interval=verbose_interval,
            learning_decay=learning_decay,
            learning_offset=learning_offset,
        )
        self.covariance_type = covariance_type
        self.weights_init = weights_init
        self.means_init = means_init
        self.precisions_init = precisions_init
        self.params = params

    def _check_parameters(self, X, sample_weight=None):
        check_letters(self, "params", "wmc")
        n_features = X.shape[1]
        self._weights_init = (
            None
            if self.weights_init is None
            else _check_weights(self.weights_init, self.n_components)
        )
        self._means_init = (
            None
            if self.means_init is None
            else _check_means(self.means_init, self.n_components, n_features)
        )
        self._precisions_init = (
            None
            if self.precisions_init is None
            else _check_precisions(
                self.precisions_init,
                self.covariance_type,
                self.n_components,
                n_features,
            )
        )

    _allows_missing = True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # missing entries are integrated out
        return tags

    def _validate_training_data(self, X, sample_weight, reset):
        X, sample_weight = super()._validate_training_data(X, sample_weight, reset)
        self._has_missing = check_missing_entries(X)
        return X, sample_weight

    def _initialization_space(self, X):
        """The rows k-means reads: missing entries at their column's mean."""
        return _fill_with_column_means(X)

    def _initialization_reads_data(self):
        return (
            self._weights_init is None
            or self._means_init is None
            or self._precisions_init is None
        )

    def _initialize_parameters(self, X, random_state, sample_weight=None):
        if self._initialization_reads_data():
            super()._initialize_parameters(X, random_state, sample_weight)
        else:  # every initial parameter given: nothing to estimate from data
            self._initialize(X, None, sample_weight)

    def _initialize(self, X, resp, sample_weight=None):
        if resp is not None:
            # Missing entries at their column's mean: a start, which EM revises.
            stats = _statistics_from_resp(
                _fill_with_column_means(X), resp, self.covariance_type, sample_weight
            )
            if self._precisions_init is None:
                self._set_from_statistics(stats)
            else:  # the covariances come from the user: none to estimate
                self.means_ = stats.means
            if self._weights_init is None:
                # scikit-learn's initial weights are nk / n, not renormalised.
                self.weights_ = stats.weights
        if self._weights_init is not None:
            self.weights_ = self._weights_init.copy()
        if self._means_init is not None:
            self.means_ = self._means_init.copy()
        if self._precisions_init is not None:
            self.precisions_cholesky_ = precision_cholesky_from_precisions(
                self._precisions_init, self.covariance_type
            )
            self.covariances_ = covariances_from_precisions(
                self._precisions_init, self.covariance_type
            )

    def _e_step_block(self):
        missing = getattr(self, "_has_missing", False)
        return _e_step_sums_missing if missing else _e_step_sums, (
            self.weights_,
            self.means_,
            self.precisions_cholesky_,
            self.covariance_type,
        )

    def _finish_e_step(self, sums):
        return _finish_e_step(sums, self.weights_, self.means_, self.covariance_type)

    def _blend_statistics(self, old, new, step):
        return _blend(old, new, step, self.covariance_type)

    def _m_step(self, stats):
        """The M-step, holding the parts ``params`` leaves out at their values."""
        if "m" not in self.params:
            stats = _hold_means(stats, self.means_, self.covariance_type)
        weights, means, covariances, precisions_chol = _gaussian_parameters(
            stats, self.covariance_type, self.reg_covar
        )
        if "w" in self.params:
            self.weights_ = weights
        self.means_ = means
        if "c" in self.params:
            self.covariances_, self.precisions_cholesky_ = covariances, precisions_chol

    def _set_from_statistics(self, stats):
        """Every parameter from statistics (the initial ones)."""
        (
            self.weights_,
            self.means_,
            self.covariances_,
            self.precisions_cholesky_,
        ) = _gaussian_parameters(stats, self.covariance_type, self.reg_covar)

    def _estimate_weighted_log_prob(self, X):
        log_prob = (
            weighted_log_prob_missing
            if np.isnan(X.sum())
            else estimate_weighted_log_prob
        )
        return log_prob(
            X,
            self.weights_,
            self.means_,
            self.precisions_cholesky_,
            self.covariance_type,
        )

    def _get_parameters(self):
        return (
            self.weights_,
            self.means_,
            self.covariances_,
            self.precisions_cholesky_,
        )

    def _set_parameters(self, params):
        (
            self.weights_,
            self.means_,
            self.covariances_,
            self.precisions_cholesky_,
        ) = params
        self.precisions_ = precisions_from_cholesky(
            self.precisions_cholesky_, self.covariance_type
        )

    def impute(self, X, *, sample=False, random_state=None):
        """``X`` with its missing entries (NaN) filled in from the mixture.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows with NaN where entries are missing; each row needs one
            observed entry.
        sample : bool, default=False
            False fills each missing entry with its conditional mean given the
            row's observed entries, ``E[x_m | x_o]`` (a mixture of the
            components' regressions, weighted by their responsibilities).
            True draws the missing entries jointly from their conditional
            distribution (a component by its responsibility, then its
            conditional Gaussian): repeated calls give multiple imputations.
        random_state : int, RandomState instance or None, default=None
            For ``sample=True``: None draws from the model's stream (successive
            calls differ); an int makes the call reproducible.

        Returns
        -------
        X_imputed : ndarray of shape (n_samples, n_features)
            ``X`` (float64) with every NaN replaced; observed entries unchanged.

        Examples
        --------
        >>> import numpy as np
        >>> from skgen.mixture import GaussianMixture
        >>> rng = np.random.RandomState(0)
        >>> X = rng.multivariate_normal([0, 0], [[1, 0.9], [0.9, 1]], size=1000)
        >>> gm = GaussianMixture(random_state=0).fit(X)
        >>> gm.impute([[1.0, np.nan], [np.nan, -2.0]]).round(1)
        array([[ 1. ,  0.9],
               [-1.8, -2. ]])
        """
        X = self._validate_test_data(X)
        check_missing_entries(X, training=False)
        n_samples, n_features = X.shape
        X64 = np.asarray(X, dtype=np.float64)
        weighted = self._estimate_weighted_log_prob(X64)
        resp = np.exp(weighted - logsumexp(weighted, axis=1, keepdims=True))
        if sample:
            rng = self._sample_stream(1, random_state)
            uniforms = rng.uniform(size=n_samples)
            normals = rng.standard_normal((n_samples, n_features))
            # The component of each row, by its responsibilities.
            components = (uniforms[:, np.newaxis] > np.cumsum(resp, axis=1)).sum(1)
            components = np.minimum(components, self.n_components - 1)
            weights = np.empty((0, self.n_components))
        else:
            components, normals, weights = np.empty(0, np.int64), np.empty((0, 0)), resp
        if self.covariance_type in ("full", "tied"):
            kernel = _gaussian_missing_kernels.fill_full_missing
            spread = _full_precisions(
                self.precisions_cholesky_, self.covariance_type, self.n_components
            )
        else:
            kernel = _gaussian_missing_kernels.fill_diag_missing
            spread = _diag_variances(
                self.precisions_cholesky_, self.covariance_type, n_features
            )
        with threads_for(n_samples * self.n_components * n_features**2):
            return kernel(
                X64,
                np.ascontiguousarray(weights),
                components.astype(np.int64),
                self.means_,
                spread,
                normals,
                n_chunks_for(n_samples),
            )

    def condition(self, values, columns):
        """The mixture of the other columns given ``values`` of ``columns``.

        Exact Gaussian conditioning: each component's weight is multiplied by
        its marginal density at ``values`` (then renormalised), its mean moves
        by the regression on the given columns and its covariance becomes the
        Schur complement (for 'diag' and 'spherical', only the weights change).

        Parameters
        ----------
        values : array-like of shape (n_columns,)
            The given values, in the order of ``columns``.
        columns : array-like of int or str
            The given columns: indices, or names of ``feature_names_in_``.

        Returns
        -------
        conditional : GaussianMixture
            A fitted mixture over the other columns (in their original order,
            with their names when the model has names), of the same
            ``covariance_type``: ``sample``, ``score_samples``, ``predict_proba``
            and the rest of the contract hold for it.

        Examples
        --------
        >>> import numpy as np
        >>> from skgen.mixture import GaussianMixture
        >>> rng = np.random.RandomState(0)
        >>> X = rng.multivariate_normal([0, 0], [[1, 0.8], [0.8, 1]], size=2000)
        >>> gm = GaussianMixture(random_state=0).fit(X)
        >>> given_x0 = gm.condition([1.0], columns=[0])
        >>> given_x0.means_.round(1)
        array([[0.8]])
        """
        check_is_fitted(self)
        given, other = split_columns(self, columns)
        values = check_array(
            np.reshape(np.asarray(values, dtype=np.float64), (1, -1)),
            input_name="values",
        )
        if values.shape[1] != len(given):
            raise ValueError(
                f"values has {values.shape[1]} entries but columns names {len(given)}."
            )
        conditional = conditional_gaussians(
            self.means_, self.covariances_, self.covariance_type, given, other
        )
        model = clone(self).set_params(
            weights_init=None, means_init=None, precisions_init=None
        )
        model.weights_ = conditional_weights(
            values, self.weights_, conditional, self.covariance_type
        )[0]
        model.means_ = conditional_means(values, self.means_, other, conditional)[0]
        model.covariances_ = conditional.covariances
        model.precisions_cholesky_ = compute_precision_cholesky(
            model.covariances_, self.covariance_type
        )
        model.precisions_ = precisions_from_cholesky(
            model.precisions_cholesky_, self.covariance_type
        )
        model.n_features_in_ = len(other)
        if hasattr(self, "feature_names_in_"):
            model.feature_names_in_ = self.feature_names_in_[other]
        for name in ("converged_", "n_iter_", "lower_bound_", "lower_bounds_"):
            setattr(model, name, getattr(self, name))
        model._start_sample_stream()
        return model

    def _n_parameters(self):
        """Number of free parameters of the model."""
        return n_mixture_parameters(
            self.n_components, self.means_.shape[1], self.covariance_type
        )
