"""Process start to main window shown with the scale-100 database, against a bare
QApplication + empty QMainWindow started the same way, in the same run.

Two figures: the window shown (on screen and painted, the program turning to the
database: the target of issue 18, at most 0.5 s more than the bare window), and the first
screen ready with the database's records (reported, with no target of its own: it is
the window plus about a second of library imports and the database's first reads).

The package is byte-compiled first, as an installed copy is (pip and the app bundle
ship compiled files; this checkout may run with PYTHONDONTWRITEBYTECODE). The app
starts with its own settings folder, as on a first start: the Dashboard is shown.
"""

import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Figure, demo_database

ROOT = Path(__file__).resolve().parents[1]


def started(*args: str, config: str = "") -> dict[str, float]:
    """Seconds from starting the child process to each moment it reports."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if config:
        env["XDG_CONFIG_HOME"] = config
    start = time.time()
    result = subprocess.run([sys.executable, "-m", "bench.startup_child", *args], cwd=ROOT,
                            env=env, capture_output=True, text=True, check=True, timeout=120)
    moments = dict(line.split() for line in result.stdout.splitlines()
                   if line.startswith(("shown ", "ready ")))
    return {name: float(at) - start for name, at in moments.items()}


def measure(runs: int = 5) -> list[Figure]:
    path = str(demo_database())
    compileall.compile_dir(ROOT / "partnerdesk", quiet=1)
    with tempfile.TemporaryDirectory() as config:
        started("app", path, config=config)  # warm the disk cache, as a second start
        bare = statistics.median(started("bare")["shown"] for _ in range(runs))
        apps = [started("app", path, config=config) for _ in range(runs)]
    shown = statistics.median(run["shown"] for run in apps)
    ready = statistics.median(run["ready"] for run in apps)
    return [Figure("window shown, opening the database", shown, "s", bare,
                   "<= bare + 0.5 s", shown <= bare + 0.5),
            Figure("first screen ready with its records", ready, "s", bare,
                   "(reported)", True)]


if __name__ == "__main__":
    for figure in measure():
        print(figure.line())
