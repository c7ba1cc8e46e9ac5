"""Emission families of the HMMs: each supplies the hooks of
:class:`skgen.hmm._base.BaseHMM` for one kind of observation."""

import warnings

import numpy as np
from scipy.special import gammaln
from sklearn.cluster import KMeans
from sklearn.utils import check_array
from sklearn.utils.validation import check_non_negative

from skgen.hmm import _kernels
from skgen.hmm._base import _check_stochastic, _normalize_rows
from skgen.utils import _gaussian_kernels
from skgen.utils._chunking import n_chunks_for
from skgen.utils._gaussian import (
    compute_precision_cholesky,
    estimate_weighted_log_prob,
    reshift_moments,
)
from skgen.utils._sklearn_compat import validate_data
from skgen.utils._threads import threads_for

_COVARIANCE_SHAPES = {
    "spherical": lambda k, d: (k,),
    "diag": lambda k, d: (k, d),
    "tied": lambda k, d: (d, d),
    "full": lambda k, d: (k, d, d),
}


def _dense_covariances(covars, covariance_type, n_components, n_features):
    """Compact covariances as (n_components, n_features, n_features) matrices."""
    if covariance_type == "full":
        return covars.copy()
    if covariance_type == "tied":
        return np.tile(covars, (n_components, 1, 1))
    if covariance_type == "diag":
        return np.stack([np.diag(c) for c in covars])
    return np.stack([c * np.eye(n_features) for c in covars])


