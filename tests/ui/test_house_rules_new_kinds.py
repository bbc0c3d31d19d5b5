"""The house rules on the Events, Feedback and Funding screens, driven like a person would:
typing then moving to another row asks first; a save shows in History and can be put back;
a deletion is undone with Ctrl+Z and from the Trash; the list filters and sorts in SQL."""

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from partnerdesk.services import Desk
from partnerdesk.ui import editor_base, record_list
from tests.conftest import TODAY

Button = QMessageBox.StandardButton
KINDS = ["events", "feedback", "funding"]


def _answer(monkeypatch: pytest.MonkeyPatch, module: Any, button: Button) -> list[str]:
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_args: object,
                 **_kwargs: object) -> Button:
        asked.append(text)
        return button
    monkeypatch.setattr(module.QMessageBox, "question", staticmethod(question))
    return asked


def _screen(window: Any, key: str, qtbot: QtBot) -> Any:
    window.show_view(key)
    view = window.view(key)
    view.select_row(0)
    qtbot.waitUntil(lambda: view.current_id() is not None)
    return view


@pytest.mark.parametrize("key", KINDS)
def test_typing_then_another_row_asks_and_cancel_keeps_the_typing(
        key: str, qtbot: QtBot, demo_desk: Desk, make_window: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(demo_desk, today=TODAY)
    view = _screen(window, key, qtbot)
    first = view.current_id()
    service = demo_desk.service(view.spec.record_type)
    view.editor.title.setFocus()
    qtbot.keyClick(view.editor.title, Qt.Key.Key_End)
    qtbot.keyClicks(view.editor.title, " (edited)")
    assert view.editor.is_dirty()
    asked = _answer(monkeypatch, editor_base, Button.Cancel)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    assert asked and "not saved" in asked[0]
    assert view.current_id() == first and view.editor.title.text().endswith(" (edited)")

    _answer(monkeypatch, editor_base, Button.Save)
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    assert view.current_id() != first
    assert service.get(first).title.endswith(" (edited)")


@pytest.mark.parametrize("key", KINDS)
def test_a_save_shows_in_history_and_is_put_back(key: str, qtbot: QtBot, demo_desk: Desk,
                                                 make_window: Any) -> None:
    window = make_window(demo_desk, today=TODAY)
    view = _screen(window, key, qtbot)
    record_id = view.current_id()
    service = demo_desk.service(view.spec.record_type)
    before = service.get(record_id).title
    view.editor.title.selectAll()
    qtbot.keyClicks(view.editor.title, "Renamed for the test")
    qtbot.waitUntil(view.pane.save_button.isEnabled)
    qtbot.mouseClick(view.pane.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: service.get(record_id).title == "Renamed for the test")

    qtbot.mouseClick(view.pane.history_button, Qt.MouseButton.LeftButton)
    panel = view.pane.history
    qtbot.waitUntil(lambda: panel.entries.topLevelItemCount() >= 1)
    newest = panel.entries.topLevelItem(0)
    assert "Title" in newest.text(1)
    panel.entries.setCurrentItem(newest)
    assert before in panel.details.toPlainText()
    qtbot.mouseClick(panel.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: service.get(record_id).title == before)
    assert view.editor.title.text() == before and not view.editor.is_dirty()


@pytest.mark.parametrize("key", KINDS)
def test_delete_then_ctrl_z_then_the_trash_brings_it_back(
        key: str, qtbot: QtBot, demo_desk: Desk, make_window: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(demo_desk, today=TODAY)
    view = _screen(window, key, qtbot)
    target = view.current_id()
    service = demo_desk.service(view.spec.record_type)
    title = service.get(target).title
    count = service.count()
    _answer(monkeypatch, record_list, Button.Yes)
    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model.rowCount() == count - 1)
    assert service.get(target).deleted
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.model.rowCount() == count)
    assert not service.get(target).deleted

    view.open_record(target)
    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: service.count() == count - 1)
    window.show_view("trash")
    trash = window.view("trash")
    qtbot.waitUntil(lambda: trash.records.topLevelItemCount() > 0)
    [item] = [trash.records.topLevelItem(i) for i in range(trash.records.topLevelItemCount())
              if trash.records.topLevelItem(i).text(0) == title]
    item.setSelected(True)
    qtbot.mouseClick(trash.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: service.count() == count)
    assert not service.get(target).deleted


