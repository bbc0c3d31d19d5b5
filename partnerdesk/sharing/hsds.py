"""Reading resource directories in Open Referral's Human Services Data Specification (HSDS).

Import reads an HSDS 3 package and the older 1.x/2.x CSV layouts from a folder or a
zip: organizations, services as resources, contacts, and phones (with extensions).
Taxonomy terms map onto our categories by name and common synonyms; a term with no
match files the resource under "Other" and keeps the term in the resource's notes. One
transaction, one undoable batch. Writing a package is `hsds_export`.

Identity is HSDS's own: a record is the one with the same `id`. An id that is a UUID
becomes the record's id here (so a package exported by PartnerDesk names the same
records everywhere); any other id ("org-1") gives an id derived from it. So importing the
same package again updates what it imported (the package's values replace ours where it
has one) and never makes a second copy. A record that only looks like one already here
(the same website, e-mail, phone or a very similar name) is imported as its own record,
with a hint in the preview; the Duplicates window then offers the pair for a person to
merge or keep apart. A website is no identity: in the HSDS 1.1 sample, all ten
organizations give http://example.com.

Contacts from a directory are marked as agreeing to be shared: a directory lists them so
that others get in touch, which is what our "may share" records, and it is what lets
them travel on when the directory is exported again (an export holds only contacts who
agreed). A person can still clear it, and a re-import never sets it back.

Decisions: PartnerDesk keeps an address as one text, while HSDS addresses need city,
state and postal code apart, so an export puts the address in the location's
description instead of addresses.csv; an import joins addresses.csv (or 1.x/2.x
physical_addresses.csv) lines back into one text.
"""

from __future__ import annotations

import csv
import io
import os
import stat
import uuid
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from partnerdesk.db import records as r
from partnerdesk.services import duplicates, validation
from partnerdesk.services.contact_details import phone_text
from partnerdesk.services.desk import Desk
from partnerdesk.services.progress import Progress
from partnerdesk.services.store import Writer, field_values
from partnerdesk.sharing.hsds_export import derived_id, export_hsds
from partnerdesk.sharing.import_common import (
    MB,
    ImportFileError,
    ImportPlan,
    ImportResult,
    RowPlan,
    apply_plan,
    context,
    decode_text,
    replaced_values,
    row_cleaner,
)

__all__ = ["HsdsPlan", "apply_hsds", "export_hsds", "plan_hsds", "read_package"]

MAX_PACKAGE_BYTES = 100 * MB  # the file, and the tables it is read for unpacked together
MAX_MEMBERS = 200
MAX_TABLE_ROWS = 200_000
# The tables the importer reads (HSDS 3 and the 1.x/2.x layouts). A package's other
# tables are neither unpacked nor parsed: 199 tables of 200,000 rows nobody reads once
# made a 100 KB zip take minutes and gigabytes.
TABLES = frozenset({"organizations", "services", "locations", "phones", "contacts",
                    "taxonomy_terms", "taxonomy", "taxonomies_terms", "attributes",
                    "service_attributes", "service_taxonomy", "services_taxonomy",
                    "addresses", "physical_addresses", "schedules", "regular_schedules",
                    "service_areas", "eligibility"})
# Values (cells) in the tables read, together: what bounds the memory of the parsed rows
# (about 100 bytes a value), however the bytes are spread over rows and columns. A large
# regional directory (20,000 services with their phones, places and times) is a tenth.
MAX_CELLS = 2_500_000
MAX_LINE = MB  # one line of a table: a header of a million columns is no directory
# Taxonomy terms, phones and opening times kept for one service or contact: a package
# naming one service in every row of a table once made each of its rows scan them all.
MAX_LINKED = 25
MAX_RATIO = 100  # unpacked / packed, for members bigger than RATIO_FLOOR
RATIO_FLOOR = MB
# Words in a taxonomy term that point at one of our default categories.
CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "Food": ("food", "meal", "nutrition", "pantry", "grocer"),
    "Housing": ("housing", "shelter", "homeless", "rent"),
    "Transport": ("transport", "bus", "ride", "travel"),
    "Health screening": ("screening", "check-up", "checkup", "testing"),
    "Mental health": ("mental", "counsel", "therapy", "psychiat", "wellbeing"),
    "Translation": ("translat", "interpret", "language"),
    "Space / facilities": ("space", "facilit", "venue", "room"),
    "Equipment": ("equipment", "supplies", "devices"),
    "Backup power": ("power", "generator", "electric"),
    "Volunteers": ("volunteer",),
    "Funding": ("funding", "grant", "financial"),
    "Training": ("training", "education", "course", "class"),
}
# HSDS phone types -> our phone kinds (a kind this database does not have becomes "other").
PHONE_KINDS = {"cell": "mobile", "text": "mobile", "fax": "fax", "pager": "pager",
               "voice": "work", "textphone": "other", "video": "other"}


