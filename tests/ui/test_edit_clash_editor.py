"""Two people editing one record in the contact editor: nothing typed is lost and nothing
saved by the other is overwritten unseen. The other person is a second session on the
same database (a second window)."""

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from partnerdesk.services import Desk
from partnerdesk.ui.editors.contact import ContactEditor


@pytest.fixture
def bea(desk: Desk) -> Iterator[Desk]:
    other = Desk.open(desk.location)
    yield other
    other.close()


def open_editor(qtbot: QtBot, desk: Desk, record_id: str) -> ContactEditor:
    editor = ContactEditor(desk)
    qtbot.addWidget(editor)
    editor.show()
    editor.load(record_id)
    return editor


def test_a_field_both_changed_shows_both_values_and_keeps_the_typed_one(
        qtbot: QtBot, desk: Desk, bea: Desk) -> None:
    contact = desk.contacts.create(name="Ida Brandt", role="Nurse", notes="Mornings.")
    editor = open_editor(qtbot, desk, contact.id)
    bea.contacts.update(contact.id, rev=contact.rev, role="Head nurse", notes="Evenings.")
    editor.role.selectAll()
    qtbot.keyClicks(editor.role, "Charge nurse")
    assert not editor.save()
    problem = editor.findChild(QLabel, "problem_role")
    assert problem.isVisible() and "Head nurse" in problem.text()
    assert editor.role.text() == "Charge nurse"  # what was typed is still there
    assert editor.notes.toPlainText() == "Evenings."  # the untouched field shows Bea's
    assert desk.contacts.get(contact.id).role == "Head nurse"  # nothing saved yet
    assert editor.save()  # saving again keeps the typed value, and Bea's notes
    saved = bea.contacts.get(contact.id)
    assert (saved.role, saved.notes) == ("Charge nurse", "Evenings.")


def test_different_fields_both_go_through(qtbot: QtBot, desk: Desk, bea: Desk) -> None:
    contact = desk.contacts.create(name="Ida Brandt", role="Nurse", notes="Mornings.")
    editor = open_editor(qtbot, desk, contact.id)
    bea.contacts.update(contact.id, rev=contact.rev, notes="Evenings.")
    editor.role.selectAll()
    qtbot.keyClicks(editor.role, "Charge nurse")
    assert editor.save()
    saved = bea.contacts.get(contact.id)
    assert (saved.role, saved.notes) == ("Charge nurse", "Evenings.")


def test_a_whole_save_over_a_colleagues_keeps_what_was_typed_in_the_record_and_its_rows(
        qtbot: QtBot, desk: Desk, bea: Desk) -> None:
    from datetime import date

    from partnerdesk.services.whole_save import ChildChanges
    from partnerdesk.ui.editors.partnership import PartnershipEditor

    saved = desk.partnerships.save(
        {"title": "Food as Medicine", "goals": "Fifty boxes a week."},
        milestones=ChildChanges(new=[{"title": "First 50 boxes",
                                      "due_date": date(2026, 9, 30)}]))
    [milestone] = desk.milestones.list()
    editor = PartnershipEditor(desk)
    qtbot.addWidget(editor)
    editor.show()
    editor.load(saved.id)
    # Bea saves the goals and the milestone's title meanwhile, and the status.
    bea.partnerships.save({"title": "Food as Medicine", "goals": "Eighty boxes a week.",
                           "status": "active"}, saved.id, milestones=ChildChanges(
        changed={milestone.id: {"title": "First 40 boxes"}}))
    editor.goals.setPlainText("Sixty boxes a week.")
    editor.milestones.set_value(0, "title", "First 60 boxes")
    qtbot.keyClicks(editor.milestone_title, "Second 50 boxes")
    qtbot.mouseClick(editor.milestones_section.add_button, Qt.MouseButton.LeftButton)
    assert editor.milestones.rowCount() == 2

    assert not editor.save()
    assert "Eighty boxes a week." in editor.findChild(QLabel, "problem_goals").text()
    assert "First 40 boxes" in editor.milestones_section.problem.text()
    # What was typed stays: the goals, the changed row and the new one.
    assert editor.goals.toPlainText() == "Sixty boxes a week."
    assert [row["title"] for row in editor.milestones.rows()] == ["First 60 boxes",
                                                                   "Second 50 boxes"]
    assert editor.status.currentData() == "active"  # the untouched field shows Bea's
    assert desk.milestones.count() == 1 and desk.milestones.get(milestone.id).title == \
        "First 40 boxes"  # nothing saved yet
    assert editor.is_dirty()

    assert editor.save()  # saving again keeps what the person chose, and Bea's status
    kept = bea.partnerships.get(saved.id)
    assert (kept.goals, kept.status) == ("Sixty boxes a week.", "active")
    assert sorted(m.title for m in bea.milestones.list()) == ["First 60 boxes",
                                                              "Second 50 boxes"]


