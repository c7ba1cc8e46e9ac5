"""TabularEncoder: encoding of mixed tables and the decoding of generated rows."""

import numpy as np
import pytest
from scipy import stats
from sklearn.utils.estimator_checks import parametrize_with_checks

from skgen.mixture import GaussianMixture
from skgen.pipeline import make_generative_pipeline
from skgen.preprocessing import TabularEncoder


@parametrize_with_checks(
    [
        TabularEncoder(),
        TabularEncoder(numeric="standard"),
        TabularEncoder(numeric="passthrough", categorical="ordinal"),
    ]
)
def test_tabular_encoder_is_a_scikit_learn_transformer(estimator, check):
    check(estimator)


def _frame(n_samples=60, seed=0):
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(seed)
    return pd.DataFrame(
        {
            "height": rng.normal(170.0, 10.0, n_samples),
            "colour": pd.Categorical(
                rng.choice(["red", "green", "blue"], n_samples),
                categories=["blue", "green", "red", "violet"],
            ),
            "age": rng.randint(18, 80, n_samples).astype(np.int64),
            "city": rng.choice(["Paris", "Lyon"], n_samples).astype(object),
        }
    )


def test_tabular_encoder_round_trip_on_a_dataframe():
    pd = pytest.importorskip("pandas")
    df = _frame()
    encoder = TabularEncoder(numeric="standard").fit(df)
    np.testing.assert_array_equal(encoder.numeric_features_, [0, 2])
    np.testing.assert_array_equal(encoder.categorical_features_, [1, 3])
    encoded = encoder.transform(df)
    assert encoded.shape == (60, 2 + 3 + 2)  # violet was never seen
    np.testing.assert_allclose(encoded[:, :2].mean(axis=0), 0.0, atol=1e-12)
    back = encoder.inverse_transform(encoded)
    assert list(back.columns) == list(df.columns)
    assert (back.dtypes == df.dtypes).all()
    assert list(back["colour"].cat.categories) == list(df["colour"].cat.categories)
    pd.testing.assert_series_equal(back["colour"], df["colour"])
    pd.testing.assert_series_equal(back["city"], df["city"])
    pd.testing.assert_series_equal(back["age"], df["age"])
    np.testing.assert_allclose(back["height"], df["height"], rtol=1e-12)
    assert encoder.get_feature_names_out().tolist() == [
        "height",
        "age",
        "colour_blue",
        "colour_green",
        "colour_red",
        "city_Lyon",
        "city_Paris",
    ]


def test_tabular_encoder_decodes_each_block_by_its_argmax():
    df = _frame()
    encoder = TabularEncoder(numeric="standard").fit(df)
    rows = np.array([[0.0, 1.0, 0.1, 0.3, 0.25, 0.5, 0.4]])
    decoded = encoder.inverse_transform(rows)
    assert decoded.loc[0, "colour"] == "green"
    assert decoded.loc[0, "city"] == "Lyon"
    assert decoded.loc[0, "height"] == pytest.approx(df["height"].mean())
    assert decoded.loc[0, "age"] == round(df["age"].mean() + df["age"].std(ddof=0))


def test_synthesized_dataframe_has_the_columns_dtypes_and_categories():
    df = _frame(200)
    pipe = make_generative_pipeline(
        TabularEncoder(), GaussianMixture(3, random_state=0)
    ).fit(df)
    synthetic, _ = pipe.sample(100)
    assert list(synthetic.columns) == list(df.columns)
    assert (synthetic.dtypes == df.dtypes).all()
    assert synthetic.shape == (100, 4)
    assert set(synthetic["colour"]) <= {"red", "green", "blue"}
    assert set(synthetic["city"]) == {"Paris", "Lyon"}
    # The numbers are in the units of the data.
    assert abs(synthetic["height"].mean() - df["height"].mean()) < 5.0
    # One-hot rows have no density in the input space; the model's has one.
    with pytest.raises(ValueError, match="step 'tabularencoder'"):
        pipe.score_samples(df)
    pipe.set_params(density_space="model")
    assert np.all(np.isfinite(pipe.score_samples(df)))


