"""Where things live: the data folder, the database, its attachments, backups and log.

Attachments and backups sit beside the database file they belong to, so a
database chosen with --db keeps its own, and tests never touch a real user's data.
"""

import os
import re
from pathlib import Path

import platformdirs

APP_NAME = "PartnerDesk"
DB_ENV = "PARTNERDESK_DB"
DATA_DIR_ENV = "PARTNERDESK_DATA_DIR"
PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, False))


def default_db_path() -> Path:
    return data_dir() / "partnerdesk.db"


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--db wins, then the PARTNERDESK_DB variable, then the user's data folder."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser().resolve()
    return default_db_path()


_SERVER_URL = re.compile(r"^(postgresql|postgres)(\+psycopg)?://", re.IGNORECASE)


def is_server_url(value: object) -> bool:
    """Does this --db value name an office database on a server rather than a file?"""
    return isinstance(value, str) and bool(_SERVER_URL.match(value.strip()))


def server_location(explicit: str | os.PathLike[str] | None = None) -> str | None:
    """The server URL that --db, else $PARTNERDESK_DB, names; None when it is a file.
    (Light: the app asks before its window shows, with only Qt loaded.)"""
    chosen = explicit if explicit else os.environ.get(DB_ENV)
    return str(chosen).strip() if is_server_url(chosen) else None


def attachments_dir(db_path: Path) -> Path:
    return db_path.with_name(db_path.stem + "-attachments")


def backups_dir(db_path: Path) -> Path:
    return db_path.with_name(db_path.stem + "-backups")


def log_path() -> Path:
    return data_dir() / "partnerdesk.log"


def resources_dir() -> Path:
    """Icons, fonts and sample files: inside the package when installed from a wheel or
    frozen, else the repository's top-level resources folder."""
    inside = PACKAGE_DIR / "resources"
    return inside if inside.is_dir() else PACKAGE_DIR.parent / "resources"
