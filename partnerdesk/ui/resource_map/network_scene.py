"""The network drawn as a QGraphicsScene: organizations as shapes by kind, links by kind.

Every kind has its own shape as well as its own colour, and every link kind its own
dash pattern, so the picture reads in black and white. Positions come in the units of
`services.network.layout` (y up) and are drawn at `SCALE` pixels per unit.
"""

import math
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QLineF, QObject, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSceneMouseEvent,
    QGraphicsSimpleTextItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from partnerdesk.db import vocabulary as v
from partnerdesk.services.network import Edge, Network, Node

SCALE = (340.0, 260.0)  # scene pixels per layout unit, across and up
RADIUS = 11.0
CLICK_SLOP = 4.0  # a press and release closer than this is a click, not a drag
# kind -> (shape, fill colour)
KIND_STYLES = {
    "hospital": ("square", "#c8102e"),
    "clinic": ("diamond", "#e57373"),
    "food_bank": ("hexagon", "#d4a017"),
    "school": ("triangle", "#1f77b4"),
    "faith_based": ("hexagon", "#8c564b"),
    "business": ("pentagon", "#7f7f7f"),
    "community_group": ("circle", "#2ca02c"),
    "government": ("octagon", "#17becf"),
    "funder": ("star", "#bcbd22"),
    "critical_service": ("down_triangle", "#ff7f0e"),
    "other": ("circle_ring", "#9467bd"),
}
# kind -> (colour, width, dash pattern, sideways offset)
EDGE_STYLES = {
    "partnership": ("#303030", 2.2, Qt.PenStyle.SolidLine, 0.0),
    "referral": ("#1f4e79", 1.6, Qt.PenStyle.DashLine, 5.0),
    "resource": ("#6b6b6b", 1.4, Qt.PenStyle.DotLine, -5.0),
}
EDGE_NAMES = {"partnership": "Partnership", "referral": "Referral pathway (arrow: who receives)",
              "resource": "Resources offered (arrow: who receives)"}


def to_scene(position: tuple[float, float]) -> QPointF:
    return QPointF(position[0] * SCALE[0], -position[1] * SCALE[1])


def to_units(point: QPointF) -> tuple[float, float]:
    return round(point.x() / SCALE[0], 5), round(-point.y() / SCALE[1], 5)


def shape_path(shape: str, radius: float = RADIUS) -> QPainterPath:
    path = QPainterPath()
    if shape in ("circle", "circle_ring"):
        path.addEllipse(QPointF(0, 0), radius, radius)
        if shape == "circle_ring":
            path.addEllipse(QPointF(0, 0), radius * 0.45, radius * 0.45)
        return path
    if shape == "square":
        path.addRect(QRectF(-radius * 0.9, -radius * 0.9, radius * 1.8, radius * 1.8))
        return path
    corners = {"diamond": (4, 90), "triangle": (3, 90), "down_triangle": (3, 270),
               "pentagon": (5, 90), "hexagon": (6, 0), "octagon": (8, 22.5)}
    if shape == "star":
        points = [QPointF(math.cos(math.radians(90 + i * 36)) * (radius if i % 2 == 0
                                                                  else radius * 0.45),
                          -math.sin(math.radians(90 + i * 36)) * (radius if i % 2 == 0
                                                                   else radius * 0.45))
                  for i in range(10)]
    else:
        count, start = corners.get(shape, (4, 90))
        points = [QPointF(math.cos(math.radians(start + i * 360 / count)) * radius,
                          -math.sin(math.radians(start + i * 360 / count)) * radius)
                  for i in range(count)]
    path.addPolygon(QPolygonF(points))
    path.closeSubpath()
    return path


@dataclass(frozen=True)
class NetworkPicture:
    """Everything the scene needs, computed off the UI thread."""

    network: Network
    positions: dict[str, tuple[float, float]]
    edge_records: list[tuple[str, str] | None]
    hidden: int  # organizations left out because nothing links them


class SceneSignals(QObject):
    sig_node_clicked = Signal(str)
    """An organization was clicked: its id."""
    sig_node_moved = Signal(str, float, float)
    """An organization was dragged: id and its new position in layout units."""
    sig_edge_clicked = Signal(int)
    """A link was clicked: its index in the network's edges."""


