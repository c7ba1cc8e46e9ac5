"""Probability distributions shared by skgen's model families.

A mixture's component and a hidden Markov model's state emit rows from the
same distributions: Gaussian (:mod:`._gaussian`), categorical
(:mod:`._categorical`), Bernoulli (:mod:`._bernoulli`), Poisson
(:mod:`._poisson`), multinomial (:mod:`._multinomial`, the count models of
naive Bayes). Each module holds, as
plain functions over parameter arrays, what every family needs of its
distribution: the log-density of each row under each of ``K`` components,
the expected sufficient statistics under given per-row weights
(responsibilities or state posteriors), and draws. The families add their
own parametrisations, priors and M-steps on top; the Numba kernels are in the
``_*_kernels`` modules. Nothing here is public API.
"""
