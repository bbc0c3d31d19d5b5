"""The gap analysis: each community need against the resources that could meet it.

This is the one place coverage is decided; the Gaps tab, `partnerdesk gaps` and the
resource map report all call `coverage(desk)`.

Which resources count for a need:
- **Explicit links win.** When a need has at least one live `NeedResourceLink`, only
  the linked resources count (whatever their category or area): the person said which
  resources address it. Otherwise a resource counts when it has the need's category and
  its service area overlaps the need's area (see `areas_overlap`).
- Deleted resources never count, nor do resources of deleted or ended organizations.

Coverage:
- `unmet`: no resource counts;
- `thin`: one provider only (resources from one organization), or the need states a
  capacity and the resources' stated capacities add up to less. Units are not compared
  (a need for 100 households met by "60 households a week" reads as 60); when any
  counting resource leaves its capacity blank, the capacity test is skipped because
  the total is unknown;
- `covered`: two or more providers and enough stated capacity (or no capacity asked).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from partnerdesk.db import records as r
from partnerdesk.db import vocabulary as v
from partnerdesk.db.bookkeeping import records_of
from partnerdesk.errors import NotFoundError

if TYPE_CHECKING:
    from partnerdesk.services.desk import Desk

LIVE = False
COVERAGE_LABELS = {"covered": "Covered", "thin": "Thin", "unmet": "Unmet"}
PRIORITY_ORDER = {value: index for index, (value, _) in enumerate(v.NEED_PRIORITIES)}
COVERAGE_ORDER = {"unmet": 0, "thin": 1, "covered": 2}
STALE_DAYS = 365  # a resource not verified for this long is flagged

# An area naming one of these words reaches everyone in the community it serves.
WIDE_WORDS = frozenset({
    "county", "countywide", "city", "citywide", "region", "regional", "state",
    "statewide", "nationwide", "national", "everywhere", "everyone", "all", "any",
    "anywhere", "online", "remote",
})
# "East side, Northgate" or "East side / Northgate" names two areas.
AREA_SEPARATORS = re.compile(r"\s*(?:[,;/|+&]|\band\b)\s*")


def fold(text: str) -> str:
    """Lower case, accents removed, punctuation as spaces, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def area_parts(area: str) -> list[str]:
    """The separate areas a free-text area names, folded; [] means everywhere."""
    return [part for part in (fold(p) for p in AREA_SEPARATORS.split(area or "")) if part]


def is_wide(part: str) -> bool:
    words = part.split()
    return any(word in WIDE_WORDS or word.endswith("wide") for word in words)


def areas_overlap(need_area: str, resource_area: str) -> bool:
    """Do two free-text areas share ground?

    Yes when either is empty (everywhere), when either names a county-, city- or
    region-wide area, when two of their parts are equal after folding case and accents,
    or when one part's words appear in order inside the other ("Lakeview" and
    "Lakeview district"). Different neighbourhoods ("East side", "Northgate") do not.
    """
    needs, offers = area_parts(need_area), area_parts(resource_area)
    if not needs or not offers:
        return True
    if any(is_wide(p) for p in needs) or any(is_wide(p) for p in offers):
        return True
    for a in needs:
        for b in offers:
            if a == b or f" {a} " in f" {b} " or f" {b} " in f" {a} ":
                return True
    return False


@dataclass(frozen=True)
class MatchedResource:
    id: str
    name: str
    organization_id: str
    organization: str
    capacity: int | None
    capacity_unit: str
    service_area: str


@dataclass(frozen=True)
class NeedCoverage:
    need_id: str
    need: str
    category: str
    category_id: str
    priority: str  # a value of vocabulary.NEED_PRIORITIES
    area: str
    needed_capacity: int | None
    coverage: str  # covered, thin, unmet
    reason: str  # one plain sentence saying why
    linked: bool  # matched by explicit links rather than by category and area
    resources: tuple[MatchedResource, ...]

    @property
    def priority_label(self) -> str:
        return v.label(v.NEED_PRIORITIES, self.priority)

    @property
    def coverage_label(self) -> str:
        return COVERAGE_LABELS[self.coverage]

    @property
    def providers(self) -> tuple[str, ...]:
        return tuple(sorted({m.organization for m in self.resources}))

    def as_dict(self) -> dict[str, object]:
        """The shape `partnerdesk gaps --json` prints."""
        return {
            "need": self.need, "category": self.category, "priority": self.priority,
            "area": self.area, "needed_capacity": self.needed_capacity,
            "coverage": self.coverage, "reason": self.reason, "linked": self.linked,
            "resources": [{"name": m.name, "organization": m.organization,
                           "capacity": m.capacity, "capacity_unit": m.capacity_unit,
                           "service_area": m.service_area} for m in self.resources],
        }


