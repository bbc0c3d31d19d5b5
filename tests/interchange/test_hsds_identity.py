"""HSDS identity and round trips: a record is the one with the same id; a package imported
again updates and never duplicates; what only looks alike is a hint for a person; the
export is a complete HSDS 3 package that `frictionless` validates against Open Referral's
own descriptor; export, import into an empty database and export again loses nothing HSDS
can carry (and a test names what it cannot)."""

import csv
import shutil
from pathlib import Path
from typing import Any

import pytest

from partnerdesk.db import records as r
from partnerdesk.services import Desk
from partnerdesk.services.duplicates import find_duplicates
from partnerdesk.services.store import user_fields
from partnerdesk.sharing import hsds_schema
from partnerdesk.sharing.hsds import apply_hsds, export_hsds, plan_hsds, read_package
from tests.interchange.conftest import records_digest

DATA = Path(__file__).resolve().parents[1] / "data"
# Open Referral's HSDS 1.1 sample (CC BY-SA 4.0, see its SOURCE.md): 10 organizations,
# all with the website http://example.com, 13 services, one contact.
SAMPLE = DATA / "hsds1-all-resources"
EXAMPLE = DATA / "hsds3-example"
OFFICIAL = EXAMPLE / "datapackage.json"  # the official HSDS 3.0 descriptor


def rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# -- the HSDS 1.1 sample -----------------------------------------------------------------
SAMPLE_ORGANIZATIONS = {  # name: (e-mail, phone, address, latitude, longitude)
    "Sanctuary Example City": ("sanctuary@example.com", "",
                               "Address 1, Address 2, New York City, NY, 10001, US", None, None),
    "Youth in Focus Example City": ("YIF@example.com", "", "", 39.428192, -119.897426),
    "Example City Food for Charities": ("city-food@example.com", "", "", None, None),
    "Example City Family Project": ("", "", "", None, None),
    "Example City Silvers": ("silvers@example.com", "", "", None, None),
    "Example City Carnival Bay": ("", "", "", None, None),
    "Roz Bernstein Sample Org": ("", "(0123) 4567 8900 ext. 42", "", None, None),
    "AP Example City": ("ap@example.gov", "", "", None, None),
    "Example House League of Friends": ("", "", "", None, None),
    "Example Cross Trust": ("thecross@example.com", "(223) 346 12361", "", None, None),
}
SAMPLE_NOTES = {  # service name: notes (what HSDS says that a resource has no field for)
    "Never Homeless Helpline": "E-mail: neverhomeless@example.com\nHow to apply: Call for "
                               "further information\nInterpretation: over the phone",
    "Food Safety Program": "Not offered at present (HSDS status: inactive).",
    "Al-Anon Family Group": "Interpretation: video remote",
    "Shop Assist": "How to apply: Call our offices to apply or for more information\n"
                   "Wait time: 28 days",
    "Dear Teacher Skills Refresh": "Not offered at present (HSDS status: inactive).",
    "Wash & Go at The Cross": "Not offered at present (HSDS status: inactive).",
    "Bubbles at The Cross": "Phone: (223) 4567 12534 (Laundry Line: General information)",
}


def test_sample_gives_ten_organizations_each_with_its_own_services(desk: Desk) -> None:
    plan = plan_hsds(desk, SAMPLE)
    counts = apply_hsds(desk, plan).counts
    assert (counts["new"], counts["merged"], counts["services"], counts["contacts"]) == (
        10, 0, 13, 1)
    package = {row["id"]: row for row in rows(SAMPLE, "organizations.csv")}
    organizations = {o.id: o for o in desk.organizations.list()}
    assert set(organizations) == set(package)  # the package's ids are the records' ids
    for record_id, org in organizations.items():
        source = package[record_id]
        assert (org.name, org.mission, org.website) == (
            source["name"], source["description"].strip(), "http://example.com")
        assert (org.email, org.phone, org.address, org.latitude, org.longitude) == \
            SAMPLE_ORGANIZATIONS[org.name]
    assert organizations["1899600a-649c-11e6-8b77-86f30ca893d3"].notes == (
        "Location: Sanctuary on 5th Street\nThis is the main office and is open to the public "
        "during office hours.\nGetting there: On the Number 41 bus route.")
    services = rows(SAMPLE, "services.csv")
    resources = {x.id: x for x in desk.resources.list()}
    assert set(resources) == {row["id"] for row in services}
    other = next(c.id for c in desk.categories.list() if c.name == "Other")
    for row in services:
        resource = resources[row["id"]]
        assert resource.organization_id == row["organization_id"]  # under the right one
        assert (resource.name, resource.description, resource.category_id) == (
            row["name"], row["description"].strip(), other)
        assert resource.notes == SAMPLE_NOTES.get(row["name"], "")
        if row["name"] != "Never Homeless Helpline":
            assert (resource.eligibility, resource.schedule, resource.service_area,
                    resource.contact_id) == ("", "", "", None)
    helpline = resources["c89eb05c-62dd-4b64-b494-0cc347b6ea7f"]
    assert (helpline.eligibility, helpline.service_area) == ("adult", "Sample service area")
    assert helpline.schedule == ("Monday 09:00–17:00; Tuesday 09:00–17:00; "
                                 "Wednesday 09:00–17:00")
    [contact] = desk.contacts.list()
    assert (contact.id, contact.name, contact.role, contact.department, contact.emails,
            contact.phones, contact.organization_id, contact.share_ok) == (
        "0cd7cbd0-1b0b-11e9-b56e-0800200c9a66", "Contact 1", "Mr", "Department 1",
        [{"address": "contact1@example.com", "kind": "work"}], [],
        "1899600a-649c-11e6-8b77-86f30ca893d3", True)
    assert helpline.contact_id == contact.id


