"""Sample-quality measures, each against a hand computation or a reference."""

import copy
import itertools
import math
import pickle
import statistics

import numpy as np
import pytest
from scipy.stats import ConstantInputWarning, ks_2samp
from sklearn.base import clone
from sklearn.datasets import load_iris
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, mean_squared_error, r2_score
from sklearn.metrics.pairwise import rbf_kernel
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils import Bunch
from threadpoolctl import threadpool_limits

from skgen.metrics import (
    C2STResult,
    MarginalResult,
    MMDResult,
    TSTRResult,
    _sample_quality,
    c2st_score,
    correlation_difference,
    marginal_scores,
    mmd,
    tstr_score,
)
from skgen.utils._sklearn_compat import InvalidParameterError


@pytest.fixture(autouse=True)
def _one_openmp_thread():
    # HistGradientBoosting on a few hundred rows: OpenMP threads only spin on
    # a shared 2-core machine (measured: 28 s instead of 0.8 s for 1000 rows).
    with threadpool_limits(1, user_api="openmp"):
        yield


# -- mmd -------------------------------------------------------------------------


def _mmd2_by_loops(X, Y, h):
    """The unbiased MMD^2, term by term from its definition."""

    def k(a, b):
        return math.exp(-sum((ai - bi) ** 2 for ai, bi in zip(a, b)) / (2 * h * h))

    m, n = len(X), len(Y)
    xx = sum(k(X[i], X[j]) for i in range(m) for j in range(m) if i != j)
    yy = sum(k(Y[i], Y[j]) for i in range(n) for j in range(n) if i != j)
    xy = sum(k(x, y) for x in X for y in Y)
    return xx / (m * (m - 1)) + yy / (n * (n - 1)) - 2 * xy / (m * n)


def _median_distance_by_loops(rows):
    return statistics.median(
        math.dist(rows[i], rows[j])
        for i, j in itertools.combinations(range(len(rows)), 2)
    )


TINY_SAMPLES = [
    (
        [[0.0, 1.0], [1.5, -0.5], [0.3, 0.2]],
        [[2.0, 1.0], [1.0, 2.5]],
    ),
    (
        [[0.1, 0.0], [-1.0, 2.0]],
        [[0.5, 0.5], [3.0, 1.0], [2.2, -0.7], [1.1, 1.9]],
    ),
]


@pytest.mark.parametrize("X, Y", TINY_SAMPLES)
@pytest.mark.parametrize("bandwidth", [0.7, 1.3, "median"])
def test_mmd_is_the_unbiased_estimate_of_its_formula(X, Y, bandwidth):
    result = mmd(X, Y, bandwidth=bandwidth)
    h = _median_distance_by_loops(X + Y) if bandwidth == "median" else bandwidth
    assert result.bandwidth == pytest.approx(h, rel=1e-12)
    assert result.statistic == pytest.approx(_mmd2_by_loops(X, Y, h), rel=1e-12)
    assert result.pvalue is None


def test_median_heuristic_by_hand():
    # Pooled rows 0, 1, 4, 10: distances 1, 4, 10, 3, 9, 6; sorted
    # 1 3 4 6 9 10, median (4 + 6) / 2 = 5.
    assert mmd([[0.0], [1.0]], [[4.0], [10.0]]).bandwidth == 5.0


def test_mmd_agrees_with_rbf_kernel_blocks():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(30, 3)), rng.normal(0.5, size=(20, 3))
    gamma = 1 / (2 * 1.7**2)
    kxx, kyy, kxy = rbf_kernel(X, gamma=gamma), rbf_kernel(Y, gamma=gamma), None
    kxy = rbf_kernel(X, Y, gamma=gamma)
    expected = (
        (kxx.sum() - 30) / (30 * 29) + (kyy.sum() - 20) / (20 * 19) - 2 * kxy.mean()
    )
    assert mmd(X, Y, bandwidth=1.7).statistic == pytest.approx(expected, rel=1e-10)


