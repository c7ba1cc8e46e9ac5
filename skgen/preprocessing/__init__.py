"""Preprocessing for generative models: tables in, tables out."""

from skgen.preprocessing._tabular import TabularEncoder

__all__ = ["TabularEncoder"]
