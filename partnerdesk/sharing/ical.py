"""Meetings, to-dos and key dates as an iCalendar file (RFC 5545), written with icalendar.

- meetings are events (floating local time, as people write them in a diary) with
  their attendees;
- community events are events at their own hour in their own time zone
  (`ical_events`);
- action items and milestones are to-dos with due dates;
- an agreement's expiry and the last day to give notice before it (for the agreements
  that can expire, as `services.agreement_rules` decides: signed or active), and each
  partnership's next review are all-day events.
Every UID is derived from the record's id (`meeting-<id>@partnerdesk`), so importing
a newer file into a calendar updates the entries instead of adding copies.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from icalendar import Calendar, Event, Todo, vCalAddress, vText

from partnerdesk.db import records as r
from partnerdesk.errors import PartnerDeskError
from partnerdesk.services import agreement_rules
from partnerdesk.services.desk import Desk
from partnerdesk.services.titles import short_title
from partnerdesk.sharing.ical_events import community_events

UID_DOMAIN = "partnerdesk"


def uid(kind: str, record_id: str) -> str:
    return f"{kind}-{record_id}@{UID_DOMAIN}"


def _stamp(component: Any, updated: datetime | None) -> None:
    component.add("dtstamp", datetime.now(UTC))
    if updated is not None:
        moment = updated if updated.tzinfo else updated.replace(tzinfo=UTC)
        component.add("last-modified", moment.astimezone(UTC))


def _all_day(kind: str, record_id: str, day: date, summary: str, description: str,
             updated: datetime | None) -> Event:
    event = Event()
    event.add("uid", uid(kind, record_id))
    event.add("summary", summary)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("transp", "TRANSPARENT")  # a reminder, not a busy block
    if description:
        event.add("description", description)
    _stamp(event, updated)
    return event


def _attendee(contact: r.Contact) -> vCalAddress:
    emails = [e.get("address") for e in contact.emails if e.get("address")]
    address = vCalAddress(f"mailto:{emails[0]}" if emails else f"urn:uuid:{contact.id}")
    address.params["cn"] = vText(contact.name)
    address.params["role"] = vText("REQ-PARTICIPANT")
    return address


def build_calendar(desk: Desk, include_internal: bool = False) -> Calendar:
    """The calendar of every live meeting, action item, milestone and key date."""
    calendar = Calendar()
    calendar.add("prodid", "-//PartnerDesk//PartnerDesk//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "PartnerDesk")
    contacts = {c.id: c for c in desk.contacts.list()}
    partnerships = {p.id: p for p in desk.partnerships.list()}
    attendees: dict[str, list[str]] = {}
    for link in desk.meeting_attendees.list(order_by="id"):
        attendees.setdefault(link.meeting_id, []).append(link.contact_id)

    for meeting in desk.meetings.list(order_by="starts_at"):
        event = Event()
        event.add("uid", uid("meeting", meeting.id))
        event.add("summary", meeting.title)
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.ends_at or meeting.starts_at + timedelta(hours=1))
        if meeting.location:
            event.add("location", meeting.location)
        parts = [meeting.agenda and f"Agenda:\n{meeting.agenda}",
                 meeting.notes and f"Notes:\n{meeting.notes}",
                 meeting.decisions and f"Decisions:\n{meeting.decisions}",
                 include_internal and meeting.internal_notes
                 and f"Internal notes:\n{meeting.internal_notes}"]
        description = "\n\n".join(p for p in parts if p)
        if description:
            event.add("description", description)
        if meeting.partnership_id in partnerships:
            event.add("categories", [partnerships[meeting.partnership_id].title])
        for contact_id in attendees.get(meeting.id, []):
            if contact_id in contacts:
                event.add("attendee", _attendee(contacts[contact_id]), encode=False)
        _stamp(event, meeting.updated_at)
        calendar.add_component(event)

    for entry in community_events(desk, uid, _stamp, include_internal):
        calendar.add_component(entry)

    for item in desk.action_items.list(order_by="due_date"):
        todo = Todo()
        todo.add("uid", uid("action", item.id))
        todo.add("summary", short_title(item.description, 200) or "Action item")
        todo.add("description", item.description)
        if item.due_date:
            todo.add("due", item.due_date)
        owner = contacts.get(item.owner_contact_id or "")
        if owner is not None:
            todo.add("attendee", _attendee(owner), encode=False)
        _done(todo, item.done, item.done_date)
        _stamp(todo, item.updated_at)
        calendar.add_component(todo)

    for milestone in desk.milestones.list(order_by="due_date"):
        todo = Todo()
        todo.add("uid", uid("milestone", milestone.id))
        partnership = partnerships.get(milestone.partnership_id)
        suffix = f" ({partnership.title})" if partnership else ""
        todo.add("summary", f"Milestone: {milestone.title}{suffix}")
        if milestone.notes:
            todo.add("description", milestone.notes)
        if milestone.due_date:
            todo.add("due", milestone.due_date)
        _done(todo, milestone.done, milestone.done_date)
        _stamp(todo, milestone.updated_at)
        calendar.add_component(todo)

    for agreement in desk.agreements.list(where={"status": list(agreement_rules.IN_FORCE)},
                                          order_by="expiry_date"):
        if agreement.expiry_date is None:
            continue
        calendar.add_component(_all_day(
            "agreement-expiry", agreement.id, agreement.expiry_date,
            f"Agreement expires: {agreement.title}", agreement.renewal_terms,
            agreement.updated_at))
        if agreement.notice_period_days:
            notice = agreement.expiry_date - timedelta(days=agreement.notice_period_days)
            calendar.add_component(_all_day(
                "agreement-notice", agreement.id, notice,
                f"Last day to give notice: {agreement.title}",
                f"{agreement.notice_period_days} days' notice before the agreement expires "
                f"on {agreement.expiry_date.isoformat()}.", agreement.updated_at))

    for partnership in partnerships.values():
        if partnership.next_review_date is None or partnership.status == "ended":
            continue
        calendar.add_component(_all_day(
            "partnership-review", partnership.id, partnership.next_review_date,
            f"Partnership review: {partnership.title}", partnership.goals,
            partnership.updated_at))
    calendar.add_missing_timezones()  # a VTIMEZONE for every zone an entry names
    return calendar


def _done(todo: Todo, done: bool, done_date: date | None) -> None:
    todo.add("status", "COMPLETED" if done else "NEEDS-ACTION")
    if done and done_date:
        todo.add("completed", datetime.combine(done_date, time(12), tzinfo=UTC))


def export_ical(desk: Desk, path: str | Path, include_internal: bool = False) -> int:
    """Write the calendar; returns how many entries it holds."""
    calendar = build_calendar(desk, include_internal)
    entries = sum(1 for c in calendar.subcomponents if c.name != "VTIMEZONE")
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    try:
        partial.write_bytes(calendar.to_ical())
        partial.replace(target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise PartnerDeskError(f"Could not write {target}: {error.strerror}. Choose another "
                               "folder.") from error
    desk.log_export("icalendar", target, counts={"entries": entries},
                    scope="internal notes included" if include_internal else "")
    return entries
