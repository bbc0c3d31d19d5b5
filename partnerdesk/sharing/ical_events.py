"""Community events in the iCalendar export, at their own hour in their own time zone.

An event is kept as the wall-clock time where it happens plus its IANA time zone, so
it is written as a local time with a TZID (and the zone's VTIMEZONE, which
`ical.build_calendar` adds for every zone used): a calendar in another zone shows the
event at the right hour, a daylight-saving change included. Hosts and partners go in
the description, the partnerships it serves in the categories. No attendee is listed:
PartnerDesk keeps counts of the people reached, never their names.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Event

from partnerdesk.db import vocabulary as v
from partnerdesk.services.desk import Desk
from partnerdesk.services.validation import known_time_zone


def local(moment: datetime, zone: str) -> datetime:
    """The wall-clock time `moment` in `zone` (left floating when the zone is unknown)."""
    return moment.replace(tzinfo=ZoneInfo(zone)) if known_time_zone(zone) else moment


def community_events(desk: Desk, uid: Callable[[str, str], str],
                     stamp: Callable[[Any, datetime | None], None],
                     include_internal: bool = False) -> list[Event]:
    """A VEVENT for every live community event."""
    partnerships = {p.id: p.title for p in desk.partnerships.list()}
    organizations = {o.id: o.name for o in desk.organizations.list()}
    served: dict[str, list[str]] = {}
    for link in desk.event_partnerships.list(order_by="created_at"):
        if link.partnership_id in partnerships:
            served.setdefault(link.event_id, []).append(partnerships[link.partnership_id])
    taking_part: dict[str, dict[str, list[str]]] = {}
    for link in desk.event_organizations.list(order_by="created_at"):
        if link.organization_id in organizations:
            taking_part.setdefault(link.event_id, {}).setdefault(link.role, []).append(
                organizations[link.organization_id])
    found = []
    for event in desk.events.list(order_by="starts_at"):
        entry = Event()
        entry.add("uid", uid("event", event.id))
        entry.add("summary", event.title)
        entry.add("dtstart", local(event.starts_at, event.time_zone))
        entry.add("dtend", local(event.ends_at or event.starts_at + timedelta(hours=1),
                                 event.time_zone))
        if event.place:
            entry.add("location", event.place)
        roles = taking_part.get(event.id, {})
        parts = [v.label(v.EVENT_KINDS, event.kind),
                 event.description,
                 roles.get("host") and "Hosted by " + ", ".join(roles["host"]),
                 roles.get("partner") and "With " + ", ".join(roles["partner"]),
                 event.people_reached is not None
                 and f"People reached: {event.people_reached:,}",
                 event.notes,
                 include_internal and event.internal_notes
                 and f"Internal notes:\n{event.internal_notes}"]
        entry.add("description", "\n\n".join(str(p) for p in parts if p))
        if served.get(event.id):
            entry.add("categories", served[event.id])
        stamp(entry, event.updated_at)
        found.append(entry)
    return found
