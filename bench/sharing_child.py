"""One sharing operation in a process of its own, so that its peak memory is its own:
prints {"seconds": …, "peak_mb": …, …} as JSON (`bench.bench_sharing` runs it).

    python -m bench.sharing_child export|import|noop|merge|raw|diverge DB BUNDLE [SOURCE]
"""

import json
import random
import resource
import sqlite3
import sys
import time
from pathlib import Path


def _peak_mb() -> float:
    """This process's own peak RSS. (ru_maxrss keeps the high-water mark of the parent
    that forked us across exec: every operation read at least the benchmark's own size.)"""
    from bench.startup_child import peak_bytes

    return peak_bytes() / 2**20


def _cpu() -> float:
    """CPU seconds of this process so far (user and system): on a shared machine the
    figure that says what the work cost, beside the wall time."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def raw_import(source: Path, target: Path) -> dict[str, float]:
    """The floor an import is measured against: every record row and search document of
    `source` into an empty copy of its tables by executemany, then one FTS5 rebuild of
    the search index (what SQLite itself needs to hold and find the same records)."""
    from partnerdesk.db.registry import RECORD_TYPES
    from partnerdesk.db.search_index import DOCS, FTS, FTS_OPTIONS

    tables = [model.__tablename__ for model in RECORD_TYPES.values()]  # type: ignore[attr-defined]
    marks = ",".join("?" * (len(tables) + 1))
    with sqlite3.connect(source) as reading:
        schema = [sql for (sql,) in reading.execute(
            f"SELECT sql FROM sqlite_master WHERE tbl_name IN ({marks}) AND sql IS NOT NULL "
            "AND type IN ('table', 'index') ORDER BY type DESC", [*tables, DOCS])]
        rows = {table: reading.execute(f"SELECT * FROM {table}").fetchall()
                for table in [*tables, DOCS]}
    writing = sqlite3.connect(target)
    for sql in schema:
        writing.execute(sql)
    writing.execute(f"CREATE VIRTUAL TABLE {FTS} USING fts5(title, body, {FTS_OPTIONS})")
    writing.commit()
    start, cpu = time.perf_counter(), _cpu()
    for table, found in rows.items():
        if found:
            writing.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(found[0]))})",
                                found)
    inserted = time.perf_counter() - start
    writing.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
    writing.commit()
    elapsed = time.perf_counter() - start
    writing.close()
    return {"seconds": elapsed, "cpu": _cpu() - cpu, "insert": inserted,
            "fts": elapsed - inserted,
            "rows": sum(len(found) for found in rows.values())}


def diverge(a: Path, b: Path, seed: int = 11) -> dict[str, float]:
    """Two copies of one database made to differ through the services, as two laptops
    would (the issue's recipe, over all records: 10% edited on each side, 2% of them the
    same records on both, 1% deleted on one side, 1% added on the other)."""
    from partnerdesk.services import Desk

    rng = random.Random(seed)
    start = time.perf_counter()
    with Desk.open(a) as first, Desk.open(b) as second:
        with sqlite3.connect(a) as counting:
            total = sum(counting.execute(f"SELECT count(*) FROM {model.__tablename__}")
                        .fetchone()[0] for model in _models())
        ids = first.contacts.ids()
        rng.shuffle(ids)
        tenth, both, hundredth = total // 10, total // 50, total // 100
        edited_a = ids[:tenth]
        edited_b = ids[tenth - both:2 * tenth - both]  # `both` of them edited on each side
        deleted = ids[2 * tenth:2 * tenth + hundredth]
        first.contacts.update_each({i: {"role": f"Coordinator {n}"}
                                    for n, i in enumerate(edited_a)})
        second.contacts.update_each({i: {"notes": f"Met again, visit {n}.",
                                         **({"role": f"Lead {n}"} if n < both else {})}
                                     for n, i in enumerate(edited_b)})
        first.contacts.delete(*deleted)
        with second.store.write() as writer:
            second.contacts.save_many(writer, [
                {"name": f"New person {n:05}", "role": "Volunteer",
                 "emails": [{"address": f"new{n}@example.org", "kind": "work"}]}
                for n in range(hundredth)])
    return {"seconds": time.perf_counter() - start, "records": total}


def _models() -> list[type]:
    from partnerdesk.db.registry import RECORD_TYPES

    return list(RECORD_TYPES.values())


def main(args: list[str]) -> int:
    operation, db, bundle = args[0], Path(args[1]), Path(args[2])
    if operation == "raw":
        found = raw_import(Path(args[3]), db)
        print(json.dumps({**found, "peak_mb": _peak_mb()}))
        return 0
    if operation == "diverge":
        found = diverge(db, bundle)
        print(json.dumps({**found, "peak_mb": _peak_mb()}))
        return 0
    from partnerdesk.services import Desk
    from partnerdesk.sharing.exporter import export_bundle
    from partnerdesk.sharing.importer import import_file

    with Desk.open(db) as desk:
        base = _peak_mb()
        start, cpu = time.perf_counter(), _cpu()
        if operation == "export":
            counts = export_bundle(desk, bundle).counts
        else:
            counts = import_file(desk, bundle).preview.counts()
        seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": _peak_mb(), "before_mb": base,
                      "counts": counts}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