def record_id(kind: str, hsds_id: str, *fallback: str) -> str:
    """Our id for an HSDS record: its own id when that is a UUID, else one derived from
    it (or, with no id at all, from `fallback`, e.g. the name), the same on every import."""
    if _is_uuid(hsds_id):
        return str(uuid.UUID(hsds_id))
    if hsds_id:
        return derived_id("hsds", kind, hsds_id)
    return derived_id("hsds", kind, "no-id", *fallback)


# -- reading a package ----------------------------------------------------------------
def read_package(path: str | Path, wanted: frozenset[str] | None = TABLES,
                 ) -> dict[str, list[dict[str, str]]]:
    """The CSV tables of a folder or zip, by file name without '.csv' (lower case), as
    lists of dicts: those the importer reads (`wanted`; None: every table).

    Bounded before anything is parsed, so a small hostile package cannot take the
    computer's memory or time: at most MAX_MEMBERS tables and MAX_PACKAGE_BYTES of text
    read, counted as the bytes come out (a zip's sizes can lie, a folder's `.csv` can be
    a link to /dev/zero), no zip member that expands more than MAX_RATIO times, at most
    MAX_TABLE_ROWS rows a table, MAX_CELLS values in all and MAX_LINE characters a line.
    A table is decoded and parsed one at a time. In a folder only regular files are
    read, and a link is followed only when it stays inside the folder."""
    source = Path(path)
    if source.is_dir():
        raw = _read_folder(source, wanted)
    elif source.is_file():
        if source.stat().st_size > MAX_PACKAGE_BYTES:
            raise ImportFileError(f"“{source.name}” is larger than {MAX_PACKAGE_BYTES // MB} "
                                  "MB; it was not imported.")
        raw = _read_zip(source, wanted)
    else:
        raise ImportFileError(f"There is no file or folder at {source}.")
    tables: dict[str, list[dict[str, str]]] = {}
    cells = 0
    for name in list(raw):
        text = decode_text(raw.pop(name), f"“{name}”")  # the bytes go as the text comes
        rows, cells = _parse_table(name, text, cells, source.name)
        del text
        tables[_table_name(name)] = rows
    if "organizations" not in tables and "services" not in tables:
        raise ImportFileError(
            f"“{source.name}” does not look like an HSDS package: it has no organizations.csv "
            "or services.csv. Choose the folder or zip file of an Open Referral export.")
    return tables


def _table_name(member: str) -> str:
    return Path(member).stem.lower()


def _reads(member: str, wanted: frozenset[str] | None) -> bool:
    return member.lower().endswith(".csv") and (wanted is None or _table_name(member) in wanted)


def _lines(text: str, name: str) -> Iterable[str]:
    """The table's lines as the CSV reader takes them, each at most MAX_LINE long."""
    for line in io.StringIO(text, newline=""):
        if len(line) > MAX_LINE:
            raise ImportFileError(f"“{name}” in the package has a line longer than "
                                  f"{MAX_LINE:,} characters, which no resource directory "
                                  "has. Nothing was imported.")
        yield line


def _parse_table(name: str, text: str, cells: int, package: str,
                 ) -> tuple[list[dict[str, str]], int]:
    """(the rows of one table, the values read so far in the package)."""
    try:
        reader = csv.DictReader(_lines(text, name), strict=True)
        rows = []
        for row in reader:
            rows.append({(k or "").strip().lstrip("\ufeff"): (v or "").strip()
                         for k, v in row.items() if k is not None})
            cells += len(row)
            if len(rows) > MAX_TABLE_ROWS:
                raise ImportFileError(f"“{name}” in the package has more than "
                                      f"{MAX_TABLE_ROWS:,} rows, more than a resource "
                                      "directory holds. Nothing was imported.")
            if cells > MAX_CELLS:
                raise ImportFileError(f"“{package}” holds more than {MAX_CELLS:,} values "
                                      "in its tables, more than a resource directory holds. "
                                      "Nothing was imported.")
    except csv.Error as error:
        raise ImportFileError(f"“{name}” in the package is not a well-formed CSV file "
                              f"({error}). Nothing was imported.") from error
    return rows, cells