def test_tabular_encoder_on_arrays():
    X = np.array([[1.0, "a"], [2.0, "b"], [3.0, "a"], [5.0, "b"]], dtype=object)
    encoder = TabularEncoder().fit(X)
    np.testing.assert_array_equal(encoder.categorical_features_, [1])
    back = encoder.inverse_transform(encoder.transform(X))
    assert back.dtype == object
    np.testing.assert_array_equal(back[:, 1], X[:, 1])
    np.testing.assert_allclose(back[:, 0].astype(float), X[:, 0].astype(float))
    numeric = np.arange(12.0).reshape(6, 2)
    back = (
        TabularEncoder()
        .fit(numeric)
        .inverse_transform(TabularEncoder().fit_transform(numeric))
    )
    assert back.dtype == np.float64
    np.testing.assert_allclose(back, numeric)


@pytest.mark.parametrize(
    "spec", [["colour", "city"], [1, 3], [False, True, False, True]]
)
def test_tabular_encoder_categorical_features_by_name_position_or_mask(spec):
    df = _frame()
    encoder = TabularEncoder(categorical_features=spec).fit(df)
    np.testing.assert_array_equal(encoder.categorical_features_, [1, 3])


def test_tabular_encoder_numbers_passed_through_and_forced_categories():
    df = _frame()
    encoder = TabularEncoder(categorical_features=["colour", "city", "age"]).fit(df)
    encoded = encoder.transform(df)
    assert encoded.shape[1] == 1 + 3 + df["age"].nunique() + 2
    back = encoder.inverse_transform(encoded)
    assert (back.dtypes == df.dtypes).all()
    np.testing.assert_array_equal(back["age"], df["age"])
    plain = TabularEncoder(numeric="passthrough").fit(df)
    np.testing.assert_array_equal(plain.transform(df)[:, 0], df["height"])


@pytest.mark.parametrize(
    "spec, message",
    [(["colour", "shape"], "shape"), ([0, 9], "out of range"), ([True], "mask")],
)
def test_tabular_encoder_bad_categorical_features_are_named(spec, message):
    with pytest.raises(ValueError, match=message):
        TabularEncoder(categorical_features=spec).fit(_frame())


def test_tabular_encoder_inverse_checks_the_width():
    encoder = TabularEncoder().fit(_frame())
    with pytest.raises(ValueError, match="7 features"):
        encoder.inverse_transform(np.zeros((2, 5)))


# -- real tables: kinds, ranges, point masses, missing cells ----------------------


def _real_frame(n_samples=2000, seed=0):
    """A table as real tables are: skew, a 0 for 70% of rows, a cap, counts,
    booleans, dates, and missing cells."""
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(seed)
    frame = pd.DataFrame(
        {
            "income": np.exp(rng.normal(10.0, 1.0, n_samples)),
            "affairs": np.where(
                rng.uniform(size=n_samples) < 0.7, 0.0, rng.exponential(3.0, n_samples)
            ),
            "score": np.minimum(rng.normal(80.0, 15.0, n_samples), 100.0),
            "visits": rng.poisson(1.5, n_samples),
            "delta": rng.randint(-3, 4, n_samples),
            "colour": pd.Categorical(rng.choice(["red", "green", "blue"], n_samples)),
            "member": rng.uniform(size=n_samples) < 0.3,
            "joined": pd.to_datetime("2020-01-01")
            + pd.to_timedelta(rng.randint(0, 900, n_samples), unit="D"),
        }
    )
    frame.loc[rng.uniform(size=n_samples) < 0.1, "income"] = np.nan
    return frame


def test_kinds_ranges_point_masses_and_missing_cells_are_recorded():
    df = _real_frame()
    encoder = TabularEncoder().fit(df)
    assert encoder.column_kinds_.tolist() == [
        "continuous",
        "bounded",  # a point mass at its minimum
        "bounded",  # a cap at 100
        "count",
        "integer",
        "categorical",
        "boolean",
        "datetime",
    ]
    assert encoder.bounds_[2] == (df["score"].min(), 100.0)
    values, shares = encoder.point_masses_[1]
    assert values[0] == 0.0 and shares[0] == pytest.approx((df["affairs"] == 0).mean())
    assert encoder.missing_rates_[0] == pytest.approx(df["income"].isna().mean())
    assert "income_missing" in encoder.get_feature_names_out().tolist()


