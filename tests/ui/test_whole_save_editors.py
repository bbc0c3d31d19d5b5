"""Saving a partnership, agreement or meeting from its screen is all or nothing: when the
last child row fails, the database holds nothing new, the editor says what is wrong and
keeps everything typed, and a second Save after the fix stores it all exactly once."""

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox, QTableView
from pytestqt.qtbot import QtBot

from partnerdesk.db import records as r
from partnerdesk.services import Desk
from partnerdesk.services.store import Writer
from partnerdesk.ui.editors import agreement as agreement_module
from tests.sharing.conftest import dump
from tests.ui.editor_helpers import pick

TOO_LONG = "x" * 20_001  # one character over the limit of a long text


@pytest.fixture
def people(desk: Desk) -> Desk:
    desk.organizations.create(name="Eastside Community Partners", is_us=True)
    hospital = desk.organizations.create(name="Mercy General Hospital", kind="hospital")
    desk.contacts.create(name="Renee Dubois", role="Director", organization_id=hospital.id)
    desk.contacts.create(name="Jose Nunez", role="Programs Coordinator")
    return desk


def open_new(qtbot: QtBot, make_window: Any, desk: Desk, view_name: str) -> Any:
    window = make_window(desk)
    assert window.show_view(view_name)
    view = window.view(view_name)
    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    return view


def type_into_cell(qtbot: QtBot, table: QTableView, index: QModelIndex, text: str) -> None:
    """Edit a cell the way a person does: open its editor, type (paste), press Enter."""
    table.setFocus()
    table.setCurrentIndex(index)
    table.edit(index)
    [editor] = [child for child in table.viewport().findChildren(QLineEdit)
                if child.isVisible()]  # the cell's own editor (closed ones are hidden)
    editor.setText(text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The view commits the text and closes the editor on its next turn of the event loop.
    qtbot.waitUntil(lambda: table.state() != QTableView.State.EditingState, timeout=3000)


def click_save(qtbot: QtBot, view: Any) -> None:
    qtbot.waitUntil(view.pane.save_button.isEnabled, timeout=3000)
    qtbot.mouseClick(view.pane.save_button, Qt.MouseButton.LeftButton)


def disk_full_on(monkeypatch: pytest.MonkeyPatch, model: type[Any], after: int = 0) -> None:
    """The writer fails, as a full disk would, when it creates the `after`+1-th `model` row."""
    original = Writer.create
    made = {"n": 0}

    def create(self: Writer, kind: type[Any], values: dict[str, Any],
               record_id: str | None = None) -> Any:
        if kind is model:
            made["n"] += 1
            if made["n"] > after:
                raise sqlite3.OperationalError("database or disk is full")
        return original(self, kind, values, record_id)

    monkeypatch.setattr(Writer, "create", create)


def capture_dialogs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []

    def dialog(_parent: Any, _title: str, text: str, *args: Any, **kwargs: Any) -> Any:
        shown.append(text)
        return QMessageBox.StandardButton.Ok
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(dialog))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(dialog))
    return shown


# -- partnership -----------------------------------------------------------------------
def fill_partnership(qtbot: QtBot, editor: Any) -> None:
    qtbot.keyClicks(editor.title, "Food as Medicine")
    pick(qtbot, editor.member_org, "Mercy")
    qtbot.keyClicks(editor.member_role, "Funder")
    qtbot.mouseClick(editor.members_section.add_button, Qt.MouseButton.LeftButton)
    editor.tabs.setCurrentIndex(2)
    qtbot.keyClicks(editor.milestone_title, "First 50 food boxes")
    qtbot.mouseClick(editor.milestones_section.add_button, Qt.MouseButton.LeftButton)
    editor.tabs.setCurrentIndex(3)
    qtbot.keyClicks(editor.indicator_name, "People enrolled")
    qtbot.keyClicks(editor.indicator_target, "80")
    qtbot.mouseClick(editor.indicators_section.add_button, Qt.MouseButton.LeftButton)
    for day, value in ((date(2026, 1, 31), "12"), (date(2026, 3, 31), "45")):
        editor.measurement_date.set_value(day)
        qtbot.keyClicks(editor.measurement_value, value)
        qtbot.mouseClick(editor.measurements_section.add_button, Qt.MouseButton.LeftButton)
    assert editor.measurement_filter.rowCount() == 2


