"""A database on read-only media (issue 16, case 10): it once could not be read at all
(`stats`, `search`, `report` refused) and `check`/`backup` called it damaged. It opens
read-only now: browse, search, report and export, with the reason shown; every save is
refused with a sentence; `check` says read-only apart from its health.

The drive's read-only flag is what `statvfs` reports; tests say which folder has it (a
real read-only mount needs privileges CI does not have). SQLite then opens the file
immutable and read-only, so a write that got past the program would still be refused."""

import contextlib
import io
from pathlib import Path

import pytest

from partnerdesk.cli import main as cli_main
from partnerdesk.services import Desk
from tests.sharing.conftest import dump

MODULES = ["partnerdesk.db.places", "partnerdesk.db.migrate", "partnerdesk.db.backup",
           "partnerdesk.services.desk", "partnerdesk.services.glance"]


def cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli_main(list(args))
    return code, out.getvalue()


@pytest.fixture
def on_locked_card(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    card = tmp_path / "card"
    card.mkdir()
    db = card / "partnerdesk.db"
    with Desk.open(db) as desk:
        org = desk.organizations.create(name="Harbor Clinic")
        desk.contacts.create(name="Ida Lovelace", organization_id=org.id)
    for suffix in (".lock",):  # what a closed database leaves beside it
        (card / f"partnerdesk.db{suffix}").unlink(missing_ok=True)

    def read_only_media(path: Path) -> bool:
        return Path(path).parent == card or Path(path) == card

    for module in MODULES:
        monkeypatch.setattr(f"{module}.read_only_media", read_only_media)
    return db


def test_it_opens_to_browse_search_report_and_export(on_locked_card: Path,
                                                     tmp_path: Path) -> None:
    db = str(on_locked_card)
    before = dump(on_locked_card)
    for command in (["stats"], ["search", "harbor"],
                    ["report", "directory", "-o", str(tmp_path / "directory.pdf")],
                    ["export", "-o", str(tmp_path / "all.partnerdesk")],
                    ["export-csv", "--type", "contacts", "-o", str(tmp_path / "c.csv")]):
        code, said = cli("--db", db, *command)
        assert code == 0, (command, said)
        assert "unexpected" not in said
    assert "Harbor Clinic" in cli("--db", db, "search", "harbor")[1]
    assert "read-only" in cli("--db", db, "report", "directory", "-o",
                              str(tmp_path / "again.pdf"))[1]
    assert (tmp_path / "all.partnerdesk").stat().st_size > 0
    assert dump(on_locked_card) == before
    assert sorted(p.name for p in on_locked_card.parent.iterdir()) == ["partnerdesk.db"]


def test_a_save_is_refused_with_a_sentence(on_locked_card: Path) -> None:
    before = dump(on_locked_card)
    code, said = cli("--db", str(on_locked_card), "add", "organization", "name=New")
    assert code == 1, said
    assert "read-only" in said and "Nothing was saved" in said
    with Desk.open(on_locked_card) as desk:
        assert desk.place_warning and "read-only" in desk.place_warning
        assert [o.name for o in desk.organizations.list()] == ["Harbor Clinic"]
    assert dump(on_locked_card) == before


def test_check_and_backup_tell_read_only_from_damaged(on_locked_card: Path,
                                                      tmp_path: Path) -> None:
    code, said = cli("--db", str(on_locked_card), "check")
    assert code == 0, said
    assert "Integrity: ok" in said and "Access:    read-only" in said
    assert "DAMAGED" not in said and "damaged" not in said
    code, said = cli("--db", str(on_locked_card), "backup")
    assert code == 1
    assert "read-only drive" in said and "damaged" not in said
    code, said = cli("--db", str(on_locked_card), "backup", "--output",
                     str(tmp_path / "copy.db"))
    assert code == 0, said
    with Desk.open(tmp_path / "copy.db") as copy:
        assert [o.name for o in copy.organizations.list()] == ["Harbor Clinic"]
