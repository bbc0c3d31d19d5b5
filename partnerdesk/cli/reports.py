"""`partnerdesk report KIND -o FILE.pdf`: the same two stages as the app's Reports view."""

import argparse
from datetime import date
from pathlib import Path

from partnerdesk.cli.common import Commands, open_desk
from partnerdesk.services.report_kinds import KINDS, ReportOptions
from partnerdesk.services.settings import PAGE_SIZES


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"“{value}” is not a date; write it as YYYY-MM-DD, for example 2026-06-15."
        ) from None


def register(commands: Commands) -> None:
    report = commands.add_parser(
        "report", help="make a PDF report",
        description="Make a PDF report to print or send to partners. Kinds: partnership "
                    "(one partnership over a period), agreements (the register), resources "
                    "(the resource map), directory (contacts), minutes (one meeting), funding "
                    "(the funding register).")
    report.add_argument("kind", choices=KINDS, metavar="KIND",
                        help="one of: " + ", ".join(KINDS))
    report.add_argument("-o", "--output", required=True, metavar="FILE.pdf",
                        help="where to write the PDF")
    report.add_argument("--partnership", metavar="NAME_OR_ID",
                        help="the partnership (for the partnership report)")
    report.add_argument("--meeting", metavar="ID", help="the meeting (for the minutes)")
    report.add_argument("--from", dest="start", type=_date, metavar="DATE",
                        help="first day covered (YYYY-MM-DD)")
    report.add_argument("--to", dest="end", type=_date, metavar="DATE",
                        help="last day covered (YYYY-MM-DD)")
    report.add_argument("--include-internal", action="store_true",
                        help="directory and funding only: also show contacts not cleared "
                             "for sharing and amounts marked internal (not for partners)")
    report.add_argument("--page-size", choices=PAGE_SIZES, type=str.lower,
                        help="letter or a4 (default: the setting, else the system's region)")
    report.set_defaults(run=run_report)


def options_scope(options: ReportOptions) -> str:
    """The report's options in words, for the export log."""
    parts = [f"{name} {value}" for name, value in (
        ("partnership", options.partnership), ("meeting", options.meeting),
        ("from", options.start), ("to", options.end))
        if value]
    if options.include_internal:
        parts.append("internal contacts included")
    return ", ".join(parts)


def run_report(args: argparse.Namespace) -> int:
    from partnerdesk.reports import build_pdf
    from partnerdesk.reports.files import write_atomically

    target = Path(args.output).expanduser()
    options = ReportOptions(kind=args.kind, partnership=args.partnership, meeting=args.meeting,
                            start=args.start, end=args.end,
                            include_internal=args.include_internal, page_size=args.page_size)
    with open_desk(args) as desk:
        data = build_pdf(desk, options)
        write_atomically(target, data)
        desk.log_export(f"report-{args.kind}", target, scope=options_scope(options))
    print(f"Wrote {target}")
    return 0
