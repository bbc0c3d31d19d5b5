"""New test databases, migrated once per test process and copied.

Migrating a new database costs about 0.1 s; a test run opens hundreds. So the schema is
built once (`template()`), as a closed file with no journal beside it and no rows, and each
new database is a file copy of it, opened by `Desk.open` as usual. The copy behaves as a
database made from nothing would: the template holds no device id, so each copy's store
makes its own, and the default categories are seeded by each copy's first open.

A database a test opens the usual way (`Desk.open` on a new path, the `demo` command, ...)
is a copy too: `upgrade_by_copy` stands in for the upgrade of a new file to head, unless a
test is marked `real_migration` (tests of migrating itself) or a test added a revision.

One thing differs on its own: `Desk.open` takes the daily backup of a file that already
holds a database, and a new one has none yet, so the first open of a copy skips it (later
opens in a test take it as they would). `tests/test_fixtures.py` checks all of this.
"""

import atexit
import os
import shutil
import sqlite3
import tempfile
import threading
from pathlib import Path
from unittest import mock

from partnerdesk.db import migrate
from partnerdesk.db.lock import acquire_lock
from partnerdesk.services import Desk

_made: dict[str, Path] = {}
_making = threading.Lock()
_building = threading.local()
REAL_UPGRADE = migrate.upgrade_safely


def template() -> Path:
    """This process's migrated, empty database file (made on first use)."""
    with _making:
        if "template" not in _made:
            folder = Path(tempfile.mkdtemp(prefix="partnerdesk-template-"))
            atexit.register(shutil.rmtree, folder, True)
            path = folder / "migrated.db"
            _building.now = True
            try:
                with acquire_lock(path):
                    migrate.open_database(path, daily_backup=False).dispose()
            finally:
                _building.now = False
            connection = sqlite3.connect(path)
            try:  # one self-contained file: nothing left in a -wal journal
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                connection.execute("PRAGMA journal_mode=DELETE")
                _made["revision"] = connection.execute(
                    "SELECT version_num FROM alembic_version").fetchone()[0]
                tables = list(connection.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
                virtual = [name for name, sql in tables if sql.startswith("CREATE VIRTUAL")]
                stray = [name for name, _sql in tables if name != "alembic_version"
                         and not any(name.startswith(f"{v}_") for v in virtual)  # FTS's own
                         and connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]]
            finally:
                connection.close()
            # A migration that writes rows (a device id, say) would make every copy share them.
            assert stray == [], f"the migrated template holds rows in {stray}"
            _made["template"] = path
        return _made["template"]


def upgrade_by_copy(path: Path, existing: bool, target: str = "head") -> None:
    """`migrate.upgrade_safely` for tests: a new file brought to head is the template's copy
    (what the upgrade would have built, 0.4 CPU s quicker). Anything else is upgraded."""
    if existing or target != "head" or getattr(_building, "now", False):
        REAL_UPGRADE(path, existing, target)
        return
    made = template()
    if migrate.head_revision() != _made["revision"]:  # a test added a revision
        REAL_UPGRADE(path, existing, target)
        return
    temporary = path.with_name(path.name + migrate.UPGRADE_SUFFIX)
    shutil.copyfile(made, temporary)
    os.replace(temporary, path)


def copy_template(path: Path) -> Path:
    """A new database file at `path` (which must not exist yet), not opened."""
    if path.exists():
        raise FileExistsError(f"{path} exists: a new test database needs a new name")
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template(), path)
    return path


def copy_database(source: Path, path: Path) -> Path:
    """A new database file at `path`, a copy of the closed database file `source` (with no
    journal beside it) and of its attachments folder; not opened."""
    from partnerdesk.paths import attachments_dir

    if path.exists():
        raise FileExistsError(f"{path} exists: a new test database needs a new name")
    if source.with_name(source.name + "-wal").exists():
        raise ValueError(f"{source} has a -wal journal beside it: close it first")
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, path)
    if attachments_dir(source).exists():
        shutil.copytree(attachments_dir(source), attachments_dir(path))
    return path


def close_for_copying(path: Path) -> None:
    """Leave the closed database file at `path` self-contained (no -wal journal), as the
    template is, so that `copy_database` can copy it."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode=DELETE")
    finally:
        connection.close()


def open_new_desk(path: Path, copy_of: Path | None = None) -> Desk:
    """`Desk.open` on a new database at `path`, as on a file that did not exist: a copy of
    the migrated template, or of `copy_of` (see `copy_database`)."""
    if copy_of is None:
        copy_template(path)
    else:
        copy_database(copy_of, path)
    real_backup = migrate.take_daily_backup
    target = path.resolve()

    def backup_unless_new(opened: Path) -> None:
        if Path(opened).resolve() != target:
            real_backup(opened)

    with mock.patch.object(migrate, "take_daily_backup", backup_unless_new):
        return Desk.open(path)
