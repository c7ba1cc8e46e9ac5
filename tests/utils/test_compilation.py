"""skgen's compile listener hears every Numba compile in the process."""

from types import SimpleNamespace

import pytest

from skgen.utils._compilation import CompilationNotice, _FirstCompilation


def compile_event(module):
    def function():
        pass

    function.__module__ = module
    return SimpleNamespace(data={"dispatcher": SimpleNamespace(py_func=function)})


@pytest.mark.parametrize("module", [None, "", "user_code"])
def test_other_code_compiles_silently(module):
    # Functions made by exec() can have no __module__: the listener sees their
    # compiles too and must neither fail them nor announce them.
    listener = _FirstCompilation()
    listener.on_start(compile_event(module))
    assert not listener.announced


def test_skgens_first_compile_is_announced_once():
    listener = _FirstCompilation()
    with pytest.warns(CompilationNotice, match="python -m skgen warmup"):
        listener.on_start(compile_event("skgen.mixture._kernels"))
    assert listener.announced
