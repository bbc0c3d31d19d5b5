"""Funding through the services: whole saves with deliverables, the status rule, the
checks a person relies on, reminders, search, amounts and the currency setting."""

from datetime import date, timedelta
from typing import Any

import pytest

from partnerdesk.db import vocabulary as v
from partnerdesk.errors import ValidationError
from partnerdesk.services import Desk, funding_rules
from partnerdesk.services.demo import load_demo
from partnerdesk.services.money import AmountError, amount_text, parse_amount, typed_amount
from partnerdesk.services.settings import CURRENCY, FUNDING_DAYS, SettingError
from partnerdesk.services.whole_save import ChildChanges
from tests.conftest import TODAY


@pytest.fixture
def ids(desk: Desk) -> dict[str, str]:
    us = desk.organizations.create(name="Eastside Community Partners", is_us=True)
    funder = desk.organizations.create(name="Harbor Community Foundation", kind="funder")
    person = desk.contacts.create(name="Jose Nunez", role="Programs Coordinator")
    ship = desk.partnerships.create(title="Food as Medicine")
    return {"us": us.id, "funder": funder.id, "person": person.id, "ship": ship.id}


def values(ids: dict[str, str], **more: Any) -> dict[str, Any]:
    return {"title": "Food as Medicine, year two", "funder_id": ids["funder"],
            "partnership_id": ids["ship"], **more}


def test_funding_is_saved_whole_with_its_deliverables(desk: Desk, ids: dict[str, str]) -> None:
    saved = desk.funding.save(
        values(ids, status="active", requested_cents=7_500_000, awarded_cents=6_000_000),
        deliverables=ChildChanges(new=[
            {"title": "Interim report", "due_date": date(2027, 1, 31),
             "owner_contact_id": ids["person"]},
            {"title": "200 households served", "kind": "outcome", "due_date": date(2027, 6, 1)},
        ]))
    row = desk.funding.get(saved.id)
    assert (row.status, row.requested_cents, row.awarded_cents) == ("active", 7_500_000,
                                                                    6_000_000)
    items = desk.funding_deliverables.list(where={"funding_id": saved.id}, order_by="due_date")
    assert [(d.title, d.kind) for d in items] == [("Interim report", "report"),
                                                  ("200 households served", "outcome")]
    assert len(saved.created["deliverables"]) == 2

    first = items[0]
    ticked_on = date.today()  # the save may run past midnight
    desk.funding.save({}, saved.id, deliverables=ChildChanges(
        changed={first.id: {"done": True}}, removed=[items[1].id]))
    done = desk.funding_deliverables.get(first.id)
    assert done.done and ticked_on <= done.done_date <= date.today()  # the day is recorded
    assert desk.funding_deliverables.get(items[1].id).deleted