def test_a_shared_website_is_a_hint_for_a_person_never_a_merge(desk: Desk) -> None:
    plan = plan_hsds(desk, SAMPLE)
    first, *others = plan.organizations.rows
    assert not first.warnings and not first.duplicate
    for row in others:
        assert not row.duplicate and row.action == "new"
        assert any(w.startswith("Possibly the same as “Sanctuary Example City” (same website "
                                "http://example.com)") for w in row.warnings), row.warnings
    assert plan.counts()["possible_duplicates"] == 9
    apply_hsds(desk, plan)
    pairs = [p for p in find_duplicates(desk) if p.record_type == "organization"]
    assert len(pairs) == 45  # every two of the ten, for a person to confirm or dismiss
    assert all(p.reasons == ("same website example.com",) for p in pairs)


def test_a_record_here_that_looks_alike_is_offered_not_merged(desk: Desk) -> None:
    mine = desk.organizations.create(name="Sanctuary", website="http://example.com")
    plan = plan_hsds(desk, SAMPLE)
    assert plan.organizations.rows[0].warnings == [
        "Possibly the same as “Sanctuary” (same website http://example.com). It is imported "
        "as its own organization; Duplicates then shows the two for you to merge or keep "
        "apart."]
    apply_hsds(desk, plan)
    assert desk.organizations.count() == 11
    assert desk.organizations.get(mine.id).name == "Sanctuary"
    assert any({p.first_id, p.second_id} == {mine.id, "1899600a-649c-11e6-8b77-86f30ca893d3"}
               for p in find_duplicates(desk))


def test_importing_the_same_package_again_changes_nothing(desk: Desk) -> None:
    apply_hsds(desk, plan_hsds(desk, SAMPLE))
    digest = records_digest(desk)
    counts = apply_hsds(desk, plan_hsds(desk, SAMPLE)).counts
    assert (counts["new"], counts["merged"], counts["services"], counts["services_updated"],
            counts["contacts"], counts["contacts_updated"]) == (0, 10, 0, 13, 0, 1)
    assert (desk.organizations.count(), desk.resources.count(), desk.contacts.count()) == (
        10, 13, 1)
    assert records_digest(desk) == digest


def test_a_newer_package_updates_the_same_records(desk: Desk, tmp_path: Path) -> None:
    apply_hsds(desk, plan_hsds(desk, SAMPLE))
    contact = desk.contacts.list()[0]
    desk.contacts.update(contact.id, share_ok=False, notes="Prefers mornings")
    newer = tmp_path / "newer"
    shutil.copytree(SAMPLE, newer)
    for name, old, new in (("organizations.csv", "Example Cross Trust,The Cross Trust",
                            "Example Cross Trust (renamed),The Cross Trust"),
                           ("services.csv", "It serves two hot meals per day.",
                            "It serves three hot meals per day."),
                           ("contacts.csv", "Contact 1,Mr", "Contact One,Ms")):
        path = newer / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")
    counts = apply_hsds(desk, plan_hsds(desk, newer)).counts
    assert (counts["new"], counts["services"], counts["contacts"]) == (0, 0, 0)
    assert desk.organizations.get("18997068-649c-11e6-8b77-86f30ca893d3").name == \
        "Example Cross Trust (renamed)"
    assert desk.resources.get("756b5a9d-7d65-4063-b5f2-d08ccf01c55e").description.endswith(
        "It serves three hot meals per day.")
    again = desk.contacts.get(contact.id)
    assert (again.name, again.role, again.notes) == ("Contact One", "Ms", "Prefers mornings")
    assert again.share_ok is False  # a person's choice here is never set back
    assert (desk.organizations.count(), desk.resources.count(), desk.contacts.count()) == (
        10, 13, 1)


