"""What the neural models share: feature scaling, class conditioning, and the
variational autoencoders' likelihood, importance draws and training epochs."""

from numbers import Integral
from time import time

import numpy as np
from scipy.special import logsumexp, ndtri
from scipy.stats import qmc

from skgen.neural._network import gen_batches_indices
from skgen.utils import _chunking
from skgen.utils._chunking import row_blocks
from skgen.utils._hashing import row_hash_uniforms
from skgen.utils._monitor import ConvergenceMonitor
from skgen.utils._sklearn_compat import validate_data
from skgen.utils._threads import single_threaded_blas

_LOG_2PI = np.log(2.0 * np.pi)
#: Smallest standard deviation of the Gaussian decoder: a feature the decoder
#: reproduces exactly (a constant column) must not drive log(sigma) to -inf.
_MIN_LOG_SIGMA = np.log(1e-3)


def _softplus(a):
    return np.logaddexp(0.0, a)


def center_and_scale(X):
    """Feature means and standard deviations to standardise ``X`` by, in float64.

    A constant column keeps its units (scale 1), as in scikit-learn's
    ``StandardScaler``.
    """
    X64 = np.asarray(X, dtype=np.float64)
    center, scale = X64.mean(axis=0), X64.std(axis=0)
    scale[scale < 10 * np.finfo(np.float64).eps * np.maximum(1, abs(center))] = 1
    return center, scale


def checked_labels(y, n_samples, classes):
    """``y`` (one label, or one per row) as an array of ``n_samples`` labels,
    each one of ``classes``; a ValueError naming what is wrong otherwise."""
    labels = np.asarray(y)
    if labels.ndim == 0:
        labels = np.full(n_samples, labels)
    unknown = ~np.isin(labels, classes)
    if labels.shape != (n_samples,) or unknown.any():
        raise ValueError(
            f"y must be labels of the fitted classes {classes.tolist()}, "
            f"one or one per row; got {labels[unknown][:5].tolist()} "
            f"(shape {labels.shape})."
        )
    return labels


class ConditionalMixin:
    """Class conditioning of a generative network.

    A model fitted with ``y`` has ``classes_`` and ``class_prior_`` (the
    training class frequencies) and feeds its networks one-hot class codes;
    fitted without, it has neither. The estimator has a ``dtype`` parameter.
    """

    def _set_classes(self, y, n_samples, warm):
        """Record the classes of ``y`` (None: an unconditional fit).

        ``warm``: a warm start, which must keep the first fit's classes.
        """
        name = type(self).__name__
        if y is not None:
            y = np.asarray(y)
            if y.shape != (n_samples,):
                raise ValueError(f"y must have shape ({n_samples},), got {y.shape}.")
            classes, counts = np.unique(y, return_counts=True)
            if warm and not np.array_equal(
                classes, getattr(self, "classes_", classes[:0])
            ):
                raise ValueError("warm_start needs the classes of the first fit.")
            self.classes_ = classes
            self.class_prior_ = counts / counts.sum()
        elif warm and hasattr(self, "classes_"):
            raise ValueError(
                f"This {name} is conditional: pass y (warm_start needs y)."
            )
        elif not warm:
            for attribute in ("classes_", "class_prior_"):
                if hasattr(self, attribute):
                    delattr(self, attribute)
        return y

    def _one_hot(self, y):
        """Class indicator rows for the networks (empty without classes)."""
        n_classes = len(getattr(self, "classes_", ()))
        codes = np.zeros((len(y), n_classes), dtype=self.dtype)
        if n_classes:
            codes[np.arange(len(y)), np.searchsorted(self.classes_, y)] = 1.0
        return codes

    def _check_labels(self, y, n_samples):
        return checked_labels(y, n_samples, self.classes_)

    def _labels_for(self, y, n_samples, rng=None):
        """One-hot codes of ``y``, or of classes drawn with ``rng`` from
        ``class_prior_`` when ``y`` is None (an error without ``rng``)."""
        name = type(self).__name__
        if not hasattr(self, "classes_"):
            if y is not None:
                raise ValueError(f"y is only for a {name} fitted with y (conditional).")
            return np.zeros((n_samples, 0), dtype=self.dtype)
        if y is None:
            if rng is None:
                raise ValueError(f"This {name} is conditional: pass y.")
            y = self.classes_[
                rng.choice(len(self.classes_), size=n_samples, p=self.class_prior_)
            ]
        return self._one_hot(self._check_labels(y, n_samples))


