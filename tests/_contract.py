"""What the contract tests need to know about each estimator: how to make one
that fits fast, and data it can be fitted on. A new family adds its case here
(and is then checked by every test in ``test_common.py`` by being listed in
``skgen.utils.all_estimators()``)."""

import numpy as np
from sklearn.base import is_classifier, is_regressor
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils import get_tags

from skgen.mixture import GaussianMixture
from skgen.naive_bayes import GaussianNB
from skgen.utils import all_estimators

# Small, fast settings per estimator; anything not named uses its defaults.
FAST_PARAMS = {
    "BayesianGaussianMixture": {"n_components": 2, "random_state": 0},
    "GaussianMixture": {"n_components": 2, "random_state": 0},
    "GaussianMixtureRegressor": {"n_components": 2, "random_state": 0},
    "MixedTypeMixture": {"n_components": 2, "random_state": 0},
    "TableSynthesizer": {"n_components": 2, "random_state": 0},
    "GaussianHMM": {"n_components": 2, "n_iter": 100, "random_state": 0},
    "CategoricalHMM": {"n_components": 2, "n_iter": 100, "random_state": 0},
    "GMMHMM": {"n_components": 2, "n_mix": 2, "n_iter": 100, "random_state": 0},
    "PoissonHMM": {"n_components": 2, "n_iter": 100, "random_state": 0},
    "GaussianNB": {"random_state": 0},
    "KernelDensity": {"random_state": 0},
    "MultinomialNB": {"random_state": 0},
    "BernoulliNB": {"random_state": 0},
    "CategoricalNB": {"random_state": 0},
    "ComplementNB": {"random_state": 0},
    "GenerativeClassifier": {
        "estimator": GaussianMixture(n_components=1, random_state=0),
        "random_state": 0,
    },
    "SemiSupervisedEMClassifier": {"estimator": GaussianNB(random_state=0)},
    # MinMaxScaler: a non-trivial Jacobian, and it rejects sparse input with a
    # TypeError (StandardScaler's is a ValueError).
    "GenerativePipeline": {
        "steps": [
            ("scale", MinMaxScaler()),
            ("model", GaussianMixture(n_components=2, random_state=0)),
        ]
    },
    "VAE": {"hidden_layer_sizes": (8,), "max_iter": 20, "random_state": 0},
    # A larger step: 20 epochs of the default one do not separate
    # check_classifiers_train's blobs.
    "SemiSupervisedVAE": {
        "n_components": 2,
        "hidden_layer_sizes": (8,),
        "learning_rate_init": 0.01,
        "max_iter": 20,
        "random_state": 0,
    },
    "GAN": {
        "n_components": 2,
        "hidden_layer_sizes": (8,),
        "max_iter": 20,
        "n_parzen": 200,
        "random_state": 0,
    },
}


def make_estimator(cls, **params):
    return cls(**{**FAST_PARAMS.get(cls.__name__, {}), **params})


def fast_estimators():
    return [make_estimator(cls) for _, cls in all_estimators()]


def positive_only(estimator):
    return estimator is not None and get_tags(estimator).input_tags.positive_only


def legal_form(estimator, data):
    """``data`` made legal input for ``estimator``: absolute values for models
    of non-negative data, per-column codes of the distinct values for models
    of categorical symbols."""
    if get_tags(estimator).input_tags.categorical:
        return np.column_stack(
            [np.unique(column, return_inverse=True)[1] for column in data.T]
        )
    return np.abs(data) if positive_only(estimator) else data


def training_data(estimator, n_samples=60, n_features=3, seed=0):
    """Data ``estimator`` can be fitted on: two Gaussian blobs, or two groups
    of Poisson counts for models of non-negative data."""
    rng = np.random.RandomState(seed)
    labels = rng.randint(2, size=n_samples)
    if positive_only(estimator):
        rates = np.array([[1.0] * n_features, [8.0] * n_features])
        return rng.poisson(rates[labels]).astype(np.float64)
    centres = np.array([[0.0] * n_features, [4.0] * n_features])
    return centres[labels] + rng.standard_normal((n_samples, n_features))


def targets(estimator, X, seed=0):
    """``fit``'s keyword ``y`` for ``X``: none for density models; for
    classifiers the blob of each row of ``training_data(seed=seed)`` (a
    quarter of them unlabeled, -1, for semi-supervised models)."""
    if is_regressor(estimator):
        return {"y": np.random.RandomState(seed).standard_normal(len(X))}
    if not is_classifier(estimator):
        return {}
    n_samples = len(X)
    y = np.random.RandomState(seed).randint(2, size=n_samples)
    if type(estimator).__name__.startswith("SemiSupervised"):
        y[::4] = -1
    return {"y": y}