def test_ids_that_are_not_uuids_still_identify(desk: Desk, tmp_path: Path) -> None:
    folder = tmp_path / "pkg"
    folder.mkdir()
    for name, table in {"organizations": [["id", "name", "url"], ["org-1", "Harbor Pantry",
                                                                  "https://h.example"],
                                          ["org-2", "Harbor Pantry", "https://h.example"]],
                        "services": [["id", "organization_id", "name"],
                                     ["svc-1", "org-1", "Groceries"],
                                     ["svc-2", "org-2", "Groceries"]],
                        "contacts": [["id", "organization_id", "name"],
                                     ["c-1", "org-1", "Ann Lee"], ["c-2", "org-2", "Ann Lee"]],
                        }.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(table)
    first = apply_hsds(desk, plan_hsds(desk, folder)).counts
    assert (first["new"], first["services"], first["contacts"]) == (2, 2, 2)
    second = apply_hsds(desk, plan_hsds(desk, folder)).counts
    assert (second["new"], second["merged"], second["services"], second["contacts"]) == (
        0, 2, 0, 0)
    assert (desk.organizations.count(), desk.resources.count(), desk.contacts.count()) == (
        2, 2, 2)


def test_an_id_given_twice_is_a_problem_not_a_silent_merge(desk: Desk, tmp_path: Path) -> None:
    folder = tmp_path / "pkg"
    folder.mkdir()
    (folder / "organizations.csv").write_text(
        "id,name\r\no1,Harbor Pantry\r\no1,Hilltop Clinic\r\n", encoding="utf-8")
    plan = plan_hsds(desk, folder)
    assert plan.organizations.rows[1].problems == [
        "The id o1 is used by another organization of the package too (row 2)."]


# -- HSDS 3: the official example and the complete export -----------------------------------
def test_hsds3_example_keeps_the_phone_extension(desk: Desk, tmp_path: Path) -> None:
    apply_hsds(desk, plan_hsds(desk, EXAMPLE))
    [contact] = desk.contacts.list()
    assert (contact.name, contact.role, contact.department) == (
        "Ann Persona", "Reception Manager", "Reception")
    assert contact.phones == [{"number": "+441234234567", "kind": "work", "extension": "100"}]
    export_hsds(desk, tmp_path / "out")
    [phone] = rows(tmp_path / "out", "phones.csv")
    assert (phone["contact_id"], phone["number"], phone["extension"], phone["type"]) == (
        contact.id, "+441234234567", "100", "voice")


def validate(folder: Path) -> Any:
    """frictionless's report for the CSV files in `folder` against the official descriptor."""
    from frictionless import Package, system

    with system.use_context(trusted=True):
        package = Package(read_json(OFFICIAL), basepath=str(folder))
        assert package.resources[0].normpath == str(folder / "organizations.csv")
        return package.validate()


def test_export_is_a_complete_package_that_frictionless_validates(demo_desk: Desk,
                                                                   tmp_path: Path) -> None:
    counts = export_hsds(demo_desk, tmp_path / "package")
    official = [entry["path"] for entry in read_json(OFFICIAL)["resources"]]
    assert len(official) == 21
    for path in official:
        with (tmp_path / "package" / path).open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        assert header == hsds_schema.fields(next(
            e["name"] for e in read_json(OFFICIAL)["resources"] if e["path"] == path))
    assert (tmp_path / "package" / "datapackage.json").read_bytes() == OFFICIAL.read_bytes()
    report = validate(tmp_path / "package")
    assert report.valid, report.flatten(["title", "note"])[:10]
    assert counts["organization"] == demo_desk.organizations.count()
    assert counts["service"] == demo_desk.resources.count()
    assert counts["program"] == counts["funding"] == counts["metadata"] == 0


def test_validation_catches_a_broken_package(demo_desk: Desk, tmp_path: Path) -> None:
    """The check above can fail: a missing table and a dangling reference are reported."""
    export_hsds(demo_desk, tmp_path / "package")
    (tmp_path / "package" / "programs.csv").unlink()
    report = validate(tmp_path / "package")
    assert not report.valid


def read_json(path: Path) -> Any:
    import json

    return json.loads(path.read_text(encoding="utf-8"))


