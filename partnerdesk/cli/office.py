"""Sub-commands for an office database on a server: moving a laptop's file into one."""

import argparse
import os

from partnerdesk.cli.common import Commands, db_path, server_url
from partnerdesk.errors import PartnerDeskError

PASSWORD_ENV = "PGPASSWORD"


def register(commands: Commands) -> None:
    move = commands.add_parser(
        "move-to-server",
        help="copy a database file into an empty office database on a PostgreSQL server",
        description="Copies every record of the file given with --db, its history and its "
                    "attachments into an empty office database, checks the copy, and leaves "
                    "the file exactly as it was. The password, when the server asks for "
                    f"one, is read from ${PASSWORD_ENV} (never from the command line).")
    # --db here as well as before the command (both spellings work); SUPPRESS keeps the
    # one given before the command when it is not repeated here.
    move.add_argument("--db", metavar="FILE", default=argparse.SUPPRESS,
                      help="the database file to move (default: $PARTNERDESK_DB, else the "
                           "data folder's)")
    move.add_argument("url", metavar="URL", help="postgresql://user@host/database")
    move.set_defaults(run=run_move)


def run_move(args: argparse.Namespace) -> int:
    from partnerdesk.db.server import is_server_url
    from partnerdesk.services.office import move_to_server

    if server_url(args) is not None:
        raise PartnerDeskError(
            "--db names an office database already. Give the database file to move with "
            "--db FILE, and the office database as the URL.")
    if not is_server_url(args.url):
        raise PartnerDeskError(
            f"'{args.url}' is not an office database's address. Write it as "
            "postgresql://user@host/database.")
    source = db_path(args)
    result = move_to_server(source, args.url, password=os.environ.get(PASSWORD_ENV) or None)
    print(f"Moved {source} into {result.address}: {result.records:,} records, "
          f"{result.history:,} history entries, {result.attachments:,} attachment files. "
          "The copy was checked: the same records with the same revisions.")
    if result.missing_files:
        print(f"partnerdesk: warning: {len(result.missing_files):,} attachments had no "
              "stored file beside the database, so only their records moved: "
              + ", ".join(result.missing_files[:10])
              + (" …" if len(result.missing_files) > 10 else ""))
    print(f"{source} was left as it was. To work on the office database: "
          f"partnerdesk --db '{result.address}'")
    return 0
