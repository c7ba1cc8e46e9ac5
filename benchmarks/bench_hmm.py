"""GaussianHMM: skgen against hmmlearn, same data, same start.

100 sequences x 2,000 steps, 8 states, 4-d diagonal Gaussians; 10 Baum-Welch
iterations with tol=0 from one starting point, against both of hmmlearn's
implementations ('log', its default, and 'scaling'); Viterbi decoding of the
same data. Median of interleaved runs. Then a scaling table over the number
of states and the sequence length.

Usage: python benchmarks/bench_hmm.py [--quick]
"""

import argparse
import sys
import warnings
from importlib.metadata import version
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import (  # noqa: E402
    interleaved,
    machine,
    matmul_gflops,
    write_results,
)

TARGETS = {"log": 10.0, "scaling": 4.0, "viterbi": 5.0}


def make_data(n_sequences, n_steps, n_states, n_features, seed=0):
    rng = np.random.default_rng(seed)
    means = rng.uniform(-3, 3, (n_states, n_features))
    transmat = np.full((n_states, n_states), 0.05 / (n_states - 1))
    np.fill_diagonal(transmat, 0.95)
    states = np.empty(n_sequences * n_steps, dtype=int)
    for s in range(n_sequences):
        state = rng.integers(n_states)
        for t in range(n_steps):
            states[s * n_steps + t] = state
            state = rng.choice(n_states, p=transmat[state])
    X = means[states] + rng.standard_normal((len(states), n_features))
    return X, [n_steps] * n_sequences


def start_for(X, lengths, n_states):
    from hmmlearn import hmm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        head = X[:20000]
        init = hmm.GaussianHMM(n_states, n_iter=1, random_state=0).fit(
            head, [len(head)]
        )
    return {
        "startprob_": init.startprob_,
        "transmat_": init.transmat_,
        "means_": init.means_,
        "covars_": init._covars_,
    }


def configured(model, start):
    for name, value in start.items():
        setattr(model, name, np.array(value, copy=True))
    return model


def time_case(X, lengths, n_states, repeats, n_iter=10):
    from hmmlearn import hmm

    from skgen.hmm import GaussianHMM

    start = start_for(X, lengths, n_states)
    params = dict(n_components=n_states, n_iter=n_iter, tol=0.0, init_params="")
    ours = configured(GaussianHMM(**params), start)
    refs = {
        impl: configured(hmm.GaussianHMM(implementation=impl, **params), start)
        for impl in ("log", "scaling")
    }
    warnings.simplefilter("ignore")
    head = sum(lengths[:2])
    ours.fit(X[:head], lengths=lengths[:2])  # compile outside the timings
    configured(ours, start)

    def fit_ours():
        configured(ours, start).fit(X, lengths=lengths)

    def fit_ref(impl):
        return lambda: configured(refs[impl], start).fit(X, lengths)

    fits, _ = interleaved(
        {
            "skgen": fit_ours,
            "hmmlearn log": fit_ref("log"),
            "hmmlearn scaling": fit_ref("scaling"),
        },
        repeats,
    )
    fit_ours()
    fit_ref("log")()
    ours.decode(X, lengths)  # load the Viterbi kernel outside the timings
    viterbi, _ = interleaved(
        {
            "skgen": lambda: ours.decode(X, lengths),
            "hmmlearn": lambda: refs["log"].decode(X, lengths),
        },
        repeats,
    )
    agree = {
        "max_abs_diff_means": float(np.max(np.abs(ours.means_ - refs["log"].means_))),
        "loglik_rel_diff": float(
            abs(ours.lower_bound_ - refs["log"].monitor_.history[-1])
            / abs(refs["log"].monitor_.history[-1])
        ),
        "viterbi_paths_equal": bool(
            np.array_equal(
                ours.decode(X, lengths)[1], refs["log"].decode(X, lengths)[1]
            )
        ),
    }
    per_iter = {name: 1000 * t / n_iter for name, t in fits.items()}
    return per_iter, {k: 1000 * v for k, v in viterbi.items()}, agree


