"""`demo --scale N` generation time against the floor for the same database: every row it
made (all record types, with their search documents) put into empty tables by raw
`sqlite3` executemany, then one FTS5 rebuild of the search index (`bench.sharing_child
raw`, the floor the bundle import is measured against too), in the same run.

Issue 18's target: at most twice that floor. The sample data also writes each record's
history entry, stamps and version vectors, which the floor does not.
"""

import tempfile
import time
from pathlib import Path

from bench.bench_sharing import _child
from bench.common import SCALE, Figure
from partnerdesk.services import Desk
from partnerdesk.services.demo import load_demo

TARGET = 2.0


def measure() -> list[Figure]:
    with tempfile.TemporaryDirectory() as folder:
        made = Path(folder) / "demo.db"
        start = time.perf_counter()
        with Desk.open(made) as desk:
            load_demo(desk, scale=SCALE)
        elapsed = time.perf_counter() - start
        raw = _child("raw", Path(folder) / "raw.db", Path(folder) / "unused", made)
    baseline = raw["seconds"]
    return [Figure(f"demo --scale {SCALE} ({raw['rows']:,} rows)", elapsed, "s",
                   baseline, f"<= {TARGET:g}x raw", elapsed <= TARGET * baseline)]


if __name__ == "__main__":
    for figure in measure():
        print(figure.line())