def _too_large(name: str) -> ImportFileError:
    return ImportFileError(f"“{name}” is too large to be a resource directory (more than "
                           f"{MAX_PACKAGE_BYTES // MB} MB of tables). It was not imported.")


def _read_folder(source: Path, wanted: frozenset[str] | None) -> dict[str, bytes]:
    folder = source.resolve()
    members = sorted(p for p in source.iterdir() if p.name.lower().endswith(".csv"))
    if len(members) > MAX_MEMBERS:
        raise ImportFileError(f"“{source.name}” holds {len(members):,} tables, more than a "
                              "resource directory has. It was not imported.")
    raw: dict[str, bytes] = {}
    budget = MAX_PACKAGE_BYTES
    for member in members:
        if not _reads(member.name, wanted):
            continue
        try:
            real = member.resolve()
            inside = real.parent == folder
            regular = stat.S_ISREG(os.stat(real).st_mode)
        except (OSError, RuntimeError):
            inside = regular = False
        if not inside or not regular:
            raise ImportFileError(
                f"“{member.name}” in {source.name} is a link to somewhere else or not a "
                "plain file, so it was not read and nothing was imported. Copy the real "
                "tables into the folder and try again.")
        try:
            with open(real, "rb") as handle:
                data = handle.read(budget + 1)
        except OSError as error:
            raise ImportFileError(f"“{member.name}” cannot be read ({error.strerror}).") \
                from error
        if len(data) > budget:
            raise _too_large(source.name)
        budget -= len(data)
        raw[member.name] = data
    return raw


def _read_zip(source: Path, wanted: frozenset[str] | None) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ImportFileError(f"“{source.name}” is not a zip file or a folder. Choose the "
                              "folder or zip file of an HSDS export.") from error
    raw: dict[str, bytes] = {}
    with archive:
        infos = [i for i in archive.infolist() if i.filename.lower().endswith(".csv")
                 and not i.is_dir()]
        if len(infos) > MAX_MEMBERS:
            raise _too_large(source.name)
        infos = [i for i in infos if _reads(i.filename, wanted)]
        if sum(i.file_size for i in infos) > MAX_PACKAGE_BYTES:
            raise _too_large(source.name)
        budget = MAX_PACKAGE_BYTES
        for info in infos:
            if info.file_size > RATIO_FLOOR and \
                    info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise ImportFileError(f"“{source.name}” holds a file that expands "
                                      f"{info.file_size // max(info.compress_size, 1):,} times "
                                      "when unpacked, which only a harmful file does. It was "
                                      "not imported.")
            data = _member_bytes(archive, info, min(budget, info.file_size), source.name)
            budget -= len(data)
            raw[Path(info.filename).name] = data
    return raw


def _member_bytes(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int,
                  name: str) -> bytes:
    """At most `limit` bytes, counted as they come out (a zip's header can lie)."""
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as handle:
            while block := handle.read(1 << 20):
                size += len(block)
                if size > limit:
                    raise ImportFileError(f"“{name}” holds a file bigger than it says, which "
                                          "only a damaged or harmful file does. It was not "
                                          "imported.")
                chunks.append(block)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError,
            RuntimeError, zlib.error) as error:  # a flipped bit, an encrypted member
        raise ImportFileError(f"“{name}” is damaged ({info.filename} cannot be read). Ask "
                              "for a fresh copy.") from error
    return b"".join(chunks)


# -- planning an import ---------------------------------------------------------------
@dataclass
class ServicePlan:
    row: int
    hsds_id: str
    record_id: str
    organization_hsds_id: str
    values: dict[str, Any]
    category: str
    category_from_terms: bool  # the package named a term that maps onto a category here
    problems: list[str] = field(default_factory=list)


@dataclass
class ContactPlan:
    hsds_id: str
    record_id: str
    organization_hsds_id: str
    service_hsds_id: str  # the service this person is the contact for, if any
    values: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


