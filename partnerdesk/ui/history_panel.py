"""The History panel: earlier versions of one record, and "restore this version".

Each history entry holds what the record looked like just before a change, so the
list reads "before the change of <when>: <what changed>"; restoring one makes the
record look like that again, as a new change that itself can be restored away.
Any editor can show it: `panel.show_record(record_type, record_id)`.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.errors import PartnerDeskError
from partnerdesk.services import Desk
from partnerdesk.ui.errors import show_error
from partnerdesk.ui.widgets.dates import show_datetime

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
HIDDEN_FIELDS = {"stamps", "vv", "delete_ctx", "rev", "origin", "created_at", "updated_at",
                 "id", "deleted"}


def field_label(name: str) -> str:
    return name.removesuffix("_cents").replace("_id", "").replace("_", " ").capitalize()


def local_time(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return show_datetime(moment)


def show_value(value: Any) -> str:
    if value in (None, "", [], {}):
        return "(empty)"
    if isinstance(value, list):
        parts = [", ".join(str(v) for v in item.values()) if isinstance(item, dict) else str(item)
                 for item in value]
        return "; ".join(parts)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def show_field(name: str, value: Any) -> str:
    """A field's value; amounts kept in cents (funding) as the amount they are."""
    if name.endswith("_cents") and isinstance(value, int) and not isinstance(value, bool):
        from partnerdesk.services.money import typed_amount

        return typed_amount(value)
    return show_value(value)


class HistoryPanel(QWidget):
    sig_restored = Signal(str, str)
    """An earlier version was restored: record type, record id."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.record_type = ""
        self.record_id: str | None = None
        # Asked before restoring (an editor's maybe_save): False keeps things as they are.
        self.before_restore: Callable[[], bool] | None = None
        self.heading = QLabel(self.tr("<b>History</b>"))
        self.entries = QTreeWidget()
        self.entries.setHeaderLabels([self.tr("When"), self.tr("What changed")])
        self.entries.setRootIsDecorated(False)
        self.entries.setAccessibleName(self.tr("Earlier versions"))
        self.entries.setToolTip(self.tr("Each line is how the record looked before a change."))
        self.entries.currentItemChanged.connect(self._show_details)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setAccessibleName(self.tr("What this version held"))
        self.details.setMaximumHeight(140)
        self.restore_button = QPushButton(self.tr("&Restore this version"))
        self.restore_button.setAccessibleName(self.tr("Restore this version"))
        self.restore_button.setToolTip(
            self.tr("Make the record look as it did in the chosen version again."))
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.restore_selected)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.entries, 1)
        layout.addWidget(self.details)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        layout.addLayout(buttons)

    def show_record(self, record_type: str, record_id: str | None) -> None:
        self.record_type, self.record_id = record_type, record_id
        self.refresh()

    def refresh(self) -> None:
        self.entries.clear()
        self.details.clear()
        self.restore_button.setEnabled(False)
        if not self.record_id:
            self.heading.setText(self.tr("<b>History</b> — a new record has no history yet."))
            return
        history = self.desk.service(self.record_type).history(self.record_id)
        self.heading.setText(self.tr("<b>History</b> — {n} earlier versions").format(
            n=len(history)) if history else self.tr("<b>History</b> — no changes yet."))
        for entry in history:
            summary = self._summary(entry)
            if entry.changed_by:  # an office database: who made the change
                summary = self.tr("{change} (by {person})").format(change=summary,
                                                                   person=entry.changed_by)
            item = QTreeWidgetItem([local_time(entry.changed_at), summary])
            item.setData(0, ENTRY_ROLE, entry)
            item.setToolTip(1, item.text(1))
            self.entries.addTopLevelItem(item)
        self.entries.resizeColumnToContents(0)

    def _summary(self, entry: Any) -> str:
        if entry.action == "deleted":
            return self.tr("Deleted (the version before it)")
        if entry.action == "restored":
            return self.tr("Restored from the Trash")
        fields = [field_label(f) for f in entry.changed_fields if f not in HIDDEN_FIELDS]
        verb = {"merged": self.tr("Merged from a bundle:"),
                "imported": self.tr("Imported:")}.get(entry.action, self.tr("Changed:"))
        return f"{verb} {', '.join(fields)}" if fields else verb.rstrip(":")

    def _show_details(self, item: QTreeWidgetItem | None, _previous: object = None) -> None:
        entry = item.data(0, ENTRY_ROLE) if item else None
        self.restore_button.setEnabled(entry is not None)
        if entry is None:
            self.details.clear()
            return
        changed = [f for f in entry.changed_fields if f not in HIDDEN_FIELDS]
        shown = changed or [f for f in entry.state if f not in HIDDEN_FIELDS]
        lines = [self.tr("In this version:")]
        lines += [f"  {field_label(name)}: {show_field(name, entry.state.get(name))}"
                  for name in shown]
        self.details.setPlainText("\n".join(lines))

    def selected_entry(self) -> Any:
        item = self.entries.currentItem()
        return item.data(0, ENTRY_ROLE) if item else None

    def restore_selected(self) -> None:
        entry = self.selected_entry()
        if entry is None or self.record_id is None:
            return
        if self.before_restore is not None and not self.before_restore():
            return
        try:
            self.desk.service(self.record_type).restore_version(entry.id)
        except PartnerDeskError as error:
            show_error(self, error)
            return
        self.refresh()
        self.sig_restored.emit(self.record_type, self.record_id)
