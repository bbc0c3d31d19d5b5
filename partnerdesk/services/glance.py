"""A quick read-only look at a database file: the counts and the search, without the Desk.

`partnerdesk stats` and `partnerdesk search` are often typed in a terminal, or run by a
script many times over. Opening the Desk means loading every table's Python class and
SQLAlchemy first, which takes longer than the question itself, so these two answers are
read here with the standard library's sqlite3, asking the same SQL the Desk asks
(`db.search_index.sqlite_query` is the one search; the counts read the same partial index).

Everything the Desk does on open that a person relies on happens here too: the database
lock, the check that the file is ours and sound (with the same sentences), the daily
backup when one is due, and the warning about a cloud or network folder. Where opening
would first change the file (an upgrade due) or refuse it (a newer version's), or for an
office database on a server, `Glance.open` gives None and the caller opens the Desk.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from partnerdesk.db import backup as backups
from partnerdesk.db import search_index
from partnerdesk.db.backup_folder import newest_good_backup
from partnerdesk.db.engine import BUSY_TIMEOUT_MS
from partnerdesk.db.lock import DatabaseLock, acquire_lock
from partnerdesk.db.migrate import ready_to_read, take_daily_backup
from partnerdesk.db.places import read_only_media, risky_place, storage_problem
from partnerdesk.errors import DatabaseProblem
from partnerdesk.private import tighten_database

# What `partnerdesk stats` counts (its --json keys) -> the table each is counted in. The
# Desk's `stats` counts the same through its record services (`desk.STAT_KEYS`).
STAT_TABLES: dict[str, str] = {
    "organizations": "organizations", "contacts": "contacts", "partnerships": "partnerships",
    "agreements": "agreements", "resources": "resources", "needs": "community_needs",
    "referral_pathways": "referral_pathways", "meetings": "meetings",
    "action_items": "action_items", "attachments": "attachments", "events": "events",
    "feedback": "feedback", "funding": "funding",
}


@dataclass(frozen=True)
class SearchResult:
    record_type: str
    record_id: str
    title: str


class Reads(Protocol):
    """What both a Glance and a Desk answer: the command line takes either."""

    def stats(self) -> dict[str, int]: ...

    def search(self, text: str, limit: int = 50) -> list[SearchResult]: ...


class Glance:
    """One database file opened for reading only; get one with `Glance.open`."""

    def __init__(self, path: Path, connection: sqlite3.Connection, lock: DatabaseLock) -> None:
        self.path = path
        self._connection = connection
        self._lock: DatabaseLock | None = lock
        # A warning to show when the file sits in a cloud-synced folder or on a network drive.
        self.place_warning: str | None = risky_place(path)

    @classmethod
    def open(cls, path: Path) -> Glance | None:
        """A read-only look at the file at `path`, or None when the Desk must open it."""
        if read_only_media(path):
            return None  # no lock file can be made there: the Desk opens it read-only
        lock = acquire_lock(path)  # one PartnerDesk process per database file, as the Desk
        try:
            if not ready_to_read(path):
                lock.release()
                return None
            take_daily_backup(path)
            tighten_database(path, shallow=True)  # what an older version left open
            connection = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
            connection.isolation_level = None  # statements below say when reading starts
            connection.execute("PRAGMA query_only = ON")
        except BaseException as error:
            lock.release()
            if isinstance(error, sqlite3.Error):
                raise storage_problem(error, path) or _damaged(path) from error
            raise
        return cls(path, connection, lock)

    def _run(self, sql: str, params: dict[str, Any]) -> Iterable[Sequence[Any]]:
        return self._connection.execute(sql, params)

    def _reading(self) -> _Reading:
        return _Reading(self)

    def stats(self) -> dict[str, int]:
        """Live record counts per kind: every row, less the deleted ones (a partial index
        of those), as the Desk counts them; all read from one snapshot."""
        with self._reading():
            counts = {}
            for key, table in STAT_TABLES.items():
                every = self._connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                gone = self._connection.execute(
                    f"SELECT count(*) FROM {table} WHERE deleted = 1").fetchone()[0]
                counts[key] = int(every) - int(gone)
            return counts

    def search(self, text: str, limit: int = 50) -> list[SearchResult]:
        """Every record type at once; prefix matching, accents folded (as `Desk.search`)."""
        with self._reading():
            fts5 = search_index.sqlite_has_fts5(self._run)
            hits = search_index.sqlite_query(self._run, text, limit, fts5=fts5)
        return [SearchResult(h.record_type, h.record_id, h.title) for h in hits]

    def close(self) -> None:
        self._connection.close()
        lock, self._lock = self._lock, None
        if lock is not None:
            lock.release()

    def __enter__(self) -> Glance:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class _Reading:
    """One read transaction (a consistent snapshot); a failure reads as the Desk says it."""

    def __init__(self, glance: Glance) -> None:
        self.glance = glance

    def __enter__(self) -> None:
        self.glance._connection.execute("BEGIN")

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 _trace: object) -> None:
        if self.glance._connection.in_transaction:
            self.glance._connection.execute("ROLLBACK")
        if isinstance(error, sqlite3.Error):
            path = self.glance.path
            raise storage_problem(error, path) or _damaged(path) from error


def _damaged(path: Path) -> Exception:
    """The sentence the Desk gives for a file that fails to read: damaged, if it is."""
    if not backups.integrity_ok(path, quick=True):
        return backups.DamagedDatabaseError(path, newest_good_backup(path))
    return DatabaseProblem(
        f"PartnerDesk could not read {path}. Try again; if it keeps happening, run "
        "'partnerdesk check' and restore a backup if it says the database is damaged.")
