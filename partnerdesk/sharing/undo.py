"""Undoing an import batch: every record it touched goes back exactly as it was.

The import kept, for each record it touched, a history entry tagged with its batch:
the full prior state of a record it changed, or an empty state for one it brought.
Undo writes those prior states back through the store's bulk writer (values, stamps and
version information alike) and removes the records the import brought. A record changed
after the import has a later history entry; those are named, and overwritten only when
the caller confirms. The states being replaced are themselves kept in history, so undo
loses nothing.
"""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from partnerdesk.db.local import Conflict, HistoryEntry, ImportBatch
from partnerdesk.db.registry import RECORD_TYPES
from partnerdesk.errors import NotFoundError, PartnerDeskError
from partnerdesk.services.desk import Desk
from partnerdesk.services.progress import Progress
from partnerdesk.services.store import StatePut, Writer
from partnerdesk.services.titles import stored_title
from partnerdesk.sharing.rows import read_rows, state_of, typed_row


@dataclass(frozen=True)
class EditedRecord:
    record_type: str
    record_id: str
    title: str


@dataclass
class UndoCheck:
    batch_id: str
    touched: int
    edited_since: list[EditedRecord] = field(default_factory=list)


class EditedSinceError(PartnerDeskError):
    """Some records changed after the import; undo needs a confirmation."""

    def __init__(self, check: UndoCheck) -> None:
        self.check = check
        names = ", ".join(e.title or e.record_id for e in check.edited_since[:5])
        more = len(check.edited_since) - 5
        tail = f" and {more} more" if more > 0 else ""
        super().__init__(
            f"{len(check.edited_since)} record(s) were changed after this import ({names}"
            f"{tail}). Undoing it puts them back as they were before the import; their "
            "later changes stay in their history. Confirm to go ahead (--yes).")


def _batch(session: Any, batch_id: str) -> ImportBatch:
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFoundError(f"There is no import with id {batch_id}. Run 'partnerdesk "
                            "imports' to see the list.")
    if batch.undone:
        raise PartnerDeskError("That import has already been undone.")
    return batch


def _entries(session: Any, batch_id: str) -> list[HistoryEntry]:
    return list(session.scalars(select(HistoryEntry).where(HistoryEntry.batch_id == batch_id)))


def _edited_since(session: Any, entries: list[HistoryEntry]) -> list[EditedRecord]:
    if not entries:
        return []
    first = min(e.id for e in entries)  # type: ignore[type-var]
    ids = {e.record_id for e in entries}
    later: dict[str, int] = dict(session.execute(
        select(HistoryEntry.record_id, func.max(HistoryEntry.id))
        .where(HistoryEntry.id > first).group_by(HistoryEntry.record_id)).all())
    edited = []
    for entry in entries:
        if entry.record_id in ids and later.get(entry.record_id, 0) > entry.id:  # type: ignore[operator]
            title = stored_title(session, entry.record_type, entry.record_id)
            edited.append(EditedRecord(entry.record_type, entry.record_id, title))
    return edited


def check_undo(desk: Desk, batch_id: str) -> UndoCheck:
    """What undoing would touch, and which of those records changed since."""
    with desk.store.read() as session:
        _batch(session, batch_id)
        entries = _entries(session, batch_id)
        return UndoCheck(batch_id, len(entries), _edited_since(session, entries))


def undo_import(desk: Desk, batch_id: str, *, confirm: bool = False,
                progress: Progress | None = None) -> UndoCheck:
    """Put back what the import replaced; refuses records edited since unless confirmed."""
    progress = progress or Progress()
    try:
        with desk.store.write(backup_reason="before-undo-import") as writer:
            session = writer.session
            batch = _batch(session, batch_id)
            entries = _entries(session, batch_id)
            check = UndoCheck(batch_id, len(entries), _edited_since(session, entries))
            if check.edited_since and not confirm:
                raise EditedSinceError(check)
            _put_back(writer, entries, progress)
            session.execute(delete(Conflict).where(Conflict.batch_id == batch_id))
            batch.undone = True
            session.add(batch)
    except IntegrityError as error:
        raise PartnerDeskError(
            "This import cannot be undone: records made since then refer to records it "
            "brought. Delete those links first, or keep the import.") from error
    return check


def _put_back(writer: Writer, entries: list[HistoryEntry], progress: Progress) -> None:
    """The earlier states through the store's bulk writer; the records the import brought
    go entirely. Only records still here are touched (an earlier undo may have removed
    one this import merged into)."""
    by_type: dict[str, list[HistoryEntry]] = {}
    for entry in entries:
        by_type.setdefault(entry.record_type, []).append(entry)
    connection = writer.session.connection()
    for done, (record_type, group) in enumerate(by_type.items()):
        progress.report(done, len(by_type), "Putting records back…")
        model = RECORD_TYPES[record_type]
        current = {row["id"]: row for row in read_rows(connection, model,
                                                        [e.record_id for e in group])}
        puts = []
        for entry in group:
            now = current.get(entry.record_id)
            if now is None:
                continue
            if not entry.state:
                puts.append(StatePut(entry.record_id, None, now))
                continue
            # A field added since the entry was kept keeps its value.
            earlier = {**now, **typed_row(model, entry.state)}
            puts.append(StatePut(entry.record_id, state_of(model, earlier), now,
                                 origin=earlier["origin"]))
        writer.put_states(model, puts, action="undone")


def list_imports(desk: Desk) -> list[ImportBatch]:
    """Every import this laptop remembers, newest first."""
    with desk.store.read() as session:
        return list(session.scalars(select(ImportBatch).order_by(
            ImportBatch.imported_at.desc())))  # type: ignore[attr-defined]
