"""Cells of real tables: which are missing, and datetimes as exact numbers.

Shared by the encoder, the table metrics and the ``synth`` command, so that
every part of skgen agrees on what a missing cell is (None, NaN, NaT, pd.NA)
and turns dates into numbers the same way.
"""

import functools

import numpy as np

# The grids a datetime column may lie on, coarsest first, in nanoseconds:
# a day, an hour, a minute, a second, a millisecond, a microsecond.
_STEPS_NS = (86_400 * 10**9, 3_600 * 10**9, 60 * 10**9, 10**9, 10**6, 10**3, 1)
_UNIT_NS = {"D": 86_400 * 10**9, "h": 3_600 * 10**9, "m": 60 * 10**9, "s": 10**9}
_UNIT_NS.update({"ms": 10**6, "us": 10**3, "ns": 1})


def is_missing(value):
    """Whether one cell is missing: None, NaN, NaT or pandas' NA."""
    if value is None:
        return True
    if isinstance(value, str):
        return False
    if isinstance(value, (float, np.floating)):
        return bool(np.isnan(value))
    if isinstance(value, (np.datetime64, np.timedelta64)):
        return bool(np.isnat(value))
    pd = _pandas()
    return pd is not None and (value is pd.NA or value is pd.NaT)


def missing_mask(values):
    """Boolean mask of the missing cells of an array or Series."""
    pd = _pandas()
    if pd is not None:
        return np.asarray(pd.isna(values), dtype=bool)
    values = np.asarray(values)
    if values.dtype.kind in "fc":
        return np.isnan(values)
    if values.dtype.kind in "mM":
        return np.isnat(values)
    if values.dtype.kind == "O":
        flat = [is_missing(value) for value in values.ravel()]
        return np.array(flat, dtype=bool).reshape(values.shape)
    return np.zeros(values.shape, dtype=bool)


def as_float(values):
    """Numbers of a column as float64, NaN where a cell is missing (pd.NA,
    None and NaN alike, in plain or nullable dtypes)."""
    try:  # numbers, NaN and None: one vectorised conversion
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):  # pd.NA among them
        values = np.asarray(values, dtype=object)
        missing = missing_mask(values)
        out = np.full(values.shape, np.nan)
        out[~missing] = np.asarray(values[~missing], dtype=np.float64)
        return out


def is_categorical_column(values, dtype):
    """Whether 'auto' takes a column as categorical: a category, boolean or
    string dtype, or an object column holding anything but numbers."""
    if str(dtype) in ("category", "bool", "boolean") or "string" in str(dtype):
        return True
    if getattr(dtype, "kind", "O") in "US":
        return True
    if getattr(dtype, "kind", "O") != "O":
        return False
    values = np.asarray(values, dtype=object).ravel()
    return not all(
        is_missing(value)
        or (isinstance(value, (int, float, np.number)) and not isinstance(value, bool))
        for value in values
    )


def is_datetime(dtype):
    """Whether a dtype holds datetimes (naive or with a time zone)."""
    return "datetime64" in str(dtype) or str(dtype).startswith("datetime")


def _utc_series(values):
    """``(Series of naive UTC datetimes, time zone or None)``."""
    import pandas as pd

    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if not pd.api.types.is_datetime64_any_dtype(series.dtype):
        series = pd.to_datetime(series)
    tz = getattr(series.dtype, "tz", None)
    if tz is not None:
        series = series.dt.tz_convert("UTC").dt.tz_localize(None)
    return series.reset_index(drop=True), tz


def _ticks(series, unit):
    """Integer ticks of ``unit`` since 1970 (any value where missing)."""
    return series.dt.as_unit(unit).to_numpy().view(np.int64)


def datetime_seconds(values):
    """Seconds since 1970 (UTC) as float64, NaN where missing: a monotone
    map of dates to numbers for measures that only need their order and
    spacing (correlations, distributions)."""
    series, _ = _utc_series(values)
    unit = np.datetime_data(series.dtype)[0]
    seconds = _ticks(series, unit) * (_UNIT_NS[unit] / 1e9)
    return np.where(series.isna().to_numpy(), np.nan, seconds)


class DatetimeAxis:
    """A datetime column as exact numbers: whole steps since its first stamp.

    The step is the coarsest of a day, an hour, a minute, a second, a
    millisecond, a microsecond and a nanosecond on which every stamp lies, so
    numbers count days for dates, seconds for stamps to the second, and so
    on; they are exact in float64 up to 2**53 steps (any span of days to
    microseconds, 104 days of nanoseconds), where nanoseconds since 1970
    would already lose their last 8 bits. The column's own unit (pandas'
    datetime64[s], [ms], [us] or [ns]) and time zone come back on decoding.

    Parameters
    ----------
    values : Series or array-like of datetimes
        The column's values in fit (NaT where missing).
    """

    def __init__(self, values):
        series, self.tz = _utc_series(values)
        self.unit = np.datetime_data(series.dtype)[0]
        ticks = _ticks(series, self.unit)[~series.isna().to_numpy()]
        unit_ns = _UNIT_NS[self.unit]
        self.step = 1
        for step_ns in _STEPS_NS:
            if step_ns % unit_ns == 0 and np.all(ticks % (step_ns // unit_ns) == 0):
                self.step = step_ns // unit_ns
                break
        self.origin = int(ticks.min()) if ticks.size else 0

    def to_numbers(self, values):
        """Steps since the first stamp of fit (float64; NaN where missing)."""
        series, _ = _utc_series(values)
        ticks = _ticks(series, self.unit)
        numbers = (ticks - self.origin) / self.step
        return np.where(series.isna().to_numpy(), np.nan, numbers)

    def to_datetimes(self, numbers, index=None):
        """A Series of datetimes (in the column's unit and time zone) from
        numbers of steps; NaN gives NaT."""
        import pandas as pd

        numbers = np.asarray(numbers, dtype=np.float64)
        missing = np.isnan(numbers)
        steps = np.rint(np.where(missing, 0.0, numbers)).astype(np.int64)
        ticks = self.origin + steps * self.step
        stamps = ticks.astype(f"datetime64[{self.unit}]")
        stamps[missing] = np.datetime64("NaT")
        series = pd.Series(stamps, index=index)
        if self.tz is not None:
            series = series.dt.tz_localize("UTC").dt.tz_convert(self.tz)
        return series


@functools.cache
def _pandas():
    try:
        import pandas as pd
    except ImportError:  # arrays only: no pandas missing markers to look for
        return None
    return pd
