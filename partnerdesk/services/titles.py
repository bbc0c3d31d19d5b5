"""What names a record: the one rule behind lists, search, the Trash, history, the
conflicts list and import previews.

Most record types are named by one of their fields (`TITLE_FIELDS`), which is also the
order a list of them takes unless told otherwise. A referral pathway has no such field:
it is named by the organizations it joins ("Mercy General → Northside Food Bank"), so
naming one needs the database (`titles`). The rows that only link two records
(attendees, parties, signatories...) have no title; callers show their id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, SQLModel

from partnerdesk.db import records as r
from partnerdesk.db.registry import RECORD_TYPES, type_name

TITLE_FIELDS: dict[str, str] = {
    "organization": "name",
    "contact": "name",
    "tag": "name",
    "category": "name",
    "partnership": "title",
    "milestone": "title",
    "indicator": "name",
    "agreement": "title",
    "obligation": "description",
    "attachment": "filename",
    "resource": "name",
    "need": "title",
    "referral_count": "month",
    "meeting": "title",
    "action_item": "description",
    "partnership_review": "reviewed_on",
    "event": "title",
    "event_attendance": "category",
    "feedback": "title",
    "survey_result": "question",
    "funding": "title",
    "funding_deliverable": "title",
}
PATHWAY = "referral_pathway"


def title_field(record_type: str | type[SQLModel]) -> str:
    """The field that names records of this type ("id" for those named by no field)."""
    name = record_type if isinstance(record_type, str) else type_name(record_type)
    return TITLE_FIELDS.get(name, "id")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def title_of(record_type: str, values: Mapping[str, Any]) -> str:
    """The title in a record's values (a row's fields, a bundle's state); "" when it
    has none. A referral pathway needs `titles`, which looks up its organizations."""
    field = TITLE_FIELDS.get(record_type)
    return _text(values.get(field)) if field else ""


def titles(session: Session, record_type: str,
           rows: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Record id -> title for `rows` (dicts of field values with an id) of one type."""
    if record_type != PATHWAY:
        return {row["id"]: title_of(record_type, row) for row in rows}
    ids = {row[key] for row in rows for key in ("from_organization_id", "to_organization_id")}
    names: dict[str, str] = {}
    wanted = sorted(i for i in ids if i)
    for at in range(0, len(wanted), 500):  # SQLite takes a limited number of parameters
        names.update((org_id, name) for org_id, name in session.execute(
            select(r.Organization.id, r.Organization.name).where(
                r.Organization.id.in_(wanted[at:at + 500]))))
    return {row["id"]: f"{names.get(row['from_organization_id'], '?')} → "
                       f"{names.get(row['to_organization_id'], '?')}" for row in rows}


def stored_title(session: Session, record_type: str, record_id: str) -> str:
    """The title of one stored record (deleted ones too); "" when it has none or is gone."""
    model = RECORD_TYPES[record_type]
    row = session.get(model, record_id)
    if row is None:
        return ""
    values = {name: getattr(row, name) for name in model.model_fields}
    return titles(session, record_type, [values])[record_id]


def short_title(text: str, limit: int) -> str:
    """A title made from a longer text (a need's or an action item's description): its
    first non-empty line, cut at a word with "…" when longer than `limit` characters."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first) <= limit:
        return first
    cut = first[:limit - 1]
    if first[limit - 1] != " ":  # the cut fell inside a word: leave that word out
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"
