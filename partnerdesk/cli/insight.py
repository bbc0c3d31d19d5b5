"""Sub-commands for the resource map: gaps, network, import-needs.

`partnerdesk network -o FILE.svg|.png` draws the same ReportLab drawing the resource
map report prints (`reports.charts.network_diagram`), with the positions the person
left in the app (`services.network_positions`). SVG comes from ReportLab's renderSVG;
PNG from a small Pillow rasteriser below, because ReportLab's own PNG backend needs
pycairo, which has no Linux wheel. Both run headless and import no Qt.
"""

from __future__ import annotations

import argparse
import io
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from partnerdesk.cli.common import Commands, open_desk
from partnerdesk.cli.output import print_json, print_table
from partnerdesk.db import vocabulary as v
from partnerdesk.errors import PartnerDeskError

if TYPE_CHECKING:
    from partnerdesk.services import Desk

DIAGRAM_SIZE = (760.0, 560.0)
# The frame `network_diagram` maps [-1, 1] into: side margins, legend below, top margin.
FRAME = (80.0, 58.0, 16.0)
LEGEND_HEIGHT = 40.0
PNG_ZOOM = 2.0  # pixels per point in the PNG
SUPERSAMPLE = 3  # drawn larger, then shrunk: smooth edges without an antialiasing engine


def register(commands: Commands) -> None:
    gaps = commands.add_parser("gaps", help="each community need and how well it is covered")
    gaps.add_argument("--json", action="store_true", help="print JSON")
    gaps.add_argument("--category", action="append", metavar="NAME",
                      help="only needs of this category (may be repeated)")
    gaps.set_defaults(run=run_gaps)

    network = commands.add_parser("network", help="draw the network of organizations")
    network.add_argument("-o", "--output", required=True, metavar="FILE",
                         help="where to write it: a .png or .svg file")
    network.add_argument("--category", action="append", metavar="NAME",
                         help="only referrals and resources of this category (repeatable)")
    network.add_argument("--kind", action="append", metavar="KIND",
                         choices=v.values(v.ORGANIZATION_KINDS),
                         help="only organizations of this kind (repeatable)")
    network.add_argument("--status", action="append", metavar="STATUS",
                         choices=v.values(v.ORGANIZATION_STATUSES),
                         help="only organizations with this status (repeatable)")
    network.set_defaults(run=run_network)

    needs = commands.add_parser(
        "import-needs", help="add community needs from a CSV list (category, description, "
                             "priority, area)")
    needs.add_argument("file", metavar="FILE.csv")
    needs.add_argument("--source", default="",
                       help="where the needs come from, e.g. the assessment's name")
    needs.set_defaults(run=run_import_needs)