def test_mmd_near_zero_for_one_distribution_large_for_a_shift():
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(60, 2)), rng.normal(size=(60, 2))
    same = mmd(X, Y, n_permutations=99, random_state=0)
    assert abs(same.statistic) < 0.02
    assert same.pvalue > 0.05  # not rejected at 5%
    shifted = mmd(X, Y + 1.0, n_permutations=99, random_state=0)
    assert shifted.statistic > 0.1
    assert shifted.pvalue == 1 / 100


def test_pvalue_is_one_when_every_split_is_as_far():
    # X and Y are both {0, 1}: the splits are {0, 1 | 0, 1} (observed,
    # statistic k01 - 1 < 0) and {0, 0 | 1, 1} (2 - 2 k01 > 0), so every
    # permuted statistic is >= the observed one: p = (1 + 20) / (1 + 20).
    result = mmd([[0.0], [1.0]], [[0.0], [1.0]], n_permutations=20, random_state=0)
    assert result.statistic < 0
    assert result.pvalue == 1.0


def test_pvalue_counts_the_splits_as_far_as_the_observed_one():
    # Four rows, 2 + 2: three splits, each drawn with probability 1/3. The
    # observed one (far apart) and its mirror image have the largest
    # statistic, equal; the other two splits are lower. So the count k of
    # permuted statistics >= observed is Binomial(999, 1/3), ties included.
    X, Y = [[0.0], [0.1]], [[5.0], [5.1]]
    result = mmd(X, Y, n_permutations=999, random_state=0)
    count = result.pvalue * 1000 - 1
    assert count == pytest.approx(round(count), abs=1e-9)
    assert abs(count / 999 - 1 / 3) < 0.05  # the sd is 0.015


def test_pvalue_counts_nothing_when_no_permutation_reaches_the_observed():
    # 30 + 30 rows far apart: a permutation reaches the observed statistic only
    # by drawing the very same split (probability 2 / C(60, 30) ~ 1e-17).
    rng = np.random.default_rng(2)
    X, Y = rng.normal(size=(30, 2)), rng.normal(10.0, size=(30, 2))
    assert mmd(X, Y, n_permutations=49, random_state=0).pvalue == 1 / 50


def test_permutations_do_not_depend_on_the_chunking(monkeypatch):
    rng = np.random.default_rng(3)
    X, Y = rng.normal(size=(15, 2)), rng.normal(0.3, size=(12, 2))
    whole = mmd(X, Y, n_permutations=200, random_state=4)
    monkeypatch.setattr(_sample_quality, "_PERMUTATION_CHUNK_ENTRIES", 27 * 7)
    chunked = mmd(X, Y, n_permutations=200, random_state=4)
    assert 0.05 < whole.pvalue < 0.95
    assert chunked == whole


def test_dataframe_columns_are_aligned_by_name():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(8, 3)), rng.normal(size=(6, 3)) * [1.0, 2.0, 3.0]
    X_frame = pd.DataFrame(X, columns=["a", "b", "c"])
    Y_frame = pd.DataFrame(Y, columns=["a", "b", "c"])[["c", "a", "b"]]
    assert mmd(X_frame, Y_frame) == mmd(X, Y)
    with pytest.raises(ValueError, match="X and Y have different columns"):
        mmd(X_frame, Y_frame.rename(columns={"c": "d"}))


def test_mmd_result_is_a_frozen_dataclass():
    result = mmd([[0.0], [1.0]], [[2.0], [3.0]], bandwidth=1.0)
    assert isinstance(result, MMDResult)
    with pytest.raises(AttributeError):
        result.statistic = 0.0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"bandwidth": 0.0}, "bandwidth"),
        ({"bandwidth": -1.0}, "bandwidth"),
        ({"bandwidth": "mean"}, "bandwidth"),
        ({"bandwidth": np.nan}, "bandwidth"),
        ({"n_permutations": -1}, "n_permutations"),
        ({"n_permutations": 1.5}, "n_permutations"),
    ],
)
def test_mmd_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        mmd([[0.0], [1.0]], [[2.0], [3.0]], **kwargs)


def test_median_heuristic_of_equal_rows_asks_for_a_bandwidth():
    with pytest.raises(ValueError, match="pass a positive bandwidth"):
        mmd([[1.0], [1.0]], [[1.0], [1.0], [2.0]])


