"""The one place that writes records: sessions, version stamps, history, search index.

Every change to a synchronised record goes through a `Writer`, inside one
`BEGIN IMMEDIATE` transaction, so a save lands whole or not at all, and every row's
stamps, version vector, revision, history, index entry and change notice stay in step
from the first day. One record at a time (`create`, `update`, `delete`, `restore`: the
services' saves) or many at once (`bulk_create`: sample data and imports' new records;
`bulk_update`: imports merging into records here; `put_states`: a bundle's merged
states and an undo's earlier versions), which write raw rows (`db.bulk`) beneath the
session and give the same stamps, revisions and history as the single paths.
"""

import functools
import gc
import json
import logging
import queue
import sys
import threading
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, ParamSpec, TypeVar

from sqlalchemy import JSON, Engine, or_, select
from sqlalchemy import inspect as sa_inspect
from sqlmodel import Session, SQLModel

from partnerdesk.db import identity, search_index
from partnerdesk.db.bookkeeping import BOOKKEEPING_FIELDS, new_id, utcnow
from partnerdesk.db.bulk import (
    IDS_PER_STATEMENT,
    delete_rows,
    history_from_rows,
    insert_rows,
    insert_statement,
    json_text,
    update_rows,
)
from partnerdesk.db.engine import defer_foreign_keys, placeholder, write_engine
from partnerdesk.db.local import Conflict, HistoryEntry, Setting
from partnerdesk.db.registry import RECORD_TYPES, type_name
from partnerdesk.errors import DatabaseProblem, PartnerDeskError
from partnerdesk.services import versioning
from partnerdesk.services.indexing import index_fields, search_entries, titled_by_others

if TYPE_CHECKING:
    from partnerdesk.db.backup import BackupBeside
    from partnerdesk.db.server import ServerAddress

RecordT = TypeVar("RecordT", bound=SQLModel)
P = ParamSpec("P")
R = TypeVar("R")
log = logging.getLogger(__name__)

DEVICE_KEY = "device_id"
COUNTER_KEY = "lamport_counter"
def usable_counter(value: Any) -> int | None:
    """The stored change counter as a whole number below 2**53, or None when it is not
    one: an older version stored a hand-made bundle's 10**400 as REAL infinity, after
    which every save stopped with OverflowError."""
    if type(value) is float and value.is_integer():
        value = int(value)
    if type(value) is int and 0 <= value <= versioning.MAX_COUNTER:
        return value
    return None


def recovered_counter(session: Session) -> int:
    """A counter for a database whose stored one is damaged: the largest whole number
    below 2**53 in any record's version vector (the counter is raised to every number
    seen, and each write's own number is in its record's vector), so the next write's
    stamp still beats every value here."""
    from partnerdesk.db.registry import RECORD_TYPES

    best = 0
    for model in RECORD_TYPES.values():
        column = model.__table__.c.vv  # type: ignore[attr-defined]
        for (vector,) in session.execute(select(column)):
            if isinstance(vector, str):
                try:
                    vector = json.loads(vector)
                except ValueError:
                    continue
            if isinstance(vector, dict):
                for number in vector.values():
                    if usable_counter(number) is not None and number > best:
                        best = number
    return best


def counter_in(session: Session, setting: Setting | None) -> int:
    """The counter a `Setting` row holds (0 with none), recovered when damaged."""
    if setting is None:
        return 0
    current = usable_counter(setting.value)
    if current is None:
        current = recovered_counter(session)
        log.warning("The stored change counter (%r) was no whole number; it is %d again, "
                    "the largest number in the records.", setting.value, current)
    return current


# The stamp of records every laptop makes alike (default categories): counter 0 is
# covered by any version vector, so the same seed gives the same revision everywhere.
SEED_STAMP: tuple[int, str] = (0, "seed")
# Columns a bulk write passes as canonical JSON text already (the text the revision hashes).
ENCODED = ("stamps", "vv", "delete_ctx")
HISTORY_ENCODED = ("changed_fields", "state")
DELETED_FIELD = "_deleted"  # a conflict's field when a deletion lost (`sharing.merge`)
# What a local bulk edit writes besides the changed fields (`Writer.put_states`).
LOCAL_BOOKKEEPING = ("id", "updated_at", "rev", "deleted", "origin", "stamps", "vv",
                     "delete_ctx")
CREATE_PART = 5000  # `bulk_create` hands its rows to the writer's lane in parts this big


@dataclass(frozen=True)
class Change:
    """What one write did to one record; screens use it to decide whether to refresh."""

    record_type: str
    record_id: str
    action: str  # created, updated, deleted, restored
    fields: tuple[str, ...] = ()
    # Heard from another session on an office database (another person's save, or the
    # same person's in another window or process), not written through this store.
    # An editor open on such a record shows what was saved there (`show_saved_meanwhile`);
    # this store's own writes, its editors' saves and undos among them, are not news to it.
    elsewhere: bool = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while a write of thousands of records runs.

    Such a write makes hundreds of thousands of small dicts and lists that all live
    until it ends; the collector, which runs whenever enough of them were made, went
    through them hundreds of times and found nothing to free (a sixth of the time of a
    change to 10,000 contacts). Reference counting still frees everything as before;
    any cycle made meanwhile is collected once the collector is back."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def without_collector(work: Callable[P, R]) -> Callable[P, R]:
    """`work` run under `collector_paused`, which ends once `work` has returned: what only
    its frame held (the rows read, the edits, the writer) is freed first. Ended inside
    that frame, the collector's first pass went through all of it, still alive: 0.4 s
    after a change to 10,000 contacts."""

    @functools.wraps(work)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        with collector_paused():
            return work(*args, **kwargs)

    return paused


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


# A history entry's state as JSON text straight from a row's column values: what
# `json_text(full_json(row))` writes, with dates turned into ISO text by the C encoder
# as it meets them instead of by a Python call per value (bulk writes keep thousands).
_STATE_JSON = json.JSONEncoder(default=versioning.jsonable)
# The C scanner `json.loads` runs (`current_rows` reads thousands of JSON columns).
_SCAN = json.JSONDecoder().scan_once


def full_json(row: dict[str, Any]) -> dict[str, Any]:
    """`full_state` of a row read as a dict of column values."""
    return {name: versioning.jsonable(value) for name, value in row.items()}


def columns_of(row: SQLModel) -> dict[str, Any]:
    """Every column of an ORM row as a dict, the shape bulk writes take as `current`."""
    return {name: getattr(row, name) for name in type(row).model_fields}


class StatePut(NamedTuple):
    """One record's whole new state, for `Writer.put_states`."""

    record_id: str
    state: versioning.VersionState | None  # None: the row goes (undo of an imported record)
    current: dict[str, Any] | None  # the row as it is now, every column; None when new
    fields: tuple[str, ...] = ()  # the fields that change: history and the change notice
    origin: str | None = None  # None: the device of the newest stamp (a merged state)


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


# Bulk writes of at least this many records hand their SQL to the writer's lane (`_Lane`);
# smaller ones run it at once.
BESIDE_MINIMUM = 500
AUTOCHECKPOINT_PAGES = 1000  # SQLite's default: other commits fold the journal in as before


# While a lane runs, Python hands its lock between threads every 0.5 ms, not every 5 ms:
# each statement of the lane takes the lock back once SQLite has run it, and with the
# writer's thread busy in Python a lane job waited about as long for the lock as it ran
# (a bulk tag change of 10,000 contacts: 2.23 s, 1.84 s with this; medians of twelve).
LANE_SWITCH_INTERVAL = 0.0005
_lanes_running = 0
_lanes_lock = threading.Lock()
_usual_switch_interval = sys.getswitchinterval()


def _lane_started() -> None:
    global _lanes_running, _usual_switch_interval
    with _lanes_lock:
        if _lanes_running == 0:
            _usual_switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(_usual_switch_interval, LANE_SWITCH_INTERVAL))
        _lanes_running += 1


def _lane_ended() -> None:
    global _lanes_running
    with _lanes_lock:
        _lanes_running -= 1
        if _lanes_running == 0:
            sys.setswitchinterval(_usual_switch_interval)


