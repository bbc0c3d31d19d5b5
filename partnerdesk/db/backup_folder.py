"""The backups folder: where backups go, what is in it, and which old ones to let go.

By default backups sit in a folder beside the database (`partnerdesk-backups`), so a
database chosen with --db keeps its own. A person can point them elsewhere (a USB
drive); that choice is kept in the data folder, not in the database, because it is
needed most when the database cannot be opened.

Backup names carry the database's name, the moment and the reason
(`partnerdesk-20261123-141502-000000-daily.db`), so several databases can share one
USB drive and thinning never touches a file PartnerDesk did not make.
"""

import json
import os
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from partnerdesk.paths import backups_dir, data_dir

SETTINGS_FILE = "backup-settings.json"
NAME_PATTERN = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6}-\d{6})-(?P<reason>[a-z0-9-]+)\.db$")
# Reasons a person chose; thinning never removes these.
KEPT_REASONS = {"manual"}
# What a backup "holds", in the order it is told.
COUNTED = (("organizations", "organizations", "organization"),
           ("contacts", "contacts", "contact"),
           ("partnerships", "partnerships", "partnership"),
           ("agreements", "agreements", "agreement"),
           ("resources", "resources", "resource"),
           ("meetings", "meetings", "meeting"))
KEEP_RECENT = timedelta(hours=48)
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 5, 12

REASON_TEXT = {"daily": "Daily", "manual": "Made by hand", "before-upgrade": "Before an upgrade",
               "before-import": "Before an import", "before-restore": "Before a restore",
               "before-undo-import": "Before undoing an import"}


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime
    reason: str
    size: int
    counts: dict[str, int] = field(default_factory=dict)
    readable: bool = True

    def when_text(self) -> str:
        return self.taken_at.strftime("%d %B %Y at %H:%M").lstrip("0")

    def reason_text(self) -> str:
        return REASON_TEXT.get(self.reason, self.reason.replace("-", " ").capitalize())

    def size_text(self) -> str:
        size = float(self.size)
        for unit in ("bytes", "KB", "MB", "GB"):
            if size < 1024 or unit == "GB":
                return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
            size /= 1024
        return f"{self.size} bytes"

    def holds_text(self) -> str:
        if not self.readable:
            return "records that could not be counted"
        parts = [f"{self.counts.get(key, 0):,} {plural if self.counts.get(key, 0) != 1 else one}"
                 for key, plural, one in COUNTED]
        return ", ".join(parts)


# -- the folder setting ---------------------------------------------------------------

def _settings_path() -> Path:
    return data_dir() / SETTINGS_FILE


def _db_key(db_path: Path) -> str:
    return os.path.normcase(str(db_path.resolve()))


def _read_settings() -> dict[str, str]:
    try:
        data = json.loads(_settings_path().read_text(encoding="utf-8"))
        folders = data.get("folders", {})
        return {str(k): str(v) for k, v in folders.items()} if isinstance(folders, dict) else {}
    except (OSError, ValueError, AttributeError):
        return {}


def default_backups_folder(db_path: Path) -> Path:
    return backups_dir(db_path)


def backups_folder(db_path: Path) -> Path:
    chosen = _read_settings().get(_db_key(db_path))
    return Path(chosen) if chosen else default_backups_folder(db_path)


def set_backups_folder(db_path: Path, chosen: Path | None) -> None:
    """Point this database's backups at `chosen` (None: back to the default)."""
    folders = _read_settings()
    if chosen is None:
        folders.pop(_db_key(db_path), None)
    else:
        folders[_db_key(db_path)] = str(Path(chosen).expanduser().resolve())
    path = _settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".partial")
    temporary.write_text(json.dumps({"folders": folders}, indent=2), encoding="utf-8")
    os.replace(temporary, path)


