"""The network core: gradients against central finite differences."""

import numpy as np
import pytest

from skgen.neural._network import ACTIVATIONS, LEAKY_SLOPE, Adam, DenseNetwork
from skgen.utils._sklearn_compat import AdamOptimizer


def numeric_gradient(f, array, entries, step=1e-6):
    """Central differences of the scalar ``f()`` in the given entries of ``array``."""
    grads = []
    for index in entries:
        saved = array[index]
        array[index] = saved + step
        up = f()
        array[index] = saved - step
        down = f()
        array[index] = saved
        grads.append((up - down) / (2 * step))
    return np.array(grads)


def some_entries(array, rng, n=6):
    flat = rng.choice(array.size, size=min(n, array.size), replace=False)
    return [np.unravel_index(i, array.shape) for i in flat]


def check_gradients(loss, params, grads, rng, rtol=1e-5, atol=1e-8):
    """Each gradient in ``grads`` against central differences of ``loss()``
    in a few random entries of its parameter."""
    assert len(grads) == len(params)
    for param, grad in zip(params, grads):
        assert grad.shape == param.shape
        entries = some_entries(param, rng)
        expected = numeric_gradient(loss, param, entries)
        np.testing.assert_allclose(
            [grad[i] for i in entries], expected, rtol=rtol, atol=atol
        )


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("output_activation", ["identity", "logistic", "tanh"])
def test_backward_matches_finite_differences(activation, output_activation):
    rng = np.random.RandomState(0)
    net = DenseNetwork(
        [4, 7, 5, 3], activation, rng, np.float64, output_activation=output_activation
    )
    X = rng.standard_normal((9, 4))
    # (A pre-activation within the step of ReLU's kink would make the central
    # difference one-sided; with these seeds none is.)
    weight = rng.standard_normal((9, 3))

    def loss():
        return float(np.sum(net.forward(X) * weight))

    loss()
    grads, grad_input = net.backward(weight)
    for param, grad in zip(net.params, grads):
        entries = some_entries(param, rng)
        expected = numeric_gradient(loss, param, entries)
        np.testing.assert_allclose(
            [grad[i] for i in entries], expected, rtol=1e-5, atol=1e-7
        )
    entries = some_entries(X, rng)
    expected = numeric_gradient(loss, X, entries)
    np.testing.assert_allclose(
        [grad_input[i] for i in entries], expected, rtol=1e-5, atol=1e-7
    )


def test_l2_gradient_is_the_penalty_derivative():
    rng = np.random.RandomState(1)
    net = DenseNetwork([3, 4, 2], "tanh", rng, np.float64)
    grads = [np.zeros_like(p) for p in net.params]
    penalty = net.add_l2_gradient(grads, alpha=0.3, n_rows=5)
    weights = net.params[0::2]
    assert penalty == pytest.approx(0.5 * 0.3 * sum((w**2).sum() for w in weights) / 5)
    np.testing.assert_allclose(grads[0], 0.3 / 5 * net.params[0])
    np.testing.assert_array_equal(grads[1], 0.0)  # biases are not penalised


def test_float32_network_stays_float32():
    rng = np.random.RandomState(2)
    net = DenseNetwork([3, 4, 2], "relu", rng, np.float32)
    out = net.forward(rng.standard_normal((5, 3)).astype(np.float32))
    grads, grad_input = net.backward(np.ones_like(out))
    assert out.dtype == np.float32 and grad_input.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads)


def test_backward_without_input_gradient_gives_the_same_parameter_gradients():
    rng = np.random.RandomState(3)
    net = DenseNetwork([4, 6, 2], "leaky_relu", rng, np.float64)
    out = net.forward(rng.standard_normal((7, 4)))
    weight = rng.standard_normal(out.shape)
    grads, grad_input = net.backward(weight)
    grads_only, nothing = net.backward(weight, input_grad=False)
    assert grad_input is not None and nothing is None
    for full, only in zip(grads, grads_only):
        np.testing.assert_array_equal(full, only)


def test_leaky_relu_gradient_is_one_above_zero_and_the_slope_below():
    rng = np.random.RandomState(4)
    for dtype in (np.float32, np.float64):
        a = rng.standard_normal((5, 6)).astype(dtype)
        a[0, :2] = 0.0  # the kink takes the slope, as a <= 0
        grad = rng.standard_normal((5, 6)).astype(dtype)
        got = ACTIVATIONS["leaky_relu"][1](a, None, grad)
        expected = grad * np.where(a > 0, dtype(1.0), dtype(LEAKY_SLOPE))
        assert got.dtype == dtype
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("beta_1", [0.0, 0.9])
def test_in_place_adam_follows_scikit_learn_adam(beta_1):
    rng = np.random.RandomState(5)
    shapes = [(3, 4), (4,)]
    ours = [rng.standard_normal(s) for s in shapes]
    theirs = [p.copy() for p in ours]
    adam = Adam(ours, 1e-2, beta_1=beta_1, beta_2=0.9)
    reference = AdamOptimizer(theirs, 1e-2, beta_1=beta_1, beta_2=0.9)
    for _ in range(5):
        grads = [rng.standard_normal(s) for s in shapes]
        adam.update_params(ours, grads)
        reference.update_params(theirs, grads)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert adam.t == reference.t == 5


def test_in_place_adam_stays_float32():
    rng = np.random.RandomState(6)
    params = [rng.standard_normal((3, 2)).astype(np.float32)]
    reference = [p.astype(np.float64) for p in params]
    adam = Adam(params, 1e-3)
    sk_adam = AdamOptimizer(reference, 1e-3)
    for _ in range(3):
        grad = rng.standard_normal((3, 2)).astype(np.float32)
        adam.update_params(params, [grad])
        sk_adam.update_params(reference, [grad.astype(np.float64)])
    assert params[0].dtype == np.float32 and adam.ms[0].dtype == np.float32
    np.testing.assert_allclose(params[0], reference[0], rtol=1e-6, atol=1e-7)
