"""Naive Bayes: skgen against scikit-learn, same data; sampling throughput.

skgen's naive Bayes models are scikit-learn's with a density and a sampler
added, so fit and predict should cost the same: the ratio skgen / scikit-learn
(target <= 1.1) on 100,000 x 50 dense rows (Gaussian, Bernoulli, Categorical,
Multinomial and Complement on counts) and on a sparse document-term matrix
(Multinomial, Complement, Bernoulli). Then rows generated per second, and the
time of score_samples.
Median of interleaved runs.

Usage: python benchmarks/bench_naive_bayes.py [--quick]
"""

import argparse
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np
from scipy import sparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import interleaved, machine, write_results  # noqa: E402

TARGET = 1.1


def datasets(n_samples, n_features, seed=0):
    rng = np.random.default_rng(seed)
    n_classes = 10
    y = rng.integers(n_classes, size=n_samples)
    centres = rng.normal(0, 2, (n_classes, n_features))
    dense = centres[y] + rng.standard_normal((n_samples, n_features))
    rates = rng.gamma(1.0, 2.0, (n_classes, n_features))
    counts = rng.poisson(rates[y]).astype(np.float64)
    categories = np.minimum(counts, 5).astype(np.int64)
    # A document-term matrix: 20,000 terms, about 100 words a document.
    n_terms = 20_000
    topic_terms = rng.dirichlet(np.full(n_terms, 0.05), size=n_classes)
    docs = sparse.vstack(
        [
            sparse.csr_matrix(rng.multinomial(100, topic_terms[c]).astype(np.float64))
            for c in y[: n_samples // 10]
        ],
        format="csr",
    )
    return {
        "dense": (dense, y),
        "counts": (counts, y),
        "categories": (categories, y),
        "documents": (docs, y[: n_samples // 10]),
    }


CASES = [
    ("GaussianNB", "dense"),
    ("MultinomialNB", "counts"),
    ("ComplementNB", "counts"),
    ("BernoulliNB", "dense"),
    ("CategoricalNB", "categories"),
    ("MultinomialNB", "documents"),
    ("ComplementNB", "documents"),
    ("BernoulliNB", "documents"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, 3 repeats")
    args = parser.parse_args()
    n_samples = 10_000 if args.quick else 100_000
    repeats = 3 if args.quick else 9
    data = datasets(n_samples, 50)
    import sklearn.naive_bayes as sk

    import skgen.naive_bayes as ours

    rows = []
    for name, kind in CASES:
        X, y = data[kind]
        ref_model, our_model = getattr(sk, name)(), getattr(ours, name)()
        fit, _ = interleaved(
            {
                "scikit-learn": partial(ref_model.fit, X, y),
                "skgen": partial(our_model.fit, X, y),
            },
            repeats,
            settle=0.05,
        )
        predict, _ = interleaved(
            {
                "scikit-learn": partial(ref_model.predict_proba, X),
                "skgen": partial(our_model.predict_proba, X),
            },
            repeats,
            settle=0.05,
        )
        start = time.perf_counter()
        our_model.score_samples(X)
        score_s = time.perf_counter() - start
        n_draw = 100_000 if kind != "documents" else 2_000
        our_model.sample(10, random_state=0)
        start = time.perf_counter()
        our_model.sample(n_draw, random_state=0)
        rate = n_draw / (time.perf_counter() - start)
        row = {
            "model": name,
            "data": f"{kind} {X.shape[0]:,} x {X.shape[1]:,}",
            "fit": fit,
            "predict_proba": predict,
            "score_samples_ms": 1000 * score_s,
            "rows_per_s": rate,
        }
        rows.append(row)
        print(row, flush=True)

    info = machine()
    lines = [
        "# Naive Bayes: skgen vs scikit-learn",
        "",
        f"Median of {repeats} interleaved runs; ratio = skgen / scikit-learn "
        f"(target <= {TARGET}). Documents: 20,000 terms, ~100 words each.",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in info.items()),
        "",
        "| model | data | fit sklearn ms | fit skgen ms | ratio | predict_proba "
        "sklearn ms | skgen ms | ratio | score_samples ms | sample rows/s |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        f, p = r["fit"], r["predict_proba"]
        lines.append(
            f"| {r['model']} | {r['data']} | {1000 * f['scikit-learn']:.1f} "
            f"| {1000 * f['skgen']:.1f} | {f['skgen'] / f['scikit-learn']:.2f} "
            f"| {1000 * p['scikit-learn']:.1f} | {1000 * p['skgen']:.1f} "
            f"| {p['skgen'] / p['scikit-learn']:.2f} | {r['score_samples_ms']:.1f} "
            f"| {r['rows_per_s']:,.0f} |"
        )
    lines.append("")
    write_results(
        "naive_bayes" + ("_quick" if args.quick else ""),
        "\n".join(lines),
        {"machine": info, "rows": rows},
    )


if __name__ == "__main__":
    main()
