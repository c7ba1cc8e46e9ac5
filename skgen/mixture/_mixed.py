"""Mixtures of products of per-column distributions: latent class analysis."""

from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
from scipy.special import logsumexp

from skgen.distributions import _bernoulli, _categorical, _gaussian_kernels, _poisson
from skgen.distributions._gaussian import (
    estimate_weighted_log_prob,
    precisions_from_cholesky,
)
from skgen.mixture._base import BaseMixture
from skgen.mixture._conditioning import split_columns
from skgen.mixture._gaussian_mixture import (
    _blend,
    _EStepSums,
    _finish_e_step,
    _gaussian_parameters,
    _statistics_from_resp,
)
from skgen.mixture._mixed_conditioning import condition_mixed
from skgen.utils._chunking import n_chunks_for
from skgen.utils._mapreduce import map_reduce, sample_in_blocks
from skgen.utils._sklearn_compat import Interval, StrOptions, check_is_fitted
from skgen.utils._threads import threads_for

#: The kinds of column a component can emit, in the order of the blocks.
KINDS = ("gaussian", "categorical", "bernoulli", "poisson")

# What a fit learns, forgotten by the next fit unless it is a warm start.
_FITTED = (
    "weights_",
    "means_",
    "covariances_",
    "precisions_cholesky_",
    "precisions_",
    "categorical_probs_",
    "bernoulli_probs_",
    "poisson_rates_",
    "column_types_",
    "n_categories_",
    *(f"{kind}_columns_" for kind in KINDS),
)


class _Blocks(NamedTuple):
    """Positions of the columns of each kind, in ``X``."""

    gaussian: np.ndarray
    categorical: np.ndarray
    bernoulli: np.ndarray
    poisson: np.ndarray


class _Parameters(NamedTuple):
    """What one row block's E-step needs (sent once to each Dask worker)."""

    blocks: _Blocks
    weights: np.ndarray
    means: np.ndarray
    precisions_cholesky: np.ndarray
    covariance_type: str
    categorical_probs: np.ndarray
    bernoulli_probs: np.ndarray
    poisson_rates: np.ndarray


class _Sums(NamedTuple):
    """Sums over the rows of one block, weighted by the responsibilities
    ``r_ik`` (times the row weights); Gaussian moments around the means."""

    log_likelihood: float
    resp: np.ndarray  # (K,)
    first_moments: np.ndarray  # (K, d_gaussian)
    second_moments: np.ndarray  # (K, d, d) 'full', else (K, d)
    categorical: np.ndarray  # (K, d_categorical, n_symbols) counts
    bernoulli: np.ndarray  # (K, d_bernoulli) sums of x
    poisson: np.ndarray  # (K, d_poisson) sums of x
    total_weight: float


class _Statistics(NamedTuple):
    """Sufficient statistics per unit of weight (what the M-step reads)."""

    weights: np.ndarray  # (K,) mean responsibility
    gaussian: tuple  # GaussianMixture's statistics of the Gaussian block
    categorical: np.ndarray  # (K, d_categorical, n_symbols)
    bernoulli: np.ndarray  # (K, d_bernoulli)
    poisson: np.ndarray  # (K, d_poisson)
    total_weight: float  # rows (or their weights) the averages are over


def _component_log_prob(X, params):
    """``log w_k + log p(x_i | k)`` of every row: the blocks' sum."""
    blocks = params.blocks
    log_prob = np.zeros((X.shape[0], len(params.weights)))
    if blocks.gaussian.size:
        log_prob += estimate_weighted_log_prob(
            np.ascontiguousarray(X[:, blocks.gaussian]),
            params.weights,
            params.means,
            params.precisions_cholesky,
            params.covariance_type,
        )
    else:
        with np.errstate(divide="ignore"):
            log_prob += np.log(params.weights)
    if blocks.categorical.size:
        symbols = np.ascontiguousarray(X[:, blocks.categorical]).astype(np.intp)
        log_prob += _categorical.log_likelihood(symbols, params.categorical_probs)
    if blocks.bernoulli.size:
        log_prob += _bernoulli.log_likelihood(
            X[:, blocks.bernoulli], params.bernoulli_probs
        )
    if blocks.poisson.size:
        log_prob += _poisson.log_likelihood(X[:, blocks.poisson], params.poisson_rates)
    return log_prob


