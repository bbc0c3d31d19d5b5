"""The meeting editor, driven like a person would, then checked in the database."""

from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from partnerdesk.db import records as r
from partnerdesk.services import Desk
from partnerdesk.ui.editors.meeting import MeetingEditor
from tests.ui.editor_helpers import pick


@pytest.fixture
def editor(qtbot: QtBot, desk: Desk) -> MeetingEditor:
    clinic = desk.organizations.create(name="Riverside Family Clinic")
    desk.contacts.create(name="Lan Nguyen", role="Clinic Manager", organization_id=clinic.id)
    desk.contacts.create(name="Jose Nunez", role="Programs Coordinator")
    desk.partnerships.create(title="Food as Medicine")
    widget = MeetingEditor(desk)
    qtbot.addWidget(widget)
    widget.resize(800, 700)
    widget.show()
    widget.load(None)
    return widget


def test_create_meeting_with_attendees_and_action_item(
        qtbot: QtBot, desk: Desk, editor: MeetingEditor) -> None:
    qtbot.keyClicks(editor.title, "Kick-off")
    editor.day.set_value(date(2026, 6, 20))
    editor.starts.setTime(QTime(14, 0))
    editor.ends.setTime(QTime(15, 30))
    qtbot.keyClicks(editor.location, "Clinic meeting room")
    pick(qtbot, editor.attendee, "Lan")  # picking adds the person at once
    pick(qtbot, editor.attendee, "Jose")
    assert editor.attendees.rowCount() == 2
    pick(qtbot, editor.attendee, "Lan")
    assert "already listed" in editor.attendees_section.problem.text()

    editor.tabs.setCurrentIndex(1)
    editor.decisions.setFocus()
    qtbot.keyClicks(editor.decisions, "Start with 20 families.")
    editor.tabs.setCurrentIndex(2)
    qtbot.keyClicks(editor.action_what, "Send the referral form")
    pick(qtbot, editor.action_owner, "Jose")
    editor.action_due.set_value(date(2026, 6, 30))
    qtbot.mouseClick(editor.actions_section.add_button, Qt.MouseButton.LeftButton)
    assert editor.actions.rowCount() == 1
    assert editor.is_valid() and editor.is_dirty()
    assert editor.save()

    [meeting] = desk.meetings.list()
    assert meeting.title == "Kick-off" and meeting.location == "Clinic meeting room"
    assert meeting.starts_at == datetime(2026, 6, 20, 14, 0)
    assert meeting.ends_at == datetime(2026, 6, 20, 15, 30)
    assert meeting.decisions == "Start with 20 families."
    names = {desk.contacts.get(a.contact_id).name
             for a in desk.meeting_attendees.list(where={"meeting_id": meeting.id})}
    assert names == {"Lan Nguyen", "Jose Nunez"}
    [item] = desk.action_items.list(where={"meeting_id": meeting.id})
    assert item.description == "Send the referral form" and item.due_date == date(2026, 6, 30)
    assert desk.contacts.get(item.owner_contact_id).name == "Jose Nunez"

    # Ticking it done later records the day through the service.
    table = editor.actions_section.table
    table.setFocus()
    table.setCurrentIndex(editor.actions.index(0, 0))
    ticked_on = date.today()  # the save may run past midnight
    qtbot.keyClick(table.viewport(), Qt.Key.Key_Space)
    assert editor.save()
    item = desk.action_items.get(item.id)
    assert item.done and ticked_on <= item.done_date <= date.today()


def test_ending_before_it_starts_is_refused_next_to_the_field(
        qtbot: QtBot, editor: MeetingEditor) -> None:
    qtbot.keyClicks(editor.title, "Late")
    editor.starts.setTime(QTime(14, 0))
    qtbot.waitUntil(editor.is_valid, timeout=2000)
    with qtbot.waitSignal(editor.sig_valid_changed, timeout=2000) as blocker:
        editor.ends.setTime(QTime(13, 0))
    assert blocker.args == [False]
    problem = editor.findChild(QLabel, "problem_ends_at")
    assert problem.isVisible() and "cannot end before it starts" in problem.text()


