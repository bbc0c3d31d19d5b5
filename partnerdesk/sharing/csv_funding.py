"""Funding to a spreadsheet: one row per funding, its deliverables in one cell.

Amounts are plain numbers ("25000.00") in the currency the Currency column names, so a
spreadsheet can add them up. With `shareable_only`, amounts marked internal and internal
notes are left empty, as in a bundle for a partner (`funding_rules.hidden_from_partners`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from partnerdesk.db import vocabulary as v
from partnerdesk.services import funding_rules
from partnerdesk.services.money import plain_amount

HEADERS = ["PartnerDesk ID", "Title", "Programme or call", "Funder", "Partnership",
           "For organization", "Status", "Currency", "Amount requested", "Amount awarded",
           "In-kind support", "In-kind value", "Amounts internal", "Deadline",
           "Decision expected", "Starts", "Ends", "Tags", "Notes", "Internal notes",
           "Deliverables"]


def _day(value: Any) -> str:
    return value.isoformat() if value else ""


def funding_rows(desk: Any, shareable_only: bool = False) -> list[list[str]]:
    currency = desk.settings.currency
    fundings = desk.funding.list()
    orgs = desk.organizations.lookup({f.funder_id for f in fundings}
                                     | {f.organization_id or "" for f in fundings}, "name")
    ships = desk.partnerships.lookup({f.partnership_id or "" for f in fundings}, "title")
    deliverables: dict[str, list[Any]] = defaultdict(list)
    for item in desk.funding_deliverables.list(
            where={"funding_id": [f.id for f in fundings]}, order_by="due_date"):
        deliverables[item.funding_id].append(item)
    owners = desk.contacts.lookup({d.owner_contact_id or "" for items in deliverables.values()
                                   for d in items}, "name")
    rows = []
    for funding in fundings:
        hidden = funding_rules.hidden_from_partners(
            {"amounts_internal": funding.amounts_internal}) if shareable_only else ()

        def amount(field: str, funding: Any = funding, hidden: Any = hidden) -> str:
            return "" if field in hidden else plain_amount(getattr(funding, field))

        items = " ::: ".join(
            f"{d.title} ({v.label(v.DELIVERABLE_KINDS, d.kind).lower()}, due "
            f"{_day(d.due_date) or 'no date'}"
            + (f", {owners[d.owner_contact_id]}" if d.owner_contact_id in owners
               and not shareable_only else "")
            + (", done" if d.done else "") + ")" for d in deliverables[funding.id])
        rows.append([
            funding.id, funding.title, funding.programme, orgs.get(funding.funder_id, ""),
            ships.get(funding.partnership_id or "", ""),
            orgs.get(funding.organization_id or "", ""),
            v.label(v.FUNDING_STATUSES, funding.status), currency,
            amount("requested_cents"), amount("awarded_cents"), funding.in_kind_description,
            amount("in_kind_cents"), "yes" if funding.amounts_internal else "no",
            _day(funding.deadline), _day(funding.decision_expected),
            _day(funding.start_date), _day(funding.end_date), "; ".join(funding.tags),
            funding.notes, "" if shareable_only else funding.internal_notes, items])
    return rows
