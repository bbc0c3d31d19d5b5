"""Exporting records as a bundle: everything, one partnership and what it touches, or a
hand-picked set; for our own laptops or for a partner.

Every scope brings the records its records refer to (a contact's organization, a
resource's category…), so the bundle imports cleanly on a laptop that has never seen
them, and deleted records travel too, so deletions reach other laptops.

For a partner (`for_partner`), internal notes, contacts not cleared for sharing and
funding amounts marked internal (`funding_rules.hidden_from_partners`) stay home. They
are left out of a record's values *and* stamps, never blanked: a blank with a stamp
would later overwrite the real value when the partner's bundle comes back, whereas a
missing field simply loses to ours.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select
from sqlmodel import SQLModel

from partnerdesk import __version__
from partnerdesk.db import identity
from partnerdesk.db import records as r
from partnerdesk.db.local import HistoryEntry
from partnerdesk.db.registry import RECORD_TYPES
from partnerdesk.errors import NotFoundError, PartnerDeskError
from partnerdesk.services import funding_rules
from partnerdesk.services.desk import Desk
from partnerdesk.services.people import known_people
from partnerdesk.services.progress import Progress
from partnerdesk.services.versioning import VersionState, is_deleted
from partnerdesk.sharing import limits, record_check, seal
from partnerdesk.sharing.bundle import (
    FORMAT_MAJOR,
    FORMAT_MINOR,
    FORMAT_NAME,
    BundleWriter,
    line_text,
)
from partnerdesk.sharing.merge import tombstone
from partnerdesk.sharing.rows import (
    chunks,
    line_of,
    read_rows,
    references,
    state_of,
    stream_lines,
    table_of,
)

# internal notes, and "this one is us", which is true only at home
PRIVATE_FIELDS = ("internal_notes", "is_us")

# what belongs to a partnership: record type -> (column, the type that column points at)
PARTNERSHIP_PARTS: list[tuple[str, str, str]] = [
    ("partnership_member", "partnership_id", "partnership"),
    ("milestone", "partnership_id", "partnership"),
    ("indicator", "partnership_id", "partnership"),
    ("measurement", "indicator_id", "indicator"),
    ("agreement", "partnership_id", "partnership"),
    ("agreement_party", "agreement_id", "agreement"),
    ("obligation", "agreement_id", "agreement"),
    ("signatory", "agreement_id", "agreement"),
    ("meeting", "partnership_id", "partnership"),
    ("meeting_attendee", "meeting_id", "meeting"),
    ("action_item", "partnership_id", "partnership"),
    ("action_item", "meeting_id", "meeting"),
    ("partnership_review", "partnership_id", "partnership"),
    ("funding", "partnership_id", "partnership"),
    ("funding_deliverable", "funding_id", "funding"),
    # community events and feedback
    ("event_partnership", "partnership_id", "partnership"),
    ("feedback", "partnership_id", "partnership"),
    ("survey_result", "feedback_id", "feedback"),
]
# Records a partnership reaches through link rows, then their parts: the events it
# serves (an event's links to other partnerships stay home).
# (record type, link record type, the link's column naming the record)
PARTNERSHIP_THROUGH: list[tuple[str, str, str]] = [
    ("event", "event_partnership", "event_id"),
]
THROUGH_PARTS: list[tuple[str, str, str]] = [
    ("event_organization", "event_id", "event"),
    ("event_resource", "event_id", "event"),
    ("event_attendance", "event_id", "event"),
    ("action_item", "event_id", "event"),
]


@dataclass(frozen=True)
class Scope:
    """What to export: kind is "all", "partnership" or "selection"."""

    kind: str = "all"
    partnership_id: str | None = None
    items: tuple[tuple[str, str], ...] = ()
    for_partner: bool = False

    @classmethod
    def everything(cls, for_partner: bool = False) -> "Scope":
        return cls("all", for_partner=for_partner)

    @classmethod
    def partnership(cls, partnership_id: str, for_partner: bool = False) -> "Scope":
        return cls("partnership", partnership_id=partnership_id, for_partner=for_partner)

    @classmethod
    def selection(cls, items: Iterable[tuple[str, str]], for_partner: bool = False) -> "Scope":
        return cls("selection", items=tuple(items), for_partner=for_partner)

    def describe(self) -> str:
        if self.kind == "partnership":
            return f"partnership {self.partnership_id}"
        if self.kind == "selection":
            return f"{len(self.items)} chosen records"
        return "everything"


# The last bundle of everything for our laptops: the highest history entry and the change
# number its snapshot held. A record's state as that bundle sent it is the state its first
# history entry after that one kept (or its state now, when none follows): what the
# importer merges in place of a deleted record's values (`merge.merge_held`).
LAST_SENT_KEY = "last_full_export"
# Deleted records whose held values the other laptops hold too ("type:id" -> revision),
# noted by imports: such a record merges its values as they are when it comes back. A
# bundle of everything sends every deleted record as its tombstone, so it clears them.
VALUES_SENT_KEY = "deleted_values_sent"


@dataclass
class ExportResult:
    path: Path
    counts: dict[str, int] = field(default_factory=dict)
    attachments: int = 0
    sealed: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def find_partnership(desk: Desk, name_or_id: str) -> str:
    """A partnership's id from its id or (part of) its title; clear error when unsure."""
    with desk.store.read() as session:
        if session.get(r.Partnership, name_or_id) is not None:
            return name_or_id
    exact = [p for p in desk.partnerships.list() if p.title.casefold() == name_or_id.casefold()]
    found = exact or desk.partnerships.list(text=name_or_id)
    if not found:
        raise NotFoundError(f"No partnership is called “{name_or_id}”. Run 'partnerdesk "
                            "search' to find its exact title.")
    if len(found) > 1:
        titles = "; ".join(p.title for p in found[:5])
        raise PartnerDeskError(f"More than one partnership matches “{name_or_id}” ({titles}). "
                               "Give the full title or the id.")
    return found[0].id


