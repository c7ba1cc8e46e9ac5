"""``skgen synth``: synthetic rows of a CSV file, with a quality report.

A model of ``--model`` is one entry of :data:`MODELS`; a line of the quality
report is one function of :data:`QUALITY_MEASURES`; the report folder is
written by :mod:`skgen._cli._synth_report`.
"""

import time
import warnings
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from skgen._cli._common import (
    CommandError,
    check_target,
    format_score,
    one_thread,
    read_table,
)
from skgen.utils._monitor import without_convergence_warnings

# Models fitted to all the columns need this many rows at least.
_MIN_ROWS = 10

# The report's measures use at most this many rows of each set: their cost
# grows with the rows (quadratically for the MMD's), and the whole report
# stays under half a second.
_MAX_ROWS = 1000
_MMD_ROWS = 500


class SynthModel(NamedTuple):
    """A model of ``--model``.

    Attributes
    ----------
    make : callable
        ``make(seed)`` returns the unfitted estimator.
    per_class : bool
        True for a classifier that generates the features of each class of
        ``--target``.
    takes_tables : bool
        True for a model fitted to the table itself (it encodes the columns);
        False for a model of numbers, behind a
        :class:`~skgen.preprocessing.TabularEncoder`.
    """

    make: Callable[[int], object]
    per_class: bool = False
    takes_tables: bool = False


def _table_synthesizer(seed):
    from skgen.tabular import TableSynthesizer

    return TableSynthesizer(random_state=seed)


def _gaussian_mixture(seed):
    from skgen.mixture import GaussianMixture

    return GaussianMixture(5, covariance_type="full", reg_covar=1e-3, random_state=seed)


def _gaussian_nb(seed):
    from skgen.naive_bayes import GaussianNB

    return GaussianNB(random_state=seed)


def _vae(seed):
    from skgen.neural import VAE

    return VAE(
        n_components=4,
        hidden_layer_sizes=(64, 64),
        learning_rate_init=1e-2,
        max_iter=300,
        random_state=seed,
    )


def _gan(seed):
    from skgen.neural import GAN

    return GAN(random_state=seed)


def _gaussian_hmm(seed):
    from skgen.hmm import GaussianHMM

    return GaussianHMM(4, covariance_type="diag", n_iter=100, random_state=seed)


# The choices of --model, in the order --help lists them; the first is the
# default.
MODELS = {
    "table": SynthModel(_table_synthesizer, takes_tables=True),
    "gmm": SynthModel(_gaussian_mixture),
    "nb": SynthModel(_gaussian_nb, per_class=True),
    "vae": SynthModel(_vae),
    "gan": SynthModel(_gan),
    "hmm": SynthModel(_gaussian_hmm),
}


def run(args, out):
    """``skgen synth``: write ``-n`` synthetic rows, then report their quality."""
    if getattr(args, "sequence_id", None) is not None:
        from skgen._cli import _synth_sequences

        return _synth_sequences.run(args, out)
    if args.order_by is not None or args.states is not None:
        raise CommandError("--order-by and --states need --sequence-id")
    if args.n is None:
        args.n = 1000
    if args.n < 1:
        raise CommandError("-n must be at least 1")
    if not 0.0 <= args.holdout < 1.0:
        raise CommandError("--holdout must be in [0, 1)")
    features, target = read_table(args.data, args.target)
    features = parse_dates(features)
    model = MODELS[args.model]
    real = features if target is None else features.assign(**{args.target: target})
    args.given = parse_given(args.given, real, args.model)
    train, holdout = _split(real, args.holdout, args.seed)
    if model.per_class:
        synthetic, seconds = _generate_per_class(model, train, args)
    else:
        synthetic, seconds = _generate_jointly(model, train, args)
    print(f"fitted {args.model} in {seconds:.1f} s", file=out)
    synthetic = synthetic[real.columns]
    synthetic.to_csv(args.output, index=False)
    print(f"wrote {args.n} synthetic rows to {args.output}", file=out)
    if args.given:
        given = ", ".join(f"{column}={value}" for column, value in args.given.items())
        print(
            f"rows drawn given {given}: no quality report (the held-out rows "
            "are not drawn given these values)",
            file=out,
        )
        return 0
    scores, extras = report_quality(train, holdout, synthetic, args.seed, out)
    if args.report is not None:
        from skgen._cli._synth_report import write_report

        test = holdout if holdout is not None else train
        write_report(args.report, test, synthetic, scores, extras["pair_trends"], out)
    return 0


