"""Automatic backups, thinning, the folder setting, listing, restore and damaged files."""

import contextlib
import io
import sqlite3
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from partnerdesk.cli import main as cli_main
from partnerdesk.db import backup_folder as folder
from partnerdesk.db.backup import DamagedDatabaseError, integrity_ok, restore_file
from partnerdesk.db.early_check import EarlyCheck
from partnerdesk.errors import DatabaseProblem, PartnerDeskError
from partnerdesk.services import Desk
from partnerdesk.services.backups import Backups, backup_now
from tests.safety import children


def cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli_main(list(args))
    return code, out.getvalue()


def fill(desk: Desk, organizations: int = 2, contacts: int = 3) -> None:
    for i in range(organizations):
        org = desk.organizations.create(name=f"Org {i}")
        for j in range(contacts):
            desk.contacts.create(name=f"Person {i}-{j}", organization_id=org.id)


def test_daily_backup_at_open_at_most_once_a_day(db_path: Path) -> None:
    with Desk.open(db_path) as desk:
        fill(desk)
    assert folder.list_backups(db_path) == []  # a brand-new file had nothing to keep
    with Desk.open(db_path):
        pass
    with Desk.open(db_path):
        pass
    backups = folder.list_backups(db_path)
    assert [b.reason for b in backups] == ["daily"]
    assert backups[0].counts["organizations"] == 2 and backups[0].counts["contacts"] == 6
    assert backups[0].path.parent == db_path.with_name("test-backups")


def test_backup_now_for_importers_is_checked_and_listed(desk: Desk) -> None:
    fill(desk)
    info = backup_now(desk.path, "before-import")
    assert integrity_ok(info.path)
    assert info.reason == "before-import" and info.reason_text() == "Before an import"
    assert info.holds_text().startswith("2 organizations, 6 contacts")
    assert info.size == info.path.stat().st_size and info.size_text().endswith((" KB", " MB"))
    assert not list(info.path.parent.glob("*.partial"))


def test_thinning_keeps_7_daily_5_weekly_12_monthly_and_manual(tmp_path: Path) -> None:
    db_path = tmp_path / "partnerdesk.db"
    where = tmp_path / "backups"
    where.mkdir()
    now = datetime(2026, 11, 23, 12, 0)
    made = []
    for days in range(0, 500):  # one automatic backup a day for 500 days, two on some
        when = now - timedelta(days=days, hours=1)
        made.append(when)
        (where / folder.backup_name(db_path, "daily", when)).write_bytes(b"x")
    manual = now - timedelta(days=400)
    (where / folder.backup_name(db_path, "manual", manual)).write_bytes(b"x")
    stranger = where / "holiday-photos.db"
    stranger.write_bytes(b"x")
    other_db = where / folder.backup_name(tmp_path / "other.db", "daily", now - timedelta(days=300))
    other_db.write_bytes(b"x")
    removed = folder.thin(where, db_path, now)
    kept = sorted(folder.parse_name(p.name, db_path)[0] for p in where.iterdir()
                  if folder.parse_name(p.name, db_path))
    assert stranger.exists() and other_db.exists()  # never touches what is not ours
    assert manual in kept
    automatic = [k for k in kept if k != manual]
    assert len(automatic) + len(removed) == len(made)
    assert all(now - k <= timedelta(days=2) for k in automatic[-2:])
    assert len({k.date() for k in automatic if now - k <= timedelta(days=7)}) >= 7
    months = {(k.year, k.month) for k in automatic}
    assert len(months) == 12
    assert len(automatic) <= 2 + 7 + 5 + 12
    assert min(automatic) > now - timedelta(days=366)


