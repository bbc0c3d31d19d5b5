"""A list of one record type beside its editor: the screen most of PartnerDesk is made of.

The table model never holds the whole table: it knows the count, and fetches rows in
pages of `PAGE` from the service (`service.list(limit=, offset=, order_by=, text=)`),
sorted and filtered in SQL, keeping a few pages in a small cache (after Anki's browser
row cache). So 100,000 contacts scroll, sort and filter like 100.

Rows selected together (Shift/Ctrl-click, Ctrl+A on a filtered list) can be tagged,
given a status, an organization or a sharing answer, or deleted, in one step that Undo
takes back whole: the services' bulk path (`RecordService.update_each`, `delete`), run
on the database worker with a progress dialog. Switching rows with unsaved edits asks
Save / Discard / Cancel.
"""

import time
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
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.errors import DeleteClash
from partnerdesk.services import Desk
from partnerdesk.ui import theme
from partnerdesk.ui.icons import icon
from partnerdesk.ui.tasks import DeskOp
from partnerdesk.ui.widgets.data_hub import hub_for
from partnerdesk.ui.widgets.dates import format_notifier
from partnerdesk.ui.widgets.editor_pane import EditorPane
from partnerdesk.ui.widgets.fit import ColumnFitter
from partnerdesk.ui.widgets.status_label import TONE_ROLE, use_status_labels
from partnerdesk.ui.widgets.tag_edit import parse_tags

