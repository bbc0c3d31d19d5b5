"""Moving a laptop's file into an empty office database (issue 19, "Moving in").

Runs on the throwaway PostgreSQL server of `scripts/test` ($PARTNERDESK_TEST_POSTGRES);
skipped, saying why, without one."""

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text

from partnerdesk.cli import main
from partnerdesk.db import identity
from partnerdesk.db.local import HistoryEntry
from partnerdesk.db.registry import RECORD_TYPES
from partnerdesk.errors import PartnerDeskError
from partnerdesk.services import Desk
from partnerdesk.services.demo import load_demo
from partnerdesk.services.office import move_to_server
from partnerdesk.services.progress import Cancelled, Progress
from tests.conftest import TODAY
from tests.engines import empty_database_url, server_databases, skip_without_server
from tests.new_database import close_for_copying, open_new_desk
from tests.sharing.conftest import dump


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def revisions(desk: Desk) -> dict[str, dict[str, str]]:
    found = {}
    with desk.store.read() as session:
        for name, model in RECORD_TYPES.items():
            found[name] = dict(session.execute(
                select(model.id, model.rev)).all())  # type: ignore[attr-defined]
    return found


def history_count(desk: Desk) -> int:
    with desk.store.read() as session:
        return len(session.execute(select(HistoryEntry.id)).all())


@pytest.fixture
def servers() -> Iterator[list[str]]:
    skip_without_server()
    with server_databases() as made:
        yield made


