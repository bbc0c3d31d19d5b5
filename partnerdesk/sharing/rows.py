"""Rows as plain data for sharing: read in bulk, turned into states and back, written in bulk.

Export and import move tens of thousands of records, so they bypass ORM objects
(about 50 times slower than raw `executemany`) and work on dicts of typed column
values, using SQLAlchemy's own type processors so the stored values are what the ORM
would write (JSON columns as the same `json.dumps` text). Callers may pass columns
already encoded: the importer writes stamps and version vectors as the canonical JSON
it hashes for the revision, as `Writer.bulk_create` does.
"""

import functools
import json
from collections.abc import Collection, Iterable, Iterator
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Connection, DateTime, select
from sqlmodel import SQLModel

from partnerdesk.db.bookkeeping import BOOKKEEPING_FIELDS
from partnerdesk.db.registry import RECORD_TYPES
from partnerdesk.services.store import user_fields
from partnerdesk.services.validation import base_type
from partnerdesk.services.versioning import VersionState, jsonable

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
    if ids is None:
        return [dict(row._mapping) for row in connection.execute(select(table))]
    found: list[dict[str, Any]] = []
    for chunk in chunks(sorted(set(ids))):
        found += [dict(row._mapping) for row in
                  connection.execute(select(table).where(table.c.id.in_(chunk)))]
    return found


def read_revs(connection: Connection, model: type[SQLModel],
              ids: list[str]) -> dict[str, str]:
    table = table_of(model)
    revs: dict[str, str] = {}
    for chunk in chunks(ids, 900):
        marks = ",".join("?" * len(chunk))
        revs.update(connection.exec_driver_sql(
            f"SELECT id, rev FROM {table.name} WHERE id IN ({marks})", tuple(chunk)).all())
    return revs


def all_ids(connection: Connection, model: type[SQLModel]) -> set[str]:
    return {row[0] for row in connection.exec_driver_sql(
        f"SELECT id FROM {table_of(model).name}")}


def normalise(model: type[SQLModel], name: str, value: Any) -> Any:
    """One spelling per value: a whole number in a decimal field is stored as a decimal."""
    if isinstance(value, int) and not isinstance(value, bool):
        info = model.model_fields.get(name)
        if info is not None and base_type(info.annotation) is float:
            return float(value)
    return value


def state_of(model: type[SQLModel], row: dict[str, Any]) -> VersionState:
    return VersionState(
        values={name: normalise(model, name, row[name]) for name in user_fields(model)},
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
    return {name: base_type(info.annotation) for name, info in model.model_fields.items()
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


def full_json(row: dict[str, Any]) -> dict[str, Any]:
    """Every column as JSON-ready data: the shape `HistoryEntry.state` keeps."""
    return {name: jsonable(value) for name, value in row.items()}


_JSON = json.JSONEncoder()  # the text `json.dumps` writes, without a new encoder per call


def json_text(value: Any) -> str:
    """A JSON column's value as SQLAlchemy's own JSON type stores it (`json.dumps`)."""
    if not value and (value == [] or value == {}):  # most lists of tags are empty
        return "[]" if isinstance(value, list) else "{}"
    return _JSON.encode(value)


def _remembering(process: Any) -> Any:
    """`process` that reuses its last answer for the very same (immutable) value: every
    row of a bulk write shares one `updated_at`."""
    last: list[Any] = [object(), None]

    def remember(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, process(value)
        return last[1]

    return remember


def _processor(column: Any, connection: Connection) -> Any:
    dialect = connection.dialect
    if isinstance(column.type, JSON) and getattr(dialect, "_json_serializer", None) is None \
            and not column.type.none_as_null:
        return json_text  # the same text, without SQLAlchemy's per-value wrapping
    process = column.type.bind_processor(dialect)
    if process is not None and isinstance(getattr(column.type, "impl", column.type), DateTime):
        return _remembering(process)
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
    if not rows:
        return
    names = [column.name for column in table.columns if column.name in rows[0]]
    marks = ", ".join("?" * len(names))
    connection.exec_driver_sql(
        f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})",
        _params(table, connection, rows, names, encoded))


def update_rows(connection: Connection, table: Any, rows: list[dict[str, Any]],
                encoded: Collection[str] = ()) -> None:
    """Rows by id; every row must hold the same columns."""
    if not rows:
        return
    names = [column.name for column in table.columns
             if column.name in rows[0] and column.name != "id"]
    sets = ", ".join(f"{name} = ?" for name in names)
    params = [(*row_params, row["id"]) for row, row_params
              in zip(rows, _params(table, connection, rows, names, encoded), strict=True)]
    connection.exec_driver_sql(f"UPDATE {table.name} SET {sets} WHERE id = ?", params)


def delete_rows(connection: Connection, table: Any, ids: list[str]) -> None:
    for chunk in chunks(ids, 900):
        marks = ",".join("?" * len(chunk))
        connection.exec_driver_sql(f"DELETE FROM {table.name} WHERE id IN ({marks})",
                                   tuple(chunk))


def references(model: type[SQLModel]) -> list[tuple[str, str, bool]]:
    """(column, referenced record type, nullable) for each foreign key of the model."""
    found = []
    for column in table_of(model).columns:
        if not column.foreign_keys:
            continue
        target = next(iter(column.foreign_keys)).column.table.name
        for name, other in RECORD_TYPES.items():
            if table_of(other).name == target:
                found.append((column.name, name, bool(column.nullable)))
    return found


def newest_device(stamps: dict[str, Any]) -> str:
    """The device of the newest write: `origin` of an imported record, derived the same
    way on every laptop."""
    if not stamps:
        return ""
    return str(max(stamps.values(), key=tuple)[1])  # stamps are [counter, device] pairs
