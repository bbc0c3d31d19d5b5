"""The resource map report: resources by category, needs by priority, the gaps and the
network of organizations.

The gap table comes from `services.gaps.coverage`, the one place coverage is decided,
so the report says what the app's Gaps tab and `partnerdesk gaps` say. The network
carries the positions people left by dragging nodes in the app (`pinned`); the renderer
lays out the rest with `services.network_positions.arrange`, as `positions_for` does,
once it knows the size the diagram is drawn at.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from partnerdesk.db import records as r
from partnerdesk.db import vocabulary as v
from partnerdesk.services.desk import Desk
from partnerdesk.services.gaps import coverage
from partnerdesk.services.network import Network, build_network
from partnerdesk.services.network_positions import saved_positions
from partnerdesk.services.reporting.common import (
    LIVE,
    ReportMeta,
    ResourceLine,
    by_id,
    capacity_text,
    make_meta,
    records_of,
)

PRIORITY_ORDER = [value for value, _ in v.NEED_PRIORITIES]


@dataclass(frozen=True)
class NeedLine:
    title: str
    category: str
    priority: str
    area: str
    needed: int | None
    source: str = ""


@dataclass(frozen=True)
class GapLine:
    """A need the app counts as unmet or thin, with the app's own reason."""

    need: str
    category: str
    priority: str  # the label, e.g. "High"
    area: str
    coverage: str  # "Unmet" or "Thin"
    reason: str
    providers: tuple[str, ...]

    @property
    def unmet(self) -> bool:
        return self.coverage == "Unmet"


@dataclass(frozen=True)
class ResourceMapReport:
    meta: ReportMeta
    resources: tuple[tuple[str, tuple[ResourceLine, ...]], ...]  # by category
    needs: tuple[tuple[str, tuple[NeedLine, ...]], ...]  # by priority label
    gaps: tuple[GapLine, ...]
    network: Network
    pinned: dict[str, tuple[float, float]] = field(default_factory=dict)  # dragged in the app
    unlinked_organizations: int = 0


def resource_map_report(desk: Desk, *, today: date | None = None) -> ResourceMapReport:
    today = today or date.today()
    with desk.store.read() as session:
        categories = {c.id: c.name for c in session.scalars(records_of(r.Category))}
        resources = list(session.scalars(records_of(r.Resource).where(r.Resource.deleted == LIVE)
                                         .order_by(r.Resource.name)))
        needs = list(session.scalars(records_of(r.CommunityNeed).where(
            r.CommunityNeed.deleted == LIVE).order_by(r.CommunityNeed.title)))
        orgs = by_id(session, r.Organization, [res.organization_id for res in resources])
    by_category: dict[str, list[ResourceLine]] = defaultdict(list)
    for res in resources:
        provider = orgs[res.organization_id].name if res.organization_id in orgs else ""
        by_category[categories.get(res.category_id, "Other")].append(ResourceLine(
            res.name, categories.get(res.category_id, "Other"), provider, capacity_text(res),
            res.eligibility, res.schedule, res.service_area))
    need_lines: dict[str, list[NeedLine]] = defaultdict(list)
    for need in sorted(needs, key=lambda n: (PRIORITY_ORDER.index(n.priority)
                                             if n.priority in PRIORITY_ORDER else 9, n.title)):
        need_lines[v.label(v.NEED_PRIORITIES, need.priority)].append(NeedLine(
            need.title, categories.get(need.category_id, ""),
            v.label(v.NEED_PRIORITIES, need.priority), need.area, need.needed_capacity,
            need.source))
    gaps = tuple(GapLine(c.need, c.category, c.priority_label, c.area, c.coverage_label,
                         c.reason, c.providers)
                 for c in coverage(desk) if c.coverage != "covered")
    network = build_network(desk)
    shown = network.subset(network.linked_ids())
    drawn = {n.id for n in shown.nodes}
    return ResourceMapReport(
        meta=make_meta(desk, "resources", "Resource map",
                       "Community resources, needs, gaps and the network of organizations",
                       today),
        resources=tuple((name, tuple(by_category[name])) for name in sorted(by_category)),
        needs=tuple((label, tuple(need_lines[label])) for _, label in v.NEED_PRIORITIES
                    if need_lines.get(label)),
        gaps=gaps, network=shown,
        pinned={k: p for k, p in saved_positions(desk).items() if k in drawn},
        unlinked_organizations=len(network.nodes) - len(shown.nodes))
