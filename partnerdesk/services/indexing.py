"""What each record type contributes to global search: its title (`services.titles`)
and a body of text."""

from typing import Any

from sqlmodel import Session, SQLModel

from partnerdesk.db import records as r
from partnerdesk.db.registry import type_name
from partnerdesk.db.search_index import Entry
from partnerdesk.services.titles import title_field, titles

# record type -> the fields whose text is searched besides its title
SEARCHABLE: dict[type[SQLModel], tuple[str, ...]] = {
    r.Organization: ("mission", "email", "website", "address", "tags", "notes",
                     "internal_notes"),
    r.Contact: ("role", "department", "emails", "phones", "addresses", "websites", "tags",
                "notes", "internal_notes"),
    r.Partnership: ("goals", "shared_vision", "tags", "notes", "internal_notes"),
    r.Agreement: ("renewal_terms", "notes", "internal_notes"),
    r.Resource: ("description", "eligibility", "service_area", "schedule", "notes"),
    r.CommunityNeed: ("description", "area", "source", "notes"),
    r.ReferralPathway: ("notes",),
    r.Meeting: ("location", "agenda", "notes", "decisions", "internal_notes"),
    r.ActionItem: (),
    r.Event: ("place", "description", "notes", "internal_notes"),
    r.Feedback: ("summary", "tags", "internal_notes"),
    r.Obligation: ("frequency",),  # what an MOU binds a party to; opens its agreement
    r.Funding: ("programme", "in_kind_description", "tags", "notes", "internal_notes"),
    r.FundingDeliverable: (),
}
# What is searched in the entries of a list field (e-mails, phones, postal addresses,
# websites); see `db.records.Contact`.
TEXT_KEYS = ("address", "number", "url", "street", "city", "region", "postal_code",
             "country")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, dict):
                # the text, not its kind: "mobile" would match every "m"
                parts.extend(str(item[k]) for k in TEXT_KEYS if item.get(k))
            else:
                parts.append(str(item))
        return " ".join(parts)
    return str(value)


def index_fields(model: type[SQLModel]) -> frozenset[str]:
    """The fields a record's search entry is made from (none: not searched). A referral
    pathway's title comes from the organizations it joins."""
    body = SEARCHABLE.get(model)
    if body is None:
        return frozenset()
    kind = type_name(model)
    if model is r.ReferralPathway:
        return frozenset({*body, "from_organization_id", "to_organization_id"})
    return frozenset({*body, title_field(kind)})


def titled_by_others(model: type[SQLModel]) -> bool:
    """Whether a record's entry holds text of other records (a referral pathway's title
    is the names of the organizations it joins), which may have changed beside it."""
    return model is r.ReferralPathway


def search_entries(session: Session, model: type[SQLModel],
                   rows: list[dict[str, Any]]) -> list[Entry]:
    """Index entries for rows of one type (rows are dicts of field values with an id)."""
    body_fields = SEARCHABLE.get(model)
    if body_fields is None:
        return []
    kind = type_name(model)
    if model is r.ReferralPathway:  # named by the organizations it joins
        names = titles(session, kind, rows)
        return [Entry(kind, row["id"], names[row["id"]],
                      " ".join(_text(row.get(name)) for name in body_fields)) for row in rows]
    title = title_field(kind)
    # (text as it is without a call per field: a bulk write indexes thousands of rows)
    return [Entry(kind, row["id"], _text(row.get(title)),
                  " ".join([value if type(value) is str else _text(value)
                            for value in map(row.get, body_fields)]))
            for row in rows]
