"""Copies of a live database, made only through SQLite's online backup API.

A plain file copy of a database being written is unsafe (measured here: 99 of 100
copies failed the integrity check); the backup API copies a consistent snapshot.
Each copy is written under a temporary name, checked, flushed, then renamed, so a
backup that exists under its real name is always whole.

Automatic backups (`backup_now`, `daily_backup_if_due`) go to the backups folder
(see `partnerdesk.db.backup_folder`) and are thinned there. A restore never
deletes anything: the current database is backed up first, or, when it is
damaged, renamed aside so it can still be sent to someone who can rescue it.
"""

import json
import logging
import os
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from partnerdesk.db import backup_folder as folder
from partnerdesk.db.backup_folder import BackupInfo, backup_name
from partnerdesk.db.places import read_only_media, reading_uri, storage_problem
from partnerdesk.errors import DatabaseProblem, PartnerDeskError

log = logging.getLogger("partnerdesk.backup")

JOURNAL_SUFFIXES = ("-wal", "-shm", "-journal")

__all__ = ["BackupInfo", "DamagedDatabaseError", "RestoreResult", "backup_file", "backup_name",
           "backup_now", "daily_backup_if_due", "integrity_ok", "restore_file"]


class DamagedDatabaseError(DatabaseProblem):
    """The database failed its check at open; `backup` is the newest good copy, if any."""

    def __init__(self, path: Path, backup: BackupInfo | None) -> None:
        self.path = path
        self.backup = backup
        if backup is None:
            offer = ("No good backup of it was found. Keep the file as it is and ask someone "
                     "who knows computers to look at it; PartnerDesk will not change it.")
        else:
            offer = (f"The newest good backup is from {backup.when_text()} and holds "
                     f"{backup.holds_text()}. Restore it (in the app, or with "
                     f"'partnerdesk restore \"{backup.path}\"'); the damaged file is kept "
                     "aside, never deleted.")
        super().__init__(f"The database {path} is damaged and cannot be used safely. {offer}")


@dataclass(frozen=True)
class RestoreResult:
    backup: Path
    kept: Path | None  # a backup of the database as it was, when it was healthy
    set_aside: Path | None  # the damaged database, renamed, when it was damaged