class _Lane:
    """A write's bulk SQL, run in order on a thread of its own while the writer's thread
    goes on in Python (the next records' checks, stamps and revisions). SQLite and
    PostgreSQL's driver let go of Python while a statement runs, so on two cores the
    rows, history and search index of one part are written while the next is made: a
    bulk change's wall time is shorter, its CPU time the same.

    The transaction's connection is used by one thread at a time: any statement the
    writer's thread runs on it first waits for the lane to finish what it was given
    (`Writer` watches the connection), and so do `current_rows`' raw reads, the commit
    and the rollback. Only local bulk edits (`put_local`) use it: imports read the
    connection raw too (`sharing.rows`), which would not wait. A job that fails stops
    the lane; its error is raised in the writer's thread by the next wait."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._idle = threading.Condition()
        self._waiting = 0  # jobs given and not yet done
        self._failed: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, name="partnerdesk-bulk-sql",
                                       daemon=True)
        _lane_started()
        self.thread.start()

    def give(self, job: Callable[[], None]) -> None:
        with self._idle:
            self._waiting += 1
        self._jobs.put(job)

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                if not self._failed:
                    job()
            except BaseException as error:  # noqa: BLE001 - raised again by `wait`
                self._failed.append(error)
            finally:
                with self._idle:
                    self._waiting -= 1
                    self._idle.notify_all()

    @property
    def busy(self) -> bool:
        return self._waiting > 0 or bool(self._failed)

    def wait(self) -> None:
        """Until every job given is done; raises the error of one that failed."""
        with self._idle:
            while self._waiting:
                self._idle.wait()
        if self._failed:
            raise self._failed[0]

    def stop(self) -> None:
        """Wait for the jobs (their error is not raised: the write is rolled back or
        its error was raised already) and end the thread."""
        with self._idle:
            while self._waiting:
                self._idle.wait()
        self._jobs.put(None)
        self.thread.join()
        _lane_ended()


class StoredRows(Mapping[str, dict[str, Any]]):
    """`Writer.current_rows`' answer: id -> a record's row, read already and decoded into
    typed values the first time it is asked for (then kept: callers may change it)."""

    def __init__(self, raw: dict[str, Any], typed: Callable[[Any], dict[str, Any]],
                 deleted: Callable[[Any], bool], one: Callable[[Any, str], Any]) -> None:
        self._raw = raw
        self._typed = typed
        self._deleted = deleted
        self._one = one
        self._rows: dict[str, dict[str, Any]] = {}

    def __getitem__(self, key: str) -> dict[str, Any]:
        row = self._rows.get(key)
        if row is None:
            row = self._rows[key] = self._typed(self._raw[key])
        return row

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def is_deleted(self, key: str) -> bool:
        """Whether that record is deleted now, without decoding its row."""
        return self._deleted(self._raw[key])

    def value(self, key: str, name: str) -> Any:
        """One column of that record, decoding that column only (a row not asked for
        whole yet stays undecoded: an undo checks every record before its first part).
        A JSON column of the bookkeeping comes back shared: read it, do not change it."""
        row = self._rows.get(key)
        return row[name] if row is not None else self._one(self._raw[key], name)


class Touched(NamedTuple):
    """One record a transaction wrote: how it was before its first write in the
    transaction (None: made by it) and after its last. The undo journal
    (`services.undo`) keeps these to put the record back exactly."""

    model: type[SQLModel]
    record_id: str
    before: tuple[dict[str, Any], bool] | None  # user field values, deleted
    after: tuple[dict[str, Any], bool] | None  # None: the row was removed


def _snapshot(row: SQLModel) -> tuple[dict[str, Any], bool]:
    return field_values(row), bool(row.deleted)  # type: ignore[attr-defined]


def _out_of_numbers() -> PartnerDeskError:
    return PartnerDeskError(
        "This database has run out of change numbers, so nothing was saved. "
        "Start a new PartnerDesk and join it with a bundle of everything.")


def _held(row: SQLModel) -> int:
    """The highest change number a record's stamps, version vector and deletion hold."""
    return versioning.highest_counter(row.stamps, row.vv,  # type: ignore[attr-defined]
                                      row.delete_ctx)  # type: ignore[attr-defined]


