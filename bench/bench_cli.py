"""Wall time of short commands, as typed in a terminal, beside the interpreter's own start.

`partnerdesk --version`, `stats` and `search` each run as a new process (the installed
`partnerdesk` command when there is one, else `python -m partnerdesk.desktop`), median of
several runs, next to two raw baselines from the same run: `python -c pass` (the
interpreter alone) and `python -c "import sqlite3"` (the least a database read needs).
`stats` and `search` run on the sample database (`demo`, scale 1: issue 18's target, at
most 0.5 s) and, reported beside it, on the bench's `demo --scale N` database (where most
of the time is the quick integrity check every open makes).

The package is byte-compiled first, as an installed copy is. One unmeasured run of each
command comes first: it warms the disk cache and takes the day's backup (into a
throwaway data folder), so the figures are those of every later run of the day.
"""

import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import SCALE, Figure, demo_database

ROOT = Path(__file__).resolve().parents[1]
VERSION_TARGET = 0.15
READ_TARGET = 0.5


def command() -> list[str]:
    """How a person starts PartnerDesk from a terminal in this environment."""
    script = Path(sys.executable).parent / "partnerdesk"
    if script.is_file():
        return [sys.executable, str(script)]
    return [sys.executable, "-m", "partnerdesk.desktop"]


def wall(argv: list[str], env: dict[str, str], runs: int) -> float:
    """Median wall time of running `argv` to its end, after one unmeasured run."""
    times = []
    for run in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=True,
                       timeout=300)
        if run:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(runs: int = 7) -> list[Figure]:
    compileall.compile_dir(ROOT / "partnerdesk", quiet=1)
    databases = {"sample database": demo_database(1), f"scale {SCALE}": demo_database(SCALE)}
    figures = []
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "PARTNERDESK_DATA_DIR": data}
        env.pop("PARTNERDESK_DB", None)
        bare = wall([sys.executable, "-c", "pass"], env, runs)
        with_sqlite = wall([sys.executable, "-c", "import sqlite3"], env, runs)
        version = wall([*command(), "--version"], env, runs)
        figures.append(Figure("partnerdesk --version", version, "s", bare,
                              f"<= {VERSION_TARGET} s", version <= VERSION_TARGET))
        for label, path in databases.items():
            for name, args in (("stats", ["stats"]), ("search", ["search", "volun"])):
                took = wall([*command(), "--db", str(path), *args], env, runs)
                judged = label == "sample database"
                figures.append(Figure(f"partnerdesk {name}, {label}", took, "s", with_sqlite,
                                      f"<= {READ_TARGET} s" if judged else "(reported)",
                                      took <= READ_TARGET or not judged))
    figures.append(Figure("python -c pass (raw baseline)", bare, "s", None, "(reported)", True))
    figures.append(Figure("python -c 'import sqlite3' (raw baseline)", with_sqlite, "s", None,
                          "(reported)", True))
    return figures


if __name__ == "__main__":
    for figure in measure():
        print(figure.line())
