"""Encoding of real tables (numbers, categories, missing cells) for generative
models, and the decoding of generated rows into values each column could hold."""

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_array

from skgen.preprocessing._columns import CategoricalColumn, NumericColumn
from skgen.preprocessing._values import (
    DatetimeAxis,
    as_float,
    is_categorical_column,
    is_datetime,
    missing_mask,
)
from skgen.utils._hashing import row_hash_uniforms
from skgen.utils._sklearn_compat import (
    StrOptions,
    _fit_context,
    check_is_fitted,
    validate_data,
)


def _is_dataframe(X):
    return hasattr(X, "columns") and hasattr(X, "dtypes") and hasattr(X, "iloc")


class TabularEncoder(TransformerMixin, BaseEstimator):
    """Encode a real table as numbers, and decode generated rows into a table.

    Each column's kind is recorded -- categorical, boolean, integer, count,
    bounded or free continuous, datetime -- with its observed range, its
    point masses (values many rows share, such as 0 or a cap) and its
    missing cells. :meth:`transform` turns rows into numbers a generative
    model can fit; :meth:`inverse_transform` turns *any* real rows of that
    width (in particular rows a model generated) back into values each
    column could hold: the input's dtypes, integers for integer columns,
    only the categories seen in fit, every value inside the observed range
    (or the one given in ``bounds``), missing cells where the model put them.
    Decoding is one pass, never a loop that redraws until a value fits.

    With ``numeric='quantile'`` (the default) a number becomes the normal
    score of its place in the column's observed distribution; a value many
    rows share is spread over its share of the distribution (a point drawn
    uniformly in it), and every score in that share decodes back to the value
    itself; where in its share a row lands depends on a hash of the row's
    values (so :meth:`transform` is deterministic, and a row's encoding does
    not depend on the other rows). A model whose marginals are close to
    standard normal therefore gives each column its observed distribution
    back, point masses included
    (a column that is 0 for 70% of rows stays 0 for about 70%), and the
    dependence between columns is what the model learns: with a Gaussian
    model this is a Gaussian copula, with a mixture a mixture of copulas.

    Fitted on a DataFrame it returns a DataFrame with the original columns,
    dtypes and categories, which lets a
    :class:`~skgen.pipeline.GenerativePipeline` synthesize tables::

        make_generative_pipeline(TabularEncoder(), GaussianMixture(5)).fit(df)

    Read more in the :ref:`User Guide <pipeline>`.

    Parameters
    ----------
    categorical_features : 'auto' or array-like, default='auto'
        The categorical columns: names (DataFrame input), integer positions,
        or a boolean mask over the columns. 'auto' takes the columns of dtype
        category, bool or string, and those of dtype object that hold
        anything but numbers (so none of a numeric array).

    numeric : {'quantile', 'standard', 'passthrough'}, default='quantile'
        How numbers are encoded: normal scores through the column's empirical
        distribution ('quantile'), z-scores ('standard'), or as they are.
        Every encoding decodes into the column's range and, for integer
        columns, to integers; only 'quantile' reproduces point masses.

    categorical : {'onehot', 'ordinal'}, default='onehot'
        One output per category (decoded by the largest), or one integer
        code per column (for models of categories, such as
        :class:`~skgen.mixture.MixedTypeMixture`).

    bounds : dict, default=None
        Range of values of numeric columns, ``{column: (low, high)}`` (names
        or positions; None for no bound on a side). Decoded values are kept
        inside it; columns not named keep their observed range.


    Attributes
    ----------
    numeric_features_ : ndarray of shape (n_numeric,)
        Positions of the numeric (and datetime) columns.

    categorical_features_ : ndarray of shape (n_categorical,)
        Positions of the categorical (and boolean) columns.

    categories_ : list of ndarray
        The categories of each categorical column, in the order of
        ``categorical_features_``; NaN is one when the column has missing
        cells.

    column_kinds_ : ndarray of str of shape (`n_features_in_`,)
        'categorical', 'boolean', 'integer', 'count' (non-negative
        integers), 'bounded' (continuous with a given range or a point mass
        at its minimum or maximum), 'continuous' or 'datetime'.

    bounds_ : dict
        ``{position: (low, high)}``, the range of each numeric column.

    point_masses_ : dict
        ``{position: (values, shares)}`` of each numeric column: the values
        two rows or more share, and the share of rows holding each.

    missing_rates_ : ndarray of shape (`n_features_in_`,)
        Share of missing cells in each column.

    output_types_ : ndarray of str of shape (n_features_out,)
        What each output is, in the names of
        :class:`~skgen.mixture.MixedTypeMixture`'s ``column_types``:
        'gaussian' (a number's score), 'bernoulli' (a missing-cell indicator
        or a one-hot entry) or 'categorical' (an ordinal code).

    n_features_in_ : int
        Number of columns seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names seen during fit, when ``X`` had string column names.

    See Also
    --------
    skgen.tabular.TableSynthesizer : This encoding and a mixture of mixed
        columns, as one synthesizer of tables.
    skgen.pipeline.GenerativePipeline : Generates rows through the inverse of
        this encoding.

    Examples
    --------
    >>> import pandas as pd
    >>> from skgen.preprocessing import TabularEncoder
    >>> df = pd.DataFrame(
    ...     {"size": [1.5, 3.0, 1.5, 3.0], "colour": ["red", "blue", "red", "red"]}
    ... )
    >>> encoder = TabularEncoder(numeric="standard").fit(df)
    >>> encoder.get_feature_names_out().tolist()
    ['size', 'colour_blue', 'colour_red']

    Any real rows decode into the table's values: a z-score of -9 into the
    smallest size seen, the largest entry of a one-hot block into its category.

    >>> encoder.inverse_transform([[0.2, 0.2, 0.7], [-9.0, 0.9, 0.1]])
       size colour
    0   2.4    red
    1   1.5   blue
    """

    _parameter_constraints: dict = {
        "categorical_features": [StrOptions({"auto"}), "array-like"],
        "numeric": [StrOptions({"quantile", "standard", "passthrough"})],
        "categorical": [StrOptions({"onehot", "ordinal"})],
        "bounds": [dict, None],
    }

    def __init__(
        self,
        categorical_features="auto",
        *,
        numeric="quantile",
        categorical="onehot",
        bounds=None,
    ):
        self.categorical_features = categorical_features
        self.numeric = numeric
        self.categorical = categorical
        self.bounds = bounds

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # missing cells are modelled
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        return tags

    def _validate(self, X, reset):
        if _is_dataframe(X):
            validate_data(self, X, reset=reset, skip_check_array=True)
            return X
        return validate_data(self, X, dtype=None, ensure_all_finite=False, reset=reset)

    # -- the columns ---------------------------------------------------------------

    def _resolve_categorical(self, X):
        """Boolean mask of the categorical columns of ``X``."""
        n_features = X.shape[1]
        spec = self.categorical_features
        if isinstance(spec, str):  # 'auto'
            return np.array(
                [is_categorical_column(*_column(X, j)) for j in range(n_features)],
                dtype=bool,
            )
        return self._columns_of(spec, n_features, "categorical_features")

    def _columns_of(self, spec, n_features, name):
        """A boolean mask from column names, positions or a mask."""
        spec = np.asarray(spec)
        mask = np.zeros(n_features, dtype=bool)
        if spec.size == 0:
            return mask
        if spec.dtype.kind == "b":
            if spec.shape != (n_features,):
                raise ValueError(
                    f"{name} as a boolean mask must have one entry per column "
                    f"({n_features}), got shape {spec.shape}."
                )
            return spec.copy()
        if spec.dtype.kind in "iu":
            if spec.min() < -n_features or spec.max() >= n_features:
                raise ValueError(
                    f"{name} holds positions {spec.tolist()}, out of range for "
                    f"{n_features} columns."
                )
            mask[spec] = True
            return mask
        if spec.dtype.kind in "UO":
            names = getattr(self, "feature_names_in_", None)
            if names is None:
                raise ValueError(
                    f"{name} given as column names needs X to be a DataFrame with "
                    "string column names."
                )
            unknown = sorted(set(spec.tolist()) - set(names.tolist()))
            if unknown:
                raise ValueError(
                    f"{name} names columns {unknown} that are not in X (columns: "
                    f"{names.tolist()})."
                )
            return np.isin(names, spec)
        raise ValueError(
            f"{name} must be 'auto', column names, integer positions or a "
            f"boolean mask; got {spec!r}."
        )

    def _given_bounds(self, n_features):
        """``{position: (key, (low, high))}`` from the ``bounds`` parameter."""
        given = {}
        for column, pair in (self.bounds or {}).items():
            position = np.flatnonzero(self._columns_of([column], n_features, "bounds"))[
                0
            ]
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise ValueError(
                    f"bounds[{column!r}] must be a pair (low, high), got {pair!r}."
                )
            given[int(position)] = (column, tuple(pair))
        return given

    # -- fit -------------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn each column's kind, range, distribution and categories.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Training rows; missing cells (NaN, None, NaT) are allowed.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted encoder.
        """
        X = self._validate(X, reset=True)
        n_features = X.shape[1]
        categorical = self._resolve_categorical(X)
        given = self._given_bounds(n_features)
        named = sorted(set(given) & set(np.flatnonzero(categorical)))
        if named:
            raise ValueError(
                f"bounds names categorical column(s) {[self._name(j) for j in named]}"
                "; bounds apply to numeric and datetime columns only."
            )
        self.numeric_features_ = np.flatnonzero(~categorical)
        self.categorical_features_ = np.flatnonzero(categorical)
        self._columns, self._axes = {}, {}
        kinds = np.empty(n_features, dtype=object)
        self.missing_rates_ = np.zeros(n_features)
        for j in range(n_features):
            values, dtype = _column(X, j)
            if categorical[j]:
                codec = CategoricalColumn(values, self.categorical)
                kinds[j] = "boolean" if _is_bool(dtype) else "categorical"
                self.missing_rates_[j] = missing_mask(values).mean()
            else:
                codec = self._fit_numeric(j, values, dtype, given.get(j))
                kinds[j] = codec.kind
                self.missing_rates_[j] = codec.missing_rate
            self._columns[j] = codec
        self.column_kinds_ = kinds.astype(str)
        self.categories_ = [
            np.asarray(self._columns[j].categories, dtype=object)
            for j in self.categorical_features_
        ]
        self.bounds_ = {
            int(j): (self._columns[j].low, self._columns[j].high)
            for j in self.numeric_features_
        }
        self.point_masses_ = {
            int(j): self._columns[j].point_masses for j in self.numeric_features_
        }
        self._dtypes = list(X.dtypes) if _is_dataframe(X) else None
        self._columns_index = X.columns if _is_dataframe(X) else None
        self._input_dtype = None if _is_dataframe(X) else X.dtype
        self.output_types_ = np.array(
            [kind for _, _, kind in self._layout()], dtype=str
        )
        return self

    def _fit_numeric(self, j, values, dtype, bounds):
        """The :class:`NumericColumn` of column ``j`` (datetimes as whole
        steps of their :class:`DatetimeAxis`), inside ``bounds`` if given."""
        if is_datetime(dtype):
            self._axes[j] = DatetimeAxis(values)
        numbers = self._numbers(j, values, dtype)
        if bounds is not None:
            bounds = self._bounds_as_numbers(j, bounds, numbers)
        kind = _numeric_kind(numbers, dtype, bounds is not None)
        codec = NumericColumn(numbers, kind, bounds or (None, None), self.numeric)
        if kind == "continuous" and _has_edge_mass(codec):
            codec.kind = "bounded"
        return codec

    def _numbers(self, j, values, dtype):
        """Column ``j`` as float64 (datetimes as steps), NaN where missing."""
        if j in self._axes:
            numbers = self._axes[j].to_numbers(values)
        elif is_datetime(dtype):
            raise ValueError(
                f"Column {self._name(j)!r} holds datetimes, but held numbers in fit."
            )
        else:
            try:
                numbers = as_float(values)
            except (TypeError, ValueError):
                raise ValueError(
                    f"Column {self._name(j)!r} is numeric but holds values that "
                    "are not numbers; name it in categorical_features."
                ) from None
        if np.isinf(numbers).any():
            raise ValueError(f"Column {self._name(j)!r} of X contains infinity.")
        return numbers

    def _bounds_as_numbers(self, j, bounds, numbers):
        """``(low, high)`` on the scale of ``numbers``, or a clear error."""
        key, pair = bounds
        axis = self._axes.get(j)
        try:
            low, high = (
                None
                if b is None
                else float(b if axis is None else axis.to_numbers([b])[0])
                for b in pair
            )
        except (TypeError, ValueError):
            what = "numbers" if axis is None else "dates"
            raise ValueError(
                f"bounds[{key!r}] = {pair!r} must hold {what} or None."
            ) from None
        if low is not None and high is not None and low > high:
            raise ValueError(f"bounds[{key!r}] = {pair!r} has low > high.")
        observed = numbers[~np.isnan(numbers)]
        if observed.size and (
            (low is not None and low > observed.max())
            or (high is not None and high < observed.min())
        ):
            raise ValueError(
                f"bounds[{key!r}] = {pair!r} leaves out every value column "
                f"{self._name(j)!r} holds in fit: every decoded value would be "
                "the bound."
            )
        return low, high

    def _layout(self):
        """``(position, what, output type)`` of every output feature, in order:
        the numbers' scores, their missing indicators, then the categories."""
        layout = [(int(j), "score", "gaussian") for j in self.numeric_features_]
        layout += [
            (int(j), "missing", "bernoulli")
            for j in self.numeric_features_
            if self._columns[j].has_missing
        ]
        for j in self.categorical_features_:
            codec = self._columns[j]
            if codec.encoding == "ordinal":
                layout.append((int(j), "code", "categorical"))
            else:
                layout += [(int(j), "code", "bernoulli")] * codec.width
        return layout

    # -- transform ---------------------------------------------------------------

    def transform(self, X):
        """Encode rows: numbers as scores, categories as one-hot or codes.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Rows with the columns seen in fit. Under 'onehot', a category not
            seen in fit becomes an all-zero block.

        Returns
        -------
        X_encoded : ndarray of shape (n_samples, n_features_out)
            The numbers' scores, one 0/1 indicator per numeric column that had
            missing cells in fit, then each categorical column's block.
        """
        return self._encode(X)

    def _encode(self, X, missing_score=None):
        """:meth:`transform`; with ``missing_score``, a missing number's score
        is that value instead of a draw (for distances between rows, where a
        draw would move a row's missing cell with its other values)."""
        check_is_fitted(self)
        X = self._validate(X, reset=False)
        numbers = {j: self._numbers(j, *_column(X, j)) for j in self.numeric_features_}
        for j, column in numbers.items():
            if not self._columns[j].has_missing and np.isnan(column).any():
                raise ValueError(
                    f"Column {self._name(j)!r} has missing cells, but had none in "
                    "fit: the encoding has no missing-cell indicator for it. Fit "
                    "on rows with missing cells in that column."
                )
        codes = {
            j: self._columns[j].codes(_column(X, j)[0], self._name(j))
            for j in self.categorical_features_
        }
        # Per row and numeric column, a number in [0, 1) from the row's values.
        uniforms = row_hash_uniforms(
            np.column_stack([*numbers.values(), *codes.values(), np.zeros(len(X))]),
            len(numbers),
        )
        scores, indicators, blocks = [], [], []
        for i, j in enumerate(self.numeric_features_):
            codec = self._columns[j]
            scores.append(codec.encode(numbers[j], uniforms[:, i]))
            if missing_score is not None:
                scores[-1][np.isnan(numbers[j])] = missing_score
            if codec.has_missing:
                indicators.append(np.isnan(numbers[j]).astype(np.float64))
        for j in self.categorical_features_:
            blocks.append(self._columns[j].encode_codes(codes[j]))
        parts = [np.column_stack(p) for p in (scores, indicators) if p] + blocks
        if not parts:
            return np.empty((X.shape[0], 0))
        return np.hstack(parts)

    def _name(self, j):
        names = getattr(self, "feature_names_in_", None)
        return str(names[j]) if names is not None else f"x{j}"

    # -- inverse_transform -------------------------------------------------------

    def inverse_transform(self, X):
        """Decode real rows into values each column could hold.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features_out)
            Encoded rows, or any real rows of that width (e.g. generated by a
            model of the encoded rows).

        Returns
        -------
        X_original : DataFrame or ndarray of shape (n_samples, `n_features_in_`)
            Fitted on a DataFrame: a DataFrame with its columns and dtypes
            (integer columns as integers, categories only from those seen,
            numbers inside their range, NaN where a missing indicator is
            above 1/2). Fitted on an array: a float array when every column
            is numeric, else an object array.
        """
        check_is_fitted(self)
        index = X.index if _is_dataframe(X) else None
        X = check_array(X, dtype=np.float64)
        layout = self._layout()
        if X.shape[1] != len(layout):
            raise ValueError(
                f"X has {X.shape[1]} features, but TabularEncoder is expecting "
                f"{len(layout)} features as input to inverse_transform."
            )
        columns = [None] * self.n_features_in_
        for j in self.categorical_features_:
            outputs = [i for i, (pos, _, _) in enumerate(layout) if pos == j]
            columns[j] = self._columns[j].decode(X[:, outputs])
        for i, (j, what, _) in enumerate(layout):
            if what == "score":
                columns[j] = self._columns[j].decode(X[:, i])
        for i, (j, what, _) in enumerate(layout):
            if what == "missing":
                # A column missing in every row of fit stays so.
                missing = (X[:, i] > 0.5) | (self.missing_rates_[j] == 1.0)
                columns[j] = np.where(missing, np.nan, columns[j])
        for j, axis in self._axes.items():
            columns[j] = axis.to_datetimes(columns[j], index=index)
        if self._dtypes is not None:
            return self._frame(columns, index)
        if not self.categorical_features_.size:
            return np.column_stack(columns) if columns else np.empty((len(X), 0))
        return np.column_stack([np.asarray(c, dtype=object) for c in columns])

    def _frame(self, columns, index):
        """A DataFrame of the decoded columns with the dtypes seen in fit."""
        import pandas as pd

        data = {}
        for j, (name, values, dtype) in enumerate(
            zip(self._columns_index, columns, self._dtypes)
        ):
            data[name] = _restore(values, dtype, self.column_kinds_[j], index)
        return pd.DataFrame(data, index=index, columns=self._columns_index)

    def get_feature_names_out(self, input_features=None):
        """Names of the encoded columns.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Input column names; by default ``feature_names_in_`` (or
            ``x0, x1, ...``).

        Returns
        -------
        feature_names_out : ndarray of str
            The numeric columns' names, ``<column>_missing`` for their
            missing-cell indicators, then ``<column>_<category>`` (one-hot) or
            the column's name (ordinal).
        """
        check_is_fitted(self)
        if input_features is None:
            input_features = [self._name(j) for j in range(self.n_features_in_)]
        names, done = [], set()
        for j, what, _ in self._layout():
            base = str(input_features[j])
            if what == "score":
                names.append(base)
            elif what == "missing":
                names.append(f"{base}_missing")
            elif self._columns[j].encoding == "ordinal":
                names.append(base)
            elif j not in done:
                done.add(j)
                names += [f"{base}_{c}" for c in self._columns[j].categories]
        return np.asarray(names, dtype=object)


