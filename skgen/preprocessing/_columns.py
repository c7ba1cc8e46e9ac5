"""One column of a table, encoded for a model and decoded from its draws.

:class:`NumericColumn` encodes numbers (integers, counts, continuous values,
datetimes as whole steps of their grid, see ``_values.DatetimeAxis``) as real
scores and decodes any real score back to a value the column could hold:
inside its range, an integer where the column holds integers, and, under the
'quantile' encoding, on its point masses with their frequencies.
:class:`CategoricalColumn` encodes categories as one-hot blocks or integer
codes and decodes only categories seen in fit. Both decode in one pass: there
is no loop that redraws until a value fits.
"""

import numpy as np
from scipy.special import ndtr, ndtri

from skgen.preprocessing._values import is_missing, missing_mask

#: How a numeric column's values are modelled.
NUMERIC_KINDS = ("integer", "count", "continuous", "bounded", "datetime")


class NumericColumn:
    """A numeric column: its kind, range, point masses and marginal.

    Parameters
    ----------
    values : ndarray of float64, shape (n_samples,)
        The column; NaN marks missing cells.
    kind : str
        One of :data:`NUMERIC_KINDS`; 'integer', 'count' and 'datetime' (whole steps
        of the column's grid) decode to integers.
    bounds : tuple of (float or None, float or None)
        A range given by the user; None takes the observed one.
    encoding : {'quantile', 'standard', 'passthrough'}
        'quantile': the normal score of the value's place in the observed
        distribution (its rank, and for a repeated value a point drawn in
        its share of the distribution), decoded through the empirical
        quantile function -- which reproduces the marginal, point masses
        included; 'standard': z-scores; 'passthrough': the values.
    """

    def __init__(self, values, kind, bounds, encoding):
        observed = values[~np.isnan(values)]
        if observed.size == 0:
            observed = np.zeros(1)
        self.kind = kind
        self.encoding = encoding
        self.has_missing = bool(np.isnan(values).any())
        self.missing_rate = float(np.isnan(values).mean())
        low, high = bounds
        self.low = float(observed.min()) if low is None else float(low)
        self.high = float(observed.max()) if high is None else float(high)
        self.mean = float(observed.mean())
        self.scale = float(observed.std()) or 1.0
        self.values, counts = np.unique(observed, return_counts=True)
        n = observed.size
        self.upper = np.cumsum(counts) / n  # the value's share: (lower, upper]
        self.lower = self.upper - counts / n
        self.is_point = counts >= 2
        self.margin = 0.5 / n  # keeps normal scores finite
        self.step = self._find_step()
        self._knots()

    def _find_step(self):
        """The column's granularity: 1 for integers and datetimes (counted in
        steps of their grid), None for continuous values."""
        return 1.0 if self.kind in ("integer", "count", "datetime") else None

    @property
    def point_masses(self):
        """Values held by two rows or more, and their shares."""
        share = self.upper - self.lower
        return self.values[self.is_point], share[self.is_point]

    def _knots(self):
        """The empirical quantile function as knots ``(u, value)``: flat
        over a repeated value's share, linear between single values."""
        u, v = [0.0], [self.values[0]]
        for value, low, high, point in zip(
            self.values, self.lower, self.upper, self.is_point
        ):
            if point:
                u += [low, high]
                v += [value, value]
            else:
                u.append(0.5 * (low + high))
                v.append(value)
        u.append(1.0)
        v.append(self.values[-1])
        u = np.array(u)
        # Strictly increasing abscissae (np.interp's requirement): a knot
        # equal to the one before moves up by one ulp.
        for i in np.flatnonzero(np.diff(u) <= 0) + 1:
            u[i] = max(u[i], np.nextafter(u[i - 1], 2.0))
        self.knots_u = u
        self.knots_v = np.array(v, dtype=np.float64)
        self.mid_u = 0.5 * (self.lower + self.upper)

    def encode(self, values, uniforms):
        """Scores of ``values``.

        ``uniforms`` (one per row, in [0, 1)) place a shared value inside its
        share, and give a missing cell its score (a standard normal draw).
        """
        missing = np.isnan(values)
        out = np.empty(values.shape[0])
        present = values[~missing]
        if self.encoding == "standard":
            out[~missing] = (present - self.mean) / self.scale
        elif self.encoding == "passthrough":
            out[~missing] = present
        else:
            out[~missing] = ndtri(self._quantiles(present, uniforms[~missing]))
        if self.encoding == "passthrough":
            out[missing] = self.mean
        else:
            out[missing] = ndtri(
                np.clip(uniforms[missing], self.margin, 1 - self.margin)
            )
        return out

    def _quantiles(self, present, uniforms):
        """Places in (0, 1): a repeated value's drawn inside its share."""
        u = np.interp(present, self.values, self.mid_u)
        index = np.clip(np.searchsorted(self.values, present), 0, len(self.values) - 1)
        on_point = (self.values[index] == present) & self.is_point[index]
        width = (self.upper - self.lower)[index[on_point]]
        u[on_point] = self.lower[index[on_point]] + width * uniforms[on_point]
        return np.clip(u, self.margin, 1.0 - self.margin)

    def score_interval(self, value):
        """The quantile scores that decode to ``value``: ``(low, high)``, equal
        for a value the continuous part of the quantile function passes once,
        an interval for a repeated value or a whole step of an integer grid.

        Raises ValueError for a value outside the column's range.
        """
        if not self.low <= value <= self.high:
            raise ValueError(
                f"{value!r} is outside the column's range [{self.low}, {self.high}]."
            )
        index = np.searchsorted(self.values, value)
        if self.step is not None:  # every score that rounds to the value
            half = 0.5 * self.step
            u_low = np.interp(value - half, self.knots_v, self.knots_u)
            u_high = np.interp(value + half, self.knots_v, self.knots_u)
        elif (
            index < len(self.values)
            and self.values[index] == value
            and (self.is_point[index])
        ):
            u_low, u_high = self.lower[index], self.upper[index]
        else:
            u_low = u_high = np.interp(value, self.values, self.mid_u)
        clip = (self.margin, 1.0 - self.margin)
        return float(ndtri(np.clip(u_low, *clip))), float(ndtri(np.clip(u_high, *clip)))

    def decode(self, scores):
        """Values from any real scores: in range, integral where due."""
        scores = np.asarray(scores, dtype=np.float64)
        if self.encoding == "quantile":
            values = np.interp(ndtr(scores), self.knots_u, self.knots_v)
        elif self.encoding == "standard":
            values = scores * self.scale + self.mean
        else:
            values = scores.copy()
        if self.step is not None:
            values = np.rint(values / self.step) * self.step
        return np.clip(values, self.low, self.high)