@dataclass
class HsdsPlan:
    organizations: ImportPlan
    services: list[ServicePlan]
    contacts: list[ContactPlan]
    org_rows: dict[str, int]  # organization hsds id -> row number in organizations.csv
    # ids of the package's services and contacts that a live record here has: the import
    # brings those up to date
    here: set[str] = field(default_factory=set)

    def counts(self) -> dict[str, int]:
        """As the import's result will count: new services and contacts, and those
        brought up to date, apart."""
        counts = self.organizations.counts()
        invalid = sum(1 for s in self.services if s.problems)
        hints = sum(1 for row in self.organizations.rows if row.valid and _hint(row)) + sum(
            1 for c in self.contacts if c.warnings)
        left = {id(s) for s in self.left_with_organization()}
        services = {s.record_id for s in self.services if not s.problems and id(s) not in left}
        contacts = {c.record_id for c in self.contacts}
        return {**counts, "invalid": counts["invalid"] + invalid,
                "services": len(services - self.here),
                "services_updated": len(services & self.here),
                "contacts": len(contacts - self.here),
                "contacts_updated": len(contacts & self.here), "possible_duplicates": hints}

    def left_with_organization(self) -> list[ServicePlan]:
        """Services without a problem of their own whose organization's row has one:
        importing only the valid rows leaves them out with it."""
        bad = {row.row for row in self.organizations.rows if row.problems}
        return [s for s in self.services if not s.problems
                and self.org_rows.get(s.organization_hsds_id) in bad]


def _hint(row: RowPlan) -> bool:
    return any(w.startswith(HINT_START) for w in row.warnings)


HINT_START = "Possibly the same as"


def _hint_text(title: str, reason: str, kind: str) -> str:
    return (f"{HINT_START} “{title}” ({reason}). It is imported as its own {kind}; "
            "Duplicates then shows the two for you to merge or keep apart.")


def _first(row: dict[str, str], *names: str) -> str:
    for name in names:
        value = (row.get(name) or "").strip().strip('"').strip()
        if value:
            return value
    return ""


def _link(found: dict[str, list[Any]], key: str, item: Any) -> None:
    """`item` added to what `key` (a service or contact id) is linked to, up to
    MAX_LINKED of them: past that a table naming one id in every row is ignored, so
    every row costs the same however the ids are spread."""
    items = found.setdefault(key, [])
    if len(items) < MAX_LINKED:
        items.append(item)


def _terms(tables: dict[str, list[dict[str, str]]]) -> dict[str, list[str]]:
    """service id -> taxonomy term names, for HSDS 3 (attributes), 2.x and 1.x layouts."""
    names: dict[str, str] = {}
    for table in ("taxonomy_terms", "taxonomy", "taxonomies_terms"):
        for row in tables.get(table, []):
            term = _first(row, "name", "term")
            if row.get("id") and term:
                names[row["id"]] = term
    found: dict[str, list[str]] = {}
    for row in tables.get("attributes", []):
        if (row.get("link_entity") or "service").lower() == "service":
            term = names.get(row.get("taxonomy_term_id", ""))
            if term:
                _link(found, row.get("link_id", ""), term)
    for table in ("service_attributes", "service_taxonomy", "services_taxonomy"):
        for row in tables.get(table, []):
            term = names.get(_first(row, "taxonomy_term_id", "taxonomy_id"))
            if term:
                _link(found, row.get("service_id", ""), term)
    return found


def category_for(terms: list[str], categories: dict[str, str]) -> tuple[str, str]:
    """(our category name, the terms that did not map — kept in the notes)."""
    for term in terms:
        folded = duplicates.fold(term)
        if folded in categories:
            return categories[folded], ""
    for term in terms:
        folded = duplicates.fold(term)
        for name, words in CATEGORY_WORDS.items():
            if duplicates.fold(name) in categories and any(w in folded for w in words):
                return categories[duplicates.fold(name)], ""
    return categories.get("other", "Other"), "; ".join(terms)


def _phones(tables: dict[str, list[dict[str, str]]], allowed: set[str],
            ) -> tuple[dict[str, str], dict[str, list[dict[str, str]]], dict[str, list[str]]]:
    """(organization id -> its first number, contact id -> their phones, service id ->
    its numbers as text). A phone row belongs to the contact it names, else to its
    organization (named, or through its location), else to its service."""
    org_of_location = {row.get("id", ""): row.get("organization_id", "")
                       for row in tables.get("locations", [])}
    org_phones: dict[str, str] = {}
    contact_phones: dict[str, list[dict[str, str]]] = {}
    service_phones: dict[str, list[str]] = {}
    for row in tables.get("phones", []):
        number = _first(row, "number")
        if not number:
            continue
        extension = _first(row, "extension")
        if not extension and _first(row, "description").startswith("Extension "):
            extension = _first(row, "description").removeprefix("Extension ").strip()
        organization = row.get("organization_id") or org_of_location.get(
            row.get("location_id", ""), "")
        if row.get("contact_id"):
            kind = PHONE_KINDS.get(_first(row, "type").lower(), "work")
            _link(contact_phones, row["contact_id"],
                  {"number": number, "kind": kind if kind in allowed else "other",
                   "extension": extension})
        elif organization:
            org_phones.setdefault(organization, phone_text({"number": number,
                                                            "extension": extension}))
        elif row.get("service_id"):
            described = " ".join(p for p in (phone_text({"number": number,
                                                         "extension": extension}),
                                             f"({_first(row, 'description')})"
                                             if _first(row, "description") else "") if p)
            _link(service_phones, row["service_id"], described)
    return org_phones, contact_phones, service_phones


