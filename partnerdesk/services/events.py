"""Community events, saved whole with who hosted them, the partnerships they serve, the
resources used, how many people they reached, and their follow-up action items.

Rules kept here (not in the editor):
- attendance is counts only, by categories the organization names itself ("Adults",
  "Screened for blood pressure"); one count per category, so a second one for the same
  category is refused, never added up silently;
- an organization is listed once (host or partner), a partnership once (a second link
  is dropped: it says nothing more), a resource once;
- a new follow-up action item belongs to the event's first partnership unless given
  another, so it shows with that partnership's other work and in its reminders;
- an event's time is the wall-clock time where it happens, in its own time zone; a
  new event takes this computer's zone.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from partnerdesk.db import records as r
from partnerdesk.services.records import RecordService
from partnerdesk.services.store import Store
from partnerdesk.services.whole_save import ChildChanges, ChildList, Saved, WholeSaveService

LIVE = False
FALLBACK_ZONE = "UTC"
UPCOMING_DAYS = 30


@functools.cache
def local_time_zone() -> str:
    """This computer's IANA time zone name ("Europe/Paris"); UTC when it cannot be told.

    tzlocal reads it the way each system keeps it (the TZ variable, /etc/localtime,
    the Windows registry), which is more than a few lines of our own would get right."""
    from partnerdesk.services.validation import known_time_zone

    try:
        from tzlocal import get_localzone_name

        name = get_localzone_name() or ""
    except Exception:  # an odd system set-up: say UTC rather than fail to open an editor
        name = ""
    if name.startswith("Etc/") and name[4:] in ("UTC", "UCT", "Universal", "Zulu"):
        name = FALLBACK_ZONE
    return name if known_time_zone(name) else FALLBACK_ZONE


@dataclass(frozen=True)
class EventLine:
    """An event as the dashboard and a resource's page list it."""

    id: str
    title: str
    kind: str
    starts_at: datetime
    time_zone: str
    place: str
    people_reached: int | None


@dataclass(frozen=True)
class ResourceUse:
    """One event where a resource was used."""

    event_id: str
    title: str
    starts_at: datetime
    note: str


class EventService(WholeSaveService[r.Event]):
    def __init__(self, store: Store, *, organizations: RecordService[r.EventOrganization],
                 partnerships: RecordService[r.EventPartnership],
                 resources: RecordService[r.EventResource],
                 attendance: RecordService[r.EventAttendance],
                 action_items: RecordService[r.ActionItem]) -> None:
        super().__init__(store, r.Event)
        self.children = (
            ChildList("organizations", organizations, "organization", "event_id",
                      "organization_id", label_model=r.Organization,
                      unique_by="organization_id",
                      duplicate="{name} is already listed for this event."),
            ChildList("partnerships", partnerships, "partnership", "event_id",
                      "partnership_id", label_model=r.Partnership, unique_by="partnership_id"),
            ChildList("resources", resources, "resource", "event_id", "resource_id",
                      label_model=r.Resource, unique_by="resource_id",
                      duplicate="{name} is already listed as used at this event."),
            ChildList("attendance", attendance, "count", "event_id", "category",
                      unique_by="category",
                      duplicate="“{name}” is already counted; change that number instead."),
            ChildList("action_items", action_items, "follow-up action item", "event_id",
                      "description"),
        )

    def defaults(self) -> dict[str, Any]:
        return {**super().defaults(), "time_zone": local_time_zone()}

    def save(self, values: Mapping[str, Any], record_id: str | None = None, *,
             organizations: ChildChanges | None = None,
             partnerships: ChildChanges | None = None,
             resources: ChildChanges | None = None,
             attendance: ChildChanges | None = None,
             action_items: ChildChanges | None = None,
             rev: str | None = None) -> Saved[r.Event]:
        """Create (no `record_id`) or update an event with its child rows, in one step.

        `organizations` rows are {"organization_id", "role"}; `partnerships` rows
        {"partnership_id"}; `resources` rows {"resource_id", "note"}; `attendance` rows
        {"category", "count"}; `action_items` rows are action items. Nothing is written
        when any row is wrong (ValidationError)."""
        if action_items and action_items.new:
            first = self._first_partnership(record_id, partnerships)
            if first:
                action_items = replace(action_items, new=[
                    {"partnership_id": first, **row} for row in action_items.new])
        return self.save_whole(values, record_id, {
            "organizations": organizations, "partnerships": partnerships,
            "resources": resources, "attendance": attendance, "action_items": action_items},
            rev=rev)

    def _first_partnership(self, record_id: str | None,
                           partnerships: ChildChanges | None) -> str | None:
        """The partnership a new follow-up belongs to: the event's first one after the save."""
        removed = set(partnerships.removed) if partnerships else set()
        if record_id:
            with self.store.read() as session:
                for link in session.scalars(select(r.EventPartnership).where(
                        r.EventPartnership.event_id == record_id,
                        r.EventPartnership.deleted == LIVE).order_by(
                        r.EventPartnership.created_at)):
                    if link.id not in removed:
                        return link.partnership_id
        for row in (partnerships.new if partnerships else ()):
            if row.get("partnership_id"):
                return str(row["partnership_id"])
        return None

    # -- questions about events -------------------------------------------------------
    def upcoming(self, today: date, days: int = UPCOMING_DAYS,
                 limit: int = 10) -> list[EventLine]:
        """Events from today on, within `days`, soonest first (the dashboard)."""
        first = datetime.combine(today, time.min)
        last = datetime.combine(today + timedelta(days=days), time.max)
        with self.store.read() as session:
            rows = session.execute(select(
                r.Event.id, r.Event.title, r.Event.kind, r.Event.starts_at, r.Event.time_zone,
                r.Event.place, r.Event.people_reached).where(
                r.Event.deleted == LIVE, r.Event.starts_at >= first,
                r.Event.starts_at <= last).order_by(r.Event.starts_at).limit(limit))
            return [EventLine(*row) for row in rows]

    def partnership_ids(self, event_id: str) -> list[str]:
        with self.store.read() as session:
            return list(session.scalars(select(r.EventPartnership.partnership_id).where(
                r.EventPartnership.event_id == event_id,
                r.EventPartnership.deleted == LIVE).order_by(r.EventPartnership.created_at)))

    def uses_of_resource(self, resource_id: str) -> list[ResourceUse]:
        """Where a resource was used: its live events, latest first."""
        with self.store.read() as session:
            rows = session.execute(select(
                r.Event.id, r.Event.title, r.Event.starts_at, r.EventResource.note).join(
                r.EventResource, r.EventResource.event_id == r.Event.id).where(
                r.EventResource.resource_id == resource_id, r.EventResource.deleted == LIVE,
                r.Event.deleted == LIVE).order_by(r.Event.starts_at.desc()))
            return [ResourceUse(*row) for row in rows]

    def attendance_categories(self) -> list[str]:
        """The categories of people this organization counts: those in use, else a start."""
        from partnerdesk.db import vocabulary as v

        with self.store.read() as session:
            used = session.scalars(select(r.EventAttendance.category).where(
                r.EventAttendance.deleted == LIVE).distinct())
            found = sorted(set(used), key=str.casefold)
        return found or list(v.ATTENDANCE_CATEGORIES)
