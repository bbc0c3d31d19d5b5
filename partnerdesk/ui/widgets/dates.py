"""Every date the app shows or asks for: one display format, one field that reads what
people type.

Qt's QDateEdit edits a date in sections: typing "15 Feb 2027" into it from an empty
field lands digits in the wrong sections and silently gives 2 Dec 2027. `DateEdit` is a
text field instead: whatever is typed is read by `services.dates.parse_date` ("15 Feb
2027", "2/15/2027", "2027-02-15", "tomorrow", "+7"), a calendar button offers the month,
and when the field is left the text is rewritten in the display format, so the date
stored is the one on screen. Text that is not a date is kept as typed and named as a
problem (`problem()`); editors refuse to save it.

The display format is the `date_format` setting, applied with `use_date_format(desk)`
when a database opens (and again when Preferences change it); `show_date` and
`show_datetime` write dates in it for lists, labels and charts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QLocale, QObject, Qt, QTime, Signal
from PySide6.QtGui import QContextMenuEvent, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QLabel,
    QLineEdit,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTimeEdit,
    QWidget,
    QWidgetAction,
)

from partnerdesk.services.dates import (
    FALLBACK,
    SYSTEM,
    DateTextError,
    Reading,
    full_date,
    parse_date,
    reading_for,
    widen_year,
)

if TYPE_CHECKING:
    from partnerdesk.services import Desk

NO_TIME = QTime(0, 0)


class _Format(QObject):
    """The display format in use; `sig_changed` tells every date field to rewrite itself."""

    sig_changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setting = SYSTEM
        self.pattern = ""
        self.reading = Reading()


_format: _Format | None = None


def _current() -> _Format:
    global _format
    if _format is None:
        _format = _Format()
        set_date_format(SYSTEM)
    return _format


def format_notifier() -> _Format:
    return _current()


def set_date_format(setting: str) -> None:
    """Show and read dates in `setting` ("system" or a pattern such as "d MMM yyyy")."""
    current = _current()
    locale = QLocale()
    pattern = setting
    if setting == SYSTEM:
        # The C locale (no language chosen) writes "1 05 2026": the plain default instead.
        pattern = FALLBACK if locale.language() == QLocale.Language.C else widen_year(
            locale.dateFormat(QLocale.FormatType.ShortFormat))
    months = [(locale.monthName(m, QLocale.FormatType.LongFormat),
               locale.monthName(m, QLocale.FormatType.ShortFormat),
               locale.standaloneMonthName(m, QLocale.FormatType.LongFormat),
               locale.standaloneMonthName(m, QLocale.FormatType.ShortFormat))
              for m in range(1, 13)]
    changed = pattern != current.pattern
    current.setting, current.pattern = setting, pattern
    current.reading = reading_for(pattern, months)
    if changed:
        current.sig_changed.emit()


def use_date_format(desk: Desk) -> None:
    """Follow this database's `date_format` setting (call again after changing it)."""
    set_date_format(desk.settings.date_format)


def display_pattern() -> str:
    return _current().pattern


def show_date(value: date | None) -> str:
    """A date in the display format ("" for none)."""
    if value is None:
        return ""
    return QLocale().toString(QDate(value.year, value.month, value.day), _current().pattern)


def show_datetime(value: datetime | None) -> str:
    """A moment in the display format with its time of day, in local time if it has a zone."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone()
    return f"{show_date(value.date())} {value:%H:%M}"


def read_date(text: str, today: date | None = None) -> date | None:
    """Typed text as a date, read in the display format's order; raises DateTextError."""
    return parse_date(text, today or date.today(), _current().reading)


def to_qdate(value: date | None) -> QDate:
    return QDate(value.year, value.month, value.day) if value else QDate()


