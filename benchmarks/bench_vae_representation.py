"""The unsupervised VAE's latent codes as features, against PCA of the same size.

sklearn's digits (pixels scaled to [0, 1]), per seed a stratified held-out
quarter. The VAE (Bernoulli decoder) and PCA are fitted on the training
rows without labels; their codes (``transform``: the VAE's latent means)
are then judged by

- k-means with 10 clusters on the held-out codes: adjusted Rand index
  against the digits;
- a linear probe: logistic regression on the training codes with all their
  labels, accuracy on the held-out codes.

Usage: nice -n 19 python benchmarks/bench_vae_representation.py
"""

import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import machine, write_results, write_rst_table  # noqa: E402

SIZES = [2, 10]
SEEDS = range(3)
VAE_PARAMS = dict(hidden_layer_sizes=(256,), likelihood="bernoulli", max_iter=150)


def run():
    from sklearn.cluster import KMeans
    from sklearn.datasets import load_digits
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import adjusted_rand_score
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    from skgen.neural import VAE

    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    rows = []
    for size in SIZES:
        for seed in SEEDS:
            X_train, X_test, y_train, y_test = train_test_split(
                X, y, test_size=0.25, stratify=y, random_state=seed
            )
            for name, encoder in (
                ("PCA", PCA(size, random_state=seed)),
                ("VAE", VAE(size, **VAE_PARAMS, random_state=seed)),
            ):
                start = time.perf_counter()
                encoder.fit(X_train)
                elapsed = time.perf_counter() - start
                Z_train, Z_test = encoder.transform(X_train), encoder.transform(X_test)
                scaler = StandardScaler().fit(Z_train)
                Z_train, Z_test = scaler.transform(Z_train), scaler.transform(Z_test)
                clusters = KMeans(10, n_init=10, random_state=seed).fit_predict(Z_test)
                probe = LogisticRegression(max_iter=2000).fit(Z_train, y_train)
                row = {
                    "codes": name,
                    "size": size,
                    "seed": seed,
                    "kmeans_ari": float(adjusted_rand_score(y_test, clusters)),
                    "probe_accuracy": float(probe.score(Z_test, y_test)),
                    "fit_time": elapsed,
                }
                rows.append(row)
                print(row, flush=True)
    return rows


def write_table(summary):
    """``results/vae_representation_table.rst``, which the user guide includes."""
    write_rst_table(
        "vae_representation_table",
        ["codes", "size", "k-means ARI", "linear probe accuracy"],
        [
            [
                s["codes"],
                str(s["size"]),
                f"{s['ari']:.3f} ± {s['ari_sd']:.3f}",
                f"{s['probe']:.3f} ± {s['probe_sd']:.3f}",
            ]
            for s in summary
        ],
    )


def main():
    warnings.simplefilter("ignore")
    info = machine()
    rows = run()
    lines = [
        "# The VAE's latent codes as features, against PCA",
        "",
        "Machine: " + ", ".join(f"{key} {value}" for key, value in info.items()),
        "",
        "sklearn's digits, pixels in [0, 1]; per seed a stratified held-out "
        "quarter. Codes fitted without labels on the training rows (VAE: "
        + ", ".join(f"{k}={v!r}" for k, v in VAE_PARAMS.items())
        + "; its codes are the latent means), standardised; k-means (10 "
        "clusters) ARI on the held-out codes; linear probe: logistic "
        "regression on the training codes, held-out accuracy. Mean ± sd over "
        f"{len(SEEDS)} seeds.",
        "",
        "| codes | size | k-means ARI | linear probe accuracy | fit time (s) |",
        "|---|---:|---:|---:|---:|",
    ]
    summary = []
    for size in SIZES:
        for name in ("PCA", "VAE"):
            mine = [r for r in rows if r["codes"] == name and r["size"] == size]
            ari = [r["kmeans_ari"] for r in mine]
            acc = [r["probe_accuracy"] for r in mine]
            fit = np.mean([r["fit_time"] for r in mine])
            summary.append(
                {
                    "codes": name,
                    "size": size,
                    "ari": float(np.mean(ari)),
                    "ari_sd": float(np.std(ari, ddof=1)),
                    "probe": float(np.mean(acc)),
                    "probe_sd": float(np.std(acc, ddof=1)),
                    "fit_time": float(fit),
                }
            )
            s = summary[-1]
            lines.append(
                f"| {name} | {size} | {s['ari']:.3f} ± {s['ari_sd']:.3f} "
                f"| {s['probe']:.3f} ± {s['probe_sd']:.3f} | {fit:.1f} |"
            )
    write_table(summary)
    write_results(
        "vae_representation",
        "\n".join(lines) + "\n",
        {"machine": info, "vae_params": VAE_PARAMS, "rows": rows, "summary": summary},
    )


if __name__ == "__main__":
    main()