class GaussianEmissions:
    """Gaussian emissions: one mean and covariance per state.

    The M-step is hmmlearn's, with its conjugate priors (``means_prior``,
    ``means_weight``, ``covars_prior``, ``covars_weight``), computed from
    statistics accumulated around the previous means, so that no precision is
    lost to ``E[x^2] - E[x]^2`` cancellation.
    """

    _emission_codes = "mc"
    _emission_parameter_names = ("means_", "_covars_")
    #: The statistics end with the means they are taken around (not a sum).
    _n_reference_statistics = 1

    @property
    def covars_(self):
        """Covariance of each state, (n_components, n_features, n_features)
        whatever ``covariance_type`` (as hmmlearn returns them)."""
        return _dense_covariances(
            self._covars_, self.covariance_type, self.n_components, self.means_.shape[1]
        )

    @covars_.setter
    def covars_(self, covars):
        self._covars_ = np.array(covars, dtype=np.float64)

    def _validate_emission_data(self, X, reset):
        return validate_data(
            self, X, dtype=[np.float64, np.float32], order="C", reset=reset
        )

    def _init_emissions(self, X, random_state):
        n_features = X.shape[1]
        if self._needs_init("m", "means_"):
            if X.shape[0] < self.n_components:
                raise ValueError(
                    "Expected n_samples >= n_components to initialise the means, "
                    f"got n_samples = {X.shape[0]}, n_components = {self.n_components}."
                )
            kmeans = KMeans(self.n_components, n_init=10, random_state=random_state)
            self.means_ = kmeans.fit(X).cluster_centers_.astype(np.float64)
        if self._needs_init("c", "_covars_"):
            # The data covariance plus min_covar (none for one row: no NaN).
            cv = self.min_covar * np.eye(n_features)
            if X.shape[0] > 1:
                cv += np.atleast_2d(np.cov(X.T))
            k = self.n_components
            self._covars_ = {
                "spherical": lambda: np.full(k, cv.diagonal().mean()),
                "diag": lambda: np.tile(cv.diagonal(), (k, 1)),
                "tied": lambda: cv,
                "full": lambda: np.tile(cv, (k, 1, 1)),
            }[self.covariance_type]()

    def _check_emissions(self):
        means = check_array(self.means_, input_name="means_")
        k, d = self.n_components, self.n_features_in_
        if means.shape != (k, d):
            raise ValueError(f"means_ must have shape {(k, d)}, got {means.shape}.")
        covars = np.asarray(self._covars_, dtype=np.float64)
        expected = _COVARIANCE_SHAPES[self.covariance_type](k, d)
        if covars.shape != expected:
            raise ValueError(
                f"'{self.covariance_type}' covars_ must have shape {expected}, "
                f"got {covars.shape}."
            )
        if self.covariance_type in ("spherical", "diag"):
            if np.any(covars <= 0):
                raise ValueError(f"'{self.covariance_type}' covars_ must be positive.")
        else:
            for matrix in covars.reshape(-1, d, d):
                if not np.allclose(matrix, matrix.T) or np.any(
                    np.linalg.eigvalsh(matrix) <= 0
                ):
                    raise ValueError(
                        f"'{self.covariance_type}' covars_ must be symmetric, "
                        "positive-definite."
                    )
        self.means_ = means.astype(np.float64)
        self._covars_ = covars

    def _precisions_cholesky(self):
        return compute_precision_cholesky(self._covars_, self.covariance_type)

    def _emission_log_likelihood(self, X):
        return estimate_weighted_log_prob(
            X,
            np.ones(self.n_components),
            self.means_,
            self._precisions_cholesky(),
            self.covariance_type,
        )

    def _emission_statistics(self, X, posteriors):
        full = self.covariance_type in ("full", "tied")
        shift = self.means_.astype(X.dtype)
        n_samples, n_features = X.shape
        with threads_for(n_samples * self.n_components * n_features**2):
            parts = _gaussian_kernels.weighted_moments(
                X,
                posteriors,
                shift,
                full,
                n_chunks_for(n_samples, self.n_components * n_features**2),
            )
        nk, sx, sxx = (part.sum(axis=0) for part in parts)
        return nk, sx, sxx if full else sxx[..., 0], self.means_

    def _blend_emission_statistics(self, old, new, step):
        # Both as sums around the new batch's reference means, then linear.
        old = reshift_moments(*old, new[3])
        return tuple((1.0 - step) * a + step * b for a, b in zip(old[:3], new[:3])) + (
            new[3],
        )

    def _emission_m_step(self, stats):
        nk, sx, sxx, old_means = stats  # sums around old_means
        means_weight = np.asarray(self.means_weight, dtype=np.float64)
        means_prior = np.asarray(self.means_prior, dtype=np.float64)
        denom = nk[:, np.newaxis]
        if "m" in self.params:
            sum_x = sx + nk[:, np.newaxis] * old_means
            self.means_ = (means_weight * means_prior + sum_x) / (means_weight + denom)
        if "c" not in self.params:
            return
        # sum_i r_ik (x_i - m_k)(x_i - m_k)^T from sums around the old means.
        delta = self.means_ - old_means
        meandiff = self.means_ - means_prior
        if self.covariance_type in ("spherical", "diag"):
            scatter = sxx - 2 * delta * sx + delta**2 * denom
            c_n = means_weight * meandiff**2 + scatter
            c_d = max(self.covars_weight - 1, 0) + denom
            covars = (self.covars_prior + c_n) / np.maximum(c_d, 1e-5)
            self._covars_ = (
                covars.mean(axis=1) if self.covariance_type == "spherical" else covars
            )
        else:
            cross = delta[:, :, None] * sx[:, None, :]
            scatter = (
                sxx
                - cross
                - np.swapaxes(cross, 1, 2)
                + nk[:, None, None] * delta[:, :, None] * delta[:, None, :]
            )
            c_n = means_weight * (meandiff[:, :, None] * meandiff[:, None, :]) + scatter
            cv_weight = max(self.covars_weight - self.n_features_in_, 0)
            if self.covariance_type == "tied":
                self._covars_ = (self.covars_prior + c_n.sum(axis=0)) / (
                    cv_weight + nk.sum()
                )
            else:
                self._covars_ = (self.covars_prior + c_n) / (
                    cv_weight + nk[:, None, None]
                )

    def _sample_emissions(self, states, random_state):
        n_features = self.means_.shape[1]
        X = np.empty((states.shape[0], n_features))
        covars = self.covars_
        for k in range(self.n_components):
            rows = np.flatnonzero(states == k)
            if rows.size:
                X[rows] = random_state.multivariate_normal(
                    self.means_[k], covars[k], size=rows.size
                )
        return X

    def _n_emission_parameters(self):
        k, d = self.n_components, self.means_.shape[1]
        return {
            "m": k * d,
            "c": {
                "spherical": k,
                "diag": k * d,
                "tied": d * (d + 1) // 2,
                "full": k * d * (d + 1) // 2,
            }[self.covariance_type],
        }


