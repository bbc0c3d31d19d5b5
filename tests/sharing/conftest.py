"""Helpers for sharing tests: several laptops (databases) and a full dump to compare."""

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from partnerdesk.services import Desk
from tests.engines import ENGINES, engine_param


def dump(desk: Desk | Path) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Every row of every table (records, history, conflicts, settings, search), of a
    desk's database on either engine, or of a database file."""
    if isinstance(desk, Desk) and desk.address is not None:
        return _server_dump(desk)
    connection = sqlite3.connect(desk.path if isinstance(desk, Desk) else desk)
    try:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'search_index_%' ORDER BY name")]
        return [(table, sorted(connection.execute(f"SELECT * FROM {table}").fetchall(),
                               key=repr)) for table in tables]
    finally:
        connection.close()


def _server_dump(desk: Desk) -> list[tuple[str, list[tuple[object, ...]]]]:
    from sqlalchemy import inspect, text

    with desk.store.engine.connect() as connection:
        tables = sorted(inspect(connection).get_table_names())
        return [(table, sorted((tuple(row) for row in connection.execute(
            text(f"SELECT * FROM {table}"))), key=repr)) for table in tables]


@pytest.fixture(params=ENGINES)
def db_engine(request: pytest.FixtureRequest) -> str:
    """Every test here that opens a database runs on SQLite and on PostgreSQL."""
    return engine_param(request)


@pytest.fixture
def laptops(new_desk: Callable[[Path], Desk], tmp_path: Path) -> Callable[[str], Desk]:
    """`laptops("a")` opens (once) a separate database with its own device id."""
    opened: dict[str, Desk] = {}

    def make(name: str) -> Desk:
        if name not in opened:
            opened[name] = new_desk(tmp_path / f"{name}.db")
        return opened[name]

    return make
