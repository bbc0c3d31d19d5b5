"""The life of an agreement (MOU): which status may follow which, and when it is expiring.

These are the only copies of both rules. The dashboard and `partnerdesk reminders`
(through `services.reminders`), the agreements register and the partnership report
(`services.reporting.agreements`), the calendar file (`sharing.ical`), the Agreements
list and the agreement editor's status choices (`AgreementService.next_statuses`) all
call them. The status labels stay with the other choice lists in `db.vocabulary`.

Which agreements can expire: only those in force, **signed** or **active**. A draft or
an agreement still being negotiated binds nobody yet: its dates are proposals, there is
nothing to renew and no notice to give, and a warning about it would bury the ones that
matter. An expired or terminated agreement has already ended. So, for an agreement in
force with an expiry date:

- *expiring*: the expiry date is today or within the warning window ahead
  (`desk.settings.expiring_days`, 60 days unless changed);
- *lapsed* (state `expired_active`): the expiry date has passed but the agreement is still
  marked signed or active: someone should renew it or mark it expired;
- otherwise, and for every other status, nothing needs attention.

The calendar file lists the expiry (and last-notice) dates of the agreements that can
expire, the same ones these reminders are about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from partnerdesk.db import records as r
from partnerdesk.db import vocabulary as v

# Which agreement status may follow which: the life of an MOU moves forward, except that
# an expired agreement can be renewed and a draft can come back from negotiation.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("negotiating", "terminated"),
    "negotiating": ("draft", "signed", "terminated"),
    "signed": ("active", "expired", "terminated"),  # expired: it lapsed before it was active
    "active": ("expired", "terminated"),
    "expired": ("active",),  # renewed
    "terminated": (),
}
IN_FORCE = ("signed", "active")  # the statuses that can expire (see above)

EXPIRING = "expiring"
LAPSED = "expired_active"


def next_statuses(status: str) -> tuple[str, ...]:
    """The statuses an agreement with this status may move to."""
    return TRANSITIONS.get(status, ())


def can_expire(status: str) -> bool:
    return status in IN_FORCE


@dataclass(frozen=True)
class Expiry:
    """Where an agreement stands against its expiry date on a given day."""

    days_left: int | None  # to the expiry date (negative once past); None without one
    state: str = ""  # "", EXPIRING or LAPSED

    @property
    def needs_attention(self) -> bool:
        return bool(self.state)


def expiry(status: str, expiry_date: date | None, today: date, warning_days: int) -> Expiry:
    """The one answer to "is this agreement expiring?" (see the module's docstring)."""
    if expiry_date is None:
        return Expiry(None)
    days = (expiry_date - today).days
    if not can_expire(status):
        return Expiry(days)
    if days < 0:
        return Expiry(days, LAPSED)
    if days <= warning_days:
        return Expiry(days, EXPIRING)
    return Expiry(days)


def may_need_attention(today: date, warning_days: int) -> Any:
    """A SQL condition on `Agreement` that keeps every agreement `expiry` could flag
    (and, as SQL cannot compute the state, only those): the caller still asks `expiry`."""
    return (r.Agreement.status.in_(IN_FORCE) & r.Agreement.expiry_date.is_not(None)
            & (r.Agreement.expiry_date <= today + timedelta(days=warning_days)))


def describe(state: Expiry, status: str) -> str:
    """The sentence a reminder shows, in plain English."""
    days = state.days_left
    if days is None:
        return "No expiry date."
    if state.state == LAPSED:
        return (f"Expired {-days} day{'s' if days != -1 else ''} ago but still marked "
                f"{v.label(v.AGREEMENT_STATUSES, status).lower()}: renew it or mark it "
                "expired.")
    if days == 0:
        return "Expires today."
    if days > 0:
        return f"Expires in {days} day{'s' if days != 1 else ''}."
    return f"Expired {-days} day{'s' if days != -1 else ''} ago."


def last_notice_date(expiry: date, notice_days: int | None) -> date | None:
    """The last day to give notice before `expiry`; None when there is no notice period,
    or when the day would be before the calendar starts (an expiry typed as 0001-01-02
    with 90 days' notice: there is no such day to remind anyone of)."""
    if not notice_days or notice_days < 0:
        return None
    try:
        return expiry - timedelta(days=notice_days)
    except OverflowError:
        return None
