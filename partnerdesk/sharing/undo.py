"""Undoing an import batch: every record it touched goes back exactly as it was.

The import kept, for each record it touched, a history entry tagged with its batch:
the full prior state of a record it changed, or an empty state for one it brought.
Undo writes those prior states back (values, stamps and version information alike)
and removes the records the import brought. A record changed after the import has a
later history entry; those are named, and overwritten only when the caller confirms.
The states being replaced are themselves kept in history, so undo loses nothing.
"""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from partnerdesk.db import search_index
from partnerdesk.db.bookkeeping import utcnow
from partnerdesk.db.local import Conflict, HistoryEntry, ImportBatch
from partnerdesk.db.registry import RECORD_TYPES
from partnerdesk.errors import NotFoundError, PartnerDeskError
from partnerdesk.services.desk import Desk
from partnerdesk.services.indexing import search_entries
from partnerdesk.services.progress import Progress
from partnerdesk.services.store import Change
from partnerdesk.services.titles import stored_title
from partnerdesk.sharing.rows import (
    delete_rows,
    full_json,
    insert_rows,
    read_rows,
    table_of,
    typed_row,
    update_rows,
)


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
            connection = session.connection()
            connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            batch = _batch(session, batch_id)
            entries = _entries(session, batch_id)
            check = UndoCheck(batch_id, len(entries), _edited_since(session, entries))
            if check.edited_since and not confirm:
                raise EditedSinceError(check)
            _put_back(connection, session, entries, writer.changes, progress)
            session.execute(delete(Conflict).where(Conflict.batch_id == batch_id))
            batch.undone = True
            session.add(batch)
    except IntegrityError as error:
        raise PartnerDeskError(
            "This import cannot be undone: records made since then refer to records it "
            "brought. Delete those links first, or keep the import.") from error
    return check


def _put_back(connection: Any, session: Any, entries: list[HistoryEntry],
              changes: list[Change], progress: Progress) -> None:
    now = utcnow()
    by_type: dict[str, list[HistoryEntry]] = {}
    for entry in entries:
        by_type.setdefault(entry.record_type, []).append(entry)
    history: list[dict[str, Any]] = []
    for done, (record_type, group) in enumerate(by_type.items()):
        progress.report(done, len(by_type), "Putting records back…")
        model = RECORD_TYPES[record_type]
        table = table_of(model)
        current = {row["id"]: row for row in read_rows(connection, model,
                                                        [e.record_id for e in group])}
        brought = [e.record_id for e in group if not e.state and e.record_id in current]
        prior = [typed_row(model, e.state) for e in group if e.state]
        for record_id, row in current.items():
            history.append({"record_type": record_type, "record_id": record_id,
                            "changed_at": now, "action": "undone", "changed_fields": [],
                            "state": full_json(row), "batch_id": None})
        delete_rows(connection, table, brought)
        search_index.remove(connection, brought)
        update_rows(connection, table, prior)
        gone = [row["id"] for row in prior if row["deleted"]]
        search_index.remove(connection, gone)
        alive = [row for row in prior if not row["deleted"]]
        search_index.put(connection, search_entries(session, model, alive))
        changes += [Change(record_type, i, "deleted") for i in brought]
        changes += [Change(record_type, row["id"], "updated") for row in prior]
    insert_rows(connection, HistoryEntry.__table__, history)  # type: ignore[attr-defined]


def list_imports(desk: Desk) -> list[ImportBatch]:
    """Every import this laptop remembers, newest first."""
    with desk.store.read() as session:
        return list(session.scalars(select(ImportBatch).order_by(
            ImportBatch.imported_at.desc())))  # type: ignore[attr-defined]
