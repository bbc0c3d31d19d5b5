"""Rows written in bulk with raw `executemany`: what the store's writer uses for big writes.

Only `services/store.py` calls these (a test checks): every other module changes records
through the writer, which keeps their stamps, revisions, history and search index.

Sample data, bundle import and undo move tens of thousands of rows, so they bypass ORM
objects (about 50 times slower than raw `executemany`) and work on dicts of typed
column values, using SQLAlchemy's own type processors so the stored values are what
the ORM would write (JSON columns as the same `json.dumps` text). Callers may pass
columns already encoded (`encoded`): the writer passes stamps and version vectors as
the canonical JSON it hashes for the revision.
"""

import json
from collections.abc import Collection
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Boolean, Connection, DateTime, Float

from partnerdesk.db import jsontext
from partnerdesk.db.engine import placeholder
from partnerdesk.db.search_index import DOCS as SEARCH_DOCS

IDS_PER_STATEMENT = 900  # below SQLite's oldest limit on bound parameters (999)

_JSON = jsontext.encoder()  # the text `json.dumps` writes, without a new encoder per call


def json_text(value: Any) -> str:
    """A JSON column's value as SQLAlchemy's own JSON type stores it (`json.dumps`)."""
    if not value and (value == [] or value == {}):  # most lists of tags are empty
        return "[]" if isinstance(value, list) else "{}"
    return _JSON(value)


def _remembering(process: Any, sqlite: bool = False) -> Any:
    """`process` that reuses its last answer for the very same (immutable) value: every
    row of a bulk write shares one `updated_at`. `sqlite`: a datetime it gives is passed
    as the text Python's sqlite3 module would make of it (its default adapter,
    `isoformat(" ")`), made once instead of by sqlite3 for every row."""
    last: list[Any] = [object(), None]

    def remember(value: Any) -> Any:
        if value is not last[0]:
            found = process(value)
            if sqlite and isinstance(found, datetime):
                found = found.isoformat(" ")
            last[0], last[1] = value, found
        return last[1]

    return remember


def _processor(column: Any, connection: Connection) -> Any:
    dialect = connection.dialect
    if isinstance(column.type, JSON) and getattr(dialect, "_json_serializer", None) is None \
            and not column.type.none_as_null:
        return json_text  # the same text, without SQLAlchemy's per-value wrapping
    process = column.type.bind_processor(dialect)
    if process is not None and isinstance(getattr(column.type, "impl", column.type), DateTime):
        return _remembering(process, dialect.name == "sqlite")
    return process


def _one(name: str) -> Any:
    def pick(row: dict[str, Any]) -> tuple[Any, ...]:
        return (row[name],)

    return pick


def _params(table: Any, connection: Connection, rows: list[dict[str, Any]],
            names: list[str], encoded: Collection[str] = ()) -> list[tuple[Any, ...]]:
    """Each row's values as SQLite takes them; `encoded` columns hold JSON text already."""
    processors = [(index, _processor(table.c[name], connection))
                  for index, name in enumerate(names) if name not in encoded]
    processors = [(index, process) for index, process in processors if process is not None]
    pick = itemgetter(*names) if len(names) > 1 else _one(names[0])  # one C call per row
    if not processors:
        return [pick(row) for row in rows]
    params = []
    for row in rows:
        values = list(pick(row))
        for index, process in processors:
            values[index] = process(values[index])
        params.append(tuple(values))
    return params


def insert_rows(connection: Connection, table: Any, rows: list[dict[str, Any]],
                encoded: Collection[str] = ()) -> None:
    """New rows; every row must hold the same columns (those of the first row are written)."""
    if not rows:
        return
    names = [column.name for column in table.columns if column.name in rows[0]]
    marks = ", ".join([placeholder(connection)] * len(names))
    connection.exec_driver_sql(
        f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})",
        _params(table, connection, rows, names, encoded))


