"""Funding on the command line: reminders, search, stats, CSV, bundles and the currency."""

import csv
import json
import zipfile
from pathlib import Path

import pytest

from partnerdesk.cli import main
from partnerdesk.services import Desk
from partnerdesk.services.demo import load_demo
from partnerdesk.sharing.bundle import record_member


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    with Desk.open(path) as desk:
        load_demo(desk)  # dated from today, as `partnerdesk demo` is
        desk.settings.currency = "USD"
    return path


def test_reminders_search_and_stats_know_funding(demo_db: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(demo_db), "reminders", "--json")
    found = json.loads(out)
    assert code == 0
    kinds = {r["kind"] for r in found}
    assert {"funding_deadline", "funding_decision_overdue", "deliverable_due",
            "deliverable_overdue"} <= kinds
    [deadline] = [r for r in found if r["kind"] == "funding_deadline"]
    assert deadline["type"] == "funding" and deadline["title"] == "Cooling centre generators"

    code, out, _ = run(capsys, "--db", str(demo_db), "search", "resilience", "--json")
    assert code == 0 and {"type": "funding", "title": "Cooling centre generators"}.items() \
        <= json.loads(out)[0].items()
    code, out, _ = run(capsys, "--db", str(demo_db), "stats", "--json")
    assert json.loads(out)["funding"] == 8


def test_export_csv_of_funding(demo_db: Path, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "funding.csv"
    code, out, _ = run(capsys, "--db", str(demo_db), "export-csv", "--type", "funding",
                       "-o", str(target))
    assert code == 0 and "Wrote 8 funding records" in out
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["Title"]: row for row in csv.DictReader(handle)}
    vision = rows["Vision screening days"]
    assert (vision["Amount requested"], vision["Amount awarded"]) == ("25000.00", "20000.00")
    assert vision["Currency"] == "USD" and vision["Status"] == "Active"
    assert vision["Funder"] == "Mercy General Hospital"
    assert "Spring term screening numbers (outcome, due " in vision["Deliverables"]
    assert rows["Food as Medicine, year two"]["Amount requested"] == "75000.00"

    shared = tmp_path / "shared.csv"
    assert main(["--db", str(demo_db), "export-csv", "--type", "funding", "--shareable-only",
                 "-o", str(shared)]) == 0
    with shared.open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["Title"]: row for row in csv.DictReader(handle)}
    internal = rows["Food as Medicine, year two"]
    assert internal["Amount requested"] == "" and internal["In-kind value"] == ""
    assert internal["Internal notes"] == "" and internal["Amounts internal"] == "yes"
    assert rows["Vision screening days"]["Amount requested"] == "25000.00"


def test_a_bundle_for_a_partner_leaves_internal_amounts_out(
        demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "food.partnerdesk"
    code, _, _ = run(capsys, "--db", str(demo_db), "export", "--partnership",
                     "Food as Medicine", "--for-partner", "-o", str(target))
    assert code == 0
    with zipfile.ZipFile(target) as archive:
        lines = [json.loads(line) for line in
                 archive.read(record_member("funding")).splitlines()]
    [line] = [x for x in lines if x["values"]["title"] == "Food as Medicine, year two"]
    assert "requested_cents" not in line["values"] and "requested_cents" not in line["stamps"]
    assert line["values"]["amounts_internal"] is True


def test_the_currency_setting(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(demo_db), "settings", "currency", "cad")
    assert code == 0 and "CAD" in out
    code, _, err = run(capsys, "--db", str(demo_db), "settings", "currency", "dollars")
    assert code == 1 and "three-letter code" in err and "Traceback" not in err
    with Desk.open(demo_db) as desk:
        assert desk.settings.currency == "CAD"  # the refused value changed nothing
    code, out, _ = run(capsys, "--db", str(demo_db), "settings", "funding_days", "45")
    assert code == 0 and "45" in out


def test_the_funding_list(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`partnerdesk funding`: every funding by deadline, with what needs attention."""
    code, out, _ = run(capsys, "--db", str(demo_db), "funding", "--json")
    found = json.loads(out)
    assert code == 0 and len(found) == 8
    deadlines = [f["deadline"] for f in found]
    assert deadlines[-1] is None and deadlines[:-1] == sorted(deadlines[:-1])
    generators = next(f for f in found if f["title"] == "Cooling centre generators")
    assert generators["funder"] == "City Health Department"
    assert generators["for"] == "Backup Power for Cooling Centres"
    assert generators["attention"] == "Application deadline in 12 days."
    assert generators["requested_cents"] == 4_800_000 and generators["currency"] == "USD"

    code, out, _ = run(capsys, "--db", str(demo_db), "funding", "--status", "active")
    assert code == 0
    assert out.splitlines() == [line for line in out.splitlines() if "Active" in line]
    assert "Vision screening days" in out and "$25,000" in out and "$20,000" in out
    code, out, _ = run(capsys, "--db", str(demo_db), "funding", "--status", "idea", "--json")
    assert [f["title"] for f in json.loads(out)] == ["Volunteer drivers for dialysis rides"]
