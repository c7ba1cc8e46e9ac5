"""skgen: generative models as scikit-learn estimators.

Importing skgen compiles nothing: the Numba kernels compile on first use and
are cached on disk. The public names below are imported when first used, so
``import skgen`` (and ``python -m skgen``) loads only the families a program
touches.
"""

import os
from importlib import import_module

# OpenMP threads that wait for work spin less than libgomp's default (300,000
# turns) before they sleep, unless the user chose how they wait: threads of
# Numba's and scikit-learn's OpenMP runtimes spinning at the default took the
# cores from each other and from any other process. Where skgen's kernels
# watch the load (skgen/utils/_threads.py: Linux's /proc, unless
# SKGEN_ADAPT_THREADS=0), short calls beside a busy process run serially and
# 100,000 turns keep the idle two-thread speed-up of the short HMM kernels;
# without the watching, 10,000 (100,000 made a GaussianHMM fit beside a busy
# process 1.5x slower on two threads than on one; 10,000: 1.03-1.09x). See
# benchmarks/results/shared_cores_reruns.md and doc/design.rst. It must be set
# before an OpenMP runtime loads, hence here. (libgomp's setting: Intel's and
# LLVM's runtimes read KMP_BLOCKTIME, left alone.)
if not {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT"} & set(os.environ):
    _watched = os.environ.get("SKGEN_ADAPT_THREADS", "1") != "0" and os.path.exists(
        "/proc/loadavg"
    )
    os.environ["GOMP_SPINCOUNT"] = "100000" if _watched else "10000"
    del _watched

__version__ = "0.1.0"

#: Public name -> the module that defines it.
_PUBLIC = {
    "BayesianGaussianMixture": "skgen.mixture",
    "BernoulliNB": "skgen.naive_bayes",
    "CategoricalHMM": "skgen.hmm",
    "CategoricalNB": "skgen.naive_bayes",
    "ComplementNB": "skgen.naive_bayes",
    "GAN": "skgen.neural",
    "GMMHMM": "skgen.hmm",
    "GaussianHMM": "skgen.hmm",
    "GaussianMixture": "skgen.mixture",
    "GaussianMixtureRegressor": "skgen.mixture",
    "GaussianNB": "skgen.naive_bayes",
    "GenerativeClassifier": "skgen.classification",
    "GenerativeMixin": "skgen.base",
    "GenerativeImputer": "skgen.impute",
    "GenerativePipeline": "skgen.pipeline",
    "KernelDensity": "skgen.neighbors",
    "MixedTypeMixture": "skgen.mixture",
    "MultinomialNB": "skgen.naive_bayes",
    "PoissonHMM": "skgen.hmm",
    "SemiSupervisedEMClassifier": "skgen.classification",
    "SemiSupervisedVAE": "skgen.neural",
    "TableSynthesizer": "skgen.tabular",
    "TabularEncoder": "skgen.preprocessing",
    "VAE": "skgen.neural",
    "make_generative_pipeline": "skgen.pipeline",
}

__all__ = [*sorted(_PUBLIC), "__version__"]


def __getattr__(name):
    if name in _PUBLIC:
        value = getattr(import_module(_PUBLIC[name]), name)
        globals()[name] = value  # later lookups skip this function
        return value
    raise AttributeError(f"module 'skgen' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_PUBLIC])