def insert_statement(connection: Connection, table: Any, rows: list[dict[str, Any]],
                     encoded: Collection[str] = ()) -> tuple[str, Any]:
    """`insert_rows`' statement and parameters, made without running it (the writer makes
    one part's rows while its lane writes the part before): on SQLite, when it can, one
    statement reading every row from one JSON text (`jsontext.rows_select`)."""
    names = [column.name for column in table.columns if column.name in rows[0]]
    marks = ", ".join([placeholder(connection)] * len(names))
    plain = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})"
    if connection.dialect.name != "sqlite":
        return plain, _params(table, connection, rows, names, encoded)
    columns = _columns(table, connection, rows, names, encoded)
    select = jsontext.rows_select(columns)
    if select is None:
        return plain, list(zip(*columns, strict=True))
    return f"INSERT INTO {table.name} ({', '.join(names)}) {select[0]}", select[1]


def _columns(table: Any, connection: Connection, rows: list[dict[str, Any]],
             names: list[str], encoded: Collection[str]) -> list[list[Any]]:
    """Each named column's values as SQLite takes them, a list per column."""
    columns = []
    for name in names:
        column = list(map(itemgetter(name), rows))
        process = None if name in encoded else _processor(table.c[name], connection)
        if process is not None:
            if len(set(map(id, column))) == 1:  # one value in every row: processed once
                column = [process(column[0])] * len(column)
            else:
                column = list(map(process, column))
        columns.append(column)
    return columns


def update_rows(connection: Connection, table: Any, rows: list[dict[str, Any]],
                encoded: Collection[str] = ()) -> None:
    """Rows by id; every row must hold the same columns.

    On SQLite, when it can, one UPDATE ... FROM reading the rows from one JSON text
    (`jsontext.rows_select`): executemany takes Python's lock back after every row, and
    in the writer's lane, beside a busy writer's thread, each of those waits was up to
    a switch interval (5 ms): 1,000 rows took a second of waiting for 0.1 s of work."""
    if not rows:
        return
    names = [column.name for column in table.columns
             if column.name in rows[0] and column.name != "id"]
    mark = placeholder(connection)
    if connection.dialect.name == "sqlite":
        ids = [row["id"] for row in rows]
        # the same id twice: executemany's last row wins, an UPDATE ... FROM's is any
        select = jsontext.rows_select(
            [ids, *_columns(table, connection, rows, names, encoded)], ["id", *names]) \
            if len(set(ids)) == len(ids) else None
        if select is not None:
            sets = ", ".join(f"{name} = staged.{name}" for name in names)
            connection.exec_driver_sql(
                f"UPDATE {table.name} SET {sets} FROM ({select[0]}) AS staged "
                f"WHERE {table.name}.id = staged.id", select[1])
            return
    sets = ", ".join(f"{name} = {mark}" for name in names)
    params = [(*row_params, row["id"]) for row, row_params
              in zip(rows, _params(table, connection, rows, names, encoded), strict=True)]
    connection.exec_driver_sql(f"UPDATE {table.name} SET {sets} WHERE id = {mark}",
                               params)


def delete_rows(connection: Connection, table: Any, ids: list[str]) -> None:
    for start in range(0, len(ids), IDS_PER_STATEMENT):
        chunk = ids[start:start + IDS_PER_STATEMENT]
        marks = ",".join([placeholder(connection)] * len(chunk))
        connection.exec_driver_sql(f"DELETE FROM {table.name} WHERE id IN ({marks})",
                                   tuple(chunk))


