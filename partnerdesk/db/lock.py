"""One PartnerDesk process per database file.

A lock file beside the database (`partnerdesk.db.lock`) records who holds it: the
computer, the process id, the program and when it started. The file itself is only
a note; the lock is an operating-system lock on it (flock on Linux and macOS,
msvcrt on Windows), which the system drops the moment the holding process ends,
however it ends. So a lock left by a crash or a pulled plug is recovered by the
next start, and nobody is ever asked to delete a file.

Inside one process the lock is shared: opening the same database twice (the app
and its Backups window, or a command run in-process by a test) counts up, and the
lock goes when the last holder releases it.
"""

import contextlib
import json
import os
import socket
import sys
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from partnerdesk.errors import DatabaseLockedError, DatabaseProblem

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt
else:
    import fcntl

# Windows locks a byte range and hides it from readers, so the lock sits far past
# the note, which stays readable.
_WINDOWS_LOCK_OFFSET = 1 << 20


@dataclass(frozen=True)
class LockHolder:
    host: str
    pid: int
    program: str
    started: str

    def describe(self) -> str:
        started = self.started
        with contextlib.suppress(ValueError):
            started = datetime.fromisoformat(self.started).strftime("%d %B %Y at %H:%M")
        return (f"{self.program} (process {self.pid}) on the computer “{self.host}”, "
                f"open since {started}")


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def _program() -> str:
    """'PartnerDesk' (the app) or 'PartnerDesk stats' (a command), for the note."""
    argv = sys.argv or ["python"]
    name = Path(argv[0]).name or "python"
    label = "PartnerDesk" if "partnerdesk" in name.lower() else name
    rest = iter(argv[1:])
    for arg in rest:
        if arg == "--db":
            next(rest, None)
        elif not arg.startswith("-"):
            return f"{label} {arg}"
    return label


def read_holder(db_path: Path) -> LockHolder | None:
    """Who the note says holds the lock (it may be stale if nobody holds the OS lock)."""
    try:
        data = json.loads(lock_path(db_path).read_text(encoding="utf-8")[:4000])
        return LockHolder(str(data["host"]), int(data["pid"]), str(data["program"]),
                          str(data["started"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _try_os_lock(handle: IO[bytes]) -> bool:
    try:
        if sys.platform == "win32":  # pragma: no cover
            handle.seek(_WINDOWS_LOCK_OFFSET)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            handle.seek(0)
        else:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _os_unlock(handle: IO[bytes]) -> None:
    try:
        if sys.platform == "win32":  # pragma: no cover
            handle.seek(_WINDOWS_LOCK_OFFSET)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    except OSError:
        pass


class DatabaseLock:
    """The lock one process holds on one database; get it with `acquire_lock`."""

    def __init__(self, db_path: Path, handle: IO[bytes]) -> None:
        self.db_path = db_path
        self._handle = handle
        self._count = 1

    def release(self) -> None:
        with _registry_lock:
            if self._count <= 0:
                return
            self._count -= 1
            if self._count:
                return
            _held.pop(_key(self.db_path), None)
            # The note is emptied (not deleted: deleting races with a process that has
            # just opened the file and is about to lock it).
            try:
                self._handle.seek(0)
                self._handle.truncate()
                self._handle.flush()
            except OSError:
                pass
            _os_unlock(self._handle)
            self._handle.close()

    def __enter__(self) -> "DatabaseLock":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


_registry_lock = threading.Lock()
_held: dict[str, DatabaseLock] = {}


def _key(db_path: Path) -> str:
    return os.path.normcase(str(db_path.resolve()))


def acquire_lock(db_path: Path) -> DatabaseLock:
    """Take the database for this process, or raise `DatabaseLockedError` naming the holder."""
    with _registry_lock:
        existing = _held.get(_key(db_path))
        if existing is not None:
            existing._count += 1
            return existing
        path = lock_path(db_path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(path, "a+b")  # noqa: SIM115 - kept open while the lock is held
        except OSError as error:
            raise DatabaseProblem(
                f"PartnerDesk cannot use the folder {path.parent} ({error.strerror}). "
                "The folder may be read-only or the drive full. Move the database to a "
                "folder you can save in, such as your Documents folder.") from error
        if not _try_os_lock(handle):
            handle.close()
            holder = read_holder(db_path)
            who = (holder.describe() if holder else
                   "another PartnerDesk window or command")
            raise DatabaseLockedError(
                f"The database {db_path.name} is already open in {who}. Close PartnerDesk "
                "there first; only one PartnerDesk can use a database at a time, so no work "
                "is lost.")
        note = {"host": socket.gethostname(), "pid": os.getpid(), "program": _program(),
                "started": datetime.now().isoformat(timespec="seconds")}
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps(note).encode("utf-8"))
            handle.flush()
        except OSError:
            pass  # the OS lock is what counts; the note is a courtesy
        lock = DatabaseLock(db_path, handle)
        _held[_key(db_path)] = lock
        return lock


def holds_lock(db_path: Path) -> bool:
    """Whether this process holds the lock on `db_path`."""
    with _registry_lock:
        return _key(db_path) in _held