def parse_given(pairs, table, model_name):
    """``--given COL=VALUE`` pairs as ``{column: value}``, each value read as
    its column holds values (a number for a numeric column)."""
    if not pairs:
        return {}
    if model_name not in ("table", "gmm"):
        raise CommandError(
            "--given needs --model table or --model gmm: the mixtures "
            "condition exactly on column values"
        )
    given = {}
    for pair in pairs:
        column, sep, text = pair.partition("=")
        if not sep or column not in table.columns:
            raise CommandError(
                f"--given {pair!r}: expected COL=VALUE with COL one of "
                f"{', '.join(map(str, table.columns))}"
            )
        if table[column].dtype.kind in "biuf":
            try:
                given[column] = float(text)
            except ValueError:
                raise CommandError(
                    f"--given {pair!r}: column {column!r} is numeric"
                ) from None
        else:
            given[column] = text
    return given


# Text that starts like a date: 2024-03-01, 2024/3/1, 1/3/2024, 01-03-24.
_DATE_START = (
    r"^\s*(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})(?!\d)"
)


def parse_dates(frame):
    """Text columns whose every value starts like a date (year, month, day
    in some order) become datetime columns; ranges such as "1-2" stay text."""
    import pandas as pd

    frame = frame.copy()
    for column in frame.columns:
        values = frame[column].dropna()
        if values.empty or not pd.api.types.is_string_dtype(values.dtype):
            continue
        if not values.astype(str).str.contains(_DATE_START).all():
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                parsed = pd.to_datetime(frame[column], errors="coerce", format="mixed")
            except (TypeError, ValueError):  # offsets that differ between rows
                parsed = pd.to_datetime(
                    frame[column], errors="coerce", format="mixed", utc=True
                )
        if parsed.notna().sum() == len(values):
            frame[column] = parsed
    return frame


def _split(real, fraction, seed):
    """Training rows, and held-out rows (None when ``fraction`` is 0)."""
    if fraction == 0.0:
        return real, None
    rng = np.random.RandomState(seed)
    held_out = rng.permutation(len(real))[: int(round(fraction * len(real)))]
    mask = np.zeros(len(real), dtype=bool)
    mask[held_out] = True
    if mask.sum() < 2 or (~mask).sum() < _MIN_ROWS:
        raise CommandError(
            f"--holdout {fraction} leaves too few rows to train on or to test "
            f"with ({len(real)} rows); lower it, or set it to 0"
        )
    return real[~mask].reset_index(drop=True), real[mask].reset_index(drop=True)


def _generate_per_class(model, train, args):
    """Synthetic rows of a classifier that generates each class, and the
    seconds its fit took."""
    from skgen.preprocessing import TabularEncoder

    if args.target is None:
        raise CommandError(
            f"--model {args.model} generates rows of each class: give --target COL"
        )
    features = train.drop(columns=[args.target])
    y = check_target(train[args.target])
    classifier = model.make(args.seed)
    tic = time.perf_counter()
    encoder = TabularEncoder().fit(features)
    classifier.fit(encoder.transform(features), y)
    seconds = time.perf_counter() - tic
    encoded, labels = classifier.sample(args.n, random_state=args.seed)
    synthetic = encoder.inverse_transform(encoded)
    synthetic[args.target] = labels
    return synthetic, seconds


def _generate_jointly(model, train, args):
    """Synthetic rows of a model of all the columns, target included, and the
    seconds its fit took."""
    import pandas as pd

    from skgen.pipeline import make_generative_pipeline
    from skgen.preprocessing import TabularEncoder

    if len(train) < _MIN_ROWS:
        raise CommandError(
            f"{args.data} has {len(train)} rows to train on; at least {_MIN_ROWS} "
            "are needed"
        )
    estimator = model.make(args.seed)
    if not model.takes_tables:
        estimator = make_generative_pipeline(TabularEncoder(), estimator)
    tic = time.perf_counter()
    with one_thread():
        without_convergence_warnings(estimator.fit, train)
    seconds = time.perf_counter() - tic
    if args.given:
        try:
            synthetic = estimator.sample(
                args.n, random_state=args.seed, given=args.given
            )[0]
        except ValueError as error:
            raise CommandError(f"--given: {error}") from None
    else:
        synthetic = estimator.sample(args.n, random_state=args.seed)[0]
    return pd.DataFrame(synthetic, columns=train.columns), seconds


