"""``skgen warmup``: compile every Numba kernel ahead of first use.

Each family is fitted, scored and sampled on a few rows of float64 data, once
with the serial and once with the parallel build of every kernel (see
:class:`skgen.utils._chunking.ParallelKernel`), which compiles (or loads from
the cache) the kernels those calls run; the command
prints the time each family took and where the cache is. Run it once after
installing (for instance in a Docker image or a CI cache step): later
processes load the kernels from the cache in a fraction of a second.
"""

import time
import warnings

import numpy as np

from skgen.utils._compilation import CompilationNotice, cache_location
from skgen.utils._threads import forced_build


def _rows(n_features=3, missing=False):
    X = np.random.default_rng(0).standard_normal((60, n_features))
    if missing:
        X[::7, 0] = np.nan
    return X


def _mixture():
    from skgen.mixture import BayesianGaussianMixture, GaussianMixture

    for covariance_type in ("full", "tied", "diag", "spherical"):
        for missing in (False, True):
            model = GaussianMixture(2, covariance_type=covariance_type, max_iter=3)
            X = _rows(missing=missing)
            model.fit(X).predict_proba(X)
            model.score_samples(X)
            model.sample(5)
        BayesianGaussianMixture(
            n_components=2, covariance_type=covariance_type, max_iter=3
        ).fit(_rows())


def _hmm():
    from skgen.hmm import GMMHMM, CategoricalHMM, GaussianHMM, PoissonHMM

    X, lengths = _rows(), [30, 30]
    for covariance_type in ("diag", "full", "tied", "spherical"):
        for data in (X, _rows(missing=True)):
            model = GaussianHMM(2, covariance_type=covariance_type, n_iter=3)
            model.fit(data, lengths).predict(data, lengths)
            model.score_samples(data, lengths)
        model.filter_proba(X, lengths)
        model.sample(5)
    GMMHMM(2, n_mix=2, n_iter=3).fit(X, lengths).predict(X, lengths)
    symbols = np.random.default_rng(0).integers(0, 3, (60, 1))
    CategoricalHMM(2, n_iter=3).fit(symbols, lengths).predict(symbols, lengths)
    counts = np.random.default_rng(0).poisson(2.0, (60, 2))
    PoissonHMM(2, n_iter=3).fit(counts, lengths).predict(counts, lengths)


def _naive_bayes():
    from skgen import naive_bayes

    y = np.arange(60) % 2
    counts = np.random.default_rng(0).poisson(2.0, (60, 3))
    for name in naive_bayes.__all__:
        X = _rows() if name == "GaussianNB" else counts
        model = getattr(naive_bayes, name)().fit(X, y)
        model.predict_proba(X)
        model.score_samples(X)
        model.sample(5)


def _kernel_density():
    from skgen.neighbors import KernelDensity

    X = _rows()
    KernelDensity().fit(X).score_samples(X)


def _neural():
    from skgen.neural import GAN, VAE

    X = _rows()
    for model in (VAE(max_iter=2), GAN(max_iter=2)):
        model.fit(X).sample(5)


#: Family name -> what compiles its kernels.
FAMILIES = {
    "mixtures": _mixture,
    "hidden Markov models": _hmm,
    "naive Bayes": _naive_bayes,
    "kernel density": _kernel_density,
    "neural networks": _neural,
}


def run(args, out):
    print(f"Numba's cache: {cache_location()}", file=out)
    total = 0.0
    for name, warm in FAMILIES.items():
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the point is to compile
            # Both builds of every parallel kernel: small data alone would
            # compile only the serial ones.
            for build in ("serial", "parallel"):
                with forced_build(build):
                    warm()
        seconds = time.perf_counter() - start
        total += seconds
        print(f"{name}: {seconds:.1f} s", file=out, flush=True)
    print(f"all: {total:.1f} s", file=out)
    return 0


__all__ = ["CompilationNotice", "FAMILIES", "run"]
