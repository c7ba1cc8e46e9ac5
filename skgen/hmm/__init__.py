"""Hidden Markov models.

So far this package holds the sequence kernels (``_kernels``: scaled
forward-backward, per-step log-likelihoods, Viterbi); the estimators built on
them come with issue 3.
"""

__all__ = []