# -- c2st_score ------------------------------------------------------------------


def test_c2st_of_two_halves_of_one_sample_is_chance():
    X = np.random.default_rng(0).normal(size=(400, 3))
    scores = c2st_score(X[:200], X[200:], random_state=0)
    assert set(scores) == {"accuracy", "roc_auc"}
    assert abs(scores["accuracy"] - 0.5) < 0.1
    assert abs(scores["roc_auc"] - 0.5) < 0.1


def test_c2st_of_separated_samples_is_one():
    rng = np.random.default_rng(0)
    X_real, X_synthetic = rng.normal(size=(100, 2)), rng.normal(6.0, size=(100, 2))
    scores = c2st_score(X_real, X_synthetic, random_state=0)
    assert scores["accuracy"] > 0.98 and scores["roc_auc"] > 0.99


def test_default_classifier_sees_a_difference_of_scale():
    # Same mean, variances 1 and 9: a linear classifier is at chance.
    rng = np.random.default_rng(0)
    X_real, X_synthetic = rng.normal(size=(150, 2)), rng.normal(0, 3, size=(150, 2))
    trees = c2st_score(X_real, X_synthetic, scoring="accuracy", random_state=0)
    linear = c2st_score(
        X_real,
        X_synthetic,
        classifier=LogisticRegression(),
        scoring="accuracy",
        random_state=0,
    )
    assert trees["accuracy"] > 0.75
    assert abs(linear["accuracy"] - 0.5) < 0.1


def test_c2st_uses_the_given_classifier_on_balanced_classes():
    # 73 real rows are subsampled to the 50 synthetic ones: 10 + 10 rows per
    # test fold, and a classifier that always predicts the training folds'
    # majority (a tie: class 0) is right on exactly half of them.
    rng = np.random.default_rng(0)
    X_real, X_synthetic = rng.normal(size=(73, 2)), rng.normal(6.0, size=(50, 2))
    scores = c2st_score(
        X_real, X_synthetic, classifier=DummyClassifier(), random_state=0
    )
    assert scores == {"accuracy": 0.5, "roc_auc": 0.5}


def test_c2st_subsampling_and_folds_follow_random_state():
    rng = np.random.default_rng(0)
    X_real, X_synthetic = rng.normal(size=(80, 2)), rng.normal(0.5, size=(40, 2))
    tree = DecisionTreeClassifier(max_depth=2, random_state=0)

    def run(seed):
        return c2st_score(X_real, X_synthetic, classifier=tree, random_state=seed)

    assert run(1) == run(1)
    assert run(1) != run(2)


def test_c2st_scoring_selects_the_metrics():
    X = np.random.default_rng(0).normal(size=(40, 2))
    tree = DecisionTreeClassifier(random_state=0)
    assert list(c2st_score(X[:20], X[20:], classifier=tree, scoring="f1")) == ["f1"]
    with pytest.raises(ValueError, match="scoring"):
        c2st_score(X[:20], X[20:], classifier=tree, scoring=[])


def test_c2st_needs_cv_rows_per_set():
    X = np.zeros((10, 2))
    with pytest.raises(ValueError, match="at least cv=5 rows"):
        c2st_score(X, X[:4] + 1)
    with pytest.raises(ValueError, match="cv must be at least 2"):
        c2st_score(X, X + 1, cv=1)


# -- tstr_score ------------------------------------------------------------------


@pytest.fixture
def iris_split():
    X, y = load_iris(return_X_y=True)
    return train_test_split(X, y, test_size=0.5, random_state=0, stratify=y)


def test_tstr_and_trtr_of_stumps_by_hand():
    # A stump splits midway between the classes: at 1.5 on the real labels,
    # at 0.5 on the synthetic ones. On the test rows the first is right
    # everywhere, the second on 0.2 and 2.8 only. Scoring on a training set
    # instead would give 0.75 or 1 for tstr.
    X = [[0.0], [1.0], [2.0], [3.0]]
    X_test = [[0.2], [0.8], [1.2], [2.8]]
    scores = tstr_score(
        X,
        [0, 0, 1, 1],
        X,
        [0, 1, 1, 1],
        X_test,
        [0, 0, 0, 1],
        estimator=DecisionTreeClassifier(max_depth=1),
    )
    assert scores == {"tstr": 0.5, "trtr": 1.0, "ratio": 0.5}