def _location_notes(location: dict[str, str]) -> str:
    """What another directory says about an organization's place, for its notes."""
    parts = [f"Location: {_first(location, 'name')}" if _first(location, "name") else "",
             _first(location, "description"),
             f"Getting there: {_first(location, 'transportation')}"
             if _first(location, "transportation") else ""]
    return "\n".join(p for p in parts if p)


def plan_hsds(desk: Desk, path: str | Path, progress: Progress | None = None) -> HsdsPlan:
    """The preview of an HSDS import. Writes nothing."""
    from partnerdesk.db import vocabulary as v

    tables = read_package(path)
    org_plan = ImportPlan("organization", "hsds", Path(path).name)
    addresses = _addresses(tables)
    locations: dict[str, dict[str, str]] = {}  # organization id -> its first location
    for row in tables.get("locations", []):
        locations.setdefault(row.get("organization_id", ""), row)
    org_rows: dict[str, int] = {}
    clean_org, clean_contact = row_cleaner(desk, "organization"), row_cleaner(desk, "contact")
    org_phones, contact_phones, service_phones = _phones(
        tables, {kind for kind, _ in v.PHONE_KINDS})
    for index, row in enumerate(tables.get("organizations", [])):
        hsds_id = row.get("id", "")
        location = locations.get(hsds_id, {})
        # A location PartnerDesk exported (its id derived from the organization's) holds
        # the address in its description; another directory's describes the place.
        ours = bool(location) and location.get("id") == derived_id("location", hsds_id)
        values: dict[str, Any] = {
            "name": _first(row, "name"), "mission": _first(row, "description"),
            "email": _first(row, "email"), "website": _first(row, "website", "url"),
            "phone": org_phones.get(hsds_id, ""),
            "address": addresses.get(location.get("id", ""), "")
            or (_first(location, "description") if ours else ""),
            "notes": "" if ours else _location_notes(location),
        }
        for key in ("latitude", "longitude"):
            try:
                values[key] = float(location[key]) if location.get(key) else None
            except ValueError:
                values[key] = None
        plan_row = RowPlan(row=index + 2, values={k: v for k, v in values.items()
                                                   if v not in ("", None)})
        plan_row.record_id = record_id("organization", hsds_id, values["name"])
        if not plan_row.values.get("name"):
            plan_row.problems.append("Name: the organization has no name.")
        elif hsds_id and hsds_id in org_rows:
            plan_row.problems.append(f"The id {hsds_id} is used by another organization "
                                     f"of the package too (row {org_rows[hsds_id]}).")
        else:
            clean_org(plan_row)
        org_rows.setdefault(hsds_id, plan_row.row)
        org_plan.rows.append(plan_row)
    _match_organizations(desk, org_plan, progress)
    services = _plan_services(desk, tables, org_rows, service_phones)
    contacts = _plan_contacts(desk, tables, contact_phones, clean_contact, org_plan, org_rows)
    plan = HsdsPlan(org_plan, services, contacts, org_rows)
    plan.here = set(_live(desk, r.Resource, [s.record_id for s in services])) | set(
        _live(desk, r.Contact, [c.record_id for c in contacts]))
    rows_by_number = {row.row: row for row in org_plan.rows}
    for service in plan.left_with_organization():
        owner = rows_by_number[org_rows[service.organization_hsds_id]]
        org_plan.notes.append(
            f"The service “{service.values.get('name', '')}” (services.csv row {service.row}) "
            f"belongs to “{owner.values.get('name', '')}” (organizations.csv row "
            f"{owner.row}), which has a problem: importing only the valid rows leaves the "
            "service out too.")
    return plan


