"""Vector drawings: indicator measurements against their target, and the network of
organizations. Black, white and greys only; lines differ by dash pattern as well as
weight, and every mark is named in words, so a black-and-white copy loses nothing."""

import math
from datetime import date

from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, PolyLine, Rect, String
from reportlab.lib import colors

from partnerdesk.chart_axis import all_whole, axis_ticks
from partnerdesk.reports import scripts
from partnerdesk.reports.fonts import BOLD, REGULAR, register_fonts
from partnerdesk.reports.styles import INK, MUTED, RULE
from partnerdesk.reports.text import day, number
from partnerdesk.services.network import Network
from partnerdesk.services.network_positions import Footprint, arrange
from partnerdesk.services.reporting import IndicatorSeries

GRID = RULE
LABELLED_NODES = 30
# The network diagram: the legend box along the bottom, and the frame the layout's
# [-1, 1] fills. Labels hang below their node (LABEL_DEPTH), so the frame starts
# the legend's height plus 30 pt up: the lowest label ends clear of the legend.
LEGEND_HEIGHT = 40.0
SIDE_MARGIN = 80.0
BOTTOM_MARGIN = LEGEND_HEIGHT + 30.0
TOP_MARGIN = 16.0
LABEL_DEPTH = 24.0
NAME_SIZE = 7.5
KIND_SIZE = 6.5


def _drawing(width: float, height: float) -> Drawing:
    """A drawing that starts in our embedded font, never in ReportLab's Helvetica."""
    register_fonts()
    return Drawing(width, height, initialFontName=REGULAR, initialFontSize=8)


def _nice_top(value: float, whole: bool = False) -> tuple[float, float]:
    """A round axis maximum and step for values from 0 up to `value` (whole-number steps
    for counts: `chart_axis`)."""
    ticks = axis_ticks(0.0, max(value, 0.0), whole=whole)
    return ticks[-1], ticks[1] - ticks[0]


def indicator_chart(series: IndicatorSeries, width: float, height: float = 150) -> Drawing:
    """Measurements as a line with dots; the target as a dashed line, labelled."""
    drawing = _drawing(width, height)
    left, right, bottom, top = 46, width - 70, 26, height - 18
    values = [v for _, v in series.points]
    highest = max(values + ([series.target] if series.target is not None else []) or [1.0])
    whole = all_whole(values + ([series.target] if series.target is not None else []))
    y_max, step = _nice_top(highest * 1.05, whole)
    first, last = series.points[0][0], series.points[-1][0]
    span = max((last - first).days, 1)

    def x_of(when: date) -> float:
        if first == last:
            return (left + right) / 2
        return left + (right - left) * (when - first).days / span

    def y_of(value: float) -> float:
        return bottom + (top - bottom) * max(0.0, value) / y_max

    tick = 0.0
    while tick <= y_max + step / 2:
        y = y_of(tick)
        drawing.add(Line(left, y, right, y, strokeColor=GRID, strokeWidth=0.3))
        drawing.add(String(left - 4, y - 3, number(tick), fontName=REGULAR, fontSize=7,
                           fillColor=MUTED, textAnchor="end"))
        tick += step
    drawing.add(Line(left, bottom, left, top, strokeColor=INK, strokeWidth=0.6))
    drawing.add(Line(left, bottom, right, bottom, strokeColor=INK, strokeWidth=0.6))
    labels = _date_ticks(series.points)
    for when in labels:
        x = x_of(when)
        drawing.add(Line(x, bottom, x, bottom - 3, strokeColor=INK, strokeWidth=0.5))
        label = f"{when:%b %Y}" if when.day == 1 else day(when)
        drawing.add(String(x, bottom - 12, label, fontName=REGULAR, fontSize=7,
                           fillColor=MUTED, textAnchor="middle"))
    if series.target is not None:
        y = y_of(series.target)
        drawing.add(Line(left, y, right, y, strokeColor=INK, strokeWidth=1,
                         strokeDashArray=[5, 3]))
        drawing.add(String(right + 4, y - 3, f"Target {number(series.target)}",
                           fontName=BOLD, fontSize=7, fillColor=INK))
    points: list[float] = []
    for when, value in series.points:
        points += [x_of(when), y_of(value)]
    if len(series.points) > 1:
        drawing.add(PolyLine(points, strokeColor=INK, strokeWidth=1.4))
    for index in range(0, len(points), 2):
        drawing.add(Circle(points[index], points[index + 1], 2.2, fillColor=INK,
                           strokeColor=INK, strokeWidth=0.5))
    latest_x, latest_y = points[-2], points[-1]
    label_y = latest_y + 4
    if series.target is not None and abs(latest_y - y_of(series.target)) < 12:
        # close to the target line: below it, so the two labels do not run together
        label_y = min(latest_y, y_of(series.target)) - 11
    drawing.add(String(min(latest_x + 5, right + 4), label_y,
                       f"Latest {number(series.latest)}", fontName=REGULAR, fontSize=7,
                       fillColor=INK))
    # legend: a solid line with dots, a dashed line
    ly = height - 8
    drawing.add(Line(left, ly, left + 18, ly, strokeColor=INK, strokeWidth=1.4))
    drawing.add(Circle(left + 9, ly, 2.2, fillColor=INK, strokeColor=INK))
    unit = f" ({series.unit})" if series.unit else ""
    drawing.add(String(left + 22, ly - 3, f"Measured{unit}", fontName=REGULAR, fontSize=7.5,
                       fillColor=INK))
    if series.target is not None:
        lx = left + 40 + 4.3 * len(f"Measured{unit}")
        drawing.add(Line(lx, ly, lx + 18, ly, strokeColor=INK, strokeWidth=1,
                         strokeDashArray=[5, 3]))
        drawing.add(String(lx + 22, ly - 3, "Target", fontName=REGULAR, fontSize=7.5,
                           fillColor=INK))
    return drawing