def usable(folder: Path) -> bool:
    """Whether backups can be written there now (a USB drive may be unplugged)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK | os.X_OK)


# -- names and listing ----------------------------------------------------------------

def backup_name(db_path: Path, reason: str, when: datetime | None = None) -> str:
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S-%f")
    clean = re.sub(r"[^a-z0-9-]+", "-", reason.lower()).strip("-") or "manual"
    return f"{db_path.stem}-{stamp}-{clean}.db"


def parse_name(name: str, db_path: Path | None = None) -> tuple[datetime, str] | None:
    match = NAME_PATTERN.match(name)
    if not match or (db_path is not None and match["stem"] != db_path.stem):
        return None
    try:
        return datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S-%f"), match["reason"]
    except ValueError:
        return None


def read_counts(path: Path) -> dict[str, int] | None:
    """Live record counts in a backup, read without changing it; None if unreadable."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        return None
    try:
        return {key: int(connection.execute(
                    f"SELECT count(*) FROM {key} WHERE deleted = 0").fetchone()[0])
                for key, _plural, _one in COUNTED}
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def describe(path: Path, *, counts: bool = True) -> BackupInfo:
    parsed = parse_name(path.name)
    taken_at, reason = parsed or (datetime.fromtimestamp(path.stat().st_mtime), "manual")
    found = read_counts(path) if counts else {}
    return BackupInfo(path, taken_at, reason, path.stat().st_size, found or {},
                      readable=found is not None)


def _folders(db_path: Path) -> list[Path]:
    chosen, default = backups_folder(db_path), default_backups_folder(db_path)
    return [chosen] if chosen == default else [chosen, default]


def list_backups(db_path: Path, *, counts: bool = True) -> list[BackupInfo]:
    """This database's backups, newest first, from the chosen and the default folder."""
    found: dict[Path, BackupInfo] = {}
    for folder in _folders(db_path):
        try:
            entries = list(folder.iterdir()) if folder.is_dir() else []
        except OSError:
            continue
        for path in entries:
            if path.is_file() and parse_name(path.name, db_path) and path not in found:
                try:
                    found[path] = describe(path, counts=counts)
                except OSError:
                    continue
    return sorted(found.values(), key=lambda info: info.taken_at, reverse=True)


def newest_good_backup(db_path: Path) -> BackupInfo | None:
    """The newest backup that passes SQLite's check (offered when the database is damaged)."""
    from partnerdesk.db.backup import integrity_ok

    for info in list_backups(db_path):
        if info.readable and integrity_ok(info.path, quick=True):
            return info
    return None


# -- thinning ----------------------------------------------------------------------

def to_keep(backups: list[tuple[datetime, str]], now: datetime) -> set[datetime]:
    """Which automatic backups to keep: everything from the last two days, then the
    newest of each of the last 7 days, 5 weeks and 12 months that have backups."""
    keep: set[datetime] = set()
    days: dict[object, datetime] = {}
    weeks: dict[object, datetime] = {}
    months: dict[object, datetime] = {}
    for taken, reason in sorted(backups, reverse=True):
        if reason in KEPT_REASONS or now - taken <= KEEP_RECENT:
            keep.add(taken)
        days.setdefault(taken.date(), taken)
        weeks.setdefault(tuple(taken.isocalendar())[:2], taken)
        months.setdefault((taken.year, taken.month), taken)
    for buckets, limit in ((days, KEEP_DAILY), (weeks, KEEP_WEEKLY), (months, KEEP_MONTHLY)):
        newest_first = sorted(buckets.values(), reverse=True)
        keep.update(newest_first[:limit])
    return keep


def thin(folder: Path, db_path: Path, now: datetime | None = None) -> list[Path]:
    """Delete automatic backups the policy no longer needs; returns what was removed."""
    now = now or datetime.now()
    ours: list[tuple[datetime, str, Path]] = []
    for path in folder.iterdir():
        parsed = parse_name(path.name, db_path)
        if parsed and path.is_file():
            ours.append((parsed[0], parsed[1], path))
        elif (path.name.endswith(".db.partial") and parse_name(path.name[:-8], db_path)
              and now.timestamp() - path.stat().st_mtime > 3600):
            path.unlink(missing_ok=True)  # left by a copy that was cut off
    keep = to_keep([(taken, reason) for taken, reason, _ in ours], now)
    removed = []
    for taken, _reason, path in ours:
        if taken not in keep:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
