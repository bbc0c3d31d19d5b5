"""The one place that writes records: sessions, version stamps, history, search index.

Every change goes through a `Writer`, inside one `BEGIN IMMEDIATE` transaction, so
a save lands whole or not at all, and every synchronised row's stamps, version
vector, revision, history and index entry stay in step from the first day.
"""

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, select
from sqlmodel import Session, SQLModel

from partnerdesk.db import search_index
from partnerdesk.db.bookkeeping import BOOKKEEPING_FIELDS, utcnow
from partnerdesk.db.engine import write_engine
from partnerdesk.db.local import HistoryEntry, Setting
from partnerdesk.db.registry import type_name
from partnerdesk.services import versioning
from partnerdesk.services.indexing import search_entries

RecordT = TypeVar("RecordT", bound=SQLModel)

DEVICE_KEY = "device_id"
COUNTER_KEY = "lamport_counter"
# The stamp of records every laptop makes alike (default categories): counter 0 is
# covered by any version vector, so the same seed gives the same revision everywhere.
SEED_STAMP: tuple[int, str] = (0, "seed")


@dataclass(frozen=True)
class Change:
    """What one write did to one record; screens use it to decide whether to refresh."""

    record_type: str
    record_id: str
    action: str  # created, updated, deleted, restored
    fields: tuple[str, ...] = ()


def user_fields(model: type[SQLModel]) -> list[str]:
    return [name for name in model.model_fields if name not in BOOKKEEPING_FIELDS]


def field_values(row: SQLModel) -> dict[str, Any]:
    return {name: getattr(row, name) for name in user_fields(type(row))}


def version_state(row: SQLModel) -> versioning.VersionState:
    return versioning.VersionState(
        values=field_values(row), stamps=dict(row.stamps),  # type: ignore[attr-defined]
        vv=dict(row.vv), delete_ctx=dict(row.delete_ctx))  # type: ignore[attr-defined]


def full_state(row: SQLModel) -> dict[str, Any]:
    """Everything about a row as JSON-ready data (history entries keep this)."""
    return {name: versioning.jsonable(getattr(row, name)) for name in type(row).model_fields}


def _apply_state(row: SQLModel, state: versioning.VersionState, device: str) -> None:
    for name, value in state.values.items():
        setattr(row, name, value)
    row.stamps = state.stamps  # type: ignore[attr-defined]
    row.vv = state.vv  # type: ignore[attr-defined]
    row.delete_ctx = state.delete_ctx  # type: ignore[attr-defined]
    row.deleted = state.deleted  # type: ignore[attr-defined]
    row.rev = state.rev()  # type: ignore[attr-defined]
    row.origin = device  # type: ignore[attr-defined]
    row.updated_at = utcnow()  # type: ignore[attr-defined]


