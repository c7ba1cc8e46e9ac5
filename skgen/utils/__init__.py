"""Utilities shared by every skgen model family."""

from skgen.utils._monitor import ConvergenceMonitor
from skgen.utils.discovery import all_estimators

__all__ = ["ConvergenceMonitor", "all_estimators"]
