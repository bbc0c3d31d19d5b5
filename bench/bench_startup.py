"""Process start to main window shown with the scale-100 database, against a bare
QApplication + empty QMainWindow started the same way, in the same run."""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import Figure, demo_database

ROOT = Path(__file__).resolve().parents[1]


def shown_after(*args: str) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    start = time.time()
    result = subprocess.run([sys.executable, "-m", "bench.startup_child", *args], cwd=ROOT,
                            env=env, capture_output=True, text=True, check=True, timeout=120)
    line = next(x for x in result.stdout.splitlines() if x.startswith("shown "))
    return float(line.split()[1]) - start


def measure(runs: int = 5) -> list[Figure]:
    path = str(demo_database())
    shown_after("app", path)  # warm the disk cache once, as a second start would be
    bare = statistics.median(shown_after("bare") for _ in range(runs))
    app = statistics.median(shown_after("app", path) for _ in range(runs))
    return [Figure("window shown with the database open", app, "s", bare,
                   "<= bare + 1.0 s", app <= bare + 1.0)]


if __name__ == "__main__":
    for figure in measure():
        print(figure.line())