def test_backups_folder_setting_and_unplugged_drive(desk: Desk, tmp_path: Path) -> None:
    fill(desk, 1, 1)
    service = Backups.of(desk)
    usb = tmp_path / "usb" / "PartnerDesk backups"
    assert service.set_folder(usb) == usb.resolve()
    info = service.backup_now()
    assert info.path.parent == usb.resolve()
    # The setting lives outside the database (needed when it cannot be opened).
    assert Backups(desk.path).folder() == usb.resolve()
    # Drive unplugged (its mount point is no longer a folder): the backup still happens,
    # in the default folder.
    moved = tmp_path / "usb-was-here"
    (tmp_path / "usb").rename(moved)
    (tmp_path / "usb").write_text("not a folder")
    assert not folder.usable(usb)
    fallback = backup_now(desk.path, "before-import")
    assert fallback.path.parent == service.default_folder()
    (tmp_path / "usb").unlink()
    moved.rename(tmp_path / "usb")
    listed = {b.path for b in service.list()}
    assert info.path in listed  # both folders are listed
    with pytest.raises(PartnerDeskError, match="other than the one holding"):
        service.set_folder(desk.path.parent)
    service.set_folder(None)
    assert service.folder() == service.default_folder()


def test_restore_backs_up_current_and_clears_stale_wal(db_path: Path) -> None:
    with Desk.open(db_path) as desk:
        fill(desk, 1, 0)
        first = Backups.of(desk).backup_now()
        desk.organizations.create(name="Made after the backup")
    # A stale journal from some earlier crash, which must not be replayed on the backup.
    wal = db_path.with_name(db_path.name + "-wal")
    shm = db_path.with_name(db_path.name + "-shm")
    wal.write_bytes(b"\x37\x7f\x06\x82" + b"\0" * 4000)
    shm.write_bytes(b"\0" * 32768)
    code, out = cli("--db", str(db_path), "restore", str(first.path))
    assert code == 0, out
    assert not wal.exists() and not shm.exists()
    assert "kept at" in out
    with Desk.open(db_path) as desk:
        assert [o.name for o in desk.organizations.list()] == ["Org 0"]
    before = [b for b in folder.list_backups(db_path) if b.reason == "before-restore"]
    assert len(before) == 1 and before[0].counts["organizations"] == 2
    assert integrity_ok(db_path)


def test_restore_in_the_running_app_keeps_the_desk_usable(desk: Desk) -> None:
    fill(desk, 1, 0)
    service = Backups.of(desk)
    snapshot = service.backup_now()
    desk.organizations.create(name="Later")
    result = service.restore(snapshot.path)
    assert result.kept is not None
    assert desk.organizations.count() == 1  # the same Desk reads the restored file
    desk.organizations.create(name="After the restore")
    assert desk.organizations.count() == 2


def damage(path: Path) -> None:
    """Scribble over pages in the middle of the file, as a failing disk might."""
    data = bytearray(path.read_bytes())
    for offset in range(4096 * 3, min(len(data), 4096 * 40), 4096):
        data[offset:offset + 200] = b"\xde\xad" * 100
    path.write_bytes(bytes(data))


def test_damaged_database_offers_newest_good_backup_and_is_kept_aside(db_path: Path) -> None:
    with Desk.open(db_path) as desk:
        fill(desk, 3, 2)
        good = Backups.of(desk).backup_now()
        desk.organizations.create(name="Not in the backup")
    damage(db_path)
    damaged_bytes = db_path.read_bytes()
    with pytest.raises(DamagedDatabaseError) as raised:
        Desk.open(db_path)
    error = raised.value
    assert error.backup is not None and error.backup.path == good.path
    assert good.when_text() in error.message and "3 organizations, 6 contacts" in error.message
    assert "kept aside, never deleted" in error.message
    assert db_path.read_bytes() == damaged_bytes  # opening changed nothing
    code, out = cli("--db", str(db_path), "check")
    assert code == 1 and "restore" in out
    result = Backups(db_path).restore_newest_good()
    assert result.set_aside is not None and result.set_aside.read_bytes() == damaged_bytes
    with Desk.open(db_path) as desk:
        assert desk.organizations.count() == 3


def test_damaged_database_without_backups_is_left_alone(db_path: Path) -> None:
    with Desk.open(db_path) as desk:
        fill(desk, 3, 2)
    damage(db_path)
    damaged_bytes = db_path.read_bytes()
    with pytest.raises(DamagedDatabaseError, match="No good backup") as raised:
        Desk.open(db_path)
    assert raised.value.backup is None
    assert db_path.read_bytes() == damaged_bytes
    with pytest.raises(DatabaseProblem, match="no good backup"):
        Backups(db_path).restore_newest_good()
    assert db_path.read_bytes() == damaged_bytes


