"""The life of a funding application: which status may follow which, when its dates and
its deliverables need attention, and which of its fields a partner may see.

These are the only copies of these rules. The dashboard and `partnerdesk reminders`
(through `services.reminders`), the funding register and the partnership report
(`services.reporting.funding`), the Funding list and the funding editor's status choices
(`FundingService.next_statuses`), bundles for partners (`sharing.exporter`) and the CSV
export call them. The status labels stay with the other choice lists in `db.vocabulary`.

The life of a funding: an idea, then an application being prepared, submitted, then
awarded or declined. Awarded money becomes active when the work starts, then the funder
expects reports (reporting), then it is closed. A declined application can be prepared
again for the next round; anything not pursued can be closed.

What needs attention, within the `funding_days` window (30 days unless changed):
- *deadline*: an application still an idea or being prepared whose deadline is today or
  within the window; *deadline passed*: its deadline has passed and it was not submitted
  (submit it, or close it);
- *decision overdue*: submitted, and the day a decision was expected has passed;
- a *deliverable* (report or outcome) not done, of funding that was awarded, is active or
  reporting: *due* within the window, or *overdue*. A deliverable of an application not yet
  won, or of closed or declined funding, asks for nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from partnerdesk.db import records as r
from partnerdesk.db import vocabulary as v

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "idea": ("preparing", "closed"),
    "preparing": ("idea", "submitted", "closed"),
    "submitted": ("awarded", "declined", "closed"),  # closed: withdrawn
    "awarded": ("active", "closed"),  # closed: the award was turned down
    "declined": ("preparing", "closed"),  # preparing: try again next round
    "active": ("reporting", "closed"),
    "reporting": ("active", "closed"),  # active: a further year of the same grant
    "closed": (),
}
APPLYING = ("idea", "preparing")  # statuses whose deadline is still ahead of them
APPLIED = ("submitted", "awarded", "declined", "active", "reporting", "closed")
WON = ("awarded", "active", "reporting", "closed")  # awarded money counts as won
DELIVERING = ("awarded", "active", "reporting")  # deliverables are owed

# the fields a bundle or report for a partner leaves out when amounts are internal
AMOUNT_FIELDS = ("requested_cents", "awarded_cents", "in_kind_cents")

DEADLINE = "funding_deadline"
DEADLINE_PASSED = "funding_deadline_passed"
DECISION_OVERDUE = "funding_decision_overdue"
DELIVERABLE_DUE = "deliverable_due"
DELIVERABLE_OVERDUE = "deliverable_overdue"


def next_statuses(status: str) -> tuple[str, ...]:
    """The statuses a funding with this status may move to."""
    return TRANSITIONS.get(status, ())


def status_problem(old: str, new: str) -> str | None:
    """The sentence refusing a step from `old` to `new`; None when the step is allowed."""
    if old == new or new in next_statuses(old):
        return None
    steps = ", ".join(v.label(v.FUNDING_STATUSES, s) for s in next_statuses(old)) or "none"
    old_label, new_label = (v.label(v.FUNDING_STATUSES, s) for s in (old, new))
    return (f"Funding cannot go from {old_label} to {new_label}. "
            f"From {old_label} it can go to: {steps}.")


def is_won(status: str) -> bool:
    return status in WON


def is_applied(status: str) -> bool:
    return status in APPLIED


def hidden_from_partners(values: dict[str, Any]) -> tuple[str, ...]:
    """The fields of a funding's values that a partner may not see."""
    return AMOUNT_FIELDS if values.get("amounts_internal") else ()


@dataclass(frozen=True)
class Attention:
    """Whether a date of a funding (or a deliverable) needs attention on a given day."""

    kind: str  # "" or one of the reminder kinds above
    days: int | None  # to the date (negative once past)
    message: str = ""

    @property
    def needs_attention(self) -> bool:
        return bool(self.kind)


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def funding_attention(status: str, deadline: date | None, decision_expected: date | None,
                      today: date, window: int) -> Attention:
    """The one answer to "does this funding's deadline or decision need attention?"."""
    if status in APPLYING and deadline is not None:
        days = (deadline - today).days
        label = v.label(v.FUNDING_STATUSES, status).lower()
        if days < 0:
            return Attention(DEADLINE_PASSED, days, f"The deadline passed {_days(-days)} ago "
                             f"and it is still marked {label}: submit it, or close it.")
        if days <= window:
            when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
            return Attention(DEADLINE, days, f"Application deadline {when}.")
        return Attention("", days)
    if status == "submitted" and decision_expected is not None:
        days = (decision_expected - today).days
        if days < 0:
            return Attention(DECISION_OVERDUE, days, f"A decision was expected {_days(-days)} "
                             "ago: ask the funder, or record the answer.")
        return Attention("", days)
    return Attention("", None)


def deliverable_attention(funding_status: str, done: bool, due: date | None, today: date,
                          window: int) -> Attention:
    """The one answer to "is this report or outcome due soon, or overdue?"."""
    if done or due is None or funding_status not in DELIVERING:
        return Attention("", None if due is None else (due - today).days)
    days = (due - today).days
    if days < 0:
        return Attention(DELIVERABLE_OVERDUE, days, f"overdue by {_days(-days)}.")
    if days <= window:
        when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
        return Attention(DELIVERABLE_DUE, days, f"due to the funder {when}.")
    return Attention("", days)


def funding_may_need_attention(today: date, window: int) -> Any:
    """A SQL condition on `Funding` keeping every funding `funding_attention` could flag."""
    ahead = today + timedelta(days=window)
    return ((r.Funding.status.in_(APPLYING) & r.Funding.deadline.is_not(None)
             & (r.Funding.deadline <= ahead))
            | ((r.Funding.status == "submitted") & r.Funding.decision_expected.is_not(None)
               & (r.Funding.decision_expected < today)))


def deliverable_may_need_attention(today: date, window: int) -> Any:
    """A SQL condition on `FundingDeliverable` joined to its `Funding` (see above)."""
    return ((r.FundingDeliverable.done == False)  # noqa: E712
            & r.FundingDeliverable.due_date.is_not(None)
            & (r.FundingDeliverable.due_date <= today + timedelta(days=window))
            & r.Funding.status.in_(DELIVERING))
