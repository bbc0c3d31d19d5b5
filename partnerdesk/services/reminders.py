"""What needs attention: agreements expiring, reviews, milestones and action items due
soon or overdue, quiet partners and resources to re-check.

"Soon" is the reminder horizon (`desk.settings.due_days`, 14 days unless changed in
Preferences) for action items, milestones and reviews; agreements have their own, longer
warning window (`expiring_days`) because a renewal takes months to arrange. The
dashboard shows them grouped by `when_due`: overdue, this week, this month, later, and
the ones with no deadline (quiet partners, resources to re-check).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from partnerdesk.db import records as r
from partnerdesk.services import agreement_rules, funding_rules
from partnerdesk.services.settings import ReminderWindows

LIVE = False  # value of the `deleted` column for live rows


@dataclass(frozen=True)
class Reminder:
    kind: str  # agreement_expiring, agreement_expired_active (`agreement_rules` states),
    #            review_due, milestone_due, milestone_overdue, action_due, action_overdue,
    #            not_contacted, resource_unverified, and the `funding_rules` kinds
    record_type: str
    record_id: str
    title: str
    message: str
    due: date | None = None


def _agreements(session: Session, today: date, w: ReminderWindows) -> list[Reminder]:
    """Agreements expiring or lapsed, as `agreement_rules.expiry` decides."""
    found = []
    # Only the columns shown: whole agreements carry long texts and bookkeeping.
    rows = session.execute(select(
        r.Agreement.id, r.Agreement.title, r.Agreement.status, r.Agreement.expiry_date).where(
        r.Agreement.deleted == LIVE,
        agreement_rules.may_need_attention(today, w.expiring_days))
        .order_by(r.Agreement.expiry_date, r.Agreement.title))
    for agreement_id, title, status, expiry_date in rows:
        state = agreement_rules.expiry(status, expiry_date, today, w.expiring_days)
        if state.needs_attention:
            found.append(Reminder(f"agreement_{state.state}", "agreement", agreement_id, title,
                                  agreement_rules.describe(state, status), expiry_date))
    return found


def _reviews(session: Session, today: date, w: ReminderWindows) -> list[Reminder]:
    rows = session.scalars(select(r.Partnership).where(
        r.Partnership.deleted == LIVE, r.Partnership.status != "ended",
        r.Partnership.next_review_date.is_not(None),
        r.Partnership.next_review_date <= today + timedelta(days=w.due_days))
        .order_by(r.Partnership.next_review_date))
    found = []
    for partnership in rows:
        assert partnership.next_review_date is not None
        days = (partnership.next_review_date - today).days
        message = (f"Review overdue by {_days(-days)}." if days < 0 else
                   "Review due today." if days == 0 else f"Review due in {_days(days)}.")
        found.append(Reminder("review_due", "partnership", partnership.id, partnership.title,
                              message, partnership.next_review_date))
    return found


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def _when(due: date, today: date) -> str:
    days = (due - today).days
    if days < 0:
        return f"overdue by {_days(-days)}."
    return "due today." if days == 0 else "due tomorrow." if days == 1 else \
        f"due in {_days(days)}."


def _work_due(session: Session, today: date, w: ReminderWindows) -> list[Reminder]:
    """Milestones and action items not done, overdue or due within the horizon."""
    found = []
    horizon = today + timedelta(days=w.due_days)
    milestones = session.execute(select(r.Milestone, r.Partnership.title).join(
        r.Partnership, r.Partnership.id == r.Milestone.partnership_id).where(
        r.Milestone.deleted == LIVE, r.Partnership.deleted == LIVE,
        r.Milestone.done == False, r.Milestone.due_date <= horizon)  # noqa: E712
        .order_by(r.Milestone.due_date))
    for milestone, partnership_title in milestones:
        overdue = milestone.due_date < today
        found.append(Reminder("milestone_overdue" if overdue else "milestone_due", "milestone",
                              milestone.id, milestone.title,
                              f"{partnership_title}: {_when(milestone.due_date, today)}",
                              milestone.due_date))
    actions = session.execute(select(r.ActionItem, r.Contact.name).outerjoin(
        r.Contact, r.Contact.id == r.ActionItem.owner_contact_id).where(
        r.ActionItem.deleted == LIVE, r.ActionItem.done == False,  # noqa: E712
        r.ActionItem.due_date <= horizon).order_by(r.ActionItem.due_date))
    for item, owner in actions:
        overdue = item.due_date < today
        who = f"{owner}: " if owner else ""
        found.append(Reminder("action_overdue" if overdue else "action_due", "action_item",
                              item.id, item.description,
                              f"{who}{_when(item.due_date, today)}", item.due_date))
    return found


def last_contact_by_organization(session: Session,
                                 organization_ids: list[str] | None = None) -> dict[str, date]:
    """The latest day we met or reached anyone at each organization (or at those named)."""
    latest: dict[str, date] = {}
    only = (lambda column: column.in_(organization_ids)) if organization_ids is not None \
        else (lambda column: column.is_not(None))

    def note(org_id: str | None, when: date | None) -> None:
        if org_id and when and (org_id not in latest or when > latest[org_id]):
            latest[org_id] = when

    for org_id, when in session.execute(select(
            r.Contact.organization_id, func.max(r.Contact.last_contacted)).where(
            r.Contact.deleted == LIVE, only(r.Contact.organization_id)).group_by(
            r.Contact.organization_id)):
        note(org_id, when)
    met = select(r.Contact.organization_id, func.max(r.Meeting.starts_at)).join(
        r.MeetingAttendee, r.MeetingAttendee.contact_id == r.Contact.id).join(
        r.Meeting, r.Meeting.id == r.MeetingAttendee.meeting_id).where(
        r.Meeting.deleted == LIVE, r.MeetingAttendee.deleted == LIVE,
        only(r.Contact.organization_id),
        r.Meeting.starts_at <= datetime.combine(date.today(), time.max)).group_by(
        r.Contact.organization_id)
    for org_id, when in session.execute(met):
        note(org_id, when.date() if isinstance(when, datetime) else when)
    return latest


def _quiet_partners(session: Session, today: date, w: ReminderWindows) -> list[Reminder]:
    partners = session.execute(select(r.Organization.id, r.Organization.name).join(
        r.PartnershipMember, r.PartnershipMember.organization_id == r.Organization.id).join(
        r.Partnership, r.Partnership.id == r.PartnershipMember.partnership_id).where(
        r.Organization.deleted == LIVE, r.Organization.is_us == False,  # noqa: E712
        r.PartnershipMember.deleted == LIVE, r.Partnership.deleted == LIVE,
        r.Partnership.status.in_(["forming", "active", "under_review"])).distinct()
        .order_by(r.Organization.name)).all()
    latest = last_contact_by_organization(session, [org_id for org_id, _name in partners])
    found = []
    for org_id, name in partners:
        when = latest.get(org_id)
        if when is None:
            found.append(Reminder("not_contacted", "organization", org_id, name,
                                  "No contact recorded yet."))
        elif (today - when).days > w.quiet_days:
            found.append(Reminder("not_contacted", "organization", org_id, name,
                                  f"Last contact {(today - when).days} days ago.", when))
    return found


def _unverified(session: Session, today: date, w: ReminderWindows,
                show_date: Callable[[date], str]) -> list[Reminder]:
    cutoff = today - timedelta(days=round(w.verify_months * 30.44))
    rows = session.execute(select(r.Resource.id, r.Resource.name, r.Resource.last_verified)
                           .where(r.Resource.deleted == LIVE,
                                  (r.Resource.last_verified.is_(None))
                                  | (r.Resource.last_verified < cutoff))
                           .order_by(r.Resource.last_verified, r.Resource.name).limit(200))
    return [Reminder("resource_unverified", "resource", res_id, name,
                     "Never verified." if verified is None else
                     f"Last verified {show_date(verified)}.", verified)
            for res_id, name, verified in rows]


def _funding(session: Session, today: date, w: ReminderWindows) -> list[Reminder]:
    """Funding deadlines and decisions, and reports or outcomes due to funders, as
    `funding_rules` decides."""
    found = []
    rows = session.execute(select(
        r.Funding.id, r.Funding.title, r.Funding.status, r.Funding.deadline,
        r.Funding.decision_expected).where(
        r.Funding.deleted == LIVE, funding_rules.funding_may_need_attention(today, w.funding_days))
        .order_by(r.Funding.deadline, r.Funding.title))
    for funding_id, title, status, deadline, decision in rows:
        state = funding_rules.funding_attention(status, deadline, decision, today,
                                                w.funding_days)
        if state.needs_attention:
            found.append(Reminder(state.kind, "funding", funding_id, title, state.message,
                                  decision if state.kind == funding_rules.DECISION_OVERDUE
                                  else deadline))
    deliverables = session.execute(select(
        r.FundingDeliverable.id, r.FundingDeliverable.title, r.FundingDeliverable.due_date,
        r.FundingDeliverable.done, r.Funding.title, r.Funding.status, r.Contact.name)
        .join(r.Funding, r.Funding.id == r.FundingDeliverable.funding_id)
        .outerjoin(r.Contact, r.Contact.id == r.FundingDeliverable.owner_contact_id)
        .where(r.FundingDeliverable.deleted == LIVE, r.Funding.deleted == LIVE,
               funding_rules.deliverable_may_need_attention(today, w.funding_days))
        .order_by(r.FundingDeliverable.due_date))
    for item_id, title, due, done, funding_title, status, owner in deliverables:
        state = funding_rules.deliverable_attention(status, done, due, today, w.funding_days)
        if state.needs_attention:
            who = f" {owner} is doing it." if owner else ""
            found.append(Reminder(state.kind, "funding_deliverable", item_id, title,
                                  f"{funding_title}: {state.message}{who}", due))
    return found



# Reminders about something left undone, not about a day to keep: grouped apart.
NO_DEADLINE = frozenset({"not_contacted", "resource_unverified"})
# The dashboard's groups, in the order shown.
GROUPS = ("overdue", "this_week", "this_month", "later", "no_deadline")


def when_due(reminder: Reminder, today: date) -> str:
    """Which of `GROUPS` a reminder falls in: overdue (due before today), this week
    (today and the six days after), this month (within 30 days), later, or no deadline."""
    if reminder.kind in NO_DEADLINE or reminder.due is None:
        return "no_deadline"
    days = (reminder.due - today).days
    if days < 0:
        return "overdue"
    return "this_week" if days < 7 else "this_month" if days <= 30 else "later"


def reminders(session: Session, today: date, windows: ReminderWindows,
              show_date: Callable[[date], str] = date.isoformat) -> list[Reminder]:
    """Everything that needs attention on `today`, soonest first within each kind;
    `windows` usually come from `desk.settings.reminder_windows` (`Desk.reminders`
    passes them); `show_date` writes the dates in messages (the date format setting)."""
    w = windows
    return (_agreements(session, today, w) + _reviews(session, today, w)
            + _work_due(session, today, w) + _quiet_partners(session, today, w)
            + _unverified(session, today, w, show_date) + _funding(session, today, w))
