"""What every skgen generative estimator shares."""

import math
from abc import abstractmethod
from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state, check_scalar
from sklearn.utils.validation import _check_sample_weight

from skgen.utils._sklearn_compat import _num_samples, check_is_fitted


def _weighted_mean(values, sample_weight):
    if sample_weight is None:
        return float(np.mean(values))
    return float(
        np.average(values, weights=_check_sample_weight(sample_weight, values))
    )


class GenerativeMixin:
    """Mixin for estimators that model the distribution of their data.

    A generative estimator defines ``score_samples(X)`` (the natural log of the
    density or mass of each row), ``sample(n_samples)`` and ``_n_parameters()``;
    this mixin adds, once for all of them:

    * ``score(X)``: the mean of ``score_samples(X)``, as
      :class:`sklearn.mixture.GaussianMixture` does (classifiers keep
      :class:`~sklearn.base.ClassifierMixin`'s accuracy);
    * ``bic(X)`` and ``aic(X)`` from the log-likelihood and ``_n_parameters()``;
    * the random stream of ``sample``: created at ``fit`` from the estimator's
      ``random_state`` and advanced by each call, so successive calls draw new
      samples, while ``sample(..., random_state=seed)`` is reproducible.
    """

    @abstractmethod
    def score_samples(self, X):
        """Log-density (or log-mass) of each row of ``X``."""

    @abstractmethod
    def sample(self, n_samples=1, *, random_state=None):
        """Draw ``n_samples`` rows; return ``(X, latent)``."""

    @abstractmethod
    def _n_parameters(self):
        """Number of free parameters of the fitted model."""

    def score(self, X, y=None, sample_weight=None):
        """Mean log-likelihood of the rows of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to score.
        y : None
            Ignored; present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows in the mean. (Also what lets
            ``Pipeline.score`` run under metadata routing, which passes it.)

        Returns
        -------
        log_likelihood : float
            Mean of :meth:`score_samples` over the rows of ``X``.
        """
        return _weighted_mean(self.score_samples(X), sample_weight)

    def bic(self, X):
        """Bayesian information criterion of the fitted model on ``X``.

        ``-2 log L + n_parameters * log(n_samples)``; lower is better.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data the criterion is computed on.

        Returns
        -------
        bic : float
        """
        log_lik = float(np.sum(self.score_samples(X)))
        return -2 * log_lik + self._n_parameters() * math.log(_num_samples(X))

    def aic(self, X):
        """Akaike information criterion of the fitted model on ``X``.

        ``-2 log L + 2 n_parameters``; lower is better.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data the criterion is computed on.

        Returns
        -------
        aic : float
        """
        log_lik = float(np.sum(self.score_samples(X)))
        return -2 * log_lik + 2 * self._n_parameters()

    def _start_sample_stream(self):
        """Create the generator that ``sample(random_state=None)`` advances.

        Called at the end of ``fit``. For an integer ``random_state`` the stream
        starts where ``numpy.random.RandomState(random_state)`` does, so the
        first ``sample()`` after ``fit`` equals scikit-learn's.
        """
        random_state = self.random_state
        if random_state is None or isinstance(random_state, (int, np.integer)):
            self._sample_random_state = np.random.RandomState(random_state)
        else:
            self._sample_random_state = check_random_state(random_state)

    def _sample_stream(self, n_samples, random_state):
        """Check a ``sample`` request; return the generator it draws from."""
        check_is_fitted(self)
        check_scalar(n_samples, "n_samples", Integral, min_val=1)
        if random_state is None:
            if not hasattr(self, "_sample_random_state"):
                self._start_sample_stream()
            return self._sample_random_state
        return check_random_state(random_state)


class GenerativeClassifierMixin(GenerativeMixin):
    """Mixin for generative models that are classifiers.

    Keeps the classifier's ``score`` (accuracy, as every scikit-learn
    classifier) ahead of :class:`GenerativeMixin`'s mean log-likelihood; the
    log-likelihood of the rows is ``score_samples``.
    """

    def score(self, X, y, sample_weight=None):
        """Accuracy on ``(X, y)``; the log-likelihood is :meth:`score_samples`.

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
        from sklearn.base import ClassifierMixin

        return ClassifierMixin.score(self, X, y, sample_weight=sample_weight)
