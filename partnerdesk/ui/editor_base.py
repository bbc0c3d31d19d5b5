"""The contract every record editor keeps, so list views, dialogs and the main window
can host any of them: load a record (or a new one), say when it is dirty or valid,
save through the service, and never lose typed text without asking.

A subclass builds its widgets with `add_field(...)`, and implements
`widget_values()` (what the widgets hold, as service field values) and
`show_record(row)` (fill the widgets). Validation comes from the service
(`RecordService.check`), shown next to each field; Save stays disabled until valid.
"""

from typing import Any

from PySide6.QtCore import QSignalBlocker, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
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
    QSpinBox,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.errors import FieldProblem, PartnerDeskError, ValidationError
from partnerdesk.services import Desk
from partnerdesk.services.records import RecordService
from partnerdesk.ui import theme
from partnerdesk.ui.errors import log, show_error


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
        self._saved_values: dict[str, Any] = {}
        self._dirty = False
        self._valid = False
        self._loading = False
        self._problem_labels: dict[str, QLabel] = {}
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
        problem = QLabel()
        problem.setObjectName(f"problem_{name}")
        problem.setWordWrap(True)
        theme.set_tone(problem, "danger")
        problem.setVisible(False)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(problem)
        (form or self.form).addRow(label, box)
        self._problem_labels[name] = problem
        self.watch(widget)
        return widget

    def watch(self, widget: QWidget) -> None:
        """Mark the editor dirty whenever this widget changes."""
        signal = None
        if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit):
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
        self.service.update(self.record_id, **values)
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
            self.show_record(row)
        finally:
            self._loading = False
        self._saved_values = self.widget_values()
        self._set_dirty(False)
        self.revalidate()
        if self.duplicate_hint is not None:
            self.duplicate_hint.hide()

    def is_dirty(self) -> bool:
        return self._dirty

    def is_valid(self) -> bool:
        return self._valid

    def on_edited(self, *_args: object) -> None:
        if self._loading:
            return
        self._set_dirty(self.widget_values() != self._saved_values)
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
        problems = self.service.check(self.widget_values())
        self.show_problems(problems)
        valid = not any(not p.warning for p in problems)
        if valid != self._valid:
            self._valid = valid
            self.sig_valid_changed.emit(valid)
        return valid

    def show_problems(self, problems: list[FieldProblem]) -> None:
        by_field: dict[str, list[FieldProblem]] = {}
        for problem in problems:
            by_field.setdefault(problem.field, []).append(problem)
        for name, label in self._problem_labels.items():
            found = by_field.get(name, [])
            label.setText("\n".join(p.message for p in found))
            theme.set_tone(label, "warning" if found and all(p.warning for p in found)
                           else "danger")
            label.setVisible(bool(found))

    def save(self) -> bool:
        """Create or update through the service; problems are shown, nothing half-saved."""
        values = self.widget_values()
        try:
            self.record_id = self.write(values)
            self.after_save(self.record_id)
        except ValidationError as error:
            self.show_problems(error.problems)
            return False
        except Exception as error:  # shown calmly; the typed text stays in the widgets
            if not isinstance(error, PartnerDeskError):
                log.exception("Saving a %s failed", self.record_type or "record")
            show_error(self, error)
            return False
        self._saved_values = self.widget_values()
        self._set_dirty(False)
        self.sig_saved.emit(self.record_id)
        return True

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
