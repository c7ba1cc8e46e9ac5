"""How many threads a kernel call gets."""

import functools
import os
import threading
import time
from contextlib import contextmanager

import numba

#: Below this many inner-loop operations a call runs on the calling thread:
#: waking idle worker threads costs more than they save (measured on a 2-core
#: VM: a 0.3 ms Viterbi call took 12 ms after 0.2 s idle).
SMALL_WORK = 4_000_000

#: From this many inner-loop operations a call runs long enough (about 15 ms
#: and more on one thread) that its threads get their share of the cores even
#: beside a busy process: it keeps all its threads. Measured beside one busy
#: process on 2 cores: a full-covariance mixture fit (410 million per pass)
#: took 0.94x the one-thread time on two threads; shorter calls (Viterbi, HMM
#: fits: 6 million) lost time on two.
SHARED_WORK = 100_000_000


#: This thread's settings for the kernels: ``serial`` (a small
#: ``threads_for`` block), ``work`` (a larger block's) and ``forced_build``.
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

    ``work`` counts the inner-loop operations of the block's kernel calls; a
    large count also keeps all threads beside a busy process (``SHARED_WORK``).

    They run their serial build (see :class:`skgen.utils._chunking.ParallelKernel`),
    which is never compiled unless a call needs it. Results are unaffected:
    kernels split their work into chunks fixed by the data's size, never by
    the thread count. The setting is thread-local.
    """
    if work >= SMALL_WORK:
        with _thread_setting("work", work):
            yield
        return
    with _thread_setting("serial", True):
        yield


def kernel_threads(n_chunks=None):
    """How many threads a parallel kernel's call runs on; 1 means its serial build.

    One for one chunk (nothing to share out), inside a small ``threads_for``
    block, or when Numba has one thread. Otherwise Numba's threads, but for
    calls below ``SHARED_WORK`` no more than the cores other processes leave
    free (:func:`cores_left_free`): a thread that must share its core with a
    busy process holds up the whole call at its end, and two threads beside
    one busy process on two cores were slower than one. The thread count is
    asked last: asking starts Numba's threading layer, which a small first
    fit never needs.
    """
    forced = getattr(_local, "forced_build", None)
    if forced is not None:
        return 1 if forced == "serial" else max(2, numba.get_num_threads())
    if n_chunks is not None and n_chunks <= 1:
        return 1
    if getattr(_local, "serial", None):
        return 1
    n_threads = numba.get_num_threads()
    if n_threads == 1 or (getattr(_local, "work", None) or 0) >= SHARED_WORK:
        return n_threads
    return max(1, min(n_threads, cores_left_free()))


@contextmanager
def numba_threads(n_threads):
    """Numba's thread count for this thread, within a block."""
    previous = numba.get_num_threads()
    numba.set_num_threads(n_threads)
    try:
        yield
    finally:
        numba.set_num_threads(previous)


#: Seconds a reading of the machine's load stands: kernel calls come faster
#: than a neighbour's load changes. A reading costs 8 us when nothing else
#: runs, but 125-190 us right after a parallel call, while this process's
#: OpenMP workers still spin and their states must be read; at 2 ms that was
#: 0.74 readings per 1.7 ms GaussianHMM Viterbi call on two threads, 5% of it
#: (1.78 against 1.68 ms at 20 ms, interleaved in one process).
LOAD_READING_SECONDS = 0.02

_load = {"at": -1.0, "others": 0, "previous": 0}


def cores_left_free():
    """Cores of this process's CPU set not taken by other processes' threads.

    Counted from Linux's number of runnable threads (``/proc/loadavg``) less
    this process's own (``/proc/self/task``), the smaller of the last two
    readings (a thread that ran for a moment is not a busy neighbour). All
    cores where /proc does not tell, or when ``SKGEN_ADAPT_THREADS=0``.
    """
    n_cores = _n_cores()
    if os.environ.get("SKGEN_ADAPT_THREADS", "1") == "0":
        return n_cores
    now = time.monotonic()
    if now - _load["at"] >= LOAD_READING_SECONDS:
        reading = runnable_elsewhere()
        _load["previous"], _load["others"] = _load["others"], reading or 0
        _load["at"] = now
    return n_cores - min(_load["others"], _load["previous"])


def runnable_elsewhere():
    """Threads of other processes running or waiting for a core now (Linux);
    None where /proc does not tell."""
    try:
        with open("/proc/loadavg", "rb") as f:
            runnable = int(f.read().split()[3].split(b"/")[0])
    except (OSError, ValueError, IndexError):
        return None
    if runnable <= 1:  # the thread reading it
        return 0
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return None
    own = 0
    for task in tasks:
        try:
            with open(f"/proc/self/task/{task}/stat", "rb") as f:
                stat = f.read()
        except OSError:  # the thread has ended
            continue
        # The state follows the command name, which may hold spaces: "(...) R"
        state_at = stat.rindex(b")") + 2
        own += stat[state_at : state_at + 1] == b"R"
    return max(0, runnable - max(own, 1))


@functools.cache
def _n_cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


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
