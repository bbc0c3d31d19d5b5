"""Bundle export, import into an empty database and a no-op re-import of `demo --scale N`,
each next to raw `sqlite3` executemany of the same rows measured in the same run.

    .venv/bin/python -m bench.bench_sharing        (PARTNERDESK_BENCH_SCALE=100 by default)

Targets (issue 9): import into an empty database at most 10 x raw, no-op re-import at most
5 x raw. Exits non-zero when a target is missed.
"""

import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from bench.common import SCALE, Figure, demo_database
from partnerdesk.db.registry import RECORD_TYPES
from partnerdesk.paths import attachments_dir
from partnerdesk.services import Desk
from partnerdesk.sharing.exporter import export_bundle
from partnerdesk.sharing.importer import import_file

RUNS = int(os.environ.get("PARTNERDESK_BENCH_RUNS", "1"))


def raw_insert(source: Path, target: Path) -> tuple[float, int]:
    """Every record row of `source` into an empty copy of its schema, by executemany."""
    tables = [model.__tablename__ for model in RECORD_TYPES.values()]  # type: ignore[attr-defined]
    marks = ",".join("?" * len(tables))
    with sqlite3.connect(source) as reading:
        schema = [sql for (sql,) in reading.execute(
            f"SELECT sql FROM sqlite_master WHERE tbl_name IN ({marks}) AND sql IS NOT NULL "
            "ORDER BY type DESC", tables)]  # tables before their indexes
        rows = {table: reading.execute(f"SELECT * FROM {table}").fetchall() for table in tables}
    writing = sqlite3.connect(target)
    for sql in schema:
        writing.execute(sql)
    writing.commit()
    start = time.perf_counter()
    for table, found in rows.items():
        if found:
            marks = ",".join("?" * len(found[0]))
            writing.executemany(f"INSERT INTO {table} VALUES ({marks})", found)
    writing.commit()
    elapsed = time.perf_counter() - start
    writing.close()
    return elapsed, sum(len(found) for found in rows.values())


def measure() -> list[Figure]:
    cached = demo_database(SCALE)
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        source = folder / "source.db"
        shutil.copyfile(cached, source)
        if attachments_dir(cached).exists():
            shutil.copytree(attachments_dir(cached), attachments_dir(source))
        bundle = folder / "all.partnerdesk"
        with Desk.open(source) as desk:
            start = time.perf_counter()
            result = export_bundle(desk, bundle)
            exported = time.perf_counter() - start
        records = result.total
        raw, raw_rows = raw_insert(source, folder / "raw.db")
        imports, noops = [], []
        for run in range(RUNS):
            with Desk.open(folder / f"empty-{run}.db") as desk:
                start = time.perf_counter()
                import_file(desk, bundle)
                imports.append(time.perf_counter() - start)
                start = time.perf_counter()
                counts = import_file(desk, bundle).preview.counts()
                noops.append(time.perf_counter() - start)
                assert counts["unchanged"] == records, counts
        imported, noop = sorted(imports)[len(imports) // 2], sorted(noops)[len(noops) // 2]
    per_second = f"{records:,} records"
    figures.append(Figure(f"bundle export ({per_second}, {records / exported:,.0f}/s)",
                          exported, "s", raw, "(no target)", True))
    figures.append(Figure(f"import into empty ({records / imported:,.0f}/s; raw "
                          f"{raw_rows / raw:,.0f}/s)", imported, "s", raw, "<= 10x raw",
                          imported <= 10 * raw))
    figures.append(Figure(f"no-op re-import ({records / noop:,.0f}/s)", noop, "s", raw,
                          "<= 5x raw", noop <= 5 * raw))
    return figures


def main() -> int:
    figures = measure()
    for figure in figures:
        print(figure.line())
    return 0 if all(figure.ok for figure in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
