"""scikit-learn's own tests, run on skgen's drop-in classes.

For each peer suite below, the installed scikit-learn's test file is copied to
a temporary directory, its imports of the public classes are pointed at skgen
(private helpers, such as ``_BaseDiscreteNB`` or ``_compute_precision_cholesky``,
stay scikit-learn's), and pytest runs it with scikit-learn's own conftest
(``-p sklearn.conftest``: the ``global_random_seed`` and ``global_dtype``
fixtures). Every failure is then looked up in the suite's ``known`` table:
a test of a private scikit-learn function, a departure documented in
``doc/design.rst`` (with its section) or a bug. A failure not in the table is
reported as *unclassified* and makes the script exit non-zero.

The table goes to ``results/peer_tests.md`` (and ``.json``); with
``--array-api``, to ``results/peer_tests_array_api.md``.

This is a benchmark-side script, not part of the test suite: the peer files
take minutes (GaussianMixture's), depend on the exact scikit-learn release,
and measure skgen against its peer rather than check skgen's own code, which
``tests/`` does against references.

Usage: python benchmarks/peer_tests.py [--array-api] [suite ...]

Every suite by default. ``--array-api`` sets ``SCIPY_ARRAY_API=1`` so that the
array API tests run for the namespaces that are importable (array_api_strict,
torch, ...); without it they are skipped.
"""

import ast
import importlib
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
DESIGN = "doc/design.rst"

PRIVATE = "private API"
PEER_SECTION = "scikit-learn's own tests on skgen's classes"
DEPARTURE = "documented departure"
BUG = "bug"
OPEN = "open: for the lead to fix or document"


@dataclass
class PeerSuite:
    """One scikit-learn test file and the skgen classes swapped into it."""

    name: str
    test_file: str  # relative to the installed ``sklearn`` package
    replace: dict  # scikit-learn module -> (skgen module, class names)
    # Failing tests -- a regular expression matched against the whole test
    # id, ``name[params]`` -- and (classification, reason, where documented).
    known: dict = field(default_factory=dict)


def _private(reason):
    return (PRIVATE, reason, None)


def _departure(section, reason):
    return (DEPARTURE, reason, f'{DESIGN}, section "{section}"')


NB_CLASSES = ("BernoulliNB", "CategoricalNB", "ComplementNB", "GaussianNB")
NB_CLASSES += ("MultinomialNB",)

SUITES = [
    PeerSuite(
        "naive_bayes",
        "tests/test_naive_bayes.py",
        {"sklearn.naive_bayes": ("skgen.naive_bayes", NB_CLASSES)},
        known={
            r"test_discretenb_provide_prior_with_partial_fit\[CategoricalNB\]": (
                _departure(
                    "Naive Bayes subclasses scikit-learn's",
                    "fits CategoricalNB on iris' measurements (5.1, 3.5, ...): "
                    "skgen refuses non-integral categories, scikit-learn "
                    "truncates 5.1 to category 5",
                )
            ),
        },
    ),
    PeerSuite(
        "gaussian_mixture",
        "mixture/tests/test_gaussian_mixture.py",
        {"sklearn.mixture": ("skgen.mixture", ("GaussianMixture",))},
        known={
            r"test_check_(weights|means|precisions)": _departure(
                PEER_SECTION,
                "the error names the constructor parameter ('weights_init', "
                "'means_init', 'precisions_init') where scikit-learn's says "
                "'weights', 'means', 'full precision' (and scikit-learn's "
                "range message swaps max and min)",
            ),
            r"test_sample": _departure(
                PEER_SECTION,
                "sample(0) raises check_scalar's 'n_samples == 0, must be >= 1.' "
                "(one check for every skgen model), not scikit-learn's wording; "
                "the sampling checks after it pass",
            ),
            r"test_gaussian_mixture_fit_convergence_warning": _departure(
                "One convergence monitor",
                "the ConvergenceWarning names max_iter, the last change of the "
                "bound and tol, in other words than scikit-learn's",
            ),
            r"test_gaussian_mixture_precisions_init\[float64.*\]": _private(
                "calls the private GaussianMixture._initialize(X, resp) on an "
                "unfitted model; skgen's _initialize reads the *_init values "
                "that _check_parameters validated at the start of fit"
            ),
            r"test_gaussian_mixture_all_init_does_not_estimate_gaussian_parameters"
            r"\[.*\]": _private(
                "counts calls of scikit-learn's private "
                "_estimate_gaussian_parameters, which skgen never calls (its "
                "M-step works on sufficient statistics)"
            ),
            r"test_gaussian_mixture_array_api_compliance\[.*\]": _departure(
                PEER_SECTION,
                "array API dispatch is not supported: skgen computes with NumPy "
                "and Numba; under array_api_dispatch a non-NumPy array reaches "
                "the kernels and fails with a TypeError about dtypes (to be "
                "made a clear refusal)",
            ),
            r"test_gaussian_mixture_raises_where_array_api_not_implemented\[.*\]": (
                _departure(
                    PEER_SECTION,
                    "scikit-learn raises NotImplementedError for k-means "
                    "initialisation under array_api_dispatch; skgen ignores the "
                    "dispatch setting and fits with NumPy",
                )
            ),
            r"test_.*\[float32.*\]": _departure(
                PEER_SECTION,
                "fitted parameters are float64 for float32 input (the rows' "
                "arithmetic is float32, the sums float64: see the user guide's "
                "'float32 and float64'); the test asserts float32 parameters",
            ),
        },
    ),
    PeerSuite(
        "bayesian_mixture",
        "mixture/tests/test_bayesian_mixture.py",
        {"sklearn.mixture": ("skgen.mixture", ("BayesianGaussianMixture",))},
        known={},
    ),
]


