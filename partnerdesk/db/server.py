"""An office database on a PostgreSQL server: its address, TLS rule, engine and upgrade.

A local SQLite file stays the default. A server database is named by a URL,
`postgresql://user@host/dbname` (on the command line with --db, or in $PARTNERDESK_DB),
and reached through SQLAlchemy and psycopg 3: PartnerDesk has no server code of its own.

A connection to another computer carries names, phone numbers and agreements, so it is
encrypted: without `sslmode` in the URL PartnerDesk asks for `require`, and a URL that
turns encryption off (`sslmode=disable`, `allow` or `prefer`) for a host that is not this
computer is refused unless it also says `allow_plaintext=yes` (an office that knows its
network, say). `sslmode=verify-full` also checks the server's certificate.

Unlike SQLite's file upgrades (`db.migrate`), PostgreSQL changes its schema inside a
transaction, so the same Alembic migrations run in place: an upgrade cut off half-way
leaves the old schema. An advisory lock keeps two people who open the database at the
same moment from upgrading it twice.
"""

import contextlib
import ipaddress
import re
import select
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError

from partnerdesk.errors import DatabaseProblem, NewerDatabaseError, NotADatabaseError
from partnerdesk.paths import is_server_url as is_server_url  # re-exported

SCHEMES = ("postgresql", "postgres")
PLAIN_MODES = {"disable", "allow", "prefer"}
TLS_MODES = {"require", "verify-ca", "verify-full"}
PLAINTEXT_OPTION = "allow_plaintext"
# Any number: one lock, taken only by PartnerDesk while it upgrades a server database.
UPGRADE_LOCK_KEY = 0x50445348  # "PDSH"
# A pooled connection idle longer than this is tried before use (the server may have
# restarted, or the laptop slept); one in steady use is not (a save would pay a round
# trip to the server for every connection it takes from the pool).
IDLE_PING_SECONDS = 30.0
_URL_START = re.compile(r"^(postgresql|postgres)(\+psycopg)?://", re.IGNORECASE)


class ReadOnlyDatabaseError(DatabaseProblem):
    """This person's role may read the office database, not change it."""


def can_change(connection: Any) -> bool:
    """May this session's role change records (a read-only role: browse, search, print)?"""
    from sqlalchemy import text

    return bool(connection.execute(text(
        "SELECT has_table_privilege(current_user, 'contacts', 'UPDATE')")).scalar())


def is_local_host(host: str | None) -> bool:
    """This computer: no host (a Unix socket), a socket folder, localhost or loopback."""
    if not host or host.startswith("/") or host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ServerAddress:
    """Where an office database is: a parsed, checked URL (a password in it is held in
    memory only, never written anywhere)."""

    url: URL

    @property
    def host(self) -> str:
        return self.url.host or "localhost"

    @property
    def database(self) -> str:
        return self.url.database or ""

    @property
    def user(self) -> str:
        return self.url.username or ""

    def shown(self) -> str:
        """The address as people see it: no password, no driver name."""
        return self.url.set(drivername="postgresql", password=None).render_as_string(
            hide_password=True)

    def local_folder(self) -> Path:
        """This computer's folder for what belongs to the server database here (reports
        written, backups taken): in the data folder, one per server database."""
        from partnerdesk.paths import data_dir

        port = f"-{self.url.port}" if self.url.port else ""
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{self.host}{port}-{self.database}")
        return data_dir() / "office" / name

    def __str__(self) -> str:
        return self.shown()


def parse_address(value: str, password: str | None = None) -> ServerAddress:
    """Check a server URL and apply the TLS rule; raises a sentence when it is refused."""
    text = value.strip()
    try:
        url = make_url(_URL_START.sub("postgresql+psycopg://", text, count=1))
    except ArgumentError as error:
        raise DatabaseProblem(
            f"'{text}' is not a database address PartnerDesk can read. Write it as "
            "postgresql://user@host/database.") from error
    if not url.database:
        raise DatabaseProblem(
            f"The address '{text}' names no database. Write it as "
            "postgresql://user@host/database.")
    query = dict(url.query)
    allow_plain = str(query.pop(PLAINTEXT_OPTION, "")).lower() in {"yes", "true", "1"}
    mode = str(query.get("sslmode", "")).lower()
    local = is_local_host(url.host)
    if not mode and not local:
        query["sslmode"] = "require"
    elif mode in PLAIN_MODES and not local and not allow_plain:
        raise DatabaseProblem(
            f"PartnerDesk will not connect to {url.host} without encryption "
            f"(sslmode={mode}): names and phone numbers would cross the network readable "
            "by anyone on it. Use sslmode=require or sslmode=verify-full, or add "
            f"{PLAINTEXT_OPTION}=yes to the address if your office's network is private.")
    elif mode and mode not in PLAIN_MODES | TLS_MODES:
        raise DatabaseProblem(
            f"sslmode={mode} is not a setting PostgreSQL knows. Use require or verify-full.")
    url = url.set(query=query)
    if password:
        url = url.set(password=password)
    return ServerAddress(url)