class NodeItem(QGraphicsPathItem):
    def __init__(self, node: Node, signals: SceneSignals, font: QFont) -> None:
        shape, colour = KIND_STYLES.get(node.kind, KIND_STYLES["other"])
        super().__init__(shape_path(shape, RADIUS * (1.25 if node.is_us else 1.0)))
        self.node = node
        self.signals = signals
        self.edges: list[EdgeItem] = []
        self._pressed_at: QPointF | None = None
        self.setBrush(QColor(colour))
        self.setPen(QPen(QColor("#101010"), 3.0 if node.is_us else 1.2))
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsMovable
                      | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
                      | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setZValue(2)
        self.setToolTip(f"{node.name}\n{node.kind_label} · "
                        f"{v.label(v.ORGANIZATION_STATUSES, node.status)}\n"
                        "Click to open; drag to move.")
        name_font = QFont(font)
        name_font.setBold(node.is_us)
        # A white ground under the labels keeps them readable where lines cross.
        self.halo = QGraphicsRectItem(self)
        self.halo.setPen(QPen(Qt.PenStyle.NoPen))
        self.halo.setBrush(QColor(255, 255, 255, 225))
        self.label = QGraphicsSimpleTextItem(node.name, self)
        self.label.setFont(name_font)
        self.kind = QGraphicsSimpleTextItem(node.kind_label, self)
        small = QFont(font)
        small.setPointSizeF(max(font.pointSizeF() - 1.5, 6.0))
        self.kind.setFont(small)
        self.kind.setBrush(QColor("#404040"))
        top = RADIUS * 1.3 + 2
        name_box = self.label.boundingRect()
        self.label.setPos(-name_box.width() / 2, top)
        kind_box = self.kind.boundingRect()
        self.kind.setPos(-kind_box.width() / 2, top + name_box.height() - 1)
        self.halo.setRect(self.label.mapRectToParent(name_box).united(
            self.kind.mapRectToParent(kind_box)).adjusted(-2, 0, 2, 0))

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: object,  # noqa: N802
                   ) -> object:
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            for edge in self.edges:
                edge.adjust()
        return super().itemChange(change, value)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        self._pressed_at = self.pos()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        start, self._pressed_at = self._pressed_at, None
        if start is None or event.button() != Qt.MouseButton.LeftButton:
            return
        moved = QLineF(start, self.pos()).length()
        if moved < CLICK_SLOP:
            self.setPos(start)
            self.signals.sig_node_clicked.emit(self.node.id)
        else:
            x, y = to_units(self.pos())
            self.signals.sig_node_moved.emit(self.node.id, x, y)


class EdgeItem(QGraphicsPathItem):
    def __init__(self, index: int, edge: Edge, source: NodeItem, target: NodeItem,
                 signals: SceneSignals, font: QFont) -> None:
        super().__init__()
        self.index, self.edge = index, edge
        self.source, self.target = source, target
        self.signals = signals
        colour, width, dash, self.offset = EDGE_STYLES.get(edge.kind, EDGE_STYLES["resource"])
        if edge.source > edge.target:
            self.offset = -self.offset  # both directions of a pair keep apart
        pen = QPen(QColor(colour), width, dash)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        self.setPen(pen)
        self.colour = QColor(colour)
        self.setZValue(0)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(self._describe())
        self.caption: QGraphicsRectItem | None = None
        caption = self._caption()
        if caption:
            # A separate item above every line, on a white ground; the scene adds it.
            self.caption = QGraphicsRectItem()
            self.caption.setPen(QPen(Qt.PenStyle.NoPen))
            self.caption.setBrush(QColor(255, 255, 255, 225))
            self.caption.setZValue(1)
            text = QGraphicsSimpleTextItem(caption, self.caption)
            small = QFont(font)
            small.setPointSizeF(max(font.pointSizeF() - 1.5, 6.0))
            text.setFont(small)
            text.setBrush(self.colour.darker(130))
            self.caption.setRect(text.boundingRect().adjusted(-2, 0, 2, 0))
        source.edges.append(self)
        target.edges.append(self)
        self.adjust()

    def _caption(self) -> str:
        if self.edge.kind == "referral" and self.edge.counts:
            average = self.edge.total / len(self.edge.counts)
            return f"{self.edge.category}: ~{average:,.0f}/month"
        return ""

    def _describe(self) -> str:
        names = {"partnership": "Partnership", "referral": "Referrals",
                 "resource": "Resources offered"}
        lines = [f"{names.get(self.edge.kind, self.edge.kind)}: {self.edge.label}".strip()]
        if self.edge.kind == "resource":
            lines += [f"• {item}" for item in self.edge.items]
        for month, count in self.edge.counts:
            lines.append(f"{month}: {count:,}")
        return "\n".join(lines + ["Click to open."])

    def adjust(self) -> None:
        a, b = self.source.pos(), self.target.pos()
        line = QLineF(a, b)
        length = line.length()
        if length < 1:
            self.setPath(QPainterPath())
            return
        ux, uy = (b.x() - a.x()) / length, (b.y() - a.y()) / length
        nx, ny = -uy * self.offset, ux * self.offset
        start = QPointF(a.x() + nx + ux * RADIUS, a.y() + ny + uy * RADIUS)
        end = QPointF(b.x() + nx - ux * (RADIUS + 3), b.y() + ny - uy * (RADIUS + 3))
        path = QPainterPath(start)
        path.lineTo(end)
        self.setPath(path)
        if self.caption is not None:
            box = self.caption.rect()
            middle = (start + end) / 2
            self.caption.setPos(middle.x() - box.width() / 2 + nx * 1.5,
                                middle.y() - box.height() / 2 + ny * 1.5)

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(10)
        return stroker.createStroke(self.path())

    def boundingRect(self) -> QRectF:  # noqa: N802
        return super().boundingRect().adjusted(-8, -8, 8, 8)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        super().paint(painter, option, widget)
        if self.edge.kind == "partnership" or self.path().elementCount() < 2:
            return
        end = self.path().elementAt(1)
        start = self.path().elementAt(0)
        tip = QPointF(end.x, end.y)
        line = QLineF(QPointF(start.x, start.y), tip)
        if line.length() < 1:
            return
        ux, uy = line.dx() / line.length(), line.dy() / line.length()
        size = 9.0
        head = QPolygonF([tip, QPointF(tip.x() - ux * size - uy * size * 0.5,
                                       tip.y() - uy * size + ux * size * 0.5),
                          QPointF(tip.x() - ux * size + uy * size * 0.5,
                                  tip.y() - uy * size - ux * size * 0.5)])
        painter.setPen(QPen(self.colour, 1))
        painter.setBrush(QBrush(self.colour))
        painter.drawPolygon(head)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.signals.sig_edge_clicked.emit(self.index)
        super().mouseReleaseEvent(event)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        event.accept()  # so the release comes here


