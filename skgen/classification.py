"""Generative classification: any density model per class, by Bayes' rule, and
semi-supervised EM over unlabeled rows."""

import warnings
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from scipy.special import logsumexp
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, has_fit_parameter

from skgen.base import GenerativeClassifierMixin
from skgen.naive_bayes._base import _class_indices
from skgen.utils._monitor import ConvergenceMonitor
from skgen.utils._sequences import sequence_bounds
from skgen.utils._sklearn_compat import (
    Interval,
    StrOptions,
    _fit_context,
    check_is_fitted,
    validate_data,
)


def _fit_weighted(estimator, X, y, sample_weight, **fit_params):
    """``estimator.fit`` with ``sample_weight`` when there is one."""
    if sample_weight is None:
        return estimator.fit(X, y, **fit_params)
    if not has_fit_parameter(estimator, "sample_weight"):
        raise ValueError(
            f"{type(estimator).__name__}.fit does not take sample_weight, which "
            "this use needs."
        )
    return estimator.fit(X, y, sample_weight=sample_weight, **fit_params)


def _takes_sequences(estimator):
    """Whether ``estimator`` models sequences (its ``fit`` takes ``sequence_ids``)."""
    return has_fit_parameter(estimator, "sequence_ids")


def _sequence_kwargs(sequence_ids, rows=None):
    """``{"sequence_ids": ...}`` of the ``rows`` (all when None), or nothing."""
    if sequence_ids is None:
        return {}
    return {"sequence_ids": sequence_ids if rows is None else sequence_ids[rows]}


def _check_constant_within(name, values, bounds, sequence_ids):
    """``values`` (one per row) must not change inside a sequence."""
    firsts = np.repeat(values[bounds[:-1]], np.diff(bounds))
    changes = firsts != values
    if changes.any():
        which = np.unique(np.asarray(sequence_ids)[changes])[:5].tolist()
        raise ValueError(
            f"{name} must be the same for every row of a sequence (one label "
            f"per sequence), but it changes inside sequence(s) {which}."
        )


def _sequence_accuracy(predicted, y, sample_weight, sequence_ids):
    """Share of sequences whose (constant) predicted label is right."""
    y = np.asarray(y)
    bounds = sequence_bounds(len(y), sequence_ids=sequence_ids)
    _check_constant_within("y", y, bounds, sequence_ids)
    weights = None
    if sample_weight is not None:
        weights = _check_sample_weight(sample_weight, predicted)
        _check_constant_within("sample_weight", weights, bounds, sequence_ids)
        weights = weights[bounds[:-1]]
    firsts = bounds[:-1]
    return float(np.average(predicted[firsts] == y[firsts], weights=weights))


def _within_sequence_cumsum(terms, bounds):
    """Cumulative sums of the rows of ``terms`` restarted at every sequence;
    -inf terms make the rest of their sequence -inf (never NaN)."""
    lengths = np.diff(bounds)
    impossible = np.isneginf(terms)
    sums = np.cumsum(np.where(impossible, 0.0, terms), axis=0)
    counts = np.cumsum(impossible, axis=0)
    # Subtract what the earlier sequences added.
    sums -= np.repeat(
        sums[bounds[:-1]] - np.where(impossible, 0.0, terms)[bounds[:-1]],
        lengths,
        axis=0,
    )
    counts -= np.repeat(counts[bounds[:-1]] - impossible[bounds[:-1]], lengths, axis=0)
    return np.where(counts > 0, -np.inf, sums)


