"""Importing a bundle: a preview first, then one transaction that lands whole or not at all.

The preview compares revisions first (equal: unchanged, nothing more to do, which keeps
a no-op re-import cheap), then merges each record with the local copy
(`merge.merge`) to tell new, updated, deleted and conflicting records apart.

Applying recomputes the same plan inside the write transaction (the database may have
changed since the preview) and hands the new and merged states to the store's bulk
writer (`Writer.put_states`), which keeps every replaced state in history tagged with
the import batch and refreshes the search index; the importer lists the values this
laptop lost in its conflicts, raises the Lamport counter to the largest seen and
records the batch. Attachments are written before the commit and removed again if it
fails.
"""

import contextlib
import functools
import gc
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy import Connection, func, select
from sqlmodel import SQLModel

from partnerdesk.db.identity import FORMER_KEY
from partnerdesk.db.local import Conflict, HistoryEntry, ImportBatch, Setting
from partnerdesk.db.registry import RECORD_TYPES
from partnerdesk.db.registry import references as links_of
from partnerdesk.services import validation
from partnerdesk.services.desk import Desk
from partnerdesk.services.field_labels import field_label
from partnerdesk.services.people import clean_people, known_people, learn
from partnerdesk.services.progress import Progress
from partnerdesk.services.store import DELETED_FIELD, StatePut, Writer, user_fields
from partnerdesk.services.titles import title_of
from partnerdesk.services.versioning import GONE, HIDDEN, VersionState, is_deleted, jsonable
from partnerdesk.sharing import limits, record_check
from partnerdesk.sharing.bundle import Bundle
from partnerdesk.sharing.exporter import LAST_SENT_KEY, VALUES_SENT_KEY
from partnerdesk.sharing.merge import (
    FieldConflict,
    differing_fields,
    merge_held,
    replaced_deletions,
    same_json,
    states_equal,
)
from partnerdesk.sharing.rows import (
    all_ids,
    all_revs,
    chunks,
    field_kinds,
    read_revs,
    read_rows,
    state_of,
    typed_row,
    typed_values,
)

# "already_deleted": a record this laptop never had, deleted elsewhere: its tombstone is
# kept (an older copy arriving later stays deleted), out of the Trash (nothing to show).
STATUSES = ("new", "updated", "unchanged", "deleted", "already_deleted", "conflict")


@dataclass(frozen=True)
class ClashLine:
    """One clash of an import, in words: the field, both values and who typed them."""

    field: str  # the field's name
    label: str  # as a person knows it ("Phone", "Deleted")
    lost_value: Any
    lost_by: str  # the person (or laptop) who typed the losing value
    kept_value: Any
    kept_by: str
    kept_here: bool  # the value this laptop held is the one kept


@dataclass(frozen=True, slots=True)  # slots: an import of 100,000 records keeps 100,000
class PreviewItem:
    record_type: str
    record_id: str
    title: str
    status: str  # one of STATUSES but "unchanged"
    fields: tuple[str, ...]  # the fields whose values differ (or arrive, when new)
    clashes: tuple[ClashLine, ...] = ()  # a record in conflict: its clashes, grouped


@dataclass
class Preview:
    items: list[PreviewItem] = field(default_factory=list)
    unchanged: int = 0
    from_device: str = ""
    from_organization: str = ""
    made_at: str = ""

    def counts(self) -> dict[str, int]:
        """The numbers `partnerdesk import --json` prints."""
        found = {"new": 0, "updated": 0, "unchanged": self.unchanged, "deleted": 0,
                 "already_deleted": 0, "conflicts": 0}
        for item in self.items:
            found["conflicts" if item.status == "conflict" else item.status] += 1
        return found


@dataclass
class ImportResult:
    preview: Preview
    batch_id: str | None = None


@dataclass
class _Planned:
    record_type: str
    model: type[SQLModel]
    record_id: str
    status: str
    merged: VersionState
    local: dict[str, Any] | None
    conflicts: list[FieldConflict]
    fields: tuple[str, ...]
    # deleted, holding values the other laptops hold too (`exporter.VALUES_SENT_KEY`)
    values_sent: bool = False
    # a new record's line whose revision was checked against its text only
    # (`limits.REV_BY_TEXT`): confirmed by the revision the writer computes (`_write`)
    claimed: dict[str, Any] | None = None


