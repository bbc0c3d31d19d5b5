"""Contacts and organizations from the spreadsheets people actually have.

Reads UTF-8 (with or without BOM), UTF-16 and Windows-1252 text, separated by commas,
semicolons or tabs, with quoted cells that hold line breaks. Recognises, by their
headers, Google Contacts exports (the current layout and the older one), Outlook
exports and PartnerDesk's own export; any other file is mapped column by column by
similar header names, and the import wizard lets the person fix that mapping.

Rows are counted as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from partnerdesk.db import vocabulary as v
from partnerdesk.services.progress import Progress
from partnerdesk.sharing.import_common import (
    MAX_ROWS,
    ImportFileError,
    ImportPlan,
    RowPlan,
    check_cell,
    find_matches,
    read_text,
    row_cleaner,
)

OWN_ID = "PartnerDesk ID"
IGNORE = ""
MULTI = re.compile(r"\s*:::\s*")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# What a column can become, with the label the wizard shows.
CONTACT_TARGETS: dict[str, str] = {
    IGNORE: "(ignore this column)", "name": "Full name", "given": "First name",
    "additional": "Middle name", "family": "Last name", "prefix": "Name prefix",
    "suffix": "Name suffix", "role": "Role / job title", "organization": "Organization",
    "email": "E-mail", "email:work": "Work e-mail", "email:home": "Home e-mail",
    "email:other": "Other e-mail", "phone": "Phone", "phone:work": "Work phone",
    "phone:mobile": "Mobile phone", "phone:home": "Home phone", "phone:other": "Other phone",
    "email_kind": "(kind of the e-mail next to it)", "phone_kind": "(kind of the phone next to it)",
    "preferred_contact": "Preferred way to reach", "tags": "Tags", "notes": "Notes",
    "internal_notes": "Internal notes", "share_ok": "May share", "last_contacted":
    "Last contacted", "id": "PartnerDesk ID",
}
ORGANIZATION_TARGETS: dict[str, str] = {
    IGNORE: "(ignore this column)", "name": "Name", "kind": "Kind", "status": "Status",
    "website": "Website", "email": "E-mail", "phone": "Phone", "address": "Address",
    "latitude": "Latitude", "longitude": "Longitude", "mission": "Mission", "tags": "Tags",
    "notes": "Notes", "internal_notes": "Internal notes", "id": "PartnerDesk ID",
}
TARGETS = {"contact": CONTACT_TARGETS, "organization": ORGANIZATION_TARGETS}

# Header names (folded: lower case, letters and digits only) for each target.
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "contact": {
        "name": ("name", "fullname", "contact", "contactname", "displayname", "person"),
        "given": ("firstname", "givenname", "first", "forename"),
        "additional": ("middlename", "additionalname"),
        "family": ("lastname", "familyname", "surname", "last"),
        "prefix": ("nameprefix", "salutation"), "suffix": ("namesuffix", "suffix"),
        "role": ("role", "title", "jobtitle", "position", "organizationtitle", "occupation"),
        "organization": ("organization", "organisation", "company", "org", "employer",
                         "agency", "organizationname", "organisationname", "companyname"),
        "email": ("email", "emailaddress", "mail", "emails", "email1"),
        "email:work": ("workemail", "businessemail"), "email:home": ("homeemail",
                                                                     "personalemail"),
        "email:other": ("otheremail", "email2", "email3"),
        "phone": ("phone", "telephone", "tel", "phonenumber", "phones", "phone1"),
        "phone:work": ("workphone", "businessphone", "officephone"),
        "phone:mobile": ("mobile", "cell", "mobilephone", "cellphone", "mobilenumber"),
        "phone:home": ("homephone",), "phone:other": ("otherphone", "phone2"),
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
        "address": ("address", "streetaddress", "location", "postaladdress"),
        "latitude": ("latitude", "lat"), "longitude": ("longitude", "lon", "lng", "long"),
        "mission": ("mission", "description", "about", "missionandvalues"),
        "tags": ("tags", "labels", "categories"), "notes": ("notes", "note", "comments"),
        "internal_notes": ("internalnotes",), "id": ("partnerdeskid",),
    },
}

OWN_CONTACT_HEADERS = [OWN_ID, "Name", "Role", "Organization", "E-mails", "Phones",
                       "Preferred contact", "Tags", "Notes", "Internal notes", "May share",
                       "Last contacted"]
OWN_ORGANIZATION_HEADERS = [OWN_ID, "Name", "Kind", "Status", "Website", "E-mail", "Phone",
                            "Address", "Latitude", "Longitude", "Mission", "Tags", "Notes",
                            "Internal notes"]
OWN_TARGETS = {
    "contact": ["id", "name", "role", "organization", "email", "phone", "preferred_contact",
                "tags", "notes", "internal_notes", "share_ok", "last_contacted"],
    "organization": ["id", "name", "kind", "status", "website", "email", "phone", "address",
                     "latitude", "longitude", "mission", "tags", "notes", "internal_notes"],
}

GOOGLE_CURRENT = {"firstname": "given", "middlename": "additional", "lastname": "family",
                  "nameprefix": "prefix", "namesuffix": "suffix",
                  "organizationname": "organization", "organizationtitle": "role",
                  "notes": "notes", "labels": "tags"}
GOOGLE_OLDER = {"name": "name", "givenname": "given", "additionalname": "additional",
                "familyname": "family", "nameprefix": "prefix", "namesuffix": "suffix",
                "notes": "notes", "groupmembership": "tags", "organization1name": "organization",
                "organization1title": "role"}
OUTLOOK = {"firstname": "given", "middlename": "additional", "lastname": "family",
           "title": "prefix", "suffix": "suffix", "company": "organization",
           "jobtitle": "role", "notes": "notes", "categories": "tags",
           "emailaddress": "email:work", "email2address": "email:other",
           "email3address": "email:other", "businessphone": "phone:work",
           "businessphone2": "phone:work", "companymainphone": "phone:work",
           "primaryphone": "phone:work", "mobilephone": "phone:mobile",
           "homephone": "phone:home", "homephone2": "phone:home", "otherphone": "phone:other"}
GOOGLE_ITEM = re.compile(r"^(e-?mail|phone) (\d+) - (value|label|type)$", re.IGNORECASE)

LAYOUT_NAMES = {"partnerdesk": "PartnerDesk export", "google": "Google Contacts export",
                "google-older": "Google Contacts export (older layout)",
                "outlook": "Outlook export", "other": "columns matched by their names"}


def fold_header(header: str) -> str:
    return "".join(c for c in header.casefold() if c.isalnum())


@dataclass
class CsvTable:
    """A CSV file as read: headers and the data rows with their spreadsheet row numbers."""

    name: str
    headers: list[str]
    rows: list[tuple[int, list[str]]]
    delimiter: str


@dataclass
class CsvSource:
    """A table with its recognised layout and column mapping (the wizard edits `mapping`)."""

    table: CsvTable
    record_type: str
    layout: str
    mapping: list[str]  # target per column, "" for ignored
    kinds: dict[int, int] = field(default_factory=dict)  # value column -> its label column

    @property
    def layout_label(self) -> str:
        return LAYOUT_NAMES[self.layout]


# -- reading ------------------------------------------------------------------------
def read_table(path: str | Path) -> CsvTable:
    name = Path(path).name
    return parse_table(read_text(path), name)


def parse_table(text: str, name: str = "the file") -> CsvTable:
    lines = text.splitlines()
    if lines and lines[0].strip().lower().startswith("sep=") and len(lines[0].strip()) == 5:
        delimiter = lines[0].strip()[4]  # Excel's "sep=;" hint line
        text = text.split("\n", 1)[1] if "\n" in text else ""
    else:
        delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        records = []
        for record in reader:
            records.append((reader.line_num, record))
            if len(records) > MAX_ROWS + 1:
                raise ImportFileError(
                    f"“{name}” has more than {MAX_ROWS:,} rows. Split it into smaller files "
                    "and import each one.")
    except csv.Error as error:
        raise ImportFileError(
            f"“{name}” is not a well-formed CSV file near line {reader.line_num} ({error}). "
            "A quote may be missing; open it in a spreadsheet, save it as CSV again and "
            "retry.") from error
    records = [(n, rec) for n, rec in records if any(cell.strip() for cell in rec)]
    if not records:
        raise ImportFileError(f"“{name}” is empty: there is nothing to import.")
    headers = [h.strip().lstrip("\ufeff") for h in records[0][1]]
    if not any(headers):
        raise ImportFileError(f"“{name}” has no column names in its first row. Add a header "
                              "row (for example Name, E-mail, Phone) and try again.")
    rows = [(number + 2, cells) for number, (_, cells) in enumerate(records[1:])]
    return CsvTable(name, headers, rows, delimiter)


def sniff_delimiter(text: str) -> str:
    """The separator the header line uses most, outside quotes."""
    header = _first_record(text)
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _first_record(text: str) -> str:
    inside, out = False, []
    for char in text[:20000]:
        if char == '"':
            inside = not inside
        elif char in "\r\n" and not inside:
            break
        elif not inside:
            out.append(char)
    return "".join(out)


# -- recognising layouts --------------------------------------------------------------
def recognise(table: CsvTable, record_type: str) -> CsvSource:
    folded = [fold_header(h) for h in table.headers]
    names = set(folded)
    if fold_header(OWN_ID) in names:
        own = {fold_header(h): t for h, t in zip(
            OWN_CONTACT_HEADERS if record_type == "contact" else OWN_ORGANIZATION_HEADERS,
            OWN_TARGETS[record_type], strict=True)}
        return CsvSource(table, record_type, "partnerdesk", [own.get(f, IGNORE) for f in folded])
    if record_type == "contact":
        layout: str | None = None
        if {"firstname", "lastname", "email1value"} <= names and (
                "organizationname" in names or "email1label" in names or "labels" in names):
            layout, known = "google", GOOGLE_CURRENT
        elif {"givenname", "familyname", "email1value"} <= names:
            layout, known = "google-older", GOOGLE_OLDER
        elif {"firstname", "lastname", "emailaddress"} <= names and (
                "jobtitle" in names or "businessphone" in names or "company" in names):
            layout, known = "outlook", OUTLOOK
        if layout is not None:
            return _google_like(table, record_type, layout, known)
    return CsvSource(table, record_type, "other", guess_mapping(table.headers, record_type))


def _google_like(table: CsvTable, record_type: str, layout: str,
                 known: dict[str, str]) -> CsvSource:
    mapping: list[str] = []
    slots: dict[tuple[str, str], dict[str, int]] = {}
    for column, header in enumerate(table.headers):
        item = GOOGLE_ITEM.match(header.strip())
        if item and layout != "outlook":
            kind = "email" if item.group(1).lower().startswith("e") else "phone"
            part = item.group(3).lower()
            slots.setdefault((kind, item.group(2)), {})[part] = column
            mapping.append(kind if part == "value" else f"{kind}_kind")
        else:
            mapping.append(known.get(fold_header(header), IGNORE))
    kinds = {slot["value"]: slot.get("label", slot.get("type", -1))
             for slot in slots.values() if "value" in slot}
    return CsvSource(table, record_type, layout, mapping,
                     {k: col for k, col in kinds.items() if col >= 0})


def guess_mapping(headers: list[str], record_type: str) -> list[str]:
    """Each column to the target whose known names are closest; each target used once
    (except e-mails and phones, which may come in several columns)."""
    synonyms = SYNONYMS[record_type]
    mapping: list[str] = []
    used: set[str] = set()
    for header in headers:
        folded = fold_header(header)
        best, score = IGNORE, 0.0
        for target, names in synonyms.items():
            for known in names:
                ratio = 100.0 if folded == known else fuzz.ratio(folded, known)
                if ratio > score:
                    best, score = target, ratio
        repeatable = best.startswith(("email", "phone"))
        if score < 85 or (best in used and not repeatable):
            best = IGNORE
        used.add(best)
        mapping.append(best)
    return mapping


def open_csv(path: str | Path, record_type: str) -> CsvSource:
    return recognise(read_table(path), record_type)


# -- turning rows into values --------------------------------------------------------
def unneutralise(cell: str) -> str:
    """Reverse what our export does to formula-looking cells: "'=SUM" -> "=SUM"."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in FORMULA_START:
        return cell[1:]
    return cell


