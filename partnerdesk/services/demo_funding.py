"""Sample funding for `demo`: grants at every step of their life, with deliverables.

Dates are relative to today, like the rest of the sample, so the dashboard always has a
deadline coming up, a decision the funder owes, a report due soon and one overdue.
Kept apart from `services/demo.py` so other record types' sample data merges cleanly.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any, Protocol

from partnerdesk.db import records as r

# Parents before children: the order the sample's bulk insert takes these in.
MODELS = (r.Funding, r.FundingDeliverable)
FUNDING_PER_SCALE = 5


class Builder(Protocol):
    """What the sample data's builder offers (`services.demo`)."""

    rng: random.Random

    def add(self, model: type, **values: Any) -> str: ...

    def day(self, offset: int) -> date: ...


# title, programme, funder key, partnership key (or None: for our organization alone),
# status, requested, awarded, in-kind (what, value), deadline, decision expected, start,
# end (days from today), amounts internal
STORY: list[tuple[Any, ...]] = [
    ("Cooling centre generators", "Heat Resilience Grants, 2027 round", "health_dept",
     "power", "preparing", 48_000, None,
     ("BrightGrid lends two mobile generators during the pilot", 6_000), 12, 70, None, None,
     False),
    ("Food as Medicine, year two", "Community Health Fund", "foundation", "food", "submitted",
     75_000, None, ("Mercy General dietitians' time", 9_500), -40, -5, None, None, True),
    ("Vision screening days", "Community benefit mini-grants", "hospital", "school", "active",
     25_000, 20_000, ("The mobile screening van two days a month", 12_000), -260, -230, -200,
     165, False),
    ("Health navigator training", "Faith and Health Partnerships", "foundation", "parish",
     "reporting", 15_000, 15_000, None, -500, -450, -400, -35, False),
    ("Youth first-aid courses", "Neighbourhood Safety Grants", "health_dept", None,
     "declined", 8_000, None, None, -150, -100, None, None, False),
    ("Summer meals", "Community Health Fund", "foundation", "school", "closed", 10_000,
     9_000, ("The school kitchens over the summer", 4_000), -760, -720, -700, -360, False),
    ("Interpreters for screening days", "Language Access Fund", "health_dept", "school",
     "awarded", 6_000, 6_000, None, -70, -30, 20, 385, False),
    ("Volunteer drivers for dialysis rides", "", "hospital", None, "idea", None, None, None,
     None, None, None, None, False),
]

# funding title -> (deliverable, kind, due in days, owner, done)
DELIVERABLES: dict[str, list[tuple[str, str, int, str | None, bool]]] = {
    "Cooling centre generators": [
        ("Final report on outages covered", "report", 400, "Zoë Martín", False)],
    "Vision screening days": [
        ("Interim report", "report", -20, "José Núñez", True),
        ("Spring term screening numbers", "outcome", 9, "José Núñez", False),
        ("Final report", "report", 180, "Zoë Martín", False)],
    "Health navigator training": [
        ("Final report and outcomes", "report", -6, "Siobhán O'Connor", False),
        ("Stories for the funder's annual review", "outcome", 20, "Zoë Martín", False)],
    "Interpreters for screening days": [
        ("Languages and families reached", "outcome", 200, "José Núñez", False)],
    "Summer meals": [
        ("Meals served over the summer", "outcome", -380, "José Núñez", True),
        ("Final report", "report", -340, "Zoë Martín", True)],
}


def _cents(units: int | None) -> int | None:
    return None if units is None else units * 100


def add_funding(b: Builder, story: dict[str, Any]) -> None:
    """The hand-written funding of the sample organization and its partnerships."""
    org, person, ship = story["org"], story["person"], story["ship"]

    def day(offset: int | None) -> date | None:
        return None if offset is None else b.day(offset)

    for (title, programme, funder, partnership, status, requested, awarded, in_kind,
         deadline, decision, start, end, internal) in STORY:
        funding = b.add(
            r.Funding, title=title, programme=programme, funder_id=org[funder],
            partnership_id=ship[partnership] if partnership else None,
            organization_id=None if partnership else org["us"], status=status,
            requested_cents=_cents(requested), awarded_cents=_cents(awarded),
            in_kind_description=in_kind[0] if in_kind else "",
            in_kind_cents=_cents(in_kind[1]) if in_kind else None, amounts_internal=internal,
            deadline=day(deadline), decision_expected=day(decision), start_date=day(start),
            end_date=day(end), tags=["grant"],
            notes="Joint application; the partners agreed the budget together."
            if partnership else "",
            internal_notes="The board wants a decision before the budget meeting."
            if internal else "")
        for what, kind, due, owner, done in DELIVERABLES.get(title, []):
            b.add(r.FundingDeliverable, funding_id=funding, title=what, kind=kind,
                  due_date=b.day(due), owner_contact_id=person[owner] if owner else None,
                  done=done, done_date=b.day(due - 2) if done else None)


def add_funding_volume(b: Builder, scale: int, story: dict[str, Any],
                       organization_ids: list[str]) -> None:
    """Generated funding for benchmarks: `FUNDING_PER_SCALE` per unit of scale."""
    rng = b.rng
    ships = list(story["ship"].values())
    statuses = ["idea", "preparing", "submitted", "awarded", "declined", "active",
                "reporting", "closed"]
    for index in range(scale * FUNDING_PER_SCALE):
        status = rng.choice(statuses)
        start = -rng.randrange(0, 1200)
        requested = rng.randrange(20, 2000) * 50_000
        won = status in ("awarded", "active", "reporting", "closed")
        funding = b.add(
            r.Funding, title=f"Community grant {index + 1}", programme="Annual round",
            funder_id=rng.choice(organization_ids), partnership_id=rng.choice(ships),
            status=status, requested_cents=requested,
            awarded_cents=requested // 10 * rng.randrange(5, 11) if won else None,
            deadline=b.day(start - 60), start_date=b.day(start) if won else None,
            end_date=b.day(start + 365) if won else None)
        for number, kind in enumerate(("report", "outcome")):
            due = start + 180 * (number + 1)
            b.add(r.FundingDeliverable, funding_id=funding, kind=kind,
                  title=f"{'Report' if kind == 'report' else 'Outcome'} {number + 1}",
                  due_date=b.day(due), done=due < -30, done_date=b.day(due) if due < -30
                  else None)