def _partnership_with_a_milestone(qtbot: QtBot, desk: Desk) -> tuple[Any, Any, Any]:
    from datetime import date

    from partnerdesk.services.whole_save import ChildChanges
    from partnerdesk.ui.editors.partnership import PartnershipEditor

    saved = desk.partnerships.save({"title": "Food as Medicine"}, milestones=ChildChanges(
        new=[{"title": "First 50 boxes", "due_date": date(2026, 9, 30)}]))
    [milestone] = desk.milestones.list()
    editor = PartnershipEditor(desk)
    qtbot.addWidget(editor)
    editor.show()
    editor.load(saved.id)
    return saved, milestone, editor


def test_removing_a_milestone_the_colleague_changed_meanwhile_asks_first(
        qtbot: QtBot, desk: Desk, bea: Desk) -> None:
    """Ana removes a milestone Bea has just renamed: Bea's change is not thrown away
    unseen. Ana is told what Bea saved; Save again removes it."""
    saved, milestone, editor = _partnership_with_a_milestone(qtbot, desk)
    bea.milestones.update(milestone.id, rev=milestone.rev, title="First 60 boxes")
    editor.milestones_section.table.selectRow(0)
    qtbot.mouseClick(editor.milestones_section.remove_button, Qt.MouseButton.LeftButton)
    assert editor.milestones.rowCount() == 0

    assert not editor.save()
    problem = editor.milestones_section.problem.text()
    assert "changed a row you removed" in problem and "First 60 boxes" in problem
    assert not desk.milestones.get(milestone.id).deleted  # nothing saved yet
    assert editor.is_dirty() and editor.milestones.rowCount() == 0
    assert editor.save()  # Ana saw it and still removes it
    assert bea.milestones.get(milestone.id).deleted


def test_a_milestone_the_colleague_removed_while_it_was_changed_comes_back_once_saved_again(
        qtbot: QtBot, desk: Desk, bea: Desk) -> None:
    from partnerdesk.services.whole_save import ChildChanges

    saved, milestone, editor = _partnership_with_a_milestone(qtbot, desk)
    bea.partnerships.save({"title": "Food as Medicine"}, saved.id,
                          milestones=ChildChanges(removed=[milestone.id]))
    editor.milestones.set_value(0, "title", "First 60 boxes")

    assert not editor.save()
    assert "removed a row you changed" in editor.milestones_section.problem.text()
    assert desk.milestones.get(milestone.id).deleted  # nothing saved yet
    assert [row["title"] for row in editor.milestones.rows()] == ["First 60 boxes"]
    assert editor.save()  # she keeps hers: the row is back, with her change
    back = bea.milestones.get(milestone.id)
    assert not back.deleted and back.title == "First 60 boxes"


def test_deleting_a_contact_the_colleague_changed_meanwhile_asks_first(
        qtbot: QtBot, desk: Desk, bea: Desk, make_window: Any, monkeypatch: Any) -> None:
    """Ana looks at a contact, Bea changes it, Ana presses Delete (the change notice of a
    file's other window is not heard, so Ana's screen is stale): she is asked, and No
    shows Bea's change; deleting again after that goes without a second question."""
    from PySide6.QtWidgets import QMessageBox

    from partnerdesk.ui import record_list

    contact = desk.contacts.create(name="Ida Brandt", role="Nurse")
    window = make_window(desk)
    assert window.open_record("contact", contact.id)
    view = window.view("contacts")
    qtbot.waitUntil(lambda: view.editor.role.text() == "Nurse")
    bea.contacts.update(contact.id, role="Head nurse")
    answers = [QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No]
    asked: list[str] = []

    def question(_parent: Any, _title: str, text: str, *_args: Any, **_kwargs: Any) -> Any:
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(record_list.QMessageBox, "question", staticmethod(question))
    view.delete_selected()  # Yes to "Delete “Ida Brandt”?", No once told of Bea's change
    qtbot.waitUntil(lambda: len(asked) == 2)
    assert "changed “Ida Brandt” (role)" in asked[1]
    qtbot.waitUntil(lambda: view.editor.role.text() == "Head nurse")
    assert not desk.contacts.get(contact.id).deleted

    answers[:] = [QMessageBox.StandardButton.Yes]
    view.delete_selected()  # now she has seen it
    qtbot.waitUntil(lambda: desk.contacts.get(contact.id).deleted)
    assert len(asked) == 3
