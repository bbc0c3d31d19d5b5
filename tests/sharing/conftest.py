"""Helpers for sharing tests: several laptops (databases) and a full dump to compare."""

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from partnerdesk.services import Desk
from partnerdesk.sharing.exporter import export_bundle
from tests.engines import ENGINES, engine_param


def dump(desk: Desk | Path) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Every row of every table (records, history, conflicts, settings, search), of a
    desk's database on either engine, or of a database file."""
    if isinstance(desk, Desk) and desk.address is not None:
        return _server_dump(desk)
    connection = sqlite3.connect(desk.path if isinstance(desk, Desk) else desk)
    try:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'search_index_%' ORDER BY name")]
        return [(table, sorted(connection.execute(f"SELECT * FROM {table}").fetchall(),
                               key=repr)) for table in tables]
    finally:
        connection.close()


def _server_dump(desk: Desk) -> list[tuple[str, list[tuple[object, ...]]]]:
    from sqlalchemy import inspect, text

    with desk.store.engine.connect() as connection:
        tables = sorted(inspect(connection).get_table_names())
        return [(table, sorted((tuple(row) for row in connection.execute(
            text(f"SELECT * FROM {table}"))), key=repr)) for table in tables]


@pytest.fixture(params=ENGINES)
def db_engine(request: pytest.FixtureRequest) -> str:
    """Every test here that opens a database runs on SQLite and on PostgreSQL."""
    return engine_param(request)


class Laptops:
    """`laptops("a")` opens (once) a separate database with its own device id: a new one,
    or a copy of a database built once (`copy_of`)."""

    def __init__(self, new_desk: Callable[..., Desk], folder: Path) -> None:
        self._new_desk = new_desk
        self._folder = folder
        self._opened: dict[str, Desk] = {}
        self._copies: dict[str, Path | str] = {}

    def __call__(self, name: str) -> Desk:
        if name not in self._opened:
            self._opened[name] = self._new_desk(self._folder / f"{name}.db",
                                                copy_of=self._copies.get(name))
        return self._opened[name]

    def copy_of(self, name: str, kept: "Kept") -> None:
        """`laptops(name)`, when a test asks for it, is a copy of the kept database."""
        assert name not in self._opened, f"the laptop {name!r} is open already"
        self._copies[name] = kept.database


@pytest.fixture
def laptops(new_desk: Callable[..., Desk], tmp_path: Path) -> Laptops:
    return Laptops(new_desk, tmp_path)


class Kept:
    """A database built once in a test process, closed, and what its build made."""

    def __init__(self, database: Path | str, made: Path) -> None:
        self.database = database  # a file, or a server database's URL
        self.made = made


Build = Callable[[Desk, Path], Path]


@pytest.fixture(scope="session")
def built_once(tmp_path_factory: pytest.TempPathFactory
               ) -> Iterator[Callable[[str, str, Build], Kept]]:
    """`built_once(name, engine, build)`: `build(desk, folder)` runs once per test process
    and engine, on a new database, which is then closed and kept for copying (tests that
    change it change a copy: `Laptops.copy_of`)."""
    from tests.engines import drop_database, new_database_url
    from tests.new_database import close_for_copying, open_new_desk

    kept: dict[tuple[str, str], Kept] = {}
    servers: list[str] = []

    def get(name: str, engine: str, build: Build) -> Kept:
        if (name, engine) not in kept:
            folder = tmp_path_factory.mktemp(f"{name}-{engine}")
            database: Path | str
            if engine == "postgresql":
                database = new_database_url()
                servers.append(database)
                desk = Desk.open(database)
            else:
                database = folder / f"{name}.db"
                desk = open_new_desk(database)
            try:
                made = build(desk, folder)
            finally:
                desk.close()
            if isinstance(database, Path):
                close_for_copying(database)
            kept[name, engine] = Kept(database, made)
        return kept[name, engine]

    yield get
    for url in servers:
        drop_database(url)


def _good_bundle(home: Desk, folder: Path) -> Path:
    org = home.organizations.create(name="Harbor Clinic")
    home.contacts.create(name="Ida", organization_id=org.id,
                         emails=[{"address": "ida@example.org"}])
    source = folder / "signed.pdf"
    source.write_bytes(b"%PDF-1.4 signed copy")
    home.attachments.attach("organization", org.id, source)
    path = folder / "good.partnerdesk"
    export_bundle(home, path)
    return path


@pytest.fixture
def good(laptops: Laptops, built_once: Callable[[str, str, Build], Kept], db_engine: str,
         tmp_path: Path) -> Path:
    """A valid bundle with a few records and one attachment; `laptops("home")` is (a copy
    of) the laptop that made it. Made once per test process and engine: the tests only
    read it, or change copies."""
    kept = built_once("good", db_engine, _good_bundle)
    laptops.copy_of("home", kept)
    path = tmp_path / "good.partnerdesk"
    shutil.copyfile(kept.made, path)
    return path