@pytest.fixture(scope="module")
def kept_laptop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed laptop file: sample data, a logo, an edit and a deletion (history). Made
    once for the module; each test moves its own copy (`laptop`)."""
    path = tmp_path_factory.mktemp("kept-laptop") / "laptop.db"
    with open_new_desk(path) as desk:
        load_demo(desk, today=TODAY)
        ours = desk.organizations.list(where={"is_us": True})[0]
        logo = desk.attachments.store_bytes(b"\x89PNG logo bytes")
        desk.organizations.update(ours.id, logo_sha256=logo)
        contact = desk.contacts.list(order_by="name")[0]
        desk.contacts.update(contact.id, name="Zoë Ñúñez")
        desk.contacts.delete(desk.contacts.list(order_by="name")[1].id)
    close_for_copying(path)
    return path


@pytest.fixture
def laptop(kept_laptop: Path, tmp_path: Path) -> Path:
    """This test's laptop file, a copy of `kept_laptop` with its attachments, opened once
    where it is (a copy takes a device id of its own at its first open), then closed."""
    path = tmp_path / "laptop.db"
    open_new_desk(path, copy_of=kept_laptop).close()
    return path


def test_everything_moves_checked_and_the_file_is_left_as_it_was(
        laptop: Path, servers: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with Desk.open(laptop) as before:
        expected = revisions(before)
        stats, history = before.stats(), history_count(before)
        device = before.store.device_id
        attachments = {a.sha256: before.attachments.read_bytes(a.sha256)
                       for a in before.attachments.list()}
        logo = before.organizations.list(where={"is_us": True})[0].logo_sha256
    file_before, rows_before = file_digest(laptop), dump(laptop)
    servers.append(empty_database_url())

    code = main(["move-to-server", "--db", str(laptop), servers[-1]])
    out, err = capsys.readouterr()

    assert code == 0, err
    assert "records" in out and "left as it was" in out
    assert file_digest(laptop) == file_before and dump(laptop) == rows_before
    with Desk.open(servers[-1]) as office:
        assert revisions(office) == expected
        assert office.stats() == stats
        assert history_count(office) == history
        # the bytes are in the database, not in files beside a laptop's database
        assert attachments and all(office.attachments.read_bytes(digest) == data
                                   for digest, data in attachments.items())
        assert office.attachments.read_bytes(logo) == b"\x89PNG logo bytes"
        assert not office.attachments.folder.exists()
        # searched the server's way (unaccent), and a new device id with the file's kept
        assert [hit.title for hit in office.search("zoe nunez")] == ["Zoë Ñúñez"]
        assert office.store.device_id != device
        assert device in office.store.setting(identity.FORMER_KEY)
        # the planner knows the tables' sizes at once (-1: never analysed)
        with office.store.read() as session:
            estimate = session.execute(text(
                "SELECT reltuples FROM pg_class WHERE oid = to_regclass('contacts')")).scalar()
        assert estimate is not None and estimate > 0
        # the next save beats every copied stamp
        contact = office.contacts.list(order_by="name")[0]
        saved = office.contacts.update(contact.id, notes="Moved in")
        assert saved.stamps["notes"][0] > max(  # type: ignore[index]
            stamp[0] for stamp in contact.stamps.values())


def test_a_target_that_holds_records_is_refused_and_nothing_changes(
        laptop: Path, servers: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    servers.append(empty_database_url())
    with Desk.open(servers[-1]) as office:
        office.organizations.create(name="Already here")
    with Desk.open(servers[-1]) as office:
        rows_before = dump(office)
    file_before = file_digest(laptop)

    code = main(["move-to-server", "--db", str(laptop), servers[-1]])
    _out, err = capsys.readouterr()

    assert code == 1
    assert "already holds records, so nothing was copied" in err
    assert file_digest(laptop) == file_before
    with Desk.open(servers[-1]) as office:
        assert dump(office) == rows_before


def test_a_database_only_opened_once_counts_as_empty(laptop: Path,
                                                     servers: list[str]) -> None:
    """Opening an office database seeds the default categories; moving in still works."""
    servers.append(empty_database_url())
    Desk.open(servers[-1]).close()
    result = move_to_server(laptop, servers[-1])
    with Desk.open(laptop) as before, Desk.open(servers[-1]) as office:
        assert revisions(office) == revisions(before)
        assert result.records == sum(len(ids) for ids in revisions(before).values())


def test_a_cancelled_move_leaves_the_server_database_without_records(
        laptop: Path, servers: list[str]) -> None:
    servers.append(empty_database_url())
    progress = Progress()
    seen: list[str] = []

    def report(done: int, total: int, message: str) -> None:
        seen.append(message)
        if message == "Copying the attachments…":
            progress.cancel()

    progress._on_report = report
    with pytest.raises(Cancelled):
        move_to_server(laptop, servers[-1], progress=progress)
    with Desk.open(servers[-1]) as office:
        assert office.stats()["contacts"] == 0
        assert history_count(office) == 0


def test_an_attachment_whose_file_is_gone_is_named(laptop: Path, servers: list[str]) -> None:
    with Desk.open(laptop) as desk:
        attachment = desk.attachments.list()[0]
        desk.attachments.path_of(attachment).unlink()
    servers.append(empty_database_url())
    result = move_to_server(laptop, servers[-1])
    assert result.missing_files == (attachment.filename,)
    with Desk.open(servers[-1]) as office:
        assert office.attachments.get(attachment.id).rev == attachment.rev
        assert office.attachments.read_bytes(attachment.sha256) is None


def test_bad_input_is_a_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "none.db"
    assert main(["move-to-server", "--db", str(missing), "postgresql://u@h/office"]) == 1
    assert "There is no database at" in capsys.readouterr().err
    assert main(["move-to-server", "--db", str(missing), "office.db"]) == 1
    assert "is not an office database's address" in capsys.readouterr().err
    with pytest.raises(PartnerDeskError, match="without encryption"):
        move_to_server(missing, "postgresql://u@example.org/office?sslmode=disable")


# -- backups of an office database ------------------------------------------------------
def test_office_backup_and_restore_into_an_empty_database(
        laptop: Path, servers: list[str], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    servers.append(empty_database_url())
    move_to_server(laptop, servers[-1])
    with Desk.open(servers[-1]) as office:
        contact = office.contacts.list(order_by="name")[0]
        office.contacts.update(contact.id, notes="Written on the server")
        expected, history = revisions(office), history_count(office)
        digests = {a.sha256 for a in office.attachments.list()}
    backup = tmp_path / "office-backup.db"

    assert main(["--db", servers[-1], "backup", "-o", str(backup)]) == 0
    out = capsys.readouterr().out
    assert "written to" in out and backup.is_file()
    # the server's own dump beside it, when pg_dump is installed (scripts/test has it)
    assert backup.with_suffix(".pgdump").is_file() == (shutil.which("pg_dump") is not None)
    # a PartnerDesk file that opens like any other, history and attachments included
    with Desk.open(backup) as copy:
        assert revisions(copy) == expected and history_count(copy) == history
        assert all(copy.attachments.read_bytes(d) is not None for d in digests)

    # restore refuses a database that holds records, then fills an empty one
    assert main(["--db", servers[-1], "restore", str(backup)]) == 1
    assert "already holds records" in capsys.readouterr().err
    servers.append(empty_database_url())
    assert main(["--db", servers[-1], "restore", str(backup)]) == 0
    with Desk.open(servers[-1]) as restored:
        assert revisions(restored) == expected and history_count(restored) == history
        assert {d for d in digests if restored.attachments.read_bytes(d)} == digests
        assert [h.title for h in restored.search("zoe nunez")] == ["Zoë Ñúñez"]


def test_office_backup_never_replaces_a_file(servers: list[str], tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from tests.engines import new_database_url

    servers.append(new_database_url())
    taken = tmp_path / "taken.db"
    taken.write_bytes(b"someone's file")
    assert main(["--db", servers[-1], "backup", "-o", str(taken)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert taken.read_bytes() == b"someone's file"


def test_check_looks_at_an_office_database_without_changing_it(
        laptop: Path, servers: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """`partnerdesk check` works on either kind of database: on a server, every record's
    revision is recomputed, and a value changed behind PartnerDesk's back is named."""
    from sqlalchemy import create_engine, text

    servers.append(empty_database_url())
    assert main(["--db", servers[-1], "check"]) == 1
    assert "an empty database" in capsys.readouterr().out
    assert main(["move-to-server", "--db", str(laptop), servers[-1]]) == 0
    capsys.readouterr()
    with Desk.open(laptop) as before:
        total = sum(len(ids) for ids in revisions(before).values())

    assert main(["--db", servers[-1], "check"]) == 0
    out = capsys.readouterr().out
    assert "(current)" in out and f"Records:   ok ({total:,} checked" in out

    engine = create_engine(servers[-1].replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.begin() as connection:  # someone edits a row by hand on the server
            connection.execute(text(
                "UPDATE contacts SET name = 'Changed by hand' WHERE id = "
                "(SELECT id FROM contacts ORDER BY id LIMIT 1)"))
    finally:
        engine.dispose()
    with Desk.open(servers[-1]) as office:
        rows_before = dump(office)
    assert main(["--db", servers[-1], "check"]) == 1
    out = capsys.readouterr().out
    assert f"DAMAGED: 1 of {total:,} records do not match their revision (1 contacts)" in out
    with Desk.open(servers[-1]) as office:
        assert dump(office) == rows_before
