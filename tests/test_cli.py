import io
import subprocess
import sys

import pytest

from skgen._cli import main


def test_main_job_reports_bic_likelihood_and_samples():
    out = io.StringIO()
    assert main(["--max-components", "3"], out=out) == 0
    report = out.getvalue()
    assert "BIC on the training rows" in report
    assert "chosen:" in report
    assert "held-out mean log-likelihood" in report
    skgen_ll = float(report.split("skgen ")[-1].split()[0])
    sklearn_ll = float(report.split("scikit-learn ")[-1].split()[0])
    assert skgen_ll == pytest.approx(sklearn_ll, abs=1e-4)
    assert "five rows sampled from the model" in report


def test_python_dash_m_skgen_runs():
    result = subprocess.run(
        [sys.executable, "-m", "skgen", "--data", "wine", "--max-components", "2"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "'wine'" in result.stdout


@pytest.mark.parametrize(
    "argv, message",
    [(["--data", "nope"], "invalid choice"), (["--max-components", "0"], "at least 1")],
)
def test_bad_arguments_get_one_line_errors(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_importing_skgen_compiles_nothing():
    code = """
import sys
from numba.core.registry import CPUDispatcher
import skgen
from skgen.hmm import _kernels as hmm_kernels
from skgen.mixture import _kernels as mixture_kernels
from skgen.utils import _gaussian_kernels
dispatchers = [
    obj
    for module in (hmm_kernels, mixture_kernels, _gaussian_kernels)
    for obj in vars(module).values()
    if isinstance(obj, CPUDispatcher)
]
assert len(dispatchers) >= 10, len(dispatchers)
compiled = [d.py_func.__name__ for d in dispatchers if d.signatures]
sys.exit(f"compiled at import: {compiled}" if compiled else 0)
"""
    subprocess.run([sys.executable, "-c", code], check=True)
