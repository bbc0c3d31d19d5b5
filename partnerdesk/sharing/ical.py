"""Meetings, to-dos and key dates as an iCalendar file (RFC 5545), written with icalendar.

- meetings are events at the hour people wrote them, in the person's time zone
  (`desk.settings.time_zone`): `DTSTART;TZID=America/New_York:…` with the zone's
  `VTIMEZONE` in the file (yearly rules, see `ical_zones`), or UTC (`…Z`) when the zone
  is UTC, so every calendar shows them at the right hour wherever it is; their attendees
  come with them;
- community events are events at their own hour in their own time zone
  (`ical_events`), with that zone's `VTIMEZONE`;
- action items and milestones are to-dos with due dates;
- an agreement's expiry and the last day to give notice before it (for the agreements
  that can expire, as `services.agreement_rules` decides: signed or active), and each
  partnership's next review are all-day events (a day, in no zone).
Every UID is derived from the record's id (`meeting-<id>@partnerdesk`), so importing
a newer file into a calendar updates the entries instead of adding copies.

Another kind of record joins the calendar by adding a function to `SOURCES`: it gets
the `Sources` of one export and yields its components (`timed_event` and `all_day`
make the two kinds of event).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Component, Event, Todo, vCalAddress, vDDDTypes, vText

from partnerdesk.db import records as r
from partnerdesk.errors import PartnerDeskError
from partnerdesk.services import agreement_rules
from partnerdesk.services.desk import Desk
from partnerdesk.services.titles import short_title
from partnerdesk.sharing.ical_events import community_events as event_entries
from partnerdesk.sharing.ical_zones import timezone_component

UID_DOMAIN = "partnerdesk"


def uid(kind: str, record_id: str) -> str:
    return f"{kind}-{record_id}@{UID_DOMAIN}"


def zone_of(name: str) -> tzinfo:
    """The zone a time-zone setting names; UTC as `datetime.UTC`, so it is written "Z"."""
    return UTC if name in ("UTC", "Etc/UTC", "Etc/UCT", "UCT", "Zulu", "Etc/Zulu") \
        else ZoneInfo(name)


@dataclass
class Sources:
    """What one export reads, shared by every source of entries."""

    desk: Desk
    zone: tzinfo
    include_internal: bool = False

    @cached_property
    def contacts(self) -> dict[str, r.Contact]:
        return {c.id: c for c in self.desk.contacts.list()}

    @cached_property
    def partnerships(self) -> dict[str, r.Partnership]:
        return {p.id: p for p in self.desk.partnerships.list()}

    def local(self, moment: datetime) -> datetime:
        """A wall-clock time as people typed it, placed in the person's zone."""
        if moment.tzinfo is not None:
            return moment.astimezone(self.zone)
        return moment.replace(tzinfo=self.zone)

    def attendee(self, contact: r.Contact) -> vCalAddress:
        emails = [e.get("address") for e in contact.emails if e.get("address")]
        address = vCalAddress(f"mailto:{emails[0]}" if emails else f"urn:uuid:{contact.id}")
        address.params["cn"] = vText(contact.name)
        address.params["role"] = vText("REQ-PARTICIPANT")
        return address


def stamp(component: Component, updated: datetime | None) -> None:
    component.add("dtstamp", datetime.now(UTC))
    if updated is not None:
        moment = updated if updated.tzinfo else updated.replace(tzinfo=UTC)
        component.add("last-modified", moment.astimezone(UTC))


def timed_event(sources: Sources, kind: str, record_id: str, start: datetime,
                end: datetime | None, summary: str, updated: datetime | None) -> Event:
    """An event at a time of day (an hour long when it has no end), in the person's zone."""
    event = Event()
    event.add("uid", uid(kind, record_id))
    event.add("summary", summary)
    event.add("dtstart", sources.local(start))
    event.add("dtend", sources.local(end or start + timedelta(hours=1)))
    stamp(event, updated)
    return event


def all_day(kind: str, record_id: str, day: date, summary: str, description: str,
            updated: datetime | None) -> Event:
    event = Event()
    event.add("uid", uid(kind, record_id))
    event.add("summary", summary)
    event.add("dtstart", day)
    if day < date.max:  # without DTEND an all-day entry lasts its one day (RFC 5545)
        event.add("dtend", day + timedelta(days=1))
    event.add("transp", "TRANSPARENT")  # a reminder, not a busy block
    if description:
        event.add("description", description)
    stamp(event, updated)
    return event


def _done(todo: Todo, done: bool, done_date: date | None) -> None:
    todo.add("status", "COMPLETED" if done else "NEEDS-ACTION")
    if done and done_date:
        todo.add("completed", datetime.combine(done_date, time(12), tzinfo=UTC))


