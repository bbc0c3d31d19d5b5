"""The HSDS 3.0 tables PartnerDesk writes, with their fields in the specification's order.

Taken from the Open Referral HSDS 3.0 `datapackage.json` (the fields of each table, their
types and which are required), so an exported package validates against the field
list it ships. Only the tables PartnerDesk has data for are written.
"""

from typing import Any

# table name -> (file name, [(field, type, required)])
TABLES: dict[str, tuple[str, list[tuple[str, str, bool]]]] = {
    "organization": ("organizations.csv", [
        ("id", "string", True), ("name", "string", True), ("alternate_name", "string", False),
        ("description", "string", True), ("email", "string", False),
        ("website", "string", False), ("tax_status", "string", False),
        ("tax_id", "string", False), ("year_incorporated", "number", False),
        ("legal_status", "string", False), ("logo", "string", False), ("uri", "string", False),
        ("parent_organization_id", "string", False)]),
    "service": ("services.csv", [
        ("id", "string", True), ("organization_id", "string", True),
        ("program_id", "string", False), ("name", "string", True),
        ("alternate_name", "string", False), ("description", "string", False),
        ("url", "string", False), ("email", "string", False), ("status", "string", True),
        ("interpretation_services", "string", False), ("application_process", "string", False),
        ("fees_description", "string", False), ("wait_time", "string", False),
        ("fees", "string", False), ("accreditations", "string", False),
        ("eligibility_description", "string", False), ("minimum_age", "number", False),
        ("maximum_age", "number", False), ("assured_date", "date", False),
        ("assurer_email", "string", False), ("licenses", "string", False),
        ("alert", "string", False), ("last_modified", "datetime", False)]),
    "location": ("locations.csv", [
        ("id", "string", True), ("location_type", "string", True), ("url", "string", False),
        ("organization_id", "string", False), ("name", "string", False),
        ("alternate_name", "string", False), ("description", "string", False),
        ("transportation", "string", False), ("latitude", "number", False),
        ("longitude", "number", False), ("external_identifier", "string", False),
        ("external_identifier_type", "string", False)]),
    "service_at_location": ("service_at_location.csv", [
        ("id", "string", True), ("service_id", "string", True),
        ("location_id", "string", True), ("description", "string", False)]),
    "phone": ("phones.csv", [
        ("id", "string", True), ("location_id", "string", False),
        ("service_id", "string", False), ("organization_id", "string", False),
        ("contact_id", "string", False), ("service_at_location_id", "string", False),
        ("number", "string", True), ("extension", "number", False), ("type", "string", False),
        ("description", "string", False)]),
    "contact": ("contacts.csv", [
        ("id", "string", True), ("organization_id", "string", False),
        ("service_id", "string", False), ("service_at_location_id", "string", False),
        ("location_id", "string", False), ("name", "string", False),
        ("title", "string", False), ("department", "string", False),
        ("email", "string", False)]),
    "schedule": ("schedules.csv", [
        ("id", "string", True), ("service_id", "string", False),
        ("location_id", "string", False), ("service_at_location_id", "string", False),
        ("valid_from", "date", False), ("valid_to", "date", False), ("dtstart", "date", False),
        ("timezone", "number", False), ("until", "date", False), ("count", "number", False),
        ("wkst", "string", False), ("freq", "string", False), ("interval", "number", False),
        ("byday", "string", False), ("byweekno", "string", False),
        ("bymonthday", "string", False), ("byyearday", "string", False),
        ("description", "string", False), ("opens_at", "time", False),
        ("closes_at", "time", False), ("schedule_link", "string", False),
        ("attending_type", "string", False), ("notes", "string", False)]),
    "service_area": ("service_areas.csv", [
        ("id", "string", True), ("service_id", "string", False), ("name", "string", False),
        ("description", "string", False), ("extent", "string", False),
        ("extent_type", "string", False), ("uri", "string", False)]),
    "taxonomy": ("taxonomies.csv", [
        ("id", "string", True), ("name", "string", True), ("description", "string", True),
        ("uri", "string", False), ("version", "string", False)]),
    "taxonomy_term": ("taxonomy_terms.csv", [
        ("id", "string", True), ("code", "string", False), ("name", "string", True),
        ("description", "string", True), ("parent_id", "string", False),
        ("taxonomy", "string", False), ("language", "string", False),
        ("taxonomy_id", "string", False), ("term_uri", "string", False)]),
    "attribute": ("attributes.csv", [
        ("id", "string", True), ("link_id", "string", True),
        ("taxonomy_term_id", "string", True), ("link_type", "string", False),
        ("link_entity", "string", True), ("value", "string", False)]),
}

FOREIGN_KEYS: dict[str, list[tuple[str, str]]] = {
    "service": [("organization_id", "organization")],
    "location": [("organization_id", "organization")],
    "service_at_location": [("service_id", "service"), ("location_id", "location")],
    "phone": [("organization_id", "organization"), ("contact_id", "contact"),
              ("service_id", "service"), ("location_id", "location")],
    "contact": [("organization_id", "organization"), ("service_id", "service")],
    "schedule": [("service_id", "service")],
    "service_area": [("service_id", "service")],
    "taxonomy_term": [("taxonomy_id", "taxonomy")],
    "attribute": [("taxonomy_term_id", "taxonomy_term")],
}


def fields(table: str) -> list[str]:
    return [name for name, _, _ in TABLES[table][1]]


def datapackage() -> dict[str, Any]:
    """The datapackage.json of an exported package."""
    resources = []
    for name, (path, columns) in TABLES.items():
        schema: dict[str, Any] = {
            "primaryKey": "id",
            "fields": [{"name": field, "type": kind, "constraints": {"required": required}}
                       for field, kind, required in columns]}
        keys = FOREIGN_KEYS.get(name)
        if keys:
            schema["foreignKeys"] = [{"fields": field, "reference": {"resource": target,
                                                                     "fields": "id"}}
                                     for field, target in keys]
        resources.append({"name": name, "path": path, "format": "csv",
                          "mediatype": "text/csv", "encoding": "utf-8",
                          "profile": "tabular-data-resource", "schema": schema})
    return {"name": "human_services_data", "title": "Human Services Data Specification",
            "profile": "tabular-data-package", "version": "3.0.0",
            "homepage": "http://docs.openreferral.org", "resources": resources}
