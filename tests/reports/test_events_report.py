"""The partnership report's events and feedback: gathered for the period, rendered, looked
at as a picture and read back as text."""

import shutil
import subprocess
from pathlib import Path

import pytest

from partnerdesk.reports import render
from partnerdesk.services import Desk
from partnerdesk.services.reporting import ReportOptions, gather
from tests.conftest import TODAY
from tests.reports.test_pdf import flat_text


def test_partnership_report_has_its_events_and_feedback(sample_desk: Desk,
                                                        tmp_path: Path) -> None:
    report = gather(sample_desk, ReportOptions("partnership", partnership="Food as Medicine",
                                               today=TODAY))
    titles = [event.title for event in report.events]
    assert titles == ["Grocery box outreach day", "Spring health fair"]  # in the period
    fair = report.events[1]
    assert fair.people_reached == 235 and ("Adults", 140) in fair.counts
    assert "Mobile screening van" in fair.resources and fair.hosts
    assert [f.title for f in report.feedback] == [
        "Discharge nurses on the referral form", "Grocery box survey",
        "Friday deliveries stretch the volunteers"]
    [survey] = [f for f in report.feedback if f.results]
    assert survey.results[0].total == 84

    pdf = render(report)
    text = flat_text(pdf)
    for words in ("Community events", "Spring health fair", "475 people reached",
                  "Grocery box survey", "Survey results: Grocery box survey",
                  "Very satisfied", "New York time", "never who answered what"):
        assert words in text, words
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "page")],
                   check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 4
    from PySide6.QtGui import QImage

    for page in pages:
        image = QImage(str(page))
        colors = {image.pixel(x, y) for x in range(0, image.width(), 5)
                  for y in range(0, image.height(), 5)}
        assert len(colors) > 3, page.name  # drawn on, not blank


def test_a_period_with_only_an_event_is_reported(sample_desk: Desk) -> None:
    """An event alone is something that happened: the report is made, not refused."""
    fair = next(e for e in sample_desk.events.list() if e.title == "Spring health fair")
    day = fair.starts_at.date()
    report = gather(sample_desk, ReportOptions("partnership", partnership="Health Navigators",
                                               start=day, end=day, today=TODAY))
    assert [e.title for e in report.events] == ["Spring health fair"]


def test_the_sample_partnership_report_shows_funding_events_and_feedback(
        sample_desk: Desk, tmp_path: Path) -> None:
    """The report a new user sees first (`write_sample_reports`) holds the three newer
    record types, not an empty "no community events" line."""
    from partnerdesk.reports.sample import write_sample_reports

    written = write_sample_reports(sample_desk, tmp_path, today=TODAY)
    [pdf] = [path for path in written if path.name == "partnership-report.pdf"]
    text = flat_text(pdf.read_bytes())
    for words in ("Funding", "Reports and outcomes due to funders", "Community events",
                  "Dental screening day", "people reached", "Feedback", "Survey results"):
        assert words in text, words
    assert "No community events" not in text
