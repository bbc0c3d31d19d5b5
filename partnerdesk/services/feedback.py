"""Feedback from partners, staff and the community, saved whole with a survey's results.

Rules kept here (not in the editor):
- a survey's results are aggregate numbers: for each question, how many chose each
  answer. There is no field for who answered, and one (question, answer) pair is
  counted once, so the same answer cannot be entered twice;
- feedback is about one partnership; when it is linked to a health review, the review
  must be one of that partnership's;
- the health review of a partnership shows the feedback received since its previous
  review (`since_last_review`), beside the elements it scores.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from partnerdesk.db import records as r
from partnerdesk.db import vocabulary as v
from partnerdesk.db.bookkeeping import records_of
from partnerdesk.errors import FieldProblem, RowProblem
from partnerdesk.services.records import RecordService
from partnerdesk.services.store import Store
from partnerdesk.services.whole_save import (
    ChildChanges,
    ChildList,
    Plan,
    Saved,
    WholeSaveService,
)

LIVE = False


@dataclass(frozen=True)
class AnswerCount:
    answer: str
    count: int


@dataclass(frozen=True)
class QuestionResult:
    """One survey question and how many chose each answer, in the order given."""

    question: str
    answers: tuple[AnswerCount, ...]

    @property
    def total(self) -> int:
        return sum(a.count for a in self.answers)


@dataclass(frozen=True)
class FeedbackLine:
    """Feedback as the health review, the partnership report and lists show it."""

    id: str
    title: str
    received_on: date
    source: str  # label: "A partner", "Staff", "The community"
    channel: str  # label: "Survey", ...
    sentiment: str  # label
    themes: tuple[str, ...]
    summary: str
    organization: str
    respondents: int | None
    results: tuple[QuestionResult, ...] = ()
    review_id: str | None = None


def group_results(rows: list[Any]) -> tuple[QuestionResult, ...]:
    """Survey result rows (question, answer, count, position) as questions in order."""
    questions: dict[str, list[AnswerCount]] = {}
    for row in sorted(rows, key=lambda row: (row.position, row.created_at)):
        questions.setdefault(row.question, []).append(AnswerCount(row.answer, row.count))
    return tuple(QuestionResult(q, tuple(answers)) for q, answers in questions.items())


def feedback_lines(session: Session, rows: list[r.Feedback]) -> list[FeedbackLine]:
    """Lines for feedback rows, with their survey results and organizations' names."""
    ids = [row.id for row in rows]
    results: dict[str, list[r.SurveyResult]] = {}
    for start in range(0, len(ids), 500):
        for result in session.scalars(records_of(r.SurveyResult).where(
                r.SurveyResult.feedback_id.in_(ids[start:start + 500]),
                r.SurveyResult.deleted == LIVE)):
            results.setdefault(result.feedback_id, []).append(result)
    org_ids = sorted({row.organization_id for row in rows if row.organization_id})
    names = dict(session.execute(select(r.Organization.id, r.Organization.name).where(
        r.Organization.id.in_(org_ids))).all()) if org_ids else {}
    return [FeedbackLine(
        row.id, row.title, row.received_on, v.label(v.FEEDBACK_SOURCES, row.source),
        v.label(v.FEEDBACK_CHANNELS, row.channel), v.label(v.SENTIMENTS, row.sentiment),
        tuple(row.tags), row.summary, names.get(row.organization_id or "", ""),
        row.respondents, group_results(results.get(row.id, [])), row.review_id)
        for row in rows]