def _live(desk: Desk, model: Any, ids: Iterable[str]) -> dict[str, Any]:
    """Field values of the live records here with these ids."""
    wanted = sorted({i for i in ids if i})
    found: dict[str, Any] = {}
    with desk.store.read() as session:
        for start in range(0, len(wanted), 500):
            for row in session.scalars(select(model).where(
                    model.id.in_(wanted[start:start + 500]), model.deleted == False)):  # noqa: E712
                found[row.id] = field_values(row)
    return found


def _match_organizations(desk: Desk, plan: ImportPlan, progress: Progress | None) -> None:
    """Rows whose id is a record here update it; rows that only look like a record here
    or an earlier row (website, e-mail, phone, name) get a hint and stay new."""
    here = _live(desk, r.Organization, (row.record_id for row in plan.rows))
    index = duplicates.MatchIndex.from_desk(desk, "organization")
    for number, row in enumerate(plan.rows):
        if progress is not None and number % 500 == 0:
            progress.report(number, len(plan.rows), "Looking for duplicates…")
        if not row.valid:
            continue
        if row.record_id in here:
            row.match_key, row.match_title = row.record_id, here[row.record_id]["name"]
            row.reason, row.action, row.replace = "the same organization (same HSDS id)", \
                "merge", True
        else:
            hint = index.match(row.values, exclude={row.record_id})
            if hint is not None:
                row.warnings.append(_hint_text(hint.title, hint.reason, "organization"))
        index.add(f"row:{row.row}", row.values)


def _is_uuid(text: str) -> bool:
    try:
        return len(text) == 36 and bool(uuid.UUID(text))
    except ValueError:
        return False


