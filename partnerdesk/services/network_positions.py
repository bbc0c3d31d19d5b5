"""Where each organization sits in the network diagram.

Positions are in the units of `network.layout` (the automatic picture fits in
[-1, 1], y pointing up). Nodes the person dragged are kept in this laptop's
settings (`desk.settings.network_positions`: a view preference, not shared data);
nodes never dragged get the deterministic automatic layout around them. After layout, automatically
placed nodes are nudged apart until their labels do not overlap at the size the
picture is drawn (`Footprint`, in pixels); dragged nodes never move.

    footprints = {node.id: Footprint(width=90, above=6, below=24) for node in net.nodes}
    positions = positions_for(desk, net, footprints, scale=(300, 220))
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from partnerdesk.services.network import Network, layout

if TYPE_CHECKING:
    from partnerdesk.services.desk import Desk

PADDING = 6.0  # pixels kept free between two labels
ROUNDS = 400


@dataclass(frozen=True)
class Footprint:
    """The space a node and its label take, in pixels around the node's centre."""

    width: float
    above: float
    below: float


def saved_positions(desk: Desk) -> dict[str, tuple[float, float]]:
    return desk.settings.network_positions


def save_positions(desk: Desk, moved: dict[str, tuple[float, float]]) -> None:
    """Remember where these nodes were left (merged with those kept before)."""
    kept = saved_positions(desk)
    kept.update({k: (round(float(x), 5), round(float(y), 5)) for k, (x, y) in moved.items()})
    desk.settings.network_positions = kept


def forget_positions(desk: Desk, ids: Iterable[str] | None = None) -> None:
    """Let the automatic layout place these nodes (all of them without `ids`) again."""
    drop = set(ids) if ids is not None else None
    desk.settings.network_positions = {} if drop is None else {
        k: p for k, p in saved_positions(desk).items() if k not in drop}


def positions_for(desk: Desk, network: Network,
                  footprints: dict[str, Footprint] | None = None,
                  scale: tuple[float, float] = (300.0, 300.0),
                  slack: tuple[float, float] = (math.inf, math.inf),
                  ) -> dict[str, tuple[float, float]]:
    """Every node's position: kept ones as left, the rest laid out and spread.

    `slack` is how far (pixels) a label may reach beyond the [-1, 1] frame, sideways
    and up or down: a drawing with a legend below its frame passes a small one.
    """
    pins = {k: p for k, p in saved_positions(desk).items()
            if k in {n.id for n in network.nodes}}
    return arrange(network, pins, footprints or {}, scale, slack)


def arrange(network: Network, pins: dict[str, tuple[float, float]],
            footprints: dict[str, Footprint], scale: tuple[float, float],
            slack: tuple[float, float] = (math.inf, math.inf),
            ) -> dict[str, tuple[float, float]]:
    """Layout with `pins` fixed, then labels spread; plain data in, plain data out."""
    ids = {n.id for n in network.nodes}
    if ids and ids <= set(pins):
        return {k: pins[k] for k in ids}
    placed = layout(network, fixed_positions=pins or None)
    return spread_labels(placed, footprints, scale, fixed=set(pins), slack=slack)


