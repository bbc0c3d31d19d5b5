"""Nothing typed is lost: closing or switching with unsaved edits asks; deleting asks and
can be undone (Ctrl+Z, or from the Trash); several rows change as one undo step."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from partnerdesk.ui import editor_base, record_list

Button = QMessageBox.StandardButton


def _answer(monkeypatch, module, button):
    asked: list[str] = []

    def question(_parent, title, text, *args, **kwargs):
        asked.append(text)
        return button
    monkeypatch.setattr(module.QMessageBox, "question", staticmethod(question))
    return asked


def _contacts_window(desk, make_window, qtbot):
    for name in ("Ada Brown", "Ben Cole", "Cara Diaz", "Dan Evans"):
        desk.contacts.create(name=name)
    window = make_window(desk)
    window.show_view("contacts")
    view = window.view("contacts")
    view.select_row(0)
    qtbot.waitUntil(lambda: view.current_id() is not None)
    return window, view


def test_close_with_unsaved_edits_asks_and_cancel_keeps_them(qtbot, monkeypatch, desk,
                                                             make_window):
    window, view = _contacts_window(desk, make_window, qtbot)
    qtbot.keyClicks(view.editor.role, "Nurse")
    assert view.editor.is_dirty()

    asked = _answer(monkeypatch, editor_base, Button.Cancel)
    assert not window.close()
    assert len(asked) == 1 and "not saved" in asked[0]
    assert window.isVisible()
    assert view.editor.role.text() == "Nurse"  # still there

    _answer(monkeypatch, editor_base, Button.Save)
    assert window.close()
    assert desk.contacts.list(text="Ada")[0].role == "Nurse"


def test_close_and_discard(qtbot, monkeypatch, desk, make_window):
    window, view = _contacts_window(desk, make_window, qtbot)
    qtbot.keyClicks(view.editor.role, "Nurse")
    _answer(monkeypatch, editor_base, Button.Discard)
    assert window.close()
    assert desk.contacts.list(text="Ada")[0].role == ""


def test_switching_rows_with_unsaved_edits_asks(qtbot, monkeypatch, desk, make_window):
    window, view = _contacts_window(desk, make_window, qtbot)
    first = view.current_id()
    qtbot.keyClicks(view.editor.role, "Pastor")
    asked = _answer(monkeypatch, editor_base, Button.Cancel)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    assert asked and view.current_id() == first
    assert view.table.currentIndex().row() == 0
    assert view.editor.role.text() == "Pastor"

    _answer(monkeypatch, editor_base, Button.Save)
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    assert view.current_id() != first
    assert desk.contacts.get(first).role == "Pastor"


def test_delete_asks_then_ctrl_z_undoes(qtbot, monkeypatch, desk, make_window):
    window, view = _contacts_window(desk, make_window, qtbot)
    target = view.current_id()
    asked = _answer(monkeypatch, record_list, Button.No)
    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    assert asked and desk.contacts.count() == 4  # said no: nothing deleted

    _answer(monkeypatch, record_list, Button.Yes)
    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model.rowCount() == 3)  # deleted on the database worker
    assert desk.contacts.get(target).deleted
    assert view.current_id() != target  # the editor no longer shows the deleted record
    assert window.undo_action.text().replace("&", "") == "Undo: deletion of Ada Brown"

    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.model.rowCount() == 4)
    assert not desk.contacts.get(target).deleted


def test_deleting_several_is_one_undo_step_and_trash_restores(qtbot, monkeypatch, desk,
                                                              make_window):
    window, view = _contacts_window(desk, make_window, qtbot)
    _answer(monkeypatch, record_list, Button.Yes)
    view.table.selectAll()
    ids = view.selected_ids()
    assert len(ids) == 4
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: desk.contacts.count() == 0)
    qtbot.waitUntil(window.undo_action.isEnabled)
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: desk.contacts.count() == 4)
    qtbot.waitUntil(window.redo_action.isEnabled)
    window.redo_action.trigger()
    qtbot.waitUntil(lambda: desk.contacts.count() == 0)
    qtbot.waitUntil(window.undo_action.isEnabled)

    window.show_view("trash")
    trash = window.view("trash")
    names = [trash.records.topLevelItem(i).text(0)
             for i in range(trash.records.topLevelItemCount())]
    assert sorted(names) == ["Ada Brown", "Ben Cole", "Cara Diaz", "Dan Evans"]
    trash.records.topLevelItem(0).setSelected(True)
    qtbot.mouseClick(trash.restore_button, Qt.MouseButton.LeftButton)
    assert desk.contacts.count() == 1
    assert trash.records.topLevelItemCount() == 3


def test_bulk_tag_and_status_are_one_undo_step_each(qtbot, monkeypatch, desk, make_window):
    desk.organizations.create(name="Alpha Clinic", status="prospect", tags=["health"])
    desk.organizations.create(name="Beta School", status="active")
    window = make_window(desk)
    window.show_view("organizations")
    view = window.view("organizations")
    view.table.selectAll()
    monkeypatch.setattr(record_list.QInputDialog, "getText",
                        staticmethod(lambda *a, **k: ("winter 2026", True)))
    # The list follows the change before the next click (as it does for a person; on a
    # busy machine the test once clicked before it did, and once after: both must work).
    with qtbot.waitSignal(view.model.modelReset):
        qtbot.mouseClick(view.tag_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.task is None)
    tags = {o.name: o.tags for o in desk.organizations.list()}
    assert tags == {"Alpha Clinic": ["health", "winter 2026"], "Beta School": ["winter 2026"]}

    monkeypatch.setattr(record_list.QInputDialog, "getItem",
                        staticmethod(lambda *a, **k: ("Paused", True)))
    qtbot.mouseClick(view.status_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.task is None)
    assert {o.status for o in desk.organizations.list()} == {"paused"}
    assert window.undo_action.text().replace("&", "") == "Undo: change to 2 organizations"

    window.undo_action.trigger()
    qtbot.waitUntil(lambda: {o.name: o.status for o in desk.organizations.list()} == {
        "Alpha Clinic": "prospect", "Beta School": "active"})
    qtbot.waitUntil(window.undo_action.isEnabled)
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: {o.name: o.tags for o in desk.organizations.list()} == {
        "Alpha Clinic": ["health"], "Beta School": []})
