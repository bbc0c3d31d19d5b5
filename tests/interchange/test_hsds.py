"""Open Referral HSDS: the exported package validates against its own datapackage.json,
the shared example imports, older layouts import, broken packages change nothing."""

import csv
import json
import uuid
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import pytest

from partnerdesk.services import Desk
from partnerdesk.sharing.hsds import apply_hsds, export_hsds, plan_hsds
from partnerdesk.sharing.import_common import ImportFileError
from tests.interchange.conftest import records_digest

# Open Referral's own example package, shipped in tests/data (CC BY-SA 4.0, see its SOURCE.md).
EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "hsds3-example"


def check_value(kind: str, value: str) -> None:
    if kind == "number":
        float(value)
    elif kind == "date":
        date.fromisoformat(value)
    elif kind == "datetime":
        datetime.fromisoformat(value)
    elif kind == "time":
        time.fromisoformat(value)


def validate_package(folder: Path) -> dict[str, list[dict[str, str]]]:
    """Frictionless-style checks against the package's own datapackage.json."""
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "tabular-data-package"
    tables: dict[str, list[dict[str, str]]] = {}
    for resource in package["resources"]:
        fields = resource["schema"]["fields"]
        with (folder / resource["path"]).open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            assert header == [f["name"] for f in fields], resource["path"]
            rows = [dict(zip(header, row, strict=True)) for row in reader]
        ids = [row["id"] for row in rows]
        assert len(ids) == len(set(ids)), f"duplicate ids in {resource['path']}"
        for row in rows:
            uuid.UUID(row["id"])
            for field in fields:
                value = row[field["name"]]
                if field.get("constraints", {}).get("required"):
                    assert value != "", f"{resource['path']}: {field['name']} is required"
                if value:
                    check_value(field["type"], value)
        tables[resource["name"]] = rows
    for resource in package["resources"]:
        for key in resource["schema"].get("foreignKeys", []):
            targets = {row["id"] for row in tables[key["reference"]["resource"]]}
            for row in tables[resource["name"]]:
                value = row[key["fields"]]
                assert not value or value in targets, (resource["name"], key["fields"], value)
    return tables


def test_export_validates_against_its_datapackage(demo_desk: Desk, tmp_path: Path) -> None:
    counts = export_hsds(demo_desk, tmp_path / "package")
    tables = validate_package(tmp_path / "package")
    assert len(tables["organization"]) == counts["organization"] == demo_desk.organizations.count()
    assert {row["name"] for row in tables["service"]} == {
        r.name for r in demo_desk.resources.list()}
    assert len(tables["attribute"]) == demo_desk.resources.count()
    shared_contacts = demo_desk.contacts.list(where={"share_ok": True})
    assert {row["name"] for row in tables["contact"]} == {c.name for c in shared_contacts}


def test_export_uses_the_hsds3_field_lists(demo_desk: Desk, tmp_path: Path) -> None:
    export_hsds(demo_desk, tmp_path / "package")
    ours = json.loads((tmp_path / "package" / "datapackage.json").read_text(encoding="utf-8"))
    official = json.loads((EXAMPLE / "datapackage.json").read_text(encoding="utf-8"))
    reference = {r["name"]: r for r in official["resources"]}
    for resource in ours["resources"]:
        expected = reference[resource["name"]]
        assert resource["path"] == expected["path"]
        assert [f["name"] for f in resource["schema"]["fields"]] == [
            f["name"] for f in expected["schema"]["fields"]]
        assert [f["type"] for f in resource["schema"]["fields"]] == [
            f["type"] for f in expected["schema"]["fields"]]


