"""Opening the database for a command, the same way for every command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from partnerdesk.errors import PartnerDeskError
from partnerdesk.paths import resolve_db_path, server_location

if TYPE_CHECKING:
    from partnerdesk.services import Desk
    from partnerdesk.services.glance import Glance


class Commands(Protocol):
    """What each module's `register(commands)` uses of `add_subparsers()`'s result (whose
    class argparse keeps private)."""

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser: ...


def db_path(args: argparse.Namespace) -> Path:
    return resolve_db_path(getattr(args, "db", None))


def server_url(args: argparse.Namespace) -> str | None:
    """The office database (postgresql://...) that --db or $PARTNERDESK_DB names, if any."""
    return server_location(getattr(args, "db", None))


def db_label(args: argparse.Namespace) -> str:
    """The chosen database as a person reads it in a message."""
    url = server_url(args)
    if url is None:
        return str(db_path(args))
    from partnerdesk.db.server import parse_address

    return str(parse_address(url))


def file_only(args: argparse.Namespace, what: str) -> Path:
    """The database file, for commands about the file itself; an office database on a
    server is refused with a sentence."""
    if server_url(args) is not None:
        raise PartnerDeskError(
            f"'{what}' works on a database file. An office database on a server is looked "
            "after by the server; ask the person who set it up.")
    return db_path(args)


def open_desk(args: argparse.Namespace, *, create: bool = False) -> Desk:
    """Open the chosen database; commands that only read refuse a missing file.

    A server URL (postgresql://user@host/dbname) opens the office database there."""
    url = server_url(args)
    if url is not None:
        from partnerdesk.services import Desk

        return Desk.open(url)
    path = db_path(args)
    if not create and not path.exists():
        raise PartnerDeskError(
            f"There is no database at {path}. Run 'partnerdesk init --our-name NAME' to start "
            "an empty one (or 'partnerdesk init --from FILE' to join a colleague's), "
            "'partnerdesk demo' for sample data, or pass --db with an existing file.")
    from partnerdesk.services import Desk  # not on the way to the window: see ui.app

    desk = Desk.open(path)
    if desk.place_warning:
        print(f"partnerdesk: warning: {desk.place_warning}", file=sys.stderr)
    return desk


def open_reader(args: argparse.Namespace) -> Glance | Desk:
    """For a command that only reads: a quick read-only look at the file (`services.glance`,
    which loads no tables) when the file allows one, else the Desk, as `open_desk`."""
    if server_url(args) is None and db_path(args).exists():
        from partnerdesk.services.glance import Glance

        glance = Glance.open(db_path(args))
        if glance is not None:
            if glance.place_warning:
                print(f"partnerdesk: warning: {glance.place_warning}", file=sys.stderr)
            return glance
    return open_desk(args)
