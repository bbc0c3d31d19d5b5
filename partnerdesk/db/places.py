"""Where a database should not live, and plain words for a full disk or a read-only file.

SQLite relies on file locks and on writes reaching the disk in order. Sync clients
(Dropbox, OneDrive, Google Drive, iCloud) copy the file and its -wal journal at
different moments, and network file systems often get locking wrong, so a
database there can be damaged or silently lose work. PartnerDesk still opens it,
with a warning and the advice to keep the database local and share with bundles.
"""

import errno
import os
import shutil
import sqlite3
import sys
from pathlib import Path, PurePath

from partnerdesk.errors import DatabaseProblem

# Folder names the common sync clients create (compared case-insensitively).
CLOUD_MARKERS = {
    "dropbox": "Dropbox",
    "onedrive": "OneDrive",
    "google drive": "Google Drive",
    "googledrive": "Google Drive",
    "my drive": "Google Drive",
    "icloud drive": "iCloud",
    "iclouddrive": "iCloud",
    "mobile documents": "iCloud",
    "com~apple~clouddocs": "iCloud",
    "box sync": "Box",
    "nextcloud": "Nextcloud",
    "pcloud drive": "pCloud",
}
NETWORK_FILESYSTEMS = {"nfs", "nfs4", "cifs", "smb", "smbfs", "smb2", "smb3", "afpfs", "sshfs",
                       "fuse.sshfs", "9p", "davfs", "fuse.davfs", "webdav", "ncpfs",
                       "fuse.rclone", "afs", "glusterfs", "ceph", "lustre"}

PLAIN_ADVICE = ("Keep the database in a folder on this computer (the default place is "
                "safest) and share records with partner bundles instead.")


def cloud_service(path: PurePath) -> str | None:
    """The sync service whose folder holds `path`, if any."""
    for part in path.parts[:-1]:
        lowered = part.casefold()
        if lowered in CLOUD_MARKERS:
            return CLOUD_MARKERS[lowered]
        # "Dropbox (Personal)", "OneDrive - Company", macOS "GoogleDrive-name@example.org"
        for prefix, service in (("dropbox (", "Dropbox"), ("onedrive", "OneDrive"),
                                ("googledrive-", "Google Drive"), ("dropbox-", "Dropbox")):
            if lowered.startswith(prefix):
                return service
    return None


def _linux_mounts(mounts_file: Path) -> list[tuple[str, str]]:
    try:
        lines = mounts_file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    found = []
    for line in lines:
        fields = line.split()
        if len(fields) >= 3:
            mount_point = fields[1].replace("\\040", " ")
            found.append((mount_point, fields[2].lower()))
    return found


def filesystem_type(path: Path, mounts_file: Path = Path("/proc/mounts")) -> str | None:
    """The file system type of the mount holding `path` (Linux), else None."""
    mounts = _linux_mounts(mounts_file)
    if not mounts:
        return None
    target = str(path.resolve() if path.exists() else path.parent.resolve())
    best: tuple[int, str] | None = None
    for mount_point, fstype in mounts:
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and (best is None or len(mount_point) > best[0]):
            best = (len(mount_point), fstype)
    return best[1] if best else None


def on_network_drive(path: Path, mounts_file: Path = Path("/proc/mounts")) -> bool:
    text = str(path)
    if text.startswith("\\\\") or text.startswith("//"):
        return True  # a UNC path: \\server\share
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import ctypes

        drive = os.path.splitdrive(str(path.resolve()))[0]
        if drive:
            DRIVE_REMOTE = 4
            return bool(ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == DRIVE_REMOTE)
        return False
    fstype = filesystem_type(path, mounts_file)
    return fstype is not None and (fstype in NETWORK_FILESYSTEMS or fstype.startswith("nfs"))


def risky_place(path: Path, mounts_file: Path = Path("/proc/mounts")) -> str | None:
    """A warning to show when the database sits somewhere it may be damaged, else None."""
    service = cloud_service(PurePath(path))
    if service:
        return (f"This database is inside a {service} folder ({path.parent}). Sync services "
                "copy the file while PartnerDesk is writing it, which can damage it or lose "
                f"work. {PLAIN_ADVICE}")
    if on_network_drive(path, mounts_file):
        return (f"This database is on a network drive ({path.parent}). Network drives can "
                f"damage a database that is being written. {PLAIN_ADVICE}")
    return None


