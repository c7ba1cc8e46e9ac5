"""Synthetic tables: skgen's TableSynthesizer against SDV's synthesizers.

Real public tables that load offline (``benchmarks/_real_tables.py``, from
statsmodels), each split 80/20 into training and held-out rows. Every
synthesizer is fitted to the training rows and generates as many rows; each
is scored by

- validity: values outside the training column's range, fractions in integer
  columns, categories the training rows do not hold (the issue's zeros);
- sdmetrics' ``QualityReport`` (the single-table one; its default thresholds,
  and with both thresholds 0 so that every pair of columns counts);
- a classifier two-sample test, gradient boosting on the held-out real rows
  against as many synthetic rows (:func:`skgen.metrics.c2st_score`);
- privacy against the held-out rows: the share of synthetic rows closer to a
  training row than to a held-out one, and a distance-based
  membership-inference AUC;
- fit time (one thread everywhere: ``torch.set_num_threads(1)``,
  ``NUMBA_NUM_THREADS=1``, BLAS on one thread).

Peers: SDV's ``GaussianCopulaSynthesizer``, ``CTGANSynthesizer`` and
``TVAESynthesizer`` with their defaults (300 epochs for the neural ones, and
SDV's clipping to the observed range and rounding of integers); and skgen's
previous default for ``skgen synth``, a GaussianMixture of one-hot, z-scored
rows (now decoded into the columns' ranges and integers by the reworked
encoder). Their environment: ``pip install ".[bench]"``, then
``pip install torch==2.13.0`` and ``pip install ".[peers]"``.

Usage: python benchmarks/bench_tables.py [--quick] [--tables ...] [--models ...]
"""

