"""The network of organizations as plain data, and a layout that is the same every time.

Nodes are organizations (with their kind); edges are partnerships, referral pathways
(with monthly counts) and resource flows (what one organization offers to the others
it works with). The report draws it as a vector diagram; an interactive view can use
the same `build_network` and `layout`.

    network = build_network(desk, categories={"Food"}, kinds={"hospital"})
    positions = layout(network)            # {organization id: (x, y)}, each in [-1, 1]
"""

from __future__ import annotations

import itertools
import math
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from partnerdesk.db import records as r
from partnerdesk.db import vocabulary as v
from partnerdesk.db.bookkeeping import records_of

if TYPE_CHECKING:
    from partnerdesk.services.desk import Desk

LAYOUT_SEED = 7  # the same picture every time
GRAVITY = 0.05
LIVE = False


@dataclass(frozen=True)
class Node:
    id: str
    name: str
    kind: str  # a value of vocabulary.ORGANIZATION_KINDS
    status: str
    is_us: bool = False

    @property
    def kind_label(self) -> str:
        return v.label(v.ORGANIZATION_KINDS, self.kind)


@dataclass(frozen=True)
class Edge:
    """One link between two organizations.

    `kind` is "partnership" (undirected), "referral" (source refers to target) or
    "resource" (source offers resources to target). `counts` are monthly referral
    numbers ("YYYY-MM", n); `items` name the partnership or the resources.
    """

    source: str
    target: str
    kind: str
    category: str = ""
    label: str = ""
    counts: tuple[tuple[str, int], ...] = ()
    items: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)


@dataclass(frozen=True)
class Network:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def node(self, node_id: str) -> Node:
        return next(n for n in self.nodes if n.id == node_id)

    def linked_ids(self) -> set[str]:
        """Organizations with at least one link (and "us", who anchors the picture)."""
        ids = {e.source for e in self.edges} | {e.target for e in self.edges}
        return ids | {n.id for n in self.nodes if n.is_us}

    def subset(self, ids: Iterable[str]) -> Network:
        keep = set(ids)
        return Network(tuple(n for n in self.nodes if n.id in keep),
                       tuple(e for e in self.edges if e.source in keep and e.target in keep))


def build_network(desk: Desk, categories: Iterable[str] | None = None,
                  kinds: Iterable[str] | None = None,
                  statuses: Iterable[str] | None = None) -> Network:
    """The organizations and their links, filtered.

    `categories` (category names) limits referral pathways and resource flows;
    `kinds` and `statuses` (organization kind and status values) limit the nodes, and
    a link shows only when both its ends do. Partnerships that have ended are left out.
    """
    store = desk.store
    wanted_categories = {c.casefold() for c in categories} if categories is not None else None
    wanted_kinds = set(kinds) if kinds is not None else None
    wanted_statuses = set(statuses) if statuses is not None else None
    with store.read() as session:
        orgs = list(session.scalars(records_of(r.Organization).where(
            r.Organization.deleted == LIVE).order_by(r.Organization.name, r.Organization.id)))
        category_names = {c.id: c.name for c in session.scalars(records_of(r.Category))}
        ships = {p.id: p for p in session.scalars(records_of(r.Partnership).where(
            r.Partnership.deleted == LIVE, r.Partnership.status != "ended"))}
        members: dict[str, set[str]] = defaultdict(set)
        for member in session.scalars(records_of(r.PartnershipMember).where(
                r.PartnershipMember.deleted == LIVE)):
            if member.partnership_id in ships:
                members[member.partnership_id].add(member.organization_id)
        pathways = list(session.scalars(records_of(r.ReferralPathway).where(
            r.ReferralPathway.deleted == LIVE)))
        counts: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for count in session.scalars(records_of(r.ReferralCount).where(
                r.ReferralCount.deleted == LIVE).order_by(r.ReferralCount.month)):
            counts[count.pathway_id].append((count.month, count.count))
        partnered = set().union(*members.values()) if members else set()
        resources = list(session.scalars(records_of(r.Resource).where(
            r.Resource.deleted == LIVE, r.Resource.organization_id.in_(partnered))
            .order_by(r.Resource.name))) if partnered else []

    def category_ok(category_id: str | None) -> bool:
        if wanted_categories is None:
            return True
        return category_names.get(category_id or "", "").casefold() in wanted_categories

    nodes = tuple(Node(o.id, o.name, o.kind, o.status, o.is_us) for o in orgs
                  if (wanted_kinds is None or o.kind in wanted_kinds)
                  and (wanted_statuses is None or o.status in wanted_statuses))
    shown = {n.id for n in nodes}
    us = next((o.id for o in orgs if o.is_us), None)
    edges: list[Edge] = []
    partners_of: dict[str, set[str]] = defaultdict(set)
    for ship_id, ship in sorted(ships.items(), key=lambda item: (item[1].title, item[0])):
        group = sorted(members[ship_id] | ({us} if us else set()))
        for a, b in itertools.combinations(group, 2):
            partners_of[a].add(b)
            partners_of[b].add(a)
            if a in shown and b in shown:
                edges.append(Edge(a, b, "partnership", label=ship.title, items=(ship.title,)))
    for pathway in sorted(pathways, key=lambda p: (p.from_organization_id,
                                                   p.to_organization_id, p.id)):
        ends = (pathway.from_organization_id, pathway.to_organization_id)
        if ends[0] in shown and ends[1] in shown and category_ok(pathway.category_id):
            category = category_names.get(pathway.category_id or "", "")
            edges.append(Edge(ends[0], ends[1], "referral", category=category, label=category,
                              counts=tuple(counts.get(pathway.id, ()))))
    flows: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for resource in resources:
        if not category_ok(resource.category_id):
            continue
        category = category_names.get(resource.category_id, "")
        for other in sorted(partners_of.get(resource.organization_id, ())):
            flows[(resource.organization_id, other, category)].append(resource.name)
    for (source, target, category), names in sorted(flows.items()):
        if source in shown and target in shown:
            edges.append(Edge(source, target, "resource", category=category, label=category,
                              items=tuple(names)))
    return Network(nodes, tuple(edges))


