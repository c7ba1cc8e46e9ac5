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
