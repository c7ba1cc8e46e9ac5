"""What ``skgen synth`` adds to the fit: import, I/O, the report.

Each table of ``benchmarks/_real_tables.py`` (randhie whole, 20,190 rows) is
written to a CSV file; ``python -m skgen synth FILE -n 5000`` runs in a fresh
process five times, after one untimed run that writes the bytecode and Numba
caches (as a user's installed package has them: the environment variable
``PYTHONDONTWRITEBYTECODE`` is cleared for the runs, or every run would
recompile skgen's sources, about 0.3 s); the table gives the median wall
time, the fit the command prints (the synthesizer's ``fit`` alone), and
their difference. The issue's bound: 2 s.

Usage: python benchmarks/bench_synth_command.py (needs ``pip install ".[bench]"``
for the tables)
"""

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import machine, write_results  # noqa: E402
from benchmarks._real_tables import TABLES, randhie  # noqa: E402

ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def main(repeats=5):
    rows = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, load in TABLES.items():
            frame = randhie(n_rows=20_190) if name == "randhie" else load()
            path = Path(folder) / f"{name}.csv"
            frame.to_csv(path, index=False)
            walls, fits = [], []
            for run in range(repeats + 1):
                tic = time.perf_counter()
                out = subprocess.run(
                    [sys.executable, "-m", "skgen", "synth", str(path), "-n", "5000",
                     "-o", str(Path(folder) / "out.csv"),
                     "--report", str(Path(folder) / "report")],
                    capture_output=True, text=True, check=True, env=ENVIRONMENT,
                ).stdout  # fmt: skip
                if run == 0:
                    continue  # the caches' run
                walls.append(time.perf_counter() - tic)
                fits.append(float(re.search(r"fitted table in ([0-9.]+) s", out)[1]))
            added = [w - f for w, f in zip(walls, fits)]
            rows[name] = {
                "rows": len(frame),
                "wall_s": statistics.median(walls),
                "fit_s": statistics.median(fits),
                "added_s": statistics.median(added),
                "added_all": added,
            }
            print(name, rows[name], flush=True)
    lines = [
        "# What `skgen synth` adds to the fit",
        "",
        f"`python -m skgen synth FILE -n 5000`, fresh processes with the bytecode "
        f"and Numba caches written, median of {repeats}; "
        "'fit' is the synthesizer's fit as the command prints it (0.1 s "
        "resolution). Bound: 2 s added.",
        "",
        "| table | rows | wall s | fit s | added s |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, r in rows.items():
        lines.append(
            f"| {name} | {r['rows']:,} | {r['wall_s']:.2f} | {r['fit_s']:.1f} | "
            f"{r['added_s']:.2f} |"
        )
    write_results(
        "synth_command", "\n".join(lines) + "\n", {"machine": machine(), "rows": rows}
    )


if __name__ == "__main__":
    main()
