"""Moving a laptop's database into an office database on a server.

When one laptop is outgrown, everything in its file goes to an empty PostgreSQL
database in one transaction: every record exactly as it was (stamps, version vectors,
revisions, times, so bundles exchanged before still merge as before), its history,
the conflicts list, import batches, the export log, the settings, and the attachment
bytes, which a server database keeps in a table (`db.blobs`) so that every computer
in the office can open them. Before the commit the copy is checked: the same records
with the same revisions, each revision recomputed from the values that arrived, the
same number of history entries, and every attachment's bytes hashing to their name on
the server. Anything amiss rolls the whole copy back.

The local file is only read, through a snapshot (SQLite's backup API) in a temporary
folder: it is left exactly as it was, and still works as before. A snapshot of a file
made by an older version is upgraded there, never in place.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, inspect, select
from sqlmodel import SQLModel

from partnerdesk.db import blobs, identity
from partnerdesk.db.local import Setting
from partnerdesk.db.registry import RECORD_TYPES
from partnerdesk.db.search_index import is_search_table
from partnerdesk.errors import DatabaseProblem, NewerDatabaseError, PartnerDeskError
from partnerdesk.services import versioning
from partnerdesk.services.progress import Progress
from partnerdesk.services.store import COUNTER_KEY, DEVICE_KEY, SEED_STAMP, Store, user_fields

CHUNK = 2000
# The settings that say who this database is and where: the office database has its own.
IDENTITY_KEYS = {DEVICE_KEY, identity.PLACE_KEY, identity.RESTORED_KEY, identity.FORMER_KEY,
                 COUNTER_KEY}
SEED_ORIGIN = SEED_STAMP[1]


@dataclass(frozen=True)
class MoveResult:
    """What a move copied, for the person to read."""

    address: str
    records: int
    history: int
    attachments: int
    counts: dict[str, int] = field(default_factory=dict)
    # Attachments whose bytes were not in the file's attachments folder: their records
    # moved, their files could not (named, never silently left out).
    missing_files: tuple[str, ...] = ()


def copied_tables() -> list[Any]:
    """The tables a move (and an office backup) carries, parents before children."""
    import partnerdesk.db.local  # noqa: F401  (registers the tables)
    import partnerdesk.db.records  # noqa: F401

    skip = {blobs.AttachmentBlob.__tablename__}
    return [table for table in SQLModel.metadata.sorted_tables
            if table.name not in skip and not is_search_table(table.name)]


def record_model(table: Any) -> type[SQLModel] | None:
    return next((m for m in RECORD_TYPES.values()
                 if m.__table__ is table), None)  # type: ignore[attr-defined]


def _serial_id(table: Any) -> bool:
    """An integer id the database numbers itself (history, conflicts, export log)."""
    column = table.c.get("id")
    return column is not None and column.primary_key and column.type.python_type is int


def read_rows(connection: Connection, table: Any) -> Iterator[list[dict[str, Any]]]:
    """A table's rows in chunks, as typed column values; a numbered id is left out, so
    the target numbers them afresh (in the same order)."""
    order = table.c.id if "id" in table.c else list(table.primary_key.columns)[0]
    serial = _serial_id(table)
    result = connection.execution_options(yield_per=CHUNK).execute(
        select(table).order_by(order))
    for part in result.partitions(CHUNK):
        rows = [dict(row._mapping) for row in part]
        if serial:
            for row in rows:
                del row["id"]
        yield rows


def count_rows(connection: Connection, table: Any) -> int:
    return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def revisions(connection: Connection, table: Any) -> dict[str, str]:
    return dict(connection.execute(select(table.c.id, table.c.rev)).all())  # type: ignore[arg-type]


def recomputed_mismatches(connection: Connection, model: type[SQLModel]) -> list[str]:
    """Ids of records whose stored revision is not the hash of their stored state (a value
    that changed on the way)."""
    table = model.__table__  # type: ignore[attr-defined]
    names = user_fields(model)
    wrong = []
    for rows in read_rows(connection, table):
        for row in rows:
            state = versioning.VersionState({name: row[name] for name in names},
                                            row["stamps"], row["vv"], row["delete_ctx"])
            if state.rev() != row["rev"]:
                wrong.append(row["id"])
    return wrong


def seeded_only(connection: Connection) -> set[str] | None:
    """The ids of the default categories when the server database holds nothing else
    (someone opened it once in PartnerDesk); None when it holds records or history."""
    present = set(inspect(connection).get_table_names())
    seeds: set[str] = set()
    for table in copied_tables():
        if table.name not in present or table.name == Setting.__tablename__:
            continue
        if table.name == "categories":
            rows = connection.execute(select(table.c.id, table.c.origin)).all()
            if any(origin != SEED_ORIGIN for _id, origin in rows):
                return None
            seeds = {row_id for row_id, _origin in rows}
        elif count_rows(connection, table):
            return None
    return seeds


class _Snapshot:
    """A consistent copy of a database file in a temporary folder, at this version's
    schema, opened read-only for the copy (the file itself is never written)."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self._folder = tempfile.TemporaryDirectory(prefix="partnerdesk-move-")
        self.path = Path(self._folder.name) / "snapshot.db"
        self.engine: Engine | None = None

    def __enter__(self) -> Engine:
        from partnerdesk.db.backup import copy_database
        from partnerdesk.db.engine import make_engine
        from partnerdesk.db.migrate import (
            head_revision,
            known_revisions,
            stored_revision,
            upgrade,
        )

        revision = stored_revision(self.source)  # refuses a file that is not ours
        if revision is not None and revision not in known_revisions():
            raise NewerDatabaseError(
                f"{self.source.name} was made by a newer version of PartnerDesk. Install "
                "the newer version to move it; nothing was copied.")
        copy_database(self.source, self.path)
        self.engine = make_engine(self.path)
        if revision != head_revision():
            upgrade(self.engine)
        return self.engine

    def __exit__(self, *_exc: object) -> None:
        if self.engine is not None:
            self.engine.dispose()
        self._folder.cleanup()