class GenerativeClassifier(GenerativeClassifierMixin, ClassifierMixin, BaseEstimator):
    """Classifier by Bayes' rule over one density model per class.

    Fits a clone of ``estimator`` (any model of independent rows with ``fit``
    and ``score_samples``: a skgen :class:`~skgen.mixture.GaussianMixture`, a
    :class:`~skgen.neural.VAE`, scikit-learn's
    :class:`~sklearn.neighbors.KernelDensity`, ...) to the rows of each class,
    and predicts ``p(y | x) = p(y) p(x | y) / sum_c p(c) p(x | c)``, computed
    from the log-densities with a log-sum-exp so that rows far from every
    class keep finite, correct posteriors. A row that every class gives zero
    density (outside every support, e.g. of a top-hat kernel) gets the prior.
    As a generative model it also scores rows,
    ``log p(x) = log sum_y p(y) p(x | y)``, and generates rows of a chosen
    class (if ``estimator`` can sample).

    With ``sequence_ids`` it classifies whole sequences (one label each):
    each class's model is fitted to its sequences (an HMM is given their
    ``sequence_ids``), the priors count sequences, and Bayes' rule runs on
    the sequence log-likelihoods, the sum of each model's ``score_samples``
    over the sequence's rows (an HMM's ``log p(x_t | x_<t)``, or independent
    rows' densities). Predictions stay per row, the same on every row of a
    sequence, so that scikit-learn's splitters and scorers line up with ``y``
    (per row, constant within a sequence); ``score`` with ``sequence_ids``
    counts each sequence once. ``sequence_ids`` are requested by default
    under metadata routing, so ``cross_validate`` with ``GroupKFold`` splits
    and scores whole sequences (see :ref:`sequence_classification`).

    Parameters
    ----------
    estimator : estimator object
        The density model fitted to each class; it must have ``fit`` and
        ``score_samples``, and ``sample`` for :meth:`sample`. Its parameters
        are searchable as ``estimator__<name>``.
    priors : array-like of shape (n_classes,), default=None
        Prior probabilities of the classes; None uses the (weighted) class
        frequencies of the training rows.
    random_state : int, RandomState instance or None, default=None
        Seeds the stream :meth:`sample` draws from and, when not None, the
        ``random_state`` of each class's clone of ``estimator`` (as
        scikit-learn's ensembles do), so that ``fit`` is reproducible.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    class_prior_ : ndarray of shape (n_classes,)
        Prior probability of each class.
    estimators_ : list of estimators
        The density model of each class, in the order of ``classes_``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    skgen.naive_bayes.GaussianNB : The special case of independent Gaussian
        features.
    SemiSupervisedEMClassifier : Learns from unlabeled rows too.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skgen.classification import GenerativeClassifier
    >>> from skgen.mixture import GaussianMixture
    >>> X, y = load_iris(return_X_y=True)
    >>> model = GenerativeClassifier(GaussianMixture(2, random_state=0)).fit(X, y)
    >>> round(model.score(X, y), 2)
    0.99
    >>> X_new, y_new = model.sample(3, y=1, random_state=0)
    >>> X_new.shape, y_new.tolist()
    ((3, 4), [1, 1, 1])
    """

    # scikit-learn's estimator checks that cannot pass, with the reason; read
    # by tests/test_common.py (scikit-learn 1.9 has no tag for them).
    _expected_failed_checks = {
        "check_sample_weight_equivalence_on_dense_data": (
            "the inner mixture's random start sees shuffled rows, so EM can end "
            "in another local optimum (as GaussianMixture's own check)"
        ),
    }

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "score_samples"])],
        "priors": ["array-like", None],
        "random_state": ["random_state"],
    }

    def __init__(self, estimator, *, priors=None, random_state=None):
        self.estimator = estimator
        self.priors = priors
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = self.estimator.__sklearn_tags__().input_tags
        tags.input_tags.positive_only = inner.positive_only
        tags.input_tags.categorical = inner.categorical
        return tags

    # Sequences travel with the rows (as the HMMs' do), requested by default
    # so that cross_validate / GridSearchCV pass them on under routing.
    __metadata_request__fit = {"sequence_ids": True}
    __metadata_request__predict = {"sequence_ids": True}
    __metadata_request__predict_proba = {"sequence_ids": True}
    __metadata_request__predict_log_proba = {"sequence_ids": True}
    __metadata_request__score = {"sequence_ids": True}

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, *, sequence_ids=None):
        """Fit one density model per class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows.
        y : array-like of shape (n_samples,)
            Their classes; with ``sequence_ids``, the same for every row of a
            sequence.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights, passed on to each class's ``estimator.fit`` (which
            must accept them) and used in the class frequencies; with
            ``sequence_ids``, the same for every row of a sequence (the
            sequence's weight).
        sequence_ids : array-like of shape (n_samples,), default=None
            The sequence of each row (rows of a sequence contiguous): the
            classifier then labels whole sequences. Each class's model is
            fitted to its sequences (given their ``sequence_ids`` when its
            ``fit`` takes them, as an HMM's does) and the priors count
            sequences. Required when ``estimator`` is a sequence model.

        Returns
        -------
        self : object
            The fitted classifier.
        """
        X, y = validate_data(self, X, y, dtype=None, ensure_min_samples=2)
        check_classification_targets(y)
        self.classes_, y_index = np.unique(y, return_inverse=True)
        weights = (
            None if sample_weight is None else _check_sample_weight(sample_weight, X)
        )
        first_rows = self._training_units(X, y_index, weights, sequence_ids)
        counts = np.bincount(
            y_index[first_rows],
            weights=None if weights is None else weights[first_rows],
            minlength=len(self.classes_),
        )
        self.class_prior_ = self._check_priors(counts)
        if np.any(counts <= 0):
            empty = self.classes_[counts <= 0].tolist()
            unit = "row" if sequence_ids is None else "sequence"
            raise ValueError(
                f"class(es) {empty} have no {unit} of positive sample_weight: a "
                "density cannot be fitted to them."
            )
        seeds = (
            None
            if self.random_state is None
            else check_random_state(self.random_state).randint(
                np.iinfo(np.int32).max, size=len(self.classes_)
            )
        )
        ids = None if sequence_ids is None else np.asarray(sequence_ids)
        self.estimators_ = [
            self._fit_class(X, y_index == c, weights, ids, seeds, c)
            for c in range(len(self.classes_))
        ]
        self._start_sample_stream()
        return self

    def _training_units(self, X, y_index, weights, sequence_ids):
        """The first row of each unit the priors count: every row, or the
        first row of every sequence (checked to have one label and weight)."""
        if sequence_ids is None:
            if _takes_sequences(self.estimator):
                raise ValueError(
                    f"{type(self.estimator).__name__} models sequences: pass "
                    "sequence_ids (the sequence of each row) to fit, one label "
                    "per sequence."
                )
            return np.arange(X.shape[0])
        bounds = sequence_bounds(X.shape[0], sequence_ids=sequence_ids)
        _check_constant_within("y", y_index, bounds, sequence_ids)
        if weights is not None:
            _check_constant_within("sample_weight", weights, bounds, sequence_ids)
        return bounds[:-1]

    def _check_priors(self, counts):
        """``priors``, checked, or the (weighted) class frequencies."""
        if self.priors is None:
            return counts / counts.sum()
        priors = np.asarray(self.priors, dtype=np.float64)
        if priors.shape != self.classes_.shape:
            raise ValueError(
                f"priors must have one entry per class ({len(self.classes_)}), "
                f"got shape {priors.shape}."
            )
        if np.any(priors < 0) or not np.isclose(priors.sum(), 1.0):
            raise ValueError("priors must be non-negative and sum to 1.")
        return priors

    def _fit_class(self, X, rows, weights, sequence_ids, seeds, c):
        """A clone of ``estimator`` fitted to the rows of class ``c``."""
        estimator = clone(self.estimator)
        if seeds is not None and "random_state" in estimator.get_params():
            estimator.set_params(random_state=int(seeds[c]))
        if weights is not None:
            # Zero-weight rows are absent rows; keep the others.
            rows = rows & (weights > 0)
        sequences = sequence_ids if _takes_sequences(estimator) else None
        return _fit_weighted(
            estimator,
            X[rows],
            None,
            None if weights is None else weights[rows],
            **_sequence_kwargs(sequences, rows),
        )

    def _class_log_likelihoods(self, X, sequence_ids):
        """Each class's log-likelihood terms of every row, ``(n_samples,
        n_classes)``, and the sequence bounds (None to classify rows)."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=None, reset=False)
        sequential = _takes_sequences(self.estimator)
        if sequence_ids is None and not sequential:
            bounds = None
        else:
            # Without sequence_ids a sequence model reads X as one sequence.
            bounds = sequence_bounds(X.shape[0], sequence_ids=sequence_ids)
        kwargs = _sequence_kwargs(sequence_ids if sequential else None)
        terms = np.column_stack(
            [est.score_samples(X, **kwargs) for est in self.estimators_]
        )
        return terms, bounds

    def _log_prior(self):
        with np.errstate(divide="ignore"):
            return np.log(self.class_prior_)

    def predict_joint_log_proba(self, X, *, sequence_ids=None):
        """``log p(x, y)`` for every row and class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to score.
        sequence_ids : array-like of shape (n_samples,), default=None
            The sequence of each row: every row then gets its sequence's
            ``log p(y) + log p(sequence | y)``. Without it, rows are scored
            one by one, except by a sequence model, which reads ``X`` as one
            sequence.

        Returns
        -------
        joint : ndarray of shape (n_samples, n_classes)
            ``log p(y) + log p(x | y)``, classes in the order of ``classes_``.
        """
        terms, bounds = self._class_log_likelihoods(X, sequence_ids)
        if bounds is not None:
            # A sequence's log-likelihood is the sum of its rows' terms.
            per_sequence = np.add.reduceat(terms, bounds[:-1], axis=0)
            terms = np.repeat(per_sequence, np.diff(bounds), axis=0)
        return terms + self._log_prior()

    def predict_log_proba(self, X, *, sequence_ids=None):
        """Log of the posterior class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to classify.
        sequence_ids : array-like of shape (n_samples,), default=None
            The sequence of each row (see :meth:`predict_joint_log_proba`).

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            ``log p(y | x)`` (of the row's sequence, with ``sequence_ids``).
        """
        joint = self._joint_or_prior(X, sequence_ids)
        return joint - logsumexp(joint, axis=1, keepdims=True)

    def _joint_or_prior(self, X, sequence_ids=None):
        """The joint, with the log prior for rows no class can explain."""
        joint = self.predict_joint_log_proba(X, sequence_ids=sequence_ids)
        impossible = np.all(np.isneginf(joint), axis=1)
        if impossible.any():
            joint[impossible] = self._log_prior()
        return joint

    def predict_proba(self, X, *, sequence_ids=None):
        """Posterior class probabilities by Bayes' rule.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to classify.
        sequence_ids : array-like of shape (n_samples,), default=None
            The sequence of each row (see :meth:`predict_joint_log_proba`).

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            ``p(y | x)`` (of the row's sequence, with ``sequence_ids``).
        """
        return np.exp(self.predict_log_proba(X, sequence_ids=sequence_ids))

    def predict(self, X, *, sequence_ids=None):
        """Most probable class of each row (of its sequence).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to classify.
        sequence_ids : array-like of shape (n_samples,), default=None
            The sequence of each row (see :meth:`predict_joint_log_proba`):
            every row of a sequence gets the sequence's class.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Predicted classes.
        """
        joint = self._joint_or_prior(X, sequence_ids)
        return self.classes_[joint.argmax(axis=1)]

    def score(self, X, y, sample_weight=None, *, sequence_ids=None):
        """Accuracy; with ``sequence_ids``, the share of sequences right.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Test rows.
        y : array-like of shape (n_samples,)
            Their true classes (the same for every row of a sequence).
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows (with ``sequence_ids``: of the sequences, the
            same for each of their rows).
        sequence_ids : array-like of shape (n_samples,), default=None
            The sequence of each row: each sequence counts once, whatever its
            length (the accuracy over rows would weigh it by its length).

        Returns
        -------
        score : float
            Mean accuracy of :meth:`predict`, over rows or over sequences.
        """
        if sequence_ids is None:
            return super().score(X, y, sample_weight=sample_weight)
        predicted = self.predict(X, sequence_ids=sequence_ids)
        return _sequence_accuracy(predicted, y, sample_weight, sequence_ids)

    def score_samples(self, X, *, sequence_ids=None):
        """Log-density of each row, summed over the classes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to score.
        sequence_ids : array-like of shape (n_samples,), default=None
            The sequence of each row (see :meth:`predict_joint_log_proba`).

        Returns
        -------
        log_prob : ndarray of shape (n_samples,)
            ``log p(x) = log sum_y p(y) p(x | y)``. For sequences, as an HMM's
            ``score_samples``: ``log p(x_t | x_<t)`` within its sequence, the
            class summed out over the whole prefix, so that a sequence's
            entries sum to ``log sum_y p(y) p(sequence | y)``.
        """
        terms, bounds = self._class_log_likelihoods(X, sequence_ids)
        if bounds is None:
            return logsumexp(terms + self._log_prior(), axis=1)
        prefix = logsumexp(
            _within_sequence_cumsum(terms, bounds) + self._log_prior(), axis=1
        )
        previous = np.concatenate([[0.0], prefix[:-1]])
        previous[bounds[:-1]] = 0.0
        with np.errstate(invalid="ignore"):
            return np.where(np.isneginf(previous), -np.inf, prefix - previous)

    def sample(self, n_samples=1, *, y=None, random_state=None):
        """Generate rows: of classes drawn from the prior, or of given classes.

        Parameters
        ----------
        n_samples : int, default=1
            Number of rows.
        y : label or array-like of shape (n_samples,), default=None
            None draws each row's class from ``class_prior_``; a label gives
            every row that class; an array gives each row's class.
        random_state : int, RandomState instance or None, default=None
            None draws from the model's own stream (advanced by every call);
            an int makes the call reproducible.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            The generated rows.
        y : ndarray of shape (n_samples,)
            Their classes.
        """
        rng = self._sample_stream(n_samples, random_state)
        with np.errstate(divide="ignore"):
            log_prior = np.log(self.class_prior_)
        index = _class_indices(self.classes_, y, n_samples, rng, log_prior)
        X = None
        for c in np.unique(index):
            rows = np.flatnonzero(index == c)
            drawn = self.estimators_[c].sample(rows.size, random_state=rng)
            drawn = drawn[0] if isinstance(drawn, tuple) else drawn
            if X is None:
                X = np.empty((n_samples, drawn.shape[1]), dtype=drawn.dtype)
            X[rows] = drawn
        return X, self.classes_[index]

    def _n_parameters(self):
        if not hasattr(self.estimators_[0], "_n_parameters"):
            raise TypeError(
                f"bic and aic need the number of parameters of each class's "
                f"{type(self.estimator).__name__}, which it does not give."
            )
        prior = len(self.classes_) - 1 if self.priors is None else 0
        return prior + sum(est._n_parameters() for est in self.estimators_)


class SemiSupervisedEMClassifier(
    GenerativeClassifierMixin, MetaEstimatorMixin, ClassifierMixin, BaseEstimator
):
    """Semi-supervised EM: a generative classifier that learns from unlabeled rows.

    Rows labelled ``-1`` are unlabeled (scikit-learn's convention, as in
    :class:`sklearn.semi_supervised.SelfTrainingClassifier`). The classifier is
    first fitted to the labeled rows; then each iteration's E-step gives the
    class posteriors of the unlabeled rows, and its M-step refits the
    classifier on every row: the labeled rows with weight 1, each unlabeled
    row once per class with weight ``unlabeled_weight * p(class | row)``
    (EM-lambda, Nigam et al., 2000). For a generative classifier this is EM on
    the likelihood of all rows, the unlabeled rows down-weighted by
    ``unlabeled_weight``.

    Parameters
    ----------
    estimator : estimator object
        A classifier with ``predict_proba`` whose ``fit`` takes
        ``sample_weight``: a skgen naive Bayes model, a
        :class:`GenerativeClassifier` over a density that takes weights, ...
    unlabeled_weight : float or 'auto', default='auto'
        Weight of an unlabeled row against a labeled one (lambda of EM-lambda;
        0 ignores the unlabeled rows). 'auto' chooses it among
        ``AUTO_WEIGHTS`` (0, 0.01, 0.03, 0.1, 0.3, 1) by cross-validated
        accuracy on the labeled rows (stratified folds, three times
        reshuffled; the held-out labeled rows join the unlabeled ones),
        keeping 0 unless a positive weight is better by at least one labeled
        row's worth, so that unlabeled rows that do not clearly help are not
        used; with fewer than three labeled rows in some class, 0.
    max_iter : int, default=10
        Maximum number of EM iterations.
    tol : float, default=1e-4
        EM stops when no posterior of an unlabeled row moves by more than
        ``tol``.
    verbose : bool, default=False
        Print the largest posterior change at every iteration.

    Attributes
    ----------
    estimator_ : estimator object
        The classifier after the last M-step.
    unlabeled_weight_ : float
        The weight used: ``unlabeled_weight``, or the one 'auto' chose.
    weight_scores_ : dict
        With 'auto': each candidate weight's cross-validated accuracy (the
        mean over folds), and under the key ``'log_loss'`` their mean
        held-out log-loss.
    classes_ : ndarray of shape (n_classes,)
        Class labels (without -1).
    transduction_ : ndarray of shape (n_samples,)
        The labels of the training rows: given, or predicted for unlabeled rows.
    n_iter_ : int
        Number of fits of the classifier: the first on the labeled rows, then
        one per EM iteration.
    converged_ : bool
        Whether EM stopped by ``tol`` (True when there is no unlabeled row).
    monitor_ : :class:`~skgen.utils.ConvergenceMonitor`
        EM's convergence: ``history`` holds the largest change of an
        unlabeled row's posterior at each iteration; ``converged`` once it is
        below ``tol``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    References
    ----------
    K. Nigam, A. McCallum, S. Thrun and T. Mitchell, "Text classification from
    labeled and unlabeled documents using EM", Machine Learning 39, 2000.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.classification import SemiSupervisedEMClassifier
    >>> from skgen.naive_bayes import GaussianNB
    >>> rng = np.random.RandomState(0)
    >>> X = np.concatenate([rng.normal(0, 1, (100, 2)), rng.normal(3, 1, (100, 2))])
    >>> y = np.repeat([0, 1], 100)
    >>> y_partial = np.full(200, -1)
    >>> y_partial[[0, 1, 2, 150, 151, 152]] = [0, 0, 0, 1, 1, 1]
    >>> model = SemiSupervisedEMClassifier(GaussianNB(), max_iter=50)
    >>> model = model.fit(X, y_partial)
    >>> model.unlabeled_weight_  # chosen by cross-validation on the 6 labels
    0.1
    >>> float(model.score(X, y)) > 0.9
    True
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict_proba"])],
        "unlabeled_weight": [
            Interval(Real, 0.0, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "tol": [Interval(Real, 0.0, None, closed="left")],
        "verbose": ["verbose"],
    }

    # scikit-learn's estimator checks that cannot pass, with the reason; read
    # by tests/test_common.py (scikit-learn 1.9 has no tag for them).
    _expected_failed_checks = {
        "check_classifiers_classes": (
            "the check names a class -1, the label of unlabeled rows (scikit-learn "
            "exempts its own semi-supervised estimators from it by name)"
        ),
    }

    def __init__(
        self,
        estimator,
        *,
        unlabeled_weight="auto",
        max_iter=10,
        tol=1e-4,
        verbose=False,
    ):
        self.estimator = estimator
        self.unlabeled_weight = unlabeled_weight
        self.max_iter = max_iter
        self.tol = tol
        self.verbose = verbose

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = self.estimator.__sklearn_tags__().input_tags
        tags.input_tags.positive_only = inner.positive_only
        tags.input_tags.categorical = inner.categorical
        tags.input_tags.sparse = inner.sparse
        return tags

    __metadata_request__fit = {"sequence_ids": True}
    __metadata_request__predict = {"sequence_ids": True}
    __metadata_request__predict_proba = {"sequence_ids": True}
    __metadata_request__score = {"sequence_ids": True}

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, *, sequence_ids=None):
        """Fit on labeled rows, then EM over the unlabeled ones.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            All rows, labeled and unlabeled.
        y : array-like of shape (n_samples,)
            Classes of the labeled rows, -1 for unlabeled rows (``"-1"`` for
            string labels).
        sequence_ids : array-like of shape (n_samples,), default=None
            The sequence of each row (rows of a sequence contiguous), for an
            ``estimator`` that labels sequences (a :class:`GenerativeClassifier`
            over HMMs): ``y`` is then the same for every row of a sequence
            (-1 for every row of an unlabeled one), EM weighs whole unlabeled
            sequences by their class posteriors, and 'auto' folds labeled
            sequences.

        Returns
        -------
        self : object
            The fitted classifier.
        """
        X, y = validate_data(
            self, X, y, accept_sparse=["csr", "csc"], dtype=None, ensure_min_samples=2
        )
        # -1 marks the unlabeled rows ("-1" among string labels, which pandas
        # hands over as objects).
        if y.dtype.kind in "OUS":
            unlabeled = np.array([label in (-1, "-1") for label in y.tolist()])
        else:
            unlabeled = y == -1
        labeled = ~unlabeled
        if not labeled.any():
            raise ValueError("y has no labeled row (every label is -1).")
        check_classification_targets(y[labeled])
        ids = self._check_sequences(X, y, sequence_ids)
        self.unlabeled_weight_, self.weight_scores_ = self._weight(X, y, labeled, ids)
        if self.verbose and self.unlabeled_weight == "auto":
            print(
                f"  unlabeled_weight chosen by cross-validation: "
                f"{self.unlabeled_weight_:g}"
            )
        self.estimator_, posteriors, self.monitor_, self.n_iter_ = _em(
            self.estimator,
            X,
            y,
            labeled,
            self.unlabeled_weight_,
            self.max_iter,
            self.tol,
            self.verbose,
            ids,
        )
        self.classes_ = self.estimator_.classes_
        self.converged_ = self.monitor_.converged
        if not self.converged_ and self.max_iter > 0:
            self.monitor_.warn(
                "Semi-supervised EM", "max_iter", "Increase max_iter or raise tol."
            )
        self.transduction_ = y.copy()
        if posteriors is not None:
            self.transduction_[~labeled] = self.classes_[posteriors.argmax(axis=1)]
        return self

    def _check_sequences(self, X, y, sequence_ids):
        """``sequence_ids`` as an array (None without), checked: one label
        per sequence, and an estimator that takes them."""
        if sequence_ids is None:
            return None
        if not _takes_sequences(self.estimator):
            raise ValueError(
                f"sequence_ids need an estimator whose fit takes them (a "
                f"GenerativeClassifier); {type(self.estimator).__name__}.fit "
                "does not."
            )
        ids = np.asarray(sequence_ids)
        bounds = sequence_bounds(X.shape[0], sequence_ids=ids)
        _check_constant_within("y (a class, or -1 for unlabeled)", y, bounds, ids)
        return ids

    def _weight(self, X, y, labeled, sequence_ids=None):
        """The unlabeled rows' weight and, for 'auto', the candidates' scores."""
        if self.unlabeled_weight != "auto":
            return float(self.unlabeled_weight), {}
        if labeled.all():
            return 0.0, {}
        return choose_unlabeled_weight(
            self.estimator, X, y, labeled, self.max_iter, self.tol, sequence_ids
        )

    def predict(self, X, *, sequence_ids=None):
        """Classes predicted by the fitted classifier.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to classify.
        sequence_ids : array-like of shape (n_samples,), default=None
            The sequence of each row, passed on to the classifier.

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        return self.estimator_.predict(
            self._check_test_data(X), **_sequence_kwargs(sequence_ids)
        )

    def predict_proba(self, X, *, sequence_ids=None):
        """Posterior class probabilities of the fitted classifier.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to classify.
        sequence_ids : array-like of shape (n_samples,), default=None
            The sequence of each row, passed on to the classifier.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self)
        return self.estimator_.predict_proba(
            self._check_test_data(X), **_sequence_kwargs(sequence_ids)
        )

    def score(self, X, y, sample_weight=None, *, sequence_ids=None):
        """Accuracy; with ``sequence_ids``, the share of sequences right.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Test rows.
        y : array-like of shape (n_samples,)
            Their true classes (the same for every row of a sequence).
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows (with ``sequence_ids``: of the sequences).
        sequence_ids : array-like of shape (n_samples,), default=None
            The sequence of each row: each sequence counts once.

        Returns
        -------
        score : float
        """
        if sequence_ids is None:
            return super().score(X, y, sample_weight=sample_weight)
        predicted = self.predict(X, sequence_ids=sequence_ids)
        return _sequence_accuracy(predicted, y, sample_weight, sequence_ids)

    def score_samples(self, X, *, sequence_ids=None):
        """``log p(x)`` under the fitted generative classifier.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to score.
        sequence_ids : array-like of shape (n_samples,), default=None
            The sequence of each row, passed on to the classifier.

        Returns
        -------
        log_prob : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        return self.estimator_.score_samples(
            self._check_test_data(X), **_sequence_kwargs(sequence_ids)
        )

    def sample(self, n_samples=1, *, y=None, random_state=None):
        """Generate rows from the fitted generative classifier.

        Parameters
        ----------
        n_samples : int, default=1
            Number of rows.
        y : label or array-like of shape (n_samples,), default=None
            Classes of the rows (see the estimator's ``sample``); None draws
            them from its prior.
        random_state : int, RandomState instance or None, default=None
            None draws from the estimator's own stream; an int makes the call
            reproducible.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
        y : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        return self.estimator_.sample(n_samples, y=y, random_state=random_state)

    def _n_parameters(self):
        return self.estimator_._n_parameters()

    def _check_test_data(self, X):
        return validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=None, reset=False
        )


