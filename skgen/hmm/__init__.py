"""Hidden Markov models fitted by Baum-Welch on Numba kernels.

One module per emission family (``_gaussian``, ``_gmm``, ``_categorical``,
``_poisson``), each a subclass of ``_base.BaseHMM``.
"""

from skgen.hmm._categorical import CategoricalHMM
from skgen.hmm._forecast import HMMForecast
from skgen.hmm._gaussian import GaussianHMM
from skgen.hmm._gmm import GMMHMM
from skgen.hmm._poisson import PoissonHMM

__all__ = ["CategoricalHMM", "GMMHMM", "GaussianHMM", "HMMForecast", "PoissonHMM"]