def layout(network: Network, fixed_positions: dict[str, tuple[float, float]] | None = None,
           ) -> dict[str, tuple[float, float]]:
    """Positions for every node; the same network always gets the same picture.

    A force-directed layout (Fruchterman and Reingold) with a fixed seed, in plain
    Python: linked organizations pull together, all push apart. Pinned nodes
    (`fixed_positions`) stay where they are and are returned as given; without pins,
    our own organization sits in the middle and every position is within [-1, 1].
    """
    ids = sorted(n.id for n in network.nodes)
    if not ids:
        return {}
    pins = {k: (float(x), float(y)) for k, (x, y) in (fixed_positions or {}).items()
            if k in set(ids)}
    auto_pin = not pins
    if auto_pin:
        us = next((n.id for n in network.nodes if n.is_us), None)
        if us is not None:
            pins = {us: (0.0, 0.0)}
    weights: dict[tuple[str, str], float] = defaultdict(float)
    for edge in network.edges:
        if edge.source != edge.target:
            key = (min(edge.source, edge.target), max(edge.source, edge.target))
            weights[key] += 2.0 if edge.kind == "partnership" else 1.0
    rng = random.Random(LAYOUT_SEED)
    count = len(ids)
    pos = {}
    for index, node in enumerate(ids):
        angle = 2 * math.pi * index / count
        pos[node] = list(pins.get(node, (math.cos(angle) + rng.uniform(-0.05, 0.05),
                                         math.sin(angle) + rng.uniform(-0.05, 0.05))))
    k = 1.6 / math.sqrt(count)
    iterations = 200 if count < 200 else 60
    temperature = 0.2
    for step in range(iterations):
        moves = {node: [0.0, 0.0] for node in ids}
        for i, a in enumerate(ids):
            ax, ay = pos[a]
            for b in ids[i + 1:]:
                dx, dy = ax - pos[b][0], ay - pos[b][1]
                dist = max(math.hypot(dx, dy), 1e-4)
                push = k * k / dist
                moves[a][0] += dx / dist * push
                moves[a][1] += dy / dist * push
                moves[b][0] -= dx / dist * push
                moves[b][1] -= dy / dist * push
        for (a, b), weight in weights.items():
            dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
            dist = max(math.hypot(dx, dy), 1e-4)
            pull = dist * dist / k * weight
            moves[a][0] -= dx / dist * pull
            moves[a][1] -= dy / dist * pull
            moves[b][0] += dx / dist * pull
            moves[b][1] += dy / dist * pull
        for node in ids:  # a little gravity keeps unlinked organizations near the rest
            moves[node][0] -= pos[node][0] * GRAVITY * count
            moves[node][1] -= pos[node][1] * GRAVITY * count
        limit = temperature * (1 - step / iterations) + 0.002
        for node in ids:
            if node in pins:
                continue
            mx, my = moves[node]
            length = math.hypot(mx, my)
            if length > 0:
                scale = min(length, limit) / length
                pos[node][0] += mx * scale
                pos[node][1] += my * scale
    placed = {node: (round(x, 6), round(y, 6)) for node, (x, y) in pos.items()}
    if not auto_pin:
        return placed
    # Scale into [-1, 1] around the middle, so our organization stays at the centre.
    cx, cy = next(iter(pins.values())) if pins else (0.0, 0.0)
    if not pins:
        xs = [p[0] for p in placed.values()]
        ys = [p[1] for p in placed.values()]
        cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    reach = max(max(abs(x - cx), abs(y - cy)) for x, y in placed.values()) or 1.0
    return {n: ((x - cx) / reach, (y - cy) / reach) for n, (x, y) in placed.items()}