class CategoricalEmissions:
    """Categorical emissions: integer symbols ``0 .. n_symbols_ - 1``.

    One column of symbols is hmmlearn's ``CategoricalHMM``. Several columns
    are independent categorical features given the state (as
    :class:`sklearn.naive_bayes.CategoricalNB` treats its columns), sharing
    one alphabet. The M-step is hmmlearn's, with its Dirichlet prior
    ``emissionprob_prior``.
    """

    _emission_codes = "e"
    _emission_parameter_names = ("_emissionprob",)

    @property
    def emissionprob_(self):
        """Emission probabilities: (n_components, n_symbols) for one column
        (as hmmlearn), (n_components, n_features, n_symbols) for several."""
        probs = self._emissionprob
        return probs[:, 0, :] if probs.shape[1] == 1 else probs

    @emissionprob_.setter
    def emissionprob_(self, probs):
        probs = np.array(probs, dtype=np.float64)
        self._emissionprob = probs[:, np.newaxis, :] if probs.ndim == 2 else probs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True
        tags.input_tags.positive_only = True
        return tags

    def _validate_emission_data(self, X, reset):
        X = validate_data(self, X, dtype="numeric", order="C", reset=reset)
        if not np.issubdtype(X.dtype, np.integer):
            fractional = X[X != np.round(X)]
            if fractional.size:
                raise ValueError(
                    f"{type(self).__name__} takes integer symbols; X holds "
                    f"non-integer values such as {fractional[0]}."
                )
        if X.size and X.min() < 0:
            raise ValueError(
                f"Negative values in data passed to {type(self).__name__}: "
                f"symbols are 0, 1, ..., got {X.min()}."
            )
        if X.size and X.max() >= 2**31:
            raise ValueError(
                f"{type(self).__name__} takes symbol codes 0, 1, ..., n - 1; X holds "
                f"{X.max():g}. Encode the symbols first (e.g. OrdinalEncoder)."
            )
        X = X.astype(np.intp)
        if reset:
            return X
        n_symbols = self._emissionprob.shape[2]
        if X.size and X.max() >= n_symbols:
            raise ValueError(
                f"Largest symbol in X is {X.max()}, but the model emits symbols "
                f"up to {n_symbols - 1} only."
            )
        return X

    def _init_emissions(self, X, random_state):
        largest = int(X.max()) + 1
        if self.n_features is not None and self.n_features < largest:
            raise ValueError(
                f"Largest symbol in X is {largest - 1}, but n_features="
                f"{self.n_features} allows symbols up to {self.n_features - 1}."
            )
        if not self._needs_init("e", "_emissionprob"):
            n_symbols = np.shape(self._emissionprob)[-1]
            if largest > n_symbols:
                raise ValueError(
                    f"Largest symbol in X is {largest - 1}, but the given "
                    f"emissionprob_ has {n_symbols} symbols."
                )
        else:
            n_symbols = largest if self.n_features is None else self.n_features
            if n_symbols * self.n_components * X.shape[1] > 10**8:
                raise ValueError(
                    f"Symbols up to {n_symbols - 1} need an emission table of "
                    f"{n_symbols * self.n_components * X.shape[1]:,} entries; "
                    "encode the symbols as 0, 1, ..., n - 1 first."
                )
            # hmmlearn's initialisation: uniform draws, normalised.
            probs = random_state.rand(self.n_components, X.shape[1], n_symbols)
            self._emissionprob = probs / probs.sum(axis=2, keepdims=True)

    def _check_emissions(self):
        probs = np.asarray(self._emissionprob, dtype=np.float64)
        k, d = self.n_components, self.n_features_in_
        if probs.ndim != 3 or probs.shape[:2] != (k, d):
            shape = probs[:, 0].shape if probs.ndim == 3 and d == 1 else probs.shape
            expected = f"({k}, n_symbols)" if d == 1 else f"({k}, {d}, n_symbols)"
            raise ValueError(f"emissionprob_ must have shape {expected}, got {shape}.")
        if self.n_features is not None and probs.shape[2] != self.n_features:
            raise ValueError(
                f"emissionprob_ has {probs.shape[2]} symbols, but n_features="
                f"{self.n_features}."
            )
        if not np.all(np.isfinite(probs)) or np.any(probs < 0):
            raise ValueError("emissionprob_ must hold finite, non-negative values.")
        sums = probs.sum(axis=2)
        if not np.allclose(sums, 1.0):
            raise ValueError(
                "Each row of emissionprob_ must sum to 1, got sums "
                f"{np.round(sums.ravel(), 6).tolist()}."
            )
        self._emissionprob = probs
        prior = np.asarray(self.emissionprob_prior, dtype=np.float64)
        if prior.ndim == 2:
            prior = prior[:, np.newaxis, :]
        try:
            np.broadcast_to(prior, probs.shape)
        except ValueError:
            raise ValueError(
                "emissionprob_prior must be a number or broadcast to "
                f"(n_components, n_symbols) = {probs[:, 0].shape}, got shape "
                f"{np.shape(self.emissionprob_prior)}."
            ) from None
        if not np.all(np.isfinite(prior)) or np.any(prior < 0):
            raise ValueError("emissionprob_prior must be finite and non-negative.")

    @property
    def n_symbols_(self):
        """Number of symbols the model emits (hmmlearn's fitted ``n_features``)."""
        return self._emissionprob.shape[2]

    def _emission_log_likelihood(self, X):
        with np.errstate(divide="ignore"):
            # (features, symbols, states): a row adds contiguous vectors.
            log_table = np.ascontiguousarray(
                np.log(self._emissionprob).transpose(1, 2, 0)
            )
        n_samples, n_features = X.shape
        with threads_for(n_samples * n_features * self.n_components):
            return _kernels.categorical_log_likelihood(
                X, log_table, n_chunks_for(n_samples)
            )

    def _emission_statistics(self, X, posteriors):
        n_samples, n_features = X.shape
        n_symbols = self._emissionprob.shape[2]
        n_chunks = n_chunks_for(n_samples, n_features * n_symbols * self.n_components)
        with threads_for(n_samples * n_features * self.n_components):
            parts = _kernels.categorical_counts(X, posteriors, n_symbols, n_chunks)
        # Chunks added in order: the same sums on any number of threads.
        return (parts.sum(axis=0).transpose(2, 0, 1),)

    def _emission_m_step(self, stats):
        if "e" not in self.params:
            return
        (counts,) = stats
        prior = np.asarray(self.emissionprob_prior, dtype=np.float64)
        if prior.ndim == 2:  # hmmlearn's (n_components, n_symbols)
            prior = prior[:, np.newaxis, :]
        counts = np.maximum(prior - 1.0 + counts, 0.0)
        self._emissionprob, _ = _normalize_rows(counts, self._emissionprob)

    def _sample_emissions(self, states, random_state):
        cdf = np.cumsum(self._emissionprob[states], axis=2)
        draws = random_state.uniform(size=cdf.shape[:2] + (1,))
        symbols = (cdf > draws * cdf[..., -1:]).argmax(axis=2)
        return symbols.astype(np.intp)

    def _n_emission_parameters(self):
        k, d, n_symbols = self._emissionprob.shape
        return {"e": k * d * (n_symbols - 1)}


