"""Sub-commands for community events and feedback: events (the list), feedback (the
list), import-survey (a CSV of survey totals into one feedback's results)."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING

from partnerdesk.cli.common import Commands, open_desk
from partnerdesk.cli.output import print_json, print_table
from partnerdesk.db import vocabulary as v
from partnerdesk.errors import PartnerDeskError

if TYPE_CHECKING:
    from partnerdesk.services.desk import Desk


def register(commands: Commands) -> None:
    events = commands.add_parser("events", help="list community events")
    events.add_argument("--upcoming", action="store_true",
                        help="only the events of the next 30 days")
    events.add_argument("--json", action="store_true", help="print JSON")
    events.set_defaults(run=run_events)

    feedback = commands.add_parser("feedback", help="list feedback from partners, staff "
                                                    "and the community")
    feedback.add_argument("--json", action="store_true", help="print JSON")
    feedback.set_defaults(run=run_feedback)

    survey = commands.add_parser("import-survey", help="read a CSV of survey totals "
                                                       "(question, answer, count) into a "
                                                       "feedback record")
    survey.add_argument("file", metavar="FILE.csv")
    survey.add_argument("--feedback", required=True, metavar="TITLE_OR_ID",
                        help="the feedback record the survey belongs to")
    survey.add_argument("--replace", action="store_true",
                        help="replace the results already recorded")
    survey.add_argument("--dry-run", action="store_true",
                        help="check the file and show the totals; change nothing")
    survey.set_defaults(run=run_import_survey)


def run_events(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        if args.upcoming:
            lines = desk.events.upcoming(date.today())
            rows = [(e.id, e.title, e.kind, e.starts_at, e.time_zone, e.place,
                     e.people_reached) for e in lines]
        else:
            rows = [(e.id, e.title, e.kind, e.starts_at, e.time_zone, e.place,
                     e.people_reached) for e in desk.events.list(order_by="starts_at")]
    if args.json:
        print_json([{"id": i, "title": t, "kind": k, "starts_at": s.isoformat(),
                     "time_zone": z, "place": p, "people_reached": n}
                    for i, t, k, s, z, p, n in rows])
    elif not rows:
        print("No events." if not args.upcoming else "No events in the next 30 days.")
    else:
        print_table([(f"{s:%Y-%m-%d %H:%M}", z, t, v.label(v.EVENT_KINDS, k), p,
                      "" if n is None else f"{n:,}") for _i, t, k, s, z, p, n in rows])
    return 0


def run_feedback(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        rows = desk.feedback.list(order_by="received_on")
        titles = desk.partnerships.lookup({row.partnership_id for row in rows}, "title")
    if args.json:
        print_json([{"id": f.id, "title": f.title, "received_on": f.received_on.isoformat(),
                     "source": f.source, "channel": f.channel, "sentiment": f.sentiment,
                     "themes": list(f.tags), "partnership": titles.get(f.partnership_id, "")}
                    for f in rows])
    elif not rows:
        print("No feedback recorded.")
    else:
        print_table([(f.received_on.isoformat(), f.title,
                      v.label(v.FEEDBACK_CHANNELS, f.channel),
                      v.label(v.SENTIMENTS, f.sentiment), titles.get(f.partnership_id, ""))
                     for f in rows])
    return 0


def _find_feedback(desk: Desk, wanted: str) -> str:
    """A feedback record's id from its id or (a unique part of) its title."""
    service = desk.feedback
    if service.count(where={"id": wanted}):
        return wanted
    rows = service.list()
    exact = [row for row in rows if row.title.casefold() == wanted.casefold()]
    found = exact or [row for row in rows if wanted.casefold() in row.title.casefold()]
    if len(found) == 1:
        return str(found[0].id)
    if not found:
        raise PartnerDeskError(f"No feedback is called “{wanted}”. Run 'partnerdesk feedback' "
                               "to see the titles.")
    titles = "; ".join(f"“{row.title}”" for row in found[:5])
    raise PartnerDeskError(f"More than one feedback record matches “{wanted}” ({titles}). "
                           "Give the full title or the id.")


def run_import_survey(args: argparse.Namespace) -> int:
    from partnerdesk.services.survey_import import read_totals

    with open_desk(args) as desk:
        feedback_id = _find_feedback(desk, args.feedback)
        if args.dry_run:
            totals = read_totals(args.file)
            print(f"Would add {len(totals)} totals:")
            print_table([(t["question"], t["answer"], str(t["count"])) for t in totals])
            return 0
        result = desk.interchange.import_survey_totals(feedback_id, args.file,
                                                       replace=args.replace)
    print(f"Added {result.added} survey totals"
          + (f", replacing {result.removed}" if result.removed else "") + ".")
    return 0
