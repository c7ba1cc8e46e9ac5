"""The variational autoencoder, on the numpy network core."""

from numbers import Integral, Real
from time import time

import numpy as np
from scipy.special import logsumexp, ndtri
from scipy.stats import qmc
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state

from skgen.base import GenerativeMixin
from skgen.neural._base import ConditionalMixin, center_and_scale
from skgen.neural._network import DenseNetwork, gen_batches_indices, make_adam
from skgen.utils import _chunking
from skgen.utils._chunking import row_blocks
from skgen.utils._hashing import row_hash_uniforms
from skgen.utils._monitor import ConvergenceMonitor
from skgen.utils._sklearn_compat import (
    Interval,
    StrOptions,
    _fit_context,
    check_is_fitted,
    validate_data,
)
from skgen.utils._threads import single_threaded_blas

_LOG_2PI = np.log(2.0 * np.pi)
#: Smallest standard deviation of the Gaussian decoder: a feature the decoder
#: reproduces exactly (a constant column) must not drive log(sigma) to -inf.
_MIN_LOG_SIGMA = np.log(1e-3)


def _softplus(a):
    return np.logaddexp(0.0, a)


class VAE(ConditionalMixin, GenerativeMixin, TransformerMixin, BaseEstimator):
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
    a chosen class.

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

    # -- data ------------------------------------------------------------------

    def _validate_rows(self, X, reset):
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=reset)
        if self.likelihood == "bernoulli" and (X.min() < 0 or X.max() > 1):
            raise ValueError(
                "likelihood='bernoulli' models data in [0, 1]; X has values in "
                f"[{X.min():g}, {X.max():g}]. Scale it (e.g. MinMaxScaler) or "
                "use likelihood='gaussian'."
            )
        # Kept in its own precision: standardising comes first (a float32
        # cast would lose a large offset's digits).
        return X

    def _set_standardization(self, X):
        """Feature means and spreads the model works around (Gaussian only):
        the networks see standardised rows, whatever the data's units."""
        if self.likelihood == "bernoulli":
            n_features = X.shape[1]
            self.center_, self.scale_ = np.zeros(n_features), np.ones(n_features)
        else:
            self.center_, self.scale_ = center_and_scale(X)

    def _standardize(self, X):
        X = np.asarray(X, dtype=np.float64)
        return ((X - self.center_) / self.scale_).astype(self.dtype, copy=False)

    def _initialize(self, n_features, random_state):
        hidden = np.atleast_1d(self.hidden_layer_sizes)
        if (
            hidden.ndim != 1
            or not np.issubdtype(hidden.dtype, np.integer)
            or np.any(hidden < 1)
        ):
            raise ValueError(
                "hidden_layer_sizes must be a positive integer or a sequence of "
                f"them, got {self.hidden_layer_sizes!r}."
            )
        hidden = [int(h) for h in hidden]
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
        self.loss_curve_ = []
        self.validation_scores_ = [] if self.early_stopping else None
        self.best_loss_ = None if self.early_stopping else np.inf
        self.best_validation_score_ = -np.inf if self.early_stopping else None
        self.n_iter_ = 0
        self.t_ = 0
        self.monitor_ = self._new_monitor()

    def _new_monitor(self):
        """The epochs' convergence: no improvement of the validation ELBO
        (early stopping) or of the training loss for n_iter_no_change epochs."""
        return ConvergenceMonitor(
            self.tol,
            self.max_iter,
            self.verbose,
            criterion="no_improvement",
            patience=self.n_iter_no_change,
            higher_is_better=self.early_stopping,
            objective=(
                "the validation ELBO" if self.early_stopping else "the training loss"
            ),
        )

    def _params(self):
        extra = [self.log_sigma_] if self.likelihood == "gaussian" else []
        return self.encoder_.params + self.decoder_.params + extra

    def _encode(self, X):
        out = self.encoder_.forward(X)
        return out[:, : self.n_components], out[:, self.n_components :]

    def _log_likelihood(self, X, decoded):
        """log p(x | z) of each row from the decoder's output."""
        if self.likelihood == "bernoulli":
            return -np.sum(_softplus(decoded) - X * decoded, axis=-1)
        log_sigma = np.maximum(self.log_sigma_, _MIN_LOG_SIGMA)
        z = (X - decoded) * np.exp(-log_sigma)
        return -0.5 * np.sum(z * z + 2.0 * log_sigma + _LOG_2PI, axis=-1)

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

        if self.likelihood == "bernoulli":
            grad_decoded = (1.0 / (1.0 + np.exp(-decoded)) - X) / n_rows
            grad_log_sigma = []
        else:
            log_sigma = np.maximum(self.log_sigma_, _MIN_LOG_SIGMA)
            inv_var = np.exp(-2.0 * log_sigma)
            residual = X - decoded
            grad_decoded = -residual * inv_var / n_rows
            grad = np.sum(1.0 - residual * residual * inv_var, axis=0) / n_rows
            # No gradient below the floor: log_sigma_ stays put there.
            grad_log_sigma = [np.where(self.log_sigma_ > _MIN_LOG_SIGMA, grad, 0.0)]
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
            Classes: the decoder is then conditioned on them.

        Returns
        -------
        self : object
            The fitted model.
        """
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
        self._train(X, labels, X_val, labels_val, self.max_iter)
        return self

    def partial_fit(self, X, y=None, classes=None):
        """Train for one epoch over ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            One batch of rows (one epoch over them).
        y : array-like of shape (n_samples,), default=None
            Their classes, for a conditional VAE.
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
        self._train(X, labels, None, None, 1, warn=False)
        return self

    def _is_fitted(self):
        return hasattr(self, "encoder_")

    def _train(self, X, labels, X_val, labels_val, n_epochs, warn=True):
        # The layers' products are small: BLAS threads cost more than they
        # give (measured: 4.3 s against 0.39 s for 50 epochs on
        # breast_cancer while another process ran).
        self.monitor_ = self._continued_monitor()
        with single_threaded_blas():
            self._run_epochs(X, labels, X_val, labels_val, n_epochs, warn)

    def _continued_monitor(self):
        """A monitor with the current tol, n_iter_no_change and max_iter (a
        warm start may have changed them) that continues the previous one:
        its epochs without improvement, and its best value and history when
        it watched the same quantity."""
        monitor, previous = self._new_monitor(), self.monitor_
        monitor.n_no_improvement = previous.n_no_improvement
        if previous.higher_is_better == monitor.higher_is_better:
            monitor.best = previous.best
            monitor.history = list(previous.history)
            monitor.iter = previous.iter
        return monitor

    def _run_epochs(self, X, labels, X_val, labels_val, n_epochs, warn):
        n_rows = X.shape[0]
        batch_size = min(200, n_rows) if self.batch_size == "auto" else self.batch_size
        batch_size = min(batch_size, n_rows)
        params = self._params()
        best_params = None
        tic = time()
        stopped = False
        for _ in range(n_epochs):
            total = 0.0
            for rows in gen_batches_indices(n_rows, batch_size, self._rng):
                noise = self._rng.standard_normal((rows.size, self.n_components))
                loss, grads = self._loss_and_gradients(
                    X[rows], labels[rows], noise.astype(self.dtype)
                )
                self._optimizer.update_params(params, grads)
                self.t_ += 1
                total += loss * rows.size
            self.n_iter_ += 1
            self.loss_curve_.append(total / n_rows)
            line = f"Epoch {self.n_iter_}, loss = {self.loss_curve_[-1]:.6f}"
            value = self.loss_curve_[-1]
            if X_val is not None:
                value = float(np.mean(self._elbo(X_val, labels_val)))
                self.validation_scores_.append(value)
                line += f", validation ELBO = {value:.6f}"
                if value > self.monitor_.best:
                    best_params = [p.copy() for p in params]
            stopped = self.monitor_.report(value)
            if X_val is not None:
                self.best_validation_score_ = self.monitor_.best
            else:
                self.best_loss_ = self.monitor_.best
            if self.verbose:
                print(f"{line} ({time() - tic:.2f} s)")
            if not np.isfinite(self.loss_curve_[-1]):
                raise ValueError(
                    "The VAE's loss became non-finite: lower learning_rate_init or "
                    "scale X."
                )
            if stopped:
                if self.verbose:
                    print(
                        f"No improvement of more than tol={self.tol} for "
                        f"n_iter_no_change={self.n_iter_no_change} epochs: stopping."
                    )
                break
        if best_params is not None:
            for param, best in zip(params, best_params):
                param[...] = best
        if warn and not stopped:
            self.monitor_.warn("The VAE", "max_iter", "Increase max_iter or raise tol.")

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
        if self.likelihood == "bernoulli":
            return 1.0 / (1.0 + np.exp(-decoded))
        # In float64: the data's own offset keeps its digits.
        return decoded * self.scale_ + self.center_

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
        mean = self._decode_mean(Z, labels)
        if self.likelihood == "bernoulli":
            X = (rng.uniform(size=mean.shape) < mean).astype(self.dtype)
        else:
            noise = rng.standard_normal(mean.shape)
            sigma = np.exp(np.maximum(self.log_sigma_, _MIN_LOG_SIGMA)) * self.scale_
            X = mean + sigma * noise
        return X, Z

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
        # A row's draws depend on the row alone (not on its order or on the
        # other rows): scrambled Halton points, shifted modulo 1 by a hash of
        # the row (a random shift per row keeps every point uniform, so each
        # row's estimate is unbiased and the rows' errors independent). The
        # hash reads the row rounded to float32, so float32 and float64 copies
        # of the same data draw alike.
        hashed = raw.astype(np.float32)
        seed = self.random_state if isinstance(self.random_state, Integral) else 0
        k = self.n_importance
        points = qmc.Halton(self.n_components, scramble=True, seed=seed).random(k)
        # Blocks of BLOCK_ROWS (rows x importance draws) decoded at once.
        rows_per_block = max(1, _chunking.BLOCK_ROWS // k)
        out = np.empty(X.shape[0])
        with single_threaded_blas():
            for rows in row_blocks(X.shape[0], rows_per_block):
                shifts = row_hash_uniforms(hashed[rows], self.n_components)
                uniform = np.mod(points[np.newaxis] + shifts[:, np.newaxis], 1.0)
                eps = ndtri(np.clip(uniform, 1e-12, 1 - 1e-12)).astype(self.dtype)
                out[rows] = self._iwae(X[rows], eps)
        # Back to the data's units: the Jacobian of the standardisation.
        return out - np.sum(np.log(self.scale_.astype(np.float64)))

    def _iwae(self, X, eps):
        """IWAE estimate of each row with its draws ``eps`` (n_rows, k, L)."""
        n_rows, k = eps.shape[:2]
        mu, log_var = self._encode(X)
        std = np.exp(0.5 * log_var)
        z = mu[:, None, :] + std[:, None, :] * eps
        # log p(z) - log q(z | x); the 2 pi terms cancel.
        log_prior_ratio = np.sum(
            -0.5 * z * z + 0.5 * eps * eps + 0.5 * log_var[:, None, :], axis=2
        )
        flat_z = z.reshape(n_rows * k, self.n_components)
        repeated = np.repeat(X, k, axis=0)
        if not hasattr(self, "classes_"):
            decoded = self.decoder_.forward(flat_z)
            log_lik = self._log_likelihood(repeated, decoded).reshape(n_rows, k)
            return logsumexp(log_lik + log_prior_ratio, axis=1) - np.log(k)
        per_class = []
        for c, prior in enumerate(self.class_prior_):
            labels = np.zeros((flat_z.shape[0], len(self.classes_)), dtype=self.dtype)
            labels[:, c] = 1.0
            decoded = self.decoder_.forward(np.hstack([flat_z, labels]))
            log_lik = self._log_likelihood(repeated, decoded).reshape(n_rows, k)
            per_class.append(
                np.log(prior) + logsumexp(log_lik + log_prior_ratio, axis=1) - np.log(k)
            )
        return logsumexp(np.stack(per_class), axis=0)

    def _n_parameters(self):
        return int(sum(p.size for p in self._params()))
