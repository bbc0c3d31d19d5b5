"""Whole saves by several people at once: a partnership, meeting or agreement saved with
its child rows from a stale copy goes through the same field-level rule as a single save
(`services.edit_clash`): nothing another person saved meanwhile is overwritten unseen.

Runs on SQLite (two windows of one PartnerDesk) and on PostgreSQL (two people, each a
separate session on the office database)."""

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest

from partnerdesk.errors import EditClash
from partnerdesk.services import Desk
from partnerdesk.services.whole_save import ChildChanges as New
from tests.services.test_whole_saves import records_dump


@pytest.fixture
def colleague(desk: Desk) -> Iterator[Desk]:
    """Another person on the same database (a session of their own)."""
    other = Desk.open(desk.location)
    yield other
    other.close()


@pytest.fixture
def ship(desk: Desk) -> Any:
    hospital = desk.organizations.create(name="Mercy General Hospital", kind="hospital")
    return desk.partnerships.save(
        {"title": "Food as Medicine", "status": "forming", "goals": "Fifty boxes a week."},
        members=New(new=[{"organization_id": hospital.id, "role": "Funder"}]),
        milestones=New(new=[{"title": "First 50 boxes", "due_date": date(2026, 9, 30)}]))


def screen(desk: Desk, partnership_id: str) -> tuple[dict[str, Any], str, Any]:
    """What an editor holds after opening the partnership: every field, its revision and
    its first milestone (with that row's revision)."""
    row = desk.partnerships.get(partnership_id)
    values = {name: getattr(row, name) for name in ("title", "status", "goals")}
    [milestone] = desk.milestones.list(where={"partnership_id": partnership_id})
    return values, row.rev, milestone


def test_a_stale_copy_saves_only_what_its_person_changed(
        desk: Desk, colleague: Desk, ship: Any) -> None:
    mine, opened, _ = screen(desk, ship.id)
    colleague.partnerships.save({"title": "Food as Medicine 2026"}, ship.id)
    # The editor sends every field, the title as it was when opened.
    desk.partnerships.save({**mine, "status": "active"}, ship.id, rev=opened)
    saved = desk.partnerships.get(ship.id)
    assert (saved.title, saved.status) == ("Food as Medicine 2026", "active")


def test_a_field_both_changed_is_a_clash_with_both_values_and_nothing_is_saved(
        desk: Desk, colleague: Desk, ship: Any) -> None:
    mine, opened, milestone = screen(desk, ship.id)
    colleague.partnerships.save({"goals": "Eighty boxes a week."}, ship.id)
    before = records_dump(desk)
    with pytest.raises(EditClash) as clash:
        desk.partnerships.save(
            {**mine, "goals": "Sixty boxes a week."}, ship.id, rev=opened,
            milestones=New(new=[{"title": "Second 50 boxes"}]))
    assert clash.value.fields == {"goals": ("Sixty boxes a week.", "Eighty boxes a week.")}
    assert not clash.value.deleted
    assert records_dump(desk) == before  # not the new milestone either
    # The person keeps theirs: saving against the revision the clash gave goes through.
    desk.partnerships.save({**mine, "goals": "Sixty boxes a week."}, ship.id,
                           rev=clash.value.rev)
    assert desk.partnerships.get(ship.id).goals == "Sixty boxes a week."


def test_a_child_row_both_changed_is_a_clash_naming_the_row(
        desk: Desk, colleague: Desk, ship: Any) -> None:
    mine, opened, milestone = screen(desk, ship.id)
    colleague.partnerships.save({"title": "Food as Medicine"}, ship.id, milestones=New(
        changed={milestone.id: {"title": "First 40 boxes"}}))
    before = records_dump(desk)
    with pytest.raises(EditClash) as clash:
        desk.partnerships.save({**mine, "status": "active"}, ship.id, rev=opened,
                               milestones=New(changed={milestone.id: {"title": "First 60"}},
                                              revs={milestone.id: milestone.rev}))
    assert clash.value.fields == {}
    row_clash = clash.value.rows[("milestones", milestone.id)]
    assert row_clash.fields == {"title": ("First 60", "First 40 boxes")}
    assert "title" in str(clash.value)
    assert records_dump(desk) == before  # the status neither
    desk.partnerships.save({**mine, "status": "active"}, ship.id, rev=clash.value.rev,
                           milestones=New(changed={milestone.id: {"title": "First 60"}},
                                          revs={milestone.id: row_clash.rev}))
    assert desk.milestones.get(milestone.id).title == "First 60"
    assert desk.partnerships.get(ship.id).status == "active"


def test_different_fields_of_a_child_row_both_go_through(
        desk: Desk, colleague: Desk, ship: Any) -> None:
    mine, opened, milestone = screen(desk, ship.id)
    colleague.milestones.update(milestone.id, rev=milestone.rev, due_date=date(2026, 10, 31))
    # The stale copy sends the whole row, its due date as it was opened.
    desk.partnerships.save(mine, ship.id, rev=opened, milestones=New(
        changed={milestone.id: {"title": "First 60 boxes", "due_date": date(2026, 9, 30)}},
        revs={milestone.id: milestone.rev}))
    saved = desk.milestones.get(milestone.id)
    assert (saved.title, saved.due_date) == ("First 60 boxes", date(2026, 10, 31))