def run_gaps(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        found = desk.resource_map.coverage(categories=args.category)
    if args.json:
        print_json([line.as_dict() for line in found])
        return 0
    if not found:
        print("No community needs are recorded yet. Add them in the app or with "
              "'partnerdesk import-needs FILE.csv'.")
        return 0
    rows = [("Need", "Category", "Priority", "Coverage", "Resources")]
    for line in found:
        names = ", ".join(f"{m.name} ({m.organization})" for m in line.resources) or "-"
        rows.append((line.need, line.category, line.priority_label, line.coverage, names))
    print_table(rows)
    return 0


def run_import_needs(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise PartnerDeskError(f"There is no file at {path}.")
    with open_desk(args) as desk:
        result = desk.resource_map.import_needs(path, default_source=args.source)
    already = f" {result.skipped} were already there." if result.skipped else ""
    print(f"Imported {result.created} community needs from {path.name}.{already}")
    return 0


def network_drawing(desk: Desk, *, categories: list[str] | None = None,
                    kinds: list[str] | None = None, statuses: list[str] | None = None,
                    size: tuple[float, float] = DIAGRAM_SIZE) -> tuple[Any, int]:
    """The report's network drawing for these filters, and how many were left out."""
    from partnerdesk.reports.charts import label_footprints, network_diagram
    from partnerdesk.services.network_positions import positions_for

    network = desk.resource_map.network(categories=categories, kinds=kinds, statuses=statuses)
    shown = network.subset(network.linked_ids())
    footprints = label_footprints(shown)
    width, height = size
    side, bottom, top = FRAME
    scale = ((width - 2 * side) / 2, (height - bottom - top) / 2)
    positions = positions_for(desk, shown, footprints, scale,
                              slack=(side - 4, min(bottom - LEGEND_HEIGHT, top) - 10))
    return network_diagram(shown, positions, width, height), len(network.nodes) - len(
        shown.nodes)


def run_network(args: argparse.Namespace) -> int:
    path = Path(args.output)
    kind = path.suffix.lower()
    if kind not in (".png", ".svg"):
        raise PartnerDeskError("The file name must end in .png or .svg, e.g. network.png.")
    if not path.parent.exists():
        raise PartnerDeskError(f"The folder {path.parent} does not exist.")
    with open_desk(args) as desk:
        drawing, hidden = network_drawing(desk, categories=args.category, kinds=args.kind,
                                          statuses=args.status)
    from partnerdesk.reports.files import write_atomically

    if kind == ".svg":
        from reportlab.graphics import renderSVG

        data = renderSVG.drawToString(drawing).encode("utf-8")
    else:
        buffer = io.BytesIO()
        rasterise(drawing).save(buffer, "PNG")
        data = buffer.getvalue()
    write_atomically(path, data)  # whole or not at all: a full disk leaves nothing behind
    note = "" if not hidden else (" (1 organization with no links is not shown)" if hidden == 1
                                  else f" ({hidden:,} organizations with no links are not shown)")
    print(f"Network diagram written to {path}{note}.")
    return 0


# -- PNG without cairo -----------------------------------------------------------------
def _rgb(colour: Any) -> tuple[int, int, int] | None:
    if colour is None:
        return None
    red, green, blue = colour.rgb()
    return round(red * 255), round(green * 255), round(blue * 255)


def _font(name: str, size: float) -> Any:
    from PIL import ImageFont

    from partnerdesk.reports.fonts import FILES, REGULAR, font_dir

    return ImageFont.truetype(str(font_dir() / FILES.get(name, FILES[REGULAR])), size)


def _dashes(points: list[tuple[float, float]], pattern: list[float],
            ) -> list[list[tuple[float, float]]]:
    """Split a line into its dashes (pattern lengths already in pixels)."""
    (x1, y1), (x2, y2) = points
    length = math.hypot(x2 - x1, y2 - y1)
    if length == 0 or not pattern or sum(pattern) <= 0:
        return [points]
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    pieces, at, index = [], 0.0, 0
    while at < length:
        step = pattern[index % len(pattern)]
        if index % 2 == 0:
            end = min(at + step, length)
            pieces.append([(x1 + ux * at, y1 + uy * at), (x1 + ux * end, y1 + uy * end)])
        at += step
        index += 1
    return pieces


def rasterise(drawing: Any, zoom: float = PNG_ZOOM) -> Any:
    """A ReportLab drawing made of lines, circles, polygons, rectangles and strings."""
    from PIL import Image, ImageDraw
    from reportlab.graphics import shapes

    big = zoom * SUPERSAMPLE
    width, height = round(drawing.width * big), round(drawing.height * big)
    image = Image.new("RGB", (width, height), "white")
    pen = ImageDraw.Draw(image)

    def at(matrix: tuple[float, ...], x: float, y: float) -> tuple[float, float]:
        a, b, c, d, e, f = matrix
        px, py = a * x + c * y + e, b * x + d * y + f
        return px * big, height - py * big

    def stroke(node: Any) -> tuple[tuple[int, int, int] | None, int]:
        return _rgb(getattr(node, "strokeColor", None)), max(
            1, round((getattr(node, "strokeWidth", 1) or 0) * big))

    def paint(node: Any, matrix: tuple[float, ...]) -> None:
        if isinstance(node, shapes.Group):
            inner = shapes.mmult(matrix, tuple(node.transform))
            for child in node.contents:
                paint(child, inner)
        elif isinstance(node, shapes.Line):
            colour, thick = stroke(node)
            if colour is None:
                return
            ends = [at(matrix, node.x1, node.y1), at(matrix, node.x2, node.y2)]
            pattern = [p * big for p in (node.strokeDashArray or [])]
            for piece in _dashes(ends, pattern):
                pen.line(piece, fill=colour, width=thick)
        elif isinstance(node, shapes.Circle):
            cx, cy = at(matrix, node.cx, node.cy)
            radius = node.r * big
            colour, thick = stroke(node)
            pen.ellipse([cx - radius, cy - radius, cx + radius, cy + radius],
                        fill=_rgb(node.fillColor), outline=colour,
                        width=thick if colour else 0)
        elif isinstance(node, shapes.Polygon):
            pts = node.points
            corners = [at(matrix, pts[i], pts[i + 1]) for i in range(0, len(pts), 2)]
            colour, thick = stroke(node)
            pen.polygon(corners, fill=_rgb(node.fillColor), outline=colour,
                        width=thick if colour else 0)
        elif isinstance(node, shapes.Rect):
            x1, y1 = at(matrix, node.x, node.y)
            x2, y2 = at(matrix, node.x + node.width, node.y + node.height)
            colour, thick = stroke(node)
            pen.rectangle([min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)],
                          fill=_rgb(node.fillColor), outline=colour,
                          width=thick if colour else 0)
        elif isinstance(node, shapes.String):
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}.get(node.textAnchor, "ls")
            pen.text(at(matrix, node.x, node.y), node.text, fill=_rgb(node.fillColor),
                     font=_font(node.fontName, node.fontSize * big), anchor=anchor)
        elif isinstance(node, shapes.PolyLine):
            pts = node.points
            colour, thick = stroke(node)
            if colour is not None:
                pen.line([at(matrix, pts[i], pts[i + 1]) for i in range(0, len(pts), 2)],
                         fill=colour, width=thick)

    identity = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    for shape in drawing.contents:
        paint(shape, tuple(getattr(drawing, "transform", identity)))
    return image.resize((round(drawing.width * zoom), round(drawing.height * zoom)),
                        Image.Resampling.LANCZOS)
