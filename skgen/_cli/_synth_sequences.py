"""``skgen synth --sequence-id COL``: synthetic sequences of a panel CSV file.

The numeric columns are standardised and modelled by a
:class:`~skgen.hmm.GaussianHMM` (full covariances), its number of states
chosen by BIC (or ``--states``). Each synthetic sequence borrows its length,
and its ``--order-by`` values, from a real sequence drawn at random, so the
lengths follow the data's distribution and the time stamps keep their type
and spacing; its sequence id is new (0, 1, ..., or s0, s1, ... for a text
id column). Values of integer columns
are rounded, and every value is clipped to its column's observed range.
"""

import time
import warnings

import numpy as np

from skgen._cli._common import CommandError, one_thread, read_table, sort_sequences
from skgen.utils._monitor import without_convergence_warnings

# Numbers of hidden states BIC chooses among (without --states).
_STATES = (1, 2, 3, 4)
# Real and synthetic sequences the two-sample test needs, each.
_MIN_SEQUENCES_FOR_C2ST = 6


def run(args, out):
    """Fit the HMM, write the synthetic sequences, print a short report."""
    if args.target is not None or args.given:
        raise CommandError("--target and --given do not apply with --sequence-id")
    frame, _ = read_table(args.data)
    frame = sort_sequences(frame, args.sequence_id, args.order_by)
    ids = frame[args.sequence_id].to_numpy()
    features = frame.drop(columns=[c for c in (args.sequence_id, args.order_by) if c])
    X, columns = _numeric(features)
    bounds = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1], True])
    n_sequences = len(bounds) - 1
    n_new = n_sequences if args.n is None else args.n
    if n_new < 1:
        raise CommandError("-n must be at least 1")
    mean, scale = np.nanmean(X, axis=0), np.nanstd(X, axis=0)
    scale[~(scale > 0)] = 1.0
    tic = time.perf_counter()
    model, scores = _fit_hmm((X - mean) / scale, ids, args.states, args.seed)
    seconds = time.perf_counter() - tic
    print(
        f"fitted a GaussianHMM with {model.n_components} states to {n_sequences} "
        f"sequences, {X.shape[0]} rows, in {seconds:.1f} s ({_bic_text(scores)})",
        file=out,
    )
    rng = np.random.RandomState(args.seed)
    donors = rng.randint(n_sequences, size=n_new)
    lengths = np.diff(bounds)[donors]
    drawn = np.concatenate([model.sample(int(n), random_state=rng)[0] for n in lengths])
    values = _in_range(drawn * scale + mean, X, features, columns)
    synthetic = _frame(frame, args, values, columns, donors, bounds)
    synthetic.to_csv(args.output, index=False)
    print(
        f"wrote {n_new} synthetic sequences ({len(synthetic)} rows) to {args.output}",
        file=out,
    )
    _report(X, bounds, values, np.r_[0, np.cumsum(lengths)], columns, args.seed, out)
    return 0


def _numeric(features):
    """The numeric columns as float64 (NaN missing), and their names."""
    non_numeric = [c for c in features.columns if features[c].dtype.kind not in "biuf"]
    if non_numeric:
        raise CommandError(
            "skgen synth --sequence-id models numeric columns only; non-numeric: "
            + ", ".join(map(str, non_numeric))
            + " (encode them as numbers, or drop them)"
        )
    if features.shape[1] == 0:
        raise CommandError("no column to model besides the sequence id and order")
    X = features.to_numpy(dtype=np.float64)
    if np.isnan(X).all(axis=1).any():
        raise CommandError("some rows have no value in any modelled column")
    return X, list(features.columns)


def _fit_hmm(X, ids, states, seed):
    """The HMM of ``states`` states, or of the lowest BIC among ``_STATES``;
    and the BIC of each number tried."""
    from skgen.hmm import GaussianHMM

    choices = _STATES if states is None else (states,)
    best, scores = None, {}
    for k in choices:
        model = GaussianHMM(
            k, covariance_type="full", n_iter=100, tol=1e-3, random_state=seed
        )
        try:
            with one_thread():
                without_convergence_warnings(model.fit, X, sequence_ids=ids)
        except ValueError as error:
            if states is not None:
                raise CommandError(f"--states {states}: {error}") from None
            continue
        scores[k] = model.bic(X, sequence_ids=ids)
        if best is None or scores[k] < scores[best.n_components]:
            best = model
    if best is None:
        raise CommandError("no HMM could be fitted to these sequences")
    return best, scores


def _bic_text(scores):
    if len(scores) == 1:
        return "states given"
    return "states by BIC: " + ", ".join(f"{k}: {v:.0f}" for k, v in scores.items())


def _in_range(values, X, features, columns):
    """Values clipped to each column's observed range, integers rounded."""
    values = np.clip(values, np.nanmin(X, axis=0), np.nanmax(X, axis=0))
    for j, column in enumerate(columns):
        if features[column].dtype.kind in "biu":
            values[:, j] = np.round(values[:, j])
    return values


def _frame(frame, args, values, columns, donors, bounds):
    """The synthetic table, with the input's columns in its order."""
    import pandas as pd

    lengths = np.diff(bounds)[donors]
    new_ids = np.arange(len(donors))
    if frame[args.sequence_id].dtype.kind not in "biuf":
        new_ids = np.array([f"s{i}" for i in new_ids], dtype=object)
    out = {args.sequence_id: np.repeat(new_ids, lengths)}
    if args.order_by is not None:
        # Each sequence takes its donor's order values (time stamps, steps).
        rows = np.concatenate([np.arange(bounds[d], bounds[d + 1]) for d in donors])
        out[args.order_by] = frame[args.order_by].to_numpy()[rows]
    for j, column in enumerate(columns):
        out[column] = values[:, j].astype(frame[column].dtype, copy=False)
    return pd.DataFrame(out)[list(frame.columns)]


def _report(X, bounds, values, new_bounds, columns, seed, out):
    """Lag-1 autocorrelations and a two-sample test on sequence summaries."""
    from skgen.utils._sequences import summary_features

    real = summary_features(np.nan_to_num(X, nan=np.nanmean(X)), bounds)
    synthetic = summary_features(values, new_bounds)
    print("\nsequence quality (synthetic against the real sequences)", file=out)
    n_stats = real.shape[1] // len(columns)
    for j, column in enumerate(columns):
        lag = j * n_stats + 4  # the lag-1 autocorrelation
        print(
            f"  {column}: mean lag-1 autocorrelation {real[:, lag].mean():.3f} real, "
            f"{synthetic[:, lag].mean():.3f} synthetic",
            file=out,
        )
    if min(len(real), len(synthetic)) < _MIN_SEQUENCES_FOR_C2ST:
        return
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skgen.metrics import c2st_score

    judge = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c2st = c2st_score(real, synthetic, classifier=judge, cv=3, random_state=seed)
    print(
        f"  C2ST accuracy on sequence summaries: {c2st.accuracy:.3f} (logistic "
        "regression on mean, std, min, max, lag-1 autocorrelation; 0.5 is ideal)",
        file=out,
    )
