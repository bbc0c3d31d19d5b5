"""A round trip per format: export, import into an empty database, export again. What the
format can carry comes back exactly; `NOT_CARRIED` lists, per format, what a contact
loses on the way, and the test checks that the list is the whole truth."""

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from partnerdesk.db import records as r
from partnerdesk.services import Desk
from partnerdesk.services.demo import load_demo
from partnerdesk.services.store import user_fields
from partnerdesk.sharing.bundle import read_record_members
from partnerdesk.sharing.csv_export import export_csv
from partnerdesk.sharing.csv_import import plan_csv
from partnerdesk.sharing.exporter import export_bundle
from partnerdesk.sharing.import_common import apply_plan
from partnerdesk.sharing.importer import import_file
from partnerdesk.sharing.vcard import export_vcard, plan_vcard
from tests.conftest import TODAY

# What each format cannot carry of a contact (besides the change history and the merge
# bookkeeping, which only bundles carry). The organization travels by its name in CSV and
# vCard: a new database makes one of that name, with a new id.
NOT_CARRIED: dict[str, set[str]] = {
    "csv": {"organization_id"},
    # internal notes stay inside the organization: no vCard leaves with them
    "vcard-3.0": {"organization_id", "internal_notes"},
    "vcard-4.0": {"organization_id", "internal_notes"},
    "bundle": set(),
}
EVERY_FIELD = set(user_fields(r.Contact))
# What an organization loses in CSV: which one is ours is this database's own fact, and
# the letterhead logo is a picture kept beside the database.
ORGANIZATION_NOT_CARRIED = {"is_us", "logo_sha256"}


def add_everything(desk: Desk) -> str:
    """A contact with every field filled, every kind of every list used."""
    org = desk.organizations.create(name="Harbor Clinic, The", address="1 Pier Rd\nBoston")
    return desk.contacts.create(
        name="Ana “Nana” de la Cruz", role="Nurse, community liaison",
        organization_id=org.id, department="Outreach; East", preferred_contact="text",
        emails=[{"address": "ana@harbor.example", "kind": "work"},
                {"address": "ana@home.example", "kind": "home"},
                {"address": "ana@other.example", "kind": "other"}],
        phones=[{"number": "+1 617 555 0101", "kind": "work", "extension": "42"},
                {"number": "+1 617 555 0102", "kind": "mobile"},
                {"number": "+1 617 555 0103", "kind": "home"},
                {"number": "+1 617 555 0104", "kind": "fax"},
                {"number": "+1 617 555 0105", "kind": "pager"},
                {"number": "555-0106 x7", "kind": "other"}],
        addresses=[{"kind": "work", "street": "1 Pier Rd\nBuilding 2, Floor 3", "city": "Boston",
                    "region": "MA", "postal_code": "02110", "country": "USA"},
                   {"kind": "home", "street": "14 Elm St", "city": "Somerville",
                    "region": "MA", "postal_code": "02143", "country": ""},
                   {"kind": "other", "street": "PO Box 9", "city": "", "region": "",
                    "postal_code": "", "country": "Canada"}],
        websites=[{"url": "https://harbor.example/ana", "kind": "work"},
                  {"url": "https://ana.example", "kind": "home"},
                  {"url": "https://www.linkedin.com/in/ana", "kind": "other"}],
        tags=["nurses", "east side"], notes="Line one, with a comma;\nline two: colon.",
        internal_notes="Asked us not to call after 6.", share_ok=True,
        last_contacted=date(2026, 5, 4)).id


@pytest.fixture
def source(new_desk: Callable[[Path], Desk], tmp_path: Path) -> Desk:
    desk = new_desk(tmp_path / "source.db")
    load_demo(desk, today=TODAY)
    add_everything(desk)
    return desk


def values_of(desk: Desk, contact: Any) -> dict[str, Any]:
    values = {name: getattr(contact, name) for name in EVERY_FIELD}
    values["organization"] = desk.organizations.get(contact.organization_id).name \
        if contact.organization_id else ""
    return values


def compare(source: Desk, copy: Desk, lost: set[str]) -> None:
    """Every contact came over with every field but those the format cannot carry."""
    assert copy.contacts.count() == source.contacts.count()
    defaults = r.Contact(name="x")
    for original in source.contacts.list():
        came = copy.contacts.get(original.id)  # every format carries the id
        expected, found = values_of(source, original), values_of(copy, came)
        for name in EVERY_FIELD - lost:
            assert found[name] == expected[name], (original.name, name)
        assert found["organization"] == expected["organization"]
        for name in lost - {"organization_id"}:
            assert found[name] == getattr(defaults, name), (original.name, name)
    # and the list is the whole truth: each lost field was lost for someone
    for name in lost - {"organization_id"}:
        assert any(getattr(c, name) != getattr(defaults, name) for c in source.contacts.list())


