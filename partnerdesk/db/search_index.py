"""Full-text search index: the one seam that differs by database engine.

`search_docs` is a plain table with one row per searchable record.

On SQLite an FTS5 index over it (external content, kept in step by triggers) folds
accents (`remove_diacritics 2`, so "zoe" finds "Zoë") and has prefix indexes for
search-as-you-type. Where the SQLite in use lacks FTS5, the `folded` column of
`search_docs` with LIKE does the same job, only slower.

On PostgreSQL the table has a `doc` tsvector (GIN-indexed) made when a row is written:
the title's words weighted A, the rest weighted D, both folded here as for FTS5 and then
by PostgreSQL's `unaccent`, with the 'simple' configuration (no stemming, no stop
words: the same words FTS5 matches). A query's words are prefixes (`word:*`), and
`word:*A` matches titles only, so titles come first on both engines.

The SQLite query is written once, against a plain "run this SQL with these named
parameters" function (`sqlite_query`), so the quick read-only commands (`services.glance`)
run the very same search through the standard library's sqlite3, without loading
SQLAlchemy; this module imports SQLAlchemy only inside the functions that take its
connections.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from sqlalchemy import Connection, Select

# Runs one SQL statement with named (:name) parameters and gives back its rows: sqlite3's
# `connection.execute` as it is, or SQLAlchemy's through `text()`.
RunSQL = Callable[[str, dict[str, Any]], Iterable[Sequence[Any]]]

DOCS = "search_docs"
FTS = "search_index"
STAGED = "search_staged"  # a temporary table (this connection's only) for bulk puts
# How a database searches: `Store.search_kind`.
FTS5, LIKE, POSTGRES = "fts5", "like", "postgresql"


def is_search_table(name: str) -> bool:
    return name in (DOCS, FTS) or name.startswith(FTS + "_")


def fold(value: str) -> str:
    """Lower case without accents, as FTS5's unicode61 tokenizer sees text."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def is_postgres(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def fts5_available(connection: Connection) -> bool:
    options = {row[0] for row in connection.exec_driver_sql("PRAGMA compile_options")}
    return "ENABLE_FTS5" in options


# Prefix indexes of two letters only. With '2 3 4' every word went into the index four
# times: a bulk change of 10,000 contacts spent half its index time there, and building
# the index of 100,000 records took twice as long. A query of three letters or more now
# reads the words it begins rather than one list (at most 5 ms more on a vocabulary of
# 65,000 words, measured); one or two letters, which match thousands, still have their list.
FTS_OPTIONS = (f"content='{DOCS}', content_rowid='rowid', "
               "tokenize = 'unicode61 remove_diacritics 2', prefix = '2'")


