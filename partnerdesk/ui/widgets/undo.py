"""Undo steps for list actions: deleting and bulk edits, each one step however many rows.

The services do the work (`delete`/`restore`, `update_each`); the step only remembers
which records and their values before and after, so Ctrl+Z right after puts them back.
"""

from typing import Any

from PySide6.QtGui import QUndoCommand

from partnerdesk.errors import PartnerDeskError
from partnerdesk.ui.errors import show_error


class DeleteStep(QUndoCommand):
    """Delete records (tombstones); undo restores them."""

    def __init__(self, service: Any, record_ids: list[str], text: str) -> None:
        super().__init__(text)
        self.service = service
        self.record_ids = list(record_ids)

    def redo(self) -> None:
        self.service.delete(*self.record_ids)

    def undo(self) -> None:
        self.service.restore(*self.record_ids)


class BulkEditStep(QUndoCommand):
    """Per-record field values before and after; undo writes the old ones back."""

    def __init__(self, service: Any, before: dict[str, dict[str, Any]],
                 after: dict[str, dict[str, Any]], text: str) -> None:
        super().__init__(text)
        self.service = service
        self.before, self.after = before, after
        self.failed = False

    def _apply(self, values: dict[str, dict[str, Any]]) -> None:
        try:
            self.service.update_each(values)
        except PartnerDeskError as error:
            self.failed = True
            self.setObsolete(True)
            show_error(None, error)

    def redo(self) -> None:
        self._apply(self.after)

    def undo(self) -> None:
        self._apply(self.before)
