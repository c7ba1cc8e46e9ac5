"""The network core: gradients against central finite differences."""

import numpy as np
import pytest

from skgen.neural._network import ACTIVATIONS, DenseNetwork


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
