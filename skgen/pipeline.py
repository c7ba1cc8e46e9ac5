"""Pipelines that generate: preprocessing, then a generative model.

:class:`GenerativePipeline` is a scikit-learn :class:`~sklearn.pipeline.Pipeline`
whose last step is a generative model. ``sample`` draws from that model and
maps the rows back through each step's ``inverse_transform``; ``score_samples``
adds the log-Jacobian of the preprocessing, so that densities are in the units
of the input rows. (The preprocessing of mixed tables,
:class:`skgen.preprocessing.TabularEncoder`, lives in
:mod:`skgen.preprocessing`.)
"""

from inspect import signature

import numpy as np
from sklearn.base import is_classifier
from sklearn.decomposition import PCA, IncrementalPCA
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    MaxAbsScaler,
    MinMaxScaler,
    StandardScaler,
)
from sklearn.utils import get_tags

from skgen.base import GenerativeMixin, _weighted_mean
from skgen.utils._sklearn_compat import (
    StrOptions,
    check_is_fitted,
)

__all__ = ["GenerativePipeline", "make_generative_pipeline"]

#: What ``density_space='input'`` knows how to take the Jacobian of.
_KNOWN_AFFINE = (
    "StandardScaler, MinMaxScaler (clip=False), MaxAbsScaler, PCA or "
    "IncrementalPCA keeping every dimension, the identity FunctionTransformer"
)


# ---------------------------------------------------------------------------
# The Jacobian of a preprocessing step, and its inverse.
# ---------------------------------------------------------------------------


def _sum_log(values, sign=1.0):
    return sign * float(np.sum(np.log(np.asarray(values, dtype=np.float64))))


def _affine_log_det(step):
    """``log |det A|`` of a fitted step that is ``x -> A x + b``, and why not.

    Returns ``(log_det, None)`` for a step known to be an invertible affine
    map, ``(None, reason)`` otherwise.
    """
    if isinstance(step, StandardScaler):
        # z = (x - mean_) / scale_; scale_ is None when with_std=False.
        return (0.0 if step.scale_ is None else _sum_log(step.scale_, -1.0)), None
    if isinstance(step, MinMaxScaler):
        if step.clip:
            return None, "clips to feature_range, which no inverse undoes"
        return _sum_log(step.scale_), None  # z = x * scale_ + min_
    if isinstance(step, MaxAbsScaler):
        return _sum_log(step.scale_, -1.0), None  # z = x / scale_
    if isinstance(step, (PCA, IncrementalPCA)):
        if step.n_components_ != step.n_features_in_:
            return None, (
                f"maps {step.n_features_in_} features to {step.n_components_}, "
                "so the rows it is given have no density in the model's space"
            )
        # z = (x - mean_) @ components_.T, components_ orthogonal (|det| = 1);
        # whitening then divides by sqrt(explained_variance_).
        if step.whiten:
            return _sum_log(step.explained_variance_, -0.5), None
        return 0.0, None
    if isinstance(step, FunctionTransformer) and step.func is None:
        return 0.0, None
    return None, (
        f"is not one of the invertible affine maps skgen knows ({_KNOWN_AFFINE}) "
        "and has no log_abs_det_jacobian(X) method"
    )


def _log_abs_det_jacobian(name, step, X):
    """``log |det dT/dx|`` of ``step`` at its input rows ``X``.

    A scalar for an affine step, else one value per row; raises a
    ``ValueError`` naming the step when the step has none.
    """
    if hasattr(step, "log_abs_det_jacobian"):
        return np.asarray(step.log_abs_det_jacobian(X), dtype=np.float64)
    if isinstance(step, Pipeline):  # a plain sklearn pipeline of transformers
        total = 0.0
        for _, inner_name, inner in step._iter():
            total = total + _log_abs_det_jacobian(f"{name}__{inner_name}", inner, X)
            X = inner.transform(X)
        return total
    log_det, reason = _affine_log_det(step)
    if reason is not None:
        raise ValueError(
            "density_space='input' makes score_samples the density of the input "
            "rows, which needs every step to be an invertible map of known "
            f"Jacobian; step '{name}' ({type(step).__name__}) {reason}. Set "
            "density_space='model' for the final step's density of the "
            "transformed rows, or give the step a log_abs_det_jacobian(X) method."
        )
    return log_det


