"""The agreements register, and the agreement lines the partnership report also shows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Protocol

from sqlalchemy import Select, bindparam, select
from sqlmodel import Session

from partnerdesk.db import records as r
from partnerdesk.db import vocabulary as v
from partnerdesk.errors import PartnerDeskError
from partnerdesk.services import agreement_rules
from partnerdesk.services.desk import Desk
from partnerdesk.services.reporting.common import (
    LIVE,
    Period,
    ReportMeta,
    check_period,
    make_meta,
)
from partnerdesk.services.settings import EXPIRING_DAYS


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
    flag: str = ""  # "" or an `agreement_rules` state: expiring, expired_active
    obligations: tuple[ObligationLine, ...] = ()
    partnership: str = ""


@dataclass(frozen=True)
class AgreementsRegister:
    meta: ReportMeta
    groups: tuple[tuple[str, tuple[AgreementLine, ...]], ...]  # (status label, agreements)
    # the warning window the flags were decided with (`desk.settings.expiring_days`)
    warning_days: int = EXPIRING_DAYS.default()

    @property
    def count(self) -> int:
        return sum(len(lines) for _, lines in self.groups)


class AgreementRow(Protocol):
    """The columns of an agreement the reports show (a row of `AGREEMENT_COLUMNS`)."""

    id: str
    title: str
    status: str
    effective_date: date | None
    expiry_date: date | None
    renewal_terms: str
    notice_period_days: int | None
    partnership_title: str | None


# Only the columns a report shows, with the partnership's title joined in: loading whole
# records would also decode every row's JSON bookkeeping (stamps, version vectors).
AGREEMENT_COLUMNS = (r.Agreement.id, r.Agreement.title, r.Agreement.status,
                     r.Agreement.effective_date, r.Agreement.expiry_date,
                     r.Agreement.renewal_terms, r.Agreement.notice_period_days,
                     r.Partnership.title.label("partnership_title"))


def agreement_query(*conditions: Any) -> Select[Any]:
    """Live agreements meeting `conditions`, as `AgreementRow`s."""
    return (select(*AGREEMENT_COLUMNS)
            .outerjoin(r.Partnership, r.Partnership.id == r.Agreement.partnership_id)
            .where(r.Agreement.deleted == LIVE, *conditions))


# The register's statements are built once and reused with new values: building a
# statement costs about as much as running it on a small database.
@lru_cache(maxsize=4)
def register_query(with_start: bool, with_end: bool) -> Select[Any]:
    """Every live agreement (in force between :start and :end when given), by expiry."""
    query = agreement_query()
    if with_end:
        query = query.where(r.Agreement.effective_date <= bindparam("end"))
    if with_start:
        query = query.where((r.Agreement.expiry_date.is_(None))
                            | (r.Agreement.expiry_date >= bindparam("start")))
    return query.order_by(r.Agreement.expiry_date, r.Agreement.title)


@lru_cache(maxsize=1)
def parties_query() -> Select[Any]:
    """(agreement id, party name) for the agreements in :ids.

    A party whose organization was deleted still names it, as the agreement did.
    """
    return (select(r.AgreementParty.agreement_id, r.Organization.name)
            .join(r.Organization, r.Organization.id == r.AgreementParty.organization_id)
            .where(r.AgreementParty.agreement_id.in_(bindparam("ids", expanding=True)),
                   r.AgreementParty.deleted == LIVE))


@lru_cache(maxsize=1)
def obligations_query() -> Select[Any]:
    """The obligations of the agreements in :ids, with the name of the party that owes."""
    return (select(r.Obligation.agreement_id, r.Organization.name, r.Obligation.description,
                   r.Obligation.due_date, r.Obligation.frequency)
            .outerjoin(r.Organization, r.Organization.id == r.Obligation.organization_id)
            .where(r.Obligation.agreement_id.in_(bindparam("ids", expanding=True)),
                   r.Obligation.deleted == LIVE))


def agreement_lines(session: Session, agreements: Sequence[AgreementRow], today: date,
                    with_obligations: bool, warning_days: int) -> list[AgreementLine]:
    """Report lines, each flagged as `agreement_rules.expiry` decides."""
    ids = [a.id for a in agreements]
    parties: dict[str, list[str]] = defaultdict(list)
    obligations: dict[str, list[ObligationLine]] = defaultdict(list)
    for at in range(0, len(ids), 500):
        chunk = {"ids": ids[at:at + 500]}
        for agreement_id, name in session.execute(parties_query(), chunk):
            parties[agreement_id].append(name)
        if with_obligations:
            for agreement_id, name, description, due, frequency in session.execute(
                    obligations_query(), chunk):
                obligations[agreement_id].append(ObligationLine(
                    party=name if name is not None else "All parties",
                    description=description, due=due, frequency=frequency))
    lines = []
    for agreement in agreements:
        state = agreement_rules.expiry(agreement.status, agreement.expiry_date, today,
                                       warning_days)
        lines.append(AgreementLine(
            title=agreement.title, status=v.label(v.AGREEMENT_STATUSES, agreement.status),
            parties=tuple(sorted(parties[agreement.id])), effective=agreement.effective_date,
            expiry=agreement.expiry_date, days_left=state.days_left,
            renewal_terms=agreement.renewal_terms, notice_days=agreement.notice_period_days,
            flag=state.state,
            obligations=tuple(sorted(obligations[agreement.id], key=lambda d: d.description)),
            partnership=agreement.partnership_title or ""))
    return lines


def agreements_register(desk: Desk, *, start: date | None = None, end: date | None = None,
                        today: date | None = None) -> AgreementsRegister:
    """Every agreement, grouped by status; with a period, those in force during it."""
    today = today or date.today()
    check_period(start, end)
    period = Period(start, end) if (start or end) else None
    warning_days = desk.settings.expiring_days
    with desk.store.read() as session:
        agreements = list(session.execute(register_query(bool(start), bool(end)),
                                          {"start": start, "end": end}))
        if period and not agreements:
            raise PartnerDeskError(
                "No agreement was in force in that period. Choose a longer period, or leave "
                "out --from and --to to list every agreement.")
        lines = agreement_lines(session, agreements, today, with_obligations=False,
                                warning_days=warning_days)
        meta = make_meta(desk, "agreements", "Agreements register",
                         "Every agreement and memorandum of understanding, by status", today,
                         period, session=session)
    order = [label for _, label in v.AGREEMENT_STATUSES]
    grouped: dict[str, list[AgreementLine]] = defaultdict(list)
    for line in lines:
        grouped[line.status].append(line)
    groups = tuple((label, tuple(grouped[label])) for label in
                   sorted(grouped, key=lambda s: order.index(s) if s in order else 99))
    return AgreementsRegister(meta=meta, groups=groups, warning_days=warning_days)
