"""Which column of a spreadsheet holds what: the layouts of the address books people export
from, recognised by their headers, and a guess by similar names for any other file.

A column's meaning is a target string:
- a field: "name", "role", "department", "notes", …;
- a name part: "given", "additional", "family", "prefix", "suffix";
- an entry of a list, with a fixed kind or none: "email", "email:home", "phone:fax",
  "website:work"; "email_kind", "phone_kind" and "website_kind" are columns naming the
  kind of the entry beside them (Google's "Phone 1 - Label"), "phone_extension" the
  extension of the phone beside it (CiviCRM's "Phone Extension");
- a part of a postal address: "address:<group>:<part>", the group a kind (work, home,
  other) or a number (Google's "Address 1 - …", whose kind is its "address:1:kind"
  column); parts are street (every street column adds a line), city, region,
  postal_code, country, and "formatted" (the whole address as text, used when the parts
  are empty). An organization has one address: "address:street", "address:city", …;
- "record_kind": whether the row is a person or an organization (CiviCRM's "Contact
  Type"): rows of the other kind are left out, and said so.

The layouts follow the headers the programs write: Google Contacts (the current export
and the older one), Outlook (desktop, and outlook.com; comma or semicolon), Thunderbird
(US and UK spellings), Apple Contacts (the column labels its text import recognises:
"phone (work)", "address (home) street"), LinkedIn connections (after its "Notes:"
lines) and CiviCRM's contact export.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz

from partnerdesk.db import vocabulary as v

OWN_ID = "PartnerDesk ID"
IGNORE = ""
FUZZY_SCORE = 85  # rapidfuzz ratio from which a header counts as a known name

ADDRESS_PART_LABELS = {"street": "street", "city": "city", "region": "state or region",
                       "postal_code": "postal code", "country": "country",
                       "formatted": "whole address"}
ADDRESS_KIND_LABELS = {"work": "Work address", "home": "Home address",
                       "other": "Other address"}


def _address_targets(kinds: dict[str, str]) -> dict[str, str]:
    return {f"address:{kind}:{part}": f"{label}: {part_label}"
            for kind, label in kinds.items() for part, part_label in ADDRESS_PART_LABELS.items()}


# What a column can become, with the label the wizard shows (and `--map` accepts).
CONTACT_TARGETS: dict[str, str] = {
    IGNORE: "(ignore this column)", "name": "Full name", "given": "First name",
    "additional": "Middle name", "family": "Last name", "prefix": "Name prefix",
    "suffix": "Name suffix", "role": "Role / job title", "organization": "Organization",
    "department": "Department",
    "email": "E-mail", "email:work": "Work e-mail", "email:home": "Home e-mail",
    "email:other": "Other e-mail", "phone": "Phone", "phone:work": "Work phone",
    "phone:mobile": "Mobile phone", "phone:home": "Home phone", "phone:fax": "Fax",
    "phone:pager": "Pager", "phone:other": "Other phone",
    "phone_extension": "(extension of the phone next to it)",
    "email_kind": "(kind of the e-mail next to it)", "phone_kind": "(kind of the phone next to it)",
    "website": "Website", "website:work": "Work website", "website:home": "Personal website",
    "website_kind": "(kind of the website next to it)",
    **_address_targets(ADDRESS_KIND_LABELS),
    "preferred_contact": "Preferred way to reach", "tags": "Tags", "notes": "Notes",
    "internal_notes": "Internal notes", "share_ok": "May share", "last_contacted":
    "Last contacted", "id": "PartnerDesk ID",
    "record_kind": "(person or organization)",
}
ORGANIZATION_TARGETS: dict[str, str] = {
    IGNORE: "(ignore this column)", "name": "Name", "kind": "Kind", "status": "Status",
    "website": "Website", "email": "E-mail", "phone": "Phone", "address": "Address",
    **{f"address:{part}": f"Address: {label}" for part, label in ADDRESS_PART_LABELS.items()
       if part != "formatted"},
    "latitude": "Latitude", "longitude": "Longitude", "mission": "Mission", "tags": "Tags",
    "notes": "Notes", "internal_notes": "Internal notes", "id": "PartnerDesk ID",
    "record_kind": "(person or organization)",
}
TARGETS = {"contact": CONTACT_TARGETS, "organization": ORGANIZATION_TARGETS}
# Targets a row may hold several of (the others: one column each, when guessing).
REPEATABLE = ("email", "phone", "website", "address")
KIND_TARGETS = {"email_kind": "email", "phone_kind": "phone", "website_kind": "website"}

# Header names (folded: lower case, letters and digits only) for each target, for files
# of no known layout.
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "contact": {
        "name": ("name", "fullname", "contactname", "displayname", "person"),
        "given": ("firstname", "givenname", "first", "forename"),
        "additional": ("middlename", "additionalname"),
        "family": ("lastname", "familyname", "surname", "last"),
        "prefix": ("nameprefix", "salutation"), "suffix": ("namesuffix", "suffix"),
        "role": ("role", "title", "jobtitle", "position", "organizationtitle", "occupation"),
        "organization": ("organization", "organisation", "company", "org", "employer",
                         "agency", "organizationname", "organisationname", "companyname"),
        "department": ("department", "dept", "division", "unit", "organizationdepartment"),
        "email": ("email", "emailaddress", "mail", "emails", "email1"),
        "email:work": ("workemail", "businessemail"), "email:home": ("homeemail",
                                                                     "personalemail"),
        "email:other": ("otheremail", "email2", "email3"),
        "phone": ("phone", "telephone", "tel", "phonenumber", "phones", "phone1"),
        "phone:work": ("workphone", "businessphone", "officephone", "deskphone", "directline"),
        "phone:mobile": ("mobile", "cell", "mobilephone", "cellphone", "mobilenumber"),
        "phone:home": ("homephone",), "phone:other": ("otherphone", "phone2"),
        "phone:fax": ("fax", "faxnumber", "workfax", "businessfax"),
        "phone:pager": ("pager", "pagernumber", "beeper"),
        "phone_extension": ("extension", "ext", "phoneextension"),
        "website": ("website", "web", "url", "homepage", "webpage", "websites"),
        "address:work:street": ("street", "streetaddress", "address", "address1",
                                "addressline1", "address2", "addressline2", "workaddress",
                                "businessaddress", "postaladdress"),
        "address:work:city": ("city", "town"),
        "address:work:region": ("state", "province", "region", "stateprovince", "county"),
        "address:work:postal_code": ("zip", "zipcode", "postalcode", "postcode"),
        "address:work:country": ("country", "countryregion"),
        "preferred_contact": ("preferredcontact", "preferred", "preferredwaytoreach"),
        "tags": ("tags", "labels", "categories", "groups", "groupmembership"),
        "notes": ("notes", "note", "comments", "comment", "remarks"),
        "internal_notes": ("internalnotes",), "share_ok": ("mayshare", "shareok"),
        "last_contacted": ("lastcontacted", "lastcontact"), "id": ("partnerdeskid",),
    },
    "organization": {
        "name": ("name", "organization", "organisation", "orgname", "organizationname",
                 "organisationname", "company", "companyname"),
        "kind": ("kind", "type", "orgtype", "organizationtype"),
        "status": ("status",), "website": ("website", "web", "url", "homepage", "site"),
        "email": ("email", "emailaddress", "mail"),
        "phone": ("phone", "telephone", "tel", "phonenumber", "mainphone"),
        "address": ("address", "location", "postaladdress", "fulladdress"),
        "address:street": ("street", "streetaddress", "address1", "addressline1", "address2",
                           "addressline2"),
        "address:city": ("city", "town"),
        "address:region": ("state", "province", "region", "stateprovince", "county"),
        "address:postal_code": ("zip", "zipcode", "postalcode", "postcode"),
        "address:country": ("country", "countryregion"),
        "latitude": ("latitude", "lat"), "longitude": ("longitude", "lon", "lng", "long"),
        "mission": ("mission", "description", "about", "missionandvalues"),
        "tags": ("tags", "labels", "categories"), "notes": ("notes", "note", "comments"),
        "internal_notes": ("internalnotes",), "id": ("partnerdeskid",),
    },
}

# PartnerDesk's own export. A list with several entries has them joined by " ::: ", each
# "kind: value"; a contact's addresses spread over five columns, entry by entry.
OWN_CONTACT_HEADERS = [OWN_ID, "Name", "Role", "Organization", "Department", "E-mails",
                       "Phones", "Address kinds", "Streets", "Cities", "Regions",
                       "Postal codes", "Countries", "Websites", "Preferred contact", "Tags",
                       "Notes", "Internal notes", "May share", "Last contacted"]
OWN_ORGANIZATION_HEADERS = [OWN_ID, "Name", "Kind", "Status", "Website", "E-mail", "Phone",
                            "Address", "Latitude", "Longitude", "Mission", "Tags", "Notes",
                            "Internal notes"]
OWN_TARGETS = {
    "contact": ["id", "name", "role", "organization", "department", "email", "phone",
                "address:own:kind", "address:own:street", "address:own:city",
                "address:own:region", "address:own:postal_code", "address:own:country",
                "website", "preferred_contact", "tags", "notes", "internal_notes", "share_ok",
                "last_contacted"],
    "organization": ["id", "name", "kind", "status", "website", "email", "phone", "address",
                     "latitude", "longitude", "mission", "tags", "notes", "internal_notes"],
}


def _address_columns(prefix: str, kind: str, street: tuple[str, ...] = ("street",),
                     city: str = "city", region: str = "state", postal: str = "postalcode",
                     country: str = "countryregion") -> dict[str, str]:
    found = {prefix + name: f"address:{kind}:street" for name in street}
    found.update({prefix + city: f"address:{kind}:city", prefix + region: f"address:{kind}:region",
                  prefix + postal: f"address:{kind}:postal_code",
                  prefix + country: f"address:{kind}:country"})
    return found


GOOGLE_CURRENT = {"firstname": "given", "middlename": "additional", "lastname": "family",
                  "nameprefix": "prefix", "namesuffix": "suffix",
                  "organizationname": "organization", "organizationtitle": "role",
                  "organizationdepartment": "department", "notes": "notes", "labels": "tags"}
GOOGLE_OLDER = {"name": "name", "givenname": "given", "additionalname": "additional",
                "familyname": "family", "nameprefix": "prefix", "namesuffix": "suffix",
                "notes": "notes", "groupmembership": "tags", "organization1name": "organization",
                "organization1title": "role", "organization1department": "department"}
OUTLOOK = {"title": "prefix", "firstname": "given", "middlename": "additional",
           "lastname": "family", "suffix": "suffix", "company": "organization",
           "department": "department", "jobtitle": "role", "notes": "notes",
           "categories": "tags", "emailaddress": "email:work", "email2address": "email:other",
           "email3address": "email:other", "businessphone": "phone:work",
           "businessphone2": "phone:work", "companymainphone": "phone:work",
           "primaryphone": "phone:work", "mobilephone": "phone:mobile",
           "carphone": "phone:mobile", "homephone": "phone:home", "homephone2": "phone:home",
           "otherphone": "phone:other", "businessfax": "phone:fax", "homefax": "phone:fax",
           "otherfax": "phone:fax", "pager": "phone:pager", "webpage": "website:work",
           "personalwebpage": "website:home",
           **_address_columns("business", "work", ("street", "street2", "street3",
                                                   "addresspobox")),
           **_address_columns("home", "home", ("street", "street2", "street3", "addresspobox")),
           **_address_columns("other", "other", ("street", "street2", "street3",
                                                 "addresspobox")),
           # older Outlook versions say Country instead of Country/Region
           "businesscountry": "address:work:country", "homecountry": "address:home:country",
           "othercountry": "address:other:country"}
THUNDERBIRD = {"firstname": "given", "lastname": "family", "displayname": "name",
               "primaryemail": "email", "secondaryemail": "email:other",
               "workphone": "phone:work", "homephone": "phone:home", "faxnumber": "phone:fax",
               "pagernumber": "phone:pager", "mobilenumber": "phone:mobile",
               "jobtitle": "role", "department": "department", "organization": "organization",
               "organisation": "organization", "webpage1": "website:work",
               "webpage2": "website:home", "notes": "notes",
               **{f"{side}{name}": f"address:{kind}:{part}"
                  for side, kind in (("home", "home"), ("work", "work"))
                  for name, part in (("address", "street"), ("address2", "street"),
                                     ("city", "city"), ("state", "region"),
                                     ("county", "region"), ("zipcode", "postal_code"),
                                     ("zip", "postal_code"), ("postcode", "postal_code"),
                                     ("country", "country"))}}
LINKEDIN = {"firstname": "given", "lastname": "family", "url": "website:other",
            "emailaddress": "email", "company": "organization", "position": "role"}
CIVICRM_CONTACT = {"contacttype": "record_kind", "displayname": "name", "firstname": "given",
                   "middlename": "additional", "lastname": "family",
                   "individualprefix": "prefix", "individualsuffix": "suffix",
                   "jobtitle": "role", "currentemployer": "organization", "email": "email",
                   "phone": "phone", "phoneextension": "phone_extension",
                   "phonetype": "phone_kind", "website": "website", "tags": "tags",
                   "notes": "notes", "streetaddress": "address:work:street",
                   "supplementaladdress1": "address:work:street",
                   "supplementaladdress2": "address:work:street",
                   "supplementaladdress3": "address:work:street",
                   "city": "address:work:city", "state": "address:work:region",
                   "stateprovince": "address:work:region",
                   "postalcode": "address:work:postal_code", "country": "address:work:country"}
CIVICRM_ORGANIZATION = {"contacttype": "record_kind", "organizationname": "name",
                        "email": "email", "phone": "phone", "website": "website",
                        "tags": "tags", "notes": "notes", "latitude": "latitude",
                        "longitude": "longitude", "streetaddress": "address:street",
                        "supplementaladdress1": "address:street",
                        "supplementaladdress2": "address:street",
                        "supplementaladdress3": "address:street", "city": "address:city",
                        "state": "address:region", "stateprovince": "address:region",
                        "postalcode": "address:postal_code", "country": "address:country"}

GOOGLE_ITEM = re.compile(r"^(e-?mail|phone|website|address) (\d+) - ([a-z ]+)$", re.IGNORECASE)
GOOGLE_ADDRESS_PARTS = {"label": "kind", "type": "kind", "formatted": "formatted",
                        "street": "street", "city": "city", "po box": "street",
                        "region": "region", "postal code": "postal_code",
                        "country": "country", "extended address": "street"}
# Apple Contacts' text import labels: "phone (work)", "email (home)", "url (home)",
# "address (home) street" (a label Apple's import documentation lists).
APPLE_ITEM = re.compile(r"^(phone|e-?mail|url|address)\s*\(([^)]*)\)\s*([a-z ]*)$",
                        re.IGNORECASE)
APPLE = {"first": "given", "middle": "additional", "last": "family", "prefix": "prefix",
         "suffix": "suffix", "company": "organization", "organization": "organization",
         "jobtitle": "role", "title": "role", "department": "department", "note": "notes",
         "notes": "notes"}
APPLE_ADDRESS_PARTS = {"street": "street", "city": "city", "state": "region",
                       "zip": "postal_code", "postcode": "postal_code",
                       "postalcode": "postal_code", "country": "country"}

# Values a program writes in every row of a column it fills by default: a column holding
# only these says nothing, so it is not named among the columns left out.
_OUTLOOK_DEFAULTS = {"gender": ("unspecified",), "priority": ("normal",),
                     "private": ("false",), "sensitivity": ("normal",),
                     "emailtype": ("smtp",), "email2type": ("smtp",), "email3type": ("smtp",)}
DEFAULT_CELLS: dict[str, dict[str, tuple[str, ...]]] = {
    "outlook": _OUTLOOK_DEFAULTS, "outlook.com": _OUTLOOK_DEFAULTS,
    "civicrm": {name: ("0",) for name in ("donotemail", "donotphone", "donotmail", "donotsms",
                                          "donottrade", "nobulkemailsuseroptout",
                                          "onhold", "isdeceased", "deceased")},
}

LAYOUT_NAMES = {"partnerdesk": "PartnerDesk export", "google": "Google Contacts export",
                "google-older": "Google Contacts export (older layout)",
                "outlook": "Outlook export", "outlook.com": "Outlook.com export",
                "thunderbird": "Thunderbird address book export",
                "apple": "Apple Contacts columns", "linkedin": "LinkedIn connections export",
                "civicrm": "CiviCRM contacts export",
                "other": "columns matched by their names"}


def fold_header(header: str) -> str:
    return "".join(c for c in header.casefold() if c.isalnum())


@dataclass(frozen=True)
class Layout:
    key: str
    found: Callable[[set[str], list[str]], bool]  # (folded header names, headers)
    known: dict[str, str] | None  # folded header -> target (None: own rules)
    record_types: tuple[str, ...] = ("contact",)


def _google_item(header: str) -> str | None:
    item = GOOGLE_ITEM.match(header.strip())
    if item is None:
        return None
    what, number, part = item.group(1).lower(), item.group(2), item.group(3).lower()
    if what == "address":
        address_part = GOOGLE_ADDRESS_PARTS.get(part)
        return f"address:{number}:{address_part}" if address_part else IGNORE
    base = {"email": "email", "e-mail": "email"}.get(what, what)
    if part == "value":
        return base
    return f"{base}_kind" if part in ("label", "type") else IGNORE


def _apple_item(header: str) -> str | None:
    item = APPLE_ITEM.match(header.strip())
    if item is None:
        return None
    what, label, part = item.group(1).lower(), item.group(2).strip().casefold(), \
        fold_header(item.group(3))
    if what == "address":
        kind = {"work": "work", "home": "home"}.get(label, "other")
        address_part = APPLE_ADDRESS_PARTS.get(part)
        return f"address:{kind}:{address_part}" if address_part else IGNORE
    base = {"url": "website", "e-mail": "email"}.get(what, what)
    allowed = {"email": v.EMAIL_KINDS, "phone": v.PHONE_KINDS, "website": v.WEBSITE_KINDS}[base]
    return f"{base}:{label_kind(label, allowed, 'other')}"


def _civicrm(names: set[str], _headers: list[str]) -> bool:
    return {"contactid", "contacttype"} <= names or {"sortname", "displayname",
                                                     "contacttype"} <= names


LAYOUTS = (
    Layout("linkedin", lambda n, _h: {"firstname", "lastname", "url", "connectedon"} <= n,
           LINKEDIN),
    Layout("google", lambda n, _h: {"firstname", "lastname"} <= n and (
        "email1value" in n or "phone1value" in n) and (
        "organizationname" in n or "email1label" in n or "labels" in n), GOOGLE_CURRENT),
    Layout("google-older", lambda n, _h: {"givenname", "familyname"} <= n and (
        "email1value" in n or "phone1value" in n), GOOGLE_OLDER),
    Layout("outlook.com", lambda n, _h: {"firstname", "lastname", "emailaddress"} <= n and (
        "givenyomi" in n or "imaddress" in n), OUTLOOK),
    Layout("outlook", lambda n, _h: {"firstname", "lastname", "emailaddress"} <= n and (
        "jobtitle" in n or "businessphone" in n or "company" in n), OUTLOOK),
    Layout("thunderbird", lambda n, _h: {"primaryemail", "secondaryemail"} <= n
           or {"firstname", "lastname", "displayname", "primaryemail"} <= n, THUNDERBIRD),
    Layout("civicrm", _civicrm, None, ("contact", "organization")),
    Layout("apple", lambda _n, h: sum(1 for x in h if APPLE_ITEM.match(x.strip())) >= 2
           and any(fold_header(x) in ("first", "last") for x in h), None),
)


def label_kind(label: str, allowed: tuple[tuple[str, str], ...], default: str) -> str:
    """The kind a label names ("* Work", "Mobile", "Work Fax", "Personal"), among `allowed`."""
    text = label.strip().lstrip("*").strip().casefold()
    values = v.values(allowed)
    if text in values:
        return text
    if "fax" in text and "fax" in values:
        return "fax"
    if text in ("pager", "beeper") and "pager" in values:
        return "pager"
    if text in ("mobile", "cell", "cellular", "iphone", "car") and "mobile" in values:
        return "mobile"
    if text in ("phone", "voice", "telephone", "landline", "internet", "smtp"):
        return default  # says what it is, not whose
    if text in ("main", "business", "office", "work phone", "company main", "primary"):
        return "work"
    if text in ("personal", "private", "homepage", "home page", "blog", "profile"):
        return "home" if "home" in values else default
    return "other" if text else default


def recognise_layout(headers: list[str], record_type: str) -> tuple[str, list[str]]:
    """(layout key, target per column) from the header row alone."""
    folded = [fold_header(h) for h in headers]
    names = set(folded)
    if fold_header(OWN_ID) in names:
        own = {fold_header(h): t for h, t in zip(
            OWN_CONTACT_HEADERS if record_type == "contact" else OWN_ORGANIZATION_HEADERS,
            OWN_TARGETS[record_type], strict=True)}
        return "partnerdesk", [own.get(f, IGNORE) for f in folded]
    for layout in LAYOUTS:
        if record_type not in layout.record_types or not layout.found(names, headers):
            continue
        if layout.key == "civicrm":
            known = CIVICRM_CONTACT if record_type == "contact" else CIVICRM_ORGANIZATION
            return layout.key, [known.get(f, IGNORE) for f in folded]
        mapping = []
        for header, name in zip(headers, folded, strict=True):
            special = _google_item(header) if layout.key.startswith("google") else (
                _apple_item(header) if layout.key == "apple" else None)
            if layout.key == "apple" and special is None:
                special = APPLE.get(name)
            mapping.append(special if special is not None else
                           (layout.known or {}).get(name, IGNORE))
        return layout.key, mapping
    return "other", guess_mapping(headers, record_type)


def guess_mapping(headers: list[str], record_type: str) -> list[str]:
    """Each column to the target whose known names are closest; each target used once
    (except e-mails, phones, websites and address lines, which may come in several
    columns). Names that end in "id" count only when they are known exactly: "Contact
    ID" is a number, not a name."""
    synonyms = SYNONYMS[record_type]
    mapping: list[str] = []
    used: set[str] = set()
    for header in headers:
        folded = fold_header(header)
        best, score = IGNORE, 0.0
        for target, names in synonyms.items():
            for known in names:
                exact = folded == known
                if not exact and folded.endswith("id"):
                    continue
                ratio = 100.0 if exact else fuzz.ratio(folded, known)
                if ratio > score:
                    best, score = target, ratio
        repeatable = best.startswith(REPEATABLE) and not best.endswith(
            ("city", "region", "postal_code", "country"))
        if score < FUZZY_SCORE or (best in used and not repeatable):
            best = IGNORE
        used.add(best)
        mapping.append(best)
    return mapping