def _ids_where(connection: Connection, record_type: str, column: str,
               values: set[str]) -> set[str]:
    table = table_of(RECORD_TYPES[record_type])
    found: set[str] = set()
    for chunk in chunks(sorted(values)):
        found |= set(connection.execute(
            select(table.c.id).where(table.c[column].in_(chunk))).scalars())
    return found


def _values_of(connection: Connection, record_type: str, column: str,
               ids: set[str]) -> set[str]:
    """The values of one column of the given records (the ids a link row names)."""
    table = table_of(RECORD_TYPES[record_type])
    found: set[str] = set()
    for chunk in chunks(sorted(ids)):
        found |= {value for value in connection.execute(
            select(table.c[column]).where(table.c.id.in_(chunk))).scalars() if value}
    return found


def _within(connection: Connection, record_type: str, ids: set[str],
            partnership_id: str) -> set[str]:
    """The records (reached through an event) that belong to no other partnership: an
    event's follow-up for another partnership it serves stays home, with that one."""
    table = table_of(RECORD_TYPES[record_type])
    if "partnership_id" not in table.c:
        return ids
    kept: set[str] = set()
    for chunk in chunks(sorted(ids)):
        kept |= {row_id for row_id, owner in connection.execute(
            select(table.c.id, table.c.partnership_id).where(table.c.id.in_(chunk)))
            if owner in (None, partnership_id)}
    return kept


def _seed_ids(connection: Connection, scope: Scope) -> dict[str, set[str]] | None:
    """Record ids per type the scope names (None: everything)."""
    if scope.kind == "all":
        return None
    chosen: dict[str, set[str]] = {name: set() for name in RECORD_TYPES}
    if scope.kind == "partnership":
        if not scope.partnership_id:
            raise PartnerDeskError("Choose the partnership to export.")
        chosen["partnership"].add(scope.partnership_id)
        for record_type, column, parent in PARTNERSHIP_PARTS:
            if chosen[parent]:
                chosen[record_type] |= _ids_where(connection, record_type, column,
                                                  chosen[parent])
        for record_type, link_type, column in PARTNERSHIP_THROUGH:
            chosen[record_type] |= _values_of(connection, link_type, column,
                                              chosen[link_type])
        for record_type, column, parent in THROUGH_PARTS:
            if chosen[parent]:
                found = _ids_where(connection, record_type, column, chosen[parent])
                chosen[record_type] |= _within(connection, record_type, found,
                                               scope.partnership_id)
    else:
        for record_type, record_id in scope.items:
            if record_type not in RECORD_TYPES:
                raise PartnerDeskError(f"“{record_type}” is not a kind of record.")
            chosen[record_type].add(record_id)
    return chosen


