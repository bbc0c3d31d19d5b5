"""Community events and feedback through the services: whole saves with their rules,
validation, search, the health review's evidence, a resource's uses, the Trash."""

from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

import pytest

from partnerdesk.errors import RowProblem, ValidationError
from partnerdesk.services import Change, Desk
from partnerdesk.services.whole_save import ChildChanges
from tests.conftest import TODAY
from tests.sharing.conftest import dump

New = ChildChanges


@pytest.fixture
def world(desk: Desk) -> dict[str, Any]:
    clinic = desk.organizations.create(name="Riverside Family Clinic")
    parish = desk.organizations.create(name="St. Brigid's Parish")
    food = desk.partnerships.create(title="Food as Medicine")
    navigators = desk.partnerships.create(title="Health Navigators")
    van = desk.resources.create(name="Mobile screening van", organization_id=clinic.id,
                                category_id=desk.categories.list()[0].id)
    nurse = desk.contacts.create(name="Lan Nguyen", organization_id=clinic.id)
    return {"clinic": clinic.id, "parish": parish.id, "food": food.id,
            "navigators": navigators.id, "van": van.id, "nurse": nurse.id}


@pytest.fixture
def nothing_changes(desk: Desk) -> Iterator[Callable[..., pytest.ExceptionInfo[Any]]]:
    notices: list[list[Change]] = []
    desk.subscribe(notices.append)

    def check(error: type[BaseException], save: Callable[..., Any], *args: Any,
              **kwargs: Any) -> pytest.ExceptionInfo[Any]:
        before, seen = dump(desk), len(notices)
        with pytest.raises(error) as raised:
            save(*args, **kwargs)
        assert dump(desk) == before
        assert len(notices) == seen
        return raised

    yield check


def fair(world: dict[str, Any]) -> dict[str, Any]:
    return {"title": "Spring health fair", "kind": "fair",
            "starts_at": datetime(2026, 5, 2, 10), "ends_at": datetime(2026, 5, 2, 15),
            "time_zone": "America/New_York", "place": "Parish hall", "people_reached": 235}


def test_an_event_is_saved_whole_with_its_rows(desk: Desk, world: dict[str, Any]) -> None:
    saved = desk.events.save(
        fair(world),
        organizations=New(new=[{"organization_id": world["parish"], "role": "host"},
                               {"organization_id": world["clinic"], "role": "partner"}]),
        partnerships=New(new=[{"partnership_id": world["navigators"]},
                              {"partnership_id": world["food"]}]),
        resources=New(new=[{"resource_id": world["van"], "note": "all day"}]),
        attendance=New(new=[{"category": "Adults", "count": 140},
                            {"category": "Children", "count": 35}]),
        action_items=New(new=[{"description": "Share the numbers",
                               "owner_contact_id": world["nurse"]}]))
    event = desk.events.get(saved.id)
    assert (event.title, event.time_zone, event.people_reached) == \
        ("Spring health fair", "America/New_York", 235)
    assert {(row.organization_id, row.role) for row in
            desk.event_organizations.list(where={"event_id": event.id})} == \
        {(world["parish"], "host"), (world["clinic"], "partner")}
    assert desk.events.partnership_ids(event.id) == [world["navigators"], world["food"]]
    counts = {row.category: row.count
              for row in desk.event_attendance.list(where={"event_id": event.id})}
    assert counts == {"Adults": 140, "Children": 35}
    [follow_up] = desk.action_items.list(where={"event_id": event.id})
    # a follow-up belongs to the event's first partnership, so its reminders show there
    assert follow_up.partnership_id == world["navigators"]
    assert [use.title for use in desk.events.uses_of_resource(world["van"])] == \
        ["Spring health fair"]
    assert [hit.record_type for hit in desk.search("parish hall")] == ["event"]


