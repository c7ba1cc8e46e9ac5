"""The generative adversarial network, on the numpy network core."""

import warnings
from copy import deepcopy
from numbers import Integral, Real
from time import time

import numpy as np
from scipy.optimize import brentq
from scipy.special import expit
from sklearn.base import BaseEstimator, DensityMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state

from skgen.base import GenerativeMixin
from skgen.neural._base import ConditionalMixin, center_and_scale
from skgen.neural._kernels import parzen_log_sum_exp
from skgen.neural._network import Adam, DenseNetwork
from skgen.utils._sklearn_compat import (
    Interval,
    StrOptions,
    _fit_context,
    check_is_fitted,
    validate_data,
)
from skgen.utils._threads import single_threaded_blas, threads_for

_LOG_2PI = np.log(2.0 * np.pi)
#: Discriminator loss (the sum of two cross-entropies; 2 log 2 = 1.39 at the
#: game's equilibrium) below which it tells real from generated rows almost
#: surely: the generator then learns nothing more.
_DISCRIMINATOR_WON = 0.1
#: Generator updates that ``max_iter='auto'`` trains for, in at most
#: ``_AUTO_MAX_EPOCHS`` epochs.
_AUTO_GENERATOR_UPDATES = 5000
_AUTO_MAX_EPOCHS = 200
#: Range searched for the Parzen bandwidth, in standardised units.
_BANDWIDTH_BOUNDS = (1e-4, 10.0)


def _softplus(a):
    return np.logaddexp(0.0, a)


