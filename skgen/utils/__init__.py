"""Utilities shared by every skgen model family."""

from skgen.utils.discovery import all_estimators

__all__ = ["all_estimators"]