def to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class DateEdit(QLineEdit):
    """A date typed as text or picked from a calendar; empty means "no date" when optional.

    `value()` is the date the text names; while the text names none, `problem()` says so
    and `value()` keeps the last date read. Up/Down move a day, Page Up/Down a month,
    Alt+Down (or F4) opens the calendar, Delete at the end of the text empties it.

    It is a line edit itself, not a box holding one: Qt's Tab chain skips or traps the
    focus in a container that hands its focus to a child."""

    sig_changed = Signal()
    """The date (or the text) changed: typed, picked, cleared or set."""

    def __init__(self, value: date | None = None, parent: QWidget | None = None, *,
                 optional: bool = True, today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self._optional = optional
        self._today = today
        self._value: date | None = None
        self._problem = ""
        self.textEdited.connect(self._on_typed)
        self.editingFinished.connect(self.commit)
        self.reading = QLabel(self)  # how the text is read, shown inside the field
        self.reading.setObjectName("date_reading")
        self.reading.setStyleSheet("color: palette(placeholder-text);")
        self.reading.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.reading.hide()
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(False)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        self.calendar_menu = QMenu(self)
        holder = QWidgetAction(self.calendar_menu)
        holder.setDefaultWidget(self.calendar)
        self.calendar_menu.addAction(holder)
        self.calendar_action = self.addAction(
            self.style().standardIcon(QStyle.StandardPixmap.SP_ArrowDown),
            QLineEdit.ActionPosition.TrailingPosition)
        self.calendar_action.setToolTip(self.tr("Choose from a calendar (Alt+Down)"))
        self.calendar_action.setText(self.tr("Choose the date from a calendar"))
        self.calendar_action.triggered.connect(self.open_calendar)
        if optional:
            self.setToolTip(self.tr("Type a date, or pick one from the calendar (Alt+Down). "
                                    "Delete at the end empties it."))
        self._set_placeholder()
        format_notifier().sig_changed.connect(self._format_changed)
        self.set_value(value)

    @property
    def line_edit(self) -> QLineEdit:
        """The text itself (the field is its own line edit)."""
        return self

    # -- the value -------------------------------------------------------------------
    def value(self) -> date | None:
        return self._value

    def problem(self) -> str:
        """Why the text is not a date the record can take ("" when it is)."""
        return self._problem

    def set_value(self, value: date | None) -> None:
        if value is None and not self._optional:
            value = self._today()
        self._value, self._problem = value, ""
        self.setText(show_date(value))
        self._show_reading()
        self.sig_changed.emit()

    def clear_value(self) -> None:
        if self._optional:
            self.set_value(None)

    def commit(self) -> None:
        """Rewrite readable text in the display format (when the field is left, on save)."""
        if not self._problem and self.text() != show_date(self._value):
            self.setText(show_date(self._value))
            self._show_reading()

    def _on_typed(self, text: str) -> None:
        try:
            read = read_date(text, self._today())
        except DateTextError as error:
            self._problem = str(error)
        else:
            if read is None and not self._optional:
                self._problem = self.tr("A date is needed here.")
            else:
                self._value, self._problem = read, ""
        self._show_reading()
        self.sig_changed.emit()

    def _show_reading(self) -> None:
        text = self.text()
        if self._problem:
            reading = "?"
            description = self._problem
        elif self._value is not None and text != show_date(self._value):
            reading = f"= {show_date(self._value)}"
            description = self.tr("Reads as {date}").format(date=full_date(self._value))
        else:
            reading = ""
            description = full_date(self._value) if self._value else ""
        self.reading.setText(reading)
        self.reading.setVisible(bool(reading))
        self.setAccessibleDescription(description)
        self._place_reading()

    def _place_reading(self) -> None:
        width = self.reading.sizeHint().width() if self.reading.isVisible() else 0
        self.setTextMargins(0, 0, width + 4 if width else 0, 0)
        if width:
            icon = self.height()  # the calendar button at the end is about square
            self.reading.setGeometry(self.width() - icon - width - 4, 0, width, self.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._place_reading()

    def _set_placeholder(self) -> None:
        example = show_date(date(self._today().year, 2, 15))
        self.setPlaceholderText(
            self.tr("No date (e.g. {example})").format(example=example) if self._optional
            else self.tr("e.g. {example}").format(example=example))

    def _format_changed(self) -> None:
        self._set_placeholder()
        if not self._problem:
            self.setText(show_date(self._value))
            self._show_reading()

    # -- calendar and keys ---------------------------------------------------------------
    def open_calendar(self) -> None:
        shown = self._value or self._today()
        self.calendar.setSelectedDate(to_qdate(shown))
        self.calendar.setCurrentPage(shown.year, shown.month)
        self.calendar_menu.popup(self.mapToGlobal(self.rect().bottomLeft()))
        self.calendar.setFocus()

    def _picked(self, picked: QDate) -> None:
        self.calendar_menu.close()
        self.set_value(to_date(picked))
        self.setFocus()

    def _step(self, days: int = 0, months: int = 0) -> None:
        start = self._value or self._today()
        if months:
            month = start.month - 1 + months
            year, month = start.year + month // 12, month % 12 + 1
            day = min(start.day, QDate(year, month, 1).daysInMonth())
            moved = date(year, month, day)
        else:
            moved = start + timedelta(days=days)
        self.set_value(moved)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key, mods = event.key(), event.modifiers()
        if key == Qt.Key.Key_F4 or (key == Qt.Key.Key_Down
                                    and mods & Qt.KeyboardModifier.AltModifier):
            self.open_calendar()
            return
        steps = {Qt.Key.Key_Up: (1, 0), Qt.Key.Key_Down: (-1, 0),
                 Qt.Key.Key_PageUp: (0, 1), Qt.Key.Key_PageDown: (0, -1)}
        if key in steps and not mods & Qt.KeyboardModifier.AltModifier and not self._problem:
            self._step(*steps[key])
            return
        if key == Qt.Key.Key_Delete and self._optional and not self.hasSelectedText() \
                and self.cursorPosition() == len(self.text()):
            self.clear_value()  # nothing after the cursor to delete: "no date"
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802
        menu = self.createStandardContextMenu()
        menu.addSeparator()
        if self._optional:
            menu.addAction(self.tr("No date")).triggered.connect(self.clear_value)
        menu.addAction(self.tr("Today")).triggered.connect(
            lambda: self.set_value(self._today()))
        menu.addAction(self.tr("Calendar…")).triggered.connect(self.open_calendar)
        menu.exec(event.globalPos())
        menu.deleteLater()


class DateDelegate(QStyledItemDelegate):
    """Dates edited in a table cell with a `DateEdit`; the model's edit role holds ISO text
    ("" for none). Text that is not a date leaves the cell as it was."""

    def createEditor(self, parent: QWidget, _option: QStyleOptionViewItem,  # noqa: N802
                     _index: Any) -> QWidget:
        editor = DateEdit(parent=parent)
        editor.setAutoFillBackground(True)
        return editor

    def setEditorData(self, editor: QWidget, index: Any) -> None:  # noqa: N802
        assert isinstance(editor, DateEdit)
        text = index.data(Qt.ItemDataRole.EditRole) or ""
        editor.set_value(date.fromisoformat(text) if text else None)

    def setModelData(self, editor: QWidget, model: Any, index: Any) -> None:  # noqa: N802
        assert isinstance(editor, DateEdit)
        if editor.problem():
            return
        value = editor.value()
        model.setData(index, value.isoformat() if value else "", Qt.ItemDataRole.EditRole)


class TimeEdit(QTimeEdit):
    """A time of day, "HH:mm". Tab leaves the field, as in every other field: Qt's own
    moves between hours and minutes, and on "Not set" it never leaves at all (a keyboard
    trap). Left and Right (or typing ":") move between hours and minutes instead."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat("HH:mm")

    def focusNextPrevChild(self, forward: bool) -> bool:  # noqa: N802
        return QWidget.focusNextPrevChild(self, forward)


class OptionalTimeEdit(TimeEdit):
    """A time of day or "Not set" (midnight is the sentinel: meetings rarely end then)."""

    def __init__(self, value: time | None = None, parent: QWidget | None = None, *,
                 optional: bool = True) -> None:
        super().__init__(parent)
        self._optional = optional
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
