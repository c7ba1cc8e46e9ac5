"""The GAN: gradients of both players and of the gradient penalty against
finite differences, the Parzen estimate against a reference KDE, modes of the
ring of Gaussians, conditional sampling, determinism, bad inputs."""

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.special import logsumexp
from sklearn.exceptions import ConvergenceWarning
from sklearn.neighbors import KernelDensity
from sklearn.utils import check_random_state

from skgen.neural import GAN
from skgen.neural._gan import _BANDWIDTH_BOUNDS, _choose_bandwidth, _parzen_terms
from skgen.neural._network import ACTIVATIONS, DenseNetwork, make_adam
from tests.neural.test_network import (
    check_gradients,
    numeric_gradient,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def ring_of_gaussians(n, seed, n_modes=8, radius=2.0, std=0.02):
    """The ring of the mode-collapse literature (VEEGAN, PacGAN)."""
    rng = np.random.RandomState(seed)
    angles = 2 * np.pi * np.arange(n_modes) / n_modes
    centres = radius * np.column_stack([np.cos(angles), np.sin(angles)])
    X = centres[rng.randint(n_modes, size=n)] + std * rng.standard_normal((n, 2))
    return X, centres


def mode_coverage(samples, centres, std):
    """Modes holding at least a fifth of their fair share of the samples within
    3 standard deviations, and the share of samples that are (as VEEGAN)."""
    distances = np.linalg.norm(samples[:, None, :] - centres[None], axis=2)
    high_quality = distances.min(axis=1) < 3 * std
    counts = np.bincount(distances.argmin(axis=1)[high_quality], minlength=len(centres))
    captured = int(np.sum(counts >= 0.2 * len(samples) / len(centres)))
    return captured, float(high_quality.mean())


def blobs(n=300, seed=0):
    rng = np.random.RandomState(seed)
    y = rng.randint(2, size=n)
    centres = np.array([[-3.0, -3.0], [3.0, 3.0]])
    return centres[y] + 0.5 * rng.standard_normal((n, 2)), y


def tiny_model(n_features, rng, conditional=False, **params):
    """A float64 GAN with initialised networks, not fitted."""
    settings = dict(
        n_components=3,
        hidden_layer_sizes=(5, 4),
        discriminator_layer_sizes=(6,),
        activation="tanh",
        discriminator_activation="tanh",
        alpha=0.1,
        dtype="float64",
    )
    model = GAN(**{**settings, **params})
    if conditional:
        model.classes_ = np.array([0, 1, 2])
    model._initialize(n_features, rng)
    return model


# -- gradients ---------------------------------------------------------------


@pytest.mark.parametrize(
    "loss, activation, pac, conditional",
    [
        ("nonsaturating", "tanh", 1, False),
        ("nonsaturating", "leaky_relu", 2, True),
        ("wgan-gp", "tanh", 2, False),
        ("wgan-gp", "leaky_relu", 1, True),
        ("wgan-gp", "logistic", 3, True),
    ],
)
def test_discriminator_gradients_match_finite_differences(
    loss, activation, pac, conditional
):
    rng = np.random.RandomState(0)
    model = tiny_model(
        3,
        rng,
        conditional,
        loss=loss,
        pac=pac,
        discriminator_activation=activation,
        gradient_penalty=3.0,
    )
    real, fake = rng.standard_normal((6, 3)), rng.standard_normal((6, 3))
    labels = model._one_hot(rng.randint(3, size=6)) if conditional else real[:, :0]
    eps = rng.uniform(size=(6 // pac, 1))

    def objective():
        return model._discriminator_loss_and_gradients(real, fake, labels, eps)[0]

    _, grads = model._discriminator_loss_and_gradients(real, fake, labels, eps)
    check_gradients(objective, model.discriminator_.params, grads, rng)


@pytest.mark.parametrize("loss", ["nonsaturating", "wgan-gp"])
@pytest.mark.parametrize("conditional", [False, True])
def test_generator_gradients_match_finite_differences(loss, conditional):
    rng = np.random.RandomState(1)
    model = tiny_model(3, rng, conditional, loss=loss, pac=2)
    noise = rng.standard_normal((8, 3))
    labels = model._one_hot(rng.randint(3, size=8)) if conditional else noise[:, :0]

    def objective():
        return model._generator_loss_and_gradients(noise, labels)[0]

    _, grads = model._generator_loss_and_gradients(noise, labels)
    check_gradients(objective, model._generator.params, grads, rng)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("output_activation", ["identity", "tanh"])
def test_input_gradient_and_its_backward_match_finite_differences(
    activation, output_activation
):
    """The double backward: d/d(params) of sum_i (||grad_x f(x_i)|| - 1)^2,
    every entry of every parameter, for every activation (the second
    derivative of tanh and logistic enters; ReLU's vanishes)."""
    rng = np.random.RandomState(2)
    net = DenseNetwork(
        [4, 6, 5, 1], activation, rng, np.float64, output_activation=output_activation
    )
    X = rng.standard_normal((7, 4))

    output, grad_input = net.input_gradient(X)
    np.testing.assert_array_equal(output, net.forward(X))
    for i in range(X.shape[0]):
        row = X[i : i + 1].copy()
        expected = numeric_gradient(
            lambda row=row: float(net.forward(row)[0, 0]),
            row,
            [(0, j) for j in range(4)],
        )
        np.testing.assert_allclose(grad_input[i], expected, rtol=1e-6, atol=1e-9)

    def penalty():
        u = net.input_gradient(X)[1]
        return float(np.sum((np.linalg.norm(u, axis=1) - 1.0) ** 2))

    u = net.input_gradient(X)[1]
    norm = np.linalg.norm(u, axis=1, keepdims=True)
    grads = net.input_gradient_backward(2.0 * (norm - 1.0) * u / norm)
    assert any(np.any(g != 0) for g in grads)
    for param, grad in zip(net.params, grads):
        entries = list(np.ndindex(param.shape))
        expected = numeric_gradient(penalty, param, entries)
        np.testing.assert_allclose(
            [grad[i] for i in entries], expected, rtol=1e-5, atol=1e-8
        )


def test_piecewise_linear_critic_has_no_bias_gradient_in_the_penalty():
    """For ReLU-like critics the input-gradient does not depend on the biases
    (away from the kinks): the double backward gives them zero."""
    rng = np.random.RandomState(3)
    net = DenseNetwork([3, 8, 1], "leaky_relu", rng, np.float64)
    net.input_gradient(rng.standard_normal((5, 3)))
    grads = net.input_gradient_backward(rng.standard_normal((5, 3)))
    assert np.all(grads[1] == 0) and np.all(grads[3] == 0)
    assert np.any(grads[0] != 0) and np.any(grads[2] != 0)


def test_make_adam_keeps_scikit_learn_betas_unless_given():
    params = [np.zeros(3)]
    default = make_adam(params, 0.1)
    assert (default.beta_1, default.beta_2) == (0.9, 0.999)
    given = make_adam(params, 0.1, beta_1=0.0, beta_2=0.9)
    assert (given.beta_1, given.beta_2) == (0.0, 0.9)


# -- the Parzen-window estimate --------------------------------------------------


@pytest.fixture(scope="module")
def fitted_on_blobs():
    X, y = blobs()
    X = X * [10.0, 0.1] + [5.0, -1.0]  # units differ per feature
    model = GAN(
        n_components=2,
        hidden_layer_sizes=(32,),
        max_iter=30,
        n_parzen=500,
        random_state=0,
    ).fit(X)
    return model, X


def test_parzen_estimate_is_the_kernel_density_of_the_generated_rows(fitted_on_blobs):
    model, X = fitted_on_blobs
    scale = model.scale_.astype(np.float64)
    centres = (model.parzen_samples_ - model.center_) / scale
    rows = (X - model.center_) / scale
    # scikit-learn's KernelDensity in standardised units (exact: rtol=atol=0),
    # back to the data's units by the Jacobian.
    kde = KernelDensity(kernel="gaussian", bandwidth=model.bandwidth_).fit(centres)
    expected = kde.score_samples(rows) - np.sum(np.log(scale))
    np.testing.assert_allclose(model.score_samples(X), expected, rtol=1e-9)
    # By hand, in the data's units: a Gaussian of standard deviation
    # bandwidth_ * scale_ per feature around every generated row.
    sigma = model.bandwidth_ * scale
    z = (X[:, None, :] - model.parzen_samples_[None]) / sigma
    by_hand = (
        logsumexp(-0.5 * np.sum(z * z, axis=2), axis=1)
        - np.log(len(model.parzen_samples_))
        - np.sum(np.log(np.sqrt(2 * np.pi) * sigma))
    )
    np.testing.assert_allclose(model.score_samples(X), by_hand, rtol=1e-9)


def test_bandwidth_maximises_the_held_out_likelihood(fitted_on_blobs):
    model, X = fitted_on_blobs
    validation, train = model._held_out_rows(len(X), check_random_state(0))
    assert len(validation) == 30 and len(train) == 270
    held_out = X[validation].astype(np.float32)  # what fit computed on
    assert model.parzen_validation_score_ == pytest.approx(
        model.score(held_out), rel=1e-9
    )
    best = model.bandwidth_
    for factor in (0.8, 0.95, 1.05, 1.25):
        model.bandwidth_ = best * factor
        assert model.score(held_out) < model.parzen_validation_score_
    model.bandwidth_ = best


def test_bracketed_bandwidth_is_the_root_over_the_whole_range():
    rng = np.random.RandomState(7)
    centres, rows = rng.standard_normal((300, 3)), rng.standard_normal((50, 3))

    def slope(log_bandwidth):
        return np.mean(_parzen_terms(rows, centres, np.exp(log_bandwidth))[1])

    # The root found over the whole range, as the bandwidth was chosen before
    # the bracket from Scott's rule.
    low, high = np.log(_BANDWIDTH_BOUNDS)
    reference = np.exp(brentq(slope, low, high, xtol=1e-10))
    assert _choose_bandwidth(rows, centres) == pytest.approx(reference, rel=2e-3)
    # Rows on the centres: the likelihood grows as the bandwidth shrinks, up
    # to the lower bound; rows far from every centre: up to the upper one.
    lowest, highest = _BANDWIDTH_BOUNDS
    assert _choose_bandwidth(centres[:20], centres) == pytest.approx(lowest)
    assert _choose_bandwidth(rows + 100.0, centres) == pytest.approx(highest)


def test_parzen_estimate_of_a_gaussian_is_close_to_its_density():
    """On Gaussian data a fitted generator's Parzen estimate comes close to
    the true log-density (measured: 0.06 nats per row below it)."""
    rng = np.random.RandomState(0)
    X = rng.standard_normal((1000, 2)) * [2.0, 0.5] + [1.0, -3.0]
    true = (
        -np.log(2 * np.pi)
        - np.log(2.0 * 0.5)
        - 0.5 * np.sum(((X - [1.0, -3.0]) / [2.0, 0.5]) ** 2, axis=1)
    )
    model = GAN(
        n_components=2, hidden_layer_sizes=(32, 32), max_iter=60, random_state=0
    ).fit(X)
    assert abs(model.score(X) - true.mean()) < 0.15


# -- what the GAN learns -----------------------------------------------------------


def test_small_run_covers_the_ring_of_eight_gaussians():
    """A smaller, shorter version of benchmarks/bench_gan.py (there: 10,000
    rows, 400 epochs, hidden (128, 128), every mode and over 95% of the
    samples within 3 standard deviations). Measured here: 8 modes, 63%."""
    X, centres = ring_of_gaussians(2000, seed=0)
    model = GAN(
        n_components=2,
        hidden_layer_sizes=(64, 64),
        max_iter=300,
        n_parzen=500,
        random_state=0,
    ).fit(X)
    captured, high_quality = mode_coverage(model.sample(2500)[0], centres, 0.02)
    assert captured == 8
    assert high_quality > 0.5


def test_conditional_gan_generates_the_asked_class():
    X, y = blobs(400, seed=1)
    model = GAN(
        n_components=2, hidden_layer_sizes=(32,), max_iter=200, random_state=0
    ).fit(X, y)
    np.testing.assert_array_equal(model.classes_, [0, 1])
    for label, centre in enumerate([[-3.0, -3.0], [3.0, 3.0]]):
        generated, noise = model.sample(500, y=label, random_state=0)
        assert noise.shape == (500, 2)
        # measured: means within 0.07 of the class's centre
        np.testing.assert_allclose(generated.mean(axis=0), centre, atol=0.3)
    mixed, _ = model.sample(6, y=[0, 1, 0, 1, 0, 1], random_state=0)
    assert np.all((mixed.sum(axis=1) > 0) == [False, True] * 3)
    unconditioned, _ = model.sample(1000, random_state=0)
    assert 0.4 < np.mean(unconditioned.sum(axis=1) > 0) < 0.6


def test_training_is_deterministic_and_resumable():
    X, _ = blobs(200, seed=2)
    params = dict(hidden_layer_sizes=(8,), max_iter=4, n_parzen=100, random_state=0)
    a, b = GAN(**params).fit(X), GAN(**params).fit(X)
    assert a.loss_curve_ == b.loss_curve_
    np.testing.assert_array_equal(a.sample(5)[0], b.sample(5)[0])
    np.testing.assert_array_equal(a.score_samples(X), b.score_samples(X))
    assert np.array(a.loss_curve_).shape == (4, 2)
    warm = GAN(**params, warm_start=True).fit(X)
    warm.fit(X)
    assert warm.n_iter_ == 8 and len(warm.loss_curve_) == 8
    # The first fit of a warm start is the ordinary fit.
    assert warm.loss_curve_[:4] == a.loss_curve_


def test_generator_average_is_what_sample_uses():
    X, _ = blobs(200, seed=3)
    params = dict(hidden_layer_sizes=(8,), max_iter=5, n_parzen=100, random_state=0)
    last = GAN(**params, generator_ema=0.0).fit(X)
    assert last.generator_ is last._generator
    averaged = GAN(**params).fit(X)
    assert averaged.generator_ is not averaged._generator
    # The same training (the average does not feed back into it) ...
    assert averaged.loss_curve_ == last.loss_curve_
    for trained, same in zip(averaged._generator.params, last._generator.params):
        np.testing.assert_array_equal(trained, same)
    # ... but other weights for sampling.
    assert not np.allclose(averaged.generator_.params[0], last.generator_.params[0])


def test_pac_larger_than_the_data_and_rare_generator_updates():
    X = np.random.RandomState(4).standard_normal((6, 2))
    model = GAN(
        hidden_layer_sizes=(4,),
        pac=10,
        discriminator_steps=3,
        max_iter=4,
        n_parzen=50,
        random_state=0,
    ).fit(X)
    assert model.discriminator_.params[0].shape[0] == 20
    assert model.t_ == 4  # one batch of 10 (5 rows, repeated) per epoch
    curve = np.array(model.loss_curve_)
    # Generator updates after discriminator updates 3 (epoch 3) only.
    assert np.isnan(curve[[0, 1, 3], 1]).all() and np.isfinite(curve[2, 1])
    assert np.all(np.isfinite(model.score_samples(X)))


def test_auto_epochs_run_about_5000_generator_updates_and_at_most_200_epochs():
    X = np.random.RandomState(5).standard_normal((200, 2))
    # 180 training rows in batches of 6: 30 updates an epoch, so
    # ceil(5000 / 30) = 167 epochs.
    model = GAN(hidden_layer_sizes=(4,), batch_size=6, n_parzen=50, random_state=0)
    model.fit(X)
    assert model.n_iter_ == 167 and model.t_ == 167 * 30
    assert len(model.loss_curve_) == 167
    # Two discriminator updates per generator update: twice the updates,
    # ceil(10000 / 60) = 167 epochs of 60 (and 334 epochs of 30 capped at 200).
    model.set_params(discriminator_steps=2)
    assert model._n_epochs(360) == 167 and model._n_epochs(180) == 200
    # A table of one batch: 200 epochs (5000 would be 25 times the default).
    assert GAN()._n_epochs(180) == 200
    assert GAN(max_iter=7)._n_epochs(10**6) == 7


def test_verbose_prints_one_line_per_epoch(capsys):
    X, _ = blobs(50)
    GAN(
        hidden_layer_sizes=(4,), max_iter=3, n_parzen=50, verbose=True, random_state=0
    ).fit(X)
    out = capsys.readouterr().out.splitlines()
    lines = [line for line in out if line.startswith("Epoch")]
    assert len(lines) == 3
    assert "discriminator loss" in lines[0] and "generator loss" in lines[0]
    assert "Parzen bandwidth" in out[-1]


def test_warns_when_the_discriminator_wins():
    X, _ = ring_of_gaussians(1000, seed=5)
    weak_generator = GAN(
        n_components=1,
        hidden_layer_sizes=(1,),
        discriminator_layer_sizes=(64, 64),
        discriminator_steps=10,
        learning_rate_init=0.01,
        max_iter=30,
        n_parzen=50,
        random_state=0,
    )
    with pytest.warns(ConvergenceWarning, match="discriminator tells real"):
        weak_generator.fit(X)


# -- bad inputs ----------------------------------------------------------------------


def test_bad_inputs_are_named():
    X, y = blobs(50)
    with pytest.raises(ValueError, match="n_samples=1"):
        GAN().fit(X[:1])
    with pytest.raises(ValueError, match="hidden_layer_sizes must be positive"):
        GAN(hidden_layer_sizes=(4, 0)).fit(X)
    with pytest.raises(ValueError, match="discriminator_layer_sizes must be"):
        GAN(discriminator_layer_sizes=[2.5]).fit(X)
    with pytest.raises(ValueError, match="loss"):
        GAN(loss="hinge").fit(X)
    with pytest.raises(ValueError, match="pac"):
        GAN(pac=0).fit(X)
    with pytest.raises(ValueError, match=r"y must have shape \(50,\)"):
        GAN().fit(X, y[:10])
    params = dict(hidden_layer_sizes=(4,), max_iter=2, n_parzen=50, random_state=0)
    conditional = GAN(**params).fit(X, y)
    with pytest.raises(ValueError, match="fitted classes"):
        conditional.sample(3, y=7)
    with pytest.raises(ValueError, match="fitted classes"):
        conditional.sample(3, y=[0, 1])
    plain = GAN(**params).fit(X)
    with pytest.raises(ValueError, match="only for a GAN fitted with y"):
        plain.sample(3, y=0)
    warm = GAN(**params, warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match="classes of the first fit"):
        warm.fit(X, y + 1)
    with pytest.raises(ValueError, match="conditional: pass y"):
        warm.fit(X)
    exploding = GAN(**{**params, "learning_rate_init": 1e30})
    with np.errstate(all="ignore"), pytest.raises(ValueError, match="non-finite"):
        exploding.fit(X)
