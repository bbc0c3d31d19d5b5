"""Events and feedback travel in bundles: a partnership's bundle brings the events it
serves (with their counts, hosts, resources and follow-ups) and its feedback with the
survey totals; for a partner, internal notes stay home; two laptops' edits to different
fields of one event both survive."""

from pathlib import Path

from partnerdesk.services import Desk
from partnerdesk.services.whole_save import ChildChanges
from partnerdesk.sharing.exporter import Scope, export_bundle
from partnerdesk.sharing.importer import import_file
from partnerdesk.sharing.limits import read_file


def test_a_partnerships_bundle_brings_its_events_and_feedback(demo_desk: Desk,
                                                              tmp_path: Path,
                                                              new_desk) -> None:
    food = next(p for p in demo_desk.partnerships.list() if p.title == "Food as Medicine")
    path = tmp_path / "food.partnerdesk"
    export_bundle(demo_desk, path, Scope.partnership(food.id, for_partner=True))
    bundle = read_file(path)
    events = {line["values"]["title"] for line in bundle.records["event"]}
    served = {e.id for e in demo_desk.events.list()
              if food.id in demo_desk.events.partnership_ids(e.id)}
    assert {line["id"] for line in bundle.records["event"]} == served
    assert "Spring health fair" in events  # it serves two partnerships, this one too
    # only this partnership's links: the other partnership's title stays home
    linked = {line["values"]["partnership_id"] for line in bundle.records["event_partnership"]}
    assert linked == {food.id}
    assert "Faith Community Health Navigators" not in {
        line["values"]["title"] for line in bundle.records["partnership"]}
    assert bundle.records["event_attendance"] and bundle.records["event_resource"]
    assert {line["values"]["partnership_id"] for line in bundle.records["feedback"]} == \
        {food.id}
    assert bundle.records["survey_result"]
    for kind in ("event", "feedback"):
        for line in bundle.records[kind]:
            assert "internal_notes" not in line["values"]  # left out, never blanked

    partner = new_desk(tmp_path / "partner.db")
    import_file(partner, path)
    fair = next(e for e in partner.events.list() if e.title == "Spring health fair")
    assert {a.category: a.count for a in partner.event_attendance.list(
        where={"event_id": fair.id})}["Adults"] == 140
    survey = next(f for f in partner.feedback.list() if f.title == "Grocery box survey")
    assert partner.feedback.results(survey.id)[0].total == 84
    assert partner.search("outreach day")


def test_edits_to_different_fields_of_an_event_both_survive(desk: Desk, tmp_path: Path,
                                                           new_desk) -> None:
    from datetime import datetime

    saved = desk.events.save({"title": "Fair", "starts_at": datetime(2026, 5, 2, 10),
                              "time_zone": "America/New_York"},
                             attendance=ChildChanges(new=[{"category": "Adults",
                                                           "count": 10}]))
    first = tmp_path / "a.partnerdesk"
    export_bundle(desk, first)
    other = new_desk(tmp_path / "b.db")
    import_file(other, first)
    desk.events.update(saved.id, place="Parish hall")
    other.events.update(saved.id, people_reached=120)
    [count] = other.event_attendance.list(where={"event_id": saved.id})
    other.events.save({}, saved.id, attendance=ChildChanges(changed={count.id: {"count": 12}}))
    back = tmp_path / "b.partnerdesk"
    export_bundle(other, back)
    import_file(desk, back)
    event = desk.events.get(saved.id)
    assert (event.place, event.people_reached) == ("Parish hall", 120)
    assert desk.event_attendance.get(count.id).count == 12