def missing_classes(suite):
    """The skgen classes the suite swaps in that do not exist (yet)."""
    missing = []
    for module, names in suite.replace.values():
        mod = importlib.import_module(module)
        missing += [f"{module}.{n}" for n in names if not hasattr(mod, n)]
    return missing


def rewrite_imports(source, replace):
    """``source`` with ``from <sklearn module> import <class>`` of the
    replaced classes importing from skgen; other names keep their module."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    edits = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or node.module not in replace:
            continue
        target, names = replace[node.module]
        ours = [a for a in node.names if a.name in names]
        if not ours:
            continue
        rest = [a for a in node.names if a.name not in names]

        def clause(aliases):
            return ", ".join(
                a.name if a.asname is None else f"{a.name} as {a.asname}"
                for a in aliases
            )

        indent = " " * node.col_offset
        new = f"{indent}from {target} import {clause(ours)}\n"
        if rest:
            new += f"{indent}from {node.module} import {clause(rest)}\n"
        edits.append((node.lineno - 1, node.end_lineno, new))
    for start, stop, new in sorted(edits, reverse=True):
        lines[start:stop] = [new]
    if not edits:
        raise RuntimeError("no import to rewrite: has the peer file changed?")
    return "".join(lines)


def run_suite(suite, workdir, array_api=False):
    """Run one suite; return its counts and its failures, classified."""
    import sklearn

    source_path = Path(sklearn.__file__).parent / suite.test_file
    row = {"suite": suite.name, "file": f"sklearn/{suite.test_file}"}
    if not source_path.exists():
        return {**row, "status": f"skipped: {source_path} not installed"}
    missing = missing_classes(suite)
    if missing:
        return {**row, "status": f"not yet: no {', '.join(missing)}"}
    test_path = Path(workdir) / f"test_peer_{suite.name}.py"
    test_path.write_text(rewrite_imports(source_path.read_text(), suite.replace))
    report = Path(workdir) / f"{suite.name}.xml"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(ROOT), workdir, *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
        "SKLEARN_RUN_FLOAT32_TESTS": "1",  # scikit-learn's CI runs them too
    }
    if array_api:  # the array API tests need it (and array_api_strict, torch...)
        env["SCIPY_ARRAY_API"] = "1"
    command = [
        sys.executable,
        "-m",
        "pytest",
        str(test_path),
        "-p",
        "no:cacheprovider",
        "-p",
        "sklearn.conftest",
        "--rootdir",
        workdir,
        "-q",
        "--no-header",
        "-o",
        "addopts=",
        f"--junitxml={report}",
    ]
    done = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True)
    if not report.exists():
        return {**row, "status": f"error: {done.stdout[-2000:]}{done.stderr[-2000:]}"}
    counts = {"passed": 0, "failed": 0, "skipped": 0, "xfailed": 0}
    failures, skip_reasons = [], {}
    for case in ET.parse(report).getroot().iter("testcase"):
        name = case.get("name")
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        skipped = case.find("skipped")
        if problem is not None:
            counts["failed"] += 1
            failures.append(_classify(suite, name, problem.get("message", "")))
        elif skipped is not None:
            kind = "xfailed" if skipped.get("type") == "pytest.xfail" else "skipped"
            counts[kind] += 1
            reason = skipped.get("message", "").split(": ", 1)[-1][:120]
            skip_reasons[reason] = skip_reasons.get(reason, 0) + 1
        else:
            counts["passed"] += 1
    return {
        **row,
        "status": "ran",
        **counts,
        "failures": failures,
        "skip_reasons": skip_reasons,
    }


def _classify(suite, name, message):
    kind, reason, link = next(
        (
            entry
            for pattern, entry in suite.known.items()
            if re.fullmatch(pattern, name)
        ),
        ("unclassified", "", None),
    )
    first_line = message.strip().splitlines()[0][:200] if message.strip() else ""
    return {
        "test": name,
        "classification": kind,
        "reason": reason,
        "link": link,
        "message": first_line,
    }


def markdown(rows):
    import sklearn

    command = " ".join(["python benchmarks/peer_tests.py", *sys.argv[1:]])
    out = [
        "# scikit-learn's tests on skgen's classes",
        "",
        f"scikit-learn {sklearn.__version__}; written by `{command}`.",
        "Each suite is scikit-learn's test file with its public classes imported",
        "from skgen (private helpers stay scikit-learn's).",
        "",
        "| suite | file | passed | failed | skipped | xfailed |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        if r["status"] != "ran":
            out.append(f"| {r['suite']} | `{r['file']}` | {r['status']} | | | |")
            continue
        out.append(
            f"| {r['suite']} | `{r['file']}` | {r['passed']} | {r['failed']} | "
            f"{r['skipped']} | {r['xfailed']} |"
        )
    for r in rows:
        if r.get("skip_reasons"):
            out += ["", f"Skipped in {r['suite']} (count, reason):", ""]
            for reason, n in sorted(r["skip_reasons"].items(), key=lambda i: -i[1]):
                out.append(f"- {n}: {reason}")
    for r in rows:
        if r.get("failures"):
            out += ["", f"## Failures: {r['suite']}", ""]
            out += ["| tests | classification | reason |", "| --- | --- | --- |"]
            groups = {}  # one row per (classification, reason)
            for f in r["failures"]:
                key = (f["classification"], f["reason"] or f["message"], f["link"])
                if f["classification"] == "unclassified":
                    key += (f["test"],)
                groups.setdefault(key, []).append(f["test"])
            for (kind, reason, link, *_), tests in groups.items():
                where = f" ({link})" if link else ""
                names = ", ".join(f"`{t}`" for t in tests)
                out.append(f"| {names} | {kind}{where} | {reason} |")
    return "\n".join(out) + "\n"


def main(args):
    array_api = "--array-api" in args
    names = [a for a in args if not a.startswith("--")]
    suites = [s for s in SUITES if not names or s.name in names]
    with tempfile.TemporaryDirectory(prefix="skgen-peer-") as workdir:
        rows = []
        for suite in suites:
            print(f"== {suite.name}", flush=True)
            rows.append(run_suite(suite, workdir, array_api))
            print({k: v for k, v in rows[-1].items() if k != "failures"}, flush=True)
    RESULTS.mkdir(exist_ok=True)
    stem = "peer_tests_array_api" if array_api else "peer_tests"
    (RESULTS / f"{stem}.json").write_text(json.dumps(rows, indent=1))
    (RESULTS / f"{stem}.md").write_text(markdown(rows))
    print(markdown(rows))
    unclassified = [
        f["test"]
        for r in rows
        for f in r.get("failures", [])
        if f["classification"] == "unclassified"
    ]
    if unclassified:
        sys.exit(f"unclassified failures: {', '.join(unclassified)}")


if __name__ == "__main__":
    main(sys.argv[1:])