def _date_ticks(points: tuple[tuple[date, float], ...], most: int = 5) -> list[date]:
    """At most `most` evenly spaced dates to mark the time axis with.

    Over a few months or more: the first of every month, or of every second, third...
    month, so the marks are evenly spaced in time. Over a shorter span, the measurement
    dates themselves (spread out when there are many).
    """
    first, last = points[0][0], points[-1][0]
    months = (last.year - first.year) * 12 + last.month - first.month
    if months >= 3:
        step = max(1, math.ceil(months / most))
        ticks, year, month = [], first.year, first.month + 1
        if month > 12:
            year, month = year + 1, 1
        while date(year, month, 1) <= last:
            ticks.append(date(year, month, 1))
            month += step
            year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
        return ticks[:most + 1]
    dates = sorted({d for d, _ in points})
    if len(dates) <= most:
        return dates
    stride = (len(dates) - 1) / (most - 1)
    return [dates[round(i * stride)] for i in range(most)]


EDGE_STYLES = {
    # kind: (stroke width, dash pattern, grey, offset sign, legend text)
    "partnership": (1.4, None, INK, 0, "Partnership"),
    "referral": (0.9, [4, 2], INK, 1, "Referral pathway (arrow points to who receives)"),
    "resource": (0.9, [1, 2], MUTED, -1, "Resources offered to a partner (dotted)"),
}


def _label(drawing: Drawing, x: float, y: float, text: str, font: str, size: float,
           color: colors.Color) -> float:
    """One label centred on `x`, in the fonts the reports use for every script: each run
    of Hebrew, Arabic, Devanagari, Chinese… in a font that has it, shaped and in reading
    order (reports/scripts.py), so a partner's name is never drawn as empty boxes.
    Returns its width."""
    line = scripts.layout(text, font, size)
    left = x - line.width / 2
    for piece in line.pieces:
        if piece.text:
            drawing.add(String(left, y, piece.text, fontName=piece.font, fontSize=size,
                               fillColor=color))
        for cluster in piece.clusters:
            for glyph in cluster.glyphs:
                drawing.add(String(left + glyph.x, y + glyph.y, glyph.char,
                                   fontName=piece.font, fontSize=size, fillColor=color))
        left += piece.width
    return line.width


def label_footprints(network: Network) -> dict[str, Footprint]:
    """The room each node's two-line label takes, as `network_diagram` draws it."""
    register_fonts()
    return {n.id: Footprint(
        width=max(scripts.width(n.name, BOLD if n.is_us else REGULAR, NAME_SIZE),
                  scripts.width(n.kind_label, REGULAR, KIND_SIZE), 11.0) + 4,
        above=6.0, below=LABEL_DEPTH) for n in network.nodes}


def frame_scale(width: float, height: float) -> tuple[float, float]:
    """Points per layout unit: [-1, 1] fills the frame inside the margins."""
    return (width - 2 * SIDE_MARGIN) / 2, (height - BOTTOM_MARGIN - TOP_MARGIN) / 2


def diagram_positions(network: Network, pinned: dict[str, tuple[float, float]],
                      width: float, height: float) -> dict[str, tuple[float, float]]:
    """Positions for a diagram this size: nodes people dragged stay where they left them
    (`pinned`), the rest are laid out and spread so their labels do not overlap — what
    `network_positions.positions_for` does, without reading the database here."""
    slack = (SIDE_MARGIN - 4, min(BOTTOM_MARGIN - LEGEND_HEIGHT, TOP_MARGIN) - 10)
    return arrange(network, pinned, label_footprints(network), frame_scale(width, height),
                   slack)


