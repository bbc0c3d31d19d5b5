"""Sample community events and feedback, added to the sample data by `services.demo`.

The partners meet people at a health fair, a vision screening, a preparedness workshop
and outreach days; partners, staff and the community say what works and what does not,
once in a survey whose results are kept as totals. Dates are relative to today, so the
dashboard always has an upcoming event, and one event is in another time zone, so the
calendar shows it at its own hour. With `scale`, generated events and feedback follow
the same bulk path as the rest of the sample data.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any, Protocol

from partnerdesk.db import records as r

ZONE = "America/New_York"  # the sample organizations are around Boston
INTERNAL_EVENT_NOTE = "The parish hall's insurance runs out in May."
INTERNAL_FEEDBACK_NOTE = "The nurse manager asked us not to quote her by name."


class Builder(Protocol):
    """What `services.demo` hands these functions: records to add, dated from today."""

    rng: Any
    rows: dict[type, list[dict[str, Any]]]

    def add(self, model: type, **values: Any) -> str: ...

    def day(self, offset: int) -> Any: ...


# key, title, kind, days from today, start hour, hours, zone, place, hosts, partners,
# partnerships, resources used, attendance (category, count)
EVENTS = [
    ("fair", "Spring health fair", "fair", -40, 10, 5, ZONE, "St. Brigid's parish hall",
     ["us", "parish"], ["hospital", "clinic"], ["parish", "food"],
     ["Mobile screening van", "Parish hall", "Health navigator volunteers"],
     [("Adults", 140), ("Children and young people", 35), ("Older adults", 60)]),
    ("outreach", "Grocery box outreach day", "outreach", -75, 9, 4, ZONE,
     "Northside Food Bank warehouse", ["foodbank"], ["us", "hospital"], ["food"],
     ["Emergency grocery boxes"], [("Adults", 150), ("Children and young people", 90)]),
    ("training", "Community health worker training", "workshop", -120, 13, 3, ZONE,
     "Eastside office", ["us"], ["parish"], ["parish"], ["First aid training"],
     [("Adults", 14)]),
    ("dental", "Dental screening day", "health_screening", -150, 9, 5, ZONE,
     "Lakeview Elementary gymnasium", ["school"], ["clinic", "us"], ["school"],
     ["Vision and hearing screening", "School gymnasiums"],
     [("Children and young people", 186), ("Parents and carers", 41)]),
    ("screening", "Back-to-school vision screening", "health_screening", 12, 9, 4, ZONE,
     "Lakeview Elementary gymnasium", ["school"], ["clinic", "us"], ["school"],
     ["Vision and hearing screening", "School gymnasiums"], []),
    ("workshop", "Heat-wave preparedness workshop", "workshop", 5, 18, 2, ZONE,
     "City Health Department, community room", ["health_dept"], ["us", "power"], ["power"],
     ["Cooling centre shuttle", "First aid training"], []),
    ("market", "Farmers' market information table", "community_event", 25, 8, 5, ZONE,
     "Eastside farmers' market", ["us"], ["foodbank", "parish"], ["food", "parish"],
     ["Health navigator volunteers"], []),
    ("conference", "Regional community benefit conference", "other", 40, 13, 4,
     "America/Chicago", "Chicago Community Trust, conference hall", ["hospital"], ["us"],
     ["food"], [], []),
]
# event key, what is to be done, days from the event, done
FOLLOW_UPS = [
    ("fair", "Send thank-you notes to the volunteers", 3, True),
    ("fair", "Share the attendance numbers with Mercy General", 30, False),
    ("outreach", "Order more boxes for the autumn outreach day", 20, True),
    ("training", "Book the next training date", 14, True),
]
# partnership key, title, from, organization key or None, days from today, channel,
# sentiment, themes, summary, respondents, survey results [(question, [(answer, n)])]
FEEDBACK = [
    ("food", "Discharge nurses on the referral form", "partner", "hospital", -100,
     "conversation", "positive", ["referral form", "paperwork"],
     "The one-page form works; nurses would like the food bank's hours printed on it.",
     None, []),
    ("food", "Grocery box survey", "community", None, -60, "survey", "mixed",
     ["delivery times", "fresh produce"],
     "Most households are happy with the boxes; late deliveries are the main complaint.",
     84, [("How satisfied are you with the grocery boxes?",
           [("Very satisfied", 38), ("Satisfied", 30), ("Not satisfied", 16)]),
          ("Did the box arrive on the day promised?", [("Yes", 61), ("No", 23)])]),
    ("food", "Friday deliveries stretch the volunteers", "staff", "us", -20, "meeting",
     "negative", ["volunteers", "scheduling"],
     "Three volunteer drivers cover every Friday round; two more are needed.", None, []),
    ("parish", "Focus group with the health navigators", "partner", "parish", -200,
     "focus_group", "positive", ["training", "trust"],
     "Navigators feel well trained; neighbours ask them about benefits more than care.",
     9, []),
    ("parish", "Hotline calls after hours", "partner", "parish", -45, "form", "mixed",
     ["hotline", "opening hours"],
     "A third of the hotline's calls come after 6 pm, when nobody answers.", None, []),
    ("parish", "Health fair comment cards", "community", None, -38, "form", "positive",
     ["health fair", "screening"], "Visitors liked the screening van and asked for a "
     "second fair in the autumn.", 136,
     [("Would you come to the fair again?", [("Yes", 112), ("Maybe", 20), ("No", 4)])]),
    ("school", "Parents' survey on the consent forms", "community", None, -25, "survey",
     "positive", ["consent forms", "languages"],
     "Parents found the translated forms clear; a few asked for a Portuguese version.",
     212, [("Was the consent form easy to understand?",
            [("Yes", 188), ("Partly", 19), ("No", 5)])]),
    ("power", "Cooling centre managers' worries", "partner", "health_dept", -15, "meeting",
     "negative", ["outages", "fuel"],
     "Managers do not know who refuels the generators during a long outage.", None, []),
]


def add_events(b: Builder, story: dict[str, Any], resources: dict[str, str]) -> None:
    """The story's events, their follow-ups, and the feedback of each partnership."""
    org, ship, person = story["org"], story["ship"], story["person"]
    event_ids: dict[str, str] = {}
    for (key, title, kind, offset, hour, hours, zone, place, hosts, partners, ships,
         used, attendance) in EVENTS:
        starts = datetime.combine(b.day(offset), time(hour))
        reached = sum(count for _category, count in attendance) or None
        event_ids[key] = event = b.add(
            r.Event, title=title, kind=kind, starts_at=starts,
            ends_at=starts + timedelta(hours=hours), time_zone=zone, place=place,
            description=f"{title}, hosted with our partners.", people_reached=reached,
            notes="Counts are from the sign-in tally sheets; no names are kept.",
            internal_notes=INTERNAL_EVENT_NOTE if key == "fair" else "")
        for role, keys in (("host", hosts), ("partner", partners)):
            for org_key in keys:
                b.add(r.EventOrganization, event_id=event, organization_id=org[org_key],
                      role=role)
        for ship_key in ships:
            b.add(r.EventPartnership, event_id=event, partnership_id=ship[ship_key])
        for name in used:
            b.add(r.EventResource, event_id=event, resource_id=resources[name], note="")
        for category, count in attendance:
            b.add(r.EventAttendance, event_id=event, category=category, count=count)
    by_key = {row[0]: row for row in EVENTS}
    for key, what, after, done in FOLLOW_UPS:
        due = b.day(by_key[key][3] + after)
        b.add(r.ActionItem, description=what, event_id=event_ids[key],
              partnership_id=ship[by_key[key][10][0]], owner_contact_id=person["José Núñez"],
              due_date=due, done=done, done_date=due if done else None)
    reviews = b.rows.get(r.PartnershipReview, [])
    for (ship_key, title, source, org_key, offset, channel, sentiment, themes, summary,
         respondents, results) in FEEDBACK:
        received = b.day(offset)
        # linked to the review that weighed it: the first one on or after it
        review = min((row for row in reviews if row["partnership_id"] == ship[ship_key]
                      and row["reviewed_on"] >= received),
                     key=lambda row: row["reviewed_on"], default=None)
        feedback = b.add(
            r.Feedback, title=title, source=source,
            organization_id=org[org_key] if org_key else None, received_on=received,
            channel=channel, summary=summary, tags=themes, sentiment=sentiment,
            partnership_id=ship[ship_key], review_id=review["id"] if review else None,
            respondents=respondents,
            internal_notes=INTERNAL_FEEDBACK_NOTE if org_key == "hospital" else "")
        _results(b, feedback, results)


