"""Hidden Markov models fitted by Baum-Welch on Numba kernels."""

from skgen.hmm._models import GaussianHMM

__all__ = ["GaussianHMM"]
