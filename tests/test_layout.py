"""Rules of skgen's layout that a reader relies on, read from the source.

- Imports point one way: skgen's import graph, module-level and
  function-level imports alike, has no cycle.
- No function outside the Numba kernels is longer than 80 lines of code.
"""

import ast
import io
import tokenize
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "skgen"
MAX_CODE_LINES = 80


def _modules():
    """Module name -> path, for every module of skgen."""
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _imported(module, path, known):
    """The skgen modules that ``module`` imports, anywhere in its code."""
    is_package = path.name == "__init__.py"
    targets = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module if is_package else module.rpartition(".")[0]
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = f"{package}.{base}" if base else package
            # ``from a import b`` imports the module a.b if there is one.
            names = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        else:
            continue
        targets.update(name for name in names if name in known)
    targets.discard(module)
    return targets


def _import_graph():
    known = _modules()
    return {name: _imported(name, path, known) for name, path in known.items()}


def _find_cycle(graph):
    """A cycle of the graph as a list of modules, or None (depth-first)."""
    state = {}  # absent: unvisited; 1: on the current path; 2: done
    path = []

    def visit(node):
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_import_graph_is_read_correctly():
    graph = _import_graph()
    assert "skgen.utils._mapreduce" in graph["skgen.mixture._base"]
    assert "skgen.hmm._kernels" in graph["skgen.hmm._base"]  # from skgen.hmm import
    assert "skgen.utils._dask" in graph["skgen.utils._mapreduce"]
    # A function-level import counts (skgen.utils.discovery imports skgen).
    assert "skgen" in graph["skgen.utils.discovery"]
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None


def test_imports_have_no_cycle():
    cycle = _find_cycle(_import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_dask_layer_imports_no_family():
    families = ("mixture", "hmm", "naive_bayes", "neural", "classification")
    for module in ("skgen.utils._dask", "skgen.utils._mapreduce"):
        imported = _import_graph()[module]
        assert not [m for m in imported if m.split(".")[1] in families], module


# -- function length -------------------------------------------------------------


def _code_lines(source, tree):
    """Line numbers holding code: not blank, not comments, not docstrings."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(
            node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
        ):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                docstrings.update(range(body[0].lineno, body[0].end_lineno + 1))
    skip = {
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENDMARKER,
    }
    lines = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in skip:
            lines.update(range(token.start[0], token.end[0] + 1))
    return lines - docstrings


def _is_kernel(function):
    names = [ast.unparse(d) for d in function.decorator_list]
    return any(
        "njit" in name or "jit(" in name or name.startswith("parallel_kernel")
        for name in names
    )


def _long_functions():
    too_long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text()
        tree = ast.parse(source)
        code = _code_lines(source, tree)
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if _is_kernel(node):
                    continue
                n_lines = len(code & set(range(node.lineno, node.end_lineno + 1)))
                if n_lines > MAX_CODE_LINES:
                    relative = path.relative_to(PACKAGE.parent)
                    too_long.append(f"{relative}:{node.lineno} {node.name} ({n_lines})")
    return too_long


def test_code_lines_are_counted_without_docstrings_and_comments():
    source = (
        'def f(x):\n    """Doc\n    string."""\n    # why\n\n'
        "    return (x +\n        1)\n"
    )
    tree = ast.parse(source)
    assert sorted(_code_lines(source, tree)) == [1, 6, 7]


@pytest.mark.parametrize("limit", [MAX_CODE_LINES])
def test_no_function_outside_the_kernels_is_longer_than_the_limit(limit):
    too_long = _long_functions()
    assert not too_long, f"functions over {limit} code lines: {too_long}"