class FeedbackService(WholeSaveService[r.Feedback]):
    def __init__(self, store: Store, *, results: RecordService[r.SurveyResult]) -> None:
        super().__init__(store, r.Feedback)
        self.children = (
            ChildList("results", results, "survey answer", "feedback_id", "answer"),
        )

    def save(self, values: Mapping[str, Any], record_id: str | None = None, *,
             results: ChildChanges | None = None,
             rev: str | None = None) -> Saved[r.Feedback]:
        """Create (no `record_id`) or update feedback with its survey results, in one step.

        `results` rows are {"question", "answer", "count", "position"}. Nothing is
        written when any row is wrong (ValidationError). New rows without a position go
        after the results already there, in the order sent."""
        if results and any("position" not in row for row in results.new):
            last = -1
            if record_id:
                with self.store.read() as session:
                    last = session.scalar(select(func.max(r.SurveyResult.position)).where(
                        r.SurveyResult.feedback_id == record_id)) or 0
            numbered = []
            for row in results.new:
                if "position" not in row:
                    last += 1
                    row = {**row, "position": last}
                numbered.append(row)
            results = replace(results, new=numbered)
        return self.save_whole(values, record_id, {"results": results}, rev=rev)

    def check_rows(self, session: Session, plan: Plan) -> list[FieldProblem]:
        problems: list[FieldProblem] = []
        review_id = plan.values.get("review_id")
        if review_id:
            review = session.get(r.PartnershipReview, review_id)
            if review is not None and review.partnership_id != plan.values.get(
                    "partnership_id"):
                problems.append(FieldProblem(
                    "review_id", "That review is of another partnership. Choose one of this "
                    "partnership's reviews, or none."))
        problems += self._one_count_per_answer(session, plan)
        return problems

    def _one_count_per_answer(self, session: Session, plan: Plan) -> list[FieldProblem]:
        gone = {step.record_id for step in plan.steps_of("results", "delete")}
        changed = {step.record_id: step.values for step in plan.steps_of("results", "update")}
        taken: set[tuple[str, str]] = set()
        for row in session.scalars(select(r.SurveyResult).where(
                r.SurveyResult.feedback_id == plan.parent_id, r.SurveyResult.deleted == LIVE)):
            if row.id not in gone:
                values = changed.get(row.id, {"question": row.question, "answer": row.answer})
                taken.add(_pair(values))
        problems: list[FieldProblem] = []
        for step in plan.steps_of("results", "create"):
            pair = _pair(step.values)
            if pair in taken:
                problems.append(RowProblem(
                    "results", f"“{step.values['answer']}” to “{step.values['question']}” "
                    "is already counted; change that number instead.",
                    new_index=step.new_index, row_field="answer"))
            taken.add(pair)
        return problems

    # -- questions about feedback ---------------------------------------------------------
    def results(self, feedback_id: str) -> tuple[QuestionResult, ...]:
        with self.store.read() as session:
            return group_results(list(session.scalars(select(r.SurveyResult).where(
                r.SurveyResult.feedback_id == feedback_id, r.SurveyResult.deleted == LIVE))))

    def since_last_review(self, partnership_id: str, on: date,
                          review_id: str | None = None) -> tuple[date | None,
                                                                 list[FeedbackLine]]:
        """(the previous review's date, the partnership's feedback since then up to `on`).

        The previous review is the latest one before `on` other than `review_id` (the
        review being recorded or corrected); feedback linked to `review_id` is listed
        whatever its date. Newest first."""
        with self.store.read() as session:
            previous = session.scalar(select(r.PartnershipReview.reviewed_on).where(
                r.PartnershipReview.partnership_id == partnership_id,
                r.PartnershipReview.deleted == LIVE,
                r.PartnershipReview.id != (review_id or ""),
                r.PartnershipReview.reviewed_on < on).order_by(
                r.PartnershipReview.reviewed_on.desc()).limit(1))
            query = select(r.Feedback).where(
                r.Feedback.partnership_id == partnership_id, r.Feedback.deleted == LIVE)
            rows = [row for row in session.scalars(query.order_by(
                r.Feedback.received_on.desc(), r.Feedback.title))
                if (review_id and row.review_id == review_id)
                or ((previous is None or row.received_on > previous) and row.received_on <= on)]
            return previous, feedback_lines(session, rows)


def _pair(values: Mapping[str, Any]) -> tuple[str, str]:
    return (str(values.get("question") or "").strip().casefold(),
            str(values.get("answer") or "").strip().casefold())
