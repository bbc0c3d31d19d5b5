"""The Dashboard: what needs attention (from `desk.reminders()`), grouped into overdue,
this week, this month, later and no deadline (`services.reminders.when_due`), each line
opening its record; how many records of each kind there are; and agreements by status.

`today` can be fixed (tests, screenshots); otherwise it is the real date.
"""

from datetime import date
from functools import cache
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer, Signal
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
from partnerdesk.services.reminders import GROUPS, NO_DEADLINE, Reminder, when_due
from partnerdesk.ui import theme
from partnerdesk.ui.getting_started import GettingStartedPanel, is_empty
from partnerdesk.ui.widgets.chart import ChartWidget
from partnerdesk.ui.widgets.data_hub import hub_for
from partnerdesk.ui.widgets.dates import show_date
from partnerdesk.ui.widgets.upcoming_events import UpcomingEvents

TARGET_ROLE = Qt.ItemDataRole.UserRole + 1
GROUP_ROLE = Qt.ItemDataRole.UserRole + 2  # on a group's heading: its key
GROUP_TITLES = {"overdue": QT_TRANSLATE_NOOP("DashboardView", "Overdue"),
                "this_week": QT_TRANSLATE_NOOP("DashboardView", "This week"),
                "this_month": QT_TRANSLATE_NOOP("DashboardView", "This month"),
                "later": QT_TRANSLATE_NOOP("DashboardView", "Later"),
                "no_deadline": QT_TRANSLATE_NOOP("DashboardView", "No deadline")}
# (colour of the dot, what kind of reminder it is): urgent ones red, routine ones calm.
REMINDER_KINDS = {"agreement_expiring": ("#e0a33a", "Agreement expiring"),
                  "agreement_expired_active": ("#c0504d", "Agreement expired"),
                  "review_due": ("#5b8def", "Review due"),
                  "milestone_due": ("#e0a33a", "Milestone due"),
                  "milestone_overdue": ("#c0504d", "Milestone overdue"),
                  "action_due": ("#e0a33a", "Action item due"),
                  "action_overdue": ("#c0504d", "Action item overdue"),
                  "not_contacted": ("#9aa5b1", "Not contacted lately"),
                  "resource_unverified": ("#9aa5b1", "Resource to check"),
                  # funding (`services/funding_rules.py`)
                  "funding_deadline": ("#e0a33a", "Funding deadline"),
                  "funding_deadline_passed": ("#c0504d", "Funding deadline passed"),
                  "funding_decision_overdue": ("#e0a33a", "Funding decision overdue"),
                  "deliverable_due": ("#e0a33a", "Report due to a funder"),
                  "deliverable_overdue": ("#c0504d", "Report to a funder overdue")}


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
                 ("meetings", self.tr("Meetings")), ("action_items", self.tr("Action items")),
                 ("events", self.tr("Events")), ("feedback", self.tr("Feedback")),
                 ("funding", self.tr("Funding"))]
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

        self.getting_started = GettingStartedPanel()
        left = QVBoxLayout()
        left.addWidget(self.getting_started)
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
        # A method of this widget, not a lambda: Qt stops calling it once the widget is
        # gone (a lambda went on being called for every later save, on a dead timer).
        hub_for(desk).sig_data_changed.connect(self._on_changes)
        self.refresh()

    def _on_changes(self, _changes: list[Any]) -> None:
        self._timer.start()

    def refresh(self) -> None:
        self._timer.stop()
        today = self.today or date.today()
        found = self.desk.reminders(today=today, show_date=show_date)
        self.reminders.clear()
        groups: dict[str, list[Reminder]] = {key: [] for key in GROUPS}
        for reminder in found:
            groups[when_due(reminder, today)].append(reminder)
        for key, members in groups.items():
            if not members:
                continue
            members.sort(key=lambda x: (x.due or today, x.title))
            heading = QListWidgetItem(f"{self.tr(GROUP_TITLES[key])} ({len(members)})")
            font = heading.font()
            font.setBold(True)
            heading.setFont(font)
            heading.setFlags(Qt.ItemFlag.ItemIsEnabled)  # read, never selected
            heading.setData(GROUP_ROLE, key)
            self.reminders.addItem(heading)
            for reminder in members:
                color, kind = REMINDER_KINDS.get(reminder.kind, ("#9aa5b1", ""))
                due = f" ({show_date(reminder.due)})" if reminder.due and \
                    reminder.kind not in NO_DEADLINE else ""
                item = QListWidgetItem(dot(color), f"{reminder.title}\n{self.tr(kind)}: "
                                                   f"{reminder.message}{due}")
                item.setData(TARGET_ROLE, (reminder.record_type, reminder.record_id))
                item.setToolTip(reminder.message)
                self.reminders.addItem(item)
        if not found:
            item = QListWidgetItem(self.tr("Nothing needs attention right now."))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.reminders.addItem(item)
        self.reminder_count.setText(self.tr("1 reminder") if len(found) == 1 else
                                    self.tr("{n} reminders").format(n=f"{len(found):,}"))
        self.upcoming.refresh(self.today or date.today())
        stats = self.desk.stats()
        self.getting_started.setVisible(is_empty(self.desk, stats))
        for key, count in stats.items():
            if key in self.count_labels:
                self.count_labels[key].setText(f"{count:,}")
        self.chart.show_bars([
            (self.tr(label), self.desk.agreements.count(where={"status": value}))
            for value, label in v.AGREEMENT_STATUSES], empty_text=self.tr("No agreements yet."))

    def focus_start(self) -> None:
        """Where the keyboard starts: the first getting-started step on an empty database,
        else the first reminder (Enter opens it)."""
        if not self.getting_started.isHidden():
            self.getting_started.partners_button.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        items = self.reminder_items()
        if items and self.reminders.currentItem() is None:
            self.reminders.setCurrentItem(items[0])
        self.reminders.setFocus(Qt.FocusReason.OtherFocusReason)

    def reminder_items(self) -> list[QListWidgetItem]:
        return [self.reminders.item(i) for i in range(self.reminders.count())
                if self.reminders.item(i).data(TARGET_ROLE)]

    def groups(self) -> dict[str, list[str]]:
        """Group key -> the first line (title) of each reminder under it, as shown."""
        shown: dict[str, list[str]] = {}
        current = ""
        for number in range(self.reminders.count()):
            item = self.reminders.item(number)
            if item.data(GROUP_ROLE):
                current = str(item.data(GROUP_ROLE))
                shown[current] = []
            elif item.data(TARGET_ROLE):
                shown[current].append(item.text().split("\n")[0])
        return shown

    def _open(self, item: QListWidgetItem) -> None:
        target = item.data(TARGET_ROLE)
        if target:
            self.sig_open_record.emit(*target)
