"""What every report carries, and the small helpers the gatherers share.

Everything here is plain, frozen data: the renderers in `partnerdesk.reports` turn it
into PDF bytes without touching the database. A person who may not be shared appears
only as "someone from <organization>" where their presence matters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import Any

import phonenumbers
from sqlalchemy import Select, select
from sqlmodel import Session

from partnerdesk.db import records as r
from partnerdesk.db.bookkeeping import records_of
from partnerdesk.errors import PartnerDeskError
from partnerdesk.services import contact_details
from partnerdesk.services.desk import Desk

LIVE = False


@dataclass(frozen=True)
class Letterhead:
    organization: str
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    logo: bytes | None = None


@dataclass(frozen=True)
class Period:
    start: date | None = None
    end: date | None = None

    def contains(self, day: date | None) -> bool:
        if day is None:
            return False
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class ReportMeta:
    kind: str
    title: str
    subject: str
    letterhead: Letterhead
    made_on: date
    period: Period | None = None
    for_partner: bool = True
    # Contacts the report would name but leaves out (or names only by organization)
    # because they have not agreed to be shared: the app offers to review them.
    left_out: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContactLine:
    name: str
    role: str
    organization: str
    email: str = ""
    phone: str = ""
    notes: str = ""
    internal_notes: str = ""  # filled only in an internal directory
    shared: bool = True


@dataclass(frozen=True)
class ResourceLine:
    name: str
    category: str
    provider: str
    capacity: str
    eligibility: str = ""
    schedule: str = ""
    area: str = ""


@dataclass(frozen=True)
class ActionLine:
    description: str
    owner: str
    due: date | None
    done: bool = False
    overdue: bool = False


@lru_cache(maxsize=1)
def letterhead_query() -> Select[Any]:
    """The letterhead's columns of the organization marked as us.

    Saving an organization as "us" clears the mark on any other, so the first one found
    is the one: with no index on the mark, sorting (as `organizations.ours()` does)
    would read every organization to find it.
    """
    return (select(r.Organization.name, r.Organization.address, r.Organization.phone,
                   r.Organization.email, r.Organization.website, r.Organization.logo_sha256)
            .where(r.Organization.is_us == True, r.Organization.deleted == LIVE)  # noqa: E712
            .limit(1))


def letterhead(desk: Desk, session: Session | None = None) -> Letterhead:
    """Our organization's name, details and logo, as the first page shows them."""
    if session is None:
        with desk.store.read() as own:
            ours = own.execute(letterhead_query()).first()
    else:
        ours = session.execute(letterhead_query()).first()
    if ours is None:
        return Letterhead(organization="PartnerDesk")
    logo = None
    if ours.logo_sha256:
        logo = desk.attachments.read_bytes(ours.logo_sha256)
    return Letterhead(ours.name, ours.address, phone_text(ours.phone, desk.settings.phone_region),
                      ours.email, ours.website, logo)


def make_meta(desk: Desk, kind: str, title: str, subject: str, today: date | None,
              period: Period | None = None, for_partner: bool = True,
              session: Session | None = None, left_out: Iterable[str] = ()) -> ReportMeta:
    return ReportMeta(kind=kind, title=title, subject=subject,
                      letterhead=letterhead(desk, session), made_on=today or date.today(),
                      period=period, for_partner=for_partner,
                      left_out=tuple(sorted(set(left_out))) if for_partner else ())


def check_period(start: date | None, end: date | None) -> None:
    if start and end and start > end:
        raise PartnerDeskError(
            f"The period ends ({end.isoformat()}) before it starts ({start.isoformat()}). "
            "Choose a start date on or before the end date.")


def by_id(session: Session, model: Any, ids: Iterable[str | None]) -> dict[str, Any]:
    """Rows of `model` by id, read in chunks that stay under SQLite's variable limit."""
    wanted = sorted({i for i in ids if i})
    found: dict[str, Any] = {}
    for at in range(0, len(wanted), 500):
        chunk = wanted[at:at + 500]
        found.update({row.id: row for row in session.scalars(
            records_of(model).where(model.id.in_(chunk)))})
    return found


def phone_text(number: str, region: str) -> str:
    """A stored number as people read it: "+1 555-706-6345". `region`: the country of a
    number kept as typed, without +country code (`desk.settings.phone_region`)."""
    if not number:
        return ""
    quick = _e164_text(number)
    if quick is not None:
        return quick
    try:
        parsed = phonenumbers.parse(number, None if number.startswith("+") else region)
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


_E164 = re.compile(r"\+[1-9][0-9]{2,19}")


@cache
def _national_prefix(country_code: int) -> tuple[re.Pattern[str] | None, bool] | None:
    """How `phonenumbers.parse` would look for a national prefix after this country code
    (the pattern, and whether a match may be rewritten); None: no such country code."""
    region = phonenumbers.region_code_for_country_code(country_code)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(
        country_code, region)
    if metadata is None:
        return None
    pattern = metadata.national_prefix_for_parsing
    return (re.compile(pattern) if pattern else None,
            bool(metadata.national_prefix_transform_rule))


def _e164_text(number: str) -> str | None:
    """`number` (E.164, as numbers that parse are stored) written for people, without
    parsing it again, which was half of a 5,000-contact directory's gathering; None
    where parsing could read it otherwise (a national prefix or a leading zero after
    the country code, no known country code, a length it refuses), left to the parser.
    Tests compare the two for every region's example numbers."""
    if not _E164.fullmatch(number):
        return None
    digits = number[1:]
    for size in (1, 2, 3):  # country codes are prefix-free, as the parser reads them
        code = int(digits[:size])
        if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            break
    else:
        return None
    national = digits[size:]
    prefix = _national_prefix(code)
    if prefix is None or not 2 <= len(national) <= 17 or national[0] == "0":
        return None
    pattern, rewritten = prefix
    found = pattern.match(national) if pattern is not None else None
    if found is not None and (found.end() or rewritten and found.groups()
                              and found.groups()[-1] is not None):
        return None
    return phonenumbers.format_number(
        phonenumbers.PhoneNumber(country_code=code, national_number=int(national)),
        phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def contact_line(contact: r.Contact | Any, org_name: str, internal: bool,
                 region: str) -> ContactLine:
    """`contact`: a record, or a row of the columns this reads (name, role, emails, phones,
    notes, internal_notes, share_ok)."""
    email = contact.emails[0].get("address", "") if contact.emails else ""
    phone = contact_details.phone_text(  # with its extension: "+1 617-555-0101 ext. 42"
        contact.phones[0], phone_text(contact.phones[0].get("number", ""), region)) \
        if contact.phones else ""
    return ContactLine(name=contact.name, role=contact.role, organization=org_name,
                       email=email, phone=phone, notes=contact.notes,
                       internal_notes=contact.internal_notes if internal else "",
                       shared=contact.share_ok)


def person(contact: r.Contact | None, orgs: dict[str, r.Organization],
           for_partner: bool) -> str:
    """A name a partner may see: the person's, or only their organization's."""
    if contact is None:
        return ""
    if contact.share_ok or not for_partner:
        return contact.name
    org = orgs.get(contact.organization_id or "")
    return f"Someone from {org.name}" if org else "A member of staff"


def capacity_text(resource: r.Resource) -> str:
    if resource.capacity is None:
        return ""
    return f"{resource.capacity:,} {resource.capacity_unit}".strip()


def day_text(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""
