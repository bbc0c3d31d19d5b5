"""Spreadsheet, address-book and directory imports save through the services' rules.

They write in bulk, but each record gets what a save in the app gives it: the same
checks, its tags in the tag list under the id derived from the name, one history entry
per record in the batch, and the same stored values as a record typed in by hand.
"""

import csv
import random
import string
from pathlib import Path

import pytest
from sqlmodel import select

from partnerdesk.db.local import HistoryEntry
from partnerdesk.services import Desk
from partnerdesk.services.ids import tag_id
from partnerdesk.services.store import field_values
from partnerdesk.sharing import import_common
from partnerdesk.sharing.csv_import import plan_csv
from partnerdesk.sharing.import_common import ImportFileError, apply_plan
from partnerdesk.sharing.undo import undo_import
from partnerdesk.sharing.vcard import plan_vcard


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def tags(desk: Desk) -> list[tuple[str, str]]:
    return sorted((tag.name, tag.id) for tag in desk.tags.list())


def test_a_spreadsheet_tag_and_the_same_tag_typed_in_the_app_are_one_tag(
        desk: Desk, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "people.csv", [["Name", "Email", "Tags"],
                                               ["Ann Lee", "ann@example.org", "food"]])
    apply_plan(desk, plan_csv(desk, path, "contact"))
    assert tags(desk) == [("food", tag_id("food"))]
    # the contact editor saves through the contacts service
    ann = desk.contacts.list()[0]
    desk.contacts.update(ann.id, tags=["food"])
    bob = desk.contacts.create(name="Bob Diaz", tags=["food"])
    assert tags(desk) == [("food", tag_id("food"))]
    assert desk.contacts.get(bob.id).tags == ["food"]


def test_an_address_book_tag_joins_the_tag_typed_in_the_app(desk: Desk,
                                                           tmp_path: Path) -> None:
    desk.contacts.create(name="Cy Ode", tags=["Volunteers"])
    card = tmp_path / "one.vcf"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dee Park\r\nN:Park;Dee;;;\r\n"
                    "CATEGORIES:volunteers,Board\r\nEND:VCARD\r\n", encoding="utf-8")
    apply_plan(desk, plan_vcard(desk, card))
    assert tags(desk) == sorted([("Volunteers", tag_id("volunteers")),
                                 ("Board", tag_id("board"))])


def test_a_deleted_tag_typed_again_comes_back(desk: Desk, tmp_path: Path) -> None:
    desk.contacts.create(name="Cy Ode", tags=["food"])
    desk.tags.delete(tag_id("food"))
    assert tags(desk) == []
    path = write_csv(tmp_path / "people.csv", [["Name", "Tags"], ["Ann Lee", "food"]])
    apply_plan(desk, plan_csv(desk, path, "contact"))
    assert tags(desk) == [("food", tag_id("food"))]


def test_imported_records_store_what_the_app_stores(desk: Desk, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "people.csv", [
        ["Name", "Email", "Phone", "Tags", "Organization", "Notes"],
        ["  Ann Lee ", "Ann@Example.org", "(415) 555-0100", "food; board", "Harbor Clinic",
         "Mornings."]])
    apply_plan(desk, plan_csv(desk, path, "contact"))
    (ann,) = desk.contacts.list()
    typed = desk.contacts.create(name="Ann Lee", emails=ann.emails, phones=ann.phones,
                                 tags=["food", "board"], notes="Mornings.",
                                 organization_id=ann.organization_id)
    assert field_values(ann) == field_values(typed)
    assert ann.name == "Ann Lee" and ann.phones[0]["number"] == "+14155550100"
    assert desk.organizations.get(ann.organization_id).name == "Harbor Clinic"
    assert ann.vv == {desk.store.device_id: ann.stamps["name"][0]}
    assert desk.search("harbor") and desk.contacts.list(text="ann")


