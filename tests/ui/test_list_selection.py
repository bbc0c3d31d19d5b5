"""Issue 20, point 8: the highlighted row is always the open record's: after Cancel on the
unsaved-changes prompt, and after Ctrl+End / Ctrl+Home on a long list."""

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from partnerdesk.ui import editor_base
from partnerdesk.ui.record_list import ID_ROLE

Button = QMessageBox.StandardButton


def selected_ids(view):
    return [index.data(ID_ROLE) for index in view.table.selectionModel().selectedRows()]


def click_row(qtbot, view, row):
    rect = view.table.visualRect(view.model.index(row, 0))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(rect.x() + 5, rect.center().y()))


def test_cancel_keeps_the_open_record_highlighted(qtbot, monkeypatch, desk, make_window):
    for name in ("Ada Brown", "Ben Cole", "Cara Diaz"):
        desk.contacts.create(name=name)
    window = make_window(desk)
    window.show_view("contacts")
    view = window.view("contacts")
    click_row(qtbot, view, 0)
    qtbot.waitUntil(lambda: view.current_id() is not None)
    ada = view.current_id()
    qtbot.keyClicks(view.editor.role, "Nurse")
    asked = []
    monkeypatch.setattr(editor_base.QMessageBox, "question",
                        staticmethod(lambda *a, **k: asked.append(1) or Button.Cancel))
    click_row(qtbot, view, 2)
    assert asked == [1]
    qtbot.waitUntil(lambda: selected_ids(view) == [ada], timeout=2000)
    assert view.current_id() == ada and view.editor.role.text() == "Nurse"
    assert view.table.currentIndex().row() == 0
    # the same with the keyboard
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: selected_ids(view) == [ada], timeout=2000)
    assert len(asked) == 2 and view.current_id() == ada


def test_cancel_on_a_new_record_highlights_nothing(qtbot, monkeypatch, desk, make_window):
    for name in ("Ada Brown", "Ben Cole"):
        desk.contacts.create(name=name)
    window = make_window(desk)
    window.show_view("contacts")
    view = window.view("contacts")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(view.editor.name, "Zed New")
    monkeypatch.setattr(editor_base.QMessageBox, "question",
                        staticmethod(lambda *a, **k: Button.Cancel))
    click_row(qtbot, view, 1)
    qtbot.waitUntil(lambda: selected_ids(view) == [], timeout=2000)
    assert view.editor.record_id is None and view.editor.name.text() == "Zed New"


def test_ctrl_end_and_ctrl_home_open_the_row_they_highlight(qtbot, desk, make_window):
    with desk.store.write() as writer:  # three pages of contacts, at once
        from partnerdesk.db import records as r

        writer.bulk_create(r.Contact, [{"name": f"Person {n:03d}"} for n in range(250)])
    window = make_window(desk)
    window.show_view("contacts")
    view = window.view("contacts")
    click_row(qtbot, view, 1)
    qtbot.waitUntil(lambda: view.current_id() is not None)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    last = desk.contacts.list(order_by="name", descending=True, limit=1)[0]
    assert view.current_id() == last.id and view.editor.name.text() == "Person 249"
    assert selected_ids(view) == [last.id]
    qtbot.keyClick(view.table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    first = desk.contacts.list(order_by="name", limit=1)[0]
    assert view.current_id() == first.id and selected_ids(view) == [first.id]
    assert view.table.currentIndex().row() == 0


def test_rows_chosen_for_a_change_stay_chosen_for_the_next(qtbot, monkeypatch, desk,
                                                           make_window):
    """Once the list had followed a change to several organizations, only the current one
    (or, after Ctrl+A, none) was still chosen: the next change went to one row or nowhere."""
    for name in ("Alpha Clinic", "Beta School", "Gamma Pantry"):
        desk.organizations.create(name=name, status="active")
    window = make_window(desk)
    window.show_view("organizations")
    view = window.view("organizations")
    click_row(qtbot, view, 0)
    rect = view.table.visualRect(view.model.index(2, 0))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.ControlModifier,
                     QPoint(rect.x() + 5, rect.center().y()))
    chosen = sorted(selected_ids(view))
    assert len(chosen) == 2
    monkeypatch.setattr(QInputDialog, "getText",
                        staticmethod(lambda *a, **k: ("winter 2026", True)))
    with qtbot.waitSignal(view.model.modelReset):
        qtbot.mouseClick(view.tag_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.task is None)
    assert sorted(selected_ids(view)) == chosen
    monkeypatch.setattr(QInputDialog, "getItem",
                        staticmethod(lambda *a, **k: ("Paused", True)))
    with qtbot.waitSignal(view.model.modelReset):
        qtbot.mouseClick(view.status_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.task is None)
    statuses = {o.name: (o.status, o.tags) for o in desk.organizations.list()}
    assert statuses == {"Alpha Clinic": ("paused", ["winter 2026"]),
                        "Beta School": ("active", []),
                        "Gamma Pantry": ("paused", ["winter 2026"])}
    assert sorted(selected_ids(view)) == chosen


def test_the_count_says_how_many_rows_are_selected(qtbot, desk, make_window):
    with desk.store.write() as writer:
        from partnerdesk.db import records as r

        writer.bulk_create(r.Contact, [{"name": f"Person {n:03d}"} for n in range(250)])
    window = make_window(desk)
    window.show_view("contacts")
    view = window.view("contacts")
    click_row(qtbot, view, 0)
    qtbot.waitUntil(lambda: view.current_id() is not None)
    assert view.count_label.text() == "250 contacts"  # one row is the open record
    ctrl = Qt.KeyboardModifier.ControlModifier
    for row in (2, 4):
        rect = view.table.visualRect(view.model.index(row, 0))
        qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, ctrl,
                         QPoint(rect.x() + 5, rect.center().y()))
    assert view.count_label.text() == "250 contacts, 3 selected"
    rect = view.table.visualRect(view.model.index(2, 0))  # Ctrl-click again: unselected
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, ctrl,
                     QPoint(rect.x() + 5, rect.center().y()))
    assert view.count_label.text() == "250 contacts, 2 selected"
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_A, ctrl)
    assert view.count_label.text() == "250 contacts, 250 selected"
    qtbot.keyClicks(view.filter_box, "Person 01")  # the filter narrows the list
    qtbot.waitUntil(lambda: view.count_label.text().startswith("10 contacts"), timeout=3000)


def test_the_contacts_list_shows_each_contacts_tags(qtbot, desk, make_window):
    desk.contacts.create(name="Ada Brown", tags=["food", "board"])
    window = make_window(desk)
    window.show_view("contacts")
    view = window.view("contacts")
    tags = next(i for i, c in enumerate(view.model.columns) if c.title == "Tags")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert view.model.index(0, tags).data() == "food, board"