# -- round trip --------------------------------------------------------------------------
# What HSDS cannot carry, by record type. Every other field of these records goes out and
# comes back (test_round_trip_loses_nothing_hsds_can_carry); a new field must be added to
# one or the other.
CANNOT_CARRY: dict[type, dict[str, str]] = {
    r.Organization: {
        "kind": "HSDS has no kind of organization (hospital, school…)",
        "status": "HSDS has no status for an organization",
        "is_us": "which organization is ours is this database's own fact",
        "tags": "HSDS has no tags", "notes": "HSDS has no notes for an organization",
        "internal_notes": "internal notes never leave PartnerDesk in a directory",
        "logo_sha256": "HSDS names a logo by web address; ours is a picture kept here",
    },
    r.Contact: {
        "emails": "an HSDS contact has one e-mail address: the first one goes",
        "phones": "HSDS phone types: work, home and other numbers all become \"voice\" "
                  "(and come back as work); number and extension go",
        "addresses": "an HSDS contact has no postal address",
        "websites": "an HSDS contact has no website",
        "preferred_contact": "HSDS has no preferred way to reach a person",
        "tags": "HSDS has no tags", "notes": "HSDS has no notes for a contact",
        "internal_notes": "internal notes never leave PartnerDesk in a directory",
        "share_ok": "only contacts who agreed are exported; an import marks them as agreed",
        "last_contacted": "HSDS has no date of last contact",
    },
    r.Resource: {
        "capacity": "HSDS has no capacity", "capacity_unit": "HSDS has no capacity",
        "contact_id": "an HSDS contact names one service: a person who is the contact for "
                      "several resources comes back as the contact for the first (by name)",
        "notes": "HSDS has no notes for a service",
        "internal_notes": "internal notes never leave PartnerDesk in a directory",
    },
}
CARRIED = {
    r.Organization: ["name", "mission", "website", "email", "phone", "address", "latitude",
                     "longitude"],
    r.Contact: ["name", "role", "organization_id", "department"],
    r.Resource: ["organization_id", "name", "description", "schedule", "eligibility",
                 "service_area", "last_verified"],
}


def test_every_field_is_either_carried_or_listed() -> None:
    for model in (r.Organization, r.Contact, r.Resource):
        fields = set(user_fields(model))
        listed = set(CANNOT_CARRY[model]) | set(CARRIED[model])
        assert fields - {"category_id"} == listed - {"category_id"}, model.__name__


def test_round_trip_loses_nothing_hsds_can_carry(demo_desk: Desk, other_desk: Desk,
                                                 tmp_path: Path) -> None:
    export_hsds(demo_desk, tmp_path / "first")
    apply_hsds(other_desk, plan_hsds(other_desk, tmp_path / "first"))
    export_hsds(other_desk, tmp_path / "second")
    first, second = read_package(tmp_path / "first"), read_package(tmp_path / "second")
    assert set(first) == set(second)
    for table in first:
        assert normalised(first, table) == normalised(second, table), table
    # and record by record, every field HSDS carries
    shared = {c.id for c in demo_desk.contacts.list(where={"share_ok": True})}
    assert other_desk.contacts.count() == len(shared)
    for model, service, other in ((r.Organization, demo_desk.organizations,
                                   other_desk.organizations),
                                  (r.Resource, demo_desk.resources, other_desk.resources),
                                  (r.Contact, demo_desk.contacts, other_desk.contacts)):
        for record in service.list():
            if model is r.Contact and record.id not in shared:
                continue
            copy = other.get(record.id)
            for name in CARRIED[model]:
                assert getattr(copy, name) == getattr(record, name), (model.__name__, name)
        if model is r.Contact:
            for record in service.list(where={"share_ok": True}):
                copy = other.get(record.id)
                assert copy.emails[:1] == [{**e, "kind": "work"} for e in record.emails[:1]]
                assert [(p["number"], p["extension"]) for p in copy.phones] == [
                    (p["number"], p["extension"]) for p in record.phones]
                assert copy.share_ok is True
    categories = {c.id: c.name for c in demo_desk.categories.list()}
    other_categories = {c.id: c.name for c in other_desk.categories.list()}
    for resource in demo_desk.resources.list():
        assert other_categories[other_desk.resources.get(resource.id).category_id] == \
            categories[resource.category_id]


def normalised(tables: dict[str, list[dict[str, str]]], table: str) -> list[dict[str, str]]:
    """A table as compared across two databases: taxonomy terms by name (each database
    has its own category ids), and no `last_modified` (an import cannot set when a
    record was last changed)."""
    names = {row["id"]: row["name"] for row in tables["taxonomy_terms"]}
    out = []
    for row in tables[table]:
        row = {k: v for k, v in row.items() if k != "last_modified"}
        if table == "taxonomy_terms":
            row["id"] = names[row["id"]]
        if table == "attributes":
            row["taxonomy_term_id"] = names[row["taxonomy_term_id"]]
        out.append(row)
    return sorted(out, key=lambda row: sorted(row.items()))


@pytest.mark.parametrize("table", ["organizations", "services", "contacts", "phones",
                                   "locations", "schedules", "service_areas"])
def test_round_trip_tables_are_not_empty(demo_desk: Desk, tmp_path: Path, table: str) -> None:
    """The round trip above compares something: the sample data fills these tables."""
    export_hsds(demo_desk, tmp_path / "out")
    assert read_package(tmp_path / "out")[table]
