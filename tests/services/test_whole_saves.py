"""Whole saves: a partnership, agreement or meeting and its child rows land in one step or
not at all, and the child-row rules live in the services."""

import sqlite3
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from partnerdesk.db import records as r
from partnerdesk.errors import NotFoundError, RowProblem, ValidationError
from partnerdesk.services import Change, Desk
from partnerdesk.services.store import Writer
from partnerdesk.services.whole_save import ChildChanges
from tests.sharing.conftest import dump

New = ChildChanges


def files_in(desk: Desk) -> list[Path]:
    folder = desk.attachments.folder
    return sorted(folder.rglob("*")) if folder.exists() else []


def records_dump(desk: Desk) -> list[tuple[str, list[tuple[object, ...]]]]:
    """`dump`, less an office database's change counter: there each save takes its number
    outside its transaction (so ten people never queue on one row), and a failed save
    leaves only a gap in the numbers."""
    rows = dump(desk)
    if desk.address is None:
        return rows
    return [(table, [row for row in content if table != "settings"
                     or row[0] != "lamport_counter"]) for table, content in rows]


@pytest.fixture
def nothing_changes(desk: Desk) -> Iterator[Callable[..., pytest.ExceptionInfo[Any]]]:
    """`nothing_changes(error, save, *args, **kwargs)`: the save raises and the database,
    the attachments folder and the change notices are exactly as they were."""
    notices: list[list[Change]] = []
    desk.subscribe(notices.append)

    def check(error: type[BaseException], save: Callable[..., Any], *args: Any,
              **kwargs: Any) -> pytest.ExceptionInfo[Any]:
        before, files, seen = records_dump(desk), files_in(desk), len(notices)
        with pytest.raises(error) as raised:
            save(*args, **kwargs)
        assert records_dump(desk) == before
        assert files_in(desk) == files
        assert len(notices) == seen
        return raised

    yield check


def fail_on(monkeypatch: pytest.MonkeyPatch, model: type[Any], after: int = 0) -> None:
    """The writer fails (as a full disk would) when it creates the `after`+1-th `model` row."""
    original = Writer.create
    count = {"n": 0}

    def create(self: Writer, kind: type[Any], values: dict[str, Any],
               record_id: str | None = None) -> Any:
        if kind is model:
            count["n"] += 1
            if count["n"] > after:
                raise sqlite3.OperationalError("database or disk is full")
        return original(self, kind, values, record_id)

    monkeypatch.setattr(Writer, "create", create)


@pytest.fixture
def people(desk: Desk) -> dict[str, str]:
    hospital = desk.organizations.create(name="Mercy General Hospital", kind="hospital")
    clinic = desk.organizations.create(name="Riverside Family Clinic", kind="clinic")
    lan = desk.contacts.create(name="Nguyễn Thị Lan", organization_id=clinic.id)
    renee = desk.contacts.create(name="Renee Dubois", organization_id=hospital.id)
    return {"hospital": hospital.id, "clinic": clinic.id, "lan": lan.id, "renee": renee.id}


# -- partnerships ----------------------------------------------------------------------
def new_partnership(desk: Desk, people: dict[str, str]) -> Any:
    indicator = str(uuid.uuid4())
    return desk.partnerships.save(
        {"title": "Food as Medicine", "status": "active", "tags": ["food"]},
        members=New(new=[{"organization_id": people["hospital"], "role": "Funder"},
                         {"organization_id": people["clinic"],
                          "lead_contact_id": people["lan"]}]),
        milestones=New(new=[{"title": "First 50 boxes", "due_date": date(2026, 9, 30)},
                            {"title": "Kick-off", "done": True}]),
        indicators=New(new=[{"id": indicator, "name": "People enrolled", "target": 80.0}]),
        measurements=New(new=[
            {"indicator_id": indicator, "measured_on": date(2026, 1, 31), "value": 12.0},
            {"indicator_id": indicator, "measured_on": date(2026, 3, 31), "value": 45.0}]))


