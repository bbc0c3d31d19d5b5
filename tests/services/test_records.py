"""Create, update, delete, restore, history and validation through the services."""

from datetime import date

import pytest

from partnerdesk.errors import NotFoundError, ValidationError
from partnerdesk.services import Change, Desk
from tests.conftest import TODAY


def test_create_sets_bookkeeping(desk: Desk) -> None:
    org = desk.organizations.create(name="Mercy General Hospital", kind="hospital")
    assert len(org.id) == 36
    assert org.rev and org.origin == desk.store.device_id
    assert set(org.stamps) >= {"name", "kind", "_alive"}
    assert org.vv == {desk.store.device_id: org.stamps["name"][0]}
    assert not org.deleted


def test_update_bumps_rev_stamps_and_updated_at(desk: Desk) -> None:
    org = desk.organizations.create(name="Mercy")
    updated = desk.organizations.update(org.id, website="https://mercy.org")
    assert updated.rev != org.rev
    assert updated.updated_at >= org.updated_at
    assert updated.stamps["website"][0] > org.stamps["website"][0]
    assert updated.stamps["name"] == org.stamps["name"]


def test_every_change_is_announced_once_committed(desk: Desk) -> None:
    seen: list[list[Change]] = []
    desk.subscribe(seen.append)
    org = desk.organizations.create(name="Mercy")
    desk.organizations.update(org.id, status="paused")
    desk.organizations.delete(org.id)
    assert [batch[-1].action for batch in seen] == ["created", "updated", "deleted"]
    assert seen[1][0].fields == ("status",)


def test_delete_is_a_restorable_tombstone(desk: Desk) -> None:
    contact = desk.contacts.create(name="Zoë Martín")
    desk.contacts.delete(contact.id)
    assert desk.contacts.count() == 0
    assert desk.contacts.get(contact.id).deleted
    assert [row.id for row in desk.contacts.list(deleted=True)] == [contact.id]
    desk.contacts.restore(contact.id)
    assert desk.contacts.count() == 1
    assert [entry.action for entry in desk.contacts.history(contact.id)] == [
        "restored", "deleted"]


def test_history_keeps_each_earlier_version_and_restores_it(desk: Desk) -> None:
    contact = desk.contacts.create(name="José Núñez", role="Coordinator")
    desk.contacts.update(contact.id, role="Director")
    desk.contacts.update(contact.id, role="Retired", notes="Left in March")
    versions = desk.contacts.history(contact.id)
    assert [v.changed_fields for v in versions] == [["notes", "role"], ["role"]]
    assert versions[-1].state["role"] == "Coordinator"
    desk.contacts.restore_version(versions[-1].id)
    row = desk.contacts.get(contact.id)
    assert row.role == "Coordinator" and row.notes == ""


def test_invalid_email_is_refused_and_nothing_is_written(desk: Desk) -> None:
    with pytest.raises(ValidationError) as caught:
        desk.contacts.create(name="A", emails=[{"address": "not-an-address", "kind": "work"}])
    assert caught.value.for_field("emails")
    assert desk.contacts.count() == 0


def test_email_is_checked_offline_and_normalised(desk: Desk) -> None:
    contact = desk.contacts.create(name="A", emails=[{"address": "Zoe@Example.ORG"}])
    assert contact.emails == [{"address": "Zoe@example.org", "kind": "work"}]


def test_phone_numbers_are_stored_in_e164_or_kept_with_a_warning(desk: Desk) -> None:
    contact = desk.contacts.create(name="A", phones=[{"number": "(212) 555-0142"},
                                                     {"number": "ask at front desk"}])
    assert contact.phones[0]["number"] == "+12125550142"
    assert contact.phones[1]["number"] == "ask at front desk"
    problems = desk.contacts.check({"name": "A", "phones": [{"number": "ask at front desk"}]})
    assert problems and all(p.warning for p in problems)
    # a French mobile typed without its country code is no US number
    problems = desk.contacts.check({"name": "A", "phones": [{"number": "06 12 34 56 78"}]})
    assert problems and all(p.warning for p in problems)


