"""A key press in a list's filter box, on a file and on an office database: the count
under the list and the rows on screen are the services' count and list, in the list's
order (on PostgreSQL the first screen is one statement sorted by the search index's
titles: `RecordService.first_page`)."""

from typing import Any

import pytest
from PySide6.QtCore import Qt

from partnerdesk.services import Desk
from tests.engines import ENGINES, engine_param


@pytest.fixture(params=ENGINES)
def db_engine(request: pytest.FixtureRequest) -> str:
    return engine_param(request)


@pytest.fixture
def many_desk(desk: Desk) -> Desk:
    """About 2,000 contacts: a one-letter filter matches hundreds of them."""
    from partnerdesk.services.demo import load_demo
    from tests.conftest import TODAY

    load_demo(desk, scale=2, today=TODAY)
    return desk


def shown(view: Any, rows: int) -> list[str]:
    return [view.model.index(row, 0).data() for row in range(rows)]


def test_a_short_filter_shows_the_right_count_and_rows(qtbot: Any, many_desk: Desk,
                                                       make_window: Any) -> None:
    contacts = many_desk.contacts
    window = make_window(many_desk)
    window.show_view("contacts")
    view = window.view("contacts")
    total = view.model.rowCount()
    for descending in (False, True):
        if descending:  # a click on the Name header turns the order round
            view.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        for text in ("m", "ma", "mar", "z", "zoe"):
            view.filter_box.setText(text[:-1])
            view._filter_seconds = 0.0  # the last filter was quick: this key answers
            qtbot.keyClick(view.filter_box, text[-1])
            matches = contacts.count(text=text)
            assert 0 < matches < total, text
            assert view.model.rowCount() == matches
            assert view.count_label.text().startswith(f"{matches:,}")
            expected = contacts.list(text=text, order_by="name", descending=descending,
                                     limit=8)
            assert shown(view, min(matches, 8)) == [c.name for c in expected]
            last = contacts.list(text=text, order_by="name", descending=not descending,
                                 limit=1)[0]
            assert view.model.index(matches - 1, 0).data() == last.name
