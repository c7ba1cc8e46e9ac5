"""Mixture models fitted by EM."""

from skgen.mixture._bayesian_mixture import BayesianGaussianMixture
from skgen.mixture._gaussian_mixture import GaussianMixture
from skgen.mixture._mixed import MixedTypeMixture
from skgen.mixture._regression import GaussianMixtureRegressor

__all__ = [
    "BayesianGaussianMixture",
    "GaussianMixture",
    "GaussianMixtureRegressor",
    "MixedTypeMixture",
]