def test_partnership_whose_last_measurement_is_wrong_saves_nothing_until_fixed(
        qtbot: QtBot, people: Desk, make_window: Any) -> None:
    desk = people
    before = dump(desk.path)
    view = open_new(qtbot, make_window, desk, "partnerships")
    editor = view.editor
    fill_partnership(qtbot, editor)
    table = editor.measurements_section.table
    type_into_cell(qtbot, table, editor.measurement_filter.index(1, 2), TOO_LONG)
    assert editor.measurements.row(1)["note"] == TOO_LONG
    editor.tabs.setCurrentIndex(0)
    click_save(qtbot, view)

    assert dump(desk.path) == before  # not the partnership, not one of its rows
    problem = editor.measurements_section.problem
    assert problem.isVisible()
    assert problem.text() == ("New measurement “31 Mar 2026”: This text is 20,001 "
                              "characters long; the limit is 20,000.")
    assert editor.tabs.currentIndex() == 3  # the list at fault is brought forward
    assert editor.measurements_section.selected_positions() == [1]
    # Everything typed is still there, unsaved.
    assert editor.record_id is None and editor.is_dirty()
    assert editor.title.text() == "Food as Medicine"
    assert (editor.members.rowCount(), editor.milestones.rowCount(),
            editor.indicators.rowCount(), editor.measurements.rowCount()) == (1, 1, 1, 2)
    assert view.pane.save_button.isEnabled()

    type_into_cell(qtbot, table, editor.measurement_filter.index(1, 2), "after the fair")
    click_save(qtbot, view)
    assert not problem.isVisible() and not editor.is_dirty()
    [ship] = desk.partnerships.list()
    assert desk.partnership_members.count() == desk.milestones.count() == 1
    [indicator] = desk.indicators.list(where={"partnership_id": ship.id})
    assert [(m.value, m.note) for m in desk.measurements.list(
        where={"indicator_id": indicator.id}, order_by="measured_on")] == [
        (12.0, ""), (45.0, "after the fair")]