def _addresses(tables: dict[str, list[dict[str, str]]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for table in ("addresses", "physical_addresses"):
        for row in tables.get(table, []):
            parts = [_first(row, k) for k in ("address_1", "address_2", "city",
                                              "state_province", "postal_code", "country")]
            text = ", ".join(p for p in parts if p)
            if row.get("location_id") and text:
                found.setdefault(row["location_id"], text)
    return found


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
RRULE_DAYS = dict(zip(("MO", "TU", "WE", "TH", "FR", "SA", "SU"), WEEKDAYS, strict=True))


def _day(text: str) -> str:
    """HSDS 1.x/2.x weekdays are numbers, 1 for Monday (ISO 8601); HSDS 3 writes
    iCalendar's "MO,TU"."""
    if text.isdigit() and 1 <= int(text) <= 7:
        return WEEKDAYS[int(text) - 1]
    days = [RRULE_DAYS.get(part.strip().upper(), part.strip()) for part in text.split(",")]
    return ", ".join(day for day in days if day)


def _time(text: str) -> str:
    return text[:5] if len(text) == 8 and text[2] == ":" and text.endswith(":00") else text


def _schedules(tables: dict[str, list[dict[str, str]]]) -> dict[str, str]:
    """service id -> its opening times as one text: a schedule's own description, or
    each row's days and hours ("Monday 09:00–17:00; Tuesday 09:00–17:00")."""
    found: dict[str, list[str]] = {}
    for table in ("schedules", "regular_schedules"):
        for row in tables.get(table, []):
            text = _first(row, "description")
            if not text and (row.get("opens_at") or row.get("closes_at")):
                hours = "–".join(_time(t) for t in (_first(row, "opens_at"),
                                                    _first(row, "closes_at")) if t)
                text = " ".join(p for p in (_day(_first(row, "weekday", "byday")), hours) if p)
            if row.get("service_id") and text and text not in found.get(row["service_id"], []):
                _link(found, row["service_id"], text)
    return {service: "; ".join(texts) for service, texts in found.items()}


def _plan_services(desk: Desk, tables: dict[str, list[dict[str, str]]],
                   org_rows: dict[str, int], phones: dict[str, list[str]],
                   ) -> list[ServicePlan]:
    categories = {duplicates.fold(c.name): c.name for c in desk.categories.list()}
    terms = _terms(tables)
    schedules = _schedules(tables)
    areas: dict[str, str] = {}
    for row in tables.get("service_areas", []):
        if row.get("service_id"):
            areas.setdefault(row["service_id"], _first(row, "name", "service_area",
                                                       "description")[:200])
    eligibility = {row.get("service_id", ""): _first(row, "eligibility")
                   for row in tables.get("eligibility", [])}
    plans = []
    seen: dict[str, int] = {}
    defaults, ctx = desk.resources.defaults(), context(desk)  # once, not once per service
    for index, row in enumerate(tables.get("services", [])):
        hsds_id = row.get("id", "")
        service_terms = terms.get(hsds_id, [])
        category, unmapped = category_for(service_terms, categories)
        notes = [f"Original category (HSDS taxonomy): {unmapped}"] if unmapped else []
        if _first(row, "status").lower() in ("inactive", "defunct"):
            notes.insert(0, f"Not offered at present (HSDS status: {_first(row, 'status')}).")
        for label, key in (("Web", "url"), ("E-mail", "email"),
                           ("Fees", "fees_description"), ("How to apply", "application_process"),
                           ("Interpretation", "interpretation_services"),
                           ("Wait time", "wait_time")):
            if _first(row, key):
                notes.append(f"{label}: {_first(row, key)}")
        notes += [f"Phone: {phone}" for phone in phones.get(hsds_id, [])]
        values = {"name": _first(row, "name"), "description": _first(row, "description"),
                  "eligibility": _first(row, "eligibility_description", "eligibility")
                  or eligibility.get(hsds_id, ""), "schedule": schedules.get(hsds_id, ""),
                  "service_area": areas.get(hsds_id, ""), "notes": "\n".join(notes)}
        checked = _first(row, "assured_date")
        if checked:
            try:
                values["last_verified"] = date.fromisoformat(checked[:10])
            except ValueError:
                values["notes"] = "\n".join([*notes, f"Last checked: {checked}"])
        plan = ServicePlan(index + 2, hsds_id,
                           record_id("service", hsds_id, row.get("organization_id", ""),
                                     values["name"]),
                           row.get("organization_id", ""), values, category,
                           bool(service_terms) and not unmapped)
        if not values["name"]:
            plan.problems.append("The service has no name.")
        if plan.organization_hsds_id not in org_rows:
            plan.problems.append("The service names an organization that is not in the "
                                 "package.")
        if hsds_id and hsds_id in seen:
            plan.problems.append(f"The id {hsds_id} is used by another service of the "
                                 f"package too (row {seen[hsds_id]}).")
        seen.setdefault(hsds_id, plan.row)
        full = {**defaults, **values, "organization_id": "x", "category_id": "x"}
        plan.problems += [p.message for p in validation.clean(r.Resource, full, ctx)
                          if not p.warning]
        plans.append(plan)
    return plans


def _plan_contacts(desk: Desk, tables: dict[str, list[dict[str, str]]],
                   contact_phones: dict[str, list[dict[str, str]]], clean: Any,
                   org_plan: ImportPlan, org_rows: dict[str, int]) -> list[ContactPlan]:
    """Contacts by id like organizations: the same id updates, a likely duplicate (same
    e-mail, phone or name at the same organization) is a hint."""
    by_number = {row.row: row.record_id for row in org_plan.rows}
    org_ids = {hsds: by_number[number] for hsds, number in org_rows.items()
               if number in by_number}
    plans: list[ContactPlan] = []
    for row in tables.get("contacts", []):
        name = _first(row, "name")
        if not name:
            continue
        values: dict[str, Any] = {"name": name, "role": _first(row, "title")}
        if _first(row, "email"):
            values["emails"] = [{"address": _first(row, "email"), "kind": "work"}]
        if row.get("id") in contact_phones:
            values["phones"] = contact_phones[row["id"]]
        if _first(row, "department"):
            values["department"] = _first(row, "department")
        contact_row = RowPlan(row=0, values=values)
        clean(contact_row)
        if contact_row.valid:
            organization = row.get("organization_id", "")
            plans.append(ContactPlan(
                row.get("id", ""), record_id("contact", row.get("id", ""), organization, name),
                organization, row.get("service_id", ""), contact_row.values))
    here = _live(desk, r.Contact, (c.record_id for c in plans))
    index = duplicates.MatchIndex.from_desk(desk, "contact")
    for number, plan in enumerate(plans):
        group = org_ids.get(plan.organization_hsds_id, "")
        if plan.record_id not in here:
            hint = index.match(plan.values, group, exclude={plan.record_id})
            if hint is not None:
                plan.warnings.append(_hint_text(hint.title, hint.reason, "contact"))
        index.add(f"contact:{number}", plan.values, group=group)
    return plans


# -- applying ----------------------------------------------------------------------
def apply_hsds(desk: Desk, plan: HsdsPlan, *, valid_only: bool = False,
               progress: Progress | None = None) -> ImportResult:
    bad = [s for s in plan.services if s.problems]
    if bad and not valid_only:
        raise ImportFileError(
            f"{len(bad)} services have problems (services.csv row {bad[0].row}: "
            f"{bad[0].problems[0]}), so nothing was imported. Choose to import only the "
            "valid rows, or fix the package.")
    category_ids = {c.name: c.id for c in desk.categories.list()}
    counts = {"services": 0, "services_updated": 0, "contacts": 0, "contacts_updated": 0}

    def add_rest(writer: Writer, ids_by_row: dict[int, str]) -> None:
        org_ids = {hsds: ids_by_row[row] for hsds, row in plan.org_rows.items()
                   if row in ids_by_row}
        contact_ids = _save_contacts(desk, writer, plan, org_ids, counts)
        contact_of = {c.service_hsds_id: contact_ids[c.record_id] for c in plan.contacts
                      if c.service_hsds_id and c.record_id in contact_ids}
        services = [s for s in plan.services
                    if not s.problems and s.organization_hsds_id in org_ids]
        here = _here(writer, r.Resource, [s.record_id for s in services])
        new: dict[str, dict[str, Any]] = {}
        changes: dict[str, dict[str, Any]] = {}
        for service in services:
            values = {k: v for k, v in service.values.items() if v not in ("", None)}
            values["name"] = service.values["name"]
            values["organization_id"] = org_ids[service.organization_hsds_id]
            if service.hsds_id in contact_of:
                values["contact_id"] = contact_of[service.hsds_id]
            category = category_ids.get(service.category) or category_ids.get("Other") \
                or next(iter(category_ids.values()))
            if service.record_id in here:
                if service.category_from_terms:
                    values["category_id"] = category
                current = {**here[service.record_id], **changes.get(service.record_id, {})}
                changes.setdefault(service.record_id, {}).update(
                    replaced_values(current, values))
                counts["services_updated"] += 1
            else:
                new[service.record_id] = {**values, "category_id": category}
                counts["services"] += 1
        taken = _taken(writer, r.Resource, list(new))
        desk.resources.save_many(writer, [
            {**values, "id": str(uuid.uuid4()) if record in taken else record}
            for record, values in new.items()], changes)

    result = apply_plan(desk, plan.organizations, valid_only=valid_only, progress=progress,
                        extra=add_rest)
    result.counts.update(counts)
    result.counts["invalid"] += len(bad)
    result.counts["possible_duplicates"] = plan.counts()["possible_duplicates"]
    return result


def _save_contacts(desk: Desk, writer: Writer, plan: HsdsPlan, org_ids: dict[str, str],
                   counts: dict[str, int]) -> dict[str, str]:
    """Write the package's contacts; returns the id each planned contact has here."""
    here = _here(writer, r.Contact, [c.record_id for c in plan.contacts])
    new: dict[str, dict[str, Any]] = {}
    changes: dict[str, dict[str, Any]] = {}
    for contact in plan.contacts:
        values = {**contact.values, "organization_id": org_ids.get(contact.organization_hsds_id)}
        if contact.record_id in here:
            current = {**here[contact.record_id], **changes.get(contact.record_id, {})}
            changes.setdefault(contact.record_id, {}).update(replaced_values(current, values))
            counts["contacts_updated"] += 1
        elif contact.record_id in new:  # the same id twice in the package
            new[contact.record_id].update(replaced_values(
                {**desk.contacts.defaults(), **new[contact.record_id]}, values))
        else:
            new[contact.record_id] = {**values, "share_ok": True}  # see the module's notes
            counts["contacts"] += 1
    taken = _taken(writer, r.Contact, list(new))
    ids = {record: str(uuid.uuid4()) if record in taken else record for record in new}
    desk.contacts.save_many(writer, [{**values, "id": ids[record]}
                                     for record, values in new.items()], changes)
    return {**{record: record for record in here}, **ids}


def _here(writer: Writer, model: Any, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Field values of the live records here with these ids, in the import's transaction."""
    wanted = sorted(set(ids))
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), 500):
        for row in writer.session.scalars(select(model).where(
                model.id.in_(wanted[start:start + 500]), model.deleted == False)):  # noqa: E712
            found[row.id] = field_values(row)
    return found


def _taken(writer: Writer, model: Any, ids: list[str]) -> set[str]:
    """Which of these ids a record here already has, deleted ones included (a deleted
    record keeps its id; an import of it again makes a new record beside it)."""
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        found.update(writer.session.scalars(select(model.id).where(
            model.id.in_(ids[start:start + 500]))))
    return found
