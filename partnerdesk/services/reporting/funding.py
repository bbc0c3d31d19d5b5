"""The funding register, and the funding lines the partnership report also shows.

What a partner may see is decided here: for a partner (the default), the amounts of
funding marked internal are never read into the report (`funding_rules
.hidden_from_partners`), and the totals say how many were left out; a deliverable's
owner who may not be shared appears as "someone from <organization>". Which funding
needs attention is `funding_rules`' answer, the same one the dashboard gives.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from partnerdesk.db import records as r
from partnerdesk.db import vocabulary as v
from partnerdesk.errors import PartnerDeskError
from partnerdesk.services import funding_rules
from partnerdesk.services.desk import Desk
from partnerdesk.services.reporting.common import (
    LIVE,
    Period,
    ReportMeta,
    by_id,
    check_period,
    make_meta,
    person,
    records_of,
)
from partnerdesk.services.settings import FUNDING_DAYS


@dataclass(frozen=True)
class DeliverableLine:
    funding: str  # the funding's title
    title: str
    kind: str  # the label: Report, Outcome
    due: date | None
    owner: str
    done: bool
    done_on: date | None = None
    flag: str = ""  # "" or a `funding_rules` kind: deliverable_due, deliverable_overdue
    days: int | None = None


@dataclass(frozen=True)
class FundingLine:
    title: str
    programme: str
    funder: str
    for_whom: str  # the partnership's title, or the organization's name
    status: str  # the label, e.g. "Submitted"
    status_key: str
    requested: int | None  # cents; None when not recorded or not shown
    awarded: int | None
    in_kind: str
    in_kind_value: int | None
    amounts_shown: bool  # False: marked internal, left out of this report
    deadline: date | None
    decision_expected: date | None
    start: date | None
    end: date | None
    flag: str = ""  # "" or a `funding_rules` kind for the funding itself
    flag_message: str = ""
    deliverables: tuple[DeliverableLine, ...] = ()

    @property
    def applied(self) -> bool:
        return funding_rules.is_applied(self.status_key)

    @property
    def won(self) -> bool:
        return funding_rules.is_won(self.status_key)


@dataclass(frozen=True)
class FundingTotals:
    """Applied, won and in kind, in cents of `currency`; amounts not shown not counted."""

    currency: str
    applied: int = 0
    applied_count: int = 0
    won: int = 0
    won_count: int = 0
    in_kind: int = 0
    in_kind_count: int = 0
    hidden_count: int = 0  # funding whose amounts are internal and so left out
    due_count: int = 0  # open reports and outcomes due within the window, or overdue
    warning_days: int = FUNDING_DAYS.default()  # the window the flags were decided with


@dataclass(frozen=True)
class FundingRegister:
    meta: ReportMeta
    groups: tuple[tuple[str, tuple[FundingLine, ...]], ...]  # (status label, funding)
    totals: FundingTotals
    due: tuple[DeliverableLine, ...]  # open deliverables, by due date
    warning_days: int = FUNDING_DAYS.default()

    @property
    def count(self) -> int:
        return sum(len(lines) for _, lines in self.groups)


def funding_lines(session: Session, fundings: Sequence[r.Funding], today: date,
                  warning_days: int, for_partner: bool) -> list[FundingLine]:
    """Report lines for `fundings`, with their deliverables, flags and names."""
    ids = [f.id for f in fundings]
    items: dict[str, list[r.FundingDeliverable]] = defaultdict(list)
    for at in range(0, len(ids), 500):
        for item in session.scalars(records_of(r.FundingDeliverable).where(
                r.FundingDeliverable.funding_id.in_(ids[at:at + 500]),
                r.FundingDeliverable.deleted == LIVE)):
            items[item.funding_id].append(item)
    orgs = by_id(session, r.Organization, [f.funder_id for f in fundings]
                 + [f.organization_id for f in fundings])
    ships = by_id(session, r.Partnership, [f.partnership_id for f in fundings])
    people = by_id(session, r.Contact, [d.owner_contact_id for found in items.values()
                                        for d in found])
    orgs.update(by_id(session, r.Organization, [p.organization_id for p in people.values()]))
    lines = []
    for funding in fundings:
        hidden = set(funding_rules.hidden_from_partners(
            {"amounts_internal": funding.amounts_internal})) if for_partner else set()

        def shown(field: str, funding: r.Funding = funding, hidden: set[str] = hidden,
                  ) -> int | None:
            return None if field in hidden else getattr(funding, field)

        deliverables = []
        for item in sorted(items[funding.id], key=lambda d: (d.due_date or date.max, d.title)):
            state = funding_rules.deliverable_attention(funding.status, item.done,
                                                        item.due_date, today, warning_days)
            deliverables.append(DeliverableLine(
                funding.title, item.title, v.label(v.DELIVERABLE_KINDS, item.kind),
                item.due_date, person(people.get(item.owner_contact_id or ""), orgs,
                                      for_partner),
                item.done, item.done_date, state.kind, state.days))
        state = funding_rules.funding_attention(funding.status, funding.deadline,
                                                funding.decision_expected, today, warning_days)
        ship = ships.get(funding.partnership_id or "")
        org = orgs.get(funding.organization_id or "")
        funder = orgs.get(funding.funder_id)
        lines.append(FundingLine(
            title=funding.title, programme=funding.programme,
            funder=funder.name if funder else "", for_whom=ship.title if ship else
            (org.name if org else ""), status=v.label(v.FUNDING_STATUSES, funding.status),
            status_key=funding.status, requested=shown("requested_cents"),
            awarded=shown("awarded_cents"), in_kind=funding.in_kind_description,
            in_kind_value=shown("in_kind_cents"), amounts_shown=not hidden,
            deadline=funding.deadline, decision_expected=funding.decision_expected,
            start=funding.start_date, end=funding.end_date, flag=state.kind,
            flag_message=state.message, deliverables=tuple(deliverables)))
    return lines


def totals(lines: Iterable[FundingLine], currency: str, warning_days: int) -> FundingTotals:
    """What was applied for, won and given in kind (see `funding_rules`' statuses)."""
    applied = won = in_kind = applied_count = won_count = in_kind_count = 0
    hidden = due = 0
    for line in lines:
        due += sum(1 for d in line.deliverables if d.flag)
        if not line.amounts_shown:
            hidden += 1
            continue
        if line.applied and line.requested is not None:
            applied += line.requested
            applied_count += 1
        if line.won and line.awarded is not None:
            won += line.awarded
            won_count += 1
        if line.won and line.in_kind_value is not None:
            in_kind += line.in_kind_value
            in_kind_count += 1
    return FundingTotals(currency, applied, applied_count, won, won_count, in_kind,
                         in_kind_count, hidden, due, warning_days)


def open_deliverables(lines: Iterable[FundingLine]) -> tuple[DeliverableLine, ...]:
    """Reports and outcomes still owed to funders (of funding won), by due date."""
    found = [d for line in lines if line.status_key in funding_rules.DELIVERING
             for d in line.deliverables if not d.done]
    return tuple(sorted(found, key=lambda d: (d.due or date.max, d.funding, d.title)))


def in_period(line: FundingLine, period: Period) -> bool:
    """Did anything of this funding fall in the period (a date, or its running time)?"""
    if any(period.contains(day) for day in (line.deadline, line.decision_expected,
                                            line.start, line.end)):
        return True
    if line.start is not None and (period.end is None or line.start <= period.end) \
            and (line.end is None or period.start is None or line.end >= period.start):
        return True
    return any(period.contains(d.due) for d in line.deliverables)


def funding_register(desk: Desk, *, start: date | None = None, end: date | None = None,
                     include_internal: bool = False,
                     today: date | None = None) -> FundingRegister:
    """Every funding, grouped by status; with a period, those with a date in it."""
    today = today or date.today()
    check_period(start, end)
    period = Period(start, end) if (start or end) else None
    warning_days, currency = desk.settings.reminder_windows.funding_days, desk.settings.currency
    with desk.store.read() as session:
        fundings = list(session.scalars(records_of(r.Funding).where(r.Funding.deleted == LIVE)
                                        .order_by(r.Funding.title)))
        lines = funding_lines(session, fundings, today, warning_days,
                              for_partner=not include_internal)
        meta = make_meta(desk, "funding", "Funding register",
                         "Every grant and other funding applied for or won, by status", today,
                         period, for_partner=not include_internal, session=session)
    if period is not None:
        lines = [line for line in lines if in_period(line, period)]
        if not lines:
            raise PartnerDeskError(
                "No funding has a date in that period. Choose a longer period, or leave out "
                "--from and --to to list all funding.")
    order = [label for _, label in v.FUNDING_STATUSES]
    grouped: dict[str, list[FundingLine]] = defaultdict(list)
    for line in lines:
        grouped[line.status].append(line)
    groups = tuple((label, tuple(sorted(grouped[label], key=lambda f: (
        f.deadline or f.start or date.max, f.title)))) for label in
        sorted(grouped, key=lambda s: order.index(s) if s in order else 99))
    return FundingRegister(meta=meta, groups=groups,
                           totals=totals(lines, currency, warning_days),
                           due=open_deliverables(lines), warning_days=warning_days)
