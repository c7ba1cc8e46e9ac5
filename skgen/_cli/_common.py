"""What the sub-commands share: user errors, reading a CSV, checks, output."""

from pathlib import Path

import numpy as np


class CommandError(Exception):
    """A problem with the user's input: printed as one line, exit code 2."""


def format_score(value):
    """A score as the report prints it: counts whole, the rest to 3 places."""
    if isinstance(value, (int, np.integer)):
        return f"{value:d}"
    return f"{value:.3f}"


def one_thread():
    """A context in which the native thread pools use one thread."""
    # Gradient boosting (C2ST) and BLAS on one thread: on a small machine their
    # thread pools cost more than they give on these sizes.
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1)


def read_table(path, target=None):
    """Read a CSV file.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    target : str, default=None
        A column to return apart from the others.

    Returns
    -------
    features : DataFrame
        The columns other than ``target``.
    target : Series or None
        The ``target`` column, None without one.
    """
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


def numeric_features(frame, where):
    """The columns of ``frame`` as a float64 array; ``where`` names the caller."""
    non_numeric = [c for c in frame.columns if frame[c].dtype.kind not in "biuf"]
    if non_numeric:
        raise CommandError(
            f"{where} needs numeric feature columns; non-numeric: "
            f"{', '.join(map(str, non_numeric))}"
        )
    if frame.isna().any().any():
        raise CommandError(f"{where}: the data has missing values")
    return frame.to_numpy(dtype=np.float64)


def check_target(y):
    """The class labels of the Series ``y`` as an array, or a CommandError."""
    import pandas as pd
    from sklearn.utils.multiclass import type_of_target

    if y.isna().any():
        raise CommandError("the target column has missing values")
    if not (
        pd.api.types.is_numeric_dtype(y) or y.dtype == object or y.dtype.kind in "OUSb"
    ):
        raise CommandError(f"the target column has an unusable type {y.dtype}")
    target_type = type_of_target(y.to_numpy())
    if target_type not in ("binary", "multiclass"):
        raise CommandError(
            "the target column must hold class labels; it looks "
            f"{target_type} (a continuous target is not classes)"
        )
    counts = y.value_counts()
    if len(counts) < 2 or counts.min() < 2:
        raise CommandError(
            "every class needs at least two rows, and two classes at least; "
            f"class counts: {counts.to_dict()}"
        )
    return y.to_numpy()


class Report:
    """A file-like object that prints to ``out`` and keeps the lines.

    ``print(..., file=report)`` shows a line at once and keeps it for the
    report file; ``lines`` holds every complete line written so far.

    Parameters
    ----------
    out : file-like object
        Where the text is printed.
    """

    def __init__(self, out):
        self.out = out
        self.lines = []
        self._partial_line = ""

    def write(self, text):
        self.out.write(text)
        self._partial_line += text
        *complete, self._partial_line = self._partial_line.split("\n")
        self.lines.extend(complete)

    def flush(self):
        self.out.flush()


def sort_sequences(frame, sequence_id, order_by=None):
    """The rows of ``frame`` grouped by sequence, in order within each.

    Parameters
    ----------
    frame : DataFrame
        The table, with the column ``sequence_id`` (and ``order_by``).
    sequence_id : str
        The column naming each row's sequence.
    order_by : str, default=None
        A column that orders the rows of a sequence (a time, a step); None
        keeps the file's order within each sequence.

    Returns
    -------
    frame : DataFrame
        Sorted by sequence (stable), then by ``order_by``; index reset.
    """
    for option, column in (("--sequence-id", sequence_id), ("--order-by", order_by)):
        if column is not None and column not in frame.columns:
            raise CommandError(
                f"{option}: unknown column {column!r}; the columns are "
                + ", ".join(map(str, frame.columns))
            )
    if frame[sequence_id].isna().any():
        raise CommandError(f"the sequence id column {sequence_id!r} has missing values")
    keys = [sequence_id] if order_by is None else [sequence_id, order_by]
    if order_by is not None and frame[order_by].isna().any():
        raise CommandError(f"the --order-by column {order_by!r} has missing values")
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)
