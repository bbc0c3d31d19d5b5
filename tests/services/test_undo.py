"""Undo and Redo across records (services.undo): every save, delete, restore, merge and
bulk change is one step that puts back exactly what it changed, as a recorded change of
its own, and refuses (changing nothing) once the record was changed since."""

import uuid
from datetime import date

import pytest

from partnerdesk.db import records as r
from partnerdesk.errors import PartnerDeskError
from partnerdesk.services import Desk
from partnerdesk.services.duplicates import merge_records
from partnerdesk.services.store import full_state
from partnerdesk.services.undo import UndoConflict
from partnerdesk.services.whole_save import ChildChanges
from tests.sharing.conftest import dump


def test_an_edit_is_undone_and_redone_with_its_name(desk: Desk) -> None:
    marcus = desk.contacts.create(name="Marcus Lee", role="Nurse")
    desk.contacts.update(marcus.id, role="Head nurse", notes="Runs the night shift")
    assert desk.undo.undo_name() == "edit of Marcus Lee"

    desk.undo.undo()
    back = desk.contacts.get(marcus.id)
    assert (back.role, back.notes) == ("Nurse", "")
    assert desk.undo.undo_name() == "adding Marcus Lee"
    assert desk.undo.redo_name() == "edit of Marcus Lee"
    # the undo is a change of its own: in history, and found by search as it is now
    assert [entry.action for entry in desk.contacts.history(marcus.id)][:2] == \
        ["updated", "updated"]

    desk.undo.redo()
    again = desk.contacts.get(marcus.id)
    assert (again.role, again.notes) == ("Head nurse", "Runs the night shift")
    assert not desk.undo.can_redo()


def test_undoing_a_new_record_sends_it_to_the_trash_and_redo_brings_it_back(desk: Desk) -> None:
    ana = desk.contacts.create(name="Ana Ruiz")
    desk.undo.undo()
    assert desk.contacts.get(ana.id).deleted
    assert [hit.record_id for hit in desk.search("Ruiz")] == []
    desk.undo.redo()
    assert not desk.contacts.get(ana.id).deleted
    assert [hit.record_id for hit in desk.search("Ruiz")] == [ana.id]


def test_a_new_change_drops_what_redo_had(desk: Desk) -> None:
    row = desk.contacts.create(name="Ana Ruiz")
    desk.contacts.update(row.id, role="Nurse")
    desk.undo.undo()
    desk.contacts.update(row.id, role="Doctor")
    assert not desk.undo.can_redo()
    with pytest.raises(PartnerDeskError, match="nothing to redo"):
        desk.undo.redo()


def test_a_partnership_saved_whole_is_undone_whole(desk: Desk) -> None:
    saved = desk.partnerships.save({"title": "Food access"}, milestones=ChildChanges(
        new=[{"title": "First delivery", "due_date": date(2027, 3, 1)}]))
    first = saved.created["milestones"][0]
    desk.partnerships.save({"title": "Food access 2027", "goals": "Fresh food weekly"},
                           saved.id, milestones=ChildChanges(
        new=[{"title": "Second delivery"}],
        changed={first: {"title": "First delivery (Mar)"}}))
    second = desk.milestones.list(where={"title": "Second delivery"})[0].id
    assert desk.undo.undo_name() == "edit of Food access 2027"

    desk.undo.undo()
    ship = desk.partnerships.get(saved.id)
    assert (ship.title, ship.goals) == ("Food access", "")
    assert desk.milestones.get(first).title == "First delivery"
    assert desk.milestones.get(second).deleted  # made by the save: to the Trash

    desk.undo.redo()
    assert desk.partnerships.get(saved.id).title == "Food access 2027"
    assert desk.milestones.get(first).title == "First delivery (Mar)"
    assert not desk.milestones.get(second).deleted


def test_a_deletion_of_several_records_is_one_step(desk: Desk) -> None:
    ids = [desk.contacts.create(name=f"Person {n}").id for n in range(3)]
    desk.contacts.delete(*ids)
    assert desk.undo.undo_name() == "deletion of 3 contacts"
    desk.undo.undo()
    assert [desk.contacts.get(i).deleted for i in ids] == [False] * 3
    desk.undo.redo()
    assert [desk.contacts.get(i).deleted for i in ids] == [True] * 3


