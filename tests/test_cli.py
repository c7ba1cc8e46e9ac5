import io
import re
import subprocess
import sys

import numpy as np
import pytest

from skgen._cli import main

FAST = ["--max-components", "2", "--epochs", "20", "--splits", "3"]


def test_main_job_reports_every_family_and_writes_a_report(tmp_path):
    out = io.StringIO()
    assert main([*FAST, "--out", str(tmp_path / "report")], out=out) == 0
    report = out.getvalue()
    assert "BIC on the training rows" in report
    assert "chosen:" in report
    assert "held-out mean log-likelihood" in report
    skgen_ll = float(re.search(r"skgen GaussianMixture \([^)]*\)\s+(\S+)", report)[1])
    sklearn_ll = float(report.split("(same settings)")[1].split()[0])
    assert skgen_ll == pytest.approx(sklearn_ll, abs=1e-3)
    for name in ("GaussianNB", "VAE", "GAN", "KernelDensity"):
        assert name in report
    assert "sample quality: C2ST" in report
    # Every family's held-out score and C2ST accuracy is a number.
    for name in ("VAE", "GAN"):
        scores = re.findall(rf"skgen {name}\s+(-?\d+\.\d+)", report)
        assert len(scores) == 2 and all(np.isfinite(float(v)) for v in scores)
    assert "learning curves" in report and "cross" in report
    written = sorted(p.name for p in (tmp_path / "report").iterdir())
    assert written == [
        "learning_curves.csv",
        "learning_curves.md",
        "learning_curves.png",
        "report.md",
    ]
    assert (
        "held-out mean log-likelihood"
        in (tmp_path / "report" / "report.md").read_text()
    )


