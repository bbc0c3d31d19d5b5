"""A list of one record type beside its editor: the screen most of PartnerDesk is made of.

The table model never holds the whole table: it knows the count, and fetches rows in
pages of `PAGE` from the service (`service.list(limit=, offset=, order_by=, text=)`),
sorted and filtered in SQL, keeping a few pages in a small cache (after Anki's browser
row cache). So 100,000 contacts scroll, sort and filter like 100.

Several rows can be tagged, given a status or deleted together; each is one undo step.
Switching rows with unsaved edits asks Save / Discard / Cancel.
"""

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.services import Desk
from partnerdesk.ui import theme
from partnerdesk.ui.icons import icon
from partnerdesk.ui.widgets.data_hub import hub_for
from partnerdesk.ui.widgets.editor_pane import EditorPane
from partnerdesk.ui.widgets.fit import ColumnFitter
from partnerdesk.ui.widgets.status_label import TONE_ROLE, use_status_labels
from partnerdesk.ui.widgets.tag_edit import parse_tags
from partnerdesk.ui.widgets.undo import BulkEditStep, DeleteStep

PAGE = 100
MAX_PAGES = 60
ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
ANSWERED_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                            ID_ROLE, ROW_ROLE, TONE_ROLE})
Index = QModelIndex | QPersistentModelIndex
Lookups = dict[str, dict[str, str]]


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Any, Lookups], str]
    sort_field: str | None = None  # a database column; None: this column cannot sort
    tone: Callable[[Any, Lookups], str | None] | None = None  # drawn as a status label


@dataclass
class ListSpec:
    """What a list of one record type shows; see `list_specs.py`."""

    record_type: str
    title: str
    singular: str
    columns: Sequence[Column]
    editor: str | Callable[..., Any]  # class path, imported lazily, or a factory
    lookups: Callable[[Any, list[Any]], Lookups] | None = None
    related_types: frozenset[str] = field(default_factory=frozenset)
    statuses: tuple[tuple[str, str], ...] = ()
    default_sort: int = 0
    default_descending: bool = False


def make_editor(editor: str | Callable[..., Any], desk: Desk, parent: QWidget | None) -> Any:
    if isinstance(editor, str):
        module_name, _, class_name = editor.rpartition(".")
        editor = getattr(import_module(module_name), class_name)
    return editor(desk, parent)


