"""Opening databases: created at head, WAL, refusing newer or foreign files untouched."""

import hashlib
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from partnerdesk.db.migrate import current_revision, head_revision, open_database
from partnerdesk.errors import NewerDatabaseError, NotADatabaseError
from partnerdesk.services import Desk

pytestmark = pytest.mark.real_migration  # about migrating a new database itself


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_is_at_head_in_wal_mode(db_path: Path) -> None:
    engine = open_database(db_path)
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    engine.dispose()


def test_autogenerate_finds_nothing_left_to_migrate(db_path: Path) -> None:
    engine = open_database(db_path)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_name": _include_name})
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert differences == []


def _include_name(name: str | None, type_: str, parent: object) -> bool:
    from partnerdesk.db.search_index import is_search_table

    return not (type_ == "table" and name and is_search_table(name))


def _stamp_future_revision(path: Path) -> None:
    Desk.open(path).close()
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = 'f00d_from_the_future'")
    connection.commit()
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def test_newer_database_is_refused_and_left_byte_for_byte(db_path: Path) -> None:
    _stamp_future_revision(db_path)
    before = digest(db_path)
    with pytest.raises(NewerDatabaseError, match="newer"):
        Desk.open(db_path)
    assert digest(db_path) == before


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("shopping list: eggs, milk")
    with pytest.raises(NotADatabaseError, match="not a PartnerDesk database"):
        Desk.open(path)
    assert path.read_text() == "shopping list: eggs, milk"


def test_a_database_of_another_program_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE recipes (name TEXT)")
    connection.commit()
    connection.close()
    before = digest(path)
    with pytest.raises(NotADatabaseError, match="not a PartnerDesk one"):
        Desk.open(path)
    assert digest(path) == before


def test_revisions_read_from_the_files_agree_with_alembic() -> None:
    """Opening reads revision ids without Alembic; they must be Alembic's own."""
    from alembic.script import ScriptDirectory

    from partnerdesk.db.migrate import alembic_config, head_revision, known_revisions

    script = ScriptDirectory.from_config(alembic_config())
    assert head_revision() == script.get_current_head()
    assert known_revisions() == {rev.revision for rev in script.walk_revisions()}
