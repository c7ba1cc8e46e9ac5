"""Two source trees of skgen on the same hot paths: is the new one slower?

A refactoring must not cost speed. This script times the paths every fit and
prediction goes through -- an EM iteration of every mixture covariance type
and HMM family, Viterbi, predictions in row blocks, naive Bayes, and an EM
iteration on a Dask LocalCluster -- under two checkouts of skgen, ``--base``
(e.g. a ``git worktree`` of the commit before) and ``--new`` (default: this
checkout). Each workload runs in fresh processes that import skgen from one
tree, warm up (Numba compiles into that tree's cache), then time ``--repeats``
calls; the trees alternate, their order reversing every round, and the table
gives the median over rounds of each process's median, with the ratio
new / base.

``--busy`` runs a competing single-threaded busy process throughout (results
in ``ab_busy.md``).

Usage: python benchmarks/ab_checkouts.py --base /path/to/old/checkout [--quick] [--busy]
"""

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

# No sys.path change at import: a Dask worker process re-imports this module,
# and must import skgen from the tree on its PYTHONPATH.
ROOT = Path(__file__).resolve().parents[1]

# -- workloads: run in a worker process, return the seconds of one call --------


def _mixture_data(n, d, k, covariance_type, seed=0):
    import numpy as np

    from skgen.mixture import GaussianMixture

    rng = np.random.default_rng(seed)
    centres = rng.uniform(-5, 5, (k, d))
    X = centres[rng.integers(k, size=n)] + rng.standard_normal((n, d))
    start = GaussianMixture(k, covariance_type=covariance_type, max_iter=0)
    start.set_params(random_state=0).fit(X[:20_000])
    init = dict(
        weights_init=start.weights_,
        means_init=start.means_,
        precisions_init=start.precisions_,
    )
    return X, init


def mixture_iteration(covariance_type, n=200_000, d=16, k=8, n_iter=5):
    from skgen.mixture import GaussianMixture

    X, init = _mixture_data(n, d, k, covariance_type)
    params = dict(covariance_type=covariance_type, tol=0.0, **init)

    def run():
        GaussianMixture(k, max_iter=n_iter, **params).fit(X)

    return run, n_iter


def mixture_predictions(n=200_000, d=16, k=8):
    from skgen.mixture import GaussianMixture

    X, init = _mixture_data(n, d, k, "full")
    model = GaussianMixture(k, max_iter=2, tol=0.0, **init).fit(X)

    def run():
        model.predict_proba(X)
        model.score_samples(X)

    return run, 1