# -- the quality report ----------------------------------------------------------


class QualityInputs(NamedTuple):
    """The rows a quality measure compares.

    Attributes
    ----------
    train, holdout, synthetic : DataFrame
        The rows the model was fitted on, the real rows it never saw (None
        without ``--holdout``) and its rows, with the same columns.
    test : DataFrame
        The real rows quality is judged against: ``holdout``, or ``train``.
    test_codes, synthetic_codes : ndarray of shape (n_rows, n_codes)
        ``test`` and ``synthetic`` in one numeric space (see
        ``skgen.metrics._space.encode_together``).
    categorical : list of str
        The columns that are not numeric.
    kinds : ndarray of str
        Each column's kind in ``train`` (``TabularEncoder.column_kinds_``).
    seed : int
        Random seed of the measures.
    extras : dict
        What a measure leaves for the report folder (the pair trends).
    """

    train: object
    holdout: object
    synthetic: object
    test: object
    test_codes: np.ndarray
    synthetic_codes: np.ndarray
    categorical: list
    kinds: np.ndarray
    seed: int
    extras: dict


def report_quality(train, holdout, synthetic, seed, out):
    """Print one line per measure of :data:`QUALITY_MEASURES` that applies;
    return the scores, ``{name: (value, meaning)}``."""
    from skgen.metrics._space import encode_together
    from skgen.preprocessing import TabularEncoder

    test = holdout if holdout is not None else train
    encoder = TabularEncoder(numeric="standard").fit(train)
    test_codes, synthetic_codes = encode_together((test, synthetic))
    inputs = QualityInputs(
        train=train,
        holdout=holdout,
        synthetic=synthetic,
        test=test,
        test_codes=test_codes,
        synthetic_codes=synthetic_codes,
        categorical=[
            str(c)
            for c, kind in zip(train.columns, encoder.column_kinds_)
            if kind in ("categorical", "boolean")
        ],
        kinds=encoder.column_kinds_,
        seed=seed,
        extras={},
    )
    against = "held-out" if holdout is not None else "training"
    print(f"\nsample quality (synthetic against the {against} rows)", file=out)
    scores = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # constant columns and the like
        for measure in QUALITY_MEASURES:
            lines = measure(inputs)
            for name, value, meaning in lines or ():
                scores[name] = (value, meaning)
                print(f"  {name}: {format_score(value)} ({meaning})", file=out)
    return scores, inputs.extras


def _rows(codes, seed, limit=_MAX_ROWS):
    """At most ``limit`` rows, drawn without replacement."""
    keep = np.random.RandomState(seed).permutation(len(codes))[:limit]
    return codes[np.sort(keep)]


def _validity_lines(inputs):
    """Values the real columns could not hold: the issue's zeros."""
    outside = fractions = unseen = 0
    for j, column in enumerate(inputs.train.columns):
        kind = inputs.kinds[j]
        real, synthetic = inputs.train[column], inputs.synthetic[column]
        if kind in ("categorical", "boolean"):
            unseen += int((~synthetic.dropna().isin(real.dropna())).sum())
            continue
        values = synthetic.dropna()
        outside += int(((values < real.min()) | (values > real.max())).sum())
        if kind in ("integer", "count"):
            numbers = values.to_numpy(dtype=np.float64)
            fractions += int(np.sum(numbers != np.round(numbers)))
    return [
        ("values out of the real range", outside, "0 expected"),
        ("fractions in integer columns", fractions, "0 expected"),
        ("categories not in the real rows", unseen, "0 expected"),
    ]


