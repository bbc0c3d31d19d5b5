"""An office database on PostgreSQL: the address and its TLS rule, one schema built and
upgraded by the same migrations as a file, refusals that leave the database as it was,
and every command on a server URL (--db and $PARTNERDESK_DB)."""

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlmodel import SQLModel

from partnerdesk.cli import main
from partnerdesk.db.migrate import alembic_config, current_revision, head_revision
from partnerdesk.db.server import (
    is_server_url,
    make_server_engine,
    open_server_database,
    parse_address,
)
from partnerdesk.errors import DatabaseProblem, NewerDatabaseError, NotADatabaseError
from partnerdesk.services import Desk
from tests.engines import drop_database, empty_database_url, new_database_url


@pytest.fixture
def empty_server() -> Iterator[str]:
    """The URL of a new server database without a single table."""
    url = empty_database_url()
    yield url
    drop_database(url)


@pytest.fixture
def office() -> Iterator[str]:
    """The URL of a new, migrated, empty office database."""
    url = new_database_url()
    yield url
    drop_database(url)


# -- the address (no server needed) -----------------------------------------------------

def test_a_server_url_is_told_from_a_file_name() -> None:
    assert is_server_url("postgresql://ana@db.example.org/office")
    assert is_server_url("postgres://ana@db.example.org/office")
    assert not is_server_url("/home/ana/partnerdesk.db")
    assert not is_server_url("postgresql.db")


def test_another_computer_is_reached_over_tls_by_default() -> None:
    address = parse_address("postgresql://ana@db.example.org/office")
    assert address.url.query["sslmode"] == "require"
    assert address.url.drivername == "postgresql+psycopg"
    verified = parse_address("postgresql://ana@db.example.org/office?sslmode=verify-full")
    assert verified.url.query["sslmode"] == "verify-full"


def test_another_computer_without_tls_is_refused_unless_the_user_says_so() -> None:
    with pytest.raises(DatabaseProblem, match="without encryption.*allow_plaintext=yes"):
        parse_address("postgresql://ana@10.0.0.5/office?sslmode=disable")
    allowed = parse_address(
        "postgresql://ana@10.0.0.5/office?sslmode=disable&allow_plaintext=yes")
    assert allowed.url.query == {"sslmode": "disable"}  # our option is not sent on


def test_this_computer_needs_no_tls() -> None:
    for host in ("localhost", "127.0.0.1", "[::1]"):
        assert "sslmode" not in parse_address(f"postgresql://ana@{host}/office").url.query
    parse_address("postgresql://ana@localhost/office?sslmode=disable")  # not refused


def test_an_address_without_a_database_or_with_an_unknown_mode_is_refused() -> None:
    with pytest.raises(DatabaseProblem, match="names no database"):
        parse_address("postgresql://ana@db.example.org")
    with pytest.raises(DatabaseProblem, match="sslmode=sometimes"):
        parse_address("postgresql://ana@db.example.org/office?sslmode=sometimes")


def test_the_password_is_never_shown() -> None:
    address = parse_address("postgresql://ana:secret@db.example.org/office")
    assert "secret" not in address.shown() and "secret" not in str(address)
    assert address.user == "ana" and address.database == "office"


# -- one schema, two engines --------------------------------------------------------------

def test_an_empty_server_database_is_built_at_head(empty_server: str) -> None:
    engine = open_server_database(parse_address(empty_server))
    try:
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "compare_type": True, "include_name": _include_name})
            differences = compare_metadata(context, SQLModel.metadata)
            deferrable = connection.execute(text(
                "SELECT bool_and(condeferrable), count(*) FROM pg_constraint "
                "WHERE contype = 'f'")).one()
            extensions = connection.execute(text(
                "SELECT extname FROM pg_extension")).scalars().all()
    finally:
        engine.dispose()
    # the models and the migrated schema agree on PostgreSQL as on SQLite
    # (foreign keys differ in DEFERRABLE only: made so after every upgrade)
    assert [d for d in differences if not _deferrable_only(d)] == []
    added = sorted(repr(d[1].columns.keys()) + d[1].referred_table.name for d in differences
                   if isinstance(d, tuple) and d[0] == "add_fk")
    removed = sorted(repr(d[1].columns.keys()) + d[1].referred_table.name for d in differences
                     if isinstance(d, tuple) and d[0] == "remove_fk")
    assert added == removed
    assert deferrable[1] > 10 and deferrable[0] is True  # a bundle's rows in any order
    assert "unaccent" in extensions


def _include_name(name: str | None, type_: str, _parent: object) -> bool:
    from partnerdesk.db.search_index import is_search_table

    return not (type_ == "table" and name and is_search_table(name))