def test_partnership_is_saved_whole_in_one_step(desk: Desk, people: dict[str, str]) -> None:
    notices: list[list[Change]] = []
    desk.subscribe(notices.append)
    ticked_on = date.today()  # the save may run past midnight
    saved = new_partnership(desk, people)

    assert len(notices) == 1  # one transaction, one change notice
    ship = desk.partnerships.get(saved.id)
    assert (ship.title, ship.status) == ("Food as Medicine", "active")
    assert [t.name for t in desk.tags.list()] == ["food"]
    assert {m.organization_id for m in desk.partnership_members.list(
        where={"partnership_id": ship.id})} == {people["hospital"], people["clinic"]}
    milestones = {m.title: m for m in desk.milestones.list(where={"partnership_id": ship.id})}
    assert ticked_on <= milestones["Kick-off"].done_date <= date.today()  # its own rule
    [indicator] = desk.indicators.list(where={"partnership_id": ship.id})
    assert saved.created["indicators"] == (indicator.id,)
    assert [m.value for m in desk.measurements.list(
        where={"indicator_id": indicator.id}, order_by="measured_on")] == [12.0, 45.0]
    assert set(saved.created["measurements"]) == {
        m.id for m in desk.measurements.list()}
    assert len(saved.created["members"]) == 2 and len(saved.created["milestones"]) == 2


def test_last_child_row_invalid_refuses_a_new_partnership_whole(
        desk: Desk, people: dict[str, str], nothing_changes: Any) -> None:
    indicator = str(uuid.uuid4())
    raised = nothing_changes(
        ValidationError, desk.partnerships.save, {"title": "Food as Medicine"},
        members=New(new=[{"organization_id": people["hospital"]}]),
        milestones=New(new=[{"title": "Kick-off"}]),
        indicators=New(new=[{"id": indicator, "name": "People enrolled"}]),
        measurements=New(new=[
            {"indicator_id": indicator, "measured_on": date(2026, 1, 31), "value": 12.0},
            {"indicator_id": indicator, "measured_on": date(2026, 3, 31), "value": "lots"}]))
    [problem] = raised.value.problems
    assert isinstance(problem, RowProblem)
    assert (problem.field, problem.new_index, problem.row_field) == ("measurements", 1,
                                                                     "value")
    assert problem.message == "New measurement “31 Mar 2026”: Enter a number."


