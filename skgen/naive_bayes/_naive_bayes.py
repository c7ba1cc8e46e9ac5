"""scikit-learn's five naive Bayes models, able to generate and to score rows."""

from abc import abstractmethod
from typing import NamedTuple

import numpy as np
from scipy.special import logsumexp
from sklearn import naive_bayes
from sklearn.base import clone
from sklearn.utils import assert_all_finite, check_array
from sklearn.utils.extmath import safe_sparse_dot
from sklearn.utils.validation import (
    _check_sample_weight,
    check_consistent_length,
    check_non_negative,
    column_or_1d,
)

from skgen.distributions import _bernoulli, _categorical, _multinomial
from skgen.naive_bayes._base import (
    GenerativeNBMixin,
    ImputingNBMixin,
    _n_classes,
    check_every_feature_observed,
    check_observed_rows,
    holds_nan,
    missing_mask,
)
from skgen.utils._mapreduce import lazy_alternative, row_wise
from skgen.utils._sklearn_compat import check_is_fitted, validate_data

# -- GaussianNB's fit as sums over row blocks ---------------------------------


def _checked_targets(X, y, sample_weight):
    """``y`` and ``sample_weight`` checked against rows ``X`` in memory, as
    scikit-learn's fit checks them."""
    y = column_or_1d(y, warn=True)
    check_consistent_length(X, y)
    if sample_weight is not None:
        sample_weight = _check_sample_weight(sample_weight, X)
    return y, sample_weight


class _GaussianMoments(NamedTuple):
    """Per class and over all rows: (weighted) counts, means, centred squares.

    Counts are per feature: a missing entry (NaN) is left out of its
    feature's sums only, so each feature's moments are those of the rows that
    observe it.
    """

    rows: np.ndarray  # (n_classes,) weighted number of rows
    count: np.ndarray  # (n_classes, n_features) weighted observed entries
    mean: np.ndarray  # (n_classes, n_features)
    m2: np.ndarray  # (n_classes, n_features) sum of squared deviations
    n_rows: np.ndarray  # (n_features,) unweighted observed entries, for epsilon_
    mean_all: np.ndarray  # (n_features,) unweighted, for epsilon_
    m2_all: np.ndarray


def _observed_moments(X, weights):
    """Weighted count, mean and centred squares of each column of ``X``,
    leaving out its NaN entries; ``weights`` of shape (n_rows,)."""
    observed = ~np.isnan(X)
    w = observed * weights[:, np.newaxis]
    values = np.where(observed, X, 0.0)
    count = w.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, (w * values).sum(axis=0) / count, 0.0)
    m2 = (w * (values - mean) ** 2).sum(axis=0)
    return count, mean, m2


def _gaussian_block_moments(X, y, sample_weight, classes):
    """The :class:`_GaussianMoments` of one row block (NaN entries left out)."""
    X = np.asarray(X, dtype=np.float64)
    assert_all_finite(X, input_name="X", allow_nan=True)
    n_classes, n_features = len(classes), X.shape[1]
    rows = np.zeros(n_classes)
    count = np.zeros((n_classes, n_features))
    mean = np.zeros((n_classes, n_features))
    m2 = np.zeros((n_classes, n_features))
    index = np.searchsorted(classes, np.asarray(y))
    weights = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    for k in range(n_classes):  # a loop over classes, not rows
        in_k = index == k
        if not in_k.any():
            continue
        rows[k] = weights[in_k].sum()
        count[k], mean[k], m2[k] = _observed_moments(X[in_k], weights[in_k])
    n_rows, mean_all, m2_all = _observed_moments(X, np.ones(X.shape[0]))
    return _GaussianMoments(rows, count, mean, m2, n_rows, mean_all, m2_all)


def _chan(n_a, mean_a, m2_a, n_b, mean_b, m2_b):
    """Count, mean and centred squares of two sets together (Chan et al.):
    no ``E[x^2] - E[x]^2`` cancellation. Counts broadcast against means
    (one per class, or one per class and feature)."""
    n = n_a + n_b
    share_b = np.divide(n_b, n, out=np.zeros(np.shape(n)), where=n > 0)
    cross = n_a * share_b  # n_a n_b / n
    extra = (1,) * (np.ndim(mean_a) - np.ndim(n))
    share_b, cross = (
        np.reshape(share_b, np.shape(n) + extra),
        np.reshape(cross, np.shape(n) + extra),
    )
    delta = mean_b - mean_a
    return n, mean_a + delta * share_b, m2_a + m2_b + delta**2 * cross


def _merge_moments(parts):
    """The :class:`_GaussianMoments` of consecutive blocks, merged in order."""
    rows, count, mean, m2, n_rows, mean_all, m2_all = parts[0]
    for p in parts[1:]:
        rows = rows + p.rows
        count, mean, m2 = _chan(count, mean, m2, p.count, p.mean, p.m2)
        n_rows, mean_all, m2_all = _chan(
            n_rows, mean_all, m2_all, p.n_rows, p.mean_all, p.m2_all
        )
    return _GaussianMoments(rows, count, mean, m2, n_rows, mean_all, m2_all)


# -- the discrete models' fit as counts over row blocks --------------------------


def _discrete_block_counts(X, y, sample_weight, template, classes):
    """A fresh model's ``partial_fit`` on one block: its counts."""
    model = clone(template)
    return model.partial_fit(X, y, classes=classes, sample_weight=sample_weight)


def _add_counts(models):
    """The first model, with every model's counts added to it, in list order."""
    total, *rest = models
    for model in rest:
        total.class_count_ = total.class_count_ + model.class_count_
        if hasattr(total, "category_count_"):
            total.category_count_ = [
                _padded_sum(a, b)
                for a, b in zip(total.category_count_, model.category_count_)
            ]
            total.n_categories_ = np.maximum(total.n_categories_, model.n_categories_)
        else:
            total.feature_count_ = total.feature_count_ + model.feature_count_
            if hasattr(total, "observed_count_"):
                total.observed_count_ = total.observed_count_ + model.observed_count_
            if hasattr(total, "feature_all_"):  # ComplementNB
                total.feature_all_ = total.feature_count_.sum(axis=0)
    return total


