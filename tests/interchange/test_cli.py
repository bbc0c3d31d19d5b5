"""The interchange commands: JSON counts, dry runs that change nothing, one-line errors."""

import json
from pathlib import Path

import pytest

from partnerdesk.cli import main
from partnerdesk.services import Desk
from tests.interchange.conftest import records_digest


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "cli.db"
    assert run(capsys, "--db", str(path), "demo")[0] == 0
    return path


def digest(path: Path) -> str:
    with Desk.open(path) as desk:
        return records_digest(desk)


def test_import_csv_json_dry_run_and_second_import(db: Path, fixtures: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    file = str(fixtures / "google_current.csv")
    before = digest(db)
    code, out, _ = run(capsys, "--db", str(db), "import-csv", file, "--dry-run", "--json")
    assert code == 0 and json.loads(out) == {"new": 3, "merged": 0, "skipped": 0,
                                             "invalid": 0}
    assert digest(db) == before
    code, out, _ = run(capsys, "--db", str(db), "import-csv", file, "--json")
    assert json.loads(out)["new"] == 3
    code, out, _ = run(capsys, "--db", str(db), "import-csv", file, "--json",
                       "--on-duplicate", "skip")
    assert json.loads(out) == {"new": 0, "merged": 0, "skipped": 3, "invalid": 0}


def test_invalid_rows_refuse_unless_valid_only(db: Path, fixtures: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    file = str(fixtures / "semicolon_utf16.csv")
    before = digest(db)
    code, _, err = run(capsys, "--db", str(db), "import-csv", file)
    assert code == 1 and "row 4" in err and "nothing was imported" in err
    assert err.count("\n") == 1
    assert digest(db) == before
    code, out, _ = run(capsys, "--db", str(db), "import-csv", file, "--valid-only", "--json")
    assert json.loads(out) == {"new": 2, "merged": 0, "skipped": 0, "invalid": 2}


def test_exports_and_imports_round_trip(db: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.db"
    csv_file, vcf, ics, hsds = (tmp_path / "o.csv", tmp_path / "c.vcf", tmp_path / "m.ics",
                                tmp_path / "dir.zip")
    assert run(capsys, "--db", str(db), "export-csv", "--type", "organizations", "-o",
               str(csv_file))[0] == 0
    assert run(capsys, "--db", str(db), "export-vcard", "-o", str(vcf), "--version",
               "4.0")[0] == 0
    code, out, _ = run(capsys, "--db", str(db), "export-ical", "-o", str(ics))
    assert code == 0 and "calendar entries" in out
    assert run(capsys, "--db", str(db), "export-hsds", "-o", str(hsds))[0] == 0
    assert run(capsys, "--db", str(other), "demo")[0] == 0
    code, out, _ = run(capsys, "--db", str(other), "import-vcard", str(vcf), "--json")
    assert json.loads(out)["new"] == 0  # the same people, found as duplicates
    code, out, _ = run(capsys, "--db", str(other), "import-hsds", str(hsds), "--json",
                       "--dry-run")
    assert code == 0 and json.loads(out)["invalid"] == 0
    code, out, _ = run(capsys, "--db", str(other), "import-csv", str(csv_file), "--type",
                       "organizations", "--json")
    assert json.loads(out)["invalid"] == 0


def test_duplicates_command(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Desk.open(db) as desk:
        desk.contacts.create(name="Zoe Martin", emails=[
            {"address": desk.contacts.list(where={"name": "Zoë Martín"})[0].emails[0][
                "address"]}])
    code, out, _ = run(capsys, "--db", str(db), "duplicates", "--json")
    found = json.loads(out)
    assert code == 0 and len(found) == 1 and found[0]["type"] == "contact"
    assert any(reason.startswith("same e-mail") for reason in found[0]["reasons"])


def test_broken_file_is_one_line(db: Path, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.vcf"
    bad.write_bytes(b"BEGIN:VCARD\r\nFN:Ann\r\n")
    code, _, err = run(capsys, "--db", str(db), "import-vcard", str(bad))
    assert code == 1 and err.startswith("partnerdesk: ") and "END:VCARD" in err