def _collect(connection: Connection, scope: Scope,
             progress: Progress) -> dict[str, list[dict[str, Any]]]:
    """Rows per type: the scope, the records they refer to, and their attachments."""
    chosen = _seed_ids(connection, scope)
    if chosen is None:
        rows: dict[str, list[dict[str, Any]]] = {}
        for done, (name, model) in enumerate(RECORD_TYPES.items()):
            progress.report(done, len(RECORD_TYPES), "Reading records…")
            rows[name] = read_rows(connection, model)
        return rows
    every = {record_id for ids in chosen.values() for record_id in ids}
    chosen["attachment"] |= _ids_where(connection, "attachment", "record_id", every)
    rows = {name: [] for name in RECORD_TYPES}
    pending = {name: set(ids) for name, ids in chosen.items() if ids}
    seen: dict[str, set[str]] = {name: set() for name in RECORD_TYPES}
    while pending:  # follow references until nothing new turns up
        progress.check()
        name, ids = pending.popitem()
        ids -= seen[name]
        if not ids:
            continue
        seen[name] |= ids
        model = RECORD_TYPES[name]
        found = read_rows(connection, model, ids)
        rows[name] += found
        for column, target, _nullable in references(model):
            wanted = {row[column] for row in found if row[column]} - seen[target]
            if wanted:
                pending.setdefault(target, set()).update(wanted)
    return rows


def _private_contacts(rows: dict[str, list[dict[str, Any]]]) -> set[str]:
    return {row["id"] for row in rows.get("contact", []) if not row["share_ok"]}


def _lines(rows: dict[str, list[dict[str, Any]]], for_partner: bool,
           progress: Progress) -> dict[str, list[dict[str, Any]]]:
    hidden = _private_contacts(rows) if for_partner else set()
    lines: dict[str, list[dict[str, Any]]] = {}
    for done, (name, found) in enumerate(rows.items()):
        progress.report(done, len(rows), "Writing records…")
        model = RECORD_TYPES[name]
        contact_refs = [(column, nullable) for column, target, nullable in references(model)
                        if target == "contact"]
        out = []
        for row in found:
            if for_partner and not _keep(name, row, hidden, contact_refs):
                continue
            state = state_of(model, row)
            if state.deleted:
                links = [column for column, _target, _nullable in references(model)
                         if not (for_partner and row[column] in hidden)]
                out.append(line_of(name, row["id"], tombstone(state, links)))
                continue
            if for_partner:
                left_out = [f for f in PRIVATE_FIELDS if f in state.values]
                left_out += [column for column, _ in contact_refs if row[column] in hidden]
                if name == "funding":  # amounts marked internal
                    left_out += funding_rules.hidden_from_partners(row)
                for name_out in left_out:
                    state.values.pop(name_out, None)
                    state.stamps.pop(name_out, None)
            out.append(line_of(name, row["id"], state))
        lines[name] = out
    return lines


def _keep(record_type: str, row: dict[str, Any], hidden: set[str],
          contact_refs: list[tuple[str, bool]]) -> bool:
    """Whether a record may go to a partner at all."""
    if row["id"] in hidden:
        return False
    if any(not nullable and row[column] in hidden for column, nullable in contact_refs):
        return False  # a signatory or attendee row only says who: it would name the person
    if record_type == "attachment" and row["record_id"] in hidden:
        return False
    return not (record_type == "not_duplicate"
                and (row["first_id"] in hidden or row["second_id"] in hidden))


def _attachment_bytes(desk: Desk, lines: dict[str, list[dict[str, Any]]],
                      progress: Progress) -> dict[str, bytes]:
    """The stored bytes of the attachments exported, read from the attachment store only.

    A record's `sha256` names a file in the store, never a path: anything but 64
    hexadecimal digits (a hostile bundle imported by an older version could hold
    "../../secret.txt") is skipped, and so are bytes that no longer match their hash.
    A live attachment whose bytes are missing here is left out of the bundle (the
    importing laptop would refuse it).
    """
    found: dict[str, bytes] = {}
    kept: list[dict[str, Any]] = []
    for line in lines.get("attachment", []):
        digest = line["values"].get("sha256")
        alive = not is_deleted(line["stamps"], line["delete_ctx"])
        if not isinstance(digest, str) or not record_check.SHA256.match(digest):
            if not alive:
                kept.append(line)
            continue
        if digest not in found:
            progress.check()
            data = desk.attachments.read_bytes(digest)
            if data is not None:
                found[digest] = data
        if digest in found or not alive:
            kept.append(line)
    if "attachment" in lines:
        lines["attachment"] = kept
    return found


