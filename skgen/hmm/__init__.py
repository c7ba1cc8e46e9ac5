"""Hidden Markov models fitted by Baum-Welch on Numba kernels."""

from skgen.hmm._models import GMMHMM, CategoricalHMM, GaussianHMM, PoissonHMM

__all__ = ["CategoricalHMM", "GMMHMM", "GaussianHMM", "PoissonHMM"]
