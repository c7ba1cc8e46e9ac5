"""GaussianHMM filtering, forecasting and sampling: skgen against hmmlearn.

Same parameters on both sides (8 states, 4-d diagonal Gaussians), 50
sequences x 2,000 steps:

- filtering, p(z_t | x_1..t) at every row: skgen's ``filter_proba`` against
  hmmlearn's closest equivalents. hmmlearn 0.3.3 has no public filter: its
  ``predict_proba`` is the *smoothed* p(z_t | x) (forward and backward passes,
  timed as the public reference), and the filtered probabilities are the
  forward lattice of its private compiled ``_hmmc.forward_scaling``, called per
  sequence on ``_compute_likelihood`` (timed as the like-for-like reference);
- forecast, 50 steps ahead of every sequence (state probabilities, predictive
  mean and covariance): skgen's ``forecast`` against hmmlearn's forward pass
  for the last filtered row and a numpy loop over the steps with hmmlearn's
  ``transmat_``, ``means_`` and ``covars_``;
- sampling: ``sample(100,000)`` against hmmlearn's ``sample``, and 1,000
  rows continuing a 2,000-row prefix (skgen ``sample(given=...)``; hmmlearn:
  its forward pass, a draw of the next state, ``sample(currstate=...)``).

Median of interleaved runs; the first (compiling) call is timed apart. The
agreement of the two sides' numbers is printed beside the times.

Usage: python benchmarks/bench_hmm_forecast.py [--quick]
"""

import argparse
import sys
import time
import warnings
from importlib.metadata import version
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import interleaved, machine, write_results  # noqa: E402

N_STATES, N_FEATURES, HORIZON = 8, 4, 50


def parameters(seed=0):
    rng = np.random.default_rng(seed)
    transmat = np.full((N_STATES, N_STATES), 0.05 / (N_STATES - 1))
    np.fill_diagonal(transmat, 0.95)
    return {
        "startprob_": np.full(N_STATES, 1.0 / N_STATES),
        "transmat_": transmat,
        "means_": rng.uniform(-3, 3, (N_STATES, N_FEATURES)),
        "covars_": rng.uniform(0.5, 2.0, (N_STATES, N_FEATURES)),
    }


def models(start):
    from hmmlearn import hmm

    from skgen.hmm import GaussianHMM

    params = dict(n_components=N_STATES, covariance_type="diag", init_params="")
    ours = GaussianHMM(**params, random_state=0)
    ref = hmm.GaussianHMM(**params, implementation="scaling", random_state=0)
    for model in (ours, ref):
        for name, value in start.items():
            setattr(model, name, np.array(value, copy=True))
        model.n_features_in_ = N_FEATURES
    ref.n_features = N_FEATURES
    return ours, ref


def hmmlearn_filter(ref, X, lengths):
    """The forward lattice of hmmlearn's scaled forward pass, per sequence."""
    from hmmlearn import _hmmc

    out = np.empty((X.shape[0], N_STATES))
    start = 0
    for n in lengths:
        frameprob = ref._compute_likelihood(X[start : start + n])
        _, fwd, _ = _hmmc.forward_scaling(ref.startprob_, ref.transmat_, frameprob)
        out[start : start + n] = fwd
        start += n
    return out


def hmmlearn_forecast(ref, X, lengths, n_steps):
    """The last filtered row of every sequence, then a numpy loop over steps."""
    last = hmmlearn_filter(ref, X, lengths)[np.cumsum(lengths) - 1]
    covars = ref.covars_  # (K, d, d)
    second = covars + ref.means_[:, :, None] * ref.means_[:, None, :]
    probs, means, covs = [], [], []
    p = last
    for _ in range(n_steps):
        p = p @ ref.transmat_
        mean = p @ ref.means_
        probs.append(p)
        means.append(mean)
        covs.append(
            np.einsum("sk,kde->sde", p, second) - mean[:, :, None] * mean[:, None, :]
        )
    return np.stack(probs, 1), np.stack(means, 1), np.stack(covs, 1)


def hmmlearn_continue(ref, prefix, n_samples, rng):
    last = hmmlearn_filter(ref, prefix, [len(prefix)])[-1]
    state = rng.choice(N_STATES, p=last @ ref.transmat_)
    return ref.sample(n_samples, random_state=rng, currstate=state)