def test_tstr_default_is_a_scaled_logistic_regression(iris_split):
    X_train, X_test, y_train, y_test = iris_split
    rng = np.random.default_rng(0)
    X_synthetic = X_train + rng.normal(scale=0.5, size=X_train.shape)
    scores = tstr_score(X_train, y_train, X_synthetic, y_train, X_test, y_test)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    on_synthetic = clone(model).fit(X_synthetic, y_train).predict(X_test)
    on_real = clone(model).fit(X_train, y_train).predict(X_test)
    assert scores["tstr"] == accuracy_score(y_test, on_synthetic)
    assert scores["trtr"] == accuracy_score(y_test, on_real)
    # The noise costs accuracy, so a swap of the two fits would show.
    assert scores["tstr"] < scores["trtr"]
    assert scores["ratio"] == scores["tstr"] / scores["trtr"]


def test_tstr_is_the_score_of_a_model_fitted_on_synthetic_rows(iris_split):
    X_train, X_test, y_train, y_test = iris_split
    rng = np.random.default_rng(0)
    X_synthetic = X_train + rng.normal(scale=0.5, size=X_train.shape)
    estimator = DecisionTreeClassifier(max_depth=3, random_state=0)
    scores = tstr_score(
        X_train, y_train, X_synthetic, y_train, X_test, y_test, estimator=estimator
    )
    on_synthetic = clone(estimator).fit(X_synthetic, y_train).predict(X_test)
    on_real = clone(estimator).fit(X_train, y_train).predict(X_test)
    assert scores["tstr"] == accuracy_score(y_test, on_synthetic)
    assert scores["trtr"] == accuracy_score(y_test, on_real)
    assert scores["ratio"] == scores["tstr"] / scores["trtr"]


def test_tstr_of_shuffled_synthetic_labels_is_chance(iris_split):
    X_train, X_test, y_train, y_test = iris_split
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    rng = np.random.default_rng(0)
    tstr = []
    for _ in range(30):
        y_shuffled = rng.permutation(y_train)
        scores = tstr_score(X_train, y_train, X_train, y_shuffled, X_test, y_test)
        on_shuffled = clone(model).fit(X_train, y_shuffled).predict(X_test)
        assert scores["tstr"] == accuracy_score(y_test, on_shuffled)
        assert scores["trtr"] > 0.9
        tstr.append(scores["tstr"])
    # Labels unrelated to the rows: chance, 1/3 on the three balanced classes
    # (one shuffle of 75 rows ranges from 0.16 to 0.65).
    assert abs(np.mean(tstr) - 1 / 3) < 0.1


def test_tstr_with_a_continuous_target_is_regression():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    y = X @ [1.0, -2.0, 0.5] + rng.normal(scale=0.1, size=120)
    X_synthetic = X[:60] + rng.normal(scale=0.3, size=(60, 3))
    model = make_pipeline(StandardScaler(), Ridge())
    on_synthetic = clone(model).fit(X_synthetic, y[:60]).predict(X[60:])
    on_real = clone(model).fit(X[:60], y[:60]).predict(X[60:])
    scores = tstr_score(X[:60], y[:60], X_synthetic, y[:60], X[60:], y[60:])
    assert scores["tstr"] == r2_score(y[60:], on_synthetic)
    assert scores["trtr"] == r2_score(y[60:], on_real) > 0.95
    with_scorer = tstr_score(
        X[:60],
        y[:60],
        X_synthetic,
        y[:60],
        X[60:],
        y[60:],
        scoring="neg_mean_squared_error",
    )
    assert with_scorer["tstr"] == -mean_squared_error(y[60:], on_synthetic)
    assert with_scorer["trtr"] == -mean_squared_error(y[60:], on_real)


