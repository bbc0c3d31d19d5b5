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


# -- PostgreSQL: a database a test gave back is used again only as new (tests/pg_pool.py) --

def _server_state(database_url: str) -> dict[str, object]:
    """Every row of every table, each sequence's position, and the catalogs' digest."""
    import psycopg

    from tests.pg_pool import CATALOG_DIGEST

    with psycopg.connect(database_url, autocommit=True) as connection:
        tables = [name for (name,) in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
        sequences = [name for (name,) in connection.execute(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1")]
        return {
            "rows": {t: sorted(map(repr, connection.execute(f'SELECT * FROM "{t}"')))
                     for t in tables},
            "sequences": {s: connection.execute(
                f'SELECT last_value, is_called FROM "{s}"').fetchone() for s in sequences},
            "catalogs": connection.execute(CATALOG_DIGEST).fetchone()[0],
        }


def _database_exists(name: str) -> bool:
    from sqlalchemy import create_engine, text

    from tests.engines import server_url

    url = server_url()
    assert url is not None
    engine = create_engine(url.set(database="postgres"))
    try:
        with engine.connect() as connection:
            return bool(connection.execute(
                text("SELECT count(*) FROM pg_database WHERE datname = :name"),
                {"name": name}).scalar())
    finally:
        engine.dispose()


def _fresh_copy_state() -> dict[str, object]:
    """What a new copy of the template holds (made here, not taken from the pool)."""
    import uuid

    from tests import engines

    url = engines.skip_without_server()
    name = f"pd_fresh_{uuid.uuid4().hex[:8]}"
    engines._run(url, f'CREATE DATABASE "{name}" TEMPLATE "{engines.template_name()}"')
    try:
        return _server_state(url.set(drivername="postgresql", database=name)
                             .render_as_string(hide_password=False))
    finally:
        engines._run(url, f'DROP DATABASE "{name}" WITH (FORCE)')


def test_a_server_database_given_back_is_used_again_as_new() -> None:
    from sqlalchemy.engine import make_url

    from tests import engines

    first = engines.new_database_url()
    with Desk.open(first) as desk:  # rows in most tables, sequences moved on
        org = desk.organizations.create(name="Riverside Clinic")
        desk.contacts.create(name="Ida Brandt", organization_id=org.id)
        desk.store.set_setting("phone_region", "DE")
        device = desk.store.device_id
    assert _server_state(first) != _fresh_copy_state()
    pool = engines._the_pool()
    reused = pool.reused
    engines.drop_database(first)  # given back
    second = engines.new_database_url()
    try:
        assert pool.reused == reused + 1  # the same database, under a new name
        assert make_url(second).database != make_url(first).database
        assert not _database_exists(str(make_url(first).database))
        assert _server_state(second) == _fresh_copy_state()
        with Desk.open(second) as desk:
            assert desk.organizations.count() == desk.contacts.count() == 0
            assert desk.store.device_id != device
            assert desk.categories.list()  # seeded at the first open, as on a new copy
    finally:
        engines.drop_database(second)


SCHEMA_CHANGES = [
    "ALTER TABLE contacts ADD COLUMN shoe_size integer",
    "ALTER TABLE contacts DROP COLUMN notes",
    "CREATE TABLE scratch (x integer)",
    "CREATE INDEX contacts_by_role ON contacts (role)",
    "DROP INDEX ix_history_record_id",
    "ALTER SEQUENCE history_id_seq INCREMENT BY 5",
    "CREATE FUNCTION answer() RETURNS integer LANGUAGE sql AS 'SELECT 42'",
    "CREATE SCHEMA elsewhere",
    "GRANT SELECT ON contacts TO PUBLIC",
    "ALTER DATABASE CURRENT SET statement_timeout = 1000",
]


@pytest.mark.parametrize("change", SCHEMA_CHANGES)
def test_a_server_database_whose_schema_a_test_changed_is_dropped(change: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    from tests import engines

    url = engines.new_database_url()
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(change.replace("CURRENT", f'"{make_url(url).database}"'))
    pool = engines._the_pool()
    free, dropped = len(pool._free), pool.dropped
    engines.drop_database(url)
    assert (len(pool._free), pool.dropped) == (free, dropped + 1)
    assert not _database_exists(str(make_url(url).database))
