"""How much a synthetic table gives away of the rows it was trained on.

Each measure compares the synthetic rows' closeness to the training rows with
the closeness of real rows the generator never saw (a holdout): a generator
that copies or barely perturbs its training rows puts its rows nearer to them
than fresh real rows are. Rows are compared in one numeric space, fitted on
the three tables stacked: numbers standardised, categories one-hot, a
missing cell an indicator with its number at the column's mean
(:class:`~skgen.preprocessing.TabularEncoder` with ``numeric='standard'``),
with Euclidean distances.
"""

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import NearestNeighbors
from sklearn.utils import check_random_state

from skgen.metrics._sample_quality import _Result
from skgen.metrics._space import encode_together
from skgen.utils._sklearn_compat import StrOptions, validate_params

__all__ = [
    "DCRResult",
    "NNDRResult",
    "distance_to_closest_record",
    "membership_inference_auc",
    "nearest_neighbour_distance_ratio",
]

_PARAMETERS = {
    "X_train": ["array-like"],
    "X_synthetic": ["array-like"],
    "X_holdout": ["array-like"],
    "categorical_features": [StrOptions({"auto"}), "array-like"],
}


def _encoded(X_train, X_synthetic, X_holdout, categorical_features):
    """The three tables in one numeric space (see ``encode_together``)."""
    for name, X in (("X_train", X_train), ("X_synthetic", X_synthetic)):
        if len(X) < 2:
            raise ValueError(f"{name} has {len(X)} row(s); at least 2 are needed.")
    if len(X_holdout) < 1:
        raise ValueError("X_holdout has no row.")
    return encode_together((X_train, X_synthetic, X_holdout), categorical_features)


def _closest(reference, queries, n_neighbors=1):
    model = NearestNeighbors(n_neighbors=n_neighbors).fit(reference)
    return model.kneighbors(queries)[0]


class DCRResult(_Result):
    """Result of :func:`distance_to_closest_record`.

    Attributes
    ----------
    synthetic_median, holdout_median : float
        Median distance of a synthetic (holdout) row to its closest training
        row.
    synthetic_5th, holdout_5th : float
        The 5th percentiles of the same distances.
    exact_copies : float
        Share of synthetic rows equal to a training row.
    holdout_exact_copies : float
        Share of holdout rows equal to a training row: the level a table with
        repeated rows shows without any copying.
    share_closer_to_train : float
        Share of synthetic rows closer to the training rows than to the
        holdout rows, a tie counting one half (ties are common in tables of
        categories); about ``n_train / (n_train + n_holdout)`` (1/2 for sets
        of one size) for a generator that does not copy.

    See Also
    --------
    distance_to_closest_record : The function that returns it.
    """

    def __init__(
        self,
        synthetic_median,
        holdout_median,
        synthetic_5th,
        holdout_5th,
        exact_copies,
        holdout_exact_copies,
        share_closer_to_train,
    ):
        super().__init__(
            synthetic_median=synthetic_median,
            holdout_median=holdout_median,
            synthetic_5th=synthetic_5th,
            holdout_5th=holdout_5th,
            exact_copies=exact_copies,
            holdout_exact_copies=holdout_exact_copies,
            share_closer_to_train=share_closer_to_train,
        )


@validate_params(_PARAMETERS, prefer_skip_nested_validation=True)
def distance_to_closest_record(
    X_train, X_synthetic, X_holdout, *, categorical_features="auto"
):
    """Distances of synthetic and of holdout rows to their closest training row.

    Synthetic rows much closer to the training rows than holdout rows are
    (smaller distances, exact copies, ``share_closer_to_train`` above its
    fair value) reveal memorised training rows.

    Parameters
    ----------
    X_train : array-like or DataFrame of shape (n_train, n_features)
        The rows the generator was trained on.
    X_synthetic : array-like or DataFrame of shape (n_synthetic, n_features)
        Its rows.
    X_holdout : array-like or DataFrame of shape (n_holdout, n_features)
        Real rows it was not trained on.
    categorical_features : 'auto' or array-like, default='auto'
        The categorical columns, as for
        :class:`~skgen.preprocessing.TabularEncoder`.

    Returns
    -------
    result : DCRResult
    """
    train, synthetic, holdout = _encoded(
        X_train, X_synthetic, X_holdout, categorical_features
    )
    to_train = _closest(train, synthetic)[:, 0]
    holdout_to_train = _closest(train, holdout)[:, 0]
    to_holdout = _closest(holdout, synthetic)[:, 0]
    return DCRResult(
        float(np.median(to_train)),
        float(np.median(holdout_to_train)),
        float(np.percentile(to_train, 5)),
        float(np.percentile(holdout_to_train, 5)),
        float(np.mean(to_train <= 1e-9)),
        float(np.mean(holdout_to_train <= 1e-9)),
        # A tie (frequent in tables of categories) counts one half.
        float(np.mean(to_train < to_holdout) + 0.5 * np.mean(to_train == to_holdout)),
    )