def _discrete_sums(X, resp, blocks, n_symbols):
    """Weighted counts of the categorical, Bernoulli and Poisson columns."""
    n_components = resp.shape[1]
    categorical = np.zeros((n_components, 0, n_symbols))
    if blocks.categorical.size:
        symbols = np.ascontiguousarray(X[:, blocks.categorical]).astype(np.intp)
        categorical = _categorical.expected_counts(symbols, resp, n_symbols)
    bernoulli = _bernoulli.expected_sums(X[:, blocks.bernoulli], resp)[1]
    poisson = _poisson.expected_sums(X[:, blocks.poisson], resp)[1]
    return categorical, bernoulli, poisson


def _sums_of_resp(X, resp, params, log_likelihood, total_weight):
    """:class:`_Sums` of rows under given (weighted) responsibilities."""
    blocks, n_components = params.blocks, resp.shape[1]
    n_samples = X.shape[0]
    first = second = np.zeros((n_components, 0))
    if blocks.gaussian.size:
        X_gaussian = np.ascontiguousarray(X[:, blocks.gaussian])
        d = X_gaussian.shape[1]
        full = params.covariance_type == "full"
        with threads_for(n_samples * n_components * d**2):
            parts = _gaussian_kernels.weighted_moments(
                X_gaussian,
                np.ascontiguousarray(resp),
                params.means.astype(X_gaussian.dtype),
                full,
                n_chunks_for(n_samples, n_components * d**2),
            )
        _, first, second = (part.sum(axis=0) for part in parts)
        second = second if full else second[..., 0]
    n_symbols = params.categorical_probs.shape[2]
    return _Sums(
        log_likelihood,
        resp.sum(axis=0),
        first,
        second,
        *_discrete_sums(X, resp, blocks, n_symbols),
        total_weight,
    )


def _e_step_sums(X, sample_weight, params):
    """The E-step of one block of rows: its :class:`_Sums`."""
    log_prob = _component_log_prob(X, params)
    log_norm = logsumexp(log_prob, axis=1)
    if np.any(np.isneginf(log_norm)):
        row = int(np.argmax(np.isneginf(log_norm)))
        raise ValueError(
            f"Row {row} (of its block of rows of X) has zero probability under "
            "every component: a category, count or binary value no component "
            "emits. Give alpha > 0."
        )
    resp = np.exp(log_prob - log_norm[:, np.newaxis])
    if sample_weight is None:
        return _sums_of_resp(X, resp, params, float(log_norm.sum()), X.shape[0])
    resp *= sample_weight[:, np.newaxis]
    log_likelihood = float(sample_weight @ log_norm)
    return _sums_of_resp(X, resp, params, log_likelihood, sample_weight.sum())