def _deferrable_only(difference: object) -> bool:
    return isinstance(difference, tuple) and difference[0] in ("add_fk", "remove_fk")


def test_an_older_server_database_is_upgraded_in_place_with_its_records(
        empty_server: str) -> None:
    """The same migrations that upgrade a file upgrade the server, data migrations
    included (0006 indexes the obligations already recorded)."""
    engine = make_server_engine(parse_address(empty_server))
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")
        _insert(connection, "agreements", id="a1", title="Lease")
        _insert(connection, "obligations", id="o1", agreement_id="a1",
                description="Quarterly référral report", frequency="quarterly")
    engine.dispose()
    with Desk.open(empty_server) as desk:
        assert current_revision(desk.store.engine) == head_revision()
        assert [hit.title for hit in desk.search("referral")] == ["Quarterly référral report"]


def _insert(connection: object, table: str, **values: object) -> None:
    """A row as an older version wrote it: the given values, every other required
    column filled with a plain value of its type."""
    from datetime import UTC, date, datetime

    plain = {"BOOLEAN": False, "JSON": "{}", "DATE": date(2026, 1, 1)}
    row = dict(values)
    for column in inspect(connection).get_columns(table):
        if column["name"] in row or column["nullable"] or column.get("default"):
            continue
        kind = str(column["type"]).split("(")[0]
        row[column["name"]] = plain.get(kind, datetime.now(UTC) if "TIME" in kind else
                                        0 if kind in {"INTEGER", "FLOAT", "DOUBLE PRECISION"}
                                        else "")
    names = ", ".join(row)
    marks = ", ".join(f":{name}" for name in row)
    connection.execute(text(f"INSERT INTO {table} ({names}) VALUES ({marks})"), row)