class NNDRResult(_Result):
    """Result of :func:`nearest_neighbour_distance_ratio`.

    Attributes
    ----------
    synthetic_median, holdout_median : float
        Median ratio of the distance to the closest training row to the
        distance to the second closest, for synthetic (holdout) rows. A ratio
        near 0 means a row sits on one training row, away from the others.
    synthetic_5th, holdout_5th : float
        The 5th percentiles of the same ratios.

    See Also
    --------
    nearest_neighbour_distance_ratio : The function that returns it.
    """

    def __init__(self, synthetic_median, holdout_median, synthetic_5th, holdout_5th):
        super().__init__(
            synthetic_median=synthetic_median,
            holdout_median=holdout_median,
            synthetic_5th=synthetic_5th,
            holdout_5th=holdout_5th,
        )


@validate_params(_PARAMETERS, prefer_skip_nested_validation=True)
def nearest_neighbour_distance_ratio(
    X_train, X_synthetic, X_holdout, *, categorical_features="auto"
):
    """Closest over second-closest training distance, synthetic against holdout.

    Parameters
    ----------
    X_train, X_synthetic, X_holdout, categorical_features
        As for :func:`distance_to_closest_record`.

    Returns
    -------
    result : NNDRResult
    """
    train, synthetic, holdout = _encoded(
        X_train, X_synthetic, X_holdout, categorical_features
    )

    def ratios(queries):
        distances = _closest(train, queries, n_neighbors=2)
        return np.divide(
            distances[:, 0],
            distances[:, 1],
            out=np.ones(len(queries)),
            where=distances[:, 1] > 0,
        )

    synthetic_ratios, holdout_ratios = ratios(synthetic), ratios(holdout)
    return NNDRResult(
        float(np.median(synthetic_ratios)),
        float(np.median(holdout_ratios)),
        float(np.percentile(synthetic_ratios, 5)),
        float(np.percentile(holdout_ratios, 5)),
    )


@validate_params(
    {**_PARAMETERS, "random_state": ["random_state"]},
    prefer_skip_nested_validation=True,
)
def membership_inference_auc(
    X_train, X_synthetic, X_holdout, *, categorical_features="auto", random_state=None
):
    """AUC of telling training rows from holdout rows by their distance to the
    closest synthetic row.

    A distance-based membership-inference attack: an attacker who holds the
    synthetic table and a candidate row guesses "trained on" when the
    candidate lies close to a synthetic row. The AUC over as many training
    as holdout candidates is 0.5 when the synthetic table tells nothing
    about membership, 1 when it gives every training row away.

    Parameters
    ----------
    X_train, X_synthetic, X_holdout, categorical_features
        As for :func:`distance_to_closest_record`.
    random_state : int, RandomState instance or None, default=None
        Draws the training candidates (as many as holdout rows).

    Returns
    -------
    auc : float
    """
    train, synthetic, holdout = _encoded(
        X_train, X_synthetic, X_holdout, categorical_features
    )
    n = min(len(train), len(holdout))
    rng = check_random_state(random_state)
    members = train[rng.choice(len(train), n, replace=False)]
    others = holdout[rng.choice(len(holdout), n, replace=False)]
    closeness = -_closest(synthetic, np.vstack([members, others]))[:, 0]
    labels = np.r_[np.ones(n), np.zeros(n)]
    return float(roc_auc_score(labels, closeness))
