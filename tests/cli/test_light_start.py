"""A command loads only what it needs: `--version` and the parser load no tables, no
SQLAlchemy and no Qt (each costs seconds on a slow machine before anything is printed).

Each check runs in a fresh interpreter, since this test process has imported everything
already, and asks that interpreter which modules it ended up with.
"""

import os
import subprocess
import sys

import pytest

from partnerdesk import __version__
from tests.cli.probe import ROOT, loaded_after


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


@pytest.mark.parametrize("module", ["partnerdesk", "partnerdesk.desktop"])
def test_python_m_runs_the_front_door(module: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", module, "--version"],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0
    assert done.stdout.strip() == f"PartnerDesk {__version__}"