def _padded_sum(a, b):
    """``a + b`` for count tables of possibly different numbers of categories."""
    width = max(a.shape[1], b.shape[1])
    out = np.zeros((a.shape[0], width))
    out[:, : a.shape[1]] += a
    out[:, : b.shape[1]] += b
    return out


class GaussianNB(ImputingNBMixin, GenerativeNBMixin, naive_bayes.GaussianNB):
    """Gaussian naive Bayes that can also generate rows.

    :class:`sklearn.naive_bayes.GaussianNB` itself (same parameters, fitted
    attributes, ``partial_fit``, ``sample_weight`` and predictions) plus
    :meth:`score_samples` (``log p(x)``, summed over the classes) and
    :meth:`sample`: a row of class ``y`` has independent normal features of
    mean ``theta_[y]`` and variance ``var_[y]``.

    Missing entries (NaN) are integrated out: a missing feature's term is
    left out of the class log-likelihood in every prediction and in
    :meth:`score_samples`, and :meth:`fit` / :meth:`partial_fit` estimate
    each feature's mean and variance in a class from the class's rows that
    observe it (``observed_count_``). :meth:`impute` fills missing entries in.
    A row with no observed entry, and inf, are errors.

    Parameters
    ----------
    priors : array-like of shape (n_classes,), default=None
        Prior probabilities of the classes; None estimates them from the data.
    var_smoothing : float, default=1e-9
        Portion of the largest feature variance added to every variance.
    random_state : int, RandomState instance or None, default=None
        Seeds the stream :meth:`sample` draws from (fitting is deterministic).

    Attributes
    ----------
    class_count_ : ndarray of shape (n_classes,)
        Weighted number of training rows per class.
    class_prior_ : ndarray of shape (n_classes,)
        Probability of each class.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    epsilon_ : float
        Absolute additive value to variances.
    theta_ : ndarray of shape (n_classes, n_features)
        Mean of each feature per class.
    var_ : ndarray of shape (n_classes, n_features)
        Variance of each feature per class.
    observed_count_ : ndarray of shape (n_classes, n_features)
        Weighted number of training rows per class that observe each feature
        (``class_count_`` in every column when nothing was missing).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    skgen.classification.GenerativeClassifier : Any density model per class.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.naive_bayes import GaussianNB
    >>> X = np.array([[-1.0, -1.0], [-2.0, -1.0], [1.0, 1.0], [2.0, 1.0]])
    >>> model = GaussianNB(random_state=0).fit(X, [1, 1, 2, 2])
    >>> model.predict([[-0.8, -1.0]])
    array([1])
    >>> X_new, y_new = model.sample(3, y=2)
    >>> X_new.shape, y_new.tolist()
    ((3, 2), [2, 2, 2])
    >>> model.predict_proba([[np.nan, 1.0]]).round(3)  # feature 0 missing
    array([[0., 1.]])
    >>> model.impute([[np.nan, -1.0]])
    array([[-1.5, -1. ]])
    """

    _parameter_constraints: dict = {
        **naive_bayes.GaussianNB._parameter_constraints,
        "random_state": ["random_state"],
    }

    def __init__(self, *, priors=None, var_smoothing=1e-9, random_state=None):
        super().__init__(priors=priors, var_smoothing=var_smoothing)
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # missing features are left out
        return tags

    @lazy_alternative("_fit_by_blocks")
    def fit(self, X, y, sample_weight=None):
        """Fit the model; NaN entries are missing values, left out.

        Without NaN this is scikit-learn's fit (the same numbers). A feature's
        mean and variance in a class are those of the class's rows that
        observe it (the maximum-likelihood estimate when values are missing
        at random); ``class_count_`` and the prior count every row. A dask
        array ``X`` is fitted where its row blocks live (see
        :ref:`scaling`).

        Parameters
        ----------
        X : array-like or dask array of shape (n_samples, n_features)
            Training rows, NaN where an entry is missing (each row needs an
            observed entry, each class an observed entry of each feature).
        y : array-like or dask array of shape (n_samples,)
            Their classes.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows (a row of weight ``w`` counts ``w`` times).

        Returns
        -------
        self : object
            The fitted model.
        """
        if holds_nan(X):
            y, sample_weight = _checked_targets(X, y, sample_weight)
            return self._fit_by_blocks(X, y, sample_weight)
        super().fit(X, y, sample_weight=sample_weight)
        self.observed_count_ = self._observed_counts()
        return self

    @lazy_alternative("_partial_fit_by_blocks")
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Update the model with one batch; NaN entries are left out.

        Batches give exactly the fit on all rows, missing entries included
        (each feature's running moments count the rows that observe it).

        Parameters
        ----------
        X : array-like or dask array of shape (n_samples, n_features)
            One batch of rows, NaN where an entry is missing.
        y : array-like or dask array of shape (n_samples,)
            Their classes.
        classes : array-like of shape (n_classes,), default=None
            Every class that may appear; required on the first call.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows.

        Returns
        -------
        self : object
            The updated model.
        """
        if holds_nan(X) or self._has_missing_counts():
            y, sample_weight = _checked_targets(X, y, sample_weight)
            return self._partial_fit_by_blocks(X, y, classes, sample_weight)
        super().partial_fit(X, y, classes=classes, sample_weight=sample_weight)
        self.observed_count_ = self._observed_counts(complete=True)
        return self

    def _has_missing_counts(self):
        """Whether past batches had missing entries (then scikit-learn's
        update, one count per class, would be wrong)."""
        observed = getattr(self, "observed_count_", None)
        return observed is not None and not np.array_equal(
            observed, np.broadcast_to(self.class_count_[:, np.newaxis], observed.shape)
        )

    def _validate_block_rows(self, X, reset):
        X = validate_data(
            self, X, dtype=None, reset=reset, ensure_all_finite="allow-nan"
        )
        return check_observed_rows(X)

    def _check_block(self, X):
        """Row checks of one block of a dask ``X`` (on a worker)."""
        return check_observed_rows(
            check_array(X, dtype=None, ensure_all_finite="allow-nan")
        )

    def _check_X(self, X):
        """Rows to predict: NaN allowed, inf and rows with no entry refused."""
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan")
        return check_observed_rows(X)

    def _joint_log_likelihood(self, X):
        """``log p(y) + sum_j log N(x_j | theta_yj, var_yj)`` over the
        observed features of each row (a missing one integrates to 1)."""
        if not np.isnan(X).any():
            return super()._joint_log_likelihood(X)
        observed = ~np.isnan(X)
        values = np.where(observed, X, 0.0)
        jll = np.empty((X.shape[0], len(self.classes_)))
        with np.errstate(divide="ignore"):
            log_prior = np.log(self.class_prior_)
        for k in range(len(self.classes_)):
            terms = np.log(2.0 * np.pi * self.var_[k]) + (
                (values - self.theta_[k]) ** 2 / self.var_[k]
            )
            jll[:, k] = log_prior[k] - 0.5 * np.where(observed, terms, 0.0).sum(axis=1)
        return jll

    def _conditional_fill(self, posterior):
        return posterior @ self.theta_

    def _class_log_prior(self):
        with np.errstate(divide="ignore"):
            return np.log(self.class_prior_)

    def _sample_features(self, class_indices, random_state):
        noise = random_state.standard_normal((class_indices.size, self.theta_.shape[1]))
        return self.theta_[class_indices] + np.sqrt(self.var_[class_indices]) * noise

    def _n_parameters(self):
        prior = 0 if self.priors is not None else len(self.classes_) - 1
        return prior + 2 * self.theta_.size

    def _n_feature_parameters(self):
        return 2 * self.theta_.size

    def _block_statistics(self):
        return _gaussian_block_moments, ()

    def _combine_block_statistics(self, parts):
        return _merge_moments(parts)

    def _finish_block_statistics(self, total, classes, first_call, dtype):
        """As scikit-learn's ``partial_fit``: ``epsilon_`` is the batch's, and
        the variances lose the new ``epsilon_`` before the merge and gain it
        after. Each feature's moments count the rows that observe it."""
        rows, count, mean, m2, n_rows, _, m2_all = total
        with np.errstate(invalid="ignore", divide="ignore"):
            epsilon = self.var_smoothing * np.max(
                np.where(n_rows > 0, m2_all / n_rows, 0.0)
            )
        if not first_call:
            past = self._observed_counts().astype(np.float64)
            past_m2 = (self.var_ - epsilon) * past
            count, mean, m2 = _chan(past, self.theta_, past_m2, count, mean, m2)
            rows = self.class_count_.astype(np.float64) + rows
        check_every_feature_observed(rows, count, classes)
        # A class with no row yet keeps its variance (as scikit-learn's
        # partial_fit: minus the new epsilon_ now, plus it below).
        unseen = 0.0 if first_call else self.var_ - epsilon
        with np.errstate(invalid="ignore", divide="ignore"):
            var = np.where(count > 0, m2 / count, unseen)
        self.class_prior_ = np.asarray(self._checked_priors(rows, dtype), dtype=dtype)
        self.classes_ = classes
        self.epsilon_ = dtype(epsilon)
        self.theta_ = mean.astype(dtype)
        self.var_ = (var + epsilon).astype(dtype)
        self.class_count_ = rows.astype(dtype)
        self.observed_count_ = count

    def _observed_counts(self, complete=False):
        """Weighted number of training rows of each class that observe each
        feature, shape (n_classes, n_features): ``class_count_`` in every
        column after a fit on complete rows (scikit-learn's)."""
        observed = getattr(self, "observed_count_", None)
        if complete or observed is None:
            n_features = self.theta_.shape[1]
            return np.repeat(
                self.class_count_[:, np.newaxis].astype(np.float64), n_features, 1
            )
        return observed

    def _checked_priors(self, count, dtype):
        """The class prior: the given ``priors`` (scikit-learn's checks and
        messages), else the class frequencies."""
        if self.priors is None:
            return count / count.sum()
        priors = np.asarray(self.priors, dtype=dtype)
        if priors.shape[0] != len(count):
            raise ValueError("Number of priors must match number of classes.")
        if not np.isclose(priors.sum(), 1.0):
            raise ValueError("The sum of the priors should be 1.")
        if np.any(priors < 0):
            raise ValueError("Priors must be non-negative.")
        return priors


class _DiscreteNBMixin(GenerativeNBMixin):
    """What the three discrete models share: their fit is counts."""

    def _class_log_prior(self):
        return self.class_log_prior_

    def _block_statistics(self):
        return _discrete_block_counts, (clone(self),)

    def _combine_block_statistics(self, parts):
        return _add_counts(parts)

    def _finish_block_statistics(self, total, classes, first_call, dtype):
        if first_call:
            for name, value in vars(total).items():
                if name.endswith("_") and not name.startswith("_"):
                    if name not in ("n_features_in_", "feature_names_in_"):
                        setattr(self, name, value)
        else:
            _add_counts([self, total])  # n_categories_: the most of either
        # What scikit-learn's fit does after counting.
        self._update_feature_log_prob(self._check_alpha())
        self._update_class_log_prior(class_prior=self.class_prior)

    def _n_parameters(self):
        fitted_prior = self.fit_prior and self.class_prior is None
        prior = len(self.classes_) - 1 if fitted_prior else 0
        return prior + self._n_feature_parameters()


class _MissingCountsMixin:
    """Feature counts that leave out missing entries (NaN), for the Bernoulli
    and multinomial models.

    ``observed_count_[y, j]`` is the weighted number of rows of class ``y``
    that observe feature ``j`` (``class_count_`` in every column when nothing
    is missing); ``feature_count_`` sums the observed entries only. A
    subclass's ``_update_feature_log_prob`` reads both, and its
    ``_missing_correction(filled, missing)`` is what to add to the joint
    log-likelihood of ``filled`` (missing entries at 0) to leave the
    ``missing`` entries out.
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # missing features are left out
        return tags

    def _check_X(self, X):
        X = validate_data(
            self, X, accept_sparse="csr", reset=False, ensure_all_finite="allow-nan"
        )
        return self._binarized(check_observed_rows(X))

    def _check_X_y(self, X, y, reset=True):
        X, y = validate_data(
            self, X, y, accept_sparse="csr", reset=reset, ensure_all_finite="allow-nan"
        )
        return self._binarized(check_observed_rows(X)), y

    def _binarized(self, X):
        return X

    def _init_counters(self, n_classes, n_features):
        super()._init_counters(n_classes, n_features)
        self.observed_count_ = np.zeros((n_classes, n_features), dtype=np.float64)

    def _count(self, X, Y):
        filled, missing = missing_mask(X)
        super()._count(filled, Y)
        self.observed_count_ += Y.sum(axis=0)[:, np.newaxis]
        if missing is not None:
            self.observed_count_ -= safe_sparse_dot(Y.T, missing, dense_output=True)

    def _joint_log_likelihood(self, X):
        filled, missing = missing_mask(X)
        jll = super()._joint_log_likelihood(filled)
        if missing is None:
            return jll
        return jll + self._missing_correction(filled, missing)


class _MultinomialCountsMixin(_DiscreteNBMixin):
    """Density and sampler of rows of counts: a multinomial per class.

    A subclass supplies ``_multinomial_log_prob()``, the log-probabilities
    (n_classes, n_features) with which each class splits a row's total.
    Generated totals are Poisson, of the class's mean training total.
    """

    @abstractmethod
    def _multinomial_log_prob(self):
        """Log-probability of each feature in each class's multinomial."""

    @row_wise()
    def score_samples(self, X):
        """Log-mass of each row given its total, summed over the classes.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            Rows of non-negative counts.

        Returns
        -------
        log_prob : ndarray or dask array of shape (n_samples,)
            ``log p(x | n)`` for each row of total ``n``: the log of the
            multinomial mass, multinomial coefficient included; a dask array
            for dask ``X``.
        """
        return super().score_samples(X)

    def _score_samples_block(self, X):
        check_is_fitted(self)
        X, missing = missing_mask(self._check_X(X))
        check_non_negative(X, f"{type(self).__name__}.score_samples (input X)")
        joint = _multinomial.log_likelihood(X, self._multinomial_log_prob())
        if missing is not None:
            joint += self._missing_correction(X, missing)
        return logsumexp(joint + self.class_log_prior_, axis=1)

    def _missing_correction(self, filled, missing):
        """``-n_o log sum_{j observed} p_yj``: the multinomial of a row's
        observed counts given their total ``n_o``, its probabilities
        renormalised over the observed features."""
        rows = np.flatnonzero(np.asarray(missing.sum(axis=1)).ravel())
        observed = 1.0 - (
            missing[rows].toarray() if hasattr(missing, "toarray") else missing[rows]
        )
        totals = np.asarray(filled[rows].sum(axis=1), dtype=np.float64).reshape(-1, 1)
        correction = np.zeros((missing.shape[0], len(self.classes_)))
        probs = np.exp(self._multinomial_log_prob())
        correction[rows] = -totals * np.log(observed @ probs.T)
        return correction

    def _sample_features(self, class_indices, random_state):
        # Poisson totals of the class's mean total: free to fit (a second pass
        # over X for the totals' distribution would cost a third of a fit).
        mean_totals = self.feature_count_.sum(axis=1) / np.maximum(
            self.class_count_, np.finfo(np.float64).tiny
        )
        totals = random_state.poisson(mean_totals[class_indices])
        probs = np.exp(self._multinomial_log_prob())[class_indices]
        return _multinomial.sample(totals, probs, random_state)

    def _n_feature_parameters(self):
        n_classes, n_features = self.feature_count_.shape
        return n_classes * (n_features - 1)


class MultinomialNB(
    _MissingCountsMixin, _MultinomialCountsMixin, naive_bayes.MultinomialNB
):
    """Multinomial naive Bayes that can also generate rows of counts.

    :class:`sklearn.naive_bayes.MultinomialNB` itself (same parameters, fitted
    attributes, ``partial_fit``, ``sample_weight``, sparse input and
    predictions) plus :meth:`score_samples` and :meth:`sample`.

    A multinomial says how a row's total is split among the features, not how
    large the total is. So :meth:`score_samples` is the multinomial log-mass
    *given the row's total* ``n``,
    ``log sum_y p(y) n! / prod_j x_j! prod_j p_yj ** x_j``, and :meth:`sample`
    draws each row's total from a Poisson distribution whose mean is the mean
    total of the class's training rows (``feature_count_.sum(axis=1) /
    class_count_``), then splits it among the features by
    ``exp(feature_log_prob_)`` (the features are then independent Poisson
    counts). Smoothing (``alpha``) gives every feature some probability.
    The two agree exactly when the classes share one mean total: otherwise the
    total says something about the class, which :meth:`score_samples` leaves
    out (it weighs the classes by ``p(y)``, as ``predict_proba`` does, not by
    ``p(y | n)``), so it scores the split of the rows' totals, not the
    totals themselves.

    Missing counts (NaN): a row's observed counts, given their total
    ``n_o``, are multinomial with the class's probabilities renormalised over
    the observed features, ``p_yj / sum_{k observed} p_yk``; predictions and
    :meth:`score_samples` use that. :meth:`fit` and :meth:`partial_fit` count
    each feature over the rows that observe it, scaled to all the class's
    rows (its mean count there, times ``class_count_``), then smooth as
    scikit-learn does (the same numbers when nothing is missing). The model
    says nothing of the totals, so nothing of a missing count: there is no
    ``impute``.

    Parameters
    ----------
    alpha : float or array-like of shape (n_features,), default=1.0
        Additive (Laplace / Lidstone) smoothing.
    force_alpha : bool, default=True
        Keep ``alpha`` as given even when it is below 1e-10.
    fit_prior : bool, default=True
        Learn the class prior; False uses a uniform prior.
    class_prior : array-like of shape (n_classes,), default=None
        Given prior probabilities of the classes.
    random_state : int, RandomState instance or None, default=None
        Seeds the stream :meth:`sample` draws from (fitting is deterministic).

    Attributes
    ----------
    class_count_ : ndarray of shape (n_classes,)
        Weighted number of training rows per class.
    class_log_prior_ : ndarray of shape (n_classes,)
        Log-probability of each class.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    feature_count_ : ndarray of shape (n_classes, n_features)
        Weighted count of each feature per class.
    feature_log_prob_ : ndarray of shape (n_classes, n_features)
        Log-probability of each feature given the class.
    observed_count_ : ndarray of shape (n_classes, n_features)
        Weighted number of training rows per class that observe each feature.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.naive_bayes import MultinomialNB
    >>> X = np.array([[5, 1, 0], [4, 2, 0], [0, 1, 6], [1, 0, 5]])
    >>> model = MultinomialNB(random_state=0).fit(X, ["a", "a", "b", "b"])
    >>> X_new, y_new = model.sample(1000, y="b", random_state=0)
    >>> float(X_new.sum(axis=1).mean().round(0)), str(y_new[0])  # b's mean total
    (6.0, 'b')
    """

    _parameter_constraints: dict = {
        **naive_bayes.MultinomialNB._parameter_constraints,
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        alpha=1.0,
        force_alpha=True,
        fit_prior=True,
        class_prior=None,
        random_state=None,
    ):
        super().__init__(
            alpha=alpha,
            force_alpha=force_alpha,
            fit_prior=fit_prior,
            class_prior=class_prior,
        )
        self.random_state = random_state

    def _multinomial_log_prob(self):
        return self.feature_log_prob_

    def _update_feature_log_prob(self, alpha):
        """scikit-learn's smoothed frequencies, of each feature's counts scaled
        up to every row of the class when some rows miss it (its mean count
        over the rows that observe it, times ``class_count_``)."""
        check_every_feature_observed(
            self.class_count_, self.observed_count_, self.classes_
        )
        complete = self.observed_count_ == self.class_count_[:, np.newaxis]
        with np.errstate(invalid="ignore", divide="ignore"):
            scaled = self.feature_count_ * (
                self.class_count_[:, np.newaxis] / self.observed_count_
            )
        smoothed_fc = np.where(complete, self.feature_count_, scaled) + alpha
        smoothed_cc = smoothed_fc.sum(axis=1)
        self.feature_log_prob_ = np.log(smoothed_fc) - np.log(
            smoothed_cc.reshape(-1, 1)
        )


class ComplementNB(_MultinomialCountsMixin, naive_bayes.ComplementNB):
    """Complement naive Bayes that can also generate rows of counts.

    :class:`sklearn.naive_bayes.ComplementNB` itself (same parameters, fitted
    attributes, ``partial_fit``, ``sample_weight``, sparse input and
    predictions: the same decision rule, the same numbers) plus
    :meth:`score_samples` and :meth:`sample`.

    Complement naive Bayes classifies with weights learnt from the counts of
    the *other* classes (``feature_log_prob_``, Rennie et al., 2003), which
    are not a distribution of the rows of a class: its ``predict_proba`` is a
    softmax of those scores, and its ``predict_joint_log_proba`` is the
    scores, not ``log p(x, y)``. So skgen defines the density by the counts the
    model has already fitted: class ``y`` is the multinomial of its *own*
    smoothed frequencies,
    ``p_yj = (feature_count_[y, j] + alpha_j) / sum_k (feature_count_[y, k]
    + alpha_k)`` (``multinomial_log_prob_``), the class prior is
    ``exp(class_log_prior_)``: the model :class:`MultinomialNB` fits with the
    same ``alpha``, ``fit_prior`` and ``class_prior``. :meth:`score_samples`
    is that model's log-mass given the row's total and :meth:`sample` draws
    from it, the totals as :class:`MultinomialNB` draws them (Poisson, of the
    class's mean training total). ``norm`` changes the decision rule only.
    Missing entries (NaN) are refused: the complement weights are no
    likelihood to leave a feature out of (:class:`MultinomialNB` takes them).

    Parameters
    ----------
    alpha : float or array-like of shape (n_features,), default=1.0
        Additive (Laplace / Lidstone) smoothing, of the complement counts and
        of the class counts alike.
    force_alpha : bool, default=True
        Keep ``alpha`` as given even when it is below 1e-10.
    fit_prior : bool, default=True
        Learn the class prior; False uses a uniform prior. scikit-learn's
        decision rule uses the prior only when there is one class; the
        density always does.
    class_prior : array-like of shape (n_classes,), default=None
        Given prior probabilities of the classes.
    norm : bool, default=False
        Normalise the complement weights (the second normalisation of
        Rennie et al.); the density does not depend on it.
    random_state : int, RandomState instance or None, default=None
        Seeds the stream :meth:`sample` draws from (fitting is deterministic).

    Attributes
    ----------
    class_count_ : ndarray of shape (n_classes,)
        Weighted number of training rows per class.
    class_log_prior_ : ndarray of shape (n_classes,)
        Log-probability of each class.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    feature_all_ : ndarray of shape (n_features,)
        Weighted count of each feature over all classes.
    feature_count_ : ndarray of shape (n_classes, n_features)
        Weighted count of each feature per class.
    feature_log_prob_ : ndarray of shape (n_classes, n_features)
        scikit-learn's complement weights, which ``predict`` uses (not a
        distribution).
    multinomial_log_prob_ : ndarray of shape (n_classes, n_features)
        Log-probability of each feature in the multinomial of each class: the
        density of :meth:`score_samples` and :meth:`sample` (equal to
        :class:`MultinomialNB`'s ``feature_log_prob_`` on the same counts).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    MultinomialNB : The same density, with the multinomial decision rule.

    References
    ----------
    Rennie, J. D., Shih, L., Teevan, J., and Karger, D. R. (2003). Tackling
    the poor assumptions of naive Bayes text classifiers. ICML, 616-623.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.naive_bayes import ComplementNB
    >>> X = np.array([[5, 1, 0], [4, 2, 0], [0, 1, 6], [1, 0, 5]])
    >>> model = ComplementNB(random_state=0).fit(X, ["a", "a", "b", "b"])
    >>> model.predict([[3, 1, 0]]).tolist()
    ['a']
    >>> np.exp(model.multinomial_log_prob_).round(3)  # a: (9+1, 3+1, 0+1) / 15
    array([[0.667, 0.267, 0.067],
           [0.125, 0.125, 0.75 ]])
    >>> X_new, y_new = model.sample(1000, y="a", random_state=0)
    >>> (X_new.sum(axis=0) / X_new.sum()).round(1)
    array([0.7, 0.3, 0.1])
    """

    _parameter_constraints: dict = {
        **naive_bayes.ComplementNB._parameter_constraints,
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        alpha=1.0,
        force_alpha=True,
        fit_prior=True,
        class_prior=None,
        norm=False,
        random_state=None,
    ):
        super().__init__(
            alpha=alpha,
            force_alpha=force_alpha,
            fit_prior=fit_prior,
            class_prior=class_prior,
            norm=norm,
        )
        self.random_state = random_state

    @row_wise(n_columns=_n_classes)
    def predict_joint_log_proba(self, X):
        """scikit-learn's class scores of each row: not ``log p(x, y)``.

        Complement naive Bayes scores a class by the complement weights
        (``X @ feature_log_prob_.T``, plus the log prior when there is one
        class); ``predict`` takes their largest and ``predict_proba`` their
        softmax. The joint of the density :meth:`score_samples` scores is
        ``class_log_prior_ + log p(x | n, y)`` under ``multinomial_log_prob_``.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            Rows of counts.

        Returns
        -------
        scores : ndarray or dask array of shape (n_samples, n_classes)
            Columns in the order of ``classes_``; a dask array for dask ``X``.
        """
        return super().predict_joint_log_proba(X)

    def _update_feature_log_prob(self, alpha):
        """scikit-learn's complement weights, and the multinomial of each
        class's own counts (:class:`MultinomialNB`'s formula)."""
        super()._update_feature_log_prob(alpha)
        smoothed_fc = self.feature_count_ + alpha
        smoothed_cc = smoothed_fc.sum(axis=1)
        self.multinomial_log_prob_ = np.log(smoothed_fc) - np.log(
            smoothed_cc.reshape(-1, 1)
        )

    def _multinomial_log_prob(self):
        return self.multinomial_log_prob_


class BernoulliNB(
    ImputingNBMixin, _MissingCountsMixin, _DiscreteNBMixin, naive_bayes.BernoulliNB
):
    """Bernoulli naive Bayes that can also generate binary rows.

    :class:`sklearn.naive_bayes.BernoulliNB` itself (same parameters, fitted
    attributes, ``partial_fit``, ``sample_weight``, sparse input and
    predictions) plus :meth:`score_samples` (the log-mass of the binarised
    row, summed over the classes) and :meth:`sample`: features are independent
    Bernoulli draws of probability ``exp(feature_log_prob_)``, so generated
    rows are 0/1 (the binarised space, whatever ``binarize``).

    Missing entries (NaN) are left out: of the class log-likelihood in
    predictions and :meth:`score_samples`, and of the counts in :meth:`fit`
    (each feature's frequency in a class is over the class's rows that
    observe it, ``observed_count_``). :meth:`impute` fills them in the
    binarised space: the conditional probability of a 1, or a 0/1 draw.

    Parameters
    ----------
    alpha : float or array-like of shape (n_features,), default=1.0
        Additive (Laplace / Lidstone) smoothing.
    force_alpha : bool, default=True
        Keep ``alpha`` as given even when it is below 1e-10.
    binarize : float or None, default=0.0
        Threshold above which a feature counts as 1; None if ``X`` is binary.
    fit_prior : bool, default=True
        Learn the class prior; False uses a uniform prior.
    class_prior : array-like of shape (n_classes,), default=None
        Given prior probabilities of the classes.
    random_state : int, RandomState instance or None, default=None
        Seeds the stream :meth:`sample` draws from (fitting is deterministic).

    Attributes
    ----------
    class_count_ : ndarray of shape (n_classes,)
        Weighted number of training rows per class.
    class_log_prior_ : ndarray of shape (n_classes,)
        Log-probability of each class.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    feature_count_ : ndarray of shape (n_classes, n_features)
        Weighted number of rows with each feature on, per class.
    feature_log_prob_ : ndarray of shape (n_classes, n_features)
        Log-probability that each feature is on, given the class.
    observed_count_ : ndarray of shape (n_classes, n_features)
        Weighted number of training rows per class that observe each feature.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.naive_bayes import BernoulliNB
    >>> X = np.array([[1, 1, 0], [1, 0, 0], [0, 1, 1], [0, 0, 1]])
    >>> model = BernoulliNB(random_state=0).fit(X, [0, 0, 1, 1])
    >>> X_new, y_new = model.sample(4, random_state=0)
    >>> sorted(set(X_new.ravel().tolist()))
    [0.0, 1.0]
    """

    _parameter_constraints: dict = {
        **naive_bayes.BernoulliNB._parameter_constraints,
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        alpha=1.0,
        force_alpha=True,
        binarize=0.0,
        fit_prior=True,
        class_prior=None,
        random_state=None,
    ):
        super().__init__(
            alpha=alpha,
            force_alpha=force_alpha,
            binarize=binarize,
            fit_prior=fit_prior,
            class_prior=class_prior,
        )
        self.random_state = random_state

    def _binarized(self, X):
        """``X`` thresholded at ``binarize``; NaN entries stay NaN."""
        if self.binarize is None:
            return X
        if hasattr(X, "toarray"):
            X = X.copy()
            X.data = np.where(
                np.isnan(X.data), np.nan, (X.data > self.binarize).astype(X.dtype)
            )
            X.eliminate_zeros()
            return X
        return np.where(np.isnan(X), np.nan, (X > self.binarize).astype(X.dtype))

    def _update_feature_log_prob(self, alpha):
        """scikit-learn's smoothed frequencies, each over the rows of the class
        that observe the feature."""
        smoothed_fc = self.feature_count_ + alpha
        smoothed_cc = self.observed_count_ + alpha * 2
        self.feature_log_prob_ = np.log(smoothed_fc) - np.log(smoothed_cc)

    def _conditional_fill(self, posterior):
        return posterior @ np.exp(self.feature_log_prob_)

    def _missing_correction(self, filled, missing):
        """A missing entry, read as 0, scored ``log(1 - p_yj)``: taken out."""
        off = np.log(1 - np.exp(self.feature_log_prob_))
        return -np.asarray(safe_sparse_dot(missing, off.T, dense_output=True))

    def _sample_features(self, class_indices, random_state):
        on = np.exp(self.feature_log_prob_)[class_indices]
        return _bernoulli.sample(on, random_state)

    def _n_feature_parameters(self):
        return self.feature_log_prob_.size


class CategoricalNB(ImputingNBMixin, _DiscreteNBMixin, naive_bayes.CategoricalNB):
    """Categorical naive Bayes that can also generate rows of categories.

    :class:`sklearn.naive_bayes.CategoricalNB` itself (same parameters, fitted
    attributes, ``partial_fit``, ``sample_weight`` and predictions) plus
    :meth:`score_samples` and :meth:`sample`: each feature's category is drawn
    from ``exp(feature_log_prob_[j])`` of the row's class. A category past
    ``n_categories_`` at prediction is a ``ValueError`` that names the feature
    (scikit-learn raises an ``IndexError``), and so is a non-integral category
    such as 1.5 anywhere ``X`` is read (scikit-learn truncates it to 1).
    A :meth:`partial_fit` batch may bring new categories: ``category_count_``
    and ``feature_log_prob_`` grow as scikit-learn's do, and ``n_categories_``
    is the number of categories counted so far, as :meth:`fit` on all the
    batches gives (scikit-learn's is the last batch's).

    Missing entries (NaN) are left out of the class log-likelihood and of
    the counts (each feature's frequencies are over the rows that observe
    it: the maximum-likelihood estimate when values are missing at random).
    :meth:`impute` fills each with its most probable category given the
    observed entries, or a draw.

    Parameters
    ----------
    alpha : float, default=1.0
        Additive (Laplace / Lidstone) smoothing.
    force_alpha : bool, default=True
        Keep ``alpha`` as given even when it is below 1e-10.
    fit_prior : bool, default=True
        Learn the class prior; False uses a uniform prior.
    class_prior : array-like of shape (n_classes,), default=None
        Given prior probabilities of the classes.
    min_categories : int or array-like of shape (n_features,), default=None
        Least number of categories per feature.
    random_state : int, RandomState instance or None, default=None
        Seeds the stream :meth:`sample` draws from (fitting is deterministic).

    Attributes
    ----------
    category_count_ : list of arrays of shape (n_classes, n_categories_[j])
        Weighted count of each category of each feature, per class.
    class_count_ : ndarray of shape (n_classes,)
        Weighted number of training rows per class.
    class_log_prior_ : ndarray of shape (n_classes,)
        Log-probability of each class.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    feature_log_prob_ : list of arrays of shape (n_classes, n_categories_[j])
        Log-probability of each category of each feature, given the class.
    n_categories_ : ndarray of shape (n_features,)
        Number of categories of each feature (counted so far, after
        :meth:`partial_fit`).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.naive_bayes import CategoricalNB
    >>> X = np.array([[0, 2], [0, 1], [1, 0], [2, 0]])
    >>> model = CategoricalNB(random_state=0).fit(X, [0, 0, 1, 1])
    >>> X_new, y_new = model.sample(3, y=[0, 1, 1], random_state=0)
    >>> X_new.shape, y_new.tolist()
    ((3, 2), [0, 1, 1])
    """

    # scikit-learn's estimator checks that cannot pass, with the reason; read
    # by tests/test_common.py (scikit-learn 1.9 has no tag for them).
    _expected_failed_checks = dict.fromkeys(
        [
            "check_classifiers_one_label_sample_weights",
            "check_sample_weight_equivalence_on_dense_data",
        ],
        "the check fits on uniform floats in [0, 1) without rounding them to "
        "categories as its categorical tag asks elsewhere; scikit-learn's "
        "CategoricalNB truncates them all to category 0, skgen's refuses "
        "non-integral categories",
    )

    _parameter_constraints: dict = {
        **naive_bayes.CategoricalNB._parameter_constraints,
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        alpha=1.0,
        force_alpha=True,
        fit_prior=True,
        class_prior=None,
        min_categories=None,
        random_state=None,
    ):
        super().__init__(
            alpha=alpha,
            force_alpha=force_alpha,
            fit_prior=fit_prior,
            class_prior=class_prior,
            min_categories=min_categories,
        )
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # missing features are left out
        return tags

    def _check_X(self, X):
        if holds_nan(X):
            X = self._categories_with_missing(X, reset=False)
        else:
            X = _integer_categories(super()._check_X, X)
        if X.size and np.any(X.max(axis=0) >= self.n_categories_):
            feature = int(np.argmax(X.max(axis=0) >= self.n_categories_))
            raise ValueError(
                f"Feature {feature} of X holds category {X[:, feature].max()}, "
                f"but the model knows {self.n_categories_[feature]} categories "
                f"(0 to {self.n_categories_[feature] - 1})."
            )
        return X

    def _check_X_y(self, X, y, reset=True):
        if holds_nan(X):
            return self._categories_with_missing(X, y, reset=reset)
        return _integer_categories(super()._check_X_y, X, y, reset=reset)

    def _categories_with_missing(self, X, y=None, *, reset):
        """Integer categories, -1 where ``X`` has NaN (a missing entry)."""
        checked = validate_data(
            self,
            X,
            *(() if y is None else (y,)),
            dtype=np.float64,
            ensure_all_finite="allow-nan",
            reset=reset,
        )
        X = check_observed_rows(checked if y is None else checked[0])
        observed = ~np.isnan(X)
        values = np.where(observed, X, 0.0)
        check_non_negative(values, "CategoricalNB (input X)")
        fractional = values != np.trunc(values)
        if fractional.any():
            row, feature = np.unravel_index(np.argmax(fractional), values.shape)
            raise ValueError(
                "CategoricalNB expects integer category codes; feature "
                f"{feature} of X has non-integral values such as "
                f"{float(values[row, feature])!r}."
            )
        codes = np.where(observed, values, -1).astype(np.int64)
        return codes if y is None else (codes, checked[1])

    def _count(self, X, Y):
        """scikit-learn's counts, which grow by the categories a later batch
        brings; ``n_categories_`` is the number of categories counted so far
        (scikit-learn's is the last batch's, fewer than its own counts when
        an earlier batch had more categories). A missing entry (-1) is not
        counted: each feature's frequencies are over the rows observing it."""
        if (X < 0).any():
            self._count_observed(X, Y)
        else:
            super()._count(X, Y)
        self.n_categories_ = np.array(
            [count.shape[1] for count in self.category_count_],
            dtype=self.n_categories_.dtype,
        )

    def _count_observed(self, X, Y):
        """scikit-learn's ``_count`` over the observed entries (not -1)."""
        self.class_count_ += Y.sum(axis=0)
        n_categories = self._validate_n_categories(X, self.min_categories)
        for j in range(self.n_features_in_):
            counts = self.category_count_[j]
            grow = n_categories[j] - counts.shape[1]
            if grow > 0:
                counts = np.pad(counts, [(0, 0), (0, grow)], "constant")
            rows = X[:, j] >= 0
            for k in range(counts.shape[0]):
                counts[k] += np.bincount(
                    X[rows, j], weights=Y[rows, k], minlength=counts.shape[1]
                )
            self.category_count_[j] = counts
        self.n_categories_ = n_categories

    def _conditional_fill(self, posterior):
        """The most probable category of each feature given the posterior."""
        return np.column_stack(
            [
                np.argmax(posterior @ np.exp(log_prob), axis=1)
                for log_prob in self.feature_log_prob_
            ]
        ).astype(np.float64)

    def _joint_log_likelihood(self, X):
        """``log p(y) + sum_j log p(x_j | y)`` over the observed entries."""
        if not (X < 0).any():
            return super()._joint_log_likelihood(X)
        jll = np.zeros((X.shape[0], len(self.classes_)))
        for j in range(self.n_features_in_):
            rows = X[:, j] >= 0
            jll[rows] += self.feature_log_prob_[j][:, X[rows, j]].T
        return jll + self.class_log_prior_

    def _sample_features(self, class_indices, random_state):
        # Each class's probabilities of every feature, padded with zeros to
        # the most categories: (n_classes, n_features, max_categories).
        width = max(log_prob.shape[1] for log_prob in self.feature_log_prob_)
        probs = np.zeros((len(self.classes_), len(self.feature_log_prob_), width))
        for j, log_prob in enumerate(self.feature_log_prob_):
            probs[:, j, : log_prob.shape[1]] = np.exp(log_prob)
        return _categorical.sample(probs[class_indices], random_state)

    def _n_feature_parameters(self):
        n_classes = len(self.classes_)
        return int(sum(n_classes * (k - 1) for k in self.n_categories_))


def _integer_categories(check, X, *args, **kwargs):
    """``check(X, ...)``, with clear errors for values that are not integers.

    ``check`` casts ``X`` to int, which reads 1.5 as category 1 without a word
    (scikit-learn's own behaviour), so non-integral values are refused here.
    """
    try:
        checked = check(X, *args, **kwargs)
    except ValueError as error:
        if "invalid literal" not in str(error):
            raise
        raise ValueError(
            "CategoricalNB takes integer-coded categories: could not convert "
            f"a string in X to an integer ({error})."
        ) from error
    # After ``check``: X is now known to be dense, 2-D, finite and castable.
    values = np.asarray(X)
    if values.dtype.kind not in "biu":
        values = values.astype(np.float64)
        fractional = values != np.trunc(values)
        if fractional.any():
            row, feature = np.unravel_index(np.argmax(fractional), values.shape)
            raise ValueError(
                "CategoricalNB expects integer category codes; feature "
                f"{feature} of X has non-integral values such as "
                f"{float(values[row, feature])!r}."
            )
    return checked
