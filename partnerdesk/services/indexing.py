"""What each record type contributes to global search: a title and a body of text."""

from typing import Any

from sqlalchemy import select
from sqlmodel import Session, SQLModel

from partnerdesk.db import records as r
from partnerdesk.db.registry import type_name
from partnerdesk.db.search_index import Entry

# record type -> (title field, body fields)
SEARCHABLE: dict[type[SQLModel], tuple[str, tuple[str, ...]]] = {
    r.Organization: ("name", ("mission", "email", "website", "address", "tags", "notes",
                              "internal_notes")),
    r.Contact: ("name", ("role", "emails", "phones", "tags", "notes", "internal_notes")),
    r.Partnership: ("title", ("goals", "shared_vision", "tags", "notes", "internal_notes")),
    r.Agreement: ("title", ("renewal_terms", "notes", "internal_notes")),
    r.Resource: ("name", ("description", "eligibility", "service_area", "schedule", "notes")),
    r.CommunityNeed: ("title", ("description", "area", "source", "notes")),
    r.ReferralPathway: ("notes", ()),
    r.Meeting: ("title", ("location", "agenda", "notes", "decisions", "internal_notes")),
    r.ActionItem: ("description", ()),
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, dict):
                # the address or number, not its kind: "mobile" would match every "m"
                parts.extend(str(item[k]) for k in ("address", "number") if item.get(k))
            else:
                parts.append(str(item))
        return " ".join(parts)
    return str(value)


def _pathway_titles(session: Session, rows: list[dict[str, Any]]) -> dict[str, str]:
    ids = {row[key] for row in rows for key in ("from_organization_id", "to_organization_id")}
    names = dict(session.execute(
        select(r.Organization.id, r.Organization.name).where(r.Organization.id.in_(ids))).all())
    return {row["id"]: f"{names.get(row['from_organization_id'], '?')} → "
                       f"{names.get(row['to_organization_id'], '?')}" for row in rows}


def search_entries(session: Session, model: type[SQLModel],
                   rows: list[dict[str, Any]]) -> list[Entry]:
    """Index entries for rows of one type (rows are dicts of field values with an id)."""
    spec = SEARCHABLE.get(model)
    if spec is None:
        return []
    title_field, body_fields = spec
    kind = type_name(model)
    if model is r.ReferralPathway:
        titles = _pathway_titles(session, rows)
        return [Entry(kind, row["id"], titles[row["id"]], _text(row.get("notes")))
                for row in rows]
    return [Entry(kind, row["id"], _text(row.get(title_field)),
                  " ".join(_text(row.get(name)) for name in body_fields))
            for row in rows]
