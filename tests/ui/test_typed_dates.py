"""Issue 20, point 1: a date typed into an empty field is the date shown and the date saved.

Each test clicks into an empty date field, types what a person types (keyClicks, ASCII
only: Qt's test library aborts on other text), leaves the field with Tab, and checks the
field's text and the database."""

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from partnerdesk.cli import main
from partnerdesk.services import Desk
from partnerdesk.services.dates import DateTextError, Reading, format_date, parse_date
from partnerdesk.services.settings import SettingError
from partnerdesk.ui.widgets.dates import DateEdit, set_date_format, show_date
from tests.ui.editor_helpers import pick

TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _day_month_year() -> Iterator[None]:
    set_date_format("d MMM yyyy")
    yield
    set_date_format("system")


def shown(qtbot: QtBot, widget: QWidget) -> None:
    """On screen and active, so leaving a field is a real focus change."""
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget, timeout=5000)


def cell(model, row: int, key: str) -> str:
    column = next(i for i, c in enumerate(model.columns) if c.key == key)
    return model.index(row, column).data()


def type_date(qtbot: QtBot, field: DateEdit, text: str) -> None:
    """Click into the field, type, press Tab (as a person does)."""
    qtbot.mouseClick(field.line_edit, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    field.line_edit.selectAll()
    qtbot.keyClicks(field.line_edit, text)
    qtbot.keyClick(field.line_edit, Qt.Key.Key_Tab)


@pytest.mark.parametrize(("typed", "day_first", "meant"), [
    ("15 Feb 2027", False, date(2027, 2, 15)),
    ("15 Jan 2027", False, date(2027, 1, 15)),
    ("Feb 15, 2027", False, date(2027, 2, 15)),
    ("2/15/2027", False, date(2027, 2, 15)),
    ("2/3/2027", False, date(2027, 2, 3)),
    ("2/3/2027", True, date(2027, 3, 2)),
    ("15.02.2027", True, date(2027, 2, 15)),
    ("2027-02-15", True, date(2027, 2, 15)),  # ISO whatever the order
    ("2027-02-03", True, date(2027, 2, 3)),
    ("15 february", False, date(2026, 2, 15)),  # no year: this year
    ("today", False, TODAY),
    ("tomorrow", False, TODAY + timedelta(days=1)),
    ("+7", False, TODAY + timedelta(days=7)),
    ("in 2 weeks", False, TODAY + timedelta(days=14)),
    ("+1m", False, date(2026, 7, 15)),
    ("", False, None),
])
def test_what_people_type_is_read_as_they_mean_it(typed: str, day_first: bool,
                                                  meant: date | None) -> None:
    assert parse_date(typed, TODAY, Reading(day_first=day_first)) == meant


@pytest.mark.parametrize("typed", ["2027", "15", "15 Fe", "31 Feb 2027", "next blue moon",
                                   "15 Feb 2027 10:30", "29 Feb"])
def test_text_that_is_not_a_whole_date_is_refused_not_guessed(typed: str) -> None:
    with pytest.raises(DateTextError, match="Type it like 15 Feb 2027"):
        parse_date(typed, TODAY)


def test_formats_in_every_offered_pattern() -> None:
    day = date(2027, 2, 5)
    assert format_date(day, "d MMM yyyy") == "5 Feb 2027"
    assert format_date(day, "MMM d, yyyy") == "Feb 5, 2027"
    assert format_date(day, "dd/MM/yyyy") == "05/02/2027"
    assert format_date(day, "M/d/yyyy") == "2/5/2027"
    assert format_date(None, "yyyy-MM-dd") == ""


def test_the_date_format_is_a_setting_with_a_check(desk: Desk) -> None:
    assert desk.settings.date_format == "system"
    desk.settings.date_format = "dd/MM/yyyy"
    assert desk.settings.date_format == "dd/MM/yyyy"
    with pytest.raises(SettingError, match="not a date format"):
        desk.settings.date_format = "yyyy/dd/MM"
    assert desk.settings.date_format == "dd/MM/yyyy"
    assert main(["--db", str(desk.path), "settings", "date_format", "yyyy-MM-dd"]) == 0
    assert desk.settings.date_format == "yyyy-MM-dd"


def test_typing_into_an_empty_milestone_due_date_saves_that_date(
        qtbot: QtBot, desk: Desk) -> None:
    from partnerdesk.ui.editors.partnership import PartnershipEditor

    editor = PartnershipEditor(desk)
    qtbot.addWidget(editor)
    shown(qtbot, editor)
    editor.load(None)
    qtbot.keyClicks(editor.title, "Food as Medicine")
    editor.tabs.setCurrentIndex(2)
    qtbot.keyClicks(editor.milestone_title, "First boxes delivered")
    assert editor.milestone_due.text() == ""
    type_date(qtbot, editor.milestone_due, "15 Feb 2027")
    assert editor.milestone_due.text() == "15 Feb 2027"
    qtbot.mouseClick(editor.milestones_section.add_button, Qt.MouseButton.LeftButton)
    assert cell(editor.milestones, 0, "due_date") == "15 Feb 2027"
    assert editor.save()
    [milestone] = desk.milestones.list()
    assert milestone.due_date == date(2027, 2, 15)


def test_agreement_dates_typed_in_two_ways_show_one_format_and_save(
        qtbot: QtBot, desk: Desk) -> None:
    from partnerdesk.ui.editors.agreement import AgreementEditor

    desk.contacts.create(name="Marcus Lee")
    editor = AgreementEditor(desk)
    qtbot.addWidget(editor)
    shown(qtbot, editor)
    editor.load(None)
    qtbot.keyClicks(editor.title, "Food pantry MOU")
    type_date(qtbot, editor.effective, "15 Jan 2027")
    type_date(qtbot, editor.expiry, "2/15/2028")
    assert (editor.effective.text(), editor.expiry.text()) == ("15 Jan 2027", "15 Feb 2028")
    editor.tabs.setCurrentIndex(2)
    pick(qtbot, editor.signatory_contact, "Marcus")
    type_date(qtbot, editor.signatory_date, "2027-01-10")
    qtbot.mouseClick(editor.signatories_section.add_button, Qt.MouseButton.LeftButton)
    assert cell(editor.signatories, 0, "signed_on") == "10 Jan 2027"
    assert editor.save()
    [agreement] = desk.agreements.list()
    assert (agreement.effective_date, agreement.expiry_date) == (date(2027, 1, 15),
                                                                 date(2028, 2, 15))
    [signatory] = desk.signatories.list()
    assert signatory.signed_on == date(2027, 1, 10)


def test_a_meeting_action_item_due_tomorrow(qtbot: QtBot, desk: Desk) -> None:
    from partnerdesk.ui.editors.meeting import MeetingEditor

    editor = MeetingEditor(desk)
    qtbot.addWidget(editor)
    shown(qtbot, editor)
    editor.load(None)
    qtbot.keyClicks(editor.title, "Check-in")
    type_date(qtbot, editor.day, "3 Mar 2027")
    assert editor.day.text() == "3 Mar 2027"
    editor.tabs.setCurrentIndex(2)
    qtbot.keyClicks(editor.action_what, "Send the referral form")
    typed_on = date.today()  # "tomorrow" is read on the day it is typed, maybe past midnight
    type_date(qtbot, editor.action_due, "tomorrow")
    [tomorrow] = {day + timedelta(days=1) for day in (typed_on, date.today())
                  if editor.action_due.text() == show_date(day + timedelta(days=1))}
    qtbot.mouseClick(editor.actions_section.add_button, Qt.MouseButton.LeftButton)
    assert editor.save()
    [meeting] = desk.meetings.list()
    assert meeting.starts_at.date() == date(2027, 3, 3)
    [item] = desk.action_items.list()
    assert item.due_date == tomorrow


def test_text_that_is_not_a_date_is_kept_named_and_never_saved(
        qtbot: QtBot, desk: Desk) -> None:
    from partnerdesk.ui.editors.contact import ContactEditor

    contact = desk.contacts.create(name="Marcus Lee", last_contacted=date(2026, 5, 1))
    editor = ContactEditor(desk)
    qtbot.addWidget(editor)
    shown(qtbot, editor)
    editor.load(contact.id)
    assert editor.last_contacted.text() == "1 May 2026"
    type_date(qtbot, editor.last_contacted, "15 Fe")
    assert editor.last_contacted.text() == "15 Fe"  # nothing typed is lost
    assert editor.is_dirty()
    problem = editor.findChild(QLabel, "problem_last_contacted")
    qtbot.waitUntil(problem.isVisible, timeout=2000)
    assert "Type it like 15 Feb 2027" in problem.text()
    assert not editor.save()
    assert desk.contacts.get(contact.id).last_contacted == date(2026, 5, 1)
    type_date(qtbot, editor.last_contacted, "15 Feb 2026")
    qtbot.waitUntil(lambda: not problem.isVisible(), timeout=2000)
    assert editor.save()
    assert desk.contacts.get(contact.id).last_contacted == date(2026, 2, 15)


def test_a_date_being_read_another_way_says_how_before_it_is_saved(
        qtbot: QtBot, desk: Desk) -> None:
    set_date_format("dd/MM/yyyy")
    field = DateEdit()
    qtbot.addWidget(field)
    shown(qtbot, field)
    field.line_edit.setFocus()
    qtbot.keyClicks(field.line_edit, "3/2/2027")  # day first, as the format shows
    assert field.value() == date(2027, 2, 3)
    qtbot.keyClicks(field.line_edit, "")
    field.line_edit.clear()
    qtbot.keyClicks(field.line_edit, "3 Feb 27")
    assert field.reading.isVisible() and field.reading.text() == "= 03/02/2027"
    assert "Wednesday 3 February 2027" in field.line_edit.accessibleDescription()
    field.commit()
    assert field.text() == "03/02/2027" and not field.reading.isVisible()


def test_a_changed_format_rewrites_the_fields_and_lists(qtbot: QtBot, desk: Desk,
                                                        make_window) -> None:
    contact = desk.contacts.create(name="Marcus Lee", last_contacted=date(2026, 5, 1))
    desk.settings.date_format = "d MMM yyyy"
    window = make_window(desk)
    window.show_view("contacts")
    view = window.view("contacts")
    view.open_record(contact.id)
    column = next(i for i, c in enumerate(view.model.columns) if c.title == "Last contacted")
    assert view.model.index(0, column).data() == "1 May 2026"
    assert view.editor.last_contacted.text() == "1 May 2026"
    desk.settings.date_format = "yyyy-MM-dd"
    from partnerdesk.ui.widgets.dates import use_date_format

    use_date_format(desk)
    assert view.editor.last_contacted.text() == "2026-05-01"
    assert view.model.index(0, column).data() == "2026-05-01"
    assert not view.editor.is_dirty()


def test_arrow_keys_and_delete(qtbot: QtBot) -> None:
    field = DateEdit(date(2027, 1, 31))
    qtbot.addWidget(field)
    shown(qtbot, field)
    field.line_edit.setFocus()
    qtbot.keyClick(field.line_edit, Qt.Key.Key_Up)
    assert field.value() == date(2027, 2, 1)
    qtbot.keyClick(field.line_edit, Qt.Key.Key_PageUp)
    assert field.value() == date(2027, 3, 1)
    qtbot.keyClick(field.line_edit, Qt.Key.Key_Delete)
    assert field.value() is None and field.text() == ""
