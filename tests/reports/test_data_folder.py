"""Fixtures made once per module (the sample data, on SQLite and on PostgreSQL, whose
office folder is in the data folder) see the run's temporary data folder, never the
real user's: they are made before any test's own temporary one is set."""

import os
from pathlib import Path

import platformdirs
import pytest

from partnerdesk.paths import APP_NAME, data_dir
from partnerdesk.services import Desk

REAL = Path.home() / ".local" / "share" / APP_NAME  # where a Linux user's data lives


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


@pytest.fixture(scope="module")
def seen_by_module_fixtures(sample_desk: Desk) -> dict[str, Path]:
    where = sample_desk.path if sample_desk.address is None \
        else sample_desk.address.local_folder()
    return {"data": data_dir(), "desk": where,
            "default": Path(platformdirs.user_data_dir(APP_NAME, False)),
            "run": Path(os.environ["XDG_DATA_HOME"]).parent}


def test_module_wide_fixtures_use_the_runs_own_data_folder(
        seen_by_module_fixtures: dict[str, Path]) -> None:
    seen = seen_by_module_fixtures
    for name in ("data", "desk", "default"):
        assert not _inside(seen[name], REAL), name
    assert _inside(seen["data"], seen["run"]) and _inside(seen["default"], seen["run"])
    # this test's own folder is another one again
    assert not _inside(data_dir(), seen["data"])
