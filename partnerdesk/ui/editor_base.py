"""The contract every record editor keeps, so list views, dialogs and the main window
can host any of them: load a record (or a new one), say when it is dirty or valid,
save through the service, and never lose typed text without asking.

A subclass builds its widgets with `add_field(...)`, and implements
`widget_values()` (what the widgets hold, as service field values) and
`show_record(row)` (fill the widgets). Validation comes from the service
(`RecordService.check`), shown next to each field; Save stays disabled until valid.
"""

from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.errors import EditClash, FieldProblem, PartnerDeskError, ValidationError
from partnerdesk.services import Desk
from partnerdesk.services.records import RecordService
from partnerdesk.ui import theme
from partnerdesk.ui.errors import log, show_error
from partnerdesk.ui.widgets.dates import DateEdit
from partnerdesk.ui.widgets.tab_order import follow_layout


class ProblemLabel(QLabel):
    """A field's problem message, at least as tall as its text wrapped to its width (and
    one line when empty): forms do not reliably ask a wrapped label in a field's column
    how tall it needs to be, and cut the second line of a message off."""

    def _fit(self) -> None:
        line = self.fontMetrics().lineSpacing()
        need = self.heightForWidth(self.width()) if self.text() and self.width() > 0 else 0
        if self.minimumHeight() != max(line, need):
            self.setMinimumHeight(max(line, need))

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit()  # another width, maybe another number of lines