# -- the sources of entries ---------------------------------------------------------------
def meetings(sources: Sources) -> Iterator[Component]:
    desk = sources.desk
    attendees: dict[str, list[str]] = {}
    for link in desk.meeting_attendees.list(order_by="id"):
        attendees.setdefault(link.meeting_id, []).append(link.contact_id)
    for meeting in desk.meetings.list(order_by="starts_at"):
        event = timed_event(sources, "meeting", meeting.id, meeting.starts_at,
                            meeting.ends_at, meeting.title, meeting.updated_at)
        if meeting.location:
            event.add("location", meeting.location)
        parts = [meeting.agenda and f"Agenda:\n{meeting.agenda}",
                 meeting.notes and f"Notes:\n{meeting.notes}",
                 meeting.decisions and f"Decisions:\n{meeting.decisions}",
                 sources.include_internal and meeting.internal_notes
                 and f"Internal notes:\n{meeting.internal_notes}"]
        description = "\n\n".join(p for p in parts if p)
        if description:
            event.add("description", description)
        if meeting.partnership_id in sources.partnerships:
            event.add("categories", [sources.partnerships[meeting.partnership_id].title])
        for contact_id in attendees.get(meeting.id, []):
            if contact_id in sources.contacts:
                event.add("attendee", sources.attendee(sources.contacts[contact_id]),
                          encode=False)
        yield event


def action_items(sources: Sources) -> Iterator[Component]:
    for item in sources.desk.action_items.list(order_by="due_date"):
        todo = Todo()
        todo.add("uid", uid("action", item.id))
        todo.add("summary", short_title(item.description, 200) or "Action item")
        todo.add("description", item.description)
        if item.due_date:
            todo.add("due", item.due_date)
        owner = sources.contacts.get(item.owner_contact_id or "")
        if owner is not None:
            todo.add("attendee", sources.attendee(owner), encode=False)
        _done(todo, item.done, item.done_date)
        stamp(todo, item.updated_at)
        yield todo


def milestones(sources: Sources) -> Iterator[Component]:
    for milestone in sources.desk.milestones.list(order_by="due_date"):
        todo = Todo()
        todo.add("uid", uid("milestone", milestone.id))
        partnership = sources.partnerships.get(milestone.partnership_id)
        suffix = f" ({partnership.title})" if partnership else ""
        todo.add("summary", f"Milestone: {milestone.title}{suffix}")
        if milestone.notes:
            todo.add("description", milestone.notes)
        if milestone.due_date:
            todo.add("due", milestone.due_date)
        _done(todo, milestone.done, milestone.done_date)
        stamp(todo, milestone.updated_at)
        yield todo


def agreement_dates(sources: Sources) -> Iterator[Component]:
    for agreement in sources.desk.agreements.list(
            where={"status": list(agreement_rules.IN_FORCE)}, order_by="expiry_date"):
        if agreement.expiry_date is None:
            continue
        yield all_day("agreement-expiry", agreement.id, agreement.expiry_date,
                      f"Agreement expires: {agreement.title}", agreement.renewal_terms,
                      agreement.updated_at)
        notice = agreement_rules.last_notice_date(agreement.expiry_date,
                                                  agreement.notice_period_days)
        if notice is not None:
            yield all_day("agreement-notice", agreement.id, notice,
                          f"Last day to give notice: {agreement.title}",
                          f"{agreement.notice_period_days} days' notice before the agreement "
                          f"expires on {agreement.expiry_date.isoformat()}.",
                          agreement.updated_at)


def partnership_reviews(sources: Sources) -> Iterator[Component]:
    for partnership in sources.partnerships.values():
        if partnership.next_review_date is None or partnership.status == "ended":
            continue
        yield all_day("partnership-review", partnership.id, partnership.next_review_date,
                      f"Partnership review: {partnership.title}", partnership.goals,
                      partnership.updated_at)


def community_events(sources: Sources) -> Iterator[Component]:
    yield from event_entries(sources.desk, uid, stamp, sources.include_internal)


SOURCES: tuple[Callable[[Sources], Iterator[Component]], ...] = (
    meetings, community_events, action_items, milestones, agreement_dates,
    partnership_reviews)


def zones_used(components: list[Component]) -> list[str]:
    """The IANA names of the zones the timed entries are written in (not UTC)."""
    names: dict[str, None] = {}
    for component in components:
        if not isinstance(component.get("dtstart"), vDDDTypes):
            continue
        start = component.decoded("dtstart")
        if isinstance(start, datetime) and isinstance(start.tzinfo, ZoneInfo):
            names[start.tzinfo.key] = None
    return list(names)


def build_calendar(desk: Desk, include_internal: bool = False,
                   time_zone: str | None = None) -> Calendar:
    """The calendar of every live meeting, action item, milestone and key date; times in
    `time_zone` (an IANA name), the person's setting when not given."""
    zone_name = time_zone or desk.settings.time_zone
    calendar = Calendar()
    calendar.add("prodid", "-//PartnerDesk//PartnerDesk//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "PartnerDesk")
    sources = Sources(desk, zone_of(zone_name), include_internal)
    found = [component for source in SOURCES for component in source(sources)]
    for name in zones_used(found):  # each zone's definition before its first use
        calendar.add_component(timezone_component(name))
    for component in found:
        calendar.add_component(component)
    return calendar


def entries(calendar: Calendar) -> int:
    return sum(1 for c in calendar.subcomponents if c.name != "VTIMEZONE")


def export_ical(desk: Desk, path: str | Path, include_internal: bool = False) -> int:
    """Write the calendar; returns how many entries it holds."""
    calendar = build_calendar(desk, include_internal)
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    try:
        partial.write_bytes(calendar.to_ical())
        partial.replace(target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise PartnerDeskError(f"Could not write {target}: {error.strerror}. Choose another "
                               "folder.") from error
    count = entries(calendar)
    desk.log_export("icalendar", target, counts={"entries": count},
                    scope="internal notes included" if include_internal else "")
    return count
