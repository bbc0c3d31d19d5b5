"""iCalendar export, read back with icalendar."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar

from partnerdesk.services import Desk
from partnerdesk.sharing.ical import export_ical


def components(path: Path) -> dict[str, icalendar.cal.Component]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(c["uid"]): c for c in calendar.walk() if c.name in ("VEVENT", "VTODO")}


def test_calendar_has_meetings_todos_and_key_dates(demo_desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "partnerdesk.ics"
    count = export_ical(demo_desk, path)
    found = components(path)
    assert len(found) == count

    attendees: dict[str, set[str]] = {}
    for link in demo_desk.meeting_attendees.list():
        attendees.setdefault(link.meeting_id, set()).add(
            demo_desk.contacts.get(link.contact_id).name)
    for meeting in demo_desk.meetings.list():
        event = found[f"meeting-{meeting.id}@partnerdesk"]
        assert event.name == "VEVENT" and str(event["summary"]) == meeting.title
        assert event.decoded("dtstart") == meeting.starts_at
        listed = event.get("attendee", [])
        listed = listed if isinstance(listed, list) else [listed]
        assert {str(a.params["cn"]) for a in listed} == attendees.get(meeting.id, set())

    for item in demo_desk.action_items.list():
        todo = found[f"action-{item.id}@partnerdesk"]
        assert todo.name == "VTODO"
        if item.due_date:
            assert todo.decoded("due") == item.due_date
        assert str(todo["status"]) == ("COMPLETED" if item.done else "NEEDS-ACTION")
    for milestone in demo_desk.milestones.list():
        todo = found[f"milestone-{milestone.id}@partnerdesk"]
        assert str(todo["summary"]).startswith(f"Milestone: {milestone.title}")

    dated = [a for a in demo_desk.agreements.list() if a.expiry_date]
    expiring = [a for a in dated if a.status in ("signed", "active")]
    assert expiring
    # drafts and agreements under negotiation bind nobody yet; expired ones have ended
    ended_or_proposed = [a for a in dated if a not in expiring]
    assert ended_or_proposed
    assert not any(f"agreement-expiry-{a.id}@partnerdesk" in found for a in ended_or_proposed)
    for agreement in expiring:
        event = found[f"agreement-expiry-{agreement.id}@partnerdesk"]
        start = event.decoded("dtstart")
        assert type(start) is date and start == agreement.expiry_date  # all-day
        assert event.decoded("dtend") == agreement.expiry_date + timedelta(days=1)
        if agreement.notice_period_days:
            notice = found[f"agreement-notice-{agreement.id}@partnerdesk"]
            assert notice.decoded("dtstart") == (agreement.expiry_date -
                                                 timedelta(days=agreement.notice_period_days))
    reviews = [p for p in demo_desk.partnerships.list()
               if p.next_review_date and p.status != "ended"]
    assert reviews
    for partnership in reviews:
        event = found[f"partnership-review-{partnership.id}@partnerdesk"]
        assert event.decoded("dtstart") == partnership.next_review_date


def test_uids_are_stable_so_calendars_update(demo_desk: Desk, tmp_path: Path) -> None:
    export_ical(demo_desk, tmp_path / "one.ics")
    meeting = demo_desk.meetings.list(limit=1)[0]
    demo_desk.meetings.update(meeting.id, title="Renamed meeting")
    export_ical(demo_desk, tmp_path / "two.ics")
    one, two = components(tmp_path / "one.ics"), components(tmp_path / "two.ics")
    assert set(one) == set(two)
    uid = f"meeting-{meeting.id}@partnerdesk"
    assert str(two[uid]["summary"]) == "Renamed meeting"


def test_internal_notes_stay_out_by_default(desk: Desk, tmp_path: Path) -> None:
    desk.meetings.create(title="Budget", starts_at=datetime(2026, 7, 1, 9, 30),
                         notes="Shared notes", internal_notes="Secret salary talk")
    export_ical(desk, tmp_path / "cal.ics")
    text = (tmp_path / "cal.ics").read_text(encoding="utf-8")
    assert "Shared notes" in text and "Secret" not in text
    event = next(iter(components(tmp_path / "cal.ics").values()))
    assert event.decoded("dtend") == datetime(2026, 7, 1, 10, 30)


def test_events_come_back_at_their_hour_in_their_time_zone(demo_desk: Desk,
                                                           tmp_path: Path) -> None:
    from zoneinfo import ZoneInfo

    from partnerdesk.services.whole_save import ChildChanges

    path = tmp_path / "partnerdesk.ics"
    # summer and winter in two zones: the daylight-saving offset must follow the date
    for title, starts, zone in (("Summer fair", datetime(2026, 7, 4, 10), "America/Chicago"),
                                ("Winter fair", datetime(2026, 1, 10, 10), "America/Chicago"),
                                ("Paris workshop", datetime(2026, 3, 28, 18, 30),
                                 "Europe/Paris")):
        demo_desk.events.save({"title": title, "starts_at": starts, "time_zone": zone,
                               "people_reached": 40},
                              attendance=ChildChanges(new=[{"category": "Adults",
                                                            "count": 40}]))
    export_ical(demo_desk, path)
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    found = components(path)
    zones = {str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")}
    for event in demo_desk.events.list():
        entry = found[f"event-{event.id}@partnerdesk"]
        start = entry.decoded("dtstart")
        assert start.tzinfo is not None and start.replace(tzinfo=None) == event.starts_at
        assert start.utcoffset() == event.starts_at.replace(
            tzinfo=ZoneInfo(event.time_zone)).utcoffset()
        assert event.time_zone in zones
        assert str(entry["summary"]) == event.title
        assert "ATTENDEE" not in entry  # counts only: nobody who came is named
    by_title = {str(c["summary"]): c for c in found.values()}
    summer = by_title["Summer fair"].decoded("dtstart")
    winter = by_title["Winter fair"].decoded("dtstart")
    paris = by_title["Paris workshop"].decoded("dtstart")
    assert summer.astimezone(UTC).hour == 15 and winter.astimezone(UTC).hour == 16
    assert paris.astimezone(UTC).hour == 17 and paris.astimezone(UTC).minute == 30
    # a follow-up of an event is a to-do like any action item
    follow_up = demo_desk.action_items.list(where={"event_id": [
        e.id for e in demo_desk.events.list()]})[0]
    assert found[f"action-{follow_up.id}@partnerdesk"].name == "VTODO"
