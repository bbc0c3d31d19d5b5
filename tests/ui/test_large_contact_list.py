"""About 10,000 contacts: the list pages from the database, sorts and filters in SQL, and
scrolls to the end without loading every row (behaviour only; timings live in bench/)."""

import pytest
from PySide6.QtCore import QPoint, Qt

from partnerdesk.services.demo import load_demo
from partnerdesk.ui.record_list import MAX_PAGES, PAGE, RecordTableModel
from partnerdesk.ui.widgets.list_specs import specs
from tests.conftest import TODAY


@pytest.fixture
def big_desk(desk):
    load_demo(desk, scale=10, today=TODAY)
    return desk


def test_contacts_sort_filter_and_scroll(qtbot, big_desk, make_window):
    desk = big_desk
    total = desk.contacts.count()
    assert total > 10_000
    window = make_window(desk)
    window.show_view("contacts")
    view = window.view("contacts")
    model = view.model
    assert model.rowCount() == total
    assert len(model._pages) <= 3  # only what is on screen was fetched

    # Sorted by name already: one click on the Name header turns the order round.
    header = view.table.horizontalHeader()
    assert not model.descending
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionPosition(0) + 20, header.height() // 2))
    assert model.descending and model.columns[model.sort_column].sort_field == "name"
    expected_first = desk.contacts.list(order_by="name", descending=True, limit=3)
    assert [model.index(i, 0).data() for i in range(3)] == [c.name for c in expected_first]

    # A column that cannot sort in SQL leaves the order as it was.
    header.setSortIndicator(2, Qt.SortOrder.AscendingOrder)
    assert model.columns[model.sort_column].sort_field == "name"

    # Scroll to the very end: the last rows are fetched, but never the whole table.
    view.table.scrollToBottom()
    qtbot.wait(50)
    last = desk.contacts.list(order_by="name", descending=True, limit=1, offset=total - 1)[0]
    assert model.index(total - 1, 0).data() == last.name
    assert len(model._pages) <= MAX_PAGES
    assert sum(len(rows) for rows, _ in model._pages.values()) <= MAX_PAGES * PAGE < total

    # Open a row far down, edit nothing, and filter by typing.
    view.select_row(total - 5)
    assert view.current_id() == model.row_at(total - 5).id
    qtbot.keyClicks(view.filter_box, "Grace")
    qtbot.waitUntil(lambda: model.text == "Grace")
    matches = desk.contacts.count(text="Grace")
    assert 0 < matches < total
    assert model.rowCount() == matches
    assert all("grace" in model.index(i, 0).data().casefold()
               for i in range(min(matches, 50)))
    assert view.count_label.text().startswith(f"{matches:,}")
    view.filter_box.clear()
    qtbot.waitUntil(lambda: model.rowCount() == total)


def test_table_model_is_a_proper_qt_model(qtmodeltester, demo_desk):
    model = RecordTableModel(demo_desk, specs()["contacts"])
    qtmodeltester.check(model)
    last_contacted = next(i for i, c in enumerate(model.columns) if c.title == "Last contacted")
    model.sort(last_contacted, Qt.SortOrder.DescendingOrder)
    assert model.columns[model.sort_column].sort_field == "last_contacted"
    qtmodeltester.check(model)


def test_a_quick_filter_answers_each_key_press(qtbot, demo_desk, make_window):
    window = make_window(demo_desk)
    window.show_view("contacts")
    view = window.view("contacts")
    total = view.model.rowCount()
    view.filter_box.setText("Marcu")
    view._filter_seconds = 0.0  # the last filter was quick
    qtbot.keyClick(view.filter_box, "s")
    # no wait: the rows and the count answer the key itself
    matches = demo_desk.contacts.count(text="Marcus")
    assert 0 < matches < total
    assert view.model.rowCount() == matches
    assert view.count_label.text().startswith(f"{matches:,}")


def test_a_slow_filter_waits_for_a_pause_in_the_typing(qtbot, demo_desk, make_window):
    window = make_window(demo_desk)
    window.show_view("contacts")
    view = window.view("contacts")
    total = view.model.rowCount()
    view._filter_seconds = 1.0  # as if the last filter had taken a second
    qtbot.keyClicks(view.filter_box, "mar")
    assert view.model.rowCount() == total and view.model.text is None  # not yet
    qtbot.waitUntil(lambda: view.model.text == "mar")
    assert view.model.rowCount() == demo_desk.contacts.count(text="mar")
