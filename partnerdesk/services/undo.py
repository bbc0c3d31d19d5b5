"""Undo and Redo of what a person did with the open database, across records.

Every whole save, delete, restore (from the Trash or of an earlier version), duplicate
merge and bulk change made through the services names itself for Undo inside its
transaction (`Writer.undo_as("edit of Marcus Lee")`). Once it has committed, the store
hands this journal what the transaction wrote (`store.Touched`): for each record its
state before and after, and the revision it was left with. A step keeps only the fields
that differ, so a change to one field of 10,000 contacts stays small.

Undoing a step writes the earlier values back, in one transaction, through the writer
(`Writer.put_local`): so the undo is itself a recorded change, with stamps, history,
search index and change notices like any save, and it travels to other laptops as an
ordinary edit. A record the step made goes to the Trash; one it deleted comes back.
Redo writes the later values again the same way.

A step applies only while the fields it wrote are still as it left them (and each
record is still deleted or not as it left it): when one was changed since (by an
import, a bundle, someone else on an office database, or a later edit not undone
first), the undo says so in a sentence and changes nothing. Fields the step did not
touch may have changed meanwhile; they keep their newer values. The journal lives as
long as the open Desk (the app's session); it is not saved.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import SQLModel

from partnerdesk.db.registry import type_name
from partnerdesk.errors import PartnerDeskError
from partnerdesk.services import titles
from partnerdesk.services.progress import Progress
from partnerdesk.services.store import Change, Store, StoredRows, Touched, Writer, without_collector

# Steps kept: far more than a day's work; the oldest go first past this.
MAX_STEPS = 1000
CHUNK = 2000  # records written per progress report in a big undo


class UndoConflict(PartnerDeskError):
    """The step's records were changed since; nothing was written."""


@dataclass(frozen=True)
class RecordUndo:
    """One record of a step: what to write to go back, and to go forward again."""

    model: type[SQLModel]
    record_id: str
    earlier: dict[str, Any]  # the fields that differ, as they were before the step
    later: dict[str, Any]  # the same fields as the step left them
    earlier_deleted: bool  # True for a record the step made: undoing it sends it to Trash
    later_deleted: bool
    shown: dict[str, Any]  # the values the step left that name the record (`title`)

    @property
    def title(self) -> str:
        """Names the record in a message (made when one is shown: a step of 10,000
        records names one)."""
        return named(type_name(self.model), self.shown)


@dataclass(frozen=True)
class UndoStep:
    """One thing a person did, however many records it wrote."""

    name: str  # "edit of Marcus Lee"
    records: tuple[RecordUndo, ...]


def noun(record_type: str, count: int = 1) -> str:
    """"contact", "3 contacts", "2 funding records"."""
    word = record_type.replace("_", " ")
    if count == 1:
        return word
    plural = f"{word} records" if word in ("funding", "feedback") else \
        (word[:-1] + "ies" if word.endswith("y") else word + "s")
    return f"{count:,} {plural}"


def named(record_type: str, values: dict[str, Any] | None) -> str:
    """A record as a step's name shows it: its title, or "a contact"."""
    title = titles.title_of(record_type, values or {}).strip()
    if len(title) > 60:
        title = title[:59] + "…"
    return title or f"a {noun(record_type)}"


def _record(touch: Touched) -> RecordUndo | None:
    if touch.after is None:  # removed outright: not something a person's step does
        return None
    after_values, after_deleted = touch.after
    if touch.before is None:
        return RecordUndo(touch.model, touch.record_id, {}, {}, True, after_deleted,
                          after_values)
    before_values, before_deleted = touch.before
    fields = [name for name, value in after_values.items() if before_values.get(name) != value]
    if not fields and before_deleted == after_deleted:
        return None
    return RecordUndo(touch.model, touch.record_id,
                      {name: before_values.get(name) for name in fields},
                      {name: after_values[name] for name in fields},
                      before_deleted, after_deleted, after_values)


def _as_left(rows: StoredRows, record: RecordUndo, backwards: bool) -> bool:
    """Is the record as the step (or its undo) left it, in what the step wrote? (Only
    those columns are decoded: the rows are decoded whole part by part, as they are
    written, while the writer's lane writes the part before.)"""
    key = record.record_id
    if key not in rows:
        return False
    values, deleted = (record.later, record.later_deleted) if backwards else \
        (record.earlier, record.earlier_deleted)
    return rows.is_deleted(key) == deleted and all(
        rows.value(key, name) == value for name, value in values.items())


