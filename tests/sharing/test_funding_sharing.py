"""Funding travels in bundles: with its partnership, merged field by field across three
laptops, and for a partner without the amounts marked internal."""

import json
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import select

from partnerdesk.db.local import Conflict
from partnerdesk.services import Desk
from partnerdesk.services.whole_save import ChildChanges
from partnerdesk.sharing.bundle import read_record_members, record_member
from partnerdesk.sharing.exporter import Scope, export_bundle
from partnerdesk.sharing.importer import import_file


def lines_of(path: Path, record_type: str) -> list[dict[str, Any]]:
    with zipfile.ZipFile(path) as archive:
        if record_member(record_type) not in archive.namelist():
            return []
        data = archive.read(record_member(record_type))
    return [json.loads(line) for line in data.splitlines() if line]


def seed(desk: Desk) -> dict[str, str]:
    us = desk.organizations.create(name="Eastside Community Partners", is_us=True)
    funder = desk.organizations.create(name="Harbor Community Foundation", kind="funder")
    person = desk.contacts.create(name="Jose Nunez", share_ok=True)
    secret = desk.contacts.create(name="Sam Private", share_ok=False)
    ship = desk.partnerships.create(title="Food as Medicine")
    other = desk.partnerships.create(title="Backup Power")
    open_grant = desk.funding.save(
        {"title": "Vision screening days", "funder_id": funder.id, "partnership_id": ship.id,
         "status": "active", "requested_cents": 2_500_000, "awarded_cents": 2_000_000},
        deliverables=ChildChanges(new=[
            {"title": "Interim report", "due_date": date(2027, 1, 31),
             "owner_contact_id": person.id},
            {"title": "Final report", "due_date": date(2027, 6, 30),
             "owner_contact_id": secret.id}]))
    internal = desk.funding.create(
        title="Food as Medicine, year two", funder_id=funder.id, partnership_id=ship.id,
        status="submitted", requested_cents=7_500_000, in_kind_description="Dietitians",
        in_kind_cents=950_000, amounts_internal=True, internal_notes="Board to decide.")
    elsewhere = desk.funding.create(title="Generators", funder_id=funder.id,
                                    partnership_id=other.id)
    return {"us": us.id, "ship": ship.id, "open": open_grant.id, "internal": internal.id,
            "elsewhere": elsewhere.id, "secret": secret.id}


def test_a_partnership_bundle_brings_its_funding_and_deliverables(
        laptops: Callable[[str], Desk], tmp_path: Path) -> None:
    home = laptops("home")
    ids = seed(home)
    bundle = tmp_path / "food.partnerdesk"
    export_bundle(home, bundle, Scope.partnership(ids["ship"]))
    titles = {line["values"]["title"] for line in lines_of(bundle, "funding")}
    assert titles == {"Vision screening days", "Food as Medicine, year two"}
    assert len(lines_of(bundle, "funding_deliverable")) == 2

    away = laptops("away")
    import_file(away, bundle)
    assert {f.title for f in away.funding.list()} == titles
    funder = away.organizations.get(away.funding.get(ids["open"]).funder_id)
    assert funder.name == "Harbor Community Foundation"  # what it refers to came along
    assert away.funding.get(ids["internal"]).requested_cents == 7_500_000  # our own laptop
    assert away.funding_deliverables.count() == 2