class NetworkScene(QGraphicsScene):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.signals = SceneSignals(self)
        self.nodes: dict[str, NodeItem] = {}
        self.edges: list[EdgeItem] = []
        self.setBackgroundBrush(QColor("white"))

    def show_picture(self, picture: NetworkPicture, font: QFont) -> None:
        self.clear()
        self.nodes, self.edges = {}, []
        for node in picture.network.nodes:
            item = NodeItem(node, self.signals, font)
            item.setPos(to_scene(picture.positions.get(node.id, (0.0, 0.0))))
            self.addItem(item)
            self.nodes[node.id] = item
        for index, edge in enumerate(picture.network.edges):
            if edge.source in self.nodes and edge.target in self.nodes:
                item = EdgeItem(index, edge, self.nodes[edge.source], self.nodes[edge.target],
                                self.signals, font)
                self.addItem(item)
                self.edges.append(item)
                if item.caption is not None:
                    self.addItem(item.caption)
        self._legend(picture.network, font)

    def _legend(self, network: Network, font: QFont) -> None:
        """Shapes and line styles named in words, below the drawing (it goes into exports)."""
        if not self.nodes:
            return
        area = self.itemsBoundingRect()
        x, y = area.left(), area.bottom() + 28
        kinds = sorted({n.kind for n in network.nodes},
                       key=lambda k: v.values(v.ORGANIZATION_KINDS).index(k)
                       if k in v.values(v.ORGANIZATION_KINDS) else 99)
        entries: list[tuple[str, str]] = [("kind", k) for k in kinds] + [
            ("edge", k) for k in EDGE_STYLES]
        metrics = QFontMetricsF(font)
        step = 40 + max(metrics.horizontalAdvance(
            v.label(v.ORGANIZATION_KINDS, key) if what == "kind" else EDGE_NAMES[key])
            for what, key in entries)
        per_row = max(1, int(max(area.width(), 2 * step) // step))
        for index, (what, key) in enumerate(entries):
            cx = x + (index % per_row) * step
            cy = y + (index // per_row) * 26
            if what == "kind":
                shape, colour = KIND_STYLES.get(key, KIND_STYLES["other"])
                mark = self.addPath(shape_path(shape, 7), QPen(QColor("#101010"), 1),
                                    QBrush(QColor(colour)))
                mark.setPos(cx + 8, cy)
                text = v.label(v.ORGANIZATION_KINDS, key)
            else:
                colour, width, dash, _ = EDGE_STYLES[key]
                self.addLine(QLineF(cx, cy, cx + 22, cy), QPen(QColor(colour), width, dash))
                text = EDGE_NAMES[key]
            label = self.addSimpleText(text, font)
            label.setPos(cx + 28, cy - label.boundingRect().height() / 2)

    # -- export --------------------------------------------------------------------
    def export_rect(self) -> QRectF:
        return self.itemsBoundingRect().adjusted(-24, -24, 24, 24)

    def render_image(self, zoom: float = 2.0) -> QImage:
        rect = self.export_rect()
        image = QImage(QSize(max(1, int(rect.width() * zoom)), max(1, int(rect.height() * zoom))),
                       QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.clearSelection()
        self.render(painter, QRectF(image.rect()), rect)
        painter.end()
        return image

    def save_png(self, path: Path) -> bool:
        return self.render_image().save(str(path), "PNG")

    def save_svg(self, path: Path, title: str) -> None:
        from PySide6.QtSvg import QSvgGenerator

        rect = self.export_rect()
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(QSize(int(rect.width()), int(rect.height())))
        generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
        generator.setTitle(title)
        painter = QPainter(generator)
        self.clearSelection()
        self.render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
        painter.end()
