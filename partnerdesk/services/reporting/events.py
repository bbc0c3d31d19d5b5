"""The partnership report's community events and feedback over its period.

Events are listed with who hosted them, what they used and how many people they
reached (counts only); feedback with its channel, sentiment, themes and, for surveys,
the totals per answer. Internal notes are never read into the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlmodel import Session

from partnerdesk.db import records as r
from partnerdesk.db import vocabulary as v
from partnerdesk.services.feedback import FeedbackLine, feedback_lines
from partnerdesk.services.reporting.common import LIVE, Period, records_of


@dataclass(frozen=True)
class EventReportLine:
    starts_at: datetime
    time_zone: str
    title: str
    kind: str  # label
    place: str
    hosts: tuple[str, ...]
    partners: tuple[str, ...]
    resources: tuple[str, ...]
    people_reached: int | None
    counts: tuple[tuple[str, int], ...]  # (category, how many), as entered


def partnership_events(session: Session, partnership_id: str,
                       period: Period) -> tuple[EventReportLine, ...]:
    """The events serving the partnership that took place (or will) within the period."""
    assert period.start is not None and period.end is not None
    first = datetime.combine(period.start, time.min)
    last = datetime.combine(period.end, time.max)
    events = list(session.scalars(records_of(r.Event).join(
        r.EventPartnership, r.EventPartnership.event_id == r.Event.id).where(
        r.EventPartnership.partnership_id == partnership_id,
        r.EventPartnership.deleted == LIVE, r.Event.deleted == LIVE,
        r.Event.starts_at >= first, r.Event.starts_at <= last).order_by(r.Event.starts_at)))
    ids = list(dict.fromkeys(event.id for event in events))
    if not ids:
        return ()
    roles: dict[str, dict[str, list[str]]] = {}
    for event_id, role, name in session.execute(select(
            r.EventOrganization.event_id, r.EventOrganization.role, r.Organization.name).join(
            r.Organization, r.Organization.id == r.EventOrganization.organization_id).where(
            r.EventOrganization.event_id.in_(ids), r.EventOrganization.deleted == LIVE)
            .order_by(r.Organization.name)):
        roles.setdefault(event_id, {}).setdefault(role, []).append(name)
    used: dict[str, list[str]] = {}
    for event_id, name, note in session.execute(select(
            r.EventResource.event_id, r.Resource.name, r.EventResource.note).join(
            r.Resource, r.Resource.id == r.EventResource.resource_id).where(
            r.EventResource.event_id.in_(ids), r.EventResource.deleted == LIVE)
            .order_by(r.Resource.name)):
        used.setdefault(event_id, []).append(f"{name} ({note})" if note else name)
    counts: dict[str, list[tuple[str, int]]] = {}
    for row in session.scalars(records_of(r.EventAttendance).where(
            r.EventAttendance.event_id.in_(ids), r.EventAttendance.deleted == LIVE)
            .order_by(r.EventAttendance.created_at)):
        counts.setdefault(row.event_id, []).append((row.category, row.count))
    seen: set[str] = set()
    lines = []
    for event in events:
        if event.id in seen:
            continue
        seen.add(event.id)
        lines.append(EventReportLine(
            event.starts_at, event.time_zone, event.title, v.label(v.EVENT_KINDS, event.kind),
            event.place, tuple(roles.get(event.id, {}).get("host", ())),
            tuple(roles.get(event.id, {}).get("partner", ())), tuple(used.get(event.id, ())),
            event.people_reached, tuple(counts.get(event.id, ()))))
    return tuple(lines)


def partnership_feedback(session: Session, partnership_id: str,
                         period: Period) -> tuple[FeedbackLine, ...]:
    """The partnership's feedback received within the period, oldest first."""
    assert period.start is not None and period.end is not None
    rows = list(session.scalars(records_of(r.Feedback).where(
        r.Feedback.partnership_id == partnership_id, r.Feedback.deleted == LIVE,
        r.Feedback.received_on >= period.start, r.Feedback.received_on <= period.end)
        .order_by(r.Feedback.received_on, r.Feedback.title)))
    return tuple(feedback_lines(session, rows))


def total_reached(events: tuple[EventReportLine, ...]) -> int:
    return sum(event.people_reached or 0 for event in events)


def happened(events: tuple[EventReportLine, ...], today: date) -> int:
    return sum(1 for event in events if event.starts_at.date() <= today)