@pytest.mark.parametrize("numeric", ["quantile", "standard", "passthrough"])
def test_any_real_rows_decode_into_values_each_column_could_hold(numeric):
    df = _real_frame()
    encoder = TabularEncoder(numeric=numeric).fit(df)
    rows = np.random.RandomState(1).normal(
        0.0, 30.0, (5000, encoder.transform(df).shape[1])
    )
    decoded = encoder.inverse_transform(rows)
    assert (decoded.dtypes == df.dtypes).all()
    for column in ("income", "affairs", "score", "visits", "delta", "joined"):
        present = decoded[column].dropna()
        assert present.min() >= df[column].min() and present.max() <= df[column].max()
    for column in ("visits", "delta"):
        assert np.all(decoded[column] == np.round(decoded[column]))
    assert set(decoded["colour"].astype(str)) <= {"red", "green", "blue"}
    assert (decoded["joined"].dt.normalize() == decoded["joined"]).all()  # days


def test_point_masses_and_missing_cells_survive_a_gaussian_model():
    df = _real_frame()
    pipe = make_generative_pipeline(
        TabularEncoder(), GaussianMixture(4, random_state=0)
    ).fit(df)
    synthetic, _ = pipe.sample(20_000, random_state=0)
    assert (synthetic["affairs"] == 0).mean() == pytest.approx(
        (df["affairs"] == 0).mean(), abs=0.03
    )
    assert (synthetic["score"] == 100.0).mean() == pytest.approx(
        (df["score"] == 100.0).mean(), abs=0.02
    )
    assert synthetic["income"].isna().mean() == pytest.approx(
        df["income"].isna().mean(), abs=0.02
    )
    # (A one-hot block decoded by its largest entry is only as good as the
    # model's fit of it: here within 5 points.)
    assert synthetic["member"].mean() == pytest.approx(df["member"].mean(), abs=0.05)


def test_quantile_scores_are_standard_normal():
    df = _real_frame()
    scores = TabularEncoder().fit(df).transform(df)
    for column in range(5):  # the numbers' scores, shared values spread
        assert stats.kstest(scores[:, column], "norm").pvalue > 0.01


def test_bounds_given_keep_decoded_values_inside():
    df = _real_frame()
    encoder = TabularEncoder(numeric="standard", bounds={"score": (50, None)}).fit(df)
    assert encoder.bounds_[2] == (50, 100.0)
    rows = np.random.RandomState(2).normal(
        0.0, 10.0, (1000, encoder.transform(df).shape[1])
    )
    assert encoder.inverse_transform(rows)["score"].min() >= 50
    with pytest.raises(ValueError, match="low > high"):
        TabularEncoder(bounds={"score": (5, 1)}).fit(df)
    with pytest.raises(ValueError, match="pair"):
        TabularEncoder(bounds={"score": 5}).fit(df)


@pytest.mark.parametrize(
    "bounds, message",
    [
        ({"score": (500, None)}, "leaves out every value column 'score'"),
        ({"score": (None, -5)}, "leaves out every value"),
        ({"score": ("low", None)}, "must hold numbers"),
        ({"colour": (0, 1)}, "categorical column\\(s\\) \\['colour'\\]"),
        ({"joined": ("not a date", None)}, "must hold dates"),
        ({"joined": ("2030-01-01", None)}, "leaves out every value"),
    ],
)
def test_bounds_that_cannot_apply_are_named(bounds, message):
    with pytest.raises(ValueError, match=message):
        TabularEncoder(bounds=bounds).fit(_real_frame(200))