class Writer:
    """One transaction's worth of changes; made by `Store.write()`."""

    def __init__(self, session: Session, store: "Store") -> None:
        self.session = session
        self.store = store
        self.changes: list[Change] = []
        self.batch_id: str | None = None
        # What this transaction is, for Undo ("edit of Marcus Lee"); None: a write the
        # undo journal does not keep (imports have their own undo, settings have none).
        self.undo_name: str | None = None
        # Every record written, in the order first written (see `Touched`); the bulk
        # writes note theirs only when the transaction was named for Undo before them.
        self.touched: dict[tuple[str, str], Touched] = {}
        # What save rules learned in this transaction (which tags exist, say), so a bulk
        # save asks the database once instead of once per record.
        self.learned: dict[str, Any] = {}
        self._counter: int | None = None
        self._encoder = versioning.StampEncoder()
        self._field_texts: dict[tuple[str, ...], str] = {}
        # The stored JSON text of the bookkeeping objects `current_rows` decoded, by the
        # object's id (the object is kept with it, so the id stays its own): a history
        # entry of a row read that way reuses the text instead of encoding it again.
        self._read_texts: dict[int, tuple[Any, str]] = {}
        # On an office database: history entries and index rows of one-record writes,
        # sent with the change notice before the commit (`db.bulk.Pending`).
        self.pending: Any = None
        # What `listed` found for records read with `locked` (type, id) -> field -> stamps.
        self._listed: dict[tuple[str, str], dict[str, list[Any]]] = {}
        self._lane: _Lane | None = None  # made by the first bulk write that needs one
        self._keys_deferred = False  # foreign keys checked at commit (`put_states`)
        # The checked backup this transaction's commit waits for (`back_up_first`).
        self.backup: BackupBeside | None = None

    def back_up_first(self, reason: str) -> None:
        """Take a checked backup of the database file before this transaction commits,
        on a thread beside the work that follows (`BackupBeside`), when none is taken
        yet: what `Store.write(backup_reason=...)` does, decided once the transaction
        has found that it will change records (an import that changes nothing takes
        none). The copy reads the last committed state, as every other connection does:
        this transaction holds the write lock from its BEGIN, so that is the database as
        it was before it, whatever it has written meanwhile. A server database keeps
        every earlier state in history instead."""
        if self.backup is not None or self.store.address is not None:
            return
        from partnerdesk.db.backup import BackupBeside

        self.backup = BackupBeside(self.store.path, reason)

    def locked(self, model: type[RecordT], record_id: str) -> RecordT | None:
        """The record, locked until this transaction ends (a second person saving it
        waits for this save), or None when there is none.

        On an office database the conflicts listed for it (`listed`) come in the same
        statement, which saves a round trip to the server in every save; on a file,
        SQLite's write lock lets one writer in at a time anyway."""
        session = self.session
        if self.store.address is None:
            return session.get(model, record_id)
        from sqlalchemy import func

        table = Conflict.__table__  # type: ignore[attr-defined]
        kind = type_name(model)
        listed = select(func.json_agg(func.json_build_array(
            table.c.field, table.c.lost_stamp, table.c.won_stamp))).where(
            table.c.record_type == kind,
            table.c.record_id == model.id).scalar_subquery()  # type: ignore[attr-defined]
        found = session.execute(select(model, listed).where(
            model.id == record_id).with_for_update(of=model)).one_or_none()  # type: ignore[attr-defined]
        if found is None:
            return None
        row, clashes = found
        fields: dict[str, list[Any]] = {}
        for field, lost, won in clashes or ():
            name = versioning.ALIVE if field == DELETED_FIELD else field
            fields.setdefault(name, []).extend(s for s in (lost, won) if s)
        self._listed[(kind, record_id)] = fields
        return row  # type: ignore[no-any-return]

    @property
    def device(self) -> str:
        return self.store.device_id

    def undo_as(self, name: str) -> None:
        """Keep this transaction in the undo journal as one step, named `name` (what a
        person reads after "Undo: ", as in "edit of Marcus Lee")."""
        self.undo_name = name

    def later(self, job: Callable[[], None], records: int) -> None:
        """Run `job` (SQL on this transaction's connection) in the lane when it writes
        `records` records or more, else now; either way after every job given before."""
        if records < BESIDE_MINIMUM:
            self.settle()
            job()
            return
        if self._lane is None:
            from sqlalchemy import event

            lane = self._lane = _Lane()

            def wait_for_lane(*_args: Any) -> None:
                if lane.busy and threading.current_thread() is not lane.thread:
                    lane.wait()

            # first among the connection's listeners (the office's `Pending` sends
            # through the same connection)
            event.listen(self.session.connection(), "before_cursor_execute",
                         wait_for_lane, insert=True)
        self._lane.give(job)

    def settle(self) -> None:
        """Wait for the SQL given to the lane; raises the error of a job that failed.
        (Statements on the connection wait by themselves; raw DB-API use, the commit and
        the rollback do not.)"""
        if self._lane is not None:
            self._lane.wait()

    def _stop_lane(self) -> None:
        if self._lane is not None:
            self._lane.stop()
            self._lane = None

    def _touch(self, model: type[SQLModel], record_id: str,
               before: tuple[dict[str, Any], bool] | None,
               after: tuple[dict[str, Any], bool] | None) -> None:
        """Note a write of one record: its state before the transaction's first write of
        it, and after this one."""
        key = (type_name(model), record_id)
        earlier = self.touched.get(key)
        if earlier is not None:
            # A bulk write notes only the fields it changed: what an earlier write did
            # not note was, before it, as it is before this one.
            if earlier.before is None or before is None:
                before = earlier.before
            else:
                before = ({**before[0], **earlier.before[0]}, earlier.before[1])
            if earlier.after is not None and after is not None:
                after = ({**earlier.after[0], **after[0]}, after[1])
        self.touched[key] = Touched(model, record_id, before, after)

    def _touch_row(self, row: SQLModel, before: tuple[dict[str, Any], bool] | None) -> None:
        self._touch(type(row), row.id, before, _snapshot(row))  # type: ignore[attr-defined]

    def counter(self, beyond: int = 0) -> int:
        """One Lamport tick per transaction: every stamp it writes shares it.

        `beyond`: the highest change number the records about to be stamped hold. On a
        file the counter is always past every number in it already (imports raise it).
        On an office database the numbers come from `db.server.ChangeNumbers`, without
        holding a lock until the commit; a record holding a number this transaction's
        tick does not beat (saved by someone else after the tick was handed out) takes a
        new tick, so a save's stamps always beat the values it replaces."""
        numbers = self.store.numbers
        if numbers is not None:
            if self._counter is None or beyond >= self._counter:
                tick = numbers.next(beyond)
                if tick > versioning.MAX_COUNTER:
                    raise _out_of_numbers()
                self._counter = tick
            return self._counter
        if self._counter is None:
            # FOR UPDATE: on a server, writers running at once take turns here, so no
            # two transactions share a tick (SQLite's write lock already does that).
            setting = self.session.get(Setting, COUNTER_KEY, with_for_update=True)
            current = counter_in(self.session, setting)
            if current >= versioning.MAX_COUNTER:  # JSON readers hold integers up to 2**53
                raise _out_of_numbers()
            self._counter = current + 1
            self.session.merge(Setting(key=COUNTER_KEY, value=self._counter))
        return self._counter

    def observe_counter(self, seen: int) -> None:
        """Raise the counter to a value seen in an import, so later stamps beat it."""
        if self.store.numbers is not None:
            self.store.numbers.raise_to(seen)
            self._counter = None
            return
        setting = self.session.get(Setting, COUNTER_KEY, with_for_update=True)
        current = counter_in(self.session, setting)
        if seen > current or usable_counter(setting.value if setting else 0) is None:
            self.session.merge(Setting(key=COUNTER_KEY, value=max(seen, current)))
            self._counter = None

    def listed(self, record_type: str, record_ids: Iterable[str],
               ) -> dict[str, dict[str, list[Any]]]:
        """The writes this laptop lists in its Conflicts for these records: record id ->
        field -> stamps (both sides of each clash). A local write has seen them, so its
        context covers them (SHARING.md: a value listed here counts as seen); a lost
        deletion counts for the hidden alive field."""
        found: dict[str, dict[str, list[Any]]] = {}
        ids = sorted(set(record_ids))
        table = Conflict.__table__  # type: ignore[attr-defined]
        if len(ids) > 500 and self.session.execute(
                select(1).where(table.c.record_type == record_type).limit(1)).first() is None:
            return found  # none of this type listed: one question, not one per 500 ids
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows = self.session.execute(
                select(table.c.record_id, table.c.field, table.c.lost_stamp,
                       table.c.won_stamp).where(table.c.record_type == record_type,
                                                table.c.record_id.in_(chunk)))
            for record_id, field, lost, won in rows:
                name = versioning.ALIVE if field == DELETED_FIELD else field
                fields = found.setdefault(record_id, {})
                fields.setdefault(name, []).extend(s for s in (lost, won) if s)
        return found

    def add_conflicts(self, rows: list[dict[str, Any]]) -> None:
        """Clashes an import decided, into this laptop's Conflicts at once: rows of the
        conflicts table without id, detection time, batch or resolution (this write's,
        now, open), JSON-ready values; in their order (the list shows newest first)."""
        if not rows:
            return
        self.session.flush()  # pending ORM writes first: these rows go in beneath them
        shared = {"detected_at": utcnow(), "batch_id": self.batch_id, "resolved": False}
        insert_rows(self.session.connection(), Conflict.__table__,  # type: ignore[attr-defined]
                    [{**row, **shared} for row in rows])

    def _listed_for(self, row: SQLModel) -> dict[str, list[Any]]:
        kind = type_name(type(row))
        known = self._listed.get((kind, row.id))  # type: ignore[attr-defined]
        if known is not None:
            return known
        return self.listed(kind, [row.id]).get(row.id, {})  # type: ignore[attr-defined]

    def history(self, row: SQLModel, action: str, changed: list[str]) -> None:
        if self.pending is not None:
            self.settle()  # the lane's statements send what is held (`Pending.watch`)
            self.pending.history.append({
                "record_type": type_name(type(row)), "record_id": row.id,  # type: ignore[attr-defined]
                "changed_at": utcnow().isoformat(), "action": action,
                "changed_fields": list(changed), "state": full_state(row),
                "batch_id": self.batch_id, "changed_by": self.store.person})
            return
        self.session.add(HistoryEntry(
            record_type=type_name(type(row)), record_id=row.id,  # type: ignore[attr-defined]
            action=action, changed_fields=changed, state=full_state(row),
            batch_id=self.batch_id, changed_by=self.store.person))

    # -- one record at a time --------------------------------------------------------
    def create(self, model: type[RecordT], values: dict[str, Any],
               record_id: str | None = None) -> RecordT:
        row = model(**values)
        if record_id:
            row.id = record_id  # type: ignore[attr-defined]
        state = versioning.local_create(field_values(row), self.counter(), self.device)
        _apply_state(row, state, self.device)
        self.session.add(row)
        if self.batch_id:  # an empty earlier state: undoing the import removes the record
            self.session.add(HistoryEntry(
                record_type=type_name(model), record_id=row.id,  # type: ignore[attr-defined]
                action="imported", changed_fields=[], state={}, batch_id=self.batch_id,
                changed_by=self.store.person))
        self.session.flush()
        self._reindex(row)
        self._touch_row(row, None)
        self.changes.append(Change(type_name(model), row.id,  # type: ignore[attr-defined]
                                   "created", tuple(values)))
        return row

    def update(self, row: RecordT, changes: dict[str, Any]) -> list[str]:
        """Apply the changed fields only; unchanged values keep their old stamps."""
        current = field_values(row)
        changed = {k: v for k, v in changes.items() if current.get(k) != v}
        if not changed:
            return []
        before = (current, bool(row.deleted))  # type: ignore[attr-defined]
        self.history(row, "updated", sorted(changed))
        state = versioning.local_edit(version_state(row), changed, self.counter(_held(row)),
                                      self.device, self._listed_for(row))
        _apply_state(row, state, self.device)
        if self.pending is not None and sa_inspect(row).persistent:
            self.pending.hold_row(row)  # sent with the history, index rows and notice
        else:
            self.session.add(row)
            self.session.flush()
        self._reindex(row)
        self._touch_row(row, before)
        self.changes.append(Change(type_name(type(row)), row.id,  # type: ignore[attr-defined]
                                   "updated", tuple(sorted(changed))))
        return sorted(changed)

    def delete(self, row: SQLModel) -> bool:
        if row.deleted:  # type: ignore[attr-defined]
            return False
        before = _snapshot(row)
        self.history(row, "deleted", [])
        state = versioning.local_delete(version_state(row), self.counter(_held(row)), self.device,
                                        self._listed_for(row))
        _apply_state(row, state, self.device)
        self.session.add(row)
        self._reindex(row)
        self._touch_row(row, before)
        self.changes.append(Change(type_name(type(row)), row.id, "deleted"))  # type: ignore[attr-defined]
        return True

    def restore(self, row: SQLModel) -> bool:
        if not row.deleted:  # type: ignore[attr-defined]
            return False
        before = _snapshot(row)
        self.history(row, "restored", [])
        state = versioning.local_restore(version_state(row), self.counter(_held(row)), self.device,
                                         self._listed_for(row))
        _apply_state(row, state, self.device)
        self.session.add(row)
        self.session.flush()
        self._reindex(row)
        self._touch_row(row, before)
        self.changes.append(Change(type_name(type(row)), row.id, "restored"))  # type: ignore[attr-defined]
        return True

    def keep_alive(self, row: SQLModel) -> None:
        """A write saying "this record stays" (the kept record of a duplicate merge): it
        stamps the hidden alive field, so a deletion of this record made elsewhere without
        seeing this write cannot wipe it (and the clash is listed) — opposite merges of
        one pair end with both records alive, never both gone."""
        before = _snapshot(row)
        self.history(row, "updated", [])
        state = versioning.local_restore(version_state(row), self.counter(_held(row)), self.device,
                                         self._listed_for(row))
        _apply_state(row, state, self.device)
        self.session.add(row)
        self.session.flush()
        self._touch_row(row, before)
        self.changes.append(Change(type_name(type(row)), row.id, "updated"))  # type: ignore[attr-defined]

    def _reindex(self, row: SQLModel) -> None:
        if self.pending is not None:
            self.settle()  # as in `history`
        connection = self.session.connection()
        if row.deleted:  # type: ignore[attr-defined]
            if self.pending is not None:
                self.pending.search[row.id] = None  # type: ignore[attr-defined]
                return
            search_index.remove(connection, [row.id])  # type: ignore[attr-defined]
            return
        entries = search_entries(self.session, type(row), [full_state(row) | field_values(row)])
        if entries and self.pending is not None:
            for entry in entries:
                self.pending.search[entry.record_id] = tuple(entry)
        elif entries:
            search_index.put(connection, entries)

    def refresh_named_by_others(self) -> None:
        """New search entries for the records named by organizations renamed in this
        transaction (a referral pathway's title is the names of the two it joins,
        `indexing.titled_by_others`), however they were renamed: a save, a bulk change,
        an undo or an import. Before, the pathway was found by the old name until it was
        saved again."""
        renamed = sorted({change.record_id for change in self.changes
                          if change.record_type == "organization" and "name" in change.fields})
        if not renamed:
            return
        model = RECORD_TYPES["referral_pathway"]
        rows: list[SQLModel] = []
        for at in range(0, len(renamed), 500):  # SQLite takes a limited number of parameters
            chunk = renamed[at:at + 500]
            rows += self.session.scalars(select(model).where(
                model.deleted == False,  # type: ignore[attr-defined]  # noqa: E712
                or_(model.from_organization_id.in_(chunk),  # type: ignore[attr-defined]
                    model.to_organization_id.in_(chunk))))  # type: ignore[attr-defined]
        entries = search_entries(self.session, model,
                                 [full_state(row) | field_values(row) for row in rows])
        if not entries:
            return
        if self.pending is not None:  # sent with the rest of the save (`Pending`)
            for entry in entries:
                self.pending.search[entry.record_id] = tuple(entry)
            return
        search_index.put(self.session.connection(), entries)

    # -- many records at once --------------------------------------------------------
    def bulk_create(self, model: type[SQLModel], rows: list[dict[str, Any]], *,
                    seed: bool = False, beside: bool = False) -> list[str]:
        """Insert many new records at once (sample data, imports): no ORM objects.

        Each dict holds user field values and may hold an `id`; returns the ids. The
        records get what `create` gives each (one stamp per field, the transaction's
        counter, index entries, change notices, the "imported" mark inside an import),
        but the stamps and version vector are serialised once and the rows go in
        parts of `CREATE_PART`, each one statement on SQLite (`db.bulk.insert_statement`),
        which the writer's lane (`_Lane`) runs while the next part is made; the search
        index gets one statement for all of them. `seed`: records every laptop makes
        alike get `SEED_STAMP`, so their copies are one state everywhere.

        `beside`: the lane may still be writing these records when this returns (the
        sample data makes the next type's rows meanwhile); a statement on the
        connection waits for it, raw use of the connection must `settle` first.
        """
        if not rows:
            return []
        self.session.flush()  # pending ORM writes first: these rows go in beneath them
        if seed:
            counter, device = SEED_STAMP
        else:
            counter, device = self.counter(), self.device
        now = utcnow()
        table = model.__table__  # type: ignore[attr-defined]
        names = user_fields(model)
        defaults = {n: model.model_fields[n].get_default(call_default_factory=True)
                    for n in names}
        stamp = [counter, device]
        stamps_json = versioning.canonical_json(
            {name: stamp for name in [*names, versioning.ALIVE]})
        vv_json = versioning.canonical_json({device: counter} if not seed else {})
        shared = {"created_at": now, "updated_at": now, "deleted": False, "origin": device,
                  "stamps": stamps_json, "vv": vv_json, "delete_ctx": "{}"}
        connection = self.session.connection()
        # On a server, its driver's executemany would wait for Python at every row. Once
        # the lane is there, a few rows go to it too: run now, they would wait for it.
        beside_python = 0 if connection.dialect.name != "sqlite" else len(rows) \
            if self._lane is None else max(len(rows), BESIDE_MINIMUM)
        known = {*names, "id"}
        rev_of = versioning.rev_from_parts
        prepared: list[dict[str, Any]] = []
        for start in range(0, len(rows), CREATE_PART):
            part: list[dict[str, Any]] = []
            for values in rows[start:start + CREATE_PART]:
                if values.keys() <= known:  # (the same as below, in one C call)
                    full = {**defaults, **values}
                    record_id = full.pop("id", None) or new_id()
                else:
                    full = {n: values.get(n, defaults[n]) for n in names}
                    record_id = values.get("id") or new_id()
                rev = rev_of(full, stamps_json, vv_json, "{}")
                full.update(shared)  # the row itself, now that its revision is made
                full["id"] = record_id
                full["rev"] = rev
                part.append(full)
            prepared += part
            self.later(functools.partial(connection.exec_driver_sql,
                               *insert_statement(connection, table, part, ENCODED)),
                       beside_python)
        ids = [row["id"] for row in prepared]
        kind, fields = type_name(model), tuple(names)
        if self.batch_id:
            history = [self._history_row(kind, record_id, now, "imported", (), None)
                       for record_id in ids]
            self.later(functools.partial(connection.exec_driver_sql, *insert_statement(
                connection, HistoryEntry.__table__, history, HISTORY_ENCODED)),  # type: ignore[attr-defined]
                beside_python)
        folding = self.store.search_kind == search_index.LIKE
        if beside_python and titled_by_others(model):
            # Its titles are read from the database in the lane, after what it was given
            # (here, the read would wait for all of that); the connection does the one
            # select `titles` asks of a session.
            def index_in_turn() -> None:
                entries = search_entries(connection, model, prepared)  # type: ignore[arg-type]
                search_index.put_new_later(connection, entries, folding=folding)()

            self.later(index_in_turn, beside_python)
        else:
            self.later(search_index.put_new_later(
                connection, search_entries(self.session, model, prepared), folding=folding),
                beside_python)
        self.changes += [Change(kind, record_id, "created", fields) for record_id in ids]
        if self.undo_name is not None:
            for row in prepared:
                self._touch(model, row["id"], None,
                            ({n: row[n] for n in names}, False))
        if not beside:
            self.settle()
        return ids

    def bulk_update(self, edits: list[tuple[SQLModel, dict[str, Any]]]) -> None:
        """Local edits to many records of one type at once (an import merging into
        records here): for each, what `update` gives it (changed fields stamped with
        this transaction's counter, the earlier state in history), in bulk.

        The rows are ORM objects of this writer's session; they are expired afterwards,
        so reading them again gives the new values."""
        if not edits:
            return
        model = type(edits[0][0])
        counter, device = self.counter(max(_held(row) for row, _ in edits)), self.device
        listed = self.listed(type_name(model), [row.id for row, _ in edits])  # type: ignore[attr-defined]
        puts = []
        for row, changes in edits:
            current = field_values(row)
            changed = {k: v for k, v in changes.items() if current.get(k) != v}
            if not changed:
                continue
            state = versioning.local_edit(version_state(row), changed, counter, device,
                                          listed.get(row.id, {}))  # type: ignore[attr-defined]
            puts.append(StatePut(row.id, state, columns_of(row),  # type: ignore[attr-defined]
                                 tuple(sorted(changed)), device))
        self.put_states(model, puts, action="updated")

    def current_rows(self, model: type[SQLModel], record_ids: Iterable[str],
                     ) -> "StoredRows":
        """id -> every column of these records as they are now in this transaction (typed
        values, as `columns_of` gives them), read without ORM objects: the shape
        `put_local` and `put_states` take, for writes of thousands of records. The rows
        are read at once and each is decoded when first asked for: a bulk change decodes
        one part's while its lane writes the part before, instead of all before the
        lane's first part (a third of a second of 10,000 contacts)."""
        self.session.flush()
        self.settle()  # the raw cursor below does not wait for the lane by itself
        table = model.__table__  # type: ignore[attr-defined]
        connection = self.session.connection()
        dialect = connection.dialect
        names = [column.name for column in table.columns]
        if dialect.name != "sqlite":
            # A server's driver types its values itself; the fast path below relies on
            # SQLite's result processors (a server's need the column's wire type). The
            # rows are locked until the commit, in id order (two bulk writes at once
            # take turns instead of deadlocking), so no one saves them meanwhile and
            # has their stamps written over.
            ids = sorted(set(record_ids))
            found_rows: dict[str, dict[str, Any]] = {}
            for start in range(0, len(ids), IDS_PER_STATEMENT):
                chunk = ids[start:start + IDS_PER_STATEMENT]
                for row in connection.execute(select(table).where(table.c.id.in_(chunk))
                                              .order_by(table.c.id).with_for_update()):
                    found_rows[row.id] = dict(row._mapping)
            return StoredRows(found_rows, dict, lambda row: bool(row["deleted"]),
                              lambda row, name: row[name])
        # Each column's own result processor (what a Core select applies), without the
        # Core row objects around them: most of the cost of reading 10,000 rows. JSON
        # columns are decoded here (what SQLite's JSON processor does); the bookkeeping's
        # text is kept (`_state_text`), though SQLite makes bulk history itself now.
        json_columns = [index for index, column in enumerate(table.columns)
                        if column.name not in ENCODED and isinstance(column.type, JSON)
                        and getattr(dialect, "_json_deserializer", None) is None]
        processors = [(index, process) for index, process in (
            (index, column.type.dialect_impl(dialect).result_processor(dialect, None))
            for index, column in enumerate(table.columns)
            if column.name not in ENCODED and index not in json_columns)
            if process is not None]
        encoded = [index for index, name in enumerate(names) if name in ENCODED]
        # The merge bookkeeping: most records share a few patterns of stamps (every
        # field written by the same save), so each text is decoded once.
        decoded: dict[str, Any] = {}
        read_texts = self._read_texts
        loads = json.loads
        scan = _SCAN

        def decode(value: Any) -> Any:
            if not isinstance(value, str):  # a server's driver decodes JSON itself
                return value
            found = decoded.get(value)
            if found is None:
                found = decoded[value] = loads(value)
                read_texts[id(found)] = (found, value)
            return found

        def typed(raw: tuple[Any, ...]) -> dict[str, Any]:
            values = list(raw)
            for index, process in processors:
                values[index] = process(values[index])
            for index in json_columns:  # each row's own: callers may change them
                text = values[index]
                if isinstance(text, str):
                    # the decoder's scanner alone (what `json.loads` calls after its
                    # checks): a third of the time, for text SQLAlchemy wrote
                    try:
                        value, end = scan(text, 0)
                    except StopIteration:  # leading space, or not JSON: say so
                        value, end = loads(text), len(text)
                    values[index] = value if end == len(text) else loads(text)
            for index in encoded:  # shared between records: read, never changed
                values[index] = decode(values[index])
            return dict(zip(names, values, strict=True))

        index_of = {name: index for index, name in enumerate(names)}
        process_of = dict(processors)

        def one(raw: tuple[Any, ...], name: str) -> Any:
            index = index_of[name]
            value = raw[index]
            if index in encoded:
                return decode(value)
            if index in json_columns:
                return loads(value) if isinstance(value, str) else value
            process = process_of.get(index)
            return value if process is None else process(value)

        mark = placeholder(connection)
        ids = list(dict.fromkeys(record_ids))
        raw_rows: dict[str, tuple[Any, ...]] = {}
        id_at, deleted_at = names.index("id"), names.index("deleted")
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            for start in range(0, len(ids), IDS_PER_STATEMENT):
                chunk = ids[start:start + IDS_PER_STATEMENT]
                cursor.execute(
                    f"SELECT {', '.join(names)} FROM {table.name} WHERE id IN "
                    f"({', '.join([mark] * len(chunk))})", tuple(chunk))
                for raw in cursor.fetchall():
                    raw_rows[raw[id_at]] = raw
        finally:
            cursor.close()
        return StoredRows(raw_rows, typed, lambda raw: bool(raw[deleted_at]), one)

    def put_local(self, model: type[SQLModel],
                  edits: Iterable[tuple[dict[str, Any], dict[str, Any], bool | None]], *,
                  listed: dict[str, dict[str, list[Any]]] | None = None) -> None:
        """Local writes to many records of one type at once (a bulk change from a list,
        an undo): for each, its row as `current_rows` read it, the fields to change, and
        whether it should end deleted (None: as it is). Each gets what `update`,
        `delete` and `restore` give one record (changed fields stamped with this
        transaction's counter and what it had seen, the earlier state in history, the
        index and change notices), in bulk. `listed`: what `listed` gives for these
        records, when the caller asked for a whole step's at once (a bulk change in
        parts: a question of the database here would wait for the lane)."""
        edits = list(edits)
        if not edits:
            return
        # Records read by `current_rows` share one object per distinct text of stamps,
        # version vector and deletion context: what depends on those alone (the highest
        # change number, the new bookkeeping of the same change) is worked out once per
        # pattern, not once per record.
        highest: dict[tuple[int, int, int], int] = {}
        for current, _c, _d in edits:
            key = (id(current["stamps"]), id(current["vv"]), id(current["delete_ctx"]))
            if key not in highest:
                highest[key] = versioning.highest_counter(
                    current["stamps"], current["vv"], current["delete_ctx"])
        counter = self.counter(max(highest.values()))
        device = self.device
        if listed is None:
            listed = self.listed(type_name(model), [row["id"] for row, _c, _d in edits])
        names = user_fields(model)
        groups: dict[str, list[StatePut]] = {"restored": [], "updated": [], "deleted": []}
        # (pattern, changed fields, restore, delete) -> (the current bookkeeping objects,
        # kept so their ids stay theirs; the new stamps, version vector, deletion context)
        made: dict[tuple[Any, ...], tuple[Any, Any]] = {}
        for current, changes, deleted in edits:
            values = {name: current[name] for name in names}
            changed = {k: v for k, v in changes.items() if values.get(k) != v}
            was_deleted = bool(current["deleted"])
            restore = deleted is False and was_deleted
            delete = deleted is True and not was_deleted
            if not (changed or restore or delete):
                continue
            fields = tuple(sorted(changed))
            action = "deleted" if delete else "restored" if restore else "updated"
            seen = listed.get(current["id"])
            key = (id(current["stamps"]), id(current["vv"]), id(current["delete_ctx"]),
                   fields, restore, delete)
            found = None if seen else made.get(key)
            if found is None:
                state = versioning.VersionState(
                    {}, dict(current["stamps"]), dict(current["vv"]),
                    dict(current["delete_ctx"]))
                if restore:  # alive first: an edit of a deleted record would not show
                    state = versioning.local_restore(state, counter, device, seen)
                if changed:  # the bookkeeping does not depend on the values
                    state = versioning.local_edit(state, dict.fromkeys(fields), counter,
                                                  device, seen)
                if delete:
                    state = versioning.local_delete(state, counter, device, seen)
                found = ((current["stamps"], current["vv"], current["delete_ctx"]),
                         (state.stamps, state.vv, state.delete_ctx))
                if not seen:
                    made[key] = found
            values.update(changed)
            stamps, vv, delete_ctx = found[1]
            groups[action].append(StatePut(
                current["id"], versioning.VersionState(values, stamps, vv, delete_ctx),
                current, fields, device))
        for action, puts in groups.items():
            if puts:
                self.put_states(model, puts, action=action, local=True)

    def put_states(self, model: type[SQLModel], puts: Iterable[StatePut], *,
                   action: str = "merged", local: bool = False,
                   changed_only: bool = False, beside: bool = False) -> dict[str, str]:
        """Write whole record states at once: a bundle's merged records, an undo's earlier
        versions, `bulk_update`'s edits.

        The stamps and version vectors are the states' own (a merge or the history made
        them). The writer computes each revision and origin, keeps each replaced row in
        history under `action` (a new record inside an import gets an empty "imported"
        entry, which is how undoing it knows to remove it), updates the search index and
        notes the changes. Every state holds every user field of the type. Foreign keys
        are checked at commit, so the records of one transaction may arrive in any order.

        `local`: local edits whose `fields` list exactly the values that change
        (`put_local`): only those columns and the bookkeeping are written, and a record's
        search entry is made again only when a field it is built from changed (or it
        was deleted or restored); otherwise it would come out the same.
        `changed_only`: the same for an import's merged states, whose `fields` list every
        user field whose value differs from the row's (`sharing.merge.differing_fields`):
        the others hold those values already. (An entry that holds other records' text
        is made again all the same: they may have changed in the same import.)

        `beside`: the SQL runs in the writer's lane (`later`) as for `local`; the caller
        reads the connection only through statements (which wait for the lane) or after
        `settle()` (a bundle import: the next part's lines are read and checked meanwhile).

        Returns the revision it computed for each record it stored (id -> revision).
        """
        puts = list(puts)
        self.session.flush()  # pending ORM writes first: these rows go in beneath them
        connection = self.session.connection()
        if not self._keys_deferred:  # once a transaction (a statement waits for the lane)
            defer_foreign_keys(connection)
            self._keys_deferred = True
        now = utcnow()
        kind = type_name(model)
        encoder = self._encoder
        encoded: dict[tuple[int, int, int], tuple[Any, ...]] = {}
        removed: list[str] = []
        history: list[dict[str, Any]] = []
        # On SQLite the entries of records here are made by SQLite from the stored rows
        # (`db.bulk.history_from_rows`): (action, changed fields) -> record ids.
        from_rows: dict[tuple[str, str], list[str]] | None = \
            {} if connection.dialect.name == "sqlite" \
            and len({put.record_id for put in puts}) == len(puts) else None
        indexed = index_fields(model)
        # every entry made again, or only those whose fields changed (see above)
        whole = not local and (not changed_only or titled_by_others(model))
        unindexed: list[str] = []  # deleted now: out of the search index
        to_index: list[dict[str, Any]] = []
        new_to_index: list[dict[str, Any]] = []
        # First what the search index and history need (each state's values and whether
        # it ends deleted), so their SQL runs while the rows are made below.
        ready: list[tuple[StatePut, tuple[Any, ...]]] = []
        for put in puts:
            state, current = put.state, put.current
            if state is None:
                if current is not None:
                    removed.append(put.record_id)
                    self._keep_history(history, from_rows, kind, put, now, action)
                continue
            # many states share their bookkeeping objects (`put_local`): encoded once
            key = (id(state.stamps), id(state.vv), id(state.delete_ctx))
            texts = encoded.get(key)
            if texts is None or texts[0] is not state.stamps or texts[1] is not state.vv \
                    or texts[2] is not state.delete_ctx:
                texts = encoded[key] = (
                    state.stamps, state.vv, state.delete_ctx, encoder.stamps(state.stamps),
                    encoder.vector(state.vv), encoder.vector(state.delete_ctx),
                    state.deleted)
            ready.append((put, texts))
            deleted = texts[6]
            if current is None:
                if not deleted:
                    new_to_index.append({**state.values, "id": put.record_id})
                continue
            if whole or bool(current["deleted"]) != deleted \
                    or not indexed.isdisjoint(put.fields):
                if deleted:
                    unindexed.append(put.record_id)
                else:
                    to_index.append({**state.values, "id": put.record_id})
            self._keep_history(history, from_rows, kind, put, now, action)
        table = model.__table__  # type: ignore[attr-defined]
        entries = search_entries(self.session, model, to_index)
        new_entries = search_entries(self.session, model, new_to_index)

        def index_and_history() -> None:
            if from_rows:  # the rows as they are: before they change below
                history_from_rows(connection, HistoryEntry.__table__,  # type: ignore[attr-defined]
                                  table, from_rows, {
                                      "record_type": kind, "changed_at": now,
                                      "batch_id": self.batch_id,
                                      "changed_by": self.store.person})
            search_index.remove(connection, removed + unindexed)
            search_index.put(connection, new_entries, fresh=True)
            search_index.put(connection, entries)

        # Local edits only (`put_local`: bulk changes, deletions, undos, whose callers use the
        # connection through statements that wait): imports also read it raw (`sharing.rows`).
        in_lane = len(puts) if local or beside else 0
        self.later(index_and_history, in_lane)
        created, updated, changes = self._state_rows(kind, puts, ready, now,
                                                     local or changed_only, history)
        if self.undo_name is not None:  # kept for Undo (named before the write)
            self._touch_states(model, puts, local)

        def rows_and_history() -> None:
            insert_rows(connection, table, created, ENCODED)
            same_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for row in updated:  # one statement per set of columns (one, but for `local`)
                same_columns.setdefault(tuple(row), []).append(row)
            for rows in same_columns.values():
                update_rows(connection, table, rows, ENCODED)
            delete_rows(connection, table, removed)
            insert_rows(connection, HistoryEntry.__table__,  # type: ignore[attr-defined]
                        history, HISTORY_ENCODED)

        self.later(rows_and_history, in_lane)
        self.changes += changes
        self._forget(model, changes)
        return {row["id"]: row["rev"] for rows in (created, updated) for row in rows}

    def _state_rows(self, kind: str, puts: list[StatePut],
                    ready: list[tuple[StatePut, tuple[Any, ...]]], now: Any, local: bool,
                    history: list[dict[str, Any]],
                    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[Change]]:
        """`put_states`' rows to insert and to update, and the change notices, in plain
        Python (it runs beside the lane's SQL: no database here). `local`: the rows here
        are updated in the columns of `fields` and the bookkeeping only (SQLite then
        leaves the indexes of the other columns alone)."""
        created: list[dict[str, Any]] = []
        updated: list[dict[str, Any]] = []
        changes = [Change(kind, put.record_id, "deleted", put.fields) for put in puts
                   if put.state is None and put.current is not None]
        rev = versioning.rev_from_parts
        for put, (_s, _v, _d, stamps, vv, delete_ctx, deleted) in ready:
            state, current = put.state, put.current
            values = state.values  # type: ignore[union-attr]
            if local and current is not None:
                # only the fields that change, and the bookkeeping (`LOCAL_BOOKKEEPING`)
                row = {name: values[name] for name in put.fields}
                row.update(id=put.record_id, updated_at=now,
                           rev=rev(values, stamps, vv, delete_ctx), deleted=deleted,
                           origin=put.origin if put.origin is not None
                           else versioning.newest_device(state.stamps),  # type: ignore[union-attr]
                           stamps=stamps, vv=vv, delete_ctx=delete_ctx)
                updated.append(row)
                was = bool(current["deleted"])
                changes.append(Change(kind, put.record_id, "deleted" if deleted and not was
                                      else "restored" if was and not deleted else "updated",
                                      put.fields))
                continue
            row = {**values, "id": put.record_id, "updated_at": now,
                   "rev": rev(values, stamps, vv, delete_ctx), "deleted": deleted,
                   "origin": put.origin if put.origin is not None
                   else versioning.newest_device(state.stamps),  # type: ignore[union-attr]
                   "stamps": stamps, "vv": vv, "delete_ctx": delete_ctx}
            if current is None:
                row["created_at"] = now
                created.append(row)
                if self.batch_id:
                    history.append(self._history_row(kind, put.record_id, now, "imported",
                                                      put.fields, None))
                changes.append(Change(kind, put.record_id,
                                      "deleted" if deleted else "created", put.fields))
                continue
            was = bool(current["deleted"])
            updated.append(row)
            changes.append(Change(kind, put.record_id, "deleted" if deleted and not was
                                  else "restored" if was and not deleted else "updated",
                                  put.fields))
        return created, updated, changes

    def copy_rows(self, table: Any, rows: list[dict[str, Any]], *,
                  replace: Collection[str] = ()) -> None:
        """Rows copied whole from another PartnerDesk database of the same schema (moving
        a file into an office database, restoring an office backup): every column as it
        was, so each record keeps its stamps, version vector, revision, times and origin,
        and its history comes along as history rows of its own.

        `table` is any table of the schema; rows of a record type are indexed for search
        and announced. Ids in `replace` are updated in place rather than inserted (the
        default categories an empty office database was seeded with). Foreign keys are
        checked at commit, so tables may arrive in any order."""
        if not rows:
            return
        self.session.flush()
        connection = self.session.connection()
        defer_foreign_keys(connection)
        fresh = [row for row in rows if row.get("id") not in replace]
        again = [row for row in rows if row.get("id") in replace]
        insert_rows(connection, table, fresh)
        update_rows(connection, table, again)
        from partnerdesk.db.registry import RECORD_TYPES

        model = next((m for m in RECORD_TYPES.values()
                      if m.__table__ is table), None)  # type: ignore[attr-defined]
        if model is None:
            return
        kind = type_name(model)
        alive = [row for row in rows if not row["deleted"]]
        search_index.remove(connection, [row["id"] for row in again])
        search_index.put(connection, search_entries(self.session, model, alive),
                         fresh=not again)
        self.changes += [Change(kind, row["id"], "deleted" if row["deleted"] else "created")
                         for row in rows]

    def _touch_states(self, model: type[SQLModel], puts: list[StatePut], local: bool) -> None:
        every = user_fields(model)
        for put in puts:
            # A local edit changes only its listed fields: those are all Undo needs.
            names = put.fields if local else every
            current = put.current
            before = None if current is None else \
                ({n: current[n] for n in names}, bool(current["deleted"]))
            after = None if put.state is None else \
                ({n: put.state.values[n] for n in names}, put.state.deleted)
            self._touch(model, put.record_id, before, after)

    def _keep_history(self, history: list[dict[str, Any]],
                      from_rows: dict[tuple[str, str], list[str]] | None, kind: str,
                      put: StatePut, now: Any, action: str) -> None:
        """The history entry of a record here that `put_states` writes: its row as it
        is now, made by SQLite from the stored row when `from_rows` is not None."""
        if from_rows is None:
            history.append(self._history_row(kind, put.record_id, now, action, put.fields,
                                             put.current))
            return
        text = self._field_texts.get(put.fields)
        if text is None:
            text = self._field_texts[put.fields] = json_text(list(put.fields))
        from_rows.setdefault((action, text), []).append(put.record_id)

    def _history_row(self, kind: str, record_id: str, now: Any, action: str,
                     fields: tuple[str, ...], current: dict[str, Any] | None) -> dict[str, Any]:
        """A history entry as a bulk write stores it (JSON columns as text)."""
        text = self._field_texts.get(fields)  # most records of a type list the same fields
        if text is None:
            text = self._field_texts[fields] = json_text(list(fields))
        return {"record_type": kind, "record_id": record_id, "changed_at": now,
                "action": action, "changed_fields": text,
                "state": "{}" if current is None else self._state_text(current),
                "batch_id": self.batch_id, "changed_by": self.store.person}

    def _state_text(self, current: dict[str, Any]) -> str:
        """`current` as history keeps it (JSON text). Its JSON columns (stamps, version
        vector, deletion context) are the very text they were read from when
        `current_rows` read them, and only the rest is encoded. (On SQLite a bulk write's
        history is made by SQLite from the rows: `db.bulk.history_from_rows`.)"""
        read = self._read_texts
        plain: dict[str, Any] = {}
        kept = []
        for name, value in current.items():
            if isinstance(value, list | dict):
                known = read.get(id(value))
                if known is not None and known[0] is value:
                    kept.append(f'"{name}": {known[1]}')
                    continue
            plain[name] = value
        if not kept:
            return _STATE_JSON.encode(current)
        text = _STATE_JSON.encode(plain)
        return text[:-1] + (", " if len(text) > 2 else "") + ", ".join(kept) + "}"

    def _insert_history(self, rows: list[dict[str, Any]]) -> None:
        insert_rows(self.session.connection(), HistoryEntry.__table__,  # type: ignore[attr-defined]
                    rows, HISTORY_ENCODED)

    def _forget(self, model: type[SQLModel], changes: list[Change]) -> None:
        """Expire the session's copies of rows written beneath it, so reads see the rows."""
        held = [row for row in self.session.identity_map.values() if type(row) is model]
        if held:
            ids = {change.record_id for change in changes}
            for row in held:
                if row.id in ids:  # type: ignore[attr-defined]
                    self.session.expire(row)


