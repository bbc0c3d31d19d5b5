"""Two people editing one record in the contact editor: nothing typed is lost and nothing
saved by the other is overwritten unseen. The other person is a second session on the
same database (a second window)."""

from collections.abc import Iterator

import pytest
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
