"""Rows handed to SQLite as one JSON text (`db.jsontext.rows_select`) are stored
exactly as executemany stores them, and the encoders made once write `json.dumps`' text."""

import json
import sqlite3
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest

from partnerdesk.db.bookkeeping import new_id
from partnerdesk.db.jsontext import encoder, rows_select

NAMES = ["a", "b", "c"]
TEXTS = ["", "Zoë", "Анна \"quoted\" \\ back", "line\nbreak\ttab\r", "\x01\x1f\x7f", "☃ 🏥",
         "'; DROP TABLE t; --", "\u2028\u2029", "é" * 500]


def stored(rows: list[tuple[Any, ...]], *, one_step: bool) -> list[tuple[Any, ...]]:
    with sqlite3.connect(":memory:") as connection:
        connection.execute("CREATE TABLE t (a, b, c)")
        if one_step:
            columns = list(zip(*rows, strict=True))
            select = rows_select(columns)
            assert select is not None
            connection.execute(f"INSERT INTO t (a, b, c) {select[0]}", select[1])
        else:
            connection.executemany("INSERT INTO t (a, b, c) VALUES (?, ?, ?)", rows)
        return connection.execute(
            "SELECT rowid, a, typeof(a), b, typeof(b), c, typeof(c) FROM t").fetchall()


@pytest.mark.parametrize("rows", [
    [(text, n, None) for n, text in enumerate(TEXTS)],
    [(n, text, "same") for n, text in enumerate(TEXTS)],  # a column bound once
    [(2 ** 63 - 1, -(2 ** 63) + 1, 0), (0, None, 0), (-1, 1, 0)],
    [(None, None, None), (None, None, None)],
    [(date(2026, 3, 1), datetime(2026, 3, 1, 9, 30), "x"),  # sqlite3's adapters
     (date(1, 1, 1), datetime(2026, 3, 1, 9, 30, 0, 5, tzinfo=UTC), "y")],
])
def test_one_step_stores_what_executemany_stores(rows: list[tuple[Any, ...]]) -> None:
    assert stored(rows, one_step=True) == stored(rows, one_step=False)


@pytest.mark.parametrize("rows", [
    [("a", 1, 2.5), ("b", 2, 3.0)],  # floats: SQLite's decimal reading could differ
    [("a", 1, "nul\x00inside"), ("b", 2, "x")],
    [("a", 1, "nul\x00inside"), ("b", 1, "nul\x00inside")],
    [("a", 1, "\\u0000 typed"), ("b", 1, "x")],  # its JSON holds "\u0000" too
    [("a", 2 ** 63, 1), ("b", 1, 1)],
    [("a", b"bytes", 1), ("b", b"more", 1)],
    [("a", True, 1), ("b", False, 1)],
    [("only one row", 1, 1)],
])
def test_one_step_leaves_to_executemany_what_it_could_store_otherwise(
        rows: list[tuple[Any, ...]]) -> None:
    assert rows_select(list(zip(*rows, strict=True))) is None


@pytest.mark.parametrize("options", [
    {}, {"sort_keys": True, "separators": (",", ":"), "ensure_ascii": False,
         "default": str},
    {"ensure_ascii": False, "allow_nan": False, "separators": (",", ":")},
])
def test_an_encoder_made_once_writes_what_json_writes(options: dict[str, Any]) -> None:
    encode = encoder(**options)
    for value in [{"b": [1, 2.5, None, True, "é\n"], "a": {"z": [], "y": {}}}, "text", 3,
                  [{"address": "zoë@harbor.org", "kind": "work"}], {"when": date(2026, 1, 2)}
                  if "default" in options else {}]:
        assert encode(value) == json.dumps(value, **options)
    assert encode(value) == encode(value)  # and again, with the same encoder


def test_new_ids_are_random_uuid4_text() -> None:
    made = [new_id() for _ in range(2000)]
    assert len(set(made)) == len(made)
    for text in made:
        assert str(uuid.UUID(text)) == text and uuid.UUID(text).version == 4
        assert uuid.UUID(text).variant == uuid.RFC_4122


def _updated(rows: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch | None,
             ) -> list[tuple[Any, ...]]:
    """The table after `bulk.update_rows` of `rows` (with `monkeypatch`: through
    executemany, as where one JSON text cannot carry them)."""
    from sqlalchemy import (
        JSON,
        Boolean,
        Column,
        DateTime,
        Integer,
        MetaData,
        String,
        Table,
        create_engine,
        event,
    )

    from partnerdesk.db import bulk, jsontext

    if monkeypatch is not None:
        monkeypatch.setattr(jsontext, "rows_select", lambda *_a, **_k: None)
    table = Table("t", MetaData(), Column("id", String, primary_key=True),
                  Column("name", String), Column("count", Integer),
                  Column("active", Boolean), Column("seen", DateTime), Column("tags", JSON))
    engine = create_engine("sqlite://")
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute",
                 lambda _c, _cu, statement, *_a: statements.append(statement))
    with engine.begin() as connection:
        table.create(connection)
        bulk.insert_rows(connection, table, [
            {"id": f"r{n}", "name": "before", "count": 0, "active": False, "seen": None,
             "tags": []} for n in range(4)])
        bulk.update_rows(connection, table, rows)
        found = connection.exec_driver_sql(
            "SELECT id, name, typeof(name), count, typeof(count), active, typeof(active), "
            "seen, typeof(seen), tags, typeof(tags) FROM t ORDER BY id").fetchall()
    one_step = any("json_each" in s and s.startswith("UPDATE") for s in statements)
    assert one_step == (monkeypatch is None and len({row["id"] for row in rows}) == len(rows))
    if monkeypatch is not None:
        monkeypatch.undo()
    return found


@pytest.mark.parametrize("rows", [
    [{"id": "r0", "name": "Zoë \"quoted\"", "count": 7, "active": True,
      "seen": datetime(2026, 12, 7, 9, 30, 5, 12), "tags": ["food", "ö"]},
     {"id": "r2", "name": None, "count": None, "active": None, "seen": None, "tags": None},
     {"id": "r3", "name": "", "count": -(2 ** 62), "active": False,
      "seen": datetime(2026, 1, 1), "tags": {"a": [1, None]}}],
    # the same record twice: the last row's values, as executemany leaves them
    [{"id": "r1", "name": "first", "count": 1, "active": True, "seen": None, "tags": []},
     {"id": "r1", "name": "second", "count": 2, "active": False, "seen": None, "tags": []}],
])
def test_update_rows_in_one_step_stores_what_executemany_stores(
        rows: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    assert _updated(rows, None) == _updated(rows, monkeypatch)
