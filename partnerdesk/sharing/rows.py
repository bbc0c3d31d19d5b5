"""Rows as plain data for sharing: read in bulk and turned into states and back.

Export and import move tens of thousands of records, so they read rows as dicts of
typed column values instead of ORM objects (about 50 times slower). Writing them is the
store's job (`Writer.put_states`, `Writer.bulk_create`), which keeps their stamps,
revisions, history and search index.
"""

import functools
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlmodel import SQLModel

from partnerdesk.db.bookkeeping import BOOKKEEPING_FIELDS
from partnerdesk.db.engine import placeholder
from partnerdesk.db.registry import references as references  # re-exported: the exporter
from partnerdesk.services.store import user_fields
from partnerdesk.services.validation import field_kinds as all_field_kinds
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
        marks = ",".join([placeholder(connection)] * len(chunk))
        revs.update(connection.exec_driver_sql(
            f"SELECT id, rev FROM {table.name} WHERE id IN ({marks})", tuple(chunk)).all())
    return revs


def all_revs(connection: Connection, model: type[SQLModel]) -> dict[str, str]:
    """Every record id of a type with its revision (one scan: cheaper than by id for
    most of a table)."""
    return dict(connection.exec_driver_sql(
        f"SELECT id, rev FROM {table_of(model).name}").all())


def all_ids(connection: Connection, model: type[SQLModel]) -> set[str]:
    return {row[0] for row in connection.exec_driver_sql(
        f"SELECT id FROM {table_of(model).name}")}


def normalise(model: type[SQLModel], name: str, value: Any) -> Any:
    """One spelling per value: a whole number in a decimal field is stored as a decimal."""
    if isinstance(value, int) and not isinstance(value, bool) \
            and all_field_kinds(model).get(name) is float:
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
