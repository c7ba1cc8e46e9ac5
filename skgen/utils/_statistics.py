"""Sufficient statistics as sums: add, scale and blend them, whatever their shape.

A model family names its statistics with a :class:`typing.NamedTuple` of
arrays and floats (nested NamedTuples allowed), each entry a sum over rows.
Sums of disjoint row blocks add up (:func:`add_sums`, what a map-reduce over
row blocks needs); per-row averages blend linearly (:func:`blend_sums`, what
stepwise online EM needs). Reference points, such as the means that moments
are taken around, are not sums: they travel beside the statistics, never in
them.
"""

import numpy as np


def _is_tuple(value):
    return isinstance(value, tuple)


def _rebuild(template, values):
    """A tuple of ``template``'s type (NamedTuple or plain) holding ``values``."""
    values = list(values)
    if hasattr(template, "_fields"):
        return type(template)(*values)
    return tuple(values)


def add_sums(parts):
    """Entry-wise sum of statistics, in list order.

    Parameters
    ----------
    parts : list of NamedTuple, tuple, ndarray or float
        Statistics of the same structure; None entries stay None.

    Returns
    -------
    total : same structure as ``parts[0]``
        Arrays are new float64 arrays (the parts are not modified).
    """
    first, *rest = parts
    if first is None:
        return None
    if _is_tuple(first):
        return _rebuild(
            first, (add_sums([p[i] for p in parts]) for i in range(len(first)))
        )
    total = np.array(first, dtype=np.float64, copy=True)
    for part in rest:
        total += part
    return total if total.ndim else float(total)


def scale_sums(sums, factor):
    """Every entry of ``sums`` times ``factor``."""
    if sums is None:
        return None
    if _is_tuple(sums):
        return _rebuild(sums, (scale_sums(s, factor) for s in sums))
    return sums * factor


def blend_sums(old, new, step):
    """``(1 - step) * old + step * new``, entry by entry."""
    if old is None:
        return None
    if _is_tuple(old):
        return _rebuild(old, (blend_sums(a, b, step) for a, b in zip(old, new)))
    return (1.0 - step) * old + step * new
