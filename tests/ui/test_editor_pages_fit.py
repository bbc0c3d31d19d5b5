"""The event, feedback and funding editors as a person sees them at the usual window size:
no page scrolls sideways (a long heading wraps, three inputs or more take two lines), and a
short child list shows every one of its rows, even with its own sideways scroll bar."""

from typing import Any

from PySide6.QtWidgets import QApplication, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from partnerdesk.services import Desk
from tests.conftest import TODAY


def _pages(editor: Any) -> list[QScrollArea]:
    return [editor.tabs.widget(i) for i in range(editor.tabs.count())
            if isinstance(editor.tabs.widget(i), QScrollArea)]


def _records(desk: Desk) -> list[tuple[str, str]]:
    survey = next(f for f in desk.feedback.list() if f.channel == "survey")
    with_reports = max(desk.funding.list(), key=lambda f: desk.funding_deliverables.count(
        where={"funding_id": f.id}))
    return [("event", e.id) for e in desk.events.list()] + [
        ("feedback", survey.id), ("funding", with_reports.id)]


def test_no_page_of_the_three_editors_scrolls_sideways(qtbot: QtBot, demo_desk: Desk,
                                                       make_window: Any) -> None:
    window = make_window(demo_desk, today=TODAY)
    window.resize(1280, 800)
    for kind, record_id in _records(demo_desk):
        assert window.open_record(kind, record_id)
        editor = window.current_view().editor
        for number, area in enumerate(_pages(editor)):
            editor.tabs.setCurrentIndex(number)
            bar = area.horizontalScrollBar()
            try:  # once the page is laid out
                qtbot.waitUntil(lambda bar=bar: bar.maximum() == 0, timeout=500)
            except Exception:
                wide = [(type(c).__name__, c.accessibleName(), c.minimumSizeHint().width())
                        for c in area.widget().findChildren(QWidget)
                        if c.isVisible() and c.minimumSizeHint().width() > 200]
                raise AssertionError((kind, editor.tabs.tabText(number), "is wider than "
                                      "its pane by", bar.maximum(), wide)) from None


def test_a_short_child_list_shows_all_its_rows(qtbot: QtBot, demo_desk: Desk,
                                              make_window: Any) -> None:
    window = make_window(demo_desk, today=TODAY)
    window.resize(1280, 800)
    for kind, record_id in _records(demo_desk):
        assert window.open_record(kind, record_id)
        editor = window.current_view().editor
        for number in range(editor.tabs.count()):
            editor.tabs.setCurrentIndex(number)
            QApplication.processEvents()
            for name, section in editor.sections.items():
                table = section.table
                rows = table.model().rowCount()
                if not table.isVisible() or not 0 < rows <= 8:
                    continue
                needed = sum(table.rowHeight(r) for r in range(rows))
                assert table.viewport().height() >= needed, (kind, name)
