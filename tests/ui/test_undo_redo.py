"""Undo and Redo in the app (Ctrl+Z / Ctrl+Shift+Z) for saves, whole saves, deletions,
restores of a version, duplicate merges and changes to many rows: each named in the Edit
menu, each put back in the database and on screen, and refused with a sentence (nothing
changed) once the record was changed since."""

import uuid
from datetime import datetime
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QRadioButton
from pytestqt.qtbot import QtBot

from partnerdesk.services import Desk
from partnerdesk.ui import errors, record_list
from partnerdesk.ui.duplicates_window import DuplicatesWindow, MergeDialog

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _text(action: Any) -> str:
    return action.text().replace("&", "")


def _active(qtbot: QtBot, window: Any) -> None:
    """The window active again, as a window manager makes it after a dialog: on a busy
    machine the undo before shows its progress dialog, and offscreen nothing gives the
    window back its activation (Ctrl+Z, a window shortcut, would then do nothing)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def _undo(qtbot: QtBot, window: Any, widget: Any) -> None:
    qtbot.waitUntil(window.undo_action.isEnabled)
    _active(qtbot, window)
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_Z, CTRL)


def _redo(qtbot: QtBot, window: Any, widget: Any) -> None:
    qtbot.waitUntil(window.redo_action.isEnabled)
    _active(qtbot, window)
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_Z, CTRL | SHIFT)


def _contacts(qtbot: QtBot, desk: Desk, make_window: Any) -> tuple[Any, Any]:
    window = make_window(desk)
    window.show_view("contacts")
    return window, window.view("contacts")


def test_an_edit_saved_in_the_editor_is_undone_and_redone(qtbot: QtBot, desk: Desk,
                                                          make_window: Any) -> None:
    marcus = desk.contacts.create(name="Marcus Lee", role="Nurse")
    window, view = _contacts(qtbot, desk, make_window)
    view.open_record(marcus.id)
    view.editor.role.clear()
    qtbot.keyClicks(view.editor.role, "Head nurse")
    qtbot.waitUntil(view.pane.save_button.isEnabled)
    qtbot.mouseClick(view.pane.save_button, Qt.MouseButton.LeftButton)
    assert desk.contacts.get(marcus.id).role == "Head nurse"
    qtbot.waitUntil(lambda: _text(window.undo_action) == "Undo: edit of Marcus Lee")
    assert window.edit_menu.actions()[0] is window.undo_action

    # Ctrl+Z right away, the cursor still in the field: the save is what it undoes
    _undo(qtbot, window, view.editor.role)
    qtbot.waitUntil(lambda: view.editor.role.text() == "Nurse")
    assert desk.contacts.get(marcus.id).role == "Nurse"
    assert not view.editor.is_dirty()
    assert _text(window.redo_action) == "Redo: edit of Marcus Lee"

    _redo(qtbot, window, view.table)
    qtbot.waitUntil(lambda: view.editor.role.text() == "Head nurse")
    assert desk.contacts.get(marcus.id).role == "Head nurse"


def test_ctrl_z_in_a_field_with_typing_undoes_the_typing_first(
        qtbot: QtBot, desk: Desk, make_window: Any) -> None:
    marcus = desk.contacts.create(name="Marcus Lee", role="Nurse")
    window, view = _contacts(qtbot, desk, make_window)
    view.open_record(marcus.id)
    view.editor.role.setFocus()
    view.editor.role.end(False)
    qtbot.keyClicks(view.editor.role, " (nights)")
    qtbot.keyClick(view.editor.role, Qt.Key.Key_Z, CTRL)
    assert view.editor.role.text() == "Nurse"  # the field's own undo: nothing saved
    assert desk.contacts.get(marcus.id).role == "Nurse"
    assert _text(window.undo_action) == "Undo: adding Marcus Lee"  # still to undo
    assert not desk.contacts.get(marcus.id).deleted


def test_a_partnership_saved_with_its_milestones_is_undone_whole(
        qtbot: QtBot, desk: Desk, make_window: Any) -> None:
    ship = desk.partnerships.save({"title": "Food access"}).record
    window = make_window(desk)
    window.show_view("partnerships")
    view = window.view("partnerships")
    view.open_record(ship.id)
    editor = view.editor
    editor.title.clear()
    qtbot.keyClicks(editor.title, "Food access 2027")
    editor.tabs.setCurrentIndex(2)
    qtbot.keyClicks(editor.milestone_title, "First 50 food boxes delivered")
    qtbot.mouseClick(editor.milestones_section.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(view.pane.save_button.isEnabled)
    qtbot.mouseClick(view.pane.save_button, Qt.MouseButton.LeftButton)
    [milestone] = desk.milestones.list(where={"partnership_id": ship.id})
    qtbot.waitUntil(lambda: _text(window.undo_action) == "Undo: edit of Food access 2027")

    _undo(qtbot, window, view.table)
    qtbot.waitUntil(lambda: editor.title.text() == "Food access")
    assert desk.partnerships.get(ship.id).title == "Food access"
    assert desk.milestones.get(milestone.id).deleted  # made by the save: in the Trash
    assert editor.milestones.rowCount() == 0

    _redo(qtbot, window, view.table)
    qtbot.waitUntil(lambda: editor.title.text() == "Food access 2027")
    assert not desk.milestones.get(milestone.id).deleted
    qtbot.waitUntil(lambda: editor.milestones.rowCount() == 1)


def test_restoring_an_earlier_version_is_undone(qtbot: QtBot, desk: Desk,
                                                make_window: Any) -> None:
    lee = desk.contacts.create(name="Lee Park", role="Volunteer")
    desk.contacts.update(lee.id, role="Board member")
    window, view = _contacts(qtbot, desk, make_window)
    view.open_record(lee.id)
    qtbot.mouseClick(view.pane.history_button, Qt.MouseButton.LeftButton)
    panel = view.pane.history
    panel.entries.setCurrentItem(panel.entries.topLevelItem(0))
    qtbot.mouseClick(panel.restore_button, Qt.MouseButton.LeftButton)
    assert view.editor.role.text() == "Volunteer"
    qtbot.waitUntil(lambda: _text(window.undo_action)
                    == "Undo: restore of an earlier version of Lee Park")

    _undo(qtbot, window, view.table)
    qtbot.waitUntil(lambda: view.editor.role.text() == "Board member")
    assert desk.contacts.get(lee.id).role == "Board member"
    _redo(qtbot, window, view.table)
    qtbot.waitUntil(lambda: view.editor.role.text() == "Volunteer")


def test_a_deletion_is_undone_and_the_list_shows_the_record_again(
        qtbot: QtBot, desk: Desk, make_window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    ana = desk.contacts.create(name="Ana Ruiz")
    desk.contacts.create(name="Ben Cole")
    window, view = _contacts(qtbot, desk, make_window)
    view.open_record(ana.id)
    monkeypatch.setattr(record_list.QMessageBox, "question",
                        staticmethod(lambda *_a, **_k: QMessageBox.StandardButton.Yes))
    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert _text(window.undo_action) == "Undo: deletion of Ana Ruiz"
    _undo(qtbot, window, view.table)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2)
    assert not desk.contacts.get(ana.id).deleted
    _redo(qtbot, window, view.table)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)


def test_a_duplicate_merge_is_undone(qtbot: QtBot, desk: Desk, make_window: Any,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    first = desk.contacts.create(name="Renee Dubois",
                                 emails=[{"address": "renee@mercy.example", "kind": "work"}])
    second = desk.contacts.create(name="Renée Dubois", role="Director",
                                  emails=[{"address": "renee@mercy.example", "kind": "work"}])
    meeting = desk.meetings.create(title="Kick-off", starts_at=datetime(2026, 6, 1, 9))
    desk.meeting_attendees.create(meeting_id=meeting.id, contact_id=second.id)
    window, view = _contacts(qtbot, desk, make_window)
    duplicates = DuplicatesWindow(desk)
    qtbot.addWidget(duplicates)
    duplicates.show()
    qtbot.waitUntil(lambda: not duplicates.busy() and duplicates.model.rowCount() == 1,
                    timeout=15000)
    duplicates.table.selectRow(0)
    keep = duplicates.model.row_at(0).first_id
    other = second.id if keep == first.id else first.id

    def run_dialog(dialog: MergeDialog) -> int:
        dialog.show()
        button = [b for b in dialog.findChildren(QRadioButton)
                  if b.accessibleName().startswith("role:") and b.text() == "Director"][0]
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(6, button.height() // 2))
        dialog.merge_button.click()
        return dialog.result()

    monkeypatch.setattr(MergeDialog, "exec", run_dialog)
    qtbot.mouseClick(duplicates.merge_button, Qt.MouseButton.LeftButton)
    assert desk.contacts.get(other).deleted
    assert desk.meeting_attendees.list()[0].contact_id == keep
    qtbot.waitUntil(lambda: _text(window.undo_action).startswith("Undo: merge of "))
    duplicates.close()  # back in the main window, where Ctrl+Z is
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    _undo(qtbot, window, view.table)
    qtbot.waitUntil(lambda: not desk.contacts.get(other).deleted)
    assert desk.meeting_attendees.list()[0].contact_id == second.id
    qtbot.waitUntil(lambda: view.model.rowCount() == 2)
    _redo(qtbot, window, view.table)
    qtbot.waitUntil(lambda: desk.contacts.get(other).deleted)
    assert desk.meeting_attendees.list()[0].contact_id == keep


def test_an_undo_after_an_import_changed_the_record_says_so_and_changes_nothing(
        qtbot: QtBot, desk: Desk, make_window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    marcus = desk.contacts.create(name="Marcus Lee", role="Nurse")
    window, view = _contacts(qtbot, desk, make_window)
    view.open_record(marcus.id)
    view.editor.role.clear()
    qtbot.keyClicks(view.editor.role, "Head nurse")
    qtbot.waitUntil(view.pane.save_button.isEnabled)
    qtbot.mouseClick(view.pane.save_button, Qt.MouseButton.LeftButton)
    with desk.store.write(batch_id=str(uuid.uuid4())) as writer:  # as an import writes
        desk.contacts.save_many(writer, [], {marcus.id: {"role": "Ward manager"}})
    qtbot.waitUntil(lambda: view.editor.role.text() == "Ward manager")
    told: list[str] = []
    monkeypatch.setattr(errors.QMessageBox, "warning",
                        staticmethod(lambda _p, _t, text, *_a, **_k: told.append(text)))

    _undo(qtbot, window, view.table)
    qtbot.waitUntil(lambda: bool(told))
    assert "was changed after the edit of Marcus Lee" in told[0]
    assert "Nothing was changed" in told[0]
    assert desk.contacts.get(marcus.id).role == "Ward manager"
    assert view.editor.role.text() == "Ward manager"
    qtbot.waitUntil(window.undo_action.isEnabled)  # still offered, still named
    assert _text(window.undo_action) == "Undo: edit of Marcus Lee"


def test_ctrl_a_on_a_filtered_list_changes_sharing_of_all_as_one_step(
        qtbot: QtBot, desk: Desk, make_window: Any) -> None:
    for n in range(12):
        desk.contacts.create(name=f"Volunteer {n:02}")
    desk.contacts.create(name="Marcus Lee")
    window, view = _contacts(qtbot, desk, make_window)
    qtbot.keyClicks(view.filter_box, "volunteer")
    qtbot.waitUntil(lambda: view.model.rowCount() == 12)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_A, CTRL)
    assert view.change_button.isEnabled()
    [shared] = [a for a in view.change_menu.actions()
                if a.text() == "May be shared with partners"]
    shared.trigger()
    qtbot.waitUntil(lambda: view.task is None)
    assert {c.name: c.share_ok for c in desk.contacts.list()} == {
        **{f"Volunteer {n:02}": True for n in range(12)}, "Marcus Lee": False}
    assert _text(window.undo_action) == "Undo: change to 12 contacts"

    _undo(qtbot, window, view.table)
    qtbot.waitUntil(lambda: not any(c.share_ok for c in desk.contacts.list()))
    _redo(qtbot, window, view.table)
    qtbot.waitUntil(lambda: sum(c.share_ok for c in desk.contacts.list()) == 12)


def test_organization_of_selected_rows_is_set_together(
        qtbot: QtBot, desk: Desk, make_window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    desk.organizations.create(name="Mercy General Hospital")
    ids = [desk.contacts.create(name=name).id for name in ("Ada Brown", "Ben Cole", "Cara Diaz")]
    window, view = _contacts(qtbot, desk, make_window)
    view.select_row(0)
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, SHIFT,
                     view.table.visualRect(view.model.index(1, 0)).center())
    assert sorted(view.selected_ids()) == sorted(ids[:2])
    monkeypatch.setattr(record_list.QInputDialog, "getItem", staticmethod(
        lambda *_a, **_k: ("Mercy General Hospital", True)))
    [action] = [a for a in view.change_menu.actions() if a.text() == "Organization…"]
    action.trigger()
    qtbot.waitUntil(lambda: view.task is None)
    mercy = desk.organizations.list()[0].id
    assert [desk.contacts.get(i).organization_id for i in ids] == [mercy, mercy, None]
    _undo(qtbot, window, view.table)
    qtbot.waitUntil(lambda: all(desk.contacts.get(i).organization_id is None for i in ids))
