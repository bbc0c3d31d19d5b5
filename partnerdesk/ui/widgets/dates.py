"""Date and time fields that can also say "no date".

Qt's date edits always hold a date; many PartnerDesk dates are optional (a milestone
without a due date, an agreement with no expiry). These widgets keep the lowest date
as a sentinel shown as "No date", so the generic editor watcher (`dateTimeChanged`)
still sees every change.
"""

from datetime import date, datetime, time

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTime
from PySide6.QtGui import QContextMenuEvent, QKeyEvent
from PySide6.QtWidgets import QDateEdit, QTimeEdit, QWidget

NO_DATE = QDate(1900, 1, 1)
NO_TIME = QTime(0, 0)
DATE_FORMAT = "d MMM yyyy"


def to_qdate(value: date | None) -> QDate:
    return QDate(value.year, value.month, value.day) if value else QDate()


def to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class OptionalDateEdit(QDateEdit):
    """A date or "No date"; Delete (or the context menu) clears it."""

    def __init__(self, value: date | None = None, parent: QWidget | None = None, *,
                 optional: bool = True) -> None:
        super().__init__(parent)
        self._optional = optional
        self.setCalendarPopup(True)
        self.setDisplayFormat(DATE_FORMAT)
        if optional:
            self.setMinimumDate(NO_DATE)
            self.setSpecialValueText(self.tr("No date"))
            self.setToolTip(self.tr("Press Delete to leave the date empty."))
        self.calendarWidget().installEventFilter(self)
        self.set_value(value if value is not None or optional else date.today())

    def value(self) -> date | None:
        if self._optional and self.date() == NO_DATE:
            return None
        return to_date(self.date())

    def set_value(self, value: date | None) -> None:
        if value is None and not self._optional:
            value = date.today()
        self.setDate(NO_DATE if value is None else to_qdate(value))

    def clear_value(self) -> None:
        if self._optional:
            self.setDate(NO_DATE)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # An empty date opens the calendar on this month, not on January 1900.
        if watched is self.calendarWidget() and event.type() == QEvent.Type.Show \
                and self.value() is None:
            today = QDate.currentDate()
            self.calendarWidget().setCurrentPage(today.year(), today.month())
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if self._optional and event.key() == Qt.Key.Key_Delete:
            self.clear_value()
            return
        if self._optional and self.value() is None and event.text().isdigit():
            # Typing into "No date" starts from today rather than from 1900.
            self.setDate(QDate.currentDate())
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802
        menu = self.lineEdit().createStandardContextMenu()
        if self._optional:
            menu.addSeparator()
            clear = menu.addAction(self.tr("No date"))
            clear.triggered.connect(self.clear_value)
            today = menu.addAction(self.tr("Today"))
            today.triggered.connect(lambda: self.set_value(date.today()))
        menu.exec(event.globalPos())
        menu.deleteLater()


class OptionalTimeEdit(QTimeEdit):
    """A time of day or "Not set" (midnight is the sentinel: meetings rarely end then)."""

    def __init__(self, value: time | None = None, parent: QWidget | None = None, *,
                 optional: bool = True) -> None:
        super().__init__(parent)
        self._optional = optional
        self.setDisplayFormat("HH:mm")
        if optional:
            self.setSpecialValueText(self.tr("Not set"))
            self.setToolTip(self.tr("Press Delete to leave the time empty."))
        self.set_value(value)

    def value(self) -> time | None:
        current = self.time()
        if self._optional and current == NO_TIME:
            return None
        return time(current.hour(), current.minute())

    def set_value(self, value: time | None) -> None:
        self.setTime(NO_TIME if value is None else QTime(value.hour, value.minute))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if self._optional and event.key() == Qt.Key.Key_Delete:
            self.setTime(NO_TIME)
            return
        super().keyPressEvent(event)


def combine(day: date | None, at: time | None) -> datetime | None:
    """A naive wall-clock datetime, or None when either part is missing."""
    if day is None or at is None:
        return None
    return datetime.combine(day, at)
