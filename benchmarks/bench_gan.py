"""GAN: mode coverage on the ring and the grid of Gaussians; breast_cancer
C2ST and fit time against ctgan's CTGAN.

Mode coverage, the 2-D tests of the mode-collapse literature (VEEGAN,
PacGAN): a ring of 8 Gaussians of standard deviation 0.02 on a circle of
radius 2, and a 5x5 grid of 25 Gaussians of standard deviation 0.05 at
(-4, -2, 0, 2, 4)^2. 10,000 training rows, 400 epochs (18,000 discriminator
and generator updates, batch 200), noise of 2 dimensions as PacGAN's 2-D
experiments (whose generator has 4 hidden layers of 400 units, here 2 of 128,
and which ran 400,000 updates). From
2,500 generated rows: a row is "high quality" if it is within 3 standard
deviations of its nearest mode; a mode is captured if at least one
high-quality row is nearest to it (VEEGAN's and PacGAN's count) and, more
strictly, if it holds at least a fifth of its fair share (2500 / K) of them.
Several seeds. VEEGAN reports 8 modes with 52.9% high-quality rows on the
ring, 24.6 modes with 40% on the grid. The WGAN-GP loss is run once per data
set for reference (5 critic updates per generator update, as its paper).

breast_cancer: 70% train / 30% held out (stratified), standard-scaled on the
training rows; skgen's GAN and ctgan's CTGAN with the same epochs (50),
batch size (500) and hidden sizes ((256, 256), CTGAN's default); each
generates as many rows as are held out, and the classifier two-sample test
(skgen.metrics.c2st_score: gradient boosting, 5-fold) tells them from the
held-out rows: 0.5 is indistinguishable. Fit times: median of interleaved
runs, torch on 2 threads. The first fit's compile time (the Numba kernel of
the Parzen estimate, cached on disk afterwards) is timed apart, in a fresh
process with an empty cache.

A real table (``--part synth``): randhie as statsmodels ships it (20,190
rows x 10 columns, benchmarks/_real_tables.py::randhie_raw) written to a CSV
file; ``python -m skgen synth FILE --model gan`` (the GAN at its defaults,
20% of the rows held out, so 16,152 rows fitted and 14,537 training the
networks) runs in fresh processes after one untimed run that writes the
Numba cache; the table gives the fit time the command prints and its C2ST
accuracy against the held-out rows. ``--base PATH`` times the same command
with the skgen source tree at PATH (e.g. ``git archive`` of an older commit)
in alternate runs: the before and after of a change.

Without torch and ctgan installed, the breast_cancer part runs skgen's rows
and the baseline only, into results/gan_breast_cancer_without_ctgan.md.

Tables: results/gan_modes.md, results/gan_breast_cancer.md and
results/gan_synth.md.

Usage: python benchmarks/bench_gan.py [--quick] [--part modes|breast_cancer|synth]
[--base PATH]
"""

import argparse
import itertools
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from importlib.metadata import version
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import (  # noqa: E402
    ROOT,
    breast_cancer_split,
    fit_ctgan_model,
    gaussian_mixture_baseline,
    interleaved,
    machine,
    run_python,
    write_results,
)

N_ROWS, MODE_EPOCHS, N_EVAL = 10_000, 400, 2500
MODE_PARAMS = dict(n_components=2, hidden_layer_sizes=(128, 128), pac=2)
WGAN_PARAMS = dict(loss="wgan-gp", discriminator_steps=5)
EPOCHS, BATCH, HIDDEN = 50, 500, (256, 256)
# skgen's GAN with its defaults (step 1e-3) and with a step of 3e-3: at
# batch 500 an epoch of breast_cancer is one update of each network, 50 in
# all. Measured on seeds 0-4 while choosing it: C2ST 0.901 (1e-3), 0.878
# (2e-3), 0.854 (3e-3), 0.878 (5e-3).
TUNED_LEARNING_RATE = 3e-3
# Beyond the comparison: what the defaults reach with more updates (C2ST
# only, not timed).
LONG_EPOCHS, LONG_BATCH = 1000, 64
LONG_RUN = f"skgen GAN (defaults), {LONG_EPOCHS} epochs, batch {LONG_BATCH}"
# GAN(random_state=seed): its own hidden layers, batch and epochs too.
ALL_DEFAULTS = "skgen GAN (all defaults)"