def _results(b: Builder, feedback: str, results: list[tuple[str, list[tuple[str, int]]]],
             ) -> None:
    position = 0
    for question, answers in results:
        for answer, count in answers:
            b.add(r.SurveyResult, feedback_id=feedback, question=question, answer=answer,
                  count=count, position=position)
            position += 1


def add_volume(b: Builder, scale: int, story: dict[str, Any], org_ids: list[str]) -> None:
    """Generated events and feedback for benchmarks: five of each per unit of scale."""
    rng = b.rng
    ships = list(story["ship"].values())
    kinds = ("community_event", "health_screening", "workshop", "outreach", "fair", "other")
    for index in range(scale * 5):
        ago = rng.randrange(-60, 900)  # up to two months ahead
        starts = datetime.combine(b.day(-ago), time(9 + index % 8))
        # counted once it has happened: the categories add up to the people reached
        counts = [("Adults", rng.randrange(5, 300)), ("Children and young people",
                                                      rng.randrange(0, 100))] if ago > 0 else []
        event = b.add(r.Event, title=f"Community event {index + 1}", kind=rng.choice(kinds),
                      starts_at=starts, ends_at=starts + timedelta(hours=2), time_zone=ZONE,
                      place="Community centre",
                      people_reached=sum(n for _, n in counts) if counts else None)
        b.add(r.EventPartnership, event_id=event, partnership_id=rng.choice(ships))
        if org_ids:
            b.add(r.EventOrganization, event_id=event, organization_id=rng.choice(org_ids),
                  role="host")
        for category, count in counts:
            b.add(r.EventAttendance, event_id=event, category=category, count=count)
    for index in range(scale * 5):
        feedback = b.add(r.Feedback, title=f"Partner feedback {index + 1}",
                         source=rng.choice(["partner", "staff", "community"]),
                         received_on=b.day(-rng.randrange(0, 900)),
                         channel=rng.choice(["survey", "meeting", "conversation", "form"]),
                         summary="Notes from the conversation.", tags=["follow-up"],
                         sentiment=rng.choice(["positive", "mixed", "neutral", "negative"]),
                         partnership_id=rng.choice(ships))
        if index % 5 == 0:
            _results(b, feedback, [("Was the partnership helpful?",
                                    [("Yes", rng.randrange(0, 50)),
                                     ("No", rng.randrange(0, 20))])])