def create_fts(connection: Connection, options: str = FTS_OPTIONS) -> None:
    """The FTS5 index over `search_docs` (empty: 'rebuild' fills it from the docs);
    `options`: another spelling of them, for a migration's older index."""
    connection.exec_driver_sql(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(title, body, {options})")


def create(connection: Connection) -> None:
    if is_postgres(connection):
        _create_postgres(connection)
        return
    connection.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {DOCS} (rowid INTEGER PRIMARY KEY, "
        "record_type TEXT NOT NULL, record_id TEXT NOT NULL UNIQUE, "
        "title TEXT NOT NULL, body TEXT NOT NULL, folded TEXT NOT NULL)")
    if not fts5_available(connection):
        return
    create_fts(connection)
    connection.exec_driver_sql(
        f"CREATE TRIGGER IF NOT EXISTS {DOCS}_ai AFTER INSERT ON {DOCS} BEGIN "
        f"INSERT INTO {FTS}(rowid, title, body) VALUES (new.rowid, new.title, new.body); END")
    connection.exec_driver_sql(
        f"CREATE TRIGGER IF NOT EXISTS {DOCS}_ad AFTER DELETE ON {DOCS} BEGIN "
        f"INSERT INTO {FTS}({FTS}, rowid, title, body) "
        "VALUES ('delete', old.rowid, old.title, old.body); END")


def _create_postgres(connection: Connection) -> None:
    # unaccent is a trusted extension: a database's owner may add it (README: the server).
    connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
    connection.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {DOCS} (rowid BIGSERIAL PRIMARY KEY, "
        "record_type TEXT NOT NULL, record_id TEXT NOT NULL UNIQUE, "
        "title TEXT NOT NULL, body TEXT NOT NULL, folded TEXT NOT NULL, "
        "doc TSVECTOR NOT NULL)")
    connection.exec_driver_sql(
        f"CREATE INDEX IF NOT EXISTS {DOCS}_doc ON {DOCS} USING GIN (doc)")
    connection.exec_driver_sql(
        f"CREATE INDEX IF NOT EXISTS {DOCS}_type ON {DOCS} (record_type)")
    create_title_index(connection)


# The title's words alone (weight A in `doc`): search's titles-first query on PostgreSQL.
TITLE_INDEX = f"{DOCS}_title"
TITLE_WORDS = "ts_filter(doc, '{a}')"


def create_title_index(connection: Connection) -> None:
    connection.exec_driver_sql(
        f"CREATE INDEX IF NOT EXISTS {TITLE_INDEX} ON {DOCS} USING GIN ({TITLE_WORDS})")


def search_kind(connection: Connection) -> str:
    """FTS5, LIKE (an SQLite without FTS5) or POSTGRES."""
    if is_postgres(connection):
        return POSTGRES
    return FTS5 if uses_fts5(connection) else LIKE


def uses_fts5(connection: Connection) -> bool:
    if is_postgres(connection):
        return False
    row = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE name = ?", (FTS,)).first()
    return row is not None


class Entry(NamedTuple):
    """One record's indexed text (a tuple: bulk imports make a hundred thousand)."""

    record_type: str
    record_id: str
    title: str
    body: str


def remove(connection: Connection, record_ids: list[str]) -> None:
    if is_postgres(connection):
        if record_ids:
            connection.exec_driver_sql(f"DELETE FROM {DOCS} WHERE record_id = ANY(%s)",
                                       (list(record_ids),))
        return
    for start in range(0, len(record_ids), 500):
        chunk = record_ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        connection.exec_driver_sql(f"DELETE FROM {DOCS} WHERE record_id IN ({marks})",
                                   tuple(chunk))


def put_new_later(connection: Connection, entries: list[Entry], *,
                  folding: bool) -> Callable[[], None]:
    """`put` of many records not indexed yet (a bulk create's), in two halves: the rows
    are made of the entries now, and the function returned writes them with SQL alone
    (the writer's lane runs it beside Python): on SQLite one statement reading them all
    from one JSON text, like `put`'s staging table without its row-by-row fill.
    `folding`: this database keeps the folded copy (it has no FTS5)."""
    if is_postgres(connection) or len(entries) < 2:
        return functools.partial(put, connection, entries, fresh=True)
    from partnerdesk.db.jsontext import rows_select

    rows = [(*e, fold(e.title + " " + e.body)) for e in entries] if folding \
        else [(*e, "") for e in entries]
    select = rows_select(list(zip(*rows, strict=True)))
    if select is None:
        return functools.partial(put, connection, entries, fresh=True)
    statement = f"INSERT INTO {DOCS} (record_type, record_id, title, body, folded) " \
        + select[0]
    return functools.partial(connection.exec_driver_sql, statement, select[1])


def put(connection: Connection, entries: list[Entry], *, fresh: bool = False) -> None:
    """Replace the index rows of these records (`fresh`: known not to be indexed yet)."""
    if not entries:
        return
    if is_postgres(connection):
        # One statement per record whether or not it was indexed (record_id is unique):
        # a save on a server makes one round trip here, not two.
        connection.exec_driver_sql(
            f"INSERT INTO {DOCS} (record_type, record_id, title, body, folded, doc) "
            "VALUES (%s, %s, %s, %s, '', "
            "setweight(to_tsvector('simple', unaccent(%s)), 'A') || "
            "setweight(to_tsvector('simple', unaccent(%s)), 'D'))" + ("" if fresh else
            " ON CONFLICT (record_id) DO UPDATE SET record_type = EXCLUDED.record_type, "
            "title = EXCLUDED.title, body = EXCLUDED.body, folded = EXCLUDED.folded, "
            "doc = EXCLUDED.doc"),
            [(*e, " ".join(words(e.title)), " ".join(words(e.body))) for e in entries])
        return
    # The folded copy is only read when there is no FTS5 index to fold for us.
    fts5 = uses_fts5(connection)
    rows = [(*e, "") for e in entries] if fts5 \
        else [(*e, fold(e.title + " " + e.body)) for e in entries]
    columns = "record_type, record_id, title, body, folded"
    if len(rows) == 1:  # one save: its entry changed in place (`_replace_in_place`)
        record_type, record_id, title, body, folded = rows[0]
        if not fresh:
            if fts5:
                connection.exec_driver_sql(
                    f"INSERT INTO {FTS}({FTS}, rowid, title, body) SELECT 'delete', rowid, "
                    f"title, body FROM {DOCS} WHERE record_id = ?", (record_id,))
            changed = connection.exec_driver_sql(
                f"UPDATE {DOCS} SET record_type = ?, title = ?, body = ?, folded = ? "
                "WHERE record_id = ?", (record_type, title, body, folded, record_id))
            if changed.rowcount:
                if fts5:
                    connection.exec_driver_sql(
                        f"INSERT INTO {FTS}(rowid, title, body) SELECT rowid, title, body "
                        f"FROM {DOCS} WHERE record_id = ?", (record_id,))
                return
        connection.exec_driver_sql(f"INSERT INTO {DOCS} ({columns}) VALUES (?, ?, ?, ?, ?)",
                                   rows[0])
        return
    # Many rows go in as one statement from a staging table. Row by row, each INSERT
    # runs the trigger that feeds FTS5 inside a statement savepoint, and FTS5 writes its
    # pending terms out at every savepoint: 10,000 rows made 10,000 tiny index segments
    # to merge, four times the work of the index itself (the bulk change of issue 20).
    connection.exec_driver_sql(
        f"CREATE TEMP TABLE IF NOT EXISTS {STAGED} (record_type TEXT, record_id TEXT, "
        "title TEXT, body TEXT, folded TEXT)")
    from partnerdesk.db.jsontext import rows_select

    # one statement from one JSON text: executemany would take Python's lock back at
    # every row (`bulk.update_rows`)
    select = rows_select(list(zip(*rows, strict=True)))
    try:
        if select is None:
            connection.exec_driver_sql(f"INSERT INTO {STAGED} VALUES (?, ?, ?, ?, ?)", rows)
        else:
            connection.exec_driver_sql(f"INSERT INTO {STAGED} {select[0]}", select[1])
        if not fresh:
            _replace_in_place(connection, fts5)
        connection.exec_driver_sql(
            f"INSERT INTO {DOCS} ({columns}) SELECT {columns} FROM {STAGED}"
            + ("" if fresh else f" AS s WHERE NOT EXISTS (SELECT 1 FROM {DOCS} AS d "
                                "WHERE d.record_id = s.record_id)"))
    finally:
        connection.exec_driver_sql(f"DELETE FROM {STAGED}")


def _replace_in_place(connection: Connection, fts5: bool) -> None:
    """The staged entries of records already indexed take their rows' place: each record
    keeps its rowid, as on PostgreSQL (an entry changed in place), so "newest first"
    means the same on both. The docs table's triggers feed FTS5 on INSERT and DELETE
    only; here FTS5 is told the old text to take out and the new to put in, each in
    rowid order (FTS5 writes out what it holds whenever a rowid comes lower than the one
    before, and tiny pieces of index cost more to merge than to make). Before,
    each row was deleted and inserted again: its row, its key in the record_id index
    and the FTS5 work all twice (a fifth of a bulk tag change's index time)."""
    matched = f"FROM {DOCS} AS d JOIN {STAGED} AS s ON s.record_id = d.record_id"
    if fts5:
        connection.exec_driver_sql(
            f"INSERT INTO {FTS}({FTS}, rowid, title, body) "
            f"SELECT 'delete', d.rowid, d.title, d.body {matched} ORDER BY d.rowid")
    connection.exec_driver_sql(
        f"UPDATE {DOCS} SET record_type = s.record_type, title = s.title, body = s.body, "
        f"folded = s.folded FROM {STAGED} AS s WHERE {DOCS}.record_id = s.record_id")
    if fts5:
        connection.exec_driver_sql(
            f"INSERT INTO {FTS}(rowid, title, body) SELECT d.rowid, d.title, d.body "
            f"{matched} ORDER BY d.rowid")


@dataclass(frozen=True)
class Hit:
    record_type: str
    record_id: str
    title: str


def words(query: str) -> list[str]:
    cleaned = "".join(ch if ch.isalnum() else " " for ch in fold(query))
    return [w for w in cleaned.split() if w]


# FTS5's unicode61 tokenizer cuts words and folds letters its own way, not as `words`
# does: it takes accents off Latin letters only (Greek tonos, Cyrillic ё stay), keeps "ß",
# and ends a word at any mark (a Devanagari vowel sign or virama, an Arabic shadda). So
# on SQLite a query is cut into the index's own words (`fts5_words`), each looked up in
# every spelling the index may hold it in (`index_spellings`), and searching stays
# accent-blind for Greek and for ё as for Latin. PostgreSQL and the LIKE search fold both
# sides with `words`, so they need none of this.
GREEK_ACCENTED = {"α": "ά", "ε": "έ", "η": "ή", "ι": "ίϊΐ", "ο": "ό", "υ": "ύϋΰ", "ω": "ώ"}
CYRILLIC_ACCENTED = {"е": "ё"}


@functools.lru_cache(maxsize=4096)
def _fts5_letter(char: str) -> str:
    """One character as unicode61 indexes it ("" for a character that ends a word)."""
    if unicodedata.category(char)[0] not in "LN" and unicodedata.category(char) != "Co":
        return ""
    lower = "σ" if char in "ςΣ" else char.lower()  # one sigma, wherever it stands
    if unicodedata.name(char, "").startswith("LATIN"):
        lower = "".join(c for c in unicodedata.normalize("NFD", lower)
                        if not unicodedata.category(c).startswith("M"))
    return lower


def fts5_words(text: str) -> list[str]:
    """`text`'s words as FTS5's unicode61 tokenizer (remove_diacritics 2) makes them."""
    cut = "".join(_fts5_letter(char) or " " for char in unicodedata.normalize("NFC", text))
    return cut.split()


def _unaccented(word: str) -> str:
    """Greek accents and Cyrillic ё off (the letters unicode61 keeps accented)."""
    out = []
    for char in unicodedata.normalize("NFD", word):
        if unicodedata.category(char).startswith("M") and out \
                and ("\u0370" <= out[-1] <= "\u03ff" or out[-1] == "е"):
            continue
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def index_spellings(word: str) -> list[str]:
    """The spellings FTS5 may have indexed `word` (from `fts5_words`) under: as typed,
    without its accent, or with its one accent on any vowel (Greek), ё for е, ß for ss."""
    found = [word]
    base = _unaccented(word)
    for accents in (GREEK_ACCENTED, CYRILLIC_ACCENTED):
        if any(letter in accents for letter in base):
            found.append(base)
            for index, letter in enumerate(base):
                found += [base[:index] + accented + base[index + 1:]
                          for accented in accents.get(letter, "")]
    if "ss" in word:
        found.append(word.replace("ss", "ß"))
    if "ß" in word:
        found.append(word.replace("ß", "ss"))
    return list(dict.fromkeys(found))


def fts5_match(text_query: str) -> str:
    """An FTS5 query for records holding every word of `text_query` as a prefix, in any
    spelling the index may hold it in; "" when it has no words."""
    parts = []
    for word in fts5_words(text_query):
        spellings = [f'"{spelling}"*' for spelling in index_spellings(word)]
        parts.append(spellings[0] if len(spellings) == 1 else f"({' OR '.join(spellings)})")
    return " AND ".join(parts)


# Below this many matches in the rest of the text, those are ranked too; above it they
# come newest first (ranking tens of thousands of notes costs more than a keystroke).
RANKED_REST = 2000
# On PostgreSQL the titles ranked are the first this many the index gives (a prefix of
# two letters matches thousands of names, nearly all ranked alike, and reading and
# ranking each was most of a search's time); fewer matches are all ranked, as on SQLite.
RANKED_TITLES = 500


def query(connection: Connection, text_query: str, limit: int = 50) -> list[Hit]:
    """Records whose title matches come first, best match first; then records that match
    in the rest of their text. "volun" finds the organization called Volunteers United
    before the thousands of contacts whose role is volunteer, and stays quick."""
    terms = words(text_query)
    if not terms:
        return []
    if is_postgres(connection):
        return _postgres_query(connection, terms, limit)
    from sqlalchemy import text

    def run(sql: str, params: dict[str, Any]) -> Iterable[Sequence[Any]]:
        return connection.execute(text(sql), params)

    return sqlite_query(run, text_query, limit, fts5=uses_fts5(connection))


def sqlite_has_fts5(run: RunSQL) -> bool:
    """Whether this SQLite database has the FTS5 index (else `folded` LIKE is used)."""
    return any(True for _row in run("SELECT 1 FROM sqlite_master WHERE name = :name",
                                    {"name": FTS}))


def sqlite_query(run: RunSQL, text_query: str, limit: int = 50, *,
                 fts5: bool) -> list[Hit]:
    """`query` on SQLite, through `run` (see `RunSQL`); `fts5`: the database has the index."""
    terms = words(text_query)
    if not terms:
        return []
    if not fts5:
        clauses = " AND ".join(f"folded LIKE :w{i}" for i in range(len(terms)))
        params: dict[str, Any] = {f"w{i}": f"%{w}%" for i, w in enumerate(terms)}
        params["limit"] = limit
        rows = run(f"SELECT record_type, record_id, title FROM {DOCS} "
                   f"WHERE {clauses} ORDER BY title LIMIT :limit", params)
        return [Hit(*row) for row in rows]
    match = fts5_match(text_query)
    if not match:
        return []
    found = _fts_hits(run, f"title : ({match})", "bm25({FTS}, 4.0, 1.0)", limit, ())
    if len(found) < limit:
        taken = tuple(rowid for rowid, _hit in found)
        rest = next(iter(run(f"SELECT count(*) FROM {FTS} WHERE {FTS} MATCH :match",
                             {"match": match})))[0]
        order = "bm25({FTS}, 4.0, 1.0)" if int(rest or 0) <= RANKED_REST + len(taken) \
            else "-rowid"  # newest first
        found += _fts_hits(run, match, order, limit - len(found), taken)
    return [hit for _rowid, hit in found]


def _fts_hits(run: RunSQL, match: str, order: str, limit: int,
              leave_out: tuple[int, ...]) -> list[tuple[int, Hit]]:
    skip = f"AND rowid NOT IN ({','.join(map(str, leave_out))})" if leave_out else ""
    # Ranked inside the index first, then only the few kept are joined to their titles:
    # joining every match before sorting costs twice as much.
    rows = run(
        f"SELECT top.rowid, d.record_type, d.record_id, d.title FROM (SELECT rowid, "
        f"{order.format(FTS=FTS)} AS place FROM {FTS} WHERE {FTS} MATCH :match {skip} "
        f"ORDER BY place LIMIT :limit) AS top JOIN {DOCS} d ON d.rowid = top.rowid "
        "ORDER BY top.place", {"match": match, "limit": limit})
    return [(rowid, Hit(kind, record_id, title)) for rowid, kind, record_id, title in rows]


def _tsquery(terms: list[str], weight: str = "") -> str:
    """Every word as a prefix (`weight` "A": in the title). Words are letters and digits
    only (`words`), so nothing in them means anything to to_tsquery."""
    return " & ".join(f"{w}:*{weight}" for w in terms)


def _postgres_query(connection: Connection, terms: list[str], limit: int) -> list[Hit]:
    """As the FTS5 query: title matches best first, then the rest (ranked while few)."""
    from sqlalchemy import text

    every = _tsquery(terms)
    # Titles through the index of title words: the same matches as `doc @@ 'w:*A'`,
    # without rechecking every record that has the word anywhere.
    found = _postgres_hits(connection, every, True, limit, [], TITLE_WORDS,
                           among=RANKED_TITLES)
    if len(found) < limit:
        taken = [rowid for rowid, _hit in found]
        # Counted only as far as the choice below needs (counting every match of a
        # common word visited thousands of rows to compare the total with 2,000).
        enough = RANKED_REST + len(taken) + 1
        rest = connection.execute(text(
            f"SELECT count(*) FROM (SELECT 1 FROM {DOCS} WHERE doc @@ "
            "to_tsquery('simple', unaccent(:q)) LIMIT :enough) AS found"),
            {"q": every, "enough": enough}).scalar()
        ranked = int(rest or 0) < enough
        found += _postgres_hits(connection, every, ranked, limit - len(found), taken)
    return [hit for _rowid, hit in found]


def _postgres_hits(connection: Connection, tsquery: str, ranked: bool, limit: int,
                   leave_out: list[int], words_of: str = "doc",
                   among: int | None = None) -> list[tuple[int, Hit]]:
    """`among`: rank only the first this many matches the index gives (see
    RANKED_TITLES)."""
    from sqlalchemy import text

    order = f"ts_rank({words_of}, query) DESC, rowid DESC" if ranked else "rowid DESC"
    params = {"q": tsquery, "taken": leave_out, "limit": limit}
    if among is None:
        sql = (f"SELECT rowid, record_type, record_id, title FROM {DOCS}, "
               f"to_tsquery('simple', unaccent(:q)) AS query WHERE {words_of} @@ query "
               "AND NOT (rowid = ANY(:taken)) "
               f"ORDER BY {order} LIMIT :limit")
    else:
        sql = (f"SELECT rowid, record_type, record_id, title FROM (SELECT rowid, "
               f"record_type, record_id, title, doc FROM {DOCS} WHERE {words_of} @@ "
               "to_tsquery('simple', unaccent(:q)) AND NOT (rowid = ANY(:taken)) "
               f"LIMIT :among) AS {DOCS}, to_tsquery('simple', unaccent(:q)) AS query "
               f"ORDER BY {order} LIMIT :limit")
        params["among"] = among
    rows = connection.execute(text(sql), params)
    return [(rowid, Hit(kind, record_id, title)) for rowid, kind, record_id, title in rows]


def _matches_sql(record_type: str, text_query: str, kind: str | bool,
                 with_title: bool = False) -> tuple[str, dict[str, Any]]:
    """The SQL (and its parameters) of the ids of one record type whose indexed text
    matches every word, and their titles when `with_title`; see `matching_ids`."""
    terms = words(text_query)
    title = ", d.title" if with_title else ""
    if kind == POSTGRES:
        return (f"SELECT d.record_id{title} FROM {DOCS} d WHERE d.record_type = :kind AND "
                "d.doc @@ to_tsquery('simple', unaccent(:q))",
                {"kind": record_type, "q": _tsquery(terms)})
    if kind is True or kind == FTS5:
        match = fts5_match(text_query) or '"\u0000"'  # no words: a match of nothing
        return (f"SELECT d.record_id{title} FROM {FTS} JOIN {DOCS} d "
                f"ON d.rowid = {FTS}.rowid WHERE {FTS} MATCH :match AND d.record_type = :kind",
                {"match": match, "kind": record_type})
    clauses = " AND ".join(f"d.folded LIKE :w{i}" for i in range(len(terms)))
    params = {f"w{i}": f"%{w}%" for i, w in enumerate(terms)}
    return (f"SELECT d.record_id{title} FROM {DOCS} d WHERE d.record_type = :kind AND "
            f"{clauses}", {"kind": record_type, **params})


def matching_ids(record_type: str, text_query: str, kind: str | bool) -> Select:  # type: ignore[type-arg]
    """A subquery of the ids of one record type whose indexed text matches every word
    (as a prefix, accents folded): how list filters find "Zoë" when "zoe" is typed.
    `kind`: the store's `search_kind` (True and False: FTS5 and LIKE)."""
    from sqlalchemy import String, column, select, text

    sql, params = _matches_sql(record_type, text_query, kind)
    subquery = text(sql).bindparams(**params).columns(column("record_id", String)).subquery()
    return select(subquery.c.record_id)


def title_page(record_type: str, text_query: str, limit: int, descending: bool,
               kind: str | bool) -> Any:
    """A subquery of the first `limit` ids of one record type whose text matches (as
    `matching_ids`), in the order of their titles and ids, each with `total`, how many
    match; one row with `record_id` NULL when none do. The matches are read from the
    index once, then counted and sorted there (a top-N sort of ids and titles).

    On SQLite a table expression used twice is read once (since SQLite 3.35; an older
    one reads the index twice, with the same answer): no hint is written, which an
    older SQLite would not parse."""
    from sqlalchemy import Integer, String, column, text

    way = "DESC" if descending else "ASC"
    found, params = _matches_sql(record_type, text_query, kind, with_title=True)
    materialized, lateral, true = ("MATERIALIZED ", "LATERAL ", "true") \
        if kind == POSTGRES else ("", "", "1")
    sql = (f"WITH found AS {materialized}({found}) "
           "SELECT page.record_id, counted.total FROM (SELECT count(*) AS total FROM found) "
           f"AS counted LEFT JOIN {lateral}(SELECT record_id FROM found "
           f"ORDER BY title {way}, record_id {way} LIMIT :limit) AS page ON {true}")
    return text(sql).bindparams(**params, limit=limit).columns(
        column("record_id", String), column("total", Integer)).subquery()
