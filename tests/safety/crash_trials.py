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
    kills: dict[str, int] = field(default_factory=dict)  # trials killed at each kind of point

    def take(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind in ("ready", "at-commit", "done"):
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


FINAL_KINDS = ("org", "group", "bulk", "import", "update", "delete") * 2


def _wait_for(conn: Connection, confirmed: Confirmed, reached: Any) -> str | None:
    """Take the child's messages until `reached(message)`; a problem if it never is."""
    while True:
        try:
            if not conn.poll(children.WAIT_SECONDS):
                return f"the child stopped answering for {children.WAIT_SECONDS} s"
            message = conn.recv()
        except (EOFError, OSError):
            return "the child ended before the point it was to be killed at"
        confirmed.take(message)
        if reached(message):
            return None


def run_trials(db_path: Path, data_dir: Path, trials: int, *, seed: int = 1,
               max_delay: float = 0.35, log: Any = None) -> tuple[Confirmed, list[str]]:
    """`trials` kill -9 trials on one database, then one run left to finish.

    Each trial kills the child at a point it is sure to have reached: paused at its k-th
    commit (every statement run, the commit not yet made), or after k confirmed writes
    and then up to `max_delay` seconds more of writing (wherever that lands), or, now
    and then, while it is still opening. The last run writes every kind of change and
    ends by itself, so the work the trials check is known to be done. Returns what was
    confirmed and every problem found."""
    ctx = children.context()
    rng = random.Random(seed)
    confirmed = Confirmed()
    problems: list[str] = []
    for trial in range(trials + 1):
        final = trial == trials
        point = "finish" if final else rng.choices(
            ["opening", "at-commit", "after-writes"], weights=[1, 4, 4])[0]
        k = rng.randint(1, 6)
        parent_end, child_end = ctx.Pipe(duplex=True)
        process = ctx.Process(target=children.crash_writer,
                              args=(str(db_path), str(data_dir), seed * 100_000 + trial,
                                    child_end),
                              kwargs={"pause_at": k if point == "at-commit" else None,
                                      "kinds": FINAL_KINDS if final else None})
        process.start()
        child_end.close()
        problem = None
        if point == "opening":
            time.sleep(rng.uniform(0, 0.05))
        elif point == "at-commit":
            problem = _wait_for(parent_end, confirmed, lambda m: m[0] == "at-commit")
        elif point == "after-writes":
            start = confirmed.writes
            problem = _wait_for(parent_end, confirmed,
                                lambda m, start=start, k=k: confirmed.writes - start >= k)
            time.sleep(rng.uniform(0.0, max_delay))
        else:
            problem = _wait_for(parent_end, confirmed, lambda m: m[0] == "done")
            process.join(children.WAIT_SECONDS)
            if problem is None and process.exitcode != 0:
                problem = f"the last run ended with exit code {process.exitcode}"
        if process.is_alive():
            process.kill()  # SIGKILL
        process.join()
        drain(parent_end, confirmed)
        parent_end.close()
        if point != "finish":
            confirmed.kills[point] = confirmed.kills.get(point, 0) + 1
        found = ([problem] if problem else []) + verify(db_path, confirmed)
        if log is not None:
            name = "last run" if final else f"trial {trial + 1}/{trials}"
            log(f"{name} ({point}): {confirmed.writes} confirmed writes so far, "
                f"{found if found else 'ok'}")
        problems += [f"{'last run' if final else f'trial {trial + 1}'} ({point}): {p}"
                     for p in found]
        if found:
            break
    return confirmed, problems
