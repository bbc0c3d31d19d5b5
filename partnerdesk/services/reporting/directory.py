"""The contact directory: organizations with their contacts, shareable ones only unless
the person making it explicitly includes internal contacts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from partnerdesk.db import records as r
from partnerdesk.db import vocabulary as v
from partnerdesk.services.desk import Desk
from partnerdesk.services.reporting.common import (
    LIVE,
    ContactLine,
    ReportMeta,
    contact_line,
    make_meta,
    phone_text,
    records_of,
)

# What `contact_line` reads of a contact, and the organization it is listed under
CONTACT_COLUMNS = (r.Contact.organization_id, r.Contact.name, r.Contact.role, r.Contact.emails,
                   r.Contact.phones, r.Contact.notes, r.Contact.internal_notes,
                   r.Contact.share_ok)


@dataclass(frozen=True)
class DirectoryOrganization:
    name: str
    kind: str
    phone: str
    email: str
    website: str
    address: str
    contacts: tuple[ContactLine, ...]


@dataclass(frozen=True)
class DirectoryReport:
    meta: ReportMeta
    organizations: tuple[DirectoryOrganization, ...]
    withheld: int = 0  # contacts left out because they may not be shared


def contact_directory(desk: Desk, *, include_internal: bool = False,
                      today: date | None = None) -> DirectoryReport:
    """Organizations and their contacts; only shareable ones unless asked otherwise."""
    today = today or date.today()
    with desk.store.read() as session:
        orgs = list(session.scalars(records_of(r.Organization).where(
            r.Organization.deleted == LIVE).order_by(r.Organization.name)))
        # Only the columns a line shows: whole records would also decode every contact's
        # addresses, tags and merge bookkeeping, a third of the report's time.
        query = select(*CONTACT_COLUMNS).where(r.Contact.deleted == LIVE)
        if not include_internal:
            query = query.where(r.Contact.share_ok == True)  # noqa: E712
        contacts = list(session.execute(query.order_by(r.Contact.name)))
        left_out = [] if include_internal else list(session.scalars(select(r.Contact.id).where(
            r.Contact.deleted == LIVE, r.Contact.share_ok == False)))  # noqa: E712
        withheld = len(left_out)
    by_org: dict[str | None, list[Any]] = defaultdict(list)
    for contact in contacts:
        by_org[contact.organization_id].append(contact)
    entries = []
    region = desk.settings.phone_region
    for org in orgs:
        people = by_org.get(org.id, [])
        entries.append(DirectoryOrganization(
            org.name, v.label(v.ORGANIZATION_KINDS, org.kind), phone_text(org.phone, region),
            org.email, org.website, org.address,
            tuple(contact_line(c, org.name, include_internal, region) for c in people)))
    loose = by_org.get(None, [])
    if loose:
        entries.append(DirectoryOrganization(
            "No organization", "", "", "", "", "",
            tuple(contact_line(c, "", include_internal, region) for c in loose)))
    title = "Contact directory" + (" (internal)" if include_internal else "")
    subject = ("Every contact, including those not cleared for sharing: keep inside the "
               "organization" if include_internal else
               "Organizations and the contacts who agreed to be shared with partners")
    return DirectoryReport(
        meta=make_meta(desk, "directory", title, subject, today,
                       for_partner=not include_internal, left_out=left_out),
        organizations=tuple(entries), withheld=withheld)
