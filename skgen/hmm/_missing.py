"""Missing observations (NaN) in hidden Markov models: the checks and helpers
every emission family shares.

A missing entry is integrated out of its frame's emission probability; a
frame with every entry missing has emission probability one in every state
(log-probability 0), so it contributes no likelihood and the chain runs
across it on its transitions alone. See ``doc/design.rst``, "Missing
observations in HMMs".
"""

import numpy as np

from skgen.utils import _dask


def has_missing(X):
    """Whether ``X`` (float, in memory) holds a NaN: one pass, no mask."""
    return X.dtype.kind == "f" and bool(np.isnan(X.sum()))


def check_training_columns(X):
    """Raise unless every column of training rows has an observed entry.

    A frame may have every entry missing (it carries no likelihood), but a
    column never observed leaves its parameters to the initialisation alone.
    """
    if _dask.is_dask_collection(X) or not has_missing(X):
        return
    never = np.flatnonzero(np.isnan(X).all(axis=0))
    if never.size:
        raise ValueError(
            f"Column(s) {never.tolist()} of X have every entry missing (NaN): "
            "nothing can be learned about them; drop them."
        )


def fill_with_column_means(X):
    """A copy of ``X`` with NaN entries at their column's mean (the rows an
    initialisation such as k-means reads); ``X`` itself when complete."""
    if not has_missing(X):
        return X
    filled = np.array(X, dtype=np.float64)
    rows, columns = np.nonzero(np.isnan(filled))
    filled[rows, columns] = np.nanmean(filled, axis=0)[columns]
    return filled


def empty_frames(X):
    """Boolean mask of the frames with every entry missing."""
    return np.isnan(X).all(axis=1)