def test_tstr_scorer_is_read_by_get_scorer(iris_split):
    X_train, X_test, y_train, y_test = iris_split
    estimator = DecisionTreeClassifier(max_depth=1, random_state=0)
    scores = tstr_score(
        X_train,
        y_train,
        X_train,
        y_train,
        X_test,
        y_test,
        estimator=estimator,
        scoring="balanced_accuracy",
    )
    # A stump separates one class of three: balanced accuracy 2/3.
    assert scores["trtr"] == pytest.approx(2 / 3)


def test_tstr_ratio_over_a_zero_score_warns():
    X = np.arange(8.0).reshape(-1, 1)
    y = np.arange(8.0)

    def zero(estimator, X, y):
        return 0.0

    with pytest.warns(RuntimeWarning, match="undefined"):
        scores = tstr_score(X, y, X, y, X, y, scoring=zero)
    assert math.isnan(scores["ratio"])


def test_tstr_input_errors(iris_split):
    X_train, X_test, y_train, y_test = iris_split
    with pytest.raises(ValueError, match="X_synthetic and y_synthetic"):
        tstr_score(X_train, y_train, X_train, y_train[:-1], X_test, y_test)
    with pytest.raises(ValueError, match="X_test has 3"):
        tstr_score(X_train, y_train, X_train, y_train, X_test[:, :3], y_test)
    with pytest.raises(ValueError, match="no default estimator"):
        y_multilabel = np.column_stack([y_train == 0, y_train == 1]).astype(int)
        tstr_score(X_train, y_multilabel, X_train, y_multilabel, X_test, y_test)


# -- marginal_scores -------------------------------------------------------------


def test_ks_is_scipys_and_tv_is_the_hand_computed_one():
    rng = np.random.default_rng(0)
    real = np.column_stack([rng.normal(size=4), [0, 0, 1, 1]])
    synthetic = np.column_stack([rng.normal(0.5, size=4), [0, 1, 1, 1]])
    scores = marginal_scores(real, synthetic, categorical=[1])
    expected_ks = ks_2samp(real[:, 0], synthetic[:, 0]).statistic
    # Frequencies (1/2, 1/2) and (1/4, 3/4): 0.5 * (1/4 + 1/4) = 0.25.
    assert scores["ks"] == {0: expected_ks}
    assert scores["tv"] == {1: 0.25}
    assert scores["mean"] == pytest.approx((expected_ks + 0.25) / 2)


def test_tv_over_categories_that_only_one_set_has():
    # Real: a 1/2, b 1/2; synthetic: b 1/4, c 3/4 -> 0.5 (1/2 + 1/4 + 3/4).
    real = np.array([["a"], ["a"], ["b"], ["b"]], dtype=object)
    synthetic = np.array([["b"], ["c"], ["c"], ["c"]], dtype=object)
    assert marginal_scores(real, synthetic, categorical=[0])["tv"] == {0: 0.75}


def test_marginal_scores_keep_dataframe_column_names():
    pd = pytest.importorskip("pandas")
    real = pd.DataFrame({"age": [20.0, 30.0, 40.0, 50.0], "city": ["x", "x", "y", "y"]})
    synthetic = pd.DataFrame(
        {"city": ["x", "y", "y", "y"], "age": [25.0, 30.0, 45.0, 90.0]}
    )
    scores = marginal_scores(real, synthetic, categorical=["city"])
    assert list(scores["ks"]) == ["age"] and list(scores["tv"]) == ["city"]
    assert scores["ks"]["age"] == ks_2samp(real["age"], synthetic["age"]).statistic
    assert scores["tv"]["city"] == 0.25
    # By position too; the synthetic columns were reordered as the real ones.
    assert marginal_scores(real, synthetic, categorical=[1]) == scores


def test_marginal_scores_column_errors():
    X = np.array([[0.0, 1.0], [1.0, 0.0]])
    with pytest.raises(ValueError, match="out of range"):
        marginal_scores(X, X, categorical=[2])
    with pytest.raises(ValueError, match="neither a column index nor"):
        marginal_scores(X, X, categorical=["age"])
    strings = np.array([["a", 1], ["b", 2]], dtype=object)
    with pytest.raises(ValueError, match="Column 0 is not numeric"):
        marginal_scores(strings, strings)


