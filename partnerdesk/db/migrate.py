"""Open a database file: refuse what is not ours, newer or damaged; upgrade safely.

The version check reads the file with a read-only connection first, so a refused
file is left byte-for-byte as it was. That check, and the revision ids, need only the
standard library: a quick read-only command (`services.glance`) asks them without loading
SQLAlchemy, which this module imports only to make an engine.

Alembic does not run SQLite schema changes in a transaction, so an upgrade done
in place and cut off half-way would leave a mix of old and new. Instead the
upgrade runs on a copy: quick check, backup, copy, migrate the copy, check its
foreign keys and integrity, then swap it in with one atomic rename. A process
killed at any moment leaves exactly the old file or the new one.
"""

import logging
import os
import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from partnerdesk.db import backup as backups
from partnerdesk.db.backup_folder import backups_folder, list_backups, newest_good_backup
from partnerdesk.db.places import (
    check_writable,
    read_only_media,
    reading_uri,
    storage_problem,
)
from partnerdesk.errors import DatabaseProblem, NewerDatabaseError, NotADatabaseError

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine

    from partnerdesk.db.early_check import EarlyCheck

log = logging.getLogger("partnerdesk.migrate")

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Where migration scripts are found (a test adds a folder, as a newer version would).
VERSION_FOLDERS: list[Path] = [MIGRATIONS_DIR / "versions"]
SQLITE_HEADER = b"SQLite format 3\x00"
UPGRADE_SUFFIX = ".upgrading"
RESTORE_SUFFIX = ".restoring"


def alembic_config(engine: "Engine | None" = None) -> "Config":
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("version_locations", os.pathsep.join(map(str, VERSION_FOLDERS)))
    config.set_main_option("path_separator", "os")
    if engine is not None:
        config.set_main_option("sqlalchemy.url", str(engine.url))
    return config


# Alembic takes a quarter of a second to import, and is needed only when an upgrade is
# due, so opening a database reads the revision ids straight from the migration files.
# A test checks that this agrees with Alembic's own view of the history.
_REVISION = re.compile(r"^revision(?:: *str)? *= *['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision(?:: *[^=]+)? *= *['\"]([^'\"]+)['\"]",
                            re.MULTILINE)


_links_cache: dict[tuple, dict[str, str | None]] = {}


def _revision_links() -> dict[str, str | None]:
    """Each migration's revision id -> the revision it follows (None for the first).

    Every open asks for the head; reading the scripts each time cost 7% of an open. The
    cache key holds each folder's modification time, so an added script is seen.
    """
    key = tuple((str(folder), folder.stat().st_mtime_ns if folder.exists() else 0)
                for folder in VERSION_FOLDERS)
    if key not in _links_cache:
        _links_cache.clear()
        _links_cache[key] = _read_revision_links()
    return dict(_links_cache[key])


def _read_revision_links() -> dict[str, str | None]:
    links: dict[str, str | None] = {}
    for script in sorted(path for folder in VERSION_FOLDERS for path in folder.glob("*.py")):
        source = script.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        if found:
            down = _DOWN_REVISION.search(source)
            links[found.group(1)] = down.group(1) if down else None
    return links


def head_revision() -> str:
    links = _revision_links()
    heads = set(links) - {down for down in links.values() if down}
    if len(heads) != 1:
        raise DatabaseProblem(f"This copy of PartnerDesk is damaged: its database upgrade "
                              f"steps do not form one line ({sorted(heads)}). Reinstall it.")
    return heads.pop()


def known_revisions() -> set[str]:
    return set(_revision_links())


