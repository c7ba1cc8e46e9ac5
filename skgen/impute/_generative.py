"""GenerativeImputer: a scikit-learn transformer over a model's ``impute``."""

import numpy as np
from sklearn.base import (
    BaseEstimator,
    OneToOneFeatureMixin,
    TransformerMixin,
    clone,
    is_classifier,
)
from sklearn.utils import check_random_state, get_tags

from skgen.utils._sklearn_compat import (
    HasMethods,
    _fit_context,
    check_is_fitted,
    validate_data,
)


def _default_estimator():
    from skgen.mixture import GaussianMixture

    return GaussianMixture(n_components=3)


class GenerativeImputer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Fill in missing values (NaN) from a generative model of the data.

    ``fit`` fits a clone of ``estimator`` on the rows, missing entries and
    all (the model integrates them out); ``transform`` returns
    ``estimator_.impute(X)``: each missing entry at its conditional mean
    given the row's observed entries, or, with ``sample=True``, drawn from
    its conditional distribution (multiple imputation). Any model with an
    ``impute`` method serves: :class:`~skgen.mixture.GaussianMixture` (the
    default), :class:`~skgen.naive_bayes.GaussianNB`,
    :class:`~skgen.naive_bayes.BernoulliNB`,
    :class:`~skgen.naive_bayes.CategoricalNB` (classifiers are fitted with
    ``y`` and impute without it, through the class posterior).

    Parameters
    ----------
    estimator : estimator with an ``impute`` method, default=None
        The model of the rows; None is
        ``GaussianMixture(n_components=3)``, its ``random_state`` drawn from
        ``random_state``.
    sample : bool, default=False
        False fills conditional means; True draws from the conditional
        distribution, anew at each :meth:`transform`.
    random_state : int, RandomState instance or None, default=None
        Seeds the stream the draws come from (created at :meth:`fit`,
        advanced by each :meth:`transform`, so successive transforms give
        different imputations, the same sequence after each fit with an
        int), and the default estimator's fit.

    Attributes
    ----------
    estimator_ : estimator
        The fitted model.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    sklearn.impute.IterativeImputer : Imputation by round-robin regressions.
    skgen.mixture.GaussianMixture.impute : The imputation itself.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.impute import GenerativeImputer
    >>> from skgen.mixture import GaussianMixture
    >>> rng = np.random.RandomState(0)
    >>> X = rng.multivariate_normal([0, 0], [[1, 0.9], [0.9, 1]], size=500)
    >>> X[::5, 1] = np.nan
    >>> imputer = GenerativeImputer(GaussianMixture(random_state=0)).fit(X)
    >>> imputer.transform([[1.0, np.nan]]).round(1)
    array([[1. , 0.9]])
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "impute"]), None],
        "sample": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(self, estimator=None, *, sample=False, random_state=None):
        self.estimator = estimator
        self.sample = sample
        self.random_state = random_state

    def _model(self):
        return _default_estimator() if self.estimator is None else self.estimator

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None):
        """Fit a clone of ``estimator`` on ``X`` (NaN where missing).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows, NaN where an entry is missing.
        y : array-like of shape (n_samples,), default=None
            Classes of the rows, for a classifier ``estimator`` (which needs
            them); ignored otherwise.

        Returns
        -------
        self : object
            The fitted imputer.
        """
        X = validate_data(
            self, X, dtype=[np.float64, np.float32], ensure_all_finite="allow-nan"
        )
        rng = check_random_state(self.random_state)
        estimator = clone(self._model())
        if self.estimator is None:
            estimator.set_params(random_state=rng.randint(np.iinfo(np.int32).max))
        if is_classifier(estimator):
            if y is None:
                raise ValueError(
                    f"{type(estimator).__name__} is a classifier: fit the "
                    "imputer with the classes y of the rows."
                )
            estimator.fit(X, y)
        else:
            estimator.fit(X)
        self.estimator_ = estimator
        self._random_state = rng
        return self

    def transform(self, X):
        """``X`` with every missing entry (NaN) filled in.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows with NaN where entries are missing; each row needs one
            observed entry.

        Returns
        -------
        X_imputed : ndarray of shape (n_samples, n_features)
            ``estimator_.impute(X, sample=sample)`` (float64); observed
            entries unchanged.
        """
        check_is_fitted(self)
        X = validate_data(
            self,
            X,
            dtype=[np.float64, np.float32],
            ensure_all_finite="allow-nan",
            reset=False,
        )
        return self.estimator_.impute(
            X, sample=self.sample, random_state=self._random_state
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = get_tags(self._model()).input_tags.allow_nan
        return tags
