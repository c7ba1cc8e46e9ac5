"""TableSynthesizer: generated tables hold only values their columns could
hold, and reproduce each column's shape and the columns' dependence."""

import numpy as np
import pytest

from skgen.metrics import quality_report
from skgen.tabular import TableSynthesizer

pd = pytest.importorskip("pandas")


def _table(n_samples=1500, seed=0):
    rng = np.random.RandomState(seed)
    group = rng.randint(2, size=n_samples)
    frame = pd.DataFrame(
        {
            "age": rng.randint(18, 90, n_samples),
            "income": np.round(np.exp(rng.normal(10 + group, 0.5)), 2),
            "visits": np.where(
                rng.uniform(size=n_samples) < 0.6, 0, rng.poisson(3, n_samples)
            ),
            "rating": np.minimum(np.round(rng.normal(3 + 1.5 * group, 1.0)), 5).astype(
                int
            ),
            "plan": np.where(
                group == 1, "plus", rng.choice(["basic", "free"], n_samples)
            ),
            "member": rng.uniform(size=n_samples) < 0.2 + 0.5 * group,
        }
    )
    frame.loc[rng.uniform(size=n_samples) < 0.1, "income"] = np.nan
    return frame


@pytest.fixture(scope="module")
def fitted():
    table = _table()
    return table, TableSynthesizer(random_state=0).fit(table)


def test_generated_values_are_values_the_columns_could_hold(fitted):
    table, synthesizer = fitted
    synthetic, labels = synthesizer.sample(5000, random_state=1)
    assert list(synthetic.columns) == list(table.columns)
    assert (synthetic.dtypes == table.dtypes).all()
    assert labels.shape == (5000,)
    for column in ("age", "income", "visits", "rating"):
        present = synthetic[column].dropna()
        assert present.min() >= table[column].min()
        assert present.max() <= table[column].max()
    assert set(synthetic["plan"]) <= set(table["plan"])
    assert set(synthetic["rating"]) <= set(table["rating"])


def test_shapes_point_masses_and_missing_cells_are_reproduced(fitted):
    table, synthesizer = fitted
    synthetic, _ = synthesizer.sample(20_000, random_state=2)
    assert (synthetic["visits"] == 0).mean() == pytest.approx(
        (table["visits"] == 0).mean(), abs=0.02
    )
    assert (synthetic["rating"] == 5).mean() == pytest.approx(
        (table["rating"] == 5).mean(), abs=0.02
    )
    assert synthetic["income"].isna().mean() == pytest.approx(
        table["income"].isna().mean(), abs=0.015
    )
    report = quality_report(table, synthetic)
    assert report.column_shapes > 0.95
    assert report.column_pair_trends > 0.9
    # The dependence: "plus" members have the higher incomes.
    for frame in (table, synthetic):
        by_plan = frame.groupby("plan")["income"].median()
        assert by_plan["plus"] > 1.8 * by_plan["free"]


def test_auto_picks_the_number_of_components_by_bic(fitted):
    _, synthesizer = fitted
    assert synthesizer.n_components_ == min(synthesizer.bic_, key=synthesizer.bic_.get)
    assert len(synthesizer.bic_) > 3


def test_stream_and_reproducibility(fitted):
    table, synthesizer = fitted
    first, _ = synthesizer.sample(50)
    second, _ = synthesizer.sample(50)
    assert not first.equals(second)
    a, _ = synthesizer.sample(50, random_state=3)
    b, _ = synthesizer.sample(50, random_state=3)
    pd.testing.assert_frame_equal(a, b)
    again = TableSynthesizer(random_state=0).fit(table)
    pd.testing.assert_frame_equal(
        again.sample(50, random_state=3)[0], synthesizer.sample(50, random_state=3)[0]
    )
    assert np.all(np.isfinite(synthesizer.score_samples(table)))


def test_an_identifier_column_gets_a_warning():
    table = _table(200).assign(customer=[f"c{i}" for i in range(200)])
    with pytest.warns(UserWarning, match="'customer' holds 200 distinct values"):
        TableSynthesizer(n_components=2, random_state=0).fit(table)
