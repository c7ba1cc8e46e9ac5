"""MixedTypeMixture against independent references: brute-force likelihoods,
a hand-written EM, GaussianMixture and CategoricalNB where they coincide, and
Monte-Carlo checks of sample()."""

import copy
import warnings

import numpy as np
import pytest
from scipy import stats
from scipy.special import logsumexp

from skgen.classification import GenerativeClassifier
from skgen.mixture import GaussianMixture, MixedTypeMixture
from skgen.naive_bayes import CategoricalNB


def mixed_data(n_samples=400, seed=0):
    """Two groups that differ in every column: Gaussian, 0/1, codes, counts."""
    rng = np.random.RandomState(seed)
    group = rng.randint(2, size=n_samples)
    X = np.column_stack(
        [
            rng.normal(4.0 * group, 1.0),
            rng.normal(-2.0 * group, 0.5 + group),
            (rng.uniform(size=n_samples) < 0.2 + 0.6 * group).astype(float),
            np.where(group == 1, 2, rng.choice(3, size=n_samples)),
            rng.poisson(2.0 + 5.0 * group),
        ]
    )
    return X, group


TYPES = {4: "poisson"}


def categorical_data(n_samples=300, seed=1):
    rng = np.random.RandomState(seed)
    group = rng.randint(3, size=n_samples)
    probs = np.array(
        [
            [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]],
            [[0.1, 0.8, 0.1], [0.3, 0.4, 0.3]],
            [[0.2, 0.2, 0.6], [0.8, 0.1, 0.1]],
        ]
    )
    X = np.column_stack(
        [
            (rng.uniform(size=(n_samples, 1)) > probs[group, j].cumsum(axis=1)).sum(1)
            for j in range(2)
        ]
    )
    return X.astype(float), group


