"""Ten people saving at once on an office database (issue 19): lost updates, p95 save.

The sample database (`demo --scale N`, PARTNERDESK_BENCH_SCALE) is moved into a new
database on the PostgreSQL server named by $PARTNERDESK_TEST_POSTGRES (a superuser URL;
`scripts/test-postgres.sh` starts a throwaway one): `bench.common.office_database`, the
same one the office list and search figures use. Then `WRITERS` processes edit for
PARTNERDESK_BENCH_OFFICE_SECONDS (default 60) seconds: each picks a contact, half the
time from a hot set all of them share, reads it (what the person has on screen), and
saves a new note against the revision read, as an editor does. A clash shows the other
person's value; the person keeps theirs and saves again against the new revision.

Lost updates: a saved note that is neither the record's final note nor a value shown to
the person who saved over it (nothing overwritten unseen). Beside it, the raw baseline
from the same run: plain psycopg UPDATEs of the same rows by the same number of processes.
"""

import contextlib
import multiprocessing
import os
import random
import time
import uuid
from typing import Any

from bench.common import Figure, office_database, percentile

WRITERS = 10
HOT = 20
SECONDS = float(os.environ.get("PARTNERDESK_BENCH_OFFICE_SECONDS", "60"))


def _writer(url: str, ids: list[str], hot: list[str], seconds: float, seed: int,
            out: Any) -> None:
    from partnerdesk.errors import EditClash
    from partnerdesk.services import Desk

    rng = random.Random(seed)
    saves: list[tuple[str, str, str]] = []  # (record, value saved, value it replaced on screen)
    latencies: list[float] = []
    with Desk.open(url) as desk:
        # Warm up (not counted): a process's first save loads the code a save needs
        # (imported on first use), seconds on a busy machine, which is start-up, not a save.
        first = desk.contacts.get(rng.choice(ids))
        with contextlib.suppress(EditClash):
            desk.contacts.update(first.id, rev=first.rev, notes=first.notes + " ")
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            record = rng.choice(hot) if rng.random() < 0.5 else rng.choice(ids)
            shown = desk.contacts.get(record)
            on_screen, rev = shown.notes, shown.rev
            value = f"{seed}-{uuid.uuid4().hex[:8]}"
            while True:
                started = time.perf_counter()
                try:
                    desk.contacts.update(record, rev=rev, notes=value)
                except EditClash as clash:  # both values shown; the person keeps theirs
                    on_screen, rev = str(clash.fields["notes"][1]), clash.rev
                    continue
                latencies.append(time.perf_counter() - started)
                saves.append((record, value, on_screen))
                break
    out.put((saves, latencies))


def _raw(url: str, ids: list[str], hot: list[str], seconds: float, seed: int,
         out: Any) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    parts = make_url(url)
    rng = random.Random(seed)
    latencies = []
    with psycopg.connect(host=parts.host, port=parts.port, user=parts.username,
                         dbname=parts.database, autocommit=True) as connection:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            record = rng.choice(hot) if rng.random() < 0.5 else rng.choice(ids)
            started = time.perf_counter()
            connection.execute("UPDATE contacts SET notes = %s WHERE id = %s",
                               (uuid.uuid4().hex, record))
            latencies.append(time.perf_counter() - started)
    out.put(([], latencies))


def _run(target: Any, url: str, ids: list[str], hot: list[str]) -> list[Any]:
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    workers = [context.Process(target=target, args=(url, ids, hot, SECONDS, n, out))
               for n in range(WRITERS)]
    for worker in workers:
        worker.start()
    found = [out.get(timeout=SECONDS + 600) for _ in workers]
    for worker in workers:
        worker.join()
    return found


def measure() -> list[Figure]:
    from partnerdesk.services import Desk

    url = office_database()  # the one the list and search figures used, if they ran
    if url is None:
        return []
    with Desk.open(url) as desk:
        ids = [c.id for c in desk.contacts.list(limit=5000)]
    hot = ids[:HOT]
    found = _run(_writer, url, ids, hot)
    saves = [save for batch, _ in found for save in batch]
    latencies = [value for _, batch in found for value in batch]
    with Desk.open(url) as desk:
        final = {record: desk.contacts.get(record).notes for record in {s[0] for s in saves}}
    shown: dict[str, set[str]] = {}
    for record, _value, seen in saves:
        shown.setdefault(record, set()).add(seen)
    lost = sum(1 for record, value, _seen in saves
               if value != final[record] and value not in shown[record])
    raw = [value for _, batch in _run(_raw, url, ids, hot) for value in batch]
    p95, raw_p95 = percentile(latencies, 0.95) * 1000, percentile(raw, 0.95) * 1000
    print(f"     ({len(saves):,} saves by {WRITERS} writers in {SECONDS:.0f} s; "
          f"{len(raw):,} raw UPDATEs)")
    return [Figure("office: lost updates (10 writers)", lost, "saves", None, "= 0", lost == 0),
            Figure("office: p95 save, 10 writers", p95, "ms", raw_p95, "<= 50 ms",
                   p95 <= 50)]