def network_diagram(network: Network, positions: dict[str, tuple[float, float]],
                    width: float, height: float = 330) -> Drawing:
    """Organizations as labelled dots (ours filled black), links as lines by kind.

    Layout units [-1, 1] fill the frame; a node dragged beyond it widens the mapping so
    it still shows. The frame stops well above the legend, so the lowest node's label
    never runs into it.
    """
    drawing = _drawing(width, height)
    box = (SIDE_MARGIN, BOTTOM_MARGIN, width - SIDE_MARGIN, height - TOP_MARGIN)
    xs = [positions.get(n.id, (0.0, 0.0))[0] for n in network.nodes] + [-1.0, 1.0]
    ys = [positions.get(n.id, (0.0, 0.0))[1] for n in network.nodes] + [-1.0, 1.0]
    x_low, y_low = min(xs), min(ys)
    x_span, y_span = max(xs) - x_low, max(ys) - y_low

    def place(node_id: str) -> tuple[float, float]:
        x, y = positions.get(node_id, (0.0, 0.0))
        return (box[0] + (x - x_low) / x_span * (box[2] - box[0]),
                box[1] + (y - y_low) / y_span * (box[3] - box[1]))

    degree: dict[str, int] = {n.id: 0 for n in network.nodes}
    for edge in network.edges:
        degree[edge.source] = degree.get(edge.source, 0) + 1
        degree[edge.target] = degree.get(edge.target, 0) + 1
    drawn_pairs: set[tuple[str, str, str]] = set()
    for edge in network.edges:
        key = (edge.source, edge.target, edge.kind)
        if key in drawn_pairs:
            continue
        drawn_pairs.add(key)
        weight, dash, grey, sign, _ = EDGE_STYLES.get(edge.kind, EDGE_STYLES["resource"])
        (x1, y1), (x2, y2) = place(edge.source), place(edge.target)
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        nx_, ny_ = -(y2 - y1) / length, (x2 - x1) / length
        ordered = 1 if edge.source < edge.target else -1
        offset = 3.5 * sign * ordered
        x1, y1, x2, y2 = x1 + nx_ * offset, y1 + ny_ * offset, x2 + nx_ * offset, y2 + ny_ * offset
        shorten = 7 if edge.kind == "referral" else 0
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        ex, ey = x2 - ux * shorten, y2 - uy * shorten
        drawing.add(Line(x1, y1, ex, ey, strokeColor=grey, strokeWidth=weight,
                         strokeDashArray=dash))
        if edge.kind == "referral":
            drawing.add(_arrow_head(ex, ey, ux, uy))
    names = sorted(network.nodes, key=lambda n: (-degree.get(n.id, 0), n.name))
    labelled = {n.id for n in names[:LABELLED_NODES]} | {n.id for n in network.nodes
                                                       if n.is_us}
    for node in network.nodes:
        x, y = place(node.id)
        drawing.add(Circle(x, y, 5.5 if node.is_us else 4.5,
                           fillColor=INK if node.is_us else colors.white,
                           strokeColor=INK, strokeWidth=1.1))
        if node.id in labelled:
            below = y - 13
            font = BOLD if node.is_us else REGULAR
            label_width = max(scripts.width(node.name, font, NAME_SIZE),
                              scripts.width(node.kind_label, REGULAR, KIND_SIZE)) + 4
            drawing.add(Rect(x - label_width / 2, below - 11, label_width, 19.5,
                             fillColor=colors.white, strokeColor=None))
            _label(drawing, x, below, node.name, font, NAME_SIZE, INK)
            _label(drawing, x, below - 8.5, node.kind_label, REGULAR, KIND_SIZE, MUTED)
    _legend(drawing, width, LEGEND_HEIGHT)
    return drawing


def _arrow_head(x: float, y: float, ux: float, uy: float) -> Polygon:
    size = 5.5
    bx, by = x - ux * size, y - uy * size
    px, py = -uy * size * 0.55, ux * size * 0.55
    return Polygon([x, y, bx + px, by + py, bx - px, by - py], fillColor=INK, strokeColor=INK,
                   strokeWidth=0.5)


def _legend(drawing: Drawing, width: float, height: float) -> None:
    drawing.add(Rect(0, 0, width, height, strokeColor=RULE, strokeWidth=0.4,
                     fillColor=None))
    x, y = 10, height - 13
    for index, (kind, (weight, dash, grey, _sign, label)) in enumerate(EDGE_STYLES.items()):
        col_x = x + (index % 2) * (width / 2)
        row_y = y - (index // 2) * 13
        drawing.add(Line(col_x, row_y + 3, col_x + 22, row_y + 3, strokeColor=grey,
                         strokeWidth=weight, strokeDashArray=dash))
        if kind == "referral":
            drawing.add(_arrow_head(col_x + 24, row_y + 3, 1, 0))
        drawing.add(String(col_x + 30, row_y, label, fontName=REGULAR, fontSize=7.5,
                           fillColor=INK))
    col_x, row_y = x + width / 2, y - 13
    drawing.add(Circle(col_x + 5, row_y + 3, 4.5, fillColor=INK, strokeColor=INK))
    drawing.add(String(col_x + 14, row_y, "Our organization", fontName=REGULAR, fontSize=7.5,
                       fillColor=INK))
    drawing.add(Circle(col_x + 105, row_y + 3, 4.5, fillColor=colors.white, strokeColor=INK))
    drawing.add(String(col_x + 114, row_y, "Other organization", fontName=REGULAR,
                       fontSize=7.5, fillColor=INK))
