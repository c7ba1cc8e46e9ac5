"""Mixture models fitted by EM."""

from skgen.mixture._bayesian_mixture import BayesianGaussianMixture
from skgen.mixture._gaussian_mixture import GaussianMixture
from skgen.mixture._mixed import MixedTypeMixture

__all__ = ["BayesianGaussianMixture", "GaussianMixture", "MixedTypeMixture"]
