"""CategoricalHMM, PoissonHMM and GMMHMM: skgen against hmmlearn, same start.

For each emission family: 50 sequences x 1,000 steps, 10 Baum-Welch
iterations with tol=0 from one starting point, against both of hmmlearn's
implementations ('log', its default, and 'scaling'); then Viterbi decoding.
Median of interleaved runs; the agreement of the fitted parameters is printed
beside the times.

Usage: python benchmarks/bench_hmm_families.py [--quick]
"""

import argparse
import sys
import warnings
from importlib.metadata import version
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import interleaved, machine, write_results  # noqa: E402

N_ITER = 10


def state_paths(n_sequences, n_steps, n_states, rng):
    transmat = np.full((n_states, n_states), 0.05 / (n_states - 1))
    np.fill_diagonal(transmat, 0.95)
    cdf = np.cumsum(transmat, axis=1)
    states = np.empty(n_sequences * n_steps, dtype=int)
    for s in range(n_sequences):
        state = rng.integers(n_states)
        for t in range(n_steps):
            states[s * n_steps + t] = state
            state = min(int(np.searchsorted(cdf[state], rng.random())), n_states - 1)
    return states


def families(n_sequences, n_steps):
    """name -> (hmmlearn class name, constructor params, X, starting point)."""
    rng = np.random.default_rng(0)
    lengths = [n_steps] * n_sequences
    cases = {}

    states = state_paths(n_sequences, n_steps, 8, rng)
    emission = rng.dirichlet(np.full(16, 0.3), size=8)
    cdf = np.cumsum(emission[states], axis=1)
    X = (cdf > rng.random((len(states), 1))).argmax(axis=1)[:, None]
    cases["CategoricalHMM (8 states, 16 symbols)"] = (
        "CategoricalHMM",
        {"n_components": 8},
        X,
        {"emissionprob_": rng.dirichlet(np.ones(16), size=8)},
    )

    states = state_paths(n_sequences, n_steps, 8, rng)
    rates = rng.uniform(0.5, 20, (8, 4))
    cases["PoissonHMM (8 states, 4 counts)"] = (
        "PoissonHMM",
        {"n_components": 8},
        rng.poisson(rates[states]),
        {"lambdas_": rng.uniform(1, 10, (8, 4))},
    )

    states = state_paths(n_sequences, n_steps, 4, rng)
    mix = rng.integers(3, size=len(states))
    centres = rng.uniform(-4, 4, (4, 3, 4))
    X = centres[states, mix] + rng.standard_normal((len(states), 4))
    cases["GMMHMM (4 states x 3 mixtures, 4-d diag)"] = (
        "GMMHMM",
        {"n_components": 4, "n_mix": 3, "covariance_type": "diag"},
        X,
        {
            "weights_": np.full((4, 3), 1 / 3),
            "means_": centres + rng.normal(0, 0.5, centres.shape),
            "covars_": np.ones((4, 3, 4)),
        },
    )
    for _, params, _, start in cases.values():
        k = params["n_components"]
        start["startprob_"] = np.full(k, 1 / k)
        start["transmat_"] = np.full((k, k), 0.2 / k) + 0.8 * np.eye(k)
    return cases, lengths


def configured(model, start):
    for name, value in start.items():
        setattr(model, name, np.array(value, copy=True))
    return model


def time_family(cls_name, params, X, start, lengths, repeats):
    import hmmlearn.hmm

    import skgen.hmm

    params = dict(params, n_iter=N_ITER, tol=0.0, init_params="")
    ours = configured(getattr(skgen.hmm, cls_name)(**params), start)
    refs = {
        impl: configured(
            getattr(hmmlearn.hmm, cls_name)(implementation=impl, **params), start
        )
        for impl in ("log", "scaling")
    }
    head = sum(lengths[:2])
    ours.fit(X[:head], lengths=lengths[:2])  # compile outside the timings
    fits, _ = interleaved(
        {
            "skgen": lambda: configured(ours, start).fit(X, lengths=lengths),
            "hmmlearn log": lambda: configured(refs["log"], start).fit(X, lengths),
            "hmmlearn scaling": lambda: configured(refs["scaling"], start).fit(
                X, lengths
            ),
        },
        repeats,
    )
    ours.decode(X, lengths)
    viterbi, _ = interleaved(
        {
            "skgen": lambda: ours.decode(X, lengths),
            "hmmlearn": lambda: refs["log"].decode(X, lengths),
        },
        repeats,
    )
    names = [n for n in start if n not in ("startprob_",)]
    rel = max(
        float(
            np.max(np.abs(getattr(ours, n) - getattr(refs["log"], n)))
            / max(np.max(np.abs(getattr(refs["log"], n))), 1e-300)
        )
        for n in names
    )
    loglik = abs(ours.lower_bound_ - refs["log"].monitor_.history[-1]) / abs(
        refs["log"].monitor_.history[-1]
    )
    return (
        {k: 1000 * v / N_ITER for k, v in fits.items()},
        {k: 1000 * v for k, v in viterbi.items()},
        {"param_rel_diff": rel, "loglik_rel_diff": float(loglik)},
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, 2 repeats")
    args = parser.parse_args()
    n_seq, n_steps = (5, 400) if args.quick else (50, 1000)
    repeats = 2 if args.quick else 5
    warnings.simplefilter("ignore")
    cases, lengths = families(n_seq, n_steps)
    rows = []
    for label, (cls_name, params, X, start) in cases.items():
        it, vit, agree = time_family(cls_name, params, X, start, lengths, repeats)
        rows.append((label, it, vit, agree))
        print(label, it, vit, agree, flush=True)
    info = {**machine(), "hmmlearn": version("hmmlearn")}
    lines = [
        "# HMM emission families: skgen vs hmmlearn",
        "",
        f"{n_seq} sequences x {n_steps:,} steps; {N_ITER} Baum-Welch iterations, "
        f"tol=0, from the same start; median of {repeats} interleaved runs. "
        "Times in ms per iteration (Viterbi: ms for all sequences).",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in info.items()),
        "",
        "| model | hmmlearn log | hmmlearn scaling | skgen | vs log | vs scaling "
        "| Viterbi hmmlearn | Viterbi skgen | Viterbi speed-up | max rel. param diff "
        "| rel. log-lik diff |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, it, vit, agree in rows:
        lines.append(
            f"| {label} | {it['hmmlearn log']:.1f} | {it['hmmlearn scaling']:.1f} "
            f"| {it['skgen']:.1f} | {it['hmmlearn log'] / it['skgen']:.1f}x "
            f"| {it['hmmlearn scaling'] / it['skgen']:.1f}x | {vit['hmmlearn']:.1f} "
            f"| {vit['skgen']:.1f} | {vit['hmmlearn'] / vit['skgen']:.1f}x "
            f"| {agree['param_rel_diff']:.1e} | {agree['loglik_rel_diff']:.1e} |"
        )
    lines.append("")
    write_results(
        "hmm_families" + ("_quick" if args.quick else ""),
        "\n".join(lines),
        {"machine": info, "rows": [list(r) for r in rows]},
    )


if __name__ == "__main__":
    main()
