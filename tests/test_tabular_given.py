"""Rows drawn given column values: MixedTypeMixture.condition, the exact
interval sampler and TableSynthesizer.sample(given=...), against the joint
density and against rejection from the model's own unconditional rows."""

import numpy as np
import pandas as pd
import pytest
from scipy.special import logsumexp
from scipy.stats import multivariate_normal, poisson

from skgen.mixture import MixedTypeMixture
from skgen.mixture._mixed_conditioning import sample_given_box
from skgen.tabular import TableSynthesizer

TYPES = ["gaussian", "gaussian", "gaussian", "categorical", "bernoulli", "poisson"]


def mixed_rows(seed=0, n=3000):
    rng = np.random.RandomState(seed)
    z = rng.randint(2, size=n)
    gaussian = rng.multivariate_normal(
        [0, 0, 0], [[1, 0.6, 0.2], [0.6, 1, 0.3], [0.2, 0.3, 1]], n
    )
    gaussian += 2.5 * z[:, np.newaxis]
    return np.column_stack(
        [
            gaussian,
            np.where(z == 1, 2, rng.randint(0, 3, n)),
            (rng.rand(n) < 0.2 + 0.6 * z).astype(float),
            rng.poisson(1 + 3 * z),
        ]
    )


@pytest.fixture(scope="module")
def mixture():
    return MixedTypeMixture(2, column_types=TYPES, random_state=0).fit(mixed_rows())


def log_marginal(model, values, columns):
    """log p(values of columns), by scipy and direct products, per component."""
    terms = np.log(model.weights_).copy()
    gaussian = [c for c in columns if TYPES[c] == "gaussian"]
    if gaussian:
        x = np.array([values[columns.index(c)] for c in gaussian])
        for k in range(model.n_components):
            terms[k] += multivariate_normal(
                model.means_[k][gaussian],
                model.covariances_[k][np.ix_(gaussian, gaussian)],
            ).logpdf(x)
    for c, v in zip(columns, values):
        if TYPES[c] == "categorical":
            terms += np.log(model.categorical_probs_[:, 0, int(v)])
        elif TYPES[c] == "bernoulli":
            p = model.bernoulli_probs_[:, 0]
            terms += np.log(p if v == 1 else 1 - p)
        elif TYPES[c] == "poisson":
            terms += poisson(model.poisson_rates_[:, 0]).logpmf(v)
    return logsumexp(terms)


@pytest.mark.parametrize(
    "values, columns",
    [([2.0], [3]), ([1.0, 3.0], [4, 5]), ([0.5], [1]), ([0.5, 2.0, 1.0], [0, 3, 4])],
)
def test_conditional_density_is_joint_over_marginal(mixture, values, columns):
    conditional = mixture.condition(values, columns)
    other = [c for c in range(6) if c not in columns]
    assert list(conditional.column_types_) == [TYPES[c] for c in other]
    rows = mixed_rows(seed=1, n=50)[:, other]
    full = np.empty((50, 6))
    full[:, other] = rows
    full[:, columns] = values
    expected = mixture.score_samples(full) - log_marginal(mixture, values, columns)
    np.testing.assert_allclose(conditional.score_samples(rows), expected, rtol=1e-9)


def test_condition_rejects_values_the_columns_cannot_hold(mixture):
    with pytest.raises(ValueError, match="categorical"):
        mixture.condition([7.0], [3])
    with pytest.raises(ValueError, match="Bernoulli"):
        mixture.condition([0.5], [4])
    with pytest.raises(ValueError, match="finite"):
        mixture.condition([np.nan], [0])


@pytest.mark.parametrize(
    "columns, low, high",
    [
        ([1], [0.5], [1.5]),
        ([0, 2], [1.0, -0.5], [2.0, 1.0]),
        ([2, 0, 1], [0, 0, 1], [2, 3, 2]),
    ],
)
def test_box_sampler_equals_rejection_from_the_model(mixture, columns, low, high):
    rng = np.random.RandomState(0)
    rows, _ = mixture.sample(1_000_000, random_state=1)
    keep = np.all((rows[:, columns] > low) & (rows[:, columns] < high), axis=1)
    inside = rows[keep]
    drawn, _ = sample_given_box(mixture, 100_000, columns, low, high, rng)
    assert np.all((drawn[:, columns] >= low) & (drawn[:, columns] <= high))
    np.testing.assert_allclose(drawn.mean(axis=0), inside.mean(axis=0), atol=0.03)
    np.testing.assert_allclose(drawn.std(axis=0), inside.std(axis=0), atol=0.03)


@pytest.fixture(scope="module")
def table():
    rng = np.random.RandomState(0)
    n = 2000
    sex = rng.choice(["F", "M"], n)
    age = rng.randint(18, 80, n)
    income = np.where(
        rng.rand(n) < 0.3, 0.0, np.exp(rng.randn(n) * 0.5 + 10 + 0.3 * (sex == "M"))
    )
    score = rng.randn(n) + (sex == "M") + 0.02 * age
    return pd.DataFrame({"sex": sex, "age": age, "income": income, "score": score})


@pytest.fixture(scope="module")
def synthesizer(table):
    return TableSynthesizer(random_state=0).fit(table)