class Pending:
    """What a save on an office database writes beside its records, held back and sent
    with its change notice in one statement just before the commit, instead of a round
    trip to the server each: the history entries (the states before each change) and the
    search index rows of the records it changed (record id -> (record_type, record_id,
    title, body), or None to remove it). History rows are JSON-ready (dates as ISO text).

    Statements of the same transaction that read or write those tables first send what
    is held (`Pending.watch`), so the transaction sees them as if written at once, in
    the same order."""

    def __init__(self) -> None:
        self.history: list[dict[str, Any]] = []
        self.search: dict[str, tuple[str, str, str, str] | None] = {}
        # Records the save changed, held instead of flushed: (table, id) -> the columns
        # that changed, sent as UPDATEs in the same round trip as the rest (`hold_row`).
        self.rows: dict[tuple[Any, str], dict[str, Any]] = {}

    def __bool__(self) -> bool:
        return bool(self.history or self.search or self.rows)

    def hold_row(self, row: Any) -> None:
        """Hold an ORM row's changed columns for `send` instead of flushing them now (a
        round trip of its own): the session then takes them as written, so it does not
        write them again, and a later read of the row in this transaction gets them
        (from the session, or from the database once `watch` has sent them)."""
        from sqlalchemy import inspect
        from sqlalchemy.orm.attributes import set_committed_value

        state = inspect(row)
        changed = {attr.key: attr.value for attr in state.attrs if attr.history.added}
        if not changed:
            return
        table = type(row).__table__
        self.rows.setdefault((table, str(row.id)), {}).update(changed)
        for key, value in changed.items():
            set_committed_value(row, key, value)

    def watch(self, connection: Any) -> None:
        """Send what is held before any statement on `connection` (a SQLAlchemy
        connection in the save's transaction) that touches history or the index."""
        from sqlalchemy import event

        def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if self and ("history" in statement or SEARCH_DOCS in statement
                         or any(table.name in statement for table, _id in self.rows)):
                self.send(connection, None)

        event.listen(connection, "before_cursor_execute", before)

    def send(self, connection: Any, notice: str | None) -> None:
        """What is held, and the change notice (None: none yet), in one statement."""

        from partnerdesk.db.search_index import words

        parts: list[str] = []
        params: list[Any] = []
        if self.history:
            parts.append(
                "h AS (INSERT INTO history (record_type, record_id, changed_at, action, "
                "changed_fields, state, batch_id, changed_by) SELECT x.record_type, "
                "x.record_id, x.changed_at, x.action, x.changed_fields, x.state, "
                "x.batch_id, x.changed_by FROM ROWS FROM (json_to_recordset(%s::json) AS "
                "(record_type varchar, record_id varchar, changed_at timestamptz, "
                "action varchar, changed_fields json, state json, batch_id varchar, "
                "changed_by varchar)) WITH ORDINALITY AS x(record_type, record_id, "
                "changed_at, action, changed_fields, state, batch_id, changed_by, n) "
                "ORDER BY x.n)")
            params.append(json.dumps(self.history, separators=(",", ":")))
        put = [entry for entry in self.search.values() if entry is not None]
        gone = [record_id for record_id, entry in self.search.items() if entry is None]
        if put:
            parts.append(
                f"s AS (INSERT INTO {SEARCH_DOCS} (record_type, record_id, title, body, "
                "folded, doc) SELECT e.record_type, e.record_id, e.title, e.body, '', "
                "setweight(to_tsvector('simple', unaccent(e.tw)), 'A') || "
                "setweight(to_tsvector('simple', unaccent(e.bw)), 'D') FROM "
                "json_to_recordset(%s::json) AS e(record_type text, record_id text, "
                "title text, body text, tw text, bw text) ON CONFLICT (record_id) DO "
                "UPDATE SET record_type = EXCLUDED.record_type, title = EXCLUDED.title, "
                "body = EXCLUDED.body, folded = EXCLUDED.folded, doc = EXCLUDED.doc)")
            params.append(json.dumps([
                {"record_type": kind, "record_id": record_id, "title": title, "body": body,
                 "tw": " ".join(words(title)), "bw": " ".join(words(body))}
                for kind, record_id, title, body in put], separators=(",", ":")))
        if gone:
            parts.append(f"d AS (DELETE FROM {SEARCH_DOCS} WHERE record_id = ANY(%s))")
            params.append(gone)
        updates = []
        for (table, record_id), values in self.rows.items():
            names = list(values)
            sets = ", ".join(f"{name} = %s" for name in names)
            [row_params] = _params(table, connection, [values], names)
            updates.append((f"UPDATE {table.name} SET {sets} WHERE id = %s",
                            (*row_params, record_id)))
        self.history, self.search, self.rows = [], {}, {}
        if not parts and notice is None and not updates:
            return
        last = "SELECT pg_notify(%s, %s)" if notice is not None else "SELECT 1"
        if notice is not None:
            from partnerdesk.db.server import CHANNEL

            params += [CHANNEL, notice]
        sql = (f"WITH {', '.join(parts)} " if parts else "") + last
        driver = connection.connection.driver_connection
        if not updates:
            driver.execute(sql, params)
            return
        # One round trip for all of it (psycopg's pipeline mode; inside the save's
        # transaction, whose COMMIT still comes after).
        with driver.pipeline():
            for update, values in updates:
                driver.execute(update, values)
            driver.execute(sql, params)


