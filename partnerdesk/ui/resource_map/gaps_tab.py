"""The Gaps tab: community needs by priority against the resources that meet them."""

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.services import Desk
from partnerdesk.services.gaps import (
    COVERAGE_ORDER,
    PRIORITY_ORDER,
    DirectoryLine,
    NeedCoverage,
    fold,
)
from partnerdesk.services.needs_import import NeedsImportResult
from partnerdesk.services.progress import Progress
from partnerdesk.ui.errors import show_error
from partnerdesk.ui.resource_map.editors import EditorDialog, NeedEditor
from partnerdesk.ui.tasks import DeskOp
from partnerdesk.ui.widgets.data_hub import hub_for
from partnerdesk.ui.widgets.row_table import ColumnSpec, RowTableModel, RowTableView

# A symbol and a word for each coverage, so colour is never the only signal.
COVERAGE_TEXT = {"unmet": "✗ Unmet", "thin": "◐ Thin", "covered": "✓ Covered"}
COVERAGE_TONE = {"unmet": "danger", "thin": "warning", "covered": "good"}
WATCHED = ("need", "resource", "need_resource_link", "organization", "category")


def gaps_columns(tr: Callable[[str], str]) -> list[ColumnSpec[NeedCoverage]]:
    """Priority, need, category, area, coverage (with its reason), resources."""
    def resources(line: NeedCoverage) -> str:
        names = ", ".join(f"{m.name} ({m.organization})" for m in line.resources)
        return (tr("Linked: ") if line.linked else "") + (names or "—")

    return [
        ColumnSpec(tr("Priority"), lambda line: tr(line.priority_label),
                   sort=lambda line: PRIORITY_ORDER.get(line.priority, 99)),
        ColumnSpec(tr("Need"), lambda line: line.need),
        ColumnSpec(tr("Category"), lambda line: line.category),
        ColumnSpec(tr("Area"), lambda line: line.area or tr("Anywhere")),
        ColumnSpec(tr("Coverage"), lambda line: tr(COVERAGE_TEXT[line.coverage]),
                   sort=lambda line: COVERAGE_ORDER[line.coverage],
                   tooltip=lambda line: tr(line.reason),
                   tone=lambda line: COVERAGE_TONE[line.coverage]),
        ColumnSpec(tr("Resources"), resources, tooltip=lambda line: tr(line.reason)),
    ]