def fit(model, X, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(X, **kwargs)


def test_auto_column_types_read_the_data():
    X, _ = mixed_data()
    model = fit(MixedTypeMixture(2, random_state=0), X)
    expected = ["gaussian", "gaussian", "bernoulli", "categorical", "categorical"]
    assert model.column_types_.tolist() == expected  # counts < 20 read as codes
    model = fit(MixedTypeMixture(2, column_types=TYPES, random_state=0), X)
    assert model.column_types_[4] == "poisson"
    np.testing.assert_array_equal(model.gaussian_columns_, [0, 1])
    assert model.n_categories_.tolist() == [3]


def test_recovers_the_groups_and_their_parameters():
    X, group = mixed_data(n_samples=2000)
    model = fit(MixedTypeMixture(2, column_types=TYPES, random_state=0), X)
    labels = model.predict(X)
    flip = np.mean(labels == group) < 0.5
    order = [1, 0] if flip else [0, 1]
    assert np.mean(labels == (1 - group if flip else group)) > 0.97
    np.testing.assert_allclose(model.means_[order, 0], [0.0, 4.0], atol=0.15)
    np.testing.assert_allclose(model.bernoulli_probs_[order, 0], [0.2, 0.8], atol=0.05)
    np.testing.assert_allclose(model.poisson_rates_[order, 0], [2.0, 7.0], atol=0.3)
    np.testing.assert_allclose(
        model.categorical_probs_[order[1], 0], [0.0, 0.0, 1.0], atol=1e-6
    )


def test_score_samples_is_the_brute_force_mixture_mass():
    X, _ = categorical_data()
    model = fit(MixedTypeMixture(3, random_state=0, max_iter=5), X)
    probs, weights = model.categorical_probs_, model.weights_
    codes = X.astype(int)
    expected = logsumexp(
        np.log(weights)
        + np.log(probs[:, 0, codes[:, 0]].T)
        + np.log(probs[:, 1, codes[:, 1]].T),
        axis=1,
    )
    np.testing.assert_allclose(model.score_samples(X), expected, rtol=1e-12)
    # The mass sums to one over every cell of the table.
    grid = np.array([[a, b] for a in range(3) for b in range(3)], dtype=float)
    assert np.exp(model.score_samples(grid)).sum() == pytest.approx(1.0, abs=1e-12)


def test_mixed_density_against_scipy():
    X, _ = mixed_data()
    model = fit(MixedTypeMixture(2, column_types=TYPES, random_state=0), X)
    per_component = []
    for k in range(2):
        log_p = np.log(model.weights_[k])
        log_p = log_p + stats.multivariate_normal(
            model.means_[k], model.covariances_[k]
        ).logpdf(X[:, :2])
        log_p = log_p + stats.bernoulli(model.bernoulli_probs_[k, 0]).logpmf(X[:, 2])
        log_p = log_p + np.log(model.categorical_probs_[k, 0, X[:, 3].astype(int)])
        log_p = log_p + stats.poisson(model.poisson_rates_[k, 0]).logpmf(X[:, 4])
        per_component.append(log_p)
    expected = logsumexp(np.stack(per_component, axis=1), axis=1)
    np.testing.assert_allclose(model.score_samples(X), expected, rtol=1e-10)


def _hand_written_em(X, weights, probs, n_iter):
    """EM of a latent class model on codes, written out with numpy."""
    codes = X.astype(int)
    n_components, n_features, n_symbols = probs.shape
    for _ in range(n_iter):
        log_p = np.log(weights) + sum(
            np.log(probs[:, j, codes[:, j]].T) for j in range(n_features)
        )
        resp = np.exp(log_p - logsumexp(log_p, axis=1)[:, None])
        weights = resp.mean(axis=0)
        probs = np.zeros_like(probs)
        for j in range(n_features):
            for s in range(n_symbols):
                probs[:, j, s] = resp[codes[:, j] == s].sum(axis=0)
        probs /= probs.sum(axis=2, keepdims=True)
    return weights, probs


@pytest.mark.parametrize("init_params", ["random", "kmeans"])
def test_em_equals_a_hand_written_em_from_the_same_start(init_params):
    X, _ = categorical_data()
    params = dict(init_params=init_params, random_state=0, tol=0.0)
    start = fit(MixedTypeMixture(3, max_iter=0, **params), X)
    model = fit(MixedTypeMixture(3, max_iter=12, **params), X)
    weights, probs = _hand_written_em(
        X, start.weights_, start.categorical_probs_, n_iter=12
    )
    np.testing.assert_allclose(model.weights_, weights, rtol=1e-10)
    np.testing.assert_allclose(model.categorical_probs_, probs, rtol=1e-9, atol=1e-14)
    # EM never decreases the likelihood.
    assert np.all(np.diff(model.lower_bounds_) > -1e-12)


@pytest.mark.parametrize("covariance_type", ["full", "diag", "spherical"])
def test_all_gaussian_columns_are_a_gaussian_mixture(covariance_type):
    """From the same random start, the Gaussian block's EM is GaussianMixture's."""
    X, _ = mixed_data()
    X = X[:, :2]
    params = dict(
        covariance_type=covariance_type,
        init_params="random",
        random_state=3,
        tol=0.0,
        max_iter=15,
    )
    ours = fit(MixedTypeMixture(2, **params), X)
    ref = fit(GaussianMixture(2, **params), X)
    for name in ("weights_", "means_", "covariances_"):
        np.testing.assert_allclose(
            getattr(ours, name), getattr(ref, name), rtol=1e-9, err_msg=name
        )
    np.testing.assert_allclose(ours.score_samples(X), ref.score_samples(X), rtol=1e-10)


def test_one_component_per_class_is_categorical_naive_bayes():
    X, group = categorical_data(seed=2)
    mixed = GenerativeClassifier(MixedTypeMixture(1, alpha=1.0)).fit(X, group)
    naive = CategoricalNB(alpha=1.0).fit(X.astype(int), group)
    np.testing.assert_allclose(
        mixed.predict_proba(X), naive.predict_proba(X.astype(int)), rtol=1e-10
    )


def test_sample_follows_the_fitted_parameters():
    X, _ = mixed_data()
    model = fit(MixedTypeMixture(2, column_types=TYPES, random_state=0), X)
    rows, labels = model.sample(40_000, random_state=0)
    assert rows.shape == (40_000, 5)
    np.testing.assert_allclose(
        np.bincount(labels, minlength=2) / 40_000, model.weights_, atol=0.01
    )
    for k in range(2):
        part = rows[labels == k]
        np.testing.assert_allclose(part[:, :2].mean(axis=0), model.means_[k], atol=0.05)
        np.testing.assert_allclose(
            np.cov(part[:, :2].T), model.covariances_[k], atol=0.08
        )
        assert part[:, 2].mean() == pytest.approx(
            model.bernoulli_probs_[k, 0], abs=0.02
        )
        np.testing.assert_allclose(
            np.bincount(part[:, 3].astype(int), minlength=3) / len(part),
            model.categorical_probs_[k, 0],
            atol=0.02,
        )
        assert part[:, 4].mean() == pytest.approx(model.poisson_rates_[k, 0], rel=0.03)
    assert set(np.unique(rows[:, 2])) <= {0.0, 1.0}
    assert np.all(rows[:, 4] == np.round(rows[:, 4]))


def test_partial_fit_on_one_batch_is_one_em_iteration():
    X, _ = mixed_data()
    params = dict(column_types=TYPES, init_params="random", random_state=0, tol=0.0)
    online = MixedTypeMixture(2, **params).partial_fit(X)
    # partial_fit's first call: start, then one E-step and M-step.
    batch = fit(MixedTypeMixture(2, max_iter=1, **params), X)
    for name in ("weights_", "means_", "covariances_", "categorical_probs_"):
        np.testing.assert_allclose(getattr(online, name), getattr(batch, name))
    for _ in range(3):
        online.partial_fit(X)
    assert online.n_steps_ == 4


def test_sample_weight_counts_rows():
    """Weights are repeated rows: from one start (warm start), the same EM."""
    X, _ = categorical_data()
    repeats = np.random.RandomState(0).randint(0, 3, size=len(X))
    start = fit(
        MixedTypeMixture(3, max_iter=0, init_params="random", random_state=0), X
    )
    start.set_params(warm_start=True, max_iter=5, tol=0.0)
    weighted = fit(copy.deepcopy(start), X, sample_weight=repeats)
    repeated = fit(copy.deepcopy(start), np.repeat(X, repeats, axis=0))
    np.testing.assert_allclose(weighted.weights_, repeated.weights_, rtol=1e-10)
    np.testing.assert_allclose(
        weighted.categorical_probs_, repeated.categorical_probs_, rtol=1e-9
    )


@pytest.mark.parametrize(
    "X, types, message",
    [
        ([[0.5], [1.0], [2.0]], ["categorical"], "integer codes"),
        ([[0.0], [2.0], [1.0]], ["bernoulli"], "0 and 1"),
        ([[-1.0], [2.0], [1.0]], ["poisson"], "non-negative"),
        ([[0.0], [1.0], [2.0]], ["beta"], "Unknown column type 'beta'"),
        ([[0.0], [1.0], [2.0]], ["gaussian", "gaussian"], "2 entries"),
    ],
)
def test_bad_columns_are_named(X, types, message):
    with pytest.raises(ValueError, match=message):
        MixedTypeMixture(1, column_types=types).fit(np.array(X))


def test_unknown_codes_at_prediction_are_an_error():
    X, _ = categorical_data()
    model = fit(MixedTypeMixture(2, random_state=0), X)
    with pytest.raises(ValueError, match="codes seen in fit"):
        model.score_samples(np.array([[0.0, 3.0]]))
    with pytest.raises(ValueError, match="codes seen in fit"):
        model.partial_fit(np.array([[0.0, 7.0], [1.0, 1.0]]))


def test_column_types_by_name_on_a_dataframe():
    pd = pytest.importorskip("pandas")
    X, _ = mixed_data()
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d", "e"])
    model = fit(MixedTypeMixture(2, column_types={"e": "poisson"}), frame)
    assert model.column_types_.tolist()[-1] == "poisson"
    with pytest.raises(ValueError, match="'z'"):
        MixedTypeMixture(2, column_types={"z": "poisson"}).fit(frame)


def test_a_refit_forgets_the_previous_fit():
    """New categories, a new column type or a new n_components: the refit is
    the fit of a fresh model (the old probabilities' shape must not leak)."""
    rng = np.random.RandomState(0)
    gaussian = rng.normal(size=(200, 1))
    few = np.column_stack([gaussian, rng.randint(2, size=200)])
    many = np.column_stack([gaussian, rng.randint(5, size=200)])
    for first, second, n_components in ((few, many, 2), (many, few, 2), (few, few, 3)):
        model = fit(MixedTypeMixture(2, random_state=0), first)
        model.set_params(n_components=n_components)
        fresh = fit(MixedTypeMixture(n_components, random_state=0), second)
        fit(model, second)
        assert model.column_types_.tolist() == fresh.column_types_.tolist()
        np.testing.assert_array_equal(model.n_categories_, fresh.n_categories_)
        np.testing.assert_allclose(
            model.score_samples(second), fresh.score_samples(second)
        )
    assert (
        not hasattr(model, "bernoulli_probs_") or model.column_types_[1] == "bernoulli"
    )


def test_a_warm_start_keeps_the_column_types_and_needs_data_that_fits_them():
    rng = np.random.RandomState(0)
    gaussian = rng.normal(size=(200, 1))
    X = np.column_stack([gaussian, rng.randint(3, size=200)])
    model = fit(MixedTypeMixture(2, warm_start=True, random_state=0, max_iter=3), X)
    bound = model.lower_bound_
    fit(model, X[:, ::1])
    assert model.lower_bound_ >= bound - 1e-12  # EM continued
    assert model.n_categories_.tolist() == [3]
    with pytest.raises(ValueError, match="n_categories_ = \\[3\\].*warm_start=False"):
        model.fit(np.column_stack([gaussian, rng.randint(5, size=200)]))
    binary = fit(
        MixedTypeMixture(2, warm_start=True, random_state=0),
        np.column_stack([gaussian, rng.randint(2, size=200)]),
    )
    with pytest.raises(ValueError, match="bernoulli.*warm start"):
        binary.fit(X)


def test_a_categorical_code_too_large_is_named():
    X = np.column_stack([np.arange(5.0), [0, 1, 2, 1e300, 0]])
    with pytest.raises(ValueError, match="codes up to 1e\\+300.*OrdinalEncoder"):
        MixedTypeMixture(1, column_types=["gaussian", "categorical"]).fit(X)


@pytest.mark.parametrize("init_params", ["kmeans", "k-means++", "random_from_data"])
def test_hard_starts_give_no_value_probability_zero(init_params):
    """One row per component (or hard k-means clusters) without smoothing
    would give unseen codes probability 0 for good; the start is halfway to
    the columns' frequencies, and k-means does not split on a coin column."""
    rng = np.random.RandomState(0)
    group = rng.randint(2, size=500)
    X = np.column_stack(
        [
            rng.normal(3.0 * group, 1.0),
            rng.randint(3, size=500),
            rng.randint(2, size=500),
        ]
    ).astype(float)
    start = MixedTypeMixture(2, init_params=init_params, max_iter=0, random_state=0)
    start = fit(start, X)
    assert np.all(start.categorical_probs_ > 0) and np.all(start.bernoulli_probs_ > 0)
    model = fit(MixedTypeMixture(2, init_params=init_params, random_state=0), X)
    np.testing.assert_allclose(np.sort(model.means_[:, 0]), [0.0, 3.0], atol=0.25)
    # The coin and the codes are independent of the groups.
    np.testing.assert_allclose(model.bernoulli_probs_[:, 0], X[:, 2].mean(), atol=0.07)