def test_required_fields(desk: Desk) -> None:
    problems = desk.organizations.check({"name": "  "})
    assert [p.field for p in problems] == ["name"]
    with pytest.raises(ValidationError, match="name is required"):
        desk.organizations.create(name="")


def test_agreement_cannot_expire_before_it_starts(desk: Desk) -> None:
    with pytest.raises(ValidationError, match="cannot expire before"):
        desk.agreements.create(title="MOU", effective_date=date(2026, 5, 1),
                               expiry_date=date(2026, 4, 1))


def test_agreement_status_follows_its_life(desk: Desk) -> None:
    mou = desk.agreements.create(title="MOU")
    with pytest.raises(ValidationError, match="cannot go from Draft to Active"):
        desk.agreements.update(mou.id, status="active")
    for status in ("negotiating", "signed", "active", "expired"):
        desk.agreements.update(mou.id, status=status)
    assert desk.agreements.get(mou.id).status == "expired"


def test_wrong_types_and_unknown_fields_are_clear_errors(desk: Desk) -> None:
    with pytest.raises(ValidationError, match="Enter a date"):
        desk.partnerships.create(title="P", start_date="2026-01-01")
    with pytest.raises(ValidationError, match="not a field"):
        desk.partnerships.create(title="P", colour="red")


def test_links_to_missing_records_are_refused(desk: Desk) -> None:
    with pytest.raises(ValidationError, match="no longer exists"):
        desk.contacts.create(name="A", organization_id="00000000-0000-0000-0000-000000000000")


def test_only_one_organization_is_us(desk: Desk) -> None:
    first = desk.organizations.create(name="Eastside", is_us=True)
    second = desk.organizations.create(name="Westside", is_us=True)
    assert not desk.organizations.get(first.id).is_us
    assert desk.organizations.ours().id == second.id


def test_tags_join_the_tag_list(desk: Desk) -> None:
    desk.contacts.create(name="A", tags=["board", "volunteer"])
    desk.contacts.create(name="B", tags=["board"])
    assert sorted(t.name for t in desk.tags.list()) == ["board", "volunteer"]


def test_ticking_done_records_the_day(desk: Desk) -> None:
    ship = desk.partnerships.create(title="Food as Medicine")
    milestone = desk.milestones.create(partnership_id=ship.id, title="Kick-off")
    ticked_on = date.today()  # the update may run past midnight
    done = desk.milestones.update(milestone.id, done=True)
    assert ticked_on <= done.done_date <= date.today()
    assert desk.milestones.update(milestone.id, done=False).done_date is None


def test_update_many_is_one_step_all_or_nothing(desk: Desk) -> None:
    a = desk.organizations.create(name="A")
    b = desk.organizations.create(name="B")
    changes = desk.organizations.update_many([a.id, b.id], status="paused")
    assert {c.record_id for c in changes} == {a.id, b.id}
    with pytest.raises(ValidationError):
        desk.organizations.update_many([a.id, b.id], status="sleeping")
    assert {o.status for o in desk.organizations.list()} == {"paused"}


def test_missing_record_is_a_clear_error(desk: Desk) -> None:
    with pytest.raises(NotFoundError):
        desk.contacts.get("nope")


def test_lists_sort_filter_and_page_in_sql(desk: Desk) -> None:
    for name in ("Cedar Clinic", "Ash Food Bank", "Birch School"):
        desk.organizations.create(name=name)
    assert [o.name for o in desk.organizations.list()] == [
        "Ash Food Bank", "Birch School", "Cedar Clinic"]
    assert [o.name for o in desk.organizations.list(descending=True, limit=1)] == [
        "Cedar Clinic"]
    assert [o.name for o in desk.organizations.list(limit=1, offset=1)] == ["Birch School"]
    assert [o.name for o in desk.organizations.list(text="food")] == ["Ash Food Bank"]