def test_a_database_of_someone_elses_is_refused_and_left_alone(empty_server: str) -> None:
    engine = create_engine(parse_address(empty_server).url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE invoices (id integer primary key)"))
    try:
        with pytest.raises(NotADatabaseError, match="not PartnerDesk's"):
            Desk.open(empty_server)
        with engine.connect() as connection:
            assert inspect(connection).get_table_names() == ["invoices"]
    finally:
        engine.dispose()


def test_a_newer_server_database_is_refused_untouched(office: str) -> None:
    engine = create_engine(parse_address(office).url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
    try:
        with pytest.raises(NewerDatabaseError, match="newer version"):
            Desk.open(office)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")
                                      ).scalar() == "f00d"
            assert connection.execute(text("SELECT count(*) FROM categories")).scalar() == 0
    finally:
        engine.dispose()


def test_a_server_that_cannot_be_reached_is_a_sentence(office: str) -> None:
    missing = office.rsplit("/", 1)[0] + "/no_such_office"
    with pytest.raises(DatabaseProblem, match="no database called no_such_office"):
        Desk.open(missing)


# -- every command on a server URL ----------------------------------------------------------

def test_commands_take_a_server_url_with_db_or_the_variable(
        office: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["--db", office, "demo"]) == 0
    assert "Sample data loaded into postgresql://" in capsys.readouterr().out
    assert main(["--db", office, "search", "zoe", "--json"]) == 0
    assert [hit["title"] for hit in json.loads(capsys.readouterr().out)] == ["Zoë Martín"]
    monkeypatch.setenv("PARTNERDESK_DB", office)
    assert main(["stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["organizations"] == 9
    # a second demo into the same office database is refused: it holds records
    assert main(["demo"]) == 1
    assert "already holds records" in capsys.readouterr().err
    # check works on the office database too: the schema and every record's revision
    assert main(["check"]) == 0
    assert "Records:   ok (" in capsys.readouterr().out


# -- people and permissions: the README's set-up ------------------------------------------

def _readme_setup_sql() -> str:
    """The SQL block of the README's section on the server, as an office's helper runs it."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## An office database on a server"):]
    return section[section.index("```sql") + len("```sql"):section.index("```\n", 10)]


def test_the_readmes_setup_gives_each_person_a_role_and_readers_cannot_change(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from tests.engines import skip_without_server

    server = skip_without_server()
    tag = uuid.uuid4().hex[:8]
    names = {"partnerdesk_staff": f"staff_{tag}", "partnerdesk_readers": f"readers_{tag}",
             "DATABASE partnerdesk": f"DATABASE office_{tag}",
             "connect partnerdesk": f"connect office_{tag}",
             "ROLE ana": f"ROLE ana_{tag}", "ROLE sam": f"ROLE sam_{tag}"}
    script = _readme_setup_sql()
    for old, new in names.items():
        script = script.replace(old, new)
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    office_url = server.set(drivername="postgresql", database=f"office_{tag}")
    try:
        statements = [s.strip() for s in script.split(";") if s.strip()]
        connection = admin.connect()
        for statement in statements:
            lines = [line for line in statement.splitlines()
                     if not line.strip().startswith("--")]
            sql = "\n".join(lines).strip()
            if sql.startswith("\\connect"):
                connection.close()
                office_admin = create_engine(server.set(database=f"office_{tag}"),
                                             isolation_level="AUTOCOMMIT")
                connection = office_admin.connect()
                sql = sql.split("\n", 1)[1].strip() if "\n" in sql else ""
            if sql:
                connection.execute(text(sql))
        connection.close()
        office_admin.dispose()
        ana = office_url.set(username=f"ana_{tag}").render_as_string(hide_password=False)
        sam = office_url.set(username=f"sam_{tag}").render_as_string(hide_password=False)
        with Desk.open(ana) as desk:  # the first person builds the schema
            assert desk.can_change
            desk.organizations.create(name="Harbor Clinic")
            contact = desk.contacts.create(name="Zoë Martín", role="Nurse")
            desk.contacts.update(contact.id, notes="Mornings.")
            # history says who: the person's own role, though tables are the office's
            assert [entry.changed_by for entry in desk.contacts.history(contact.id)] == [
                f"ana_{tag}"]
        with Desk.open(sam) as reader:
            assert not reader.can_change
            assert [hit.title for hit in reader.search("zoe")] == ["Zoë Martín"]
            assert reader.stats()["contacts"] == 1
            with pytest.raises(DatabaseProblem, match="may look at the office database but "
                                                      "not change it"):
                reader.contacts.update(contact.id, role="Head nurse")
            assert reader.contacts.get(contact.id).role == "Nurse"
        # on the command line: one sentence, exit status 1, nothing changed
        assert main(["--db", sam, "settings", "page_size", "a4"]) == 1
        assert "not change it" in capsys.readouterr().err
        # but printing and exporting work: the export log the reader cannot write to
        # is left alone (it stopped both with "not change it", the PDF already written)
        pdf, bundle = tmp_path / "directory.pdf", tmp_path / "all.partnerdesk"
        assert main(["--db", sam, "report", "directory", "-o", str(pdf)]) == 0
        assert main(["--db", sam, "export", "-o", str(bundle)]) == 0
        assert pdf.read_bytes().startswith(b"%PDF") and bundle.stat().st_size > 0
        capsys.readouterr()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "office_{tag}" WITH (FORCE)'))
            for role in (f"ana_{tag}", f"sam_{tag}", f"staff_{tag}", f"readers_{tag}"):
                connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


# -- other people's saves reach open windows --------------------------------------------

def test_other_peoples_saves_are_heard_and_ones_own_are_not_repeated(office: str) -> None:
    import threading

    from partnerdesk.services import Change

    with Desk.open(office) as ana, Desk.open(office) as bea:
        heard: list[Change] = []
        arrived = threading.Event()

        def on_changes(changes: list[Change]) -> None:
            heard.extend(changes)
            arrived.set()

        bea.subscribe(on_changes)
        bea.store.hear_others()
        assert bea.store._listener.listening.wait(60)
        contact = ana.contacts.create(name="Ida Brandt")
        assert arrived.wait(60)  # a guard against a hang, not a measure of speed
        assert heard == [Change("contact", contact.id, "created", heard[0].fields,
                                elsewhere=True)]
        assert "name" in heard[0].fields
        # Bea hears her own save once (from her own store), and Ana's through the server,
        # and can tell them apart (her open editor shows Ana's, not her own, as news)
        arrived.clear()
        heard.clear()
        bea.contacts.update(contact.id, role="Nurse")
        ana.contacts.update(contact.id, notes="Mornings.")
        assert arrived.wait(60)
        while len(heard) < 2:
            assert arrived.wait(60)
            arrived.clear()
        assert [(c.record_id, c.action, c.fields, c.elsewhere) for c in heard] == [
            (contact.id, "updated", ("role",), False),
            (contact.id, "updated", ("notes",), True)]


# -- change numbers: no save waits for another's, and a save always beats what it saw ------

def _notes_stamp(desk: Desk, record_id: str) -> list:
    return list(desk.contacts.get(record_id).stamps["notes"])


def test_a_save_in_progress_holds_no_lock_that_other_peoples_saves_wait_for(
        office: str) -> None:
    """The counter row is not locked while a save's transaction is open (it was, and ten
    people saving at once queued behind each other's saves)."""
    import psycopg
    from sqlalchemy.engine import make_url

    with Desk.open(office) as ana:
        first = ana.contacts.create(name="Ana's contact")
        second = ana.contacts.create(name="Bea's contact")
        url = make_url(office)
        with ana.store.write() as writer:
            row = writer.session.get(type(first), first.id)
            writer.update(row, {"notes": "Calls back on Mondays."})
            # Another person's save, from another connection, while this one is open:
            # neither the counter row nor the other record is locked.
            with psycopg.connect(host=url.host, port=url.port, user=url.username,
                                 dbname=url.database) as other:
                other.execute("SELECT value FROM settings WHERE key = 'lamport_counter' "
                              "FOR UPDATE NOWAIT")
                other.execute("SELECT id FROM contacts WHERE id = %s FOR UPDATE NOWAIT",
                              (second.id,))
        assert ana.contacts.get(first.id).notes == "Calls back on Mondays."


def test_a_save_beats_every_stamp_of_the_record_it_replaces(office: str) -> None:
    """Each session numbers its saves from numbers it reserved; a record saved meanwhile
    by someone whose numbers are higher still gets a higher stamp, so a bundle carrying
    both values to a laptop keeps the later one."""
    with Desk.open(office) as ana, Desk.open(office) as bea:
        contact = ana.contacts.create(name="Zoë Martín")  # ana reserves her numbers
        bea.contacts.create(name="Someone else")  # bea reserves the next ones
        shown = bea.contacts.get(contact.id)
        bea.contacts.update(contact.id, rev=shown.rev, notes="Bea's note")
        theirs = _notes_stamp(ana, contact.id)
        shown = ana.contacts.get(contact.id)
        ana.contacts.update(contact.id, rev=shown.rev, notes="Ana's note, after Bea's")
        ours = _notes_stamp(ana, contact.id)
        assert (ours[0], ours[1]) > (theirs[0], theirs[1])
        assert ours[2] == {theirs[1]: theirs[0]}  # and it had seen Bea's value
        # the counter is past every number used: what a bundle's manifest says
        assert ana.store.counter() >= ours[0]
        assert bea.store.counter() >= ours[0]


def test_numbers_seen_in_an_import_are_beaten_by_the_next_save(office: str) -> None:
    with Desk.open(office) as ana:
        contact = ana.contacts.create(name="Zoë Martín")
        with ana.store.write() as writer:
            writer.observe_counter(10_000)
        assert ana.store.counter() >= 10_000
        ana.contacts.update(contact.id, notes="After the import")
        assert _notes_stamp(ana, contact.id)[0] > 10_000


# -- a wrong password ---------------------------------------------------------------------

def _files_holding(folder: Path, secret: str) -> list[str]:
    return [str(path) for path in folder.rglob("*") if path.is_file()
            and secret.encode() in path.read_bytes()]


def test_a_wrong_password_on_the_command_line_is_a_sentence_and_nothing_opens(
        office: str, capsys: pytest.CaptureFixture[str]) -> None:
    import os

    from sqlalchemy.engine import make_url

    from tests.engines import password_role

    with Desk.open(office) as desk:
        desk.contacts.create(name="Ida Brandt")
    with password_role(office) as (name, password):
        url = make_url(office).set(username=name)
        wrong = url.set(password="not-" + password).render_as_string(hide_password=False)
        right = url.set(password=password).render_as_string(hide_password=False)
        assert main(["--db", wrong, "stats"]) == 1
        out, err = capsys.readouterr()
        assert "The user name or password was not accepted" in err
        assert "Traceback" not in err and out == ""
        assert "not-" + password not in err
        # the same account with its own password opens it: the password was the problem
        assert main(["--db", right, "stats", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["contacts"] == 1
        data = Path(os.environ["PARTNERDESK_DATA_DIR"])
        assert _files_holding(data, password) == []


def test_a_connection_the_server_dropped_while_idle_is_replaced(
        office: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pool tries only connections that sat idle (a save in steady use pays no round
    trip for it); one the server dropped meanwhile (restarted, the laptop slept) is
    replaced, and the person's next save goes through."""
    from partnerdesk.db import server

    with Desk.open(office) as desk:
        contact = desk.contacts.create(name="Ida Brandt")
        with desk.store.engine.connect() as connection:
            pids = [connection.execute(text("SELECT pg_backend_pid()")).scalar()]
        admin = create_engine(make_server_engine(parse_address(office)).url,
                              isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE datname = current_database() AND pid <> "
                                    "pg_backend_pid() AND application_name = 'PartnerDesk' "
                                    "AND pid = ANY(:pids)"), {"pids": pids})
        admin.dispose()
        monkeypatch.setattr(server, "IDLE_PING_SECONDS", 0.0)  # every pooled one is idle
        saved = desk.contacts.update(contact.id, rev=contact.rev, notes="Mornings.")
        assert desk.contacts.get(contact.id).notes == saved.notes == "Mornings."
