"""The import wizard, driven like a person would: file, columns, preview, import."""

import csv
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from partnerdesk.services import Desk
from partnerdesk.ui import import_wizard as wizard_module
from partnerdesk.ui.import_wizard import ImportWizard
from tests.contacts.conftest import EXPORTS
from tests.interchange.conftest import FIXTURES, records_digest


@pytest.fixture
def wizard(qtbot: Any, desk: Desk) -> ImportWizard:
    made = ImportWizard(desk)
    qtbot.addWidget(made)
    made.show()
    qtbot.waitExposed(made)
    return made


def click_next(qtbot: Any, wizard: ImportWizard, page: int) -> None:
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == page and not wizard._busy(),
                    timeout=15000)


def test_csv_import_with_mapping_fix_and_per_row_choice(qtbot: Any, wizard: ImportWizard,
                                                         desk: Desk, tmp_path: Path) -> None:
    desk.contacts.create(name="Ann Lee", role="Nurse",
                         emails=[{"address": "ann@clinic.example"}])
    path = tmp_path / "people.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([
            ["Person", "Mail", "Shoe size"],
            ["Ann Lee", "ann@clinic.example", "38"],
            ["Bilal Haddad", "bilal@example.org", "44"],
            ["Chen Wei", "not-an-email", "40"]])
    qtbot.keyClicks(wizard.path_edit, str(path))
    click_next(qtbot, wizard, 1)
    boxes = wizard.mapping_boxes
    assert [box.currentData() for box in boxes] == ["name", "email", ""]
    boxes[2].setCurrentIndex(boxes[2].findData("notes"))  # the person fixes a column
    click_next(qtbot, wizard, 2)

    model = wizard.preview_model
    found = [model.index(row, 3).data() for row in range(model.rowCount())]
    assert found[0].startswith("Looks like “Ann Lee” (same e-mail")
    assert found[1] == "New"
    assert found[2].startswith("Problem: E-mail")
    assert "3 rows: 1 new, 1 that look like records you already have, 1 with problems" in \
        wizard.summary_label.text()

    wizard.preview.selectRow(0)
    qtbot.mouseClick(wizard.action_buttons["skip"], Qt.MouseButton.LeftButton)
    assert model.index(0, 4).data() == "Skip"

    wizard.nothing_radio.setChecked(True)
    assert not wizard.next_button.isEnabled()  # "nothing" while a row has a problem
    wizard.valid_only_radio.setChecked(True)
    assert wizard.next_button.isEnabled()
    with qtbot.waitSignal(wizard.sig_imported, timeout=15000):
        qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.pages.currentIndex() == 3
    assert "1 added, 0 merged" in wizard.done_label.text()
    names = sorted(c.name for c in desk.contacts.list())
    assert names == ["Ann Lee", "Bilal Haddad"]
    bilal = desk.contacts.list(where={"name": "Bilal Haddad"})[0]
    assert bilal.notes == "44"
    assert desk.contacts.list(where={"name": "Ann Lee"})[0].notes == ""  # skipped
    wizard.grab().save(str(tmp_path / "wizard.png"))