def ring(n, rng):
    angles = 2 * np.pi * np.arange(8) / 8
    centres = 2.0 * np.column_stack([np.cos(angles), np.sin(angles)])
    return (
        centres,
        0.02,
        centres[rng.randint(8, size=n)] + 0.02 * rng.standard_normal((n, 2)),
    )


def grid(n, rng):
    centres = np.array(list(itertools.product(range(-4, 5, 2), repeat=2)), float)
    return (
        centres,
        0.05,
        centres[rng.randint(25, size=n)] + 0.05 * rng.standard_normal((n, 2)),
    )


def coverage(samples, centres, std):
    """(modes with a high-quality row, modes with a fifth of their share,
    share of high-quality rows)."""
    distances = np.linalg.norm(samples[:, None, :] - centres[None], axis=2)
    high_quality = distances.min(axis=1) < 3 * std
    counts = np.bincount(distances.argmin(axis=1)[high_quality], minlength=len(centres))
    strict = np.sum(counts >= 0.2 * len(samples) / len(centres))
    return int(np.sum(counts > 0)), int(strict), float(high_quality.mean())


def mode_run(data, seed, params):
    from skgen.neural import GAN

    centres, std, X = data(N_ROWS, np.random.RandomState(1000 + seed))
    tic = time.perf_counter()
    model = GAN(**params, max_iter=MODE_EPOCHS, random_state=seed).fit(X)
    seconds = time.perf_counter() - tic
    samples, _ = model.sample(N_EVAL, random_state=seed)
    modes, strict, high_quality = coverage(samples, centres, std)
    return {
        "modes": modes,
        "modes_strict": strict,
        "high_quality": high_quality,
        "seconds": seconds,
    }


def fitters(seed, with_ctgan=True):
    """name -> function(X_train) returning a function(n) -> synthetic rows."""
    from skgen.neural import GAN

    def skgen_gan(learning_rate, epochs=EPOCHS, batch_size=BATCH):
        def fit(X):
            model = GAN(
                hidden_layer_sizes=HIDDEN,
                batch_size=batch_size,
                max_iter=epochs,
                learning_rate_init=learning_rate,
                random_state=seed,
            ).fit(X)
            return lambda n: model.sample(n, random_state=seed)[0]

        return fit

    def ctgan(X):
        from ctgan import CTGAN

        model = CTGAN(
            generator_dim=HIDDEN,
            discriminator_dim=HIDDEN,
            batch_size=BATCH,
            epochs=EPOCHS,
            cuda=False,
        )
        return fit_ctgan_model(model, X, seed)

    def skgen_gan_defaults(X):
        model = GAN(random_state=seed).fit(X)
        return lambda n: model.sample(n, random_state=seed)[0]

    contenders = {
        "skgen GAN (defaults)": skgen_gan(1e-3),
        f"skgen GAN (step {TUNED_LEARNING_RATE:g})": skgen_gan(TUNED_LEARNING_RATE),
        "ctgan CTGAN": ctgan,
        "GaussianMixture": gaussian_mixture_baseline(seed),
        ALL_DEFAULTS: skgen_gan_defaults,
        LONG_RUN: skgen_gan(1e-3, LONG_EPOCHS, LONG_BATCH),
    }
    if not with_ctgan:
        del contenders["ctgan CTGAN"]
    return contenders


_FIRST_FIT = """
import json, time, numpy as np
from skgen.neural import GAN
X = np.random.RandomState(0).standard_normal((500, 5))
times = []
for _ in range(2):
    tic = time.perf_counter()
    GAN(hidden_layer_sizes=(32,), max_iter=5, random_state=0).fit(X)
    times.append(time.perf_counter() - tic)
print(json.dumps(times))
"""