def missing_entries_cost(X, lengths, n_states, repeats, n_iter=10):
    """Baum-Welch with 20% of the entries missing (NaN) against the complete
    data, same start, per covariance type: ms per iteration and the ratio."""
    from skgen.hmm import GaussianHMM

    rng = np.random.default_rng(3)
    gaps = X.copy()
    gaps[rng.random(X.shape) < 0.2] = np.nan
    start = start_for(X, lengths, n_states)
    rows = {}
    warnings.simplefilter("ignore")
    for covariance_type in ("diag", "full"):
        full_start = dict(start)
        if covariance_type == "full":
            full_start["covars_"] = np.array([np.diag(c) for c in start["covars_"]])
        model = GaussianHMM(
            n_states,
            covariance_type=covariance_type,
            n_iter=n_iter,
            tol=0.0,
            init_params="",
        )
        head = sum(lengths[:2])
        for data in (X, gaps):  # compile outside the timings
            configured(model, full_start).fit(data[:head], lengths=lengths[:2])

        def fit(data, model=model, start=full_start):
            return lambda: configured(model, start).fit(data, lengths=lengths)

        times, _ = interleaved({"complete": fit(X), "20% missing": fit(gaps)}, repeats)
        rows[covariance_type] = {name: 1000 * t / n_iter for name, t in times.items()}
    return rows