PAGE = 100
MAX_PAGES = 60
KEEP_SELECTED = 500  # rows chosen by hand that a reload chooses again (Ctrl+A is kept whole)
QUICK_FILTER_SECONDS = 0.06  # a filter this quick runs at each key press
FILTER_PAUSE_MS = 200  # otherwise it waits for this pause in the typing
ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
ANSWERED_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                            ID_ROLE, ROW_ROLE, TONE_ROLE})
ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable  # asked per cell, per paint
Index = QModelIndex | QPersistentModelIndex
Lookups = dict[str, dict[str, str]]


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Any, Lookups], str]
    sort_field: str | None = None  # a database column; None: this column cannot sort
    tone: Callable[[Any, Lookups], str | None] | None = None  # drawn as a status label
    whole: bool = False  # never cut to share the width (a date and time, an amount)
    tip: Callable[[Any, Lookups], str] | None = None  # the tooltip, when not the text


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
        if self.text:
            # A filter: its count and first page in one go (one statement on a server).
            self._count, rows = self.service.first_page(
                where=self.where, text=self.text, limit=PAGE, descending=self.descending,
                order_by=self.columns[self.sort_column].sort_field, bookkeeping=False)
            if rows:
                self._pages[0] = (rows, self._lookups(rows))
        else:
            self._count = self.service.count(where=self.where, text=self.text)
        self.endResetModel()

    def _lookups(self, rows: list[Any]) -> Lookups:
        return self.spec.lookups(self.desk, rows) if self.spec.lookups and rows else {}

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
            page = (rows, self._lookups(rows))
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
        if role not in ANSWERED_ROLES:
            return None
        number = index.row()
        if not 0 <= number < self._count:
            return None
        page, offset = divmod(number, PAGE)
        rows, lookups = self._page(page)
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
        tip = self.columns[index.column()].tip
        if role == Qt.ItemDataRole.ToolTipRole and tip is not None:
            return tip(row, lookups) or None
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
        return ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

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

    def __init__(self, desk: Desk, spec: ListSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.spec = spec
        self.task: Any = None  # a change to many rows running on the database worker
        self.service = desk.service(spec.record_type)
        self._changing_row = False
        self._reload_editor_soon = False  # the open record changed elsewhere
        self._open_row = 0  # where the open record was last seen in the list

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
        self._filter_timer.setInterval(FILTER_PAUSE_MS)
        self._filter_timer.timeout.connect(self._apply_filter)
        self._filter_seconds = 0.0  # how long the last filter took
        self.filter_box.textChanged.connect(self._filter_typed)
        self.filter_box.returnPressed.connect(self._apply_filter)

        self.new_button = self._tool_button(self.tr("New"), self.tr("Add a new {thing} (Ctrl+N)")
                                            .format(thing=spec.singular), self.new_record, "new")
        self.tag_button = self._tool_button(self.tr("Tag…"), self.tr(
            "Add a tag to the selected {things}").format(things=spec.title.lower()),
            self.tag_selected, "tag")
        self.status_button = self._tool_button(self.tr("Status…"), self.tr(
            "Change the status of the selected {things}").format(things=spec.title.lower()),
            self.set_status_of_selected, "status")
        self.change_button = self._tool_button(self.tr("Change…"), self.tr(
            "Change one field of every selected {thing}: tags, sharing, organization").format(
            thing=spec.singular), self._show_change_menu, "edit")
        self.change_menu = QMenu(self.change_button)
        self.change_button.setMenu(self.change_menu)
        self.change_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        # Its icon only (named for screen readers, the tip says what it does): the row of
        # tools fits beside the filter in a narrow list.
        self.change_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
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
        self.column_fitter = ColumnFitter(self.table, frozenset(  # no scrolling sideways
            number for number, column in enumerate(spec.columns) if column.whole))
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
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
                       self.change_button, self.delete_button):
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
        self._build_change_menu(fields)
        self.change_button.setVisible(bool(self.change_menu.actions()))
        QWidget.setTabOrder(self.filter_box, self.new_button)
        QWidget.setTabOrder(self.new_button, self.tag_button)
        QWidget.setTabOrder(self.tag_button, self.status_button)
        QWidget.setTabOrder(self.status_button, self.change_button)
        QWidget.setTabOrder(self.change_button, self.delete_button)
        QWidget.setTabOrder(self.delete_button, self.table)
        QWidget.setTabOrder(self.table, self.editor)

        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(80)
        self._reload_timer.timeout.connect(self.reload)
        hub_for(desk).sig_data_changed.connect(self._on_data_changed)
        format_notifier().sig_changed.connect(self.model.reload)  # dates in the new format
        self._update_count()
        self._update_actions()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.table and event.type() == QEvent.Type.KeyPress \
                and isinstance(event, QKeyEvent):
            if event.matches(QKeySequence.StandardKey.Delete):
                self.delete_selected()
                return True
            # Ctrl+Home / Ctrl+End move Qt's current row without selecting it, so the
            # highlighted row and the open record would part: go there and select it.
            ends = {Qt.Key.Key_Home: 0, Qt.Key.Key_End: self.model.rowCount() - 1}
            if event.key() in ends and event.modifiers() == Qt.KeyboardModifier.ControlModifier:
                if self.model.rowCount():
                    self.select_row(ends[event.key()])
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
            # Stay on the record with unsaved edits, and highlight its row again once the
            # click (or key) that moved the highlight has finished selecting.
            self._highlight_open_record()
            QTimer.singleShot(0, self._highlight_open_record)
            return
        self._open_row = current.row()
        self.pane.load(record_id)

    def _highlight_open_record(self) -> None:
        """The highlighted row is the open record's (none when it is new or not listed)."""
        self._changing_row = True
        try:
            row = self.model.row_of(self.current_id() or "", self._open_row) \
                if self.current_id() else -1
            if row >= 0:
                self.select_row(row)
            else:
                self.table.clearSelection()
                self.table.selectionModel().clearCurrentIndex()
        finally:
            self._changing_row = False

    def select_row(self, row: int) -> None:
        self._open_row = row
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
        self.editor.focus_first_field()

    def save(self) -> bool:
        return self.pane.save()

    def maybe_save(self) -> bool:
        return self.pane.maybe_save()

    def focus_filter(self) -> None:
        self.filter_box.setFocus()
        self.filter_box.selectAll()

    def _filter_typed(self, _text: str) -> None:
        """Filter as each key is pressed while that is quick; when it is slow (a huge
        list, a busy laptop), wait for a pause in the typing instead."""
        if self._filter_seconds <= QUICK_FILTER_SECONDS:
            self._apply_filter()
        else:
            self._filter_timer.start()

    def _apply_filter(self) -> None:
        self._filter_timer.stop()
        started = time.perf_counter()
        self._changing_row = True
        try:
            self.model.set_filter(self.filter_box.text())
        finally:
            self._changing_row = False
        self._reselect()
        self._update_count()
        self._filter_seconds = time.perf_counter() - started

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
        if not current:
            return
        # A big write elsewhere is announced by record type only (record_id "").
        about_it = [c for c in changes if c.record_id == current or (
            c.record_id == "" and c.record_type == self.spec.record_type)]
        # The rows of the record's lists (its attendees, milestones) are records of their
        # own: a save of them names them, not the record.
        # (With typing on screen only someone else's count: see below.)
        dirty = self.editor.is_dirty()
        rows = [c for c in changes if c.record_type != self.spec.record_type
                and (c.elsewhere or not dirty)]
        rows_changed = bool(rows) and self.editor.concerns(rows)
        if not about_it and not rows_changed:
            return
        if not dirty:
            self._reload_editor_soon = True
            self._reload_timer.start()
        elif rows_changed or any(c.elsewhere and c.action != "deleted" for c in about_it):
            # Someone else saved the record being edited here: it shows their values
            # where this person has typed nothing (`show_saved_meanwhile`). This
            # window's own saves and undos are not someone else's: the editor saving
            # is still dirty while its save is announced. A deletion elsewhere is
            # found by Save, which asks.
            self.editor.show_saved_meanwhile()

    def reload(self) -> None:
        self._reload_timer.stop()
        current = self.current_id()
        old_row = self.table.currentIndex().row()
        # Rows chosen for a change to many stay chosen when the list follows that change,
        # so the next change (a status after a tag) goes to the same rows.
        all_selected = self._all_selected()
        kept = [] if all_selected else self._selected_for_keeping()
        self._changing_row = True  # a reset moves the current row; that is not a choice
        try:
            self.model.reload()
            if not current:
                self.table.selectionModel().clearCurrentIndex()
        finally:
            self._changing_row = False
        self._reselect(near=max(old_row, 0))
        self._select_again(all_selected, kept)
        self._update_count()
        if current and self._reload_editor_soon and not self.editor.is_dirty():
            self._reload_editor_soon = False
            deleted = getattr(self.service.get(current), "deleted", False)
            if deleted:
                self.pane.clear()
            else:
                self.pane.load(current)

    def _selected_for_keeping(self) -> list[tuple[str, int]]:
        """(id, row) of each selected row when several are, up to KEEP_SELECTED of them."""
        rows = self.table.selectionModel().selectedRows()
        if len(rows) < 2 or len(rows) > KEEP_SELECTED:
            return []
        kept = []
        for index in rows:
            record = self.model.row_at(index.row())
            if record is not None:
                kept.append((record.id, index.row()))
        return kept

    def _select_again(self, all_selected: bool, kept: list[tuple[str, int]]) -> None:
        selection = self.table.selectionModel()
        if all_selected and self.model.rowCount():
            self.table.selectAll()
        elif kept:
            flags = QItemSelectionModel.SelectionFlag.Select \
                | QItemSelectionModel.SelectionFlag.Rows
            for record_id, near in kept:
                row = self.model.row_of(record_id, near)
                if row >= 0:
                    selection.select(self.model.index(row, 0), flags)
        self._update_actions()

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

    def _on_selection_changed(self, *_: Any) -> None:
        self._update_actions()
        self._update_count()

    def _selected_count(self) -> int:
        # Whole-row ranges: summing their heights stays cheap after Ctrl+A on 100,000 rows.
        return sum(part.height() for part in self.table.selectionModel().selection())

    def _update_count(self) -> None:
        total = self.model.rowCount()
        shown = self.tr("{n} {things}").format(
            n=f"{total:,}", things=self.spec.singular if total == 1
            else self.spec.title.lower())
        selected = self._selected_count()
        if selected > 1:  # one selected row is the open record, nothing to count
            shown = self.tr("{shown}, {n} selected").format(shown=shown, n=f"{selected:,}")
        self.count_label.setText(shown)

    def _update_actions(self) -> None:
        any_selected = self.table.selectionModel().hasSelection()
        for button in (self.tag_button, self.status_button, self.change_button,
                       self.delete_button):
            button.setEnabled(any_selected and self.task is None)

    def _on_saved(self, record_id: str) -> None:
        self.reload()
        self._reselect()

    # -- several rows at once -----------------------------------------------------------
    def _build_change_menu(self, fields: Any) -> None:
        menu = self.change_menu
        if "tags" in fields:
            menu.addAction(self.tr("Add a tag…"), self.tag_selected)
            menu.addAction(self.tr("Remove a tag…"), self.untag_selected)
        if "status" in fields and self.spec.statuses:
            menu.addAction(self.tr("Status…"), self.set_status_of_selected)
        if "share_ok" in fields:
            menu.addAction(self.tr("May be shared with partners"),
                           lambda: self.set_sharing_of_selected(True))
            menu.addAction(self.tr("May not be shared with partners"),
                           lambda: self.set_sharing_of_selected(False))
        if "organization_id" in fields:
            menu.addAction(self.tr("Organization…"), self.set_organization_of_selected)

    def _show_change_menu(self) -> None:
        self.change_button.showMenu()

    def _all_selected(self) -> bool:
        """Every row of the (filtered) list is selected: Ctrl+A."""
        total = self.model.rowCount()
        return total > 0 and len(self.table.selectionModel().selectedRows()) >= total

    def _targets(self) -> tuple[int, Callable[[], list[str]]]:
        """How many records the selection holds, and a function (safe on the worker)
        giving their ids: with every row selected, the filter's matches are read by id
        on the worker, not page by page here."""
        if self._all_selected():
            where, text, service = self.model.where, self.model.text, self.service
            return self.model.rowCount(), lambda: service.ids(where=where, text=text)
        ids = self._target_ids()
        return len(ids), lambda: ids

    def _target_ids(self) -> list[str]:
        ids = self.selected_ids()
        if not ids and self.current_id():
            ids = [self.current_id() or ""]
        return ids

    def _things(self, count: int) -> str:
        return self.spec.singular if count == 1 else self.spec.title.lower()

    def run_on_selected(self, label: str, work: Callable[[list[str], Any], Any],
                        handle: Callable[[BaseException], bool] | None = None) -> None:
        """`work(ids, progress)` on the database worker, with a progress dialog; the list
        follows once it is done (its change notices), and Undo takes it back whole.
        `handle(error)`: True when it dealt with a failure itself (else it is shown)."""
        count, ids_of = self._targets()
        if not count or self.task is not None:
            return

        def finished(_result: Any) -> None:
            self.task = None
            self._update_actions()

        def failed(error: BaseException) -> None:
            from partnerdesk.ui.errors import show_error

            finished(None)
            if handle is None or not handle(error):
                show_error(self, error)

        self.task = DeskOp(self, lambda progress: work(ids_of(), progress)) \
            .success(finished).failure(failed) \
            .with_progress(label, cancellable=False).run_in_background()
        self._update_actions()

    def delete_selected(self) -> None:
        count, _ids = self._targets()
        if not count or self.task is not None:
            return
        revs: dict[str, str] = {}
        if count == 1:
            [target] = self._target_ids()
            row = self.service.get(target)
            title = getattr(row, self.service.title_field, "")
            # What the person saw of it: someone else's change since is not thrown away
            # unseen (`DeleteClash`, asked about below).
            seen = self.editor.shown_rev if self.editor.record_id == target else None
            if seen or getattr(row, "rev", None):
                revs[target] = str(seen or row.rev)  # type: ignore[union-attr]
            question = self.tr("Delete “{title}”? It goes to the Trash, where you can restore "
                               "it, and Ctrl+Z undoes it right away.").format(title=title)
        else:
            question = self.tr("Delete these {n} {things}? They go to the Trash, where you can "
                               "restore them, and Ctrl+Z undoes it right away.").format(
                n=f"{count:,}", things=self.spec.title.lower())
        answer = QMessageBox.question(
            self, self.tr("Delete"), question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._delete_targets(count, revs)

    def _delete_targets(self, count: int, revs: dict[str, str]) -> None:
        shown = self.current_id() if self.current_id() in self._target_ids() else None
        if shown or self._all_selected():
            self.pane.clear()
        service = self.service

        def changed_meanwhile(error: BaseException) -> bool:
            if not isinstance(error, DeleteClash):
                return False
            answer = QMessageBox.question(
                self, self.tr("Delete"), "\n\n".join([str(error), self.tr(
                    "Delete anyway? No keeps it and shows it as it is now.")]),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No)
            if answer == QMessageBox.StandardButton.Yes:
                self._delete_targets(count, {**revs, **error.revs})
            elif shown:
                self.pane.load(shown)  # their change, on screen
            return True

        self.run_on_selected(self.tr("Deleting {n} {things}…").format(
            n=f"{count:,}", things=self._things(count)),
            lambda ids, progress: service.delete(*ids, progress=progress, revs=revs),
            changed_meanwhile)

    def change_selected(self, label: str, change: Callable[[dict[str, Any]], dict[str, Any]],
                        ) -> None:
        """The same change (`change(row)` -> fields) to every selected record."""
        count, _ids = self._targets()
        if not count:
            return
        service = self.service
        self.run_on_selected(label.format(n=f"{count:,}", things=self._things(count)),
                             lambda ids, progress: service.bulk_change(
                                 ids, change, progress=progress))

    def tag_selected(self) -> None:
        count, _ids = self._targets()
        if not count:
            return
        text, ok = QInputDialog.getText(
            self, self.tr("Add a tag"),
            self.tr("Tag to add to the {n} selected {things}:").format(
                n=f"{count:,}", things=self.spec.title.lower()))
        tags = parse_tags(text) if ok else []
        if not tags:
            return
        self.change_selected(self.tr("Tagging {n} {things}…"), lambda row: {
            "tags": parse_tags(", ".join([*row["tags"], *tags]))})

    def untag_selected(self) -> None:
        count, _ids = self._targets()
        if not count:
            return
        text, ok = QInputDialog.getText(
            self, self.tr("Remove a tag"),
            self.tr("Tag to remove from the {n} selected {things}:").format(
                n=f"{count:,}", things=self.spec.title.lower()))
        gone = {tag.casefold() for tag in parse_tags(text)} if ok else set()
        if not gone:
            return
        self.change_selected(self.tr("Removing a tag from {n} {things}…"), lambda row: {
            "tags": [tag for tag in row["tags"] if tag.casefold() not in gone]})

    def set_status_of_selected(self, status: str | None = None) -> None:
        count, _ids = self._targets()
        if not count or not self.spec.statuses:
            return
        if not status:
            labels = [label for _value, label in self.spec.statuses]
            chosen, ok = QInputDialog.getItem(
                self, self.tr("Change status"),
                self.tr("New status for the {n} selected {things}:").format(
                    n=f"{count:,}", things=self.spec.title.lower()), labels, 0, False)
            if not ok:
                return
            status = dict((label, value) for value, label in self.spec.statuses)[chosen]
        self.change_selected(self.tr("Changing the status of {n} {things}…"),
                             lambda _row: {"status": status})

    def set_sharing_of_selected(self, share_ok: bool) -> None:
        self.change_selected(self.tr("Changing the sharing of {n} {things}…"),
                             lambda _row: {"share_ok": share_ok})

    def set_organization_of_selected(self, organization_id: str | None = None) -> None:
        count, _ids = self._targets()
        if not count:
            return
        if organization_id is None:
            names = {org.name: org.id for org in self.desk.organizations.list()}
            chosen, ok = QInputDialog.getItem(
                self, self.tr("Change organization"),
                self.tr("Organization of the {n} selected {things}:").format(
                    n=f"{count:,}", things=self.spec.title.lower()),
                sorted(names, key=str.casefold), 0, True)
            if not ok or chosen not in names:
                return
            organization_id = names[chosen]
        self.change_selected(self.tr("Changing the organization of {n} {things}…"),
                             lambda _row: {"organization_id": organization_id})
