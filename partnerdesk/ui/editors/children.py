"""Child records edited inside a parent's editor (milestones, parties, action items…).

Rows are kept in memory until the parent is saved: a new partnership has no id yet,
and nothing should reach the database before the person presses Save. On save, the
editor sends what changed in each list (`ChildRowsModel.pending()`: new rows, changed
fields, removed ids) with the record in one whole-save service call
(`desk.partnerships.save(...)` and the like), which writes it all in one transaction or
nothing. Each row is a dict of service field values plus "id" (None when new); keys
starting with "_" are display-only helpers and never saved. A problem the service finds
in a row is shown under that row's list, with the row selected.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.errors import EditClash, FieldProblem, RowProblem, ValidationError
from partnerdesk.services import Desk
from partnerdesk.services.records import RecordService
from partnerdesk.services.whole_save import ChildChanges
from partnerdesk.ui import theme
from partnerdesk.ui.editor_base import RecordEditor, as_text
from partnerdesk.ui.errors import show_error
from partnerdesk.ui.icons import icon
from partnerdesk.ui.widgets.dates import DateDelegate, DateEdit, show_date
from partnerdesk.ui.widgets.fit import fit_rows
from partnerdesk.ui.widgets.status_label import TONE_ROLE, use_status_labels

Index = QModelIndex | QPersistentModelIndex
Row = dict[str, Any]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text | date | bool | number | int | label
    editable: bool = True
    display: Callable[[Row], str] | None = None
    tone: Callable[[Row], str | None] | None = None  # drawn as a status label (theme tones)


def saved_fields(row: Row) -> Row:
    return {k: v for k, v in row.items() if k != "id" and not k.startswith("_")}


def format_date(value: date | None) -> str:
    return show_date(value)


def overdue(row: Row, today: date | None = None) -> bool:
    """Work not done whose due date has passed."""
    due = row.get("due_date")
    return bool(due and not row.get("done") and due < (today or date.today()))


def due_column(header: str) -> Column:
    """A due date that says so when the work is late: "12 Jan 2027 (overdue)", drawn as a
    danger label (the word carries it in black and white and to a screen reader)."""
    def shown(row: Row) -> str:
        text = format_date(row.get("due_date"))
        return QCoreApplication.translate("Children", "{date} (overdue)").format(
            date=text) if overdue(row) else text

    return Column("due_date", header, "date", display=shown,
                  tone=lambda row: "danger" if overdue(row) else None)


class ChildRowsModel(QAbstractTableModel):
    """The rows of one child list, with what changed since they were loaded."""

    sig_changed = Signal()
    """A row was added, removed or edited."""

    def __init__(self, columns: Sequence[Column], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[Row] = []
        self._original: dict[str, Row] = {}
        self._removed: list[str] = []
        self._revs: dict[str, str] = {}  # row id -> the revision it was read at

    # -- rows ----------------------------------------------------------------------
    def set_rows(self, rows: Sequence[Row]) -> None:
        """Rows as saved in the database: the starting point for 'changed'."""
        self.beginResetModel()
        self._rows = [dict(row) for row in rows]
        self._original = {row["id"]: saved_fields(row) for row in self._rows if row.get("id")}
        self._revs = {row["id"]: row["_rev"] for row in self._rows
                      if row.get("id") and row.get("_rev")}
        self._removed = []
        self.endResetModel()

    def rows(self) -> list[Row]:
        return [dict(row) for row in self._rows]

    def row(self, index: int) -> Row:
        return self._rows[index]

    def add_row(self, values: Row) -> int:
        position = len(self._rows)
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.append({"id": None, **values})
        self.endInsertRows()
        self.sig_changed.emit()
        return position

    def adopt_row(self, row_id: str, before: Row, after: Row) -> int:
        """Bring an existing record into this list (saved as a change, not a copy)."""
        position = len(self._rows)
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.append({"id": row_id, **after, "_adopted": True})
        self._original[row_id] = saved_fields(before)
        self.endInsertRows()
        self.sig_changed.emit()
        return position

    def remove_rows(self, positions: Sequence[int]) -> None:
        for position in sorted(set(positions), reverse=True):
            self.beginRemoveRows(QModelIndex(), position, position)
            gone = self._rows.pop(position)
            self.endRemoveRows()
            if gone.get("_adopted"):  # taken back out: it stays where it came from
                self._original.pop(gone["id"], None)
            elif gone.get("id"):
                self._removed.append(gone["id"])
        if positions:
            self.sig_changed.emit()

    def set_value(self, position: int, key: str, value: Any) -> None:
        if self._rows[position].get(key) == value:
            return
        self._rows[position][key] = value
        self.dataChanged.emit(self.index(position, 0),
                              self.index(position, self.columnCount() - 1))
        self.sig_changed.emit()

    def pending(self, from_keys: Mapping[str, str] | None = None) -> ChildChanges:
        """What changed since the rows were loaded, as a whole save takes it.

        `from_keys`: service field -> display key whose value a new row sends in that
        field (an indicator's own key as its id, so its new measurements can link to it)."""
        new: list[Row] = []
        changed: dict[str, Row] = {}
        for row in self._rows:
            values = saved_fields(row)
            if not row.get("id"):
                new.append({**values, **{name: row[key]
                                         for name, key in (from_keys or {}).items()}})
                continue
            before = self._original.get(row["id"], {})
            changes = {k: v for k, v in values.items() if before.get(k) != v}
            if changes:
                changed[row["id"]] = changes
        # The revision each changed or removed row was read at: the service merges the
        # row with any save of it made since, as it does the record, and removes no row
        # someone changed after it was read here (`services.whole_save`).
        revs = {row_id: self._revs[row_id] for row_id in [*changed, *self._removed]
                if row_id in self._revs}
        return ChildChanges(new=new, changed=changed, removed=list(self._removed), revs=revs)

    def holds(self, row_id: str) -> bool:
        """The row is in this list, or was removed from it here (not saved yet)."""
        return row_id in self._removed or any(row.get("id") == row_id for row in self._rows)

    def saved_over(self, row_id: str, rev: str) -> None:
        """Someone else saved this row meanwhile: the next save goes against `rev`
        (what the person keeps in the row is then saved over theirs, as they chose)."""
        self._revs[row_id] = rev

    def snapshot(self) -> tuple[list[Row], dict[str, Row], list[str], dict[str, str]]:
        """Everything this list holds, typed changes included (see `put_back`)."""
        return ([dict(row) for row in self._rows], dict(self._original), list(self._removed),
                dict(self._revs))

    def put_back(self, held: tuple[list[Row], dict[str, Row], list[str],
                                   dict[str, str]]) -> None:
        """The list as `snapshot` took it, typed changes and all."""
        self.beginResetModel()
        self._rows, self._original = [dict(row) for row in held[0]], dict(held[1])
        self._removed, self._revs = list(held[2]), dict(held[3])
        self.endResetModel()

    def keep_changes(self, held: tuple[list[Row], dict[str, Row], list[str],
                                       dict[str, str]]) -> None:
        """The rows as saved now (`set_rows` has just read them), with what the person did
        to the list as `snapshot` held it: rows they added, changed or removed stay so
        (a changed row keeps the values and revision it was read at, so a field someone
        else changed too is still a clash at Save); every other row shows what was saved
        meanwhile, someone else's new rows and removals included."""
        rows, original, removed, revs = held
        changed: dict[str, Row] = {}
        added: list[Row] = []
        for row in rows:
            row_id = row.get("id")
            if not row_id:
                added.append(row)
            elif row.get("_adopted") or saved_fields(row) != original.get(row_id):
                changed[row_id] = row
        mine = set(changed)
        kept: list[Row] = []
        for row in self._rows:
            row_id = row["id"]
            if row_id in removed:
                continue
            kept.append(dict(changed.pop(row_id)) if row_id in changed else row)
        # a row the person changed that is no longer here (someone else removed it) stays
        # with the change, so the save says what happened instead of dropping it
        kept += [dict(row) for row in changed.values()]
        kept += [dict(row) for row in added]
        self.beginResetModel()
        self._rows = kept
        for row_id in mine | set(removed):
            if row_id in original:
                self._original[row_id] = dict(original[row_id])
            if row_id in revs:
                self._revs[row_id] = revs[row_id]
        self._removed = list(removed)
        self.endResetModel()

    def is_changed(self) -> bool:
        return bool(self.pending())

    def position_of(self, problem: RowProblem) -> int | None:
        """The row a service's problem is about: by id, or by its place among new rows."""
        if problem.new_index is not None:
            new = [position for position, row in enumerate(self._rows) if not row.get("id")]
            return new[problem.new_index] if problem.new_index < len(new) else None
        return next((position for position, row in enumerate(self._rows)
                     if row.get("id") and row["id"] == problem.row_id), None)

    # -- Qt model ------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        column = self.columns[index.column()]
        if column.kind == "bool" and column.editable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        elif column.editable and column.kind != "label":
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        value = row.get(column.key)
        if role == Qt.ItemDataRole.DisplayRole:
            if column.display is not None:
                return column.display(row)
            if column.kind == "bool":
                return None
            if column.kind == "date":
                return format_date(value)
            return "" if value is None else (f"{value:g}" if isinstance(value, float)
                                             else str(value))
        if role == Qt.ItemDataRole.EditRole:
            if column.kind == "date":  # ISO text, edited by `DateDelegate`
                return value.isoformat() if value else ""
            if column.kind == "number":
                return float(value or 0)
            if column.kind == "int":
                return int(value or 0)
            return "" if value is None else value
        if role == Qt.ItemDataRole.CheckStateRole and column.kind == "bool":
            return Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.AccessibleTextRole and column.kind == "bool":
            return self.tr("Yes") if value else self.tr("No")
        if role == TONE_ROLE and column.tone is not None:
            return column.tone(row)
        return None

    def setData(self, index: Index, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.CheckStateRole and column.kind == "bool":
            checked = Qt.CheckState(value) == Qt.CheckState.Checked
            self.set_value(index.row(), column.key, checked)
            return True
        if role != Qt.ItemDataRole.EditRole or not column.editable:
            return False
        if column.kind == "date":
            value = value if isinstance(value, date) else (
                date.fromisoformat(value) if value else None)
        elif column.kind == "number":
            value = float(value)
        elif column.kind == "int":
            value = int(value)
        else:
            value = str(value).strip()
            if not value:  # a required text cannot be emptied in place
                return False
        self.set_value(index.row(), column.key, value)
        return True


def child_problems(service: RecordService[Any], values: Row,
                   parent_fields: Sequence[str]) -> list[str]:
    """The service's messages for a child row before its parent exists (ids left out)."""
    full = {**values, **{name: "" for name in parent_fields}}
    return [p.message for p in service.check(full)
            if not p.warning and p.field not in parent_fields]


class ChildSection(QWidget):
    """A titled table of child rows, an 'add' line underneath and a Remove button."""

    def __init__(self, title: str, model: ChildRowsModel, *, add_label: str,
                 empty_text: str = "", view_model: QSortFilterProxyModel | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.view_model = view_model
        self.title = QLabel(title)
        self.title.setWordWrap(True)  # a long heading wraps; the page never scrolls sideways
        theme.set_text_role(self.title, "heading")
        self.table = QTableView()
        self.table.setModel(view_model or model)
        self.table.setAccessibleName(title)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setTabKeyNavigation(False)
        use_status_labels(self.table, [number for number, column in enumerate(model.columns)
                                       if column.tone is not None])
        for number, column in enumerate(model.columns):
            if column.kind == "date" and column.editable:
                self.table.setItemDelegateForColumn(number, DateDelegate(self.table))
        self.empty = QLabel(empty_text)
        self.empty.setStyleSheet("color: palette(placeholder-text);")
        self.add_row = QHBoxLayout()
        self.add_row.setSpacing(theme.SPACING)
        self.add_button = QPushButton(add_label)
        self.add_button.setIcon(icon("add"))
        self.remove_button = QPushButton(self.tr("Remove selected"))
        self.remove_button.setIcon(icon("remove"))
        self.remove_button.setEnabled(False)
        self.remove_button.clicked.connect(self.remove_selected)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        theme.set_tone(self.problem, "danger")
        self.problem.setVisible(False)
        # three inputs or more do not fit one line of a narrow pane: the first (what is to
        # be done, the question) then takes a line of its own above the others
        self.first_line = QHBoxLayout()
        self.first_line.setContentsMargins(0, 0, 0, 0)
        self._inputs: list[tuple[QWidget, int]] = []
        self.add_row_box = QWidget()
        lines = QVBoxLayout(self.add_row_box)
        lines.setContentsMargins(0, 0, 0, 0)
        lines.setSpacing(theme.SPACING)
        lines.addLayout(self.first_line)
        lines.addLayout(self.add_row)
        self.add_row.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)

        column = QVBoxLayout(self)
        column.setContentsMargins(0, theme.SPACING, 0, theme.SPACING)
        column.addWidget(self.title)
        column.addWidget(self.table)
        column.addWidget(self.empty)
        column.addWidget(self.add_row_box)
        column.addWidget(self.problem)
        column.addLayout(buttons)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        fit_rows(self.table)  # as tall as its rows, not a large empty frame
        shown = view_model or model
        shown.modelReset.connect(self._refresh_empty)
        shown.rowsInserted.connect(self._refresh_empty)
        shown.rowsRemoved.connect(self._refresh_empty)
        shown.layoutChanged.connect(self._refresh_empty)
        self._refresh_empty()

    def add_input(self, widget: QWidget, label: str, stretch: int = 0) -> QWidget:
        """An input on the 'add' line; its accessible name says what it is for."""
        widget.setAccessibleName(label)
        if hasattr(widget, "setPlaceholderText") and not widget.placeholderText():
            widget.setPlaceholderText(label)
        widget.setToolTip(widget.toolTip() or label)
        self._inputs.append((widget, stretch))
        if len(self._inputs) == 3:
            first, first_stretch = self._inputs[0]
            self.add_row.removeWidget(first)
            self.first_line.addWidget(first, max(first_stretch, 1))
        self.add_row.addWidget(widget, stretch)
        return widget

    def refuse_typed_date(self, field: DateEdit) -> bool:
        """True, saying why, when a date typed on the 'add' line is not a date."""
        if field.problem():
            self.show_problem(field.problem())
            field.setFocus()
            return True
        field.commit()
        return False

    def selected_positions(self) -> list[int]:
        rows = self.table.selectionModel().selectedRows()
        if self.view_model is not None:
            rows = [self.view_model.mapToSource(index) for index in rows]
        return sorted({index.row() for index in rows})

    def remove_selected(self) -> None:
        self.model.remove_rows(self.selected_positions())

    def show_problem(self, message: str) -> None:
        self.problem.setText(message)
        self.problem.setVisible(bool(message))

    def select_position(self, position: int) -> None:
        """Select a row of the model (when the table shows it)."""
        index = self.model.index(position, 0)
        if self.view_model is not None:
            index = self.view_model.mapFromSource(index)
        if index.isValid():
            self.table.selectRow(index.row())
            self.table.scrollTo(index)

    def _selection_changed(self) -> None:
        self.remove_button.setEnabled(bool(self.selected_positions()))

    def _refresh_empty(self) -> None:
        has_rows = (self.view_model or self.model).rowCount() > 0
        self.empty.setVisible(not has_rows and bool(self.empty.text()))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)


class EditorWithChildren(RecordEditor):
    """A RecordEditor whose dirtiness also counts its child lists, saved with them whole.

    A subclass implements `write(values)` with its service's whole save, and names the
    section showing each of the service's child lists (`child_section`), where problems
    with that list's rows are shown."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.child_models: list[ChildRowsModel] = []
        self.sections: dict[str, ChildSection] = {}

    def child_model(self, columns: Sequence[Column]) -> ChildRowsModel:
        model = ChildRowsModel(columns, self)
        model.sig_changed.connect(self.on_edited)
        self.child_models.append(model)
        return model

    def child_section(self, name: str, section: ChildSection) -> ChildSection:
        """The section showing the service's child list `name` (its problems go there)."""
        self.sections[name] = section
        return section

    def save(self) -> bool:
        for section in self.sections.values():
            section.show_problem("")
        return super().save()

    def concerns(self, changes: list[Any]) -> bool:
        """A write of other records that shows here: a row of one of this record's lists
        (a change notice names the rows a save wrote, not the record they belong to)."""
        if self.record_id is None:
            return False
        types = {spec.service.type_name for spec in getattr(self.service, "children", ())}
        rows = [change for change in changes if change.record_type in types]
        if not rows:
            return False
        if any(model.holds(change.record_id) for change in rows
               for model in self.child_models):
            return True  # a row shown here (also one since moved to another record)
        return bool(self.service.concerns(self.record_id, rows))

    def show_clash(self, clash: EditClash) -> None:
        """As a single record's clash, and the rows: what the person typed in every list
        stays (reloading the record would put the lists back as saved), and a row someone
        else saved a clashing value in says so under its list; saving again keeps the
        person's value there too."""
        super().show_clash(clash)
        by_list: dict[str, list[str]] = {}
        for (name, row_id), row_clash in clash.rows.items():
            for model in self.child_models:
                if model.holds(row_id):
                    model.saved_over(row_id, row_clash.rev)
            if row_clash.deleted:
                by_list.setdefault(name, []).append(self.tr(
                    "Someone else removed a row you changed here while you were editing. "
                    "Yours is in the list: Save again to keep it with your change, or "
                    "remove it here too."))
                continue
            if row_clash.removed_here:
                theirs = "; ".join(as_text(value) for _before, value
                                   in row_clash.fields.values() if as_text(value))
                by_list.setdefault(name, []).append((self.tr(
                    "Someone else changed a row you removed here while you were editing "
                    "(they saved “{theirs}”), so it is not removed yet. Save again to "
                    "remove it anyway, or Discard to see their change.") if theirs
                    else self.tr("Someone else changed a row you removed here while you "
                                 "were editing, so it is not removed yet. Save again to "
                                 "remove it anyway, or Discard to see their change.")
                ).format(theirs=theirs))
                continue
            for _field, (_mine, theirs) in row_clash.fields.items():
                by_list.setdefault(name, []).append(self.tr(
                    "Someone else saved “{theirs}” in a row you changed here while you were "
                    "editing. Yours is in the list: Save again to keep it, or change it to "
                    "theirs.").format(theirs=as_text(theirs)))
        for name, lines in by_list.items():
            section = self.sections.get(name)
            if section is not None:
                section.show_problem("\n".join(lines))
        self._set_dirty(True)

    def show_saved_meanwhile(self) -> None:
        """As a single record's, and the lists: what the person did in them stays, and
        the rows they did not touch show what was saved (`ChildRowsModel.keep_changes`)."""
        held = [(model, model.snapshot()) for model in self.child_models]
        dirty = self.is_dirty()
        super().show_saved_meanwhile()
        for model, snapshot in held:
            model.keep_changes(snapshot)
        if dirty and any(model.is_changed() for model in self.child_models):
            self._set_dirty(True)

    def show_problems(self, problems: list[FieldProblem]) -> None:
        rows = [p for p in problems if isinstance(p, RowProblem)]
        super().show_problems([p for p in problems if not isinstance(p, RowProblem)])
        by_list: dict[str, list[RowProblem]] = {}
        for problem in rows:
            by_list.setdefault(problem.field, []).append(problem)
        unplaced: list[FieldProblem] = []
        for position, (name, found) in enumerate(by_list.items()):
            section = self.sections.get(name)
            if section is None:
                unplaced += found
                continue
            section.show_problem("\n".join(p.message for p in found))
            if position == 0:
                self._reveal(section, found[0])
        if unplaced:
            show_error(self, ValidationError(unplaced))

    def _reveal(self, section: ChildSection, problem: RowProblem) -> None:
        """Bring the section's tab forward and select the row at fault."""
        tabs = getattr(self, "tabs", None)
        if isinstance(tabs, QTabWidget):
            for index in range(tabs.count()):
                if tabs.widget(index).isAncestorOf(section):
                    tabs.setCurrentIndex(index)
                    break
        position = section.model.position_of(problem)
        if position is not None:
            section.select_position(position)

    def on_edited(self, *_args: object) -> None:
        if self._loading:
            return
        self._set_dirty(self.widget_values() != self._saved_values
                        or any(model.is_changed() for model in self.child_models))
        self._revalidate_timer.start()

    def take_form(self) -> QLayout:
        """Lift the base class's form out of the outer layout, to place it in a tab."""
        outer = self.layout()
        outer.removeItem(self.form)
        self.form.setParent(None)
        return self.form


def scrolled(inner: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a page is not a stop: its fields are
    area.setWidget(inner)
    return area


def page(*layouts_or_widgets: QWidget | QLayout, stretch: bool = True) -> QScrollArea:
    """A scrollable tab page stacking the given forms and sections."""
    inner = QWidget()
    column = QVBoxLayout(inner)
    for item in layouts_or_widgets:
        if isinstance(item, QLayout):
            column.addLayout(item)
        else:
            column.addWidget(item)
    if stretch:
        column.addStretch(1)
    return scrolled(inner)
