"""Hidden Markov models fitted by Baum-Welch on Numba kernels."""

from skgen.hmm._models import CategoricalHMM, GaussianHMM, PoissonHMM

__all__ = ["CategoricalHMM", "GaussianHMM", "PoissonHMM"]
