"""The argument parsers of ``skgen`` and its sub-commands."""

import argparse

from skgen._cli._synth import MODELS as SYNTH_MODELS
from skgen.datasets import DATASETS


def main_parser():
    """The parser of ``skgen`` (the main job)."""
    parser = argparse.ArgumentParser(
        prog="skgen",
        description=(
            "Fit skgen's generative models on a data set bundled with scikit-learn "
            "and report what they learned; 'skgen compare' and 'skgen synth' for more."
        ),
        epilog="sub-commands: compare (learning curves), synth (synthetic rows), "
        "warmup (compile every kernel ahead of first use)",
    )
    parser.add_argument(
        "--data",
        default="iris",
        choices=DATASETS,
        help="bundled data set (default: iris)",
    )
    parser.add_argument(
        "--max-components",
        type=int,
        default=6,
        help="largest number of mixture components tried (default: 6)",
    )
    parser.add_argument(
        "--epochs",
        type=int,
        default=300,
        help="VAE and GAN epochs (default: 300)",
    )
    parser.add_argument(
        "--splits", type=int, default=10, help="learning-curve splits (default: 10)"
    )
    parser.add_argument(
        "--out", default="skgen-report", help="report folder (default: skgen-report)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    return parser


def compare_parser():
    """The parser of ``skgen compare``."""
    parser = argparse.ArgumentParser(
        prog="skgen compare",
        description=(
            "Learning curves of generative and discriminative classifiers through "
            "one shared preprocessing (Ng & Jordan, 2001)."
        ),
    )
    parser.add_argument(
        "file", nargs="?", help="a CSV file (with --target), instead of --data"
    )
    parser.add_argument(
        "--data", default="breast_cancer", choices=DATASETS, help="bundled data set"
    )
    parser.add_argument("--target", help="the class column of the CSV file")
    parser.add_argument(
        "--models",
        nargs="+",
        help="from nb, lr, gmm, qda (default: nb lr); with --sequence-id from "
        "hmm, lr, gmm (default: hmm lr)",
    )
    parser.add_argument(
        "--sequence-id",
        metavar="COL",
        help="the column naming each row's sequence: classify whole sequences "
        "(one label each) and count training sequences",
    )
    parser.add_argument(
        "--order-by",
        metavar="COL",
        help="with --sequence-id, the column that orders the rows of a sequence",
    )
    parser.add_argument(
        "--splits", type=int, default=20, help="random splits (default: 20)"
    )
    parser.add_argument("--out", default="skgen-compare", help="output folder")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    return parser


def synth_parser():
    """The parser of ``skgen synth``."""
    parser = argparse.ArgumentParser(
        prog="skgen synth",
        description="Fit a generative model to a CSV file and write synthetic rows.",
    )
    parser.add_argument("data", help="the CSV file")
    parser.add_argument(
        "--model",
        default=next(iter(SYNTH_MODELS)),
        choices=list(SYNTH_MODELS),
        help="the generative model (default: table, skgen's table synthesizer)",
    )
    parser.add_argument(
        "-n",
        type=int,
        help="rows to generate (default: 1000); with --sequence-id, sequences "
        "(default: as many as the file has)",
    )
    parser.add_argument(
        "-o", "--output", default="synthetic.csv", help="output CSV file"
    )
    parser.add_argument("--target", help="a class column (required by --model nb)")
    parser.add_argument(
        "--holdout",
        type=float,
        default=0.2,
        help="share of rows held out of the fit to judge quality and privacy "
        "against (default: 0.2; 0 fits on all rows)",
    )
    parser.add_argument(
        "--report",
        default="skgen-synth-report",
        help="report folder: scores and figures (default: skgen-synth-report)",
    )
    parser.add_argument(
        "--given",
        action="append",
        default=[],
        metavar="COL=VALUE",
        help="generate rows with this value of a column, from the model's "
        "distribution of the others given it (exact, no rejection; --model "
        "table or gmm; repeatable)",
    )
    parser.add_argument(
        "--sequence-id",
        metavar="COL",
        help="the column naming each row's sequence: fit a Gaussian HMM to the "
        "numeric columns and write synthetic sequences (--model, --holdout and "
        "--report do not apply)",
    )
    parser.add_argument(
        "--order-by",
        metavar="COL",
        help="with --sequence-id, the column that orders the rows of a sequence",
    )
    parser.add_argument(
        "--states",
        type=int,
        help="with --sequence-id, the HMM's number of states (default: chosen "
        "by BIC among 1 to 4)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    return parser


def warmup_parser():
    """The parser of ``skgen warmup``."""
    return argparse.ArgumentParser(
        prog="skgen warmup",
        description=(
            "Compile every Numba kernel of skgen ahead of first use (once per "
            "installation); prints the time per model family and the cache folder."
        ),
    )
