"""Privacy measures: a generator that copies its training rows is caught."""

import numpy as np
import pytest

from skgen.metrics import (
    DCRResult,
    NNDRResult,
    distance_to_closest_record,
    membership_inference_auc,
    nearest_neighbour_distance_ratio,
)


def _rows(seed, n=400):
    return np.random.RandomState(seed).normal(size=(n, 3))


def test_copies_of_training_rows_are_caught():
    train, holdout = _rows(0), _rows(1)
    copies = train[:300]
    fresh = _rows(2, 300)
    leaky = distance_to_closest_record(train, copies, holdout)
    honest = distance_to_closest_record(train, fresh, holdout)
    assert isinstance(leaky, DCRResult)
    assert leaky.exact_copies == 1.0 and leaky.synthetic_median == 0.0
    assert leaky.share_closer_to_train == 1.0
    assert honest.exact_copies == 0.0
    assert honest.share_closer_to_train == pytest.approx(0.5, abs=0.1)
    assert honest.synthetic_median == pytest.approx(honest.holdout_median, rel=0.2)
    assert membership_inference_auc(train, copies, holdout, random_state=0) > 0.85
    auc = membership_inference_auc(train, fresh, holdout, random_state=0)
    assert auc == pytest.approx(0.5, abs=0.07)
    ratios = nearest_neighbour_distance_ratio(train, copies, holdout)
    assert isinstance(ratios, NNDRResult) and ratios.synthetic_median == 0.0
    assert (
        nearest_neighbour_distance_ratio(train, fresh, holdout).synthetic_median > 0.5
    )


def test_dcr_by_hand():
    train = np.array([[0.0], [10.0]])
    holdout = np.array([[4.0], [6.0]])
    synthetic = np.array([[1.0], [9.0], [5.0]])
    result = distance_to_closest_record(train, synthetic, holdout)
    z = 1 / 5.0  # the training column's standard deviation is 5
    assert result.synthetic_median == pytest.approx(1 * z)
    assert result.holdout_median == pytest.approx(4 * z)
    assert result.share_closer_to_train == pytest.approx(2 / 3)


def test_tables_with_categories():
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    frame = pd.DataFrame({"x": rng.normal(size=200), "c": rng.choice(["a", "b"], 200)})
    result = distance_to_closest_record(frame[:100], frame[100:150], frame[150:])
    assert result.exact_copies == 0.0
    with pytest.raises(ValueError, match="X_synthetic has 1 row"):
        distance_to_closest_record(frame[:100], frame[:1], frame[150:])


def test_repeated_rows_show_as_copies_of_the_holdout_too():
    train = np.repeat(np.arange(10.0), 20)[:, None]
    holdout = np.arange(10.0)[:, None]
    result = distance_to_closest_record(train, train[::7] + 0.5, holdout)
    assert result.holdout_exact_copies == 1.0
    assert result.exact_copies == 0.0