def test_a_large_file_is_one_batch_with_one_history_entry_per_record(
        desk: Desk, tmp_path: Path) -> None:
    rng = random.Random(5)
    names = [" ".join("".join(rng.choices(string.ascii_lowercase, k=7)).capitalize()
                      for _ in range(2)) for _ in range(1200)]  # unlike one another
    rows = [["Name", "Email", "Organization", "Tags"]]
    rows += [[name, f"p{n}@example.org", f"Org {n % 7}", f"t{n % 3}"]
             for n, name in enumerate(names)]
    rows += [[names[5], "p5@example.org", "Org 5", "extra"]]  # merges into row 7
    result = apply_plan(desk, plan_csv(desk, write_csv(tmp_path / "big.csv", rows),
                                       "contact"))
    assert result.counts == {"new": 1200, "merged": 1, "skipped": 0, "invalid": 0}
    assert result.organizations_created == 7 and desk.organizations.count() == 7
    assert len(desk.tags.list()) == 4
    five = desk.contacts.list(where={"name": names[5]})[0]
    assert five.tags == ["t2", "extra"]
    with desk.store.read() as session:
        entries = list(session.exec(select(HistoryEntry).where(
            HistoryEntry.batch_id == result.batch_id)))
    assert len(entries) == 1200 + 7 + 4  # contacts, organizations, tags
    assert len({e.record_id for e in entries}) == len(entries)
    undo_import(desk, result.batch_id)
    assert desk.contacts.count() == desk.organizations.count() == len(desk.tags.list()) == 0


def test_a_merge_into_a_record_here_is_an_update(desk: Desk, tmp_path: Path) -> None:
    ann = desk.contacts.create(name="Ann Lee", emails=[{"address": "ann@example.org",
                                                        "kind": "work"}])
    path = write_csv(tmp_path / "people.csv", [["Name", "Email", "Role", "Tags"],
                                               ["Ann Lee", "ann@example.org", "Chair",
                                                "board"]])
    result = apply_plan(desk, plan_csv(desk, path, "contact"))
    assert result.counts["merged"] == 1
    after = desk.contacts.get(ann.id)
    assert (after.role, after.tags) == ("Chair", ["board"])
    assert after.stamps["role"][0] > ann.stamps["role"][0]
    assert after.stamps["name"] == ann.stamps["name"]  # untouched fields keep their stamps
    (entry,) = desk.contacts.history(ann.id)
    assert (entry.action, entry.changed_fields, entry.batch_id) == (
        "updated", ["role", "tags"], result.batch_id)
    assert tags(desk) == [("board", tag_id("board"))]


def test_a_record_the_rules_refuse_at_saving_changes_nothing(
        desk: Desk, tmp_path: Path) -> None:
    """Checked again inside the transaction: what the preview accepted can go stale."""
    org = desk.organizations.create(name="Harbor Clinic")
    path = write_csv(tmp_path / "people.csv", [["Name", "Organization"],
                                               ["Ann Lee", "Harbor Clinic"]])
    plan = plan_csv(desk, path, "contact")
    plan.rows[0].values["emails"] = [{"address": "not an address", "kind": "work"}]
    with pytest.raises(ImportFileError, match="“Ann Lee”: .*not a valid e-mail address.*Nothing"):
        apply_plan(desk, plan)
    assert desk.contacts.count() == 0 and [o.id for o in desk.organizations.list()] == [org.id]


def test_a_row_that_duplicates_an_earlier_row_merges_where_that_row_did(
        desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Records here are looked up a few rows at a time; a later row that matches an
    earlier row (by the phone it brought) still finds the record that row merged into."""
    monkeypatch.setattr(import_common, "LOOKUP_CHUNK", 2)
    ann = desk.contacts.create(name="Ann Lee", emails=[{"address": "ann@example.org",
                                                        "kind": "work"}])
    path = write_csv(tmp_path / "people.csv", [
        ["Name", "Email", "Phone", "Role"],
        ["Ann Lee", "ann@example.org", "+1 415 555 0100", ""],
        ["Bob Diaz", "bob@example.org", "", ""],
        ["Ann Lee", "", "+1 415 555 0100", "Chair"]])
    result = apply_plan(desk, plan_csv(desk, path, "contact"))
    assert result.counts == {"new": 1, "merged": 2, "skipped": 0, "invalid": 0}
    after = desk.contacts.get(ann.id)
    assert (after.role, [p["number"] for p in after.phones]) == ("Chair", ["+14155550100"])
    assert desk.contacts.count() == 2