import argparse
import os
import sys
import time
import warnings
from importlib.metadata import version
from pathlib import Path

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")
os.environ.setdefault("NUMBA_NUM_THREADS", "1")
# ctgan's transformer runs joblib with n_jobs=-1 on tables of 500 rows or more.
os.environ.setdefault("LOKY_MAX_CPU_COUNT", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import machine, write_results  # noqa: E402
from benchmarks._real_tables import TABLES  # noqa: E402

NAME = "table"  # the table's name in SDV's metadata


def split(frame, seed):
    order = np.random.RandomState(seed).permutation(len(frame))
    cut = int(0.8 * len(frame))
    train = frame.iloc[np.sort(order[:cut])].reset_index(drop=True)
    holdout = frame.iloc[np.sort(order[cut:])].reset_index(drop=True)
    return train, holdout


def for_sdv(frame):
    """SDV 2.0's synthesizers refuse pandas 'category' columns: as text."""
    return frame.astype(
        {
            c: str
            for c in frame.columns
            if isinstance(frame[c].dtype, pd.CategoricalDtype)
        }
    )


def metadata_of(train):
    from sdv.metadata import Metadata

    metadata = Metadata.detect_from_dataframes({NAME: train})
    for column in train.columns:
        dtype = train[column].dtype
        if dtype.kind in "OSU" or isinstance(dtype, pd.CategoricalDtype):
            sdtype = "categorical"
        elif dtype.kind == "b":
            sdtype = "boolean"
        else:
            sdtype = "numerical"
        metadata.update_column(column, table_name=NAME, sdtype=sdtype)
    metadata.validate()
    return metadata


# -- synthesizers: fit on the training rows, return as many synthetic rows ------


def skgen_table(train, seed, epochs):
    from skgen.tabular import TableSynthesizer

    model = TableSynthesizer(random_state=seed)
    tic = time.perf_counter()
    model.fit(train)
    fit_s = time.perf_counter() - tic
    synthetic = model.sample(len(train), random_state=seed)[0]
    return synthetic, fit_s, {"n_components": int(model.n_components_)}


def skgen_previous(train, seed, epochs):
    from skgen.mixture import GaussianMixture
    from skgen.pipeline import make_generative_pipeline
    from skgen.preprocessing import TabularEncoder

    model = make_generative_pipeline(
        TabularEncoder(numeric="standard"),
        GaussianMixture(5, covariance_type="full", reg_covar=1e-3, random_state=seed),
    )
    tic = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(train)
    fit_s = time.perf_counter() - tic
    return model.sample(len(train), random_state=seed)[0], fit_s, {}


def sdv_model(kind):
    def run(train, seed, epochs):
        import torch
        from sdv.single_table import (
            CTGANSynthesizer,
            GaussianCopulaSynthesizer,
            TVAESynthesizer,
        )

        torch.set_num_threads(1)
        torch.manual_seed(seed)
        np.random.seed(seed)  # noqa: NPY002 - SDV draws from the global generator
        data = for_sdv(train)
        metadata = metadata_of(data)
        if kind == "GaussianCopula":
            model = GaussianCopulaSynthesizer(metadata)
        else:
            cls = CTGANSynthesizer if kind == "CTGAN" else TVAESynthesizer
            model = cls(metadata, epochs=epochs, enable_gpu=False)
        tic = time.perf_counter()
        model.fit({NAME: data})
        fit_s = time.perf_counter() - tic
        synthetic = model.sample(num_rows=len(train))[NAME]
        return synthetic, fit_s, {}

    return run


MODELS = {
    "skgen TableSynthesizer": skgen_table,
    "skgen GaussianMixture on one-hot z-scores": skgen_previous,
    "SDV GaussianCopula": sdv_model("GaussianCopula"),
    "SDV CTGAN": sdv_model("CTGAN"),
    "SDV TVAE": sdv_model("TVAE"),
}


# -- scores ------------------------------------------------------------------------


def validity(train, synthetic):
    """Counts of values the training columns could not hold."""
    outside = fractions = unseen = 0
    for column in train.columns:
        real, fake = train[column], synthetic[column]
        if real.dtype.kind in "biuf" and real.dtype.kind != "b":
            values = pd.to_numeric(fake, errors="coerce").dropna()
            outside += int(((values < real.min()) | (values > real.max())).sum())
            if real.dtype.kind in "iu":
                fractions += int((values != np.round(values)).sum())
        else:
            known = set(real.astype(str))
            unseen += int((~fake.astype(str).isin(known)).sum())
    return {"out_of_range": outside, "fractions": fractions, "unseen": unseen}


def sdmetrics_quality(train, synthetic):
    from sdmetrics.reports.single_table import QualityReport

    real, fake = for_sdv(train), for_sdv(synthetic)
    metadata = metadata_of(real).to_dict()["tables"][NAME]
    scores = {}
    for label, threshold in (("default", None), ("all_pairs", 0.0)):
        report = QualityReport()
        if threshold is not None:
            report.real_correlation_threshold = threshold
            report.real_association_threshold = threshold
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report.generate(real, fake[real.columns], metadata, verbose=False)
        properties = report.get_properties()
        scores[label] = float(report.get_score())
        scores[f"{label}_pairs"] = float(
            properties.loc[properties.Property == "Column Pair Trends", "Score"].iloc[0]
        )
        scores[f"{label}_shapes"] = float(
            properties.loc[properties.Property == "Column Shapes", "Score"].iloc[0]
        )
    return scores


def c2st(train, holdout, synthetic, seed):
    from threadpoolctl import threadpool_limits

    from skgen.metrics import c2st_score
    from skgen.preprocessing import TabularEncoder

    encoder = TabularEncoder(numeric="standard").fit(train)
    fake = synthetic[train.columns].astype(train.dtypes.to_dict(), errors="ignore")
    rows = np.random.RandomState(seed).permutation(len(fake))[: len(holdout)]
    with threadpool_limits(1):
        result = c2st_score(
            encoder.transform(holdout),
            encoder.transform(fake.iloc[rows]),
            random_state=seed,
        )
    return float(result.accuracy)


def privacy(train, holdout, synthetic, seed):
    from skgen.metrics import distance_to_closest_record, membership_inference_auc

    fake = synthetic[train.columns].astype(train.dtypes.to_dict(), errors="ignore")
    dcr = distance_to_closest_record(train, fake, holdout)
    auc = membership_inference_auc(train, fake, holdout, random_state=seed)
    return {"closer_to_train": dcr.share_closer_to_train, "mia_auc": auc}


def evaluate(name, train, holdout, seed, epochs):
    synthetic, fit_s, extra = MODELS[name](train, seed, epochs)
    synthetic = synthetic[train.columns]
    return {
        "fit_s": fit_s,
        **extra,
        **validity(train, synthetic),
        **sdmetrics_quality(train, synthetic),
        "c2st": c2st(train, holdout, synthetic, seed),
        **privacy(train, holdout, synthetic, seed),
    }


# -- the table -----------------------------------------------------------------------


def markdown(results, epochs, seed):
    lines = [
        "# Synthetic tables: skgen against SDV",
        "",
        f"Training rows 80%, held-out 20% (seed {seed}); {epochs} epochs for "
        "CTGAN and TVAE; one thread everywhere. sdmetrics QualityReport: 'all "
        "pairs' sets both of its thresholds to 0 (every pair counts), 'default' "
        "keeps sdmetrics 0.32's thresholds. C2ST: gradient boosting, held-out "
        "real rows against as many synthetic rows (0.5: indistinguishable). "
        "Privacy: share of synthetic rows closer to a training row than to a "
        "held-out row (0.8 without copying), membership-inference AUC (0.5: "
        "no leak). Validity: values outside the training range / fractions in "
        "integer columns / unseen categories, out of all generated cells.",
        "",
    ]
    header = (
        "| model | fit s | quality (all pairs) | pairs | shapes | quality "
        "(default) | C2ST | out of range / fractions / unseen | closer to "
        "train | MIA AUC |"
    )
    for table, by_model in results.items():
        lines += [f"## {table}", "", header, "|---" * 10 + "|"]
        for name, r in by_model.items():
            if "error" in r:
                lines.append(f"| {name} | failed: {r['error']} |" + " |" * 8)
                continue
            lines.append(
                f"| {name} | {r['fit_s']:.2f} | {r['all_pairs']:.3f} | "
                f"{r['all_pairs_pairs']:.3f} | {r['all_pairs_shapes']:.3f} | "
                f"{r['default']:.3f} | {r['c2st']:.3f} | {r['out_of_range']} / "
                f"{r['fractions']} / {r['unseen']} | {r['closer_to_train']:.3f} | "
                f"{r['mia_auc']:.3f} |"
            )
        lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 epochs, 2 tables")
    parser.add_argument("--tables", nargs="+", default=list(TABLES))
    parser.add_argument("--models", nargs="+", default=None)
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the other models' rows of the last results (rerun some only)",
    )
    args = parser.parse_args()
    epochs = 20 if args.quick else args.epochs
    tables = args.tables[:2] if args.quick else args.tables
    models = args.models or list(MODELS)
    results = {}
    name = "tables" + ("_quick" if args.quick else "")
    if args.keep:
        import json

        from benchmarks._common import RESULTS

        results = json.loads((RESULTS / f"{name}.json").read_text())["results"]
    for table in tables:
        train, holdout = split(TABLES[table](), args.seed)
        results.setdefault(table, {})
        for model in [m for m in MODELS if any(x in m for x in models)]:
            print(f"{table}: {model} ...", flush=True)
            try:
                results[table][model] = evaluate(
                    model, train, holdout, args.seed, epochs
                )
            except Exception as error:  # noqa: BLE001 - a peer failing is a result
                results[table][model] = {"error": f"{type(error).__name__}: {error}"}
            print(f"  {results[table][model]}", flush=True)
    versions = {
        package: version(package)
        for package in ("skgen", "sdv", "ctgan", "sdmetrics", "torch", "statsmodels")
    }
    text = markdown(results, epochs, args.seed)
    text += "\nVersions: " + ", ".join(f"{k} {v}" for k, v in versions.items()) + "\n"
    write_results(
        name,
        text,
        {
            "machine": machine(),
            "versions": versions,
            "epochs": epochs,
            "results": results,
        },
    )


if __name__ == "__main__":
    main()