def address_text(*, host: str, port: int | None, database: str, user: str,
                 sslmode: str = "require") -> str:
    """An address from its parts, as the Connect dialog asks for them (no password:
    that is kept apart). `sslmode="disable"` is the person saying their network is
    private, so it carries the TLS rule's explicit yes."""
    query = {"sslmode": sslmode}
    if sslmode in PLAIN_MODES:
        query[PLAINTEXT_OPTION] = "yes"
    url = URL.create("postgresql", username=user.strip() or None, host=host.strip() or None,
                     port=port, database=database.strip(), query=query)
    return url.render_as_string(hide_password=False)


def read_only_problem(address: ServerAddress) -> ReadOnlyDatabaseError:
    """A reader's account refused a change: the sentence every refused save shows."""
    return ReadOnlyDatabaseError(
        f"Your account ({address.user or 'this user'}) may look at the office "
        "database but not change it, so nothing was saved. If you need to make "
        "changes, ask the person who set up the office database.")


def connect_raw(address: ServerAddress, *, autocommit: bool = True) -> Any:
    """A plain psycopg connection to the office database, outside the engine's pool
    (change notices, change numbers): the same address, password and TLS settings."""
    import psycopg

    url = address.url
    params = {key: value for key, value in url.query.items()}
    return psycopg.connect(
        host=url.host, port=url.port, dbname=url.database, user=url.username,
        password=url.password, autocommit=autocommit, application_name="PartnerDesk",
        connect_timeout=15, **params)


def make_server_engine(address: ServerAddress, *, echo: bool = False,
                       pool_size: int = 5) -> Engine:
    """An engine on the server database (psycopg 3). Nothing is connected yet."""
    engine = create_engine(address.url, echo=echo, pool_size=pool_size, max_overflow=5,
                           connect_args={"application_name": "PartnerDesk",
                                         "connect_timeout": 15})

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        # SQLAlchemy's pre-ping, only for a connection that sat idle: a dead one is
        # replaced by a new one (the pool retries on DisconnectionError).
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
            return
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            dbapi_connection.rollback()
        except Exception as error:
            raise DisconnectionError() from error

    @event.listens_for(engine, "handle_error")
    def _on_error(context: Any) -> None:
        from psycopg import errors

        if isinstance(context.original_exception, errors.InsufficientPrivilege):
            raise read_only_problem(address) from context.original_exception

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: object) -> None:
        # Times stored as UTC whatever the server's zone, as on SQLite.
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.commit()

    return engine


def connection_problem(error: BaseException, address: ServerAddress) -> DatabaseProblem:
    """A failed connection as a sentence that says what to do."""
    text = str(getattr(error, "orig", None) or error).strip().splitlines()
    detail = text[0] if text else type(error).__name__
    lowered = detail.lower()
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        advice = ("The user name or password was not accepted. Check them, or ask the "
                  "person who set up the office database.")
    elif "does not exist" in lowered and "database" in lowered:
        advice = (f"There is no database called {address.database} on {address.host}. "
                  "Check its name, or ask the person who set up the office database.")
    elif "ssl" in lowered or "certificate" in lowered:
        advice = ("The encrypted connection could not be made. Check that the server "
                  "offers TLS, or ask the person who set up the office database.")
    else:
        advice = (f"Check that {address.host} is reachable and that the server is running, "
                  "then try again.")
    return DatabaseProblem(
        f"PartnerDesk could not connect to the office database {address.database} on "
        f"{address.host}. {advice} (The server said: {detail})")


