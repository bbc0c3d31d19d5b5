"""The resource map: resources by category, needs by priority, the gaps, the network."""

from reportlab.platypus import Flowable

from partnerdesk.reports.blocks import (
    empty,
    heading,
    keep,
    para,
    subheading,
    table,
    title_block,
)
from partnerdesk.reports.charts import LABELLED_NODES, diagram_positions, network_diagram
from partnerdesk.reports.page import frame_width, render_story
from partnerdesk.reports.styles import Styles, make_styles
from partnerdesk.reports.text import counted, number
from partnerdesk.services.reporting import ResourceMapReport


def render_resources(report: ResourceMapReport, page_size: str = "letter") -> bytes:
    s = make_styles()
    width = frame_width(page_size)
    story: list[Flowable] = title_block(report.meta, s)
    story += _resources(report, s, width)
    story += _needs(report, s, width)
    story += _gaps(report, s, width)
    story += _network(report, s, width)
    return render_story(report.meta, story, page_size)


def _resources(report: ResourceMapReport, s: Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [heading("Resources by category", s)]
    if not report.resources:
        return story + [empty("No resources have been recorded yet.", s)]
    total = sum(len(lines) for _, lines in report.resources)
    kinds = len(report.resources)
    story.append(para(f"{total:,} {'resource' if total == 1 else 'resources'} in {kinds} "
                      f"{'category' if kinds == 1 else 'categories'}.", s))
    for category, lines in report.resources:
        rows = [[r.name, r.provider, r.capacity or "—", r.eligibility or "—",
                 r.schedule or "—", r.area or "—"] for r in lines]
        story.append(subheading(f"{category} ({len(lines):,})", s))
        story.append(table(["Resource", "Provider", "Capacity", "Who can use it", "When",
                            "Area"], rows,
                           [width * f for f in (0.2, 0.2, 0.15, 0.17, 0.15, 0.13)], s,
                           bold_columns=[0]))
    return story


def _needs(report: ResourceMapReport, s: Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [heading("Community needs by priority", s)]
    if not report.needs:
        return story + [empty("No community needs have been recorded yet.", s)]
    for priority, lines in report.needs:
        rows = [[n.title, n.category, n.area or "—", number(n.needed) if n.needed else "—",
                 n.source or "—"] for n in lines]
        story.append(subheading(f"{priority} priority ({len(lines):,})", s))
        story.append(table(["Need", "Category", "Area", "Capacity needed", "Source"], rows,
                           [width * f for f in (0.27, 0.15, 0.14, 0.12, 0.32)], s,
                           bold_columns=[0]))
    return story


def _gaps(report: ResourceMapReport, s: Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [heading("Gaps: needs with no or too little matching resource", s)]
    story.append(para(
        "A resource counts for a need when it is linked to that need; a need without links "
        "is matched by resources of the same category whose service area overlaps its area. "
        "A need is unmet when no resource counts, and thin when only one organization "
        "offers it or the stated capacities add up to less than it needs (units are not "
        "compared, so check them before quoting a figure). These are the same findings as "
        "the Gaps tab in PartnerDesk.", s, "muted"))
    if not report.gaps:
        return story + [empty("Every recorded need is met by at least two organizations with "
                              "enough stated capacity.", s)]
    rows, flags = [], []
    for index, g in enumerate(report.gaps):
        if g.unmet:
            flags.append(index)
        rows.append([g.need, g.category or "—", g.priority,
                     g.coverage.upper() if g.unmet else g.coverage, g.reason,
                     ", ".join(g.providers) or "—"])
    story.append(table(["Need", "Category", "Priority", "Coverage", "Why", "Offered by"], rows,
                       [width * f for f in (0.2, 0.12, 0.09, 0.11, 0.27, 0.21)], s, flags,
                       bold_columns=[0], bold_cells=[(i, 3) for i in flags]))
    return story


def _network(report: ResourceMapReport, s: Styles, width: float) -> list[Flowable]:
    title = heading("Network of organizations", s)
    network = report.network
    if len(network.nodes) < 2 or not network.edges:
        return [title, empty("No partnerships, referral pathways or shared resources link "
                             "the organizations yet, so there is no network to draw.", s)]
    notes = [f"{counted(len(network.nodes), 'organization')} linked by partnerships, "
             "referral pathways and shared resources."]
    if report.unlinked_organizations:
        unlinked = report.unlinked_organizations
        notes.append(f"{unlinked:,} organization{'s' if unlinked != 1 else ''} with no links "
                     f"{'are' if unlinked != 1 else 'is'} not drawn.")
    if len(network.nodes) > LABELLED_NODES:
        notes.append(f"Names are shown for the {LABELLED_NODES} most linked organizations.")
    height = min(460, width)
    positions = diagram_positions(network, report.pinned, width, height)
    return [keep(title, para(" ".join(notes), s, "muted"),
                 network_diagram(network, positions, width, height))]
