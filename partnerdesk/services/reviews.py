"""Partnership health reviews: dated scores (1–5 with a comment) on the elements of
`vocabulary.REVIEW_ELEMENTS`, an overall note, and agreed next steps.

Recording a review is one step: the review, an action item for each next step (so the
steps show up with the partnership's other work and in the overdue reminders), and
the partnership's next review date moved on by its cadence. Reviews due appear in
`desk.reminders()` through that date.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from partnerdesk.db import records as r
from partnerdesk.db import vocabulary as v
from partnerdesk.errors import FieldProblem, NotFoundError, ValidationError
from partnerdesk.services.records import RecordService
from partnerdesk.services.undo import named

if TYPE_CHECKING:
    from partnerdesk.services.desk import Desk

LIVE = False
ELEMENT_KEYS = v.values(v.REVIEW_ELEMENTS)
SCORE_LABELS = {1: "1 – Poor", 2: "2 – Weak", 3: "3 – Fair", 4: "4 – Good", 5: "5 – Excellent"}


@dataclass(frozen=True)
class NextStep:
    """An agreed next step; it becomes an action item of the partnership."""

    description: str
    owner_contact_id: str | None = None
    due_date: date | None = None


@dataclass(frozen=True)
class ReviewSummary:
    id: str
    reviewed_on: date
    scores: dict[str, int]  # element key -> 1..5 (elements left unscored are absent)
    comments: dict[str, str]
    overall_note: str
    next_steps: str

    @property
    def average(self) -> float | None:
        return round(sum(self.scores.values()) / len(self.scores), 2) if self.scores else None


@dataclass(frozen=True)
class ReviewTrend:
    """Every review of one partnership, oldest first, and each element's scores over time."""

    partnership_id: str
    reviews: tuple[ReviewSummary, ...]
    series: dict[str, tuple[tuple[date, int], ...]] = field(default_factory=dict)
    average: tuple[tuple[date, float], ...] = ()

    @property
    def latest(self) -> ReviewSummary | None:
        return self.reviews[-1] if self.reviews else None

    def change(self, element: str) -> int | None:
        """The latest score minus the one before (None with fewer than two)."""
        points = self.series.get(element, ())
        return points[-1][1] - points[-2][1] if len(points) >= 2 else None


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the 31st becomes the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_review_on(every_months: int, *, last_review: date | None, started: date | None,
                   today: date) -> date | None:
    """When the next review falls, worked out from the cadence ("every 3 months"): that
    long after the last review (which may make it overdue); with no review yet, the first
    date on the cadence from the start that is not past; else that long from today."""
    if every_months <= 0:
        return None
    if last_review is not None:
        return add_months(last_review, every_months)
    if started is not None:
        step = 1
        while add_months(started, every_months * step) < today:
            step += 1
        return add_months(started, every_months * step)
    return add_months(today, every_months)


