"""The agreements register, and the agreement lines the partnership report also shows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from partnerdesk.db import records as r
from partnerdesk.db import vocabulary as v
from partnerdesk.errors import PartnerDeskError
from partnerdesk.services.desk import Desk
from partnerdesk.services.reporting.common import (
    LIVE,
    Period,
    ReportMeta,
    by_id,
    check_period,
    make_meta,
)

EXPIRING_DAYS = 60


@dataclass(frozen=True)
class ObligationLine:
    party: str
    description: str
    due: date | None = None
    frequency: str = ""


@dataclass(frozen=True)
class AgreementLine:
    title: str
    status: str  # the label, e.g. "Active"
    parties: tuple[str, ...]
    effective: date | None
    expiry: date | None
    days_left: int | None
    renewal_terms: str = ""
    notice_days: int | None = None
    flag: str = ""  # "", expiring, expired_active
    obligations: tuple[ObligationLine, ...] = ()
    partnership: str = ""


@dataclass(frozen=True)
class AgreementsRegister:
    meta: ReportMeta
    groups: tuple[tuple[str, tuple[AgreementLine, ...]], ...]  # (status label, agreements)

    @property
    def count(self) -> int:
        return sum(len(lines) for _, lines in self.groups)


def agreement_flag(agreement: r.Agreement, today: date) -> tuple[int | None, str]:
    """Days to expiry, and "expiring" (live, within 60 days) or "expired_active"."""
    if agreement.expiry_date is None:
        return None, ""
    days = (agreement.expiry_date - today).days
    live = agreement.status in ("active", "signed")
    if days < 0 and agreement.status == "active":
        return days, "expired_active"
    if live and 0 <= days <= EXPIRING_DAYS:
        return days, "expiring"
    return days, ""


def agreement_lines(session: Session, agreements: list[r.Agreement], today: date,
                     with_obligations: bool) -> list[AgreementLine]:
    ids = [a.id for a in agreements]
    parties: dict[str, list[r.AgreementParty]] = defaultdict(list)
    obligations: dict[str, list[r.Obligation]] = defaultdict(list)
    for at in range(0, len(ids), 500):
        chunk = ids[at:at + 500]
        for party in session.scalars(select(r.AgreementParty).where(
                r.AgreementParty.agreement_id.in_(chunk), r.AgreementParty.deleted == LIVE)):
            parties[party.agreement_id].append(party)
        if with_obligations:
            for duty in session.scalars(select(r.Obligation).where(
                    r.Obligation.agreement_id.in_(chunk), r.Obligation.deleted == LIVE)):
                obligations[duty.agreement_id].append(duty)
    orgs = by_id(session, r.Organization,
                  [p.organization_id for ps in parties.values() for p in ps]
                  + [d.organization_id for ds in obligations.values() for d in ds])
    ships = by_id(session, r.Partnership, [a.partnership_id for a in agreements])
    lines = []
    for agreement in agreements:
        days, flag = agreement_flag(agreement, today)
        names = tuple(sorted(orgs[p.organization_id].name for p in parties[agreement.id]
                             if p.organization_id in orgs))
        duties = tuple(ObligationLine(
            party=orgs[d.organization_id].name if d.organization_id in orgs else "All parties",
            description=d.description, due=d.due_date, frequency=d.frequency)
            for d in sorted(obligations[agreement.id], key=lambda d: d.description))
        ship = ships.get(agreement.partnership_id or "")
        lines.append(AgreementLine(
            title=agreement.title, status=v.label(v.AGREEMENT_STATUSES, agreement.status),
            parties=names, effective=agreement.effective_date, expiry=agreement.expiry_date,
            days_left=days, renewal_terms=agreement.renewal_terms,
            notice_days=agreement.notice_period_days, flag=flag, obligations=duties,
            partnership=ship.title if ship else ""))
    return lines


def agreements_register(desk: Desk, *, start: date | None = None, end: date | None = None,
                        today: date | None = None) -> AgreementsRegister:
    """Every agreement, grouped by status; with a period, those in force during it."""
    today = today or date.today()
    check_period(start, end)
    period = Period(start, end) if (start or end) else None
    with desk.store.read() as session:
        query = select(r.Agreement).where(r.Agreement.deleted == LIVE)
        if end:
            query = query.where(r.Agreement.effective_date <= end)
        if start:
            query = query.where((r.Agreement.expiry_date.is_(None))
                                | (r.Agreement.expiry_date >= start))
        agreements = list(session.scalars(query.order_by(r.Agreement.expiry_date,
                                                         r.Agreement.title)))
        if period and not agreements:
            raise PartnerDeskError(
                "No agreement was in force in that period. Choose a longer period, or leave "
                "out --from and --to to list every agreement.")
        lines = agreement_lines(session, agreements, today, with_obligations=False)
    order = [label for _, label in v.AGREEMENT_STATUSES]
    grouped: dict[str, list[AgreementLine]] = defaultdict(list)
    for line in lines:
        grouped[line.status].append(line)
    groups = tuple((label, tuple(grouped[label])) for label in
                   sorted(grouped, key=lambda s: order.index(s) if s in order else 99))
    return AgreementsRegister(
        meta=make_meta(desk, "agreements", "Agreements register",
                       "Every agreement and memorandum of understanding, by status", today,
                       period),
        groups=groups)
