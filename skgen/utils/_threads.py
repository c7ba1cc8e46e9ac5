"""How many threads a kernel call gets."""

from contextlib import contextmanager

import numba

#: Below this many inner-loop operations a call runs on the calling thread:
#: waking idle worker threads costs more than they save (measured on a 2-core
#: VM: a 0.3 ms Viterbi call took 12 ms after 0.2 s idle).
SMALL_WORK = 4_000_000


@contextmanager
def threads_for(work):
    """Run the kernels in this block on one thread if ``work`` is small.

    Results are unaffected: kernels split their work into chunks fixed by the
    data's size, never by the thread count. The setting is thread-local.
    """
    if work >= SMALL_WORK:
        yield
        return
    previous = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        yield
    finally:
        numba.set_num_threads(previous)


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