def _kind(label: str, allowed: tuple[tuple[str, str], ...], default: str) -> str:
    text = label.strip().lstrip("*").strip().casefold()
    values = v.values(allowed)
    if text in values:
        return text
    if text in ("mobile", "cell", "cellular", "iphone") and "mobile" in values:
        return "mobile"
    if text in ("main", "business", "office", "work fax"):
        return "work"
    if text in ("personal", "private"):
        return "home" if "home" in values else default
    return "other" if text else default


def split_multi(cell: str, split_semicolons: bool, commas: bool = False) -> list[str]:
    """Google's ' ::: ' always; also ';' (and ',' for e-mails) in hand-made lists."""
    parts = MULTI.split(cell)
    if split_semicolons:
        pattern = r"\s*[;,]\s*" if commas else r"\s*;\s*"
        parts = [p for part in parts for p in re.split(pattern, part)]
    return [p.strip() for p in parts if p.strip()]


def _own_items(cell: str, allowed: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """'work: a@x.org ::: home: b@y.org' -> [('work', 'a@x.org'), ('home', 'b@y.org')]."""
    items = []
    for part in split_multi(cell, split_semicolons=False):
        kind, sep, value = part.partition(": ")
        if sep and kind.strip().casefold() in v.values(allowed):
            items.append((kind.strip().casefold(), value.strip()))
        else:
            items.append(("", part))
    return items


def _tags(cell: str) -> list[str]:
    parts = [p for p in re.split(r"\s*(?::::|;|,)\s*", cell) if p.strip()]
    # Google's own groups ("* myContacts", "* starred") say nothing about the person
    return list(dict.fromkeys(p.strip() for p in parts if not p.strip().startswith("*")))


def _choice(text: str, choices: tuple[tuple[str, str], ...], label: str,
            problems: list[str]) -> str | None:
    wanted = text.strip().casefold()
    for value, shown in choices:
        if wanted in (value, shown.casefold()):
            return value
    allowed = ", ".join(shown for _, shown in choices if shown)
    problems.append(f"{label}: “{text}” is not one of: {allowed}.")
    return None


def parse_date(text: str) -> date | None:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d", "%d %B %Y", "%B %d, %Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def row_values(source: CsvSource, number: int, cells: list[str]) -> RowPlan:
    """One row's cells as record values, with problems that need no database."""
    own = source.layout == "partnerdesk"
    headers = source.table.headers
    plan = RowPlan(row=number, values={})
    if len(cells) > len(headers) and any(c.strip() for c in cells[len(headers):]):
        plan.problems.append(
            f"This row has {len(cells)} cells but the header has {len(headers)}; a separator "
            "or quote may be out of place.")
        return plan
    cells = [*cells, *[""] * (len(headers) - len(cells))]
    if own:
        cells = [unneutralise(c) for c in cells]
    parts: dict[str, str] = {}
    emails: list[dict[str, str]] = []
    phones: list[dict[str, str]] = []
    values = plan.values
    for column, target in enumerate(source.mapping):
        cell = cells[column]
        if not target or target.endswith("_kind") or not cell.strip():
            continue
        problem = check_cell(cell, headers[column] or f"Column {column + 1}")
        if problem:
            plan.problems.append(problem)
            continue
        base, _, fixed_kind = target.partition(":")
        if base in ("email", "phone") and source.record_type == "contact":
            allowed = v.EMAIL_KINDS if base == "email" else v.PHONE_KINDS
            label_column = source.kinds.get(column)
            label = cells[label_column] if label_column is not None else ""
            items = (_own_items(cell, allowed) if own else
                     [("", p) for p in split_multi(cell, split_semicolons=True,
                                                   commas=base == "email")])
            for kind, value in items:
                kind = kind or fixed_kind or _kind(label, allowed, "work")
                if base == "email":
                    emails.append({"address": value, "kind": kind})
                else:
                    phones.append({"number": value, "kind": kind})
        elif target in ("given", "additional", "family", "prefix", "suffix"):
            parts[target] = cell.strip()
        elif target == "organization":
            plan.organization = cell.strip()
        elif target == "id":
            plan.record_id = cell.strip()[:36]
        elif target == "tags":
            values["tags"] = _tags(cell)
        elif target == "share_ok":
            answer = cell.strip().casefold()
            values["share_ok"] = answer in ("yes", "y", "true", "1", "x")
            if answer not in ("yes", "y", "true", "1", "x", "no", "n", "false", "0"):
                plan.problems.append(f"May share: write yes or no, not “{cell}”.")
        elif target == "last_contacted":
            when = parse_date(cell)
            if when is None:
                plan.problems.append(f"Last contacted: “{cell}” is not a date; write it as "
                                     "YYYY-MM-DD.")
            values["last_contacted"] = when
        elif target in ("latitude", "longitude"):
            try:
                values[target] = float(cell.strip().replace(",", "."))
            except ValueError:
                plan.problems.append(f"{target.capitalize()}: “{cell}” is not a number.")
        elif target == "kind":
            values["kind"] = _choice(cell, v.ORGANIZATION_KINDS, "Kind", plan.problems)
        elif target == "status":
            values["status"] = _choice(cell, v.ORGANIZATION_STATUSES, "Status", plan.problems)
        elif target == "preferred_contact":
            values["preferred_contact"] = _choice(cell, v.CONTACT_PREFERENCES,
                                                  "Preferred way to reach", plan.problems)
        elif target in ("email", "phone"):  # an organization's single e-mail or phone
            values[target] = split_multi(cell, split_semicolons=True)[0]
        elif target in ("notes", "internal_notes") and target in values:
            values[target] += "\n" + cell.strip()
        else:
            values[target] = cell.strip()
    if not values.get("name"):
        joined = " ".join(parts[k] for k in ("prefix", "given", "additional", "family",
                                             "suffix") if parts.get(k))
        values["name"] = joined or (emails[0]["address"] if emails else "")
    if source.record_type == "contact":
        if emails:
            values["emails"] = emails
        if phones:
            values["phones"] = phones
    values = {k: val for k, val in values.items() if val is not None}
    plan.values = values
    if not values.get("name"):
        plan.problems.append("Name: the row has no name (and no e-mail to use instead).")
    return plan


def build_plan(desk: Any, source: CsvSource, progress: Progress | None = None) -> ImportPlan:
    """The preview: every row's values, problems and likely duplicate. Writes nothing."""
    plan = ImportPlan(source.record_type, "csv", source.table.name)
    total = len(source.table.rows)
    clean = row_cleaner(desk, source.record_type)
    for index, (number, cells) in enumerate(source.table.rows):
        if progress is not None and index % 500 == 0:
            progress.report(index, total, "Reading rows…")
        row = row_values(source, number, cells)
        if not row.problems:
            clean(row)
        plan.rows.append(row)
    find_matches(desk, plan, progress)
    return plan


def plan_csv(desk: Any, path: str | Path, record_type: str,
             progress: Progress | None = None) -> ImportPlan:
    if record_type not in TARGETS:
        raise ImportFileError("Choose contacts or organizations to import.")
    return build_plan(desk, open_csv(path, record_type), progress)
