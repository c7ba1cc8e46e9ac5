"""The semi-supervised VAE (M2) on digits against scikit-learn's
semi-supervised learners and a supervised baseline.

sklearn's digits (8x8, pixels scaled to [0, 1]); per seed a stratified
held-out quarter, and 2%, 5% or 10% of the training rows labelled (at least
one per class), the rest unlabeled. Accuracy on the held-out quarter (mean
and standard deviation over seeds) and fit time of:

- ``SemiSupervisedVAE`` (skgen.neural), predicting with its generative
  posterior ``p(y | x)``;
- M1+M2: a ``Pipeline`` of an unsupervised ``VAE`` (``conditional=False``,
  fitted on every training row) and the ``SemiSupervisedVAE`` on its latent
  means (Kingma et al.'s stacked model);
- ``LabelSpreading`` with a k-nearest-neighbour graph (scikit-learn's
  defaults for it, ``n_neighbors=7, alpha=0.2``), and with the RBF kernel of
  scikit-learn's digits example (``gamma=0.25`` on pixels in 0..16, that is
  64 on pixels in [0, 1], ``max_iter=20``);
- ``SelfTrainingClassifier(LogisticRegression())``;
- ``LogisticRegression`` on the labelled rows only.

The target: at 5% labels, the SSVAE at least as accurate as LabelSpreading.

With ``--ablation``, the SSVAE alone at 5% labels, its settings changed one
at a time (the classifier's ``q(y | x)`` for prediction, the paper's
``alpha=0.1``, 16 latent dimensions, the default step and epochs), on the
same splits: ``results/semi_supervised_vae_ablation.md``. With ``--tuning``,
the same on the tuning splits (seeds 10 to 12, where the settings were
chosen): ``results/semi_supervised_vae_tuning.md``.

Usage: nice -n 19 python benchmarks/bench_semi_supervised_vae.py
[--quick | --ablation | --tuning]
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import machine, write_results, write_rst_table  # noqa: E402
from benchmarks.bench_semi_supervised import labelled  # noqa: E402

FRACTIONS = [0.02, 0.05, 0.10]

#: Seeds of the splits the settings were chosen on (not reported).
TUNING_SEEDS = range(10, 13)

#: The SSVAE's settings, chosen at 5% labels on three other splits
#: (TUNING_SEEDS, so not on the held-out quarters reported); --tuning and
#: --ablation measure each one's effect on those splits and on the reported
#: ones.
SSVAE_PARAMS = dict(
    n_components=4,
    hidden_layer_sizes=(256,),
    likelihood="bernoulli",
    alpha=3.0,
    learning_rate_init=0.003,
    max_iter=200,
    n_iter_no_change=30,
    posterior="generative",
)

#: M1+M2: the unsupervised VAE (M1) on the pixels, and the SSVAE (M2) on its
#: latent means (Gaussian, standardised); the best of the few tried on
#: TUNING_SEEDS.
M1_PARAMS = dict(
    n_components=10,
    hidden_layer_sizes=(256,),
    likelihood="bernoulli",
    learning_rate_init=0.003,
    max_iter=300,
    n_iter_no_change=30,
)
M2_PARAMS = {
    **SSVAE_PARAMS,
    "likelihood": "gaussian",
    "alpha": 1.0,
    "learning_rate_init": 0.001,
}


def methods(seed, quick):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.semi_supervised import LabelSpreading, SelfTrainingClassifier

    from skgen.neural import VAE, SemiSupervisedVAE

    short = {"max_iter": 20} if quick else {}
    return {
        "SemiSupervisedVAE": lambda: SemiSupervisedVAE(
            **{**SSVAE_PARAMS, **short}, random_state=seed
        ),
        "M1+M2 (VAE, then SemiSupervisedVAE)": lambda: Pipeline(
            [
                (
                    "m1",
                    VAE(**{**M1_PARAMS, **short}, conditional=False, random_state=seed),
                ),
                (
                    "m2",
                    SemiSupervisedVAE(**{**M2_PARAMS, **short}, random_state=seed),
                ),
            ]
        ),
        "LabelSpreading (knn)": lambda: LabelSpreading(
            kernel="knn", n_neighbors=7, alpha=0.2, max_iter=100
        ),
        "LabelSpreading (rbf)": lambda: LabelSpreading(gamma=64.0, max_iter=20),
        "SelfTraining(LogisticRegression)": lambda: SelfTrainingClassifier(
            LogisticRegression(max_iter=1000)
        ),
        "LogisticRegression (labelled only)": lambda: LogisticRegression(max_iter=1000),
    }


def run(seeds, quick):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    results = {}
    for fraction in FRACTIONS:
        for seed in seeds:
            X_train, X_test, y_train, y_test = train_test_split(
                X, y, test_size=0.25, stratify=y, random_state=seed
            )
            partial = labelled(y_train, fraction, np.random.default_rng(seed))
            known = partial >= 0
            for name, make in methods(seed, quick).items():
                model = make()
                start = time.perf_counter()
                if name.endswith("(labelled only)"):
                    model.fit(X_train[known], partial[known])
                else:
                    model.fit(X_train, partial)
                elapsed = time.perf_counter() - start
                accuracy = float(model.score(X_test, y_test))
                entry = results.setdefault((name, fraction), {"acc": [], "time": []})
                entry["acc"].append(accuracy)
                entry["time"].append(elapsed)
                print(
                    f"{fraction:.0%} seed {seed} {name}: {accuracy:.3f} "
                    f"({elapsed:.1f} s)",
                    flush=True,
                )
    return [
        {
            "method": name,
            "fraction": fraction,
            "accuracy": v["acc"],
            "fit_time": v["time"],
            "mean": float(np.mean(v["acc"])),
            "sd": float(np.std(v["acc"], ddof=1)) if len(v["acc"]) > 1 else 0.0,
            "mean_fit_time": float(np.mean(v["time"])),
        }
        for (name, fraction), v in results.items()
    ]


#: Settings changed one at a time by --ablation.
ABLATIONS = {
    "as benchmarked": {},
    "posterior='classifier' (the classifier network, as Kingma et al.)": {
        "posterior": "classifier"
    },
    "alpha=0.1 (Kingma et al.)": {"alpha": 0.1},
    "alpha=1.0 (the default)": {"alpha": 1.0},
    "n_components=16 (the default)": {"n_components": 16},
    "learning_rate_init=0.001, max_iter=100": {
        "learning_rate_init": 0.001,
        "max_iter": 100,
    },
    "likelihood='gaussian' (standardised pixels)": {"likelihood": "gaussian"},
    "the estimator's defaults (but hidden_layer_sizes)": {
        "n_components": 16,
        "likelihood": "gaussian",
        "alpha": 1.0,
        "learning_rate_init": 0.001,
        "max_iter": 200,
        "n_iter_no_change": 10,
        "posterior": "classifier",
    },
    "the same with alpha=0.1": {
        "n_components": 16,
        "likelihood": "gaussian",
        "alpha": 0.1,
        "learning_rate_init": 0.001,
        "max_iter": 200,
        "n_iter_no_change": 10,
        "posterior": "classifier",
    },
}


def ablation(seeds, tuning=False):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    from skgen.neural import SemiSupervisedVAE

    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    rows = []
    for label, change in ABLATIONS.items():
        accuracy = []
        for seed in seeds:
            X_train, X_test, y_train, y_test = train_test_split(
                X, y, test_size=0.25, stratify=y, random_state=seed
            )
            partial = labelled(y_train, 0.05, np.random.default_rng(seed))
            params = {**SSVAE_PARAMS, **change, "random_state": seed}
            model = SemiSupervisedVAE(**params).fit(X_train, partial)
            accuracy.append(float(model.score(X_test, y_test)))
        rows.append({"setting": label, "change": change, "accuracy": accuracy})
        print(label, np.round(accuracy, 3), flush=True)
    splits = (
        f"the tuning splits (seeds {seeds[0]} to {seeds[-1]}, where the "
        "benchmark's settings were chosen; not reported in "
        "semi_supervised_vae.md)"
        if tuning
        else "the splits of semi_supervised_vae.md"
    )
    lines = [
        "# Semi-supervised VAE on digits: its settings one at a time",
        "",
        f"5% of the training rows labelled, {splits}; held-out accuracy, "
        f"mean ± sd over {len(seeds)} seeds. Changed one at a time from "
        + ", ".join(f"{k}={v!r}" for k, v in SSVAE_PARAMS.items())
        + ".",
        "",
        "| setting | accuracy |",
        "|---|---:|",
    ]
    for r in rows:
        acc = r["accuracy"]
        lines.append(
            f"| {r['setting']} | {np.mean(acc):.3f} ± {np.std(acc, ddof=1):.3f} |"
        )
    write_results(
        "semi_supervised_vae_tuning" if tuning else "semi_supervised_vae_ablation",
        "\n".join(lines) + "\n",
        {
            "machine": machine(),
            "seeds": list(seeds),
            "ssvae_params": SSVAE_PARAMS,
            "rows": rows,
        },
    )


def write_table(rows):
    """``results/semi_supervised_vae_table.rst``, which the user guide
    includes: accuracy mean ± sd per method and labelled share."""
    by = {(r["method"], r["fraction"]): r for r in rows}
    names = list(dict.fromkeys(r["method"] for r in rows))
    write_rst_table(
        "semi_supervised_vae_table",
        ["method", *(f"{f:.0%} labelled" for f in FRACTIONS), "fit time (s)"],
        [
            [
                name,
                *(
                    f"{by[name, f]['mean']:.3f} ± {by[name, f]['sd']:.3f}"
                    for f in FRACTIONS
                ),
                f"{by[name, 0.05]['mean_fit_time']:.2f}",
            ]
            for name in names
        ],
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="1 seed, 20 epochs (not for reporting)"
    )
    parser.add_argument(
        "--ablation", action="store_true", help="the SSVAE's settings one at a time"
    )
    parser.add_argument(
        "--tuning",
        action="store_true",
        help="the same on the tuning splits (seeds 10 to 12)",
    )
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    seeds = range(1) if args.quick else range(3)
    if args.ablation or args.tuning:
        ablation(TUNING_SEEDS if args.tuning else seeds, tuning=args.tuning)
        return
    info = machine()
    rows = run(seeds, args.quick)
    by = {(r["method"], r["fraction"]): r for r in rows}
    names = list(dict.fromkeys(r["method"] for r in rows))
    settings = ", ".join(f"{k}={v!r}" for k, v in SSVAE_PARAMS.items())
    m1 = ", ".join(f"{k}={v!r}" for k, v in M1_PARAMS.items())
    m2 = ", ".join(
        f"{k}={v!r}" for k, v in M2_PARAMS.items() if SSVAE_PARAMS.get(k) != v
    )
    lines = [
        "# Semi-supervised VAE (M2) on digits",
        "",
        "Machine: " + ", ".join(f"{key} {value}" for key, value in info.items()),
        "",
        f"sklearn's digits, pixels scaled to [0, 1]; per seed a stratified "
        f"held-out quarter, the labelled share of the training rows (at least "
        f"one per class), the rest unlabeled. Held-out accuracy, mean ± sd "
        f"over {len(seeds)} seeds; mean fit time (s) on all training rows, "
        f"run under `nice -n 19` on a shared machine. SemiSupervisedVAE: "
        f"{settings} (chosen at 5% on seeds 10-12, other splits; LabelSpreading's "
        f"knn defaults and the docs' rbf gamma were also the best there). "
        f"M1+M2: VAE({m1}, conditional=False), then the SemiSupervisedVAE with "
        f"{m2} on its latent means"
        + (" (--quick: max_iter=20)" if args.quick else "")
        + ".",
        "",
        "| method | "
        + " | ".join(f"{f:.0%} labelled" for f in FRACTIONS)
        + " | fit time (s) |",
        "|---|" + "---:|" * (len(FRACTIONS) + 1),
    ]
    for name in names:
        cells = [
            f"{by[name, f]['mean']:.3f} ± {by[name, f]['sd']:.3f}" for f in FRACTIONS
        ]
        times = "/".join(f"{by[name, f]['mean_fit_time']:.1f}" for f in FRACTIONS)
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {times} |")
    ssvae = by["SemiSupervisedVAE", 0.05]["mean"]
    spreading = max(
        by["LabelSpreading (knn)", 0.05]["mean"],
        by["LabelSpreading (rbf)", 0.05]["mean"],
    )
    lines += [
        "",
        f"Target at 5% labels: SemiSupervisedVAE {ssvae:.3f} against the better "
        f"LabelSpreading {spreading:.3f}: "
        f"{'met' if ssvae >= spreading else 'MISSED'}.",
    ]
    name = "semi_supervised_vae_quick" if args.quick else "semi_supervised_vae"
    if not args.quick:
        write_table(rows)
    write_results(
        name,
        "\n".join(lines) + "\n",
        {"machine": info, "ssvae_params": SSVAE_PARAMS, "rows": rows},
    )


if __name__ == "__main__":
    main()
