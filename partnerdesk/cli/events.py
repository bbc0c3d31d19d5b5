"""Sub-commands for community events, feedback and funding: events (the list), feedback
(the list), import-survey (a CSV of survey totals into one feedback's results), funding
(the list, with what needs attention)."""

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

    funding = commands.add_parser("funding", help="list the grants and other funding applied "
                                                  "for or won")
    funding.add_argument("--status", choices=[value for value, _ in v.FUNDING_STATUSES],
                         help="only the funding with this status")
    funding.add_argument("--json", action="store_true", help="print JSON")
    funding.set_defaults(run=run_funding)


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


def run_funding(args: argparse.Namespace) -> int:
    """Each funding: deadline, title, status, funder, requested, awarded, whom it is for, and
    what needs attention (the dashboard's rule). This laptop's own list, so amounts marked
    internal are shown (they stay out of what goes to partners)."""
    from partnerdesk.services import funding_rules
    from partnerdesk.services.money import amount_text

    with open_desk(args) as desk:
        where = {"status": args.status} if args.status else None
        rows = sorted(desk.funding.list(where=where, order_by="deadline"),
                      key=lambda row: row.deadline is None)  # no deadline: last
        names = desk.organizations.lookup({row.funder_id for row in rows}
                                          | {row.organization_id or "" for row in rows}, "name")
        ships = desk.partnerships.lookup({row.partnership_id or "" for row in rows}, "title")
        currency, window = desk.settings.currency, desk.settings.reminder_windows.funding_days
    today = date.today()
    lines = []
    for row in rows:
        state = funding_rules.funding_attention(row.status, row.deadline,
                                                row.decision_expected, today, window)
        lines.append({"id": row.id, "title": row.title, "status": row.status,
                      "funder": names.get(row.funder_id, ""), "programme": row.programme,
                      "for": ships.get(row.partnership_id or "")
                      or names.get(row.organization_id or "", ""),
                      "requested_cents": row.requested_cents,
                      "awarded_cents": row.awarded_cents, "in_kind_cents": row.in_kind_cents,
                      "amounts_internal": row.amounts_internal, "currency": currency,
                      "deadline": row.deadline.isoformat() if row.deadline else None,
                      "attention": state.message})
    if args.json:
        print_json(lines)
    elif not lines:
        print("No funding recorded." if not args.status else
              f"No funding is {v.label(v.FUNDING_STATUSES, args.status).lower()}.")
    else:
        print_table([(line["deadline"] or "", line["title"],
                      v.label(v.FUNDING_STATUSES, line["status"]), line["funder"],
                      amount_text(line["requested_cents"], currency),
                      amount_text(line["awarded_cents"], currency), line["for"],
                      line["attention"]) for line in lines])
    return 0