@dataclass
class _Part:
    """What the plan makes of one part of a bundle's lines (`_plan_parts`)."""

    planned: list[_Planned]
    unchanged: int
    counter: int  # the largest counter its lines hold


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """No cyclic garbage collection while a bundle is read and merged.

    An import makes hundreds of thousands of small dicts and lists that all live until
    it ends; Python's collector would scan them again and again (a third of the time of
    a large import) and find nothing to free. Reference counting still frees the rest.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


SHOWN_TITLE = 120  # characters of a record's title in a preview or a message


def _label(record_type: str) -> str:
    return record_type.replace("_", " ")


class _References:
    """Whether a referenced record exists here or arrives in the same bundle."""

    def __init__(self, connection: Connection, bundle: Bundle) -> None:
        self.connection = connection
        self.arriving = {name: bundle.ids(name) for name in bundle.record_types()}
        self.names = {model: name for name, model in RECORD_TYPES.items()}
        self.present: dict[type[SQLModel], set[str]] = {}

    def exists(self, model: type[SQLModel], record_id: str) -> bool:
        if model not in self.present:
            self.present[model] = all_ids(self.connection, model)
        return (record_id in self.present[model]
                or record_id in self.arriving.get(self.names[model], ()))


def _incoming(model: type[SQLModel], line: dict[str, Any], name: str,
              record_type: str) -> VersionState:
    try:
        values = typed_values(model, line["values"])
    except (ValueError, TypeError) as error:
        where = f"{_label(record_type)} ({line['id']})"
        raise limits.BundleError(f"{name} holds a {where} with a value that cannot be read "
                                 f"({error}). It was not imported; ask the sender for a "
                                 "fresh copy.") from error
    stamps = line["stamps"]
    # Stamp lists are shared with the bundle, never changed in place (merges make new ones).
    if not values.keys() >= stamps.keys() - HIDDEN:
        stamps = {k: v for k, v in stamps.items() if k in values or k in HIDDEN}
    return VersionState(values, dict(stamps), dict(line["vv"]), dict(line["delete_ctx"]))


@functools.cache
def _defaults(model: type[SQLModel]) -> dict[str, Any]:
    """Field defaults, computed once per type (pydantic's lookup is slow per record)."""
    return {n: model.model_fields[n].get_default(call_default_factory=True)
            for n in user_fields(model)}


@functools.cache
def _empty_values(model: type[SQLModel]) -> tuple[tuple[str, Any], ...]:
    """An empty value for each field that has no default: what a tombstone of a record
    this laptop never had is stored with (the tombstone carries no values)."""
    # the most specific first: a datetime is a date, a bool an int
    empty: dict[type, Any] = {str: "", float: 0.0, bool: False, int: 0,
                              datetime: datetime(1970, 1, 1), date: date(1970, 1, 1)}
    found = []
    for name, value in _defaults(model).items():
        if value is PydanticUndefined:
            kind = field_kinds(model)[name]
            found.append((name, next(v for k, v in empty.items() if issubclass(kind, k))))
    return tuple(found)


@functools.cache
def _link_columns(model: type[SQLModel]) -> list[str]:
    return [column for column, _target, _nullable in links_of(model)]


def _placeholders(model: type[SQLModel]) -> dict[str, Any]:
    return {**_defaults(model), **dict(_empty_values(model))}


def _check_links(model: type[SQLModel], record_type: str, values: dict[str, Any],
                 found: _References, name: str) -> None:
    for column, target, _nullable in links_of(model):
        value = values.get(column)
        if value and not found.exists(RECORD_TYPES[target], value):
            raise limits.BundleError(
                f"{name} holds a deleted {_label(record_type)} linked to a record that is "
                "neither here nor in the file. It was not imported; ask the sender to "
                "export everything again.")


def _arriving(incoming: VersionState, held: VersionState) -> list[str]:
    """The fields whose incoming values differ from the ones held here."""
    here = held.values
    missing = object()
    found = []
    for name, value in incoming.values.items():
        kept = here.get(name, missing)
        if kept is value or (type(kept) is type(value) and type(value) in _PLAIN
                             and kept == value):
            continue
        if kept is missing or not same_json(value, kept):
            found.append(name)
    return found


_PLAIN = (str, int, bool, type(None))  # equal as Python values iff equal as JSON


def _validate(model: type[SQLModel], record_type: str, values: dict[str, Any],
              context: validation.Context, name: str,
              fields: list[str] | None = None) -> None:
    """Refuse the bundle when an incoming state breaks PartnerDesk's rules. `fields`:
    for a record held here, the fields whose values differ from the held ones: the
    others are values this database holds, which passed the checks of one field at a
    time when they were stored (`validation.clean(fields=)`); the rules relating fields
    to each other still see the whole incoming record."""
    defaults = _defaults(model)  # clean() replaces values, never changes them in place
    problems = [p for p in validation.clean(model, {**defaults, **values}, context, fields)
                if not p.warning]
    if problems:
        title = title_of(record_type, values)[:SHOWN_TITLE]
        what = f"{_label(record_type)} “{title}”" if title else f"a {_label(record_type)}"
        raise limits.BundleError(f"{name} holds {what} that PartnerDesk cannot accept: "
                                 f"{problems[0].message} It was not imported; ask the sender "
                                 "to correct the record and export again.")


def _check(model: type[SQLModel], record_type: str, incoming: VersionState,
           held: VersionState | None, found: _References, context: validation.Context,
           name: str) -> None:
    """Refuse the bundle when an incoming state cannot be accepted (`held`: the state
    held here, when there is one)."""
    if incoming.deleted:  # a tombstone: no values, only the ids it links to
        _check_links(model, record_type, incoming.values, found, name)
    else:
        _validate(model, record_type, incoming.values, context, name,
                  None if held is None else _arriving(incoming, held))


def _own_deletions(connection: Connection, record_type: str, record_id: str,
                   mine: frozenset[str]) -> tuple[list[list[Any]], set[tuple[Any, Any]]]:
    """The deletions of a record this laptop made (under any of its device ids `mine`),
    as its history keeps them (an import that replaced one kept the state it replaced),
    and the deletions its Conflicts already list for the record."""
    history = HistoryEntry.__table__  # type: ignore[attr-defined]
    earlier = []
    for (state,) in connection.execute(select(history.c.state).where(
            history.c.record_type == record_type, history.c.record_id == record_id)):
        gone = ((state or {}).get("stamps") or {}).get(GONE)
        if isinstance(gone, list) and len(gone) >= 2 and gone[1] in mine:
            earlier.append(gone)
    table = Conflict.__table__  # type: ignore[attr-defined]
    listed = {(stamp[0], stamp[1]) for (stamp,) in connection.execute(
        select(table.c.lost_stamp).where(table.c.record_type == record_type,
                                         table.c.record_id == record_id,
                                         table.c.field == DELETED_FIELD)) if stamp}
    return earlier, listed


def _sent_mark(connection: Connection) -> dict[str, int] | None:
    """Where this laptop's last bundle of everything stood (`exporter.LAST_SENT_KEY`)."""
    table = Setting.__table__  # type: ignore[attr-defined]
    mark = connection.execute(select(table.c.value).where(
        table.c.key == LAST_SENT_KEY)).scalar()
    if not isinstance(mark, dict) or not all(
            isinstance(mark.get(key), int) for key in ("history", "counter")):
        return None
    return mark


def _values_sent(connection: Connection) -> dict[str, str]:
    """Deleted records whose values the other laptops hold too: "type:id" -> the
    revision they had then (a later change here makes the note stale)."""
    table = Setting.__table__  # type: ignore[attr-defined]
    found = connection.execute(select(table.c.value).where(
        table.c.key == VALUES_SENT_KEY)).scalar()
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


# `limits.canonical_key`s of records members this laptop read, every line hashing to the
# revision it carries (`Bundle.canonical`), newest last: a re-import of the same bundle
# checks each member's hash and each held line's revision, not each line's hash again.
CANONICAL_KEY = "canonical_members"
CANONICAL_KEPT = 512  # about the members of the last twenty bundles


def _canonical_members(connection: Connection) -> list[str]:
    """The remembered keys, oldest first (a damaged setting: none)."""
    table = Setting.__table__  # type: ignore[attr-defined]
    found = connection.execute(select(table.c.value).where(
        table.c.key == CANONICAL_KEY)).scalar()
    return [key for key in found if isinstance(key, str)] if isinstance(found, list) else []


def _remember_canonical(writer: Writer, bundle: Bundle) -> None:
    """The bundle's members found canonical, kept in the import's transaction."""
    if not bundle.canonical:
        return
    fresh = set(bundle.canonical.values())
    kept = [key for key in _canonical_members(writer.session.connection())
            if key not in fresh]
    writer.session.merge(Setting(key=CANONICAL_KEY, value=[
        *kept, *sorted(fresh)][-CANONICAL_KEPT:]))


class _SentNotes:
    """The deleted records an import leaves holding values that travelled
    (`_values_sent`), kept up to date a part at a time: the ones it changed otherwise
    are forgotten."""

    def __init__(self, connection: Connection) -> None:
        self.known = _values_sent(connection)
        self.touched = False

    def add(self, planned: list[_Planned]) -> None:
        known = self.known
        for p in planned:
            self.touched = True
            if not known and not p.values_sent:
                continue
            key = f"{p.record_type}:{p.record_id}"
            known.pop(key, None)
            if p.values_sent:
                known[key] = p.merged.rev()

    def save(self, writer: Writer, noted: dict[str, str]) -> None:
        if not self.touched and not noted:
            return
        self.known.update(noted)
        writer.session.merge(Setting(key=VALUES_SENT_KEY, value=self.known))


def _sent_states(connection: Connection, record_type: str, record_ids: list[str],
                 mark: dict[str, int] | None) -> dict[str, Any]:
    """For each of these records, the state its first history entry after this laptop's
    last bundle of everything kept (`_last_sent` reads it), asked for a part's deleted
    records at once: one query per record cost a planned merge more than its SQL."""
    if mark is None or not record_ids:
        return {}
    history = HistoryEntry.__table__  # type: ignore[attr-defined]
    found: dict[str, Any] = {}
    for chunk in chunks(sorted(set(record_ids))):
        first = select(history.c.record_id, func.min(history.c.id).label("first")).where(
            history.c.record_type == record_type, history.c.record_id.in_(chunk),
            history.c.id > mark["history"]).group_by(history.c.record_id).subquery()
        found.update(connection.execute(
            select(history.c.record_id, history.c.state).join(
                first, history.c.id == first.c.first)).all())
    return found


def _last_sent(model: type[SQLModel], local: dict[str, Any], state: Any,
               mark: dict[str, int] | None, mine: frozenset[str]) -> VersionState | None:
    """The record as this laptop's last bundle of everything sent it, when that was not
    the state it holds now: `state`, the state its first history entry after the bundle
    kept (`_sent_states`). None when the bundle did not hold it (made or brought in
    later) or when nothing changed since (what was sent is the tombstone of the state
    held)."""
    if mark is None or not state:  # nothing since, or it arrived after (an import's
        return None  # empty earlier state)
    earlier = state_of(model, {**local, **typed_row(model, state)})
    if any(stamp[1] in mine and stamp[0] > mark["counter"]
           for stamp in earlier.stamps.values()):
        return None  # written here after the bundle (made after it: no history before)
    return earlier


PLAN_PART = 2_500  # lines read, checked, planned and written at a time


def _has_rows(connection: Connection, model: type[SQLModel]) -> bool:
    return connection.exec_driver_sql(
        f"SELECT 1 FROM {model.__tablename__} LIMIT 1").first() is not None  # type: ignore[attr-defined]


def _plan_parts(connection: Connection, bundle: Bundle, region: str, name: str,
                progress: Progress, mine: frozenset[str] = frozenset(),
                noted: dict[str, str] | None = None,
                first_change: Callable[[], None] | None = None, confirm: bool = False,
                message: str = "Comparing records…",
                settle: Callable[[], None] = lambda: None,
                held_checked: bool = False) -> Iterator[_Part]:
    """What the bundle changes here, one record type and part of its lines at a time
    (`_parts_to_plan`). `first_change` is called once, at the first record it changes
    (once that record is checked): an import takes its backup then, since a bundle that
    changes nothing needs none (`Writer.back_up_first`). `noted` (when given) receives
    the deleted records left as they are that now hold values that travelled
    (`_SentNotes`). With
    `confirm`, every revision checked against its line's text only
    (`limits.REV_BY_TEXT`) is checked in full here; without, a new record's is left to
    `_write`, which compares it with the revision the writer computes for the state it
    stores (the same when the line is the canonical text of that state). `settle` is
    called once a part's lines are read and checked, before the part is planned: an
    import's writes of the part before run beside that reading (`_write`), and the plan
    reads the connection raw too (`rows.all_ids`). `held_checked`: the bundle was read in
    this transaction, which has held the write lock since (`import_file`), so its held
    records are at their revisions still."""
    for record_type, held in bundle.held.items():  # before anything is planned
        if held_checked:
            break
        if not held.items() <= all_revs(connection, RECORD_TYPES[record_type]).items():
            raise _HeldChanged  # a held id no longer at its revision
    laptop = record_check.LaptopCheck(connection, name)
    references = _References(connection, bundle)
    sent = _sent_mark(connection)
    values_sent = _values_sent(connection)
    # Incoming states are checked, never changed: only errors refuse a bundle. Their
    # texts were checked by the bundle reader (`record_check`), at every depth.
    context = validation.Context(region=region, exists=references.exists, warnings=False,
                                 texts_checked=True)
    fields_of: dict[tuple[str, ...], tuple[str, ...]] = {}  # one tuple for each set
    for record_type, model, lines, revs, unchanged in _parts_to_plan(
            connection, bundle, progress, message, settle):
        laptop.check(record_type, lines)
        planned: list[_Planned] = []
        rest = [line for line in lines if revs.get(line["id"]) != line["rev"]]
        unchanged += len(lines) - len(rest)
        if first_change is not None:
            fresh = next((line for line in rest if line["id"] not in revs), None)
            if fresh is not None:  # new here (once checked): the bundle changes records
                _check(model, record_type, _incoming(model, fresh, name, record_type), None,
                       references, context, name)
                first_change()
                first_change = None
        local_rows = {row["id"]: row for row in read_rows(
            connection, model, [line["id"] for line in rest if line["id"] in revs])}
        # what the last bundle of everything sent of the records deleted here
        sent_states = _sent_states(connection, record_type, [
            key for key, row in local_rows.items()
            if is_deleted(row["stamps"] or {}, row["delete_ctx"] or {})], sent)
        defaults = _defaults(model)
        for line in rest:
            incoming = _incoming(model, line, name, record_type)
            local = local_rows.get(line["id"])
            conflicts: list[FieldConflict] = []
            claimed = None
            if local is None:
                if limits.REV_BY_TEXT in line and not confirm:
                    claimed = line
                else:
                    limits.confirm_rev(line, record_type, name)
                base = defaults if not is_deleted(incoming.stamps, incoming.delete_ctx) \
                    else _placeholders(model)
                merged = VersionState({**base, **incoming.values},
                                      incoming.stamps,
                                      incoming.vv, incoming.delete_ctx)
                status = "already_deleted" if merged.deleted else "new"
                names = tuple(incoming.values)
                fields = fields_of.get(names) or fields_of.setdefault(names, tuple(sorted(names)))
                travelled = False  # a tombstone brings no values; nothing was held here
            else:
                limits.confirm_rev(line, record_type, name)
                current = state_of(model, local)
                key = f"{record_type}:{line['id']}"
                travelled = current.deleted and values_sent.get(key) == local["rev"]
                result = merge_held(current, incoming, _link_columns(model),
                                    functools.partial(_last_sent, model, local,
                                                      sent_states.get(line["id"]), sent,
                                                      mine),
                                    travelled)
                merged = result.state
                # deleted, with values that travelled: held alive when this laptop last
                # sent everything, as others held them, or put back to what arrived
                travelled = merged.deleted and (travelled or not current.deleted
                                                or not incoming.deleted)
                if result.unchanged or states_equal(merged, current):
                    unchanged += 1
                    if travelled and noted is not None and values_sent.get(key) != local["rev"]:
                        noted[key] = local["rev"]
                    continue
                conflicts = result.conflicts
                if current.deleted and not merged.deleted and mine:
                    earlier, listed = _own_deletions(connection, record_type, line["id"],
                                                     mine)
                    listed |= {(c.lost_stamp[0], c.lost_stamp[1]) for c in conflicts
                               if c.field == DELETED_FIELD}
                    conflicts = [*conflicts,
                                 *replaced_deletions(current, merged, earlier, listed)]
                fields = tuple(differing_fields(current, merged))
                if conflicts:
                    status = "conflict"
                elif merged.deleted and not current.deleted:
                    status = "deleted"
                else:
                    status = "updated"
            _check(model, record_type, incoming, None if local is None else current,
                   references, context, name)
            if first_change is not None:
                first_change()
                first_change = None
            planned.append(_Planned(record_type, model, line["id"], status, merged, local,
                                    conflicts, fields, travelled, claimed))
        yield _Part(planned, unchanged, _max_counter(lines))


def _parts_to_plan(connection: Connection, bundle: Bundle, progress: Progress, message: str,
                   settle: Callable[[], None]) -> Iterator[tuple[str, type[SQLModel],
                                                             list[dict[str, Any]],
                                                             dict[str, str], int]]:
    """(record type, model, lines, the revisions held here of (at least) their ids, how
    many records of the type the bundle holds as they are here) for each part of the
    bundle's lines, `PLAN_PART` at a time (read as they come: `Bundle.parts`), types in
    registry order; a type's held records come as a part of no lines."""
    total = bundle.record_count() or 1
    done = 0
    for record_type, model in RECORD_TYPES.items():
        held = bundle.held.get(record_type)
        if held:
            done += len(held)
            yield record_type, model, [], {}, len(held)
        type_revs: dict[str, str] | None = None
        empty: bool | None = None
        for lines in bundle.parts(record_type, PLAN_PART):
            settle()
            progress.report(done, total, message)
            done += len(lines)
            if held:  # most of the type is here: one scan
                type_revs = type_revs or all_revs(connection, model)
                revs = type_revs
            else:
                if empty is None:  # none of the type here (an import into an empty
                    empty = not _has_rows(connection, model)  # database): none to read
                revs = {} if empty else \
                    read_revs(connection, model, [line["id"] for line in lines])
            yield record_type, model, lines, revs, 0


def _person(device: str, people: dict[str, str], here: str) -> str:
    name = people.get(device, "")
    if device == here:
        return f"{name} (this laptop)" if name else "this laptop"
    return name or f"a laptop ({device[:8]})"


def _clashes(item: _Planned, people: dict[str, str], here: str) -> tuple[ClashLine, ...]:
    return tuple(ClashLine(
        c.field, field_label(c.field), c.lost_value,
        _person(str(c.lost_stamp[1]) if c.lost_stamp else "", people, here),
        c.won_value, _person(str(c.won_stamp[1]) if c.won_stamp else "", people, here),
        c.kept_local) for c in item.conflicts)


def _items(planned: list[_Planned], people: dict[str, str], here: str) -> list[PreviewItem]:
    return [PreviewItem(p.record_type, p.record_id,
                        title_of(p.record_type, p.merged.values)[:SHOWN_TITLE],
                        p.status, p.fields, _clashes(p, people, here))
            for p in planned]


def _preview(items: list[PreviewItem], unchanged: int, bundle: Bundle) -> Preview:
    return Preview(
        items=items, unchanged=unchanged, from_device=bundle.device_id,
        from_organization=bundle.organization, made_at=str(bundle.manifest.get("made_at", "")))


def _mine(desk: Desk) -> frozenset[str]:
    """The device ids this laptop writes and wrote under."""
    return frozenset([*desk.store.setting(FORMER_KEY, []), desk.store.device_id])


class _HeldChanged(Exception):  # noqa: N818 - a signal, not an error
    """A record the bundle held unparsed, as the state this laptop had when it was read
    (`Bundle.held`), has changed here since: the bundle is read again in full."""


def _in_full(bundle: Bundle) -> Bundle:
    if bundle.reread is None:  # held lines without a way back to them: never made so
        raise limits.BundleError("The records changed while the bundle was being read. "
                                 "Nothing was imported; open the bundle again.")
    return bundle.reread()


def read_for_import(desk: Desk, path: Path | str, passphrase: str | None = None) -> Bundle:
    """Read and check a bundle file to import here: a line that is exactly a state this
    laptop holds (its revision and content) is counted as held, not parsed, so that a
    re-import of a bundle already imported reads, hashes and compares, and little more
    (`limits.held_id`). The plan checks those revisions again inside its transaction."""
    with desk.store.read() as session:
        connection = session.connection()
        return limits.read_file(Path(path), passphrase,
                                known=lambda name: all_revs(connection, RECORD_TYPES[name]),
                                stream=True, canonical=frozenset(_canonical_members(connection)))


def preview_bundle(desk: Desk, bundle: Bundle, name: str = "This bundle",
                   progress: Progress | None = None) -> Preview:
    """What importing would do; nothing is written."""
    with _few_collections():
        try:
            return _preview_bundle(desk, bundle, name, progress)
        except _HeldChanged:
            return _preview_bundle(desk, _in_full(bundle), name, progress)


def _preview_bundle(desk: Desk, bundle: Bundle, name: str,
                    progress: Progress | None) -> Preview:
    region = desk.settings.phone_region
    people = {**clean_people(bundle.manifest.get("people")), **known_people(desk)}
    here = desk.store.device_id
    items: list[PreviewItem] = []
    unchanged = 0
    with desk.store.read() as session:
        for part in _plan_parts(session.connection(), bundle, region, name,
                                progress or Progress(), _mine(desk), confirm=True):
            items += _items(part.planned, people, here)
            unchanged += part.unchanged
    return _preview(items, unchanged, bundle)


_first = itemgetter(0)
WRITE_PART = 5_000  # records handed to the writer at a time
_record_id = attrgetter("record_id")


def _max_counter(lines: list[dict[str, Any]]) -> int:
    seen = 0
    for line in lines:
        if line["stamps"]:
            seen = max(seen, max(map(_first, line["stamps"].values())))
        if line["vv"]:
            seen = max(seen, *line["vv"].values())
    return seen


def _write(writer: Writer, planned: list[_Planned], progress: Progress,
           name: str = "This bundle", beside: bool = False) -> None:
    """The merged states through the store's bulk writer; the values this laptop lost
    go to its Conflicts list. A new record whose line's revision was checked against its
    text only (`_Planned.claimed`) is stored with the revision the writer computes: the
    same one when that text is the canonical JSON of the state, else the line is checked
    in full (`limits.confirm_rev`, which refuses a revision that is not its state's).
    `beside`: the SQL runs beside what the caller does next (`Writer.put_states`)."""
    by_type: dict[str, list[_Planned]] = {}
    for item in planned:  # types in registry order: a pathway's title needs its organizations
        by_type.setdefault(item.record_type, []).append(item)
    for record_type, items in by_type.items():
        # In id order: each table's id index (and the search and history indexes keyed by
        # record id) then grows at its end instead of at random pages.
        items.sort(key=_record_id)
        # A part at a time: the rows, history and index entries of 100,000 records at
        # once held about 370 MB more than these parts do.
        for part in chunks(items, WRITE_PART):
            revs = writer.put_states(items[0].model, [
                StatePut(p.record_id, p.merged, p.local, p.fields) for p in part],
                changed_only=True, beside=beside)
            for p in part:
                if p.claimed is not None and revs.get(p.record_id) != p.claimed["rev"]:
                    limits.confirm_rev(p.claimed, record_type, name)
        writer.add_conflicts([
            {"record_type": record_type, "record_id": item.record_id, "field": lost.field,
             "lost_value": jsonable(lost.lost_value), "lost_stamp": lost.lost_stamp,
             "won_value": jsonable(lost.won_value), "won_stamp": lost.won_stamp,
             "kept_here": lost.kept_local}
            for item in items for lost in item.conflicts])


def import_bundle(desk: Desk, bundle: Bundle, *, source: str = "",
                  progress: Progress | None = None, batch_id: str | None = None,
                  name: str = "This bundle") -> ImportResult:
    """Apply a bundle in one transaction; returns what it did and the batch id."""
    with _few_collections():
        return _import_bundle(desk, bundle, source, progress, batch_id, name)


def _import_bundle(desk: Desk, bundle: Bundle, source: str, progress: Progress | None,
                   batch_id: str | None, name: str) -> ImportResult:
    """The plan is made inside the write transaction, before any backup: when it changes
    no record (a re-import of the same bundle, say), no backup is taken, since there is
    nothing to take back, and its copy and integrity check would be most of the time.
    At the first record it changes, the checked backup starts, beside the rest of the
    plan and the writing, and the commit waits for it (`Writer.back_up_first`), so a
    backup still comes before every real change."""
    progress = progress or Progress()
    batch_id = batch_id or str(uuid.uuid4())
    try:
        return _apply(desk, bundle, source, progress, batch_id, name)
    except _HeldChanged:
        return _apply(desk, _in_full(bundle), source, progress, batch_id, name)


def _apply(desk: Desk, bundle: Bundle | Callable[[Connection], Bundle], source: str,
           progress: Progress, batch_id: str, name: str) -> ImportResult:
    """Plan and write a part of the bundle's lines at a time (`_plan_parts`), all in
    one transaction: a part found wrong after others were written rolls back all.
    `bundle` may be a reader, given the transaction's connection: the bundle is then
    read in the transaction (`_read_here`)."""
    region = desk.settings.phone_region
    known = known_people(desk)
    people_ids = sorted(_mine(desk))
    here = desk.store.device_id
    written: list[Path] = []
    try:
        with desk.store.write(batch_id=batch_id) as writer:
            connection = writer.session.connection()
            held_checked = not isinstance(bundle, Bundle)
            if not isinstance(bundle, Bundle):
                bundle = bundle(connection)
            people = {**clean_people(bundle.manifest.get("people")), **known}
            noted: dict[str, str] = {}
            notes = _SentNotes(connection)
            items: list[PreviewItem] = []
            unchanged = 0
            seen = bundle.counter
            for part in _plan_parts(connection, bundle, region, name, progress,
                                    frozenset(people_ids), noted,
                                    first_change=functools.partial(
                                        writer.back_up_first, "before-import"),
                                    message="Saving records…", settle=writer.settle,
                                    held_checked=held_checked):
                unchanged += part.unchanged
                seen = max(seen, part.counter)
                if not part.planned:
                    continue
                items += _items(part.planned, people, here)
                written += _store_attachments(desk, bundle, part.planned, progress,
                                              connection)
                # the part's SQL runs while the next part is read and checked
                _write(writer, part.planned, progress, name, beside=True)
                notes.add(part.planned)
            preview = _preview(items, unchanged, bundle)
            # What follows for a bundle that changes no record is bookkeeping: the people
            # it names, the counter, the batch in the import history (as "unchanged").
            learn(writer.session, clean_people(bundle.manifest.get("people")),
                  set(people_ids))
            notes.save(writer, noted)
            _remember_canonical(writer, bundle)
            writer.observe_counter(seen)
            counts = preview.counts()
            writer.session.add(ImportBatch(
                id=batch_id, source=source, kind="bundle", from_device=bundle.device_id,
                from_organization=bundle.organization, summary=counts))
            progress.report(1, 1, "Finishing…")
    except BaseException:
        _remove(written, desk.attachments.folder)
        raise
    return ImportResult(preview, batch_id)


def _store_attachments(desk: Desk, bundle: Bundle, planned: list[_Planned],
                       progress: Progress, connection: Connection) -> list[Path]:
    """Bytes for attachments that arrive; returns the files that were not here before.

    On an office database the bytes go into the database in the import's transaction
    (a rollback takes them back), so no file is written."""
    wanted = {p.merged.values.get("sha256") for p in planned if p.record_type == "attachment"}
    written = []
    for digest, data in bundle.attachments.items():
        if digest not in wanted:
            continue
        progress.check()
        if desk.attachments.in_database:
            desk.attachments.store_bytes(data, connection)
            continue
        target = desk.attachments.blob_path(digest)
        if not target.exists():
            desk.attachments.store_bytes(data)
            written.append(target)
    return written


def _remove(written: list[Path], folder: Path) -> None:
    """Take back attachment files an import wrote before it failed (and emptied folders)."""
    for path in written:
        path.unlink(missing_ok=True)
    for empty in sorted({p.parent for p in written}) + ([folder] if written else []):
        with contextlib.suppress(OSError):  # not empty: other files live there
            empty.rmdir()


def import_file(desk: Desk, path: Path | str, *, passphrase: str | None = None,
                dry_run: bool = False, progress: Progress | None = None,
                ask_passphrase: Callable[[], str] | None = None) -> ImportResult:
    """Read, check and import (or only preview) a bundle file."""
    with _few_collections():
        return _import_file(desk, Path(path), passphrase, dry_run, progress, ask_passphrase)


def _import_file(desk: Desk, path: Path, passphrase: str | None, dry_run: bool,
                 progress: Progress | None,
                 ask_passphrase: Callable[[], str] | None) -> ImportResult:
    if not dry_run and desk.store.address is None:
        try:
            return _read_here(desk, path, passphrase, progress)
        except limits.PassphraseNeeded:  # asked outside the transaction, which ended
            if ask_passphrase is None:
                raise
            return _read_here(desk, path, ask_passphrase(), progress)
    try:
        bundle = read_for_import(desk, path, passphrase)
    except limits.PassphraseNeeded:
        if ask_passphrase is None:
            raise
        bundle = read_for_import(desk, path, ask_passphrase())
    if dry_run:
        return ImportResult(preview_bundle(desk, bundle, path.name, progress))
    return import_bundle(desk, bundle, source=str(path), progress=progress, name=path.name)


def _read_here(desk: Desk, path: Path, passphrase: str | None,
               progress: Progress | None) -> ImportResult:
    """Import a bundle file into a database file, reading it inside the import's
    transaction: that holds SQLite's write lock from its start, so the records the
    reader found held (`read_for_import`) stay as they were until it commits, and the
    plan need not read every revision again to be sure (a third of a no-op re-import
    of 100,000 contacts). The lock is held while the file is read (other saves wait
    for it, as they wait for the import's writing)."""
    def read(connection: Connection) -> Bundle:
        return limits.read_file(path, passphrase, stream=True, known=lambda record_type:
                                all_revs(connection, RECORD_TYPES[record_type]),
                                canonical=frozenset(_canonical_members(connection)))

    return _apply(desk, read, str(path), progress or Progress(), str(uuid.uuid4()),
                  path.name)