# -- correlation_difference ------------------------------------------------------


def test_correlation_difference_by_hand():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    w = np.array([1.0, -1.0, -1.0, 1.0])  # orthogonal to x - mean(x)
    # Real (x, 2x, reversed x): correlations 1, -1, -1.
    real = np.column_stack([x, 2 * x, x[::-1]])
    # Synthetic (x, w, x): correlations 0, 1, 0.
    synthetic = np.column_stack([x, w, x])
    difference, matrix = correlation_difference(real, synthetic, return_matrix=True)
    assert difference == pytest.approx((1 + 2 + 1) / 3, rel=1e-12)
    expected = np.array([[0.0, -1.0, 2.0], [-1.0, 0.0, 1.0], [2.0, 1.0, 0.0]])
    np.testing.assert_allclose(matrix, expected, atol=1e-12)


def test_correlation_difference_of_a_non_trivial_correlation():
    # corr(x, v) = 4 / 5 for v = (1, 3, 2, 4), computed on centred values.
    x = np.array([1.0, 2.0, 3.0, 4.0])
    v = np.array([1.0, 3.0, 2.0, 4.0])
    real = np.column_stack([x, 2 * x])
    assert correlation_difference(real, np.column_stack([x, v])) == pytest.approx(0.2)


def test_constant_columns_warn_and_are_skipped():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    real = np.column_stack([x, 2 * x, x**2])
    synthetic = np.column_stack([x, [1.0, 3.0, 2.0, 4.0], np.full(4, 7.0)])
    with pytest.warns(ConstantInputWarning, match=r"in X_synthetic: \[2\]"):
        difference, matrix = correlation_difference(real, synthetic, return_matrix=True)
    assert difference == pytest.approx(0.2)
    assert np.isnan(matrix[2]).all() and np.isnan(matrix[:, 2]).all()
    assert not np.isnan(matrix[:2, :2]).any()
    with pytest.warns(ConstantInputWarning), pytest.raises(ValueError, match="two"):
        correlation_difference(real[:, 1:], synthetic[:, 1:])


# -- Bad input, every function ---------------------------------------------------


def _call(function, X_real, X_synthetic):
    if function is tstr_score:
        y = np.arange(len(X_real)) % 2
        y_synthetic = np.arange(len(X_synthetic)) % 2
        return tstr_score(X_real, y, X_synthetic, y_synthetic, X_real, y)
    if function is c2st_score:
        return c2st_score(X_real, X_synthetic, cv=2)
    return function(X_real, X_synthetic)