# -- columns of a DataFrame or an array ---------------------------------------


def _column(X, j):
    """Values of column ``j`` (an ndarray) and its dtype."""
    if _is_dataframe(X):
        series = X.iloc[:, j]
        if is_datetime(series.dtype):
            return series, series.dtype
        return series.to_numpy(dtype=object), series.dtype
    return X[:, j], X.dtype


def _is_bool(dtype):
    return str(dtype) in ("bool", "boolean")


def _numeric_kind(numbers, dtype, bounded):
    if is_datetime(dtype):
        return "datetime"
    observed = numbers[~np.isnan(numbers)]
    integral = "int" in str(dtype).lower() or (
        observed.size > 0 and np.all(observed == np.round(observed))
    )
    if integral:
        return "count" if observed.size and observed.min() >= 0 else "integer"
    return "bounded" if bounded else "continuous"


def _has_edge_mass(codec):
    """A point mass at the minimum or maximum: a floor or a cap."""
    return bool(codec.is_point[0] or codec.is_point[-1])


def _restore(values, dtype, kind, index):
    """A Series of decoded ``values`` with the column's original ``dtype``
    (datetimes arrive as a Series in their unit and time zone)."""
    import pandas as pd

    if kind == "datetime":
        return values.astype(dtype)
    values = np.asarray(values)
    if isinstance(dtype, pd.CategoricalDtype):
        series = pd.Series(pd.Categorical(values, categories=dtype.categories))
        return series.set_axis(index) if index is not None else series
    missing = missing_mask(values)
    if missing.any() and isinstance(dtype, np.dtype) and dtype.kind in "iub":
        # NumPy integers and booleans hold no missing cell.
        kind_of = np.float64 if dtype.kind in "iu" else object
        return pd.Series(values.astype(kind_of), index=index)
    return pd.Series(values, index=index).astype(dtype)
