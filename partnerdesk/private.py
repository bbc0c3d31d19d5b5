"""What PartnerDesk writes is the user's alone: files 0600, folders 0700 (Linux, macOS).

The database, its backups, attachments and the log hold people's names, phone numbers
and notes; on a shared computer a 0644 file in a 0755 folder is readable by every other
account. Two halves:
- `keep_private()` sets the process's umask once at start, so every file and folder
  the program makes from then on (exports, reports and their `.partial` files too) is
  made private by the system itself, with no chance for a code path to forget;
- `tighten()` takes group and other permissions off what already exists (files made by
  an older version), when the database is opened. It only ever removes permissions,
  never follows a symbolic link, and gives up quietly where it may not (read-only media,
  a file owned by someone else): the program works as before there.
Windows keeps a user's profile private already; nothing is done there.
"""

import os
import stat
from collections.abc import Iterable
from pathlib import Path

PRIVATE_UMASK = 0o077
POSIX = os.name == "posix"


def keep_private() -> None:
    """Everything this process makes from now on is the user's alone."""
    if POSIX:
        os.umask(PRIVATE_UMASK)


def tighten(*paths: Path) -> None:
    """Remove group and other permissions from each existing path (not its contents)."""
    if not POSIX:
        return
    for path in paths:
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            continue
        if stat.S_ISLNK(mode) or not mode & 0o077:
            continue
        try:
            os.chmod(path, stat.S_IMODE(mode) & ~0o077)
        except OSError:
            continue


def tighten_tree(folder: Path, limit: int = 100_000) -> None:
    """`tighten` a folder and what it holds, without following links; at most `limit`
    entries (an attachments folder is flat; this bounds a folder someone else filled)."""
    if not POSIX:
        return
    tighten(folder)
    for done, path in enumerate(_walk(folder)):
        if done >= limit:
            return
        tighten(path)


def _walk(folder: Path) -> Iterable[Path]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        yield Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(Path(entry.path))
        except OSError:
            continue


def tighten_database(db_path: Path, *, shallow: bool = False) -> None:
    """A database file and what belongs to it: its journal files, attachments, backups
    (wherever they are kept), and the data folder when the database lives there.

    `shallow`: the attachments and backups folders themselves, not what they hold (a
    0700 folder already keeps its contents from other accounts); for the quick read-only
    look of `services.glance`, which must not walk thousands of attachments each time."""
    if not POSIX:
        return
    from partnerdesk.db.backup_folder import backups_folder
    from partnerdesk.paths import attachments_dir, data_dir

    folder = data_dir()
    if db_path.parent == folder:
        tighten(folder)
    tighten(db_path, *(db_path.with_name(db_path.name + suffix)
                       for suffix in ("-wal", "-shm", "-journal", ".lock")))
    for owned in {attachments_dir(db_path), backups_folder(db_path)}:
        if shallow:
            tighten(owned)
        elif owned.is_dir():
            tighten_tree(owned)
