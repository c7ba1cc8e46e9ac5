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
from scipy.special import logsumexp
from sklearn.base import ClassifierMixin

from skgen.base import GenerativeMixin


class GenerativeNBMixin(GenerativeMixin):
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

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows.
        y : array-like of shape (n_samples,)
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

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Update the model with one batch, as scikit-learn's namesake does.

        Naive Bayes statistics are sums over rows, so batches give exactly the
        fit on all rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            One batch of rows.
        y : array-like of shape (n_samples,)
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

    def score(self, X, y, sample_weight=None):
        """Accuracy on ``(X, y)``, as every scikit-learn classifier.

        The log-likelihood of the rows is :meth:`score_samples`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Test rows.
        y : array-like of shape (n_samples,)
            Their true classes.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows.

        Returns
        -------
        score : float
            Mean accuracy of ``predict(X)``.
        """
        return ClassifierMixin.score(self, X, y, sample_weight=sample_weight)

    def score_samples(self, X):
        """Log-probability of each row, summed over the classes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to score.

        Returns
        -------
        log_prob : ndarray of shape (n_samples,)
            ``log p(x) = log sum_y p(y) p(x | y)``.
        """
        return logsumexp(self.predict_joint_log_proba(X), axis=1)

    def sample(self, n_samples=1, *, y=None, random_state=None):
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

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            The generated rows.
        y : ndarray of shape (n_samples,)
            Their classes.
        """
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