class UndoJournal:
    """The open database's Undo and Redo steps (one per Desk; see the module docstring).

    Thread-safe: the app undoes on its database worker and reads the names on the UI
    thread."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._undo: list[UndoStep] = []
        self._redo: list[UndoStep] = []
        self._lock = threading.RLock()
        self._listeners: list[Callable[[], None]] = []
        store.journal = self

    # -- what the app shows ------------------------------------------------------------
    def can_undo(self) -> bool:
        with self._lock:
            return bool(self._undo)

    def can_redo(self) -> bool:
        with self._lock:
            return bool(self._redo)

    def undo_name(self) -> str | None:
        """What Undo would take back ("edit of Marcus Lee"), or None."""
        with self._lock:
            return self._undo[-1].name if self._undo else None

    def redo_name(self) -> str | None:
        with self._lock:
            return self._redo[-1].name if self._redo else None

    def subscribe(self, listener: Callable[[], None]) -> None:
        """Call `listener()` whenever what Undo or Redo would do changes (on the thread
        that changed it)."""
        self._listeners.append(listener)

    def clear(self) -> None:
        with self._lock:
            self._undo.clear()
            self._redo.clear()
        self._notify()

    # -- keeping steps -----------------------------------------------------------------
    def step(self, name: str, touched: Sequence[Touched]) -> UndoStep | None:
        """What Undo would take back of a named transaction (None: nothing). Made by
        `Store.write` before its commit, while the last of a bulk write's SQL runs."""
        records = tuple(found for found in map(_record, touched) if found is not None)
        return UndoStep(name, records) if records else None

    def record(self, step: UndoStep) -> None:
        """A named transaction committed (called by `Store.write`): it becomes the step
        Undo takes back next, and what Redo had is gone (as in every editor)."""
        with self._lock:
            self._undo.append(step)
            del self._undo[:-MAX_STEPS]
            self._redo.clear()
        self._notify()

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    # -- undo and redo -----------------------------------------------------------------
    def undo(self, progress: Progress | None = None) -> list[Change]:
        """Take back the latest step. Raises UndoConflict (nothing written) when one of
        its records was changed since, and PartnerDeskError when there is nothing."""
        return self._move(self._undo, self._redo, backwards=True, progress=progress)

    def redo(self, progress: Progress | None = None) -> list[Change]:
        """Do again the step undone last (its records as the undo left them)."""
        return self._move(self._redo, self._undo, backwards=False, progress=progress)

    def _move(self, source: list[UndoStep], target: list[UndoStep], *, backwards: bool,
              progress: Progress | None) -> list[Change]:
        with self._lock:
            if not source:
                raise PartnerDeskError("There is nothing to undo." if backwards
                                       else "There is nothing to redo.")
            step = source[-1]
            changes = self._write(step, backwards, progress)
            source.pop()
            target.append(step)
        self._notify()
        return changes

    @without_collector
    def _write(self, step: UndoStep, backwards: bool, progress: Progress | None,
               ) -> list[Change]:
        with self.store.write() as writer:
            return self._apply(writer, step, backwards, progress)

    def _apply(self, writer: Writer, step: UndoStep, backwards: bool,
               progress: Progress | None) -> list[Change]:
        by_model: dict[type[SQLModel], list[RecordUndo]] = {}
        for record in step.records:
            by_model.setdefault(record.model, []).append(record)
        rows = {model: writer.current_rows(model, [r.record_id for r in records])
                for model, records in by_model.items()}
        changed = [record for model, records in by_model.items() for record in records
                   if not _as_left(rows[model], record, backwards)]
        if changed:
            first = changed[0]
            # named as it is now (a bulk step keeps only the fields it wrote)
            found = rows[first.model]
            title = named(type_name(first.model), found[first.record_id]) \
                if first.record_id in found else first.title
            raise UndoConflict(self._conflict_text(step, changed, backwards, title))
        total = len(step.records)
        done = 0
        for model, records in by_model.items():
            found = rows[model]
            # asked once: a question between parts would wait for the writer's lane
            listed = writer.listed(type_name(model), [r.record_id for r in records])
            for start in range(0, len(records), CHUNK):
                if progress is not None:
                    progress.report(done, total, "")
                part = records[start:start + CHUNK]
                writer.put_local(model, [
                    (found[r.record_id], r.earlier if backwards else r.later,
                     r.earlier_deleted if backwards else r.later_deleted) for r in part],
                    listed=listed)
                done += len(part)
        if progress is not None:
            progress.report(total, total, "")
        return list(writer.changes)

    @staticmethod
    def _conflict_text(step: UndoStep, changed: list[RecordUndo], backwards: bool,
                       title: str) -> str:
        who = f"“{title}” was" if len(changed) == 1 else \
            f"“{title}” and {len(changed) - 1:,} other records were"
        verb = "undone" if backwards else "redone"
        return (f"{who} changed after the {step.name} (by an import, a bundle, someone "
                f"else or a later change), so it can no longer be {verb} cleanly. Nothing "
                "was changed; look at the record's History to put back what you need.")
