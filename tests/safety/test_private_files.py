"""What PartnerDesk writes is the user's alone (issue 16, case 8): the data folder, the
database, backups, attachments, the log and exported files, 0700 folders and 0600
files on Linux and macOS; what an older version left open is tightened when opened."""

import contextlib
import errno
import io
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from partnerdesk import logs
from partnerdesk.cli import main as cli_main
from partnerdesk.paths import DATA_DIR_ENV
from partnerdesk.services import Desk

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


@pytest.fixture(autouse=True)
def umask_back() -> Iterator[None]:
    """The command line sets the process's umask; give the next test the one it had."""
    old = os.umask(0o022)
    os.umask(old)
    try:
        yield
    finally:
        os.umask(old)


def cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli_main(list(args))
    return code, out.getvalue()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def open_to_others(root: Path) -> list[str]:
    found = []
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        if mode(path) & 0o077:
            found.append(f"{path.relative_to(root.parent)} {oct(mode(path))}")
    return found


def test_what_the_program_writes_is_private(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    os.umask(0o022)  # the usual default: 0644 files, 0755 folders
    data = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(data))
    db = data / "partnerdesk.db"
    assert cli("--db", str(db), "demo")[0] == 0
    out = tmp_path / "out"
    out.mkdir()
    for command in (["export", "-o", str(out / "all.partnerdesk")], ["backup"],
                    ["export-csv", "--type", "contacts", "-o", str(out / "contacts.csv")],
                    ["export-vcard", "-o", str(out / "contacts.vcf")],
                    ["export-ical", "-o", str(out / "calendar.ics")],
                    ["export-hsds", "-o", str(out / "directory.zip")],
                    ["report", "directory", "--output", str(out / "directory.pdf")]):
        code, said = cli("--db", str(db), *command)
        assert code == 0, (command, said)
    assert list(data.glob("partnerdesk-attachments/*/*")), "the sample data attaches files"
    assert list(data.glob("partnerdesk-backups/*.db"))
    assert open_to_others(data) == []
    assert sorted(p.name for p in out.iterdir() if mode(p) & 0o077) == []
    assert len(list(out.iterdir())) == 6


def test_files_an_older_version_left_open_are_tightened_on_open(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(data))
    db = data / "partnerdesk.db"
    with Desk.open(db) as desk:
        source = tmp_path / "letter.txt"
        source.write_text("signed")
        org = desk.organizations.create(name="Harbor Clinic")
        desk.attachments.attach("organization", org.id, source)
        desk.backups.backup_now()
    for path in [data, *data.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    outside = tmp_path / "elsewhere.txt"  # a link out of the folder is never followed
    outside.write_text("not ours")
    os.chmod(outside, 0o644)
    (data / "partnerdesk-attachments" / "link").symlink_to(outside)
    Desk.open(db).close()
    assert open_to_others(data) == []
    assert mode(outside) == 0o644



def reachable_by_others(root: Path) -> list[str]:
    """What another account could read or list: open itself, in folders all open too."""
    found = []
    for path in [root, *root.rglob("*")]:
        folders = [path.parent, *path.parent.parents]
        shut = any(mode(folder) & 0o077 == 0 for folder in folders
                   if folder == root or root in folder.parents)
        if not path.is_symlink() and mode(path) & 0o077 and not shut:
            found.append(f"{path.relative_to(root.parent)} {oct(mode(path))}")
    return found


@pytest.mark.parametrize("command", [["stats"], ["search", "harbor"]])
def test_a_quick_look_tightens_what_an_older_version_left_open(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]) -> None:
    """`stats` and `search` read through a quick look (`services.glance`), not the Desk:
    they once left the database and its folders as open as they found them."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    folder = tmp_path / "Documents"  # the person's folder: its own mode is theirs to choose
    db = folder / "partners.db"  # attachments and backups beside it
    with Desk.open(db) as desk:
        source = tmp_path / "letter.txt"
        source.write_text("signed")
        org = desk.organizations.create(name="Harbor Clinic")
        desk.attachments.attach("organization", org.id, source)
        desk.backups.backup_now()
    for path in [folder, *folder.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    assert len(reachable_by_others(folder)) > 4
    code, said = cli("--db", str(db), *command)
    assert code == 0, said
    assert reachable_by_others(folder) == [f"{folder.name} 0o755"]
    assert mode(db) == 0o600


def test_the_log_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    (data / "partnerdesk.log").write_text("old lines\n")
    os.chmod(data / "partnerdesk.log", 0o644)
    monkeypatch.setenv(DATA_DIR_ENV, str(data))
    root = logging.getLogger("partnerdesk")
    kept = root.handlers[:]
    root.handlers.clear()
    try:
        logs.setup_logging()
        logging.getLogger("partnerdesk.test").warning("a line")
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers[:] = kept
    assert mode(data) == 0o700
    assert mode(data / "partnerdesk.log") == 0o600


def test_an_export_to_a_full_disk_says_so_and_leaves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "test.db"
    with Desk.open(db) as desk:
        desk.organizations.create(name="Harbor Clinic")

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("partnerdesk.sharing.bundle.os.fsync", full)
    target = tmp_path / "out" / "all.partnerdesk"
    code, said = cli("--db", str(db), "export", "-o", str(target))
    assert code == 1, said
    assert "disk is full" in said and "unexpected" not in said
    assert not target.exists()
    assert list(target.parent.iterdir()) == []


class _FullDisk(io.BufferedWriter):
    def write(self, data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("command, name", [
    (["report", "directory", "-o"], "directory.pdf"),
    (["network", "-o"], "network.png"),
    (["network", "-o"], "network.svg")])
def test_a_report_or_drawing_to_a_full_disk_says_so_and_leaves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str],
        name: str) -> None:
    """Once exit status 2 ("something unexpected"), and a 0-byte network.png left."""
    db = tmp_path / "test.db"
    with Desk.open(db) as desk:
        desk.organizations.create(name="Harbor Clinic")
    real_fdopen = os.fdopen

    def full(fd: int, mode: str = "r", *args: object, **kwargs: object) -> object:
        if "w" not in mode:
            return real_fdopen(fd, mode, *args, **kwargs)  # type: ignore[arg-type]
        return _FullDisk(real_fdopen(fd, "wb", buffering=0))  # type: ignore[arg-type]

    monkeypatch.setattr("partnerdesk.reports.files.os.fdopen", full)
    out = tmp_path / "out"
    out.mkdir()
    code, said = cli("--db", str(db), *command, str(out / name))
    assert code == 1, said
    assert "disk is full" in said and "unexpected" not in said
    assert list(out.iterdir()) == []


def test_an_hsds_folder_to_a_full_disk_leaves_no_half_package(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once the tables written before the disk filled stayed, in a folder that looked
    like a package; and an empty folder when none fitted."""
    db = tmp_path / "test.db"
    with Desk.open(db) as desk:
        desk.organizations.create(name="Harbor Clinic")
    real_write = Path.write_bytes
    written: list[Path] = []

    def fills_up(path: Path, data: bytes) -> int:
        if len(written) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(path)
        return real_write(path, data)

    monkeypatch.setattr(Path, "write_bytes", fills_up)
    target = tmp_path / "out" / "directory"
    target.parent.mkdir()
    code, said = cli("--db", str(db), "export-hsds", "-o", str(target))
    assert code == 1, said
    assert "No space left" in said and "unexpected" not in said
    assert len(written) == 3
    assert not target.exists() and list(target.parent.iterdir()) == []