def _box(pos: tuple[float, float], foot: Footprint, scale: tuple[float, float],
         ) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) in pixels, y up."""
    x, y = pos[0] * scale[0], pos[1] * scale[1]
    half = foot.width / 2 + PADDING / 2
    return x - half, y - foot.below - PADDING / 2, x + half, y + foot.above + PADDING / 2


def overlaps(positions: dict[str, tuple[float, float]], footprints: dict[str, Footprint],
             scale: tuple[float, float]) -> list[tuple[str, str]]:
    """Pairs of nodes whose labels (with padding) overlap."""
    ids = sorted(k for k in positions if k in footprints)
    boxes = {k: _box(positions[k], footprints[k], scale) for k in ids}
    found = []
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            la, ba, ra, ta = boxes[a]
            lb, bb, rb, tb = boxes[b]
            if la < rb and lb < ra and ba < tb and bb < ta:
                found.append((a, b))
    return found


def spread_labels(positions: dict[str, tuple[float, float]],
                  footprints: dict[str, Footprint], scale: tuple[float, float], *,
                  fixed: set[str] | None = None,
                  slack: tuple[float, float] = (math.inf, math.inf),
                  ) -> dict[str, tuple[float, float]]:
    """Push overlapping labels apart along the shorter way out, a little at a time.

    Only nodes not in `fixed` move. They stay within [-1, 1], and their labels
    within `slack` pixels of that frame, so the picture keeps its size.
    Deterministic: pairs are visited in id order.
    """
    fixed = fixed or set()
    pos = {k: [x, y] for k, (x, y) in positions.items()}
    sx, sy = scale

    def clamp(k: str) -> None:
        foot = footprints.get(k, Footprint(0, 0, 0))
        low_x = max(-1.0, (-sx - slack[0] + foot.width / 2) / sx)
        high_x = min(1.0, (sx + slack[0] - foot.width / 2) / sx)
        low_y = max(-1.0, (-sy - slack[1] + foot.below) / sy)
        high_y = min(1.0, (sy + slack[1] - foot.above) / sy)
        pos[k][0] = min(max(pos[k][0], low_x), high_x) if low_x <= high_x else 0.0
        pos[k][1] = min(max(pos[k][1], low_y), high_y) if low_y <= high_y else 0.0

    for k in sorted(pos):
        if k not in fixed:
            clamp(k)
    for _ in range(ROUNDS):
        pairs = overlaps({k: (p[0], p[1]) for k, p in pos.items()}, footprints, scale)
        if not pairs:
            break
        for a, b in pairs:
            if a in fixed and b in fixed:
                continue
            la, ba, ra, ta = _box((pos[a][0], pos[a][1]), footprints[a], scale)
            lb, bb, rb, tb = _box((pos[b][0], pos[b][1]), footprints[b], scale)
            dx = min(ra, rb) - max(la, lb)
            dy = min(ta, tb) - max(ba, bb)
            if dx <= 0 or dy <= 0:
                continue
            share_a = 0.0 if a in fixed else (1.0 if b in fixed else 0.5)
            share_b = 1.0 - share_a
            if dx / sx <= dy / sy:  # move sideways
                step = (dx + 1) / sx
                sign = 1.0 if (pos[a][0], a) >= (pos[b][0], b) else -1.0
                pos[a][0] += sign * step * share_a
                pos[b][0] -= sign * step * share_b
            else:
                step = (dy + 1) / sy
                sign = 1.0 if (pos[a][1], a) >= (pos[b][1], b) else -1.0
                pos[a][1] += sign * step * share_a
                pos[b][1] -= sign * step * share_b
            for k in (a, b):
                if k not in fixed:
                    clamp(k)
    return {k: (round(p[0], 6), round(p[1], 6)) for k, p in pos.items()}


def edge_records(desk: Desk, network: Network) -> list[tuple[str, str] | None]:
    """The record each edge stands for, in `network.edges` order (for "open the record").

    A partnership edge opens the partnership, a referral edge its pathway, a resource
    edge the first resource it names. `build_network` carries names, not ids, so they
    are looked up here; None when nothing matches any more.
    """

    from partnerdesk.db import records as r
    from partnerdesk.db.bookkeeping import records_of

    with desk.store.read() as session:
        categories = {c.id: c.name for c in session.scalars(records_of(r.Category))}
        ships: dict[str, list[str]] = {}
        for ship in session.scalars(records_of(r.Partnership).where(
                r.Partnership.deleted == False).order_by(r.Partnership.id)):  # noqa: E712
            ships.setdefault(ship.title, []).append(ship.id)
        members: dict[str, set[str]] = {}
        for member in session.scalars(records_of(r.PartnershipMember).where(
                r.PartnershipMember.deleted == False)):  # noqa: E712
            members.setdefault(member.partnership_id, set()).add(member.organization_id)
        pathways = {(p.from_organization_id, p.to_organization_id,
                     categories.get(p.category_id or "", "")): p.id
                    for p in session.scalars(records_of(r.ReferralPathway).where(
                        r.ReferralPathway.deleted == False)  # noqa: E712
                        .order_by(r.ReferralPathway.id.desc()))}
        sources = {e.source for e in network.edges if e.kind == "resource"}
        resources = {(res.organization_id, res.name): res.id for res in session.scalars(
            records_of(r.Resource).where(r.Resource.deleted == False,  # noqa: E712
                                     r.Resource.organization_id.in_(sources)))}
    found: list[tuple[str, str] | None] = []
    for edge in network.edges:
        if edge.kind == "partnership":
            ids = ships.get(edge.label, [])
            ends = {edge.source, edge.target}
            best = [i for i in ids if ends & members.get(i, set())] or ids
            found.append(("partnership", best[0]) if best else None)
        elif edge.kind == "referral":
            pathway = pathways.get((edge.source, edge.target, edge.category))
            found.append(("referral_pathway", pathway) if pathway else None)
        else:
            resource = next((resources[(edge.source, name)] for name in edge.items
                             if (edge.source, name) in resources), None)
            found.append(("resource", resource) if resource else None)
    return found
