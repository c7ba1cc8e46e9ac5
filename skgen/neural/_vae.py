"""The variational autoencoder, on the numpy network core."""

from numbers import Integral, Real

import numpy as np
from scipy.special import logsumexp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state

from skgen.base import GenerativeMixin
from skgen.neural._base import ConditionalMixin, VariationalMixin
from skgen.neural._network import DenseNetwork, make_adam
from skgen.utils._sklearn_compat import (
    Interval,
    StrOptions,
    _fit_context,
    check_is_fitted,
    validate_data,
)
from skgen.utils._threads import single_threaded_blas


class VAE(
    ConditionalMixin, VariationalMixin, GenerativeMixin, TransformerMixin, BaseEstimator
):
    """Variational autoencoder: a latent-variable generative model, in numpy.

    An encoder network maps a row to a Gaussian ``q(z | x)`` over
    ``n_components`` latent dimensions; a decoder maps a latent point to the
    distribution of a row, ``p(x | z)``. Training maximises the evidence
    lower bound (ELBO), ``E_q[log p(x | z)] - beta * KL(q(z | x) || N(0, I))``,
    by minibatch Adam with the reparameterisation ``z = mu + sigma * eps``.
    The networks are numpy matrix products with hand-written
    backpropagation (no deep-learning framework), float32 by default.

    With ``y`` in :meth:`fit` the decoder is conditioned on the class
    (a conditional VAE, ``p(x | z, y)``), and :meth:`sample` generates rows of
    a chosen class. ``conditional=False`` ignores ``y``: the VAE then fits
    as an unsupervised step of a :class:`~sklearn.pipeline.Pipeline` that
    passes ``y`` to every step (e.g. before a
    :class:`SemiSupervisedVAE`, whose ``y`` holds -1 for unlabeled rows).

    Parameters
    ----------
    n_components : int, default=2
        Dimension of the latent space.
    hidden_layer_sizes : tuple of int, default=(100,)
        Hidden layers of the encoder; the decoder mirrors them.
    activation : {'relu', 'leaky_relu', 'tanh', 'logistic', 'identity'}, \
            default='relu'
        Activation of the hidden layers.
    likelihood : {'gaussian', 'bernoulli'}, default='gaussian'
        ``p(x | z)``: independent Gaussians of learned mean and a learned
        standard deviation per feature (at least 1e-3), or independent
        Bernoullis for data in [0, 1] (e.g. pixel intensities scaled to it).
    beta : float, default=1.0
        Weight of the KL term (beta-VAE; 1 is the ELBO).
    batch_size : int or 'auto', default='auto'
        Rows per minibatch; 'auto' is ``min(200, n_samples)``.
    learning_rate_init : float, default=1e-3
        Adam's step size.
    max_iter : int, default=200
        Maximum number of epochs.
    tol : float, default=1e-4
        An epoch improves when the loss (or, with ``early_stopping``, the
        validation score) improves by more than ``tol``; training stops after
        ``n_iter_no_change`` epochs without improvement.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the rows, score the ELBO on them
        after every epoch, stop when it no longer improves and keep the best
        parameters.
    validation_fraction : float, default=0.1
        Share of rows held out by ``early_stopping``.
    n_iter_no_change : int, default=10
        Epochs without improvement before training stops.
    alpha : float, default=1e-4
        L2 penalty on the weights (as scikit-learn's MLP).
    n_importance : int, default=50
        Importance draws per row of :meth:`score_samples`.
    dtype : {'float32', 'float64'}, default='float32'
        Precision of the networks.
    random_state : int, RandomState instance or None, default=None
        Seeds the weights, the batches, the noise and the stream
        :meth:`sample` draws from.
    verbose : bool, default=False
        Print one line per epoch (loss, validation score, time).
    warm_start : bool, default=False
        Continue from the previous fit's networks.
    conditional : bool or 'auto', default='auto'
        Whether the decoder is conditioned on the class: 'auto' when
        :meth:`fit` is given ``y``; True requires ``y``; False ignores any
        ``y`` (an unsupervised VAE, whatever a pipeline passes it).

    Attributes
    ----------
    encoder_, decoder_ : DenseNetwork
        The fitted networks (``params`` hold the weights and biases).
    log_sigma_ : ndarray of shape (`n_features_in_`,)
        Log standard deviation of each feature's Gaussian (``'gaussian'``),
        in standardised units.
    center_, scale_ : ndarray of shape (`n_features_in_`,)
        Means and standard deviations of the training features: with
        ``likelihood='gaussian'`` the networks work on standardised rows
        (``(x - center_) / scale_``), so the data's units do not matter;
        outputs and densities are in the data's units (zeros and ones for
        ``'bernoulli'``).
    classes_ : ndarray of shape (n_classes,)
        Classes of a conditional VAE (fitted with ``y``).
    class_prior_ : ndarray of shape (n_classes,)
        Class frequencies of a conditional VAE, used when sampling without y.
    loss_curve_ : list of float
        Mean training loss (negative ELBO per row, plus the L2 penalty) at
        every epoch.
    validation_scores_ : list of float or None
        Mean ELBO per held-out row at every epoch (``early_stopping``).
    best_loss_ : float or None
        Lowest training loss (None with ``early_stopping``).
    best_validation_score_ : float or None
        Highest validation score (``early_stopping``).
    n_iter_ : int
        Number of epochs run.
    monitor_ : :class:`~skgen.utils.ConvergenceMonitor`
        The epochs' convergence: ``history`` holds the training loss (or the
        validation ELBO, with ``early_stopping``) of every epoch;
        ``converged`` once ``n_iter_no_change`` epochs in a row improved it
        by less than ``tol``.
    t_ : int
        Number of minibatch updates.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    References
    ----------
    D. P. Kingma and M. Welling, "Auto-encoding variational Bayes", ICLR 2014.
    Y. Burda, R. Grosse and R. Salakhutdinov, "Importance weighted
    autoencoders", ICLR 2016.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.neural import VAE
    >>> rng = np.random.RandomState(0)
    >>> X = rng.standard_normal((200, 2)) @ [[1.0, 0.8], [0.0, 0.6]]
    >>> vae = VAE(n_components=1, hidden_layer_sizes=(16,), max_iter=50,
    ...           random_state=0).fit(X)
    >>> vae.transform(X).shape
    (200, 1)
    >>> X_new, Z = vae.sample(5)
    >>> X_new.shape, Z.shape
    ((5, 2), (5, 1))
    """

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [
            StrOptions({"relu", "leaky_relu", "tanh", "logistic", "identity"})
        ],
        "likelihood": [StrOptions({"gaussian", "bernoulli"})],
        "beta": [Interval(Real, 0.0, None, closed="left")],
        "batch_size": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "learning_rate_init": [Interval(Real, 0.0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0.0, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0.0, 1.0, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "alpha": [Interval(Real, 0.0, None, closed="left")],
        "n_importance": [Interval(Integral, 1, None, closed="left")],
        "dtype": [StrOptions({"float32", "float64"})],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "conditional": ["boolean", StrOptions({"auto"})],
    }

    def __init__(
        self,
        n_components=2,
        *,
        hidden_layer_sizes=(100,),
        activation="relu",
        likelihood="gaussian",
        beta=1.0,
        batch_size="auto",
        learning_rate_init=1e-3,
        max_iter=200,
        tol=1e-4,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        alpha=1e-4,
        n_importance=50,
        dtype="float32",
        random_state=None,
        verbose=False,
        warm_start=False,
        conditional="auto",
    ):
        self.n_components = n_components
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.likelihood = likelihood
        self.beta = beta
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.tol = tol
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.alpha = alpha
        self.n_importance = n_importance
        self.dtype = dtype
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.conditional = conditional

    def _initialize(self, n_features, random_state):
        hidden = self._hidden_sizes()
        n_classes = len(getattr(self, "classes_", ()))
        self.encoder_ = DenseNetwork(
            [n_features, *hidden, 2 * self.n_components],
            self.activation,
            random_state,
            self.dtype,
        )
        self.decoder_ = DenseNetwork(
            [self.n_components + n_classes, *hidden[::-1], n_features],
            self.activation,
            random_state,
            self.dtype,
        )
        self.log_sigma_ = np.zeros(n_features, dtype=self.dtype)
        self._optimizer = make_adam(self._params(), self.learning_rate_init)
        self._reset_training_record()

    def _params(self):
        return self.encoder_.params + self.decoder_.params + self._likelihood_params()

    def _encode(self, X):
        out = self.encoder_.forward(X)
        return out[:, : self.n_components], out[:, self.n_components :]

    # -- the loss and its gradient ----------------------------------------------

    def _loss_and_gradients(self, X, labels, noise):
        """Mean negative ELBO of a batch (plus L2) and the gradients of every
        parameter, in the order of ``_params()``."""
        n_rows = X.shape[0]
        mu, log_var = self._encode(X)
        std = np.exp(0.5 * log_var)
        z = mu + std * noise
        decoded = self.decoder_.forward(np.hstack([z, labels]) if labels.size else z)
        kl = 0.5 * np.sum(mu * mu + std * std - log_var - 1.0, axis=1)
        nll = -self._log_likelihood(X, decoded)
        loss = float(np.mean(nll + self.beta * kl))

        grad_decoded, grad_log_sigma = self._likelihood_gradients(
            X, decoded, 1.0 / n_rows
        )
        decoder_grads, grad_input = self.decoder_.backward(grad_decoded)
        grad_z = grad_input[:, : self.n_components]
        grad_mu = grad_z + self.beta * mu / n_rows
        grad_log_var = (
            0.5 * grad_z * std * noise + 0.5 * self.beta * (std * std - 1.0) / n_rows
        )
        encoder_grads, _ = self.encoder_.backward(np.hstack([grad_mu, grad_log_var]))
        loss += self.encoder_.add_l2_gradient(encoder_grads, self.alpha, n_rows)
        loss += self.decoder_.add_l2_gradient(decoder_grads, self.alpha, n_rows)
        grads = encoder_grads + decoder_grads + grad_log_sigma
        return loss, [g.astype(self.dtype, copy=False) for g in grads]

    # -- fitting -----------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train the networks on ``X`` (and its classes ``y``, if given).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows.
        y : array-like of shape (n_samples,), default=None
            Classes: the decoder is then conditioned on them (unless
            ``conditional=False``, which ignores them).

        Returns
        -------
        self : object
            The fitted model.
        """
        y = self._used_labels(y)
        X = self._validate_rows(X, reset=not (self.warm_start and self._is_fitted()))
        y = self._set_classes(y, X.shape[0], self.warm_start and self._is_fitted())
        random_state = check_random_state(self.random_state)
        if not (self.warm_start and self._is_fitted()):
            self._set_standardization(X)
            self._initialize(X.shape[1], random_state)
            self._rng = random_state
            self._start_sample_stream()
        elif self.early_stopping and self.validation_scores_ is None:
            # warm_start after a fit without early stopping.
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
        X = self._standardize(X)
        if y is not None:
            labels = self._one_hot(y)
        else:
            labels = np.zeros((X.shape[0], 0), dtype=self.dtype)
        X_val = labels_val = None
        if self.early_stopping:
            stratify = y if y is not None else None
            X, X_val, labels, labels_val = train_test_split(
                X,
                labels,
                test_size=self.validation_fraction,
                random_state=self._rng,
                stratify=stratify,
            )
        held_out = None if X_val is None else (X_val, labels_val)
        self._train((X, labels), held_out, self.max_iter)
        return self

    def partial_fit(self, X, y=None, classes=None):
        """Train for one epoch over ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            One batch of rows (one epoch over them).
        y : array-like of shape (n_samples,), default=None
            Their classes, for a conditional VAE (ignored with
            ``conditional=False``).
        classes : array-like, default=None
            Every class of a conditional VAE, on the first call; None takes
            the classes of the first ``y``.

        Returns
        -------
        self : object
            The updated model.
        """
        first_call = not self._is_fitted()
        if first_call:
            self._validate_params()
        y = self._used_labels(y)
        X = self._validate_rows(X, reset=first_call)
        if first_call:
            if y is not None:
                # Every class must be known from the first call on.
                self.classes_ = np.unique(y if classes is None else classes)
                self._class_counts = np.zeros(len(self.classes_))
            random_state = check_random_state(self.random_state)
            self._set_standardization(X)
            self._initialize(X.shape[1], random_state)
            self._rng = random_state
            self._start_sample_stream()
        X = self._standardize(X)
        if y is not None:
            if not hasattr(self, "classes_"):
                raise ValueError(
                    "This VAE was first fitted without y: it is not conditional."
                )
            y = self._check_labels(y, X.shape[0])
            labels = self._one_hot(y)
            # The class frequencies of every batch seen so far.
            counts = getattr(self, "_class_counts", np.zeros(len(self.classes_)))
            self._class_counts = counts + labels.sum(axis=0)
            self.class_prior_ = self._class_counts / self._class_counts.sum()
        else:
            if hasattr(self, "classes_"):
                raise ValueError("This VAE is conditional: pass y.")
            labels = np.zeros((X.shape[0], 0), dtype=self.dtype)
        self._train((X, labels), None, 1, warn=False)
        return self

    def _is_fitted(self):
        return hasattr(self, "encoder_")

    def _used_labels(self, y):
        """``y``, or None when ``conditional=False`` (an error when
        ``conditional=True`` and ``y`` is None)."""
        if isinstance(self.conditional, str):  # 'auto'
            return y
        if not self.conditional:
            return None
        if y is None:
            raise ValueError("VAE(conditional=True) needs y.")
        return y

    def _batch_step(self, X, labels):
        noise = self._rng.standard_normal((X.shape[0], self.n_components))
        return self._loss_and_gradients(X, labels, noise.astype(self.dtype))

    def _validation_score(self, X, labels):
        return float(np.mean(self._elbo(X, labels)))

    def _elbo(self, X, labels):
        """ELBO of each row with the posterior mean as its latent point and the
        KL in closed form (deterministic: the validation score)."""
        mu, log_var = self._encode(X)
        decoded = self.decoder_.forward(np.hstack([mu, labels]) if labels.size else mu)
        kl = 0.5 * np.sum(mu * mu + np.exp(log_var) - log_var - 1.0, axis=1)
        return self._log_likelihood(X, decoded) - self.beta * kl

    # -- the fitted model --------------------------------------------------------

    def transform(self, X):
        """Latent means of the rows, ``E[z | x]``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to encode.

        Returns
        -------
        Z : ndarray of shape (n_samples, n_components)
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        return self._encode(self._standardize(X))[0].astype(X.dtype)

    def inverse_transform(self, Z, y=None):
        """Decoded means of latent points: the typical row of each.

        Parameters
        ----------
        Z : array-like of shape (n_samples, n_components)
            Latent points.
        y : label or array-like of shape (n_samples,), default=None
            Classes of a conditional VAE (required for one).

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            The decoder's mean (Gaussian) or probabilities (Bernoulli).
        """
        check_is_fitted(self)
        Z = np.asarray(Z, dtype=self.dtype)
        if Z.ndim != 2 or Z.shape[1] != self.n_components:
            raise ValueError(
                f"Z must have shape (n_samples, {self.n_components}), got {Z.shape}."
            )
        return self._decode_mean(Z, self._labels_for(y, Z.shape[0]))

    def _decode_mean(self, Z, labels):
        """Decoded means in the data's units (probabilities for Bernoulli)."""
        decoded = self.decoder_.forward(np.hstack([Z, labels]) if labels.size else Z)
        return self._decoded_to_data(decoded)

    def sample(self, n_samples=1, *, y=None, random_state=None):
        """Generate rows: latent draws from N(0, I) decoded into rows.

        Parameters
        ----------
        n_samples : int, default=1
            Number of rows.
        y : label or array-like of shape (n_samples,), default=None
            Classes of the rows, for a conditional VAE; None draws them from
            the training class frequencies.
        random_state : int, RandomState instance or None, default=None
            None draws from the model's own stream (advanced by every call);
            an int makes the call reproducible.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            Rows drawn from ``p(x | z)`` (Gaussian noise around the decoded
            mean, or 0/1 draws of the Bernoulli probabilities).
        Z : ndarray of shape (n_samples, n_components)
            Their latent points. (A conditional VAE sampled without ``y``
            does not return the classes it drew: pass ``y`` to know them.)
        """
        rng = self._sample_stream(n_samples, random_state)
        labels = self._labels_for(y, n_samples, rng)
        Z = rng.standard_normal((n_samples, self.n_components)).astype(self.dtype)
        return self._draw_rows(self._decode_mean(Z, labels), rng), Z

    def score_samples(self, X):
        """Importance-weighted estimate of ``log p(x)`` of each row.

        The IWAE bound with ``n_importance`` draws from ``q(z | x)``:
        ``log (1/K) sum_k p(x | z_k) p(z_k) / q(z_k | x)``, a lower bound on
        ``log p(x)`` that tightens as ``K`` grows (and equals the ELBO's
        expectation at ``K = 1``). For a conditional VAE, ``p(x)`` sums over
        the classes with their training frequencies. Draws come from a
        generator seeded by ``random_state``, so the estimate is repeatable.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to score.

        Returns
        -------
        log_prob : ndarray of shape (n_samples,)
            The estimate of ``log p(x)``, in nats (a density: continuous data
            with a Gaussian decoder, a mass with a Bernoulli one).
        """
        check_is_fitted(self)
        raw = self._validate_rows(X, reset=False)
        X = self._standardize(raw)
        out = np.empty(X.shape[0])
        with single_threaded_blas():
            for rows, eps in self._importance_blocks(raw):
                out[rows] = self._iwae(X[rows], eps)
        # Back to the data's units: the Jacobian of the standardisation.
        return out + self._log_jacobian()

    def _iwae(self, X, eps):
        """IWAE estimate of each row with its draws ``eps`` (n_rows, k, L)."""
        mu, log_var = self._encode(X)
        if not hasattr(self, "classes_"):
            return self._iwae_given_posterior(X, mu, log_var, eps, None)
        per_class = [
            np.log(prior) + self._iwae_given_posterior(X, mu, log_var, eps, c)
            for c, prior in enumerate(self.class_prior_)
        ]
        return logsumexp(np.stack(per_class), axis=0)

    def _n_parameters(self):
        return int(sum(p.size for p in self._params()))
