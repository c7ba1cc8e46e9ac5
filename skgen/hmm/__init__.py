"""Hidden Markov models fitted by Baum-Welch on Numba kernels."""

from skgen.hmm._models import GaussianHMM, PoissonHMM

__all__ = ["GaussianHMM", "PoissonHMM"]