def normalise_scores(scores: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Accept {key: 4}, {key: (4, "comment")} or {key: {"score": 4, "comment": ...}}."""
    clean: dict[str, dict[str, Any]] = {}
    for key, entry in scores.items():
        if isinstance(entry, dict):
            score, comment = entry.get("score"), entry.get("comment", "")
        elif isinstance(entry, tuple | list):
            score, comment = (list(entry) + [""])[:2]
        else:
            score, comment = entry, ""
        comment = str(comment or "").strip()
        if score is None and not comment:
            continue
        clean[key] = {"score": score, "comment": comment}
    return clean


def _steps(next_steps: str | Sequence[str | NextStep]) -> list[NextStep]:
    if isinstance(next_steps, str):
        items: Iterable[str | NextStep] = next_steps.splitlines()
    else:
        items = next_steps
    found = []
    for item in items:
        step = item if isinstance(item, NextStep) else NextStep(str(item))
        text = step.description.strip().lstrip("-•*").strip()
        if text:
            found.append(NextStep(text, step.owner_contact_id, step.due_date))
    return found


def check_review(desk: Desk, values: dict[str, Any]) -> list[FieldProblem]:
    """The problems with a review's values (for enabling Save); nothing is written."""
    problems = list(desk.reviews.check(values))
    if not any((entry or {}).get("score") is not None
               for entry in (values.get("scores") or {}).values()):
        problems.append(FieldProblem("scores", "Give at least one element a score from 1 to 5."))
    return problems


def record_review(desk: Desk, partnership_id: str, *, reviewed_on: date,
                  scores: dict[str, Any], overall_note: str = "",
                  next_steps: str | Sequence[str | NextStep] = "",
                  review_id: str | None = None) -> r.PartnershipReview:
    """Save a review (new, or `review_id` to correct one) with its action items, in one step.

    A correction adds action items only for next steps not already written in the
    review. The next review date moves to `reviewed_on` + the cadence when this is the
    partnership's latest review; with no cadence, a due date on or before the review
    is cleared (that review has happened).
    """
    steps = _steps(next_steps)
    values = {"partnership_id": partnership_id, "reviewed_on": reviewed_on,
              "scores": normalise_scores(scores), "overall_note": overall_note.strip(),
              "next_steps": "\n".join(step.description for step in steps)}
    errors = [p for p in check_review(desk, values) if not p.warning]
    if errors:
        raise ValidationError(errors)
    store = desk.store
    with store.write() as writer:
        session = writer.session
        ship = session.get(r.Partnership, partnership_id)
        if ship is None or ship.deleted:
            raise NotFoundError("That partnership no longer exists; it may have been deleted.")
        writer.undo_as(f"review of {named('partnership', {'title': ship.title})}")
        earlier_steps: set[str] = set()
        if review_id is None:
            review = writer.create(r.PartnershipReview, values)
        else:
            review = session.get(r.PartnershipReview, review_id)
            if review is None or review.partnership_id != partnership_id:
                raise NotFoundError("That review no longer exists; it may have been deleted.")
            earlier_steps = {line.strip() for line in review.next_steps.splitlines()}
            writer.update(review, values)
        for step in steps:
            if step.description in earlier_steps:
                continue
            writer.create(r.ActionItem, {
                "description": step.description, "partnership_id": partnership_id,
                "owner_contact_id": step.owner_contact_id, "due_date": step.due_date})
        later = session.scalar(select(r.PartnershipReview.id).where(
            r.PartnershipReview.partnership_id == partnership_id,
            r.PartnershipReview.deleted == LIVE, r.PartnershipReview.id != review.id,
            r.PartnershipReview.reviewed_on > reviewed_on).limit(1))
        if later is None:
            if ship.review_every_months:
                writer.update(ship, {"next_review_date": add_months(
                    reviewed_on, ship.review_every_months)})
            elif ship.next_review_date is not None and ship.next_review_date <= reviewed_on:
                writer.update(ship, {"next_review_date": None})
    return review


def _summary(row: r.PartnershipReview) -> ReviewSummary:
    scores: dict[str, int] = {}
    comments: dict[str, str] = {}
    for key in ELEMENT_KEYS:
        entry = (row.scores or {}).get(key) or {}
        score = entry.get("score")
        if isinstance(score, int) and 1 <= score <= 5:
            scores[key] = score
        if entry.get("comment"):
            comments[key] = str(entry["comment"])
    return ReviewSummary(row.id, row.reviewed_on, scores, comments, row.overall_note,
                         row.next_steps)


def trend(desk: Desk, partnership_id: str) -> ReviewTrend:
    """The partnership's reviews oldest first, with each element's scores over time."""
    store = desk.store
    with store.read() as session:
        rows = list(session.scalars(select(r.PartnershipReview).where(
            r.PartnershipReview.partnership_id == partnership_id,
            r.PartnershipReview.deleted == LIVE).order_by(
            r.PartnershipReview.reviewed_on, r.PartnershipReview.created_at)))
    reviews = tuple(_summary(row) for row in rows)
    series = {key: tuple((s.reviewed_on, s.scores[key]) for s in reviews if key in s.scores)
              for key in ELEMENT_KEYS}
    average = tuple((s.reviewed_on, s.average) for s in reviews if s.average is not None)
    return ReviewTrend(partnership_id, reviews, series, average)  # type: ignore[arg-type]


def latest(desk: Desk, partnership_id: str) -> ReviewSummary | None:
    return trend(desk, partnership_id).latest


class ReviewService(RecordService[r.PartnershipReview]):
    """`desk.reviews`: the review records, and the use cases above as verbs."""

    def _desk(self) -> object:
        # The functions above take the facade (the CLI and tests call them so); of it they
        # use only the store and this service.
        return SimpleNamespace(store=self.store, reviews=self)

    def problems(self, values: dict[str, Any]) -> list[FieldProblem]:
        """What stops a review from being saved (nothing is written)."""
        return check_review(self._desk(), values)

    def record(self, partnership_id: str, *, reviewed_on: date, scores: dict[str, Any],
               overall_note: str = "", next_steps: str | Sequence[str | NextStep] = "",
               review_id: str | None = None) -> r.PartnershipReview:
        """See `record_review`: the review, its action items and the next due date."""
        return record_review(self._desk(), partnership_id, reviewed_on=reviewed_on,
                             scores=scores, overall_note=overall_note,
                             next_steps=next_steps, review_id=review_id)

    def trend(self, partnership_id: str) -> ReviewTrend:
        return trend(self._desk(), partnership_id)