class LinkDialog(QDialog):
    """Tick the resources that address a need; none ticked means match by category."""

    def __init__(self, desk: Desk, need: NeedCoverage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.need = need
        self.setWindowTitle(self.tr("Resources for this need"))
        intro = QLabel(self.tr(
            "Tick the resources that address “%1”. Ticked resources count whatever their "
            "category or area; with none ticked, resources of the same category serving "
            "the same area count.").replace("%1", need.need))
        intro.setWordWrap(True)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Find a resource or provider"))
        self.search.setAccessibleName(self.tr("Find a resource or provider"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Resources"))
        linked = set(desk.resource_map.linked_resource_ids(need.need_id))
        lines: list[DirectoryLine] = sorted(desk.resource_map.directory(), key=lambda r: (
            r.category != need.category, fold(r.name)))
        for line in lines:
            item = QListWidgetItem(f"{line.name} — {line.provider} ({line.category})")
            item.setData(Qt.ItemDataRole.UserRole, line.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if line.id in linked
                               else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(520, 480)

    def checked_ids(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def _filter(self) -> None:
        words = fold(self.search.text()).split()
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setHidden(not all(w in fold(item.text()) for w in words))

    def _save(self) -> None:
        try:
            self.desk.resource_map.set_links(self.need.need_id, self.checked_ids())
        except Exception as error:  # shown calmly; the ticks stay as they are
            show_error(self, error)
            return
        self.accept()


class GapsTab(QWidget):
    sig_open_record = Signal(str, str)
    """Open a record: record type, record id."""
    sig_loaded = Signal()
    """The table shows freshly computed coverage."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self._generation = 0
        self._started = False
        self._changed = QTimer(self)
        self._changed.setSingleShot(True)
        self._changed.setInterval(150)
        self._changed.timeout.connect(self.refresh)
        self.model: RowTableModel[NeedCoverage] = RowTableModel(gaps_columns(self.tr), self)
        self.table = RowTableView(self.model, accessible_name=self.tr(
            "Community needs and their coverage"))
        self.table.setWordWrap(False)
        for column, width in enumerate((80, 300, 130, 130, 110)):
            self.table.horizontalHeader().resizeSection(column, width)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())

        self.category = QComboBox()
        self.category.setAccessibleName(self.tr("Category"))
        self.category.addItem(self.tr("All categories"), None)
        for row in desk.categories.list(order_by="name"):
            self.category.addItem(row.name, row.name)
        self.category.currentIndexChanged.connect(self.refresh)
        self.add_button = QPushButton(self.tr("&Add need…"))
        self.add_button.clicked.connect(self.add_need)
        self.edit_button = QPushButton(self.tr("&Edit…"))
        self.edit_button.clicked.connect(self.edit_selected)
        self.link_button = QPushButton(self.tr("&Link resources…"))
        self.link_button.setToolTip(self.tr("Choose the resources that address this need"))
        self.link_button.clicked.connect(self.link_selected)
        self.delete_button = QPushButton(self.tr("&Delete"))
        self.delete_button.clicked.connect(self.delete_selected)
        self.import_button = QPushButton(self.tr("&Import needs…"))
        self.import_button.setToolTip(self.tr(
            "Add needs from a spreadsheet saved as CSV with the columns category, "
            "description, priority and area"))
        self.import_button.clicked.connect(self.import_needs)
        self.summary = QLabel()
        self.summary.setWordWrap(True)

        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Show:")))
        bar.addWidget(self.category)
        bar.addStretch(1)
        for button in (self.add_button, self.edit_button, self.link_button,
                       self.delete_button, self.import_button):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        hub_for(desk).sig_data_changed.connect(self._on_changes)

    # -- loading -------------------------------------------------------------------
    def refresh(self) -> None:
        """Compute coverage off the UI thread; a newer request supersedes older ones."""
        self._started = True
        self._generation += 1
        generation = self._generation
        category = self.category.currentData()
        self.summary.setText(self.tr("Working out coverage…"))

        def work(_progress: Progress) -> list[NeedCoverage]:
            return self.desk.resource_map.coverage([category] if category else None)

        def done(rows: list[NeedCoverage]) -> None:
            if generation != self._generation:
                return
            self.model.set_rows(rows)
            counts = {key: sum(1 for r in rows if r.coverage == key)
                      for key in ("unmet", "thin", "covered")}
            self.summary.setText(self.tr("%1 needs: %2 unmet, %3 thin, %4 covered. Point at "
                                         "a coverage to see why.")
                                 .replace("%1", str(len(rows)))
                                 .replace("%2", str(counts["unmet"]))
                                 .replace("%3", str(counts["thin"]))
                                 .replace("%4", str(counts["covered"])))
            self.sig_loaded.emit()

        DeskOp(self, work).success(done).run_in_background()

    def _on_changes(self, changes: list[Any]) -> None:
        if self._started and any(c.record_type in WATCHED for c in changes):
            self._changed.start()

    # -- actions ---------------------------------------------------------------------
    def selected(self) -> NeedCoverage | None:
        line: NeedCoverage | None = self.table.selected_row()
        return line

    def open_editor(self, record_id: str | None) -> bool:
        editor = NeedEditor(self.desk)
        editor.load(record_id)
        title = self.tr("New community need") if record_id is None else self.tr("Edit need")
        return EditorDialog(editor, title, self).exec() == EditorDialog.DialogCode.Accepted

    def add_need(self) -> None:
        self.open_editor(None)

    def edit_selected(self) -> None:
        line = self.selected()
        if line is not None:
            self.open_editor(line.need_id)

    def link_selected(self) -> None:
        line = self.selected()
        if line is None:
            QMessageBox.information(self, self.tr("Link resources"),
                                    self.tr("Choose a need in the table first."))
            return
        LinkDialog(self.desk, line, self).exec()

    def delete_selected(self) -> None:
        line = self.selected()
        if line is None:
            return
        answer = QMessageBox.question(
            self, self.tr("Delete need"),
            self.tr("Delete “%1”? You can bring it back from the Trash.").replace(
                "%1", line.need))
        if answer == QMessageBox.StandardButton.Yes:
            self.desk.needs.delete(line.need_id)

    def import_needs(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Import community needs"), "",
            self.tr("CSV files (*.csv);;All files (*)"))
        if not path:
            return

        def work(_progress: Progress) -> NeedsImportResult:
            return self.desk.resource_map.import_needs(path)

        def done(result: NeedsImportResult) -> None:
            text = self.tr("%1 needs were added.").replace("%1", str(result.created))
            if result.skipped:
                text += " " + self.tr("%1 were already there and were left as they are."
                                      ).replace("%1", str(result.skipped))
            QMessageBox.information(self, self.tr("Needs imported"), text)

        DeskOp(self, work).success(done).with_progress(self.tr("Importing needs…")) \
            .run_in_background()