class PoissonEmissions:
    """Independent Poisson counts per feature: one rate per state and feature.

    The M-step is hmmlearn's, with its gamma prior (``lambdas_prior``,
    ``lambdas_weight``). Counts may be non-integral (as scikit-learn's
    ``MultinomialNB`` allows): the log-mass uses the gamma function,
    ``x log(lambda) - lambda - log Gamma(x + 1)``.
    """

    _emission_codes = "l"
    _emission_parameter_names = ("lambdas_",)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        return tags

    def _validate_emission_data(self, X, reset):
        X = validate_data(
            self, X, dtype=[np.float64, np.float32], order="C", reset=reset
        )
        check_non_negative(X, f"{type(self).__name__} (input X)")
        return X

    def _init_emissions(self, X, random_state):
        if self._needs_init("l", "lambdas_"):
            # Method of moments over all counts, as hmmlearn does.
            mean, var = float(X.mean()), float(X.var())
            if mean <= 0 or var <= 0:  # all zeros, or one repeated count
                self.lambdas_ = np.full(
                    (self.n_components, X.shape[1]), max(mean, 1e-3)
                )
            else:
                self.lambdas_ = random_state.gamma(
                    shape=mean**2 / var,
                    scale=var / mean,
                    size=(self.n_components, X.shape[1]),
                )

    def _check_emissions(self):
        lambdas = check_array(self.lambdas_, input_name="lambdas_")
        expected = (self.n_components, self.n_features_in_)
        if lambdas.shape != expected:
            raise ValueError(
                f"lambdas_ must have shape {expected}, got {lambdas.shape}."
            )
        if np.any(lambdas < 0):
            raise ValueError("lambdas_ must be non-negative.")
        self.lambdas_ = lambdas.astype(np.float64)

    def _emission_log_likelihood(self, X):
        X = np.asarray(X, dtype=np.float64)
        # A zero rate emits only zeros: log(tiny) makes any count impossible.
        log_rates = np.log(np.maximum(self.lambdas_, np.finfo(np.float64).tiny))
        return (
            X @ log_rates.T
            - self.lambdas_.sum(axis=1)
            - gammaln(X + 1.0).sum(axis=1)[:, np.newaxis]
        )

    def _emission_statistics(self, X, posteriors):
        return posteriors.sum(axis=0), posteriors.T @ np.asarray(X, dtype=np.float64)

    def _emission_m_step(self, stats):
        if "l" not in self.params:
            return
        post, obs = stats
        # hmmlearn's update, including its n = all posteriors (not per state).
        n = post.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            y_bar = obs / post[:, np.newaxis]
        y_bar = np.where(post[:, np.newaxis] > 0, y_bar, self.lambdas_)
        self.lambdas_ = (self.lambdas_prior + n * y_bar) / (self.lambdas_weight + n)

    def _sample_emissions(self, states, random_state):
        return random_state.poisson(self.lambdas_[states]).astype(np.float64)

    def _n_emission_parameters(self):
        return {"l": self.lambdas_.size}


