"""What skgen adds to scikit-learn's naive Bayes: the density and the sampler.

scikit-learn's naive Bayes models are generative already: they fit p(y) and
p(x | y). skgen's subclasses keep everything scikit-learn does (constructor,
fitted attributes, ``fit`` / ``partial_fit`` / ``sample_weight``, predictions:
the same code, so the same numbers) and add what a generative model offers:
``score_samples`` (log p(x), the joint summed over classes) and
``sample(n_samples, y=None)``.
"""

from abc import abstractmethod

import numpy as np
from scipy import sparse
from scipy.special import logsumexp
from sklearn.utils import check_array
from sklearn.utils.multiclass import check_classification_targets

from skgen.base import GenerativeClassifierMixin
from skgen.utils._mapreduce import (
    by_row_blocks,
    distinct_values,
    lazy_alternative,
    map_reduce,
    row_wise,
    sample_in_blocks,
    validate_rows,
)
from skgen.utils._sklearn_compat import (
    _safe_indexing,
    check_is_fitted,
    validate_data,
)


def holds_nan(X):
    """Whether ``X`` (array-like or sparse, in memory, before validation)
    has NaN."""
    if hasattr(X, "isna"):  # pandas, nullable dtypes (pd.NA) included
        return bool(np.asarray(X.isna()).any())
    if sparse.issparse(X):
        values = X.data if X.format in ("csr", "csc", "coo", "bsr") else X.tocsr().data
    else:
        try:
            values = np.asarray(X)
        except (TypeError, ValueError):
            return False  # validation will say what is wrong
    return values.dtype.kind == "f" and bool(np.isnan(values).any())


def missing_mask(X):
    """``(X_filled, missing)``: ``X`` with its NaN entries at 0, and 1.0
    where they were (both dense, or both sparse CSR), or ``(X, None)``
    when nothing is missing."""
    if sparse.issparse(X):
        nan = np.isnan(X.data)
        if not nan.any():
            return X, None
        missing = X.copy()
        missing.data = nan.astype(np.float64)
        missing.eliminate_zeros()
        filled = X.copy()
        filled.data = np.where(nan, 0.0, filled.data)
        filled.eliminate_zeros()
        return filled, missing
    nan = np.isnan(X)
    if not nan.any():
        return X, None
    return np.where(nan, 0, X), nan.astype(np.float64)


def check_observed_rows(X):
    """Raise if a row of ``X`` has every entry missing (NaN)."""
    if sparse.issparse(X):
        missing = sparse.csr_matrix(X, copy=True)
        missing.data = np.isnan(missing.data).astype(np.float64)
        per_row = np.asarray(missing.sum(axis=1)).ravel()
    elif X.dtype.kind != "f" or not np.isnan(X.sum()):
        return X  # the common case, without a boolean copy of X
    else:
        per_row = np.isnan(X).sum(axis=1)
    empty = np.flatnonzero(per_row == X.shape[1])
    if X.shape[1] and len(empty):
        raise ValueError(
            f"{len(empty)} row(s) of X have every entry missing (NaN), such as "
            f"row {int(empty[0])}: such a row carries no information; drop it."
        )
    return X


def check_every_feature_observed(rows, observed, classes):
    """Raise if a class with training rows never observes a feature."""
    unseen = (rows[:, np.newaxis] > 0) & (observed <= 0)
    if unseen.any():
        k, j = np.argwhere(unseen)[0]
        raise ValueError(
            f"Feature {int(j)} of X is missing (NaN) in every training row of "
            f"class {np.asarray(classes)[k].item()!r}: nothing can be learned "
            "about it."
        )


def _n_classes(model):
    return len(model.classes_)


def _classes_dtype(model):
    return model.classes_.dtype