def link_columns(mapping: list[str]) -> tuple[dict[int, int], dict[int, int]]:
    """(value column -> its kind column, phone column -> its extension column).

    A kind column belongs to the nearest column of its kind of entry, on its right first
    (Google's "Phone 1 - Label" sits left of "Phone 1 - Value"); an extension column to
    the nearest phone on its left first (CiviCRM's "Phone", "Phone Extension")."""
    kinds: dict[int, int] = {}
    extensions: dict[int, int] = {}

    def base(target: str) -> str:
        return target.partition(":")[0]

    for column, target in enumerate(mapping):
        wanted = KIND_TARGETS.get(target) or ("phone" if target == "phone_extension" else None)
        if wanted is None:
            continue
        found = _nearest(mapping, column, lambda t, w=wanted: base(t) == w,
                         right_first=target != "phone_extension")
        if found is None:
            continue
        (kinds if target != "phone_extension" else extensions).setdefault(found, column)
    return kinds, extensions


def _nearest(mapping: list[str], column: int, fits: Callable[[str], bool],
             right_first: bool) -> int | None:
    for distance in range(1, len(mapping)):
        sides = (column + distance, column - distance) if right_first and distance == 1 \
            else (column - distance, column + distance)
        for candidate in sides:
            if 0 <= candidate < len(mapping) and fits(mapping[candidate]):
                return candidate
    return None


def target_label(record_type: str, target: str) -> str:
    """The wizard's label of a target (numbered Google address parts included)."""
    known = TARGETS[record_type].get(target)
    if known is not None:
        return known
    if target.startswith("address:"):
        _, group, part = (target.split(":") + ["", ""])[:3]
        part_label = ADDRESS_PART_LABELS.get(part, "kind" if part == "kind" else part)
        return f"Address {group}: {part_label}"
    return target


def parse_target(record_type: str, text: str) -> str:
    """A target from what a person wrote after `--map COLUMN=` (its key or label)."""
    wanted = text.strip()
    targets = TARGETS[record_type]
    if wanted.casefold() in ("ignore", "skip", "none", ""):
        return IGNORE
    for key, label in targets.items():
        if wanted.casefold() in (key.casefold(), label.casefold()):
            return key
    raise ValueError(wanted)
