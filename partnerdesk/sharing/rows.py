"""Rows as plain data for sharing: read in bulk and turned into states and back.

Export and import move tens of thousands of records, so they read rows as dicts of
typed column values instead of ORM objects (about 50 times slower). Writing them is the
store's job (`Writer.put_states`, `Writer.bulk_create`), which keeps their stamps,
revisions, history and search index.
"""

import functools
import hashlib
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Connection, Date, DateTime, Float, select
from sqlmodel import SQLModel

from partnerdesk.db.bookkeeping import BOOKKEEPING_FIELDS, BOOKKEEPING_JSON
from partnerdesk.db.engine import placeholder
from partnerdesk.db.registry import references as references  # re-exported: the exporter
from partnerdesk.services.store import user_fields
from partnerdesk.services.validation import field_kinds as all_field_kinds
from partnerdesk.services.versioning import VersionState, canonical_json, jsonable

CHUNK = 500


def chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def table_of(model: type[SQLModel]) -> Any:
    return model.__table__  # type: ignore[attr-defined]


def read_rows(connection: Connection, model: type[SQLModel],
              ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Every column of the rows (all rows when `ids` is None), typed as the ORM types them."""
    table = table_of(model)
    if connection.dialect.name == "sqlite":
        return _read_plain(connection, table, ids)
    if ids is None:
        return [dict(row._mapping) for row in connection.execute(select(table))]
    found: list[dict[str, Any]] = []
    for chunk in chunks(sorted(set(ids))):
        found += [dict(row._mapping) for row in
                  connection.execute(select(table).where(table.c.id.in_(chunk)))]
    return found


IDS_AT_ONCE = 900  # below SQLite's oldest limit on bound parameters (999)


def _read_plain(connection: Connection, table: Any,
                ids: Iterable[str] | None) -> list[dict[str, Any]]:
    """`read_rows` on SQLite: the driver's own tuples through each column's result
    processor (what a Core select applies), without SQLAlchemy's row objects around them
    (most of the cost of reading 10,000 rows). JSON columns are decoded by the JSON
    scanner `json.loads` calls (each row's own: callers may change them), but for the
    merge bookkeeping (stamps, version vector, deletion context): most records share a
    few patterns of it, so each text is decoded once and its object shared by the rows
    that hold it; those are read, never changed in place (`state_of` copies them)."""
    dialect = connection.dialect
    names = [column.name for column in table.columns]
    plain_json = getattr(dialect, "_json_deserializer", None) is None
    json_columns: list[int] = []
    shared: list[int] = []
    processors: list[tuple[int, Any]] = []
    for index, column in enumerate(table.columns):
        if plain_json and isinstance(column.type, JSON):
            (shared if column.name in BOOKKEEPING_JSON else json_columns).append(index)
            continue
        process = column.type.dialect_impl(dialect).result_processor(dialect, None)
        if process is not None:
            processors.append((index, process))
    decoded: dict[str, Any] = {}

    def typed(raw: tuple[Any, ...]) -> dict[str, Any]:
        values = list(raw)
        for index, process in processors:
            values[index] = process(values[index])
        for index in json_columns:
            values[index] = _json_column(values[index])
        for index in shared:
            text = values[index]
            if isinstance(text, str):
                found = decoded.get(text)
                if found is None:
                    found = decoded[text] = _json_column(text)
                values[index] = found
        return dict(zip(names, values, strict=True))

    columns = ", ".join(f'"{name}"' for name in names)
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        if ids is None:
            cursor.execute(f"SELECT {columns} FROM {table.name}")
            return [typed(raw) for raw in cursor.fetchall()]
        found: list[dict[str, Any]] = []
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), IDS_AT_ONCE):
            chunk = wanted[start:start + IDS_AT_ONCE]
            cursor.execute(f"SELECT {columns} FROM {table.name} WHERE id IN "
                           f"({', '.join('?' * len(chunk))})", chunk)
            found += [typed(raw) for raw in cursor.fetchall()]
        return found
    finally:
        cursor.close()


def read_revs(connection: Connection, model: type[SQLModel],
              ids: list[str]) -> dict[str, str]:
    table = table_of(model)
    revs: dict[str, str] = {}
    for chunk in chunks(ids, 900):
        marks = ",".join([placeholder(connection)] * len(chunk))
        revs.update(connection.exec_driver_sql(
            f"SELECT id, rev FROM {table.name} WHERE id IN ({marks})", tuple(chunk)).all())
    return revs


def _plain(connection: Connection, sql: str) -> list[tuple[Any, ...]]:
    """A query's rows as the driver's own tuples, in the connection's transaction
    (SQLAlchemy's row objects cost as much as the query for 100,000 rows)."""
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _fetched(connection: Connection, sql: str, size: int) -> Iterator[list[tuple[Any, ...]]]:
    """A query's rows as the driver's own tuples, `size` at a time, in the connection's
    transaction (SQLAlchemy's rows around them cost a sixth of an export of 100,000
    contacts)."""
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(size):
            yield rows
    finally:
        cursor.close()


def all_revs(connection: Connection, model: type[SQLModel]) -> dict[str, str]:
    """Every record id of a type with its revision (one scan: cheaper than by id for
    most of a table)."""
    return dict(_plain(connection, f"SELECT id, rev FROM {table_of(model).name}"))


def all_ids(connection: Connection, model: type[SQLModel]) -> set[str]:
    return {row[0] for row in _plain(connection, f"SELECT id FROM {table_of(model).name}")}


def normalise(model: type[SQLModel], name: str, value: Any) -> Any:
    """One spelling per value: a whole number in a decimal field is stored as a decimal."""
    if isinstance(value, int) and not isinstance(value, bool) \
            and all_field_kinds(model).get(name) is float:
        return float(value)
    return value


@functools.cache
def _state_fields(model: type[SQLModel]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The user fields of a type, and those of them that hold decimals (`normalise`)."""
    names = tuple(user_fields(model))
    kinds = all_field_kinds(model)
    return names, tuple(name for name in names if kinds.get(name) is float)


def state_of(model: type[SQLModel], row: dict[str, Any]) -> VersionState:
    names, decimals = _state_fields(model)
    values = {name: row[name] for name in names}
    for name in decimals:  # `normalise`: a whole number in a decimal field
        value = values[name]
        if isinstance(value, int) and not isinstance(value, bool):
            values[name] = float(value)
    return VersionState(
        values=values,
        stamps=dict(row["stamps"] or {}), vv=dict(row["vv"] or {}),
        delete_ctx=dict(row["delete_ctx"] or {}))


def line_of(record_type: str, record_id: str, state: VersionState) -> dict[str, Any]:
    """A bundle line: JSON-ready values and the merge bookkeeping (nothing local)."""
    return {"type": record_type, "id": record_id,
            "values": {k: jsonable(v) for k, v in state.values.items()},
            "stamps": state.stamps, "vv": state.vv, "delete_ctx": state.delete_ctx,
            "rev": state.rev()}


@functools.cache
def field_kinds(model: type[SQLModel]) -> dict[str, Any]:
    """Each user field's base Python type (looked up once per record type)."""
    return {name: kind for name, kind in all_field_kinds(model).items()
            if name not in BOOKKEEPING_FIELDS}


def typed_value(model: type[SQLModel], name: str, value: Any) -> Any:
    """A JSON value as the field's Python type; ValueError when it cannot be one."""
    if value is None:
        return None
    kind = field_kinds(model)[name]
    if kind is datetime:
        if not isinstance(value, str):
            raise ValueError("not a date and time")
        return datetime.fromisoformat(value)
    if kind is date:
        if not isinstance(value, str):
            raise ValueError("not a date")
        return date.fromisoformat(value)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


@functools.cache
def _converted(model: type[SQLModel]) -> frozenset[str]:
    """The fields whose JSON value is not yet the Python value (dates, decimals)."""
    return frozenset(name for name, kind in field_kinds(model).items()
                     if kind in (date, datetime, float))


def typed_values(model: type[SQLModel], values: dict[str, Any]) -> dict[str, Any]:
    """Known user fields only (a newer minor version may add fields: they are ignored)."""
    known = field_kinds(model)
    if known.keys() >= values.keys():  # the usual case: no field from a newer version
        typed = dict(values)
    else:
        typed = {name: value for name, value in values.items() if name in known}
    converted = _converted(model)
    for name in [name for name in typed if name in converted]:  # in order: the first
        typed[name] = typed_value(model, name, typed[name])  # bad value is the one named
    return typed


def typed_row(model: type[SQLModel], data: dict[str, Any]) -> dict[str, Any]:
    """A history entry's full state (JSON) back into typed column values."""
    row: dict[str, Any] = {}
    for name in model.model_fields:
        if name not in data:
            continue
        value = data[name]
        if name in ("created_at", "updated_at") and isinstance(value, str):
            value = datetime.fromisoformat(value)
        elif name not in BOOKKEEPING_FIELDS:
            value = typed_value(model, name, value)
        row[name] = value
    return row


STREAM_CHUNK = 2_000  # rows fetched at a time by `stream_lines`


_SCAN = json.JSONDecoder().scan_once  # json.loads without its Python-level wrapping


def _json_column(value: Any) -> Any:
    if isinstance(value, str):
        # most lists (tags, websites) are empty: no parser needed for them
        if value == "[]":
            return []
        if value == "{}":
            return {}
        try:
            found, end = _SCAN(value, 0)
        except StopIteration:  # not JSON from its first character: json.loads says why
            end = -1
        return found if end == len(value) else json.loads(value)
    return value


def _datetime_column(value: Any) -> Any:
    if value is None:
        return None
    return (datetime.fromisoformat(value) if isinstance(value, str) else value).isoformat()


def _date_column(value: Any) -> Any:
    if value is None:
        return None
    return (date.fromisoformat(value) if isinstance(value, str) else value).isoformat()


def _bool_column(value: Any) -> Any:
    return None if value is None else bool(value)


def _float_column(value: Any) -> Any:
    return None if value is None else float(value)


def _as_it_is(value: Any) -> Any:
    return value


@functools.cache
def _column_readers(model: type[SQLModel]) -> tuple[tuple[str, Any], ...]:
    """For each user field, how its stored value becomes the value a bundle line holds
    (`line_of`'s `jsonable(normalise(...))` of what the ORM reads)."""
    table = table_of(model)
    found = []
    for name in user_fields(model):
        kind = table.c[name].type
        if isinstance(kind, JSON):
            reader = _json_column
        elif isinstance(kind, DateTime):
            reader = _datetime_column
        elif isinstance(kind, Date):
            reader = _date_column
        elif isinstance(kind, Boolean):
            reader = _bool_column
        elif isinstance(kind, Float):
            reader = _float_column
        else:
            reader = _as_it_is
        found.append((name, reader))
    return tuple(found)


def stream_lines(connection: Connection, record_type: str, model: type[SQLModel],
                 progress: Any, check_line: Any) -> Iterator[bytes]:
    """Every record of a type as bundle lines (canonical JSON bytes), in id order, a
    chunk of rows at a time: what `line_of(state_of(row))` gives (a deleted record as its
    `tombstone`), read from the driver's plain values instead of ORM-typed rows, with
    the stored revision. A line whose text does not hash to its stored revision
    (`check_line`: the importer's own test) is made again with the revision computed,
    so a bundle line always carries the revision of its content.

    A record that was never deleted, whose stored stamps and version vector are the
    canonical text the writer hashed (`Writer.put_states`, `bulk_create`), is written
    with that very text around its values' canonical JSON, without decoding and encoding
    them again: when the text it makes hashes to the stored revision it is the record's
    canonical line (the revision is the hash of exactly that text); any other record
    goes the full way."""
    from partnerdesk.sharing.merge import tombstone  # (merge imports this module)

    readers = _column_readers(model)
    names = [name for name, _reader in readers]
    converted = [(name, reader) for name, reader in readers if reader is not _as_it_is]
    links = [column for column, _target, _nullable in references(model)]
    quoted = ", ".join(f'"{name}"' for name in [*names, "stamps", "vv", "delete_ctx",
                                                  "rev", "id"])
    marker = b',"type":"' + record_type.encode() + b'"'
    kind = canonical_json(record_type)
    width = len(names)
    sha256 = hashlib.sha256
    for rows in _fetched(connection, f"SELECT {quoted} FROM {table_of(model).name} "
                         "ORDER BY id", STREAM_CHUNK):
        progress.check()
        for row in rows:
            values = dict(zip(names, row, strict=False))  # the first `width` columns
            for name, reader in converted:
                values[name] = reader(values[name])
            stamps_text, vv_text, context_text, rev, record_id = row[width:]
            if context_text == "{}" and type(stamps_text) is str and type(vv_text) is str:
                # never deleted (a deletion leaves its context): the quick way, if the
                # stored bookkeeping is the canonical text its revision hashed
                values_text = canonical_json(values)
                if sha256(f'{{"delete_ctx":{{}},"stamps":{stamps_text},"values":'
                          f'{values_text},"vv":{vv_text}}}'.encode()).hexdigest()[:32] == rev:
                    yield (f'{{"delete_ctx":{{}},"id":{canonical_json(record_id)},'
                           f'"rev":"{rev}","stamps":{stamps_text},"type":{kind},'
                           f'"values":{values_text},"vv":{vv_text}}}').encode()
                    continue
            stamps = _json_column(stamps_text) or {}
            vv = _json_column(vv_text) or {}
            delete_ctx = _json_column(context_text) or {}
            state = VersionState(values, stamps, vv, delete_ctx)
            if state.deleted:
                yield canonical_json(line_of(record_type, record_id,
                                             tombstone(state, links))).encode("utf-8")
                continue
            text = canonical_json({"delete_ctx": delete_ctx, "id": record_id,
                                   "rev": rev, "stamps": stamps,
                                   "type": record_type, "values": values,
                                   "vv": vv}).encode("utf-8")
            if check_line(text, marker, {record_id: rev}) is None:
                text = canonical_json(line_of(record_type, record_id, state)).encode("utf-8")
            yield text
