"""First use: a fresh process, an empty Numba cache, one fit and predict.

For every estimator, a new interpreter with ``NUMBA_CACHE_DIR`` pointed at a
new empty folder imports skgen, fits a small problem and predicts (or scores)
it; the time is the whole process's wall time, interpreter start included,
which is what a user waits on the first call after ``pip install``. Also the
same process with the cache it just filled (the second use), and
``import skgen`` against ``import sklearn.mixture``. Targets (issue "speed
under real conditions"): mixtures, naive Bayes and neural estimators at most
5 s, HMMs at most 10 s.

Usage: python benchmarks/bench_first_use.py [--only NAME ...]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import ROOT, machine, write_results  # noqa: E402

_DATA = """
import warnings
warnings.simplefilter("ignore")
import numpy as np
rng = np.random.default_rng(0)
X = rng.standard_normal((300, 4))
y = (X[:, 0] > 0).astype(int)
counts = rng.poisson(2.0, (300, 4))
symbols = rng.integers(0, 4, (300, 1))
lengths = [100, 200]
"""

#: name -> (target seconds, code run after _DATA)
ESTIMATORS = {
    "GaussianMixture full": (
        5,
        "from skgen.mixture import GaussianMixture as M\n"
        "M(3, covariance_type='full', random_state=0).fit(X).predict(X)",
    ),
    "GaussianMixture tied": (
        5,
        "from skgen.mixture import GaussianMixture as M\n"
        "M(3, covariance_type='tied', random_state=0).fit(X).predict(X)",
    ),
    "GaussianMixture diag": (
        5,
        "from skgen.mixture import GaussianMixture as M\n"
        "M(3, covariance_type='diag', random_state=0).fit(X).predict(X)",
    ),
    "GaussianMixture spherical": (
        5,
        "from skgen.mixture import GaussianMixture as M\n"
        "M(3, covariance_type='spherical', random_state=0).fit(X).predict(X)",
    ),
    "BayesianGaussianMixture": (
        5,
        "from skgen.mixture import BayesianGaussianMixture as M\n"
        "M(n_components=3, random_state=0).fit(X).predict(X)",
    ),
    "GaussianMixtureRegressor": (
        5,
        "from skgen.mixture import GaussianMixtureRegressor as M\n"
        "M(n_components=3, random_state=0).fit(X[:, :3], X[:, 3]).predict(X[:, :3])",
    ),
    "MixedTypeMixture": (
        5,
        "from skgen.mixture import MixedTypeMixture as M\n"
        "Z = np.column_stack([X[:, :2], counts[:, :1]])\n"
        "M(n_components=3, random_state=0).fit(Z).predict(Z)",
    ),
    "GaussianNB": (
        5,
        "from skgen.naive_bayes import GaussianNB as M\nM().fit(X, y).predict(X)",
    ),
    "MultinomialNB": (
        5,
        "from skgen.naive_bayes import MultinomialNB as M\n"
        "M().fit(counts, y).predict(counts)",
    ),
    "BernoulliNB": (
        5,
        "from skgen.naive_bayes import BernoulliNB as M\n"
        "M().fit(counts > 1, y).predict(counts > 1)",
    ),
    "CategoricalNB": (
        5,
        "from skgen.naive_bayes import CategoricalNB as M\n"
        "M().fit(counts, y).predict(counts)",
    ),
    "ComplementNB": (
        5,
        "from skgen.naive_bayes import ComplementNB as M\n"
        "M().fit(counts, y).predict(counts)",
    ),
    "VAE": (
        5,
        "from skgen.neural import VAE as M\n"
        "m = M(max_iter=5, random_state=0).fit(X); m.score_samples(X)",
    ),
    "GAN": (
        5,
        "from skgen.neural import GAN as M\n"
        "m = M(max_iter=5, random_state=0).fit(X); m.score_samples(X)",
    ),
    "SemiSupervisedVAE": (
        5,
        "from skgen.neural import SemiSupervisedVAE as M\n"
        "M(max_iter=5, random_state=0).fit(X, np.where(np.arange(300) % 5, -1, y))"
        ".predict(X)",
    ),
    "GaussianHMM": (
        10,
        "from skgen.hmm import GaussianHMM as M\n"
        "M(3, n_iter=5, random_state=0).fit(X, lengths).predict(X, lengths)",
    ),
    "CategoricalHMM": (
        10,
        "from skgen.hmm import CategoricalHMM as M\n"
        "M(3, n_iter=5, random_state=0).fit(symbols, lengths)"
        ".predict(symbols, lengths)",
    ),
    "PoissonHMM": (
        10,
        "from skgen.hmm import PoissonHMM as M\n"
        "M(3, n_iter=5, random_state=0).fit(counts, lengths).predict(counts, lengths)",
    ),
    "GMMHMM": (
        10,
        "from skgen.hmm import GMMHMM as M\n"
        "M(3, n_mix=2, n_iter=5, random_state=0).fit(X, lengths)"
        ".predict(X, lengths)",
    ),
}


def wall_time(code, cache, tree=ROOT):
    env = {**os.environ, "PYTHONPATH": str(tree), "NUMBA_CACHE_DIR": cache}
    start = time.perf_counter()
    # Run outside any checkout: ``python -c`` puts the working folder first
    # on sys.path, ahead of PYTHONPATH.
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=cache)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="estimator names to run")
    parser.add_argument(
        "--tree",
        help="another skgen checkout: first use under both, alternating (3 rounds)",
    )
    args = parser.parse_args()
    if args.tree:
        return compare_trees(args.only or list(ESTIMATORS), args.tree)
    names = args.only or list(ESTIMATORS)
    rows = []
    for name in names:
        target, code = ESTIMATORS[name]
        with tempfile.TemporaryDirectory() as cache:
            first = wall_time(_DATA + code, cache)
            second = wall_time(_DATA + code, cache)
        rows.append(
            {
                "estimator": name,
                "first_s": first,
                "cached_s": second,
                "target_s": target,
            }
        )
        print(rows[-1], flush=True)
    imports = {}
    for module in ("skgen", "sklearn.mixture"):
        imports[module] = statistics.median(
            wall_time(f"import {module}", tempfile.gettempdir()) for _ in range(5)
        )
    baseline = statistics.median(
        wall_time("pass", tempfile.gettempdir()) for _ in range(5)
    )
    lines = [
        "# First use: fresh process, empty Numba cache, fit and predict",
        "",
        "Wall time of a new interpreter that imports skgen, fits a small problem "
        "(300 rows) and predicts or scores it, with `NUMBA_CACHE_DIR` a new empty "
        "folder; then the same with that cache filled.",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in machine().items()),
        "",
        "| estimator | first use, s | cached, s | target, s |",
        "|---|---:|---:|---:|",
    ]
    for r in rows:
        met = "met" if r["first_s"] <= r["target_s"] else "MISSED"
        lines.append(
            f"| {r['estimator']} | {r['first_s']:.1f} | {r['cached_s']:.1f} "
            f"| {r['target_s']} ({met}) |"
        )
    lines += [
        "",
        f"Interpreter alone: {baseline:.2f} s; `import skgen`: "
        f"{imports['skgen']:.2f} s; `import sklearn.mixture`: "
        f"{imports['sklearn.mixture']:.2f} s (whole processes, median of 5).",
        "",
    ]
    write_results(
        "first_use",
        "\n".join(lines),
        {
            "machine": machine(),
            "rows": rows,
            "imports_s": imports,
            "python_s": baseline,
        },
    )


def compare_trees(names, other, rounds=3):
    """First use of ``names`` under this tree and ``other``, alternating."""
    times = {(name, tree): [] for name in names for tree in ("this", "other")}
    for r in range(rounds):
        for name in names:
            code = _DATA + ESTIMATORS[name][1]
            order = [("this", ROOT), ("other", other)]
            for label, tree in order if r % 2 == 0 else order[::-1]:
                with tempfile.TemporaryDirectory() as cache:
                    times[name, label].append(wall_time(code, cache, tree))
    lines = [
        "# First use: this checkout against another",
        "",
        f"Other checkout: {other}. Fresh process, empty cache, fit and predict; "
        f"median of {rounds} rounds, the trees alternating.",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in machine().items()),
        "",
        "| estimator | this, s | other, s |",
        "|---|---:|---:|",
    ]
    for name in names:
        this = statistics.median(times[name, "this"])
        that = statistics.median(times[name, "other"])
        lines.append(f"| {name} | {this:.1f} | {that:.1f} |")
    write_results(
        "first_use_against_tree",
        "\n".join(lines),
        {
            "machine": machine(),
            "other": other,
            "times": {f"{n} / {t}": v for (n, t), v in times.items()},
        },
    )


if __name__ == "__main__":
    main()
