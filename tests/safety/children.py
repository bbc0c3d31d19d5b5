"""Work done in child processes that the safety tests kill, or starve of disk.

Children are forked from a forkserver that has PartnerDesk (and Alembic) already imported,
so a trial costs milliseconds rather than a fresh interpreter. Each child reports every
write only after it was committed, over a pipe: what the parent has received is,
by construction, confirmed.
"""

import contextlib
import multiprocessing
import os
import random
import resource
import signal
import sqlite3
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import alembic.command  # noqa: F401  (see below)
import alembic.config  # noqa: F401
import alembic.runtime.migration  # noqa: F401

from partnerdesk.db import records as r
from partnerdesk.errors import DatabaseProblem
from partnerdesk.services import Desk

# Alembic too: PartnerDesk imports it only to upgrade (a quarter of a CPU second), which
# each of the upgrade trial's children does (`migrating_opener`).

# How long a parent waits for a child to reach a point or answer. Only a guard against
# a hang: no test depends on how fast the machine is.
WAIT_SECONDS = 300
GROUP_SIZE = 4
BULK_SIZE = 12
IMPORT_SIZE = 5


def context() -> Any:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["tests.safety.children"])
    return ctx


def importer() -> tuple[Any, Any]:
    """The CSV importer: planning a file, then writing the plan in one transaction."""
    from partnerdesk.sharing.csv_import import plan_csv
    from partnerdesk.sharing.import_common import apply_plan

    return plan_csv, apply_plan


def _send(conn: Connection, *message: Any) -> None:
    conn.send(message)


def wait_to_be_killed(conn: Connection) -> None:
    """Block until the parent kills this process; end quietly if the parent is gone."""
    with contextlib.suppress(EOFError, OSError):
        conn.recv()
    os._exit(3)


def pause_at_commit(conn: Connection, number: int) -> None:
    """Stop at the `number`th commit from now, its statements all run but not yet
    committed, tell the parent, and wait there to be killed.

    The hook is SQLAlchemy's own commit event, so it catches every write however the
    services make it (one record, a batch, an import)."""
    from sqlalchemy import Engine, event

    seen = 0

    def on_commit(_connection: Any) -> None:
        nonlocal seen
        seen += 1
        if seen == number:
            _send(conn, "at-commit", number)
            wait_to_be_killed(conn)

    event.listen(Engine, "commit", on_commit)


# -- the crash trial ------------------------------------------------------------------

KINDS = ("org", "group", "bulk", "import", "update", "delete")


def crash_writer(db_path: str, data_dir: str, seed: int, conn: Connection,
                 pause_at: int | None = None, kinds: tuple[str, ...] | None = None) -> None:
    """Write through the services: single records, groups, bulk, imports, edits, deletes.

    Each write is reported after it was committed. Without `kinds` it writes kinds
    picked at random until killed; `pause_at` makes it wait to be killed at that
    commit. With `kinds` it writes those, in order, then says "done" and ends."""
    os.environ["PARTNERDESK_DATA_DIR"] = data_dir
    rng = random.Random(seed)
    plan_csv, apply_plan = importer()
    desk = Desk.open(db_path)
    _send(conn, "ready")
    if pause_at is not None:
        pause_at_commit(conn, pause_at)
    orgs: list[str] = []
    groups: list[list[str]] = []
    n = 0
    while kinds is None or n < len(kinds):
        if kinds is not None:
            kind = kinds[n]
        else:
            pick = rng.random()
            kind = ("org" if pick < 0.3 else "group" if pick < 0.55 else "bulk" if pick < 0.7
                    else "import" if pick < 0.78 else "update" if pick < 0.85 else "delete")
        n += 1
        if not orgs:  # each child starts with an organization of its own to edit
            kind = "org"
        elif kind == "delete" and not groups:
            kind = "group"
        if kind == "org":
            org = desk.organizations.create(name=f"Org {seed}-{n}")
            orgs.append(org.id)
            _send(conn, "org", org.id)
        elif kind == "group":
            # One transaction, several records: an organization and its people.
            with desk.store.write() as writer:
                org = writer.create(r.Organization, {"name": f"Group {seed}-{n}",
                                                     "notes": f"group:{GROUP_SIZE}"})
                ids = [writer.create(r.Contact, {"name": f"Person {seed}-{n}-{i}",
                                                 "organization_id": org.id}).id
                       for i in range(GROUP_SIZE)]
            groups.append(ids)
            _send(conn, "group", org.id, ids)
        elif kind == "bulk":
            tag = f"bulk-{seed}-{n}"
            with desk.store.write() as writer:
                writer.bulk_create(r.Contact, [{"name": f"Bulk {seed}-{n}-{i}", "tags": [tag]}
                                               for i in range(BULK_SIZE)])
            _send(conn, "bulk", tag)
        elif kind == "import":
            # An import: a CSV file of people, written in one transaction as a batch.
            tag = f"import-{seed}-{n}"
            source = Path(db_path).with_name(f"incoming-{seed}-{n}.csv")
            # Names far apart, so duplicate detection merges none of them.
            names = ["".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(12)).title()
                     for _ in range(IMPORT_SIZE)]
            source.write_text("Name,Tags\n" + "".join(f"{name},{tag}\n" for name in names),
                              encoding="utf-8")
            apply_plan(desk, plan_csv(desk, source, "contact"))
            source.unlink()
            _send(conn, "import", tag)
        elif kind == "update":
            target = rng.choice(orgs)
            desk.organizations.update(target, website=f"https://example.org/{n}")
            _send(conn, "update", target, n)
        elif kind == "delete":
            ids = groups.pop(rng.randrange(len(groups)))
            desk.contacts.delete(*ids)
            _send(conn, "delete", ids)
    desk.close()
    _send(conn, "done")