@pytest.mark.parametrize(
    "given",
    [
        {"sex": "F"},
        {"age": 40},
        {"income": 0.0},
        {"sex": "M", "age": 30},
        {"age": 40, "income": 0.0},
    ],
)
def test_given_rows_equal_rejection_from_the_synthesizer(synthesizer, given):
    rows, _ = synthesizer.sample(400_000, random_state=1)
    keep = np.ones(len(rows), dtype=bool)
    for column, value in given.items():
        keep &= (rows[column] == value).to_numpy()
    reference = rows[keep]
    drawn, _ = synthesizer.sample(40_000, random_state=2, given=given)
    for column, value in given.items():
        assert (drawn[column] == value).all()
    assert list(drawn.dtypes) == list(rows.dtypes)
    other = [c for c in rows.columns if c not in given]
    for column in other:
        if rows[column].dtype.kind == "f" or rows[column].dtype.kind == "i":
            scale = reference[column].std()
            assert drawn[column].mean() == pytest.approx(
                reference[column].mean(), abs=0.05 * scale
            )
        else:
            np.testing.assert_allclose(
                drawn[column].value_counts(normalize=True).sort_index(),
                reference[column].value_counts(normalize=True).sort_index(),
                atol=0.02,
            )


def test_given_continuous_value_is_kept_exactly(synthesizer):
    drawn, _ = synthesizer.sample(100, random_state=0, given={"score": 0.4321})
    assert (drawn["score"] == 0.4321).all()


@pytest.mark.parametrize(
    "given, match",
    [
        ({"height": 1.0}, "lacks"),
        ({"age": 200}, "outside"),
        ({"sex": "X"}, "not seen"),
        ({"age": "old"}, "not a number"),
    ],
)
def test_bad_given_values_are_named(synthesizer, given, match):
    with pytest.raises(ValueError, match=match):
        synthesizer.sample(5, given=given)


@pytest.fixture(scope="module")
def gmm_pipeline(table):
    from skgen.mixture import GaussianMixture
    from skgen.pipeline import make_generative_pipeline
    from skgen.preprocessing import TabularEncoder

    return make_generative_pipeline(
        TabularEncoder(), GaussianMixture(4, reg_covar=1e-3, random_state=0)
    ).fit(table)


@pytest.mark.parametrize("given", [{"age": 40}, {"income": 0.0}])
def test_gmm_pipeline_given_equals_rejection_from_the_pipeline(gmm_pipeline, given):
    # An integer or a repeated value is an interval of the mixture's scores,
    # so rejection on the decoded value is the same conditional.
    rows, _ = gmm_pipeline.sample(400_000, random_state=1)
    keep = np.ones(len(rows), dtype=bool)
    for column, value in given.items():
        keep &= (rows[column] == value).to_numpy()
    reference = rows[keep]
    drawn, _ = gmm_pipeline.sample(40_000, random_state=2, given=given)
    for column, value in given.items():
        assert (drawn[column] == value).all()
    assert list(drawn.dtypes) == list(rows.dtypes)
    for column in ("score", "income", "age"):
        if column in given:
            continue
        scale = reference[column].std()
        assert drawn[column].mean() == pytest.approx(
            reference[column].mean(), abs=0.05 * scale
        )
    np.testing.assert_allclose(
        drawn["sex"].value_counts(normalize=True).sort_index(),
        reference["sex"].value_counts(normalize=True).sort_index(),
        atol=0.02,
    )


def test_gmm_pipeline_given_category_conditions_on_its_one_hot_vector(
    gmm_pipeline, table
):
    encoder, mixture = gmm_pipeline[0], gmm_pipeline[-1]
    drawn, _ = gmm_pipeline.sample(40_000, random_state=0, given={"sex": "M"})
    assert (drawn["sex"] == "M").all()
    # The conditional mixture of the scores given the one-hot outputs (1 for
    # M, 0 for F), by GaussianMixture.condition, against the drawn scores.
    layout = encoder._layout()
    sex = list(table.columns).index("sex")
    outputs = [i for i, (j, what, _) in enumerate(layout) if j == sex]
    categories = list(encoder._columns[sex].categories)
    one_hot = [float(c == "M") for c in categories]
    conditional = mixture.condition(one_hot, outputs)
    expected = conditional.weights_ @ conditional.means_
    scores = encoder.transform(drawn)[
        :, [i for i in range(len(layout)) if i not in outputs]
    ]
    np.testing.assert_allclose(scores.mean(axis=0), expected, atol=0.03)


def test_given_needs_an_encoder_and_a_mixture(table):
    from sklearn.preprocessing import StandardScaler

    from skgen.mixture import GaussianMixture
    from skgen.pipeline import make_generative_pipeline
    from skgen.preprocessing import TabularEncoder

    pipeline = make_generative_pipeline(
        TabularEncoder(), StandardScaler(), GaussianMixture(2, random_state=0)
    ).fit(table)
    with pytest.raises(ValueError, match="TabularEncoder and a GaussianMixture"):
        pipeline.sample(5, given={"age": 40})


def test_too_many_ranges_are_named(synthesizer, monkeypatch):
    import skgen._tabular_given

    monkeypatch.setattr(skgen._tabular_given, "MAX_DIMENSIONS", 1)
    with pytest.raises(ValueError, match="At most 1 of the given numeric values"):
        synthesizer.sample(5, given={"age": 40, "income": 0.0})
