"""Every file that leaves PartnerDesk is logged: when, what, for whom."""

from pathlib import Path

import pytest
from sqlmodel import select

from partnerdesk.cli import main
from partnerdesk.db.local import ExportLog
from partnerdesk.services import Desk


def logged(desk: Desk) -> list[str]:
    with desk.store.read() as session:
        return [entry.kind for entry in session.exec(select(ExportLog))]


def test_every_kind_of_export_is_logged(demo_desk: Desk, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    path = demo_desk.location
    demo_desk.close()
    for argv in (["export", "-o", str(tmp_path / "all.partnerdesk")],
                 ["export-csv", "--type", "contacts", "-o", str(tmp_path / "c.csv")],
                 ["export-vcard", "-o", str(tmp_path / "c.vcf")],
                 ["export-ical", "-o", str(tmp_path / "m.ics")],
                 ["export-hsds", "-o", str(tmp_path / "hsds.zip")],
                 ["report", "agreements", "-o", str(tmp_path / "r.pdf")]):
        assert main(["--db", path, *argv]) == 0, capsys.readouterr().err
    with Desk.open(path) as desk:
        assert logged(desk) == ["bundle", "csv-contacts", "vcard-3.0", "icalendar", "hsds",
                                "report-agreements"]
