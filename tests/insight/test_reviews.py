"""Partnership health reviews: recording, next steps, cadence, scores over time."""

from datetime import date

import pytest

from partnerdesk.errors import ValidationError
from partnerdesk.services import Desk
from partnerdesk.services.reviews import add_months, record_review, trend


@pytest.fixture
def ship(desk: Desk) -> str:
    return desk.partnerships.create(title="Food as Medicine", review_every_months=6,
                                    next_review_date=date(2026, 6, 1)).id


def test_recording_a_review_adds_next_steps_and_moves_the_review_date(
        desk: Desk, ship: str) -> None:
    record_review(desk, ship, reviewed_on=date(2026, 6, 10),
                  scores={"trust": (4, "Honest talks"), "communication": 2},
                  overall_note="Good year.", next_steps="Agree a data template\n\n- Meet CFO")
    actions = desk.action_items.list(where={"partnership_id": ship})
    assert sorted(a.description for a in actions) == ["Agree a data template", "Meet CFO"]
    assert desk.partnerships.get(ship).next_review_date == date(2026, 12, 10)
    review = desk.reviews.list(where={"partnership_id": ship})[0]
    assert review.scores["trust"] == {"score": 4, "comment": "Honest talks"}
    assert review.next_steps == "Agree a data template\nMeet CFO"


def test_an_older_review_does_not_move_the_date_back(desk: Desk, ship: str) -> None:
    record_review(desk, ship, reviewed_on=date(2026, 6, 10), scores={"trust": 4})
    record_review(desk, ship, reviewed_on=date(2025, 12, 1), scores={"trust": 3})
    assert desk.partnerships.get(ship).next_review_date == date(2026, 12, 10)


def test_a_correction_adds_only_new_next_steps(desk: Desk, ship: str) -> None:
    review = record_review(desk, ship, reviewed_on=date(2026, 6, 10), scores={"trust": 4},
                           next_steps="Call the hospital")
    record_review(desk, ship, reviewed_on=date(2026, 6, 10), scores={"trust": 5},
                  next_steps="Call the hospital\nBook the hall", review_id=review.id)
    assert desk.reviews.count() == 1
    assert sorted(a.description for a in desk.action_items.list()) == [
        "Book the hall", "Call the hospital"]


def test_scores_must_be_one_to_five_and_nothing_is_saved_otherwise(
        desk: Desk, ship: str) -> None:
    with pytest.raises(ValidationError):
        record_review(desk, ship, reviewed_on=date(2026, 6, 10), scores={"trust": 7},
                      next_steps="Should not appear")
    with pytest.raises(ValidationError):
        record_review(desk, ship, reviewed_on=date(2026, 6, 10), scores={})
    assert desk.reviews.count() == 0 and desk.action_items.count() == 0
    assert desk.partnerships.get(ship).next_review_date == date(2026, 6, 1)


def test_scores_over_time(desk: Desk, ship: str) -> None:
    record_review(desk, ship, reviewed_on=date(2026, 6, 10), scores={"trust": 4, "progress": 2})
    record_review(desk, ship, reviewed_on=date(2025, 12, 1), scores={"trust": 3})
    found = trend(desk, ship)
    assert [r.reviewed_on for r in found.reviews] == [date(2025, 12, 1), date(2026, 6, 10)]
    assert found.series["trust"] == ((date(2025, 12, 1), 3), (date(2026, 6, 10), 4))
    assert found.series["progress"] == ((date(2026, 6, 10), 2),)
    assert found.average == ((date(2025, 12, 1), 3.0), (date(2026, 6, 10), 3.0))
    assert found.change("trust") == 1


def test_reviews_due_show_in_reminders(desk: Desk, ship: str) -> None:
    due = [x for x in desk.reminders(today=date(2026, 6, 5)) if x.kind == "review_due"]
    assert [x.record_id for x in due] == [ship]
    record_review(desk, ship, reviewed_on=date(2026, 6, 5), scores={"trust": 4})
    assert not [x for x in desk.reminders(today=date(2026, 6, 5)) if x.kind == "review_due"]


def test_add_months_clamps_to_the_month_end() -> None:
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 15), 12) == date(2027, 1, 15)