def test_saving_a_partnership_someone_removed_is_refused(
        desk: Desk, colleague: Desk, ship: Any) -> None:
    mine, opened, _ = screen(desk, ship.id)
    colleague.partnerships.delete(ship.id)
    with pytest.raises(EditClash) as clash:
        desk.partnerships.save({**mine, "status": "active"}, ship.id, rev=opened)
    assert clash.value.deleted
    assert desk.partnerships.get(ship.id).status == "forming"


def test_meetings_and_agreements_keep_the_other_persons_fields(
        desk: Desk, colleague: Desk, ship: Any) -> None:
    meeting = desk.meetings.save({"title": "Kick-off", "starts_at": datetime(2026, 6, 20, 14),
                                  "location": "Hall B"})
    colleague.meetings.save({"title": "Kick-off", "starts_at": datetime(2026, 6, 20, 14),
                             "location": "Room 4"}, meeting.id)
    desk.meetings.save({"title": "Kick-off meeting", "starts_at": datetime(2026, 6, 20, 14),
                        "location": "Hall B"}, meeting.id, rev=meeting.record.rev)
    saved = desk.meetings.get(meeting.id)
    assert (saved.title, saved.location) == ("Kick-off meeting", "Room 4")

    agreement = desk.agreements.save({"title": "Referral MOU", "partnership_id": ship.id,
                                      "renewal_terms": "Yearly."})
    colleague.agreements.save({"title": "Referral MOU", "partnership_id": ship.id,
                               "renewal_terms": "Every two years."}, agreement.id)
    with pytest.raises(EditClash) as clash:
        desk.agreements.save({"title": "Referral MOU", "partnership_id": ship.id,
                              "renewal_terms": "Every three years."}, agreement.id,
                             rev=agreement.record.rev)
    assert clash.value.fields == {"renewal_terms": ("Every three years.",
                                                    "Every two years.")}
    assert desk.agreements.get(agreement.id).renewal_terms == "Every two years."


def test_removing_a_row_someone_changed_meanwhile_is_a_clash_until_saved_again(
        desk: Desk, colleague: Desk, ship: Any) -> None:
    """Bea changes a milestone; Ana, who read it before, removes it in her save: Bea's
    change is not thrown away unseen. Ana is told what Bea saved, and her next save
    (against the revision the clash gives) removes it."""
    mine, opened, milestone = screen(desk, ship.id)
    colleague.milestones.update(milestone.id, rev=milestone.rev, title="First 60 boxes")
    before = records_dump(desk)
    removal = New(removed=[milestone.id], revs={milestone.id: milestone.rev})
    with pytest.raises(EditClash, match="A row you removed was changed") as clash:
        desk.partnerships.save({**mine, "status": "active"}, ship.id, rev=opened,
                               milestones=removal)
    row_clash = clash.value.rows[("milestones", milestone.id)]
    assert row_clash.removed_here and not row_clash.deleted
    assert row_clash.fields == {"title": ("First 50 boxes", "First 60 boxes")}
    assert records_dump(desk) == before  # nothing of the save, the status neither
    desk.partnerships.save({**mine, "status": "active"}, ship.id, rev=clash.value.rev,
                           milestones=New(removed=[milestone.id],
                                          revs={milestone.id: row_clash.rev}))
    assert colleague.milestones.get(milestone.id).deleted
    assert colleague.partnerships.get(ship.id).status == "active"


def test_removing_a_row_as_read_or_removed_meanwhile_goes_through(
        desk: Desk, colleague: Desk, ship: Any) -> None:
    mine, opened, milestone = screen(desk, ship.id)
    colleague.partnerships.save({"title": "Food as Medicine"}, ship.id,
                                milestones=New(removed=[milestone.id]))
    desk.partnerships.save(mine, ship.id, rev=opened, milestones=New(
        removed=[milestone.id], revs={milestone.id: milestone.rev}))
    assert desk.milestones.get(milestone.id).deleted
    other = desk.milestones.create(partnership_id=ship.id, title="Second 50 boxes")
    mine, opened, _ = screen(desk, ship.id)
    desk.partnerships.save(mine, ship.id, rev=opened, milestones=New(
        removed=[other.id], revs={other.id: other.rev}))
    assert colleague.milestones.get(other.id).deleted


def test_a_row_someone_removed_while_it_was_changed_comes_back_once_saved_again(
        desk: Desk, colleague: Desk, ship: Any) -> None:
    """Bea removes a milestone Ana is changing: Ana's save says so and writes nothing;
    saving again (she saw the removal) brings the row back with her change, as an edit
    beats a deletion it had not seen between laptops."""
    mine, opened, milestone = screen(desk, ship.id)
    colleague.partnerships.save({"title": "Food as Medicine"}, ship.id,
                                milestones=New(removed=[milestone.id]))
    change = {milestone.id: {"title": "First 60 boxes"}}
    with pytest.raises(EditClash) as clash:
        desk.partnerships.save(mine, ship.id, rev=opened, milestones=New(
            changed=change, revs={milestone.id: milestone.rev}))
    row_clash = clash.value.rows[("milestones", milestone.id)]
    assert row_clash.deleted
    assert desk.milestones.get(milestone.id).deleted  # nothing written yet
    desk.partnerships.save(mine, ship.id, rev=clash.value.rev, milestones=New(
        changed=change, revs={milestone.id: row_clash.rev}))
    back = colleague.milestones.get(milestone.id)
    assert not back.deleted and back.title == "First 60 boxes"
    assert [m.id for m in colleague.milestones.list(where={"partnership_id": ship.id})] \
        == [milestone.id]
