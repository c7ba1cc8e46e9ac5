"""skgen: generative models as scikit-learn estimators.

Importing skgen compiles nothing: the Numba kernels compile on first use and
are cached on disk.
"""

from skgen.base import GenerativeMixin
from skgen.classification import GenerativeClassifier, SemiSupervisedEMClassifier
from skgen.hmm import GMMHMM, CategoricalHMM, GaussianHMM, PoissonHMM
from skgen.mixture import GaussianMixture, MixedTypeMixture
from skgen.naive_bayes import BernoulliNB, CategoricalNB, GaussianNB, MultinomialNB
from skgen.neural import GAN, VAE
from skgen.pipeline import GenerativePipeline, make_generative_pipeline
from skgen.preprocessing import TabularEncoder
from skgen.tabular import TableSynthesizer

__version__ = "0.1.0"

__all__ = [
    "BernoulliNB",
    "CategoricalHMM",
    "CategoricalNB",
    "GAN",
    "GMMHMM",
    "GaussianHMM",
    "GaussianMixture",
    "GaussianNB",
    "GenerativeClassifier",
    "GenerativeMixin",
    "GenerativePipeline",
    "MixedTypeMixture",
    "MultinomialNB",
    "PoissonHMM",
    "SemiSupervisedEMClassifier",
    "TableSynthesizer",
    "TabularEncoder",
    "VAE",
    "__version__",
    "make_generative_pipeline",
]