def open_server_database(address: ServerAddress, *, pool_size: int = 5) -> Engine:
    """An engine on the server database at the current schema, made or upgraded here.

    An empty database (no tables) gets the whole schema; one of ours at an older
    revision is upgraded in one transaction; a newer one or someone else's is refused."""
    from sqlalchemy import inspect, text
    from sqlalchemy.exc import OperationalError

    from partnerdesk.db.migrate import head_revision, known_revisions

    engine = make_server_engine(address, pool_size=pool_size)
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
    except OperationalError as error:
        engine.dispose()
        raise connection_problem(error, address) from error
    try:
        if tables and "alembic_version" not in tables:
            raise NotADatabaseError(
                f"The database {address.database} on {address.host} holds tables that are "
                "not PartnerDesk's. Choose an empty database or one made by PartnerDesk.")
        head = head_revision()
        with engine.begin() as connection:
            revision = schema_revision(connection) if tables else None
        if revision is not None and revision not in known_revisions():
            raise NewerDatabaseError(
                f"The office database {address.database} was upgraded by a newer version of "
                "PartnerDesk. Install the newer version to open it; it was left untouched.")
        if revision != head:
            with engine.begin() as connection:
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                   {"key": UPGRADE_LOCK_KEY})
                # Someone else may have upgraded it while this waited for the lock.
                if schema_revision(connection) != head:
                    upgrade_connection(connection)
    except BaseException:
        engine.dispose()
        raise
    return engine


def schema_revision(connection: Any) -> str | None:
    from sqlalchemy import inspect, text

    if "alembic_version" not in inspect(connection).get_table_names():
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade_connection(connection: Any) -> None:
    """Run the migrations to head on this connection, inside its transaction."""
    from alembic import command

    from partnerdesk.db.migrate import alembic_config

    config = alembic_config()
    config.attributes["connection"] = connection
    try:
        command.upgrade(config, "head")
        make_keys_deferrable(connection)
    except Exception as error:
        raise DatabaseProblem(
            "PartnerDesk could not bring the office database up to this version, so it was "
            f"left exactly as it was. Reason: {error}") from error


def make_keys_deferrable(connection: Any) -> None:
    """Every foreign key DEFERRABLE (checked at once, unless a transaction defers them).

    A bundle's records arrive in any order, and the store defers the checks to the
    commit (`db.engine.defer_foreign_keys`), as SQLite's `defer_foreign_keys` does. Done
    after every upgrade, so keys that later migrations add are covered too."""
    from sqlalchemy import text

    keys = connection.execute(text(
        "SELECT c.conrelid::regclass::text, c.conname FROM pg_constraint c "
        "JOIN pg_namespace n ON n.oid = c.connamespace "
        "WHERE c.contype = 'f' AND NOT c.condeferrable AND n.nspname = current_schema()"
    )).all()
    for table, name in keys:
        connection.exec_driver_sql(
            f'ALTER TABLE {table} ALTER CONSTRAINT "{name}" DEFERRABLE INITIALLY IMMEDIATE')


# -- other people's saves, announced (LISTEN/NOTIFY) -------------------------------------
CHANNEL = "partnerdesk_changes"
# A notice holds at most this many records (PostgreSQL's limit is 8,000 bytes); a bigger
# write is announced by record type only, and screens reload those types.
NOTICE_RECORDS = 60


def announce(connection: Any, session_id: str,
             changes: list[tuple[str, str, str, tuple[str, ...]]]) -> None:
    """Tell other sessions what this transaction changed; sent when it commits (a
    transaction rolled back announces nothing)."""
    from sqlalchemy import text

    connection.execute(text("SELECT pg_notify(:channel, :payload)"),
                       {"channel": CHANNEL, "payload": notice_text(session_id, changes)})


def notice_text(session_id: str, changes: list[tuple[str, str, str, tuple[str, ...]]]) -> str:
    """A change notice's payload (see `announce`)."""
    import json

    if len(changes) <= NOTICE_RECORDS:
        body: dict[str, Any] = {"from": session_id, "changes": [list(c) for c in changes]}
    else:
        body = {"from": session_id, "types": sorted({c[0] for c in changes})}
    payload = json.dumps(body, separators=(",", ":"))
    if len(payload.encode("utf-8")) > 7_900:  # long field lists: types only
        payload = json.dumps({"from": session_id, "types": sorted({c[0] for c in changes})})
    return payload


