"""iCalendar export, read back with icalendar, and its times by two other readers
(vobject and recurring-ical-events) at the same hour in the person's time zone."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from partnerdesk.services import Desk
from partnerdesk.services.settings import SettingError
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
        zone = ZoneInfo(demo_desk.settings.time_zone)
        assert event.decoded("dtstart") == meeting.starts_at.replace(tzinfo=zone)
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
    desk.settings.time_zone = "UTC"
    desk.meetings.create(title="Budget", starts_at=datetime(2026, 7, 1, 9, 30),
                         notes="Shared notes", internal_notes="Secret salary talk")
    export_ical(desk, tmp_path / "cal.ics")
    text = (tmp_path / "cal.ics").read_text(encoding="utf-8")
    assert "Shared notes" in text and "Secret" not in text
    event = next(iter(components(tmp_path / "cal.ics").values()))
    assert event.decoded("dtend") == datetime(2026, 7, 1, 10, 30, tzinfo=UTC)


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



# -- time zones ----------------------------------------------------------------------------
BOSTON = ZoneInfo("America/New_York")
# (typed wall-clock time, the same moment in UTC): summer (EDT, -4) and winter (EST, -5)
TIMES = [(datetime(2026, 7, 1, 9, 30), datetime(2026, 7, 1, 13, 30, tzinfo=UTC)),
         (datetime(2026, 12, 3, 14, 0), datetime(2026, 12, 3, 19, 0, tzinfo=UTC))]


@pytest.fixture
def boston_calendar(desk: Desk, tmp_path: Path) -> Path:
    desk.settings.time_zone = "America/New_York"
    for number, (start, _) in enumerate(TIMES):
        desk.meetings.create(title=f"Meeting {number}", starts_at=start,
                             ends_at=start + timedelta(minutes=90))
    path = tmp_path / "boston.ics"
    assert export_ical(desk, path) == len(TIMES)
    return path


def test_meetings_carry_the_time_zone_with_its_definition(boston_calendar: Path) -> None:
    text = boston_calendar.read_text(encoding="utf-8")
    assert "DTSTART;TZID=America/New_York:20260701T093000" in text
    assert "DTEND;TZID=America/New_York:20261203T153000" in text
    assert text.count("BEGIN:VTIMEZONE") == 1 and "TZID:America/New_York" in text
    calendar = icalendar.Calendar.from_ical(boston_calendar.read_bytes())
    events = sorted(calendar.walk("VEVENT"), key=lambda e: str(e["summary"]))
    for event, (typed, moment) in zip(events, TIMES, strict=True):
        start = event.decoded("dtstart")
        assert start == typed.replace(tzinfo=BOSTON) == moment
        assert (start.hour, start.minute) == (typed.hour, typed.minute)
        assert event.decoded("dtend") - start == timedelta(minutes=90)


def test_vobject_reads_the_same_hours(boston_calendar: Path) -> None:
    import vobject

    calendar = vobject.readOne(boston_calendar.read_text(encoding="utf-8"))
    events = sorted(calendar.vevent_list, key=lambda e: e.summary.value)
    for event, (typed, moment) in zip(events, TIMES, strict=True):
        start = event.dtstart.value
        assert start.tzinfo is not None  # read with the file's VTIMEZONE, not as floating
        assert start.astimezone(UTC) == moment
        assert (start.hour, start.minute) == (typed.hour, typed.minute)


def test_recurring_ical_events_reads_the_same_hours(boston_calendar: Path) -> None:
    import recurring_ical_events

    calendar = icalendar.Calendar.from_ical(boston_calendar.read_bytes())
    found = recurring_ical_events.of(calendar).between(datetime(2026, 1, 1, tzinfo=UTC),
                                                       datetime(2027, 1, 1, tzinfo=UTC))
    starts = sorted(event["DTSTART"].dt.astimezone(UTC) for event in found)
    assert starts == [moment for _, moment in TIMES]


def test_utc_meetings_are_written_in_utc(desk: Desk, tmp_path: Path) -> None:
    desk.settings.time_zone = "UTC"
    desk.meetings.create(title="Call", starts_at=datetime(2026, 7, 1, 9, 30))
    export_ical(desk, tmp_path / "utc.ics")
    text = (tmp_path / "utc.ics").read_text(encoding="utf-8")
    assert "DTSTART:20260701T093000Z" in text and "VTIMEZONE" not in text


def test_the_time_zone_setting_refuses_what_is_not_a_zone(desk: Desk) -> None:
    with pytest.raises(SettingError, match="is not a time zone. Enter a name such as"):
        desk.settings.time_zone = "Mars/Olympus_Mons"
    desk.settings.time_zone = "Europe/Berlin"
    assert desk.settings.time_zone == "Europe/Berlin"


@pytest.mark.parametrize("zone", ["America/New_York", "Europe/Berlin", "Australia/Sydney",
                                  "Asia/Kolkata", "America/Sao_Paulo", "Africa/Cairo"])
def test_every_month_reads_back_at_the_typed_hour(desk: Desk, tmp_path: Path,
                                                  zone: str) -> None:
    """Zones with summer time north and south, none, and rules that moved: vobject
    (dateutil) reads the VTIMEZONE's rules as icalendar reads the zone's name."""
    import vobject

    desk.settings.time_zone = zone
    typed = [datetime(year, month, 15, 10, 0) for year in (2024, 2026, 2030)
             for month in range(1, 13)]
    for number, start in enumerate(typed):
        desk.meetings.create(title=f"{number:03}", starts_at=start)
    export_ical(desk, tmp_path / "cal.ics")
    expected = {f"{n:03}": t.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
                for n, t in enumerate(typed)}
    for event in vobject.readOne((tmp_path / "cal.ics").read_text(encoding="utf-8")).vevent_list:
        assert event.dtstart.value.astimezone(UTC) == expected[event.summary.value]
    calendar = icalendar.Calendar.from_ical((tmp_path / "cal.ics").read_bytes())
    for event in calendar.walk("VEVENT"):
        assert event.decoded("dtstart").astimezone(UTC) == expected[str(event["summary"])]
