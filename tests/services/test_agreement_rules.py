"""One answer to "is this agreement expiring?": reminders, the register, the partnership
report and the calendar file agree on the same agreements (the dashboard and the
Agreements list: tests/ui/test_agreement_expiry.py)."""

import json
from datetime import date, timedelta
from pathlib import Path

import icalendar
import pytest

from partnerdesk.cli import main
from partnerdesk.errors import ValidationError
from partnerdesk.services import Desk
from partnerdesk.services.agreement_rules import EXPIRING, LAPSED, expiry, next_statuses
from partnerdesk.services.reporting import agreements_register, partnership_report
from partnerdesk.sharing.ical import export_ical
from tests.conftest import TODAY

STATUSES = ("draft", "negotiating", "signed", "active", "expired", "terminated")
# days from today to the expiry date; None: no expiry date. 60 is the default window.
OFFSETS = (-10, -1, 0, 1, 30, 60, 61, 400, None)


def expected_state(status: str, offset: int | None, window: int = 60) -> str:
    """The rule, written out once more by hand, so a test can catch all callers agreeing
    on a wrong answer."""
    if status not in ("signed", "active") or offset is None:
        return ""
    return LAPSED if offset < 0 else EXPIRING if offset <= window else ""


def expiry_sample(desk: Desk, today: date) -> dict[str, tuple[str, int | None]]:
    """An agreement for every status and expiry offset, in one partnership.
    Returns agreement id -> (status, offset)."""
    ship = desk.partnerships.create(title="Every kind of MOU")
    desk.milestones.create(partnership_id=ship.id, title="Sign the MOUs", due_date=today)
    made = {}
    for status in STATUSES:
        for offset in OFFSETS:
            expires = today + timedelta(days=offset) if offset is not None else None
            agreement = desk.agreements.create(
                title=f"{status} {offset}", status=status, partnership_id=ship.id,
                expiry_date=expires, notice_period_days=30)
            made[agreement.id] = (status, offset)
    return made


def reminder_states(desk: Desk, today: date) -> dict[str, str]:
    return {r.record_id: r.kind.removeprefix("agreement_") for r in desk.reminders(today=today)
            if r.record_type == "agreement"}


def register_states(desk: Desk, today: date) -> dict[str, str]:
    titles = {a.title: a.id for a in desk.agreements.list()}
    register = agreements_register(desk, today=today)
    return {titles[line.title]: line.flag for _, lines in register.groups for line in lines
            if line.flag}


def calendar_expiry_dates(desk: Desk, tmp_path: Path) -> dict[str, date]:
    path = tmp_path / "agreements.ics"
    export_ical(desk, path)
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    prefix = "agreement-expiry-"
    return {str(c["uid"]).removeprefix(prefix).removesuffix("@partnerdesk"): c.decoded("dtstart")
            for c in calendar.walk("VEVENT") if str(c["uid"]).startswith(prefix)}


def calendar_states(dates: dict[str, date], today: date, window: int) -> dict[str, str]:
    """What the calendar file implies: an expiry event on a day past is a lapsed agreement
    still in force, one within the window an expiring one."""
    return {agreement_id: LAPSED if day < today else EXPIRING
            for agreement_id, day in dates.items() if day <= today + timedelta(days=window)}


def test_reminders_register_and_calendar_agree_on_every_status_and_date(
        desk: Desk, tmp_path: Path) -> None:
    made = expiry_sample(desk, TODAY)
    wanted = {i: expected_state(*made[i]) for i in made if expected_state(*made[i])}
    assert set(wanted.values()) == {EXPIRING, LAPSED}

    assert reminder_states(desk, TODAY) == wanted
    assert register_states(desk, TODAY) == wanted
    dates = calendar_expiry_dates(desk, tmp_path)
    assert calendar_states(dates, TODAY, 60) == wanted
    # the calendar holds the dates of every agreement in force, and of no other
    assert set(dates) == {i for i, (status, offset) in made.items()
                          if status in ("signed", "active") and offset is not None}
    report = partnership_report(desk, "Every kind of MOU", today=TODAY)
    titles = {a.title: a.id for a in desk.agreements.list()}
    assert {titles[a.title]: a.flag for a in report.agreements if a.flag} == wanted


def test_a_changed_warning_window_moves_every_answer_together(
        desk: Desk, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    made = expiry_sample(desk, TODAY)
    desk.settings.expiring_days = 30
    wanted = {i: expected_state(*made[i], window=30) for i in made
              if expected_state(*made[i], window=30)}
    assert wanted != {i: expected_state(*made[i]) for i in made if expected_state(*made[i])}
    assert reminder_states(desk, TODAY) == wanted
    assert register_states(desk, TODAY) == wanted
    assert calendar_states(calendar_expiry_dates(desk, tmp_path), TODAY, 30) == wanted
    assert agreements_register(desk, today=TODAY).warning_days == 30

    # the command line uses the setting, and --days overrides it for one run
    path = desk.location
    desk.close()
    assert main(["--db", path, "reminders", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    today_count = sum(1 for x in listed if x["kind"].startswith("agreement_"))
    assert main(["--db", path, "reminders", "--json", "--days", "400"]) == 0
    wider = json.loads(capsys.readouterr().out)
    assert sum(1 for x in wider if x["kind"].startswith("agreement_")) > today_count
    assert main(["--db", path, "reminders", "--days", "0"]) == 1
    assert "whole number from 1 to 730" in capsys.readouterr().err


def test_only_agreements_in_force_can_expire() -> None:
    for status in STATUSES:
        for offset in OFFSETS:
            expires = TODAY + timedelta(days=offset) if offset is not None else None
            state = expiry(status, expires, TODAY, 60)
            assert state.state == expected_state(status, offset), (status, offset)
            assert state.days_left == offset


def test_a_signed_agreement_that_lapsed_can_be_marked_expired(desk: Desk) -> None:
    mou = desk.agreements.create(title="MOU", status="signed",
                                 expiry_date=TODAY - timedelta(days=3))
    reminder = next(r for r in desk.reminders(today=TODAY) if r.record_id == mou.id)
    assert reminder.kind == "agreement_expired_active"
    assert reminder.message == ("Expired 3 days ago but still marked signed: renew it or "
                                "mark it expired.")
    assert "expired" in next_statuses("signed")
    desk.agreements.update(mou.id, status="expired")
    assert all(r.record_id != mou.id for r in desk.reminders(today=TODAY))
    with pytest.raises(ValidationError, match="cannot go from Expired to Signed. From "
                                              "Expired it can go to: Active."):
        desk.agreements.update(mou.id, status="signed")


def test_reminder_sentences_count_days_in_plain_english(desk: Desk) -> None:
    for offset in (0, 1, 2):
        desk.agreements.create(title=f"In {offset}", status="active",
                               expiry_date=TODAY + timedelta(days=offset))
    desk.agreements.create(title="Lapsed", status="active",
                           expiry_date=TODAY - timedelta(days=1))
    messages = {r.title: r.message for r in desk.reminders(today=TODAY)}
    assert messages == {"In 0": "Expires today.", "In 1": "Expires in 1 day.",
                        "In 2": "Expires in 2 days.",
                        "Lapsed": "Expired 1 day ago but still marked active: renew it or "
                                  "mark it expired."}
