"""skgen: generative models as scikit-learn estimators.

Importing skgen compiles nothing: the Numba kernels compile on first use and
are cached on disk.
"""

from skgen.base import GenerativeMixin
from skgen.hmm import GMMHMM, CategoricalHMM, GaussianHMM, PoissonHMM
from skgen.mixture import GaussianMixture

__version__ = "0.1.0"

__all__ = [
    "CategoricalHMM",
    "GMMHMM",
    "GaussianHMM",
    "GaussianMixture",
    "GenerativeMixin",
    "PoissonHMM",
    "__version__",
]
