"""Backups as a person sees them: list, make one now, restore one, choose the folder.

The app's Backups window and the `partnerdesk backup` / `restore` commands both
use this, so they behave the same. It works on a database path, with or without
an open `Desk`: when the database is damaged there is no Desk to be had, and
restoring a backup is exactly what is needed.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from partnerdesk.db import backup as primitives
from partnerdesk.db import backup_folder as folder
from partnerdesk.db.backup import BackupInfo, RestoreResult
from partnerdesk.db.migrate import head_revision, stored_revision, upgrade_safely
from partnerdesk.errors import DatabaseProblem, PartnerDeskError
from partnerdesk.services.progress import Progress

if TYPE_CHECKING:
    from partnerdesk.services.desk import Desk

log = logging.getLogger("partnerdesk.backups")

__all__ = ["BackupInfo", "Backups", "RestoreResult", "backup_now"]


def backup_now(db_path: Path, reason: str) -> BackupInfo:
    """For importers and undo: a checked backup before they write (see db.backup)."""
    return primitives.backup_now(db_path, reason)


class Backups:
    """The backups of one database file."""

    def __init__(self, db_path: Path, desk: Desk | None = None) -> None:
        self.db_path = db_path
        self.desk = desk

    @classmethod
    def of(cls, desk: Desk) -> Backups:
        return cls(desk.path, desk)

    # -- the folder -------------------------------------------------------------
    def folder(self) -> Path:
        return folder.backups_folder(self.db_path)

    def default_folder(self) -> Path:
        return folder.default_backups_folder(self.db_path)

    def set_folder(self, chosen: Path | None) -> Path:
        """Send future backups to `chosen` (None: the default). Tested by writing to it."""
        if chosen is not None:
            chosen = Path(chosen).expanduser()
            if not folder.usable(chosen):
                raise PartnerDeskError(
                    f"PartnerDesk cannot save backups in {chosen}. Check that the drive is "
                    "plugged in and that you may save files there, or choose another folder.")
            if chosen.resolve() == self.db_path.parent.resolve():
                raise PartnerDeskError(
                    "Choose a folder other than the one holding the database itself, so the "
                    "backups are not mixed with it.")
        folder.set_backups_folder(self.db_path, chosen)
        return self.folder()

    # -- reading ----------------------------------------------------------------
    def list(self, progress: Progress | None = None) -> list[BackupInfo]:
        """Newest first, with date, reason, size and what each holds."""
        if progress is not None:
            progress.report(0, 0, "Reading the backups…")
        return folder.list_backups(self.db_path)

    def newest_good(self) -> BackupInfo | None:
        return folder.newest_good_backup(self.db_path)

    # -- writing ----------------------------------------------------------------
    def backup_now(self, reason: str = "manual", progress: Progress | None = None) -> BackupInfo:
        if not self.db_path.exists():
            raise PartnerDeskError(f"There is no database at {self.db_path} to back up.")
        stored_revision(self.db_path)  # refuses a file that is not ours
        if progress is not None:
            progress.report(0, 0, "Making a backup…")
        return primitives.backup_now(self.db_path, reason)

    def backup_to(self, target: Path) -> Path:
        """A one-off copy to a file a person chose (never overwriting one)."""
        if not self.db_path.exists():
            raise PartnerDeskError(f"There is no database at {self.db_path} to back up.")
        stored_revision(self.db_path)
        if target.exists():
            raise PartnerDeskError(f"{target} already exists. Choose another file name.")
        return primitives.backup_file(self.db_path, target)

    def restore(self, backup: Path, progress: Progress | None = None) -> RestoreResult:
        """Put `backup` in place of the database; the current one is backed up first.

        With an open Desk, its connections are closed for the swap and reopen on the
        restored file by themselves; an older backup is upgraded right away.
        """
        primitives.check_restorable(backup)
        if progress is not None:
            progress.report(0, 0, "Restoring the backup…")
        if self.desk is not None:
            self.desk.store.engine.dispose()
        result = primitives.restore_file(backup, self.db_path)
        if self.desk is not None and stored_revision(self.db_path) != head_revision():
            upgrade_safely(self.db_path, existing=True)
        if self.desk is not None:
            self.desk.store.renew_identity()  # before the next write: a new device id
        return result

    def restore_newest_good(self) -> RestoreResult:
        """What the app offers when the database is damaged at open."""
        newest = self.newest_good()
        if newest is None:
            raise DatabaseProblem(
                "There is no good backup of this database to restore. Keep the damaged file "
                "and ask someone who knows computers to look at it.")
        return self.restore(newest.path)