def test_failure_inside_the_transaction_leaves_nothing_of_an_update(
        desk: Desk, people: dict[str, str], nothing_changes: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    saved = new_partnership(desk, people)
    [indicator] = desk.indicators.list()
    kick_off = next(m for m in desk.milestones.list() if m.title == "Kick-off")
    member = desk.partnership_members.list()[0]
    fail_on(monkeypatch, r.Measurement)  # the last row written fails
    nothing_changes(
        sqlite3.OperationalError, desk.partnerships.save,
        {"title": "Food as Medicine, year 2"}, saved.id,
        members=New(removed=[member.id]),
        milestones=New(changed={kick_off.id: {"title": "Kick-off meeting"}},
                       new=[{"title": "Second 50 boxes"}]),
        indicators=New(changed={indicator.id: {"target": 100.0}}),
        measurements=New(new=[{"indicator_id": indicator.id,
                               "measured_on": date(2026, 5, 31), "value": 61.0}]))


def test_only_changed_fields_travel(desk: Desk, people: dict[str, str]) -> None:
    saved = new_partnership(desk, people)
    milestone = next(m for m in desk.milestones.list() if m.title == "First 50 boxes")
    # Meanwhile someone else moves the due date (another window, a partner's bundle).
    desk.milestones.update(milestone.id, due_date=date(2026, 10, 31))
    desk.partnerships.save({"title": "Food as Medicine"}, saved.id,
                           milestones=New(changed={milestone.id: {"title": "First 60 boxes"}}))
    milestone = desk.milestones.get(milestone.id)
    assert (milestone.title, milestone.due_date) == ("First 60 boxes", date(2026, 10, 31))
    assert [e.changed_fields for e in desk.milestones.history(milestone.id)][0] == ["title"]


def test_removing_an_indicator_removes_its_measurements(desk: Desk,
                                                        people: dict[str, str]) -> None:
    saved = new_partnership(desk, people)
    [indicator] = desk.indicators.list()
    # One added elsewhere, which the caller does not know about, goes too.
    desk.measurements.create(indicator_id=indicator.id, measured_on=date(2026, 4, 30),
                             value=50.0)
    desk.partnerships.save({"title": "Food as Medicine"}, saved.id,
                           indicators=New(removed=[indicator.id]))
    assert desk.indicators.count() == 0 and desk.measurements.count() == 0
    assert desk.measurements.count(deleted=True) == 3  # tombstones, restorable
    assert desk.indicators.get(indicator.id).deleted


def test_a_measurement_must_belong_to_an_indicator_of_the_partnership(
        desk: Desk, people: dict[str, str], nothing_changes: Any) -> None:
    saved = new_partnership(desk, people)
    [indicator] = desk.indicators.list()
    other = desk.partnerships.create(title="Backup power")
    theirs = desk.indicators.create(partnership_id=other.id, name="Generators")
    raised = nothing_changes(
        ValidationError, desk.partnerships.save, {"title": "Food as Medicine"}, saved.id,
        measurements=New(new=[{"indicator_id": theirs.id, "measured_on": date(2026, 5, 1),
                               "value": 2.0}]))
    assert "no indicator of this partnership" in raised.value.problems[0].message
    raised = nothing_changes(
        ValidationError, desk.partnerships.save, {"title": "Food as Medicine"}, saved.id,
        indicators=New(removed=[indicator.id]),
        measurements=New(new=[{"indicator_id": indicator.id,
                               "measured_on": date(2026, 5, 1), "value": 2.0}]))
    assert "an indicator that this save removes" in raised.value.problems[0].message
    measurement = desk.measurements.list(where={"indicator_id": indicator.id})[0]
    nothing_changes(ValidationError, desk.partnerships.save, {"title": "Backup power"},
                    other.id, measurements=New(removed=[measurement.id]))


def test_an_organization_is_a_partner_once(desk: Desk, people: dict[str, str],
                                           nothing_changes: Any) -> None:
    saved = new_partnership(desk, people)
    raised = nothing_changes(
        ValidationError, desk.partnerships.save, {"title": "Food as Medicine"}, saved.id,
        members=New(new=[{"organization_id": people["clinic"], "role": "Provider"}]))
    assert raised.value.problems[0].message == "Riverside Family Clinic is already a partner."
    # Taking a partner off and back on in one save is fine.
    member = next(m for m in desk.partnership_members.list()
                  if m.organization_id == people["clinic"])
    desk.partnerships.save({"title": "Food as Medicine"}, saved.id, members=New(
        removed=[member.id], new=[{"organization_id": people["clinic"], "role": "Provider"}]))
    assert {m.role for m in desk.partnership_members.list(
        where={"organization_id": people["clinic"]})} == {"Provider"}


def test_rows_of_another_record_cannot_be_changed_or_removed(
        desk: Desk, people: dict[str, str], nothing_changes: Any) -> None:
    saved = new_partnership(desk, people)
    other = desk.partnerships.create(title="Backup power")
    milestone = desk.milestones.list()[0]
    for changes in (New(removed=[milestone.id]),
                    New(changed={milestone.id: {"title": "Mine now"}}),
                    New(removed=["no-such-id"])):
        raised = nothing_changes(ValidationError, desk.partnerships.save,
                                 {"title": "Backup power"}, other.id, milestones=changes)
        assert "no longer there" in raised.value.problems[0].message
    assert desk.milestones.get(milestone.id).partnership_id == saved.id


def test_every_problem_is_named_and_the_record_is_checked_too(
        desk: Desk, people: dict[str, str], nothing_changes: Any) -> None:
    raised = nothing_changes(
        ValidationError, desk.partnerships.save, {"title": "", "review_every_months": 99},
        milestones=New(new=[{"title": "Kick-off"}, {"title": "x" * 301}]),
        members=New(new=[{"organization_id": "gone"}]))
    fields = [(p.field, getattr(p, "new_index", None)) for p in raised.value.problems]
    assert ("title", None) in fields and ("review_every_months", None) in fields
    assert ("milestones", 1) in fields and ("members", 0) in fields
    message = raised.value.for_field("milestones")
    assert message is not None and message.startswith("New milestone “xxx")
    assert "the limit is 300" in message


def test_saving_a_partnership_that_is_gone_is_a_clear_error(desk: Desk,
                                                            nothing_changes: Any) -> None:
    nothing_changes(NotFoundError, desk.partnerships.save, {"title": "X"}, "no-such-id",
                    milestones=New(new=[{"title": "Kick-off"}]))


# -- agreements ------------------------------------------------------------------------
def test_agreement_is_saved_whole_with_its_file(desk: Desk, people: dict[str, str],
                                               tmp_path: Path) -> None:
    signed = tmp_path / "signed MOU.pdf"
    signed.write_bytes(b"%PDF-1.4 signed copy")
    saved = desk.agreements.save(
        {"title": "Food as Medicine MOU", "status": "signed"},
        parties=New(new=[{"organization_id": people["hospital"], "role": "Funder"},
                         {"organization_id": people["clinic"], "role": "Provider"}]),
        obligations=New(new=[{"organization_id": people["clinic"],
                              "description": "Share monthly referral numbers",
                              "frequency": "monthly"}]),
        signatories=New(new=[{"contact_id": people["renee"], "signed_on": date(2026, 6, 1)}]),
        attachments=New(new=[{"path": signed}]))
    assert desk.agreements.get(saved.id).status == "signed"
    assert desk.agreement_parties.count(where={"agreement_id": saved.id}) == 2
    assert desk.obligations.count(where={"agreement_id": saved.id}) == 1
    assert desk.signatories.count(where={"agreement_id": saved.id}) == 1
    [attachment] = desk.attachments.for_record(saved.id)
    assert (attachment.filename, attachment.record_type) == ("signed MOU.pdf", "agreement")
    assert desk.attachments.path_of(attachment).read_bytes() == b"%PDF-1.4 signed copy"
    assert saved.created["attachments"] == (attachment.id,)

    desk.agreements.save({"title": "Food as Medicine MOU"}, saved.id,
                         attachments=New(removed=[attachment.id]))
    assert desk.attachments.for_record(saved.id) == []
    assert desk.attachments.get(attachment.id).deleted


def test_failure_on_the_last_row_leaves_no_agreement_and_no_copied_file(
        desk: Desk, people: dict[str, str], tmp_path: Path, nothing_changes: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    signed = tmp_path / "signed MOU.pdf"
    signed.write_bytes(b"%PDF-1.4 the only copy")
    fail_on(monkeypatch, r.Attachment)  # attachments are written last
    nothing_changes(
        sqlite3.OperationalError, desk.agreements.save, {"title": "Food as Medicine MOU"},
        parties=New(new=[{"organization_id": people["hospital"]}]),
        obligations=New(new=[{"description": "Share referral numbers"}]),
        signatories=New(new=[{"contact_id": people["renee"]}]),
        attachments=New(new=[{"path": signed}]))
    assert signed.read_bytes() == b"%PDF-1.4 the only copy"  # the person's file is theirs


def test_a_missing_file_refuses_the_agreement_save(desk: Desk, people: dict[str, str],
                                                   tmp_path: Path,
                                                   nothing_changes: Any) -> None:
    present = tmp_path / "annex.pdf"
    present.write_bytes(b"%PDF-1.4 annex")
    raised = nothing_changes(
        ValidationError, desk.agreements.save, {"title": "Food as Medicine MOU"},
        signatories=New(new=[{"contact_id": people["renee"]}]),
        attachments=New(new=[{"path": present}, {"path": tmp_path / "gone.pdf"}]))
    [problem] = raised.value.problems
    assert (problem.field, problem.new_index) == ("attachments", 1)
    assert "There is no file at" in problem.message and "gone.pdf" in problem.message


def test_a_refused_status_step_saves_none_of_the_rows(desk: Desk, people: dict[str, str],
                                                      nothing_changes: Any) -> None:
    saved = desk.agreements.save({"title": "Shared space MOU", "status": "terminated"})
    raised = nothing_changes(
        ValidationError, desk.agreements.save,
        {"title": "Shared space MOU", "status": "active"}, saved.id,
        parties=New(new=[{"organization_id": people["hospital"]}]))
    assert "cannot go from Terminated to Active" in str(raised.value)


def test_an_organization_is_a_party_once(desk: Desk, people: dict[str, str],
                                         nothing_changes: Any) -> None:
    raised = nothing_changes(
        ValidationError, desk.agreements.save, {"title": "MOU"},
        parties=New(new=[{"organization_id": people["hospital"], "role": "Funder"},
                         {"organization_id": people["hospital"], "role": "Provider"}]))
    assert raised.value.problems[0].message == "Mercy General Hospital is already a party."


# -- meetings --------------------------------------------------------------------------
def test_meeting_is_saved_whole_and_its_items_take_its_partnership(
        desk: Desk, people: dict[str, str]) -> None:
    ship = desk.partnerships.create(title="Food as Medicine")
    ticked_on = date.today()  # the save may run past midnight
    saved = desk.meetings.save(
        {"title": "Kick-off", "starts_at": datetime(2026, 6, 20, 14),
         "partnership_id": ship.id},
        attendees=New(new=[{"contact_id": people["lan"]}, {"contact_id": people["renee"]}]),
        action_items=New(new=[{"description": "Send the referral form",
                               "owner_contact_id": people["renee"], "done": True}]))
    assert {a.contact_id for a in desk.meeting_attendees.list(
        where={"meeting_id": saved.id})} == {people["lan"], people["renee"]}
    [item] = desk.action_items.list(where={"meeting_id": saved.id})
    assert item.partnership_id == ship.id and ticked_on <= item.done_date <= date.today()


def test_last_action_item_failing_leaves_no_meeting(desk: Desk, people: dict[str, str],
                                                    nothing_changes: Any) -> None:
    raised = nothing_changes(
        ValidationError, desk.meetings.save,
        {"title": "Kick-off", "starts_at": datetime(2026, 6, 20, 14)},
        attendees=New(new=[{"contact_id": people["lan"]}]),
        action_items=New(new=[{"description": "Send the referral form"},
                              {"description": "Book the hall", "owner_contact_id": "gone"}]))
    [problem] = raised.value.problems
    assert problem.message == ("New action item “Book the hall”: The linked record no "
                               "longer exists.")


def test_failure_inside_the_transaction_leaves_no_meeting(
        desk: Desk, people: dict[str, str], nothing_changes: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    fail_on(monkeypatch, r.ActionItem, after=1)  # the second (last) item fails
    nothing_changes(
        sqlite3.OperationalError, desk.meetings.save,
        {"title": "Kick-off", "starts_at": datetime(2026, 6, 20, 14)},
        attendees=New(new=[{"contact_id": people["lan"]}]),
        action_items=New(new=[{"description": "Send the referral form"},
                              {"description": "Book the hall"}]))


def test_a_person_attends_once(desk: Desk, people: dict[str, str]) -> None:
    saved = desk.meetings.save(
        {"title": "Kick-off", "starts_at": datetime(2026, 6, 20, 14)},
        attendees=New(new=[{"contact_id": people["lan"]}, {"contact_id": people["lan"]}]))
    [link] = desk.meeting_attendees.list(where={"meeting_id": saved.id})
    # Listed again (say, from another window): still one link.
    desk.meetings.save({"title": "Kick-off", "starts_at": datetime(2026, 6, 20, 14)},
                       saved.id, attendees=New(new=[{"contact_id": people["lan"]},
                                                    {"contact_id": people["renee"]}]))
    assert sorted(a.contact_id for a in desk.meeting_attendees.list(
        where={"meeting_id": saved.id})) == sorted([people["lan"], people["renee"]])
    # Taken off, the link is a tombstone that travels; put back, the person attends again.
    desk.meetings.save({"title": "Kick-off", "starts_at": datetime(2026, 6, 20, 14)},
                       saved.id, attendees=New(removed=[link.id]))
    assert desk.meeting_attendees.get(link.id).deleted
    desk.meetings.save({"title": "Kick-off", "starts_at": datetime(2026, 6, 20, 14)},
                       saved.id, attendees=New(new=[{"contact_id": people["lan"]}]))
    assert desk.meeting_attendees.count(where={"meeting_id": saved.id,
                                               "contact_id": people["lan"]}) == 1


def test_carried_over_item_is_moved_not_copied(desk: Desk, people: dict[str, str]) -> None:
    ship = desk.partnerships.create(title="Food as Medicine")
    may = desk.meetings.create(title="May check-in", starts_at=datetime(2026, 5, 10, 10),
                               partnership_id=ship.id)
    item = desk.action_items.create(description="Book the hall", meeting_id=may.id,
                                    partnership_id=ship.id)
    saved = desk.meetings.save(
        {"title": "June check-in", "starts_at": datetime(2026, 6, 10, 10),
         "partnership_id": ship.id},
        action_items=New(changed={item.id: {"meeting_id": None}}))
    assert desk.action_items.get(item.id).meeting_id == saved.id
    assert desk.action_items.count() == 1
    assert desk.action_items.history(item.id)[0].state["meeting_id"] == may.id


def test_a_record_knows_the_changes_that_write_its_child_rows(desk: Desk) -> None:
    """What an editor open on a record asks of a change notice: it names the rows a save
    wrote (a milestone, a measurement), not the partnership they belong to."""
    ours = desk.partnerships.save({"title": "Food as Medicine"}, indicators=New(
        new=[{"id": "families", "name": "Families reached"}]))
    other = desk.partnerships.save({"title": "Warm Homes"})
    saved = desk.partnerships.save({}, ours.id, milestones=New(new=[{"title": "Sign"}]),
                                   measurements=New(new=[{
                                       "indicator_id": "families", "value": 12,
                                       "measured_on": date(2026, 5, 1)}]))
    written = [c for c in saved.changes if c.record_type != "partnership"]
    assert {c.record_type for c in written} == {"milestone", "measurement"}
    for change in written:
        assert desk.partnerships.concerns(ours.id, [change])
        assert not desk.partnerships.concerns(other.id, [change])
    [milestone] = saved.created["milestones"]
    gone = desk.partnerships.save({}, ours.id, milestones=New(removed=[milestone]))
    assert desk.partnerships.concerns(ours.id, [c for c in gone.changes
                                               if c.record_type == "milestone"])
    # a big write, announced by type only, may have written any of them
    assert desk.partnerships.concerns(other.id, [Change("milestone", "", "updated")])
    assert not desk.partnerships.concerns(ours.id, [Change("contact", "", "updated")])
