"""The daily backup, taken in a child process at the lowest priority.

The app opens a database and shows its first screen as fast as it can; the day's first
backup (a copy of the whole file and an integrity check of the copy) would compete with
that for the disk and both cores, and on a thread it would also compete for the
interpreter lock. So the app starts it only once the first screen is on show
(`Desk.start_daily_backup`), in a fresh interpreter (spawn, the same on every platform,
as the report worker) that lowers its own priority first, and never waits for it except
when the database closes.
"""

import contextlib
import os
import sys
from multiprocessing import get_context
from multiprocessing.process import BaseProcess
from pathlib import Path


def lower_priority() -> None:
    """The lowest CPU priority (and, on Linux, the disk priority that follows from it);
    on Windows the "background mode" that lowers both."""
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import ctypes

        process_mode_background_begin = 0x00100000
        kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
        kernel.SetPriorityClass(kernel.GetCurrentProcess(), process_mode_background_begin)
        return
    with contextlib.suppress(OSError):
        os.nice(19)


def _child(db_path: str) -> None:
    lower_priority()
    from partnerdesk.db.migrate import take_daily_backup
    from partnerdesk.logs import setup_logging

    setup_logging()  # a failure is logged where the app logs, never shown
    take_daily_backup(Path(db_path))


def start(db_path: Path) -> BaseProcess:
    """Start the daily backup of `db_path` (when one is due) in a low-priority child
    process; returns at once. `join()` the process to wait for it."""
    context = get_context("spawn")
    child = context.Process(target=_child, args=(str(db_path),), daemon=True,
                            name="partnerdesk-daily-backup")
    child.start()
    return child