def _check_empty(address: Any) -> None:
    """Refuse a server database that holds records, before anything is changed there."""
    from sqlalchemy.exc import OperationalError

    from partnerdesk.db.server import connection_problem, make_server_engine

    engine = make_server_engine(address, pool_size=1)
    try:
        with engine.connect() as connection:
            present = set(inspect(connection).get_table_names())
            if not present:
                return
            if "alembic_version" not in present:
                raise PartnerDeskError(
                    f"The database {address.database} on {address.host} holds tables that "
                    "are not PartnerDesk's, so nothing was copied. Move into an empty "
                    "database (the README shows how to make one).")
            if seeded_only(connection) is None:
                raise PartnerDeskError(
                    f"The office database {address.database} on {address.host} already "
                    "holds records, so nothing was copied: moving in only fills an empty "
                    "database, so no one's work there is mixed up or replaced. Make a new, "
                    "empty database for it, or share your records with a bundle instead "
                    "(File → Share records).")
    except OperationalError as error:
        raise connection_problem(error, address) from error
    finally:
        engine.dispose()


def move_to_server(source: Path, url: str, *, password: str | None = None,
                   progress: Progress | None = None, hold_lock: bool = True) -> MoveResult:
    """Copy the database file `source` into the empty office database at `url`.

    `hold_lock`: take the file's one-process lock meanwhile, so no one changes it during
    the copy (the app, which holds it already, passes False and shows a modal progress
    dialog). Raises a sentence, with nothing changed anywhere, when the file is not a
    PartnerDesk database, the server database is not empty, or the copy does not check
    out."""
    from partnerdesk.db.lock import acquire_lock
    from partnerdesk.db.server import open_server_database, parse_address

    progress = progress or Progress()
    address = parse_address(url, password)
    source = Path(source).expanduser().resolve()
    if not source.is_file():
        raise PartnerDeskError(
            f"There is no database at {source}. Name the file to move with --db.")
    lock = acquire_lock(source) if hold_lock else None
    try:
        progress.report(0, 0, "Checking the office database…")
        _check_empty(address)
        with _Snapshot(source) as snapshot:
            engine = open_server_database(address, pool_size=1)
            store: Store | None = None
            try:
                store = Store(engine, address.local_folder() / "office.db", address)
                with snapshot.connect() as reading:
                    result = _copy(reading, store, source, address, progress)
                _analyze(engine)
            finally:
                if store is not None:
                    store.close()
                engine.dispose()
    finally:
        if lock is not None:
            lock.release()
    return result