def first_call(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(n_sequences, n_steps, n_sample, repeats):
    start = parameters()
    ours, ref = models(start)
    X, _ = ours.sample(n_sequences * n_steps, random_state=1)
    lengths = [n_steps] * n_sequences
    prefix = X[:n_steps]
    rng = np.random.RandomState(2)
    compile_s = {
        "filter_proba": first_call(lambda: ours.filter_proba(X[:10])),
        "forecast": first_call(lambda: ours.forecast(X[:10], n_steps=2)),
        "sample(given)": first_call(lambda: ours.sample(2, given=X[:10])),
    }
    rows = {}
    rows["filtering (all rows)"] = interleaved(
        {
            "skgen filter_proba": lambda: ours.filter_proba(X, lengths=lengths),
            "hmmlearn forward_scaling (private)": lambda: hmmlearn_filter(
                ref, X, lengths
            ),
            "hmmlearn predict_proba (smoothed)": lambda: ref.predict_proba(X, lengths),
        },
        repeats,
    )[0]
    rows[f"forecast ({HORIZON} steps, every sequence)"] = interleaved(
        {
            "skgen forecast": lambda: ours.forecast(
                X, n_steps=HORIZON, lengths=lengths
            ),
            "hmmlearn forward + numpy loop": lambda: hmmlearn_forecast(
                ref, X, lengths, HORIZON
            ),
        },
        repeats,
    )[0]
    rows[f"sample({n_sample:,})"] = interleaved(
        {
            "skgen sample": lambda: ours.sample(n_sample, random_state=rng),
            "hmmlearn sample": lambda: ref.sample(n_sample, random_state=rng),
        },
        repeats,
    )[0]
    rows[f"continue a {n_steps:,}-row prefix by 1,000 rows"] = interleaved(
        {
            "skgen sample(given)": lambda: ours.sample(
                1000, given=prefix, random_state=rng
            ),
            "hmmlearn forward + sample(currstate)": lambda: hmmlearn_continue(
                ref, prefix, 1000, rng
            ),
        },
        repeats,
    )[0]
    agreement = agreement_of(ours, ref, X, lengths)
    return rows, compile_s, agreement


def agreement_of(ours, ref, X, lengths):
    ours_forecast = ours.forecast(X, n_steps=HORIZON, lengths=lengths)
    probs, means, covs = hmmlearn_forecast(ref, X, lengths, HORIZON)
    return {
        "filter max abs diff": float(
            np.abs(
                ours.filter_proba(X, lengths=lengths) - hmmlearn_filter(ref, X, lengths)
            ).max()
        ),
        "forecast state_proba max abs diff": float(
            np.abs(ours_forecast.state_proba - probs).max()
        ),
        "forecast mean max abs diff": float(np.abs(ours_forecast.mean - means).max()),
        "forecast covariance max abs diff": float(
            np.abs(ours_forecast.covariance - covs).max()
        ),
    }


def markdown(rows, compile_s, agreement, info, sizes, repeats):
    n_sequences, n_steps, n_sample = sizes
    lines = [
        "# HMM filtering, forecasting and sampling: skgen vs hmmlearn",
        "",
        f"GaussianHMM, {N_STATES} states, {N_FEATURES}-d diagonal; {n_sequences} "
        f"sequences x {n_steps:,} steps; the same parameters on both sides. "
        f"Median of {repeats} interleaved runs, in ms. hmmlearn has no public "
        "filter: 'forward_scaling (private)' is its compiled scaled forward pass "
        "called per sequence (the filtered probabilities, like for like); "
        "'predict_proba (smoothed)' is its public posterior, which looks at the "
        "whole sequence.",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in info.items()),
        "",
        "| task | contender | ms | hmmlearn / skgen |",
        "|---|---|---:|---:|",
    ]
    for task, times in rows.items():
        ours = next(v for k, v in times.items() if k.startswith("skgen"))
        for name, seconds in times.items():
            ratio = "" if name.startswith("skgen") else f"{seconds / ours:.1f}x"
            lines.append(f"| {task} | {name} | {1000 * seconds:.2f} | {ratio} |")
    lines += [
        "",
        "First call of skgen, on 10 rows, s (compiling only with an empty "
        "NUMBA_CACHE_DIR; otherwise loading the cached kernels):",
        "",
    ]
    lines += [f"- {name}: {seconds:.2f}" for name, seconds in compile_s.items()]
    lines += ["", "Agreement with the hmmlearn-based references:", ""]
    lines += [f"- {name}: {value:.1e}" for name, value in agreement.items()]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, 2 repeats")
    args = parser.parse_args()
    sizes = (5, 400, 10_000) if args.quick else (50, 2000, 100_000)
    repeats = 2 if args.quick else 7
    warnings.simplefilter("ignore")
    rows, compile_s, agreement = run(*sizes, repeats)
    info = {**machine(), "hmmlearn": version("hmmlearn")}
    write_results(
        "hmm_forecast" + ("_quick" if args.quick else ""),
        markdown(rows, compile_s, agreement, info, sizes, repeats),
        {
            "machine": info,
            "sizes": sizes,
            "repeats": repeats,
            "ms": {t: {k: 1000 * v for k, v in r.items()} for t, r in rows.items()},
            "compile_s": compile_s,
            "agreement": agreement,
        },
    )


if __name__ == "__main__":
    main()
