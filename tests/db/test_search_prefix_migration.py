"""Migration 0012: a file whose search index kept three- and four-letter prefix lists gets
the two-letter index, and search finds what it found before."""

import sqlite3
from pathlib import Path

import pytest

from partnerdesk.db import search_index
from partnerdesk.db.migrate import upgrade_safely
from partnerdesk.db.search_index import DOCS, FTS, FTS_OPTIONS

pytestmark = pytest.mark.real_migration  # about migrating a database itself

OLD_OPTIONS = FTS_OPTIONS.replace("prefix = '2'", "prefix = '2 3 4'")
DOCUMENTS = [
    ("contact", "00000000-0000-4000-8000-000000000001", "Zoë Martin", "food bank volunteer"),
    ("contact", "00000000-0000-4000-8000-000000000002", "Marek Nowak", "nurse, Marlborough"),
    ("organization", "00000000-0000-4000-8000-000000000003", "Volunteers United",
     "food pantry"),
]


def make_old_file(path: Path) -> None:
    """A file at 0011 whose index is made as PartnerDesk made it then."""
    upgrade_safely(path, existing=False, target="0011")
    connection = sqlite3.connect(path)
    connection.execute(f"DROP TABLE {FTS}")
    connection.execute(f"CREATE VIRTUAL TABLE {FTS} USING fts5(title, body, {OLD_OPTIONS})")
    connection.executemany(
        f"INSERT INTO {DOCS} (record_type, record_id, title, body, folded) "
        "VALUES (?, ?, ?, ?, '')", DOCUMENTS)
    connection.commit()
    connection.close()


def found(path: Path, text: str) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        hits = search_index.sqlite_query(connection.execute, text, fts5=True)
        return sorted(hit.title for hit in hits)
    finally:
        connection.close()


QUERIES = {"zoe": ["Zoë Martin"], "mar": ["Marek Nowak", "Zoë Martin"],
           "marl": ["Marek Nowak"], "fo": ["Volunteers United", "Zoë Martin"],
           "volunteer": ["Volunteers United", "Zoë Martin"], "food pan": ["Volunteers United"],
           "m": ["Marek Nowak", "Zoë Martin"], "x": []}


def test_the_index_is_made_again_with_two_letter_prefixes_finding_the_same(
        tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_old_file(path)
    before = {text: found(path, text) for text in QUERIES}
    assert before == QUERIES

    upgrade_safely(path, existing=True)

    connection = sqlite3.connect(path)
    sql = connection.execute("SELECT sql FROM sqlite_master WHERE name = ?", (FTS,)).fetchone()[0]
    assert "prefix = '2')" in sql and "2 3 4" not in sql
    connection.execute(f"INSERT INTO {FTS}({FTS}, rank) VALUES ('integrity-check', 1)")
    assert {text: found(path, text) for text in QUERIES} == QUERIES
    # the triggers that keep it in step still feed it
    connection.execute(f"INSERT INTO {DOCS} (record_type, record_id, title, body, folded) "
                       "VALUES ('contact', 'new-one', 'Marisol Diaz', 'outreach', '')")
    connection.commit()
    connection.close()
    assert found(path, "mar") == ["Marek Nowak", "Marisol Diaz", "Zoë Martin"]
    assert found(path, "outr") == ["Marisol Diaz"]


def test_a_new_file_is_made_with_the_two_letter_index_at_once(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    upgrade_safely(path, existing=False)
    connection = sqlite3.connect(path)
    sql = connection.execute("SELECT sql FROM sqlite_master WHERE name = ?", (FTS,)).fetchone()[0]
    connection.close()
    assert sql == f"CREATE VIRTUAL TABLE {FTS} USING fts5(title, body, {FTS_OPTIONS})"
