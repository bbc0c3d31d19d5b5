"""The partnership report: one partnership over a period, for both partners to file."""

from reportlab.platypus import Flowable

from partnerdesk.reports import text
from partnerdesk.reports.agreements import agreement_table
from partnerdesk.reports.blocks import (
    empty,
    facts,
    heading,
    keep,
    para,
    subheading,
    table,
    title_block,
)
from partnerdesk.reports.charts import indicator_chart
from partnerdesk.reports.events import events_section, feedback_section
from partnerdesk.reports.funding import funding_section
from partnerdesk.reports.page import frame_width, render_story
from partnerdesk.reports.styles import Styles, make_styles
from partnerdesk.services.reporting import PartnershipReport


def render_partnership(report: PartnershipReport, page_size: str = "letter") -> bytes:
    s = make_styles()
    width = frame_width(page_size)
    partners = [name for name, _ in report.partners]
    names = [report.our_name, *partners]
    between = "Between " + (", ".join(names[:-1]) + " and " + names[-1] if partners
                            else f"{report.our_name} and its partners")
    story: list[Flowable] = title_block(report.meta, s, between)
    story += _summary(report, s, width)
    story += _vision(report, s)
    story += _milestones(report, s, width)
    story += _indicators(report, s, width)
    story += _agreements(report, s, width)
    story += funding_section(report.funding, report.funding_totals, s, width)
    story += _resources(report, s, width)
    story += _pathways(report, s, width)
    story += _meetings(report, s, width)
    story += events_section(report, s, width)
    story += feedback_section(report, s, width)
    story += _actions(report, s, width)
    story += _contacts(report, s, width)
    return render_story(report.meta, story, page_size)


def _summary(report: PartnershipReport, s: Styles, width: float) -> list[Flowable]:
    review = text.day(report.next_review) if report.next_review else "Not set"
    if report.review_every_months:
        review += f" (reviewed every {report.review_every_months} months)"
    pairs = [("Status", report.status), ("Kind of partnership", report.kind),
             ("Partners since", text.day(report.since) if report.since else "Not recorded"),
             ("Next review", review),
             (f"Lead at {report.our_name}", report.our_lead or "Not named")]
    pairs += [(f"Lead at {name}", lead or "Not named") for name, lead in report.partners]
    return [heading("Summary", s), facts(pairs, s, width)]


def _vision(report: PartnershipReport, s: Styles) -> list[Flowable]:
    story: list[Flowable] = [heading("Goals and shared vision", s), subheading("Goals", s)]
    story.append(para(report.goals, s) if report.goals.strip()
                 else empty("No goals have been written down yet.", s))
    story.append(subheading("Shared vision", s))
    story.append(para(report.shared_vision, s) if report.shared_vision.strip()
                 else empty("No shared vision has been written down yet.", s))
    if report.notes.strip():
        story += [subheading("Notes", s), para(report.notes, s)]
    return story


