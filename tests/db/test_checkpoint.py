"""A change to many records commits without folding the journal into the file; a thread
folds it in just after (`db.checkpoint`). Nothing committed depends on when."""

import sqlite3
import threading
from pathlib import Path

from partnerdesk.services import Desk


def _in_the_file_itself(path: Path, sql: str) -> object:
    """What the database file holds without its -wal journal (immutable: SQLite reads
    the main file alone)."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
    try:
        return connection.execute(sql).fetchone()[0]
    finally:
        connection.close()


def _folding_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "partnerdesk-checkpoint"]


def _six_hundred_contacts(desk: Desk) -> list[str]:
    """Enough for a bulk write's lane (and so its commit beside the fold)."""
    with desk.store.write() as writer:
        return desk.contacts.save_many(writer, [{"name": f"Person {i}"} for i in range(600)])


def test_a_bulk_change_reaches_the_file_beside_the_commit(tmp_path: Path) -> None:
    path = tmp_path / "bulk.db"
    with Desk.open(path) as desk:
        ids = _six_hundred_contacts(desk)
        desk.contacts.bulk_change(ids, lambda row: {"tags": ["winter coats"]})
        # every reader sees the change at once, whether or not it is in the file yet
        assert len(desk.search("winter coats", limit=1000)) == 600
        folding = desk.store._checkpointer
        assert folding is not None and _folding_threads()
        folding.stop()  # waits for the fold it was asked for
        desk.store._checkpointer = None
        assert _in_the_file_itself(
            path, "SELECT count(*) FROM contacts WHERE tags LIKE '%winter coats%'") == 600


def test_closing_the_database_ends_the_folding_thread(tmp_path: Path) -> None:
    path = tmp_path / "bulk.db"
    with Desk.open(path) as desk:
        ids = _six_hundred_contacts(desk)
        desk.contacts.delete(*ids)
        assert desk.store._checkpointer is not None
    assert not _folding_threads()
    assert _in_the_file_itself(path, "SELECT count(*) FROM contacts WHERE deleted = 1") == 600
