"""Mixture models fitted by EM."""

from skgen.mixture._gaussian_mixture import GaussianMixture

__all__ = ["GaussianMixture"]