class GenerativeNBMixin(GenerativeClassifierMixin):
    """Density and sampling for a scikit-learn naive Bayes classifier.

    Listed before the scikit-learn class it extends. A subclass supplies:

    * ``_class_log_prior()`` -- log p(y) of each class;
    * ``_sample_features(class_indices, random_state)`` -- one row per class
      index, drawn from p(x | y);
    * ``_n_feature_parameters()`` -- free parameters of p(x | y), all classes;
    * ``_block_statistics()``, ``_combine_block_statistics(parts)`` and
      ``_finish_block_statistics(total, classes, first_call, dtype)`` -- the
      fit as sums over row blocks, which serves dask input (in memory, the
      fit is scikit-learn's own, so its numbers are scikit-learn's).

    Predictions run over blocks of ``BLOCK_ROWS`` rows (scikit-learn's take
    all rows at once), so their temporaries stay bounded.
    """

    @abstractmethod
    def _class_log_prior(self):
        """log p(y), shape (n_classes,)."""

    @abstractmethod
    def _sample_features(self, class_indices, random_state):
        """Rows drawn from p(x | y) for each class index."""

    @abstractmethod
    def _n_feature_parameters(self):
        """Free parameters of the class-conditional distributions."""

    @abstractmethod
    def _block_statistics(self):
        """``(block_function, args)``: ``block_function(X, y, sample_weight,
        *args)`` gives the sums of one row block."""

    @abstractmethod
    def _combine_block_statistics(self, parts):
        """The sums of consecutive row blocks, combined in list order."""

    @abstractmethod
    def _finish_block_statistics(self, total, classes, first_call, dtype):
        """Set the fitted attributes from the sums of all blocks (added to the
        model's unless ``first_call``), as scikit-learn's fit would."""

    @lazy_alternative("_fit_by_blocks")
    def fit(self, X, y, sample_weight=None):
        """Fit the model, as scikit-learn's namesake does.

        A dask array ``X`` (or ``y``, ``sample_weight``) is fitted where its
        row blocks live: each block's sums (counts; for the Gaussian model,
        per-class means and centred squares) are computed on the workers and
        added in a fixed order, giving the in-memory fit to rounding (see
        :ref:`scaling`).

        Parameters
        ----------
        X : array-like or dask array of shape (n_samples, n_features)
            Training rows.
        y : array-like or dask array of shape (n_samples,)
            Their classes.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows (a row of weight ``w`` counts ``w`` times).

        Returns
        -------
        self : object
            The fitted model.
        """
        super().fit(X, y, sample_weight=sample_weight)
        self._start_sample_stream()
        return self

    @lazy_alternative("_partial_fit_by_blocks")
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Update the model with one batch, as scikit-learn's namesake does.

        Naive Bayes statistics are sums over rows, so batches give exactly the
        fit on all rows. A dask batch's sums are computed on the workers,
        block by block, as in :meth:`fit`.

        Parameters
        ----------
        X : array-like or dask array of shape (n_samples, n_features)
            One batch of rows.
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
        first_call = not hasattr(self, "classes_")
        super().partial_fit(X, y, classes=classes, sample_weight=sample_weight)
        if first_call:
            self._start_sample_stream()
        return self

    # -- the fit as sums over row blocks (dask input) ----------------------------

    def _fit_by_blocks(self, X, y, sample_weight=None):
        """:meth:`fit` as a map-reduce over the row blocks of ``X``."""
        self._validate_params()
        classes = distinct_values(y)
        check_classification_targets(classes)
        return self._update_by_blocks(X, y, sample_weight, classes, first_call=True)

    def _partial_fit_by_blocks(self, X, y, classes=None, sample_weight=None):
        """:meth:`partial_fit` as a map-reduce over the row blocks of ``X``."""
        self._validate_params()
        first_call = not hasattr(self, "classes_")
        if first_call:
            if classes is None:
                raise ValueError(
                    "classes must be passed on the first call to partial_fit."
                )
            classes = np.unique(np.asarray(classes))
            check_classification_targets(classes)
        else:
            if classes is not None and not np.array_equal(
                self.classes_, np.unique(np.asarray(classes))
            ):
                # scikit-learn's message.
                raise ValueError(
                    f"`classes={classes!r}` is not the same as on last call to "
                    f"partial_fit, was: {self.classes_!r}"
                )
            classes = self.classes_
        unknown = np.setdiff1d(distinct_values(y), classes)
        if unknown.size:
            raise ValueError(
                f"The target label(s) {unknown} in y do not exist in the initial "
                f"classes {classes}"
            )
        return self._update_by_blocks(X, y, sample_weight, classes, first_call)

    def _update_by_blocks(self, X, y, sample_weight, classes, first_call):
        """Add the sums of the batch ``X, y`` to the model (or start it)."""
        X = validate_rows(self, X, self._validate_block_rows, reset=first_call)
        block_function, args = self._block_statistics()
        total = map_reduce(
            block_function,
            X,
            y,
            sample_weight,
            args=(*args, classes),
            combine=self._combine_block_statistics,
        )
        dtype = X.dtype.type if X.dtype in (np.float32, np.float64) else np.float64
        self._finish_block_statistics(total, classes, first_call, dtype)
        if first_call:
            self._start_sample_stream()
        return self

    def _validate_block_rows(self, X, reset):
        """Rows in memory for the block fit; the model's own checks run in
        ``_block_statistics``."""
        return validate_data(self, X, dtype=None, reset=reset)

    def _check_block(self, X):
        """Row checks of one block of a dask ``X`` (on a worker)."""
        return check_array(X, dtype=None)

    @row_wise(dtype=_classes_dtype)
    def predict(self, X):
        """Class of largest posterior probability for each row.

        Parameters
        ----------
        X : array-like or dask array of shape (n_samples, n_features)
            Rows to classify.

        Returns
        -------
        y : ndarray or dask array of shape (n_samples,)
            Predicted classes; a dask array for dask ``X``.
        """
        return by_row_blocks(super().predict, X)

    @row_wise(n_columns=_n_classes)
    def predict_proba(self, X):
        """Posterior probability of each class for each row.

        Parameters
        ----------
        X : array-like or dask array of shape (n_samples, n_features)
            Rows to classify.

        Returns
        -------
        proba : ndarray or dask array of shape (n_samples, n_classes)
            ``p(y | x)``, columns in the order of ``classes_``; a dask array
            for dask ``X``.
        """
        return by_row_blocks(super().predict_proba, X)

    @row_wise(n_columns=_n_classes)
    def predict_log_proba(self, X):
        """Log of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like or dask array of shape (n_samples, n_features)
            Rows to classify.

        Returns
        -------
        log_proba : ndarray or dask array of shape (n_samples, n_classes)
            ``log p(y | x)``, columns in the order of ``classes_``; a dask
            array for dask ``X``.
        """
        return by_row_blocks(super().predict_log_proba, X)

    @row_wise(n_columns=_n_classes)
    def predict_joint_log_proba(self, X):
        """Joint log-probability ``log p(x, y)`` of each row and class.

        Parameters
        ----------
        X : array-like or dask array of shape (n_samples, n_features)
            Rows to score.

        Returns
        -------
        joint : ndarray or dask array of shape (n_samples, n_classes)
            ``log p(y) + log p(x | y)``, columns in the order of ``classes_``;
            a dask array for dask ``X``.
        """
        return by_row_blocks(super().predict_joint_log_proba, X)

    @row_wise()
    def score_samples(self, X):
        """Log-probability of each row, summed over the classes.

        Parameters
        ----------
        X : array-like or dask array of shape (n_samples, n_features)
            Rows to score.

        Returns
        -------
        log_prob : ndarray or dask array of shape (n_samples,)
            ``log p(x) = log sum_y p(y) p(x | y)``; a dask array for dask
            ``X``.
        """
        return by_row_blocks(self._score_samples_block, X)

    def _score_samples_block(self, X):
        """``score_samples`` of one block of rows."""
        return logsumexp(super().predict_joint_log_proba(X), axis=1)

    def sample(self, n_samples=1, *, y=None, random_state=None, chunks=None):
        """Generate rows: of classes drawn from the prior, or of given classes.

        Parameters
        ----------
        n_samples : int, default=1
            Number of rows.
        y : label or array-like of shape (n_samples,), default=None
            None draws each row's class from the class prior; a label gives
            every row that class; an array gives each row's class.
        random_state : int, RandomState instance or None, default=None
            None draws from the model's own stream (advanced by every call);
            an int makes the call reproducible.
        chunks : int, default=None
            None returns ndarrays. An int returns dask arrays (dask needed),
            drawn lazily in blocks of at most ``chunks`` rows, each block from
            its own generator seeded from the stream above: reproducible for
            an integer ``random_state``, but other rows than without
            ``chunks``.

        Returns
        -------
        X : ndarray or dask array of shape (n_samples, n_features)
            The generated rows.
        y : ndarray or dask array of shape (n_samples,)
            Their classes.
        """
        if chunks is not None:
            return self._sample_in_blocks(n_samples, y, random_state, chunks)
        rng = self._sample_stream(n_samples, random_state)
        class_indices = _class_indices(
            self.classes_, y, n_samples, rng, self._class_log_prior()
        )
        return self._sample_features(class_indices, rng), self.classes_[class_indices]

    def _sample_in_blocks(self, n_samples, y, random_state, chunks):
        """:meth:`sample` as dask arrays, drawn lazily in blocks of ``chunks``."""
        check_is_fitted(self)
        labels = None if y is None else np.asarray(y)
        if labels is not None:  # checked now, not on the workers
            _class_indices(self.classes_, labels, n_samples, None, None)

        def per_block(start, stop):
            if labels is None:
                return {}
            return {"y": labels if labels.ndim == 0 else labels[start:stop]}

        dtype = np.intp if hasattr(self, "n_categories_") else np.float64
        meta = ((self.n_features_in_, dtype), self.classes_.dtype)
        return sample_in_blocks(
            self, n_samples, chunks, random_state, meta=meta, kwargs=per_block
        )

    def _n_parameters(self):
        n_classes = len(self.classes_)
        return n_classes - 1 + self._n_feature_parameters()


