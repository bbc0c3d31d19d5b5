"""The partnership report: one partnership over a period, for both partners to file.

Only contacts who may be shared are listed; a lead or an action item's owner who may
not be shared appears as "someone from <organization>". An unknown partnership, and a
period in which nothing happened, are refused with a sentence that says what to do.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from partnerdesk.db import records as r
from partnerdesk.db import vocabulary as v
from partnerdesk.db.bookkeeping import without_bookkeeping
from partnerdesk.errors import PartnerDeskError
from partnerdesk.services.desk import Desk
from partnerdesk.services.feedback import FeedbackLine
from partnerdesk.services.reporting.agreements import (
    AgreementLine,
    agreement_lines,
    agreement_query,
)
from partnerdesk.services.reporting.common import (
    LIVE,
    ActionLine,
    ContactLine,
    Period,
    ReportMeta,
    ResourceLine,
    by_id,
    capacity_text,
    check_period,
    contact_line,
    day_text,
    make_meta,
    person,
    records_of,
)
from partnerdesk.services.reporting.events import (
    EventReportLine,
    partnership_events,
    partnership_feedback,
)
from partnerdesk.services.reporting.funding import (
    FundingLine,
    FundingTotals,
    funding_lines,
    in_period,
    totals,
)


@dataclass(frozen=True)
class MilestoneLine:
    title: str
    due: date | None
    state: str  # done, due, overdue
    done_on: date | None = None


@dataclass(frozen=True)
class IndicatorSeries:
    name: str
    unit: str
    target: float | None
    points: tuple[tuple[date, float], ...]

    @property
    def latest(self) -> float | None:
        return self.points[-1][1] if self.points else None


@dataclass(frozen=True)
class PathwayLine:
    from_org: str
    to_org: str
    category: str
    notes: str
    counts: tuple[tuple[str, int], ...] = ()

    @property
    def total(self) -> int:
        return sum(count for _, count in self.counts)


@dataclass(frozen=True)
class MeetingLine:
    starts_at: datetime
    title: str
    location: str
    decisions: str


@dataclass(frozen=True)
class PartnershipReport:
    meta: ReportMeta
    title: str
    our_name: str
    partners: tuple[tuple[str, str], ...]  # (organization, its lead or "")
    kind: str
    status: str
    since: date | None
    next_review: date | None
    review_every_months: int | None
    our_lead: str
    goals: str
    shared_vision: str
    notes: str
    milestones: tuple[MilestoneLine, ...]
    indicators: tuple[IndicatorSeries, ...]
    agreements: tuple[AgreementLine, ...]
    resources: tuple[ResourceLine, ...]
    pathways: tuple[PathwayLine, ...]
    meetings: tuple[MeetingLine, ...]
    actions: tuple[ActionLine, ...]
    contacts: tuple[ContactLine, ...]
    # funding for the partnership: applied, won, in kind, reports due (amounts marked
    # internal left out, as this report goes to partners)
    funding: tuple[FundingLine, ...] = ()
    funding_totals: FundingTotals | None = None
    # community events and feedback of the period (`reporting.events`)
    events: tuple[EventReportLine, ...] = ()
    feedback: tuple[FeedbackLine, ...] = ()


def find_partnership(desk: Desk, name_or_id: str | None) -> r.Partnership:
    """By id, else by title (exact, then a unique part of it), ignoring case."""
    if not name_or_id or not name_or_id.strip():
        raise PartnerDeskError("Choose a partnership for this report "
                               "(its name or id, for example --partnership \"Food\").")
    wanted = name_or_id.strip()
    with desk.store.read() as session:
        row = session.get(r.Partnership, wanted,
                          options=without_bookkeeping(r.Partnership))
        if row is not None and not row.deleted:
            return row
        live = list(session.scalars(records_of(r.Partnership).where(
            r.Partnership.deleted == LIVE).order_by(r.Partnership.title)))
    exact = [p for p in live if p.title.casefold() == wanted.casefold()]
    if len(exact) == 1:
        return exact[0]
    partial = [p for p in live if wanted.casefold() in p.title.casefold()]
    if len(partial) == 1:
        return partial[0]
    titles = ", ".join(f"“{p.title}”" for p in (partial or live)[:8]) or "none yet"
    if len(partial) > 1:
        raise PartnerDeskError(f"More than one partnership matches “{wanted}”: {titles}. "
                               "Use more of the name, or the id.")
    raise PartnerDeskError(f"There is no partnership called “{wanted}”. "
                           f"The partnerships are: {titles}.")


def _default_period(today: date, start: date | None, end: date | None) -> Period:
    """Without dates, a partnership report covers the twelve months up to today."""
    end = end or today
    return Period(start or end - timedelta(days=365), end)


def partnership_report(desk: Desk, name_or_id: str | None, *, start: date | None = None,
                       end: date | None = None, today: date | None = None) -> PartnershipReport:
    today = today or date.today()
    check_period(start, end)
    ship = find_partnership(desk, name_or_id)
    period = _default_period(today, start, end)
    assert period.start is not None and period.end is not None
    first = datetime.combine(period.start, time.min)
    last = datetime.combine(period.end, time.max)
    warning_days, region = desk.settings.expiring_days, desk.settings.phone_region
    funding_days, currency = desk.settings.reminder_windows.funding_days, desk.settings.currency
    with desk.store.read() as session:
        members = list(session.scalars(records_of(r.PartnershipMember).where(
            r.PartnershipMember.partnership_id == ship.id,
            r.PartnershipMember.deleted == LIVE)))
        # the first organization marked as us (see `letterhead_query`)
        ours = session.execute(select(r.Organization.id, r.Organization.name).where(
            r.Organization.is_us == True, r.Organization.deleted == LIVE)  # noqa: E712
            .limit(1)).first()
        org_ids = [m.organization_id for m in members] + ([ours.id] if ours else [])
        orgs = by_id(session, r.Organization, org_ids)
        milestones = list(session.scalars(records_of(r.Milestone).where(
            r.Milestone.partnership_id == ship.id, r.Milestone.deleted == LIVE)
            .order_by(r.Milestone.due_date)))
        indicators = list(session.scalars(records_of(r.Indicator).where(
            r.Indicator.partnership_id == ship.id, r.Indicator.deleted == LIVE)
            .order_by(r.Indicator.name)))
        measurements: dict[str, list[r.Measurement]] = defaultdict(list)
        if indicators:
            for m in session.scalars(records_of(r.Measurement).where(
                    r.Measurement.indicator_id.in_([i.id for i in indicators]),
                    r.Measurement.deleted == LIVE, r.Measurement.measured_on >= period.start,
                    r.Measurement.measured_on <= period.end).order_by(r.Measurement.measured_on)):
                measurements[m.indicator_id].append(m)
        agreements = list(session.execute(agreement_query(
            r.Agreement.partnership_id == ship.id).order_by(r.Agreement.title)))
        agreement_rows = agreement_lines(session, agreements, today, with_obligations=True,
                                         warning_days=warning_days)
        resources = list(session.scalars(records_of(r.Resource).where(
            r.Resource.organization_id.in_(org_ids), r.Resource.deleted == LIVE)
            .order_by(r.Resource.name)))
        categories = {c.id: c.name for c in session.scalars(records_of(r.Category))}
        pathways = list(session.scalars(records_of(r.ReferralPathway).where(
            r.ReferralPathway.from_organization_id.in_(org_ids),
            r.ReferralPathway.to_organization_id.in_(org_ids),
            r.ReferralPathway.deleted == LIVE)))
        months = (period.start.strftime("%Y-%m"), period.end.strftime("%Y-%m"))
        counts: dict[str, list[r.ReferralCount]] = defaultdict(list)
        if pathways:
            for count in session.scalars(records_of(r.ReferralCount).where(
                    r.ReferralCount.pathway_id.in_([p.id for p in pathways]),
                    r.ReferralCount.deleted == LIVE, r.ReferralCount.month >= months[0],
                    r.ReferralCount.month <= months[1]).order_by(r.ReferralCount.month)):
                counts[count.pathway_id].append(count)
        # only the columns the report shows: a busy partnership meets hundreds of times
        meetings = [MeetingLine(*row) for row in session.execute(select(
            r.Meeting.starts_at, r.Meeting.title, r.Meeting.location, r.Meeting.decisions)
            .where(r.Meeting.partnership_id == ship.id, r.Meeting.deleted == LIVE,
                   r.Meeting.starts_at >= first, r.Meeting.starts_at <= last)
            .order_by(r.Meeting.starts_at))]
        actions = list(session.scalars(records_of(r.ActionItem).where(
            r.ActionItem.partnership_id == ship.id, r.ActionItem.deleted == LIVE,
            r.ActionItem.done == False).order_by(r.ActionItem.due_date)))  # noqa: E712
        due_in_period = [a for a in actions if period.contains(a.due_date)]
        # Only the partners' own contacts, by the organization index; "deleted" and
        # "share_ok" are checked here, since a planner without statistics would rather
        # scan the whole (boolean) deleted index of a table of 100,000 contacts.
        partner_people = [c for c in session.scalars(records_of(r.Contact).where(
            r.Contact.organization_id.in_(org_ids))) if not c.deleted]
        contacts = sorted((c for c in partner_people if c.share_ok), key=lambda c: c.name)
        people = by_id(session, r.Contact,
                        [ship.our_lead_contact_id] + [m.lead_contact_id for m in members]
                        + [a.owner_contact_id for a in actions])
        orgs.update(by_id(session, r.Organization,
                           [p.organization_id for p in people.values()]))
        fundings = list(session.scalars(records_of(r.Funding).where(
            r.Funding.partnership_id == ship.id, r.Funding.deleted == LIVE)
            .order_by(r.Funding.title)))
        funding = funding_lines(session, fundings, today, funding_days, for_partner=True)
        events = partnership_events(session, ship.id, period)
        feedback = partnership_feedback(session, ship.id, period)

    active = (meetings or events or feedback
              or any(measurements.values()) or any(counts.values()) or due_in_period
              or any(period.contains(m.due_date) or period.contains(m.done_date)
                     for m in milestones)
              or any(in_period(line, period) for line in funding))
    if not active:
        raise PartnerDeskError(
            f"Nothing is recorded for “{ship.title}” between {day_text(period.start)} and "
            f"{day_text(period.end)}: no meetings, events, feedback, measurements, milestones, "
            "referrals, action items or funding dates fall in that period. Choose a longer or a "
            "different period.")

    def milestone_state(m: r.Milestone) -> str:
        if m.done:
            return "done"
        return "overdue" if m.due_date and m.due_date < today else "due"

    our_name = ours.name if ours else "Our organization"
    partners = tuple(sorted(
        ((orgs[m.organization_id].name, person(people.get(m.lead_contact_id or ""), orgs, True))
         for m in members if m.organization_id in orgs), key=lambda pair: pair[0]))
    return PartnershipReport(
        meta=make_meta(desk, "partnership", f"Partnership report: {ship.title}",
                       f"Progress of the partnership “{ship.title}” between {our_name} and "
                       + ", ".join(name for name, _ in partners), today, period,
                       left_out=[c.id for c in [*partner_people, *people.values()]
                                 if not c.share_ok and not c.deleted]),
        title=ship.title, our_name=our_name, partners=partners,
        kind=v.label(v.PARTNERSHIP_KINDS, ship.kind),
        status=v.label(v.PARTNERSHIP_STATUSES, ship.status), since=ship.start_date,
        next_review=ship.next_review_date, review_every_months=ship.review_every_months,
        our_lead=person(people.get(ship.our_lead_contact_id or ""), orgs, True),
        goals=ship.goals, shared_vision=ship.shared_vision, notes=ship.notes,
        milestones=tuple(MilestoneLine(m.title, m.due_date, milestone_state(m), m.done_date)
                         for m in milestones),
        indicators=tuple(IndicatorSeries(i.name, i.unit, i.target, tuple(
            (m.measured_on, m.value) for m in measurements[i.id])) for i in indicators),
        agreements=tuple(agreement_rows),
        resources=tuple(ResourceLine(
            res.name, categories.get(res.category_id, ""), orgs[res.organization_id].name,
            capacity_text(res), res.eligibility, res.schedule, res.service_area)
            for res in resources if res.organization_id in orgs),
        pathways=tuple(sorted((PathwayLine(
            orgs[p.from_organization_id].name, orgs[p.to_organization_id].name,
            categories.get(p.category_id or "", ""), p.notes,
            tuple((c.month, c.count) for c in counts[p.id])) for p in pathways),
            key=lambda line: (line.from_org, line.to_org))),
        meetings=tuple(meetings),
        actions=tuple(ActionLine(a.description, person(people.get(a.owner_contact_id or ""),
                                                        orgs, True),
                                 a.due_date, False, bool(a.due_date and a.due_date < today))
                      for a in actions),
        contacts=tuple(contact_line(c, orgs[c.organization_id].name, internal=False,
                                    region=region)
                       for c in contacts if c.organization_id in orgs),
        events=events, feedback=feedback,
        funding=tuple(funding), funding_totals=totals(funding, currency, funding_days),
    )
