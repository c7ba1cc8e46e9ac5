"""Learning-curve comparisons: the numbers, the crossing, Ng & Jordan's regimes."""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedShuffleSplit, learning_curve
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgen.compare import LearningCurves, compare_learning_curves
from skgen.naive_bayes import BernoulliNB, GaussianNB, MultinomialNB

# Unpenalised logistic regression on separable subsets stops at max_iter.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def digit_pair(a=7, b=9):
    digits = load_digits()
    keep = np.isin(digits.target, [a, b])
    return digits.data[keep], digits.target[keep]


def test_errors_are_scikit_learns_learning_curve():
    X, y = load_breast_cancer(return_X_y=True)
    curves = compare_learning_curves(
        {"nb": GaussianNB()},
        X,
        y,
        preprocessing=StandardScaler(),
        train_sizes=[20, 100],
        n_splits=4,
        random_state=3,
    )
    _, _, scores = learning_curve(
        make_pipeline(StandardScaler(), GaussianNB()),
        X,
        y,
        train_sizes=[20, 100],
        cv=StratifiedShuffleSplit(4, test_size=0.3, random_state=3),
        shuffle=True,
        random_state=3,
    )
    np.testing.assert_allclose(curves.errors["nb"], 1 - scores)
    rows = curves.table()
    assert [(r["train_size"], r["model"]) for r in rows] == [(20, "nb"), (100, "nb")]
    assert rows[1]["mean_error"] == pytest.approx(1 - scores[1].mean())
    assert rows[1]["std_error"] == pytest.approx(scores[1].std())


def test_crossing_is_interpolated_in_log_size():
    curves = LearningCurves(
        np.array([10, 100, 1000]),
        {
            "a": np.array([[0.10], [0.20], [0.30]]),
            "b": np.array([[0.20], [0.10], [0.05]]),
        },
    )
    # a - b: -0.10, +0.10, ...: zero half-way between 10 and 100 in log size.
    assert curves.crossing("a", "b") == pytest.approx(np.sqrt(10 * 100))
    flat = LearningCurves(
        np.array([10, 100]), {"a": np.zeros((2, 1)), "b": np.ones((2, 1))}
    )
    assert flat.crossing("a", "b") is None


def test_naive_bayes_wins_with_few_rows_and_logistic_with_many():
    """Ng & Jordan (2001) on one digit pair: naive Bayes reaches its (higher)
    asymptotic error with fewer rows; logistic regression wins with many.

    Measured on 2 vs 4 (raw pixel counts, 30 splits per seed): naive Bayes
    better at 10 rows on 5 seeds of 6 (by 0.2 to 1.4 points), logistic
    regression better at 200 on all 6 (by 1.0 to 1.7 points). The gap at 10
    rows is small, so the test pools three seeds (90 splits)."""
    X, y = digit_pair(2, 4)
    pooled = None
    for seed in range(3):
        curves = compare_learning_curves(
            {
                "naive Bayes": MultinomialNB(),
                "logistic regression": LogisticRegression(C=np.inf, max_iter=3000),
            },
            X,
            y,
            train_sizes=[10, 20, 40, 80, 200],
            n_splits=30,
            random_state=seed,
        )
        if pooled is None:
            pooled = curves
        else:
            for name, errors in curves.errors.items():
                pooled.errors[name] = np.hstack([pooled.errors[name], errors])
    nb, lr = pooled.mean_error("naive Bayes"), pooled.mean_error("logistic regression")
    assert nb[0] < lr[0]
    assert nb[-1] > lr[-1] + 0.005
    assert 10 < pooled.crossing("naive Bayes", "logistic regression") < 200


def test_outputs_table_markdown_and_figure(tmp_path):
    pytest.importorskip("matplotlib")
    X, y = digit_pair()
    curves = compare_learning_curves(
        [BernoulliNB(), LogisticRegression(max_iter=500)],
        X,
        y,
        train_sizes=[10, 40],
        n_splits=3,
    )
    assert curves.models == ["BernoulliNB", "LogisticRegression"]
    twice = compare_learning_curves(
        [BernoulliNB(), BernoulliNB(alpha=2.0)], X, y, train_sizes=[10], n_splits=2
    )
    assert twice.models == ["BernoulliNB-1", "BernoulliNB-2"]
    curves.to_csv(tmp_path / "curves.csv")
    lines = (tmp_path / "curves.csv").read_text().splitlines()
    assert lines[0] == "train_size,model,mean_error,std_error,n_splits"
    assert len(lines) == 5
    assert (
        "| training rows | BernoulliNB | LogisticRegression |" in curves.to_markdown()
    )
    figure = curves.plot(title="7 vs 9")
    figure.savefig(tmp_path / "curves.png")
    assert (tmp_path / "curves.png").stat().st_size > 0


def test_no_models_is_an_error():
    X, y = digit_pair()
    with pytest.raises(ValueError, match="models is empty"):
        compare_learning_curves({}, X, y)