def integrity_ok(path: Path, *, quick: bool = False, read_only: bool = True) -> bool:
    """Whether SQLite finds the file sound (`quick` skips the slower index checks)."""
    try:
        with open(path, "rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                return False
        target = reading_uri(path) if read_only or read_only_media(path) else f"file:{path}"
        connection = sqlite3.connect(target, uri=True, timeout=10)
    except (OSError, sqlite3.Error):
        return False
    try:
        pragma = "quick_check" if quick else "integrity_check"
        rows = connection.execute(f"PRAGMA {pragma}").fetchall()
        return rows == [("ok",)]
    except sqlite3.Error:
        return False
    finally:
        connection.close()



MISSING = object()


def stored_setting(path: Path, key: str) -> object:
    """A setting of a database file as stored (its JSON text decoded), without opening
    the database for work; `MISSING` when there is none or no settings table to hold it.
    The check of a file reads it: what an older version may have left damaged."""
    connection = sqlite3.connect(reading_uri(path), uri=True)
    try:
        row = connection.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    except sqlite3.Error:
        return MISSING
    finally:
        connection.close()
    if row is None:
        return MISSING
    if isinstance(row[0], str):  # JSON text (a number is stored as a number)
        try:
            return json.loads(row[0])
        except ValueError:
            return row[0]
    return row[0]

def foreign_keys_ok(path: Path) -> bool:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return not connection.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.Error:
        return False
    finally:
        connection.close()


def _plain(error: BaseException, path: Path) -> PartnerDeskError:
    if isinstance(error, PartnerDeskError):
        return error
    return storage_problem(error, path) or DatabaseProblem(
        f"The copy of {path.name} could not be made ({error}). Nothing was changed; try "
        "again, and if it keeps failing run 'partnerdesk check'.")


def copy_database(source: Path, temporary: Path) -> None:
    """Snapshot `source` into `temporary` (a single file, no journal) with the backup API.

    One step, not several: SQLite restarts a stepped backup whenever another connection
    writes between steps, so a stepped copy of a database someone keeps writing to may
    never finish. In WAL mode a single step reads one snapshot and does not hold up
    writers.
    """
    remove_journal_files(temporary)
    temporary.unlink(missing_ok=True)
    src = sqlite3.connect(reading_uri(source) if read_only_media(source) else str(source),
                          uri=True, timeout=10)
    try:
        dst = sqlite3.connect(str(temporary))
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # Windows cannot open a folder; NTFS orders the rename itself
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def backup_file(source: Path, destination: Path) -> Path:
    """Copy `source` to `destination` safely; the destination appears only when checked."""
    temporary = destination.with_name(destination.name + ".partial")
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        copy_database(source, temporary)
        _mark_as_backup(temporary)
        if not integrity_ok(temporary):
            raise DatabaseProblem(
                "The backup copy did not pass its check, so it was not kept. "
                "Try again; if it keeps failing, run 'partnerdesk check'.")
        fsync_file(temporary)
        os.replace(temporary, destination)
    except BaseException as error:
        temporary.unlink(missing_ok=True)
        if isinstance(error, Exception):
            raise _plain(error, destination) from error
        raise
    fsync_dir(destination.parent)
    return destination


def backup_now(db_path: Path, reason: str = "manual") -> BackupInfo:
    """Take a checked backup into the backups folder now, then thin old automatic ones.

    Importers call this (reason "before-import", "before-undo-import") before they
    write; restores and upgrades call it too. If the chosen folder (a USB drive, say)
    is missing, the backup goes to the default folder beside the database.
    """
    target_folder = folder.backups_folder(db_path)
    if not folder.usable(target_folder):
        log.warning("Backups folder %s is not available; using the default", target_folder)
        target_folder = folder.default_backups_folder(db_path)
    destination = target_folder / backup_name(db_path, reason)
    backup_file(db_path, destination)
    try:
        folder.thin(target_folder, db_path)
    except OSError:
        log.exception("Thinning old backups failed; the new backup is safe")
    return folder.describe(destination)


class BackupBeside:
    """A checked backup (`backup_now`) taken on a thread of its own, started before a
    write transaction and waited for before its commit (`Store.write`): the copy and its
    integrity check are SQLite's own work, which runs beside the Python that plans and
    writes the change. The copy reads the last committed state, as every other
    connection does (WAL), so it holds the records as they were before the change, and
    nothing is committed until it is made and checked."""

    def __init__(self, db_path: Path, reason: str) -> None:
        self._error: BaseException | None = None
        self._made: BackupInfo | None = None
        self._thread = threading.Thread(target=self._take, args=(db_path, reason),
                                        name="backup before a change", daemon=True)
        self._thread.start()

    def _take(self, db_path: Path, reason: str) -> None:
        try:
            self._made = backup_now(db_path, reason)
        except BaseException as error:  # handed to the waiting writer
            self._error = error

    def wait(self) -> BackupInfo:
        """The backup made; raises what stopped it (then nothing may be committed)."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._made is not None
        return self._made

    def finish(self) -> None:
        """Wait, keeping quiet about a failure: the change failed first, for its own reason."""
        self._thread.join()


def daily_backup_if_due(db_path: Path, now: datetime | None = None) -> BackupInfo | None:
    """The automatic backup at open: at most one a day (any backup made today counts)."""
    today = (now or datetime.now()).date()
    if any(info.taken_at.date() == today for info in folder.list_backups(db_path,
                                                                          counts=False)):
        return None
    return backup_now(db_path, "daily")


def remove_journal_files(db_path: Path) -> None:
    for suffix in JOURNAL_SUFFIXES:
        db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)


def checkpoint(db_path: Path) -> None:
    """Fold the -wal journal into the file and empty it; refuse if anything still uses it."""
    connection = sqlite3.connect(str(db_path), timeout=10)
    try:
        busy, wal_pages, _done = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        connection.close()
    if busy or wal_pages > 0:
        raise DatabaseProblem(
            f"{db_path.name} is still being read (by another window or a task still "
            "running), so it was not changed. Wait a moment and try again.")


def set_aside(db_path: Path, label: str = "damaged") -> Path:
    """Rename a database (and its journal files) out of the way, keeping every byte."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = db_path.with_name(f"{db_path.name}.{label}-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = db_path.with_name(f"{db_path.name}.{label}-{stamp}-{n}")
    for suffix in JOURNAL_SUFFIXES:
        journal = db_path.with_name(db_path.name + suffix)
        if journal.exists():
            os.replace(journal, aside.with_name(aside.name + suffix))
    os.replace(db_path, aside)
    fsync_dir(db_path.parent)
    return aside


def check_restorable(backup: Path) -> str:
    """The backup's schema revision, or a plain error if it cannot be restored."""
    from partnerdesk.db.migrate import known_revisions, stored_revision

    if not backup.is_file():
        raise DatabaseProblem(f"There is no file at {backup}. Choose a backup file to restore.")
    unusable = DatabaseProblem(
        f"{backup} is not a usable PartnerDesk backup (it is empty or damaged). "
        "Choose another backup; nothing was changed.")
    try:
        revision = stored_revision(backup)
    except DatabaseProblem:
        raise
    except (OSError, sqlite3.Error, ValueError) as error:
        raise unusable from error
    if revision is None or not _usable_header(backup) or not integrity_ok(backup):
        raise unusable
    if revision not in known_revisions():
        raise DatabaseProblem(
            f"{backup} was made by a newer version of PartnerDesk. Install the newer version "
            "to restore it; nothing was changed.")
    return revision


def _usable_header(path: Path) -> bool:
    """File format versions this SQLite can write (a file that only reads is no use)."""
    with open(path, "rb") as handle:
        header = handle.read(20)
    return len(header) == 20 and header[18] in (1, 2) and header[19] in (1, 2)


def _writable(path: Path) -> bool:
    """Can SQLite write to this copy? Tried inside a transaction that is rolled back."""
    try:
        connection = sqlite3.connect(str(path), isolation_level=None)
    except sqlite3.Error:
        return False
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("CREATE TABLE partnerdesk_write_probe (x)")
        connection.execute("ROLLBACK")
        return True
    except sqlite3.Error:
        return False
    finally:
        connection.close()


def _mark_as_backup(path: Path) -> None:
    """A backup knows it is one: copied back over the database by hand (not through
    'restore'), it still takes a new device id before its next write (`db.identity`).
    A file without a settings table (not a PartnerDesk database yet) is left alone."""
    from partnerdesk.db.identity import RESTORED_KEY

    connection = sqlite3.connect(str(path))
    try:
        with connection:
            if connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                  "AND name = 'settings'").fetchone():
                connection.execute("INSERT OR REPLACE INTO settings (key, value) "
                                   "VALUES (?, 'true')", (RESTORED_KEY,))
    finally:
        connection.close()


