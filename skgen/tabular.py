"""Synthetic tables that keep every column's type, range and shape."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state

from skgen._tabular_given import restore_given, sample_given
from skgen.base import GenerativeMixin
from skgen.mixture import MixedTypeMixture
from skgen.preprocessing import TabularEncoder
from skgen.utils._monitor import without_convergence_warnings
from skgen.utils._sklearn_compat import (
    Interval,
    StrOptions,
    _fit_context,
    check_is_fitted,
)

__all__ = ["TableSynthesizer"]

#: Numbers of components 'auto' tries (those below the rows' limit).
AUTO_COMPONENTS = (1, 2, 3, 4, 6, 8, 10, 12, 16, 20, 25, 30)


class TableSynthesizer(GenerativeMixin, BaseEstimator):
    """Synthesize tables: each column's marginal, the columns' dependence.

    Every number is taken through its column's observed distribution to a
    normal score (:class:`~skgen.preprocessing.TabularEncoder` with
    ``numeric='quantile'``), every category to its code, every missing cell
    to an indicator; a :class:`~skgen.mixture.MixedTypeMixture` -- Gaussian
    components over the scores, categorical distributions over the codes --
    models the dependence between all of them. With one component this is
    SDV's Gaussian copula; more components capture clusters, interactions of
    categories with numbers, and non-Gaussian dependence.

    Generated tables hold only values their columns could hold: the input's
    dtypes, integers in integer columns, categories seen in fit, numbers
    inside the observed range (or ``bounds``), point masses (a value 70% of
    rows share) at about their frequency, and missing cells at about their
    rate and in their pattern. Sampling is one pass, never a loop that
    redraws until rows fit.

    Read more in the :ref:`User Guide <tables>`.

    Parameters
    ----------
    n_components : int or 'auto', default='auto'
        Components of the mixture; 'auto' fits :data:`AUTO_COMPONENTS` in
        turn (at most one per ``min_rows_per_component`` rows) until two in a
        row have a higher BIC than the best so far, and keeps the lowest BIC.

    covariance_type : {'full', 'diag'}, default='full'
        Covariance of the components over the numbers' scores.

    categorical_features : 'auto' or array-like, default='auto'
        The categorical columns, as for
        :class:`~skgen.preprocessing.TabularEncoder`.

    bounds : dict, default=None
        ``{column: (low, high)}``: ranges that generated numbers keep to
        (default: the observed ones).

    alpha : float, default=0.1
        Pseudo-count added to each category of each component (smoothing of
        rare categories).

    reg_covar : float, default=1e-3
        Added to the diagonal of the covariances (the scores have unit
        variance).

    min_rows_per_component : int, default=20
        For 'auto': no more components than rows / this.

    max_iter : int, default=200
        EM iterations per fit.

    n_init : int, default=1
        EM starts per number of components.

    random_state : int, RandomState instance or None, default=None
        Seeds the fits and the stream :meth:`sample` draws from.

    Attributes
    ----------
    encoder_ : TabularEncoder
        The fitted encoding of the table.
    model_ : MixedTypeMixture
        The fitted mixture of the encoded rows.
    n_components_ : int
        Its number of components.
    bic_ : dict
        BIC of each number of components tried.
    monitor_ : :class:`~skgen.utils.ConvergenceMonitor`
        The chosen mixture's EM convergence.
    n_features_in_ : int
        Number of columns seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names seen during fit, when they are strings.

    See Also
    --------
    skgen.preprocessing.TabularEncoder : The encoding alone, for any model.
    skgen.mixture.MixedTypeMixture : The model alone.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skgen.tabular import TableSynthesizer
    >>> rng = np.random.RandomState(0)
    >>> df = pd.DataFrame({
    ...     "visits": rng.poisson(0.5, 300),                     # mostly 0
    ...     "income": np.round(np.exp(rng.normal(10, 1, 300))),  # skewed
    ...     "plan": rng.choice(["basic", "plus"], 300),
    ... })
    >>> synthesizer = TableSynthesizer(random_state=0).fit(df)
    >>> synthetic, _ = synthesizer.sample(1000)
    >>> synthetic.dtypes.tolist() == df.dtypes.tolist()
    True
    >>> low, high = df["income"].min(), df["income"].max()
    >>> bool(synthetic["income"].between(low, high).all())
    True
    """

    _parameter_constraints: dict = {
        "n_components": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "covariance_type": [StrOptions({"full", "diag"})],
        "categorical_features": [StrOptions({"auto"}), "array-like"],
        "bounds": [dict, None],
        "alpha": [Interval(Real, 0.0, None, closed="left")],
        "reg_covar": [Interval(Real, 0.0, None, closed="left")],
        "min_rows_per_component": [Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "n_init": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_components="auto",
        *,
        covariance_type="full",
        categorical_features="auto",
        bounds=None,
        alpha=0.1,
        reg_covar=1e-3,
        min_rows_per_component=20,
        max_iter=200,
        n_init=1,
        random_state=None,
    ):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.categorical_features = categorical_features
        self.bounds = bounds
        self.alpha = alpha
        self.reg_covar = reg_covar
        self.min_rows_per_component = min_rows_per_component
        self.max_iter = max_iter
        self.n_init = n_init
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the table's columns and their dependence.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            The table; missing cells are modelled.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted synthesizer.
        """
        self.encoder_ = TabularEncoder(
            self.categorical_features,
            numeric="quantile",
            categorical="ordinal",
            bounds=self.bounds,
        ).fit(X)
        self.n_features_in_ = self.encoder_.n_features_in_
        if hasattr(self.encoder_, "feature_names_in_"):
            self.feature_names_in_ = self.encoder_.feature_names_in_
        Z = self.encoder_.transform(X)
        if Z.shape[0] < 2:
            raise ValueError(
                f"Found {Z.shape[0]} sample(s) while a minimum of 2 is required."
            )
        self._warn_identifiers(Z.shape[0])
        random_state = check_random_state(self.random_state)
        self.bic_ = {}
        best = None
        worse = 0
        for n_components in self._candidates(Z.shape[0]):
            model = without_convergence_warnings(
                self._mixture(n_components, random_state).fit, Z
            )
            self.bic_[n_components] = model.bic(Z)
            if best is None or self.bic_[n_components] < self.bic_[best.n_components]:
                best, worse = model, 0
            else:
                worse += 1
            if worse == 2:  # past the bottom of the BIC curve
                break
        if not best.converged_:
            best.monitor_.warn(
                f"EM of the {best.n_components}-component mixture",
                "max_iter",
                "Increase max_iter.",
            )
        self.model_ = best
        self.n_components_ = best.n_components
        self.monitor_ = best.monitor_
        self._start_sample_stream()
        return self

    def _warn_identifiers(self, n_samples):
        """A categorical column with a value in nearly every row is most
        likely an identifier: modelled as a category, its values are copied
        from the training rows into the synthetic ones."""
        for j, categories in zip(
            self.encoder_.categorical_features_, self.encoder_.categories_
        ):
            if n_samples >= 20 and len(categories) > n_samples // 2:
                warnings.warn(
                    f"Column {self.encoder_._name(j)!r} holds {len(categories)} "
                    f"distinct values in {n_samples} rows, as an identifier "
                    "does: the synthesizer copies such values from the training "
                    "rows. Drop the column, or give it as numbers if it is one.",
                    UserWarning,
                    stacklevel=3,
                )

    def _candidates(self, n_rows):
        if self.n_components != "auto":
            return [min(self.n_components, n_rows)]
        limit = max(1, n_rows // self.min_rows_per_component)
        return [k for k in AUTO_COMPONENTS if k <= limit]

    def _mixture(self, n_components, random_state):
        return MixedTypeMixture(
            n_components,
            column_types=list(self.encoder_.output_types_),
            covariance_type=self.covariance_type,
            alpha=self.alpha,
            reg_covar=self.reg_covar,
            max_iter=self.max_iter,
            n_init=self.n_init,
            random_state=random_state.randint(np.iinfo(np.int32).max),
        )

    def sample(self, n_samples=1, *, random_state=None, given=None):
        """Generate a table.

        Parameters
        ----------
        n_samples : int, default=1
            Number of rows.
        random_state : int, RandomState instance or None, default=None
            None draws from the synthesizer's own stream (advanced by every
            call); an int makes the call reproducible.
        given : dict, default=None
            ``{column: value}``: generate rows with these values, drawn from
            the model's distribution of the other columns given them, exactly
            (no rejection loop). Columns by name or index; a category seen in
            fit, or a number inside its column's range. At most three of the
            numbers may be integers or repeated values (for the model, a
            range of values); dates cannot be given. See :ref:`tables`.

        Returns
        -------
        X : DataFrame or ndarray of shape (n_samples, `n_features_in_`)
            The rows, with the columns and dtypes of the training table.
        labels : ndarray of shape (n_samples,)
            The mixture component each row was drawn from.
        """
        rng = self._sample_stream(n_samples, random_state)
        if not given:
            Z, labels = self.model_.sample(n_samples, random_state=rng)
            return self.encoder_.inverse_transform(Z), labels
        Z, labels = sample_given(self.encoder_, self.model_, n_samples, given, rng)
        X = self.encoder_.inverse_transform(Z)
        return restore_given(X, self.encoder_, given), labels

    def score_samples(self, X):
        """Log-density of the rows, as encoded (normal scores and codes).

        A table with categories and point masses has no density in its own
        units; this is the mixture's density of the encoded rows, comparable
        between models fitted through the same encoding.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Rows with the columns seen in fit.

        Returns
        -------
        log_prob : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        return self.model_.score_samples(self.encoder_.transform(X))

    def _n_parameters(self):
        return self.model_._n_parameters()