def test_carry_over_open_action_items_of_the_previous_meeting(
        qtbot: QtBot, desk: Desk, editor: MeetingEditor) -> None:
    [partnership] = desk.partnerships.list()
    owner = desk.contacts.list(text="Lan")[0]
    earlier = desk.meetings.create(title="May check-in", starts_at=datetime(2026, 5, 10, 10),
                                   partnership_id=partnership.id)
    older = desk.meetings.create(title="April check-in", starts_at=datetime(2026, 4, 10, 10),
                                 partnership_id=partnership.id)
    open_item = desk.action_items.create(description="Book the hall", meeting_id=earlier.id,
                                         partnership_id=partnership.id,
                                         owner_contact_id=owner.id)
    done_item = desk.action_items.create(description="Print flyers", meeting_id=earlier.id,
                                         done=True)
    old_item = desk.action_items.create(description="Old idea", meeting_id=older.id)

    qtbot.keyClicks(editor.title, "June check-in")
    editor.day.set_value(date(2026, 6, 10))
    assert not editor.banner.isVisible()
    pick(qtbot, editor.partnership, "Food")
    assert editor.banner.isVisible()
    assert "May check-in" in editor.banner.message.text()
    assert "1 action item" in editor.banner.message.text()
    qtbot.mouseClick(editor.banner.carry_button, Qt.MouseButton.LeftButton)
    assert not editor.banner.isVisible()
    assert editor.tabs.currentWidget() is editor.actions_page
    assert editor.actions.rowCount() == 1
    assert "Carried over from May check-in" in editor.actions.data(editor.actions.index(0, 4))
    assert desk.action_items.get(open_item.id).meeting_id == earlier.id  # not before Save
    assert editor.save()

    meeting_id = editor.record_id
    assert desk.action_items.get(open_item.id).meeting_id == meeting_id  # moved, not copied
    assert desk.action_items.count() == 3
    assert desk.action_items.get(done_item.id).meeting_id == earlier.id
    assert desk.action_items.get(old_item.id).meeting_id == older.id
    assert [a["id"] for a in editor.actions.rows()] == [open_item.id]


def test_carried_item_taken_out_again_stays_with_its_meeting(
        qtbot: QtBot, desk: Desk, editor: MeetingEditor) -> None:
    [partnership] = desk.partnerships.list()
    earlier = desk.meetings.create(title="May check-in", starts_at=datetime(2026, 5, 10, 10),
                                   partnership_id=partnership.id)
    item = desk.action_items.create(description="Book the hall", meeting_id=earlier.id)
    qtbot.keyClicks(editor.title, "June check-in")
    editor.day.set_value(date(2026, 6, 10))
    pick(qtbot, editor.partnership, "Food")
    qtbot.mouseClick(editor.banner.carry_button, Qt.MouseButton.LeftButton)
    editor.actions_section.table.selectRow(0)
    qtbot.mouseClick(editor.actions_section.remove_button, Qt.MouseButton.LeftButton)
    assert editor.save()
    item = desk.action_items.get(item.id)
    assert item.meeting_id == earlier.id and not item.deleted


def test_attendee_search_asks_the_database_for_at_most_50(
        qtbot: QtBot, desk: Desk, editor: MeetingEditor) -> None:
    with desk.store.write() as writer:
        writer.bulk_create(r.Contact, [{"name": f"Volunteer {n:04d}"} for n in range(300)])
    choices = editor.attendee.search("Volunteer")
    assert len(choices) == 50
    assert choices[0][1] == "Volunteer 0000"


def test_demo_meeting_renders(qtbot: QtBot, demo_desk: Desk, tmp_path: Path) -> None:
    widget = MeetingEditor(demo_desk)
    qtbot.addWidget(widget)
    widget.resize(760, 700)
    chosen = demo_desk.meetings.list(order_by="starts_at", descending=True)[0]
    widget.load(chosen.id)
    widget.show()
    assert not widget.is_dirty() and widget.title.text() == chosen.title
    for index in range(widget.tabs.count()):
        widget.tabs.setCurrentIndex(index)
        widget.grab().save(str(tmp_path / f"meeting_{index}.png"))