class RecordEditor(QWidget):
    sig_dirty_changed = Signal(bool)
    """The widgets now hold (or no longer hold) unsaved edits."""
    sig_valid_changed = Signal(bool)
    """The values now pass (or fail) the service's validation."""
    sig_saved = Signal(str)
    """The record with this id was saved."""
    sig_open_record = Signal(str, str)
    """The person asked to open another record: record type, record id."""

    record_type: str = ""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.service: RecordService[Any] = desk.service(self.record_type)
        self.record_id: str | None = None
        # The revision this editor opened: a save against it cannot overwrite unseen what
        # someone else saved meanwhile (services/edit_clash.py).
        self._opened_rev: str | None = None
        # The revision whose values the fields not typed in show: what the person has
        # seen of the record (a deletion from the list is checked against it).
        self.shown_rev: str | None = None
        self._saved_values: dict[str, Any] = {}
        self._dirty = False
        self._valid = False
        self._loading = False
        self._problem_labels: dict[str, QLabel] = {}
        self._date_fields: dict[str, DateEdit] = {}  # their typed text may not be a date
        self._first_field: QWidget | None = None  # where the cursor goes on a new record
        self._field_widgets: dict[str, QWidget] = {}
        # Problems of the field being typed in wait until it is left: a message appearing
        # mid-word would push the fields below down under the mouse.
        self._held: set[str] = set()
        self._show_all = False
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_changed)
        # a DuplicateHint (duplicates_window) for record types people retype by mistake
        self.duplicate_hint: Any = None
        self._revalidate_timer = QTimer(self)
        self._revalidate_timer.setSingleShot(True)
        self._revalidate_timer.setInterval(150)
        self._revalidate_timer.timeout.connect(self.revalidate)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        outer = QVBoxLayout(self)
        outer.addLayout(self.form)

    # -- building -----------------------------------------------------------------
    def add_field(self, name: str, label: str, widget: QWidget, *,
                  tooltip: str = "", form: QFormLayout | None = None) -> QWidget:
        """Put a labelled field on the form, with a place for its problem message."""
        widget.setAccessibleName(label.rstrip(":").replace("&", ""))
        if tooltip:
            widget.setToolTip(tooltip)
        problem = ProblemLabel()
        problem.setObjectName(f"problem_{name}")
        problem.setWordWrap(True)
        theme.set_tone(problem, "danger")
        # The message's line is kept free while there is none, so a message appearing
        # (when the person leaves a field) never moves the fields below it: a click aimed
        # at the next field lands on it. A message longer than a line still pushes.
        # Nor does it widen the form: it wraps to the field's width.
        keep = problem.sizePolicy()
        keep.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
        keep.setRetainSizeWhenHidden(True)
        problem.setSizePolicy(keep)
        problem.setMinimumHeight(problem.fontMetrics().lineSpacing())
        problem.setVisible(False)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(problem)
        (form or self.form).addRow(label, box)
        self._problem_labels[name] = problem
        self._field_widgets[name] = widget
        if self._first_field is None:
            self._first_field = widget
        rows_changed = getattr(widget, "sig_rows_changed", None)
        if rows_changed is not None:  # rows added later still come in layout order
            rows_changed.connect(lambda: follow_layout(self))
        date_field = widget if isinstance(widget, DateEdit) else widget.findChild(DateEdit)
        if date_field is not None:
            self._date_fields[name] = date_field
        self.watch(widget)
        return widget

    def watch(self, widget: QWidget) -> None:
        """Mark the editor dirty whenever this widget changes."""
        signal = None
        if isinstance(widget, DateEdit):  # after its value is read, not on every keystroke
            signal = widget.sig_changed
        elif isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit):
            signal = widget.textChanged
        elif isinstance(widget, QComboBox):
            signal = widget.currentIndexChanged
        elif isinstance(widget, QCheckBox | QAbstractButton):
            signal = widget.toggled
        elif isinstance(widget, QDateTimeEdit | QDateEdit):
            signal = widget.dateTimeChanged
        elif isinstance(widget, QSpinBox | QDoubleSpinBox):
            signal = widget.valueChanged
        if signal is not None:
            signal.connect(self.on_edited)

    def focus_target(self) -> QWidget | None:
        """The first field: where the cursor goes on a new record."""
        return self._first_field

    def focus_first_field(self) -> None:
        """Put the cursor in the first field (its tab brought forward), so what the person
        types after New lands there."""
        field = self._first_field
        if field is None:
            return
        tabs = getattr(self, "tabs", None)
        if isinstance(tabs, QTabWidget):
            for index in range(tabs.count()):
                if tabs.widget(index).isAncestorOf(field):
                    tabs.setCurrentIndex(index)
                    break
        field.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- what a subclass provides -------------------------------------------------------
    def widget_values(self) -> dict[str, Any]:
        """The record's fields as the widgets hold them (service field names)."""
        raise NotImplementedError

    def show_record(self, row: Any | None) -> None:
        """Fill the widgets from a row (None: a new, empty record)."""
        raise NotImplementedError

    def write(self, values: dict[str, Any]) -> str:
        """Create or update the record through its service, as one step; returns its id.

        Editors of records saved with child rows (milestones, parties…) send them in the
        same service call, so a save lands whole or not at all."""
        if self.record_id is None:
            return str(self.service.create(**values).id)
        self.service.update(self.record_id, rev=self._opened_rev, **values)
        return self.record_id

    def after_save(self, record_id: str) -> None:
        """Show what the save wrote (child rows reloaded with their new ids)."""

    # -- the protocol -----------------------------------------------------------------
    def load(self, record_id: str | None) -> None:
        """Show a record, or an empty form for a new one (the caller asked maybe_save)."""
        self._loading = True
        try:
            row = self.service.get(record_id) if record_id else None
            self.record_id = record_id
            self._opened_rev = self.shown_rev = getattr(row, "rev", None)
            self.show_record(row)
        finally:
            self._loading = False
        self._show_starts()
        follow_layout(self)  # Tab goes down the form as it is laid out
        self._saved_values = self.widget_values()
        self._set_dirty(False)
        self.revalidate()
        if self.duplicate_hint is not None:
            self.duplicate_hint.reserve(record_id is None)

    def _show_starts(self) -> None:
        """A loaded text longer than its field shows from its first letter, cut at its end
        (Qt leaves the cursor after the text it was given, so the start was cut off)."""
        for field in self.findChildren(QLineEdit):
            if type(field) is QLineEdit and not field.hasFocus() \
                    and not isinstance(field.parent(), QAbstractSpinBox | QComboBox):
                field.setCursorPosition(0)

    def is_dirty(self) -> bool:
        return self._dirty

    def concerns(self, changes: list[Any]) -> bool:
        """Do these writes of other records show in this editor (its child rows)?"""
        return False

    def is_valid(self) -> bool:
        return self._valid

    def date_problems(self) -> list[FieldProblem]:
        """Date fields whose text is not a date: never saved as some other date."""
        return [FieldProblem(name, field.problem())
                for name, field in self._date_fields.items() if field.problem()]

    def has_unsaved_text(self) -> bool:
        """Typed text the values do not show (a date still being typed) counts as an edit."""
        return bool(self.date_problems())

    def on_edited(self, *_args: object) -> None:
        if self._loading:
            return
        self._set_dirty(self.widget_values() != self._saved_values or self.has_unsaved_text())
        self._revalidate_timer.start()
        if self.duplicate_hint is not None and self.record_id is None:
            self.duplicate_hint.check(self.widget_values())

    def add_duplicate_hint(self, record_type: str, row: int = 1) -> None:
        """A non-blocking 'possible duplicate' line under the name while typing a new record."""
        from partnerdesk.ui.duplicates_window import DuplicateHint

        self.duplicate_hint = DuplicateHint(self.desk, record_type, self)
        self.duplicate_hint.setObjectName("duplicate_hint")
        self.duplicate_hint.sig_open_record.connect(self.sig_open_record)
        self.form.insertRow(row, "", self.duplicate_hint)

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.sig_dirty_changed.emit(dirty)

    def revalidate(self) -> bool:
        typed = self.date_problems()
        problems = [p for p in self.service.check(self.widget_values())
                    if p.field not in {t.field for t in typed}] + typed
        self.show_problems(problems)
        valid = not any(not p.warning for p in problems)
        if valid != self._valid:
            self._valid = valid
            self.sig_valid_changed.emit(valid)
        return valid

    def _typing_in(self, name: str) -> bool:
        """The cursor is in this field's text (a button beside it does not count)."""
        focus = QApplication.focusWidget()
        widget = self._field_widgets.get(name)
        return isinstance(focus, QLineEdit | QPlainTextEdit | QTextEdit | QAbstractSpinBox) \
            and widget is not None and (focus is widget or widget.isAncestorOf(focus))

    def _on_focus_changed(self, _old: QWidget | None, _new: QWidget | None) -> None:
        if self._held:
            self.revalidate()

    def show_problems(self, problems: list[FieldProblem]) -> None:
        by_field: dict[str, list[FieldProblem]] = {}
        for problem in problems:
            by_field.setdefault(problem.field, []).append(problem)
        self._held = set()
        for name, label in self._problem_labels.items():
            found = by_field.get(name, [])
            if found and label.isHidden() and not self._show_all and self._typing_in(name):
                self._held.add(name)  # shown when the person leaves the field
                continue
            label.setText("\n".join(p.message for p in found))
            theme.set_tone(label, "warning" if found and all(p.warning for p in found)
                           else "danger")
            label.setVisible(bool(found))

    def save(self) -> bool:
        """Create or update through the service; problems are shown, nothing half-saved."""
        for field in self._date_fields.values():
            field.commit()  # the date saved is the date on screen, in the display format
        typed = self.date_problems()
        if typed:
            self._show_all = True
            try:
                self.show_problems(typed + [p for p in self.service.check(self.widget_values())
                                            if p.field not in {t.field for t in typed}])
            finally:
                self._show_all = False
            return False
        values = self.widget_values()
        try:
            self.record_id = self.write(values)
            self._opened_rev = self.shown_rev = getattr(self.service.get(self.record_id),
                                                        "rev", None)
            self.after_save(self.record_id)
        except EditClash as error:
            if error.deleted:
                show_error(self, error)
                return False
            self.show_clash(error)
            return False
        except ValidationError as error:
            self._show_all = True
            try:
                self.show_problems(error.problems)
            finally:
                self._show_all = False
            return False
        except Exception as error:  # shown calmly; the typed text stays in the widgets
            if not isinstance(error, PartnerDeskError):
                log.exception("Saving a %s failed", self.record_type or "record")
            show_error(self, error)
            return False
        self._saved_values = self.widget_values()
        self._forget_typing()
        self._set_dirty(False)
        self.sig_saved.emit(self.record_id)
        return True

    def _forget_typing(self) -> None:
        """Once saved, the fields' own undo of the typing is gone: Ctrl+Z in a field then
        undoes the save itself, as Edit > Undo names it (the window lets the key through
        to it when the field has nothing of its own to undo; see `main_window`)."""
        for field in self.findChildren(QLineEdit):
            # plain text fields only: a picker's or tag field's text drives its choices
            if type(field) is QLineEdit and field.completer() is None \
                    and (field.isUndoAvailable() or field.isRedoAvailable()):
                position = field.cursorPosition()
                with QSignalBlocker(field):  # the same text: nothing to tell anyone
                    field.setText(field.text())  # a new text: Qt starts its undo afresh
                field.setCursorPosition(position)
        for text in [*self.findChildren(QPlainTextEdit), *self.findChildren(QTextEdit)]:
            text.document().clearUndoRedoStacks()

    def show_clash(self, clash: EditClash) -> None:
        """Someone else saved a field this person changed too: both values are shown
        (this person's stays in the field, the other's under it), nothing is saved yet,
        and the next Save keeps what the field then holds."""
        # The fields this person did not touch now show what the other person saved,
        # so saving again cannot put the old values back; the typed ones stay.
        self.show_saved_meanwhile()
        self._opened_rev = clash.rev
        self._show_all = True
        try:
            self.show_problems([FieldProblem(name, self.tr(
                "Someone else saved “{theirs}” here while you were editing. Yours is in "
                "the field: Save again to keep it, or change it to theirs.").format(
                theirs=as_text(theirs)), warning=True)
                for name, (_mine, theirs) in clash.fields.items()])
        finally:
            self._show_all = False

    def show_saved_meanwhile(self) -> None:
        """Someone else saved this record while it is open here with changes not saved:
        the fields this person has not touched show what was saved, the ones they changed
        keep what they typed, and the cursor stays where it was. The revision saved
        against stays the one opened, so a field both changed is still a clash at Save."""
        if self.record_id is None:
            return
        mine = self.widget_values()
        edited = {name for name, value in mine.items() if value != self._saved_values.get(name)}
        focus = QApplication.focusWidget()
        cursor = None
        if isinstance(focus, QLineEdit):
            cursor = focus.cursorPosition()
        elif isinstance(focus, QPlainTextEdit | QTextEdit):
            cursor = focus.textCursor().position()
        row = self.service.get(self.record_id)
        self.shown_rev = getattr(row, "rev", None)
        self._loading = True
        try:
            self.show_record(row)
            fresh = self.widget_values()
            for name in edited:
                setattr(row, name, mine[name])  # a copy for the screen, not saved
            self.show_record(row)
        finally:
            self._loading = False
        self._saved_values = fresh
        self._set_dirty(self.widget_values() != fresh)
        if cursor is not None and focus is not None:
            if isinstance(focus, QLineEdit):
                focus.setCursorPosition(cursor)
            else:
                text_cursor = focus.textCursor()  # type: ignore[attr-defined]
                text_cursor.setPosition(min(cursor, len(focus.toPlainText())))  # type: ignore[attr-defined]
                focus.setTextCursor(text_cursor)  # type: ignore[attr-defined]

    def discard(self) -> None:
        self.load(self.record_id)

    def maybe_save(self) -> bool:
        """Before leaving unsaved edits: Save, Discard or Cancel. False means stay."""
        if not self._dirty:
            return True
        answer = QMessageBox.question(
            self, self.tr("Unsaved changes"),
            self.tr("You have changes that are not saved. Save them before leaving?"),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            with QSignalBlocker(self):
                self.discard()
            self._set_dirty(False)
            return True
        return False


def as_text(value: object) -> str:
    """Another person's saved value as words in a message."""
    if value is None or value == "" or value == []:
        return QApplication.translate("RecordEditor", "(empty)")
    if isinstance(value, list | tuple):
        return ", ".join(str(item.get("number") or item.get("address") or item)
                         if isinstance(item, dict) else str(item) for item in value)
    return str(value)