#: Shape of GMMHMM's covars_ per covariance_type (hmmlearn's layout): 'tied'
#: is one matrix per state, shared by the state's mixture components.
_MIXTURE_COVARIANCE_SHAPES = {
    "spherical": lambda k, m, d: (k, m),
    "diag": lambda k, m, d: (k, m, d),
    "tied": lambda k, m, d: (k, d, d),
    "full": lambda k, m, d: (k, m, d, d),
}


class GMMEmissions:
    """Gaussian-mixture emissions: ``n_mix`` Gaussian components per state.

    The M-step is hmmlearn's ``GMMHMM``, with its priors and their defaults
    (Dirichlet ``weights_prior``, normal ``means_prior`` / ``means_weight``,
    inverse-gamma or inverse-Wishart ``covars_prior`` / ``covars_weight``),
    including its covariance update, which takes the scatter around the means
    of the previous iteration. Where hmmlearn divides by zero or produces a
    negative variance (a state or component with no expected rows), the
    previous value is kept.
    """

    _emission_codes = "mcw"
    _emission_parameter_names = ("weights_", "means_", "covars_")
    #: The statistics end with the means they are taken around (not a sum).
    _n_reference_statistics = 1

    def _validate_emission_data(self, X, reset):
        return validate_data(
            self, X, dtype=[np.float64, np.float32], order="C", reset=reset
        )

    # -- initialisation and checks --------------------------------------------

    def _init_emissions(self, X, random_state):
        k, m = self.n_components, self.n_mix
        n_samples, n_features = X.shape
        # hmmlearn's start: the data covariance plus min_covar (none for one row).
        cv = self.min_covar * np.eye(n_features)
        if n_samples > 1:
            cv += np.atleast_2d(np.cov(X.T))
        if self._needs_init("w", "weights_"):
            self.weights_ = np.full((k, m), 1.0 / m)
        if self._needs_init("m", "means_"):
            if n_samples < k * m:
                raise ValueError(
                    "Expected n_samples >= n_components * n_mix to initialise the "
                    f"means, got n_samples = {n_samples}, n_components = {k}, "
                    f"n_mix = {m}."
                )
            self.means_ = self._kmeans_means(X, cv, random_state)
        if self._needs_init("c", "covars_"):
            self.covars_ = {
                "spherical": lambda: np.full((k, m), cv.diagonal().mean()),
                "diag": lambda: np.tile(cv.diagonal(), (k, m, 1)),
                "tied": lambda: np.tile(cv, (k, 1, 1)),
                "full": lambda: np.tile(cv, (k, m, 1, 1)),
            }[self.covariance_type]()

    def _kmeans_means(self, X, cv, random_state):
        """hmmlearn's start: k-means into states, then within each state."""
        k, m = self.n_components, self.n_mix
        kmeans = KMeans(k, n_init=10, random_state=random_state).fit(X)
        centre = kmeans.cluster_centers_.mean(axis=0)
        means = np.empty((k, m, X.shape[1]))
        for state in range(k):  # a loop over states, not rows
            rows = X[kmeans.labels_ == state]
            if rows.shape[0] < m:  # too few rows: draws around the centre
                means[state] = random_state.multivariate_normal(centre, cv, size=m)
            elif m == 1:
                means[state] = rows.mean(axis=0)
            else:
                inner = KMeans(m, n_init=10, random_state=random_state).fit(rows)
                means[state] = inner.cluster_centers_
        return means

    def _check_emissions(self):
        k, m, d = self.n_components, self.n_mix, self.n_features_in_
        self.weights_ = _check_stochastic("weights_", self.weights_, (k, m))
        means = np.asarray(self.means_, dtype=np.float64)
        if means.shape != (k, m, d):
            raise ValueError(
                f"means_ must have shape (n_components, n_mix, n_features) = "
                f"{(k, m, d)}, got {means.shape}."
            )
        if not np.all(np.isfinite(means)):
            raise ValueError("means_ must be finite.")
        covars = np.asarray(self.covars_, dtype=np.float64)
        expected = _MIXTURE_COVARIANCE_SHAPES[self.covariance_type](k, m, d)
        if covars.shape != expected:
            raise ValueError(
                f"'{self.covariance_type}' covars_ must have shape {expected}, "
                f"got {covars.shape}."
            )
        if self.covariance_type in ("spherical", "diag"):
            if not np.all(np.isfinite(covars)) or np.any(covars <= 0):
                raise ValueError(
                    f"'{self.covariance_type}' covars_ must be finite and positive."
                )
        else:
            matrices = covars.reshape(-1, d, d)
            if (
                not np.all(np.isfinite(matrices))
                or not np.allclose(matrices, np.swapaxes(matrices, 1, 2))
                or np.any(np.linalg.eigvalsh(matrices)[:, 0] <= 0)
            ):
                raise ValueError(
                    f"'{self.covariance_type}' covars_ must be symmetric, "
                    "positive-definite."
                )
        self._priors()  # their shapes, before EM runs
        self.means_ = means
        self.covars_ = covars

    def _priors(self):
        """hmmlearn's priors, its defaults filled in, broadcast to the shapes
        of the parameters (the constructor's values are left as given)."""
        k, m, d = self.n_components, self.n_mix, self.n_features_in_
        covariance_type = self.covariance_type
        default_prior, default_weight = {
            "full": (0.0, -(1.0 + d + 1.0)),
            "tied": (0.0, -(m + d + 1.0)),
            "diag": (-1.5, 0.0),
            "spherical": (-(m + 2.0) / 2.0, 0.0),
        }[covariance_type]
        covars_prior = default_prior if self.covars_prior is None else self.covars_prior
        covars_weight = (
            default_weight if self.covars_weight is None else self.covars_weight
        )
        weight_shape = {
            "full": (k, m),
            "tied": (k,),
            "diag": (k, m, d),
            "spherical": (k, m),
        }[covariance_type]
        shapes = {
            "weights_prior": (self.weights_prior, (k, m)),
            "means_prior": (self.means_prior, (k, m, d)),
            "means_weight": (self.means_weight, (k, m)),
            "covars_prior": (
                covars_prior,
                _MIXTURE_COVARIANCE_SHAPES[covariance_type](k, m, d),
            ),
            "covars_weight": (covars_weight, weight_shape),
        }
        priors = {}
        for name, (value, shape) in shapes.items():
            value = np.asarray(value, dtype=np.float64)
            try:
                priors[name] = np.broadcast_to(value, shape)
            except ValueError:
                raise ValueError(
                    f"{name} must be a number or broadcast to shape {shape}, "
                    f"got shape {value.shape}."
                ) from None
        return priors

    # -- likelihood and statistics ----------------------------------------------

    def _component_log_prob(self, X):
        """``log w_km + log N(x_t | m_km, C_km)``, shape (n_samples, K * n_mix)."""
        k, m, d = self.means_.shape
        covariance_type = self.covariance_type
        if covariance_type == "tied":
            # One matrix per state: each component of the state repeats it.
            precisions_chol = np.repeat(
                compute_precision_cholesky(self.covars_, "full"), m, axis=0
            )
            covariance_type = "full"
        else:
            precisions_chol = compute_precision_cholesky(
                self.covars_.reshape(k * m, *self.covars_.shape[2:]), covariance_type
            )
        return estimate_weighted_log_prob(
            X,
            self.weights_.ravel(),
            self.means_.reshape(k * m, d),
            precisions_chol,
            covariance_type,
        )

    def _emission_log_likelihood(self, X):
        n_samples = X.shape[0]
        with threads_for(n_samples * self.n_components * self.n_mix):
            sums, tops = _kernels.mixture_likelihood(
                self._component_log_prob(X), self.n_mix, n_chunks_for(n_samples)
            )
        with np.errstate(divide="ignore"):
            return np.log(sums, out=sums) + tops

    def _emission_statistics(self, X, posteriors):
        k, m, d = self.means_.shape
        n_samples = X.shape[0]
        # Responsibilities of the components within each state, times the
        # state posteriors: (n_samples, K * n_mix) weights of the rows.
        with threads_for(n_samples * k * m):
            resp = _kernels.mixture_responsibilities(
                self._component_log_prob(X), posteriors, m, n_chunks_for(n_samples)
            )
        full = self.covariance_type in ("full", "tied")
        # Sums around the previous means: hmmlearn's covariance scatter, and
        # no E[x^2] - E[x]^2 cancellation.
        shift = self.means_.reshape(k * m, d).astype(X.dtype)
        with threads_for(n_samples * k * m * d**2):
            parts = _gaussian_kernels.weighted_moments(
                X,
                resp,
                shift,
                full,
                n_chunks_for(n_samples, k * m * d**2),
            )
        nk, sx, sxx = (part.sum(axis=0) for part in parts)
        if full:
            sxx = 0.5 * (sxx + np.swapaxes(sxx, 1, 2))
            sxx = sxx.reshape(k, m, d, d)
        else:
            sxx = sxx.reshape(k, m, d)
        return (
            nk.reshape(k, m),
            sx.reshape(k, m, d),
            sxx,
            posteriors.sum(axis=0),
            self.means_,
        )

    def _blend_emission_statistics(self, old, new, step):
        # Both as sums around the new batch's reference means, then linear.
        k, m, d = new[4].shape
        nk, sx, sxx, post_sum, _ = old
        sxx = sxx.reshape(k * m, d, d) if sxx.ndim == 4 else sxx.reshape(k * m, d)
        _, sx, sxx, _ = reshift_moments(
            nk.ravel(),
            sx.reshape(k * m, d),
            sxx,
            old[4].reshape(k * m, d),
            new[4].reshape(k * m, d),
        )
        old = (nk, sx.reshape(k, m, d), sxx.reshape(new[2].shape), post_sum)
        blended = tuple((1.0 - step) * a + step * b for a, b in zip(old, new[:4]))
        return (*blended, new[4])

    # -- M-step -----------------------------------------------------------------

    def _emission_m_step(self, stats):
        nk, sx, scatter, post_sum, old_means = stats  # sums around old_means
        priors = self._priors()
        if "w" in self.params:
            counts = np.maximum(nk + (priors["weights_prior"] - 1.0), 0.0)
            self.weights_, _ = _normalize_rows(counts, self.weights_)
        means_weight, means_prior = priors["means_weight"], priors["means_prior"]
        if "m" in self.params:
            numerator = means_weight[..., np.newaxis] * means_prior + (
                sx + nk[..., np.newaxis] * old_means
            )
            denominator = (nk + means_weight)[..., np.newaxis]
            # A component with no rows and no prior keeps its mean.
            self.means_ = np.where(
                denominator > 0,
                numerator / np.where(denominator > 0, denominator, 1.0),
                old_means,
            )
        if "c" in self.params:
            self._covariance_m_step(nk, scatter, post_sum, priors)

    def _covariance_m_step(self, nk, scatter, post_sum, priors):
        """hmmlearn's update; ``scatter`` is around the previous means."""
        d = self.means_.shape[2]
        weight = priors["means_weight"]
        centred = self.means_ - priors["means_prior"]
        psi, nu = priors["covars_prior"], priors["covars_weight"]
        covariance_type = self.covariance_type
        if covariance_type == "full":
            outer = centred[..., :, None] * centred[..., None, :]
            numerator = np.swapaxes(psi, -1, -2) + weight[..., None, None] * outer
            numerator = numerator + scatter
            denominator = (nk + 1 + nu + d + 1)[..., None, None]
        elif covariance_type == "tied":
            numerator = (
                np.einsum("km,kma,kmb->kab", weight, centred, centred)
                + np.swapaxes(psi, -1, -2)
                + scatter.sum(axis=1)
            )
            denominator = (post_sum + self.n_mix + nu + d + 1)[:, None, None]
        elif covariance_type == "diag":
            # hmmlearn's names: covars_prior is alpha, covars_weight beta.
            numerator = weight[..., None] * centred**2 + 2 * nu + scatter
            denominator = nk[..., None] + 1 + 2 * (psi + 1)
        else:
            numerator = (
                weight * np.einsum("kma,kma->km", centred, centred)
                + 2 * nu
                + scatter.sum(axis=2)
            )
            denominator = d * (nk + 1) + 2 * (psi + 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            covars = numerator / np.where(denominator > 0, denominator, np.nan)
        if covariance_type in ("spherical", "diag"):
            valid = np.isfinite(covars) & (covars > 0)
        else:
            matrices = covars.reshape(-1, d, d)
            finite = np.all(np.isfinite(matrices), axis=(1, 2))
            eigenvalues = np.linalg.eigvalsh(
                np.where(finite[:, None, None], matrices, np.eye(d))
            )
            # Positive definite, and not numerically singular.
            smallest, largest = eigenvalues[:, 0], eigenvalues[:, -1]
            valid = (
                finite
                & (smallest > 0)
                & (smallest > d * np.finfo(np.float64).eps * largest)
            )
            valid = valid.reshape(covars.shape[:-2])[..., None, None]
        self.covars_ = np.where(valid, covars, self.covars_)
        if not np.all(valid):
            kept = ~valid
            if covariance_type == "diag":
                kept = kept.any(axis=-1)
            elif covariance_type in ("full", "tied"):
                kept = kept[..., 0, 0]
            where = np.argwhere(kept).tolist()
            what = "state(s)" if covariance_type == "tied" else "(state, mix) pair(s)"
            warnings.warn(
                f"The covariance update of {what} {where[:5]} would not be "
                "positive definite (too few expected rows, rows on one point or a "
                "constant feature); they keep their previous covariance. "
                "Consider a smaller n_mix or a covars_prior.",
                RuntimeWarning,
                stacklevel=2,
            )

    # -- sampling and counting --------------------------------------------------

    def _dense_covariances(self):
        """Covariance of every component, (n_components * n_mix, d, d)."""
        k, m, d = self.means_.shape
        covars = self.covars_
        if self.covariance_type == "full":
            return covars.reshape(k * m, d, d)
        if self.covariance_type == "tied":
            return np.repeat(covars, m, axis=0)
        if self.covariance_type == "spherical":
            covars = np.repeat(covars[..., np.newaxis], d, axis=2)
        return covars.reshape(k * m, d)[:, :, np.newaxis] * np.eye(d)

    def _sample_emissions(self, states, random_state):
        k, m, d = self.means_.shape
        n_samples = states.shape[0]
        # A row's component: the first whose cumulative weight exceeds a uniform.
        cumulative = np.cumsum(self.weights_, axis=1)
        uniform = random_state.uniform(size=(n_samples, 1))
        mix = np.minimum((uniform >= cumulative[states]).sum(axis=1), m - 1)
        components = states * m + mix
        noise = random_state.standard_normal((n_samples, d))
        factors = np.linalg.cholesky(self._dense_covariances())
        means = self.means_.reshape(k * m, d)
        X = np.empty((n_samples, d))
        for component in np.unique(components):  # a loop over components
            rows = components == component
            X[rows] = means[component] + noise[rows] @ factors[component].T
        return X

    def _n_emission_parameters(self):
        k, m, d = self.means_.shape
        return {
            "w": k * (m - 1),
            "m": k * m * d,
            "c": {
                "spherical": k * m,
                "diag": k * m * d,
                "tied": k * d * (d + 1) // 2,
                "full": k * m * d * (d + 1) // 2,
            }[self.covariance_type],
        }
