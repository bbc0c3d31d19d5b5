"""The funding register and the partnership report's funding section: what they count,
what they flag, and what a partner never sees."""

import subprocess
from datetime import date
from pathlib import Path

import pytest

from partnerdesk.cli import main
from partnerdesk.errors import PartnerDeskError
from partnerdesk.reports import render
from partnerdesk.services import Desk
from partnerdesk.services.demo import load_demo
from partnerdesk.services.reporting import FundingRegister, PartnershipReport, ReportOptions, gather
from tests.conftest import TODAY


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode("utf-8")


def register(desk: Desk, **options: object) -> FundingRegister:
    report = gather(desk, ReportOptions("funding", today=TODAY, **options))  # type: ignore[arg-type]
    assert isinstance(report, FundingRegister)
    return report


def test_the_register_counts_applied_won_and_in_kind(sample_desk: Desk) -> None:
    report = register(sample_desk)
    assert [label for label, _ in report.groups] == [
        "Idea", "Preparing", "Submitted", "Awarded", "Declined", "Active", "Reporting",
        "Closed"]
    assert report.count == sample_desk.funding.count()
    # Worked out from the records: applied = requested of everything submitted or later,
    # won = awarded of what was won, in kind = the in-kind value of what was won; the one
    # funding whose amounts are internal is left out of every sum for a partner.
    shown = [f for f in sample_desk.funding.list() if not f.amounts_internal]
    applied = [f for f in shown if f.status not in ("idea", "preparing") and f.requested_cents]
    won = [f for f in shown if f.status in ("awarded", "active", "reporting", "closed")]
    totals = report.totals
    assert (totals.applied, totals.applied_count) == (
        sum(f.requested_cents for f in applied), len(applied))
    assert totals.won == sum(f.awarded_cents or 0 for f in won)
    assert totals.in_kind == sum(f.in_kind_cents or 0 for f in won)
    assert totals.hidden_count == 1 and totals.currency == sample_desk.settings.currency
    # What is owed to funders, soonest first, flagged by the dashboard's rule.
    assert [d.flag for d in report.due][:3] == ["deliverable_overdue", "deliverable_due",
                                                "deliverable_due"]
    assert report.due[0].owner == "Someone from Eastside Community Partners"  # not shared


def test_internal_amounts_only_in_an_internal_register(sample_desk: Desk) -> None:
    partner = register(sample_desk)
    internal = register(sample_desk, include_internal=True)
    [hidden] = [line for _, lines in partner.groups for line in lines if not line.amounts_shown]
    assert hidden.requested is None and hidden.in_kind_value is None
    [same] = [line for _, lines in internal.groups for line in lines
              if line.title == hidden.title]
    assert same.requested == 7_500_000 and internal.totals.hidden_count == 0
    assert internal.totals.applied == partner.totals.applied + 7_500_000
    assert internal.due[0].owner == "Siobhán O'Connor" and not internal.meta.for_partner

    partner_text = pdf_text(render(partner, "letter"))
    internal_text = pdf_text(render(internal, "a4"))
    assert "$75,000" not in partner_text and "Siobhán" not in partner_text
    assert "are internal: they are not shown" in partner_text
    assert "$75,000" in internal_text and "Siobhán O'Connor" in internal_text
    assert "Do not send outside the organization" in internal_text


def test_the_register_pdf_says_what_needs_attention(sample_desk: Desk) -> None:
    text = pdf_text(render(register(sample_desk), "letter"))
    text = " ".join(text.split())  # words a table cell wraps onto two lines
    for words in ("Funding register", "Applied for", "Won", "In-kind support",
                  "DEADLINE SOON", "DECISION", "expected 5 days", "OVERDUE", "DUE SOON",
                  "Cooling centre generators", "Reports and outcomes due to funders",
                  "Page 1 of"):
        assert words in text, words


def test_a_period_keeps_the_funding_with_a_date_in_it(sample_desk: Desk) -> None:
    everything = register(sample_desk)
    recent = register(sample_desk, start=date(2026, 6, 1), end=date(2026, 6, 30))
    assert 0 < recent.count < everything.count
    with pytest.raises(PartnerDeskError, match="No funding has a date in that period"):
        register(sample_desk, start=date(2001, 1, 1), end=date(2001, 2, 1))


def test_an_empty_register_says_so(desk: Desk) -> None:
    text = pdf_text(render(register(desk), "letter"))
    assert "No funding has been recorded yet." in text


def test_the_partnership_report_has_a_funding_section(sample_desk: Desk) -> None:
    report = gather(sample_desk, ReportOptions("partnership", partnership="School Health",
                                               today=TODAY))
    assert isinstance(report, PartnershipReport)
    assert {line.title for line in report.funding} == {
        "Vision screening days", "Summer meals", "Interpreters for screening days"}
    assert report.funding_totals is not None and report.funding_totals.due_count == 1
    text = pdf_text(render(report, "letter"))
    section = text[text.index("Funding\n"):text.index("Resources each partner brings")]
    for words in ("Applied for", "$25,000", "$20,000", "Vision screening days",
                  "The mobile screening van two days a month", "Spring term screening numbers",
                  "DUE SOON", "Reports and outcomes due to funders"):
        assert words in section, words


def test_the_partnership_report_leaves_internal_amounts_out(sample_desk: Desk) -> None:
    report = gather(sample_desk, ReportOptions("partnership", partnership="Food as Medicine",
                                               today=TODAY))
    text = pdf_text(render(report, "letter"))
    assert "Food as Medicine, year two" in text and "Internal" in text
    assert "$75,000" not in text and "$9,500" not in text
    assert "The board wants a decision" not in text  # internal notes never travel
    # with nothing to count, the summary says so in words ("None applications" it said)
    for words in ("No applications", "No awards", "None with funding won",
                  "The amounts of 1 funding record are internal"):
        assert words in text, words
    assert "None applications" not in text and "None awards" not in text


def test_cli_report_funding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "demo.db"
    with Desk.open(db) as desk:
        load_demo(desk, today=TODAY)
    target = tmp_path / "funding.pdf"
    assert main(["--db", str(db), "report", "funding", "-o", str(target)]) == 0
    assert "Funding register" in pdf_text(target.read_bytes())
    assert main(["--db", str(db), "report", "funding", "--include-internal", "--from",
                 "2026-01-01", "--to", "2026-12-31", "-o", str(tmp_path / "internal.pdf")]) == 0
    assert "$75,000" in pdf_text((tmp_path / "internal.pdf").read_bytes())
    code = main(["--db", str(db), "report", "agreements", "--include-internal", "-o",
                 str(tmp_path / "no.pdf")])
    assert code == 1 and not (tmp_path / "no.pdf").exists()
    assert "contact directory and the funding register" in capsys.readouterr().err


def test_a_key_date_is_never_broken_across_lines(sample_desk: Desk) -> None:
    """"Deadline 28 Sep" over "2026" reads as two things: each date stays on one line (on
    either page size; "Deadline" may stand over its date)."""
    from partnerdesk.reports import text

    for size in ("letter", "a4"):
        written = pdf_text(render(register(sample_desk, include_internal=True),
                                  page_size=size)).replace("\xa0", " ")
        for funding in sample_desk.funding.list():
            for day in (funding.deadline, funding.decision_expected, funding.start_date,
                        funding.end_date):
                if day is not None:
                    assert text.day(day) in written, (size, funding.title, day)
