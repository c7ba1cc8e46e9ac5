import os
import subprocess
import sys
import threading

import numba
import pytest

from skgen.mixture._kernels import em_pass_full_tiles
from skgen.utils import _threads

_WAITS = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")


def _waits_after_import(env):
    code = (
        "import os, skgen; "
        "print(os.environ.get('OMP_WAIT_POLICY'), os.environ.get('GOMP_SPINCOUNT'))"
    )
    env = {k: v for k, v in os.environ.items() if k not in _WAITS} | env
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    return run.stdout.split()


def test_importing_skgen_makes_openmp_threads_spin_briefly():
    assert _waits_after_import({}) == ["None", "100000"]
    # Without the load watching, short calls beside a busy process keep both
    # threads: a shorter spin.
    assert _waits_after_import({"SKGEN_ADAPT_THREADS": "0"}) == ["None", "10000"]


@pytest.mark.parametrize(
    "chosen, expected",
    [
        ({"OMP_WAIT_POLICY": "ACTIVE"}, ["ACTIVE", "None"]),
        ({"OMP_WAIT_POLICY": "passive"}, ["passive", "None"]),
        ({"GOMP_SPINCOUNT": "300000"}, ["None", "300000"]),
    ],
)
def test_how_the_user_chose_threads_wait_is_kept(chosen, expected):
    assert _waits_after_import(chosen) == expected


# -- using the cores other processes leave free ------------------------------


@pytest.fixture
def fresh_load(monkeypatch):
    """A reading of the load at every call, from a list of fake readings."""
    readings = []
    monkeypatch.setattr(_threads, "LOAD_READING_SECONDS", 0.0)
    monkeypatch.setattr(_threads, "_load", {"at": -1.0, "others": 0, "previous": 0})
    monkeypatch.setattr(_threads, "runnable_elsewhere", lambda: readings.pop(0))
    monkeypatch.setattr(_threads, "_n_cores", lambda: 2)
    monkeypatch.delenv("SKGEN_ADAPT_THREADS", raising=False)
    return readings


def test_a_busy_neighbour_takes_a_core_after_two_readings(fresh_load):
    # A thread seen once is not a neighbour; seen twice running, it is.
    fresh_load += [1, 1, 1, 0, None]
    assert _threads.cores_left_free() == 2
    assert _threads.cores_left_free() == 1
    assert _threads.cores_left_free() == 1
    assert _threads.cores_left_free() == 2  # gone: at once
    assert _threads.cores_left_free() == 2  # /proc unreadable: all cores


def test_a_reading_stands_for_a_while(fresh_load, monkeypatch):
    monkeypatch.setattr(_threads, "LOAD_READING_SECONDS", 60.0)
    fresh_load += [1, 1]
    assert _threads.cores_left_free() == 2
    assert _threads.cores_left_free() == 2
    assert fresh_load == [1]  # the second call did not read


def test_the_adaptation_can_be_turned_off(fresh_load, monkeypatch):
    monkeypatch.setenv("SKGEN_ADAPT_THREADS", "0")
    fresh_load += [5, 5]
    assert _threads.cores_left_free() == 2
    assert _threads.cores_left_free() == 2


def test_kernels_run_serially_beside_a_busy_neighbour(fresh_load, monkeypatch):
    monkeypatch.setattr(numba, "get_num_threads", lambda: 2)
    fresh_load += [1, 1, 1]
    assert _threads.kernel_threads(8) == 2
    assert _threads.kernel_threads(8) == 1
    assert em_pass_full_tiles.build_for(8) is em_pass_full_tiles.serial
    # A forced build and one chunk read nothing.
    with _threads.forced_build("parallel"):
        assert _threads.kernel_threads(8) >= 2
    assert _threads.kernel_threads(1) == 1


@pytest.mark.skipif(not os.path.exists("/proc/loadavg"), reason="reads Linux's /proc")
def test_this_process_threads_are_not_counted_as_neighbours():
    # The reading thread runs, and may be all that runs; a spinning thread of
    # this process is its own.
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            pass

    spinner = threading.Thread(target=spin)
    spinner.start()
    try:
        reading = _threads.runnable_elsewhere()
    finally:
        stop.set()
        spinner.join()
    assert reading is not None and reading >= 0
    with open("/proc/loadavg") as f:
        assert int(f.read().split()[3].split("/")[0]) >= 1


def test_fewer_threads_than_numba_has_give_the_same_bits():
    # Three Numba threads, two cores left free: the parallel build on two.
    code = """
import numpy as np, numba
from skgen.utils import _threads
from skgen.mixture._kernels import em_pass_diag
from skgen.utils._chunking import n_chunks_for
used = []
_threads.cores_left_free = lambda: 2
real_set = numba.set_num_threads
numba.set_num_threads = lambda n: (used.append(n), real_set(n))[1]
rng = np.random.default_rng(5)
X = rng.standard_normal((5000, 6))
args = (X, rng.standard_normal((3, 6)), rng.random((3, 6)) + 0.5,
        rng.standard_normal(3), n_chunks_for(5000))
with _threads.threads_for(_threads.SMALL_WORK):
    result = em_pass_diag(*args)
serial = em_pass_diag.serial(*args)
same = all(np.array_equal(a, b) for a, b in zip(result, serial))
print(numba.get_num_threads(), used, same)
"""
    env = os.environ | {"NUMBA_NUM_THREADS": "3"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["3", "[2,", "3]", "True"]


def test_long_calls_keep_their_threads_beside_a_busy_neighbour(fresh_load, monkeypatch):
    # Long enough, threads get their share of the cores anyway.
    monkeypatch.setattr(numba, "get_num_threads", lambda: 2)
    fresh_load += [1, 1, 1]
    with _threads.threads_for(_threads.SHARED_WORK):
        assert _threads.kernel_threads(8) == 2
        assert fresh_load == [1, 1, 1]  # nothing read
    with _threads.threads_for(_threads.SMALL_WORK):
        _threads.kernel_threads(8)
        assert _threads.kernel_threads(8) == 1
    assert _threads.kernel_threads(8) == 1  # outside any block: as a short call
