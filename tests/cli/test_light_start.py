"""A command loads only what it needs: `--version` and the parser load no tables, no
SQLAlchemy and no Qt (each costs seconds on a slow machine before anything is printed).

Each check runs in a fresh interpreter, since this test process has imported everything
already, and asks that interpreter which modules it ended up with.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from partnerdesk import __version__

ROOT = Path(__file__).resolve().parents[2]
# Whole packages (and their sub-modules), then single modules of ours.
HEAVY_PACKAGES = ("sqlmodel", "sqlalchemy", "PySide6", "shiboken6", "alembic", "reportlab")
HEAVY_MODULES = ("partnerdesk.db.records", "partnerdesk.services.desk")


def loaded_after(code: str) -> tuple[list[str], str]:
    """Run `code` in a new interpreter; (the heavy modules it loaded, what it printed)."""
    probe = (f"import json, sys\n{code}\n"
             f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
             f"{HEAVY_PACKAGES!r} or m in {HEAVY_MODULES!r})))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=env, check=True, timeout=120)
    *printed, modules = done.stdout.strip().splitlines()
    return json.loads(modules), "\n".join(printed)


def test_version_prints_without_loading_the_tables_or_qt() -> None:
    heavy, printed = loaded_after(
        "from partnerdesk.desktop import main\nstatus = main(['--version'])\nassert status == 0")
    assert printed == f"PartnerDesk {__version__}"
    assert heavy == []


def test_the_probe_sees_heavy_modules_when_they_are_loaded() -> None:
    """The check above can fail: opening the Desk's module is seen."""
    heavy, _ = loaded_after("import partnerdesk.services.desk")
    assert "sqlmodel" in heavy and "partnerdesk.db.records" in heavy


@pytest.mark.parametrize("argv", [["--version"], ["--db", "x.db", "--version"],
                                  ["stats", "--help"], ["report", "--help"]])
def test_the_command_line_parses_every_command_without_the_tables(argv: list[str]) -> None:
    heavy, printed = loaded_after(
        "from partnerdesk.desktop import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit as stop:\n    assert stop.code == 0")
    assert heavy == []
    assert printed  # the version, or the command's help


def test_python_m_runs_the_front_door() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "partnerdesk.desktop", "--version"],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0
    assert done.stdout.strip() == f"PartnerDesk {__version__}"
