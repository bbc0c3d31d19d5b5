"""Folding SQLite's -wal journal into the database file beside the work, not in it.

SQLite folds the journal in as part of the commit that grows it past 1,000 pages. After a
change to 10,000 records (a journal of about 50 MB: the rows, their history, the search
index) that was a third of the commit's time, with the person waiting for the list to
show the change. Such a commit leaves it (`wal_autocheckpoint` off for that commit, see
`services.store.Store`) and this thread folds the journal in just after, on a connection
of its own. PASSIVE: it never waits for anyone and blocks no one; what it cannot fold now
(a reader still on an older state) is folded by the next one, by an ordinary commit, or
by SQLite when the last connection closes. The journal keeps every committed change
either way: this moves only when the file catches up with it."""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger(__name__)


class Checkpointer:
    """One thread per open database file; `nudge` after a commit that skipped the fold."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._wanted = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="partnerdesk-checkpoint",
                                        daemon=True)
        self._thread.start()

    def nudge(self) -> None:
        self._wanted.set()

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            if self._stopping:
                return
            self.fold()

    def fold(self) -> None:
        try:
            # mode=rw: a file gone meanwhile is not made again, empty
            connection = sqlite3.connect(f"{self._path.resolve().as_uri()}?mode=rw",
                                         uri=True, timeout=0)
            try:
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            finally:
                connection.close()
        except sqlite3.Error as error:  # the next commit or the last close folds it in
            log.info("The journal of %s was not folded in yet (%s).", self._path.name, error)

    def stop(self) -> None:
        """End the thread; a fold under way finishes first."""
        self._stopping = True
        self._wanted.set()
        self._thread.join()
