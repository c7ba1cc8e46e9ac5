"""Fixed partitions of rows into chunks.

Parallel kernels sum per-chunk partial results and reduce them in chunk order.
The partition depends only on the data's size, never on the number of threads,
which is what makes a fit bit-for-bit identical on 1 or 32 threads.
"""

import functools
import importlib
import inspect
import math
import types

import numba
from numba import njit

from skgen.utils._compilation import announce_compilation
from skgen.utils._threads import kernel_threads, numba_threads

# Every kernel module imports this one: a first compilation is announced.
announce_compilation()

#: Rows below which a chunk is not worth a task of its own.
MIN_CHUNK_ROWS = 512
#: Most chunks per pass: enough to balance threads, few enough to keep the
#: per-chunk partial sums small.
MAX_CHUNKS = 128
#: Upper bound, in bytes, for all per-chunk partial statistics of one pass.
PARTIALS_BUDGET_BYTES = 8 * 2**20


@njit(cache=True, nogil=True, inline="always")
def chunk_bounds(c, n_chunks, n_items):
    """Items (rows or sequences) [start, stop) of chunk ``c`` in a kernel.

    Balanced, and fixed by the sizes alone: the kernels' side of
    :func:`n_chunks_for`.
    """
    return c * n_items // n_chunks, (c + 1) * n_items // n_chunks


def n_chunks_for(n_samples, stat_size=1, min_per_chunk=MIN_CHUNK_ROWS):
    """Number of chunks for a pass over ``n_samples`` rows (or sequences).

    Parameters
    ----------
    n_samples : int
        Number of rows, or of sequences for kernels that run sequences.
    stat_size : int, default=1
        Number of float64 partial statistics each chunk keeps; bounds the
        memory taken by all partials to ``PARTIALS_BUDGET_BYTES``.
    min_per_chunk : int, default=MIN_CHUNK_ROWS
        Fewest items worth a chunk: rows are cheap, a sequence is not (1).

    Returns
    -------
    n_chunks : int
        At least 1; a function of the arguments only, never of the threads.
    """
    by_rows = math.ceil(n_samples / min_per_chunk)
    by_memory = max(1, PARTIALS_BUDGET_BYTES // (8 * max(1, stat_size)))
    return int(max(1, min(by_rows, MAX_CHUNKS, by_memory)))


#: Rows per block when a prediction runs over an array in memory: bounds the
#: temporaries of one call (e.g. (rows, n_components) log-probabilities)
#: whatever the number of rows. Read at call time, so tests can lower it.
BLOCK_ROWS = 65536
#: float64 temporaries per row that a block of ``BLOCK_ROWS`` rows may hold
#: (32 MiB in all); see :func:`rows_per_block`.
BLOCK_FLOATS_PER_ROW = 64


def rows_per_block(floats_per_row):
    """Rows per block for a prediction with ``floats_per_row`` float64
    temporaries per row: the block's temporaries stay within
    ``BLOCK_ROWS * BLOCK_FLOATS_PER_ROW`` floats, so narrow rows go in
    fewer, longer blocks (each block is a pass of the kernels, which costs
    its threads a wake-up and a wait for the slowest).
    """
    budget = BLOCK_ROWS * BLOCK_FLOATS_PER_ROW
    return max(1, budget // max(1, int(floats_per_row)))


def row_blocks(n_rows, block_rows=None):
    """Consecutive slices of at most ``block_rows`` rows covering ``n_rows``.

    Parameters
    ----------
    n_rows : int
        Number of rows to cover.
    block_rows : int, default=None
        Most rows per slice; None takes :data:`BLOCK_ROWS`.

    Yields
    ------
    rows : slice
    """
    block_rows = BLOCK_ROWS if block_rows is None else block_rows
    for start in range(0, n_rows, block_rows):
        yield slice(start, min(start + block_rows, n_rows))


def prange_only():
    """Numba's ``parallel`` option for skgen's kernels: ``prange`` loops only.

    skgen's kernels parallelise one explicit loop over chunks. Numba's other
    automatic transformations (array expressions, allocations and reductions
    turned into parallel loops of their own) add nothing there, and analysing
    them was most of a parallel kernel's compile time. A new dict each call:
    Numba consumes the one it is given.
    """
    return {
        "comprehension": False,
        "reduction": False,
        "inplace_binop": False,
        "setitem": False,
        "numpy": False,
        "stencil": False,
        "fusion": False,
        "prange": True,
    }


class ParallelKernel:
    """A chunked kernel compiled two ways from one function: over threads and serial.

    ``parallel`` runs the kernel's ``prange`` over chunks on Numba's threads;
    ``serial`` is the same function compiled without ``parallel``, its
    ``prange`` a plain loop. Both walk the same fixed chunks and the caller
    reduces them in chunk order, so they give the same bits. A call runs the
    serial build when threads cannot help (see
    :func:`skgen.utils._threads.kernel_threads`): one chunk, small work, one
    thread. Each build compiles at its first call, so a first fit on small
    data never pays for the parallel one (measured with an empty cache: the
    first full-covariance GaussianMixture fit compiles in 2.4 s instead of
    4.4 s, GaussianHMM's fit and predict in 5.4 s instead of 8.7 s).

    Use it as a decorator on a kernel whose loop over chunks is a ``prange``;
    ``n_chunks``, if the kernel has it, is read from the call.
    """

    def __init__(self, py_func, fastmath=False):
        functools.update_wrapper(self, py_func)
        self.parallel = njit(
            cache=True, nogil=True, parallel=prange_only(), fastmath=fastmath
        )(py_func)
        # A function of its own name: Numba names cache files by the
        # function, so the two builds must not share one.
        serial_func = types.FunctionType(
            py_func.__code__,
            py_func.__globals__,
            py_func.__name__,
            py_func.__defaults__,
            py_func.__closure__,
        )
        serial_func.__qualname__ = py_func.__qualname__ + "_serial"
        serial_func.__module__ = py_func.__module__
        self.serial = njit(cache=True, nogil=True, fastmath=fastmath)(serial_func)
        parameters = list(inspect.signature(py_func).parameters)
        self._n_chunks_at = (
            parameters.index("n_chunks") if "n_chunks" in parameters else None
        )

    def build_for(self, n_chunks=None):
        """The build a call over ``n_chunks`` chunks runs now."""
        return self.serial if kernel_threads(n_chunks) == 1 else self.parallel

    def __call__(self, *args):
        n_chunks = None if self._n_chunks_at is None else args[self._n_chunks_at]
        n_threads = kernel_threads(n_chunks)
        if n_threads == 1:
            return self.serial(*args)
        if n_threads < numba.get_num_threads():  # other processes hold cores
            with numba_threads(n_threads):
                return self.parallel(*args)
        return self.parallel(*args)

    def __reduce__(self):
        return _kernel_by_name, (self.__module__, self.__qualname__)

    def __repr__(self):
        return f"<ParallelKernel {self.__module__}.{self.__qualname__}>"


def _kernel_by_name(module, qualname):
    return getattr(importlib.import_module(module), qualname)


def parallel_kernel(fastmath=False):
    """Decorator: the function as a :class:`ParallelKernel`."""
    return functools.partial(ParallelKernel, fastmath=fastmath)