def test_bounds_on_a_datetime_column_take_dates():
    pd = pytest.importorskip("pandas")
    df = _real_frame(300)
    low = pd.Timestamp("2020-03-01")
    encoder = TabularEncoder(numeric="standard", bounds={"joined": (low, None)})
    encoder.fit(df[df["joined"] >= low])
    rows = np.random.RandomState(0).normal(0, 9, (500, len(encoder.output_types_)))
    assert encoder.inverse_transform(rows)["joined"].min() == low


def test_missing_cells_in_a_column_that_had_none_are_an_error():
    df = _real_frame(200)
    encoder = TabularEncoder().fit(df)
    df.loc[3, "score"] = np.nan
    with pytest.raises(ValueError, match="'score' has missing cells, but had none"):
        encoder.transform(df)


def test_nullable_dtypes_with_missing_cells_round_trip():
    pd = pytest.importorskip("pandas")
    n = 40
    df = pd.DataFrame(
        {
            "i": pd.array([1, 2, None, 4] * (n // 4), dtype="Int64"),
            "f": pd.array([1.5, 2.5, None, 4.0] * (n // 4), dtype="Float64"),
            "b": pd.array([True, False, None, True] * (n // 4), dtype="boolean"),
            "s": pd.array(["a", "b", None, "a"] * (n // 4), dtype="string"),
            "z": np.arange(float(n)),
        }
    )
    encoder = TabularEncoder().fit(df)
    assert encoder.missing_rates_[:4].tolist() == [0.25] * 4
    back = encoder.inverse_transform(encoder.transform(df))
    for column in df.columns:
        assert back[column].dtype == df[column].dtype, column
        pd.testing.assert_series_equal(back[column], df[column])


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_datetimes_round_trip_exactly_in_their_unit(unit):
    """Stamps to the millisecond over a dozen days: as nanoseconds in
    float64 they would lose their last digits (and decode off the grid)."""
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    offsets = pd.to_timedelta(rng.randint(0, 10**9, size=300), unit="ms")
    if unit == "s":
        offsets = offsets.round("s")
    stamps = (pd.Timestamp("2024-01-01") + offsets).as_unit(unit)
    df = pd.DataFrame({"t": stamps})
    encoder = TabularEncoder().fit(df)
    pd.testing.assert_frame_equal(encoder.inverse_transform(encoder.transform(df)), df)
    drawn = encoder.inverse_transform(rng.normal(size=(2000, 1)))["t"]
    grid = "s" if unit == "s" else "ms"
    assert (drawn == drawn.dt.round(grid)).all()
    assert drawn.dtype == df["t"].dtype


def test_time_zones_and_dates_far_from_1970_round_trip():
    pd = pytest.importorskip("pandas")
    zoned = pd.DataFrame(
        {"t": pd.date_range("2024-03-30", periods=72, freq="h", tz="Europe/Paris")}
    )
    encoder = TabularEncoder().fit(zoned)
    pd.testing.assert_frame_equal(
        encoder.inverse_transform(encoder.transform(zoned)), zoned
    )
    far = pd.DataFrame(
        {
            "t": pd.Series(
                np.array(
                    ["0001-01-01", "1500-06-01", "2500-01-01", "NaT"] * 5,
                    dtype="datetime64[s]",
                )
            )
        }
    )
    encoder = TabularEncoder().fit(far)
    back = encoder.inverse_transform(encoder.transform(far))
    pd.testing.assert_frame_equal(back, far)


def test_transform_is_deterministic_and_does_not_depend_on_row_order():
    df = _real_frame(n_samples=500)
    encoder = TabularEncoder().fit(df)
    order = np.random.RandomState(3).permutation(len(df))
    np.testing.assert_array_equal(
        encoder.transform(df.iloc[order]), encoder.transform(df)[order]
    )
    np.testing.assert_array_equal(encoder.transform(df), encoder.transform(df))
    back = encoder.inverse_transform(encoder.transform(df))
    for column in ("visits", "delta", "colour", "member", "joined"):
        assert (back[column] == df[column]).all(), column
    for column in ("income", "affairs", "score"):
        np.testing.assert_allclose(back[column], df[column], rtol=1e-12)