def _analyze(engine: Any) -> None:
    """The planner's statistics of the tables just filled, gathered at once: until
    autovacuum comes by, PostgreSQL knows nothing of them and guesses (a list's first
    filter on 100,000 moved contacts asked it for a plan at every page,
    `RecordService._about_how_many`). Tables of other roles are skipped with a warning."""
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")


def _copy(reading: Connection, store: Store, source: Path, address: Any,
          progress: Progress) -> MoveResult:
    from partnerdesk.paths import attachments_dir

    folder = attachments_dir(source)

    def fetch(digest: str) -> bytes | None:
        path = folder / digest[:2] / digest
        if not path.is_file():
            return None
        data = path.read_bytes()
        return data if hashlib.sha256(data).hexdigest() == digest else None

    def keep(connection: Connection, digest: str, data: bytes) -> None:
        blobs.put(connection, digest, data)

    def kept(connection: Connection, digests: set[str]) -> bool:
        hashes = blobs.verified_hashes(connection)
        return all(hashes.get(digest) for digest in digests)

    return copy_all(reading, store, str(address), progress, fetch, keep, kept)


def copy_all(reading: Connection, store: Store, shown: str, progress: Progress,
             fetch: Any, keep: Any, kept: Any) -> MoveResult:
    """Every table from `reading` into `store`'s empty database, then the attachment
    bytes (`fetch(digest)` from the source, `keep(connection, digest, data)` into the
    target, `kept(connection, digests)` checks them there), all checked before the one
    commit."""
    tables = copied_tables()
    totals = {table.name: count_rows(reading, table) for table in tables}
    total = sum(totals.values())
    done = 0
    with store.write() as writer:
        connection = writer.session.connection()
        seeds = seeded_only(connection) or set()
        for table in tables:
            if table.name == Setting.__tablename__:
                _copy_settings(reading, writer, store)
                continue
            for rows in read_rows(reading, table):
                progress.check()
                writer.copy_rows(table, rows, replace=seeds if table.name == "categories"
                                 else ())
                done += len(rows)
                progress.report(done, total, "Copying the records…")
        progress.report(done, total, "Copying the attachments…")
        copied, missing = _copy_blobs(reading, connection, fetch, keep, progress)
        progress.report(done, total, "Checking the copy…")
        _verify(reading, connection, tables, seeds)
        if not kept(connection, copied):
            raise DatabaseProblem(
                "Some attachments' bytes changed on the way, so the copy was taken back and "
                "nothing was copied. Try again.")
        progress.report(total, total, "Finishing…")
    records = sum(totals[m.__tablename__] for m in RECORD_TYPES.values())  # type: ignore[attr-defined]
    return MoveResult(address=shown, records=records,
                      history=totals.get("history", 0), attachments=len(copied),
                      counts=totals, missing_files=tuple(missing))


def _copy_settings(reading: Connection, writer: Any, store: Store) -> None:
    """The file's settings, under the office database's own identity: a device id of its
    own (so stamps stay unique), the file's ids kept as former ones, the counter raised
    to the file's so later stamps beat every copied one."""
    session = writer.session
    found = {key: value for key, value in reading.execute(
        select(Setting.key, Setting.value))}  # type: ignore[arg-type]
    for key, value in found.items():
        if key not in IDENTITY_KEYS:
            session.merge(Setting(key=key, value=value))
    former = [*(found.get(identity.FORMER_KEY) or []),
              *([found[DEVICE_KEY]] if found.get(DEVICE_KEY) else [])]
    if former:
        session.merge(Setting(key=identity.FORMER_KEY, value=former))
    writer.observe_counter(int(found.get(COUNTER_KEY) or 0))
    session.flush()