class ChangeListener:
    """A thread with its own connection that hears other sessions' saves and hands each
    on as (record_type, record_id, action, fields) tuples; a notice of a big write gives
    record_id "" (every record of that type may have changed)."""

    def __init__(self, address: ServerAddress, session_id: str,
                 deliver: Any) -> None:
        import threading

        self.address = address
        self.session_id = session_id
        self.deliver = deliver
        self._stop = threading.Event()
        # Held while a notice is handed on: once `stop` has it, none is (the store and
        # the screens it tells may be going away; a reconnect can outlast the join).
        self._handing = threading.Lock()
        self.listening = threading.Event()
        self._thread = threading.Thread(target=self._run, name="office-changes", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with self._handing:
            self._stop.set()
        self._thread.join(timeout=10)

    def _hand_on(self, found: list[tuple[str, str, str, tuple[str, ...]]]) -> None:
        with self._handing:
            if not self._stop.is_set():
                self.deliver(found)

    def _connect(self) -> Any:
        return connect_raw(self.address)

    def _run(self) -> None:
        import json
        import logging

        log = logging.getLogger("partnerdesk.office")
        while not self._stop.is_set():
            try:
                with self._connect() as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    while not self._stop.is_set():
                        for notice in connection.notifies(timeout=0.5, stop_after=50):
                            body = json.loads(notice.payload)
                            if body.get("from") == self.session_id:
                                continue  # our own save: announced here already
                            if "changes" in body:
                                found = [(c[0], c[1], c[2], tuple(c[3]))
                                         for c in body["changes"]]
                            else:
                                found = [(kind, "", "updated", ()) for kind in body["types"]]
                            self._hand_on(found)
            except Exception:  # the server went away: try again shortly, quietly
                log.warning("Lost the office database's change notices; reconnecting",
                            exc_info=True)
                self.listening.clear()
                self._stop.wait(2.0)


# -- change numbers (the Lamport counter) of an office database ---------------------------
# One statement, its own transaction: the counter row is locked for that statement only,
# never until a save commits, so people saving at once do not queue behind each other.
_RESERVE = ("INSERT INTO settings (key, value) VALUES (%(key)s, "
            "to_json(%(beyond)s::bigint + %(block)s)) "
            "ON CONFLICT (key) DO UPDATE SET value = to_json(GREATEST("
            "(settings.value #>> '{}')::bigint, %(beyond)s::bigint) + %(block)s) "
            "RETURNING (value #>> '{}')::bigint")
# Numbers a session reserves at a time. One: a save's number is then one more than the
# office's last, as on a file; a bigger block saves a statement per save but makes each
# session's numbers jump ahead of the office's (its values then win ties with laptops'
# concurrent edits more often than the order of the saves would say).
NUMBER_BLOCK = 1
# `_RESERVE` as libpq takes it ($n parameters, sent as text), for `ChangeNumbers.ahead`.
_RESERVE_NOW = (b"INSERT INTO settings (key, value) VALUES ($1, "
                b"to_json($2::bigint + $3::bigint)) "
                b"ON CONFLICT (key) DO UPDATE SET value = to_json(GREATEST("
                b"(settings.value #>> '{}')::bigint, $2::bigint) + $3::bigint) "
                b"RETURNING (value #>> '{}')::bigint")
# Numbers first..last reserved and not used go back while they are still the last
# handed out (`ChangeNumbers.settle`).
_GIVE_BACK = ("UPDATE settings SET value = to_json(%(first)s::bigint - 1) "
              "WHERE key = %(key)s AND (value #>> '{}')::bigint = %(last)s")
# How long `ahead` waits for the server to take or answer a reservation before giving up
# on it (`next` then asks the usual way, and says what went wrong).
ANSWER_SECONDS = 30.0
_RAISE = ("INSERT INTO settings (key, value) VALUES (%(key)s, to_json(%(seen)s::bigint)) "
          "ON CONFLICT (key) DO UPDATE SET value = to_json(GREATEST("
          "(settings.value #>> '{}')::bigint, %(seen)s::bigint))")


class ChangeNumbers:
    """Where the saves of one session on an office database get their change numbers.

    A write is named by (counter, device id), and everyone on an office database writes
    under its one device id, so every number is handed out once: the counter row is
    raised in a statement of its own (autocommit, on a connection of its own), which
    holds the row's lock for that statement only. Inside a save's transaction it would
    hold it until the commit, and every save in the office would wait for the one before
    (ten people saving at once queued for a third of a second each).

    A session reserves NUMBER_BLOCK numbers at a time and hands them to its saves in
    turn; the counter row is always at or past
    every number any session holds (what a bundle's manifest and the checks of incoming
    deletions read). A number reserved and not used (a save rolled back, a session
    closed) is a gap, which nothing minds. `next(beyond)` is larger than `beyond`, the
    highest number the records being saved already hold, so a save's stamps always beat
    the values it replaces: the numbers on any one record grow with every save of it,
    as SHARING.md's Lamport counter does. (Two sessions' saves of different records
    need not be numbered in the order they happen: a stamp is only ever compared with
    the stamps of the same record.)"""

    def __init__(self, address: ServerAddress, key: str) -> None:
        import threading

        self.address = address
        self.key = key
        self._connection: Any = None
        self._lock = threading.Lock()
        self._next = 1  # the next reserved number; none are reserved while it is past
        self._last = 0  # the last reserved number
        self._asked = False  # a reservation sent and not yet answered (`ahead`)

    def ahead(self) -> None:
        """Send the next number's reservation now without waiting for the answer: a save
        that is about to start asks, so the round trip overlaps its own first ones (its
        BEGIN and the read of the row), and `next` then only collects the answer.

        Sent through libpq's asynchronous calls (psycopg's `pq`) as one whole statement
        with its Sync, so the server runs and commits it at once: the counter row's lock
        is never held while this session waits (psycopg's pipeline mode would keep the
        statement's implicit transaction open until its next Sync, and other people's
        saves queued behind it)."""
        with self._lock:
            if self._asked or self._next <= self._last:
                return
            try:
                if self._connection is None or self._connection.closed:
                    self._connection = connect_raw(self.address)
                pgconn = self._connection.pgconn
                pgconn.send_query_params(_RESERVE_NOW, [
                    self.key.encode(), b"0", str(NUMBER_BLOCK).encode()])
                while pgconn.flush():  # the rest of it when the socket takes it
                    select.select([], [pgconn.socket], [], ANSWER_SECONDS)
                self._asked = True
            except Exception:  # `next` asks again, and says what went wrong
                self.close()

    def _collect(self) -> None:
        """The answer to the reservation `ahead` sent, if any (the caller holds the lock);
        a failed one is asked again by `next`, which says what went wrong."""
        if not self._asked:
            return
        self._asked = False
        from psycopg import pq

        try:
            pgconn = self._connection.pgconn
            results = []
            while True:
                while pgconn.is_busy():
                    if not select.select([pgconn.socket], [], [], ANSWER_SECONDS)[0]:
                        raise TimeoutError("no answer to a change number")
                    pgconn.consume_input()
                result = pgconn.get_result()
                if result is None:
                    break
                results.append(result)
            if not results or results[0].status != pq.ExecStatus.TUPLES_OK:
                raise ValueError("a change number was refused")
            last = int(results[0].get_value(0, 0) or b"0")
        except Exception:
            self.close()
            return
        self._last, self._next = last, last - NUMBER_BLOCK + 1

    def settle(self) -> None:
        """A save has ended: a number reserved for it and not used (a save refused, or
        one that changed nothing) is given back while no one has taken a later one, and
        else given up (a gap); either way the next save's number is one more than the
        office's last, as without `ahead`."""
        with self._lock:
            self._collect()
            first, last = self._next, self._last
            self._next, self._last = 1, 0
            if first <= last:
                with contextlib.suppress(Exception):  # a gap then, which nothing minds
                    self._run(_GIVE_BACK, {"key": self.key, "first": first, "last": last})

    def next(self, beyond: int = 0) -> int:
        with self._lock:
            self._collect()
            if self._next > self._last or self._next <= beyond:
                self._last = int(self._run(_RESERVE, {"key": self.key, "beyond": int(beyond),
                                                      "block": NUMBER_BLOCK}))
                self._next = self._last - NUMBER_BLOCK + 1
            number = self._next
            self._next += 1
            return number

    def raise_to(self, seen: int) -> None:
        """Raise the counter to a number seen in an import (never lowers it); this
        session's reserved numbers below it are given up."""
        with self._lock:
            self._collect()
            self._run(_RAISE, {"key": self.key, "seen": int(seen)})
            if self._next <= seen:
                self._next, self._last = 1, 0

    def _run(self, statement: str, params: dict[str, Any]) -> Any:
        """One statement on this session's own connection (the caller holds the lock)."""
        import psycopg
        from psycopg import errors

        for attempt in (1, 2):
            try:
                if self._connection is None or self._connection.closed:
                    self._connection = connect_raw(self.address)
                cursor = self._connection.execute(statement, params)
                return cursor.fetchone()[0] if cursor.description else None
            except errors.InsufficientPrivilege as error:
                raise read_only_problem(self.address) from error
            except psycopg.OperationalError as error:
                # The connection went (the server restarted, the laptop slept): once
                # more on a new one; a second failure is the server's answer.
                self.close()
                if attempt == 2:
                    raise connection_problem(error, self.address) from error
        return None

    def close(self) -> None:
        self._asked = False
        if self._connection is not None:
            with contextlib.suppress(Exception):  # closing a broken connection
                self._connection.close()
            self._connection = None
