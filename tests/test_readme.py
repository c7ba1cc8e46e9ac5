"""README.rst's set-up commands are the ones CI runs."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands():
    text = (ROOT / "README.rst").read_text()
    return re.findall(r"::\n\n    (pip install .+)\n", text)


def test_readme_has_exactly_two_setup_commands():
    commands = _readme_commands()
    assert len(commands) == 2
    assert commands[0].endswith("python -m skgen")
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command():
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert _readme_commands()[1] in ci_lines


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_readme_quickstart_runs():
    text = (ROOT / "README.rst").read_text()
    block = text.split(".. code-block:: python\n\n")[1].split("\nSpeed\n")[0]
    code = "\n".join(line[4:] for line in block.splitlines())
    namespace = {}
    exec(compile(code, "README.rst", "exec"), namespace)
    assert namespace["X_new"].shape == (5, 2)
    assert namespace["scores"]["test_score"].shape == (5,)