def kernel_efficiency(X, lengths, n_states, repeats=9):
    """The forward-backward kernel alone: time per pass and GFLOP/s.

    Counts the multiplications, additions and divisions of the recursions
    (states padded to a multiple of 8): forward 2KP + 2P, backward 2P^2 + 3P,
    posteriors K, expected transitions 2KP per step; the exponentials of the
    frame probabilities are not counted.
    """
    import time

    from skgen.hmm import GaussianHMM, _kernels
    from skgen.hmm._base import _sequence_chunks

    model = configured(
        GaussianHMM(n_states, init_params=""), start_for(X, lengths, n_states)
    )
    model.n_features_in_ = X.shape[1]
    bounds = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    log_frameprob = model._frame_log_likelihood(X)
    posteriors = np.empty_like(log_frameprob)
    n_chunks = _sequence_chunks(bounds, n_states**2)

    def run():
        _kernels.forward_backward(
            model.startprob_,
            model.transmat_,
            log_frameprob,
            bounds,
            n_chunks,
            posteriors,
        )

    run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    seconds = float(np.median(times))
    k, p = n_states, -(-n_states // 8) * 8
    flops_per_step = 4 * k * p + 2 * p * p + 5 * p + k
    return {
        "ms_per_pass": 1000 * seconds,
        "flops_per_step": flops_per_step,
        "gflops": flops_per_step * X.shape[0] / seconds / 1e9,
        "matmul_gflops": matmul_gflops(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, 2 repeats")
    args = parser.parse_args()
    n_seq, n_steps = (10, 500) if args.quick else (100, 2000)
    repeats = 2 if args.quick else 5
    X, lengths = make_data(n_seq, n_steps, 8, 4)
    per_iter, viterbi, agree = time_case(X, lengths, 8, repeats)
    info = {**machine(), "hmmlearn": version("hmmlearn")}
    print(per_iter, viterbi, agree, flush=True)
    efficiency = kernel_efficiency(X, lengths, 8)
    print(efficiency, flush=True)
    missing = missing_entries_cost(X, lengths, 8, repeats)
    print(missing, flush=True)

    scaling_rows = []
    if not args.quick:
        for n_states in (2, 8, 32, 64):
            Xs, ls = make_data(20, 1000, n_states, 4, seed=1)
            it, vit, _ = time_case(Xs, ls, n_states, 3, n_iter=3)
            scaling_rows.append(("states", n_states, "20 x 1,000", it, vit))
            print(scaling_rows[-1], flush=True)
        for n_steps_s in (100, 1000, 10000):
            Xs, ls = make_data(20, n_steps_s, 8, 4, seed=2)
            it, vit, _ = time_case(Xs, ls, 8, 3, n_iter=3)
            scaling_rows.append(("length", 8, f"20 x {n_steps_s:,}", it, vit))
            print(scaling_rows[-1], flush=True)

    def ratio(a, b):
        return a / b

    lines = [
        "# GaussianHMM: skgen vs hmmlearn",
        "",
        f"{n_seq} sequences x {n_steps:,} steps, 8 states, 4-d diagonal Gaussians; "
        f"10 Baum-Welch iterations, tol=0, from the same start; median of {repeats} "
        "interleaved runs.",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in info.items()),
        "",
        "| task | hmmlearn ms | skgen ms | speed-up | target |",
        "|---|---:|---:|---:|---:|",
    ]
    for impl in ("log", "scaling"):
        r = ratio(per_iter[f"hmmlearn {impl}"], per_iter["skgen"])
        met = "met" if r >= TARGETS[impl] else "MISSED"
        peer = per_iter[f"hmmlearn {impl}"]
        lines.append(
            f"| Baum-Welch iteration vs hmmlearn '{impl}' | {peer:.1f} "
            f"| {per_iter['skgen']:.1f} | {r:.1f}x | {TARGETS[impl]:.0f}x ({met}) |"
        )
    r = ratio(viterbi["hmmlearn"], viterbi["skgen"])
    met = "met" if r >= 5 else "MISSED"
    lines.append(
        f"| Viterbi (all sequences) | {viterbi['hmmlearn']:.1f} "
        f"| {viterbi['skgen']:.1f} | {r:.1f}x | {TARGETS['viterbi']:.0f}x ({met}) |"
    )
    lines += [
        "",
        "Agreement after 10 iterations: max |means diff| "
        f"{agree['max_abs_diff_means']:.1e}, relative log-likelihood diff "
        f"{agree['loglik_rel_diff']:.1e}, Viterbi paths equal: "
        f"{agree['viterbi_paths_equal']}.",
        "",
        "The forward-backward kernel alone: "
        f"{efficiency['ms_per_pass']:.1f} ms per pass, "
        f"{efficiency['flops_per_step']} floating-point operations per step (the "
        "recursions' multiplications, additions and divisions; exponentials not "
        f"counted), so {efficiency['gflops']:.1f} GFLOP/s, against "
        f"{efficiency['matmul_gflops']:.1f} GFLOP/s for a 2000 x 2000 matrix product "
        "on the same cores: the recursions wait on each step's result (latency), "
        "not on arithmetic.",
        "",
    ]
    lines += [
        "## Missing entries (skgen only)",
        "",
        "The same data with 20% of the entries missing completely at random (NaN), "
        "10 Baum-Welch iterations from the same start, against the complete data:",
        "",
        "| covariance | complete ms/iter | 20% missing ms/iter | ratio |",
        "|---|---:|---:|---:|",
    ]
    for covariance_type, row in missing.items():
        lines.append(
            f"| {covariance_type} | {row['complete']:.1f} | {row['20% missing']:.1f} "
            f"| {row['20% missing'] / row['complete']:.2f}x |"
        )
    lines.append("")
    if scaling_rows:
        lines += [
            "## Scaling (3 iterations, median of 3)",
            "",
            "| varied | states | sequences | skgen ms/iter | hmmlearn scaling ms/iter "
            "| speed-up | skgen Viterbi ms | hmmlearn Viterbi ms |",
            "|---|---:|---|---:|---:|---:|---:|---:|",
        ]
        for varied, k, shape, it, vit in scaling_rows:
            lines.append(
                f"| {varied} | {k} | {shape} | {it['skgen']:.1f} "
                f"| {it['hmmlearn scaling']:.1f} "
                f"| {it['hmmlearn scaling'] / it['skgen']:.1f}x | {vit['skgen']:.1f} "
                f"| {vit['hmmlearn']:.1f} |"
            )
        lines.append("")
    write_results(
        "hmm" + ("_quick" if args.quick else ""),
        "\n".join(lines),
        {
            "machine": info,
            "per_iter_ms": per_iter,
            "kernel": efficiency,
            "viterbi_ms": viterbi,
            "agreement": agree,
            "missing_entries_ms_per_iter": missing,
            "scaling": [list(r) for r in scaling_rows],
        },
    )


if __name__ == "__main__":
    main()