def _class_indices(classes, y, n_samples, rng, class_log_prior):
    """Indices into ``classes`` of the rows to generate (see ``sample``)."""
    if y is None:
        prior = np.exp(class_log_prior)
        return rng.choice(len(classes), size=n_samples, p=prior / prior.sum())
    labels = np.asarray(y)
    if labels.ndim == 0:
        labels = np.full(n_samples, labels)
    elif labels.shape != (n_samples,):
        raise ValueError(
            f"y must be one label or an array of n_samples={n_samples} labels, "
            f"got shape {labels.shape}."
        )
    known = np.isin(labels, classes)
    if not known.all():
        raise ValueError(
            f"y holds label(s) {np.unique(labels[~known])[:5].tolist()} the model "
            f"was not fitted on; classes_ are {classes.tolist()}."
        )
    return np.searchsorted(classes, labels)


class ImputingNBMixin:
    """``impute`` for naive Bayes models with a class-conditional mean.

    Listed before :class:`GenerativeNBMixin`'s subclass. A subclass supplies
    ``_conditional_fill(posterior)``: the value each missing entry takes in
    each row, given the rows' class posteriors ``p(y | x_o)`` (the
    conditional mean, for the Gaussian and Bernoulli models).
    """

    def impute(self, X, *, sample=False, random_state=None):
        """``X`` with its missing entries (NaN) filled in from the model.

        Given the observed entries ``x_o`` of a row (and no class), its
        missing features follow a mixture over the classes weighted by the
        posterior ``p(y | x_o)``, each class's features independent.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows with NaN where entries are missing; each row needs one
            observed entry.
        sample : bool, default=False
            False fills each missing entry with its conditional mean
            ``sum_y p(y | x_o) E[x_j | y]`` (:class:`CategoricalNB`: its most
            probable category). True draws each row's class from
            ``p(y | x_o)``, then its missing entries from that class's
            distributions: repeated calls give multiple imputations.
        random_state : int, RandomState instance or None, default=None
            For ``sample=True``: None draws from the model's stream
            (successive calls differ); an int makes the call reproducible.

        Returns
        -------
        X_imputed : ndarray of shape (n_samples, n_features)
            ``X`` (float64) with every NaN replaced; observed entries unchanged.

        Examples
        --------
        >>> import numpy as np
        >>> from skgen.naive_bayes import GaussianNB
        >>> X = np.array([[0.0, 0.0], [0.2, 0.1], [4.0, 2.0], [4.2, 2.1]])
        >>> model = GaussianNB(random_state=0).fit(X, [0, 0, 1, 1])
        >>> model.impute([[4.1, np.nan], [np.nan, 0.0]])  # class 1, class 0
        array([[4.1 , 2.05],
               [0.1 , 0.  ]])
        >>> model.impute([[4.1, np.nan]], sample=True, random_state=0).shape
        (1, 2)
        """
        check_is_fitted(self)
        given = X
        X = validate_data(
            self, X, reset=False, dtype=np.float64, ensure_all_finite="allow-nan"
        )
        check_observed_rows(X)
        missing = np.isnan(X)
        rows = np.flatnonzero(missing.any(axis=1))
        if sample:
            rng = self._sample_stream(1, random_state)
        out = X.copy()
        if not len(rows):
            return out
        # From the input as given, so its feature names are checked as usual.
        posterior = self.predict_proba(_safe_indexing(given, rows))
        if sample:
            cumulative = np.cumsum(posterior, axis=1)
            u = rng.uniform(size=len(rows)) * cumulative[:, -1]
            classes = np.minimum(
                (cumulative <= u[:, None]).sum(axis=1), len(self.classes_) - 1
            )
            fill = self._sample_features(classes, rng)
        else:
            fill = self._conditional_fill(posterior)
        out[rows] = np.where(missing[rows], fill, X[rows])
        return out

    @abstractmethod
    def _conditional_fill(self, posterior):
        """What fills the missing entries of rows of class posteriors
        ``posterior``, shape (n_rows, n_features)."""
