"""Issue 20, point 4: work due soon is named, on the dashboard and by `reminders --days`,
grouped into overdue, this week, this month; the horizon is a setting."""

import json
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from partnerdesk.cli import main
from partnerdesk.services import Desk
from partnerdesk.services.reminders import when_due
from partnerdesk.ui.dashboard import DashboardView
from partnerdesk.ui.widgets.dates import set_date_format


def due_sample(desk: Desk, today: date) -> dict[str, str]:
    """Work due at several distances from `today`; title -> id."""
    ship = desk.partnerships.create(title="Food as Medicine", status="active")
    made = {}
    for title, days in [("Send the referral form", 7), ("Book the room", -3),
                        ("Print the flyers", 20), ("Order next year's boxes", 100)]:
        made[title] = desk.action_items.create(
            description=title, partnership_id=ship.id,
            due_date=today + timedelta(days=days)).id
    made["First 50 boxes"] = desk.milestones.create(
        title="First 50 boxes", partnership_id=ship.id, due_date=today + timedelta(days=2)).id
    desk.milestones.create(title="Already done", partnership_id=ship.id, done=True,
                           due_date=today + timedelta(days=1))
    made["MOU"] = desk.agreements.create(title="MOU", status="active",
                                         expiry_date=today + timedelta(days=25)).id
    return made


def test_work_due_within_the_horizon_is_named(desk: Desk) -> None:
    today = date.today()
    made = due_sample(desk, today)
    found = {r.title: r for r in desk.reminders(today=today)}
    assert found["Send the referral form"].kind == "action_due"
    assert found["Send the referral form"].message == "due in 7 days."
    assert found["Book the room"].kind == "action_overdue"
    assert found["First 50 boxes"].kind == "milestone_due"
    assert "Print the flyers" not in found  # 20 days: past the 14-day horizon
    assert "Already done" not in found
    desk.settings.due_days = 30
    found = {r.title: r for r in desk.reminders(today=today)}
    assert "Print the flyers" in found and "Order next year's boxes" not in found
    groups = {title: when_due(r, today) for title, r in found.items()}
    assert groups == {"Send the referral form": "this_month", "Book the room": "overdue",
                      "First 50 boxes": "this_week", "Print the flyers": "this_month",
                      "MOU": "this_month"}
    assert found["MOU"].record_id == made["MOU"]


def test_reminders_days_looks_that_far_ahead(desk: Desk,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    due_sample(desk, date.today())  # the command line asks about the real today
    path = str(desk.path)
    desk.close()
    assert main(["--db", path, "reminders", "--days", "10", "--json"]) == 0
    titles = {x["title"] for x in json.loads(capsys.readouterr().out)}
    assert {"Send the referral form", "Book the room", "First 50 boxes"} <= titles
    assert "Print the flyers" not in titles
    assert main(["--db", path, "reminders", "--days", "21"]) == 0
    out = capsys.readouterr().out
    assert "Print the flyers" in out and "action due" in out
    assert "MOU" not in out and "4 reminders." in out  # it expires in 25 days


def test_the_dashboard_groups_overdue_this_week_this_month(
        qtbot: QtBot, desk: Desk) -> None:
    set_date_format("d MMM yyyy")
    today = date.today()
    due_sample(desk, today)
    desk.settings.due_days = 30
    board = DashboardView(desk, today=today)
    qtbot.addWidget(board)
    board.show()
    assert board.groups() == {
        "overdue": ["Book the room"],
        "this_week": ["First 50 boxes"],
        "this_month": ["Send the referral form", "Print the flyers", "MOU"],
    }
    assert board.reminder_count.text() == "5 reminders"
    headings = [board.reminders.item(i).text() for i in range(board.reminders.count())
                if not board.reminder_items().count(board.reminders.item(i))]
    assert headings == ["Overdue (1)", "This week (1)", "This month (3)"]
    item = next(i for i in board.reminder_items() if i.text().startswith("Send the"))
    assert "Action item due: due in 7 days." in item.text()
    assert f"({(today + timedelta(days=7)).day} " in item.text()  # the date, as shown
    # a heading is not something to open
    heading = board.reminders.item(0)
    assert not heading.flags() & Qt.ItemFlag.ItemIsSelectable


def test_one_reminder_is_one_reminder(qtbot: QtBot, desk: Desk) -> None:
    today = date.today()
    ship = desk.partnerships.create(title="Food as Medicine")
    desk.milestones.create(title="Kick-off", partnership_id=ship.id,
                           due_date=today + timedelta(days=1))
    board = DashboardView(desk, today=today)
    qtbot.addWidget(board)
    assert board.reminder_count.text() == "1 reminder"
    assert board.groups() == {"this_week": ["Kick-off"]}