class MixedTypeMixture(BaseMixture):
    """Mixture of products of per-column distributions, fitted by EM.

    Each component emits a row as independent blocks of columns: the
    continuous columns from one Gaussian (full, diagonal or spherical
    covariance), and every other column from its own distribution given the
    component -- categorical (integer codes ``0, 1, ...``), Bernoulli (0/1) or
    Poisson (counts). This is latent class analysis (poLCA, stepmix) extended
    to mixed columns; with ``n_components=1`` and ``covariance_type='diag'``
    per class inside a :class:`~skgen.classification.GenerativeClassifier`,
    it is the naive Bayes of mixed columns. The emission maths is the HMMs' own
    (:mod:`skgen.distributions`), on the same Numba kernels; the EM loop,
    ``partial_fit`` (stepwise online EM), ``sample_weight``, Dask input and
    the predictions are :class:`~skgen.mixture.GaussianMixture`'s.

    Read more in the :ref:`User Guide <mixed_mixture>`.

    Parameters
    ----------
    n_components : int, default=1
        Number of mixture components (latent classes).

    column_types : 'auto', dict or array-like of str, default='auto'
        The distribution of each column: 'gaussian', 'categorical',
        'bernoulli' or 'poisson'. A list gives one per column; a dict maps
        columns (positions, or names for a DataFrame) to types, the others
        being 'auto'. 'auto' reads the training data: a column of 0 and 1 is
        'bernoulli', a column of integers in ``0 .. max_categories - 1`` is
        'categorical', any other 'gaussian' (counts are 'poisson' only when
        asked for).

    covariance_type : {'full', 'diag', 'spherical'}, default='full'
        Covariance of each component's Gaussian block.

    alpha : float, default=0.0
        Additive smoothing of the categorical and Bernoulli probabilities
        (pseudo-counts per cell); 0 is the maximum-likelihood update of
        latent class analysis.

    max_categories : int, default=20
        Most distinct integer codes of a column that 'auto' calls categorical.

    tol, reg_covar, max_iter, n_init, init_params, random_state, warm_start, \
verbose, verbose_interval, learning_decay, learning_offset
        As for :class:`~skgen.mixture.GaussianMixture`. The initialisation
        ('kmeans', 'k-means++', 'random_from_data') works on the numbers
        standardised, 0/1 columns as they are and categorical codes one-hot
        encoded; 'random' draws the responsibilities (stepmix's start). The
        discrete parameters start halfway between the initial components'
        frequencies and the columns' overall ones, so that no value starts
        with probability 0. A warm start keeps the fitted column types and
        categories: ``X`` must fit them.

    Attributes
    ----------
    weights_ : ndarray of shape (n_components,)
        Mixing weights.
    column_types_ : ndarray of str of shape (`n_features_in_`,)
        The distribution of each column.
    gaussian_columns_, categorical_columns_, bernoulli_columns_, \
poisson_columns_ : ndarray of int
        Positions of the columns of each kind.
    means_ : ndarray of shape (n_components, n_gaussian)
        Means of the Gaussian block.
    covariances_ : ndarray
        Its covariances: (n_components, d, d) 'full', (n_components, d)
        'diag', (n_components,) 'spherical'.
    precisions_cholesky_ : ndarray
        Cholesky factors of the precisions, as in GaussianMixture.
    categorical_probs_ : ndarray of shape (n_components, n_categorical, \
max_n_categories)
        Probability of each code of each categorical column in each
        component (0 past a column's ``n_categories_``).
    n_categories_ : ndarray of int of shape (n_categorical,)
        Number of codes of each categorical column (its largest plus one).
    bernoulli_probs_ : ndarray of shape (n_components, n_bernoulli)
        Probability of a 1.
    poisson_rates_ : ndarray of shape (n_components, n_poisson)
        Poisson rates.
    converged_, n_iter_, lower_bound_, lower_bounds_, monitor_, n_steps_, \
n_features_in_, feature_names_in_
        As for :class:`~skgen.mixture.GaussianMixture`.

    See Also
    --------
    GaussianMixture : All columns Gaussian.
    skgen.hmm.CategoricalHMM : The same categorical emissions over time.

    References
    ----------
    .. [1] P. F. Lazarsfeld and N. W. Henry, "Latent structure analysis",
       1968.
    .. [2] D. A. Linzer and J. B. Lewis, "poLCA: an R package for polytomous
       variable latent class analysis", J. Stat. Softw. 42(10), 2011.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.mixture import MixedTypeMixture
    >>> rng = np.random.RandomState(0)
    >>> group = rng.randint(2, size=300)
    >>> X = np.column_stack([
    ...     rng.normal(4.0 * group, 1.0),          # continuous
    ...     (rng.uniform(size=300) < 0.2 + 0.6 * group).astype(float),  # 0/1
    ...     rng.choice(3, size=300) * (1 - group) + 2 * group,  # codes 0-2
    ... ])
    >>> model = MixedTypeMixture(2, random_state=0).fit(X)
    >>> model.column_types_.tolist()
    ['gaussian', 'bernoulli', 'categorical']
    >>> rows, labels = model.sample(4, random_state=0)
    >>> rows.shape
    (4, 3)
    """

    _parameter_constraints: dict = {
        **BaseMixture._parameter_constraints,
        "column_types": [StrOptions({"auto"}), dict, "array-like"],
        "covariance_type": [StrOptions({"full", "diag", "spherical"})],
        "alpha": [Interval(Real, 0.0, None, closed="left")],
        "max_categories": [Interval(Integral, 2, None, closed="left")],
    }

    # scikit-learn's estimator checks that cannot pass, with the reason; read
    # by tests/test_common.py.
    _expected_failed_checks = {
        "check_sample_weight_equivalence_on_dense_data": (
            "as GaussianMixture's: the initialisation draws rows at random and "
            "the check shuffles the weighted rows, so EM starts elsewhere. From "
            "one start, weighted and repeated fits agree to 1e-10 (tests/mixture)."
        ),
    }

    def __init__(
        self,
        n_components=1,
        *,
        column_types="auto",
        covariance_type="full",
        alpha=0.0,
        max_categories=20,
        tol=1e-3,
        reg_covar=1e-6,
        max_iter=100,
        n_init=1,
        init_params="kmeans",
        random_state=None,
        warm_start=False,
        verbose=0,
        verbose_interval=10,
        learning_decay=0.7,
        learning_offset=1.0,
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
        self.column_types = column_types
        self.covariance_type = covariance_type
        self.alpha = alpha
        self.max_categories = max_categories

    # -- columns -----------------------------------------------------------------

    def _check_parameters(self, X, sample_weight=None):
        """Resolve the column types (reading X for 'auto') and check codes.

        A warm start keeps the fitted types and categories; ``X`` must fit them.
        """
        warm = self.warm_start and hasattr(self, "converged_")
        if not warm:
            # A fresh fit starts from nothing of the previous one (and a dask
            # X's blocks are no longer checked against the old column types).
            for name in (*_FITTED, "_running_stats", "n_steps_"):
                self.__dict__.pop(name, None)
        summary = map_reduce(_column_summary, X, combine=_merge_column_summaries)
        if not warm:
            self._resolve_columns(summary, X.shape[1])
        low, high, integral = summary
        blocks = self._blocks()
        for kind, condition, what in (
            ("categorical", integral & (low >= 0), "integer codes 0, 1, ..."),
            ("bernoulli", integral & (low >= 0) & (high <= 1), "0 and 1"),
            ("poisson", low >= 0, "non-negative counts"),
        ):
            bad = [int(j) for j in getattr(blocks, kind) if not condition[j]]
            if bad:
                raise ValueError(
                    f"Column(s) {bad} of X are {kind} but do not hold {what}"
                    + (
                        " (the column types of the warm start's model)."
                        if warm
                        else "."
                    )
                )
        too_high = high[blocks.categorical] >= self.n_categories_
        if np.any(too_high):
            raise ValueError(
                f"Categorical column(s) {blocks.categorical[too_high].tolist()} of X "
                "hold codes the warm start's model does not have (n_categories_ = "
                f"{self.n_categories_.tolist()}); refit with warm_start=False."
            )

    def _resolve_columns(self, summary, n_features):
        low, high, _ = summary
        self.column_types_ = _resolve_types(self, summary, n_features)
        blocks = self._blocks()
        for kind, columns in zip(KINDS, blocks):
            setattr(self, f"{kind}_columns_", columns)
        highest = high[blocks.categorical]
        if highest.size and highest.max() >= 10**6:
            raise ValueError(
                f"A categorical column holds codes up to {highest.max():.6g}; encode "
                "the categories as 0, 1, ..., n - 1 first (e.g. OrdinalEncoder)."
            )
        self.n_categories_ = (highest + 1).astype(np.intp)

    def _blocks(self):
        types = self.column_types_
        return _Blocks(*(np.flatnonzero(types == kind) for kind in KINDS))

    def _validate_rows(self, X, reset):
        X = super()._validate_rows(X, reset)
        return X if reset else self._check_values(X)

    def _check_block(self, X):
        """Row checks of one block of a dask ``X`` (on a worker)."""
        X = super()._check_block(X)
        # A fit forgets the old column types before its first pass; until it
        # resolves the new ones, its own checks apply.
        return self._check_values(X) if hasattr(self, "column_types_") else X

    def _validate_test_data(self, X):
        return self._check_values(super()._validate_test_data(X))

    def _check_values(self, X):
        """The values each column's distribution can emit, or a clear error."""
        blocks = self._blocks()
        codes = X[:, blocks.categorical]
        if codes.size and (
            np.any(codes != np.round(codes))
            or np.any(codes < 0)
            or np.any(codes >= self.n_categories_)
        ):
            raise ValueError(
                "The categorical columns of X must hold the codes seen in fit: "
                f"0 to n_categories_ - 1 = {(self.n_categories_ - 1).tolist()}."
            )
        binary = X[:, blocks.bernoulli]
        if binary.size and np.any((binary != 0) & (binary != 1)):
            raise ValueError("The Bernoulli columns of X must hold 0 and 1 only.")
        if np.any(X[:, blocks.poisson] < 0):
            raise ValueError("The Poisson columns of X must be non-negative.")
        return X

    def _initialization_space(self, X):
        """Rows for k-means and the like: numbers standardised, 0/1 as they
        are and codes one-hot scaled by 1/sqrt(2), so that two rows differing
        in one binary or categorical column are 1 apart (standardising a
        rare binary column would give its 1s a weight of 1/sqrt(p(1 - p)))."""
        blocks = self._blocks()
        columns = []
        for kind in ("gaussian", "poisson"):
            part = np.asarray(X[:, getattr(blocks, kind)], dtype=np.float64)
            scale = part.std(axis=0)
            columns.append((part - part.mean(axis=0)) / np.where(scale > 0, scale, 1))
        columns.append(np.asarray(X[:, blocks.bernoulli], dtype=np.float64))
        for position, n_codes in zip(blocks.categorical, self.n_categories_):
            codes = X[:, position].astype(np.intp)
            columns.append(np.eye(n_codes)[codes] * np.sqrt(0.5))
        return np.hstack(columns)

    # -- EM hooks ----------------------------------------------------------------

    def _parameters(self):
        return _Parameters(
            self._blocks(),
            self.weights_,
            getattr(self, "means_", np.zeros((self.n_components, 0))),
            getattr(self, "precisions_cholesky_", np.zeros((self.n_components, 0))),
            self.covariance_type,
            getattr(self, "categorical_probs_", np.zeros((self.n_components, 0, 0))),
            getattr(self, "bernoulli_probs_", np.zeros((self.n_components, 0))),
            getattr(self, "poisson_rates_", np.zeros((self.n_components, 0))),
        )

    def _initialize(self, X, resp, sample_weight=None):
        """Parameters from initial responsibilities; the discrete ones halfway
        to the columns' overall frequencies (and mean counts).

        A start from one row per component, or from hard k-means clusters,
        would give a category, a 0/1 value or a count the probability 0 in a
        component, which EM can never raise again.
        """
        blocks = self._blocks()
        weight = np.ones(X.shape[0]) if sample_weight is None else sample_weight
        weighted = resp * weight[:, np.newaxis]
        total = weight.sum()
        nk = weighted.sum(axis=0) + 10 * np.finfo(np.float64).eps
        gaussian = None
        if blocks.gaussian.size:
            gaussian = _statistics_from_resp(
                X[:, blocks.gaussian], resp, self.covariance_type, sample_weight
            )
        n_symbols = self._n_symbols()
        per_component = _discrete_sums(X, weighted, blocks, n_symbols)
        overall = _discrete_sums(X, weight[:, np.newaxis], blocks, n_symbols)
        discrete = []
        for sums, sums_all in zip(per_component, overall):
            share = nk.reshape((-1,) + (1,) * (sums.ndim - 1)) / total
            discrete.append(0.5 * sums + 0.5 * share * sums_all)
        for name in ("categorical_probs_", "bernoulli_probs_", "poisson_rates_"):
            self.__dict__.pop(name, None)  # no earlier start to fall back on
        self._m_step(
            _Statistics(
                nk / total, gaussian, *(part / total for part in discrete), total
            )
        )

    def _n_symbols(self):
        return int(self.n_categories_.max()) if self.n_categories_.size else 0

    def _e_step_block(self):
        return _e_step_sums, (self._parameters(),)

    def _finish_e_step(self, sums):
        total = sums.total_weight
        gaussian = None
        if sums.first_moments.shape[1]:
            _, gaussian = _finish_e_step(
                _EStepSums(
                    sums.log_likelihood,
                    sums.resp,
                    sums.first_moments,
                    sums.second_moments,
                    total,
                ),
                self.weights_,
                self.means_,
                self.covariance_type,
            )
        stats = _Statistics(
            (sums.resp + 10 * np.finfo(np.float64).eps) / total,
            gaussian,
            sums.categorical / total,
            sums.bernoulli / total,
            sums.poisson / total,
            total,
        )
        return sums.log_likelihood / total, stats

    def _blend_statistics(self, old, new, step):
        gaussian = None
        if new.gaussian is not None:
            gaussian = _blend(old.gaussian, new.gaussian, step, self.covariance_type)

        def linear(a, b):
            return (1.0 - step) * a + step * b

        return _Statistics(
            linear(old.weights, new.weights),
            gaussian,
            linear(old.categorical, new.categorical),
            linear(old.bernoulli, new.bernoulli),
            linear(old.poisson, new.poisson),
            linear(old.total_weight, new.total_weight),
        )

    def _m_step(self, stats):
        # Counts back on the scale of the data, where the pseudo-counts weigh.
        nk = stats.weights * stats.total_weight
        self.weights_ = nk / nk.sum()
        if stats.gaussian is not None:
            (_, self.means_, self.covariances_, self.precisions_cholesky_) = (
                _gaussian_parameters(
                    stats.gaussian, self.covariance_type, self.reg_covar
                )
            )
        if stats.categorical.size:
            self.categorical_probs_ = self._categorical_update(
                stats.categorical * stats.total_weight
            )
        if stats.bernoulli.size:
            previous = getattr(self, "bernoulli_probs_", None)
            self.bernoulli_probs_ = _smoothed_ratio(
                stats.bernoulli * stats.total_weight,
                nk[:, np.newaxis],
                self.alpha,
                2.0 * self.alpha,
                previous,
            )
        if stats.poisson.size:
            previous = getattr(self, "poisson_rates_", None)
            self.poisson_rates_ = _smoothed_ratio(
                stats.poisson * stats.total_weight,
                nk[:, np.newaxis],
                0.0,
                0.0,
                previous,
            )

    def _categorical_update(self, counts):
        """Probabilities from (smoothed) counts; a component with no weight
        keeps its previous probabilities."""
        valid = np.arange(counts.shape[2]) < self.n_categories_[:, np.newaxis]
        counts = np.where(valid, counts + self.alpha, 0.0)
        totals = counts.sum(axis=2, keepdims=True)
        fresh = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
        previous = getattr(self, "categorical_probs_", None)
        if previous is None:
            return np.where(totals > 0, fresh, valid / valid.sum(axis=1, keepdims=True))
        return np.where(totals > 0, fresh, previous)

    def _estimate_weighted_log_prob(self, X):
        return _component_log_prob(X, self._parameters())

    def _get_parameters(self):
        names = ("weights_", *self._fitted_names())
        return tuple(getattr(self, name) for name in names)

    def _set_parameters(self, params):
        for name, value in zip(("weights_", *self._fitted_names()), params):
            setattr(self, name, value)
        if hasattr(self, "precisions_cholesky_"):
            self.precisions_ = precisions_from_cholesky(
                self.precisions_cholesky_, self.covariance_type
            )

    def _fitted_names(self):
        blocks = self._blocks()
        names = []
        if blocks.gaussian.size:
            names += ["means_", "covariances_", "precisions_cholesky_"]
        if blocks.categorical.size:
            names.append("categorical_probs_")
        if blocks.bernoulli.size:
            names.append("bernoulli_probs_")
        if blocks.poisson.size:
            names.append("poisson_rates_")
        return names

    def _n_parameters(self):
        k = self.n_components
        blocks = self._blocks()
        d = blocks.gaussian.size
        covariance = {"full": d * (d + 1) / 2, "diag": d, "spherical": 1}
        gaussian = k * (d + covariance[self.covariance_type]) if d else 0
        categorical = k * int(np.sum(self.n_categories_ - 1))
        others = k * (blocks.bernoulli.size + blocks.poisson.size)
        return int(k - 1 + gaussian + categorical + others)

    # -- conditioning --------------------------------------------------------------

    def condition(self, values, columns):
        """The mixture of the other columns given ``values`` of ``columns``.

        Exact: each component's weight is multiplied by the given values'
        probability under it (their categorical, Bernoulli or Poisson
        probabilities and the Gaussian block's marginal density), and the
        Gaussian block is conditioned on its given columns (Schur
        complements), as :meth:`GaussianMixture.condition
        <skgen.mixture.GaussianMixture.condition>` does.

        Parameters
        ----------
        values : array-like of shape (n_columns,)
            The given values (codes, 0/1, counts or numbers, as the columns
            hold), in the order of ``columns``.
        columns : array-like of int or str
            The given columns: indices, or names of ``feature_names_in_``.

        Returns
        -------
        conditional : MixedTypeMixture
            A fitted mixture of the other columns, in their original order.
        """
        check_is_fitted(self)
        given, _ = split_columns(self, columns)
        values = np.asarray(values, dtype=np.float64).reshape(-1)
        if values.shape[0] != len(given) or not np.all(np.isfinite(values)):
            raise ValueError(
                f"values must hold {len(given)} finite number(s), one per column "
                f"of columns; got {values.tolist()}."
            )
        row = np.zeros((1, self.n_features_in_))
        row[0, given] = values
        self._check_values(row)
        return condition_mixed(self, values, given)

    # -- sampling ----------------------------------------------------------------

    def sample(self, n_samples=1, *, random_state=None, chunks=None):
        """Draw rows from the fitted mixture.

        Parameters
        ----------
        n_samples : int, default=1
            Number of rows to draw.
        random_state : int, RandomState instance or None, default=None
            None draws from the model's own stream (advanced by every call);
            an int makes the call reproducible.
        chunks : int, default=None
            None returns ndarrays. An int returns dask arrays drawn lazily in
            blocks of at most ``chunks`` rows, as
            :meth:`GaussianMixture.sample <skgen.mixture.GaussianMixture.sample>`.

        Returns
        -------
        X : ndarray or dask array of shape (n_samples, `n_features_in_`)
            The rows, grouped by component (within each block); codes, 0/1
            and counts as floats.
        labels : ndarray or dask array of shape (n_samples,)
            The component each row was drawn from.
        """
        if chunks is not None:
            meta = ((self.n_features_in_, np.float64), np.intp)
            return sample_in_blocks(self, n_samples, chunks, random_state, meta=meta)
        rng = self._sample_stream(n_samples, random_state)
        counts = rng.multinomial(n_samples, self.weights_)
        labels = np.repeat(np.arange(self.n_components), counts)
        blocks = self._blocks()
        X = np.empty((n_samples, self.n_features_in_))
        if blocks.gaussian.size:
            X[:, blocks.gaussian] = self._sample_gaussian(labels, counts, rng)
        if blocks.categorical.size:
            X[:, blocks.categorical] = _categorical.sample(
                self.categorical_probs_[labels], rng
            )
        if blocks.bernoulli.size:
            X[:, blocks.bernoulli] = _bernoulli.sample(
                self.bernoulli_probs_[labels], rng
            )
        if blocks.poisson.size:
            X[:, blocks.poisson] = _poisson.sample(self.poisson_rates_[labels], rng)
        return X, labels

    def _sample_gaussian(self, labels, counts, rng):
        d = self.means_.shape[1]
        if self.covariance_type == "full":
            return np.vstack(
                [
                    rng.multivariate_normal(mean, covariance, int(count))
                    for mean, covariance, count in zip(
                        self.means_, self.covariances_, counts
                    )
                ]
            )
        scale = np.sqrt(self.covariances_)
        if self.covariance_type == "spherical":
            scale = np.repeat(scale[:, np.newaxis], d, axis=1)
        noise = rng.standard_normal((labels.size, d))
        return self.means_[labels] + noise * scale[labels]


def _smoothed_ratio(sums, totals, alpha, alpha_total, previous):
    """``(sums + alpha) / (totals + alpha_total)``, the previous value where
    the denominator is 0 (a component with no weight)."""
    numerator, denominator = sums + alpha, totals + alpha_total
    fresh = np.divide(
        numerator, denominator, out=np.zeros_like(numerator), where=denominator > 0
    )
    if previous is None:
        return np.where(denominator > 0, fresh, np.mean(fresh, axis=0))
    return np.where(denominator > 0, fresh, previous)


def _column_summary(X):
    """Per column: smallest and largest value, and whether all are integers."""
    if X.shape[0] == 0:
        n = X.shape[1]
        return np.full(n, np.inf), np.full(n, -np.inf), np.ones(n, dtype=bool)
    return X.min(axis=0), X.max(axis=0), np.all(X == np.round(X), axis=0)


def _merge_column_summaries(parts):
    lows, highs, integral = zip(*parts)
    return (
        np.min(lows, axis=0),
        np.max(highs, axis=0),
        np.all(integral, axis=0),
    )


def _resolve_types(model, summary, n_features):
    """The type of every column: given, or read from the data ('auto')."""
    low, high, integral = summary
    spec = model.column_types
    given = {}
    if isinstance(spec, dict):
        names = getattr(model, "feature_names_in_", None)
        for column, kind in spec.items():
            if isinstance(column, str):
                if names is None or column not in names:
                    raise ValueError(
                        f"column_types names column {column!r}, which is not a "
                        "feature name of X."
                    )
                column = int(np.flatnonzero(names == column)[0])
            if not 0 <= int(column) < n_features:
                raise ValueError(
                    f"column_types names column {column}, but X has {n_features}."
                )
            given[int(column)] = kind
    elif not isinstance(spec, str):
        spec = list(spec)
        if len(spec) != n_features:
            raise ValueError(
                f"column_types has {len(spec)} entries, but X has {n_features} columns."
            )
        given = dict(enumerate(spec))
    types = []
    for j in range(n_features):
        kind = given.get(j, "auto")
        if kind == "auto":
            if integral[j] and low[j] >= 0 and high[j] <= 1:
                kind = "bernoulli"
            elif integral[j] and low[j] >= 0 and high[j] < model.max_categories:
                kind = "categorical"
            else:
                kind = "gaussian"
        if kind not in KINDS:
            raise ValueError(
                f"Unknown column type {kind!r} for column {j}; choose from "
                f"{', '.join(KINDS)} or 'auto'."
            )
        types.append(kind)
    return np.array(types)
