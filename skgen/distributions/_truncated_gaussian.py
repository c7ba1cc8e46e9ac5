"""A multivariate normal restricted to a box: its probability and exact draws.

A table's integer or repeated value is, for a mixture of normal scores, an
interval of scores; several such given values restrict the scores to a box.
For ``Z ~ N(mean, cov)`` in ``r`` dimensions and the box ``[low, high]``:

* the box's probability is ``int Q(z_1) dPhi`` over the first coordinate's
  interval, with ``Q(z_1)`` the probability of the rest of the box given
  ``z_1`` (a normal of one dimension fewer), by composite Gauss-Legendre
  quadrature in ``u = Phi(z_1)`` -- the integrand is smooth and bounded
  there, so a few dozen nodes reach about 1e-12 for the boxes tables give;
* a draw takes ``z_1`` from its marginal within the box by inverting that
  integral (the Legendre interpolant of ``Q`` on each panel, integrated in
  closed form and inverted by bisection), then the rest from the normal given
  ``z_1``, restricted to the rest of the box, the same way.

Nothing is rejected: every uniform variate gives a draw, and the draws are
exact up to the quadrature's precision, like ``scipy.stats.truncnorm``'s
inversion. The work grows as ``NODES ** (r - 1)`` per draw, so the number of
interval coordinates is capped at :data:`MAX_DIMENSIONS`.
"""

import numpy as np
from numpy.polynomial import legendre
from scipy.special import log_ndtr, ndtr, ndtri

#: Gauss-Legendre nodes per panel and panels per interval.
PANEL_NODES = 8
N_PANELS = 4
#: Most coordinates restricted to intervals at once (the cost is
#: ``(PANEL_NODES * N_PANELS) ** (r - 1)`` normal probabilities per draw).
MAX_DIMENSIONS = 3

_NODES, _WEIGHTS = legendre.leggauss(PANEL_NODES)
# Legendre coefficients of the interpolant through the nodes: C = V^-1 g.
_TO_COEFFICIENTS = np.linalg.inv(legendre.legvander(_NODES, PANEL_NODES - 1))


def log_interval_mass(a, b):
    """``log(Phi(b) - Phi(a))`` for standard scores ``a <= b``, stable in
    either tail (taken on the side away from the mean)."""
    upper = np.where(a > 0, -b, a)
    lower = np.where(a > 0, -a, b)
    with np.errstate(divide="ignore"):
        return log_ndtr(lower) + np.log1p(-np.exp(log_ndtr(upper) - log_ndtr(lower)))


def _first_coordinate(mean, cov, low, high):
    """Standard scores of the first coordinate's interval and, for the
    quadrature, the uniform range it maps to (flipped above the mean so a
    far tail keeps its digits)."""
    scale = np.sqrt(cov[0, 0])
    a = (low[0] - mean[..., 0]) / scale
    b = (high[0] - mean[..., 0]) / scale
    flip = a > 0
    u_low = np.where(flip, ndtr(-b), ndtr(a))
    u_high = np.where(flip, ndtr(-a), ndtr(b))
    return scale, flip, u_low, u_high


def _score(u, flip):
    """The standard score at uniform ``u`` (``-Phi^-1(u)`` where flipped)."""
    z = ndtri(u)
    return np.where(flip, -z, z)


def _rest_given_first(mean, cov, first):
    """Mean and covariance of coordinates 1.. given coordinate 0 = ``first``
    (``first`` broadcasts against ``mean[..., 0]``)."""
    gain = cov[1:, 0] / cov[0, 0]
    shift = (first - mean[..., 0])[..., np.newaxis] * gain
    return mean[..., 1:] + shift, cov[1:, 1:] - np.outer(gain, cov[0, 1:])


def _panels(u_low, u_high):
    """Quadrature nodes and weights in ``u`` over ``[u_low, u_high]``:
    arrays of shape (..., N_PANELS, PANEL_NODES)."""
    fractions = np.linspace(0.0, 1.0, N_PANELS + 1)
    edges = u_low[..., np.newaxis] + (u_high - u_low)[..., np.newaxis] * fractions
    left = edges[..., :-1, np.newaxis]
    half_width = 0.5 * np.diff(edges, axis=-1)[..., np.newaxis]
    return left + half_width * (_NODES + 1.0), half_width * _WEIGHTS


def _rest_probability(mean, cov, low, high, scale, flip, nodes):
    """Probability of the rest of the box given the first coordinate at each
    quadrature node, shape of ``nodes``."""
    first = mean[..., 0, np.newaxis, np.newaxis] + scale * _score(
        nodes, flip[..., np.newaxis, np.newaxis]
    )
    rest_mean, rest_cov = _rest_given_first(
        mean[..., np.newaxis, np.newaxis, :], cov, first
    )
    return box_probability(rest_mean, rest_cov, low[1:], high[1:])


