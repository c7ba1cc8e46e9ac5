"""Utilities shared by every skgen model family."""

from skgen.utils._monitor import ConvergenceMonitor
from skgen.utils.discovery import all_estimators

__all__ = ["CompilationNotice", "ConvergenceMonitor", "all_estimators"]


def __getattr__(name):
    # Imported when asked for: it imports Numba, which skgen.utils need not.
    if name == "CompilationNotice":
        from skgen.utils._compilation import CompilationNotice

        return CompilationNotice
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
