"""The quick integrity check of a database, started in a thread as the program starts.

SQLite runs the check without holding Python's interpreter lock, so on a second core it
overlaps the second or so the program spends importing its libraries, instead of
following it. Opening the database still waits for the answer before reading anything.
"""

import logging
import threading
from pathlib import Path

from partnerdesk.db.backup import integrity_ok

log = logging.getLogger("partnerdesk.early_check")


class EarlyCheck:
    """`PRAGMA quick_check` of `path` in a thread; `result()` waits for it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._ok: bool | None = None
        self._thread = threading.Thread(target=self._run, name="quick-check", daemon=True)
        if path.is_file() and path.stat().st_size > 0:
            self._thread.start()

    def _run(self) -> None:
        try:
            self._ok = integrity_ok(self.path, quick=True, read_only=False)
        except Exception:  # the check at open runs again and reports it plainly
            log.exception("The early check of %s failed to run", self.path)

    def result(self, path: Path) -> bool | None:
        """True or False once the check of `path` has finished; None when it was not
        checked here (another file, or nothing there at start), so the caller checks."""
        if path != self.path or (not self._thread.is_alive() and self._ok is None):
            return None
        self._thread.join()
        return self._ok
