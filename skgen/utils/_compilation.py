"""Say so, once per process, when skgen's Numba kernels compile.

A kernel compiles the first time it is called on an installation (and after
an upgrade); afterwards it loads from Numba's on-disk cache. Compiling a
family's kernels takes seconds to tens of seconds on a small machine, and
without a word a first fit looks hung. Numba reports a compilation (never a
load from the cache) as a ``numba:compile`` event; a listener on it warns at
the first compilation of an skgen kernel in the process.
"""

import os
import sys
import warnings

from numba.core import event


class CompilationNotice(UserWarning):
    """Issued once per process when skgen's Numba kernels start compiling.

    Filter it like any warning, e.g.
    ``warnings.simplefilter("ignore", skgen.utils.CompilationNotice)``, or
    compile every kernel ahead of time with ``python -m skgen warmup``.
    """


def cache_location():
    """Where Numba caches skgen's compiled kernels."""
    configured = os.environ.get("NUMBA_CACHE_DIR")
    if configured:
        return configured
    # Numba's default: beside each kernel module, if writable (otherwise a
    # user cache folder Numba chooses).
    return "the __pycache__ folders of skgen's modules"


def _caller_stacklevel():
    """The stack level of the first frame outside skgen, Numba and the
    standard library's machinery: the user's call that compiles."""
    frame, level = sys._getframe(2), 2
    while frame is not None:
        module = frame.f_globals.get("__name__") or ""
        if not module.startswith(("skgen.", "numba", "contextlib", "sklearn.")):
            return level
        frame, level = frame.f_back, level + 1
    return 2


class _FirstCompilation(event.Listener):
    def __init__(self):
        self.announced = False

    def on_start(self, ev):
        if self.announced:
            return
        function = getattr(ev.data.get("dispatcher"), "py_func", None)
        # Any function's compile comes here, including ones without a module
        # (made by exec): never fail it.
        module = getattr(function, "__module__", None) or ""
        if not module.startswith("skgen."):
            return
        self.announced = True
        message = (
            "compiling skgen's Numba kernels: once per installation, about "
            "2-7 s per estimator on 2 cores; then loaded from the cache in "
            f"{cache_location()}. 'python -m skgen warmup' compiles them all ahead."
        )
        try:
            warnings.warn(message, CompilationNotice, stacklevel=_caller_stacklevel())
        except Exception:  # warnings turned into errors must not break a compile
            pass

    def on_end(self, ev):
        pass


_listener = None


def announce_compilation():
    """Install the listener (idempotent)."""
    global _listener
    if _listener is None:
        _listener = _FirstCompilation()
        event.register("numba:compile", _listener)
