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
    # The space is fitted on the three tables stacked.
    z = 1 / np.std([0.0, 10.0, 1.0, 9.0, 5.0, 4.0, 6.0])
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


def test_near_copies_with_missing_cells_are_caught():
    """A missing cell sits at its column's mean: a near-copy of a training
    row with a missing cell stays near it (a drawn score would move it)."""
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    table = pd.DataFrame(rng.normal(size=(400, 3)), columns=["a", "b", "m"])
    table.loc[rng.uniform(size=400) < 0.5, "m"] = np.nan
    train, holdout = table[:300], table[300:]
    near_copies = train.assign(a=train["a"] + 1e-3)
    result = distance_to_closest_record(train, near_copies, holdout)
    assert result.synthetic_median < 2e-3  # 1e-3 over the column scale
    assert membership_inference_auc(train, near_copies, holdout, random_state=0) > 0.95


def test_ties_count_one_half():
    """Fresh draws of a table of two categories tie often with both sets."""
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)

    def draw(n):
        return pd.DataFrame(
            {"c": rng.choice(["x", "y", "z"], n), "d": rng.choice(["u", "v"], n)}
        )

    result = distance_to_closest_record(draw(400), draw(300), draw(100))
    assert result.share_closer_to_train == pytest.approx(0.5, abs=0.05)


def test_columns_matched_by_name_and_missing_cells_anywhere():
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(1)
    table = pd.DataFrame({"x": rng.normal(size=200), "c": rng.choice(["a", "b"], 200)})
    holdout = table[150:].copy()
    holdout.loc[holdout.index[:5], "x"] = np.nan  # none in the training rows
    reordered = table[100:150][["c", "x"]]
    result = distance_to_closest_record(table[:100], reordered, holdout)
    reference = distance_to_closest_record(table[:100], table[100:150], holdout)
    assert result == reference
    with pytest.raises(ValueError, match="same columns"):
        distance_to_closest_record(table[:100], table[100:150][["x"]], holdout)