def _check_invertible(name, step):
    """Raise a ``TypeError`` naming ``step`` if it cannot map samples back."""
    if isinstance(step, Pipeline):
        for _, inner_name, inner in step._iter():
            _check_invertible(f"{name}__{inner_name}", inner)
        return
    if not hasattr(step, "inverse_transform"):
        raise TypeError(
            "sample maps the model's draws back through the inverse_transform of "
            f"every step, but step '{name}' ({type(step).__name__}) has no "
            "inverse_transform."
        )
    if (
        isinstance(step, FunctionTransformer)
        and step.func is not None
        and step.inverse_func is None
    ):
        raise TypeError(
            f"step '{name}' is a FunctionTransformer with a func but no "
            "inverse_func: its inverse_transform would return the draws "
            "unchanged, not mapped back. Give it inverse_func."
        )


# ---------------------------------------------------------------------------
# GenerativePipeline
# ---------------------------------------------------------------------------


class GenerativePipeline(Pipeline, GenerativeMixin):
    """A pipeline of transformers ending with a generative model.

    A :class:`sklearn.pipeline.Pipeline` (everything a pipeline does, it does:
    ``fit``, ``predict``, ``step__param`` names for grid searches, metadata
    routing) whose final step has ``score_samples`` and ``sample``. It adds:

    * ``sample``: draws from the final model, then maps the rows back through
      each step's ``inverse_transform``, last to first, so that generated rows
      are in the units (and, with :class:`TabularEncoder`, the columns and
      categories) of the training data;
    * ``score_samples``: the final model's log-density of the transformed
      rows, **plus the log-Jacobian of the transformation**, so that it is a
      density of the input rows, comparable with a model fitted on the raw
      data (see ``density_space``);
    * ``score``, ``bic``, ``aic`` from that density (a classifier as final
      step keeps its accuracy as ``score``).

    Read more in the :ref:`User Guide <pipeline>`.

    Parameters
    ----------
    steps : list of tuples
        ``(name, estimator)`` pairs, as for :class:`~sklearn.pipeline.Pipeline`.
        The last estimator must have ``score_samples`` and ``sample``; the
        others are transformers, which need ``inverse_transform`` for
        :meth:`sample`.

    transform_input : list of str, default=None
        As for :class:`~sklearn.pipeline.Pipeline` (metadata routing only).

    memory : str or object with the joblib.Memory interface, default=None
        Caches the fitted transformers, as for
        :class:`~sklearn.pipeline.Pipeline`.

    verbose : bool, default=False
        Print the time each step takes to fit.

    density_space : {'input', 'model'}, default='input'
        Whose density :meth:`score_samples` returns.

        - 'input': the density of the input rows, ``log p_model(T(x)) + log
          |det J_T(x)|``. Every step must then be an invertible map of known
          Jacobian: :class:`~sklearn.preprocessing.StandardScaler`,
          :class:`~sklearn.preprocessing.MinMaxScaler` (``clip=False``),
          :class:`~sklearn.preprocessing.MaxAbsScaler`,
          :class:`~sklearn.decomposition.PCA` or
          :class:`~sklearn.decomposition.IncrementalPCA` keeping every
          dimension (whitened or not), an identity
          :class:`~sklearn.preprocessing.FunctionTransformer`, a plain
          :class:`~sklearn.pipeline.Pipeline` of these, or any step with a
          method ``log_abs_det_jacobian(X)`` (per row, at the step's input).
          Other steps make :meth:`score_samples` raise a ``ValueError`` naming
          the step.
        - 'model': the final model's density of the transformed rows, without
          Jacobian. This is what a step that changes the dimension (``PCA``
          with fewer components) or is not invertible (one-hot encoding)
          leaves: a density on another space, comparable only between models
          fitted after the *same* fitted transformation.

        It is a constructor parameter, not an argument of ``score_samples``,
        because ``score``, ``bic``, ``aic`` and scikit-learn's scorers and
        searches call ``score_samples(X)`` with nothing else; as a parameter
        it is cloned, validated and searchable with the others. It is not
        guessed ('auto'): a pipeline that silently switched spaces when a step
        changed would let a search compare log-likelihoods measured in
        different units (e.g. over ``pca__n_components``); with 'input' such
        a search scores NaN, with scikit-learn's warning, instead.
        :meth:`fit` and :meth:`sample` do not depend on it.

    Attributes
    ----------
    named_steps : :class:`~sklearn.utils.Bunch`
        The steps by name.

    classes_ : ndarray of shape (n_classes,)
        The classes, when the final step is a classifier.

    n_features_in_ : int
        Number of features seen by the first step during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen by the first step during fit, when ``X``
        had string column names.

    See Also
    --------
    make_generative_pipeline : Build one, naming the steps automatically.
    skgen.preprocessing.TabularEncoder : Preprocessing of mixed tabular data,
        with an inverse.
    sklearn.pipeline.Pipeline : What this pipeline extends.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skgen.mixture import GaussianMixture
    >>> from skgen.pipeline import make_generative_pipeline
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal([0.0, 100.0], [1.0, 10.0], size=(500, 2))
    >>> pipe = make_generative_pipeline(
    ...     StandardScaler(), GaussianMixture(random_state=0)
    ... ).fit(X)
    >>> X_new, labels = pipe.sample(4, random_state=0)  # in the units of X
    >>> X_new.shape
    (4, 2)

    With the Jacobian, the density is that of the rows of ``X``, the same as
    a Gaussian fitted to the raw data:

    >>> raw = GaussianMixture(random_state=0).fit(X)
    >>> print(f"{pipe.score(X):.4f} {raw.score(X):.4f}")
    -5.1135 -5.1135
    """

    _parameter_constraints: dict = {
        **Pipeline._parameter_constraints,
        "density_space": [StrOptions({"input", "model"})],
    }

    # scikit-learn's estimator checks that cannot pass, with the reason; read
    # by tests/test_common.py (scikit-learn lists the same two for Pipeline).
    _expected_failed_checks = {
        check: (
            "a Pipeline fits the estimators of its `steps` parameter in place "
            "(so that `named_steps` are the fitted steps); scikit-learn "
            "expects this failure of its own Pipeline."
        )
        for check in (
            "check_dont_overwrite_parameters",
            "check_estimators_overwrite_params",
        )
    }

    def __init__(
        self,
        steps,
        *,
        transform_input=None,
        memory=None,
        verbose=False,
        density_space="input",
    ):
        super().__init__(
            steps, transform_input=transform_input, memory=memory, verbose=verbose
        )
        self.density_space = density_space

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # NaN reaches the model only if every step lets it through.
        steps = [step for _, step in self.steps if step not in (None, "passthrough")]
        tags.input_tags.allow_nan = all(
            get_tags(step).input_tags.allow_nan for step in steps
        )
        return tags

    def _validate_steps(self):
        # Called by Pipeline.fit before any step is fitted.
        super()._validate_steps()
        name, final = self.steps[-1]
        missing = [m for m in ("score_samples", "sample") if not hasattr(final, m)]
        if missing:
            raise TypeError(
                "The last step of a GenerativePipeline must be a generative "
                f"model with score_samples and sample; step '{name}' "
                f"({type(final).__name__}) has no {' or '.join(missing)}."
            )

    def __getitem__(self, ind):
        """A step (by index or name), or a sub-pipeline (by slice).

        A slice that keeps the final model is a :class:`GenerativePipeline`
        with the same parameters; one without it (``pipe[:-1]``) is a plain
        :class:`~sklearn.pipeline.Pipeline` of transformers.
        """
        if not isinstance(ind, slice):
            return super().__getitem__(ind)
        if ind.step not in (1, None):
            raise ValueError("Pipeline slicing only supports a step of 1")
        kept = range(len(self.steps))[ind]
        if len(kept) and kept[-1] == len(self.steps) - 1:
            return type(self)(
                self.steps[ind],
                memory=self.memory,
                verbose=self.verbose,
                density_space=self.density_space,
            )
        return Pipeline(self.steps[ind], memory=self.memory, verbose=self.verbose)

    def score_samples(self, X):
        """Log-density of each row: of the input rows, or of the transformed.

        With ``density_space='input'`` (the default), the final model's
        log-density of the transformed rows plus the log-Jacobian of the
        transformation, ``log p(x) = log p_model(T(x)) + log |det J_T(x)|``:
        a density in the units of ``X``, which integrates to 1 over the input
        space and is comparable with any model of the raw rows. A step that is
        not an invertible map of known Jacobian (a ``PCA`` that drops
        dimensions, a one-hot encoding, ...) raises a ``ValueError`` naming
        it. With ``density_space='model'``, the final model's log-density of
        the transformed rows, ``log p_model(T(x))``, whatever the steps: a
        density on the model's space, comparable only between models fitted
        after the same fitted transformation.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to score, as the first step takes them.

        Returns
        -------
        log_prob : ndarray of shape (n_samples,)
            Log-density of each row.
        """
        check_is_fitted(self)
        Xt, log_det = X, 0.0
        for _, name, step in self._iter(with_final=False):
            if self.density_space == "input":
                log_det = log_det + _log_abs_det_jacobian(name, step, Xt)
            Xt = step.transform(Xt)
        return self._final_estimator.score_samples(Xt) + log_det

    def score(self, X, y=None, sample_weight=None, **params):
        """Mean log-likelihood of ``X``, or accuracy for a final classifier.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to score.
        y : array-like of shape (n_samples,), default=None
            True classes, when the final step is a classifier; else ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows.
        **params : dict
            Metadata routed to the steps (classifier as final step only,
            with metadata routing enabled).

        Returns
        -------
        score : float
            The (weighted) mean of :meth:`score_samples` for a density model;
            :meth:`sklearn.pipeline.Pipeline.score` (the accuracy) for a
            classifier.
        """
        if is_classifier(self._final_estimator):
            return super().score(X, y, sample_weight=sample_weight, **params)
        if params:
            raise TypeError(
                "score of a GenerativePipeline ending with a density model takes "
                f"no metadata but sample_weight; got {sorted(params)}."
            )
        return _weighted_mean(self.score_samples(X), sample_weight)

    def sample(self, n_samples=1, *, y=None, random_state=None, given=None, **kwargs):
        """Draw rows from the final model and map them back to the input space.

        Every step must have an ``inverse_transform`` (checked, with an error
        naming the step, before anything is drawn).

        Parameters
        ----------
        n_samples : int, default=1
            Number of rows.
        y : label or array-like of shape (n_samples,), default=None
            Classes of the rows, for a final step that generates given classes
            (naive Bayes, :class:`~skgen.classification.GenerativeClassifier`);
            None leaves them to the model.
        random_state : int, RandomState instance or None, default=None
            Passed to the final model: None draws from its own stream, which
            every call advances; an int makes the call reproducible.
        given : dict, default=None
            ``{column: value}``: rows drawn given these values of the input
            columns, exactly (no rejection loop), as
            :meth:`TableSynthesizer.sample <skgen.tabular.TableSynthesizer.sample>`
            draws them. Only for a pipeline of a
            :class:`~skgen.preprocessing.TabularEncoder` and a
            :class:`~skgen.mixture.GaussianMixture` or
            :class:`~skgen.mixture.MixedTypeMixture`: the given values are
            encoded, the mixture conditioned on them.
        **kwargs : dict
            Further keyword arguments of the final model's ``sample``.

        Returns
        -------
        X : ndarray or DataFrame of shape (n_samples, n_features)
            The rows, mapped back through the inverse of every step (a
            DataFrame when the first step returns one, as
            :class:`TabularEncoder` fitted on a DataFrame does).
        latent : ndarray of shape (n_samples,) or None
            What the final model returns with its rows: component labels,
            classes, states... (None for a model whose ``sample`` returns
            the rows alone, as scikit-learn's ``KernelDensity``).
        """
        check_is_fitted(self)
        steps = list(self._iter(with_final=False))
        for _, name, step in steps:
            _check_invertible(name, step)
        final_name, final = self.steps[-1]
        if y is not None:
            if "y" not in signature(final.sample).parameters:
                raise TypeError(
                    f"y was given, but the final step '{final_name}' "
                    f"({type(final).__name__}) does not generate given classes: "
                    "its sample takes no y."
                )
            kwargs["y"] = y
        if given:
            return self._sample_given(n_samples, random_state, given)
        drawn = final.sample(n_samples, random_state=random_state, **kwargs)
        X, latent = drawn if isinstance(drawn, tuple) else (drawn, None)
        for _, _, step in reversed(steps):
            X = step.inverse_transform(X)
        return X, latent

    def _sample_given(self, n_samples, random_state, given):
        """:meth:`sample` given column values: an encoder, then a mixture."""
        from skgen._tabular_given import restore_given, sample_given
        from skgen.mixture import GaussianMixture, MixedTypeMixture
        from skgen.preprocessing import TabularEncoder

        encoder, model = self.steps[0][1], self.steps[-1][1]
        if not (
            len(self.steps) == 2
            and isinstance(encoder, TabularEncoder)
            and isinstance(model, (GaussianMixture, MixedTypeMixture))
        ):
            raise ValueError(
                "given needs a pipeline of a TabularEncoder and a GaussianMixture "
                "or MixedTypeMixture; got steps "
                f"{[type(step).__name__ for _, step in self.steps]}."
            )
        rng = model._sample_stream(n_samples, random_state)
        Z, labels = sample_given(encoder, model, n_samples, given, rng)
        X = encoder.inverse_transform(Z)
        return restore_given(X, encoder, given), labels

    def _n_parameters(self):
        """Free parameters of the final model (the steps' are not counted)."""
        check_is_fitted(self)
        return self._final_estimator._n_parameters()