class VariationalMixin:
    """What the variational autoencoders share (:class:`VAE` and
    :class:`SemiSupervisedVAE`): the data's standardisation, the decoder's
    likelihood and its gradient, the importance draws of ``score_samples``,
    and the epochs of minibatch Adam with their monitor, early stopping and
    verbose lines.

    A subclass has the parameters ``likelihood``, ``hidden_layer_sizes``,
    ``n_components``, ``batch_size``, ``tol``, ``max_iter``,
    ``n_iter_no_change``, ``early_stopping``, ``n_importance``, ``dtype``,
    ``random_state`` and ``verbose``, the fitted ``log_sigma_``, and defines

    - ``_params()``: every trained array, in the order of the gradients;
    - ``_batch_step(*batch)``: the loss of a batch (rows of the arrays given
      to ``_train``) and its gradients, drawing its noise from ``self._rng``;
    - ``_validation_score(*held_out)``: the held-out score early stopping
      watches (higher is better).
    """

    #: What the monitor and the verbose lines call the validation score.
    _validation_name = "validation ELBO"

    # -- data ------------------------------------------------------------------

    def _validate_rows(self, X, reset):
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=reset)
        self._check_range(X)
        # Kept in its own precision: standardising comes first (a float32
        # cast would lose a large offset's digits).
        return X

    def _check_range(self, X):
        if self.likelihood == "bernoulli" and (X.min() < 0 or X.max() > 1):
            raise ValueError(
                "likelihood='bernoulli' models data in [0, 1]; X has values in "
                f"[{X.min():g}, {X.max():g}]. Scale it (e.g. MinMaxScaler) or "
                "use likelihood='gaussian'."
            )

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

    def _hidden_sizes(self):
        """``hidden_layer_sizes`` as a list of positive ints (checked)."""
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
        return [int(h) for h in hidden]

    # -- the decoder's likelihood ----------------------------------------------

    def _log_likelihood(self, X, decoded):
        """log p(x | z) of each row from the decoder's output."""
        if self.likelihood == "bernoulli":
            return -np.sum(_softplus(decoded) - X * decoded, axis=-1)
        log_sigma = np.maximum(self.log_sigma_, _MIN_LOG_SIGMA)
        z = (X - decoded) * np.exp(-log_sigma)
        return -0.5 * np.sum(z * z + 2.0 * log_sigma + _LOG_2PI, axis=-1)

    def _likelihood_gradients(self, X, decoded, weights):
        """Gradients of ``-sum_i weights[i] * log p(x_i | z_i)`` with respect
        to the decoder's output and to ``log_sigma_`` (an empty list for
        Bernoulli), ``weights`` of shape (n_rows, 1)."""
        if self.likelihood == "bernoulli":
            return (1.0 / (1.0 + np.exp(-decoded)) - X) * weights, []
        log_sigma = np.maximum(self.log_sigma_, _MIN_LOG_SIGMA)
        inv_var = np.exp(-2.0 * log_sigma)
        residual = X - decoded
        grad_decoded = -residual * inv_var * weights
        grad = np.sum((1.0 - residual * residual * inv_var) * weights, axis=0)
        # No gradient below the floor: log_sigma_ stays put there.
        return grad_decoded, [np.where(self.log_sigma_ > _MIN_LOG_SIGMA, grad, 0.0)]

    def _likelihood_params(self):
        return [self.log_sigma_] if self.likelihood == "gaussian" else []

    def _decoded_to_data(self, decoded):
        """Decoder outputs as means in the data's units (probabilities for
        Bernoulli)."""
        if self.likelihood == "bernoulli":
            return 1.0 / (1.0 + np.exp(-decoded))
        # In float64: the data's own offset keeps its digits.
        return decoded * self.scale_ + self.center_

    def _draw_rows(self, mean, rng):
        """Rows drawn from ``p(x | z)`` around decoded means (data units)."""
        if self.likelihood == "bernoulli":
            return (rng.uniform(size=mean.shape) < mean).astype(self.dtype)
        noise = rng.standard_normal(mean.shape)
        sigma = np.exp(np.maximum(self.log_sigma_, _MIN_LOG_SIGMA)) * self.scale_
        return mean + sigma * noise

    # -- importance draws --------------------------------------------------------

    def _importance_blocks(self, raw):
        """Blocks of rows and their standard-normal draws ``eps`` of shape
        (n_rows, n_importance, n_components), for ``score_samples``.

        A row's draws depend on the row alone (not on its order or on the
        other rows): scrambled Halton points, shifted modulo 1 by a hash of
        the row (a random shift per row keeps every point uniform, so each
        row's estimate is unbiased and the rows' errors independent). The hash
        reads the row rounded to float32, so float32 and float64 copies of the
        same data draw alike.
        """
        hashed = raw.astype(np.float32)
        seed = self.random_state if isinstance(self.random_state, Integral) else 0
        k = self.n_importance
        points = qmc.Halton(self.n_components, scramble=True, seed=seed).random(k)
        # Blocks of BLOCK_ROWS (rows x importance draws) decoded at once.
        rows_per_block = max(1, _chunking.BLOCK_ROWS // k)
        for rows in row_blocks(raw.shape[0], rows_per_block):
            shifts = row_hash_uniforms(hashed[rows], self.n_components)
            uniform = np.mod(points[np.newaxis] + shifts[:, np.newaxis], 1.0)
            yield rows, ndtri(np.clip(uniform, 1e-12, 1 - 1e-12)).astype(self.dtype)

    def _iwae_given_posterior(self, X, mu, log_var, eps, class_index):
        """``log (1/k) sum_k p(x | z_k, y) p(z_k) / q(z_k | x, y)`` of each row:
        the IWAE estimate of ``log p(x | y)`` from the posterior ``(mu,
        log_var)`` and the draws ``eps`` (n_rows, k, n_components); the
        decoder is conditioned on class ``class_index`` (one-hot), or on
        nothing when it is None."""
        n_rows, k = eps.shape[:2]
        std = np.exp(0.5 * log_var)
        z = mu[:, None, :] + std[:, None, :] * eps
        # log p(z) - log q(z | x); the 2 pi terms cancel.
        log_prior_ratio = np.sum(
            -0.5 * z * z + 0.5 * eps * eps + 0.5 * log_var[:, None, :], axis=2
        )
        inputs = z.reshape(n_rows * k, self.n_components)
        if class_index is not None:
            labels = np.zeros((inputs.shape[0], len(self.classes_)), dtype=self.dtype)
            labels[:, class_index] = 1.0
            inputs = np.hstack([inputs, labels])
        decoded = self.decoder_.forward(inputs)
        log_lik = self._log_likelihood(np.repeat(X, k, axis=0), decoded)
        return logsumexp(log_lik.reshape(n_rows, k) + log_prior_ratio, axis=1) - np.log(
            k
        )

    def _log_jacobian(self):
        """log-density offset from standardised units back to the data's."""
        return -np.sum(np.log(self.scale_.astype(np.float64)))

    # -- epochs --------------------------------------------------------------------

    def _new_monitor(self):
        """The epochs' convergence: no improvement of the validation score
        (early stopping) or of the training loss for n_iter_no_change epochs."""
        return ConvergenceMonitor(
            self.tol,
            self.max_iter,
            self.verbose,
            criterion="no_improvement",
            patience=self.n_iter_no_change,
            higher_is_better=self.early_stopping,
            objective=(
                f"the {self._validation_name}"
                if self.early_stopping
                else "the training loss"
            ),
        )

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

    def _reset_training_record(self):
        self.loss_curve_ = []
        self.validation_scores_ = [] if self.early_stopping else None
        self.best_loss_ = None if self.early_stopping else np.inf
        self.best_validation_score_ = -np.inf if self.early_stopping else None
        self.n_iter_ = 0
        self.t_ = 0
        self.monitor_ = self._new_monitor()

    def _train(self, arrays, held_out, n_epochs, warn=True):
        """``n_epochs`` epochs of minibatch Adam over the rows of ``arrays``
        (a tuple of arrays of aligned rows); ``held_out`` (a tuple, or None)
        is scored after every epoch for early stopping."""
        # The layers' products are small: BLAS threads cost more than they
        # give (measured: 4.3 s against 0.39 s for 50 epochs on
        # breast_cancer while another process ran).
        self.monitor_ = self._continued_monitor()
        with single_threaded_blas():
            self._run_epochs(arrays, held_out, n_epochs, warn)

    def _run_epochs(self, arrays, held_out, n_epochs, warn):
        name = type(self).__name__
        n_rows = arrays[0].shape[0]
        batch_size = min(200, n_rows) if self.batch_size == "auto" else self.batch_size
        batch_size = min(batch_size, n_rows)
        params = self._params()
        best_params = None
        tic = time()
        stopped = False
        for _ in range(n_epochs):
            total = 0.0
            for rows in gen_batches_indices(n_rows, batch_size, self._rng):
                loss, grads = self._batch_step(*(a[rows] for a in arrays))
                self._optimizer.update_params(params, grads)
                self.t_ += 1
                total += loss * rows.size
            self.n_iter_ += 1
            self.loss_curve_.append(total / n_rows)
            line = f"Epoch {self.n_iter_}, loss = {self.loss_curve_[-1]:.6f}"
            value = self.loss_curve_[-1]
            if held_out is not None:
                value = self._validation_score(*held_out)
                self.validation_scores_.append(value)
                line += f", {self._validation_name} = {value:.6f}"
                if value > self.monitor_.best:
                    best_params = [p.copy() for p in params]
            stopped = self.monitor_.report(value)
            if held_out is not None:
                self.best_validation_score_ = self.monitor_.best
            else:
                self.best_loss_ = self.monitor_.best
            if self.verbose:
                print(f"{line} ({time() - tic:.2f} s)")
            if not np.isfinite(self.loss_curve_[-1]):
                raise ValueError(
                    f"The {name}'s loss became non-finite: lower "
                    "learning_rate_init or scale X."
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
            self.monitor_.warn(
                f"The {name}", "max_iter", "Increase max_iter or raise tol."
            )
