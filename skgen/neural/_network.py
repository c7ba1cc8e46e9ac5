"""A small numpy network core: dense layers, activations, backpropagation.

Shared by the VAE and the GAN. A :class:`DenseNetwork` is a stack of affine
layers with an activation after every hidden layer; ``forward`` keeps what
``backward`` needs, and ``backward`` returns the gradients of every weight and
bias and of the input. ``input_gradient`` and ``input_gradient_backward`` are
the double backward of a gradient penalty (the gradient, with respect to the
parameters, of a function of the input-gradient). Layers are numpy matrix
products (BLAS); the optimisers are scikit-learn's Adam
(``sklearn.neural_network``, the VAE's) and :class:`Adam`, the same update in
the parameters' dtype without allocating (the GAN's); both update the
parameter arrays in place.
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
    # max(a, slope * a) is where(a > 0, a, slope * a) for a slope below 1,
    # value for value, without the mask (twice as fast).
    return np.maximum(a, a * a.dtype.type(LEAKY_SLOPE))


def _leaky_relu_grad(a, h, grad):
    # The slope as (a > 0) * (1 - slope) + slope, value for value what
    # where(a > 0, 1, slope) gives, in a tenth of the time (numpy's where
    # with scalar branches is slow).
    slope = a.dtype.type(LEAKY_SLOPE)
    factor = (a > 0).astype(a.dtype)
    factor *= a.dtype.type(1.0) - slope
    factor += slope
    return grad * factor


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

#: name -> second derivative of the activation given (a, h); None where it is
#: zero almost everywhere (the piecewise-linear activations).
SECOND_DERIVATIVES = {
    "identity": None,
    "relu": None,
    "leaky_relu": None,
    "tanh": lambda a, h: -2.0 * h * (1.0 - h * h),
    "logistic": lambda a, h: h * (1.0 - h) * (1.0 - 2.0 * h),
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

    def backward(self, grad_output, input_grad=True):
        """Gradients of the parameters and of the input from dL/d(output).

        Parameters
        ----------
        grad_output : ndarray of shape (n_rows, n_outputs)
            dL/d(output) of the last ``forward``.
        input_grad : bool, default=True
            Compute dL/d(input); False skips the first layer's product with
            its weights when only the parameters' gradients are needed.

        Returns
        -------
        grads : list of ndarray
            One per entry of ``params``, same shapes.
        grad_input : ndarray or None
            dL/d(input) of the last ``forward`` (None if not ``input_grad``).
        """
        n_layers = len(self.params) // 2
        grads = [None] * len(self.params)
        grad = grad_output
        for layer in range(n_layers - 1, -1, -1):
            name = self.activation if layer < n_layers - 1 else self.output_activation
            grad = ACTIVATIONS[name][1](self._pre[layer], self._post[layer], grad)
            grads[2 * layer] = self._inputs[layer].T @ grad
            grads[2 * layer + 1] = grad.sum(axis=0)
            if layer > 0 or input_grad:
                grad = grad @ self.params[2 * layer].T
        return grads, (grad if input_grad else None)

    def input_gradient(self, X):
        """Gradient of the sum of the outputs with respect to the input, by row.

        For a network with one output, row ``i`` of the result is the gradient
        of the output of row ``i`` with respect to that row, as a gradient
        penalty needs. Keeps what :meth:`input_gradient_backward` needs.

        Returns
        -------
        output : ndarray of shape (n_rows, n_outputs)
            The network's output.
        grad_input : ndarray of shape (n_rows, n_inputs)
            d(sum of the row's outputs)/d(row).
        """
        output = self.forward(X)
        n_layers = len(self.params) // 2
        # _grad_post[j]: d(output)/d(h_{j+1}); _grad_pre[j]: d(output)/d(a_j).
        self._grad_post, self._grad_pre = [None] * n_layers, [None] * n_layers
        grad = np.ones_like(output)
        for layer in range(n_layers - 1, -1, -1):
            self._grad_post[layer] = grad
            grad = ACTIVATIONS[self._layer_activation(layer)][1](
                self._pre[layer], self._post[layer], grad
            )
            self._grad_pre[layer] = grad
            grad = grad @ self.params[2 * layer].T
        return output, grad

    def input_gradient_backward(self, grad_of_input_gradient):
        """Gradients of the parameters of a function of the input-gradient.

        With ``u = input_gradient(X)[1]`` (of the last call) and ``V = dL/du``,
        returns ``dL/d(params)``: reverse-mode differentiation of the backward
        pass itself (a "double backward"). Writing layer ``j`` as
        ``a_j = h_j W_j + b_j``, ``h_{j+1} = f_j(a_j)``, the input-gradient is
        ``G_L = 1``, ``D_j = G_{j+1} * f_j'(a_j)``, ``G_j = D_j W_j^T``,
        ``u = G_0``. Going back up from ``bar G_0 = V``:

        - ``bar W_j += bar G_j^T D_j`` and ``bar D_j = bar G_j W_j``;
        - ``bar G_{j+1} = bar D_j * f_j'(a_j)``;
        - ``a_j`` receives ``bar D_j * G_{j+1} * f_j''(a_j)``, which ordinary
          backpropagation through the forward pass carries to the weights and
          biases below. It is zero for piecewise-linear activations (ReLU,
          leaky ReLU, identity), whose second derivative vanishes almost
          everywhere: the biases then get no gradient at all.

        Parameters
        ----------
        grad_of_input_gradient : ndarray of shape (n_rows, n_inputs)
            ``V = dL/du``.

        Returns
        -------
        grads : list of ndarray
            One per entry of ``params``, same shapes.
        """
        n_layers = len(self.params) // 2
        grads = [np.zeros_like(p) for p in self.params]
        injected = [None] * n_layers
        grad_g = grad_of_input_gradient
        for layer in range(n_layers):
            W = self.params[2 * layer]
            name = self._layer_activation(layer)
            grads[2 * layer] += grad_g.T @ self._grad_pre[layer]
            grad_d = grad_g @ W
            second = SECOND_DERIVATIVES[name]
            if second is not None:
                injected[layer] = (
                    grad_d
                    * self._grad_post[layer]
                    * second(self._pre[layer], self._post[layer])
                )
            if layer < n_layers - 1:
                grad_g = ACTIVATIONS[name][1](
                    self._pre[layer], self._post[layer], grad_d
                )
        if all(term is None for term in injected):
            return grads
        # Backpropagate the terms injected at the pre-activations through the
        # forward pass.
        grad_a = None
        for layer in range(n_layers - 1, -1, -1):
            if injected[layer] is not None:
                grad_a = injected[layer] if grad_a is None else grad_a + injected[layer]
            if grad_a is None:
                continue
            grads[2 * layer] += self._inputs[layer].T @ grad_a
            grads[2 * layer + 1] += grad_a.sum(axis=0)
            if layer > 0:
                below = layer - 1
                grad_h = grad_a @ self.params[2 * layer].T
                grad_a = ACTIVATIONS[self._layer_activation(below)][1](
                    self._pre[below], self._post[below], grad_h
                )
        return grads

    def _layer_activation(self, layer):
        last = layer == len(self.params) // 2 - 1
        return self.output_activation if last else self.activation

    def add_l2_gradient(self, grads, alpha, n_rows):
        """Add the gradient of ``0.5 * alpha * sum(W ** 2) / n_rows`` (weights
        only, as scikit-learn's MLP); return that penalty."""
        penalty = 0.0
        if alpha == 0:
            return penalty
        for i in range(0, len(self.params), 2):
            W = self.params[i]
            grads[i] += (alpha / n_rows) * W
            penalty += 0.5 * alpha * float(np.sum(W * W)) / n_rows
        return penalty


class Adam:
    """Adam (Kingma and Ba, 2015) over ``params``, updated in place.

    The update of scikit-learn's ``AdamOptimizer``, computed in the
    parameters' dtype (scikit-learn's step size is a float64 scalar, which
    makes float32 updates float64 arrays) and without allocating: the moments
    and one scratch array per parameter are kept between updates.

    Parameters
    ----------
    params : list of ndarray
        The arrays to update (in place).
    learning_rate_init : float
        The step size.
    beta_1, beta_2 : float, default=0.9, 0.999
        Decay rates of the first and second moments.
    epsilon : float, default=1e-8
        Added to the root of the second moment.

    Attributes
    ----------
    t : int
        Number of updates.
    ms, vs : list of ndarray
        First and second moments, one per parameter.
    """

    def __init__(
        self, params, learning_rate_init, beta_1=0.9, beta_2=0.999, epsilon=1e-8
    ):
        self.learning_rate_init = learning_rate_init
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.t = 0
        self.ms = [np.zeros_like(p) for p in params]
        self.vs = [np.zeros_like(p) for p in params]
        self._scratch = [np.empty_like(p) for p in params]

    def update_params(self, params, grads):
        """One step: ``param -= step * m / (sqrt(v) + epsilon)`` with the
        bias-corrected step ``learning_rate_init * sqrt(1 - beta_2 ** t) /
        (1 - beta_1 ** t)``."""
        self.t += 1
        b1, b2 = self.beta_1, self.beta_2
        step = float(
            self.learning_rate_init * np.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        )
        for param, grad, m, v, scratch in zip(
            params, grads, self.ms, self.vs, self._scratch
        ):
            m *= b1
            np.multiply(grad, 1 - b1, out=scratch)
            m += scratch
            v *= b2
            np.multiply(grad, grad, out=scratch)
            scratch *= 1 - b2
            v += scratch
            np.sqrt(v, out=scratch)
            scratch += self.epsilon
            np.divide(m, scratch, out=scratch)
            scratch *= step
            param -= scratch


def make_adam(params, learning_rate_init, beta_1=0.9, beta_2=0.999):
    """scikit-learn's Adam over ``params`` (updated in place); scikit-learn's
    moment decay rates unless given."""
    return AdamOptimizer(
        params, learning_rate_init=learning_rate_init, beta_1=beta_1, beta_2=beta_2
    )


def gen_batches_indices(n_rows, batch_size, random_state):
    """Shuffled row indices cut into batches of ``batch_size`` (last one smaller)."""
    order = random_state.permutation(n_rows)
    return [order[i : i + batch_size] for i in range(0, n_rows, batch_size)]