def _judge(need: r.CommunityNeed, matched: list[MatchedResource], linked: bool,
           ) -> tuple[str, str]:
    how = "linked" if linked else "matching"
    if not matched:
        if linked:
            return "unmet", "The resources linked to this need are no longer offered."
        return "unmet", "No resource in this category serves this area."
    providers = {m.organization_id for m in matched}
    known = all(m.capacity is not None for m in matched)
    total = sum(m.capacity or 0 for m in matched)
    short = bool(need.needed_capacity) and known and total < (need.needed_capacity or 0)
    if short:
        return "thin", (f"The {how} resources offer {total:,} of the "
                        f"{need.needed_capacity:,} needed.")
    if len(providers) == 1:
        return "thin", f"Only one organization ({matched[0].organization}) offers it."
    return "covered", f"{len(providers)} organizations offer {how} resources."


def assess(needs: Iterable[r.CommunityNeed], resources: Iterable[r.Resource],
           links: Iterable[r.NeedResourceLink], category_names: dict[str, str],
           organizations: dict[str, r.Organization]) -> list[NeedCoverage]:
    """Coverage for plain rows already read (live needs, resources and links).

    `organizations` maps ids to rows; resources whose organization is missing,
    deleted or ended are left out. Sorted by priority, then worst coverage first.
    """
    usable: dict[str, MatchedResource] = {}
    by_category: dict[str, list[tuple[r.Resource, MatchedResource]]] = defaultdict(list)
    for res in resources:
        org = organizations.get(res.organization_id)
        if res.deleted or org is None or org.deleted or org.status == "ended":
            continue
        match = MatchedResource(res.id, res.name, org.id, org.name, res.capacity,
                                res.capacity_unit, res.service_area)
        usable[res.id] = match
        by_category[res.category_id].append((res, match))
    linked_ids: dict[str, list[str]] = defaultdict(list)
    for link in links:
        if not link.deleted:
            linked_ids[link.need_id].append(link.resource_id)
    found = []
    for need in needs:
        if need.deleted:
            continue
        linked = need.id in linked_ids
        if linked:
            matched = sorted({rid: usable[rid] for rid in linked_ids[need.id]
                              if rid in usable}.values(), key=lambda m: (m.organization, m.name))
        else:
            matched = sorted((m for res, m in by_category.get(need.category_id, ())
                              if areas_overlap(need.area, res.service_area)),
                             key=lambda m: (m.organization, m.name))
        coverage, reason = _judge(need, matched, linked)
        found.append(NeedCoverage(
            need.id, need.title, category_names.get(need.category_id, ""), need.category_id,
            need.priority, need.area, need.needed_capacity, coverage, reason, linked,
            tuple(matched)))
    found.sort(key=lambda c: (PRIORITY_ORDER.get(c.priority, 9), COVERAGE_ORDER[c.coverage],
                              fold(c.need), c.need_id))
    return found


