"""A small horizontal bar chart drawn with QPainter (QtCharts is deprecated since Qt 6.10).

Horizontal bars keep long labels readable and need no rotated text; the numbers
are printed at the end of each bar so the chart reads without a scale.
"""

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

DEFAULT_COLOR = QColor("#3b7dd8")


class BarChart(QWidget):
    """Labelled values as bars; `set_data([(label, value, colour or None), …])`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bars: list[tuple[str, float, QColor]] = []
        self._empty_text = self.tr("Nothing to show yet.")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(60)

    def set_data(self, bars: Sequence[tuple[str, float, str | None]]) -> None:
        self._bars = [(label, float(value), QColor(color) if color else DEFAULT_COLOR)
                      for label, value, color in bars]
        summary = ", ".join(f"{label}: {value:g}" for label, value, _ in self._bars)
        self.setAccessibleDescription(summary)
        self.setToolTip(summary)
        self.updateGeometry()
        self.update()

    def bars(self) -> list[tuple[str, float]]:
        return [(label, value) for label, value, _ in self._bars]

    def set_empty_text(self, text: str) -> None:
        self._empty_text = text
        self.update()

    def _row_height(self) -> int:
        return QFontMetrics(self.font()).height() + 10

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(320, max(60, len(self._bars) * self._row_height() + 12))

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_color = palette.color(QPalette.ColorRole.WindowText)
        metrics = QFontMetrics(self.font())
        if not self._bars:
            painter.setPen(text_color)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._empty_text)
            return
        label_width = min(max(metrics.horizontalAdvance(label) for label, _, _ in self._bars)
                          + 12, self.width() // 2)
        number_width = max(metrics.horizontalAdvance(f"{value:g}") for _, value, _ in self._bars)
        top_value = max((value for _, value, _ in self._bars), default=0) or 1
        bar_space = max(self.width() - label_width - number_width - 16, 10)
        row_height = self._row_height()
        y = 6
        for label, value, color in self._bars:
            painter.setPen(text_color)
            painter.drawText(QRectF(0, y, label_width - 8, row_height),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             metrics.elidedText(label, Qt.TextElideMode.ElideRight,
                                                label_width - 8))
            length = bar_space * value / top_value
            bar = QRectF(label_width, y + 4, max(length, 2 if value else 0), row_height - 8)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawRoundedRect(bar, 3, 3)
            painter.setPen(text_color)
            painter.drawText(QRectF(bar.right() + 6, y, number_width + 8, row_height),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             f"{value:g}")
            y += row_height
        painter.end()