def test_attendance_is_one_count_per_category_and_never_negative(
        desk: Desk, world: dict[str, Any], nothing_changes: Any) -> None:
    saved = desk.events.save(fair(world), attendance=New(new=[{"category": "Adults",
                                                                "count": 10}]))
    raised = nothing_changes(ValidationError, desk.events.save, {}, saved.id,
                             attendance=New(new=[{"category": "Adults", "count": 3}]))
    [problem] = raised.value.problems
    assert isinstance(problem, RowProblem) and "already counted" in problem.message
    raised = nothing_changes(ValidationError, desk.events.save, {"title": "Other"}, saved.id,
                             attendance=New(new=[{"category": "Seniors", "count": -4}]))
    assert "from 0 to" in raised.value.problems[0].message
    # changing the one count is how a number is corrected
    [row] = desk.event_attendance.list(where={"event_id": saved.id})
    desk.events.save({}, saved.id, attendance=New(changed={row.id: {"count": 12}}))
    assert desk.event_attendance.get(row.id).count == 12


def test_an_event_needs_a_known_time_zone_and_ends_after_it_starts(
        desk: Desk, world: dict[str, Any], nothing_changes: Any) -> None:
    raised = nothing_changes(ValidationError, desk.events.save,
                             {**fair(world), "time_zone": "Mars/Olympus_Mons"})
    assert "not a time zone" in raised.value.for_field("time_zone")
    raised = nothing_changes(ValidationError, desk.events.save,
                             {**fair(world), "ends_at": datetime(2026, 5, 2, 9)})
    assert "cannot end before it starts" in raised.value.for_field("ends_at")
    # a new event takes this computer's zone unless told otherwise
    assert desk.events.defaults()["time_zone"]
    values = {k: val for k, val in fair(world).items() if k != "time_zone"}
    assert desk.events.save(values).record.time_zone == desk.events.defaults()["time_zone"]


def test_a_whole_event_save_lands_whole_or_not_at_all(
        desk: Desk, world: dict[str, Any], nothing_changes: Any) -> None:
    nothing_changes(ValidationError, desk.events.save, fair(world),
                    organizations=New(new=[{"organization_id": world["clinic"]}]),
                    resources=New(new=[{"resource_id": "not-a-resource"}]))
    nothing_changes(ValidationError, desk.events.save, fair(world),
                    organizations=New(new=[{"organization_id": world["clinic"]},
                                           {"organization_id": world["clinic"],
                                            "role": "host"}]))


def survey(world: dict[str, Any], **values: Any) -> dict[str, Any]:
    return {"title": "Grocery box survey", "received_on": date(2026, 4, 20),
            "partnership_id": world["food"], "source": "community", "channel": "survey",
            "sentiment": "mixed", "tags": ["delivery times"], "respondents": 84, **values}


def test_feedback_keeps_survey_totals_per_answer(desk: Desk, world: dict[str, Any],
                                                 nothing_changes: Any) -> None:
    saved = desk.feedback.save(survey(world), results=New(new=[
        {"question": "Satisfied?", "answer": "Yes", "count": 61},
        {"question": "Satisfied?", "answer": "No", "count": 23}]))
    [question] = desk.feedback.results(saved.id)
    assert question.question == "Satisfied?" and question.total == 84
    assert [(a.answer, a.count) for a in question.answers] == [("Yes", 61), ("No", 23)]
    raised = nothing_changes(ValidationError, desk.feedback.save, {}, saved.id,
                             results=New(new=[{"question": "satisfied?", "answer": "yes",
                                               "count": 1}]))
    assert "already counted" in raised.value.problems[0].message
    # themes are tags: one vocabulary, searchable
    assert "delivery times" in {tag.name for tag in desk.tags.list()}
    assert [hit.record_id for hit in desk.search("delivery")] == [saved.id]


def test_feedback_links_only_to_a_review_of_its_partnership(
        desk: Desk, world: dict[str, Any], nothing_changes: Any) -> None:
    other = desk.reviews.record(world["navigators"], reviewed_on=date(2026, 3, 1),
                                scores={"trust": 4})
    raised = nothing_changes(ValidationError, desk.feedback.save,
                             survey(world, review_id=other.id))
    assert "another partnership" in raised.value.for_field("review_id")
    raised = nothing_changes(ValidationError, desk.feedback.save,
                             survey(world, partnership_id=None))
    assert raised.value.for_field("partnership_id")