class CategoricalColumn:
    """A categorical column: its categories (NaN one of them if missing).

    ``encoding`` 'onehot' gives one output per category, decoded by argmax;
    'ordinal' gives the category's code 0, 1, ..., decoded by rounding.
    """

    def __init__(self, values, encoding, categories=None):
        self.encoding = encoding
        if categories is None:
            categories = _unique(values)
        self.categories = categories
        self.has_missing = any(is_missing(c) for c in categories)

    @property
    def width(self):
        return len(self.categories) if self.encoding == "onehot" else 1

    def codes(self, values, name):
        """Code of each value; -1 for a category not seen in fit."""
        values = np.asarray(values, dtype=object)
        missing = missing_mask(values)
        positions = [i for i, c in enumerate(self.categories) if not is_missing(c)]
        present = [self.categories[i] for i in positions]
        codes = np.full(len(values), -1, dtype=np.intp)
        found = _positions_in(present, values[~missing])
        codes[~missing] = np.where(
            found >= 0, np.take(positions, found, mode="clip"), -1
        )
        if self.has_missing:
            codes[missing] = next(
                i for i, c in enumerate(self.categories) if is_missing(c)
            )
        if self.encoding == "ordinal" and np.any(codes < 0):
            unseen = values[np.flatnonzero(codes < 0)[0]]
            raise ValueError(
                f"Column {name!r} holds {unseen!r}, a category not seen in fit; "
                "ordinal codes exist only for the categories seen."
            )
        return codes

    def encode_codes(self, codes):
        """One-hot rows (all zero for -1) or the codes as floats."""
        if self.encoding == "ordinal":
            return codes[:, np.newaxis].astype(np.float64)
        out = np.zeros((len(codes), len(self.categories)))
        seen = codes >= 0
        out[np.flatnonzero(seen), codes[seen]] = 1.0
        return out

    def decode(self, block):
        """Categories of the rows of ``block`` (its argmax, or rounded codes)."""
        if self.encoding == "onehot":
            codes = block.argmax(axis=1)
        else:
            codes = np.clip(np.rint(block[:, 0]), 0, len(self.categories) - 1)
        return np.asarray(self.categories, dtype=object)[codes.astype(np.intp)]


def _unique(values):
    """Distinct values in sorted order (missing last, as NaN), as a list."""
    values = np.asarray(values, dtype=object)
    missing = missing_mask(values)
    distinct = _distinct(values[~missing])
    try:
        ordered = sorted(distinct)
    except TypeError:  # mixed types: by their text
        ordered = sorted(distinct, key=str)
    return ordered + ([np.nan] if missing.any() else [])


def _distinct(values):
    """The distinct values of an object array, in order of first sight."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - arrays without pandas
        return list(dict.fromkeys(values.tolist()))
    return list(pd.unique(values))


def _positions_in(categories, values):
    """Position of each value in ``categories`` (distinct), -1 if absent."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - arrays without pandas
        lookup = {c: i for i, c in enumerate(categories)}
        return np.array([lookup.get(v, -1) for v in values], dtype=np.intp)
    index = pd.Index(categories, dtype=object)
    return np.asarray(index.get_indexer(values), dtype=np.intp)