def test_python_dash_m_skgen_runs(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "skgen",
            "--data",
            "wine",
            *FAST,
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "'wine'" in result.stdout


@pytest.fixture
def iris_csv(tmp_path):
    pd = pytest.importorskip("pandas")
    from sklearn.datasets import load_iris

    frame = load_iris(as_frame=True).frame
    frame["species"] = frame.pop("target").map(
        {0: "setosa", 1: "versicolor", 2: "virginica"}
    )
    path = tmp_path / "iris.csv"
    frame.to_csv(path, index=False)
    return path, pd


def test_compare_writes_table_and_figure(tmp_path, iris_csv):
    path, _ = iris_csv
    out = io.StringIO()
    argv = ["compare", str(path), "--target", "species", "--splits", "3"]
    assert main([*argv, "--out", str(tmp_path / "cmp")], out=out) == 0
    assert (
        "| training rows | Gaussian naive Bayes | logistic regression |"
        in out.getvalue()
    )
    assert (tmp_path / "cmp" / "learning_curves.png").stat().st_size > 0
    out = io.StringIO()
    argv = ["compare", "--data", "wine", "--models", "nb", "qda", "--splits", "3"]
    assert main([*argv, "--out", str(tmp_path / "wine")], out=out) == 0
    assert "one full Gaussian per class" in out.getvalue()


@pytest.mark.parametrize("model", ["table", "gmm", "nb", "vae", "hmm"])
def test_synth_writes_rows_with_the_categories_and_a_quality_report(
    tmp_path, iris_csv, model
):
    path, pd = iris_csv
    out = io.StringIO()
    output = tmp_path / "synthetic.csv"
    argv = ["synth", str(path), "--model", model, "-n", "50", "-o", str(output)]
    argv += ["--report", str(tmp_path / "report")]
    assert main([*argv, "--target", "species"], out=out) == 0
    synthetic = pd.read_csv(output)
    real = pd.read_csv(path)
    assert list(synthetic.columns) == list(real.columns) and len(synthetic) == 50
    assert set(synthetic["species"]) <= set(real["species"])
    report = out.getvalue()
    for measure in (
        "C2ST accuracy",
        "MMD^2",
        "column shapes",
        "correlation difference",
        "membership-inference AUC",
        "values out of the real range",
    ):
        assert measure in report
    assert "| quality score |" in (tmp_path / "report" / "report.md").read_text()
    html = (tmp_path / "report" / "report.html").read_text()
    assert html.count("<svg") == 5 + 1  # a marginal per column, the heat map


def test_synth_default_table_keeps_types_ranges_and_missing_cells(tmp_path):
    """A real-looking CSV: skew, a point mass, counts, text, dates, gaps."""
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    n = 600
    frame = pd.DataFrame(
        {
            "visits": np.where(rng.uniform(size=n) < 0.7, 0, rng.poisson(4, n)),
            "spend": np.round(np.exp(rng.normal(3, 1, n)), 2),
            "plan": rng.choice(["free", "basic", "plus"], n),
            "joined": pd.date_range("2020-01-01", periods=n, freq="D").astype(str),
        }
    )
    frame.loc[rng.uniform(size=n) < 0.15, "spend"] = np.nan
    path = tmp_path / "shop.csv"
    frame.to_csv(path, index=False)
    out = io.StringIO()
    output = tmp_path / "synthetic.csv"
    argv = ["synth", str(path), "-n", "3000", "-o", str(output)]
    assert main([*argv, "--report", str(tmp_path / "report")], out=out) == 0
    report = out.getvalue()
    for zero in (
        "values out of the real range: 0 ",
        "fractions in integer columns: 0 ",
        "categories not in the real rows: 0 ",
    ):
        assert zero in report
    synthetic = pd.read_csv(output)
    assert (synthetic["visits"] == 0).mean() == pytest.approx(0.7, abs=0.05)
    assert synthetic["spend"].isna().mean() == pytest.approx(0.15, abs=0.04)
    dates = pd.to_datetime(synthetic["joined"])
    assert dates.min() >= pd.Timestamp("2020-01-01")
    assert (dates.dt.normalize() == dates).all()


def test_synth_on_awkward_csvs(tmp_path):
    """Ranges like "1-2" stay text, dates with an offset keep it, and an
    all-missing column does not break the report."""
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    n = 200
    frame = pd.DataFrame(
        {
            "band": rng.choice(["1-2", "3-4", "5-6"], n),
            "when": pd.date_range(
                "2024-03-01", periods=n, freq="37min", tz="+01:00"
            ).strftime("%Y-%m-%dT%H:%M:%S%z"),
            "x": rng.normal(size=n),
            "empty": np.nan,
        }
    )
    path = tmp_path / "awkward.csv"
    frame.to_csv(path, index=False)
    output = tmp_path / "synthetic.csv"
    argv = ["synth", str(path), "-o", str(output), "--report", str(tmp_path / "r")]
    assert main(argv, out=io.StringIO()) == 0
    synthetic = pd.read_csv(output)
    assert set(synthetic["band"]) <= {"1-2", "3-4", "5-6"}
    when = pd.to_datetime(synthetic["when"])
    assert str(when.dt.tz) == "UTC+01:00"
    assert when.min() >= pd.Timestamp("2024-03-01", tz="+01:00")
    assert synthetic["empty"].isna().all()
    assert (tmp_path / "r" / "report.html").stat().st_size > 0


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--data", "nope"], "invalid choice"),
        (["--max-components", "0"], "at least 1"),
        (["synth", "/no/such/file.csv"], "no such file"),
        (["compare", "--models", "foo"], "unknown model(s) foo"),
    ],
)
def test_bad_arguments_get_one_line_errors(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert message in error
    assert "Traceback" not in error


def test_bad_files_and_columns_get_one_line_errors(tmp_path, iris_csv, capsys):
    path, pd = iris_csv
    for argv, message in [
        (["synth", str(path), "--target", "colour"], "unknown column 'colour'"),
        (["synth", str(path), "--model", "nb"], "give --target COL"),
        (["compare", str(path)], "--target COL is required"),
    ]:
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2
        assert message in capsys.readouterr().err
    mixed = pd.read_csv(path)
    mixed["colour"] = "red"
    mixed.to_csv(tmp_path / "mixed.csv", index=False)
    with pytest.raises(SystemExit):
        main(["compare", str(tmp_path / "mixed.csv"), "--target", "species"])
    assert "non-numeric: colour" in capsys.readouterr().err
    continuous = pd.read_csv(path).drop(columns=["species"])
    continuous.to_csv(tmp_path / "continuous.csv", index=False)
    with pytest.raises(SystemExit):
        main(
            [
                "compare",
                str(tmp_path / "continuous.csv"),
                "--target",
                "petal width (cm)",
            ]
        )
    assert "must hold class labels" in capsys.readouterr().err
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(SystemExit):
        main(["synth", str(tmp_path / "empty.csv")])
    assert "cannot read" in capsys.readouterr().err


def test_importing_skgen_compiles_nothing():
    code = """
import sys
from numba.core.registry import CPUDispatcher
import skgen
from skgen.hmm import _kernels as hmm_kernels
from skgen.mixture import _kernels as mixture_kernels
from skgen.distributions import _gaussian_kernels
from skgen.utils._chunking import ParallelKernel
dispatchers = []
for module in (hmm_kernels, mixture_kernels, _gaussian_kernels):
    for obj in vars(module).values():
        if isinstance(obj, ParallelKernel):
            dispatchers += [obj.parallel, obj.serial]
        elif isinstance(obj, CPUDispatcher):
            dispatchers.append(obj)
assert len(dispatchers) >= 10, len(dispatchers)
compiled = [d.py_func.__name__ for d in dispatchers if d.signatures]
sys.exit(f"compiled at import: {compiled}" if compiled else 0)
"""
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_console_entry_exits_with_the_commands_code(tmp_path):
    """``python -m skgen`` exits promptly with main's code, output flushed."""
    bad = subprocess.run(
        [sys.executable, "-m", "skgen", "synth", str(tmp_path / "none.csv")],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "no such file" in bad.stderr
    helped = subprocess.run(
        [sys.executable, "-m", "skgen", "synth", "--help"],
        capture_output=True,
        text=True,
    )
    assert helped.returncode == 0 and "--holdout" in helped.stdout


def test_the_console_entry_runs_the_atexit_handlers(tmp_path):
    marker = tmp_path / "ran"
    script = (
        "import atexit, pathlib, sys\n"
        f"atexit.register(pathlib.Path({str(marker)!r}).write_text, 'yes')\n"
        "sys.argv = ['skgen', 'synth', '--help']\n"
        "from skgen._cli import console\n"
        "console()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert done.returncode == 0
    assert marker.read_text() == "yes"


def test_synth_given_values(tmp_path, iris_csv, capsys):
    path, pd = iris_csv
    output = tmp_path / "given.csv"
    argv = ["synth", str(path), "-n", "40", "-o", str(output), "--target", "species"]
    out = io.StringIO()
    given = ["--given", "species=setosa", "--given", "sepal length (cm)=5.0"]
    assert main([*argv, *given], out=out) == 0
    synthetic = pd.read_csv(output)
    assert (synthetic["species"] == "setosa").all()
    assert (synthetic["sepal length (cm)"] == 5.0).all()
    assert "rows drawn given species=setosa, sepal length (cm)=5.0" in out.getvalue()
    assert main([*argv, *given, "--model", "gmm"], out=io.StringIO()) == 0
    synthetic = pd.read_csv(output)
    assert (synthetic["species"] == "setosa").all()
    assert (synthetic["sepal length (cm)"] == 5.0).all()
    for bad, message in [
        (["--given", "species"], "expected COL=VALUE"),
        (["--given", "colour=red"], "expected COL=VALUE"),
        (["--given", "sepal length (cm)=long"], "is numeric"),
        (["--given", "species=rose"], "--given:"),
        (["--model", "vae", "--given", "species=setosa"], "--model table or"),
    ]:
        with pytest.raises(SystemExit) as exit_info:
            main([*argv, *bad], out=io.StringIO())
        assert exit_info.value.code == 2
        assert message in capsys.readouterr().err


@pytest.fixture
def panel_csv(tmp_path):
    pd = pytest.importorskip("pandas")
    from skgen.datasets import make_sequence_classification

    X, y, ids = make_sequence_classification(40, random_state=0)
    steps = np.concatenate([np.arange(n) for n in np.bincount(ids)])
    frame = pd.DataFrame(
        {
            "unit": np.array([f"u{i:02d}" for i in ids]),
            "step": 10 * steps,
            "a": X[:, 0],
            "b": X[:, 1],
            "count": np.clip(np.round(3 * X[:, 0]), -4, 4).astype(int),
            "regime": np.where(y == 0, "calm", "busy"),
        }
    )
    path = tmp_path / "panel.csv"
    # Shuffled rows: --order-by must put each sequence back in order.
    frame.sample(frac=1.0, random_state=0).to_csv(path, index=False)
    return path, frame, pd


def test_compare_on_sequences(tmp_path, panel_csv):
    path, frame, _ = panel_csv
    # The two-feature panel (a rounded copy of a column gives the Gaussian
    # states spikes to sit on).
    frame.drop(columns="count").to_csv(path, index=False)
    out = io.StringIO()
    argv = ["compare", str(path), "--target", "regime", "--sequence-id", "unit"]
    argv += ["--order-by", "step", "--splits", "3", "--models", "hmm", "lr", "gmm"]
    assert main([*argv, "--out", str(tmp_path / "seq")], out=out) == 0
    text = out.getvalue()
    assert "40 sequences" in text and "| training sequences | HMM per class |" in text
    table = np.genfromtxt(
        tmp_path / "seq" / "learning_curves.csv",
        delimiter=",",
        names=True,
        dtype=None,
        encoding=None,
    )
    largest = table[table["train_size"] == table["train_size"].max()]
    error = dict(zip(largest["model"], largest["mean_error"]))
    # Dynamics only: the HMMs read them, mixtures of single rows cannot.
    assert error["HMM per class"] < 0.2 < error["i.i.d. mixture per class"]


def test_synth_writes_sequences_like_the_panel(tmp_path, panel_csv, capsys):
    path, frame, pd = panel_csv
    frame = frame.drop(columns="regime")
    frame.to_csv(path, index=False)
    output = tmp_path / "synthetic.csv"
    out = io.StringIO()
    argv = ["synth", str(path), "--sequence-id", "unit", "--order-by", "step"]
    assert main([*argv, "-n", "30", "-o", str(output), "--states", "2"], out=out) == 0
    assert "GaussianHMM with 2 states" in out.getvalue()
    assert "C2ST accuracy on sequence summaries" in out.getvalue()
    synthetic = pd.read_csv(output)
    assert list(synthetic.columns) == list(frame.columns)
    assert synthetic.dtypes.to_dict() == pd.read_csv(path).dtypes.to_dict()
    lengths = synthetic.groupby("unit", sort=False).size()
    assert len(lengths) == 30 and set(lengths) <= set(frame.groupby("unit").size())
    # Each sequence takes the step pattern of a real one: 0, 10, 20, ...
    for _, rows in synthetic.groupby("unit"):
        assert rows["step"].tolist() == list(range(0, 10 * len(rows), 10))
    for column in ("a", "b", "count"):
        assert synthetic[column].between(frame[column].min(), frame[column].max()).all()
    frame.assign(kind="x").to_csv(path, index=False)
    with pytest.raises(SystemExit):
        main([*argv, "-o", str(output)], out=io.StringIO())
    assert "numeric columns only; non-numeric: kind" in capsys.readouterr().err


def test_warmup_compiles_every_family_once():
    # In the suite's own cache (a fresh one would compile everything again):
    # the first run compiles what the suite has not yet (announcing nothing,
    # as the command's purpose), the second loads every kernel from the cache.
    code = """
import io, sys, time, warnings
from numba.core import event
from skgen._cli import main
compiled = []
class Count(event.Listener):
    def on_start(self, ev):
        compiled.append(ev.data["dispatcher"].py_func.__module__)
    def on_end(self, ev):
        pass
event.register("numba:compile", Count())
out = io.StringIO()
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    main(["warmup"], out=out)
print(out.getvalue())
print("skgen compilations:", sum(m.startswith("skgen.") for m in compiled))
print("notices:", sum(w.category.__name__ == "CompilationNotice" for w in caught))
"""
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        for _ in range(2)
    ]
    for run in runs:
        assert run.returncode == 0, run.stderr
        for family in ("mixtures", "hidden Markov models", "neural networks"):
            assert re.search(rf"^{family}: \d+\.\d s$", run.stdout, re.M)
        assert "Numba's cache: " in run.stdout
        assert "notices: 0" in run.stdout
    assert "skgen compilations: 0" in runs[1].stdout


def test_a_first_compilation_is_announced_once(tmp_path):
    code = """
import warnings
import numpy as np
from skgen.mixture import GaussianMixture
warnings.simplefilter("always")
X = np.random.default_rng(0).standard_normal((40, 2))
GaussianMixture(2, covariance_type="spherical", max_iter=2).fit(X)
GaussianMixture(2, covariance_type="diag", max_iter=2).fit(X)
"""
    env = {**__import__("os").environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    cold, warm = (
        subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True
        )
        for _ in range(2)
    )
    assert cold.returncode == 0 and warm.returncode == 0, cold.stderr + warm.stderr
    assert cold.stderr.count("CompilationNotice") == 1, cold.stderr
    assert "python -m skgen warmup" in cold.stderr
    # The warning points at the user's call, not at Numba's machinery.
    assert "<string>:7: CompilationNotice" in cold.stderr
    assert "CompilationNotice" not in warm.stderr