def test_export_to_zip_and_import_elsewhere(demo_desk: Desk, other_desk: Desk,
                                           tmp_path: Path) -> None:
    target = tmp_path / "directory.zip"
    export_hsds(demo_desk, target)
    with zipfile.ZipFile(target) as archive:
        assert "datapackage.json" in archive.namelist()
    result = apply_hsds(other_desk, plan_hsds(other_desk, target))
    assert result.counts["new"] == demo_desk.organizations.count()
    categories = {c.id: c.name for c in demo_desk.categories.list()}
    other_categories = {c.id: c.name for c in other_desk.categories.list()}
    for resource in demo_desk.resources.list():
        copy = other_desk.resources.get(resource.id)
        assert (copy.name, copy.description, copy.eligibility, copy.schedule,
                copy.service_area) == (resource.name, resource.description,
                                       resource.eligibility, resource.schedule,
                                       resource.service_area)
        assert other_categories[copy.category_id] == categories[resource.category_id]
        assert (other_desk.organizations.get(copy.organization_id).name ==
                demo_desk.organizations.get(resource.organization_id).name)
    for org in demo_desk.organizations.list():
        copy = other_desk.organizations.get(org.id)
        assert (copy.name, copy.email, copy.website, copy.phone, copy.address) == (
            org.name, org.email, org.website, org.phone, org.address)
    digest = records_digest(other_desk)
    again = apply_hsds(other_desk, plan_hsds(other_desk, target)).counts
    assert again["new"] == 0 and again["services"] == 0 and again["contacts"] == 0
    assert records_digest(other_desk) == digest


def test_shared_example_package_gives_its_organizations_and_services(desk: Desk) -> None:
    result = apply_hsds(desk, plan_hsds(desk, EXAMPLE))
    assert result.counts["new"] == 1 and result.counts["services"] == 1
    org = desk.organizations.list()[0]
    assert org.name == "Example Organization Inc."
    assert org.website == "http://example.com" and org.email == "email@example.com"
    resource = desk.resources.list()[0]
    assert resource.name == "Community Counselling"
    assert resource.organization_id == org.id
    assert resource.eligibility.startswith("This service is intended for all people aged 12")
    # the example's schedule row names a service and place that are not in the package
    assert resource.schedule == ""
    assert desk.categories.get(resource.category_id).name == "Other"
    contact = desk.contacts.list()[0]
    assert contact.name == "Ann Persona" and contact.emails[0]["address"] == "email@example.com"
    assert contact.phones[0]["number"] == "+441234234567"
    assert apply_hsds(desk, plan_hsds(desk, EXAMPLE)).counts["services"] == 0


def write_tables(folder: Path, tables: dict[str, list[list[str]]]) -> Path:
    folder.mkdir()
    for name, rows in tables.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    return folder


def test_older_hsds_1_layout_with_taxonomy(desk: Desk, tmp_path: Path) -> None:
    folder = write_tables(tmp_path / "hsds1", {
        "organizations": [["id", "name", "description", "email", "url"],
                          ["org-1", "Harbor Pantry", "Food for all", "hi@harbor.example",
                           "https://harbor.example"]],
        "services": [["id", "organization_id", "name", "description", "status"],
                     ["svc-1", "org-1", "Saturday groceries", "Fresh produce", "active"],
                     ["svc-2", "org-1", "Tenant rights clinic", "Legal advice", "active"]],
        "taxonomy": [["id", "name", "parent_id", "vocabulary"],
                     ["t1", "Emergency Food", "", "AIRS"], ["t2", "Legal Aid", "", "AIRS"]],
        "service_taxonomy": [["id", "service_id", "taxonomy_id"],
                             ["st1", "svc-1", "t1"], ["st2", "svc-2", "t2"]],
        "locations": [["id", "organization_id", "name", "latitude", "longitude"],
                      ["loc-1", "org-1", "Pantry", "47.6", "-122.3"]],
        "physical_addresses": [["id", "location_id", "address_1", "city", "state_province",
                                "postal_code", "country"],
                               ["a1", "loc-1", "1 Pier Way", "Seattle", "WA", "98101", "US"]],
        "regular_schedules": [["id", "service_id", "weekday", "opens_at", "closes_at"],
                              ["s1", "svc-1", "Saturday", "09:00", "12:00"]],
    })
    apply_hsds(desk, plan_hsds(desk, folder))
    org = desk.organizations.list()[0]
    assert org.address == "1 Pier Way, Seattle, WA, 98101, US"
    assert (org.latitude, org.longitude) == (47.6, -122.3)
    resources = {r.name: r for r in desk.resources.list()}
    food = resources["Saturday groceries"]
    assert desk.categories.get(food.category_id).name == "Food"
    assert food.schedule == "Saturday 09:00–12:00"
    legal = resources["Tenant rights clinic"]
    assert desk.categories.get(legal.category_id).name == "Other"
    assert "Legal Aid" in legal.notes  # the original term is kept


