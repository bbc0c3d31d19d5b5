"""Contacts and organizations to CSV that spreadsheets open safely and PartnerDesk reads back.

UTF-8 with a byte-order mark, so Excel shows accents; every cell that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe, so a
spreadsheet shows it as text instead of running it as a formula (CSV injection).
PartnerDesk's own import recognises the layout by its "PartnerDesk ID" column and
removes those apostrophes again, so a re-import gives back exactly the same text.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from partnerdesk.db import vocabulary as v
from partnerdesk.errors import PartnerDeskError
from partnerdesk.services.contact_details import ADDRESS_PARTS, phone_text
from partnerdesk.sharing.csv_import import FORMULA_START
from partnerdesk.sharing.csv_layouts import OWN_CONTACT_HEADERS, OWN_ORGANIZATION_HEADERS


def neutralise(cell: str) -> str:
    """A cell a spreadsheet will never run as a formula."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def _multi(items: list[dict[str, Any]], key: str) -> str:
    return " ::: ".join(f"{item.get('kind') or 'work'}: {item.get(key, '')}" for item in items)


def _phones(items: list[dict[str, Any]]) -> str:
    return " ::: ".join(f"{item.get('kind') or 'work'}: {phone_text(item)}" for item in items)


def _addresses(items: list[dict[str, Any]]) -> list[str]:
    """Address kinds, streets, cities, regions, postal codes, countries: one column each,
    the addresses joined by " ::: " in the same order in every column."""
    return [" ::: ".join(str(item.get(part) or "") for item in items)
            for part in ("kind", *ADDRESS_PARTS)]


def contact_rows(desk: Any, shareable_only: bool = False) -> list[list[str]]:
    names = {org.id: org.name for org in desk.organizations.list()}
    rows = []
    where = {"share_ok": True} if shareable_only else None
    for contact in desk.contacts.list(where=where):
        rows.append([
            contact.id, contact.name, contact.role, names.get(contact.organization_id, ""),
            contact.department, _multi(contact.emails, "address"), _phones(contact.phones),
            *_addresses(contact.addresses), _multi(contact.websites, "url"),
            v.label(v.CONTACT_PREFERENCES, contact.preferred_contact)
            if contact.preferred_contact else "",
            "; ".join(contact.tags), contact.notes,
            "" if shareable_only else contact.internal_notes,
            "yes" if contact.share_ok else "no",
            contact.last_contacted.isoformat() if contact.last_contacted else ""])
    return rows


def organization_rows(desk: Any, shareable_only: bool = False) -> list[list[str]]:
    rows = []
    for org in desk.organizations.list():
        rows.append([
            org.id, org.name, v.label(v.ORGANIZATION_KINDS, org.kind),
            v.label(v.ORGANIZATION_STATUSES, org.status), org.website, org.email, org.phone,
            org.address, "" if org.latitude is None else repr(org.latitude),
            "" if org.longitude is None else repr(org.longitude), org.mission,
            "; ".join(org.tags), org.notes, "" if shareable_only else org.internal_notes])
    return rows


def export_csv(desk: Any, record_type: str, path: str | Path,
               shareable_only: bool = False) -> int:
    """Write the records to `path`; returns how many. `shareable_only` leaves out contacts
    who did not agree to be shared and every internal note."""
    if record_type == "contact":
        headers, rows = OWN_CONTACT_HEADERS, contact_rows(desk, shareable_only)
    elif record_type == "organization":
        headers, rows = OWN_ORGANIZATION_HEADERS, organization_rows(desk, shareable_only)
    elif record_type == "funding":
        from partnerdesk.sharing.csv_funding import HEADERS, funding_rows

        headers, rows = HEADERS, funding_rows(desk, shareable_only)
    else:
        raise PartnerDeskError("Choose contacts, organizations or funding to export.")
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(headers)
            for row in rows:
                writer.writerow([neutralise(str(cell)) for cell in row])
        partial.replace(target)  # a half-written file never takes the real name
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise PartnerDeskError(f"Could not write {target}: {error.strerror}. Choose another "
                               "folder.") from error
    desk.log_export(f"csv-{record_type}s", target, counts={record_type: len(rows)},
                    scope="shareable records only" if shareable_only else "all records")
    return len(rows)