@pytest.mark.parametrize("key, text, column, first", [
    ("events", "screening", 2, "Back-to-school vision screening"),  # When, latest first
    ("feedback", "survey", 1, "Parents' survey on the consent forms"),  # Received, latest
])
def test_the_list_filters_and_sorts(key: str, text: str, column: int, first: str,
                                    qtbot: QtBot, demo_desk: Desk, make_window: Any) -> None:
    window = make_window(demo_desk, today=TODAY)
    window.show_view(key)
    view = window.view(key)
    service = demo_desk.service(view.spec.record_type)
    assert view.model.rowCount() == service.count()
    qtbot.keyClicks(view.filter_box, text)
    qtbot.keyClick(view.filter_box, Qt.Key.Key_Return)
    QApplication.processEvents()
    titles = [view.model.index(r, 0).data() for r in range(view.model.rowCount())]
    assert titles and all(text in t.lower() for t in titles)
    assert len(titles) < service.count()
    view.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    assert view.model.index(0, 0).data() == first
    view.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # Title
    shown = [view.model.index(r, 0).data() for r in range(view.model.rowCount())]
    assert shown == sorted(shown, key=str.casefold)


@pytest.mark.parametrize("typed, group, title, key", [
    ("spring health fair", "Events", "Spring health fair", "events"),
    ("comment cards", "Feedback", "Health fair comment cards", "feedback"),
    ("cooling centre generators", "Funding", "Cooling centre generators", "funding"),
])
def test_search_everything_finds_and_opens_it(typed: str, group: str, title: str, key: str,
                                              qtbot: QtBot, demo_desk: Desk,
                                              make_window: Any) -> None:
    window = make_window(demo_desk, today=TODAY)
    window.show_view("dashboard")
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    popup = window.search_popup
    qtbot.keyClicks(window.search_box, typed)
    qtbot.waitUntil(lambda: bool(popup.result_items()))
    groups = [popup.results.topLevelItem(i).text(0)
              for i in range(popup.results.topLevelItemCount())]
    assert group in groups
    [item] = [i for i in popup.result_items() if i.text(0) == title]
    popup._open_item(item)
    assert window.current_key() == key
    assert window.view(key).editor.title.text() == title


def test_feedback_needs_its_partnership_and_says_so(qtbot: QtBot, demo_desk: Desk,
                                                    make_window: Any) -> None:
    from PySide6.QtWidgets import QLabel

    window = make_window(demo_desk, today=TODAY)
    window.show_view("feedback")
    view = window.view("feedback")
    count = demo_desk.feedback.count()
    view.new_record()
    qtbot.keyClicks(view.editor.title, "What the pantry volunteers said")
    problem = view.editor.findChild(QLabel, "problem_partnership_id")
    qtbot.waitUntil(problem.isVisible)
    assert "partnership" in problem.text().lower()
    assert not view.pane.save_button.isEnabled()
    window.save_action.trigger()
    assert demo_desk.feedback.count() == count  # nothing saved
    view.editor.discard()


def test_the_trash_names_each_kind_whole(qtbot: QtBot, demo_desk: Desk,
                                         make_window: Any) -> None:
    deliverable = demo_desk.funding_deliverables.list(limit=1)[0]
    demo_desk.funding_deliverables.delete(deliverable.id)
    demo_desk.events.delete(demo_desk.events.list(limit=1)[0].id)
    window = make_window(demo_desk, today=TODAY)
    window.show_view("trash")
    trash = window.view("trash")
    trash.refresh()
    items = [trash.records.topLevelItem(i) for i in range(trash.records.topLevelItemCount())]
    kinds = {item.text(1) for item in items}
    assert {"Report due to a funder", "Event"} <= kinds
    metrics = trash.records.fontMetrics()
    assert trash.records.columnWidth(1) >= max(metrics.horizontalAdvance(k) for k in kinds)