def test_hsds_2_layout_taxonomy_terms(desk: Desk, tmp_path: Path) -> None:
    folder = write_tables(tmp_path / "hsds2", {
        "organizations": [["id", "name", "description"], ["o", "Calm Minds", "Support"]],
        "services": [["id", "organization_id", "name", "status"], ["s", "o", "Talk", "active"]],
        "taxonomy_terms": [["id", "term", "parent_id", "taxonomy"],
                           ["t", "Counseling Services", "", "Open Eligibility"]],
        "service_attributes": [["id", "service_id", "taxonomy_term_id"], ["a", "s", "t"]],
    })
    apply_hsds(desk, plan_hsds(desk, folder))
    resource = desk.resources.list()[0]
    assert desk.categories.get(resource.category_id).name == "Mental health"


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_bytes(b"not a zip at all"), "not a zip file or a folder"),
    (lambda p: zipfile.ZipFile(p, "w").writestr("readme.txt", "hello"),
     "does not look like an HSDS package"),
    (lambda p: zipfile.ZipFile(p, "w").writestr(
        "organizations.csv", 'id,name\r\n"o1,Broken quote\r\n'), "not a well-formed CSV"),
    (lambda p: zipfile.ZipFile(p, "w").writestr(
        "services.csv", b"\x89PNG\x00\x00\x00\x01\x02\x03"), "does not look like a text"),
])
def test_broken_packages_change_nothing(demo_desk: Desk, tmp_path: Path, make, message: str,
                                        ) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "broken.zip"
    make(path)
    before = records_digest(demo_desk)
    with pytest.raises(ImportFileError, match=message):
        plan_hsds(demo_desk, path)
    assert records_digest(demo_desk) == before


def test_service_with_unknown_organization_blocks_unless_valid_only(desk: Desk,
                                                                     tmp_path: Path) -> None:
    folder = write_tables(tmp_path / "pkg", {
        "organizations": [["id", "name", "description"], ["o", "Known", "x"]],
        "services": [["id", "organization_id", "name", "status"],
                     ["s1", "o", "Good", "active"], ["s2", "missing", "Orphan", "active"]],
    })
    plan = plan_hsds(desk, folder)
    before = records_digest(desk)
    with pytest.raises(ImportFileError, match="row 3"):
        apply_hsds(desk, plan)
    assert records_digest(desk) == before
    counts = apply_hsds(desk, plan, valid_only=True).counts
    assert counts["services"] == 1 and counts["invalid"] == 1


def test_hsds_import_undoes_as_one_batch(demo_desk: Desk, other_desk: Desk,
                                         tmp_path: Path) -> None:
    from partnerdesk.sharing.undo import undo_import

    export_hsds(demo_desk, tmp_path / "dir.zip")
    before = records_digest(other_desk)
    result = apply_hsds(other_desk, plan_hsds(other_desk, tmp_path / "dir.zip"))
    assert other_desk.resources.count() == demo_desk.resources.count()
    undo_import(other_desk, result.batch_id)
    assert other_desk.resources.count() == 0 and other_desk.organizations.count() == 0
    assert records_digest(other_desk) == before


def test_organization_without_a_name_blocks_unless_valid_only(desk: Desk,
                                                              tmp_path: Path) -> None:
    folder = write_tables(tmp_path / "pkg", {
        "organizations": [["id", "name", "description"], ["o1", "Named", "x"],
                          ["o2", "", "no name"]],
        "services": [["id", "organization_id", "name", "status"], ["s1", "o1", "Meals",
                                                                   "active"]],
    })
    plan = plan_hsds(desk, folder)
    with pytest.raises(ImportFileError, match="row 3"):
        apply_hsds(desk, plan)
    assert desk.organizations.count() == 0
    counts = apply_hsds(desk, plan, valid_only=True).counts
    assert counts["new"] == 1 and counts["invalid"] == 1 and counts["services"] == 1
