"""The ``skgen`` command line.

``skgen`` alone runs the main job on a bundled data set: it fits each model
family, prints held-out log-likelihoods, sample quality and the
generative-vs-discriminative comparison, and writes a report folder.
``skgen compare`` runs learning curves; ``skgen synth`` writes synthetic rows
of a CSV file with a quality report.
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from skgen.datasets import DATASETS, load_dataset


class CommandError(Exception):
    """A problem with the user's input: printed as one line, exit code 2."""


# -- helpers -------------------------------------------------------------------


def _quietly(function, *args, **kwargs):
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return function(*args, **kwargs)


def _one_thread():
    # Gradient boosting (C2ST) and BLAS on one thread: on a small machine their
    # thread pools cost more than they give on these sizes.
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1)


def _read_table(path, target=None):
    """(features DataFrame, target Series or None) from a CSV file."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas ships with the test extra
        raise CommandError(
            "reading CSV files needs pandas: pip install pandas"
        ) from None
    path = Path(path)
    if not path.is_file():
        raise CommandError(f"no such file: {path}")
    try:
        frame = pd.read_csv(path)
    except Exception as error:  # noqa: BLE001 - any parse failure is one line
        raise CommandError(f"cannot read {path} as CSV: {error}") from None
    if frame.empty or frame.shape[1] == 0:
        raise CommandError(f"{path} has no rows or no columns")
    if target is None:
        return frame, None
    if target not in frame.columns:
        raise CommandError(
            f"unknown column {target!r}; the columns are "
            + ", ".join(map(str, frame.columns))
        )
    return frame.drop(columns=[target]), frame[target]


def _numeric_features(frame, where):
    non_numeric = [c for c in frame.columns if frame[c].dtype.kind not in "biuf"]
    if non_numeric:
        raise CommandError(
            f"{where} needs numeric feature columns; non-numeric: "
            f"{', '.join(map(str, non_numeric))}"
        )
    if frame.isna().any().any():
        raise CommandError(f"{where}: the data has missing values")
    return frame.to_numpy(dtype=np.float64)


def _check_target(y):
    import pandas as pd

    if y.isna().any():
        raise CommandError("the target column has missing values")
    if not (
        pd.api.types.is_numeric_dtype(y) or y.dtype == object or y.dtype.kind in "OUSb"
    ):
        raise CommandError(f"the target column has an unusable type {y.dtype}")
    from sklearn.utils.multiclass import type_of_target

    if type_of_target(y.to_numpy()) not in ("binary", "multiclass"):
        raise CommandError(
            "the target column must hold class labels; it looks "
            f"{type_of_target(y.to_numpy())} (a continuous target is not classes)"
        )
    counts = y.value_counts()
    if len(counts) < 2 or counts.min() < 2:
        raise CommandError(
            "every class needs at least two rows, and two classes at least; "
            f"class counts: {counts.to_dict()}"
        )
    return y.to_numpy()


# -- skgen compare ---------------------------------------------------------------


def _classifiers(names, seed):
    from sklearn.linear_model import LogisticRegression

    from skgen.classification import GenerativeClassifier
    from skgen.mixture import GaussianMixture
    from skgen.naive_bayes import GaussianNB

    available = {
        "nb": ("Gaussian naive Bayes", lambda: GaussianNB()),
        "lr": (
            "logistic regression",
            lambda: LogisticRegression(max_iter=5000),
        ),
        "gmm": (
            "Gaussian mixture per class",
            lambda: GenerativeClassifier(
                GaussianMixture(2, covariance_type="diag", random_state=seed)
            ),
        ),
        "qda": (
            "one full Gaussian per class",
            lambda: GenerativeClassifier(
                GaussianMixture(1, covariance_type="full", reg_covar=1e-3)
            ),
        ),
    }
    unknown = [n for n in names if n not in available]
    if unknown:
        raise CommandError(
            f"unknown model(s) {', '.join(unknown)}; choose from {', '.join(available)}"
        )
    return {available[n][0]: available[n][1]() for n in names}


def _run_comparison(X, y, models, seed, n_splits, out_dir, title, out):
    from sklearn.preprocessing import StandardScaler

    from skgen.compare import compare_learning_curves

    n_train = int(0.7 * len(y))
    n_classes = len(np.unique(y))
    sizes = [
        s for s in (10, 20, 40, 80, 160, 320, 640, 1280) if n_classes * 2 <= s < n_train
    ]
    sizes.append(n_train)
    tic = time.perf_counter()
    with _one_thread(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        curves = _quietly(
            compare_learning_curves,
            models,
            X,
            y,
            preprocessing=StandardScaler(),
            train_sizes=sizes,
            n_splits=n_splits,
            random_state=seed,
        )
    print(
        f"\nlearning curves: test error against training rows, {n_splits} "
        "stratified splits, one shared StandardScaler "
        f"({time.perf_counter() - tic:.1f} s)",
        file=out,
    )
    print(curves.to_markdown(), file=out)
    for warning in caught:  # failed fits: a note under the table
        message = str(warning.message)
        if warning.category is UserWarning and (
            "failed to fit" in message or "scored NaN" in message
        ):
            print(f"note: {warning.message}", file=out)
        else:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    names = curves.models
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            crossing = curves.crossing(first, second)
            where = (
                f"at about {crossing:.0f} rows" if crossing else "nowhere on this grid"
            )
            print(f"curves of {first} and {second} cross {where}", file=out)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        curves.to_csv(out_dir / "learning_curves.csv")
        (out_dir / "learning_curves.md").write_text(curves.to_markdown() + "\n")
        try:
            import matplotlib
        except ImportError:
            print(
                f"wrote {out_dir}/learning_curves.{{csv,md}} (pip install "
                "matplotlib for the figure)",
                file=out,
            )
            return curves
        matplotlib.use("Agg")
        figure = curves.plot(title=title)
        figure.savefig(out_dir / "learning_curves.png", dpi=120, bbox_inches="tight")
        print(f"wrote {out_dir}/learning_curves.{{csv,md,png}}", file=out)
    return curves


def _compare(args, out):
    if args.file is not None:
        if args.target is None:
            raise CommandError("--target COL is required with a CSV file")
        frame, target = _read_table(args.file, args.target)
        X = _numeric_features(frame, "skgen compare")
        y = _check_target(target)
        title = Path(args.file).name
    else:
        data = load_dataset(args.data)
        X, y, title = data.data, data.target, args.data
    models = _classifiers(args.models, args.seed)
    print(f"skgen compare: {title}, {X.shape[0]} rows, {X.shape[1]} features", file=out)
    _run_comparison(X, y, models, args.seed, args.splits, Path(args.out), title, out)
    return 0


# -- skgen synth -----------------------------------------------------------------


def _synthesizer(name, seed):
    from skgen.mixture import GaussianMixture
    from skgen.neural import VAE
    from skgen.pipeline import TabularEncoder, make_generative_pipeline

    if name == "gmm":
        model = GaussianMixture(
            5, covariance_type="full", reg_covar=1e-3, random_state=seed
        )
    elif name == "vae":
        model = VAE(
            n_components=4,
            hidden_layer_sizes=(64, 64),
            learning_rate_init=1e-2,
            max_iter=300,
            random_state=seed,
        )
    elif name == "gan":
        from skgen.neural import GAN

        model = GAN(random_state=seed)
    elif name == "hmm":
        from skgen.hmm import GaussianHMM

        model = GaussianHMM(4, covariance_type="diag", n_iter=100, random_state=seed)
    else:
        raise CommandError(f"unknown model {name!r}")
    return make_generative_pipeline(TabularEncoder(), model)


def _synth(args, out):
    import pandas as pd

    from skgen.metrics import c2st_score, correlation_difference, marginal_scores, mmd

    if args.n < 1:
        raise CommandError("-n must be at least 1")
    frame, target = _read_table(args.data, args.target)
    if args.model == "nb":
        if target is None:
            raise CommandError(
                "--model nb generates rows of each class: give --target COL"
            )
        from skgen.naive_bayes import GaussianNB
        from skgen.pipeline import TabularEncoder

        encoder = TabularEncoder().fit(frame)
        y = _check_target(target)
        model = GaussianNB(random_state=args.seed).fit(encoder.transform(frame), y)
        encoded, labels = model.sample(args.n)
        synthetic = encoder.inverse_transform(encoded)
        synthetic[args.target] = labels
        real = frame.assign(**{args.target: target})
    else:
        real = frame if target is None else frame.assign(**{args.target: target})
        if len(real) < 10:
            raise CommandError(
                f"{args.data} has {len(real)} rows; at least 10 are needed"
            )
        pipeline = _synthesizer(args.model, args.seed)
        tic = time.perf_counter()
        with _one_thread():
            _quietly(pipeline.fit, real)
        print(f"fitted {args.model} in {time.perf_counter() - tic:.1f} s", file=out)
        synthetic = pipeline.sample(args.n, random_state=args.seed)[0]
        synthetic = pd.DataFrame(synthetic, columns=real.columns)
    synthetic.to_csv(args.output, index=False)
    print(f"wrote {args.n} synthetic rows to {args.output}", file=out)

    # Quality: synthetic against real rows, in the encoder's numeric space.
    from skgen.pipeline import TabularEncoder

    encoder = TabularEncoder().fit(real)
    real_codes = encoder.transform(real)
    synthetic_codes = encoder.transform(synthetic[real.columns])
    rng = np.random.RandomState(args.seed)
    keep = rng.permutation(len(real_codes))[:2000]
    print("\nsample quality (synthetic against the real rows)", file=out)
    with _one_thread():
        c2st = c2st_score(real_codes, synthetic_codes, random_state=args.seed)
    print(
        f"  C2ST accuracy {c2st['accuracy']:.3f}, AUC {c2st['roc_auc']:.3f} "
        "(0.5: indistinguishable)",
        file=out,
    )
    result = mmd(real_codes[keep], synthetic_codes[: len(keep)])
    print(f"  MMD^2 {result.statistic:.4f} (0: same distribution)", file=out)
    categorical = [c for c in real.columns if real[c].dtype.kind not in "biuf"]
    scores = marginal_scores(real, synthetic[real.columns], categorical=categorical)
    print(f"  marginals: mean KS / TV {scores['mean']:.3f}", file=out)
    numeric = [c for c in real.columns if c not in categorical]
    if len(numeric) >= 2:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            difference = correlation_difference(real[numeric], synthetic[numeric])
        print(f"  mean absolute correlation difference {difference:.3f}", file=out)
    return 0


# -- the main job ----------------------------------------------------------------


def _main_job(args, out):
    from sklearn import mixture as sk_mixture
    from sklearn.model_selection import train_test_split
    from sklearn.neighbors import KernelDensity
    from sklearn.preprocessing import StandardScaler

    from skgen.metrics import c2st_score
    from skgen.mixture import GaussianMixture
    from skgen.naive_bayes import GaussianNB
    from skgen.neural import GAN, VAE

    data = load_dataset(args.data)
    X_train, X_test, y_train, y_test = train_test_split(
        data.data,
        data.target,
        test_size=0.3,
        random_state=args.seed,
        stratify=data.target,
    )
    scaler = StandardScaler().fit(X_train)
    Z_train, Z_test = scaler.transform(X_train), scaler.transform(X_test)
    report = []

    def say(line=""):
        print(line, file=out)
        report.append(line)

    say(
        f"skgen: generative models on {args.data!r} ({X_train.shape[0]} training "
        f"rows, {X_test.shape[0]} held out, {X_train.shape[1]} features, standardised)"
    )

    # 1. Gaussian mixtures, chosen by BIC.
    covariance_types = ("full", "tied", "diag", "spherical")
    say("\nGaussian mixtures: BIC on the training rows (lower is better)")
    say(f"{'k':>3} " + " ".join(f"{c:>11}" for c in covariance_types))
    best = None
    tic = time.perf_counter()
    for k in range(1, args.max_components + 1):
        row = []
        for covariance_type in covariance_types:
            gm = GaussianMixture(
                k, covariance_type=covariance_type, n_init=3, random_state=args.seed
            )
            _quietly(gm.fit, Z_train)
            bic = gm.bic(Z_train)
            row.append(bic)
            if best is None or bic < best[0]:
                best = (bic, k, covariance_type, gm)
        say(f"{k:>3} " + " ".join(f"{b:>11.1f}" for b in row))
    _, k, covariance_type, gm = best
    say(
        f"\nchosen: {k} components, covariance_type={covariance_type!r} "
        f"({args.max_components * len(covariance_types)} models fitted in "
        f"{time.perf_counter() - tic:.2f} s)"
    )
    reference = sk_mixture.GaussianMixture(
        k, covariance_type=covariance_type, n_init=3, random_state=args.seed
    )
    _quietly(reference.fit, Z_train)

    # 2. Every family on the same rows: held-out log-likelihood, sample quality.
    models = {f"GaussianMixture ({k}, {covariance_type})": gm}
    models["GaussianNB (with the classes)"] = GaussianNB(random_state=args.seed).fit(
        Z_train, y_train
    )
    tic = time.perf_counter()
    with _one_thread():
        models["VAE"] = _quietly(
            VAE(
                n_components=2,
                hidden_layer_sizes=(32,),
                max_iter=args.epochs,
                learning_rate_init=1e-2,
                random_state=args.seed,
            ).fit,
            Z_train,
        )
    vae_time = time.perf_counter() - tic
    tic = time.perf_counter()
    with _one_thread():
        models["GAN"] = _quietly(
            GAN(
                hidden_layer_sizes=(64, 64),
                max_iter=args.epochs,
                random_state=args.seed,
            ).fit,
            Z_train,
        )
    gan_time = time.perf_counter() - tic
    kde = KernelDensity(bandwidth=0.5).fit(Z_train)
    say("\nheld-out mean log-likelihood (standardised units; higher is better)")
    say(
        f"  {'scikit-learn GaussianMixture (same settings)':<46} "
        f"{reference.score(Z_test):9.3f}"
    )
    for name, model in models.items():
        say(f"  {'skgen ' + name:<46} {np.mean(model.score_samples(Z_test)):9.3f}")
    say(
        f"  {'KernelDensity (bandwidth 0.5), a baseline':<46} "
        f"{kde.score(Z_test) / len(Z_test):9.3f}"
    )
    say(
        "  (VAE: importance-weighted estimate; "
        f"{models['VAE'].n_iter_} epochs in {vae_time:.1f} s)"
    )
    say(
        "  (GAN: Parzen-window estimate on its generated rows, which has no "
        f"likelihood of its own; {models['GAN'].n_iter_} epochs in {gan_time:.1f} s)"
    )

    say("\nsample quality: C2ST accuracy of rows drawn from each model against the")
    say("held-out rows (gradient boosting, 5-fold; 0.5 is indistinguishable)")
    with _one_thread():
        for name, model in models.items():
            drawn = model.sample(len(Z_test), random_state=args.seed)[0]
            score = c2st_score(Z_test, drawn, random_state=args.seed)["accuracy"]
            say(f"  {'skgen ' + name:<46} {score:9.3f}")
        score = c2st_score(Z_test, Z_train[: len(Z_test)], random_state=args.seed)[
            "accuracy"
        ]
        say(f"  {'real training rows (the floor)':<46} {score:9.3f}")

    X_new, labels = gm.sample(5, random_state=args.seed)
    X_new = scaler.inverse_transform(X_new)
    names = [str(name) for name in data.feature_names]
    width = max(10, *(len(n) for n in names[:6]))
    say("\nfive rows sampled from the chosen mixture (original units)")
    say("component " + " ".join(f"{n[:width]:>{width}}" for n in names[:6]))
    for label, row in zip(labels, X_new):
        say(f"{label:>9} " + " ".join(f"{v:>{width}.2f}" for v in row[:6]))

    # 3. Generative against discriminative.
    out_dir = None if args.out is None else Path(args.out)
    buffer = _Collect(out)
    _run_comparison(
        data.data,
        data.target,
        _classifiers(["nb", "lr"], args.seed),
        args.seed,
        args.splits,
        out_dir,
        f"{args.data}: generative vs discriminative",
        buffer,
    )
    report.extend(buffer.lines)
    if out_dir is not None:
        (out_dir / "report.md").write_text("```\n" + "\n".join(report) + "\n```\n")
        print(f"wrote {out_dir}/report.md", file=out)
    return 0


class _Collect:
    """A file-like object that prints to ``out`` and keeps the lines."""

    def __init__(self, out):
        self.out, self.lines, self._partial = out, [], ""

    def write(self, text):
        self.out.write(text)
        self._partial += text
        *done, self._partial = self._partial.split("\n")
        self.lines.extend(done)

    def flush(self):
        self.out.flush()


# -- argument parsing ----------------------------------------------------------------


def _main_parser():
    parser = argparse.ArgumentParser(
        prog="skgen",
        description=(
            "Fit skgen's generative models on a data set bundled with scikit-learn "
            "and report what they learned; 'skgen compare' and 'skgen synth' for more."
        ),
        epilog="sub-commands: compare (learning curves), synth (synthetic rows)",
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


def _compare_parser():
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
        default=["nb", "lr"],
        help="from nb, lr, gmm, qda (default: nb lr)",
    )
    parser.add_argument(
        "--splits", type=int, default=20, help="random splits (default: 20)"
    )
    parser.add_argument("--out", default="skgen-compare", help="output folder")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    return parser


def _synth_parser():
    parser = argparse.ArgumentParser(
        prog="skgen synth",
        description="Fit a generative model to a CSV file and write synthetic rows.",
    )
    parser.add_argument("data", help="the CSV file")
    parser.add_argument(
        "--model",
        default="gmm",
        choices=["gmm", "nb", "vae", "gan", "hmm"],
        help="the generative model (default: gmm)",
    )
    parser.add_argument(
        "-n", type=int, default=1000, help="rows to generate (default: 1000)"
    )
    parser.add_argument(
        "-o", "--output", default="synthetic.csv", help="output CSV file"
    )
    parser.add_argument("--target", help="a class column (required by --model nb)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    return parser


def main(argv=None, out=None):
    """Entry point of ``skgen`` and ``python -m skgen``."""
    out = sys.stdout if out is None else out
    argv = sys.argv[1:] if argv is None else list(argv)
    commands = {
        "compare": (_compare_parser, _compare),
        "synth": (_synth_parser, _synth),
    }
    if argv and argv[0] in commands:
        make_parser, run = commands[argv[0]]
        parser = make_parser()
        args = parser.parse_args(argv[1:])
    else:
        parser, run = _main_parser(), _main_job
        args = parser.parse_args(argv)
        if args.max_components < 1:
            parser.error("--max-components must be at least 1")
    if getattr(args, "splits", 2) < 2:
        parser.error("--splits must be at least 2")
    if getattr(args, "epochs", 1) < 1:
        parser.error("--epochs must be at least 1")
    try:
        with np.printoptions(precision=3, suppress=True):
            return run(args, out)
    except CommandError as error:
        parser.exit(2, f"{parser.prog}: error: {error}\n")