def _c2st_lines(inputs):
    from sklearn.ensemble import HistGradientBoostingClassifier

    from skgen.metrics import c2st_score

    # Half of the default boosting rounds at twice the rate: a lighter judge
    # for the report's time budget (benchmarks/bench_synth_command.py).
    judge = HistGradientBoostingClassifier(
        max_iter=50, learning_rate=0.2, random_state=inputs.seed
    )
    with one_thread():
        c2st = c2st_score(
            _rows(inputs.test_codes, inputs.seed),
            _rows(inputs.synthetic_codes, inputs.seed + 1),
            classifier=judge,
            cv=3,
            random_state=inputs.seed,
        )
    return [
        ("C2ST accuracy", c2st.accuracy, "gradient boosting, 3 folds; 0.5 is ideal"),
        ("C2ST AUC", c2st.roc_auc, "0.5: indistinguishable"),
    ]


def _table_quality_lines(inputs):
    from skgen.metrics import quality_report

    report = quality_report(
        inputs.test, inputs.synthetic, categorical=inputs.categorical or None
    )
    inputs.extras["pair_trends"] = report.pair_trends  # for the report's figure
    return [
        ("quality score", report.score, "sdmetrics-style, all pairs; 1 is perfect"),
        ("column shapes", report.column_shapes, "1 - KS or TV per column"),
        ("column pair trends", report.column_pair_trends, "per pair of columns"),
    ]


def _mmd_lines(inputs):
    from skgen.metrics import mmd

    result = mmd(
        _rows(inputs.test_codes, inputs.seed, _MMD_ROWS),
        _rows(inputs.synthetic_codes, inputs.seed + 1, _MMD_ROWS),
    )
    return [("MMD^2", result.statistic, "0: same distribution")]


def _correlation_lines(inputs):
    """None when fewer than two columns are numeric."""
    from skgen.metrics import correlation_difference

    numeric = [c for c in inputs.test.columns if str(c) not in inputs.categorical]
    if len(numeric) < 2:
        return None
    # Rows with a missing number are left out (the correlations need all).
    real, synthetic = (
        numbers(frame[numeric]).dropna() for frame in (inputs.test, inputs.synthetic)
    )
    if min(len(real), len(synthetic)) < 2:
        return None
    difference = correlation_difference(real, synthetic)
    return [("mean correlation difference", difference, "absolute, numeric pairs")]


def numbers(frame):
    """Numeric columns as float64 (datetimes in seconds), NaN missing."""
    import pandas as pd

    from skgen.preprocessing._values import datetime_seconds, is_datetime

    out = {}
    for column in frame.columns:
        values = frame[column]
        if is_datetime(values.dtype):
            out[column] = datetime_seconds(values)
        else:
            out[column] = pd.to_numeric(values, errors="coerce").astype(np.float64)
    return pd.DataFrame(out, index=frame.index)


def _privacy_lines(inputs):
    """None without held-out rows."""
    from skgen.metrics import distance_to_closest_record, membership_inference_auc

    if inputs.holdout is None:
        return None
    keep = np.random.RandomState(inputs.seed).permutation(len(inputs.synthetic))
    synthetic = inputs.synthetic.iloc[np.sort(keep[:_MAX_ROWS])]
    dcr = distance_to_closest_record(inputs.train, synthetic, inputs.holdout)
    auc = membership_inference_auc(
        inputs.train, synthetic, inputs.holdout, random_state=inputs.seed
    )
    fair = len(inputs.train) / (len(inputs.train) + len(inputs.holdout))
    return [
        ("closest-record distance, synthetic", dcr.synthetic_median, "median"),
        ("closest-record distance, held-out", dcr.holdout_median, "median"),
        (
            "exact copies of training rows",
            dcr.exact_copies,
            f"share; held-out rows: {dcr.holdout_exact_copies:.3f}",
        ),
        (
            "synthetic rows closer to training",
            dcr.share_closer_to_train,
            f"than to held-out rows; {fair:.2f} without copying",
        ),
        ("membership-inference AUC", auc, "0.5: no leak"),
    ]


# The lines of the quality report, in order: each a function of QualityInputs
# that returns (name, value, meaning) triples, or None when it does not apply.
QUALITY_MEASURES = (
    _validity_lines,
    _c2st_lines,
    _table_quality_lines,
    _mmd_lines,
    _correlation_lines,
    _privacy_lines,
)
