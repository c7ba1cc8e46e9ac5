"""A small numpy network core: dense layers, activations, backpropagation.

Shared by the VAE and the GAN. A :class:`DenseNetwork` is a stack of affine
layers with an activation after every hidden layer; ``forward`` keeps what
``backward`` needs, and ``backward`` returns the gradients of every weight and
bias and of the input. Layers are numpy matrix products (BLAS); the
optimiser is scikit-learn's Adam (``sklearn.neural_network``), which updates
the parameter arrays in place.
"""

import numpy as np
from scipy.special import expit

from skgen.utils._sklearn_compat import AdamOptimizer

#: Slope of leaky ReLU below zero.
LEAKY_SLOPE = 0.2


def _relu(a):
    return np.maximum(a, 0.0, dtype=a.dtype)


def _relu_grad(a, h, grad):
    return grad * (a > 0)


def _leaky_relu(a):
    return np.where(a > 0, a, a * a.dtype.type(LEAKY_SLOPE))


def _leaky_relu_grad(a, h, grad):
    return grad * np.where(a > 0, a.dtype.type(1.0), a.dtype.type(LEAKY_SLOPE))


def _tanh_grad(a, h, grad):
    return grad * (1.0 - h * h)


def _logistic_grad(a, h, grad):
    return grad * h * (1.0 - h)


#: name -> (function of the pre-activation, gradient given (a, h, dL/dh)).
ACTIVATIONS = {
    "identity": (lambda a: a, lambda a, h, grad: grad),
    "relu": (_relu, _relu_grad),
    "leaky_relu": (_leaky_relu, _leaky_relu_grad),
    "tanh": (np.tanh, _tanh_grad),
    "logistic": (expit, _logistic_grad),
}


class DenseNetwork:
    """Fully connected network: ``sizes[0]`` inputs to ``sizes[-1]`` outputs.

    Parameters
    ----------
    sizes : sequence of int
        Width of every layer, input and output included.
    activation : str
        Activation of the hidden layers (a key of ``ACTIVATIONS``).
    random_state : numpy.random.RandomState
        Draws the initial weights (Glorot uniform, as scikit-learn's MLP).
    dtype : numpy dtype
        float32 or float64.
    output_activation : str, default='identity'
        Activation of the output layer.
    """

    def __init__(
        self, sizes, activation, random_state, dtype, output_activation="identity"
    ):
        self.activation = activation
        self.output_activation = output_activation
        self.params = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            factor = 2.0 if activation == "logistic" else 6.0
            bound = np.sqrt(factor / (fan_in + fan_out))
            weights = random_state.uniform(-bound, bound, (fan_in, fan_out))
            bias = random_state.uniform(-bound, bound, fan_out)
            self.params += [weights.astype(dtype), bias.astype(dtype)]

    @property
    def weights(self):
        return self.params[0::2]

    def forward(self, X):
        """Output of the network; keeps the layers' values for ``backward``."""
        self._inputs, self._pre, self._post = [], [], []
        h = X
        n_layers = len(self.params) // 2
        for layer in range(n_layers):
            W, b = self.params[2 * layer], self.params[2 * layer + 1]
            self._inputs.append(h)
            a = h @ W + b
            name = self.activation if layer < n_layers - 1 else self.output_activation
            h = ACTIVATIONS[name][0](a)
            self._pre.append(a)
            self._post.append(h)
        return h

    def backward(self, grad_output):
        """Gradients of the parameters and of the input from dL/d(output).

        Returns
        -------
        grads : list of ndarray
            One per entry of ``params``, same shapes.
        grad_input : ndarray
            dL/d(input) of the last ``forward``.
        """
        n_layers = len(self.params) // 2
        grads = [None] * len(self.params)
        grad = grad_output
        for layer in range(n_layers - 1, -1, -1):
            name = self.activation if layer < n_layers - 1 else self.output_activation
            grad = ACTIVATIONS[name][1](self._pre[layer], self._post[layer], grad)
            grads[2 * layer] = self._inputs[layer].T @ grad
            grads[2 * layer + 1] = grad.sum(axis=0)
            grad = grad @ self.params[2 * layer].T
        return grads, grad

    def add_l2_gradient(self, grads, alpha, n_rows):
        """Add the gradient of ``0.5 * alpha * sum(W ** 2) / n_rows`` (weights
        only, as scikit-learn's MLP); return that penalty."""
        penalty = 0.0
        for i in range(0, len(self.params), 2):
            W = self.params[i]
            grads[i] += (alpha / n_rows) * W
            penalty += 0.5 * alpha * float(np.sum(W * W)) / n_rows
        return penalty


def make_adam(params, learning_rate_init):
    """scikit-learn's Adam over ``params`` (updated in place)."""
    return AdamOptimizer(params, learning_rate_init=learning_rate_init)


def gen_batches_indices(n_rows, batch_size, random_state):
    """Shuffled row indices cut into batches of ``batch_size`` (last one smaller)."""
    order = random_state.permutation(n_rows)
    return [order[i : i + batch_size] for i in range(0, n_rows, batch_size)]
