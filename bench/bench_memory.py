"""Peak memory (RSS) with the scale-100 database open and the Contacts list shown,
scrolled to the end and filtered."""

import os
import subprocess
import sys
from pathlib import Path

from bench.common import Figure, demo_database

ROOT = Path(__file__).resolve().parents[1]


def peak_bytes(*args: str) -> int:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-m", "bench.startup_child", *args], cwd=ROOT,
                            env=env, capture_output=True, text=True, check=True, timeout=300)
    line = next(x for x in result.stdout.splitlines() if x.startswith("peak "))
    return int(line.split()[1])


def measure() -> list[Figure]:
    path = str(demo_database())
    peak = peak_bytes("app", path, "--contacts") / 1e6
    return [Figure("peak memory, Contacts shown", peak, "MB", None, "<= 400 MB", peak <= 400)]


if __name__ == "__main__":
    for figure in measure():
        print(figure.line())
