"""Engine set-up for one database file. Built by a function, never at import time.

(An office database on a server: `db.server`.)"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # SQLAlchemy loads when an engine is made (see `services.glance`)
    from sqlalchemy import Connection, Engine

# Connections made for writing start with BEGIN IMMEDIATE, so a write never fails
# half-way on a lock taken by another connection after it started reading.
WRITE_OPTION = "partnerdesk_write"
BUSY_TIMEOUT_MS = 10_000


def make_engine(path: Path, *, echo: bool = False, read_only: bool = False) -> Engine:
    """`read_only`: a database on read-only media, opened immutable (nothing there can be
    written, not even SQLite's lock files); every write is refused by SQLite itself."""
    from sqlalchemy import create_engine, event

    url = f"sqlite:///file:{path}?mode=ro&immutable=1&uri=true" if read_only \
        else f"sqlite:///{path}"
    engine = create_engine(url, echo=echo,
                           connect_args={"check_same_thread": False,
                                         "timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Take over transaction control from the sqlite3 module (see "begin" below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not read_only:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA cache_size=-65536")  # 64 MB: random UUID keys need it
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        immediate = connection.get_execution_options().get(WRITE_OPTION)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def placeholder(connection: Connection) -> str:
    """The DB-API's mark for one value in raw SQL: "?" for sqlite3, "%s" for psycopg."""
    return "?" if connection.dialect.paramstyle == "qmark" else "%s"


def defer_foreign_keys(connection: Connection) -> None:
    """Check this transaction's foreign keys at commit, so rows may arrive in any order
    (a bundle's records). On PostgreSQL the keys are made deferrable when the schema is
    built or upgraded (`db.server.make_keys_deferrable`)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET CONSTRAINTS ALL DEFERRED")
    else:
        connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")


def write_engine(engine: Engine) -> Engine:
    """The same pool, with transactions that take the write lock at once."""
    return engine.execution_options(**{WRITE_OPTION: True})