def test_csv_round_trip(source: Desk, new_desk: Callable[[Path], Desk],
                        tmp_path: Path) -> None:
    copy = new_desk(tmp_path / "copy.db")
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    export_csv(source, "contact", first)
    plan = plan_csv(copy, first, "contact")
    assert plan.invalid == [] and plan.not_imported == []
    apply_plan(copy, plan)
    compare(source, copy, NOT_CARRIED["csv"])
    export_csv(copy, "contact", second)
    assert second.read_bytes() == first.read_bytes()


def test_organizations_csv_round_trip(source: Desk, new_desk: Callable[[Path], Desk],
                                      tmp_path: Path) -> None:
    ours = source.organizations.ours()  # the demo's has no logo: give it one
    source.organizations.update(ours.id, logo_sha256=source.attachments.store_bytes(
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64))
    copy = new_desk(tmp_path / "copy.db")
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    export_csv(source, "organization", first)
    plan = plan_csv(copy, first, "organization")
    assert plan.invalid == [] and plan.not_imported == []
    apply_plan(copy, plan)
    assert copy.organizations.count() == source.organizations.count()
    defaults = r.Organization(name="x")
    fields = set(user_fields(r.Organization))
    for original in source.organizations.list():
        came = copy.organizations.get(original.id)
        for name in fields - ORGANIZATION_NOT_CARRIED:
            assert getattr(came, name) == getattr(original, name), (original.name, name)
        for name in ORGANIZATION_NOT_CARRIED:
            assert getattr(came, name) == getattr(defaults, name), (original.name, name)
    for name in ORGANIZATION_NOT_CARRIED:  # the list is the whole truth
        assert any(getattr(o, name) != getattr(defaults, name)
                   for o in source.organizations.list()), name
    export_csv(copy, "organization", second)
    assert second.read_bytes() == first.read_bytes()


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_vcard_round_trip(source: Desk, new_desk: Callable[[Path], Desk], tmp_path: Path,
                          version: str) -> None:
    copy = new_desk(tmp_path / "copy.db")
    first, second = tmp_path / "first.vcf", tmp_path / "second.vcf"
    export_vcard(source, first, version)
    plan = plan_vcard(copy, first)
    assert plan.invalid == [] and plan.notes == []
    apply_plan(copy, plan)
    compare(source, copy, NOT_CARRIED[f"vcard-{version}"])
    export_vcard(copy, second, version)
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")


def test_bundle_round_trip(source: Desk, new_desk: Callable[[Path], Desk],
                           tmp_path: Path) -> None:
    copy = new_desk(tmp_path / "copy.db")
    first, second = tmp_path / "first.partnerdesk", tmp_path / "second.partnerdesk"
    export_bundle(source, first)
    import_file(copy, first)
    compare(source, copy, NOT_CARRIED["bundle"])
    export_bundle(copy, second)
    assert read_record_members(second) == read_record_members(first)


def test_bundles_merge_the_new_fields_field_by_field(new_desk: Callable[[Path], Desk],
                                                     tmp_path: Path) -> None:
    """Two laptops change different contact fields: both changes survive, both ways."""
    home, office = new_desk(tmp_path / "home.db"), new_desk(tmp_path / "office.db")
    contact_id = add_everything(home)
    export_bundle(home, tmp_path / "start.partnerdesk")
    import_file(office, tmp_path / "start.partnerdesk")
    home.contacts.update(contact_id, department="Community Outreach")
    office.contacts.update(contact_id, addresses=[{"kind": "work", "street": "2 Dock St",
                                                   "city": "Boston"}],
                           phones=[{"number": "+1 617 555 0199", "kind": "fax"}])
    export_bundle(home, tmp_path / "home.partnerdesk")
    export_bundle(office, tmp_path / "office.partnerdesk")
    import_file(office, tmp_path / "home.partnerdesk")
    import_file(home, tmp_path / "office.partnerdesk")
    for desk in (home, office):
        contact = desk.contacts.get(contact_id)
        assert contact.department == "Community Outreach"
        assert contact.addresses == [{"kind": "work", "street": "2 Dock St", "city": "Boston",
                                      "region": "", "postal_code": "", "country": ""}]
        assert contact.phones == [{"number": "+16175550199", "kind": "fax", "extension": ""}]
    assert values_of(home, home.contacts.get(contact_id)) == \
        values_of(office, office.contacts.get(contact_id))
