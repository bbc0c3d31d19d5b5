"""One read-only table model for every small list of plain rows (after Vorta's
`ArchiveTableModel`): the caller feeds rows with `set_rows`, the model never queries.

Each column is a `ColumnSpec`: its header, the text of a cell, and optionally a native
sort value, a tooltip, colours and alignment. `ROW_ROLE` returns the row object and
`SORT_ROLE` the sort value. Clicking a header sorts the rows in the model itself (a
Python key sort, not a `QSortFilterProxyModel`, which is slow over Python models), so a
row number in the view is a row number in the model.

Long lists that page from SQL keep their own model (`record_list.RecordTableModel`).

    COL_NAME, COL_SIZE = range(2)
    model = RowTableModel([ColumnSpec(tr("Name"), lambda b: b.name),
                           ColumnSpec(tr("Size"), lambda b: b.size_text(),
                                      sort=lambda b: b.size, align_right=True)])
    view = RowTableView(model)
    model.set_rows(backups)
    view.selected_row()  # -> the row object, or None
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from partnerdesk.ui import theme
from partnerdesk.ui.widgets.fit import ColumnFitter
from partnerdesk.ui.widgets.status_label import TONE_ROLE, use_status_labels

RowT = TypeVar("RowT")
Index = QModelIndex | QPersistentModelIndex

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
"""The row object itself."""
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
"""The cell's native sort value (a number, a date, folded text)."""

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@dataclass(frozen=True)
class ColumnSpec(Generic[RowT]):
    """One column: `text(row)` is shown; the other functions are optional."""

    title: str
    text: Callable[[RowT], str]
    sort: Callable[[RowT], Any] | None = None  # default: the text, case folded
    tooltip: Callable[[RowT], str | None] | None = None
    # a colour: "#rrggbb", or a tone ("warning", "danger"...) that follows the theme
    background: Callable[[RowT], str | None] | None = None
    foreground: Callable[[RowT], str | None] | None = None
    tone: Callable[[RowT], str | None] | None = None  # the cell drawn as a status label
    align_right: bool = False

    def sort_value(self, row: RowT) -> Any:
        if self.sort is not None:
            return self.sort(row)
        return str(self.text(row)).casefold()


class RowTableModel(QAbstractTableModel, Generic[RowT]):
    """Rows of plain values shown through `ColumnSpec`s; read-only."""

    def __init__(self, columns: Sequence[ColumnSpec[RowT]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[RowT] = []
        self._sort_column = -1
        self._descending = False

    # -- rows --------------------------------------------------------------------------
    def set_rows(self, rows: Iterable[RowT]) -> None:
        """Show these rows (kept in the order the header asks for, if any)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._apply_sort()
        self.endResetModel()

    def rows(self) -> list[RowT]:
        """The rows in the order shown."""
        return list(self._rows)

    def row_at(self, row: int) -> RowT:
        return self._rows[row]

    def remove_row_object(self, target: RowT) -> bool:
        """Take one row out (by identity), keeping the others and the selection."""
        for position, row in enumerate(self._rows):
            if row is target:
                self.beginRemoveRows(QModelIndex(), position, position)
                del self._rows[position]
                self.endRemoveRows()
                return True
        return False

    def rows_changed(self, positions: Iterable[int]) -> None:
        """The caller changed these row objects in place: repaint them."""
        chosen = sorted(set(positions))
        if chosen and self.columns:
            self.dataChanged.emit(self.index(chosen[0], 0),
                                  self.index(chosen[-1], len(self.columns) - 1))

    # -- the Qt model ------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.columns)):
            return self.columns[section].title
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) \
                or not 0 <= index.column() < len(self.columns):
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == ROW_ROLE:
            return row
        if role == SORT_ROLE:
            return column.sort_value(row)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        if role == Qt.ItemDataRole.BackgroundRole and column.background is not None:
            colour = column.background(row)
            if colour in theme.TONE_NAMES:
                colour = theme.tone(colour).fill
            return QColor(colour) if colour else None
        if role == Qt.ItemDataRole.ForegroundRole and column.foreground is not None:
            colour = column.foreground(row)
            if colour in theme.TONE_NAMES:
                colour = theme.tone(colour).message
            return QColor(colour) if colour else None
        if role == TONE_ROLE and column.tone is not None:
            return column.tone(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return _RIGHT
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column's native values; -1 keeps the order the rows came in."""
        if column >= len(self.columns):
            return
        self.layoutAboutToBeChanged.emit()
        before = list(self._rows)
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._apply_sort()
        # Selections and current rows follow their rows to the new places.
        where = {id(row): position for position, row in enumerate(self._rows)}
        old = self.persistentIndexList()
        new = [self.index(where[id(before[i.row()])], i.column())
               if 0 <= i.row() < len(before) else QModelIndex() for i in old]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    def _apply_sort(self) -> None:
        if 0 <= self._sort_column < len(self.columns):
            spec = self.columns[self._sort_column]
            # None and mixed values sort last instead of raising TypeError.
            self._rows.sort(key=lambda row: _sortable(spec.sort_value(row)),
                            reverse=self._descending)


def _sortable(value: Any) -> tuple[int, Any]:
    if value is None:
        return (2, "")
    if isinstance(value, str):
        return (1, value)
    return (0, value)


class RowTableView(QTableView):
    """A read-only table over a `RowTableModel`: whole rows selected, headers sort."""

    def __init__(self, model: RowTableModel[Any], *, accessible_name: str = "",
                 multiple: bool = False, sortable: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.row_model = model
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multiple
                              else QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        if sortable:
            # No sort until a header is clicked: rows stay in the order they were given.
            header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            self.setSortingEnabled(True)
        if accessible_name:
            self.setAccessibleName(accessible_name)
        use_status_labels(self, [number for number, column in enumerate(model.columns)
                                 if column.tone is not None])
        self.column_fitter = ColumnFitter(self)  # columns share the width by what they hold

    def selected_positions(self) -> list[int]:
        return sorted({index.row() for index in self.selectionModel().selectedRows()})

    def selected_rows(self) -> list[Any]:
        return [self.row_model.row_at(position) for position in self.selected_positions()]

    def selected_row(self) -> Any | None:
        rows = self.selected_rows()
        return rows[0] if rows else None
