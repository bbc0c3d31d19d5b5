"""A spreadsheet of contacts imported into an empty database, then the same file again
(every row a duplicate merging into its record, nothing new), next to raw `sqlite3`
executemany of the same number of rows measured in the same run.

    .venv/bin/python -m bench.bench_interchange   (PARTNERDESK_BENCH_SCALE=100: 10,000 rows)

The import goes through the services' save rules and the store's bulk writer; no target
yet, the figures show where the time goes.
"""

import csv
import json
import random
import sqlite3
import string
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.common import SCALE, Figure
from partnerdesk.services import Desk
from partnerdesk.sharing.csv_import import plan_csv
from partnerdesk.sharing.import_common import apply_plan

ROWS_PER_SCALE = 100


def raw_contacts(path: Path, count: int) -> float:
    """The floor: the same number of contact rows straight into SQLite."""
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE contacts (id TEXT PRIMARY KEY, name TEXT, role TEXT, "
                       "emails TEXT, phones TEXT, share_ok INTEGER)")
    rows = [(str(uuid.uuid4()), f"Person {i}", "Volunteer",
             json.dumps([{"address": f"c{i}@example.org", "kind": "work"}]),
             json.dumps([{"number": f"+1555{1000000 + i}", "kind": "mobile"}]), 1)
            for i in range(count)]
    start = time.perf_counter()
    connection.executemany("INSERT INTO contacts VALUES (?, ?, ?, ?, ?, ?)", rows)
    connection.commit()
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed


def write_csv(path: Path, count: int) -> None:
    rng = random.Random(3)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["Name", "Email", "Phone", "Organization", "Job title", "Tags", "Notes"])
        for n in range(count):
            name = " ".join("".join(rng.choices(string.ascii_lowercase, k=7)).capitalize()
                            for _ in range(2))  # names unlike one another: no fuzzy matches
            out.writerow([name, f"person{n}@example.org",
                          f"+1 415 {2000000 + n:07d}", f"Partner {n % (count // 50 or 1)}",
                          "Volunteer", ("food; board" if n % 3 else "food"), "Met at the fair."])


def measure() -> list[Figure]:
    count = SCALE * ROWS_PER_SCALE
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        path = folder / "contacts.csv"
        write_csv(path, count)
        with Desk.open(folder / "empty.db") as desk:
            start = time.perf_counter()
            plan = plan_csv(desk, path, "contact")
            planned = time.perf_counter() - start
            apply_plan(desk, plan)
            imported = time.perf_counter() - start
            start = time.perf_counter()
            counts = apply_plan(desk, plan_csv(desk, path, "contact")).counts
            again = time.perf_counter() - start
            assert counts["merged"] == count and desk.contacts.count() == count, counts
        raw = raw_contacts(folder / "raw.db", count)
    return [Figure(f"CSV import, {count:,} contacts (preview {planned:.1f} s)", imported, "s",
                   raw, "(no target)", True),
            Figure(f"CSV re-import, all {count:,} merging", again, "s", raw, "(no target)",
                   True)]


def main() -> int:
    for figure in measure():
        print(figure.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