def _padded_batches(order, batch_size):
    """``order`` cut into batches of exactly ``batch_size`` rows, the last one
    completed with the first rows of ``order`` (cyclically, if fewer rows than
    a batch): every batch then packs into whole groups of ``pac`` rows."""
    n_batches = -(-order.size // batch_size)
    return np.resize(order, n_batches * batch_size).reshape(n_batches, batch_size)


def _parzen_terms(rows, centres, bandwidth):
    """Per row: the log Gaussian-kernel density of bandwidth ``bandwidth`` on
    ``centres`` (float64, standardised units), and its derivative in
    ``log(bandwidth)``."""
    n_centres, n_features = centres.shape
    with threads_for(rows.shape[0] * n_centres * n_features):
        log_sum, weighted_sq = parzen_log_sum_exp(rows, centres, 0.5 / bandwidth**2)
    constant = np.log(n_centres) + n_features * (np.log(bandwidth) + 0.5 * _LOG_2PI)
    return log_sum - constant, weighted_sq / bandwidth**2 - n_features


def _choose_bandwidth(rows, centres):
    """The bandwidth that maximises the mean log-density of ``rows``: the root
    of the derivative in ``log(bandwidth)``, ``mean E_w[s] / h^2 - d`` (the
    fixed point of EM for a shared variance), by Brent's method; a bound if
    the derivative keeps one sign there."""
    low, high = np.log(_BANDWIDTH_BOUNDS)

    def slope(log_bandwidth):
        return float(np.mean(_parzen_terms(rows, centres, np.exp(log_bandwidth))[1]))

    if slope(low) <= 0:
        return float(np.exp(low))
    if slope(high) >= 0:
        return float(np.exp(high))
    return float(np.exp(brentq(slope, low, high, xtol=1e-3)))


class GAN(ConditionalMixin, GenerativeMixin, DensityMixin, BaseEstimator):
    """Generative adversarial network: a generator trained against a critic, in numpy.

    A generator network maps noise ``z ~ N(0, I)`` of ``n_components``
    dimensions to a row; a discriminator network, shown ``pac`` rows at once,
    learns to tell real rows from generated ones, and the generator learns
    to fool it. Both are trained by minibatch Adam, in turns
    (``discriminator_steps`` discriminator updates per generator update). The
    networks are numpy matrix products with hand-written backpropagation (no
    deep-learning framework), float32 by default, on standardised features
    (``(x - center_) / scale_``) so that the data's units do not matter.

    Two losses:

    * ``'nonsaturating'`` (Goodfellow et al., 2014): the discriminator
      minimises the binary cross-entropy of real against generated rows; the
      generator minimises ``-log D(G(z))``, which keeps its gradient alive
      while the discriminator wins.
    * ``'wgan-gp'`` (Gulrajani et al., 2017): a critic ``f`` estimates the
      Wasserstein distance, minimising ``mean f(G(z)) - mean f(x)`` plus
      ``gradient_penalty * (||grad f(x_hat)|| - 1) ** 2`` on random
      interpolates ``x_hat`` of real and generated rows; the generator
      minimises ``-mean f(G(z))``. The penalty's gradient is computed by
      differentiating the critic's backward pass (a "double backward").

    With ``y`` in :meth:`fit` both networks see the class (a conditional
    GAN): :meth:`sample` then generates rows of a chosen class.

    :meth:`score_samples` is a Parzen-window estimate of ``log p(x)``, the
    protocol of the original GAN paper: a Gaussian kernel density on
    ``n_parzen`` generated rows, its bandwidth chosen to maximise the
    likelihood of ``parzen_validation_fraction`` of the rows, held out from
    training. A GAN has no likelihood of its own; this is an estimate, with
    known biases (see :meth:`score_samples`).

    Parameters
    ----------
    n_components : int, default=16
        Dimension of the noise the generator maps to rows.
    hidden_layer_sizes : tuple of int, default=(128, 128)
        Hidden layers of the generator (and of the discriminator, unless
        ``discriminator_layer_sizes`` is given). 128 units cover every mode
        of the ring and the grid of Gaussians and cost a quarter of the
        products of 256 (see the user guide).
    discriminator_layer_sizes : tuple of int or None, default=None
        Hidden layers of the discriminator; None mirrors the generator's.
    activation : {'relu', 'leaky_relu', 'tanh', 'logistic', 'identity'}, \
            default='relu'
        Activation of the generator's hidden layers.
    discriminator_activation : {'leaky_relu', 'relu', 'tanh', 'logistic', \
            'identity'}, default='leaky_relu'
        Activation of the discriminator's hidden layers (leaky ReLU, of slope
        0.2 below zero). ReLU in the generator and leaky ReLU in the
        discriminator is DCGAN's choice. On the ring of Gaussians (200
        epochs, two seeds), a leaky-ReLU generator put 73% and 41% of its
        rows within 3 standard deviations of a mode, a ReLU one 96% and
        94%: the rest lie on bridges between the modes.
    loss : {'nonsaturating', 'wgan-gp'}, default='nonsaturating'
        The adversarial loss (see above).
    discriminator_steps : int, default=1
        Discriminator (critic) updates per generator update; the WGAN-GP
        paper uses 5.
    pac : int, default=2
        Rows the discriminator judges together (PacGAN): it sees ``pac``
        real or ``pac`` generated rows concatenated, which penalises a
        generator that covers few modes (on the ring of Gaussians, 1 lost
        modes on one seed of two where 2 kept all eight; CTGAN uses 10).
        Batches are completed to a multiple of ``pac`` with rows of the same
        epoch.
    gradient_penalty : float, default=10.0
        Weight of the gradient penalty of ``'wgan-gp'``.
    batch_size : int or 'auto', default='auto'
        Rows per minibatch (rounded up to a multiple of ``pac``); 'auto' is
        ``min(200, n_samples)``.
    learning_rate_init : float, default=1e-3
        Adam's step size, for both networks.
    beta_1 : float, default=0.0
        Adam's decay rate of the first moment. 0, no momentum, as in SAGAN
        and BigGAN: momentum feeds the rotations of the two-player game (on
        breast_cancer, 50 epochs at step 1e-2, 0 gave a C2ST accuracy of
        0.89 where 0.5 and 0.9 gave 0.99).
    beta_2 : float, default=0.9
        Adam's decay rate of the second moment.
    max_iter : int or 'auto', default='auto'
        Number of epochs: passes of the discriminator over the training rows.
        'auto' trains for about 5,000 generator updates, in at most 200
        epochs: ``min(200, ceil(5000 * discriminator_steps / n_batches))``
        with ``n_batches`` minibatches per epoch. That is 200 epochs on
        tables of up to 5,000 training rows (at the default batch size), and
        fewer on larger ones, whose epochs hold more updates: the cost of a
        fit then stops growing with the rows.
        A two-player game has no loss that settles, so there is no stopping
        criterion; a :class:`~sklearn.exceptions.ConvergenceWarning` says when
        training failed: the discriminator told real from generated rows
        apart almost surely in the last epoch (non-saturating loss below
        0.1, against 2 log 2 = 1.39 at equilibrium).
    generator_ema : float, default=0.999
        Decay of the exponential moving average of the generator's weights
        that :meth:`sample` and :meth:`score_samples` use (Yazici et al.,
        2019): averaging damps the oscillation of the two-player game around
        its equilibrium, which puts more of the generated rows on the data.
        0 uses the last trained weights.
    alpha : float, default=0.0
        L2 penalty on the weights of both networks (as scikit-learn's MLP).
    n_parzen : int, default=10000
        Generated rows the Parzen-window estimate of :meth:`score_samples`
        is built on.
    parzen_validation_fraction : float, default=0.1
        Share of the rows of :meth:`fit` held out from training to choose
        the Parzen bandwidth (at least one row).
    dtype : {'float32', 'float64'}, default='float32'
        Precision of the networks.
    random_state : int, RandomState instance or None, default=None
        Seeds the held-out rows, the weights, the batches, the noise and the
        stream :meth:`sample` draws from.
    verbose : bool, default=False
        Print one line per epoch (both losses, time), then the bandwidth.
    warm_start : bool, default=False
        Continue from the previous fit's networks.

    Attributes
    ----------
    generator_, discriminator_ : DenseNetwork
        The fitted networks (``params`` hold the weights and biases); with
        ``generator_ema``, ``generator_`` holds the averaged weights.
    center_, scale_ : ndarray of shape (`n_features_in_`,)
        Means and standard deviations of the training features: the networks
        work on ``(x - center_) / scale_``; outputs and densities are in the
        data's units.
    classes_ : ndarray of shape (n_classes,)
        Classes of a conditional GAN (fitted with ``y``).
    class_prior_ : ndarray of shape (n_classes,)
        Class frequencies of a conditional GAN, used when sampling without y.
    parzen_samples_ : ndarray of shape (n_parzen, `n_features_in_`)
        The generated rows of the Parzen-window estimate, in the data's units.
    bandwidth_ : float
        The Parzen kernel's standard deviation, in standardised units (a
        feature's is ``bandwidth_ * scale_``).
    parzen_validation_score_ : float
        Mean Parzen log-density of the held-out rows at ``bandwidth_``.
    loss_curve_ : list of tuple of float
        ``(discriminator_loss, generator_loss)``, the mean losses of the two
        players' updates at every epoch (``np.array(loss_curve_)`` has shape
        ``(n_iter_, 2)``; the generator's is NaN in an epoch without a
        generator update).
    n_iter_ : int
        Number of epochs run.
    t_ : int
        Number of discriminator updates.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    VAE : A latent-variable model trained by its evidence lower bound.

    References
    ----------
    I. Goodfellow et al., "Generative adversarial nets", NeurIPS 2014.
    I. Gulrajani et al., "Improved training of Wasserstein GANs", NeurIPS
    2017.
    Z. Lin, A. Khetan, G. Fanti and S. Oh, "PacGAN: the power of two samples
    in generative adversarial networks", NeurIPS 2018.
    Y. Yazici et al., "The unusual effectiveness of averaging in GAN
    training", ICLR 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.neural import GAN
    >>> rng = np.random.RandomState(0)
    >>> X = rng.standard_normal((200, 2)) @ [[1.0, 0.8], [0.0, 0.6]]
    >>> gan = GAN(hidden_layer_sizes=(16,), max_iter=20, n_parzen=500,
    ...           random_state=0).fit(X)
    >>> X_new, Z = gan.sample(5)
    >>> X_new.shape, Z.shape
    ((5, 2), (5, 16))
    >>> gan.score_samples(X[:3]).shape
    (3,)
    """

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "discriminator_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
            None,
        ],
        "activation": [
            StrOptions({"relu", "leaky_relu", "tanh", "logistic", "identity"})
        ],
        "discriminator_activation": [
            StrOptions({"relu", "leaky_relu", "tanh", "logistic", "identity"})
        ],
        "loss": [StrOptions({"nonsaturating", "wgan-gp"})],
        "discriminator_steps": [Interval(Integral, 1, None, closed="left")],
        "pac": [Interval(Integral, 1, None, closed="left")],
        "gradient_penalty": [Interval(Real, 0.0, None, closed="left")],
        "batch_size": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "learning_rate_init": [Interval(Real, 0.0, None, closed="neither")],
        "beta_1": [Interval(Real, 0.0, 1.0, closed="left")],
        "beta_2": [Interval(Real, 0.0, 1.0, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "generator_ema": [Interval(Real, 0.0, 1.0, closed="left")],
        "alpha": [Interval(Real, 0.0, None, closed="left")],
        "n_parzen": [Interval(Integral, 1, None, closed="left")],
        "parzen_validation_fraction": [Interval(Real, 0.0, 1.0, closed="neither")],
        "dtype": [StrOptions({"float32", "float64"})],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
    }

    def __init__(
        self,
        n_components=16,
        *,
        hidden_layer_sizes=(128, 128),
        discriminator_layer_sizes=None,
        activation="relu",
        discriminator_activation="leaky_relu",
        loss="nonsaturating",
        discriminator_steps=1,
        pac=2,
        gradient_penalty=10.0,
        batch_size="auto",
        learning_rate_init=1e-3,
        beta_1=0.0,
        beta_2=0.9,
        max_iter="auto",
        generator_ema=0.999,
        alpha=0.0,
        n_parzen=10000,
        parzen_validation_fraction=0.1,
        dtype="float32",
        random_state=None,
        verbose=False,
        warm_start=False,
    ):
        self.n_components = n_components
        self.hidden_layer_sizes = hidden_layer_sizes
        self.discriminator_layer_sizes = discriminator_layer_sizes
        self.activation = activation
        self.discriminator_activation = discriminator_activation
        self.loss = loss
        self.discriminator_steps = discriminator_steps
        self.pac = pac
        self.gradient_penalty = gradient_penalty
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.max_iter = max_iter
        self.generator_ema = generator_ema
        self.alpha = alpha
        self.n_parzen = n_parzen
        self.parzen_validation_fraction = parzen_validation_fraction
        self.dtype = dtype
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start

    # -- data ------------------------------------------------------------------

    def _validate_rows(self, X, reset):
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=reset)
        return X.astype(self.dtype, copy=False)

    def _set_standardization(self, X):
        """Feature means and spreads the networks work around."""
        center, scale = center_and_scale(X)
        self.center_ = center.astype(self.dtype)
        self.scale_ = scale.astype(self.dtype)

    def _standardize(self, X):
        return ((X - self.center_) / self.scale_).astype(self.dtype, copy=False)

    @staticmethod
    def _layer_sizes(sizes, name):
        sizes = np.atleast_1d(np.asarray(sizes))
        if (
            sizes.ndim != 1
            or sizes.size == 0
            or not np.issubdtype(sizes.dtype, np.integer)
            or np.any(sizes < 1)
        ):
            raise ValueError(
                f"{name} must be positive integers (one per hidden layer), "
                f"got {sizes.tolist()}."
            )
        return [int(s) for s in sizes]

    # -- networks ----------------------------------------------------------------

    def _initialize(self, n_features, random_state):
        hidden = self._layer_sizes(self.hidden_layer_sizes, "hidden_layer_sizes")
        critic_hidden = (
            hidden
            if self.discriminator_layer_sizes is None
            else self._layer_sizes(
                self.discriminator_layer_sizes, "discriminator_layer_sizes"
            )
        )
        n_classes = len(getattr(self, "classes_", ()))
        self._generator = DenseNetwork(
            [self.n_components + n_classes, *hidden, n_features],
            self.activation,
            random_state,
            self.dtype,
        )
        # What sample() uses: the running average of the trained weights, or
        # the trained network itself.
        self.generator_ = (
            deepcopy(self._generator) if self.generator_ema > 0 else self._generator
        )
        self.discriminator_ = DenseNetwork(
            [self.pac * (n_features + n_classes), *critic_hidden, 1],
            self.discriminator_activation,
            random_state,
            self.dtype,
        )
        self._generator_optimizer = Adam(
            self._generator.params, self.learning_rate_init, self.beta_1, self.beta_2
        )
        self._discriminator_optimizer = Adam(
            self.discriminator_.params,
            self.learning_rate_init,
            self.beta_1,
            self.beta_2,
        )
        self.loss_curve_ = []
        self.n_iter_ = 0
        self.t_ = 0

    def _generate(self, noise, labels, network):
        """A generator's rows (standardised units) for noise and classes."""
        inputs = np.hstack([noise, labels]) if labels.shape[1] else noise
        return network.forward(inputs)

    def _pack(self, X, labels):
        """Rows with their classes, ``pac`` consecutive ones per packed row."""
        rows = np.hstack([X, labels]) if labels.shape[1] else X
        return rows.reshape(-1, self.pac * rows.shape[1])

    # -- the losses and their gradients ------------------------------------------

    def _discriminator_loss_and_gradients(self, real, fake, labels, eps=None):
        """Loss of a discriminator update (plus L2) and the gradients of the
        discriminator's parameters.

        ``real`` and ``fake`` are standardised rows of the same classes
        ``labels``; ``eps`` of shape (n_packed, 1) are the interpolation
        weights of the gradient penalty ('wgan-gp').
        """
        real_packed, fake_packed = self._pack(real, labels), self._pack(fake, labels)
        n_packed = real_packed.shape[0]
        out = self.discriminator_.forward(np.vstack([real_packed, fake_packed]))[:, 0]
        out_real, out_fake = out[:n_packed], out[n_packed:]
        if self.loss == "nonsaturating":
            loss = float(np.mean(_softplus(-out_real)) + np.mean(_softplus(out_fake)))
            grad_out = np.concatenate([-expit(-out_real), expit(out_fake)])
        else:
            loss = float(np.mean(out_fake) - np.mean(out_real))
            grad_out = np.concatenate([-np.ones(n_packed), np.ones(n_packed)])
        grad_out = (grad_out / n_packed).astype(self.dtype)[:, np.newaxis]
        grads, _ = self.discriminator_.backward(grad_out, input_grad=False)
        if self.loss == "wgan-gp" and self.gradient_penalty > 0:
            interpolates = eps * real_packed + (1.0 - eps) * fake_packed
            penalty, penalty_grads = self._gradient_penalty(interpolates)
            loss += penalty
            grads = [g + p for g, p in zip(grads, penalty_grads)]
        loss += self.discriminator_.add_l2_gradient(grads, self.alpha, n_packed)
        return loss, [g.astype(self.dtype, copy=False) for g in grads]

    def _gradient_penalty(self, interpolates):
        """``gradient_penalty * mean (||grad f(x_hat)|| - 1) ** 2`` over the
        (packed) interpolates, and its gradient for every critic parameter."""
        _, grad_input = self.discriminator_.input_gradient(
            interpolates.astype(self.dtype, copy=False)
        )
        grad_input = grad_input.astype(np.float64)
        norm = np.sqrt(np.sum(grad_input * grad_input, axis=1))
        n_packed = interpolates.shape[0]
        penalty = self.gradient_penalty * float(np.mean((norm - 1.0) ** 2))
        # d penalty / d grad_input; a zero gradient has no direction: its
        # penalty (1) has no gradient there.
        safe_norm = np.where(norm > 0, norm, 1.0)
        coefficient = 2.0 * self.gradient_penalty * (norm - 1.0) / safe_norm
        coefficient = np.where(norm > 0, coefficient, 0.0) / n_packed
        grad_of_input_gradient = (coefficient[:, np.newaxis] * grad_input).astype(
            self.dtype
        )
        return penalty, self.discriminator_.input_gradient_backward(
            grad_of_input_gradient
        )

    def _generator_loss_and_gradients(self, noise, labels):
        """Loss of a generator update (plus L2) and the gradients of the
        generator's parameters."""
        fake = self._generate(noise, labels, self._generator)
        out = self.discriminator_.forward(self._pack(fake, labels))[:, 0]
        n_packed = out.shape[0]
        if self.loss == "nonsaturating":
            loss = float(np.mean(_softplus(-out)))
            grad_out = -expit(-out)
        else:
            loss = -float(np.mean(out))
            grad_out = -np.ones(n_packed)
        grad_out = (grad_out / n_packed).astype(self.dtype)[:, np.newaxis]
        _, grad_packed = self.discriminator_.backward(grad_out)
        grad_fake = grad_packed.reshape(fake.shape[0], -1)[:, : fake.shape[1]]
        grads, _ = self._generator.backward(grad_fake, input_grad=False)
        loss += self._generator.add_l2_gradient(grads, self.alpha, n_packed)
        return loss, [g.astype(self.dtype, copy=False) for g in grads]

    # -- fitting -----------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train the networks on ``X`` (and its classes ``y``, if given).

        ``parzen_validation_fraction`` of the rows are held out from training
        and choose the bandwidth of :meth:`score_samples`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows.
        y : array-like of shape (n_samples,), default=None
            Classes: both networks are then conditioned on them.

        Returns
        -------
        self : object
            The fitted model.
        """
        warm = self.warm_start and self._is_fitted()
        X = self._validate_rows(X, reset=not warm)
        n_samples = X.shape[0]
        if n_samples < 2:
            raise ValueError(
                "The GAN holds rows out of training to choose the Parzen "
                f"bandwidth, so it needs at least 2 samples; got n_samples={n_samples}."
            )
        y = self._set_classes(y, n_samples, warm)
        random_state = check_random_state(self.random_state)
        validation, train = self._held_out_rows(n_samples, random_state)
        if not warm:
            self._set_standardization(X[train])
            self._initialize(X.shape[1], random_state)
            self._rng = random_state
            self._start_sample_stream()
        if y is not None:
            labels = self._one_hot(y)
        else:
            labels = np.zeros((n_samples, 0), dtype=self.dtype)
        with single_threaded_blas():
            self._run_epochs(
                self._standardize(X[train]), labels[train], self._n_epochs(train.size)
            )
            self._fit_parzen(X[validation])
        discriminator_loss = self.loss_curve_[-1][0]
        if self.loss == "nonsaturating" and discriminator_loss < _DISCRIMINATOR_WON:
            warnings.warn(
                "The discriminator tells real from generated rows apart almost "
                f"surely (loss {discriminator_loss:.3g} in the last epoch, "
                "against 2 log 2 = 1.39 at equilibrium): the generator has "
                "stopped learning. Give the generator more capacity or the "
                "discriminator less, raise pac, or use loss='wgan-gp'.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    def _is_fitted(self):
        return hasattr(self, "generator_")

    def _held_out_rows(self, n_samples, random_state):
        """Indices of the rows held out for the Parzen bandwidth (at least
        one, at most all but one) and of the training rows. Drawn first from
        ``random_state``, so an integer one holds out the same rows at every
        fit (warm starts included)."""
        order = random_state.permutation(n_samples)
        n_validation = max(1, round(self.parzen_validation_fraction * n_samples))
        n_validation = min(n_validation, n_samples - 1)
        return np.sort(order[:n_validation]), np.sort(order[n_validation:])

    def _batch_size(self, n_rows):
        """Rows per minibatch: ``batch_size`` (or 'auto', 200) at most
        ``n_rows``, rounded up to a multiple of ``pac``."""
        batch_size = min(200, n_rows) if self.batch_size == "auto" else self.batch_size
        batch_size = min(batch_size, n_rows)
        return -(-batch_size // self.pac) * self.pac

    def _n_epochs(self, n_rows):
        """``max_iter``, or for 'auto' the epochs of about
        ``_AUTO_GENERATOR_UPDATES`` generator updates (at most
        ``_AUTO_MAX_EPOCHS``)."""
        if self.max_iter != "auto":
            return self.max_iter
        n_batches = -(-n_rows // self._batch_size(n_rows))
        updates = _AUTO_GENERATOR_UPDATES * self.discriminator_steps
        return min(_AUTO_MAX_EPOCHS, -(-updates // n_batches))

    def _run_epochs(self, X, labels, n_epochs):
        # The layers' products are small: BLAS runs on one thread (the caller
        # sets it), as for the VAE.
        n_rows = X.shape[0]
        batch_size = self._batch_size(n_rows)
        n_packed = batch_size // self.pac
        tic = time()
        for _ in range(n_epochs):
            d_total, g_total, g_count = 0.0, 0.0, 0
            batches = _padded_batches(self._rng.permutation(n_rows), batch_size)
            for rows in batches:
                real, batch_labels = X[rows], labels[rows]
                noise = self._rng.standard_normal((batch_size, self.n_components))
                fake = self._generate(
                    noise.astype(self.dtype), batch_labels, self._generator
                )
                eps = None
                if self.loss == "wgan-gp":
                    eps = self._rng.uniform(size=(n_packed, 1)).astype(self.dtype)
                loss, grads = self._discriminator_loss_and_gradients(
                    real, fake, batch_labels, eps
                )
                self._discriminator_optimizer.update_params(
                    self.discriminator_.params, grads
                )
                self.t_ += 1
                d_total += loss
                if self.t_ % self.discriminator_steps == 0:
                    noise = self._rng.standard_normal((batch_size, self.n_components))
                    loss, grads = self._generator_loss_and_gradients(
                        noise.astype(self.dtype), batch_labels
                    )
                    self._generator_optimizer.update_params(
                        self._generator.params, grads
                    )
                    self._update_average()
                    g_total += loss
                    g_count += 1
            self.n_iter_ += 1
            d_loss = d_total / len(batches)
            g_loss = g_total / g_count if g_count else float("nan")
            self.loss_curve_.append((d_loss, g_loss))
            if self.verbose:
                print(
                    f"Epoch {self.n_iter_}, discriminator loss = {d_loss:.6f}, "
                    f"generator loss = {g_loss:.6f} ({time() - tic:.2f} s)"
                )
            if not (np.isfinite(d_loss) and (g_count == 0 or np.isfinite(g_loss))):
                raise ValueError(
                    "The GAN's loss became non-finite: lower learning_rate_init."
                )

    def _update_average(self):
        """One step of the exponential moving average of the generator's
        weights; the decay grows to ``generator_ema`` over the first updates
        (``(1 + t) / (10 + t)``), so that the average forgets the
        initialisation."""
        if self.generator_ema == 0:
            return
        n_updates = self.t_ // self.discriminator_steps
        decay = min(self.generator_ema, (1.0 + n_updates) / (10.0 + n_updates))
        for average, param in zip(self.generator_.params, self._generator.params):
            average *= decay
            average += (1.0 - decay) * param

    # -- the Parzen-window estimate ------------------------------------------------

    def _fit_parzen(self, X_validation):
        """Generate the Parzen rows; choose the bandwidth that maximises the
        mean log-density of the held-out rows."""
        rng = self._rng
        labels = self._labels_for(None, self.n_parzen, rng)
        noise = rng.standard_normal((self.n_parzen, self.n_components))
        generated = self._generate(noise.astype(self.dtype), labels, self.generator_)
        self.parzen_samples_ = generated.astype(np.float64) * self.scale_ + (
            self.center_.astype(np.float64)
        )
        centres, rows = self._parzen_centres(), self._standardize64(X_validation)
        self.bandwidth_ = _choose_bandwidth(rows, centres)
        log_density = _parzen_terms(rows, centres, self.bandwidth_)[0]
        self.parzen_validation_score_ = float(np.mean(log_density)) - float(
            np.sum(np.log(self.scale_.astype(np.float64)))
        )
        if self.verbose:
            print(
                f"Parzen bandwidth = {self.bandwidth_:.4g} (standardised units), "
                f"held-out log-likelihood = {self.parzen_validation_score_:.6f}"
            )

    def _standardize64(self, X):
        """Rows in standardised units, in float64 (the Parzen estimate's)."""
        return (np.asarray(X, dtype=np.float64) - self.center_.astype(np.float64)) / (
            self.scale_.astype(np.float64)
        )

    def _parzen_centres(self):
        """The Parzen rows in standardised units (float64)."""
        return self._standardize64(self.parzen_samples_)

    # -- the fitted model --------------------------------------------------------

    def sample(self, n_samples=1, *, y=None, random_state=None):
        """Generate rows: noise draws from N(0, I) through the generator.

        Parameters
        ----------
        n_samples : int, default=1
            Number of rows.
        y : label or array-like of shape (n_samples,), default=None
            Classes of the rows, for a conditional GAN; None draws them from
            the training class frequencies.
        random_state : int, RandomState instance or None, default=None
            None draws from the model's own stream (advanced by every call);
            an int makes the call reproducible.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            The generated rows, in the data's units.
        Z : ndarray of shape (n_samples, n_components)
            Their noise.
        """
        rng = self._sample_stream(n_samples, random_state)
        labels = self._labels_for(y, n_samples, rng)
        Z = rng.standard_normal((n_samples, self.n_components)).astype(self.dtype)
        with single_threaded_blas():
            X = self._generate(Z, labels, self.generator_)
        return X * self.scale_ + self.center_, Z

    def score_samples(self, X):
        """Parzen-window estimate of ``log p(x)`` of each row.

        A Gaussian kernel density on the ``n_parzen`` generated rows
        ``parzen_samples_``, with one standard deviation ``bandwidth_`` in
        standardised units (``bandwidth_ * scale_`` per feature in the
        data's), chosen at :meth:`fit` to maximise the log-likelihood of rows
        held out from training, as in Goodfellow et al. (2014). For a
        conditional GAN the generated rows follow the training class
        frequencies, so the estimate is of the marginal ``p(x)``.

        This is an estimate of the density of the generator's distribution
        smoothed by the kernel, not a likelihood of the GAN (which has none):
        it is biased (downwards in dimensions beyond a few, where a few
        thousand kernels cover the space poorly, and upwards for a generator
        that copies training rows) and its variance grows with the dimension
        (Theis, van den Oord and Bethge, "A note on the evaluation of
        generative models", ICLR 2016). Use it to compare models on the same
        data, in low dimension; for sample quality see :mod:`skgen.metrics`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to score.

        Returns
        -------
        log_prob : ndarray of shape (n_samples,)
            The estimate of ``log p(x)``, in nats, in the data's units.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        log_density = _parzen_terms(
            self._standardize64(X), self._parzen_centres(), self.bandwidth_
        )[0]
        # Back to the data's units: the Jacobian of the standardisation.
        return log_density - np.sum(np.log(self.scale_.astype(np.float64)))

    def _n_parameters(self):
        """The generator's weights and biases, and the bandwidth: the
        discriminator is a training device, not part of the model."""
        return int(sum(p.size for p in self.generator_.params)) + 1