def test_a_recognised_export_with_columns_the_person_leaves_out(
        qtbot: Any, wizard: ImportWizard, desk: Desk) -> None:
    """A Thunderbird export: its layout named, each column with its first row beside it;
    the person sets Fax and Pager to ignore, and the columns not imported are named on the
    column page, in the preview and in the result."""
    qtbot.keyClicks(wizard.path_edit, str(EXPORTS / "thunderbird.csv"))
    click_next(qtbot, wizard, 1)
    assert wizard.layout_label.text().startswith(
        "This file looks like: Thunderbird address book export. 2 rows.")
    table = wizard.mapping_table
    headers = [table.item(row, 0).text() for row in range(table.rowCount())]
    boxes = dict(zip(headers, wizard.mapping_boxes, strict=True))
    assert table.horizontalHeaderItem(2).text() == "Row 2"  # as a spreadsheet numbers it
    assert table.item(headers.index("Primary Email"), 2).text() == "priya@brightgrid.example"
    assert {header: boxes[header].currentData() for header in (
        "Display Name", "Primary Email", "Secondary Email", "Fax Number", "Pager Number",
        "Work City", "Department", "Custom 1")} == {
        "Display Name": "name", "Primary Email": "email", "Secondary Email": "email:other",
        "Fax Number": "phone:fax", "Pager Number": "phone:pager",
        "Work City": "address:work:city", "Department": "department", "Custom 1": ""}
    assert wizard.not_imported_label.text() == "Not imported: Birth Year, Custom 1."
    for header in ("Fax Number", "Pager Number"):
        boxes[header].setCurrentIndex(boxes[header].findData(""))
    left_out = "Not imported: Fax Number, Pager Number, Birth Year, Custom 1."
    assert wizard.not_imported_label.text() == left_out
    click_next(qtbot, wizard, 2)
    assert left_out in wizard.summary_label.text()
    with qtbot.waitSignal(wizard.sig_imported, timeout=15000):
        qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert "2 added" in wizard.done_label.text() and left_out in wizard.done_label.text()
    priya = desk.contacts.list(where={"name": "Priya Raman"})[0]
    assert [(p["number"], p["kind"]) for p in priya.phones] == [
        ("+16175550150", "work"), ("+16175550151", "mobile")]
    assert [e["address"] for e in priya.emails] == ["priya@brightgrid.example",
                                                    "priya.raman@home.example"]


def test_vcard_import_merges_by_default(qtbot: Any, wizard: ImportWizard, desk: Desk) -> None:
    wizard.kind_box.setCurrentIndex(wizard.kind_box.findData("vcard"))
    qtbot.keyClicks(wizard.path_edit, str(FIXTURES / "contacts_30.vcf"))
    click_next(qtbot, wizard, 2)  # no column page for vCards
    assert wizard.preview_model.index(0, 1).data() == "Renée Lefèvre"
    assert not wizard.valid_only_radio.isVisible()
    with qtbot.waitSignal(wizard.sig_imported, timeout=15000):
        qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert [c.name for c in desk.contacts.list()] == ["Renée Lefèvre"]
    qtbot.mouseClick(wizard.back_button, Qt.MouseButton.LeftButton)  # disabled on done page
    assert wizard.pages.currentIndex() == 3


def test_hsds_import_of_an_exported_package(qtbot: Any, wizard: ImportWizard, desk: Desk,
                                            demo_desk: Desk, tmp_path: Path) -> None:
    from partnerdesk.services import Desk as DeskClass
    from partnerdesk.sharing.hsds import export_hsds

    export_hsds(demo_desk, tmp_path / "dir.zip")
    fresh = DeskClass.open(tmp_path / "fresh.db")
    try:
        wizard.desk = fresh
        wizard.kind_box.setCurrentIndex(wizard.kind_box.findData("hsds"))
        qtbot.keyClicks(wizard.path_edit, str(tmp_path / "dir.zip"))
        click_next(qtbot, wizard, 2)
        assert "12 services" in wizard.summary_label.text()
        with qtbot.waitSignal(wizard.sig_imported, timeout=15000):
            qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
        assert fresh.resources.count() == 12
        assert fresh.organizations.count() == demo_desk.organizations.count()
        again = ImportWizard(fresh)  # the same package once more: all brought up to date
        qtbot.addWidget(again)
        again.show()
        again.kind_box.setCurrentIndex(again.kind_box.findData("hsds"))
        qtbot.keyClicks(again.path_edit, str(tmp_path / "dir.zip"))
        click_next(qtbot, again, 2)
        with qtbot.waitSignal(again.sig_imported, timeout=15000):
            qtbot.mouseClick(again.next_button, Qt.MouseButton.LeftButton)
        shared = demo_desk.contacts.count(where={"share_ok": True})
        assert "0 resources and 0 contacts added. 12 resources and " \
               f"{shared} contacts already here brought up to date." in again.done_label.text()
        assert fresh.resources.count() == 12
    finally:
        fresh.close()