class Store:
    """A database opened for the services: sessions for reading and one way to write.

    `path` is the database file; for an office database on a server (`address`), the
    file name it would have in this computer's folder for it, beside which reports and
    backups go (`ServerAddress.local_folder`)."""

    def __init__(self, engine: Engine, path: Path, address: "ServerAddress | None" = None,
                 *, read_only: str | None = None) -> None:
        self.engine = engine
        self.path = path
        self.address = address
        # A database file on read-only media: why it is (a sentence); reads only, every
        # write refused with that sentence before anything starts.
        self.read_only = read_only
        self._writer_engine = write_engine(engine)
        # Reads of an office database run without a transaction of their own: under
        # PostgreSQL's READ COMMITTED each statement sees the database as it is anyway,
        # and BEGIN and ROLLBACK around each read cost two round trips to the server.
        self._reader_engine = engine if address is None else \
            engine.execution_options(isolation_level="AUTOCOMMIT")
        self._listeners: list[Callable[[list[Change]], None]] = []
        self._checkpointer: Any = None  # `db.checkpoint.Checkpointer`, once a bulk write ran
        # Where a write named for Undo goes once committed (`services.undo.UndoJournal`,
        # which the Desk sets up); None: nothing is kept.
        self.journal: Any = None
        # This session, among the people on an office database (its change notices).
        self.session_id = str(uuid.uuid4())
        self._listener: Any = None
        # Who this session is, for history: the person's own role on an office database.
        self.person = ""
        if address is not None:
            from sqlalchemy import text

            with engine.connect() as connection:
                self.person = str(connection.execute(text("SELECT session_user")).scalar())
        self.device_id = self._ensure_device_id()
        # An office database's change numbers (`db.server.ChangeNumbers`); None: a file's
        # counter, raised inside each write (SQLite lets one writer in at a time anyway).
        self.numbers: Any = None
        if address is not None and not read_only:
            from partnerdesk.db.server import ChangeNumbers

            self.numbers = ChangeNumbers(address, COUNTER_KEY)
        with engine.connect() as connection:
            self.search_kind = search_index.search_kind(connection)
        self.fts5 = self.search_kind == search_index.FTS5

    @property
    def location(self) -> str:
        """What opens this database again in another process: a file path or a URL."""
        if self.address is not None:
            return self.address.url.render_as_string(hide_password=False)
        return str(self.path)

    def _ensure_device_id(self) -> str:
        """This database's device id, made on first open, and made anew (before any
        write) when the file finds itself copied, moved or restored (`db.identity`)."""
        # An office database is one copy whichever computer or person connects: its place
        # is the server and database, not the connecting computer or account.
        if self.read_only:
            with self.engine.connect() as connection:
                device = connection.execute(select(Setting.value).where(
                    Setting.key == DEVICE_KEY)).scalar()
            return str(device or "")
        if self.address is None:
            here = identity.place_of(self.path)
        else:
            url = self.address.url
            here = {"server": f"{url.host or ''}:{url.port or ''}/{url.database or ''}"}
            from partnerdesk.db.server import can_change

            with self.engine.connect() as connection:
                if not can_change(connection):
                    # A reader never writes, so it needs no id of its own.
                    device = connection.execute(select(Setting.value).where(
                        Setting.key == DEVICE_KEY)).scalar()
                    return str(device or "")
        with Session(self._writer_engine) as session:
            # The settings it needs, in one query (each statement is compiled anew for
            # each engine, so on opening one query beats five lookups)
            held = {row.key: row for row in session.scalars(select(Setting).where(
                Setting.key.in_([DEVICE_KEY, identity.PLACE_KEY, identity.RESTORED_KEY,
                                 COUNTER_KEY, identity.FORMER_KEY])))}  # type: ignore[attr-defined]
            device = held.get(DEVICE_KEY)
            place = held.get(identity.PLACE_KEY)
            restored = identity.RESTORED_KEY in held
            moved = place is not None and place.value != here
            if device is not None and not moved and not restored and self.address is None:
                # a backup copied back by hand: behind the change numbers already sent
                counter = held.get(COUNTER_KEY)
                restored = counter_in(session, counter) < identity.sent_mark(str(device.value))
            if device is not None and not moved and not restored:
                if place is None:  # made before places were kept: this is its home now
                    session.add(Setting(key=identity.PLACE_KEY, value=here))
                    session.commit()
                return str(device.value)
            if device is not None:
                former = held.get(identity.FORMER_KEY)
                ids = [*(former.value if former else []), device.value]
                session.merge(Setting(key=identity.FORMER_KEY, value=ids))
                log.info("This database was %s; it writes under a new device id from now "
                         "on.", "restored from a backup" if restored else "copied or moved")
            if restored:
                marked = held.get(identity.RESTORED_KEY)
                if marked is not None:
                    session.delete(marked)
            new_id = str(uuid.uuid4())
            session.merge(Setting(key=DEVICE_KEY, value=new_id))
            session.merge(Setting(key=identity.PLACE_KEY, value=here))
            session.commit()
            return new_id

    def renew_identity(self) -> None:
        """After a restore under this open store: take the restored file's (new) id."""
        self.device_id = self._ensure_device_id()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self._reader_engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self, batch_id: str | None = None,
              backup_reason: str | None = None) -> Iterator[Writer]:
        """One transaction: everything inside lands together, or nothing does.

        With `backup_reason` ("before-import", "before-undo-import"), a checked backup is
        taken before it commits, so even a wanted change that turns out wrong can be taken
        back whole (`BackupBeside`: it is made while the change is worked out).
        """
        if self.read_only:
            raise DatabaseProblem(f"{self.read_only} Nothing was saved.")
        backup = None
        if backup_reason and self.address is None:
            # A file is copied first (beside the work, committed only once it is made and
            # checked); a server database keeps every earlier state in history (the undo
            # of an import reads it), and its backups are the office's.
            from partnerdesk.db.backup import BackupBeside

            backup = BackupBeside(self.path, backup_reason)
        try:
            yield from self._write(batch_id, backup)
        finally:
            if backup is not None:
                backup.finish()

    def _write(self, batch_id: str | None,
               backup: "BackupBeside | None") -> Iterator[Writer]:
        if self.numbers is not None:
            self.numbers.ahead()  # its round trip overlaps BEGIN and the first read
        with Session(self._writer_engine, expire_on_commit=False) as session:
            writer = Writer(session, self)
            writer.batch_id = batch_id
            writer.backup = backup
            try:
                if self.address is not None:
                    from partnerdesk.db.bulk import Pending
                    from partnerdesk.db.server import notice_text

                    writer.pending = Pending()
                    writer.pending.watch(session.connection())
                yield writer
                # Undo's step is made while the lane may still be writing (a bulk write's
                # last part); kept once committed.
                step = self.journal.step(writer.undo_name, list(writer.touched.values())) \
                    if writer.undo_name is not None and writer.touched \
                    and self.journal is not None else None
                writer.settle()
                writer.refresh_named_by_others()
                if writer.backup is not None:
                    writer.backup.wait()
                if self.address is not None:
                    session.flush()
                    notice = notice_text(self.session_id, [
                        (change.record_type, change.record_id, change.action,
                         change.fields) for change in writer.changes]) \
                        if writer.changes else None
                    # the history, index rows and notice: one round trip
                    writer.pending.send(session.connection(), notice)
                if writer._lane is not None and self.address is None:
                    self._commit_beside_checkpoint(session)
                else:
                    session.commit()
            except BaseException:
                writer._stop_lane()  # nothing of it may run beside the rollback
                session.rollback()
                raise
            finally:
                writer._stop_lane()
                if writer.backup is not None:  # one started inside it (`back_up_first`)
                    writer.backup.finish()
                if self.numbers is not None:
                    self.numbers.settle()
        if step is not None:
            self.journal.record(step)
        if writer.changes:
            self._notify(writer.changes)

    def _commit_beside_checkpoint(self, session: Session) -> None:
        """A bulk write's commit, without folding the journal into the file as part of it
        (`db.checkpoint`): a thread does that once the commit is in."""
        raw = session.connection().connection.dbapi_connection
        raw.execute("PRAGMA wal_autocheckpoint=0")  # type: ignore[union-attr]
        try:
            session.commit()
        finally:
            raw.execute(  # type: ignore[union-attr]
                f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")
        if self._checkpointer is None:
            from partnerdesk.db.checkpoint import Checkpointer

            self._checkpointer = Checkpointer(self.path)
        self._checkpointer.nudge()

    def subscribe(self, listener: Callable[[list[Change]], None]) -> None:
        self._listeners.append(listener)

    def hear_others(self) -> None:
        """On an office database: other people's saves reach this store's listeners too
        (on a thread of their own: the UI's hub queues them onto the UI thread)."""
        if self.address is None or self._listener is not None:
            return
        from partnerdesk.db.server import ChangeListener

        def deliver(found: list[tuple[str, str, str, tuple[str, ...]]]) -> None:
            self._notify([Change(*item, elsewhere=True) for item in found])

        self._listener = ChangeListener(self.address, self.session_id, deliver)
        self._listener.start()

    def _notify(self, changes: list[Change]) -> None:
        for listener in list(self._listeners):
            listener(changes)

    def setting(self, key: str, default: Any = None, *, session: Session | None = None) -> Any:
        """A setting's stored value; `session`: read inside that transaction."""
        if session is not None:
            value = session.execute(select(Setting.value).where(Setting.key == key)).first()
            return default if value is None else value[0]
        with self.read() as reading:
            row = reading.get(Setting, key)
            return default if row is None else row.value

    def set_setting(self, key: str, value: Any) -> None:
        with Session(self._writer_engine) as session:
            session.merge(Setting(key=key, value=value))
            session.commit()

    def counter(self) -> int:
        value = self.setting(COUNTER_KEY, 0)
        current = usable_counter(value)
        if current is None:
            with Session(self.engine) as session:
                current = recovered_counter(session)
        return current

    def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        if self._listener is not None:
            self._listener.stop()
            self._listener = None
        if self.numbers is not None:
            self.numbers.close()
        self.engine.dispose()

