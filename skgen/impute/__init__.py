"""Imputation of missing values by a fitted generative model."""

from skgen.impute._generative import GenerativeImputer

__all__ = ["GenerativeImputer"]