def test_restoring_an_earlier_version_is_undone(desk: Desk) -> None:
    row = desk.organizations.create(name="Mercy General")
    desk.organizations.update(row.id, name="Mercy General Hospital", phone="")
    earlier = desk.organizations.history(row.id)[0]
    desk.organizations.restore_version(earlier.id)
    assert desk.organizations.get(row.id).name == "Mercy General"
    assert desk.undo.undo_name() == "restore of an earlier version of Mercy General"
    desk.undo.undo()
    assert desk.organizations.get(row.id).name == "Mercy General Hospital"
    desk.undo.redo()
    assert desk.organizations.get(row.id).name == "Mercy General"


def test_a_duplicate_merge_is_undone_with_its_moved_links(desk: Desk) -> None:
    keep = desk.organizations.create(name="Mercy General")
    other = desk.organizations.create(name="Mercy General Hospital", website="mercy.org")
    person = desk.contacts.create(name="Ana Ruiz", organization_id=other.id)
    merge_records(desk, "organization", keep.id, other.id, {"website": "mercy.org"})
    assert desk.undo.undo_name() == "merge of Mercy General Hospital into Mercy General"
    before_undo = desk.contacts.get(person.id).organization_id
    assert before_undo == keep.id

    desk.undo.undo()
    assert not desk.organizations.get(other.id).deleted
    assert desk.organizations.get(keep.id).website == ""
    assert desk.contacts.get(person.id).organization_id == other.id

    desk.undo.redo()
    assert desk.organizations.get(other.id).deleted
    assert desk.contacts.get(person.id).organization_id == keep.id


def test_an_undo_refuses_once_an_import_changed_the_record_and_changes_nothing(
        desk: Desk) -> None:
    row = desk.contacts.create(name="Marcus Lee", role="Nurse")
    desk.contacts.update(row.id, role="Head nurse")
    with desk.store.write(batch_id=str(uuid.uuid4())) as writer:  # what an import does
        desk.contacts.save_many(writer, [], {row.id: {"role": "Ward manager"}})
    before = dump(desk)
    with pytest.raises(UndoConflict, match="“Marcus Lee” was changed after the edit of "
                                           "Marcus Lee") as raised:
        desk.undo.undo()
    assert "Nothing was changed" in str(raised.value)
    assert dump(desk) == before
    assert desk.undo.undo_name() == "edit of Marcus Lee"  # still there to try again


def test_a_field_the_step_did_not_write_may_change_meanwhile(desk: Desk) -> None:
    row = desk.contacts.create(name="Marcus Lee", role="Nurse")
    desk.contacts.update(row.id, role="Head nurse")
    with desk.store.write(batch_id=str(uuid.uuid4())) as writer:
        desk.contacts.save_many(writer, [], {row.id: {"notes": "From the spreadsheet"}})
    desk.undo.undo()
    back = desk.contacts.get(row.id)
    assert (back.role, back.notes) == ("Nurse", "From the spreadsheet")


def test_steps_undo_one_after_another_across_records(desk: Desk) -> None:
    a = desk.contacts.create(name="Ana Ruiz")
    b = desk.organizations.create(name="Northside Food Bank")
    desk.contacts.update(a.id, role="Nurse")
    desk.organizations.update(b.id, notes="Open Saturdays")
    desk.contacts.update(a.id, role="Doctor")
    for _ in range(3):
        desk.undo.undo()
    assert desk.contacts.get(a.id).role == ""
    assert desk.organizations.get(b.id).notes == ""
    for _ in range(3):
        desk.undo.redo()
    assert desk.contacts.get(a.id).role == "Doctor"
    assert desk.organizations.get(b.id).notes == "Open Saturdays"


def test_a_bulk_change_is_one_step_with_history_and_search(desk: Desk) -> None:
    ids = [desk.contacts.create(name=f"Person {n}", tags=["board"]).id for n in range(5)]
    desk.contacts.bulk_change(ids, lambda row: {"tags": [*row["tags"], "volunteer"]})
    assert desk.undo.undo_name() == "change to 5 contacts"
    assert all(desk.contacts.get(i).tags == ["board", "volunteer"] for i in ids)
    assert {hit.record_id for hit in desk.search("volunteer")} == set(ids)
    assert desk.contacts.history(ids[0])[0].changed_fields == ["tags"]
    assert desk.tags.list(where={"name": "volunteer"})  # the tag joined the tag list
    desk.undo.undo()
    assert all(desk.contacts.get(i).tags == ["board"] for i in ids)
    assert {hit.record_id for hit in desk.search("volunteer")} == set()


