import os
import subprocess
import sys

import pytest


def _wait_policy_after_import(env):
    code = "import os, skgen; print(os.environ.get('OMP_WAIT_POLICY'))"
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"} | env
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_importing_skgen_makes_openmp_threads_sleep_when_idle():
    assert _wait_policy_after_import({}) == "PASSIVE"


@pytest.mark.parametrize("chosen", ["ACTIVE", "passive"])
def test_a_wait_policy_the_user_chose_is_kept(chosen):
    assert _wait_policy_after_import({"OMP_WAIT_POLICY": chosen}) == chosen
