"""The VAE: gradients end to end, likelihood against an exact Gaussian, sampling."""

import warnings

import numpy as np
import pytest
from scipy import stats
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression

from skgen.neural import VAE
from tests.neural.test_network import check_gradients

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def correlated_gaussian(n=400, seed=0):
    rng = np.random.RandomState(seed)
    return rng.standard_normal((n, 3)) @ np.array(
        [[1.0, 0.6, 0.0], [0.0, 0.8, 0.3], [0.0, 0.0, 0.5]]
    ) + [1.0, -2.0, 0.5]


@pytest.mark.parametrize(
    "likelihood, conditional",
    [("gaussian", False), ("bernoulli", False), ("gaussian", True)],
)
def test_loss_gradients_match_finite_differences(likelihood, conditional):
    rng = np.random.RandomState(0)
    X = rng.uniform(0.05, 0.95, (7, 4))
    model = VAE(
        n_components=2,
        hidden_layer_sizes=(5, 3),
        activation="tanh",
        likelihood=likelihood,
        beta=0.7,
        alpha=0.1,
        dtype="float64",
    )
    labels = np.zeros((7, 0))
    if conditional:
        model.classes_ = np.array([0, 1, 2])
        labels = model._one_hot(rng.randint(3, size=7))
    model._initialize(4, rng)
    model.log_sigma_ += rng.uniform(-0.5, 0.5, 4)
    noise = rng.standard_normal((7, 2))

    def loss():
        return model._loss_and_gradients(X, labels, noise)[0]

    _, grads = model._loss_and_gradients(X, labels, noise)
    check_gradients(loss, model._params(), grads, rng)


def test_linear_vae_reaches_the_gaussian_likelihood():
    """A linear VAE with as many latent dimensions as features can represent
    the data's Gaussian exactly: its importance-weighted log-likelihood must
    come close to the maximum-likelihood Gaussian's."""
    X = correlated_gaussian()
    exact = stats.multivariate_normal(X.mean(axis=0), np.cov(X.T, bias=True))
    model = VAE(
        n_components=3,
        hidden_layer_sizes=(8,),
        activation="identity",
        batch_size=50,
        learning_rate_init=0.01,
        max_iter=300,
        n_iter_no_change=300,
        n_importance=200,
        alpha=0.0,
        dtype="float64",
        random_state=0,
    ).fit(X)
    gap = exact.logpdf(X).mean() - model.score(X)
    # IWAE is a lower bound, tight with 200 draws (measured gap: 0.0075 nats
    # per row after 300 epochs, 0.0004 after 1,000).
    assert -0.01 < gap < 0.03


def test_more_importance_draws_tighten_the_bound():
    X = correlated_gaussian(200, seed=1)
    model = VAE(n_components=1, hidden_layer_sizes=(16,), max_iter=60, random_state=0)
    model.fit(X)
    scores = [model.set_params(n_importance=k).score(X) for k in (1, 16, 256)]
    assert scores[0] < scores[1] < scores[2]


def test_a_rows_estimate_does_not_depend_on_the_other_rows():
    X = correlated_gaussian(50, seed=5)
    model = VAE(n_components=2, hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    model.fit(X)
    full = model.score_samples(X)
    np.testing.assert_array_equal(model.score_samples(X[::-1]), full[::-1])
    np.testing.assert_array_equal(model.score_samples(X[7:9]), full[7:9])


def test_samples_follow_the_decoder():
    X = correlated_gaussian(300, seed=2)
    model = VAE(n_components=2, hidden_layer_sizes=(16,), max_iter=50, random_state=0)
    model.fit(X)
    X_new, Z = model.sample(40_000, random_state=0)
    # The model's moments from its parts: decoded means of the same latent
    # draws, plus independent Gaussian noise of sigma per feature.
    means = model.inverse_transform(Z).astype(np.float64)
    sigma = np.exp(model.log_sigma_.astype(np.float64)) * model.scale_
    np.testing.assert_allclose(X_new.mean(axis=0), means.mean(axis=0), atol=0.02)
    np.testing.assert_allclose(
        np.cov(X_new.T), np.cov(means.T) + np.diag(sigma**2), atol=0.03
    )
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=0.02)
    np.testing.assert_allclose(np.cov(Z.T), np.eye(2), atol=0.03)


