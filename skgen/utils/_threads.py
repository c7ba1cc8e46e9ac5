"""How many threads a kernel call gets."""

import threading
from contextlib import contextmanager

import numba

#: Below this many inner-loop operations a call runs on the calling thread:
#: waking idle worker threads costs more than they save (measured on a 2-core
#: VM: a 0.3 ms Viterbi call took 12 ms after 0.2 s idle).
SMALL_WORK = 4_000_000


#: This thread's settings for the kernels: ``serial`` (a small
#: ``threads_for`` block) and ``forced_build``.
_local = threading.local()


@contextmanager
def _thread_setting(name, value):
    previous = getattr(_local, name, None)
    setattr(_local, name, value)
    try:
        yield
    finally:
        setattr(_local, name, previous)


@contextmanager
def threads_for(work):
    """Run the kernels in this block on the calling thread if ``work`` is small.

    They run their serial build (see :class:`skgen.utils._chunking.ParallelKernel`),
    which is never compiled unless a call needs it. Results are unaffected:
    kernels split their work into chunks fixed by the data's size, never by
    the thread count. The setting is thread-local.
    """
    if work >= SMALL_WORK:
        yield
        return
    with _thread_setting("serial", True):
        yield


def run_serially(n_chunks=None):
    """Whether a parallel kernel's call should run its serial build.

    Yes for one chunk (nothing to share out), inside a small ``threads_for``
    block, or when Numba has one thread. The thread count is asked last:
    asking starts Numba's threading layer, which a small first fit never needs.
    """
    forced = getattr(_local, "forced_build", None)
    if forced is not None:
        return forced == "serial"
    if n_chunks is not None and n_chunks <= 1:
        return True
    if getattr(_local, "serial", None):
        return True
    return numba.get_num_threads() == 1


@contextmanager
def forced_build(build):
    """Run every parallel kernel's ``"serial"`` or ``"parallel"`` build in
    this block, whatever the work (``skgen warmup`` compiles both)."""
    with _thread_setting("forced_build", build):
        yield


_controller = None


def single_threaded_blas():
    """Limit BLAS to one thread for a ``with`` block.

    The fits' linear algebra is on (n_features, n_features) matrices, where
    BLAS threads only spin against the kernels' threads (measured: a small
    kernel call alternating with a small solve took 11.7 ms instead of 38 us).
    The controller is built once: ``threadpool_limits`` rescans the loaded
    libraries at every call (3.3 ms, against 0.013 ms here).
    """
    global _controller
    if _controller is None:
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()
    return _controller.limit(limits=1, user_api="blas")