def read_only_media(path: Path) -> bool:
    """Whether the file's drive is mounted read-only (a locked SD card, a CD, a share
    mounted read-only): nothing can be written there, not even SQLite's lock files."""
    try:
        return bool(os.statvfs(path.parent).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs on Windows
        return False


def reading_uri(path: Path) -> str:
    """The URI that opens a database file only to read it. On read-only media it is
    opened as immutable: SQLite would otherwise need to create the lock files of a WAL
    database there and fail, so the file looked damaged when it was only read-only."""
    uri = f"file:{path}?mode=ro"
    return uri + "&immutable=1" if read_only_media(path) else uri


def read_only_note(path: Path) -> str | None:
    """A sentence for a database that can be read but not written, else None."""
    if read_only_media(path):
        return (f"The drive holding {path} is read-only: PartnerDesk can read the database "
                "there but not save to it or keep backups beside it. Copy it to a folder you "
                "can save in to work with it.")
    if path.exists() and not os.access(path, os.W_OK):
        return (f"The database {path} is read-only: PartnerDesk can read it but not save to "
                "it. Copy it to a folder you can save in, or remove the read-only setting.")
    return None


def check_writable(path: Path) -> None:
    """Refuse, in plain words, a database PartnerDesk could read but never save."""
    folder = path.parent
    if path.exists() and not os.access(path, os.W_OK):
        raise DatabaseProblem(
            f"The database {path} is read-only, so PartnerDesk cannot save changes to it. "
            "Copy it to a folder you can save in (or remove the read-only setting in its "
            "properties) and open it again. Nothing was changed.")
    if folder.exists() and not os.access(folder, os.W_OK | os.X_OK):
        raise DatabaseProblem(
            f"The folder {folder} is read-only, so PartnerDesk cannot save the database "
            "there. Choose a folder you can save in, such as your Documents folder. "
            "Nothing was changed.")


def out_of_room(path: Path, margin: int = 4 * 1024 * 1024) -> bool:
    """Whether the drive is (nearly) full, or the file has reached the largest size
    allowed here (a per-process file size limit, or 4 GB on a FAT32 USB stick)."""
    try:
        if shutil.disk_usage(path.parent).free < margin:
            return True
    except OSError:
        pass
    sizes = [p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists()]
    largest = max(sizes, default=0)
    if largest + margin >= 4 * 1024 ** 3 - 1:
        return True
    if sys.platform != "win32":
        import resource

        soft, _hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        if soft != resource.RLIM_INFINITY and largest + margin >= soft:
            return True
    return False


def storage_problem(error: BaseException, path: Path | None = None) -> DatabaseProblem | None:
    """A plain sentence for a full disk, a read-only file or a failing drive, else None."""
    where = f" ({path.parent})" if path else ""
    text = str(error).lower()
    code = getattr(error, "errno", None)
    full = (code in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", -1))
            or "disk is full" in text
            # SQLite reports a write refused for size as an I/O error; look at the room left.
            or ("disk i/o error" in text and path is not None and out_of_room(path)))
    if full:
        return DatabaseProblem(
            f"The disk is full{where}, so the last change was not saved. Everything saved "
            "before it is safe. Free some space (empty the Recycle Bin or Trash, or move "
            "large files away) and try again. On a USB stick, move the database to this "
            "computer: some sticks cannot hold files over 4 GB.")
    readonly = (code in (errno.EROFS, errno.EACCES, errno.EPERM)
                or "readonly database" in text or "read-only" in text)
    if readonly:
        return DatabaseProblem(
            f"PartnerDesk cannot save here{where}: the file or drive is read-only. The last "
            "change was not saved. Move the database to a folder you can save in and try "
            "again.")
    if isinstance(error, sqlite3.OperationalError) and "disk i/o error" in text:
        return DatabaseProblem(
            f"The drive{where} reported an error while saving, so the last change was not "
            "saved. If the database is on a USB stick or network drive, copy it to this "
            "computer and try again.")
    return None
