"""Sample quality and privacy: how close synthetic rows are to real rows,
and how close to the rows they were trained on.

Quality, from the most to the least demanding: a classifier two-sample test
(:func:`c2st_score`), the maximum mean discrepancy with a permutation test
(:func:`mmd`), train-on-synthetic / test-on-real (:func:`tstr_score`), a
table's column shapes and column-pair trends (:func:`quality_report`, in the
manner of sdmetrics), and two summaries of what a generator should at least
reproduce: the marginal distribution of each column
(:func:`marginal_scores`) and the pairwise correlations
(:func:`correlation_difference`).

Privacy, each against real rows the generator never saw: the distance of
synthetic rows to their closest training row
(:func:`distance_to_closest_record`), the ratio of the closest to the second
closest (:func:`nearest_neighbour_distance_ratio`), and a distance-based
membership-inference attack (:func:`membership_inference_auc`).

Every function takes the real rows first, as arrays or DataFrames; a
DataFrame with the columns of the first one in another order is reordered to
match. The computations are in float64 whatever the input: the measures are
small differences between large sums.

The functions that measure several numbers return a result object: a
read-only :class:`~sklearn.utils.Bunch`, a dict whose keys are also
attributes (``result["accuracy"]`` or ``result.accuracy``).
:func:`correlation_difference` and :func:`membership_inference_auc`
measure one number and return a float. A
bad parameter raises scikit-learn's ``InvalidParameterError`` (a
``ValueError``) naming it.
"""

from skgen.metrics._privacy import (
    DCRResult,
    NNDRResult,
    distance_to_closest_record,
    membership_inference_auc,
    nearest_neighbour_distance_ratio,
)
from skgen.metrics._sample_quality import (
    C2STResult,
    MarginalResult,
    MMDResult,
    TSTRResult,
    c2st_score,
    correlation_difference,
    marginal_scores,
    mmd,
    tstr_score,
)
from skgen.metrics._tables import QualityResult, quality_report

__all__ = [
    "C2STResult",
    "DCRResult",
    "MMDResult",
    "MarginalResult",
    "NNDRResult",
    "QualityResult",
    "TSTRResult",
    "c2st_score",
    "correlation_difference",
    "distance_to_closest_record",
    "marginal_scores",
    "membership_inference_auc",
    "mmd",
    "nearest_neighbour_distance_ratio",
    "quality_report",
    "tstr_score",
]
