"""Rows of a fitted TableSynthesizer drawn given the values of some columns.

The given values are encoded as the synthesizer encodes its table: a
category becomes its code, a number the normal score its column's quantile
function assigns. A number the continuous part of that function passes once
is one score; a repeated number (a point mass) or a whole integer is an
interval of scores. Point values condition the mixture exactly
(:meth:`MixedTypeMixture.condition <skgen.mixture.MixedTypeMixture.condition>`);
the intervals (up to three) are then sampled exactly by
:func:`~skgen.mixture._mixed_conditioning.sample_given_box`. Neither
rejects draws. A GaussianMixture behind a TabularEncoder (``skgen synth
--model gmm``) is conditioned the same way, as an all-Gaussian
MixedTypeMixture.
"""

import numpy as np

from skgen.distributions._truncated_gaussian import MAX_DIMENSIONS
from skgen.mixture import GaussianMixture, MixedTypeMixture
from skgen.mixture._mixed_conditioning import sample_given_box


def _column_position(encoder, column):
    """Index of ``column`` (a name or an index) among the table's columns."""
    names = getattr(encoder, "feature_names_in_", None)
    if isinstance(column, str):
        if names is None or column not in list(names):
            raise ValueError(f"given names column {column!r}, which the table lacks.")
        return int(list(names).index(column))
    if isinstance(column, (int, np.integer)) and 0 <= column < encoder.n_features_in_:
        return int(column)
    raise ValueError(
        f"given names column {column!r}: expected a column name or an index "
        f"in [0, {encoder.n_features_in_ - 1}]."
    )


def encode_given(encoder, given):
    """``(points, intervals)``: encoded positions with their fixed values, and
    ``(position, low, high)`` for each value known to an interval."""
    layout = encoder._layout()
    position_of = {(j, what): i for i, (j, what, _) in enumerate(layout)}
    points, intervals = {}, []
    for column, value in given.items():
        j = _column_position(encoder, column)
        codec = encoder._columns[j]
        name = encoder._name(j)
        if j in encoder.categorical_features_:
            code = int(codec.codes(np.array([value], dtype=object), name)[0])
            if code < 0:
                raise ValueError(
                    f"{value!r} is not a category of column {name!r} seen in fit."
                )
            # A code, or the category's one-hot vector (one output each).
            outputs = [i for i, (at, what, _) in enumerate(layout) if at == j]
            if codec.encoding == "onehot":
                for c, i in enumerate(outputs):
                    points[i] = float(c == code)
            else:
                points[outputs[0]] = float(code)
            continue
        if encoder.column_kinds_[j] == "datetime":
            raise ValueError(
                f"Column {name!r} holds dates: conditioning on a date is not "
                "supported; give the other columns."
            )
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(
                f"Column {name!r} is numeric; got {value!r}, not a number."
            ) from None
        try:
            low, high = codec.score_interval(number)
        except ValueError as error:
            raise ValueError(f"Column {name!r}: {error}") from None
        position = position_of[(j, "score")]
        if low == high:
            points[position] = low
        else:
            intervals.append((position, low, high))
        if (j, "missing") in position_of:
            points[position_of[(j, "missing")]] = 0.0
    if len(intervals) > MAX_DIMENSIONS:
        raise ValueError(
            f"At most {MAX_DIMENSIONS} of the given numeric values may be integers "
            "or repeated values (ranges of the model's scores): the exact "
            f"sampler's work grows as a power of their number; got {len(intervals)}."
        )
    return points, intervals


def as_mixed_type(gaussian_mixture):
    """A fitted :class:`~skgen.mixture.GaussianMixture` as the
    :class:`~skgen.mixture.MixedTypeMixture` of its (all Gaussian) columns,
    with the same parameters, so conditioning on points and on an interval
    runs one code path for both."""
    n_features = gaussian_mixture.n_features_in_
    view = MixedTypeMixture(
        gaussian_mixture.n_components,
        column_types=["gaussian"] * n_features,
        covariance_type=gaussian_mixture.covariance_type,
    )
    for name in (
        "weights_",
        "means_",
        "covariances_",
        "precisions_cholesky_",
        "precisions_",
        "n_features_in_",
        "converged_",
        "n_iter_",
        "lower_bound_",
    ):
        setattr(view, name, getattr(gaussian_mixture, name))
    view.column_types_ = np.array(["gaussian"] * n_features)
    view.n_categories_ = np.zeros(0, dtype=np.intp)
    blocks = view._blocks()
    for kind, columns in zip(blocks._fields, blocks):
        setattr(view, f"{kind}_columns_", columns)
    view._start_sample_stream()
    return view


def sample_given(encoder, model, n_samples, given, rng):
    """Encoded rows (n_samples, n_encoded) and labels of ``model`` (a
    MixedTypeMixture or a GaussianMixture of ``encoder``'s output), drawn
    given ``given``."""
    points, intervals = encode_given(encoder, given)
    if isinstance(model, GaussianMixture):
        model = as_mixed_type(model)
    width = model.n_features_in_
    if points:
        model = model.condition(list(points.values()), list(points))
    remaining = [i for i in range(width) if i not in points]
    if not intervals:
        rows, labels = model.sample(n_samples, random_state=rng)
    else:
        positions, low, high = zip(*intervals)
        rows, labels = sample_given_box(
            model, n_samples, [remaining.index(p) for p in positions], low, high, rng
        )
    Z = np.empty((n_samples, width))
    Z[:, remaining] = rows
    for position, value in points.items():
        Z[:, position] = value
    return Z, labels


def restore_given(X, encoder, given):
    """The decoded rows with the given numeric columns set to the given values
    exactly (a continuous value decodes to itself up to rounding; categories
    decode exactly)."""
    for column, value in given.items():
        j = _column_position(encoder, column)
        if j not in encoder.numeric_features_:
            continue
        if hasattr(X, "iloc"):
            name = X.columns[j]
            X[name] = np.full(len(X), float(value))
            X[name] = X[name].astype(encoder._dtypes[j])
        else:
            X[:, j] = float(value)
    return X
