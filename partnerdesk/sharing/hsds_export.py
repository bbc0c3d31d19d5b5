"""Writing the resource directory as an Open Referral HSDS 3.0 tabular package.

The package is complete: every table of the official descriptor (`hsds_schema`), with its
fields in order, empty where PartnerDesk has nothing, plus the descriptor itself, so it
validates against Open Referral's `datapackage.json` as it stands.

What goes where: organizations; resources as services (eligibility, when last checked as
`assured_date`); one location per organization that has an address or map position (the
address in its description, see `hsds` for why); phones of organizations and contacts,
with extensions; contacts who agreed to be shared, with the service they are the contact
for; schedules and service areas as text; our categories as a taxonomy linked to
services through attributes. Ids are our record ids, so a package imported elsewhere and
exported again names the same records; rows with no record of their own (a location, a
phone) take ids derived from their record's.
"""

from __future__ import annotations

import contextlib
import csv
import io
import uuid
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from partnerdesk.errors import PartnerDeskError
from partnerdesk.sharing import hsds_schema as schema

if TYPE_CHECKING:
    from partnerdesk.services.desk import Desk

ID_NAMESPACE = uuid.UUID("0c9f5a3e-2b47-4f6b-8f1e-7d3c2a1b9e55")
TAXONOMY_NAME = "PartnerDesk categories"
# Our phone kinds -> HSDS phone types (HSDS: text, voice, fax, cell, video, pager,
# textphone). Work, home and other numbers are all "voice".
PHONE_TYPES = {"mobile": "cell", "fax": "fax", "pager": "pager"}


def derived_id(*parts: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, ":".join(parts)))


def _phone_row(phone: dict[str, Any], **links: str) -> dict[str, Any]:
    """A phones.csv row. HSDS's extension is a number: an extension with other characters
    ("42#") stays readable in the description instead."""
    extension = str(phone.get("extension") or "").strip()
    row: dict[str, Any] = {**links, "number": phone.get("number", ""),
                           "type": PHONE_TYPES.get(str(phone.get("kind") or ""), "voice")}
    if extension.isdigit():
        row["extension"] = extension
    elif extension:
        row["description"] = f"Extension {extension}"
    return row


def build_tables(desk: Desk) -> dict[str, list[dict[str, Any]]]:
    """Every HSDS 3 table, by resource name, as rows of field values."""
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in schema.table_names()}
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
    locations: dict[str, str] = {}  # organization id -> its location's id
    for org in desk.organizations.list(order_by="name"):
        tables["organization"].append({
            "id": org.id, "name": org.name, "description": org.mission or org.name,
            "email": org.email, "website": org.website})
        if org.address or org.latitude is not None or org.longitude is not None:
            locations[org.id] = derived_id("location", org.id)
            tables["location"].append({
                "id": locations[org.id], "location_type": "physical",
                "organization_id": org.id, "name": org.name, "description": org.address,
                "latitude": "" if org.latitude is None else org.latitude,
                "longitude": "" if org.longitude is None else org.longitude})
        if org.phone:
            tables["phone"].append({"id": derived_id("phone", org.id),
                                    **_phone_row({"number": org.phone},
                                                 organization_id=org.id)})
    organization_ids = {row["id"] for row in tables["organization"]}
    shared = {c.id: c for c in desk.contacts.list(where={"share_ok": True}, order_by="name")}
    service_of: dict[str, str] = {}  # contact id -> the first service they are contact for
    for resource in desk.resources.list(order_by="name"):
        tables["service"].append({
            "id": resource.id, "organization_id": resource.organization_id,
            "name": resource.name, "description": resource.description, "status": "active",
            "eligibility_description": resource.eligibility,
            "assured_date": resource.last_verified.isoformat()
            if resource.last_verified else "",
            "last_modified": resource.updated_at.isoformat()})
        if resource.contact_id in shared:
            service_of.setdefault(resource.contact_id, resource.id)
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
        if resource.organization_id in locations:
            tables["service_at_location"].append({
                "id": derived_id("sal", resource.id), "service_id": resource.id,
                "location_id": locations[resource.organization_id]})
    for contact in shared.values():
        emails = [e.get("address") for e in contact.emails if e.get("address")]
        tables["contact"].append({
            "id": contact.id, "name": contact.name, "title": contact.role,
            "department": contact.department,
            "organization_id": contact.organization_id
            if contact.organization_id in organization_ids else "",
            "service_id": service_of.get(contact.id, ""),
            "email": emails[0] if emails else ""})
        for position, phone in enumerate(contact.phones):
            tables["phone"].append({"id": derived_id("phone", contact.id, str(position)),
                                    **_phone_row(phone, contact_id=contact.id)})
    return tables


def csv_bytes(table: str, rows: list[dict[str, Any]]) -> bytes:
    handle = io.StringIO()
    writer = csv.DictWriter(handle, fieldnames=schema.fields(table), lineterminator="\r\n",
                            extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return handle.getvalue().encode("utf-8")


def package_files(desk: Desk) -> tuple[dict[str, bytes], dict[str, int]]:
    """The package's files by name, and how many rows each table holds."""
    tables = build_tables(desk)
    files = {schema.file_name(name): csv_bytes(name, rows) for name, rows in tables.items()}
    files["datapackage.json"] = schema.descriptor_bytes()
    return files, {name: len(rows) for name, rows in tables.items()}


def _write_folder(path: Path, files: dict[str, bytes]) -> None:
    """Every table written beside its place first, then all moved into place: a full
    disk leaves the folder as it was (and none at all when it was made here), never
    half a package that looks like a whole one."""
    made = not path.exists()
    path.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        for name, data in files.items():
            written.append(path / f"{name}.partial")
            written[-1].write_bytes(data)
        for temporary in written:
            temporary.replace(temporary.with_name(temporary.name.removesuffix(".partial")))
    except OSError:
        for temporary in written:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
        if made:
            with contextlib.suppress(OSError):
                path.rmdir()
        raise


def export_hsds(desk: Desk, target: str | Path) -> dict[str, int]:
    """Write the package to a folder, or to a zip when `target` ends in .zip."""
    files, counts = package_files(desk)
    path = Path(target)
    partial = path.with_name(path.name + ".partial")
    try:
        if path.suffix.lower() == ".zip":
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
                for name, data in files.items():
                    archive.writestr(name, data)
            partial.replace(path)
        else:
            if path.exists() and not path.is_dir():
                raise PartnerDeskError(f"{path} is a file; choose a folder, or a name ending "
                                       "in .zip.")
            _write_folder(path, files)
    except OSError as error:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise PartnerDeskError(f"Could not write {path}: {error.strerror}. Choose another "
                               "folder.") from error
    desk.log_export("hsds", path, counts=counts, scope="resource directory")
    return counts