def test_100_backups_while_another_thread_writes_all_check_and_restore(
        desk: Desk, tmp_path: Path) -> None:
    fill(desk, 1, 1)
    stop = threading.Event()
    written: list[int] = []
    wrote = threading.Condition()
    failures: list[BaseException] = []

    def writer() -> None:
        n = 0
        try:
            while not stop.is_set():
                n += 1
                desk.contacts.create(name=f"Busy {n}", notes="z" * 500)
                with wrote:
                    written.append(n)
                    wrote.notify_all()
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)
            with wrote:
                wrote.notify_all()

    def backup_after_a_new_write() -> folder.BackupInfo:
        """However the threads are scheduled, a write lands between any two backups: the
        second write confirmed from now began after the last backup was done."""
        with wrote:
            seen = len(written)
            assert wrote.wait_for(lambda: len(written) > seen + 1 or failures,
                                  timeout=children.WAIT_SECONDS), "the writer stopped"
        return backup_now(desk.path, "manual")

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        made = [backup_after_a_new_write() for _ in range(100)]
    finally:
        stop.set()
        thread.join()
    assert not failures
    assert len(written) >= 100  # the writes really were going on
    counts = [info.counts["contacts"] for info in made]
    assert all(a < b for a, b in zip(counts, counts[1:], strict=False)), counts
    for i, info in enumerate(made):
        assert integrity_ok(info.path), info.path
        target = tmp_path / "restored" / f"r{i}.db"
        restore_file(info.path, target)
        assert integrity_ok(target)
        connection = sqlite3.connect(target)
        try:
            restored = connection.execute(
                "SELECT count(*) FROM contacts WHERE deleted = 0").fetchone()[0]
        finally:
            connection.close()
        assert restored == info.counts["contacts"]


def test_secure_delete_is_on(desk: Desk) -> None:
    with desk.store.read() as session:
        value = session.connection().exec_driver_sql("PRAGMA secure_delete").scalar()
    assert value == 1


def test_cli_backup_uses_the_same_code(db_path: Path, tmp_path: Path) -> None:
    with Desk.open(db_path) as desk:
        fill(desk, 1, 1)
    code, out = cli("--db", str(db_path), "backup")
    assert code == 0 and "-manual.db" in out
    assert [b.reason for b in folder.list_backups(db_path)] == ["manual"]
    target = tmp_path / "elsewhere.db"
    assert cli("--db", str(db_path), "backup", "-o", str(target))[0] == 0
    assert integrity_ok(target)
    code, out = cli("--db", str(db_path), "backup", "-o", str(target))
    assert code == 1 and "already exists" in out


def test_the_early_check_refuses_a_damaged_file_before_anything_reads_it(
        db_path: Path) -> None:
    """The app starts the quick check in a thread as it starts; its answer still decides."""
    with Desk.open(db_path) as desk:
        fill(desk, 3, 2)
    sound = EarlyCheck(db_path)
    assert sound.result(db_path) is True
    assert sound.result(db_path.with_name("other.db")) is None  # not the file it checked
    with Desk.open(db_path, checked=sound) as desk:
        assert desk.organizations.count() == 3
    damage(db_path)
    damaged_bytes = db_path.read_bytes()
    checked = EarlyCheck(db_path)
    with pytest.raises(DamagedDatabaseError):
        Desk.open(db_path, checked=checked)
    assert checked.result(db_path) is False
    assert db_path.read_bytes() == damaged_bytes
    assert EarlyCheck(db_path.with_name("new.db")).result(db_path.with_name("new.db")) is None


def test_the_app_takes_the_daily_backup_in_the_background(db_path: Path) -> None:
    with Desk.open(db_path) as desk:
        fill(desk)
    desk = Desk.open(db_path, backup_in_background=True)
    assert folder.list_backups(db_path) == []  # left to the app, once its screen is shown
    desk.start_daily_backup()
    assert desk.organizations.count() == 2  # usable while the backup is being taken
    desk.close()  # waits for the backup
    backups = folder.list_backups(db_path)
    assert [b.reason for b in backups] == ["daily"]
    assert backups[0].counts["organizations"] == 2
    with Desk.open(db_path, backup_in_background=True):
        pass
    assert len(folder.list_backups(db_path)) == 1  # still once a day