def _copy_blobs(reading: Connection, connection: Connection, fetch: Any, keep: Any,
                progress: Progress) -> tuple[set[str], list[str]]:
    """Every attachment's and logo's bytes: (hashes copied, names of those whose bytes are
    not stored in the source or no longer match their hash)."""
    from partnerdesk.db.records import Attachment, Organization

    wanted: dict[str, str] = {}
    for digest, name in reading.execute(select(Attachment.sha256, Attachment.filename)):  # type: ignore[call-overload]
        wanted.setdefault(digest, name)
    for digest, name in reading.execute(select(Organization.logo_sha256, Organization.name)  # type: ignore[call-overload]
                                        .where(Organization.logo_sha256 != "")):
        wanted.setdefault(digest, f"the logo of {name}")
    copied: set[str] = set()
    missing: list[str] = []
    for digest, name in sorted(wanted.items()):
        progress.check()
        data = fetch(digest) if blobs.SHA256.match(digest or "") else None
        if data is None:
            missing.append(name)
            continue
        keep(connection, digest, data)
        copied.add(digest)
    return copied, sorted(missing)


def _verify(reading: Connection, connection: Connection, tables: list[Any],
            seeds: set[str]) -> None:
    """The copy matches the file, or the whole move is rolled back."""
    problems: list[str] = []
    for table in tables:
        if table.name == Setting.__tablename__:
            continue
        model = record_model(table)
        if model is None:
            if count_rows(reading, table) != count_rows(connection, table):
                problems.append(f"the {table.name} do not add up")
            continue
        ours, theirs = revisions(reading, table), revisions(connection, table)
        extra = set(theirs) - set(ours)
        if extra - seeds:
            problems.append(f"{table.name} holds records that are not in the file")
        if any(theirs.get(record_id) != rev for record_id, rev in ours.items()):
            problems.append(f"some {table.name} arrived with another revision")
        elif recomputed_mismatches(connection, model):
            problems.append(f"some {table.name} changed on the way")
    if problems:
        raise DatabaseProblem(
            "The copy on the server did not match the file (" + "; ".join(problems) +
            "), so it was taken back and nothing was copied. Try again; if it keeps "
            "happening, ask the person who set up the office database.")


# -- backups of an office database -------------------------------------------------------
def backup_server(url: str, target: Path, *, password: str | None = None,
                  progress: Progress | None = None) -> MoveResult:
    """A complete backup of the office database at `url`: a PartnerDesk database file at
    `target` holding every record with its stamps and revisions, the history, conflicts,
    settings, and the attachment bytes in the folder beside it, checked as a move is.
    It opens in PartnerDesk like any file, and `restore_server` (the same copy as moving
    in) puts it back into an empty office database. When `pg_dump` is installed, the
    server's own dump is written beside it too (`target` with .pgdump).

    A file rather than a bundle: a bundle carries no history (history is each
    database's own), and this must."""
    from partnerdesk.db.engine import make_engine
    from partnerdesk.db.migrate import upgrade
    from partnerdesk.db.server import open_server_database, parse_address
    from partnerdesk.paths import attachments_dir

    progress = progress or Progress()
    address = parse_address(url, password)
    target = Path(target).expanduser().resolve()
    if target.exists():
        raise PartnerDeskError(f"{target} already exists. Choose another file name.")
    engine = open_server_database(address, pool_size=1)
    partial = target.with_name(target.name + ".partial")
    folder = attachments_dir(target)
    if folder.exists():
        raise PartnerDeskError(
            f"{folder} already exists. Choose another file name for the backup.")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        file_engine = make_engine(partial)
        try:
            upgrade(file_engine)
            store = Store(file_engine, partial)
            with engine.connect() as reading:
                result = _backup_copy(reading, store, folder, str(target), progress)
        finally:
            file_engine.dispose()
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        engine.dispose()
    dump_beside(address, target)
    return result


