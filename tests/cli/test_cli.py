"""The command line: the same services, one-line messages, no tracebacks."""

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from partnerdesk.cli import main

STAT_KEYS = {"organizations", "contacts", "partnerships", "agreements", "resources", "needs",
             "referral_pathways", "meetings", "action_items", "attachments", "events",
             "feedback", "funding"}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def demo_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "demo.db"
    code, out, _ = run(capsys, "--db", str(path), "demo")
    assert code == 0 and "Sample data loaded" in out
    return path


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert "PartnerDesk" in capsys.readouterr().out


def test_demo_then_stats_json(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(demo_db), "stats", "--json")
    counts = json.loads(out)
    assert code == 0 and set(counts) == STAT_KEYS
    assert all(n > 0 for n in counts.values())


def test_db_from_environment(demo_db: Path, capsys: pytest.CaptureFixture[str],
                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERDESK_DB", str(demo_db))
    code, out, _ = run(capsys, "stats", "--json")
    assert code == 0 and json.loads(out)["partnerships"] == 4


def test_search_json(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(demo_db), "search", "zoe", "--json")
    results = json.loads(out)
    assert code == 0
    assert {"type": "contact", "title": "Zoë Martín"}.items() <= results[0].items()
    assert all({"type", "id", "title"} <= set(r) for r in results)


def test_reminders_json(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(demo_db), "reminders", "--json")
    kinds = {r["kind"] for r in json.loads(out)}
    assert code == 0 and "agreement_expiring" in kinds


def test_check_healthy(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(demo_db), "check")
    assert code == 0 and "Integrity: ok" in out and "current" in out


def test_check_damaged_database_fails(demo_db: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    connection = sqlite3.connect(demo_db)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    data = bytearray(demo_db.read_bytes())
    for offset in range(8192, min(len(data), 60000), 7):
        data[offset] ^= 0x5A
    broken = tmp_path / "broken.db"
    broken.write_bytes(bytes(data))
    code, out, err = run(capsys, "--db", str(broken), "check")
    assert code != 0
    assert "Traceback" not in out + err


def test_backup_and_restore(demo_db: Path, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "copy.db"
    code, out, _ = run(capsys, "--db", str(demo_db), "backup", "-o", str(copy))
    assert code == 0 and copy.exists()
    from partnerdesk.services import Desk

    with Desk.open(demo_db) as desk:
        desk.organizations.create(name="Added after the backup")
    code, out, _ = run(capsys, "--db", str(demo_db), "restore", str(copy))
    assert code == 0 and "kept at" in out
    with Desk.open(demo_db) as desk:
        assert not desk.organizations.list(text="added after")
        assert desk.stats()["organizations"] == 9


@pytest.mark.parametrize("argv, message", [
    (["stats"], "There is no database"),
    (["restore", "missing.db"], "There is no file"),
    (["demo", "--scale", "0"], "--scale takes"),
])
def test_bad_input_is_one_line_and_changes_nothing(argv: list[str], message: str,
                                                   tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "nothing-here.db"
    code, out, err = run(capsys, "--db", str(path), *argv)
    assert code == 1
    assert message in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert not path.exists()


def test_not_a_database_is_refused_untouched(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "letter.db"
    path.write_text("Dear partners,")
    for argv in (["stats"], ["demo"], ["check"], ["backup"]):
        code, _, err = run(capsys, "--db", str(path), *argv)
        assert code != 0 and "not a PartnerDesk database" in err, argv
    assert path.read_text() == "Dear partners,"


def test_restore_refuses_a_bad_backup_and_changes_nothing(
        demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    before = digest(demo_db)
    code, _, err = run(capsys, "--db", str(demo_db), "restore", str(bogus))
    assert code == 1 and "Traceback" not in err
    assert digest(demo_db) == before


def test_demo_refuses_a_database_with_records(demo_db: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", str(demo_db), "demo")
    assert code == 1 and "already holds records" in err
