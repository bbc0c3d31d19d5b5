"""The Trash: deleted records, newest first, and a way to bring them back.

Deleted records are tombstones (so the deletion can travel to other laptops), so
restoring one is a new change like any other.
"""

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.services import Desk
from partnerdesk.ui.history_panel import local_time
from partnerdesk.ui.icons import icon
from partnerdesk.ui.widgets.data_hub import hub_for

TARGET_ROLE = Qt.ItemDataRole.UserRole + 1
TYPE_LABELS = {"organization": "Organization", "contact": "Contact",
               "partnership": "Partnership", "agreement": "Agreement", "resource": "Resource",
               "need": "Community need", "referral_pathway": "Referral pathway",
               "meeting": "Meeting", "action_item": "Action item", "milestone": "Milestone",
               "event": "Event", "feedback": "Feedback",
               "funding": "Funding", "funding_deliverable": "Report due to a funder"}


class TrashView(QWidget):
    sig_open_record = Signal(str, str)
    """A restored record should be shown: record type, id."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        heading = QLabel(self.tr("Deleted records stay here until you restore them."))
        self.records = QTreeWidget()
        self.records.setHeaderLabels([self.tr("Name"), self.tr("Kind"), self.tr("Deleted")])
        self.records.setRootIsDecorated(False)
        self.records.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.records.setAccessibleName(self.tr("Deleted records"))
        self.records.setColumnWidth(0, 320)
        self.records.itemSelectionChanged.connect(self._update_buttons)
        self.restore_button = QPushButton(self.tr("&Restore"))
        self.restore_button.setIcon(icon("restore"))
        self.restore_button.setAccessibleName(self.tr("Restore"))
        self.restore_button.setToolTip(self.tr("Bring the selected records back."))
        self.restore_button.clicked.connect(self.restore_selected)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.records, 1)
        layout.addLayout(buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self.refresh)
        hub_for(desk).sig_data_changed.connect(self._on_changes)  # see DashboardView
        self.refresh()

    def _on_changes(self, changes: list[Any]) -> None:
        if any(c.action in ("deleted", "restored") for c in changes):
            self._timer.start()

    def refresh(self) -> None:
        self._timer.stop()
        self.records.clear()
        for record_type, row in self.desk.deleted_records():
            service = self.desk.service(record_type)
            item = QTreeWidgetItem([str(getattr(row, service.title_field, "")),
                                    self.tr(TYPE_LABELS.get(record_type, record_type)),
                                    local_time(row.updated_at)])
            item.setData(0, TARGET_ROLE, (record_type, row.id))
            self.records.addTopLevelItem(item)
        if not self.records.topLevelItemCount():
            item = QTreeWidgetItem([self.tr("The Trash is empty.")])
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.records.addTopLevelItem(item)
        else:  # the kind whole ("Report due to a funder" was cut to "Report due to…")
            self.records.resizeColumnToContents(1)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(bool(self._selected()))

    def _selected(self) -> list[tuple[str, str]]:
        return [item.data(0, TARGET_ROLE) for item in self.records.selectedItems()
                if item.data(0, TARGET_ROLE)]

    def restore_selected(self) -> None:
        chosen = self._selected()
        by_type: dict[str, list[str]] = {}
        for record_type, record_id in chosen:
            by_type.setdefault(record_type, []).append(record_id)
        for record_type, ids in by_type.items():
            self.desk.service(record_type).restore(*ids)
        self.refresh()
