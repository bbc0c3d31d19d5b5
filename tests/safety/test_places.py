"""Risky places, a full disk and a read-only file: plain words, nothing half-written."""

import os
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from partnerdesk.db.places import cloud_service, on_network_drive, risky_place
from partnerdesk.errors import DatabaseProblem
from partnerdesk.services import Desk
from tests.safety import children
from tests.safety.crash_trials import run_check


@pytest.mark.parametrize("path, service", [
    (PurePosixPath("/home/ana/Dropbox/partnerdesk.db"), "Dropbox"),
    (PurePosixPath("/home/ana/Dropbox (Personal)/pd/partnerdesk.db"), "Dropbox"),
    (PureWindowsPath(r"C:\Users\ana\OneDrive - Riverside Clinic\partnerdesk.db"), "OneDrive"),
    (PureWindowsPath(r"C:\Users\ana\OneDrive\Documents\partnerdesk.db"), "OneDrive"),
    (PureWindowsPath(r"G:\My Drive\partnerdesk.db"), "Google Drive"),
    (PurePosixPath("/Users/ana/Library/CloudStorage/GoogleDrive-ana@example.org/My Drive/x.db"),
     "Google Drive"),
    (PurePosixPath("/Users/ana/Library/Mobile Documents/com~apple~CloudDocs/x.db"), "iCloud"),
    (PureWindowsPath(r"C:\Users\ana\iCloudDrive\x.db"), "iCloud"),
    (PurePosixPath("/home/ana/Documents/partnerdesk.db"), None),
    (PurePosixPath("/home/ana/dropbox-notes.db"), None),  # only folders count
])
def test_cloud_folders_are_recognised(path: PurePosixPath, service: str | None) -> None:
    assert cloud_service(path) == service


def test_cloud_warning_gives_the_advice(tmp_path: Path) -> None:
    warning = risky_place(tmp_path / "Dropbox" / "partnerdesk.db")
    assert warning is not None
    assert "Dropbox" in warning and "bundles" in warning and "on this computer" in warning


def test_network_drives_are_recognised(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text("/dev/sda1 / ext4 rw 0 0\n"
                      "fileserver:/export /mnt/office nfs4 rw 0 0\n"
                      "//nas/shared /mnt/nas\\040share cifs rw 0 0\n")
    assert on_network_drive(Path("/mnt/office/pd/partnerdesk.db"), mounts)
    assert on_network_drive(Path("/mnt/nas share/partnerdesk.db"), mounts)
    assert not on_network_drive(Path("/home/ana/partnerdesk.db"), mounts)
    assert on_network_drive(Path(r"\\server\share\partnerdesk.db"), mounts)
    warning = risky_place(Path("/mnt/office/pd/partnerdesk.db"), mounts)
    assert warning is not None and "network drive" in warning


def test_desk_carries_the_warning(tmp_path: Path) -> None:
    with Desk.open(tmp_path / "OneDrive" / "partnerdesk.db") as desk:
        assert desk.place_warning and "OneDrive" in desk.place_warning
    with Desk.open(tmp_path / "local.db") as desk:
        assert desk.place_warning is None


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only files")
def test_read_only_database_gets_a_plain_message(db_path: Path) -> None:
    with Desk.open(db_path) as desk:
        desk.organizations.create(name="Kept")
    before = db_path.read_bytes()
    db_path.chmod(0o444)
    try:
        with pytest.raises(DatabaseProblem, match="read-only"):
            Desk.open(db_path)
    finally:
        db_path.chmod(0o644)
    assert db_path.read_bytes() == before


def test_read_only_message_checks_write_access(db_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs as root too: the access check itself is what is being tested."""
    with Desk.open(db_path) as desk:
        desk.organizations.create(name="Kept")
    before = db_path.read_bytes()
    real_access = os.access
    monkeypatch.setattr("partnerdesk.db.places.os.access",
                        lambda p, mode: False if Path(p) == db_path else real_access(p, mode))
    with pytest.raises(DatabaseProblem, match="read-only, so PartnerDesk cannot save"):
        Desk.open(db_path)
    assert db_path.read_bytes() == before


def test_disk_full_write_keeps_every_confirmed_record(tmp_path: Path) -> None:
    db_path = tmp_path / "full.db"
    with Desk.open(db_path) as desk:
        desk.organizations.create(name="Made before")
    ctx = children.context()
    parent_end, child_end = ctx.Pipe(duplex=False)
    process = ctx.Process(target=children.disk_filler,
                          args=(str(db_path), os.environ["PARTNERDESK_DATA_DIR"], 300_000,
                                child_end))
    process.start()
    child_end.close()
    messages = []
    while True:
        assert parent_end.poll(children.WAIT_SECONDS), "the child stopped answering"
        message = parent_end.recv()
        messages.append(message)
        if message[0] == "end":
            break
    process.join(children.WAIT_SECONDS)
    confirmed = [m[1] for m in messages if m[0] == "org"]
    problems = [m[1] for m in messages if m[0] in ("problem", "raw")]
    assert [m[0] for m in messages if m[0] in ("problem", "raw")] == ["problem"], problems
    assert "disk is full" in problems[0] and "Everything saved before it is safe" in problems[0]
    after = next(m[1] for m in messages if m[0] == "after")
    assert "disk is full" in after
    assert len(confirmed) > 3  # some writes fitted under the limit before it filled
    code, output = run_check(db_path)
    assert code == 0, output
    with Desk.open(db_path) as desk:
        present = {o.id for o in desk.organizations.list()}
        assert set(confirmed) <= present
        assert "Made before" in {o.name for o in desk.organizations.list()}
        assert "After the failure" not in {o.name for o in desk.organizations.list()}