def export_bundle(desk: Desk, target: Path | str, scope: Scope | None = None, *,
                  passphrase: str | None = None, progress: Progress | None = None,
                  recipient: str = "") -> ExportResult:
    """Write a bundle file; the export is logged in this laptop's export log.

    Everything, for our own laptops, is streamed: one record type at a time, a chunk of
    rows at a time, each line written into the zip as it is made (`_stream_lines`), so
    an export holds a chunk of rows, not the database. Other scopes are read whole (they
    are a part of it)."""
    scope = scope or Scope.everything()
    progress = progress or Progress()
    target = Path(target)
    if passphrase is not None:
        seal.check_passphrase(passphrase)
    ours = desk.organizations.ours()
    manifest: dict[str, Any] = {
        "format": FORMAT_NAME, "version": f"{FORMAT_MAJOR}.{FORMAT_MINOR}",
        "made_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "made_by": f"PartnerDesk {__version__}", "device_id": desk.store.device_id,
        "counter": 0, "organization": ours.name if ours else "",
        # who typed what: the import preview and Conflicts name people, not device ids
        "people": {} if scope.for_partner else known_people(desk),
        "scope": {"kind": scope.kind, "partnership_id": scope.partnership_id,
                  "items": len(scope.items), "for_partner": scope.for_partner},
        "counts": {},
    }
    streamed = scope.kind == "all" and not scope.for_partner and desk.address is None
    with desk.store.read() as session, BundleWriter(target, sealed=passphrase is not None) \
            as writer:
        connection = session.connection()
        manifest["counter"] = desk.store.counter()
        # Where this snapshot stands in the history: what a full bundle sent (`LAST_SENT_KEY`)
        history = HistoryEntry.__table__  # type: ignore[attr-defined]
        sent = {"history": connection.execute(select(func.max(history.c.id))).scalar() or 0,
                "counter": manifest["counter"]}
        if streamed:
            counts, attachments = _stream_records(desk, connection, writer, progress)
        else:
            rows = _collect(connection, scope, progress)
            lines = _lines(rows, scope.for_partner, progress)
            found = _attachment_bytes(desk, lines, progress)
            for name, these in lines.items():
                if these:
                    writer.add_records(name, [line_text(line) for line in
                                              sorted(these, key=_line_id)])
            counts = {name: len(these) for name, these in lines.items() if these}
            attachments = len(found)
            for digest, data in sorted(found.items()):
                writer.add_attachment(digest, data)
        manifest["counts"] = counts
        progress.report(len(RECORD_TYPES), len(RECORD_TYPES), "Packing the bundle…")
        if desk.address is None:  # what a backup copied back by hand must not number again
            identity.note_sent(desk.store.device_id, manifest["counter"])
        writer.finish(manifest, passphrase)
    progress.check()
    desk.log_export("bundle-sealed" if passphrase is not None else "bundle", target,
                    scope=scope.describe(), counts=counts,
                    recipient=recipient or ("partner" if scope.for_partner else "our laptops"))
    if scope.kind == "all" and not scope.for_partner and not desk.store.read_only \
            and desk.can_change:  # a read-only role's export is not noted in the office's
        desk.store.set_setting(LAST_SENT_KEY, sent)
        desk.store.set_setting(VALUES_SENT_KEY, {})
    return ExportResult(target, counts, attachments, passphrase is not None)


def _line_id(line: dict[str, Any]) -> str:
    return str(line["id"])


def _stream_records(desk: Desk, connection: Connection, writer: "BundleWriter",
                    progress: Progress) -> tuple[dict[str, int], int]:
    """Every record type into the bundle, a chunk of rows at a time, in id order (a
    record file is sorted by id); the attachments' bytes after them."""
    counts: dict[str, int] = {}
    attachment_lines: list[dict[str, Any]] = []
    for done, (name, model) in enumerate(RECORD_TYPES.items()):
        progress.report(done, len(RECORD_TYPES), "Writing records…")
        if name == "attachment":  # few, and their bytes decide which travel
            attachment_lines = [line_of(name, row["id"], _travelling(model, row))
                                for row in read_rows(connection, model)]
            continue
        count = writer.add_records(name, stream_lines(connection, name, model, progress,
                                                       limits.held_id))
        if count:
            counts[name] = count
    box = {"attachment": attachment_lines}
    found = _attachment_bytes(desk, box, progress)  # keeps those whose bytes are here
    kept = sorted(box["attachment"], key=_line_id)
    if kept:
        counts["attachment"] = writer.add_records("attachment", [line_text(line)
                                                                 for line in kept])
    for digest, data in sorted(found.items()):
        writer.add_attachment(digest, data)
    return dict(sorted(counts.items(), key=lambda item: list(RECORD_TYPES).index(item[0]))), \
        len(found)


def _travelling(model: type[SQLModel], row: dict[str, Any]) -> VersionState:
    """A row's state as it travels to our own laptops: a deleted one as its tombstone."""
    state = state_of(model, row)
    if state.deleted:
        return tombstone(state, [column for column, _target, _nullable in references(model)])
    return state