def test_default_categories_have_the_same_ids_everywhere(new_desk, tmp_path) -> None:
    """Two new databases (copies of the migrated template, seeded on first open)."""
    a, b = new_desk(tmp_path / "a.db"), new_desk(tmp_path / "b.db")
    assert {c.id for c in a.categories.list()} == {c.id for c in b.categories.list()}
    assert a.store.device_id != b.store.device_id


def test_a_tag_typed_on_two_laptops_is_one_tag(new_desk, tmp_path) -> None:
    a, b = new_desk(tmp_path / "a.db"), new_desk(tmp_path / "b.db")
    a.contacts.create(name="A", tags=["Board"])
    b.organizations.create(name="B", tags=["Board"])
    assert [t.id for t in a.tags.list()] == [t.id for t in b.tags.list()]


def test_list_filter_folds_accents_and_matches_word_prefixes(desk: Desk) -> None:
    desk.contacts.create(name="Zoë García")
    desk.contacts.create(name="José Núñez")
    assert [c.name for c in desk.contacts.list(text="zoe")] == ["Zoë García"]
    assert [c.name for c in desk.contacts.list(text="garc zo")] == ["Zoë García"]
    assert [c.name for c in desk.contacts.list(text="nunez")] == ["José Núñez"]
    assert desk.contacts.count(text="jos") == 1


def test_a_page_counted_from_the_end_is_the_reverse_of_the_same_page(desk: Desk) -> None:
    for number in range(7):
        desk.contacts.create(name="Same name" if number < 5 else f"Name {number}")
    forward = desk.contacts.list(limit=3, offset=2)
    backward = desk.contacts.list(limit=3, offset=7 - 5, descending=True)
    assert [c.id for c in forward] == [c.id for c in reversed(backward)]


def test_filtered_counts_agree_with_the_lists(demo_desk: Desk) -> None:
    some = demo_desk.contacts.list(text="a")[0]
    before = demo_desk.contacts.count(text="a")
    assert before == len(demo_desk.contacts.list(text="a"))
    demo_desk.contacts.delete(some.id)
    assert demo_desk.contacts.count(text="a") == before - 1


def test_live_counts_leave_out_deleted_rows(desk: Desk) -> None:
    """Counts read a partial index of deleted rows; they must agree with the rows."""
    ids = [desk.organizations.create(name=f"Pantry {i}").id for i in range(5)]
    desk.organizations.delete(ids[0], ids[1])
    assert desk.organizations.count() == 3 == len(desk.organizations.list())
    assert desk.organizations.count(deleted=True) == 2
    assert desk.stats()["organizations"] == 3
    desk.organizations.restore(ids[0])
    assert desk.organizations.count() == 4 and desk.organizations.count(deleted=True) == 1
    assert desk.organizations.count(where={"name": "Pantry 2"}) == 1