def box_probability(mean, cov, low, high):
    """``P(low <= Z <= high)`` for ``Z ~ N(mean, cov)``.

    Parameters
    ----------
    mean : ndarray of shape (..., r)
        Means (any leading batch shape).
    cov : ndarray of shape (r, r)
        Covariance, shared by the batch.
    low, high : ndarray of shape (r,)
        The box.

    Returns
    -------
    probability : ndarray of shape (...)
    """
    if mean.shape[-1] == 1:
        scale = np.sqrt(cov[0, 0])
        a = (low[0] - mean[..., 0]) / scale
        b = (high[0] - mean[..., 0]) / scale
        return np.exp(log_interval_mass(a, b))
    scale, flip, u_low, u_high = _first_coordinate(mean, cov, low, high)
    nodes, weights = _panels(u_low, u_high)
    inner = _rest_probability(mean, cov, low, high, scale, flip, nodes)
    return np.sum(inner * weights, axis=(-2, -1))


def _invert_panel_integral(values, targets, half_width):
    """Points ``x`` in [-1, 1] where the integral from -1 of each row's
    Legendre interpolant through ``values`` (at the nodes) reaches
    ``targets`` (in units of ``u``); by bisection, the interpolant being
    about non-negative."""
    coefficients = values @ _TO_COEFFICIENTS.T  # (n, PANEL_NODES)
    integral = legendre.legint(coefficients, lbnd=-1.0, axis=-1) * half_width[:, None]
    lower = np.full(len(targets), -1.0)
    upper = np.ones(len(targets))
    for _ in range(52):
        middle = 0.5 * (lower + upper)
        below = legendre.legval(middle, integral.T, tensor=False) < targets
        lower = np.where(below, middle, lower)
        upper = np.where(below, upper, middle)
    return 0.5 * (lower + upper)


def sample_box(mean, cov, low, high, n_samples, rng):
    """Exact draws of ``Z ~ N(mean, cov)`` given ``low <= Z <= high``.

    Parameters
    ----------
    mean : ndarray of shape (r,) or (n_samples, r)
        One mean for every draw, or one per draw.
    cov : ndarray of shape (r, r)
    low, high : ndarray of shape (r,)
    n_samples : int
    rng : numpy.random.Generator or RandomState

    Returns
    -------
    Z : ndarray of shape (n_samples, r)
        Every row inside the box.
    """
    mean = np.broadcast_to(mean, (n_samples, mean.shape[-1]))
    r = mean.shape[-1]
    if r > MAX_DIMENSIONS:
        raise ValueError(
            f"{r} values given as ranges at once; at most {MAX_DIMENSIONS} can "
            "be drawn exactly."
        )
    # One table per distinct mean: the first draw of a component shares it.
    shared = n_samples > 1 and np.all(mean == mean[0])
    table_mean = mean[:1] if shared else mean
    scale, flip, u_low, u_high = _first_coordinate(table_mean, cov, low, high)
    if r == 1:
        u = u_low + rng.random(n_samples) * (u_high - u_low)
        first = table_mean[:, 0] + scale * _score(u, flip)
    else:
        nodes, weights = _panels(u_low, u_high)
        inner = _rest_probability(table_mean, cov, low, high, scale, flip, nodes)
        masses = np.sum(inner * weights, axis=-1)  # (m, N_PANELS)
        cumulative = np.cumsum(masses, axis=-1)
        rows = np.zeros(n_samples, dtype=np.intp) if shared else np.arange(n_samples)
        targets = rng.random(n_samples) * cumulative[rows, -1]
        panel = np.minimum(
            (cumulative[rows] < targets[:, np.newaxis]).sum(axis=1), N_PANELS - 1
        )
        before = np.where(panel > 0, cumulative[rows, panel - 1], 0.0)
        half_width = 0.5 * (u_high - u_low)[rows] / N_PANELS
        x = _invert_panel_integral(inner[rows, panel], targets - before, half_width)
        u = u_low[rows] + (u_high - u_low)[rows] * (panel + 0.5 * (x + 1.0)) / N_PANELS
        first = table_mean[rows, 0] + scale * _score(u, flip[rows])
    first = np.clip(first, low[0], high[0])
    if r == 1:
        return first[:, np.newaxis]
    rest_mean, rest_cov = _rest_given_first(mean, cov, first)
    rest = sample_box(rest_mean, rest_cov, low[1:], high[1:], n_samples, rng)
    return np.column_stack([first, rest])
