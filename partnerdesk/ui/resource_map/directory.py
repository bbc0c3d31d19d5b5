"""The Directory tab: every resource by category and provider, stale ones flagged."""

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.services import Desk
from partnerdesk.services.gaps import DirectoryLine as ResourceRow
from partnerdesk.services.gaps import directory, fold
from partnerdesk.services.progress import Progress
from partnerdesk.ui.resource_map.editors import EditorDialog, ResourceEditor
from partnerdesk.ui.tasks import run_in_background
from partnerdesk.ui.widgets.data_hub import hub_for

Index = QModelIndex | QPersistentModelIndex
STALE_MARK = "⚠ "
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


class ResourceTableModel(QAbstractTableModel):
    """Fed rows with `set_rows`; never queries."""

    COLUMNS = ("Category", "Resource", "Provider", "Capacity", "Schedule", "Eligibility",
               "Service area", "Last verified")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ResourceRow] = []

    def set_rows(self, rows: list[ResourceRow]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row_at(self, row: int) -> ResourceRow:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.COLUMNS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 7:
                when = row.last_verified.isoformat() if row.last_verified else self.tr("Never")
                return f"{STALE_MARK}{when}" if row.stale else when
            return (row.category, row.name, row.provider, row.capacity, row.schedule,
                    row.eligibility, row.service_area)[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == 7 and row.stale:
            return self.tr("Not verified in the last 12 months: check it is still offered.")
        if role == Qt.ItemDataRole.ForegroundRole and column == 7 and row.stale:
            return QColor("#8a4b00")
        if role == ROW_ROLE:
            return row
        return None


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
        self.model = ResourceTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName(self.tr("Resources"))
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
        self.add_button.clicked.connect(self.add_resource)
        self.edit_button = QPushButton(self.tr("&Edit…"))
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button = QPushButton(self.tr("&Delete"))
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
            return directory(self.desk)

        def done(rows: list[ResourceRow]) -> None:
            if generation == self._generation:  # a newer load supersedes this one
                self._all = rows
                self._filter()

        run_in_background(self, work, on_success=done)

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
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def open_editor(self, record_id: str | None) -> bool:
        editor = ResourceEditor(self.desk)
        editor.load(record_id)
        title = self.tr("New resource") if record_id is None else self.tr("Edit resource")
        return EditorDialog(editor, title, self).exec() == EditorDialog.DialogCode.Accepted

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
