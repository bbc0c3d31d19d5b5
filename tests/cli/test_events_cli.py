"""The command line for events and feedback: lists, search, CSV export, survey totals."""

import csv
import json
from pathlib import Path

import pytest

from partnerdesk.cli import main
from tests.cli.test_cli import run


@pytest.fixture
def demo_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "demo.db"
    code, out, _ = run(capsys, "--db", str(path), "demo")
    assert code == 0  # and it says what it made of the new kinds too
    assert "8 events, 8 feedback records and 8 funding records." in out
    return path


def test_events_and_feedback_lists(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(demo_db), "events", "--json")
    events = json.loads(out)
    assert code == 0 and {e["title"] for e in events} >= {"Spring health fair",
                                                         "Back-to-school vision screening"}
    conference = next(e for e in events if e["title"].startswith("Regional"))
    assert conference["time_zone"] == "America/Chicago"
    code, out, _ = run(capsys, "--db", str(demo_db), "events", "--upcoming")
    assert code == 0 and "Heat-wave preparedness workshop" in out
    assert "Spring health fair" not in out  # it is over
    code, out, _ = run(capsys, "--db", str(demo_db), "feedback", "--json")
    feedback = json.loads(out)
    assert code == 0 and any(f["channel"] == "survey" for f in feedback)
    code, out, _ = run(capsys, "--db", str(demo_db), "search", "comment cards", "--json")
    assert code == 0 and [hit["type"] for hit in json.loads(out)] == ["feedback"]


@pytest.mark.parametrize("kind, header, count", [("events", "People reached", 8),
                                                 ("feedback", "Survey results", 8)])
def test_export_csv_of_events_and_feedback(demo_db: Path, tmp_path: Path, kind: str,
                                           header: str, count: int,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / f"{kind}.csv"
    code, out, _ = run(capsys, "--db", str(demo_db), "export-csv", "--type", kind,
                       "-o", str(target))
    assert code == 0 and out.startswith(f"Wrote {count} {kind}")
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == count and header in rows[0]
    if kind == "feedback":
        survey = next(row for row in rows if row["Title"] == "Grocery box survey")
        assert "Very satisfied = 38" in survey["Survey results"]
    code, _, err = run(capsys, "--db", str(demo_db), "export-csv", "--type", kind,
                       "-o", str(tmp_path / "missing" / "x.csv"))
    assert code == 1 and "does not exist" in err


def test_a_formula_typed_in_an_event_stays_text(demo_db: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import datetime

    from partnerdesk.services import Desk

    with Desk.open(demo_db) as desk:
        desk.events.save({"title": "=HYPERLINK(\"http://x\")", "time_zone": "UTC",
                          "starts_at": datetime(2026, 1, 1, 9)})
    target = tmp_path / "events.csv"
    assert main(["--db", str(demo_db), "export-csv", "--type", "events", "-o",
                 str(target)]) == 0
    capsys.readouterr()
    with target.open(encoding="utf-8-sig", newline="") as handle:
        titles = [row["Title"] for row in csv.DictReader(handle)]
    assert "'=HYPERLINK(\"http://x\")" in titles


def test_import_survey_by_title(demo_db: Path, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    totals = tmp_path / "totals.csv"
    totals.write_text("question,answer,count\nWere the hours right?,Yes,30\n,No,9\n")
    code, out, _ = run(capsys, "--db", str(demo_db), "import-survey", str(totals),
                       "--feedback", "Friday deliveries", "--dry-run")
    assert code == 0 and "Would add 2" in out
    code, out, _ = run(capsys, "--db", str(demo_db), "import-survey", str(totals),
                       "--feedback", "Friday deliveries")
    assert code == 0 and "Added 2 survey totals" in out
    code, _, err = run(capsys, "--db", str(demo_db), "import-survey", str(totals),
                       "--feedback", "No such feedback")
    assert code == 1 and "No feedback is called" in err
