"""The Contact editor's department, phones with kinds and extensions, postal addresses and
websites: typed in the widgets, saved, shown again, found by search; the wizard's column
step with the first rows and the columns left out."""

import csv
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from partnerdesk.services import Desk
from partnerdesk.ui.editors.contact import ContactEditor
from partnerdesk.ui.import_wizard import ImportWizard


def choose(combo: Any, value: str) -> None:
    combo.setCurrentIndex(combo.findData(value))


def test_type_every_new_field_save_and_see_it_again(qtbot: Any, desk: Desk,
                                                    make_window: Any) -> None:
    window = make_window(desk)
    window.show_view("contacts")
    contacts = window.view("contacts")
    contacts.new_record()
    editor: ContactEditor = contacts.editor
    qtbot.keyClicks(editor.name, "Ines Duarte")
    qtbot.keyClicks(editor.department, "Community Benefit")
    phones = editor.phones
    qtbot.keyClicks(phones.rows[0][1], "+1 617 555 0101")
    qtbot.keyClicks(phones.rows[0][3], "42")  # the extension box beside the number
    qtbot.mouseClick(phones.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(phones.rows[1][1], "+1 617 555 0109")
    choose(phones.rows[1][2], "fax")
    qtbot.mouseClick(phones.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(phones.rows[2][1], "+1 617 555 0108 x7")  # typed on the end
    choose(phones.rows[2][2], "pager")
    qtbot.mouseClick(editor.addresses.add_button, Qt.MouseButton.LeftButton)
    row = editor.addresses.rows[0]
    assert row.street.hasFocus()
    qtbot.keyClicks(row.street, "14 Elm St")
    qtbot.keyClick(row.street, Qt.Key.Key_Return)
    qtbot.keyClicks(row.street, "Apt 2")
    qtbot.keyClicks(row.parts["city"], "Somerville")
    qtbot.keyClicks(row.parts["region"], "MA")
    qtbot.keyClicks(row.parts["postal_code"], "02143")
    qtbot.keyClicks(row.parts["country"], "USA")
    choose(row.kind, "home")
    qtbot.keyClicks(editor.websites.first_edit(), "https://clinic.example/ines")
    qtbot.waitUntil(lambda: contacts.pane.save_button.isEnabled())
    qtbot.mouseClick(contacts.pane.save_button, Qt.MouseButton.LeftButton)

    [saved] = desk.contacts.list()
    assert saved.department == "Community Benefit"
    assert saved.phones == [
        {"number": "+16175550101", "kind": "work", "extension": "42"},
        {"number": "+16175550109", "kind": "fax", "extension": ""},
        {"number": "+16175550108", "kind": "pager", "extension": "7"}]
    assert saved.addresses == [{"kind": "home", "street": "14 Elm St\nApt 2",
                                "city": "Somerville", "region": "MA",
                                "postal_code": "02143", "country": "USA"}]
    assert saved.websites == [{"url": "https://clinic.example/ines", "kind": "work"}]
    assert not editor.is_dirty()
    # the search finds the person by the town, the department and the web address
    for words in ("Somerville", "Community Benefit", "clinic.example"):
        assert [hit.record_id for hit in desk.search(words)] == [saved.id], words

    editor.load(saved.id)  # shown again as saved
    assert editor.department.text() == "Community Benefit"
    assert [(number.text(), kind.currentData(), extension.text())
            for _box, number, kind, extension in editor.phones.rows] == [
        ("+1 617-555-0101", "work", "42"), ("+1 617-555-0109", "fax", ""),
        ("+1 617-555-0108", "pager", "7")]
    [shown] = editor.addresses.rows
    assert shown.value() == saved.addresses[0]
    assert editor.websites.values() == saved.websites
    qtbot.mouseClick(shown.remove_button, Qt.MouseButton.LeftButton)
    assert editor.is_dirty()
    qtbot.mouseClick(contacts.pane.save_button, Qt.MouseButton.LeftButton)
    assert desk.contacts.get(saved.id).addresses == []


def test_a_web_address_with_a_space_blocks_save_and_says_why(qtbot: Any, desk: Desk,
                                                             make_window: Any) -> None:
    window = make_window(desk)
    window.show_view("contacts")
    contacts = window.view("contacts")
    contacts.new_record()
    editor = contacts.editor
    qtbot.keyClicks(editor.name, "Omar Said")
    qtbot.waitUntil(lambda: contacts.pane.save_button.isEnabled())
    qtbot.keyClicks(editor.websites.first_edit(), "www.clinic example.org")
    problem = editor.findChild(type(contacts.count_label), "problem_websites")
    qtbot.waitUntil(lambda: not contacts.pane.save_button.isEnabled())
    assert problem.isVisible() and "cannot contain spaces" in problem.text()
    assert desk.contacts.count() == 0


def test_wizard_columns_show_first_rows_and_what_is_left_out(qtbot: Any, desk: Desk,
                                                            tmp_path: Path) -> None:
    path = tmp_path / "staff.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([
            ["Who", "Desk phone", "Ext", "Town", "Shoe size"],
            ["Ines Duarte", "617-555-0101", "12", "Boston", "38"],
            ["Omar Said", "617-555-0102", "", "Cambridge", "44"]])
    wizard = ImportWizard(desk)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.keyClicks(wizard.path_edit, str(path))
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 1 and not wizard._busy())
    table = wizard.mapping_table
    assert [table.item(row, 0).text() for row in range(table.rowCount())] == [
        "Who", "Desk phone", "Ext", "Town", "Shoe size"]
    assert [table.item(0, column).text() for column in (2, 3)] == ["Ines Duarte", "Omar Said"]
    assert table.horizontalHeaderItem(2).text() == "Row 2"
    boxes = wizard.mapping_boxes
    assert [box.currentData() for box in boxes] == [
        "", "phone:work", "phone_extension", "address:work:city", ""]
    assert "No column of “staff.csv” holds people's names" in wizard.mapping_problem.text()
    assert not wizard.next_button.isEnabled()  # no names: nothing could be imported
    assert wizard.not_imported_label.text() == "Not imported: Who, Shoe size."
    choose(boxes[0], "name")
    assert wizard.next_button.isEnabled() and wizard.mapping_problem.text() == ""
    assert wizard.not_imported_label.text() == "Not imported: Shoe size."
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 2 and not wizard._busy())
    assert "Not imported: Shoe size." in wizard.summary_label.text()
    with qtbot.waitSignal(wizard.sig_imported):
        qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert "Not imported: Shoe size." in wizard.done_label.text()
    ines = desk.contacts.list(where={"name": "Ines Duarte"})[0]
    assert ines.phones == [{"number": "+16175550101", "kind": "work", "extension": "12"}]
    assert ines.addresses == [{"kind": "work", "street": "", "city": "Boston", "region": "",
                               "postal_code": "", "country": ""}]
