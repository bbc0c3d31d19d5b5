"""The benchmarks' child processes start the program the way a person does; a change to
the program's front door that breaks them is found here, not at the next bench run."""

import os
import subprocess
import sys
from pathlib import Path

from partnerdesk.services import Desk

ROOT = Path(__file__).resolve().parents[1]


def test_the_startup_child_opens_the_window_and_reports_its_moments(tmp_path: Path) -> None:
    path = tmp_path / "small.db"
    desk = Desk.open(path)
    desk.organizations.create(name="Eastside Food Bank")  # not a first run: no welcome
    desk.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "bench.startup_child", "app", str(path)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    moments = [line.split()[0] for line in done.stdout.splitlines()]
    assert moments[:2] == ["shown", "ready"], done.stdout


def test_every_benchmark_module_imports() -> None:
    """`scripts/bench` imports each in turn; one that cannot be imported stops the run."""
    from importlib import import_module

    from bench.run import MODULES

    for name in MODULES:
        assert callable(import_module(name).measure), name
