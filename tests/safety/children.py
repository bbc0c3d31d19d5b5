"""Work done in child processes that the safety tests kill, or starve of disk.

Children are forked from a forkserver that has PartnerDesk already imported, so a
trial costs milliseconds rather than a fresh interpreter. Each child reports every
write only after it was committed, over a pipe: what the parent has received is,
by construction, confirmed.
"""

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

from partnerdesk.db import records as r
from partnerdesk.errors import DatabaseProblem
from partnerdesk.services import Desk

GROUP_SIZE = 4
BULK_SIZE = 12
IMPORT_SIZE = 5


def context() -> Any:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["tests.safety.children"])
    return ctx


def importer() -> tuple[Any, Any] | None:
    """The CSV importer (written by another engineer), when it is there."""
    try:
        from partnerdesk.sharing.csv_import import plan_csv
        from partnerdesk.sharing.import_common import apply_plan
    except ImportError:
        return None
    return plan_csv, apply_plan


def _send(conn: Connection, *message: Any) -> None:
    conn.send(message)


# -- the crash trial ------------------------------------------------------------------

def crash_writer(db_path: str, data_dir: str, seed: int, conn: Connection) -> None:
    """Write through the services until killed: single records, groups, bulk, edits."""
    os.environ["PARTNERDESK_DATA_DIR"] = data_dir
    rng = random.Random(seed)
    csv_import = importer()
    desk = Desk.open(db_path)
    _send(conn, "ready")
    orgs: list[str] = []
    groups: list[list[str]] = []
    n = 0
    while True:
        n += 1
        pick = rng.random()
        if pick < 0.3 or not orgs:
            org = desk.organizations.create(name=f"Org {seed}-{n}")
            orgs.append(org.id)
            _send(conn, "org", org.id)
        elif pick < 0.55:
            # One transaction, several records: an organization and its people.
            with desk.store.write() as writer:
                org = writer.create(r.Organization, {"name": f"Group {seed}-{n}",
                                                     "notes": f"group:{GROUP_SIZE}"})
                ids = [writer.create(r.Contact, {"name": f"Person {seed}-{n}-{i}",
                                                 "organization_id": org.id}).id
                       for i in range(GROUP_SIZE)]
            groups.append(ids)
            _send(conn, "group", org.id, ids)
        elif pick < 0.7:
            tag = f"bulk-{seed}-{n}"
            with desk.store.write() as writer:
                writer.bulk_create(r.Contact, [{"name": f"Bulk {seed}-{n}-{i}", "tags": [tag]}
                                               for i in range(BULK_SIZE)])
            _send(conn, "bulk", tag)
        elif pick < 0.78 and csv_import is not None:
            # An import: a CSV file of people, written in one transaction as a batch.
            tag = f"import-{seed}-{n}"
            source = Path(db_path).with_name(f"incoming-{seed}-{n}.csv")
            # Names far apart, so duplicate detection merges none of them.
            names = ["".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(12)).title()
                     for _ in range(IMPORT_SIZE)]
            source.write_text("Name,Tags\n" + "".join(f"{name},{tag}\n" for name in names),
                              encoding="utf-8")
            plan_csv, apply_plan = csv_import
            apply_plan(desk, plan_csv(desk, source, "contact"))
            source.unlink()
            _send(conn, "import", tag)
        elif pick < 0.85:
            target = rng.choice(orgs)
            desk.organizations.update(target, website=f"https://example.org/{n}")
            _send(conn, "update", target, n)
        elif groups:
            ids = groups.pop(rng.randrange(len(groups)))
            desk.contacts.delete(*ids)
            _send(conn, "delete", ids)


# -- the migration trial ----------------------------------------------------------------

def patch_migrations(extra_versions: str) -> None:
    """Make this process see one more (test-only) migration after the real head."""
    from pathlib import Path

    from partnerdesk.db import migrate

    migrate.VERSION_FOLDERS = [*migrate.VERSION_FOLDERS, Path(extra_versions)]


def migrating_opener(db_path: str, data_dir: str, extra_versions: str, conn: Connection) -> None:
    os.environ["PARTNERDESK_DATA_DIR"] = data_dir
    patch_migrations(extra_versions)
    from partnerdesk.db.lock import acquire_lock
    from partnerdesk.db.migrate import open_database

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
    os.environ["PARTNERDESK_DATA_DIR"] = data_dir
    desk = Desk.open(db_path)
    _send(conn, "ready", os.getpid())
    time.sleep(120)
    desk.close()