def make_generative_pipeline(
    *steps, memory=None, transform_input=None, verbose=False, density_space="input"
):
    """Build a :class:`GenerativePipeline`, naming each step after its class.

    As :func:`sklearn.pipeline.make_pipeline`: the name of a step is its class
    name in lower case (numbered when repeated), so the final model's
    parameters are searched as, e.g., ``gaussianmixture__n_components``.

    Parameters
    ----------
    *steps : list of estimators
        Transformers, then a generative model (with ``score_samples`` and
        ``sample``).
    memory : str or object with the joblib.Memory interface, default=None
        Caches the fitted transformers.
    transform_input : list of str, default=None
        As for :func:`sklearn.pipeline.make_pipeline`.
    verbose : bool, default=False
        Print the time each step takes to fit.
    density_space : {'input', 'model'}, default='input'
        Whose density ``score_samples`` returns; see
        :class:`GenerativePipeline`.

    Returns
    -------
    pipeline : GenerativePipeline

    Examples
    --------
    >>> from sklearn.decomposition import PCA
    >>> from skgen.mixture import GaussianMixture
    >>> from skgen.pipeline import make_generative_pipeline
    >>> make_generative_pipeline(PCA(10), GaussianMixture(5), density_space="model")
    GenerativePipeline(density_space='model',
                       steps=[('pca', PCA(n_components=10)),
                              ('gaussianmixture', GaussianMixture(n_components=5))])
    """
    named = make_pipeline(*steps).steps
    return GenerativePipeline(
        named,
        transform_input=transform_input,
        memory=memory,
        verbose=verbose,
        density_space=density_space,
    )


def __getattr__(name):
    # skgen.pipeline.TabularEncoder moved to skgen.preprocessing (0.1.0.dev).
    if name == "TabularEncoder":
        import warnings

        from skgen.preprocessing import TabularEncoder

        warnings.warn(
            "skgen.pipeline.TabularEncoder is now skgen.preprocessing."
            "TabularEncoder; import it from there (this alias will be removed). "
            "Its 'standardize' parameter is now numeric='standard' (True) or "
            "'passthrough' (False); the default encoding is numeric='quantile'.",
            FutureWarning,
            stacklevel=2,
        )
        return TabularEncoder
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
