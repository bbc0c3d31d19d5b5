"""One small chart drawn with QPainter, shared by every view (QtCharts is deprecated).

Two shapes cover what PartnerDesk shows: lines over dates (an indicator's
measurements against its target, review scores over time) and bars per category
(agreements by status). Each series has its own marker and dash pattern, so the
chart reads in black and white and for people who do not tell colours apart. Counts get
whole-number ticks (`chart_axis`). Colours come from the palette shown (light or dark);
`render_image` always draws on white, for reports and pictures.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from partnerdesk.chart_axis import all_whole, axis_ticks
from partnerdesk.chart_axis import nice_step as nice_step
from partnerdesk.ui import theme

MARKERS = ("circle", "square", "triangle", "diamond")
DASHES = (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DotLine,
          Qt.PenStyle.DashDotLine)
# Dark, well separated colours (light ones on a dark palette: `theme.series_colours`); the
# marker and dash carry the meaning on their own.
COLOURS = theme.LIGHT_SERIES


@dataclass(frozen=True)
class Series:
    name: str
    points: Sequence[tuple[date, float]] = field(default_factory=tuple)


def format_number(value: float) -> str:
    if abs(value - round(value)) < 1e-9:
        return f"{int(round(value)):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


class ChartWidget(QWidget):
    """Call `show_lines(...)` or `show_bars(...)`; with nothing to show it says so."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumSize(220, 140)
        self._mode = "lines"
        self._series: list[Series] = []
        self._bars: list[tuple[str, float]] = []
        self._target: float | None = None
        self._target_label = ""
        self._y_range: tuple[float, float] | None = None
        self._unit = ""
        self._empty_text = self.tr("Nothing to show yet.")
        self.setAccessibleName(self.tr("Chart"))
        # the colours of the paint under way (from the palette it draws with)
        self._ink = self._muted = self._hollow = QColor("black")
        self._colours: tuple[str, ...] = COLOURS

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(360, 180)

    # -- data ----------------------------------------------------------------------
    def show_lines(self, series: Sequence[Series], *, target: float | None = None,
                   target_label: str = "", y_range: tuple[float, float] | None = None,
                   unit: str = "", empty_text: str = "") -> None:
        self._mode = "lines"
        self._series = [s for s in series if s.points]
        self._target, self._target_label = target, target_label
        self._y_range, self._unit = y_range, unit
        if empty_text:
            self._empty_text = empty_text
        self._describe()
        self.update()

    def show_bars(self, bars: Sequence[tuple[str, float]], *, unit: str = "",
                  empty_text: str = "") -> None:
        self._mode = "bars"
        self._bars = list(bars)
        self._unit = unit
        self._target = None
        self._y_range = None
        if empty_text:
            self._empty_text = empty_text
        self._describe()
        self.update()

    def bars(self) -> list[tuple[str, float]]:
        """What the bar chart shows (label, value), as plain data."""
        return [(label, float(value)) for label, value in self._bars]

    def is_empty(self) -> bool:
        return not (self._series if self._mode == "lines" else self._bars)

    def _describe(self) -> None:
        """A text version of the chart for screen readers."""
        if self.is_empty():
            self.setAccessibleDescription(self._empty_text)
            return
        if self._mode == "bars":
            text = "; ".join(f"{label}: {format_number(v)}" for label, v in self._bars)
        else:
            text = "; ".join(
                f"{s.name}: " + ", ".join(f"{d:%d %b %Y} {format_number(y)}"
                                          for d, y in s.points) for s in self._series)
            if self._target is not None:
                text += f"; {self._target_label or self.tr('Target')} " \
                        f"{format_number(self._target)}"
        self.setAccessibleDescription(text)

    def render_image(self, width: int = 360, height: int = 180) -> QImage:
        """The chart as an image on white (reports, screenshots, tests)."""
        image = QImage(width, height, QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        self._paint(painter, QRectF(0, 0, width, height), theme.light_palette())
        painter.end()
        return image

    def ticks(self) -> list[float]:
        """The values marked on the value axis for what is shown (whole numbers for
        counts); empty when there is nothing to show."""
        if self.is_empty():
            return []
        low, high = self._value_range()
        return axis_ticks(low, high, whole=self._whole_numbers(),
                          headroom=0.08 if self._y_range is None else 0.0)

    def _whole_numbers(self) -> bool:
        values = [v for _, v in self._bars] if self._mode == "bars" else \
            [y for s in self._series for _, y in s.points]
        if self._target is not None:
            values.append(self._target)
        if self._y_range is not None:
            values += list(self._y_range)
        return all_whole(values)

    # -- painting ------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().base())
        self._paint(painter, QRectF(self.rect()), self.palette())
        painter.end()

    def _paint(self, painter: QPainter, area: QRectF, palette: QPalette) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self.font())
        painter.setFont(font)
        self._ink = palette.color(QPalette.ColorRole.Text)
        self._muted = palette.color(QPalette.ColorRole.PlaceholderText)
        self._colours = theme.series_colours(palette)
        self._hollow = palette.color(QPalette.ColorRole.Base)
        text_colour = self._ink
        if self.is_empty():
            painter.setPen(self._muted)
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self._empty_text)
            return
        metrics = painter.fontMetrics()
        line_height = metrics.height()
        legend = self._legend_entries()
        top = area.top() + line_height / 2 + 4 + (line_height + 4 if legend else 0)
        ticks = self.ticks()
        low, high = ticks[0], ticks[-1]
        label_width = max(metrics.horizontalAdvance(format_number(t)) for t in ticks)
        plot = QRectF(area.left() + label_width + 10, top,
                      area.width() - label_width - 20, area.bottom() - top - line_height - 10)
        if plot.width() < 20 or plot.height() < 20:
            return

        def y_of(value: float) -> float:
            return plot.bottom() - (value - low) / (high - low) * plot.height()

        # Axes and grid.
        grid = QColor(self._ink)
        grid.setAlphaF(0.18)
        painter.setPen(QPen(grid, 1))
        for tick in ticks:
            painter.drawLine(QPointF(plot.left(), y_of(tick)), QPointF(plot.right(), y_of(tick)))
        painter.setPen(QPen(text_colour, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        for tick in ticks:
            label = format_number(tick)
            painter.drawText(QRectF(area.left(), y_of(tick) - line_height / 2, label_width + 4,
                                    line_height),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
        if self._mode == "bars":
            self._paint_bars(painter, plot, y_of, line_height)
        else:
            self._paint_lines(painter, plot, y_of, line_height)
        if legend:
            self._paint_legend(painter, area, legend, line_height)

    def _value_range(self) -> tuple[float, float]:
        if self._y_range is not None:
            return self._y_range
        values = [v for _, v in self._bars] if self._mode == "bars" else \
            [y for s in self._series for _, y in s.points]
        if self._target is not None:
            values.append(self._target)
        low, high = min(values + [0.0]), max(values + [0.0])
        if high == low:
            high = low + 1
        return low, high

    def _paint_bars(self, painter: QPainter, plot: QRectF, y_of: Callable[[float], float],
                    line_height: float) -> None:
        slot = plot.width() / len(self._bars)
        width = min(slot * 0.6, 48)
        metrics = painter.fontMetrics()
        for index, (label, value) in enumerate(self._bars):
            centre = plot.left() + slot * (index + 0.5)
            top, base = y_of(max(value, 0)), y_of(min(value, 0))
            bar = QRectF(centre - width / 2, top, width, max(base - top, 1))
            painter.setPen(QPen(self._ink, 1))
            painter.setBrush(QColor(self._colours[0]))
            painter.drawRect(bar)
            painter.drawText(QRectF(centre - slot / 2, top - line_height - 1, slot, line_height),
                             Qt.AlignmentFlag.AlignCenter, format_number(value))
            text = metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(slot) - 2)
            painter.drawText(QRectF(centre - slot / 2, plot.bottom() + 3, slot, line_height),
                             Qt.AlignmentFlag.AlignCenter, text)
        painter.setBrush(Qt.BrushStyle.NoBrush)

    def _paint_lines(self, painter: QPainter, plot: QRectF, y_of: Callable[[float], float],
                     line_height: float) -> None:
        days = [d.toordinal() for s in self._series for d, _ in s.points]
        first, last = min(days), max(days)
        margin = 12.0

        def x_of(day: date) -> float:
            if last == first:
                return plot.center().x()
            return plot.left() + margin + (day.toordinal() - first) / (last - first) * (
                plot.width() - 2 * margin)

        if self._target is not None:
            pen = QPen(self._muted, 1.5, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            y = y_of(self._target)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            label = f"{self._target_label or self.tr('Target')} {format_number(self._target)}"
            painter.setPen(self._ink)
            painter.drawText(QRectF(plot.left() + 4, y - line_height - 1, plot.width() - 8,
                                    line_height),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom, label)
        for index, series in enumerate(self._series):
            colour = QColor(self._colours[index % len(self._colours)])
            points = [QPointF(x_of(d), y_of(v)) for d, v in sorted(series.points)]
            painter.setPen(QPen(colour, 2, DASHES[index % len(DASHES)]))
            path = QPainterPath(points[0])
            for point in points[1:]:
                path.lineTo(point)
            painter.drawPath(path)
            painter.setPen(QPen(colour, 1.5))
            for point in points:
                self._marker(painter, MARKERS[index % len(MARKERS)], point, colour)
        # Dates along the bottom: first and last (and the middle one when there is room).
        painter.setPen(self._ink)
        labels = sorted({first, last} | ({(first + last) // 2} if plot.width() > 260 else set()))
        for ordinal in labels:
            day = date.fromordinal(ordinal)
            x = x_of(day)
            text = f"{day:%d %b %Y}".lstrip("0")
            half = painter.fontMetrics().horizontalAdvance(text) / 2 + 2
            x = min(max(x, plot.left() + half), plot.right() - half)
            painter.drawText(QRectF(x - half, plot.bottom() + 3, 2 * half, line_height),
                             Qt.AlignmentFlag.AlignCenter, text)

    def _marker(self, painter: QPainter, shape: str, at: QPointF, colour: QColor) -> None:
        size = 4.0
        painter.setBrush(colour if shape in ("circle", "triangle") else self._hollow)
        if shape == "circle":
            painter.drawEllipse(at, size, size)
        elif shape == "square":
            painter.drawRect(QRectF(at.x() - size, at.y() - size, 2 * size, 2 * size))
        else:
            path = QPainterPath()
            if shape == "triangle":
                path.moveTo(at.x(), at.y() - size - 1)
                path.lineTo(at.x() + size + 1, at.y() + size)
                path.lineTo(at.x() - size - 1, at.y() + size)
            else:
                path.moveTo(at.x(), at.y() - size - 1)
                path.lineTo(at.x() + size + 1, at.y())
                path.lineTo(at.x(), at.y() + size + 1)
                path.lineTo(at.x() - size - 1, at.y())
            path.closeSubpath()
            painter.drawPath(path)
        painter.setBrush(Qt.BrushStyle.NoBrush)

    def _legend_entries(self) -> list[tuple[str, int]]:
        """(text, series index; -1 for the target line)."""
        if self._mode != "lines":
            return []
        entries = [(s.name, i) for i, s in enumerate(self._series)]
        if self._target is not None:
            entries.append((self._target_label or self.tr("Target"), -1))
        return entries if len(entries) > 1 or self._unit else []

    def _paint_legend(self, painter: QPainter, area: QRectF,
                      entries: list[tuple[str, int]], line_height: float) -> None:
        x, y = area.left() + 8, area.top() + 4 + line_height / 2
        metrics = painter.fontMetrics()
        if self._unit:
            painter.setPen(self._ink)
            text = f"({self._unit})"
            painter.drawText(QPointF(x, y + metrics.ascent() / 2 - 1), text)
            x += metrics.horizontalAdvance(text) + 14
        for text, index in entries:
            if index < 0:
                painter.setPen(QPen(self._muted, 1.5, Qt.PenStyle.DashLine))
                painter.drawLine(QPointF(x, y), QPointF(x + 22, y))
            else:
                colour = QColor(self._colours[index % len(self._colours)])
                painter.setPen(QPen(colour, 2, DASHES[index % len(DASHES)]))
                painter.drawLine(QPointF(x, y), QPointF(x + 22, y))
                painter.setPen(QPen(colour, 1.5))
                self._marker(painter, MARKERS[index % len(MARKERS)], QPointF(x + 11, y), colour)
            painter.setPen(self._ink)
            painter.drawText(QPointF(x + 27, y + metrics.ascent() / 2 - 1), text)
            x += 27 + metrics.horizontalAdvance(text) + 14