FUNCTIONS = [c2st_score, mmd, tstr_score, marginal_scores, correlation_difference]


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
def test_bad_input(function):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, 3))
    with pytest.raises(ValueError, match="same number of features"):
        _call(function, X, X[:, :2])
    with_nan = X.copy()
    with_nan[1, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        _call(function, X, with_nan)
    with pytest.raises(ValueError, match="has 1 row"):
        _call(function, X, X[:1])
    with pytest.raises(ValueError, match="has 1 row"):
        _call(function, X[:1], X)


# -- Parameter validation and result types, every function -----------------------


def _tiny_call(function, **params):
    """Call ``function`` on small valid inputs with ``params``."""
    rng = np.random.default_rng(0)
    X_real, X_synthetic = rng.normal(size=(12, 2)), rng.normal(size=(10, 2))
    if function is tstr_score:
        y_real, y_synthetic = np.arange(12) % 2, np.arange(10) % 2
        return tstr_score(
            X_real, y_real, X_synthetic, y_synthetic, X_real, y_real, **params
        )
    if function is c2st_score:
        params = {"classifier": DecisionTreeClassifier(random_state=0), **params}
    return function(X_real, X_synthetic, **params)


@pytest.mark.parametrize(
    "function, params, name",
    [
        (c2st_score, {"cv": 0}, "cv"),
        (c2st_score, {"cv": -1}, "cv"),
        (c2st_score, {"cv": "five"}, "cv"),
        (c2st_score, {"classifier": "trees"}, "classifier"),
        (c2st_score, {"scoring": 1}, "scoring"),
        (c2st_score, {"scoring": "not_a_scorer"}, "scoring"),
        (c2st_score, {"scoring": ("accuracy", "not_a_scorer")}, "scoring"),
        (c2st_score, {"random_state": "seed"}, "random_state"),
        (mmd, {"bandwidth": -1}, "bandwidth"),
        (mmd, {"bandwidth": np.inf}, "bandwidth"),
        (mmd, {"n_permutations": -1}, "n_permutations"),
        (mmd, {"random_state": "seed"}, "random_state"),
        (tstr_score, {"estimator": "ridge"}, "estimator"),
        (tstr_score, {"scoring": "not_a_scorer"}, "scoring"),
        (tstr_score, {"scoring": 1}, "scoring"),
        (marginal_scores, {"categorical": 1.5}, "categorical"),
        (correlation_difference, {"return_matrix": "yes"}, "return_matrix"),
    ],
)
def test_bad_parameter_raises_invalid_parameter_error_naming_it(function, params, name):
    with pytest.raises(InvalidParameterError, match=rf"\b{name}\b"):
        _tiny_call(function, **params)


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
def test_rows_that_are_no_array_raise_invalid_parameter_error(function):
    first = "X" if function is mmd else "X_real"
    # tstr_score's other four inputs: only the first input is wrong.
    others = [np.zeros(4)] * 4 if function is tstr_score else []
    with pytest.raises(InvalidParameterError, match=f"'{first}' parameter"):
        function(3.0, np.zeros((4, 2)), *others)


def test_a_bad_parameter_of_the_users_estimator_is_not_skipped():
    # The estimators are validated when fitted, not left to score quietly;
    # the message names the estimator's parameter, not one of tstr_score.
    with pytest.raises(ValueError, match="'C' parameter of LogisticRegression"):
        _tiny_call(tstr_score, estimator=LogisticRegression(C=-1))
    with pytest.raises(ValueError, match="fits failed"):
        _tiny_call(c2st_score, classifier=LogisticRegression(C=-1))


@pytest.mark.parametrize(
    "function, result_class, keys",
    [
        (c2st_score, C2STResult, ["accuracy", "roc_auc"]),
        (mmd, MMDResult, ["statistic", "pvalue", "bandwidth"]),
        (tstr_score, TSTRResult, ["tstr", "trtr", "ratio"]),
        (marginal_scores, MarginalResult, ["ks", "tv", "mean"]),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_result_is_its_documented_class_with_item_and_attribute_access(
    function, result_class, keys
):
    result = _tiny_call(function)
    assert type(result) is result_class and isinstance(result, Bunch)
    assert list(result) == keys
    for key in keys:
        assert getattr(result, key) is result[key]
    assert result == dict(result)


def test_c2st_result_keys_are_the_scorer_names():
    result = _tiny_call(c2st_score, scoring=("f1", "accuracy"))
    assert list(result) == ["f1", "accuracy"]
    assert result.f1 == result["f1"] and result.accuracy == result["accuracy"]


def test_correlation_difference_returns_a_float_or_a_float_and_a_matrix():
    difference = _tiny_call(correlation_difference)
    assert type(difference) is float
    with_matrix = _tiny_call(correlation_difference, return_matrix=True)
    assert type(with_matrix) is tuple and len(with_matrix) == 2
    assert with_matrix[0] == difference and with_matrix[1].shape == (2, 2)


@pytest.mark.parametrize(
    "function", [c2st_score, mmd, tstr_score, marginal_scores], ids=lambda f: f.__name__
)
def test_results_are_read_only_and_survive_pickle_and_copy(function):
    result = _tiny_call(function)
    key = next(iter(result))
    with pytest.raises(AttributeError, match="read-only"):
        setattr(result, key, 0.0)
    with pytest.raises(TypeError, match="read-only"):
        result[key] = 0.0
    with pytest.raises(TypeError, match="read-only"):
        result.update({key: 0.0})
    for copied in (
        pickle.loads(pickle.dumps(result)),
        copy.copy(result),
        copy.deepcopy(result),
    ):
        assert type(copied) is type(result) and copied == result
