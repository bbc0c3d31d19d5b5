"""Create an organization and a contact in it through the widgets; bad e-mail blocks Save."""

from PySide6.QtCore import Qt

from partnerdesk.ui.editors.contact import ContactEditor


def test_create_organization_then_contact_in_it(qtbot, desk, make_window):
    window = make_window(desk)
    assert window.show_view("organizations")
    orgs = window.view("organizations")
    qtbot.mouseClick(orgs.new_button, Qt.MouseButton.LeftButton)
    editor = orgs.editor
    qtbot.keyClicks(editor.name, "Harbor Food Pantry")
    editor.kind.setCurrentIndex(editor.kind.findData("community_group"))
    qtbot.keyClicks(editor.email, "hello@harborpantry.org")
    qtbot.keyClicks(editor.tags, "food, volunteers")
    qtbot.waitUntil(lambda: orgs.pane.save_button.isEnabled())
    qtbot.mouseClick(orgs.pane.save_button, Qt.MouseButton.LeftButton)

    [org] = desk.organizations.list(text="Harbor")
    assert org.kind == "community_group"
    assert org.email == "hello@harborpantry.org"
    assert org.tags == ["food", "volunteers"]
    assert orgs.model.rowCount() == 1
    assert orgs.table.currentIndex().row() == 0  # the new record is selected in the list

    assert window.show_view("contacts")
    contacts = window.view("contacts")
    window.new_action.trigger()  # File → New (Ctrl+N) on the Contacts screen
    person: ContactEditor = contacts.editor
    qtbot.keyClicks(person.name, "Ana Perez")
    qtbot.keyClicks(person.role, "Coordinator")
    picker = person.organization
    qtbot.keyClicks(picker.line_edit, "Harb")
    qtbot.waitUntil(lambda: picker.model.rowCount() == 1)
    picker.completer.activated[type(picker.model.index(0, 0))].emit(picker.model.index(0, 0))
    assert picker.value() == org.id
    qtbot.keyClicks(person.emails.first_edit(), "ana@harborpantry.org")
    qtbot.mouseClick(person.phones.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(person.phones.rows[-1][1], "+1 617 201 3344")
    qtbot.mouseClick(person.share_ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: contacts.pane.save_button.isEnabled())
    window.save_action.trigger()  # File → Save (Ctrl+S)

    [saved] = desk.contacts.list()
    assert saved.name == "Ana Perez"
    assert saved.organization_id == org.id
    assert saved.emails[0]["address"] == "ana@harborpantry.org"
    assert saved.phones[-1]["number"] == "+16172013344"
    assert saved.share_ok is True
    assert not contacts.editor.is_dirty()

    # The organization's Contacts tab lists the person, and opens them.
    window.show_view("organizations")
    orgs.open_record(org.id)
    related = orgs.editor.related["contacts"]
    qtbot.waitUntil(lambda: related.targets() != [])
    assert related.targets() == [("contact", saved.id)]
    related.setCurrentRow(0)
    related.itemActivated.emit(related.item(0))
    assert window.current_key() == "contacts"
    assert contacts.current_id() == saved.id


def test_invalid_email_disables_save_and_says_why(qtbot, desk, make_window):
    window = make_window(desk)
    window.show_view("contacts")
    contacts = window.view("contacts")
    contacts.new_record()
    editor = contacts.editor
    qtbot.keyClicks(editor.name, "Sam Lee")
    qtbot.waitUntil(lambda: contacts.pane.save_button.isEnabled())
    qtbot.keyClicks(editor.emails.first_edit(), "sam@@example")
    problem = editor.findChild(type(contacts.count_label), "problem_emails")
    qtbot.waitUntil(lambda: not contacts.pane.save_button.isEnabled())
    assert problem.isVisible()
    assert "sam@@example" in problem.text() or "e-mail" in problem.text().lower()
    window.save_action.trigger()
    assert desk.contacts.count() == 0  # nothing saved while invalid

    editor.emails.first_edit().clear()
    qtbot.keyClicks(editor.emails.first_edit(), "sam@example.org")
    qtbot.waitUntil(lambda: contacts.pane.save_button.isEnabled())
    assert not problem.isVisible()
    qtbot.mouseClick(contacts.pane.save_button, Qt.MouseButton.LeftButton)
    assert desk.contacts.list()[0].emails == [{"address": "sam@example.org", "kind": "work"}]


def test_a_name_is_required(qtbot, desk, make_window):
    window = make_window(desk)
    window.show_view("organizations")
    orgs = window.view("organizations")
    orgs.new_record()
    qtbot.keyClicks(orgs.editor.website, "https://example.org")
    problem = orgs.editor.findChild(type(orgs.count_label), "problem_name")
    qtbot.waitUntil(problem.isVisible)  # checked again a moment after typing
    assert not orgs.pane.save_button.isEnabled()
