"""Global search latency (p50, p95) against the raw FTS5 query on the same database."""

import sqlite3
import time

from bench.common import Figure, demo_database, office_database, percentile, raw_office
from partnerdesk.db import search_index
from partnerdesk.db.search_index import DOCS, FTS
from partnerdesk.services import Desk

QUERIES = ["zo", "an", "food", "mercy", "garc", "clinic", "harbor", "volun", "анна", "pap",
           "scre", "power", "nguy", "tomás", "lefev", "coalit", "cedar", "dub", "ko", "scho"]


def _timed_searches(location: object) -> list[float]:
    with Desk.open(location) as desk:  # type: ignore[arg-type]
        for query in QUERIES:  # warm the page cache as a person's second search would
            desk.search(query)
        ours = []
        for _ in range(5):
            for query in QUERIES:
                start = time.perf_counter()
                desk.search(query)
                ours.append(time.perf_counter() - start)
    return ours


def measure() -> list[Figure]:
    path = demo_database()
    ours = _timed_searches(path)
    connection = sqlite3.connect(path)
    raw = []
    for _ in range(5):
        for query in QUERIES:
            start = time.perf_counter()
            connection.execute(
                f"SELECT d.record_type, d.record_id, d.title FROM {FTS} JOIN {DOCS} d "
                f"ON d.rowid = {FTS}.rowid WHERE {FTS} MATCH ? ORDER BY bm25({FTS}, 4.0, 1.0) "
                "LIMIT 50", (f'"{query}"*',)).fetchall()
            raw.append(time.perf_counter() - start)
    connection.close()
    p50, p95 = percentile(ours, 0.5) * 1000, percentile(ours, 0.95) * 1000
    figures = [
        Figure("global search p50", p50, "ms", percentile(raw, 0.5) * 1000, "-", True),
        Figure("global search p95", p95, "ms", percentile(raw, 0.95) * 1000, "<= 20 ms",
               p95 <= 20),
    ]
    url = office_database()
    if url is None:
        return figures
    ours = _timed_searches(url)
    raw = []
    with raw_office(url) as office:
        for _ in range(5):
            for query in QUERIES:
                terms = search_index.words(query)
                start = time.perf_counter()
                office.execute(
                    f"SELECT record_type, record_id, title FROM {DOCS}, "
                    "to_tsquery('simple', unaccent(%s)) AS query WHERE doc @@ query "
                    "ORDER BY ts_rank(doc, query) DESC LIMIT 50",
                    (" & ".join(f"{w}:*" for w in terms),)).fetchall()
                raw.append(time.perf_counter() - start)
    p50, p95 = percentile(ours, 0.5) * 1000, percentile(ours, 0.95) * 1000
    return figures + [
        Figure("office: global search p50", p50, "ms", percentile(raw, 0.5) * 1000, "-",
               True),
        Figure("office: global search p95", p95, "ms", percentile(raw, 0.95) * 1000,
               "<= 20 ms", p95 <= 20),
    ]


if __name__ == "__main__":
    for figure in measure():
        print(figure.line())
