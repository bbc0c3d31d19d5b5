"""One PartnerDesk process per database; a crashed holder's lock is recovered by itself."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from partnerdesk.db.lock import acquire_lock, holds_lock, lock_path, read_holder
from partnerdesk.errors import DatabaseLockedError
from partnerdesk.services import Desk
from tests.safety import children

PARTNERDESK = str(Path(sys.executable).with_name("partnerdesk"))


def run_cli(db_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PARTNERDESK, "--db", str(db_path), *args], capture_output=True,
                          text=True, timeout=children.WAIT_SECONDS,
                          env=os.environ.copy())


def test_second_process_is_refused_naming_the_holder_and_recovers_after_kill(
        tmp_path: Path) -> None:
    db_path = tmp_path / "shared.db"
    with Desk.open(db_path) as desk:
        desk.organizations.create(name="Riverside Clinic")
    ctx = children.context()
    parent_end, child_end = ctx.Pipe(duplex=True)  # the holder waits on it to be killed
    holder = ctx.Process(target=children.holder,
                         args=(str(db_path), os.environ["PARTNERDESK_DATA_DIR"], child_end))
    holder.start()
    child_end.close()
    try:
        assert parent_end.poll(children.WAIT_SECONDS)
        _ready, pid = parent_end.recv()
        refused = run_cli(db_path, "stats")
        assert refused.returncode == 1
        assert f"process {pid}" in refused.stderr
        assert socket.gethostname() in refused.stderr
        assert "already open" in refused.stderr
        assert "Traceback" not in refused.stderr
        refused_restore = run_cli(db_path, "restore", str(db_path))
        assert refused_restore.returncode == 1 and f"process {pid}" in refused_restore.stderr
        with pytest.raises(DatabaseLockedError):  # this process too
            Desk.open(db_path)
    finally:
        holder.kill()  # SIGKILL: no chance to clean up
        holder.join()
    # The note about the dead holder is still there, but the OS lock went with it.
    assert read_holder(db_path) is not None and read_holder(db_path).pid == pid
    started = run_cli(db_path, "stats", "--json")
    assert started.returncode == 0, started.stderr
    assert '"organizations": 1' in started.stdout


def test_lock_is_shared_inside_one_process_and_released_by_the_last(tmp_path: Path) -> None:
    db_path = tmp_path / "one.db"
    first = Desk.open(db_path)
    second = Desk.open(db_path)  # the same process: the app and a window, say
    assert holds_lock(db_path)
    first.close()
    assert holds_lock(db_path)
    second.close()
    assert not holds_lock(db_path)
    assert lock_path(db_path).exists()  # emptied, not deleted
    assert lock_path(db_path).read_text() == ""


def test_failed_open_releases_the_lock(tmp_path: Path) -> None:
    db_path = tmp_path / "notes.db"
    db_path.write_text("these are my notes, not a database")
    with pytest.raises(Exception, match="not a PartnerDesk database"):
        Desk.open(db_path)
    assert not holds_lock(db_path)
    assert db_path.read_text() == "these are my notes, not a database"


def test_holder_description_is_plain(tmp_path: Path) -> None:
    db_path = tmp_path / "x.db"
    with acquire_lock(db_path):
        holder = read_holder(db_path)
        assert holder is not None and holder.pid == os.getpid()
        assert holder.host == socket.gethostname()
        assert "on the computer" in holder.describe()