def _json_of(column: Any) -> str:
    """SQL for one column's stored value as the JSON a history state holds for it: what
    `json.dumps(versioning.jsonable(value))` of the value SQLAlchemy reads gives, decoded
    alike (SQLite only). Booleans as true and false, JSON columns as JSON, date-times as
    `isoformat()` text (no `.000000`), floats with every digit they need (SQLite's own
    JSON writes 15, which could change a coordinate read back)."""
    name = column.name
    kind = getattr(column.type, "impl", column.type)
    if isinstance(column.type, JSON):
        return f"json({name})"
    if isinstance(kind, Boolean):
        return f"json(CASE WHEN {name} IS NULL THEN NULL WHEN {name} THEN 'true' ELSE 'false' END)"
    if isinstance(kind, DateTime):
        # Stored as the ORM writes it ("2026-12-07 07:11:05.003424") or as sqlite3 does
        # (isoformat with a space: no fraction at 0 microseconds, "+00:00" when aware).
        text = f"replace(replace({name}, ' ', 'T'), '.000000', '')"
        if not kind.timezone:
            return text
        # read back in UTC (`UTCDateTime`) whether or not the offset was stored
        return (f"CASE WHEN {name} IS NULL OR substr({name}, -6, 1) IN ('+', '-') "
                f"THEN {text} ELSE {text} || '+00:00' END")
    if isinstance(kind, Float):
        return f"CASE WHEN {name} IS NULL THEN NULL ELSE json(printf('%!.17g', {name})) END"
    return name


def history_from_rows(connection: Connection, history: Any, table: Any,
                      groups: dict[tuple[str, str], list[str]], shared: dict[str, Any]) -> None:
    """History entries whose state is each record's row as it is now, every column, made
    by SQLite itself from the stored row (SQLite only; run it before the rows change):
    the state text a bulk write of 10,000 records would otherwise encode row by row in
    Python. `groups`: (action, changed_fields as JSON text) -> the record ids;
    `shared`: the other columns of every entry (record_type, changed_at, batch_id,
    changed_by), typed values."""
    if not groups:
        return
    names = list(shared)
    values = [_processor(history.c[name], connection) for name in names]
    shared_params = tuple(value if process is None else process(value)
                          for value, process in zip(shared.values(), values, strict=True))
    state = "json_object(" + ", ".join(
        f"'{column.name}', {_json_of(column)}" for column in table.columns) + ")"
    for (action, fields), ids in groups.items():
        for start in range(0, len(ids), IDS_PER_STATEMENT):
            chunk = ids[start:start + IDS_PER_STATEMENT]
            connection.exec_driver_sql(
                f"INSERT INTO {history.name} ({', '.join(names)}, record_id, action, "
                f"changed_fields, state) SELECT {', '.join('?' * len(names))}, id, ?, ?, "
                f"{state} FROM {table.name} WHERE id IN ({', '.join('?' * len(chunk))})",
                (*shared_params, action, fields, *chunk))