def test_the_review_sees_the_feedback_since_the_last_review(
        desk: Desk, world: dict[str, Any]) -> None:
    food = world["food"]
    desk.reviews.record(food, reviewed_on=date(2026, 1, 10), scores={"trust": 4})
    before = desk.feedback.save(survey(world, title="Before", received_on=date(2025, 12, 1)))
    after = desk.feedback.save(survey(world, title="After", received_on=date(2026, 2, 1)))
    later = desk.feedback.save(survey(world, title="Later", received_on=date(2026, 6, 1)))
    desk.feedback.save(survey(world, title="Other partnership",
                              partnership_id=world["navigators"]))
    previous, found = desk.feedback.since_last_review(food, date(2026, 3, 1))
    assert previous == date(2026, 1, 10)
    assert [line.id for line in found] == [after.id]
    # correcting the January review: its own evidence is what came before it
    [january] = desk.reviews.list(where={"partnership_id": food})
    desk.feedback.save({"review_id": january.id}, before.id)
    previous, found = desk.feedback.since_last_review(food, date(2026, 1, 10), january.id)
    assert previous is None and [line.id for line in found] == [before.id]
    assert later.id not in {line.id for line in found}


def test_deleted_events_and_feedback_go_to_the_trash(desk: Desk, world: dict[str, Any]) -> None:
    event = desk.events.save(fair(world))
    feedback = desk.feedback.save(survey(world))
    desk.events.delete(event.id)
    desk.feedback.delete(feedback.id)
    assert {(kind, row.id) for kind, row in desk.deleted_records()} >= \
        {("event", event.id), ("feedback", feedback.id)}
    assert desk.search("health fair") == []
    desk.events.restore(event.id)
    assert [hit.record_id for hit in desk.search("health fair")] == [event.id]


def test_sample_data_has_events_and_feedback_that_pass_their_rules(demo_desk: Desk) -> None:
    stats = demo_desk.stats()
    assert stats["events"] >= 5 and stats["feedback"] >= 5
    for service in (demo_desk.events, demo_desk.feedback, demo_desk.event_attendance,
                    demo_desk.survey_results, demo_desk.event_organizations):
        for row in service.list():
            values = {name: getattr(row, name) for name in service.defaults()}
            assert not [p for p in service.check(values) if not p.warning], row
    upcoming = demo_desk.events.upcoming(TODAY)
    assert upcoming and all(line.starts_at.date() >= TODAY for line in upcoming)
    assert {line.time_zone for line in demo_desk.events.list()} >= {"America/New_York",
                                                                    "America/Chicago"}
    assert any(demo_desk.feedback.results(row.id) for row in demo_desk.feedback.list())


def test_sample_events_and_feedback_at_every_scale(desk: Desk) -> None:
    """`partnerdesk demo --scale N`: five more events and feedback per unit, each passing its
    rules, an event's counts by category adding up to the people it reached."""
    from partnerdesk.services.demo import load_demo

    load_demo(desk, scale=2, today=TODAY)
    assert desk.events.count() == 8 + 2 * 5 and desk.feedback.count() == 8 + 2 * 5
    for service in (desk.events, desk.feedback, desk.event_attendance, desk.survey_results):
        for row in service.list():
            values = {name: getattr(row, name) for name in service.defaults()}
            assert not [p for p in service.check(values) if not p.warning], row
    counts: dict[str, int] = {}
    for line in desk.event_attendance.list():
        counts[line.event_id] = counts.get(line.event_id, 0) + line.count
    for event in desk.events.list():
        if event.people_reached is not None and event.id in counts:
            assert counts[event.id] == event.people_reached, event.title
    assert desk.event_partnerships.count() >= desk.events.count()  # each serves one at least
