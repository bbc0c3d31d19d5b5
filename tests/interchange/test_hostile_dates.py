"""Dates at the ends of the calendar (issue 16, case 10): an agreement expiring on
0001-01-02 with 90 days' notice, or on 9999-12-31, once stopped `export-ical`."""

import contextlib
import io
from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar

from partnerdesk.cli import main as cli_main
from partnerdesk.services import Desk
from partnerdesk.services.agreement_rules import last_notice_date


def cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli_main(list(args))
    return code, out.getvalue()


@pytest.mark.parametrize("expiry, notice", [("0001-01-02", 90), ("0001-01-01", 730),
                                            ("9999-12-31", 30), ("2030-01-01", 10 ** 12)])
def test_a_calendar_of_agreements_at_the_ends_of_time(db_path: Path, tmp_path: Path,
                                                      expiry: str, notice: int) -> None:
    with Desk.open(db_path) as desk:
        desk.agreements.create(title="Far away", status="active",
                               expiry_date=date.fromisoformat(expiry),
                               notice_period_days=notice)
    target = tmp_path / "calendar.ics"
    code, said = cli("--db", str(db_path), "export-ical", "-o", str(target))
    assert code == 0, said
    calendar = Calendar.from_ical(target.read_bytes())
    summaries = [str(c["summary"]) for c in calendar.walk("VEVENT")]
    assert "Agreement expires: Far away" in summaries
    code, said = cli("--db", str(db_path), "reminders")
    assert code == 0, said
    code, said = cli("--db", str(db_path), "report", "agreements", "-o",
                     str(tmp_path / "agreements.pdf"))
    assert code == 0, said


def test_a_notice_day_before_the_calendar_starts_is_none() -> None:
    assert last_notice_date(date(1, 1, 2), 90) is None
    assert last_notice_date(date(2030, 1, 1), 10 ** 12) is None
    assert last_notice_date(date(2030, 4, 1), 31) == date(2030, 3, 1)
    assert last_notice_date(date(2030, 4, 1), None) is None


def test_reminders_for_three_million_days_is_refused_with_a_sentence(db_path: Path) -> None:
    Desk.open(db_path).close()
    code, said = cli("--db", str(db_path), "reminders", "--days", "3000000")
    assert code == 1
    assert "whole number" in said and "unexpected" not in said