def _mark_restored(path: Path) -> None:
    """A restored database takes a new device id when it next opens: the laptop may
    have sent bundles with the change numbers the backup will use again. Every backup
    carries the mark from the start; a restore sets it again (older backups lack it).

    Written as `_mark_as_backup` writes it (the JSON `true` a `Setting` holds), with
    sqlite3 alone: an engine and a session for one row cost 70 ms a restore."""
    from partnerdesk.db.identity import RESTORED_KEY

    connection = sqlite3.connect(str(path))
    try:
        with connection:
            connection.execute("INSERT OR REPLACE INTO settings (key, value) "
                               "VALUES (?, 'true')", (RESTORED_KEY,))
    finally:
        connection.close()


def restore_file(backup: Path, db_path: Path) -> RestoreResult:
    """Replace the database at `db_path` with the contents of `backup`.

    Nothing in this process may hold a connection to `db_path` (dispose the engine
    first). The backup is checked before anything changes; the current database is
    backed up (or, if damaged, set aside); stale -wal/-shm files are cleared, and the
    new file is swapped in with one atomic rename.
    """
    from partnerdesk.db.lock import acquire_lock

    check_restorable(backup)
    with acquire_lock(db_path):
        kept = aside = None
        temporary = db_path.with_name(db_path.name + ".restoring")
        try:
            db_path.parent.mkdir(parents=True, exist_ok=True)
            copy_database(backup, temporary)
            if not integrity_ok(temporary) or not _writable(temporary):
                raise DatabaseProblem(
                    "The restored copy did not pass its check, so the database was not "
                    "replaced. Try another backup.")
            _mark_restored(temporary)
            fsync_file(temporary)
            if db_path.exists() and db_path.stat().st_size:
                if integrity_ok(db_path, quick=True, read_only=False):
                    kept = backup_now(db_path, "before-restore").path
                    checkpoint(db_path)
                else:
                    aside = set_aside(db_path)
            remove_journal_files(db_path)
            os.replace(temporary, db_path)
        except BaseException as error:
            temporary.unlink(missing_ok=True)
            remove_journal_files(temporary)
            if isinstance(error, Exception):
                raise _plain(error, db_path) from error
            raise
        fsync_dir(db_path.parent)
    return RestoreResult(backup, kept, aside)
