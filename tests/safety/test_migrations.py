"""Safe upgrades: a test-only migration after the real head, upgraded, failed and killed.

The extra migration lives in a temporary folder, so the real migrations in
partnerdesk/db/migrations/versions stay as they are. It rebuilds the contacts table
(Alembic batch mode: copy, drop, rename) and adds a table: the kind of change that
leaves a mix of old and new when cut off in place.
"""

import hashlib
import random
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from partnerdesk.db import records as r
from partnerdesk.db.backup import integrity_ok
from partnerdesk.db.backup_folder import list_backups
from partnerdesk.db.migrate import head_revision, stored_revision
from partnerdesk.errors import DatabaseProblem
from partnerdesk.services import Desk
from tests.safety import children

pytestmark = pytest.mark.real_migration  # about migrating a new database itself

TEST_REVISION = "t900safety"
MIGRATION = '''"""test-only: rebuild contacts with a new column, add a table"""
import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("pronouns", sa.String(40), nullable=False,
                                   server_default=""))
    op.create_table("safety_marks", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("note", sa.String, nullable=False))
    op.execute("INSERT INTO safety_marks (note) SELECT name FROM contacts")
    {extra}


def downgrade() -> None:
    op.drop_table("safety_marks")
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("pronouns")
'''


# The test migration waits here to be killed when the child was asked to (see children.py).
PAUSE_HALF_WAY = "from tests.safety.children import upgrade_pause; upgrade_pause()"


def write_migration(folder: Path, extra: str = "pass") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{TEST_REVISION}.py").write_text(
        MIGRATION.format(revision=TEST_REVISION, down=head_revision(), extra=extra))
    return folder


def use_extra_migration(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make this process see the test migration, as a newer PartnerDesk would."""
    from partnerdesk.db import migrate

    monkeypatch.setattr(migrate, "VERSION_FOLDERS", [*migrate.VERSION_FOLDERS, folder])


def make_old_database(path: Path, contacts: int = 300) -> None:
    with Desk.open(path) as desk, desk.store.write() as writer:
        org = writer.create(r.Organization, {"name": "Riverside Clinic"})
        writer.bulk_create(r.Contact, [{"name": f"Person {i}", "organization_id": org.id}
                                       for i in range(contacts)])


def schema(path: Path) -> tuple[str | None, frozenset[str], bool]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        columns = frozenset(row[1] for row in connection.execute("PRAGMA table_info(contacts)"))
        tables = {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table'")}
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        connection.close()
    return revision, columns, "safety_marks" in tables


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    """A database made by the current release, before the test migration exists."""
    path = tmp_path / "old.db"
    make_old_database(path, contacts=20)
    return path


def test_upgrade_backs_up_then_migrates(tmp_path: Path, old_db: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    old_revision = stored_revision(old_db)
    use_extra_migration(monkeypatch, write_migration(tmp_path / "versions"))
    with Desk.open(old_db) as desk:
        assert desk.contacts.count() == 20
    revision, columns, marks = schema(old_db)
    assert revision == TEST_REVISION and "pronouns" in columns and marks
    before = [info for info in list_backups(old_db) if info.reason == "before-upgrade"]
    assert len(before) == 1
    assert stored_revision(before[0].path) == old_revision
    assert before[0].counts["contacts"] == 20
    assert not old_db.with_name(old_db.name + ".upgrading").exists()
    assert integrity_ok(old_db)


@pytest.mark.parametrize("extra, reason", [
    ('raise RuntimeError("the upgrade broke half-way")', "the upgrade broke half-way"),
    ("op.execute(\"UPDATE contacts SET organization_id = 'nowhere'\")",
     "Some records point at records that do not exist"),
])
def test_failed_upgrade_leaves_the_file_exactly_as_it_was(
        tmp_path: Path, old_db: Path, monkeypatch: pytest.MonkeyPatch,
        extra: str, reason: str) -> None:
    old_schema = schema(old_db)
    before = file_hash(old_db)
    use_extra_migration(monkeypatch, write_migration(tmp_path / "versions", extra))
    with pytest.raises(DatabaseProblem) as raised:
        Desk.open(old_db)
    message = raised.value.message
    assert "left exactly as it was" in message and reason in message
    assert "before-upgrade" in message  # it says where the backup is
    assert file_hash(old_db) == before
    assert schema(old_db) == old_schema
    assert not old_db.with_name(old_db.name + ".upgrading").exists()
    # And the lock was let go: the current release opens it again at once.
    monkeypatch.undo()
    monkeypatch.setenv("PARTNERDESK_DATA_DIR", str(tmp_path / "data"))
    with Desk.open(old_db) as desk:
        assert desk.contacts.count() == 20


MIGRATION_KILL_TRIALS = 21
# Where each trial is killed: paused half-way through the upgrade (the file must be the old
# one), after the upgrade finished (the new one), or at a random moment (either).
KILL_POINTS = ("mid-upgrade", "finished", "random")


def test_kill_9_during_upgrade_leaves_old_or_new(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    contacts = 1000
    template = tmp_path / "template.db"
    make_old_database(template, contacts=contacts)
    old = schema(template)
    versions = write_migration(tmp_path / "versions", extra=PAUSE_HALF_WAY)
    data_dir = tmp_path / "data"
    ctx = children.context()

    def start(path: Path, pause: bool = False):  # type: ignore[no-untyped-def]
        shutil.copyfile(template, path)
        parent_end, child_end = ctx.Pipe(duplex=True)
        process = ctx.Process(target=children.migrating_opener,
                              args=(str(path), str(data_dir), str(versions), child_end),
                              kwargs={"pause": pause})
        process.start()
        child_end.close()
        assert parent_end.poll(children.WAIT_SECONDS), "the child did not start"
        return process, parent_end

    def wait_for(pipe, kind: str) -> tuple:  # type: ignore[no-untyped-def]
        while True:
            assert pipe.poll(children.WAIT_SECONDS), f"no {kind!r} from the child"
            message = pipe.recv()
            if message[0] == kind:
                return message

    # How long one upgrade takes here, to aim the random kills inside it.
    process, pipe = start(tmp_path / "calibrate.db")
    ready = wait_for(pipe, "ready")[1]
    done = wait_for(pipe, "done")[1]
    process.join()
    duration = done - ready
    new = schema(tmp_path / "calibrate.db")
    assert new[0] == TEST_REVISION and new != old

    use_extra_migration(monkeypatch, versions)
    rng = random.Random(3)
    outcomes = []
    for trial in range(MIGRATION_KILL_TRIALS):
        point = KILL_POINTS[trial % len(KILL_POINTS)]
        path = tmp_path / f"trial{trial}.db"
        process, pipe = start(path, pause=point == "mid-upgrade")
        if point == "mid-upgrade":
            wait_for(pipe, "mid-upgrade")
        elif point == "finished":
            wait_for(pipe, "done")
        else:
            time.sleep(rng.uniform(0, duration * 1.1))
        process.kill()
        process.join()
        found = schema(path)
        assert found in (old, new), f"trial {trial}: mixed schema {found}"
        if point != "random":
            assert found == (old if point == "mid-upgrade" else new), f"trial {trial} ({point})"
        assert integrity_ok(path)
        outcomes.append("new" if found == new else "old")
        with Desk.open(path) as desk:  # the app opens it (upgrading it if it was old)
            assert desk.contacts.count() == contacts
        assert schema(path) == new
    assert {"old", "new"} <= set(outcomes)
    print(f"upgrade took {duration:.2f}s; outcomes {outcomes}")