def _milestones(report: PartnershipReport, s: Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [heading("Milestones", s)]
    if not report.milestones:
        return story + [empty("No milestones have been set for this partnership.", s)]
    done = sum(1 for m in report.milestones if m.state == "done")
    overdue = sum(1 for m in report.milestones if m.state == "overdue")
    story.append(para(f"{done} of {len(report.milestones)} done; {overdue} overdue.", s))
    rows, flags = [], []
    for index, m in enumerate(report.milestones):
        if m.state == "done":
            progress = f"Done ({text.day(m.done_on)})" if m.done_on else "Done"
        elif m.state == "overdue":
            progress = "OVERDUE"
            flags.append(index)
        else:
            progress = "Due"
        rows.append([m.title, text.day(m.due), progress])
    story.append(table(["Milestone", "Due", "Progress"], rows,
                       [width * 0.6, width * 0.17, width * 0.23], s, flags,
                       bold_cells=[(i, 2) for i in flags]))
    return story


def _indicators(report: PartnershipReport, s: Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [heading("Indicators", s)]
    if not report.indicators:
        return story + [empty("No indicators are tracked for this partnership.", s)]
    rows = []
    for series in report.indicators:
        if series.target is not None and series.latest is not None:
            share = f"{series.latest / series.target:.0%}" if series.target else "—"
        else:
            share = "—"
        rows.append([series.name, series.unit, text.number(series.target),
                     text.number(series.latest), share, str(len(series.points))])
    story.append(table(["Indicator", "Unit", "Target", "Latest", "Latest as share of target",
                        "Measurements in period"], rows,
                       [width * f for f in (0.3, 0.14, 0.12, 0.12, 0.16, 0.16)], s))
    for series in report.indicators:
        title = subheading(f"{series.name}: measurements against target", s)
        if not series.points:
            story.append(keep(title, empty("No measurements were recorded in this period.",
                                           s)))
        else:
            story.append(keep(title, indicator_chart(series, width)))
    return story


def _agreements(report: PartnershipReport, s: Styles, width: float) -> list[Flowable]:
    """All the partnership's agreements in one table, then all their obligations in one:
    a partnership with hundreds of agreements stays a readable report."""
    story: list[Flowable] = [heading("Agreements", s)]
    if not report.agreements:
        return story + [empty("No agreements are recorded for this partnership.", s)]
    story.append(agreement_table(report.agreements, width, s, note=lambda line: line.status))
    story.append(subheading("What each party has agreed to do", s))
    rows = [[line.title, o.party, o.description, o.frequency or "—",
             text.day(o.due) if o.due else "—"]
            for line in report.agreements for o in line.obligations]
    if not rows:
        return story + [empty("No obligations are recorded for these agreements.", s)]
    story.append(table(["Agreement", "Party", "Obligation", "How often", "First due"], rows,
                       [width * f for f in (0.22, 0.2, 0.32, 0.13, 0.13)], s))
    return story


def _resources(report: PartnershipReport, s: Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [heading("Resources each partner brings", s)]
    if not report.resources:
        return story + [empty("None of the partners has recorded a resource.", s)]
    rows = [[r.provider, r.name, r.category, r.capacity or "—", r.eligibility or "—"]
            for r in sorted(report.resources, key=lambda r: (r.provider, r.name))]
    story.append(table(["Organization", "Resource", "Category", "Capacity", "Who can use it"],
                       rows, [width * f for f in (0.22, 0.24, 0.16, 0.18, 0.20)], s,
                       bold_columns=[0]))
    return story


def _pathways(report: PartnershipReport, s: Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [heading("Referral pathways", s)]
    if not report.pathways:
        return story + [empty("No referral pathways run between these partners.", s)]
    story.append(para("Counts are monthly totals only; no one's personal details are kept.",
                      s, "muted"))
    rows = [[p.from_org, p.to_org, p.category or "—", f"{p.total:,}" if p.counts else "—",
             ", ".join(f"{text.month(m)}: {n}" for m, n in p.counts)
             or "No counts in this period"]
            for p in report.pathways]
    story.append(table(["From", "To", "For", "Referrals in period", "By month"], rows,
                       [width * f for f in (0.2, 0.2, 0.14, 0.12, 0.34)], s))
    return story


def _meetings(report: PartnershipReport, s: Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [heading("Meetings in the period", s)]
    if not report.meetings:
        return story + [empty("There were no meetings in this period.", s)]
    rows = [[text.when(m.starts_at), m.title, m.location or "—", m.decisions or "None recorded"]
            for m in report.meetings]
    story.append(table(["When", "Meeting", "Where", "Decisions"], rows,
                       [width * f for f in (0.17, 0.3, 0.17, 0.36)], s))
    return story


def _actions(report: PartnershipReport, s: Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [heading("Open action items", s)]
    if not report.actions:
        return story + [empty("There are no open action items.", s)]
    rows, flags = [], []
    for index, a in enumerate(report.actions):
        if a.overdue:
            flags.append(index)
        rows.append([a.description, a.owner or "Not assigned", text.day(a.due),
                     "OVERDUE" if a.overdue else "Open"])
    story.append(table(["What", "Owner", "Due", "Status"], rows,
                       [width * f for f in (0.44, 0.28, 0.14, 0.14)], s, flags,
                       bold_cells=[(i, 3) for i in flags]))
    return story


def _contacts(report: PartnershipReport, s: Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [heading("Contacts", s)]
    if not report.contacts:
        return story + [empty("No contacts at these organizations have agreed to be listed.",
                              s)]
    rows = [[c.name, c.role or "—", c.organization, c.email or "—", text.phone(c.phone)]
            for c in report.contacts]
    story.append(table(["Name", "Role", "Organization", "E-mail", "Phone"], rows,
                       [width * f for f in (0.16, 0.15, 0.19, 0.32, 0.18)], s,
                       bold_columns=[0]))
    return story
