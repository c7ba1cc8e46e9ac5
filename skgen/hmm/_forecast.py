"""What an HMM says about the rows after a sequence: forecasts and their moments.

The hidden state after the last row of a sequence has the filtered
distribution ``p(z_T | x_1, ..., x_T)``; ``h`` steps later it is that times
``transmat_ ** h``, and the next row's law is the mixture of the states'
emission laws under it. This module holds the result type and the moments
of such mixtures; the kernels are in :mod:`skgen.hmm._kernels`.
"""

from numbers import Integral
from typing import NamedTuple

import numpy as np
from sklearn.utils import check_scalar


class HMMForecast(NamedTuple):
    """The predictive distribution of the steps after each sequence.

    Returned by the HMMs' ``forecast``. Step ``h`` (0-based) is row
    ``T + h + 1`` of a sequence of ``T`` rows, given its rows ``1..T`` only.
    Fields a family has no value for are None.

    Attributes
    ----------
    state_proba : ndarray of shape (n_sequences, n_steps, n_components)
        ``p(z_{T+h} = k | x_1, ..., x_T)``.
    mean : ndarray of shape (n_sequences, n_steps, n_features) or None
        Predictive mean ``E[x_{T+h} | x_1, ..., x_T]`` (Gaussian, GMM and
        Poisson emissions).
    covariance : ndarray of shape (n_sequences, n_steps, n_features, \
            n_features) or None
        Predictive covariance of ``x_{T+h}``: the states' covariances and the
        spread of their means, averaged under ``state_proba`` (the law is a
        mixture, not a Gaussian).
    symbol_proba : ndarray of shape (n_sequences, n_steps, n_features, \
            n_symbols) or None
        ``p(x_{T+h, f} = s | x_1, ..., x_T)`` (:class:`CategoricalHMM`).
    """

    state_proba: np.ndarray
    mean: np.ndarray | None = None
    covariance: np.ndarray | None = None
    symbol_proba: np.ndarray | None = None


def check_n_steps(n_steps):
    """A forecast horizon: an integer of at least 1."""
    check_scalar(n_steps, "n_steps", Integral, min_val=1)
    return int(n_steps)


def mixture_moments(state_proba, means, covariances):
    """Mean and covariance of the mixture of laws of the given moments.

    Parameters
    ----------
    state_proba : ndarray of shape (..., n_components)
        Mixture weights.
    means : ndarray of shape (n_components, n_features)
    covariances : ndarray of shape (n_components, n_features, n_features)

    Returns
    -------
    mean : ndarray of shape (..., n_features)
    covariance : ndarray of shape (..., n_features, n_features)
        ``sum_k p_k (C_k + m_k m_k^T) - mean mean^T``, the second moments
        taken around the states' average mean so that nothing large cancels
        when the means are far from zero.
    """
    k, d = means.shape
    weights = state_proba.reshape(-1, k)
    centre = means.mean(axis=0)
    spread = means - centre
    second = covariances + spread[:, :, np.newaxis] * spread[:, np.newaxis, :]
    offset = weights @ spread  # mean - centre
    covariance = (weights @ second.reshape(k, d * d)).reshape(-1, d, d)
    covariance -= offset[:, :, np.newaxis] * offset[:, np.newaxis, :]
    shape = state_proba.shape[:-1]
    return (offset + centre).reshape(*shape, d), covariance.reshape(*shape, d, d)
