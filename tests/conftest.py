"""Fixtures for every tier: a temporary database per test, the service facade on it.

No test may depend on how fast the machine is: the suite runs on a busy two-core laptop
next to other work. So waits that fail on a timeout (pytest-qt's `waitUntil`,
`waitSignal`, ...) get at least `WAIT_FLOOR_MS` whatever a test asks for: a timeout is a
guard against a hang, never a measure of speed (speed is measured in `bench/`). Hypothesis
neither times examples nor fails a slow data generation.
"""

import faulthandler
import functools
import os
import sys
from collections.abc import Callable, Generator, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from partnerdesk.services import Desk  # noqa: E402
from tests import new_database  # noqa: E402
from tests.new_database import open_new_desk  # noqa: E402

TODAY = date(2026, 6, 15)
WAIT_FLOOR_MS = 60_000

# A test that hangs in Python fails after pytest-timeout's limit (pyproject.toml) and the run
# goes on. One stuck where that cannot reach (inside Qt or SQLite, say) prints every
# thread's stack this long after the limit and ends its process, so the run fails at once
# (`scripts/test`: --max-worker-restart=0) instead of waiting for CI to give up.
HANG_GRACE_S = 120
_HANG_REPORT = pytest.StashKey[int]()

settings.register_profile("partnerdesk", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("partnerdesk")


def pytest_configure(config: pytest.Config) -> None:
    # stderr as it is before tests capture it (under pytest-xdist, the worker's own)
    assert sys.__stderr__ is not None
    config.stash[_HANG_REPORT] = os.dup(sys.__stderr__.fileno())
    # pytest-xdist hands out files in the order collected (`pytest_collection_modifyitems`)
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    marker = item.get_closest_marker("timeout")
    given = item.config.getoption("timeout", None)  # --timeout, else the ini file's
    limit = float(marker.args[0] if marker and marker.args
                  else given if given is not None else item.config.getini("timeout") or 0)
    if limit <= 0:  # no limit asked for
        return (yield)
    faulthandler.dump_traceback_later(limit + HANG_GRACE_S, exit=True,
                                      file=item.config.stash[_HANG_REPORT])
    try:
        return (yield)
    finally:
        faulthandler.cancel_dump_traceback_later()


# The files that take longest, started first. `scripts/test` gives whole files to a worker
# (pytest-xdist, --dist loadfile), in the order collected here; xdist's own order (most
# tests first) put files of one long test last, such as the three laptops' trial, so one
# worker went on alone while the other had nothing left. Only the order changes: no test
# depends on it, and a file missing from this list still runs, in xdist's order.
LONG_FILES = (
    "tests/safety/test_fuzz.py",
    "tests/sharing/test_three_laptops.py",
    "tests/safety/test_crash.py",
    "tests/safety/test_migrations.py",
    "tests/safety/test_backups.py",
    "tests/ui/test_app_start.py",
    "tests/sharing/test_hostile_records.py",
    "tests/sharing/test_no_silent_loss.py",
    "tests/services/test_move_to_server.py",
    "tests/reports/test_worker.py",
    "tests/sharing/test_bundles.py",
    "tests/ui/test_keyboard.py",
    "tests/ui/test_undo_redo.py",
    "tests/sharing/test_three_laptops_oracle.py",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The long files first, then the others by number of tests, most first (what
    pytest-xdist would do; its reordering is turned off so that this order is kept). A
    file's tests stay together and in their order."""
    def file_of(item: pytest.Item) -> str:
        return item.nodeid.split("::")[0]

    rank = {name: place for place, name in enumerate(LONG_FILES)}
    sizes: dict[str, int] = {}
    for item in items:
        sizes[file_of(item)] = sizes.get(file_of(item), 0) + 1
    items.sort(key=lambda item: (rank.get(file_of(item), len(rank)), -sizes[file_of(item)]))


def pytest_enter_pdb() -> None:
    """Someone is debugging: nothing is hung."""
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture(autouse=True)
def _new_databases_are_copies(request: pytest.FixtureRequest,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A new database opened in this process is a copy of the migrated template
    (`tests.new_database.upgrade_by_copy`), unless the test is about migrating."""
    if request.node.get_closest_marker("real_migration") is None:
        from partnerdesk.db import migrate

        monkeypatch.setattr(migrate, "upgrade_safely", new_database.upgrade_by_copy)


@pytest.fixture(scope="session", autouse=True)
def _no_real_data_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """For the whole run (each pytest-xdist worker its own): the data folder, and the
    folder the platform's default one would be made in, are temporary. Fixtures made
    once per module or session (the sample data on PostgreSQL, whose office folder is in
    the data folder) come before any test's own `_isolated_data_dir`, and so did
    `~/.local/share/PartnerDesk` once."""
    from partnerdesk.paths import DATA_DIR_ENV, DB_ENV

    root = tmp_path_factory.mktemp("home-data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DATA_DIR_ENV, str(root / "PartnerDesk"))
        patch.setenv("XDG_DATA_HOME", str(root / "xdg"))  # platformdirs' default, on Linux
        patch.delenv(DB_ENV, raising=False)
        yield root


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    """No test touches a real user's data folder or database (nor another test's)."""
    monkeypatch.setenv("PARTNERDESK_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.delenv("PARTNERDESK_DB", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


@pytest.fixture
def db_engine() -> str:
    """The database engine `desk` and `new_desk` use. SQLite here; the services, sharing,
    reports and search suites run on both (their conftest parametrizes it: see
    `tests.engines`)."""
    return "sqlite"


@pytest.fixture
def new_desk(db_engine: str) -> Iterator[Callable[..., Desk]]:
    """`new_desk(path)`: a new database at `path`, closed at the end of the test.
    `new_desk(path, copy_of=kept)`: a copy of the closed database `kept` instead (a file,
    its attachments folder copied along; or a server database's URL).

    On PostgreSQL, a new server database each call (`path` only tells them apart)."""
    opened: list[Desk] = []
    servers: list[str] = []

    def make(path: Path, copy_of: Path | str | None = None) -> Desk:
        if db_engine == "postgresql":
            from tests.engines import copy_database_url, new_database_url

            servers.append(new_database_url() if copy_of is None
                           else copy_database_url(str(copy_of)))
            opened.append(Desk.open(servers[-1]))
        else:
            opened.append(open_new_desk(path, copy_of=None if copy_of is None
                                        else Path(copy_of)))
        return opened[-1]

    yield make
    for desk in reversed(opened):
        desk.close()
    if servers:
        from tests.engines import drop_database

        for url in servers:
            drop_database(url)


@pytest.fixture
def desk(new_desk: Callable[[Path], Desk], db_path: Path) -> Desk:
    return new_desk(db_path)


@pytest.fixture
def demo_desk(desk: Desk) -> Desk:
    """The sample data, dated relative to TODAY."""
    from partnerdesk.services.demo import load_demo

    load_demo(desk, today=TODAY)
    return desk


def _patient(wait: Callable[..., Any], *, ask_raising: bool = False) -> Callable[..., Any]:
    @functools.wraps(wait)
    def patient(*args: Any, timeout: int = WAIT_FLOOR_MS, **kwargs: Any) -> Any:
        fails_on_timeout = not ask_raising or kwargs.get("raising") is not False
        if fails_on_timeout and timeout is not None and 0 <= timeout < WAIT_FLOOR_MS:
            timeout = WAIT_FLOOR_MS
        return wait(*args, timeout=timeout, **kwargs)

    return patient


@pytest.fixture
def qtbot(qtbot: Any) -> Any:
    """pytest-qt's qtbot, whose failing waits allow a loaded machine WAIT_FLOOR_MS.

    `assertNotEmitted` and waits with `raising=False` keep their time: there the wait
    is the point, and nothing fails when it runs out."""
    for name in ("waitUntil", "waitExposed", "waitActive"):
        setattr(qtbot, name, _patient(getattr(qtbot, name)))
    for name in ("waitSignal", "waitSignals", "waitCallback"):
        setattr(qtbot, name, _patient(getattr(qtbot, name), ask_raising=True))
    return qtbot