def coverage(desk: Desk, *, categories: Iterable[str] | None = None,
             need_ids: Iterable[str] | None = None) -> list[NeedCoverage]:
    """Every live need (or those of the named categories, or the given ids) with coverage."""
    store = desk.store
    wanted = {c.casefold() for c in categories} if categories is not None else None
    with store.read() as session:
        names = {c.id: c.name for c in session.scalars(records_of(r.Category))}
        query = records_of(r.CommunityNeed).where(r.CommunityNeed.deleted == LIVE)
        if need_ids is not None:
            query = query.where(r.CommunityNeed.id.in_(list(need_ids)))
        needs = [n for n in session.scalars(query)
                 if wanted is None or names.get(n.category_id, "").casefold() in wanted]
        need_set = {n.id for n in needs}
        links = [link for link in session.scalars(records_of(r.NeedResourceLink).where(
            r.NeedResourceLink.deleted == LIVE)) if link.need_id in need_set]
        category_ids = {n.category_id for n in needs}
        linked_ids = {link.resource_id for link in links}
        resources = list(session.scalars(records_of(r.Resource).where(
            r.Resource.deleted == LIVE,
            r.Resource.category_id.in_(category_ids) | r.Resource.id.in_(linked_ids))))
        org_ids = {res.organization_id for res in resources}
        orgs = {o.id: o for o in session.scalars(records_of(r.Organization).where(
            r.Organization.id.in_(org_ids)))}
    return assess(needs, resources, links, names, orgs)


def need_coverage(desk: Desk, need_id: str) -> NeedCoverage:
    found = coverage(desk, need_ids=[need_id])
    if not found:
        raise NotFoundError("That need no longer exists; it may have been deleted.")
    return found[0]


def linked_resource_ids(desk: Desk, need_id: str) -> list[str]:
    store = desk.store
    with store.read() as session:
        return list(session.scalars(select(r.NeedResourceLink.resource_id).where(
            r.NeedResourceLink.need_id == need_id, r.NeedResourceLink.deleted == LIVE)
            .order_by(r.NeedResourceLink.resource_id)))


def set_links(desk: Desk, need_id: str, resource_ids: Iterable[str]) -> None:
    """Make exactly these resources the ones linked to the need, in one step.

    Links no longer wanted are deleted (so the change travels to other laptops), earlier
    deleted links are restored rather than duplicated. An empty list removes every link,
    and the need goes back to matching by category and area.
    """
    store = desk.store
    wanted = list(dict.fromkeys(resource_ids))
    with store.write() as writer:
        session = writer.session
        if session.get(r.CommunityNeed, need_id) is None:
            raise NotFoundError("That need no longer exists; it may have been deleted.")
        for resource_id in wanted:
            if session.get(r.Resource, resource_id) is None:
                raise NotFoundError("One of the chosen resources no longer exists.")
        existing: dict[str, list[r.NeedResourceLink]] = defaultdict(list)
        for link in session.scalars(select(r.NeedResourceLink).where(
                r.NeedResourceLink.need_id == need_id)):
            existing[link.resource_id].append(link)
        for resource_id, rows in existing.items():
            live = [link for link in rows if not link.deleted]
            if resource_id in wanted:
                if not live:
                    writer.restore(rows[0])
                for extra in live[1:]:  # duplicates from two laptops linking the same pair
                    writer.delete(extra)
            else:
                for link in live:
                    writer.delete(link)
        for resource_id in wanted:
            if resource_id not in existing:
                writer.create(r.NeedResourceLink, {"need_id": need_id,
                                                   "resource_id": resource_id})


@dataclass(frozen=True)
class DirectoryLine:
    """One resource as the directory lists it."""

    id: str
    category: str
    name: str
    provider: str
    capacity: str
    schedule: str
    eligibility: str
    service_area: str
    last_verified: date | None
    stale: bool  # not verified in the last 12 months (or never)


def directory(desk: Desk, today: date | None = None) -> list[DirectoryLine]:
    """Every live resource by category, provider and name, stale ones flagged."""
    cutoff = (today or date.today()) - timedelta(days=STALE_DAYS)
    store = desk.store
    with store.read() as session:
        names = {c.id: c.name for c in session.scalars(records_of(r.Category))}
        query = select(r.Resource, r.Organization.name).join(
            r.Organization, r.Organization.id == r.Resource.organization_id).where(
            r.Resource.deleted == LIVE)
        found = []
        for res, provider in session.execute(query):
            capacity = "" if res.capacity is None else f"{res.capacity:,} {res.capacity_unit}"
            found.append(DirectoryLine(
                res.id, names.get(res.category_id, ""), res.name, provider, capacity.strip(),
                res.schedule, res.eligibility, res.service_area, res.last_verified,
                res.last_verified is None or res.last_verified < cutoff))
    found.sort(key=lambda line: (fold(line.category), fold(line.provider), fold(line.name)))
    return found
