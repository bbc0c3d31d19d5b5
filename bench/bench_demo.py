"""`demo --scale N` generation time against raw sqlite3 executemany of the same contact rows."""

import json
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path

from bench.common import SCALE, Figure
from partnerdesk.services import Desk
from partnerdesk.services.demo import CONTACTS_PER_SCALE, load_demo


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


def measure() -> list[Figure]:
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        with Desk.open(Path(folder) / "demo.db") as desk:
            load_demo(desk, scale=SCALE)
        elapsed = time.perf_counter() - start
        baseline = raw_contacts(Path(folder) / "raw.db", SCALE * CONTACTS_PER_SCALE)
    return [Figure(f"demo --scale {SCALE}", elapsed, "s", baseline, "<= 30 s", elapsed <= 30)]


if __name__ == "__main__":
    for figure in measure():
        print(figure.line())