def test_for_a_partner_internal_amounts_stay_home_and_never_come_back_blank(
        laptops: Callable[[str], Desk], tmp_path: Path) -> None:
    home = laptops("home")
    ids = seed(home)
    bundle = tmp_path / "for-partner.partnerdesk"
    export_bundle(home, bundle, Scope.partnership(ids["ship"], for_partner=True))
    by_id = {line["id"]: line for line in lines_of(bundle, "funding")}
    hidden = by_id[ids["internal"]]
    for field in ("requested_cents", "awarded_cents", "in_kind_cents", "internal_notes"):
        assert field not in hidden["values"] and field not in hidden["stamps"]
    assert hidden["values"]["in_kind_description"] == "Dietitians"  # only amounts are hidden
    assert by_id[ids["open"]]["values"]["awarded_cents"] == 2_000_000  # not marked internal
    text = b"".join(read_record_members(bundle).values())  # every record, unpacked
    assert b"Vision screening days" in text
    assert b"Sam Private" not in text and ids["secret"].encode() not in text

    partner = laptops("partner")
    import_file(partner, bundle)
    row = partner.funding.get(ids["internal"])
    assert row.requested_cents is None and row.in_kind_cents is None
    # The partner edits the title and sends the record back: our amounts survive.
    partner.funding.update(ids["internal"], title="Food as Medicine, second year")
    back = tmp_path / "back.partnerdesk"
    export_bundle(partner, back, Scope.partnership(ids["ship"]))
    import_file(home, back)
    mine = home.funding.get(ids["internal"])
    assert mine.title == "Food as Medicine, second year"
    assert (mine.requested_cents, mine.in_kind_cents) == (7_500_000, 950_000)
    assert mine.internal_notes == "Board to decide."


def test_three_laptops_merge_funding_field_by_field(laptops: Callable[[str], Desk],
                                                    tmp_path: Path) -> None:
    a, b, c = laptops("a"), laptops("b"), laptops("c")
    ids = seed(a)
    start = tmp_path / "start.partnerdesk"
    export_bundle(a, start)
    import_file(b, start)
    import_file(c, start)
    [interim, final] = a.funding_deliverables.list(where={"funding_id": ids["open"]},
                                                   order_by="due_date")

    b.funding.update(ids["open"], awarded_cents=2_250_000)  # B: the award went up
    c.funding.save({"end_date": date(2027, 9, 30)}, ids["open"],  # C: dates, a report done
                   deliverables=ChildChanges(changed={interim.id: {"done": True}}))
    a.funding.save({}, ids["open"], deliverables=ChildChanges(  # A: reports change
        new=[{"title": "Photos for the annual review", "kind": "outcome",
              "due_date": date(2027, 3, 1)}], removed=[final.id]))
    a.funding.update(ids["elsewhere"], programme="Heat Resilience Grants")  # a clash:
    c.funding.update(ids["elsewhere"], programme="Cooling Fund")  # neither saw the other

    bundles = {}
    for name, desk in (("a", a), ("b", b), ("c", c)):
        bundles[name] = tmp_path / f"{name}.partnerdesk"
        export_bundle(desk, bundles[name])
    for name, desk in (("a", a), ("b", b), ("c", c)):
        for source in ("c", "b", "a"):
            if source != name:
                import_file(desk, bundles[source])
    checks = {}
    for name, desk in (("a", a), ("b", b), ("c", c)):
        path = tmp_path / f"{name}-check.partnerdesk"
        export_bundle(desk, path)
        checks[name] = read_record_members(path)
    assert checks["a"] == checks["b"] == checks["c"]  # every laptop holds the same records

    grant = b.funding.get(ids["open"])
    assert grant.awarded_cents == 2_250_000 and grant.end_date == date(2027, 9, 30)
    live = {d.title: d for d in b.funding_deliverables.list(where={"funding_id": ids["open"]})}
    assert set(live) == {"Interim report", "Photos for the annual review"}
    assert live["Interim report"].done
    kept = b.funding.get(ids["elsewhere"]).programme
    assert kept in ("Heat Resilience Grants", "Cooling Fund")
    lost = "Cooling Fund" if kept == "Heat Resilience Grants" else "Heat Resilience Grants"
    loser = c if lost == "Cooling Fund" else a
    with loser.store.read() as session:
        conflicts = list(session.exec(select(Conflict).where(
            Conflict.record_id == ids["elsewhere"])))
    assert [(x.field, x.lost_value) for x in conflicts] == [("programme", lost)]
