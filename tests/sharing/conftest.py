"""Helpers for sharing tests: several laptops (databases) and a full dump to compare."""

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from partnerdesk.services import Desk


def dump(path: Path) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Every row of every table (records, history, conflicts, settings, search)."""
    connection = sqlite3.connect(path)
    try:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'search_index_%' ORDER BY name")]
        return [(table, sorted(connection.execute(f"SELECT * FROM {table}").fetchall(),
                               key=repr)) for table in tables]
    finally:
        connection.close()


@pytest.fixture
def laptops(new_desk: Callable[[Path], Desk], tmp_path: Path) -> Callable[[str], Desk]:
    """`laptops("a")` opens (once) a separate database with its own device id."""
    opened: dict[str, Desk] = {}

    def make(name: str) -> Desk:
        if name not in opened:
            opened[name] = new_desk(tmp_path / f"{name}.db")
        return opened[name]

    return make
