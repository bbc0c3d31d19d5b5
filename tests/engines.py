"""The two database engines the services, sharing, reports and search suites run on.

SQLite needs nothing. For PostgreSQL, `scripts/test` starts a throwaway server and puts
its URL (a superuser, on 127.0.0.1) in $PARTNERDESK_TEST_POSTGRES; without it the
PostgreSQL half of those suites is skipped, saying why.

As with SQLite's template file (`tests.new_database`), the schema is built once per test
process, in a template database. A test's migrated database is one a test before it gave
back, emptied and checked against the template (`tests.pg_pool`), or else a new
`CREATE DATABASE ... TEMPLATE` copy of it.
"""

import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from tests.pg_pool import Pool

PG_ENV = "PARTNERDESK_TEST_POSTGRES"
ENGINES = ("sqlite", "postgresql")
NO_SERVER = (f"PostgreSQL half skipped: ${PG_ENV} names no server (scripts/test starts a "
             "throwaway one when PostgreSQL is installed)")

_made: dict[str, str] = {}
_making = threading.Lock()
_pool: list[Pool] = []  # this process's, once made


def server_url() -> URL | None:
    """The test server's URL (psycopg driver), or None when there is none."""
    value = os.environ.get(PG_ENV)
    if not value:
        return None
    return make_url(value).set(drivername="postgresql+psycopg")


def skip_without_server() -> URL:
    url = server_url()
    if url is None:
        pytest.skip(NO_SERVER)
    return url


def _run(url: URL, *statements: str) -> None:
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def template_name() -> str:
    """This process's migrated, empty template database (made on first use)."""
    with _making:
        if "template" not in _made:
            from partnerdesk.db.server import open_server_database, parse_address

            url = skip_without_server()
            name = f"pd_template_{os.getpid()}_{uuid.uuid4().hex[:8]}"
            _run(url, f'CREATE DATABASE "{name}"')
            engine = open_server_database(parse_address(
                url.set(database=name).render_as_string(hide_password=False)))
            engine.dispose()
            _made["template"] = name
            import atexit

            atexit.register(_run, url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return _made["template"]


def _the_pool() -> Pool:
    url = skip_without_server()
    template = template_name()
    with _making:
        if not _pool:
            _pool.append(Pool(url, template, _run))
        return _pool[0]


def new_database_url() -> str:
    """An empty, migrated server database, as a new copy of the template would be; its URL
    (give it back with `drop_database`)."""
    return _the_pool().take()


def copy_database_url(source_url: str) -> str:
    """A new server database, a copy of the one at `source_url` (no one may be connected
    to it); its URL (drop it with `drop_database`)."""
    url = skip_without_server()
    source = make_url(source_url).database
    name = f"pd_test_{uuid.uuid4().hex[:12]}"
    _run(url, f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    return url.set(drivername="postgresql", database=name).render_as_string(
        hide_password=False)


def empty_database_url() -> str:
    """A new server database with no tables at all (for moving in, restores, upgrades)."""
    url = skip_without_server()
    name = f"pd_test_{uuid.uuid4().hex[:12]}"
    _run(url, f'CREATE DATABASE "{name}"')
    return url.set(drivername="postgresql", database=name).render_as_string(
        hide_password=False)


def engine_param(request: pytest.FixtureRequest) -> str:
    """The engine a parametrized test runs on; skips the PostgreSQL half when there is no
    server, or when the test is marked `sqlite_only` (it is about the file itself)."""
    engine: str = request.param
    if engine == "postgresql":
        marker = request.node.get_closest_marker("sqlite_only")
        if marker is not None:
            pytest.skip(f"SQLite only: {marker.args[0] if marker.args else 'a file test'}")
        skip_without_server()
    return engine


def drop_database(database_url: str) -> None:
    """Drops a server database, or gives one from `new_database_url` back to be used again."""
    if _pool and _pool[0].owns(database_url):
        _pool[0].give_back(database_url)
        return
    url = make_url(database_url).set(drivername="postgresql+psycopg")
    _run(url, f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


@contextmanager
def server_databases() -> Iterator[list[str]]:
    """Collects the URLs of databases made in a test; drops them all afterwards."""
    made: list[str] = []
    try:
        yield made
    finally:
        for database_url in made:
            drop_database(database_url)


# The group whose members the test server asks for a password (scripts/test-postgres.sh).
PASSWORD_GROUP = "partnerdesk_password_login"


@contextmanager
def password_role(database_url: str) -> Iterator[tuple[str, str]]:
    """A login role that must give its password (scram, over TCP) and may change the
    office database at `database_url`: yields (its name, its password); dropped after.

    Skips when the server takes any password (one started by an older
    scripts/test-postgres.sh, without the group's line in pg_hba.conf)."""
    url = skip_without_server()
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            asked = connection.execute(text(
                "SELECT count(*) FROM pg_hba_file_rules WHERE :group = ANY(user_name) "
                "AND auth_method IN ('scram-sha-256', 'md5')"),
                {"group": f"+{PASSWORD_GROUP}"}).scalar()
            if not asked:
                pytest.skip("The test server takes any password (restart it with "
                            "scripts/test-postgres.sh to test a wrong one)")
            # Another test process may make the group at the same moment.
            connection.execute(text(
                f"DO $$ BEGIN CREATE ROLE {PASSWORD_GROUP} NOLOGIN; "
                "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"))
    finally:
        admin.dispose()
    name = f"pd_person_{uuid.uuid4().hex[:8]}"
    password = f"pw-{uuid.uuid4().hex[:12]}"
    database = make_url(database_url).database
    _run(url, f"CREATE ROLE {name} LOGIN PASSWORD '{password}' IN ROLE {PASSWORD_GROUP}")
    office = create_engine(url.set(database=database), isolation_level="AUTOCOMMIT")
    try:
        with office.connect() as connection:
            connection.execute(text(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {name}"))
            connection.execute(text(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {name}"))
        yield name, password
    finally:
        with office.connect() as connection:
            connection.execute(text(f"DROP OWNED BY {name}"))
        office.dispose()
        _run(url, f"DROP ROLE IF EXISTS {name}")
