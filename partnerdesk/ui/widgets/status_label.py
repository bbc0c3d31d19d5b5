"""Statuses and due dates as coloured labels: a rounded label whose fill says what the
word means (good, info, warning, danger, neutral; see `theme`), and whose word says it too,
so it reads in black and white, in high contrast and to a screen reader (the cell's text
is the word itself; the colour only repeats it).

A table model answers `TONE_ROLE` with a tone name for the cells that carry one; the view
draws those cells with `StatusDelegate` (`use_status_labels(view, columns)`).
"""

from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from partnerdesk.ui import theme

TONE_ROLE = Qt.ItemDataRole.UserRole + 40
"""A cell's tone: "good", "info", "warning", "danger", "neutral", or None."""
Index = QModelIndex | QPersistentModelIndex

# What each stored status means at a glance. Done states are neutral; the warm colours
# are kept for what needs someone to act.
STATUS_TONES: dict[str, dict[str, str]] = {
    "organization": {"prospect": "info", "active": "good", "paused": "warning",
                     "ended": "neutral"},
    "partnership": {"exploring": "info", "forming": "info", "active": "good",
                    "under_review": "warning", "ended": "neutral"},
    "agreement": {"draft": "neutral", "negotiating": "info", "signed": "info",
                  "active": "good", "expired": "neutral", "terminated": "neutral"},
    "funding": {"idea": "neutral", "preparing": "info", "submitted": "info",
                "awarded": "good", "declined": "neutral", "active": "good",
                "reporting": "warning", "closed": "neutral"},
}
PAD_X = 7  # text to the label's edge
MARGIN_X = 4  # label to the cell's edge


def status_tone(record_type: str, status: str | None) -> str | None:
    return STATUS_TONES.get(record_type, {}).get(status or "")


def status_words(record_type: str, status: str | None) -> str:
    """The status as people read it ("Under review"), or "" for a type without one."""
    from partnerdesk.db import vocabulary as v

    choices = {"organization": v.ORGANIZATION_STATUSES, "partnership": v.PARTNERSHIP_STATUSES,
               "agreement": v.AGREEMENT_STATUSES,
               "funding": v.FUNDING_STATUSES}.get(record_type)
    if choices is None or not status:
        return ""
    return QCoreApplication.translate("Lists", v.label(choices, status))


def label_rect(cell: QRectF, text_width: float, text_height: float) -> QRectF:
    height = text_height + 4
    width = min(text_width + 2 * PAD_X, cell.width() - 2 * MARGIN_X)
    return QRectF(cell.x() + MARGIN_X, cell.center().y() - height / 2, width, height)


def paint_label(painter: QPainter, area: QRectF, text: str, tone_name: str,
                widget: QWidget | None = None) -> None:
    """One status label: fill, outline and the word, in the tone's colours."""
    colours = theme.tone(tone_name)
    metrics = painter.fontMetrics()
    pill = label_rect(area, metrics.horizontalAdvance(text), metrics.height())
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    outline = 2.0 if theme.high_contrast() else 1.0
    painter.setPen(QPen(QColor(colours.outline), outline))
    painter.setBrush(QColor(colours.fill))
    radius = pill.height() / 2
    painter.drawRoundedRect(pill.adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
    painter.setPen(QColor(colours.text))
    shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight,
                               int(pill.width() - 2 * PAD_X) + 1)
    painter.drawText(pill.adjusted(PAD_X, 0, -PAD_X, 0),
                     int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), shown)
    painter.restore()


class StatusDelegate(QStyledItemDelegate):
    """Draws a cell with a tone as a status label (other cells as usual)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        tone_name = index.data(TONE_ROLE)
        if not tone_name:
            super().paint(painter, option, index)
            return
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        text = item.text
        item.text = ""  # the row's background and selection as usual, then the label
        style = item.widget.style() if item.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, item.widget)
        painter.save()
        painter.setFont(item.font)
        paint_label(painter, QRectF(item.rect), text, str(tone_name), item.widget)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        size = super().sizeHint(option, index)
        if index.data(TONE_ROLE):
            text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
            width = option.fontMetrics.horizontalAdvance(text) + 2 * (PAD_X + MARGIN_X)
            return QSize(max(size.width(), width), max(size.height(),
                                                       option.fontMetrics.height() + 8))
        return size


def use_status_labels(view: QAbstractItemView, columns: Iterable[int]) -> StatusDelegate:
    """Draw these columns of `view` with status labels."""
    delegate = StatusDelegate(view)
    for column in columns:
        view.setItemDelegateForColumn(column, delegate)
    return delegate


class StatusLabel(QLabel):
    """A status label on its own (outside a table): the word in a toned, rounded label."""

    def __init__(self, text: str = "", tone_name: str = "neutral",
                 parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.tone_name = tone_name
        self.setAccessibleName(text)

    def set_status(self, text: str, tone_name: str) -> None:
        self.setText(text)
        self.tone_name = tone_name
        self.setAccessibleName(text)
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance(self.text()) + 2 * (PAD_X + MARGIN_X),
                     metrics.height() + 8)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.sizeHint()

    def paintEvent(self, _event: object) -> None:  # noqa: N802
        if not self.text():
            return
        painter = QPainter(self)
        painter.setFont(self.font())
        paint_label(painter, QRectF(self.rect()), self.text(), self.tone_name, self)
        painter.end()
