"""The suite's own fixtures: a copied database behaves as one made from nothing, and a
wait that fails on a timeout leaves a slow machine time enough."""

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from partnerdesk.db.backup_folder import list_backups
from partnerdesk.services import Desk

pytestmark = pytest.mark.real_migration  # about migrating a new database itself


def schema(path: Path) -> list[tuple[str, str]]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return sorted(connection.execute("SELECT name, coalesce(sql, '') FROM sqlite_master"))
    finally:
        connection.close()


def row_counts(path: Path) -> dict[str, int]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
                for name in tables}
    finally:
        connection.close()


def test_copies_match_a_new_database_and_are_distinct(
        new_desk: Callable[[Path], Desk], tmp_path: Path) -> None:
    first = new_desk(tmp_path / "first.db")
    second = new_desk(tmp_path / "second.db")
    with Desk.open(tmp_path / "made.db") as made:  # migrated from nothing, the slow way
        made_device = made.store.device_id
        made_categories = sorted(c.name for c in made.categories.list())
        made_counts = row_counts(made.path)
    assert len({first.store.device_id, second.store.device_id, made_device}) == 3
    assert schema(first.path) == schema(tmp_path / "made.db")
    assert row_counts(first.path) == made_counts  # the device id and the seeded categories
    assert sorted(c.name for c in first.categories.list()) == made_categories
    with first.store.read() as session:
        mode = session.connection().exec_driver_sql("PRAGMA journal_mode").scalar()
    assert mode == "wal"

    first.organizations.create(name="Only in the first")
    assert second.organizations.count() == 0
    # No backup at a new database's first open, as for one made from nothing.
    assert list_backups(first.path) == [] and list_backups(tmp_path / "made.db") == []


def test_a_copy_reopened_takes_its_daily_backup(new_desk: Callable[[Path], Desk],
                                                tmp_path: Path) -> None:
    path = tmp_path / "reopened.db"
    desk = new_desk(path)
    desk.organizations.create(name="Riverside Clinic")
    desk.close()
    with Desk.open(path) as again:
        assert again.organizations.count() == 1
    assert [b.reason for b in list_backups(path)] == ["daily"]


def test_a_short_timeout_still_waits_for_a_slow_machine(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QTimer

    done: list[bool] = []
    QTimer.singleShot(200, lambda: done.append(True))
    qtbot.waitUntil(lambda: bool(done), timeout=1)  # pytest-qt alone would give up at once
    assert done
