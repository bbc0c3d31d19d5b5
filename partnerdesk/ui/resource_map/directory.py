"""The Directory tab: every resource by category and provider, stale ones flagged."""

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.services import Desk
from partnerdesk.services.gaps import DirectoryLine as ResourceRow
from partnerdesk.services.gaps import fold
from partnerdesk.services.progress import Progress
from partnerdesk.ui.icons import icon
from partnerdesk.ui.resource_map.editors import EditorDialog, ResourceEditor
from partnerdesk.ui.tasks import DeskOp
from partnerdesk.ui.widgets.data_hub import hub_for
from partnerdesk.ui.widgets.row_table import ColumnSpec, RowTableModel, RowTableView

STALE_MARK = "⚠ "


def directory_columns(tr: Callable[[str], str]) -> list[ColumnSpec[ResourceRow]]:
    """The resource directory's columns; stale rows are marked, coloured and explained."""
    def verified(row: ResourceRow) -> str:
        when = row.last_verified.isoformat() if row.last_verified else tr("Never")
        return f"{STALE_MARK}{when}" if row.stale else when

    return [
        ColumnSpec(tr("Category"), lambda row: row.category),
        ColumnSpec(tr("Resource"), lambda row: row.name),
        ColumnSpec(tr("Provider"), lambda row: row.provider),
        ColumnSpec(tr("Capacity"), lambda row: row.capacity),
        ColumnSpec(tr("Schedule"), lambda row: row.schedule),
        ColumnSpec(tr("Eligibility"), lambda row: row.eligibility),
        ColumnSpec(tr("Service area"), lambda row: row.service_area),
        ColumnSpec(tr("Last verified"), verified,
                   sort=lambda row: row.last_verified.isoformat() if row.last_verified else "",
                   tooltip=lambda row: tr("Not verified in the last 12 months: check it is "
                                          "still offered.") if row.stale else None,
                   tone=lambda row: "warning" if row.stale else None),
    ]


class DirectoryTab(QWidget):
    sig_open_record = Signal(str, str)
    """Open a record: record type, record id."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self._all: list[ResourceRow] = []
        self._generation = 0
        self._started = False
        self._changed = QTimer(self)
        self._changed.setSingleShot(True)
        self._changed.setInterval(150)
        self._changed.timeout.connect(self.refresh)
        self.model: RowTableModel[ResourceRow] = RowTableModel(directory_columns(self.tr), self)
        self.table = RowTableView(self.model, accessible_name=self.tr("Resources"))
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        for column, width in enumerate((120, 200, 180, 140, 130, 140, 120)):
            self.table.horizontalHeader().resizeSection(column, width)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())

        self.category = QComboBox()
        self.category.setAccessibleName(self.tr("Category"))
        self.category.addItem(self.tr("All categories"), None)
        for row in desk.categories.list(order_by="name"):
            self.category.addItem(row.name, row.name)
        self.category.currentIndexChanged.connect(self._filter)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Find a resource or provider"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Find a resource or provider"))
        self.search.textChanged.connect(self._filter)
        self.add_button = QPushButton(self.tr("&Add resource…"))
        self.add_button.setIcon(icon("add"))
        self.add_button.clicked.connect(self.add_resource)
        self.edit_button = QPushButton(self.tr("&Edit…"))
        self.edit_button.setIcon(icon("edit"))
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button = QPushButton(self.tr("&Delete"))
        self.delete_button.setIcon(icon("delete"))
        self.delete_button.clicked.connect(self.delete_selected)
        self.summary = QLabel()
        self.summary.setWordWrap(True)

        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Show:")))
        bar.addWidget(self.category)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.add_button)
        bar.addWidget(self.edit_button)
        bar.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        hub_for(desk).sig_data_changed.connect(self._on_changes)

    # -- loading -------------------------------------------------------------------
    def refresh(self) -> None:
        self._started = True
        self._generation += 1
        generation = self._generation

        def work(_progress: Progress) -> list[ResourceRow]:
            return self.desk.resource_map.directory()

        def done(rows: list[ResourceRow]) -> None:
            if generation == self._generation:  # a newer load supersedes this one
                self._all = rows
                self._filter()

        DeskOp(self, work).success(done).run_in_background()

    def _on_changes(self, changes: list[Any]) -> None:
        watched = ("resource", "organization", "category")
        if self._started and any(c.record_type in watched for c in changes):
            self._changed.start()

    def _filter(self) -> None:
        category = self.category.currentData()
        words = fold(self.search.text()).split()
        rows = [row for row in self._all
                if (category is None or row.category == category)
                and all(w in fold(f"{row.name} {row.provider}") for w in words)]
        self.model.set_rows(rows)
        stale = sum(1 for row in rows if row.stale)
        text = self.tr("Resources shown: %1").replace("%1", f"{len(rows):,}")
        if stale:
            text += " · " + self.tr("not verified in the last 12 months (marked ⚠): %1"
                                    ).replace("%1", f"{stale:,}")
        self.summary.setText(text)

    # -- actions ---------------------------------------------------------------------
    def selected(self) -> ResourceRow | None:
        row: ResourceRow | None = self.table.selected_row()
        return row

    def open_editor(self, record_id: str | None) -> bool:
        editor = ResourceEditor(self.desk)
        editor.load(record_id)
        title = self.tr("New resource") if record_id is None else self.tr("Edit resource")
        dialog = EditorDialog(editor, title, self)

        def open_elsewhere(record_type: str, target_id: str) -> None:
            # an event where it was used: leave the dialog (asking about edits), then go
            dialog.reject()
            if not dialog.isVisible():
                self.sig_open_record.emit(record_type, target_id)

        editor.sig_open_record.connect(open_elsewhere)
        return dialog.exec() == EditorDialog.DialogCode.Accepted

    def add_resource(self) -> None:
        self.open_editor(None)

    def edit_selected(self) -> None:
        row = self.selected()
        if row is not None:
            self.open_editor(row.id)

    def delete_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        answer = QMessageBox.question(
            self, self.tr("Delete resource"),
            self.tr("Delete “%1”? You can bring it back from the Trash.").replace(
                "%1", row.name))
        if answer == QMessageBox.StandardButton.Yes:
            self.desk.resources.delete(row.id)
