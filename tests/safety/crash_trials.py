"""The kill -9 trial, shared by the test (short) and bench/bench_crash.py (long).

One database is used for every trial, so later trials also prove that earlier
ones lost nothing. After each kill: `partnerdesk check` passes, every confirmed
write is there, and every multi-record write is whole or absent.
"""

import contextlib
import io
import random
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from partnerdesk.cli import main as cli_main
from partnerdesk.db import records as r
from partnerdesk.services import Desk
from tests.safety import children


@dataclass
class Confirmed:
    orgs: set[str] = field(default_factory=set)
    groups: dict[str, list[str]] = field(default_factory=dict)
    bulks: set[str] = field(default_factory=set)
    imports: set[str] = field(default_factory=set)
    updates: dict[str, int] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    writes: int = 0

    def take(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "ready":
            return
        self.writes += 1
        if kind == "org":
            self.orgs.add(message[1])
        elif kind == "group":
            self.groups[message[1]] = list(message[2])
        elif kind == "bulk":
            self.bulks.add(message[1])
        elif kind == "import":
            self.imports.add(message[1])
        elif kind == "update":
            self.updates[message[1]] = max(self.updates.get(message[1], 0), message[2])
        elif kind == "delete":
            self.deleted.update(message[1])


def drain(conn: Connection, confirmed: Confirmed) -> None:
    with contextlib.suppress(EOFError, OSError):
        while conn.poll(0):
            confirmed.take(conn.recv())


def run_check(db_path: Path) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli_main(["--db", str(db_path), "check"])
    return code, out.getvalue()


def verify(db_path: Path, confirmed: Confirmed) -> list[str]:
    """Every problem found; an empty list means the trial passed."""
    problems: list[str] = []
    if not db_path.exists():  # killed before the new file was swapped in: nothing confirmed
        return ["the database is gone"] if confirmed.writes else []
    code, output = run_check(db_path)
    if code != 0:
        problems.append(f"partnerdesk check failed: {output}")
        return problems
    with Desk.open(db_path) as desk, desk.store.read() as session:
        orgs = {row.id: row for row in session.scalars(select(r.Organization))}
        missing = confirmed.orgs - orgs.keys()
        if missing:
            problems.append(f"{len(missing)} confirmed organizations missing")
        contacts = list(session.scalars(select(r.Contact)))
        by_org: dict[str, list[r.Contact]] = {}
        for contact in contacts:
            if contact.organization_id:
                by_org.setdefault(contact.organization_id, []).append(contact)
        for org_id, ids in confirmed.groups.items():
            present = {c.id for c in by_org.get(org_id, [])}
            if org_id not in orgs or present != set(ids):
                problems.append(f"confirmed group {org_id} incomplete")
        # Whole or absent, confirmed or not: every group in the file has all its people,
        # and a multi-record delete took all of them or none.
        for org in orgs.values():
            if org.notes.startswith("group:"):
                people = by_org.get(org.id, [])
                if len(people) != int(org.notes.split(":")[1]):
                    problems.append(f"group {org.name} half-written ({len(people)} people)")
                if len({c.deleted for c in people}) > 1:
                    problems.append(f"group {org.name} half-deleted")
        for contact_id in confirmed.deleted:
            if not next((c.deleted for c in contacts if c.id == contact_id), False):
                problems.append(f"confirmed delete of {contact_id} missing")
        bulk_counts: dict[str, int] = {}
        for contact in contacts:
            for tag in contact.tags:
                if tag.startswith("bulk-"):
                    bulk_counts[tag] = bulk_counts.get(tag, 0) + 1
        import_counts: dict[str, int] = {}
        for contact in contacts:
            for tag in contact.tags:
                if tag.startswith("import-"):
                    import_counts[tag] = import_counts.get(tag, 0) + 1
        for tag, count in bulk_counts.items():
            if count != children.BULK_SIZE:
                problems.append(f"bulk write {tag} half-applied ({count})")
        for tag in confirmed.bulks - bulk_counts.keys():
            problems.append(f"confirmed bulk write {tag} missing")
        for tag, count in import_counts.items():
            if count != children.IMPORT_SIZE:
                problems.append(f"import {tag} half-applied ({count})")
        for tag in confirmed.imports - import_counts.keys():
            problems.append(f"confirmed import {tag} missing")
        for org_id, n in confirmed.updates.items():
            website = orgs[org_id].website if org_id in orgs else ""
            got = int(website.rsplit("/", 1)[1]) if website else 0
            if got < n:
                problems.append(f"confirmed update {n} of {org_id} lost (found {got})")
        indexed = session.scalar(select(func.count()).select_from(r.Organization))
        if indexed != len(orgs):  # pragma: no cover - sanity
            problems.append("organization count changed while reading")
    return problems


def run_trials(db_path: Path, data_dir: Path, trials: int, *, seed: int = 1,
               max_delay: float = 0.35, log: Any = None) -> tuple[Confirmed, list[str]]:
    """Run `trials` kill -9 trials on one database; returns what was confirmed and problems."""
    ctx = children.context()
    rng = random.Random(seed)
    confirmed = Confirmed()
    problems: list[str] = []
    for trial in range(trials):
        parent_end, child_end = ctx.Pipe(duplex=False)
        process = ctx.Process(target=children.crash_writer,
                              args=(str(db_path), str(data_dir), seed * 100_000 + trial,
                                    child_end))
        process.start()
        child_end.close()
        if rng.random() < 0.15:
            time.sleep(rng.uniform(0, 0.08))  # sometimes while it is still opening
        else:
            deadline = time.monotonic() + 10
            while not parent_end.poll(0.01) and time.monotonic() < deadline:
                pass
            time.sleep(rng.uniform(0.0, max_delay))
        process.kill()  # SIGKILL
        process.join()
        drain(parent_end, confirmed)
        parent_end.close()
        found = verify(db_path, confirmed)
        if log is not None:
            log(f"trial {trial + 1}/{trials}: {confirmed.writes} confirmed writes so far, "
                f"{found if found else 'ok'}")
        problems += [f"trial {trial + 1}: {p}" for p in found]
        if found:
            break
    return confirmed, problems