def test_filtered_pages_are_the_same_walked_in_order_or_fetched_and_sorted(
        demo_desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """A filter matching many rows walks the sort index; the pages must not change."""
    from partnerdesk.services.records import RecordService

    def pages(walk: bool) -> list[list[str]]:
        monkeypatch.setattr(RecordService, "_many_match", lambda *_args: walk)
        found = []
        for text in ("a", "ma", "food", "zzz"):
            for order_by in ("name", "role", "last_contacted"):
                for descending in (False, True):
                    for offset in (0, 7):
                        found.append([c.id for c in demo_desk.contacts.list(
                            text=text, order_by=order_by, descending=descending, limit=5,
                            offset=offset)])
        return found

    walked, fetched = pages(True), pages(False)
    assert walked == fetched
    assert any(walked)


def test_a_filter_first_page_and_count_are_those_of_count_and_list(desk: Desk) -> None:
    """A list's first screen after a key press (`first_page`: one statement on
    PostgreSQL, sorted by the search index's titles) shows the same count and the same
    rows in the same order as counting and listing them; ties on the name by id."""
    from partnerdesk.services.demo import load_demo

    load_demo(desk, scale=2, today=TODAY)  # about 2,000 contacts
    contacts = desk.contacts
    same = [contacts.create(name="Zed Same", role="Volunteer").id for _ in range(4)]
    contacts.delete(same[0])
    for text in ("a", "m", "ma", "z", "zed", "zoe", "garc zo", "VOLUN", "zzzz"):
        for order_by in (None, "name", "role", "last_contacted"):
            for descending in (False, True):
                count, rows = contacts.first_page(text=text, order_by=order_by,
                                                  descending=descending, limit=7,
                                                  bookkeeping=False)
                assert count == contacts.count(text=text), text
                assert [c.id for c in rows] == [c.id for c in contacts.list(
                    text=text, order_by=order_by, descending=descending, limit=7)], text
    count, rows = contacts.first_page(text="zed same", limit=7)
    assert count == 3 and [c.id for c in rows] == sorted(same[1:])
    assert same[0] not in {c.id for c in contacts.first_page(text="z", limit=10_000)[1]}
    assert contacts.first_page(text="zzzz", limit=7) == (0, [])


def test_list_pages_for_the_screen_leave_the_bookkeeping_out(demo_desk: Desk) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    light = demo_desk.contacts.list(limit=3, bookkeeping=False)
    full = demo_desk.contacts.list(limit=3)
    assert [c.name for c in light] == [c.name for c in full]
    assert light[0].emails == full[0].emails
    with pytest.raises(SQLAlchemyError):
        _ = light[0].stamps  # never silently empty: a merge must not read these


def test_lookup_gives_one_field_by_id(demo_desk: Desk) -> None:
    orgs = demo_desk.organizations.list(limit=3)
    found = demo_desk.organizations.lookup({o.id for o in orgs} | {""}, "name")
    assert found == {o.id: o.name for o in orgs}
    assert demo_desk.organizations.lookup(set(), "name") == {}


def test_a_save_reads_the_conflicts_listed_for_its_record_with_the_record(
        desk: Desk) -> None:
    """On an office database the row and the conflicts listed for it come in one
    statement (a round trip less per save): what a save counts as seen is what the
    conflicts list holds, as when they are read on their own."""
    from partnerdesk.db import records as r
    from partnerdesk.db.local import Conflict

    ida = desk.contacts.create(name="Ida Brandt", role="Nurse")
    other = desk.contacts.create(name="Jon Moss")
    with desk.store.write() as writer:
        writer.session.add_all([
            Conflict(record_type="contact", record_id=ida.id, field="role",
                     lost_value="Nurse", lost_stamp=[3, "laptop-b"],
                     won_value="Head nurse", won_stamp=[4, "laptop-a"]),
            Conflict(record_type="contact", record_id=ida.id, field="_deleted",
                     lost_stamp=[5, "laptop-b"], won_stamp=[]),
            Conflict(record_type="contact", record_id=other.id, field="role",
                     lost_stamp=[9, "laptop-c"], won_stamp=[8, "laptop-a"])])
    with desk.store.write() as writer:
        row = writer.locked(r.Contact, ida.id)
        assert row is not None and row.name == "Ida Brandt"
        seen = writer._listed_for(row)
        assert seen == writer.listed("contact", [ida.id])[ida.id]
        assert sorted(seen) == ["_alive", "role"]
        assert sorted(map(tuple, seen["role"])) == [(3, "laptop-b"), (4, "laptop-a")]
        assert writer.locked(r.Contact, "no-such-id") is None
    desk.contacts.update(ida.id, rev=ida.rev, role="Charge nurse")
    assert desk.contacts.get(ida.id).role == "Charge nurse"