def test_a_bad_deliverable_refuses_the_whole_save(desk: Desk, ids: dict[str, str]) -> None:
    with pytest.raises(ValidationError) as refused:
        desk.funding.save(values(ids), deliverables=ChildChanges(new=[
            {"title": "Interim report", "due_date": date(2027, 1, 31)},
            {"title": "Final report"}]))  # no due date
    assert "New deliverable “Final report”: The date it is due is required." in [
        p.message for p in refused.value.problems]
    assert desk.funding.count() == 0 and desk.funding_deliverables.count() == 0


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"funder_id": None}, "funder_id", "The funder is required."),
    ({"partnership_id": None}, "partnership_id",
     "Choose the partnership or the organization this funding is for."),
    ({"requested_cents": -100}, "requested_cents", "The amount requested cannot be negative."),
    ({"start_date": date(2027, 1, 1), "end_date": date(2026, 1, 1)}, "end_date",
     "The funding cannot end before it starts."),
    ({"deadline": date(2027, 1, 1), "decision_expected": date(2026, 12, 1)},
     "decision_expected", "The decision cannot be expected before the deadline."),
    ({"in_kind_cents": 50_000}, "in_kind_description",
     "Say what the in-kind support is (for example, meeting rooms or staff time)."),
    ({"status": "won"}, "status", "Status must be one of: "),
])
def test_checks_say_what_to_do(desk: Desk, ids: dict[str, str], changes: dict[str, Any],
                               field: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        desk.funding.create(**values(ids, **changes))
    assert any(p.field == field and p.message.startswith(message)
               for p in refused.value.problems), refused.value.problems
    assert desk.funding.count() == 0


def test_funding_for_an_organization_alone(desk: Desk, ids: dict[str, str]) -> None:
    row = desk.funding.create(**values(ids, partnership_id=None, organization_id=ids["us"]))
    assert row.organization_id == ids["us"] and row.partnership_id is None


def test_every_status_has_its_steps_and_a_refused_one_says_which_are_allowed(
        desk: Desk, ids: dict[str, str]) -> None:
    assert set(funding_rules.TRANSITIONS) == set(v.values(v.FUNDING_STATUSES))
    for steps in funding_rules.TRANSITIONS.values():
        assert set(steps) <= set(v.values(v.FUNDING_STATUSES))
    row = desk.funding.create(**values(ids, status="awarded"))  # any status to start with
    desk.funding.update(row.id, status="active")
    with pytest.raises(ValidationError) as refused:
        desk.funding.update(row.id, status="submitted")
    [problem] = refused.value.problems
    assert problem.message == ("Funding cannot go from Active to Submitted. From Active it "
                               "can go to: Reporting, Closed.")
    assert desk.funding.get(row.id).status == "active"
    # The same rule holds in a whole save, which then writes none of its rows.
    with pytest.raises(ValidationError):
        desk.funding.save({"status": "idea"}, row.id, deliverables=ChildChanges(
            new=[{"title": "Report", "due_date": date(2027, 1, 1)}]))
    assert desk.funding_deliverables.count() == 0


def test_reminders_for_deadlines_decisions_and_deliverables(desk: Desk,
                                                            ids: dict[str, str]) -> None:
    today = date(2026, 6, 15)

    def day(n: int) -> date:
        return today + timedelta(days=n)

    soon = desk.funding.create(**values(ids, title="Soon", status="preparing", deadline=day(10)))
    late = desk.funding.create(**values(ids, title="Late", status="idea", deadline=day(-3)))
    desk.funding.create(**values(ids, title="Far", status="preparing", deadline=day(90)))
    desk.funding.create(**values(ids, title="Sent", status="submitted", deadline=day(-3)))
    waiting = desk.funding.create(**values(ids, title="Waiting", status="submitted",
                                           deadline=day(-60), decision_expected=day(-1)))
    won = desk.funding.save(values(ids, title="Won", status="active"), deliverables=ChildChanges(
        new=[{"title": "Interim report", "due_date": day(5), "owner_contact_id": ids["person"]},
             {"title": "Photos", "kind": "outcome", "due_date": day(-2)},
             {"title": "Final report", "due_date": day(200)},
             {"title": "Done already", "due_date": day(-9), "done": True}]))
    desk.funding.save(values(ids, title="Not yet won", status="preparing"),
                      deliverables=ChildChanges(new=[{"title": "Plan", "due_date": day(-1)}]))
    gone = desk.funding.create(**values(ids, title="Gone", status="preparing", deadline=day(1)))
    desk.funding.delete(gone.id)

    found = {(r.title, r.kind): r for r in desk.reminders(today=today)
             if r.record_type in ("funding", "funding_deliverable")}
    assert set(found) == {("Soon", "funding_deadline"), ("Late", "funding_deadline_passed"),
                          ("Waiting", "funding_decision_overdue"),
                          ("Interim report", "deliverable_due"),
                          ("Photos", "deliverable_overdue")}
    assert found[("Soon", "funding_deadline")].message == "Application deadline in 10 days."
    assert found[("Soon", "funding_deadline")].record_id == soon.id
    assert "still marked idea: submit it, or close it" in found[
        ("Late", "funding_deadline_passed")].message
    assert found[("Late", "funding_deadline_passed")].record_id == late.id
    assert found[("Waiting", "funding_decision_overdue")].due == day(-1)
    assert found[("Waiting", "funding_decision_overdue")].record_id == waiting.id
    assert found[("Interim report", "deliverable_due")].message == (
        "Won: due to the funder in 5 days. Jose Nunez is doing it.")
    assert found[("Photos", "deliverable_overdue")].message == "Won: overdue by 2 days."
    assert found[("Photos", "deliverable_overdue")].record_id in won.created["deliverables"]

    # The window is a setting: ninety days ahead takes in the far deadline too.
    desk.settings.set(FUNDING_DAYS, 90)
    titles = {r.title for r in desk.reminders(today=today) if r.record_type == "funding"}
    assert "Far" in titles


def test_search_finds_funding_and_its_deliverables(desk: Desk, ids: dict[str, str]) -> None:
    saved = desk.funding.save(values(ids, title="Cooling centre generators",
                                     programme="Heat Resilience Grants"),
                              deliverables=ChildChanges(new=[
                                  {"title": "Outage log for the funder",
                                   "due_date": date(2027, 1, 1)}]))
    hits = {(h.record_type, h.title) for h in desk.search("resilience")}
    assert ("funding", "Cooling centre generators") in hits
    assert ("funding_deliverable", "Outage log for the funder") in {
        (h.record_type, h.title) for h in desk.search("outage")}
    assert [f.id for f in desk.funding.list(text="heat")] == [saved.id]
    desk.funding.delete(saved.id)
    assert not [h for h in desk.search("resilience") if h.record_type == "funding"]
    assert desk.deleted_records()[0][0] == "funding"
    desk.funding.restore(saved.id)
    assert desk.search("resilience")


@pytest.mark.parametrize(("typed", "cents"), [
    ("25000", 2_500_000), ("25,000", 2_500_000), ("$ 1,250.50", 125_050), ("1250.5", 125_050),
    ("USD 30", 3_000), (".75", 75), ("12 000", 1_200_000), ("", None), ("   ", None)])
def test_amounts_as_people_type_them(typed: str, cents: int | None) -> None:
    assert parse_amount(typed) == cents


@pytest.mark.parametrize("typed", ["25k", "1,50", "1.234", "-40", "abc", "1e6",
                                   "99999999999999999"])
def test_text_that_is_not_an_amount_is_refused_with_a_sentence(typed: str) -> None:
    with pytest.raises(AmountError) as refused:
        parse_amount(typed)
    assert str(refused.value).endswith(".")


def test_amounts_are_shown_in_the_currency() -> None:
    assert amount_text(2_500_000, "USD") == "$25,000"
    assert amount_text(125_050, "USD") == "$1,250.50"
    assert amount_text(100_000, "EUR") == "€1,000"
    assert amount_text(None, "USD", empty="—") == "—"
    assert typed_amount(125_050) == "1,250.50" and typed_amount(2_500_000) == "25,000"


def test_the_currency_setting(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, expected in (("en_CA.UTF-8", "CAD"), ("de_DE.UTF-8", "EUR"),
                           ("en_GB.UTF-8", "GBP"), ("C.UTF-8", "USD")):
        monkeypatch.setenv("LC_MONETARY", name)
        monkeypatch.setenv("LC_ALL", "")
        monkeypatch.setenv("LANG", "")
        monkeypatch.setattr("locale.getlocale", lambda *_a: (None, None))
        assert CURRENCY.default() == expected, name
    desk.settings.currency = "eur"
    assert desk.settings.currency == "EUR"
    with pytest.raises(SettingError, match="three-letter code"):
        desk.settings.currency = "Euros"
    assert desk.settings.currency == "EUR"  # a refused value changes nothing


def test_sample_data_has_funding_at_every_scale(desk: Desk) -> None:
    load_demo(desk, scale=2, today=TODAY)
    statuses = {f.status for f in desk.funding.list()}
    assert statuses == set(v.values(v.FUNDING_STATUSES))
    assert desk.funding.count() == 8 + 2 * 5
    assert desk.funding_deliverables.count() >= 2 * 5 * 2
    kinds = {r.kind for r in desk.reminders(today=TODAY)}
    assert {"funding_deadline", "funding_decision_overdue", "deliverable_due",
            "deliverable_overdue"} <= kinds
    # Made on the bulk path with the same bookkeeping as a single save.
    row = desk.funding.list(limit=1)[0]
    assert row.rev and row.stamps and row.vv