def _backup_copy(reading: Connection, store: Store, folder: Path, shown: str,
                 progress: Progress) -> MoveResult:
    def fetch(digest: str) -> bytes | None:
        return blobs.get(reading, digest)

    def keep(_connection: Connection, digest: str, data: bytes) -> None:
        path = folder / digest[:2] / digest
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def kept(_connection: Connection, digests: set[str]) -> bool:
        return all((folder / d[:2] / d).is_file() and hashlib.sha256(
            (folder / d[:2] / d).read_bytes()).hexdigest() == d for d in digests)

    return copy_all(reading, store, shown, progress, fetch, keep, kept)


def dump_beside(address: Any, target: Path) -> Path | None:
    """`pg_dump` of the office database beside the backup, when pg_dump is installed (the
    server's own format, for the person who looks after it); None without pg_dump or when
    it fails (the backup itself is complete without it; the failure is logged)."""
    import logging
    import os
    import shutil
    import subprocess

    program = shutil.which("pg_dump")
    if program is None:
        return None
    url = address.url
    dump = target.with_suffix(".pgdump")
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    if url.query.get("sslmode"):
        environment["PGSSLMODE"] = str(url.query["sslmode"])
    command = [program, "--format=custom", "--no-owner", f"--file={dump}",
               f"--host={url.host or 'localhost'}", f"--port={url.port or 5432}",
               f"--username={url.username or ''}", str(url.database)]
    try:
        subprocess.run(command, env=environment, check=True, capture_output=True,
                       timeout=3600)
    except (OSError, subprocess.SubprocessError) as error:
        logging.getLogger("partnerdesk.office").warning("pg_dump failed: %s", error)
        dump.unlink(missing_ok=True)
        return None
    return dump


def restore_server(backup: Path, url: str, *, password: str | None = None,
                   progress: Progress | None = None) -> MoveResult:
    """Put an office backup (`backup_server`'s file) back into an empty office database:
    the same checked copy as moving in; a database that holds records is refused."""
    return move_to_server(backup, url, password=password, progress=progress)


# -- checking an office database -----------------------------------------------------------
@dataclass(frozen=True)
class ServerCheck:
    """What `partnerdesk check` finds on an office database, for the person to read.

    The server keeps its own files sound (PostgreSQL's write-ahead log and checksums);
    what only PartnerDesk can check is that its records still match their revisions
    (nothing changed them behind its back) and which schema the database is at."""

    address: str
    revision: str | None
    state: str  # "current", "older", "newer" or "empty"
    records: int = 0
    mismatched: dict[str, list[str]] = field(default_factory=dict)  # table -> record ids
    can_change: bool = True

    @property
    def healthy(self) -> bool:
        return self.state in {"current", "older"} and not self.mismatched


def check_server(url: str, *, password: str | None = None) -> ServerCheck:
    """Look at the office database at `url` without changing it (no upgrade, no writes):
    its schema revision, whether this login may change records, and every record's
    revision recomputed from its stored values."""
    from sqlalchemy.exc import OperationalError

    from partnerdesk.db.migrate import head_revision, known_revisions
    from partnerdesk.db.server import (
        can_change,
        connection_problem,
        make_server_engine,
        parse_address,
        schema_revision,
    )
    from partnerdesk.errors import NotADatabaseError

    address = parse_address(url, password)
    engine = make_server_engine(address, pool_size=1)
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            if not tables:
                return ServerCheck(str(address), None, "empty")
            if "alembic_version" not in tables:
                raise NotADatabaseError(
                    f"The database {address.database} on {address.host} holds tables that "
                    "are not PartnerDesk's.")
            revision = schema_revision(connection)
            if revision not in known_revisions():
                return ServerCheck(str(address), revision, "newer")
            state = "current" if revision == head_revision() else "older"
            records, mismatched = 0, {}
            for table in copied_tables():
                model = record_model(table)
                if model is None or table.name not in tables:
                    continue
                records += count_rows(connection, table)
                wrong = recomputed_mismatches(connection, model)
                if wrong:
                    mismatched[table.name] = wrong
            return ServerCheck(str(address), revision, state, records, mismatched,
                               can_change(connection))
    except OperationalError as error:
        raise connection_problem(error, address) from error
    finally:
        engine.dispose()
