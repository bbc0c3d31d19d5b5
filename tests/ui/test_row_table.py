"""The one read-only table model: a proper Qt model, fed rows, sorted by native values."""

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from partnerdesk.ui.widgets.row_table import (
    ROW_ROLE,
    SORT_ROLE,
    ColumnSpec,
    RowTableModel,
    RowTableView,
)

DISPLAY = Qt.ItemDataRole.DisplayRole


@dataclass
class Backup:
    name: str
    size: int
    taken: date | None


def make_model() -> RowTableModel[Backup]:
    return RowTableModel([
        ColumnSpec("Name", lambda b: b.name),
        ColumnSpec("Size", lambda b: f"{b.size:,} bytes", sort=lambda b: b.size,
                   align_right=True, tooltip=lambda b: "big" if b.size > 1000 else None),
        ColumnSpec("Taken", lambda b: b.taken.isoformat() if b.taken else "never",
                   sort=lambda b: b.taken, background=lambda b: None if b.taken else "#f6d5d5"),
    ])


ROWS = [Backup("daily", 9_000, date(2026, 5, 1)), Backup("Before import", 200, None),
        Backup("weekly", 30_000, date(2026, 4, 1))]


def test_the_model_passes_qts_model_checks(qtmodeltester) -> None:
    model = make_model()
    qtmodeltester.check(model)
    model.set_rows(ROWS)
    qtmodeltester.check(model)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    model.set_rows([])
    qtmodeltester.check(model)


def test_cells_show_text_and_answer_the_row_and_sort_roles() -> None:
    model = make_model()
    model.set_rows(ROWS)
    assert model.headerData(1, Qt.Orientation.Horizontal, DISPLAY) == "Size"
    assert model.index(0, 1).data(DISPLAY) == "9,000 bytes"
    assert model.index(0, 1).data(SORT_ROLE) == 9_000  # a number, not its text
    assert model.index(1, 2).data(ROW_ROLE) is ROWS[1]
    assert model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole) == "big"
    assert model.index(1, 2).data(Qt.ItemDataRole.BackgroundRole).name() == "#f6d5d5"
    assert model.index(0, 1).data(Qt.ItemDataRole.TextAlignmentRole) is not None
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable


def test_clicking_a_header_sorts_by_native_values_and_the_selection_follows(qtbot) -> None:
    model = make_model()
    view = RowTableView(model)
    qtbot.addWidget(view)
    view.show()
    model.set_rows(ROWS)
    assert [r.name for r in model.rows()] == ["daily", "Before import", "weekly"]  # as given
    view.selectRow(0)
    assert view.selected_row() is ROWS[0]

    header = view.horizontalHeader()
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(1) + 5, 5))
    sizes = [r.size for r in model.rows()]
    assert sizes in ([200, 9_000, 30_000], [30_000, 9_000, 200])  # by number, not by text
    assert view.selected_row() is ROWS[0]  # the selection stayed on its row

    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # text: case folded
    assert [r.name for r in model.rows()] == ["Before import", "daily", "weekly"]
    view.sortByColumn(2, Qt.SortOrder.AscendingOrder)  # a blank date goes last
    assert [r.name for r in model.rows()] == ["weekly", "daily", "Before import"]

    model.set_rows([Backup("zeta", 1, date(2026, 1, 1)), Backup("alpha", 2, None)])
    assert [r.name for r in model.rows()] == ["zeta", "alpha"]  # new rows keep the sort


def test_rows_can_be_removed_and_repainted_in_place(qtbot) -> None:
    model = make_model()
    rows = [Backup(n, i, None) for i, n in enumerate("abc")]
    model.set_rows(rows)
    with qtbot.waitSignal(model.rowsRemoved):
        assert model.remove_row_object(rows[1])
    assert [r.name for r in model.rows()] == ["a", "c"]
    rows[2].name = "changed"
    with qtbot.waitSignal(model.dataChanged):
        model.rows_changed([1])
    assert model.index(1, 0).data(DISPLAY) == "changed"
