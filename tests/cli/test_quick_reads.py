"""`stats` and `search` read through a quick read-only look (`services.glance`) that loads
no tables: the same answers as the Desk, the same care on open (lock, soundness check,
daily backup), and the Desk when the file needs it (an upgrade due)."""

import hashlib
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from partnerdesk.cli import main
from partnerdesk.db.backup_folder import list_backups
from partnerdesk.db.migrate import head_revision, known_revisions
from partnerdesk.services import Desk
from partnerdesk.services.demo import load_demo
from partnerdesk.services.glance import Glance
from tests.cli.probe import loaded_after

QUERIES = ["zoe", "Zoë", "volun", "food bank", "a", "e", "mar", "2026", "nothing-like-this",
           "  ", "São Paulo", "clinic hospital"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One sample database for the module (made once: it takes a while)."""
    folder = tmp_path_factory.mktemp("sample")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PARTNERDESK_DATA_DIR", str(folder / "data"))
        with Desk.open(folder / "sample.db") as desk:
            load_demo(desk, scale=1)
            contact = desk.contacts.list(limit=1)[0]
            desk.contacts.delete(contact.id)  # a deleted record is not counted, nor found
    yield folder / "sample.db"


@pytest.fixture
def sample_copy(sample: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.db"
    shutil.copyfile(sample, copy)
    return copy


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_same_counts_and_hits_as_the_desk(sample_copy: Path) -> None:
    with Desk.open(sample_copy) as desk:
        counts = desk.stats()
        hits = {(q, limit): desk.search(q, limit=limit) for q in QUERIES for limit in (1, 7, 50)}
    with Glance.open(sample_copy) as glance:  # type: ignore[union-attr]
        assert glance.stats() == counts
        assert {(q, limit): glance.search(q, limit=limit)
                for q in QUERIES for limit in (1, 7, 50)} == hits
    assert any(hits.values()) and counts["contacts"] > 0


def test_the_same_hits_where_sqlite_has_no_fts5_index(sample_copy: Path) -> None:
    """A database made where SQLite lacked FTS5 is searched with LIKE on both paths."""
    connection = sqlite3.connect(sample_copy)
    with connection:
        connection.execute("UPDATE search_docs SET folded = lower(title || ' ' || body)")
        connection.execute("DROP TABLE search_index")
    connection.close()
    with Desk.open(sample_copy) as desk:
        hits = [desk.search(q) for q in QUERIES]
    with Glance.open(sample_copy) as glance:  # type: ignore[union-attr]
        assert [glance.search(q) for q in QUERIES] == hits
    assert any(hits)


def test_stats_and_search_load_no_tables(sample_copy: Path, tmp_path: Path) -> None:
    for command in (["stats", "--json"], ["search", "zoe"]):
        heavy, printed = loaded_after(
            "from partnerdesk.desktop import main\n"
            f"assert main(['--db', {str(sample_copy)!r}, *{command!r}]) == 0",
            env={"PARTNERDESK_DATA_DIR": str(tmp_path / "data")})
        assert heavy == [], command
        assert printed


def test_the_command_prints_what_it_printed_from_the_desk(
        sample_copy: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    outputs = []
    for quick in (True, False):
        if not quick:  # as before: every read through the Desk
            monkeypatch.setattr(Glance, "open", classmethod(lambda cls, path: None))
        for argv in (["stats"], ["stats", "--json"], ["search", "volun", "--json"],
                     ["search", "zoe"], ["search", "nothing-like-this"]):
            assert main(["--db", str(sample_copy), *argv]) == 0
        outputs.append(capsys.readouterr())
    assert outputs[0] == outputs[1]


def test_the_daily_backup_is_still_taken(sample_copy: Path) -> None:
    assert list_backups(sample_copy, counts=False) == []
    assert main(["--db", str(sample_copy), "stats"]) == 0
    assert [b.reason for b in list_backups(sample_copy, counts=False)] == ["daily"]


def test_an_older_schema_is_left_to_the_desk_untouched(sample_copy: Path) -> None:
    older = next(r for r in known_revisions() if r != head_revision())
    connection = sqlite3.connect(sample_copy)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (older,))
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    before = digest(sample_copy)
    assert Glance.open(sample_copy) is None
    assert digest(sample_copy) == before


def test_a_damaged_file_is_refused_in_the_desks_words(
        sample_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    connection = sqlite3.connect(sample_copy)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    data = bytearray(sample_copy.read_bytes())
    for offset in range(8192, min(len(data), 60000), 7):
        data[offset] ^= 0x5A
    broken = tmp_path / "broken.db"
    broken.write_bytes(bytes(data))
    before = digest(broken)
    assert main(["--db", str(broken), "stats"]) == 1
    _out, err = capsys.readouterr()
    assert "damaged" in err and "Traceback" not in err
    assert digest(broken) == before