def test_a_bulk_change_the_rules_refuse_writes_nothing(desk: Desk) -> None:
    ids = [desk.contacts.create(name=f"Person {n}").id for n in range(3)]
    before = dump(desk)
    with pytest.raises(PartnerDeskError):
        desk.contacts.update_many(ids, preferred_contact="carrier pigeon")
    assert dump(desk) == before
    assert desk.undo.undo_name() == "adding Person 2"


def _people(desk: Desk, count: int) -> list[str]:
    return [desk.contacts.create(
        name=f"Person {n}", tags=["board"], last_contacted=date(2026, 3, n % 28 + 1),
        emails=[{"address": f"p{n}@clinic.example", "kind": "work"}],
        addresses=[{"kind": "work", "street": f"{n} Main St\nSuite 2", "city": "Boston",
                    "region": "MA", "postal_code": "02115", "country": "USA"}]).id
        for n in range(count)]


def test_a_bulk_change_keeps_each_earlier_state_whole_in_history(desk: Desk) -> None:
    ids = _people(desk, 4)
    with desk.store.read() as session:
        before = {i: full_state(session.get(r.Contact, i)) for i in ids}
    desk.contacts.bulk_change(ids, lambda row: {"tags": [*row["tags"], "volunteer"]})
    for record_id in ids:
        entry = desk.contacts.history(record_id)[0]
        assert entry.changed_fields == ["tags"]
        assert entry.state == before[record_id]  # every column, bookkeeping too
    desk.undo.undo()
    for record_id in ids:
        assert desk.contacts.history(record_id)[0].state["tags"] == ["board", "volunteer"]


@pytest.mark.sqlite_only("the FTS5 index is SQLite's")
def test_a_bulk_change_and_its_undo_leave_the_search_index_whole(desk: Desk) -> None:
    ids = _people(desk, 40)
    desk.contacts.bulk_change(ids, lambda row: {"tags": [*row["tags"], "winterdrive"]})
    assert {hit.record_id for hit in desk.search("winterdrive", limit=100)} == set(ids)
    desk.undo.undo()
    desk.contacts.update_many(ids[:10], notes="Met at the food fair")
    assert {hit.record_id for hit in desk.search("winterdrive", limit=100)} == set()
    assert {hit.record_id for hit in desk.search("food fair", limit=100)} == set(ids[:10])
    assert {hit.record_id for hit in desk.search("Suite", limit=100)} == set(ids)
    with desk.store.engine.connect() as connection:
        # FTS5's own check: the index holds exactly the text of the rows it indexes
        connection.exec_driver_sql(
            "INSERT INTO search_index(search_index, rank) VALUES ('integrity-check', 1)")
        assert connection.exec_driver_sql(
            "SELECT count(*) FROM search_docs WHERE record_type = 'contact'").scalar() == 40


def test_a_bulk_undo_notices_a_later_change_to_a_list_or_date_field(desk: Desk) -> None:
    ids = [desk.contacts.create(name=f"Person {n}", tags=["food"]).id for n in range(3)]
    desk.contacts.bulk_change(ids, lambda row: {"tags": [*row["tags"], "winter"],
                                                "last_contacted": date(2027, 2, 15)})
    with desk.store.write(batch_id=str(uuid.uuid4())) as writer:  # what an import does
        desk.contacts.save_many(writer, [], {ids[1]: {"last_contacted": date(2027, 3, 1)}})
    before = dump(desk)
    with pytest.raises(UndoConflict, match="“Person 1” was changed after the change to "
                                           "3 contacts"):
        desk.undo.undo()
    assert dump(desk) == before
    with desk.store.write(batch_id=str(uuid.uuid4())) as writer:
        desk.contacts.save_many(writer, [], {ids[1]: {"last_contacted": date(2027, 2, 15)}})
    desk.undo.undo()  # as the step left it again: undone whole
    assert [(c.tags, c.last_contacted) for c in map(desk.contacts.get, ids)] == \
        [(["food"], None)] * 3


def test_one_column_of_a_stored_row_reads_as_the_whole_row_gives_it(desk: Desk) -> None:
    row = desk.contacts.create(name="Zoë Brontë", tags=["board"], share_ok=True,
                               emails=[{"address": "zoe@harbor.org", "kind": "work"}],
                               last_contacted=date(2026, 3, 1), notes="Mornings.")
    with desk.store.write() as writer:
        rows = writer.current_rows(r.Contact, [row.id])  # not decoded whole: one by one
        singles = {column.name: rows.value(row.id, column.name)
                   for column in r.Contact.__table__.columns}  # type: ignore[attr-defined]
        assert singles == rows[row.id]
    assert singles["last_contacted"] == date(2026, 3, 1) and singles["tags"] == ["board"]