def _stack(*blocks):
    if sparse.issparse(blocks[0]):
        return sparse.vstack(blocks, format="csr")
    return np.concatenate(blocks)


#: The weights ``unlabeled_weight='auto'`` chooses among.
AUTO_WEIGHTS = (0.0, 0.01, 0.03, 0.1, 0.3, 1.0)


def _copied_sequence_ids(sequence_ids, labeled, n_copies):
    """Sequence ids of the labeled rows then ``n_copies`` copies of the
    unlabeled ones, each copy of a sequence a sequence of its own."""
    bounds = sequence_bounds(len(sequence_ids), sequence_ids=sequence_ids)
    n_sequences = len(bounds) - 1
    runs = np.repeat(np.arange(n_sequences), np.diff(bounds))
    return np.concatenate(
        [runs[labeled]]
        + [runs[~labeled] + (c + 1) * n_sequences for c in range(n_copies)]
    )


def _em(
    estimator, X, y, labeled, weight, max_iter, tol, verbose=False, sequence_ids=None
):
    """EM-lambda from the classifier fitted on the labeled rows.

    With ``sequence_ids``, the classifier labels whole sequences: each copy
    of an unlabeled sequence is a sequence, weighted by the posterior of its
    class given the whole sequence.

    Returns the fitted classifier, the unlabeled rows' last posteriors (None
    without unlabeled rows or with ``weight`` 0), the monitor and the number
    of fits.
    """
    fitted = clone(estimator).fit(
        X[labeled], y[labeled], **_sequence_kwargs(sequence_ids, labeled)
    )
    monitor = ConvergenceMonitor(
        tol,
        max_iter,
        verbose,
        criterion="value",
        objective="the largest change of a posterior",
    )
    X_unlabeled = X[~labeled]
    if X_unlabeled.shape[0] == 0 or weight == 0:
        # Nothing to iterate over: the supervised fit is the answer.
        monitor.converged = True
        return fitted, None, monitor, 1
    classes = fitted.classes_
    # Each unlabeled row once per class, weighted by its posterior.
    X_all = _stack(X[labeled], *(X_unlabeled for _ in range(len(classes))))
    y_all = np.concatenate([y[labeled], np.repeat(classes, X_unlabeled.shape[0])])
    ids_all = (
        None
        if sequence_ids is None
        else _copied_sequence_ids(sequence_ids, labeled, len(classes))
    )
    unlabeled_kwargs = _sequence_kwargs(sequence_ids, ~labeled)
    posteriors = fitted.predict_proba(X_unlabeled, **unlabeled_kwargs)
    n_fits = 1
    for n_iter in range(1, max_iter + 1):
        weights = np.concatenate(
            [np.ones(labeled.sum()), weight * posteriors.T.ravel()]
        )
        keep = weights > 0
        fitted = _fit_weighted(
            clone(estimator),
            X_all[keep],
            y_all[keep],
            weights[keep],
            **_sequence_kwargs(ids_all, keep),
        )
        previous = posteriors
        posteriors = fitted.predict_proba(X_unlabeled, **unlabeled_kwargs)
        change = float(np.max(np.abs(posteriors - previous)))
        n_fits = n_iter + 1
        if verbose:
            print(f"  EM iteration {n_iter:>3}  largest posterior change {change:.3g}")
        if monitor.report(change):
            break
    return fitted, posteriors, monitor, n_fits


