"""Meetings, saved whole with their attendees and action items.

Child-row rules kept here (not in the editor): a person attends a meeting once (their
contact linked once; a second link for the same person is dropped); a new action item
belongs to the meeting's partnership unless given another; an open action item of an
earlier meeting can be carried over, which *moves* it to this meeting (its `meeting_id`
changes), so it is never listed or reminded about twice and its history shows where
it started. Ticking an item done records the day through the action item service's rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from partnerdesk.db import records as r
from partnerdesk.services.records import RecordService
from partnerdesk.services.store import Store
from partnerdesk.services.whole_save import ChildChanges, ChildList, Saved, WholeSaveService


class MeetingService(WholeSaveService[r.Meeting]):
    def __init__(self, store: Store, *, attendees: RecordService[r.MeetingAttendee],
                 action_items: RecordService[r.ActionItem]) -> None:
        super().__init__(store, r.Meeting)
        self.children = (
            ChildList("attendees", attendees, "attendee", "meeting_id", "contact_id",
                      label_model=r.Contact, unique_by="contact_id"),
            ChildList("action_items", action_items, "action item", "meeting_id",
                      "description", adopts=True),
        )

    def save(self, values: Mapping[str, Any], record_id: str | None = None, *,
             attendees: ChildChanges | None = None,
             action_items: ChildChanges | None = None,
             rev: str | None = None) -> Saved[r.Meeting]:
        """Create (no `record_id`) or update a meeting with its attendees and action items.

        `attendees` rows are links: {"contact_id": ...}. An action item of another meeting
        listed in `action_items.changed` is carried over to this one. Nothing is written
        when any row is wrong (ValidationError)."""
        return self.save_whole(values, record_id, {"attendees": attendees,
                                                   "action_items": action_items}, rev=rev)

    def row_defaults(self, spec: ChildList, values: dict[str, Any]) -> dict[str, Any]:
        if spec.name == "action_items":
            return {"partnership_id": values.get("partnership_id")}
        return {}
