"""Resource directories in Open Referral's Human Services Data Specification (HSDS).

Export writes the HSDS 3.0 tabular package (CSV files plus `datapackage.json`) to a
folder or a zip: organizations; resources as services; one location per organization
that has an address or map position; phones; contacts who agreed to be shared; our
categories as a taxonomy linked to services through attributes.

Import reads an HSDS 3 package and the older 1.x/2.x CSV layouts from a folder or a
zip: organizations (matched against existing ones like a CSV import), services as
resources, contacts, and phones. Taxonomy terms map onto our categories by name and
common synonyms; a term with no match files the resource under "Other" and keeps the
term in the resource's notes. One transaction, one undoable batch.

Decisions: PartnerDesk keeps an address as one text, while HSDS addresses need city,
state and postal code apart, so an export puts the address in the location's
description instead of addresses.csv; an import joins addresses.csv (or 1.x/2.x
physical_addresses.csv) lines back into one text.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from partnerdesk.db import records as r
from partnerdesk.errors import PartnerDeskError
from partnerdesk.services import duplicates, validation
from partnerdesk.services.desk import Desk
from partnerdesk.services.progress import Progress
from partnerdesk.services.store import Writer, field_values
from partnerdesk.sharing import hsds_schema as schema
from partnerdesk.sharing.import_common import (
    MB,
    ImportFileError,
    ImportPlan,
    ImportResult,
    RowPlan,
    apply_plan,
    context,
    decode_text,
    find_matches,
    merged_values,
    row_cleaner,
)

ID_NAMESPACE = uuid.UUID("0c9f5a3e-2b47-4f6b-8f1e-7d3c2a1b9e55")
MAX_PACKAGE_BYTES = 100 * MB
MAX_MEMBERS = 200
TAXONOMY_NAME = "PartnerDesk categories"
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


def derived_id(*parts: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, ":".join(parts)))


# -- export -------------------------------------------------------------------------
def build_tables(desk: Any) -> dict[str, list[dict[str, Any]]]:
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in schema.TABLES}
    categories = {c.id: c for c in desk.categories.list()}
    taxonomy_id = derived_id("taxonomy", TAXONOMY_NAME)
    tables["taxonomy"].append({"id": taxonomy_id, "name": TAXONOMY_NAME,
                               "description": "The categories PartnerDesk files resources "
                                              "and community needs under.", "version": "1"})
    for category in categories.values():
        tables["taxonomy_term"].append({
            "id": category.id, "name": category.name, "taxonomy": TAXONOMY_NAME,
            "description": category.description or category.name, "language": "en",
            "taxonomy_id": taxonomy_id})
    for org in desk.organizations.list():
        tables["organization"].append({
            "id": org.id, "name": org.name, "description": org.mission or org.name,
            "email": org.email, "website": org.website})
        if org.address or org.latitude is not None:
            location_id = derived_id("location", org.id)
            tables["location"].append({
                "id": location_id, "location_type": "physical", "organization_id": org.id,
                "name": org.name, "description": org.address,
                "latitude": "" if org.latitude is None else org.latitude,
                "longitude": "" if org.longitude is None else org.longitude})
        if org.phone:
            tables["phone"].append({"id": derived_id("phone", org.id), "organization_id": org.id,
                                    "number": org.phone, "type": "voice"})
    for resource in desk.resources.list():
        tables["service"].append({
            "id": resource.id, "organization_id": resource.organization_id,
            "name": resource.name, "description": resource.description, "status": "active",
            "eligibility_description": resource.eligibility,
            "last_modified": resource.updated_at.isoformat()})
        if resource.category_id in categories:
            tables["attribute"].append({
                "id": derived_id("attribute", resource.id), "link_id": resource.id,
                "taxonomy_term_id": resource.category_id, "link_type": "category",
                "link_entity": "service"})
        if resource.schedule:
            tables["schedule"].append({"id": derived_id("schedule", resource.id),
                                       "service_id": resource.id,
                                       "description": resource.schedule})
        if resource.service_area:
            tables["service_area"].append({"id": derived_id("area", resource.id),
                                           "service_id": resource.id,
                                           "name": resource.service_area})
        location_id = derived_id("location", resource.organization_id)
        if any(row["id"] == location_id for row in tables["location"]):
            tables["service_at_location"].append({
                "id": derived_id("sal", resource.id), "service_id": resource.id,
                "location_id": location_id})
    organization_ids = {row["id"] for row in tables["organization"]}
    for contact in desk.contacts.list(where={"share_ok": True}):
        emails = [e.get("address") for e in contact.emails if e.get("address")]
        tables["contact"].append({
            "id": contact.id, "name": contact.name, "title": contact.role,
            "organization_id": contact.organization_id
            if contact.organization_id in organization_ids else "",
            "email": emails[0] if emails else ""})
        for position, phone in enumerate(contact.phones):
            tables["phone"].append({
                "id": derived_id("phone", contact.id, str(position)),
                "contact_id": contact.id, "number": phone.get("number", ""),
                "type": "cell" if phone.get("kind") == "mobile" else "voice"})
    return tables


def _csv_bytes(table: str, rows: list[dict[str, Any]]) -> bytes:
    handle = io.StringIO()
    writer = csv.DictWriter(handle, fieldnames=schema.fields(table), lineterminator="\r\n",
                            extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return handle.getvalue().encode("utf-8")


def export_hsds(desk: Any, target: str | Path) -> dict[str, int]:
    """Write the package to a folder, or to a zip when `target` ends in .zip."""
    tables = build_tables(desk)
    files = {schema.TABLES[name][0]: _csv_bytes(name, rows) for name, rows in tables.items()}
    files["datapackage.json"] = json.dumps(schema.datapackage(), indent=2).encode("utf-8")
    path = Path(target)
    try:
        if path.suffix.lower() == ".zip":
            partial = path.with_name(path.name + ".partial")
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
                for name, data in files.items():
                    archive.writestr(name, data)
            partial.replace(path)
        else:
            if path.exists() and not path.is_dir():
                raise PartnerDeskError(f"{path} is a file; choose a folder, or a name ending "
                                       "in .zip.")
            path.mkdir(parents=True, exist_ok=True)
            for name, data in files.items():
                (path / name).write_bytes(data)
    except OSError as error:
        raise PartnerDeskError(f"Could not write {path}: {error.strerror}. Choose another "
                               "folder.") from error
    counts = {name: len(rows) for name, rows in tables.items()}
    desk.log_export("hsds", path, counts=counts, scope="resource directory")
    return counts


# -- reading a package ----------------------------------------------------------------
def read_package(path: str | Path) -> dict[str, list[dict[str, str]]]:
    """Every CSV of a folder or zip, by file name without '.csv', as lists of dicts."""
    source = Path(path)
    raw: dict[str, bytes] = {}
    if source.is_dir():
        for member in sorted(source.glob("*.csv"))[:MAX_MEMBERS]:
            if member.stat().st_size > MAX_PACKAGE_BYTES:
                raise ImportFileError(f"{member.name} is too large to import.")
            raw[member.name] = member.read_bytes()
    elif source.is_file():
        if source.stat().st_size > MAX_PACKAGE_BYTES:
            raise ImportFileError(f"“{source.name}” is larger than {MAX_PACKAGE_BYTES // MB} "
                                  "MB; it was not imported.")
        raw = _read_zip(source)
    else:
        raise ImportFileError(f"There is no file or folder at {source}.")
    tables: dict[str, list[dict[str, str]]] = {}
    for name, data in raw.items():
        text = decode_text(data, f"“{name}”")
        try:
            reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
            rows = [{(k or "").strip().lstrip("\ufeff"): (v or "").strip()
                     for k, v in row.items() if k is not None} for row in reader]
        except csv.Error as error:
            raise ImportFileError(f"“{name}” in the package is not a well-formed CSV file "
                                  f"({error}). Nothing was imported.") from error
        tables[Path(name).stem.lower()] = rows
    if "organizations" not in tables and "services" not in tables:
        raise ImportFileError(
            f"“{source.name}” does not look like an HSDS package: it has no organizations.csv "
            "or services.csv. Choose the folder or zip file of an Open Referral export.")
    return tables


def _read_zip(source: Path) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportFileError(f"“{source.name}” is not a zip file or a folder. Choose the "
                              "folder or zip file of an HSDS export.") from error
    raw: dict[str, bytes] = {}
    with archive:
        infos = [i for i in archive.infolist() if i.filename.lower().endswith(".csv")
                 and not i.is_dir()]
        if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > 4 * MAX_PACKAGE_BYTES:
            raise ImportFileError(f"“{source.name}” is too large to be a resource directory.")
        for info in infos:
            try:
                raw[Path(info.filename).name] = archive.read(info)
            except (zipfile.BadZipFile, OSError, EOFError) as error:
                raise ImportFileError(f"“{source.name}” is damaged ({info.filename} cannot be "
                                      "read). Ask for a fresh copy.") from error
    return raw


# -- planning an import ---------------------------------------------------------------
@dataclass
class ServicePlan:
    row: int
    hsds_id: str
    organization_hsds_id: str
    values: dict[str, Any]
    category: str
    problems: list[str] = field(default_factory=list)


@dataclass
class HsdsPlan:
    organizations: ImportPlan
    services: list[ServicePlan]
    contacts: list[tuple[str, dict[str, Any]]]  # (organization hsds id, contact values)
    org_rows: dict[str, int]  # organization hsds id -> row number in organizations.csv

    def counts(self) -> dict[str, int]:
        counts = self.organizations.counts()
        invalid = sum(1 for s in self.services if s.problems)
        return {**counts, "invalid": counts["invalid"] + invalid,
                "services": len(self.services) - invalid, "contacts": len(self.contacts)}


def _first(row: dict[str, str], *names: str) -> str:
    for name in names:
        value = (row.get(name) or "").strip().strip('"').strip()
        if value:
            return value
    return ""


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
                found.setdefault(row.get("link_id", ""), []).append(term)
    for table in ("service_attributes", "service_taxonomy"):
        for row in tables.get(table, []):
            term = names.get(_first(row, "taxonomy_term_id", "taxonomy_id"))
            if term:
                found.setdefault(row.get("service_id", ""), []).append(term)
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


def plan_hsds(desk: Any, path: str | Path, progress: Progress | None = None) -> HsdsPlan:
    """The preview of an HSDS import. Writes nothing."""
    tables = read_package(path)
    org_plan = ImportPlan("organization", "hsds", Path(path).name)
    addresses = _addresses(tables)
    locations = {row.get("id", ""): row for row in tables.get("locations", [])}
    org_rows: dict[str, int] = {}
    clean_org, clean_contact = row_cleaner(desk, "organization"), row_cleaner(desk, "contact")
    org_phones: dict[str, str] = {}
    contact_phones: dict[str, list[dict[str, str]]] = {}
    for row in tables.get("phones", []):
        number = _first(row, "number")
        if not number:
            continue
        if row.get("contact_id"):
            contact_phones.setdefault(row["contact_id"], []).append(
                {"number": number, "kind": "mobile" if row.get("type") in ("cell", "text")
                 else "work"})
        elif row.get("organization_id"):
            org_phones.setdefault(row["organization_id"], number)
    for index, row in enumerate(tables.get("organizations", [])):
        hsds_id = row.get("id", "")
        location = next((loc for loc in locations.values()
                         if loc.get("organization_id") == hsds_id), {})
        values: dict[str, Any] = {
            "name": _first(row, "name"), "mission": _first(row, "description"),
            "email": _first(row, "email"), "website": _first(row, "website", "url"),
            "phone": org_phones.get(hsds_id, ""),
            "address": addresses.get(location.get("id", ""), "")
            or _first(location, "description") if location else "",
        }
        for key in ("latitude", "longitude"):
            try:
                values[key] = float(location[key]) if location.get(key) else None
            except ValueError:
                values[key] = None
        plan_row = RowPlan(row=index + 2, values={k: v for k, v in values.items()
                                                   if v not in ("", None)})
        plan_row.record_id = hsds_id if _is_uuid(hsds_id) else ""
        if not plan_row.values.get("name"):
            plan_row.problems.append("Name: the organization has no name.")
        else:
            clean_org(plan_row)
        org_rows[hsds_id] = plan_row.row
        org_plan.rows.append(plan_row)
    find_matches(desk, org_plan, progress)
    services = _plan_services(desk, tables, org_rows)
    contacts = []
    for row in tables.get("contacts", []):
        name = _first(row, "name")
        if not name:
            continue
        values = {"name": name, "role": _first(row, "title")}
        if _first(row, "email"):
            values["emails"] = [{"address": _first(row, "email"), "kind": "work"}]
        if row.get("id") in contact_phones:
            values["phones"] = contact_phones[row["id"]]
        contact_row = RowPlan(row=0, values=values)
        clean_contact(contact_row)
        if contact_row.valid:
            contacts.append((row.get("organization_id", ""), contact_row.values))
    return HsdsPlan(org_plan, services, contacts, org_rows)


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


def _plan_services(desk: Any, tables: dict[str, list[dict[str, str]]],
                   org_rows: dict[str, int]) -> list[ServicePlan]:
    categories = {duplicates.fold(c.name): c.name for c in desk.categories.list()}
    terms = _terms(tables)
    schedules: dict[str, str] = {}
    for table in ("schedules", "regular_schedules"):
        for row in tables.get(table, []):
            text = _first(row, "description")
            if not text and row.get("opens_at"):
                text = " ".join(p for p in (row.get("weekday", ""), row.get("byday", ""),
                                            row.get("opens_at", ""), "–",
                                            row.get("closes_at", "")) if p)
            if row.get("service_id") and text:
                schedules.setdefault(row["service_id"], text)
    areas: dict[str, str] = {}
    for row in tables.get("service_areas", []):
        if row.get("service_id"):
            areas.setdefault(row["service_id"], _first(row, "name", "service_area",
                                                       "description")[:200])
    eligibility = {row.get("service_id", ""): _first(row, "eligibility")
                   for row in tables.get("eligibility", [])}
    plans = []
    for index, row in enumerate(tables.get("services", [])):
        hsds_id = row.get("id", "")
        category, unmapped = category_for(terms.get(hsds_id, []), categories)
        notes = [f"Original category (HSDS taxonomy): {unmapped}"] if unmapped else []
        for label, key in (("Web", "url"), ("E-mail", "email"),
                           ("Fees", "fees_description"), ("How to apply",
                                                          "application_process")):
            if _first(row, key):
                notes.append(f"{label}: {_first(row, key)}")
        values = {"name": _first(row, "name"), "description": _first(row, "description"),
                  "eligibility": _first(row, "eligibility_description", "eligibility")
                  or eligibility.get(hsds_id, ""), "schedule": schedules.get(hsds_id, ""),
                  "service_area": areas.get(hsds_id, ""), "notes": "\n".join(notes)}
        plan = ServicePlan(index + 2, hsds_id, row.get("organization_id", ""), values, category)
        if not values["name"]:
            plan.problems.append("The service has no name.")
        if plan.organization_hsds_id not in org_rows:
            plan.problems.append("The service names an organization that is not in the "
                                 "package.")
        full = {**desk.resources.defaults(), **values, "organization_id": "x",
                "category_id": "x"}
        plan.problems += [p.message for p in validation.clean(r.Resource, full, context(desk))
                          if not p.warning]
        plans.append(plan)
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
    counts = {"services": 0, "contacts": 0}

    def add_rest(writer: Writer, ids_by_row: dict[int, str]) -> None:
        org_ids = {hsds: ids_by_row[row] for hsds, row in plan.org_rows.items()
                   if row in ids_by_row}
        new_resources: dict[tuple[str, str], dict[str, Any]] = {}  # by organization and name
        by_hsds_id: dict[str, dict[str, Any]] = {}
        changes: dict[str, dict[str, Any]] = {}
        for service in plan.services:
            if service.problems or service.organization_hsds_id not in org_ids:
                continue
            values = {**service.values, "organization_id": org_ids[service.organization_hsds_id],
                      "category_id": category_ids.get(service.category)
                      or category_ids.get("Other") or next(iter(category_ids.values()))}
            values = {k: v for k, v in values.items() if v != ""} | {
                "name": service.values["name"]}
            key = (values["organization_id"], duplicates.fold(values["name"]))
            existing = _existing_resource(writer, values, service.hsds_id)
            if existing is not None:
                current = {**field_values(existing), **changes.get(existing.id, {})}
                changes.setdefault(existing.id, {}).update(merged_values(current, values))
            elif key in new_resources or service.hsds_id in by_hsds_id:
                # the same service twice in the package: one resource
                earlier = new_resources.get(key) or by_hsds_id[service.hsds_id]
                earlier.update(merged_values({**desk.resources.defaults(), **earlier},
                                             values))
            else:
                if _is_uuid(service.hsds_id) and \
                        writer.session.get(r.Resource, service.hsds_id) is None:
                    values["id"] = service.hsds_id
                    by_hsds_id[service.hsds_id] = values
                new_resources[key] = values
                counts["services"] += 1
        desk.resources.save_many(writer, list(new_resources.values()), changes)
        new_contacts: list[dict[str, Any]] = []
        for org_hsds_id, values in plan.contacts:
            values = {**values, "organization_id": org_ids.get(org_hsds_id)}
            if _existing_contact(writer, values, new_contacts) is None:
                new_contacts.append(values)
                counts["contacts"] += 1
        desk.contacts.save_many(writer, new_contacts)

    result = apply_plan(desk, plan.organizations, valid_only=valid_only, progress=progress,
                        extra=add_rest)
    result.counts.update(counts)
    result.counts["invalid"] += len(bad)
    return result


def _existing_resource(writer: Writer, values: dict[str, Any], hsds_id: str) -> Any:
    from sqlalchemy import select

    if _is_uuid(hsds_id):
        row = writer.session.get(r.Resource, hsds_id)
        if row is not None and not row.deleted:
            return row
    rows = writer.session.scalars(select(r.Resource).where(
        r.Resource.organization_id == values["organization_id"],
        r.Resource.deleted == False))  # noqa: E712
    name = duplicates.fold(values["name"])
    return next((row for row in rows if duplicates.fold(row.name) == name), None)


def _existing_contact(writer: Writer, values: dict[str, Any],
                      arriving: list[dict[str, Any]]) -> Any:
    """A contact of the same organization here, or one arriving earlier in the package,
    that `values` likely duplicates."""
    from sqlalchemy import select

    rows = writer.session.scalars(select(r.Contact).where(
        r.Contact.organization_id == values.get("organization_id"),
        r.Contact.deleted == False))  # noqa: E712
    index = duplicates.MatchIndex("contact")
    found: dict[str, Any] = {}
    for row in rows:
        index.add(row.id, field_values(row), group="g")
        found[row.id] = row
    for number, other in enumerate(arriving):
        if other.get("organization_id") == values.get("organization_id"):
            index.add(f"new:{number}", other, group="g")
            found[f"new:{number}"] = other
    match = index.match(values, "g")
    return found.get(match.key) if match else None