def test_hsds_sample_with_a_bad_row_names_what_goes_with_it(qtbot: Any,
                                                             wizard: ImportWizard,
                                                             desk: Desk) -> None:
    """Open Referral's HSDS 1.1 sample: the organization with misplaced coordinates is a
    row with a problem, and its service is named as left out with it, before and after."""
    from tests.interchange.test_hsds_identity import LEFT_WITH_IT, SAMPLE

    wizard.kind_box.setCurrentIndex(wizard.kind_box.findData("hsds"))
    qtbot.keyClicks(wizard.path_edit, str(SAMPLE))
    click_next(qtbot, wizard, 2)
    summary = wizard.summary_label.text()
    assert summary.startswith("10 rows: 9 new, 0 that look like records you already have, "
                              "1 with problems.") and LEFT_WITH_IT in summary
    wizard.valid_only_radio.setChecked(True)
    with qtbot.waitSignal(wizard.sig_imported, timeout=15000):
        qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert "12 resources and 0 contacts added." in wizard.done_label.text()
    assert LEFT_WITH_IT in wizard.done_label.text()
    assert desk.organizations.count() == 9 and desk.resources.count() == 12


def test_broken_file_shows_a_message_and_changes_nothing(qtbot: Any, wizard: ImportWizard,
                                                         demo_desk: Desk, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    shown: list[str] = []
    monkeypatch.setattr("partnerdesk.ui.errors.QMessageBox.warning",
                        lambda _parent, _title, text: shown.append(text))
    path = tmp_path / "broken.csv"
    path.write_bytes(b'Name,Email\r\n"Ann,ann@example.org\r\n')
    before = records_digest(demo_desk)
    qtbot.keyClicks(wizard.path_edit, str(path))
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=15000)
    assert "not a well-formed CSV file" in shown[0]
    assert wizard.pages.currentIndex() == 0 and wizard.next_button.isEnabled()
    assert records_digest(demo_desk) == before


def test_browse_uses_the_file_dialog(qtbot: Any, wizard: ImportWizard,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wizard_module.QFileDialog, "getOpenFileName",
                        lambda *args, **kwargs: (str(FIXTURES / "outlook.csv"), ""))
    assert not wizard.next_button.isEnabled()
    wizard.browse()
    assert wizard.path_edit.text().endswith("outlook.csv")
    assert wizard.next_button.isEnabled()
    click_next(qtbot, wizard, 1)
    assert "Outlook export" in wizard.layout_label.text()


def test_file_menu_entries_import_export_and_duplicates(qtbot: Any, demo_desk: Desk,
                                                         tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    import icalendar
    from PySide6.QtWidgets import QMainWindow

    from partnerdesk.ui import interchange_menu

    window = QMainWindow()
    qtbot.addWidget(window)
    actions = interchange_menu.build_import_export_menus(window, demo_desk)
    menu = window.menuBar().addMenu("File")
    menu.addActions(actions)
    assert [a.objectName() for a in actions] == ["import-menu", "export-menu",
                                                 "find-duplicates"]
    exports = {a.objectName(): a for a in actions[1].menu().actions()}
    assert set(exports) == {"export-csv-contact", "export-csv-organization",
                            "export-csv-event", "export-csv-feedback", "export-csv-funding",
                            "export-vcard-3", "export-vcard-4", "export-ical", "export-hsds"}

    target = tmp_path / "calendar.ics"
    told: list[str] = []
    monkeypatch.setattr(interchange_menu.QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(target), ""))
    monkeypatch.setattr(interchange_menu.QMessageBox, "information",
                        lambda _parent, _title, text: told.append(text))
    exports["export-ical"].trigger()
    qtbot.waitUntil(lambda: bool(told), timeout=15000)
    assert str(target) in told[0]
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    assert len(calendar.walk("VEVENT")) > 0

    events_csv = tmp_path / "events.csv"
    monkeypatch.setattr(interchange_menu.QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(events_csv), ""))
    exports["export-csv-event"].trigger()
    qtbot.waitUntil(lambda: len(told) == 2, timeout=15000)
    with events_csv.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["Title"] for row in rows} == {e.title for e in demo_desk.events.list()}

    imports = {a.objectName(): a for a in actions[0].menu().actions()}
    imports["import-vcard"].trigger()
    wizard = window.import_wizard
    qtbot.addWidget(wizard)
    assert wizard.kind_box.currentData() == "vcard" and wizard.isVisible()
    wizard.reject()

    actions[2].trigger()
    dialog = window.duplicates_window
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=15000)
    assert dialog.isVisible()
    dialog.accept()
