"""Meeting minutes: one meeting, ready to send to the people who attended.

Attendees who may not be shared are counted by organization ("1 person from X"),
never named.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from partnerdesk.db import records as r
from partnerdesk.db.bookkeeping import without_bookkeeping
from partnerdesk.errors import PartnerDeskError
from partnerdesk.services.desk import Desk
from partnerdesk.services.reporting.common import (
    LIVE,
    ActionLine,
    ContactLine,
    Period,
    ReportMeta,
    by_id,
    contact_line,
    day_text,
    make_meta,
    person,
    records_of,
)


@dataclass(frozen=True)
class MinutesReport:
    meta: ReportMeta
    title: str
    starts_at: datetime
    ends_at: datetime | None
    location: str
    partnership: str
    attendees: tuple[ContactLine, ...]
    unnamed_attendees: tuple[str, ...]  # "1 person from X" for those not shared
    agenda: str
    notes: str
    decisions: str
    actions: tuple[ActionLine, ...]


def find_meeting(desk: Desk, meeting_id: str | None) -> r.Meeting:
    if not meeting_id or not meeting_id.strip():
        raise PartnerDeskError("Choose the meeting for the minutes (its id, for example "
                               "--meeting 1b2c…; 'partnerdesk search' finds it).")
    with desk.store.read() as session:
        row = session.get(r.Meeting, meeting_id.strip(),
                          options=without_bookkeeping(r.Meeting))
    if row is None or row.deleted:
        raise PartnerDeskError(f"There is no meeting with the id “{meeting_id.strip()}”. "
                               "Copy the id from the meeting, or find it with "
                               "'partnerdesk search'.")
    return row


def meeting_minutes(desk: Desk, meeting_id: str | None, *,
                    today: date | None = None) -> MinutesReport:
    today = today or date.today()
    meeting = find_meeting(desk, meeting_id)
    with desk.store.read() as session:
        attendee_ids = list(session.scalars(select(r.MeetingAttendee.contact_id).where(
            r.MeetingAttendee.meeting_id == meeting.id, r.MeetingAttendee.deleted == LIVE)))
        actions = list(session.scalars(records_of(r.ActionItem).where(
            r.ActionItem.meeting_id == meeting.id, r.ActionItem.deleted == LIVE)
            .order_by(r.ActionItem.due_date)))
        people = by_id(session, r.Contact, attendee_ids + [a.owner_contact_id for a in actions])
        orgs = by_id(session, r.Organization, [p.organization_id for p in people.values()])
        ship = session.get(r.Partnership, meeting.partnership_id,
                           options=without_bookkeeping(r.Partnership)) \
            if meeting.partnership_id else None
    attendees, unnamed = [], defaultdict(int)
    region = desk.settings.phone_region
    for contact in sorted((people[i] for i in attendee_ids if i in people),
                          key=lambda c: c.name):
        org = orgs.get(contact.organization_id or "")
        if contact.share_ok:
            attendees.append(contact_line(contact, org.name if org else "", internal=False,
                                          region=region))
        else:
            unnamed[org.name if org else "another organization"] += 1
    day = meeting.starts_at.date()
    return MinutesReport(
        meta=make_meta(desk, "minutes", f"Minutes: {meeting.title}",
                       f"Minutes of “{meeting.title}” held on {day_text(day)}", today,
                       Period(day, day),
                       left_out=[c.id for c in people.values() if not c.share_ok]),
        title=meeting.title, starts_at=meeting.starts_at, ends_at=meeting.ends_at,
        location=meeting.location,
        partnership=ship.title if ship and not ship.deleted else "",
        attendees=tuple(attendees),
        unnamed_attendees=tuple(f"{n} {'person' if n == 1 else 'people'} from {org}"
                                for org, n in sorted(unnamed.items())),
        agenda=meeting.agenda, notes=meeting.notes, decisions=meeting.decisions,
        actions=tuple(ActionLine(a.description,
                                 person(people.get(a.owner_contact_id or ""), orgs, True),
                                 a.due_date, a.done,
                                 bool(not a.done and a.due_date and a.due_date < today))
                      for a in actions))