def test_failed_fits_are_one_warning_and_no_fit_in_the_table():
    import warnings

    from sklearn.datasets import load_wine

    from skgen.classification import GenerativeClassifier
    from skgen.mixture import GaussianMixture

    X, y = load_wine(return_X_y=True)
    # At 10 rows of 3 classes some class has a single row: a Gaussian per
    # class cannot be fitted there (GaussianMixture needs 2 rows).
    models = {
        "nb": GaussianNB(),
        "qda": GenerativeClassifier(GaussianMixture(1, random_state=0)),
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        curves = compare_learning_curves(
            models,
            X,
            y,
            preprocessing=StandardScaler(),
            train_sizes=[10, 60],
            n_splits=3,
        )
        table = curves.to_markdown()
        mean = curves.mean_error("qda")
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1, messages
    assert "qda failed to fit at 10 rows (3 of 3 splits)" in messages[0]
    assert "minimum of 2 is required" in messages[0]
    assert np.isnan(mean[0]) and np.isfinite(mean[1])
    assert "| 10 | " in table and "no fit" in table.splitlines()[2]
    assert [row["n_splits"] for row in curves.table() if row["model"] == "qda"] == [
        0,
        3,
    ]


# -- sequences ------------------------------------------------------------------


def _sequences(n_sequences=40, seed=0):
    from skgen.datasets import make_sequence_classification

    return make_sequence_classification(n_sequences, random_state=seed)


def test_summary_features_by_hand():
    from skgen.utils._sequences import summary_features

    rng = np.random.RandomState(0)
    X = rng.normal(size=(12, 2))
    X[9:, 1] = 3.0  # a constant stretch: autocorrelation 0
    bounds = np.array([0, 5, 6, 9, 12])
    features = summary_features(X, bounds)
    assert features.shape == (4, 10)
    for s in range(4):
        rows = X[bounds[s] : bounds[s + 1]]
        for j in range(2):
            x = rows[:, j]
            d = x - x.mean()
            lag = (d[1:] * d[:-1]).sum() / (d**2).sum() if (d**2).sum() > 0 else 0.0
            expected = [x.mean(), x.std(), x.min(), x.max(), lag]
            np.testing.assert_allclose(features[s, 5 * j : 5 * j + 5], expected)


def test_summary_classifier_is_its_estimator_on_the_summaries():
    from skgen.compare import SequenceSummaryClassifier
    from skgen.utils._sequences import summary_features

    X, y, ids = _sequences()
    X_test, _, ids_test = _sequences(20, seed=1)
    model = SequenceSummaryClassifier(LogisticRegression()).fit(X, y, sequence_ids=ids)
    bounds = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1], True])
    test_bounds = np.flatnonzero(np.r_[True, ids_test[1:] != ids_test[:-1], True])
    reference = LogisticRegression().fit(summary_features(X, bounds), y[bounds[:-1]])
    proba = reference.predict_proba(summary_features(X_test, test_bounds))
    np.testing.assert_allclose(
        model.predict_proba(X_test, sequence_ids=ids_test),
        np.repeat(proba, np.diff(test_bounds), axis=0),
    )
    assert model.feature_names_out_[:2].tolist() == ["x0 mean", "x0 std"]


def test_sequence_curves_score_whole_test_sequences():
    """At the largest size every training sequence is used, so the error is
    that of a model fitted on the split's training sequences, counted over
    its test sequences."""
    from skgen.classification import GenerativeClassifier
    from skgen.compare import SequenceSummaryClassifier
    from skgen.mixture import GaussianMixture

    X, y, ids = _sequences()
    models = {
        "summary": SequenceSummaryClassifier(LogisticRegression()),
        "iid": GenerativeClassifier(GaussianMixture(1)),
    }
    curves = compare_learning_curves(
        models, X, y, sequence_ids=ids, train_sizes=[4, 28], n_splits=3
    )
    assert curves.unit == "sequences" and curves.train_sizes.tolist() == [4, 28]
    assert "| training sequences |" in curves.to_markdown()
    labels = y[np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])]
    cv = StratifiedShuffleSplit(n_splits=3, test_size=0.3, random_state=0)
    for j, (train, test) in enumerate(cv.split(np.zeros(len(labels)), labels)):
        for name, model in models.items():
            rows, test_rows = np.isin(ids, train), np.isin(ids, test)
            scaled = model.fit(X[rows], y[rows], sequence_ids=ids[rows])
            predicted = scaled.predict(X[test_rows], sequence_ids=ids[test_rows])
            firsts = np.flatnonzero(np.r_[True, np.diff(ids[test_rows]) != 0])
            error = np.mean(predicted[firsts] != y[test_rows][firsts])
            assert curves.errors[name][1, j] == pytest.approx(error)
            # Errors count test sequences (12 of the 40).
            assert curves.errors[name][0, j] * 12 == pytest.approx(
                round(curves.errors[name][0, j] * 12)
            )


def test_sequence_curves_need_sequence_models():
    X, y, ids = _sequences(10)
    with pytest.raises(ValueError, match="does not take sequence_ids"):
        compare_learning_curves([GaussianNB()], X, y, sequence_ids=ids)
