"""The Dashboard: what needs attention (from `desk.reminders()`), each line opening its
record; how many records of each kind there are; and agreements by status as a chart.

`today` can be fixed (tests, screenshots); otherwise it is the real date.
"""

from datetime import date
from functools import cache

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.db import vocabulary as v
from partnerdesk.services import Desk
from partnerdesk.ui import theme
from partnerdesk.ui.widgets.chart import ChartWidget
from partnerdesk.ui.widgets.data_hub import hub_for
from partnerdesk.ui.widgets.upcoming_events import UpcomingEvents

TARGET_ROLE = Qt.ItemDataRole.UserRole + 1
# (colour of the dot, what kind of reminder it is): urgent ones red, routine ones calm.
REMINDER_KINDS = {"agreement_expiring": ("#e0a33a", "Agreement expiring"),
                  "agreement_expired_active": ("#c0504d", "Agreement expired"),
                  "review_due": ("#5b8def", "Review due"),
                  "milestone_overdue": ("#c0504d", "Milestone overdue"),
                  "action_overdue": ("#c0504d", "Action item overdue"),
                  "not_contacted": ("#9aa5b1", "Not contacted lately"),
                  "resource_unverified": ("#9aa5b1", "Resource to check")}


@cache
def dot(color: str, size: int = 12) -> QIcon:
    """A filled circle, drawn at twice the size so it stays sharp on high-DPI screens
    (drawn once per colour: a long list of reminders shares a handful of dots)."""
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(color))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(4, 4, size * 2 - 8, size * 2 - 8)
    painter.end()
    pixmap.setDevicePixelRatio(2)
    return QIcon(pixmap)


class DashboardView(QWidget):
    sig_open_record = Signal(str, str)
    """Open the record a reminder is about: record type, id."""

    def __init__(self, desk: Desk, today: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.today = today
        heading = QLabel(self.tr("What needs attention"))
        theme.set_text_role(heading, "title")
        self.reminders = QListWidget()
        self.reminders.setAccessibleName(self.tr("Reminders"))
        self.reminders.setToolTip(self.tr("Double-click or press Enter to open the record."))
        self.reminders.setWordWrap(True)
        self.reminders.setAlternatingRowColors(True)
        self.reminders.itemActivated.connect(self._open)
        self.reminders.itemDoubleClicked.connect(self._open)
        self.reminder_count = QLabel()

        counts_box = QGroupBox(self.tr("Your records"))
        self.counts_grid = QGridLayout(counts_box)
        self.count_labels: dict[str, QLabel] = {}
        names = [("organizations", self.tr("Organizations")), ("contacts", self.tr("Contacts")),
                 ("partnerships", self.tr("Partnerships")), ("agreements", self.tr("Agreements")),
                 ("resources", self.tr("Resources")), ("needs", self.tr("Community needs")),
                 ("meetings", self.tr("Meetings")), ("action_items", self.tr("Action items"))]
        for number, (key, title) in enumerate(names):
            value = QLabel("0")
            theme.set_text_role(value, "figure")
            value.setAccessibleName(title)
            value.setObjectName(f"count_{key}")
            self.count_labels[key] = value
            self.counts_grid.addWidget(value, (number // 4) * 2, number % 4)
            self.counts_grid.addWidget(QLabel(title), (number // 4) * 2 + 1, number % 4)

        chart_box = QGroupBox(self.tr("Agreements by status"))
        self.chart = ChartWidget()
        self.chart.setMinimumHeight(180)
        self.chart.setAccessibleName(self.tr("Agreements by status"))
        chart_layout = QVBoxLayout(chart_box)
        chart_layout.addWidget(self.chart)

        left = QVBoxLayout()
        left.addWidget(heading)
        left.addWidget(self.reminder_count)
        left.addWidget(self.reminders, 1)
        self.upcoming = UpcomingEvents(desk)
        self.upcoming.sig_open_record.connect(self.sig_open_record)
        right = QVBoxLayout()
        right.addWidget(self.upcoming)
        right.addWidget(counts_box)
        right.addWidget(chart_box)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self.refresh)
        hub_for(desk).sig_data_changed.connect(lambda _changes: self._timer.start())
        self.refresh()

    def refresh(self) -> None:
        self._timer.stop()
        found = self.desk.reminders(today=self.today or date.today())
        self.reminders.clear()
        for reminder in found:
            color, kind = REMINDER_KINDS.get(reminder.kind, ("#9aa5b1", ""))
            item = QListWidgetItem(dot(color), f"{reminder.title}\n{self.tr(kind)}: "
                                               f"{reminder.message}")
            item.setData(TARGET_ROLE, (reminder.record_type, reminder.record_id))
            item.setToolTip(reminder.message)
            self.reminders.addItem(item)
        if not found:
            item = QListWidgetItem(self.tr("Nothing needs attention right now."))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.reminders.addItem(item)
        self.reminder_count.setText(self.tr("{n} reminders").format(n=len(found)))
        self.upcoming.refresh(self.today or date.today())
        for key, count in self.desk.stats().items():
            if key in self.count_labels:
                self.count_labels[key].setText(f"{count:,}")
        self.chart.show_bars([
            (self.tr(label), self.desk.agreements.count(where={"status": value}))
            for value, label in v.AGREEMENT_STATUSES], empty_text=self.tr("No agreements yet."))

    def reminder_items(self) -> list[QListWidgetItem]:
        return [self.reminders.item(i) for i in range(self.reminders.count())
                if self.reminders.item(i).data(TARGET_ROLE)]

    def _open(self, item: QListWidgetItem) -> None:
        target = item.data(TARGET_ROLE)
        if target:
            self.sig_open_record.emit(*target)
