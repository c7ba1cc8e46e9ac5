"""quality_report against sdmetrics' definitions, computed by hand."""

import numpy as np
import pytest
from scipy.stats import ks_2samp

from skgen.metrics import QualityResult, quality_report

pd = pytest.importorskip("pandas")


def _tables(seed=0, n=500):
    rng = np.random.RandomState(seed)
    x = rng.normal(size=n)
    real = pd.DataFrame(
        {
            "x": x,
            "y": 2 * x + rng.normal(size=n),
            "colour": rng.choice(["red", "blue"], n),
        }
    )
    y = rng.normal(size=n)
    synthetic = pd.DataFrame(
        {
            "x": rng.normal(0.5, 1.0, n),
            "y": y,
            "colour": rng.choice(["red", "blue"], n, p=[0.8, 0.2]),
        }
    )
    return real, synthetic


def test_scores_by_hand():
    real, synthetic = _tables()
    result = quality_report(real, synthetic)
    assert isinstance(result, QualityResult) and result.score == result["score"]
    ks = ks_2samp(real["x"], synthetic["x"]).statistic
    assert result.shapes["x"] == pytest.approx(1 - ks)
    p = (real["colour"] == "red").mean()
    q = (synthetic["colour"] == "red").mean()
    assert result.shapes["colour"] == pytest.approx(1 - abs(p - q))  # TV of 2 cells
    r_real = np.corrcoef(real["x"], real["y"])[0, 1]
    r_synthetic = np.corrcoef(synthetic["x"], synthetic["y"])[0, 1]
    assert result.pair_trends[("x", "y")] == pytest.approx(
        1 - abs(r_real - r_synthetic) / 2
    )
    # A number and a category: contingency tables over 10 bins of equal width.
    edges = np.linspace(real["x"].min(), real["x"].max(), 11)[1:-1]

    def table(frame):
        bins = np.searchsorted(edges, frame["x"], side="right")
        cells = bins * 2 + (frame["colour"] == "red").to_numpy()
        return np.bincount(cells, minlength=20) / len(frame)

    expected = 1 - 0.5 * np.abs(table(real) - table(synthetic)).sum()
    assert result.pair_trends[("x", "colour")] == pytest.approx(expected)
    assert result.column_shapes == pytest.approx(np.mean(list(result.shapes.values())))
    assert result.score == pytest.approx(
        0.5 * (result.column_shapes + result.column_pair_trends)
    )


def test_identical_tables_score_one_and_missing_cells_count():
    real, _ = _tables()
    assert quality_report(real, real).score == 1.0
    holes = real.copy()
    holes.loc[:199, "colour"] = None
    result = quality_report(real, holes)
    assert result.shapes["colour"] == pytest.approx(1 - 200 / 500)


def test_arrays_with_given_categorical_columns():
    real = np.array([[0.0, 1], [1.0, 0], [2.0, 1], [3.0, 0]])
    result = quality_report(real, real[::-1], categorical=[1])
    assert result.score == 1.0
    with pytest.raises(ValueError, match="columns of X_real"):
        quality_report(real, real[:, :1])
    with pytest.raises(ValueError, match="n_bins"):
        quality_report(real, real, n_bins=1)


def test_nullable_string_and_number_columns_with_missing_cells():
    pd = pytest.importorskip("pandas")
    table = pd.DataFrame(
        {
            "s": pd.array(["a", "b", None, "a"] * 10, dtype="string"),
            "i": pd.array([1, None, 3, 4] * 10, dtype="Int64"),
        }
    )
    result = quality_report(table, table)
    assert result.score == 1.0
    assert set(result.shapes) == {"s", "i"}


def test_a_constant_synthetic_column_scores_no_better_than_noise():
    """The real pair is correlated: a synthetic column that is constant has
    no correlation to give (0), as an independent one has about none."""
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    a = rng.normal(size=500)
    real = pd.DataFrame({"a": a, "b": a + 0.3 * rng.normal(size=500)})
    constant = real.assign(b=0.0)
    noise = real.assign(b=rng.normal(size=500))
    trend_constant = quality_report(real, constant).pair_trends[("a", "b")]
    trend_noise = quality_report(real, noise).pair_trends[("a", "b")]
    r = np.corrcoef(real["a"], real["b"])[0, 1]
    assert trend_constant == pytest.approx(1 - r / 2)
    assert trend_noise == pytest.approx(trend_constant, abs=0.05)
    flat = real.assign(b=1.0)  # the real correlation is undefined: no pair
    assert quality_report(flat, noise).pair_trends == {}