def machine_info(torch, load_before):
    peers = {}
    if torch is not None:
        peers = {
            "torch": version("torch"),
            "ctgan": version("ctgan"),
            "torch_threads": torch.get_num_threads(),
        }
    return {
        **machine(),
        **peers,
        "load_average_1min_before_after": [load_before[0], os.getloadavg()[0]],
    }


def modes_part(seeds, suffix, torch):
    load_before = os.getloadavg()
    modes = {}
    for (name, data), seed in itertools.product(
        [("ring", ring), ("grid", grid)], seeds
    ):
        result = mode_run(data, seed, MODE_PARAMS)
        modes.setdefault(name, []).append(result)
        print(name, seed, result, flush=True)
    wgan = {}
    for name, data in [("ring", ring), ("grid", grid)]:
        wgan[name] = mode_run(data, 0, {**MODE_PARAMS, **WGAN_PARAMS})
        print(name, "wgan-gp", wgan[name], flush=True)

    info = machine_info(torch, load_before)
    lines = [
        "# GAN: modes of the ring (8) and the grid (25) of Gaussians",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in info.items()),
        "",
        f"{N_ROWS} training rows, {MODE_EPOCHS} epochs (batch 200), "
        f"skgen GAN {MODE_PARAMS}, non-saturating loss, other parameters at "
        f"their defaults; {N_EVAL} generated rows, seeds {seeds}. High quality: "
        "within 3 standard deviations of the nearest mode. Modes: with at least "
        "one high-quality row (VEEGAN, PacGAN); strict: with a fifth of their "
        "fair share. VEEGAN (published): ring 8 modes, 52.9%; grid 24.6 modes, "
        "40%. Target: all modes, at least 90% high quality. Fit s: median over "
        "the seeds, one core.",
        "",
        "| data | modes (mean, min) | strict modes (mean, min) "
        "| high quality (mean, min) | per seed | fit s |",
        "|---|---:|---:|---:|---|---:|",
    ]
    for name, results in modes.items():
        got = {key: [r[key] for r in results] for key in results[0]}
        per_seed = ", ".join(f"{q:.1%}" for q in got["high_quality"])
        lines.append(
            f"| {name} | {np.mean(got['modes']):.1f}, {min(got['modes'])} "
            f"| {np.mean(got['modes_strict']):.1f}, {min(got['modes_strict'])} "
            f"| {np.mean(got['high_quality']):.1%}, {min(got['high_quality']):.1%} "
            f"| {per_seed} | {np.median(got['seconds']):.1f} |"
        )
    lines += [
        "",
        f"For reference, loss='wgan-gp' ({WGAN_PARAMS}), seed 0, same budget:",
        "",
        "| data | modes | strict modes | high quality | fit s |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, r in wgan.items():
        lines.append(
            f"| {name} | {r['modes']} | {r['modes_strict']} "
            f"| {r['high_quality']:.1%} | {r['seconds']:.1f} |"
        )
    lines.append("")
    write_results(
        "gan_modes" + suffix,
        "\n".join(lines),
        {"machine": info, "modes": modes, "wgan_gp_modes": wgan},
    )


def tabular_part(seeds, repeats, suffix, torch):
    from threadpoolctl import threadpool_limits

    from skgen.metrics import c2st_score

    load_before = os.getloadavg()
    with_ctgan = torch is not None
    c2st = {name: [] for name in fitters(0, with_ctgan)}
    for seed in seeds:
        X_train, X_test = breast_cancer_split(seed)
        for name, fit in fitters(seed, with_ctgan).items():
            synthetic = fit(X_train)(len(X_test))
            # Gradient boosting's OpenMP threads fight the other contenders.
            with threadpool_limits(1):
                score = c2st_score(X_test, synthetic, random_state=seed)["accuracy"]
            c2st[name].append(score)
            print(seed, name, round(score, 3), flush=True)

    X_train, _ = breast_cancer_split(0)
    runs = {
        name: (lambda fit=fit: fit(X_train))
        for name, fit in fitters(0, with_ctgan).items()
        if name != LONG_RUN
    }
    times, all_times = interleaved(runs, repeats, settle=0.5)
    fastest = {name: min(ts) for name, ts in all_times.items()}
    print(all_times, flush=True)
    with tempfile.TemporaryDirectory() as cache:
        first, warm = run_python(_FIRST_FIT, env={"NUMBA_CACHE_DIR": cache})

    info = machine_info(torch, load_before)
    title = "skgen vs ctgan's CTGAN" if with_ctgan else "skgen (ctgan not installed)"
    lines = [
        f"# GAN on breast_cancer: C2ST and fit time, {title}",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in info.items()),
        "",
        f"70/30 stratified split, standard-scaled; {EPOCHS} epochs, batch {BATCH}, "
        f"hidden {HIDDEN} for both GANs (CTGAN otherwise at its defaults: "
        "step 2e-4, pac 10, embedding 128; skgen at its defaults: noise 16, "
        "pac 2, step 1e-3, or the step given). GaussianMixture: full "
        "covariances, components by BIC. C2ST: held-out accuracy of "
        "skgen.metrics.c2st_score's gradient boosting telling synthetic from "
        f"held-out rows (0.5 = indistinguishable), seeds {seeds}. Fit time: "
        f"median and fastest of {repeats} interleaved runs (the machine is "
        "shared: torch's two threads suffer most from other processes; see "
        "the load average above). The last two rows, beyond the comparison: "
        f"'{ALL_DEFAULTS}' is GAN(random_state=seed) (its own hidden layers, "
        "batch 200 and max_iter='auto'); the last one gives skgen's defaults "
        f"{LONG_EPOCHS} epochs at batch {LONG_BATCH} (not timed).",
        "",
        "| model | C2ST accuracy (mean) | per seed | abs(C2ST - 0.5) "
        "| fit s (median) | fit s (fastest) |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for name, scores in c2st.items():
        per_seed = ", ".join(f"{s:.3f}" for s in scores)
        timed = f"{times[name]:.2f} | {fastest[name]:.2f}" if name in times else "- | -"
        lines.append(
            f"| {name} | {np.mean(scores):.3f} | {per_seed} "
            f"| {abs(np.mean(scores) - 0.5):.3f} | {timed} |"
        )
    if with_ctgan:
        ratio = times["ctgan CTGAN"] / times["skgen GAN (defaults)"]
        ratio_fastest = fastest["ctgan CTGAN"] / fastest["skgen GAN (defaults)"]
        lines += [
            "",
            f"Fit: skgen GAN (defaults) {ratio:.1f}x faster than CTGAN on the "
            f"medians, {ratio_fastest:.1f}x on the fastest runs (target: 2x).",
        ]
    lines += [
        "",
        f"First fit in a fresh process with an empty Numba cache: {first:.2f} s "
        f"(compiling the Parzen kernel); the same fit again: {warm:.2f} s.",
        "",
    ]
    write_results(
        "gan_breast_cancer" + ("" if with_ctgan else "_without_ctgan") + suffix,
        "\n".join(lines),
        {
            "machine": info,
            "c2st": c2st,
            "fit_seconds": all_times,
            "first_fit_seconds": first,
            "warm_fit_seconds": warm,
        },
    )


def _synth_run(path, folder, tree):
    """One ``skgen synth --model gan`` in a fresh process importing skgen
    from ``tree``: (fit seconds as printed, C2ST accuracy)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    out = subprocess.run(
        [sys.executable, "-m", "skgen", "synth", str(path), "--model", "gan",
         "-n", "1000", "-o", str(Path(folder) / "out.csv"),
         "--report", str(Path(folder) / "report")],
        capture_output=True, text=True, check=True, env=env,
        cwd=folder,  # python -m puts the working directory first on sys.path
    ).stdout  # fmt: skip
    fit = float(re.search(r"fitted gan in ([0-9.]+) s", out)[1])
    c2st = float(re.search(r"C2ST accuracy: ([0-9.]+)", out)[1])
    return fit, c2st


def synth_part(repeats, suffix, base):
    from benchmarks._real_tables import randhie_raw
    from skgen.neural import GAN

    load_before = os.getloadavg()
    trees = {"this tree": ROOT}
    if base is not None:
        trees["base"] = Path(base).resolve()
    frame = randhie_raw()
    n_fitted = len(frame) - round(0.2 * len(frame))
    gan = GAN()
    n_training = n_fitted - max(1, round(gan.parzen_validation_fraction * n_fitted))
    epochs = gan._n_epochs(n_training)
    runs = {name: [] for name in trees}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "randhie.csv"
        frame.to_csv(path, index=False)
        for tree in trees.values():
            _synth_run(path, folder, tree)  # writes the caches
        for r in range(repeats):
            for name in list(trees) if r % 2 == 0 else list(trees)[::-1]:
                runs[name].append(_synth_run(path, folder, trees[name]))
                print(name, runs[name][-1], flush=True)
    info = {**machine(), "load_average_1min_before_after": [
        load_before[0], os.getloadavg()[0]]}  # fmt: skip
    lines = [
        "# GAN on a real table: `skgen synth --model gan` on randhie",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in info.items()),
        "",
        f"randhie as statsmodels ships it ({len(frame):,} rows x "
        f"{frame.shape[1]} columns), `python -m skgen synth FILE --model gan "
        f"-n 1000`: {n_fitted:,} rows fitted (20% held out), {n_training:,} of "
        "them training the networks (the rest choose the Parzen bandwidth). "
        "The GAN at its defaults: for this tree "
        f"hidden {gan.hidden_layer_sizes}, max_iter={gan.max_iter!r} "
        f"({epochs} epochs of batch 200). Fit: the seconds the command "
        "prints (the pipeline's fit, one thread), median of "
        f"{repeats} fresh processes after one that writes the Numba cache"
        + (", the trees alternating" if base else "")
        + ". C2ST: the command's report (gradient boosting on 1,000 synthetic "
        "and 1,000 held-out rows, 3 folds; 0.5 is ideal). Bound of issue 19: "
        "20 s.",
        "",
        "| skgen | fit s (median) | fit s (all) | C2ST accuracy |",
        "|---|---:|---|---:|",
    ]
    for name, results in runs.items():
        fits = [f for f, _ in results]
        label = name if name == "this tree" else f"base ({base})"
        lines.append(
            f"| {label} | {statistics.median(fits):.1f} "
            f"| {', '.join(f'{f:.1f}' for f in fits)} | {results[0][1]:.3f} |"
        )
    lines.append("")
    write_results(
        "gan_synth" + suffix,
        "\n".join(lines),
        {"machine": info, "epochs": epochs, "runs": runs, "base": base},
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one seed, 2 repeats")
    parser.add_argument(
        "--part",
        choices=["modes", "breast_cancer", "synth", "all"],
        default="all",
        help="run one part only (each writes its own table)",
    )
    parser.add_argument(
        "--base",
        help="synth part: also time the skgen source tree at this path",
    )
    args = parser.parse_args()
    try:
        import torch
    except ImportError:  # the breast_cancer part then runs without CTGAN
        torch = None
    else:
        torch.set_num_threads(2)
    warnings.simplefilter("ignore")
    seeds = [0] if args.quick else [0, 1, 2, 3, 4]
    repeats = 2 if args.quick else 3
    suffix = "_quick" if args.quick else ""
    if args.part in ("modes", "all"):
        modes_part(seeds, suffix, torch)
    if args.part in ("breast_cancer", "all"):
        tabular_part(seeds, repeats, suffix, torch)
    if args.part in ("synth", "all"):
        synth_part(repeats, suffix, args.base)


if __name__ == "__main__":
    main()