def test_partnership_save_failing_inside_the_transaction_leaves_nothing(
        qtbot: QtBot, people: Desk, make_window: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    desk = people
    before = dump(desk.path)
    view = open_new(qtbot, make_window, desk, "partnerships")
    editor = view.editor
    fill_partnership(qtbot, editor)
    shown = capture_dialogs(monkeypatch)
    room = Writer.create
    disk_full_on(monkeypatch, r.Measurement, after=1)  # the last row written fails
    click_save(qtbot, view)

    assert dump(desk.path) == before
    assert len(shown) == 1 and "Your saved work is safe" in shown[0]
    assert editor.record_id is None and editor.is_dirty()
    assert editor.measurements.rowCount() == 2 and editor.title.text() == "Food as Medicine"

    monkeypatch.setattr(Writer, "create", room)
    click_save(qtbot, view)  # the disk has room again: the same save, stored once
    assert desk.partnerships.count() == 1 and desk.measurements.count() == 2
    assert desk.indicators.count() == desk.milestones.count() == 1
    assert not editor.is_dirty()


# -- agreement -------------------------------------------------------------------------
def fill_agreement(qtbot: QtBot, editor: Any, monkeypatch: pytest.MonkeyPatch,
                   signed: Path) -> None:
    qtbot.keyClicks(editor.title, "Food as Medicine MOU")
    for name, role in (("Eastside", "Provider"), ("Mercy", "Funder")):
        pick(qtbot, editor.party_org, name)
        qtbot.keyClicks(editor.party_role, role)
        qtbot.mouseClick(editor.parties_section.add_button, Qt.MouseButton.LeftButton)
    editor.tabs.setCurrentIndex(1)
    qtbot.keyClicks(editor.obligation_what, "Share monthly referral numbers")
    qtbot.mouseClick(editor.obligations_section.add_button, Qt.MouseButton.LeftButton)
    editor.tabs.setCurrentIndex(2)
    pick(qtbot, editor.signatory_contact, "Renee")
    qtbot.mouseClick(editor.signatories_section.add_button, Qt.MouseButton.LeftButton)
    signed.write_bytes(b"%PDF-1.4 signed copy")
    monkeypatch.setattr(agreement_module.QFileDialog, "getOpenFileName",
                        lambda *args, **kwargs: (str(signed), ""))
    qtbot.mouseClick(editor.files_section.add_button, Qt.MouseButton.LeftButton)
    assert editor.files.rowCount() == 1


def attachment_files(desk: Desk) -> list[Path]:
    folder = desk.attachments.folder
    return sorted(folder.rglob("*")) if folder.exists() else []


def test_agreement_whose_file_went_missing_saves_nothing_until_attached_again(
        qtbot: QtBot, people: Desk, make_window: Any, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    desk = people
    before, files_before = dump(desk.path), attachment_files(desk)
    view = open_new(qtbot, make_window, desk, "agreements")
    editor = view.editor
    signed = tmp_path / "signed MOU.pdf"
    fill_agreement(qtbot, editor, monkeypatch, signed)
    signed.unlink()  # moved away before Save: the last row cannot be saved
    editor.tabs.setCurrentIndex(0)
    click_save(qtbot, view)

    assert dump(desk.path) == before and attachment_files(desk) == files_before
    problem = editor.files_section.problem
    assert problem.isVisible() and "There is no file at" in problem.text()
    assert "signed MOU.pdf" in problem.text()
    assert editor.tabs.currentIndex() == 2
    assert editor.record_id is None and editor.is_dirty()
    assert (editor.parties.rowCount(), editor.obligations.rowCount(),
            editor.signatories.rowCount(), editor.files.rowCount()) == (2, 1, 1, 1)

    signed.write_bytes(b"%PDF-1.4 signed copy")  # put back
    click_save(qtbot, view)
    [agreement] = desk.agreements.list()
    assert desk.agreement_parties.count() == 2 and desk.signatories.count() == 1
    [attachment] = desk.attachments.for_record(agreement.id)
    assert desk.attachments.path_of(attachment).read_bytes() == b"%PDF-1.4 signed copy"


def test_agreement_save_failing_inside_the_transaction_leaves_no_row_and_no_file(
        qtbot: QtBot, people: Desk, make_window: Any, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    desk = people
    before, files_before = dump(desk.path), attachment_files(desk)
    view = open_new(qtbot, make_window, desk, "agreements")
    editor = view.editor
    fill_agreement(qtbot, editor, monkeypatch, tmp_path / "signed MOU.pdf")
    shown = capture_dialogs(monkeypatch)
    disk_full_on(monkeypatch, r.Attachment)
    click_save(qtbot, view)

    assert dump(desk.path) == before and attachment_files(desk) == files_before
    assert len(shown) == 1
    assert editor.record_id is None and editor.is_dirty() and editor.files.rowCount() == 1
    assert editor.title.text() == "Food as Medicine MOU"


# -- meeting ---------------------------------------------------------------------------
def test_meeting_whose_last_action_item_is_wrong_saves_nothing_until_fixed(
        qtbot: QtBot, people: Desk, make_window: Any) -> None:
    desk = people
    before = dump(desk.path)
    view = open_new(qtbot, make_window, desk, "meetings")
    editor = view.editor
    qtbot.keyClicks(editor.title, "Kick-off")
    qtbot.keyClicks(editor.location, "Clinic meeting room")
    pick(qtbot, editor.attendee, "Renee")
    pick(qtbot, editor.attendee, "Jose")
    editor.tabs.setCurrentIndex(2)
    for what in ("Send the referral form", "Book the hall"):
        qtbot.keyClicks(editor.action_what, what)
        qtbot.mouseClick(editor.actions_section.add_button, Qt.MouseButton.LeftButton)
    type_into_cell(qtbot, editor.actions_section.table, editor.actions.index(1, 1), TOO_LONG)
    editor.tabs.setCurrentIndex(0)
    click_save(qtbot, view)

    assert dump(desk.path) == before
    problem = editor.actions_section.problem
    assert problem.isVisible()
    assert problem.text().startswith("New action item “xxxx")
    assert problem.text().endswith("This text is 20,001 characters long; the limit is 20,000.")
    assert editor.tabs.currentIndex() == 2
    assert editor.actions_section.selected_positions() == [1]
    assert editor.record_id is None and editor.is_dirty()
    assert editor.attendees.rowCount() == 2 and editor.actions.rowCount() == 2
    assert editor.location.text() == "Clinic meeting room"

    type_into_cell(qtbot, editor.actions_section.table, editor.actions.index(1, 1),
                   "Book the hall for July")
    click_save(qtbot, view)
    [meeting] = desk.meetings.list()
    assert desk.meeting_attendees.count(where={"meeting_id": meeting.id}) == 2
    assert sorted(a.description for a in desk.action_items.list(
        where={"meeting_id": meeting.id})) == ["Book the hall for July",
                                               "Send the referral form"]


def test_meeting_save_failing_inside_the_transaction_leaves_nothing(
        qtbot: QtBot, people: Desk, make_window: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    desk = people
    before = dump(desk.path)
    view = open_new(qtbot, make_window, desk, "meetings")
    editor = view.editor
    qtbot.keyClicks(editor.title, "Kick-off")
    pick(qtbot, editor.attendee, "Renee")
    editor.tabs.setCurrentIndex(2)
    for what in ("Send the referral form", "Book the hall"):
        qtbot.keyClicks(editor.action_what, what)
        qtbot.mouseClick(editor.actions_section.add_button, Qt.MouseButton.LeftButton)
    shown = capture_dialogs(monkeypatch)
    disk_full_on(monkeypatch, r.ActionItem, after=1)
    click_save(qtbot, view)

    assert dump(desk.path) == before
    assert len(shown) == 1
    assert editor.record_id is None and editor.is_dirty() and editor.actions.rowCount() == 2
