"""Command line: the same services as the app, no Qt import.

Each area registers its sub-commands from its own module (see `AREAS`). With no
sub-command, the desktop app opens; on a machine with no display, it says so and
does its main job anyway (sample data and sample reports).
"""

import argparse
import functools
import logging
import sys
from collections.abc import Sequence
from importlib import import_module

from partnerdesk import version_text
from partnerdesk.errors import PartnerDeskError
from partnerdesk.logs import setup_logging
from partnerdesk.private import keep_private

AREAS = ["partnerdesk.cli.core", "partnerdesk.cli.reports", "partnerdesk.cli.insight",
         "partnerdesk.cli.sharing", "partnerdesk.cli.interchange", "partnerdesk.cli.settings",
         "partnerdesk.cli.events", "partnerdesk.cli.records", "partnerdesk.cli.office"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="partnerdesk",
        description="PartnerDesk: partnerships, agreements, resources and meetings. "
                    "Run with no command to open the app.")
    parser.add_argument("--version", action="version", version=version_text())
    parser.add_argument("--db", metavar="PATH",
                        help="database file to use (default: $PARTNERDESK_DB, else the "
                             "data folder)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for area in AREAS:
        import_module(area).register(commands)
    return parser


@functools.cache
def _parser() -> argparse.ArgumentParser:
    """The parser, built once a process: building its hundred sub-commands costs about
    70 ms, and a process that calls `main` many times (the test suite runs commands in its own
    process hundreds of times) would pay it each time. Parsing changes nothing
    in it: each call gets a new namespace."""
    return build_parser()


def main(argv: Sequence[str] | None = None) -> int:
    keep_private()  # before the log file: everything made from here on is the user's alone
    setup_logging()
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            from partnerdesk.cli.launch import launch

            return launch(args)
        return int(args.run(args) or 0)
    except PartnerDeskError as error:
        print(f"partnerdesk: {error.message}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # the reader (e.g. `| head`) stopped reading: not an error of ours
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("partnerdesk: stopped; nothing was left half-done.", file=sys.stderr)
        return 130
    except Exception:  # the last safety net: log it, say it calmly
        logging.getLogger("partnerdesk").exception("Unexpected error")
        from partnerdesk.paths import log_path

        print("partnerdesk: something unexpected went wrong and the command stopped. "
              f"Details are in {log_path()}.", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
