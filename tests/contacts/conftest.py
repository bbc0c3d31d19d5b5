"""Helpers for the contact-field tests: the files others wrote, a contact as plain data."""

from pathlib import Path
from typing import Any

from partnerdesk.services import Desk

DATA = Path(__file__).parent.parent / "data"
EZ_VCARD = DATA / "ez-vcard"
EXPORTS = DATA / "address-book-exports"


def person(desk: Desk, contact: Any) -> dict[str, Any]:
    """Every field a person sees on a contact, as plain values (organization by name)."""
    organization = desk.organizations.get(contact.organization_id).name \
        if contact.organization_id else ""
    return {
        "name": contact.name, "organization": organization, "department": contact.department,
        "role": contact.role,
        "emails": [(e["address"], e["kind"]) for e in contact.emails],
        "phones": [(p["number"], p["kind"], p["extension"]) for p in contact.phones],
        "addresses": [dict(a) for a in contact.addresses],
        "websites": [(w["url"], w["kind"]) for w in contact.websites],
        "notes": contact.notes, "tags": list(contact.tags),
    }


def people(desk: Desk) -> dict[str, dict[str, Any]]:
    """Every live contact by name (names are unique in these files)."""
    found = {c.name: person(desk, c) for c in desk.contacts.list()}
    assert len(found) == desk.contacts.count()
    return found


def address(kind: str, street: str, city: str = "", region: str = "", postal_code: str = "",
            country: str = "") -> dict[str, str]:
    return {"kind": kind, "street": street, "city": city, "region": region,
            "postal_code": postal_code, "country": country}
