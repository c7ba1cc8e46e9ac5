import os
import subprocess
import sys

import pytest

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
    assert _waits_after_import({}) == ["None", "10000"]


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