def stored_revision(path: Path) -> str | None:
    """The schema revision written in the file, read without changing it."""
    with open(path, "rb") as handle:
        header = handle.read(16)
    if header and header != SQLITE_HEADER:
        raise NotADatabaseError(
            f"{path} is not a PartnerDesk database. Choose a file made by PartnerDesk, "
            "or a new file name to start a new database.")
    if not header:
        return None
    connection = sqlite3.connect(reading_uri(path), uri=True)
    try:
        tables = {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            return None
        if "alembic_version" not in tables:
            raise NotADatabaseError(
                f"{path} is a database, but not a PartnerDesk one. Choose a file made by "
                "PartnerDesk, or a new file name to start a new database.")
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    except sqlite3.DatabaseError as error:
        raise NotADatabaseError(
            f"{path} cannot be read as a database ({error}). If it is a damaged PartnerDesk "
            "database, restore a backup with 'partnerdesk restore'.") from error
    finally:
        connection.close()


def _clear_leftovers(path: Path) -> None:
    """Remove half-made upgrade or restore copies left by a process that was cut off.

    They are never the real database: that is swapped in only by a finished rename."""
    for suffix in (UPGRADE_SUFFIX, RESTORE_SUFFIX):
        temporary = path.with_name(path.name + suffix)
        temporary.unlink(missing_ok=True)
        backups.remove_journal_files(temporary)


def _first_check(path: Path, checked: "EarlyCheck | None" = None) -> str | None:
    """Is the existing file ours and sound? Returns its revision, or raises plainly."""
    with open(path, "rb") as handle:
        header = handle.read(16)
    if header != SQLITE_HEADER and not list_backups(path, counts=False):
        return stored_revision(path)  # raises NotADatabaseError
    sound = checked.result(path) if checked is not None else None
    if sound is None:
        sound = header == SQLITE_HEADER and backups.integrity_ok(path, quick=True,
                                                                 read_only=False)
    if header != SQLITE_HEADER or not sound:
        raise backups.DamagedDatabaseError(path, newest_good_backup(path))
    try:
        return stored_revision(path)
    except NotADatabaseError:
        if backups.integrity_ok(path, quick=True):
            raise
        raise backups.DamagedDatabaseError(path, newest_good_backup(path)) from None


def open_database(path: Path, *, daily_backup: bool = True,
                  checked: "EarlyCheck | None" = None) -> "Engine":
    """Return an engine on `path` at the current schema, creating or upgrading it.

    The caller holds the database lock (`partnerdesk.db.lock`). A database that
    already held records gets its daily backup here, unless the caller takes it
    (`daily_backup=False`). `checked` is a quick check already started on the file.
    """
    if read_only_media(path) and holds_database(path):
        return _open_read_only(path, checked)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise storage_problem(error, path) or DatabaseProblem(
            f"PartnerDesk cannot make the folder {path.parent}. Choose another place.") from error
    check_writable(path)
    _clear_leftovers(path)
    existing = holds_database(path)
    revision = _first_check(path, checked) if existing else None
    head = head_revision()
    if revision is not None and revision not in known_revisions():
        raise NewerDatabaseError(
            f"{path} was made by a newer version of PartnerDesk. Install the newer "
            "version to open it; this version has left the file untouched.")
    if revision != head:
        upgrade_safely(path, existing)
    from partnerdesk.db.engine import make_engine

    engine = make_engine(path)
    _plain_storage_errors(engine, path)
    if existing and daily_backup:
        take_daily_backup(path)
    return engine


def _open_read_only(path: Path, checked: "EarlyCheck | None") -> "Engine":
    """A database on read-only media, to browse, search, report and export: no upgrade,
    no backup, no lock file (nobody can write there either)."""
    revision = _first_check(path, checked)
    if revision != head_revision():
        newer = revision is not None and revision not in known_revisions()
        raise (NewerDatabaseError if newer else DatabaseProblem)(
            f"{path} is on a read-only drive and was made by "
            f"{'a newer' if newer else 'an older'} version of PartnerDesk, so it cannot be "
            "opened there. Copy it to a folder you can save in and open the copy.")
    from partnerdesk.db.engine import make_engine

    return make_engine(path, read_only=True)


def ready_to_read(path: Path) -> bool:
    """True when `path` holds a sound PartnerDesk database at this version's schema, which
    a read-only look (`services.glance`) may read as it is.

    False when opening it would first change it (an empty file, an upgrade due) or refuse
    it (made by a newer version): the caller then opens it the usual way, which does that
    or says why not. A file that is not ours, or damaged, or one PartnerDesk could not save
    to, raises as `open_database` does, with the same sentence."""
    check_writable(path)
    if not holds_database(path):
        return False
    return _first_check(path) == head_revision()


def holds_database(path: Path) -> bool:
    """A file with something in it (a new, empty database needs no backup)."""
    return path.is_file() and path.stat().st_size > 0


def take_daily_backup(path: Path) -> None:
    """The backup at open, once a day; a failure is logged, never in the way of opening."""
    try:
        backups.daily_backup_if_due(path)
    except DatabaseProblem:
        log.exception("The daily backup of %s could not be made", path)


def _plain_storage_errors(engine: "Engine", path: Path) -> None:
    """A full disk or a read-only file reaches a person as a sentence, not SQL."""
    from sqlalchemy import event

    @event.listens_for(engine, "handle_error")
    def _on_error(context: Any) -> None:
        problem = storage_problem(context.original_exception, path)
        if problem is not None:
            raise problem from context.original_exception


def upgrade_safely(path: Path, existing: bool, target: str = "head") -> None:
    """Quick check (done at open), backup, migrate a copy, check it, swap it in."""
    kept = backups.backup_now(path, "before-upgrade").path if existing else None
    temporary = path.with_name(path.name + UPGRADE_SUFFIX)
    try:
        if existing:
            backups.checkpoint(path)
            backups.copy_database(path, temporary)
        else:
            temporary.unlink(missing_ok=True)
        from sqlalchemy import event

        from partnerdesk.db.engine import make_engine

        engine = make_engine(temporary)
        # SQLite's own advice for schema changes: foreign keys off while tables are
        # rebuilt, then one foreign_key_check over the result (below).
        event.listen(engine, "connect", _foreign_keys_off)
        try:
            upgrade(engine, target)
        finally:
            engine.dispose()
        _settle(temporary)
        if not backups.foreign_keys_ok(temporary):
            raise DatabaseProblem("Some records point at records that do not exist.")
        if not backups.integrity_ok(temporary):
            raise DatabaseProblem("The upgraded copy did not pass its check.")
        backups.fsync_file(temporary)
    except Exception as error:
        temporary.unlink(missing_ok=True)
        backups.remove_journal_files(temporary)
        where = (f" A backup made just before is at {kept}." if kept else "")
        plain = storage_problem(error, path)
        reason = plain.message if plain else (
            error.message if isinstance(error, DatabaseProblem) else str(error))
        log.exception("Upgrade of %s failed", path)
        raise DatabaseProblem(
            f"PartnerDesk could not upgrade the database {path.name} to this version, so it "
            f"was left exactly as it was.{where} Reason: {reason}") from error
    backups.remove_journal_files(path)  # empty after the checkpoint; nothing is open
    os.replace(temporary, path)
    backups.fsync_dir(path.parent)
    if existing and not backups.integrity_ok(path, quick=True):  # pragma: no cover - disk fault
        assert kept is not None
        backups.restore_file(kept, path)
        raise DatabaseProblem(
            f"The upgraded database {path.name} failed its check, so the backup made just "
            f"before the upgrade ({kept}) was put back. Nothing was lost.")


def _foreign_keys_off(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    dbapi_connection.execute("PRAGMA foreign_keys=OFF")


def _settle(path: Path) -> None:
    """Leave `path` as one self-contained file (no -wal), ready to be renamed."""
    connection = sqlite3.connect(str(path))
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode=DELETE")
    finally:
        connection.close()


def upgrade(engine: "Engine", target: str = "head") -> None:
    from alembic import command

    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, target)


def current_revision(engine: "Engine") -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


__all__ = ["backups_folder", "current_revision", "head_revision", "known_revisions",
           "open_database", "stored_revision", "upgrade", "upgrade_safely"]
