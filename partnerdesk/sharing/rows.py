"""Rows as plain data for sharing: read in bulk, turned into states and back, written in bulk.

Export and import move tens of thousands of records, so they bypass ORM objects
(about 50 times slower than raw `executemany`) and work on dicts of typed column
values, using SQLAlchemy's own type processors so the stored bytes are exactly what
the ORM would write.
"""

import functools
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlmodel import SQLModel

from partnerdesk.db.bookkeeping import BOOKKEEPING_FIELDS
from partnerdesk.db.registry import RECORD_TYPES
from partnerdesk.services.store import user_fields
from partnerdesk.services.validation import _base_type
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
        if info is not None and _base_type(info.annotation) is float:
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
    return {name: _base_type(info.annotation) for name, info in model.model_fields.items()
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


def typed_values(model: type[SQLModel], values: dict[str, Any]) -> dict[str, Any]:
    """Known user fields only (a newer minor version may add fields: they are ignored)."""
    known = field_kinds(model)
    return {name: typed_value(model, name, value) for name, value in values.items()
            if name in known}


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


def _params(table: Any, connection: Connection, rows: list[dict[str, Any]],
            names: list[str]) -> list[tuple[Any, ...]]:
    dialect = connection.dialect
    processors = [table.c[name].type.bind_processor(dialect) for name in names]
    return [tuple(process(row[name]) if process else row[name]
                  for name, process in zip(names, processors, strict=True)) for row in rows]


def insert_rows(connection: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    names = [column.name for column in table.columns if column.name in rows[0]]
    marks = ", ".join("?" * len(names))
    connection.exec_driver_sql(
        f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})",
        _params(table, connection, rows, names))


def update_rows(connection: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    """Rows by id; every row must hold the same columns."""
    if not rows:
        return
    names = [column.name for column in table.columns
             if column.name in rows[0] and column.name != "id"]
    sets = ", ".join(f"{name} = ?" for name in names)
    params = [(*row_params, row["id"]) for row, row_params
              in zip(rows, _params(table, connection, rows, names), strict=True)]
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
    return str(max(stamps.values(), key=lambda s: (s[0], s[1]))[1])
