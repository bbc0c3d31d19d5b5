"""Open a database file: refuse what is not ours or is newer, migrate after a backup.

The version check reads the file with a read-only connection first, so a refused
file is left byte-for-byte as it was.
"""

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from partnerdesk.db.backup import backup_file, backup_name
from partnerdesk.db.engine import make_engine
from partnerdesk.errors import NewerDatabaseError, NotADatabaseError
from partnerdesk.paths import backups_dir

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_HEADER = b"SQLite format 3\x00"


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.set_main_option("sqlalchemy.url", str(engine.url))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


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
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
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


def open_database(path: Path) -> Engine:
    """Return an engine on `path` at the current schema, creating or migrating it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = path.exists() and path.stat().st_size > 0
    revision = stored_revision(path) if existing else None
    head = head_revision()
    if revision is not None and revision not in known_revisions():
        raise NewerDatabaseError(
            f"{path} was made by a newer version of PartnerDesk. Install the newer "
            "version to open it; this version has left the file untouched.")
    if existing and revision != head:
        backup_file(path, backups_dir(path) / backup_name(path, "before-upgrade"))
    engine = make_engine(path)
    if revision != head:
        upgrade(engine)
    return engine


def upgrade(engine: Engine, target: str = "head") -> None:
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, target)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