def choose_unlabeled_weight(estimator, X, y, labeled, max_iter, tol, sequence_ids=None):
    """EM-lambda's weight by cross-validated accuracy on the labeled rows.

    Stratified folds of the labeled rows (of the labeled sequences, with
    ``sequence_ids``), three times reshuffled; in each, EM runs with the
    other labeled rows and every unlabeled row (the held-out labeled rows
    among them, unlabeled), and is scored on the held-out rows. A positive
    weight is kept only if its accuracy beats 0's by at least one labeled row
    in ``n_labeled``: smaller gains are within the folds' noise, and a wrong
    positive weight can cost far more than a wrong 0.

    Returns
    -------
    weight : float
    scores : dict
        Mean held-out accuracy per candidate weight, and their mean log-loss
        under ``'log_loss'``.
    """
    from sklearn.model_selection import RepeatedStratifiedKFold

    # Units: rows, or sequences (each named by its first row).
    if sequence_ids is None:
        firsts = np.arange(len(y))
    else:
        firsts = sequence_bounds(len(y), sequence_ids=sequence_ids)[:-1]
    unit_of_row = np.repeat(np.arange(len(firsts)), np.diff(np.r_[firsts, len(y)]))
    labeled_units = np.flatnonzero(labeled[firsts])
    unit_labels = y[firsts[labeled_units]]
    _, counts = np.unique(unit_labels, return_counts=True)
    n_splits = min(5, int(counts.min()))
    if n_splits < 3:
        # Two folds of two labels a class score a weight by noise alone.
        return 0.0, {}
    folds = RepeatedStratifiedKFold(n_splits=n_splits, n_repeats=3, random_state=0)
    accuracy = {w: [] for w in AUTO_WEIGHTS}
    losses = {w: [] for w in AUTO_WEIGHTS}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for train, test in folds.split(labeled_units, unit_labels):
            fold_labeled = np.isin(unit_of_row, labeled_units[train])
            held_out = np.isin(unit_of_row, labeled_units[test])
            for weight in AUTO_WEIGHTS:
                fitted = _em(
                    estimator,
                    X,
                    y,
                    fold_labeled,
                    weight,
                    max_iter,
                    tol,
                    sequence_ids=sequence_ids,
                )[0]
                scores = _held_out_scores(
                    fitted, X, y, held_out, firsts[labeled_units[test]], sequence_ids
                )
                accuracy[weight].append(scores[0])
                losses[weight].append(scores[1])
    mean_accuracy = {w: float(np.mean(a)) for w, a in accuracy.items()}
    mean_loss = {w: float(np.mean(v)) for w, v in losses.items()}
    best = max(AUTO_WEIGHTS, key=lambda w: (mean_accuracy[w], -mean_loss[w], -w))
    if mean_accuracy[best] - mean_accuracy[0.0] < 1.0 / len(labeled_units):
        best = 0.0
    return best, {**mean_accuracy, "log_loss": mean_loss}


def _held_out_scores(fitted, X, y, held_out, first_rows, sequence_ids):
    """Accuracy and log-loss of ``fitted`` on the held-out units (rows, or
    sequences named by their ``first_rows``)."""
    from sklearn.metrics import log_loss

    proba = fitted.predict_proba(
        X[held_out], **_sequence_kwargs(sequence_ids, held_out)
    )
    # Back to row positions, then one row per unit.
    where = np.cumsum(held_out) - 1
    proba = proba[where[first_rows]]
    truth = y[first_rows]
    predicted = fitted.classes_[proba.argmax(axis=1)]
    loss = log_loss(truth, np.clip(proba, 1e-15, 1.0), labels=fitted.classes_)
    return float(np.mean(predicted == truth)), loss