# -- the migration trial ----------------------------------------------------------------

def patch_migrations(extra_versions: str) -> None:
    """Make this process see one more (test-only) migration after the real head."""
    from pathlib import Path

    from partnerdesk.db import migrate

    migrate.VERSION_FOLDERS = [*migrate.VERSION_FOLDERS, Path(extra_versions)]


_pause_here: Connection | None = None


def upgrade_pause() -> None:
    """Called by the test migration half-way: in a child asked to pause there, tell the
    parent and wait to be killed; anywhere else, nothing."""
    if _pause_here is not None:
        _send(_pause_here, "mid-upgrade", time.monotonic())
        wait_to_be_killed(_pause_here)


def migrating_opener(db_path: str, data_dir: str, extra_versions: str, conn: Connection,
                     pause: bool = False) -> None:
    global _pause_here
    os.environ["PARTNERDESK_DATA_DIR"] = data_dir
    patch_migrations(extra_versions)
    from partnerdesk.db.lock import acquire_lock
    from partnerdesk.db.migrate import open_database

    _pause_here = conn if pause else None
    path = Path(db_path)
    lock = acquire_lock(path)
    _send(conn, "ready", time.monotonic())
    engine = open_database(path, daily_backup=False)
    engine.dispose()
    lock.release()
    _send(conn, "done", time.monotonic())


# -- the full disk ------------------------------------------------------------------

def disk_filler(db_path: str, data_dir: str, headroom: int, conn: Connection) -> None:
    """Write bigger and bigger records under a file-size limit until the disk is 'full'."""
    os.environ["PARTNERDESK_DATA_DIR"] = data_dir
    desk = Desk.open(db_path)
    for i in range(3):
        _send(conn, "org", desk.organizations.create(name=f"Before the limit {i}").id)
    path = Path(db_path)
    sizes = [p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists()]
    limit = max(sizes) + headroom
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
    for i in range(10_000):
        try:
            org = desk.organizations.create(name=f"Filler {i}", notes="x" * 20_000)
        except DatabaseProblem as problem:
            _send(conn, "problem", problem.message)
            break
        except (sqlite3.Error, OSError) as error:  # would be a failure: not plain
            _send(conn, "raw", f"{type(error).__name__}: {error}")
            break
        _send(conn, "org", org.id)
    # One more attempt after the failure must fail the same plain way, not corrupt.
    try:
        desk.organizations.create(name="After the failure", notes="y" * 20_000)
        _send(conn, "after", "saved")
    except DatabaseProblem as problem:
        _send(conn, "after", problem.message)
    _send(conn, "end")
    desk.close()


# -- holding the lock -----------------------------------------------------------------

def holder(db_path: str, data_dir: str, conn: Connection) -> None:
    """Hold the database open until killed (the parent's pipe is duplex)."""
    os.environ["PARTNERDESK_DATA_DIR"] = data_dir
    Desk.open(db_path)
    _send(conn, "ready", os.getpid())
    wait_to_be_killed(conn)