class RecordTableModel(QAbstractTableModel):
    """Rows of one record type fetched page by page; sorting and filtering happen in SQL."""

    def __init__(self, desk: Desk, spec: ListSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.spec = spec
        self.service = desk.service(spec.record_type)
        self.columns = list(spec.columns)
        self.sort_column = spec.default_sort
        self.descending = spec.default_descending
        self.text: str | None = None
        self.where: dict[str, Any] | None = None
        self._count = 0
        self._pages: OrderedDict[int, tuple[list[Any], Lookups]] = OrderedDict()
        self._texts: dict[str, list[str]] = {}  # row id -> the texts of its cells
        self.reload()

    # -- fetching ----------------------------------------------------------------------
    def reload(self) -> None:
        self.beginResetModel()
        self._pages.clear()
        self._texts.clear()
        self._count = self.service.count(where=self.where, text=self.text)
        self.endResetModel()

    def _page(self, number: int) -> tuple[list[Any], Lookups]:
        page = self._pages.get(number)
        if page is None and number * PAGE >= self._count:
            return [], {}  # past the last row: nothing to ask the database
        if page is None:
            start = number * PAGE
            order_by = self.columns[self.sort_column].sort_field
            if start > self._count // 2:
                # Near the end, count from the end: SQLite walks OFFSET rows one by one.
                end = min(start + PAGE, self._count)
                rows = self.service.list(
                    where=self.where, text=self.text, limit=end - start,
                    offset=self._count - end, order_by=order_by,
                    descending=not self.descending, bookkeeping=False,
                    matches=self._count if self.text else None)
                rows.reverse()
            else:
                rows = self.service.list(
                    where=self.where, text=self.text, limit=PAGE, offset=start,
                    order_by=order_by, descending=self.descending, bookkeeping=False,
                    matches=self._count if self.text else None)
            lookups = self.spec.lookups(self.desk, rows) if self.spec.lookups and rows else {}
            page = (rows, lookups)
            self._pages[number] = page
            while len(self._pages) > MAX_PAGES:
                _number, (dropped, _lookups) = self._pages.popitem(last=False)
                for old in dropped:
                    self._texts.pop(old.id, None)
        else:
            self._pages.move_to_end(number)
        return page

    def row_at(self, row: int) -> Any | None:
        if not 0 <= row < self._count:
            return None
        rows, _lookups = self._page(row // PAGE)
        offset = row % PAGE
        return rows[offset] if offset < len(rows) else None

    def row_of(self, record_id: str, near: int = 0) -> int:
        """The row showing this record among the pages around `near`, or -1."""
        start = max(near // PAGE - 1, 0)
        pages = -(-self._count // PAGE)
        for number in range(start, min(start + 3, pages)):
            rows, _ = self._page(number)
            for offset, row in enumerate(rows):
                if row.id == record_id:
                    return number * PAGE + offset
        return -1

    # -- the model interface -------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Qt asks for a dozen roles per cell on every paint: answer the unused ones first.
        if role not in ANSWERED_ROLES or not 0 <= index.row() < self._count:
            return None
        rows, lookups = self._page(index.row() // PAGE)
        offset = index.row() % PAGE
        if offset >= len(rows):
            return None
        row = rows[offset]
        if role == ID_ROLE:
            return row.id
        if role == ROW_ROLE:
            return row
        if role == TONE_ROLE:
            tone = self.columns[index.column()].tone
            return tone(row, lookups) if tone is not None else None
        texts = self._texts.get(row.id)
        if texts is None:  # each row's texts are made once, not once per role and paint
            texts = self._texts[row.id] = [column.value(row, lookups)
                                           for column in self.columns]
        return texts[index.column()]

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns) or self.columns[column].sort_field is None:
            return
        self.sort_column = column
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.beginResetModel()  # same rows in another order: no need to count them again
        self._pages.clear()
        self._texts.clear()
        self.endResetModel()

    def set_filter(self, text: str) -> None:
        text = text.strip() or None
        if text != self.text:
            self.text = text
            self.reload()


class RecordListView(QWidget):
    """Filter box and table on the left, the record's editor on the right."""

    sig_open_record = Signal(str, str)
    """The person asked to open a record elsewhere: record type, id."""

    def __init__(self, desk: Desk, spec: ListSpec, undo_stack: QUndoStack,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.spec = spec
        self.undo_stack = undo_stack
        self.service = desk.service(spec.record_type)
        self._changing_row = False
        self._reload_editor_soon = False  # the open record changed elsewhere

        self.filter_box = QLineEdit()
        self.filter_box.setPlaceholderText(self.tr("Filter {things}…").format(
            things=spec.title.lower()))
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.setAccessibleName(self.tr("Filter {things}").format(
            things=spec.title.lower()))
        self.filter_box.setToolTip(self.tr("Show only the {things} whose name contains these "
                                           "words (Ctrl+F).").format(things=spec.title.lower()))
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(250)
        self._filter_timer.timeout.connect(self._apply_filter)
        self.filter_box.textChanged.connect(lambda _t: self._filter_timer.start())
        self.filter_box.returnPressed.connect(self._apply_filter)

        self.new_button = self._tool_button(self.tr("New"), self.tr("Add a new {thing} (Ctrl+N)")
                                            .format(thing=spec.singular), self.new_record, "new")
        self.tag_button = self._tool_button(self.tr("Tag…"), self.tr(
            "Add a tag to the selected {things}").format(things=spec.title.lower()),
            self.tag_selected, "tag")
        self.status_button = self._tool_button(self.tr("Status…"), self.tr(
            "Change the status of the selected {things}").format(things=spec.title.lower()),
            self.set_status_of_selected, "status")
        self.delete_button = self._tool_button(self.tr("Delete"), self.tr(
            "Delete the selected {things} (they go to the Trash; Ctrl+Z undoes it)").format(
            things=spec.title.lower()), self.delete_selected, "delete")

        self.model = RecordTableModel(desk, spec, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(spec.title)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(
            spec.default_sort, Qt.SortOrder.DescendingOrder if spec.default_descending
            else Qt.SortOrder.AscendingOrder)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._on_sort_indicator)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 8)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setColumnWidth(0, 200)
        use_status_labels(self.table, [number for number, column in enumerate(spec.columns)
                                       if column.tone is not None])
        self.column_fitter = ColumnFitter(self.table)  # no scrolling sideways
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self.count_label = QLabel()
        self.count_label.setAccessibleName(self.tr("Number of records shown"))

        # The Delete key on the table deletes the selected rows (after asking).
        self.table.installEventFilter(self)

        self.editor = make_editor(spec.editor, desk, None)
        self.pane = EditorPane(desk, self.editor)
        self.pane.sig_open_record.connect(self.sig_open_record)
        self.editor.sig_saved.connect(self._on_saved)

        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        tools = QHBoxLayout()
        tools.addWidget(self.filter_box, 1)
        for button in (self.new_button, self.tag_button, self.status_button,
                       self.delete_button):
            tools.addWidget(button)
        column.addLayout(tools)
        column.addWidget(self.table, 1)
        column.addWidget(self.count_label)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName(f"{spec.record_type}_list_splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.pane)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        theme.space(layout, margins=1)
        layout.addWidget(self.splitter)
        # Only now that they sit in the layout: showing a widget with no parent yet
        # opens it as a window of its own, which takes the focus from the main window.
        fields = self.service.model.model_fields
        self.tag_button.setVisible("tags" in fields)
        self.status_button.setVisible("status" in fields and bool(spec.statuses))
        QWidget.setTabOrder(self.filter_box, self.new_button)
        QWidget.setTabOrder(self.new_button, self.tag_button)
        QWidget.setTabOrder(self.tag_button, self.status_button)
        QWidget.setTabOrder(self.status_button, self.delete_button)
        QWidget.setTabOrder(self.delete_button, self.table)
        QWidget.setTabOrder(self.table, self.editor)

        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(80)
        self._reload_timer.timeout.connect(self.reload)
        hub_for(desk).sig_data_changed.connect(self._on_data_changed)
        self._update_count()
        self._update_actions()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.table and event.type() == QEvent.Type.KeyPress \
                and isinstance(event, QKeyEvent) and event.matches(
                    QKeySequence.StandardKey.Delete):
            self.delete_selected()
            return True
        return super().eventFilter(watched, event)

    def _tool_button(self, text: str, tip: str, slot: Callable[[], Any],
                     icon_key: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(text.rstrip("…"))
        button.setIcon(icon(icon_key))
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.clicked.connect(slot)
        return button

    # -- settings -------------------------------------------------------------------------
    def save_state(self, settings: QSettings) -> None:
        settings.setValue(f"lists/{self.spec.record_type}/splitter", self.splitter.saveState())
        settings.setValue(f"lists/{self.spec.record_type}/header",
                          self.table.horizontalHeader().saveState())

    def restore_state(self, settings: QSettings) -> None:
        splitter = settings.value(f"lists/{self.spec.record_type}/splitter")
        if splitter:
            self.splitter.restoreState(splitter)
        header = settings.value(f"lists/{self.spec.record_type}/header")
        if header:
            self.table.horizontalHeader().restoreState(header)

    # -- rows ----------------------------------------------------------------------------
    def current_id(self) -> str | None:
        return self.editor.record_id if self.pane.is_showing() else None

    def selected_ids(self) -> list[str]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        ids = []
        for row in rows:
            record = self.model.row_at(row)
            if record is not None:
                ids.append(record.id)
        return ids

    def _on_current_row(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._changing_row or not current.isValid():
            return
        record_id = current.data(ID_ROLE)
        if record_id == self.current_id():
            return
        if not self.pane.maybe_save():
            # Stay on the record with unsaved edits.
            self._changing_row = True
            try:
                self.table.selectionModel().setCurrentIndex(
                    previous, QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
            finally:
                self._changing_row = False
            return
        self.pane.load(record_id)

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)

    def open_record(self, record_id: str) -> bool:
        """Show this record in the editor (asking first about unsaved edits)."""
        if record_id == self.current_id():
            return True
        if not self.pane.maybe_save():
            return False
        self._changing_row = True
        try:
            self.table.clearSelection()
            row = self.model.row_of(record_id)
            if row >= 0:
                self.select_row(row)
        finally:
            self._changing_row = False
        self.pane.load(record_id)
        return True

    def new_record(self) -> None:
        if not self.pane.maybe_save():
            return
        self._changing_row = True
        try:
            self.table.clearSelection()
        finally:
            self._changing_row = False
        self.pane.load(None)
        self.editor.setFocus()
        self.editor.focusNextChild()

    def save(self) -> bool:
        return self.pane.save()

    def maybe_save(self) -> bool:
        return self.pane.maybe_save()

    def focus_filter(self) -> None:
        self.filter_box.setFocus()
        self.filter_box.selectAll()

    def _apply_filter(self) -> None:
        self._filter_timer.stop()
        self._changing_row = True
        try:
            self.model.set_filter(self.filter_box.text())
        finally:
            self._changing_row = False
        self._reselect()
        self._update_count()

    def _on_sort_indicator(self, column: int, _order: Qt.SortOrder) -> None:
        if self.model.columns[column].sort_field is None:
            # Not sortable: put the indicator back where the rows really are sorted.
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(self.model.sort_column, Qt.SortOrder.DescendingOrder
                                    if self.model.descending else Qt.SortOrder.AscendingOrder)
            header.blockSignals(False)
            return
        self._reselect()

    # -- refreshing -----------------------------------------------------------------------
    def _on_data_changed(self, changes: list[Any]) -> None:
        types = {change.record_type for change in changes}
        if self.spec.record_type in types or types & self.spec.related_types:
            self._reload_timer.start()
        current = self.current_id()
        if current and not self.editor.is_dirty() and any(
                c.record_id == current for c in changes):
            self._reload_editor_soon = True
            self._reload_timer.start()

    def reload(self) -> None:
        self._reload_timer.stop()
        current = self.current_id()
        old_row = self.table.currentIndex().row()
        self._changing_row = True  # a reset moves the current row; that is not a choice
        try:
            self.model.reload()
            if not current:
                self.table.selectionModel().clearCurrentIndex()
        finally:
            self._changing_row = False
        self._reselect(near=max(old_row, 0))
        self._update_count()
        if current and self._reload_editor_soon and not self.editor.is_dirty():
            self._reload_editor_soon = False
            deleted = getattr(self.service.get(current), "deleted", False)
            if deleted:
                self.pane.clear()
            else:
                self.pane.load(current)

    def _reselect(self, near: int = 0) -> None:
        current = self.current_id()
        if not current:
            return
        self._changing_row = True
        try:
            row = self.model.row_of(current, near)
            if row >= 0:
                self.select_row(row)
        finally:
            self._changing_row = False

    def _update_count(self) -> None:
        total = self.model.rowCount()
        self.count_label.setText(self.tr("{n} {things}").format(
            n=f"{total:,}", things=self.spec.title.lower()))

    def _update_actions(self) -> None:
        any_selected = self.table.selectionModel().hasSelection()
        for button in (self.tag_button, self.status_button, self.delete_button):
            button.setEnabled(any_selected)

    def _on_saved(self, record_id: str) -> None:
        self.reload()
        self._reselect()

    # -- several rows at once -----------------------------------------------------------
    def _target_ids(self) -> list[str]:
        ids = self.selected_ids()
        if not ids and self.current_id():
            ids = [self.current_id() or ""]
        return ids

    def delete_selected(self) -> None:
        ids = self._target_ids()
        if not ids:
            return
        if len(ids) == 1:
            title = getattr(self.service.get(ids[0]), self.service.title_field, "")
            question = self.tr("Delete “{title}”? It goes to the Trash, where you can restore "
                               "it, and Ctrl+Z undoes it right away.").format(title=title)
        else:
            question = self.tr("Delete these {n} {things}? They go to the Trash, where you can "
                               "restore them, and Ctrl+Z undoes it right away.").format(
                n=len(ids), things=self.spec.title.lower())
        answer = QMessageBox.question(
            self, self.tr("Delete"), question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        if self.current_id() in ids:
            self.pane.clear()
        text = self.tr("Delete {n} {things}").format(
            n=len(ids), things=self.spec.title.lower() if len(ids) > 1 else self.spec.singular)
        self.undo_stack.push(DeleteStep(self.service, ids, text))

    def tag_selected(self) -> None:
        ids = self._target_ids()
        if not ids:
            return
        text, ok = QInputDialog.getText(
            self, self.tr("Add a tag"),
            self.tr("Tag to add to the {n} selected {things}:").format(
                n=len(ids), things=self.spec.title.lower()))
        tags = parse_tags(text) if ok else []
        if not tags:
            return
        before: dict[str, dict[str, Any]] = {}
        after: dict[str, dict[str, Any]] = {}
        for row in self.service.list(where={"id": ids}):
            before[row.id] = {"tags": list(row.tags)}
            after[row.id] = {"tags": parse_tags(", ".join(list(row.tags) + tags))}
        self.undo_stack.push(BulkEditStep(self.service, before, after, self.tr(
            "Tag {n} {things}").format(n=len(ids), things=self.spec.title.lower())))

    def set_status_of_selected(self, status: str | None = None) -> None:
        ids = self._target_ids()
        if not ids or not self.spec.statuses:
            return
        if not status:
            labels = [label for _value, label in self.spec.statuses]
            chosen, ok = QInputDialog.getItem(
                self, self.tr("Change status"),
                self.tr("New status for the {n} selected {things}:").format(
                    n=len(ids), things=self.spec.title.lower()), labels, 0, False)
            if not ok:
                return
            status = dict((label, value) for value, label in self.spec.statuses)[chosen]
        before = {row.id: {"status": row.status} for row in self.service.list(where={"id": ids})}
        after = {record_id: {"status": status} for record_id in before}
        self.undo_stack.push(BulkEditStep(self.service, before, after, self.tr(
            "Change the status of {n} {things}").format(n=len(ids),
                                                        things=self.spec.title.lower())))