class Writer:
    """One transaction's worth of changes; made by `Store.write()`."""

    def __init__(self, session: Session, store: "Store") -> None:
        self.session = session
        self.store = store
        self.changes: list[Change] = []
        self.batch_id: str | None = None
        self._counter: int | None = None

    @property
    def device(self) -> str:
        return self.store.device_id

    def counter(self) -> int:
        """One Lamport tick per transaction: every stamp it writes shares it."""
        if self._counter is None:
            setting = self.session.get(Setting, COUNTER_KEY)
            current = int(setting.value) if setting else 0
            self._counter = current + 1
            self.session.merge(Setting(key=COUNTER_KEY, value=self._counter))
        return self._counter

    def observe_counter(self, seen: int) -> None:
        """Raise the counter to a value seen in an import, so later stamps beat it."""
        setting = self.session.get(Setting, COUNTER_KEY)
        current = int(setting.value) if setting else 0
        if seen > current:
            self.session.merge(Setting(key=COUNTER_KEY, value=seen))
            self._counter = None

    def history(self, row: SQLModel, action: str, changed: list[str]) -> None:
        self.session.add(HistoryEntry(
            record_type=type_name(type(row)), record_id=row.id,  # type: ignore[attr-defined]
            action=action, changed_fields=changed, state=full_state(row),
            batch_id=self.batch_id))

    def create(self, model: type[RecordT], values: dict[str, Any],
               record_id: str | None = None) -> RecordT:
        row = model(**values)
        if record_id:
            row.id = record_id  # type: ignore[attr-defined]
        state = versioning.local_create(field_values(row), self.counter(), self.device)
        _apply_state(row, state, self.device)
        self.session.add(row)
        self.session.flush()
        self._reindex(row)
        self.changes.append(Change(type_name(model), row.id, "created",  # type: ignore[attr-defined]
                                   tuple(values)))
        return row

    def update(self, row: RecordT, changes: dict[str, Any]) -> list[str]:
        """Apply the changed fields only; unchanged values keep their old stamps."""
        current = field_values(row)
        changed = {k: v for k, v in changes.items() if current.get(k) != v}
        if not changed:
            return []
        self.history(row, "updated", sorted(changed))
        state = versioning.local_edit(version_state(row), changed, self.counter(), self.device)
        _apply_state(row, state, self.device)
        self.session.add(row)
        self.session.flush()
        self._reindex(row)
        self.changes.append(Change(type_name(type(row)), row.id,  # type: ignore[attr-defined]
                                   "updated", tuple(sorted(changed))))
        return sorted(changed)

    def delete(self, row: SQLModel) -> bool:
        if row.deleted:  # type: ignore[attr-defined]
            return False
        self.history(row, "deleted", [])
        state = versioning.local_delete(version_state(row), self.counter(), self.device)
        _apply_state(row, state, self.device)
        self.session.add(row)
        self._reindex(row)
        self.changes.append(Change(type_name(type(row)), row.id, "deleted"))  # type: ignore[attr-defined]
        return True

    def restore(self, row: SQLModel) -> bool:
        if not row.deleted:  # type: ignore[attr-defined]
            return False
        self.history(row, "restored", [])
        state = versioning.local_restore(version_state(row), self.counter(), self.device)
        _apply_state(row, state, self.device)
        self.session.add(row)
        self.session.flush()
        self._reindex(row)
        self.changes.append(Change(type_name(type(row)), row.id, "restored"))  # type: ignore[attr-defined]
        return True

    def bulk_create(self, model: type[SQLModel], rows: list[dict[str, Any]], *,
                    seed: bool = False) -> int:
        """Insert many new records at once (sample data, imports): no ORM objects.

        Each dict holds user field values and may hold an `id`. Every row of one call
        shares one stamp, so the stamps and version vector are serialised once, and the
        rows go to SQLite in one executemany. Returns the count. `seed`: records every
        laptop makes alike get `SEED_STAMP`, so their copies are one state everywhere.
        """
        if not rows:
            return 0
        if seed:
            counter, device, now = SEED_STAMP[0], SEED_STAMP[1], utcnow()
        else:
            counter, device, now = self.counter(), self.device, utcnow()
        names = user_fields(model)
        defaults = {n: model.model_fields[n].get_default(call_default_factory=True)
                    for n in names}
        stamp = [counter, device]
        stamps = {name: stamp for name in [*names, versioning.ALIVE]}
        vv = {device: counter} if not seed else {}
        stamps_json, vv_json = versioning.canonical_json(stamps), versioning.canonical_json(vv)
        shared = {"created_at": now, "updated_at": now, "deleted": False, "origin": device}
        table = model.__table__  # type: ignore[attr-defined]
        dialect = self.session.get_bind().dialect
        columns = list(table.columns)
        processors = [column.type.bind_processor(dialect) for column in columns]
        prepared: list[dict[str, Any]] = []
        params = []
        for values in rows:
            full = {n: values.get(n, defaults[n]) for n in names}
            rev = versioning.rev_from_parts(full, stamps_json, vv_json, "{}")
            record = {**full, **shared, "id": values.get("id") or str(uuid.uuid4()), "rev": rev}
            prepared.append(record)
            row_params = []
            for column, process in zip(columns, processors, strict=True):
                name = column.name
                if name == "stamps":
                    row_params.append(stamps_json)
                elif name == "vv":
                    row_params.append(vv_json)
                elif name == "delete_ctx":
                    row_params.append("{}")
                else:
                    value = record[name]
                    row_params.append(process(value) if process else value)
            params.append(tuple(row_params))
        names_sql = ", ".join(column.name for column in columns)
        marks = ", ".join("?" * len(columns))
        self.session.connection().exec_driver_sql(
            f"INSERT INTO {table.name} ({names_sql}) VALUES ({marks})", params)
        entries = search_entries(self.session, model, prepared)
        search_index.put(self.session.connection(), entries, fresh=True)
        return len(prepared)

    def _reindex(self, row: SQLModel) -> None:
        connection = self.session.connection()
        if row.deleted:  # type: ignore[attr-defined]
            search_index.remove(connection, [row.id])  # type: ignore[attr-defined]
            return
        entries = search_entries(self.session, type(row), [full_state(row) | field_values(row)])
        if entries:
            search_index.put(connection, entries)


class Store:
    """A database opened for the services: sessions for reading and one way to write."""

    def __init__(self, engine: Engine, path: Path) -> None:
        self.engine = engine
        self.path = path
        self._writer_engine = write_engine(engine)
        self._listeners: list[Callable[[list[Change]], None]] = []
        self.device_id = self._ensure_device_id()
        with engine.connect() as connection:
            self.fts5 = search_index.uses_fts5(connection)

    def _ensure_device_id(self) -> str:
        with Session(self._writer_engine) as session:
            setting = session.get(Setting, DEVICE_KEY)
            if setting is None:
                setting = Setting(key=DEVICE_KEY, value=str(uuid.uuid4()))
                session.add(setting)
                session.commit()
            return str(setting.value)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self, batch_id: str | None = None,
              backup_reason: str | None = None) -> Iterator[Writer]:
        """One transaction: everything inside lands together, or nothing does.

        With `backup_reason` ("before-import", "before-undo-import"), a checked backup is
        taken first, so even a wanted change that turns out wrong can be taken back whole.
        """
        if backup_reason:
            from partnerdesk.db.backup import backup_now

            backup_now(self.path, backup_reason)
        with Session(self._writer_engine, expire_on_commit=False) as session:
            writer = Writer(session, self)
            writer.batch_id = batch_id
            try:
                yield writer
                session.commit()
            except BaseException:
                session.rollback()
                raise
        if writer.changes:
            self._notify(writer.changes)

    def subscribe(self, listener: Callable[[list[Change]], None]) -> None:
        self._listeners.append(listener)

    def _notify(self, changes: list[Change]) -> None:
        for listener in list(self._listeners):
            listener(changes)

    def setting(self, key: str, default: Any = None) -> Any:
        with self.read() as session:
            row = session.get(Setting, key)
            return default if row is None else row.value

    def set_setting(self, key: str, value: Any) -> None:
        with Session(self._writer_engine) as session:
            session.merge(Setting(key=key, value=value))
            session.commit()

    def counter(self) -> int:
        return int(self.setting(COUNTER_KEY, 0))

    def close(self) -> None:
        self.engine.dispose()


def select_live(model: type[RecordT]) -> Any:
    return select(model).where(model.deleted == False)  # type: ignore[attr-defined]  # noqa: E712
