"""Rows of several tables in one numeric space, for distances and judges."""

import numpy as np


def encode_together(tables, categorical_features="auto"):
    """Encode tables with the columns of the first into one numeric space.

    The space is fitted on the tables stacked (matched by column name when
    they are DataFrames): numbers standardised, categories one-hot, a
    missing cell a 0/1 indicator with its number's score at the column's mean
    (:class:`~skgen.preprocessing.TabularEncoder` with ``numeric='standard'``).
    Stacking gives every missing cell and category of any table its place,
    and a fixed score keeps a near-copy of a row near it whatever its
    missing cells.

    Parameters
    ----------
    tables : sequence of DataFrame or array-like
        Tables of the same columns.
    categorical_features : 'auto' or array-like, default='auto'
        As for :class:`~skgen.preprocessing.TabularEncoder`.

    Returns
    -------
    encoded : list of ndarray
        Each table's rows in the space, in order.
    """
    from skgen.preprocessing import TabularEncoder

    if all(hasattr(table, "columns") for table in tables):
        import pandas as pd

        names = list(tables[0].columns)
        for table in tables[1:]:
            if sorted(map(str, table.columns)) != sorted(map(str, names)):
                raise ValueError(
                    f"The tables must have the same columns: {names} and "
                    f"{list(table.columns)}."
                )
        stacked = pd.concat([table[names] for table in tables], ignore_index=True)
    else:
        arrays = [np.asarray(table, dtype=object) for table in tables]
        widths = {array.shape[1] for array in arrays if array.ndim == 2}
        if len(widths) != 1 or any(array.ndim != 2 for array in arrays):
            raise ValueError(
                "The tables must be 2-d with the same number of columns; got "
                f"shapes {[array.shape for array in arrays]}."
            )
        stacked = np.vstack(arrays)
        if not any(isinstance(v, str) for v in stacked.ravel()[:1000]):
            stacked = stacked.astype(np.float64)
    encoder = TabularEncoder(categorical_features, numeric="standard").fit(stacked)
    encoded = encoder._encode(stacked, missing_score=0.0)
    bounds = np.cumsum([len(table) for table in tables])[:-1]
    return np.split(encoded, bounds)