def _sequences(n_sequences, n_steps, n_states, n_features, seed=0):
    import numpy as np

    rng = np.random.default_rng(seed)
    means = rng.uniform(-3, 3, (n_states, n_features))
    states = np.repeat(rng.integers(n_states, size=n_sequences * n_steps // 50), 50)
    X = means[states] + rng.standard_normal((len(states), n_features))
    return X, [n_steps] * n_sequences


def hmm_iteration(family, n_iter=5):
    import numpy as np

    from skgen import hmm

    if family == "gaussian":
        X, lengths = _sequences(100, 2000, 8, 4)
        model = hmm.GaussianHMM(8, covariance_type="diag")
    else:
        X, lengths = _sequences(50, 1000, 8, 3)
        if family == "categorical":
            X = np.digitize(X, [-1.0, 0.0, 1.0]).astype(np.intp)
            model = hmm.CategoricalHMM(8)
        elif family == "poisson":
            X = np.floor(np.abs(X) * 2)
            model = hmm.PoissonHMM(8)
        else:
            model = hmm.GMMHMM(4, n_mix=3, covariance_type="diag")
    start = model.set_params(n_iter=1, random_state=0).fit(X, lengths=lengths)
    model = start.set_params(n_iter=n_iter, tol=0.0, init_params="")

    def run():
        model.fit(X, lengths=lengths)

    return run, n_iter


def hmm_viterbi():
    from skgen.hmm import GaussianHMM

    X, lengths = _sequences(100, 2000, 8, 4)
    model = GaussianHMM(8, n_iter=2, random_state=0).fit(X, lengths=lengths)

    def run():
        model.predict(X, lengths=lengths)

    return run, 1


def naive_bayes(n=100_000, d=50):
    import numpy as np

    from skgen.naive_bayes import GaussianNB

    rng = np.random.default_rng(0)
    y = rng.integers(5, size=n)
    X = rng.standard_normal((n, d)) + y[:, None]

    def run():
        GaussianNB().fit(X, y).predict_proba(X)

    return run, 1


def dask_mixture_iteration(n=1_000_000, d=16, k=8, n_iter=3):
    """Exact EM on a LocalCluster of 2 one-thread worker processes."""
    import atexit

    import dask.array as da
    from distributed import Client, LocalCluster, wait

    from skgen.mixture import GaussianMixture

    X_np, init = _mixture_data(n, d, k, "full")
    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        env={"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"},
    )
    client = Client(cluster)
    atexit.register(cluster.close)
    atexit.register(client.close)
    X = da.from_array(X_np, chunks=(n // 8, -1)).persist()
    wait(X)
    params = dict(tol=0.0, **init)

    def run():
        GaussianMixture(k, max_iter=n_iter, **params).fit(X)

    return run, n_iter


WORKLOADS = {
    "mixture full, iteration": lambda: mixture_iteration("full"),
    "mixture tied, iteration": lambda: mixture_iteration("tied"),
    "mixture diag, iteration": lambda: mixture_iteration("diag"),
    "mixture spherical, iteration": lambda: mixture_iteration("spherical"),
    "mixture full, predict_proba + score_samples": mixture_predictions,
    "GaussianHMM, iteration": lambda: hmm_iteration("gaussian"),
    "GaussianHMM, Viterbi": hmm_viterbi,
    "CategoricalHMM, iteration": lambda: hmm_iteration("categorical"),
    "PoissonHMM, iteration": lambda: hmm_iteration("poisson"),
    "GMMHMM, iteration": lambda: hmm_iteration("gmm"),
    "GaussianNB, fit + predict_proba": naive_bayes,
    "mixture full on Dask (2 workers), iteration": dask_mixture_iteration,
}
QUICK = [
    "mixture full, iteration",
    "mixture diag, iteration",
    "GaussianHMM, iteration",
    "GaussianNB, fit + predict_proba",
]


def worker(tree, name, repeats):
    """In a fresh process: the seconds per unit of ``repeats`` calls."""
    sys.path.insert(0, tree)
    import warnings

    import skgen

    assert Path(skgen.__file__).resolve().is_relative_to(Path(tree).resolve())
    warnings.simplefilter("ignore")
    run, units = WORKLOADS[name]()
    run()  # warm up: compiles, or loads the tree's Numba cache
    times = []
    for _ in range(repeats):
        time.sleep(0.2)
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) / units)
    print(json.dumps(times))


def measure(trees, names, rounds, repeats):
    results = {name: {label: [] for label in trees} for name in names}
    labels = list(trees)
    for r in range(rounds):
        for name in names:
            for label in labels if r % 2 == 0 else labels[::-1]:
                out = subprocess.run(
                    [sys.executable, __file__, "--worker", trees[label], name],
                    capture_output=True,
                    text=True,
                    check=True,
                    env={**_environment(), "PYTHONPATH": trees[label]},
                )
                times = json.loads(out.stdout.strip().splitlines()[-1])
                results[name][label].append(statistics.median(times))
                print(f"round {r} {label:>4} {name}: {results[name][label][-1]:.4f} s")
    return results


def _environment():
    """This process's environment; the tree goes on PYTHONPATH, so that the
    worker processes of a Dask cluster import it too."""
    import os

    return {**os.environ, "PYTHONWARNINGS": "ignore"}


def table(results, trees):
    lines = [
        "| path | base ms | new ms | new / base |",
        "|---|---:|---:|---:|",
    ]
    rows = {}
    for name, by_tree in results.items():
        base = statistics.median(by_tree["base"]) * 1e3
        new = statistics.median(by_tree["new"]) * 1e3
        rows[name] = {"base_ms": base, "new_ms": new, "ratio": new / base}
        lines.append(f"| {name} | {base:.1f} | {new:.1f} | {new / base:.3f} |")
    return "\n".join(lines), rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="checkout of the code before")
    parser.add_argument("--new", default=str(ROOT), help="checkout of the code after")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", nargs="*", help="workload names to run")
    parser.add_argument(
        "--busy",
        action="store_true",
        help="run a competing single-threaded busy process the whole time",
    )
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker, args.repeats)
        return
    if args.base is None:
        parser.error("--base is required")
    sys.path.insert(0, str(ROOT))
    from benchmarks._common import machine, write_results

    names = args.only or (QUICK if args.quick else list(WORKLOADS))
    trees = {"base": args.base, "new": args.new}
    rounds = 2 if args.quick else args.rounds
    spinner = _busy_process() if args.busy else None
    try:
        results = measure(trees, names, rounds, args.repeats)
    finally:
        if spinner is not None:
            spinner.kill()
    markdown, rows = table(results, trees)
    commits = {label: _commit(path) for label, path in trees.items()}
    header = (
        "# Two checkouts of skgen on the hot paths\n\n"
        f"base {commits['base']}, new {commits['new']}; median over {rounds} "
        f"rounds of each process's median of {args.repeats} calls, the checkouts "
        "alternating (order reversed every other round). Seconds per EM "
        "iteration where it says so."
        + (" A single-threaded busy process ran on the machine throughout."
           if args.busy else "")
        + "\n\n"
    )  # fmt: skip
    write_results(
        "ab" + ("_quick" if args.quick else "") + ("_busy" if args.busy else ""),
        header + markdown + "\n",
        {"machine": machine(), "commits": commits, "rows": rows, "raw": results},
    )


def _busy_process():
    """A process that keeps one core busy (as a user's other work would)."""
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def _commit(path):
    out = subprocess.run(
        ["git", "-C", path, "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
    )
    return out.stdout.strip() or "unknown"


if __name__ == "__main__":
    main()