def test_conditional_vae_generates_the_asked_digit():
    digits = load_digits()
    X, y = digits.data / 16.0, digits.target
    keep = y < 3
    X, y = X[keep], y[keep]
    model = VAE(
        n_components=4,
        hidden_layer_sizes=(64,),
        likelihood="bernoulli",
        max_iter=100,
        random_state=0,
    ).fit(X, y)
    judge = LogisticRegression(max_iter=1000).fit(X, y)
    Z = np.random.RandomState(0).standard_normal((90, 4))
    for digit in range(3):
        generated = model.inverse_transform(Z, y=digit)
        # measured: 1.0, 0.94, 0.93 of the decoded digits are read as asked
        assert np.mean(judge.predict(generated) == digit) > 0.85
    X_new, _ = model.sample(6, y=[0, 1, 2, 0, 1, 2], random_state=0)
    assert set(np.unique(X_new)) <= {0.0, 1.0}
    assert np.all(np.isfinite(model.score_samples(X[:5])))


def test_training_is_deterministic_and_resumable():
    X = correlated_gaussian(200, seed=3)
    params = dict(n_components=2, hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    a, b = VAE(**params).fit(X), VAE(**params).fit(X)
    assert a.loss_curve_ == b.loss_curve_
    np.testing.assert_array_equal(a.transform(X), b.transform(X))
    warm = VAE(**params, warm_start=True).fit(X)
    warm.fit(X)
    assert warm.n_iter_ == 10 and len(warm.loss_curve_) == 10
    online = VAE(**params)
    for _ in range(3):
        online.partial_fit(X)
    assert online.n_iter_ == 3


def test_early_stopping_keeps_the_best_validation_score():
    X = correlated_gaussian(400, seed=4)
    model = VAE(
        n_components=2,
        hidden_layer_sizes=(8,),
        early_stopping=True,
        n_iter_no_change=3,
        tol=0.01,
        max_iter=300,
        random_state=0,
    ).fit(X)
    assert model.n_iter_ < 300
    assert len(model.validation_scores_) == model.n_iter_
    assert model.best_validation_score_ == max(model.validation_scores_)


def test_verbose_prints_one_line_per_epoch(capsys):
    VAE(hidden_layer_sizes=(4,), max_iter=3, verbose=True, random_state=0).fit(
        correlated_gaussian(50)
    )
    lines = [line for line in capsys.readouterr().out.splitlines() if "Epoch" in line]
    assert len(lines) == 3 and "loss" in lines[0]


def test_bad_inputs_are_named():
    X = correlated_gaussian(50)
    with pytest.raises(
        ValueError, match=r"likelihood='bernoulli' models data in \[0, 1\]"
    ):
        VAE(likelihood="bernoulli").fit(X)
    model = VAE(hidden_layer_sizes=(4,), max_iter=2, random_state=0).fit(
        X, np.arange(50) % 2
    )
    with pytest.raises(ValueError, match="fitted classes"):
        model.sample(3, y=7)
    with pytest.raises(ValueError, match=r"Z must have shape \(n_samples, 2\)"):
        model.inverse_transform(np.zeros((3, 5)), y=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="conditional: pass y"):
            model.inverse_transform(np.zeros((3, 2)))


def test_a_large_offset_does_not_change_the_density():
    """Standardising happens in float64 before the float32 networks: adding
    1e8 to every row shifts nothing but the units' origin."""
    X = correlated_gaussian(300, seed=6)
    params = dict(n_components=2, hidden_layer_sizes=(8,), max_iter=20, random_state=0)
    near, far = VAE(**params).fit(X), VAE(**params).fit(X + 1e8)
    # Rounding of the offset grows through training: equal to 1% (in float32
    # before standardising, the offset's digits were lost: 1.27 nats apart).
    np.testing.assert_allclose(near.score(X), far.score(X + 1e8), rtol=1e-2)
    assert np.ptp(far.sample(50, random_state=0)[0][:, 0]) > 0.1


def test_inconsistent_conditional_states_are_named():
    X = correlated_gaussian(60, seed=7)
    y = np.arange(60) % 2
    model = VAE(hidden_layer_sizes=(4,), max_iter=2, warm_start=True, random_state=0)
    model.fit(X, y)
    with pytest.raises(ValueError, match="warm_start needs y"):
        model.fit(X)
    online = VAE(hidden_layer_sizes=(4,), random_state=0).partial_fit(X)
    with pytest.raises(ValueError, match="not conditional"):
        online.partial_fit(X, y)
    counted = VAE(hidden_layer_sizes=(4,), random_state=0)
    counted.partial_fit(X[:40], np.r_[np.zeros(35), np.ones(5)], classes=[0, 1])
    counted.partial_fit(X[40:], np.ones(20))
    np.testing.assert_allclose(counted.class_prior_, [35 / 60, 25 / 60])
    toggled = VAE(hidden_layer_sizes=(4,), max_iter=2, warm_start=True, random_state=0)
    toggled.fit(X).set_params(early_stopping=True, max_iter=3).fit(X)
    assert len(toggled.validation_scores_) == 3
    for sizes in [(0,), (-3,), (2.7,)]:
        with pytest.raises(ValueError, match="hidden_layer_sizes"):
            VAE(hidden_layer_sizes=sizes).fit(X)


def test_a_warm_start_reads_the_new_stopping_parameters():
    """tol, n_iter_no_change and max_iter set between warm fits apply to the
    next fit (the monitor is not frozen at the first one's)."""
    X = np.random.RandomState(0).normal(size=(60, 3))
    model = VAE(
        hidden_layer_sizes=(4,),
        max_iter=5,
        tol=0.0,
        n_iter_no_change=100,
        warm_start=True,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X)
    assert model.n_iter_ == 5
    model.set_params(tol=1e9, n_iter_no_change=1, max_iter=20)
    model.fit(X)  # no epoch improves by 1e9: it stops after one
    assert model.n_iter_ == 6
    assert (model.monitor_.tol, model.monitor_.patience) == (1e9, 1)
    assert len(model.monitor_.history) == 6


def test_conditional_false_ignores_y_so_the_vae_fits_in_a_semi_supervised_pipeline():
    """A Pipeline passes y to every step: with conditional=False the VAE
    ignores it (-1 labels included), and the pipeline's fit is the two-step
    fit of the VAE on X, then of the semi-supervised VAE on its codes."""
    from sklearn.pipeline import Pipeline

    from skgen.neural import SemiSupervisedVAE

    X = correlated_gaussian(120, seed=8)
    y = np.where(X[:, 0] > 1.0, 1, 0)
    y_partial = np.full(120, -1)
    y_partial[:12] = y[:12]
    m1 = dict(n_components=2, hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    m2 = dict(n_components=2, hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    pipeline = Pipeline(
        [("m1", VAE(**m1, conditional=False)), ("m2", SemiSupervisedVAE(**m2))]
    ).fit(X, y_partial)
    assert not hasattr(pipeline["m1"], "classes_")
    vae = VAE(**m1).fit(X)
    ssvae = SemiSupervisedVAE(**m2).fit(vae.transform(X), y_partial)
    assert pipeline["m1"].loss_curve_ == vae.loss_curve_
    assert pipeline["m2"].loss_curve_ == ssvae.loss_curve_
    np.testing.assert_array_equal(
        pipeline.predict_proba(X), ssvae.predict_proba(vae.transform(X))
    )
    # partial_fit ignores y as well.
    online = VAE(**m1, conditional=False).partial_fit(X, y_partial)
    assert not hasattr(online, "classes_")


def test_conditional_true_needs_y_and_auto_follows_it():
    X = correlated_gaussian(60, seed=9)
    y = np.arange(60) % 2
    params = dict(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
    with pytest.raises(ValueError, match=r"conditional=True\) needs y"):
        VAE(**params, conditional=True).fit(X)
    with pytest.raises(ValueError, match=r"conditional=True\) needs y"):
        VAE(**params, conditional=True).partial_fit(X)
    forced = VAE(**params, conditional=True).fit(X, y)
    auto = VAE(**params).fit(X, y)
    np.testing.assert_array_equal(forced.classes_, [0, 1])
    assert forced.loss_curve_ == auto.loss_curve_
    assert not hasattr(VAE(**params).fit(X), "classes_")
    with pytest.raises(ValueError, match="conditional"):
        VAE(**params, conditional="yes").fit(X, y)
