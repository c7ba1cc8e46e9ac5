"""What skgen adds to scikit-learn's naive Bayes: the density and the sampler.

scikit-learn's naive Bayes models are generative already: they fit p(y) and
p(x | y). skgen's subclasses keep everything scikit-learn does (constructor,
fitted attributes, ``fit`` / ``partial_fit`` / ``sample_weight``, predictions:
the same code, so the same numbers) and add what a generative model offers:
``score_samples`` (log p(x), the joint summed over classes) and
``sample(n_samples, y=None)``.
"""

from abc import abstractmethod
from numbers import Integral

import numpy as np
from scipy.special import logsumexp
from sklearn.utils import _safe_indexing, check_scalar

from skgen.base import GenerativeClassifierMixin
from skgen.utils._dask import any_dask, is_dask_collection
from skgen.utils._sklearn_compat import _num_samples, check_is_fitted

#: Rows per call in predictions and scores: bounds the (rows, n_classes)
#: temporaries whatever the number of rows (scikit-learn's methods take all
#: rows at once).
_BLOCK_ROWS = 65536


def _by_blocks(X, method):
    """``method(X)`` computed on blocks of ``_BLOCK_ROWS`` rows, into one output.

    Each block is validated by ``method`` as ``X`` would be; the memory beyond
    the output is that of one block, whatever the number of rows.
    """
    n_samples = _num_samples(X)
    if n_samples <= _BLOCK_ROWS:
        return method(X)
    out = None
    for start in range(0, n_samples, _BLOCK_ROWS):
        rows = slice(start, min(start + _BLOCK_ROWS, n_samples))
        part = method(_safe_indexing(X, rows))
        if out is None:
            out = np.empty((n_samples, *part.shape[1:]), dtype=part.dtype)
        out[rows] = part
    return out


def _on_dask(estimator, X, method):
    """``estimator.method(X)`` block by block on dask ``X``: a dask array."""
    from skgen.naive_bayes import _dask

    return _dask.apply(estimator, X, method)


class GenerativeNBMixin(GenerativeClassifierMixin):
    """Density and sampling for a scikit-learn naive Bayes classifier.

    Listed before the scikit-learn class it extends. A subclass supplies:

    * ``_class_log_prior()`` -- log p(y) of each class;
    * ``_sample_features(class_indices, random_state)`` -- one row per class
      index, drawn from p(x | y);
    * ``_n_feature_parameters()`` -- free parameters of p(x | y), all classes.
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
        if any_dask(X, y, sample_weight):
            from skgen.naive_bayes import _dask

            return _dask.fit(self, X, y, sample_weight)
        super().fit(X, y, sample_weight=sample_weight)
        self._start_sample_stream()
        return self

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
        if any_dask(X, y, sample_weight):
            from skgen.naive_bayes import _dask

            return _dask.partial_fit(self, X, y, classes, sample_weight)
        first_call = not hasattr(self, "classes_")
        super().partial_fit(X, y, classes=classes, sample_weight=sample_weight)
        if first_call:
            self._start_sample_stream()
        return self

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
        if is_dask_collection(X):
            return _on_dask(self, X, "predict")
        return _by_blocks(X, super().predict)

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
        if is_dask_collection(X):
            return _on_dask(self, X, "predict_proba")
        return _by_blocks(X, super().predict_proba)

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
        if is_dask_collection(X):
            return _on_dask(self, X, "predict_log_proba")
        return _by_blocks(X, super().predict_log_proba)

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
        if is_dask_collection(X):
            return _on_dask(self, X, "predict_joint_log_proba")
        return _by_blocks(X, super().predict_joint_log_proba)

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
        if is_dask_collection(X):
            return _on_dask(self, X, "score_samples")
        return _by_blocks(X, self._score_samples_block)

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
            check_scalar(chunks, "chunks", Integral, min_val=1)
            check_is_fitted(self)
            if y is not None:  # checked now, not on the workers
                _class_indices(self.classes_, y, n_samples, None, None)
            from skgen.naive_bayes import _dask

            return _dask.sample(self, n_samples, chunks, y, random_state)
        rng = self._sample_stream(n_samples, random_state)
        class_indices = _class_indices(
            self.classes_, y, n_samples, rng, self._class_log_prior()
        )
        return self._sample_features(class_indices, rng), self.classes_[class_indices]

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
