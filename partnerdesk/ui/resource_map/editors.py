"""Editors for resources and community needs, and a dialog that hosts any editor."""

from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.db import vocabulary as v
from partnerdesk.services import Desk
from partnerdesk.ui.editor_base import RecordEditor
from partnerdesk.ui.editors.fields import text_area
from partnerdesk.ui.widgets.choices import ChoiceCombo
from partnerdesk.ui.widgets.dates import DateEdit, show_date
from partnerdesk.ui.widgets.pickers import RecordPicker
from partnerdesk.ui.widgets.related_list import RelatedList


def category_combo(desk: Desk) -> QComboBox:
    """The categories by name, after "Choose a category…": a new record is not filed under
    whichever category sorts first."""
    combo = QComboBox()
    combo.addItem(QCoreApplication.translate("ResourceEditor", "Choose a category…"), None)
    for row in desk.categories.list(order_by="name"):
        combo.addItem(row.name, row.id)
    return combo


def set_combo_data(combo: QComboBox, value: str | None) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(index if index >= 0 else 0)


def number_edit(placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setValidator(QIntValidator(0, 1_000_000_000, edit))
    edit.setPlaceholderText(placeholder)
    return edit


def number_value(edit: QLineEdit) -> int | None:
    text = edit.text().strip().replace(",", "")
    return int(text) if text.isdigit() else None


class ResourceEditor(RecordEditor):
    """What an organization offers: category, capacity, schedule, who may use it, where."""

    record_type = "resource"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.name = self.add_field("name", self.tr("&Name:"), QLineEdit())
        self.organization = RecordPicker(desk, "organization",
                                         placeholder=self.tr("Type to find the organization"))
        self.add_field("organization_id", self.tr("Offered &by:"), self.organization)
        self.organization.sig_picked.connect(self.on_edited)
        self.category = self.add_field("category_id", self.tr("&Category:"),
                                       category_combo(desk))
        self.capacity = self.add_field("capacity", self.tr("C&apacity:"),
                                       number_edit(self.tr("How many (leave empty if unknown)")))
        self.unit = self.add_field("capacity_unit", self.tr("Capacity &unit:"), QLineEdit())
        self.unit.setPlaceholderText(self.tr("e.g. households a month"))
        self.schedule = self.add_field("schedule", self.tr("&Schedule:"), QLineEdit())
        self.eligibility = self.add_field("eligibility", self.tr("&Eligibility:"), QLineEdit())
        self.area = self.add_field("service_area", self.tr("Service a&rea:"), QLineEdit())
        self.area.setPlaceholderText(self.tr("e.g. East side, or County (empty means anywhere)"))
        verified_row = QWidget()
        row = QHBoxLayout(verified_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.verified = DateEdit()
        self.verified.setAccessibleName(self.tr("Last verified"))
        self.watch(self.verified)
        today = QPushButton(self.tr("Verified today"))
        today.clicked.connect(lambda: self.verified.set_value(date.today()))
        row.addWidget(self.verified, 1)
        row.addWidget(today)
        self.add_field("last_verified", self.tr("Last &verified:"), verified_row)
        self.description = self.add_field("description", self.tr("&Description:"), text_area(3))
        self.notes = self.add_field("notes", self.tr("N&otes:"), text_area(2))
        # where it was used: the community events that list it (not a field: read only)
        self.used_at = RelatedList(self.tr("Not used at an event yet."))
        self.used_at.setAccessibleName(self.tr("Used at events"))
        self.used_at.setMaximumHeight(120)
        self.used_at.sig_open_record.connect(self.sig_open_record)
        self.form.addRow(self.tr("Used at:"), self.used_at)

    def widget_values(self) -> dict[str, Any]:
        return {
            "name": self.name.text(), "organization_id": self.organization.value(),
            "category_id": self.category.currentData(), "capacity": number_value(self.capacity),
            "capacity_unit": self.unit.text(), "schedule": self.schedule.text(),
            "eligibility": self.eligibility.text(), "service_area": self.area.text(),
            "last_verified": self.verified.value(),
            "description": self.description.toPlainText(), "notes": self.notes.toPlainText(),
        }

    def show_record(self, row: Any | None) -> None:
        self.name.setText(row.name if row else "")
        self.organization.set_value(row.organization_id if row else None)
        set_combo_data(self.category, row.category_id if row else None)
        self.capacity.setText("" if row is None or row.capacity is None else str(row.capacity))
        self.unit.setText(row.capacity_unit if row else "")
        self.schedule.setText(row.schedule if row else "")
        self.eligibility.setText(row.eligibility if row else "")
        self.area.setText(row.service_area if row else "")
        self.verified.set_value(row.last_verified if row else date.today())
        self.description.setPlainText(row.description if row else "")
        self.notes.setPlainText(row.notes if row else "")
        uses = self.desk.events.uses_of_resource(row.id) if row else []
        self.used_at.set_items([(f"{show_date(use.starts_at.date())} — {use.title}"
                                 + (f" ({use.note})" if use.note else ""), "event", use.event_id)
                                for use in uses])


class NeedEditor(RecordEditor):
    """A community need: what, which category, how urgent, where, how much is needed."""

    record_type = "need"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.title = self.add_field("title", self.tr("&Need:"), QLineEdit())
        self.title.setPlaceholderText(self.tr("e.g. Rides to dialysis appointments"))
        self.category = self.add_field("category_id", self.tr("&Category:"),
                                       category_combo(desk))
        self.priority = self.add_field("priority", self.tr("&Priority:"),
                                       ChoiceCombo(v.NEED_PRIORITIES))
        self.area = self.add_field("area", self.tr("&Area:"), QLineEdit())
        self.area.setPlaceholderText(self.tr("e.g. East side, or County (empty means anywhere)"))
        self.needed = self.add_field(
            "needed_capacity", self.tr("Needed &capacity:"),
            number_edit(self.tr("How many are needed (leave empty if unknown)")))
        self.source = self.add_field("source", self.tr("&Source:"), QLineEdit())
        self.source.setPlaceholderText(self.tr("e.g. Community Health Needs Assessment 2025"))
        self.description = self.add_field("description", self.tr("&Description:"), text_area(3))
        self.notes = self.add_field("notes", self.tr("N&otes:"), text_area(2))

    def widget_values(self) -> dict[str, Any]:
        return {
            "title": self.title.text(), "category_id": self.category.currentData(),
            "priority": self.priority.value(), "area": self.area.text(),
            "needed_capacity": number_value(self.needed), "source": self.source.text(),
            "description": self.description.toPlainText(), "notes": self.notes.toPlainText(),
        }

    def show_record(self, row: Any | None) -> None:
        self.title.setText(row.title if row else "")
        set_combo_data(self.category, row.category_id if row else None)
        self.priority.set_value(row.priority if row else "medium")
        self.area.setText(row.area if row else "")
        self.needed.setText("" if row is None or row.needed_capacity is None
                            else str(row.needed_capacity))
        self.source.setText(row.source if row else "")
        self.description.setPlainText(row.description if row else "")
        self.notes.setPlainText(row.notes if row else "")


class EditorDialog(QDialog):
    """An editor with Save and Cancel; Save is enabled only when the values are valid."""

    def __init__(self, editor: RecordEditor, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.setWindowTitle(title)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(editor)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(editor.is_valid())
        editor.sig_valid_changed.connect(self.save_button.setEnabled)
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(self.buttons)
        self.resize(520, 560)
        editor.focus_first_field()  # typing starts in the first field, not on a button

    def _save(self) -> None:
        if self.editor.revalidate() and self.editor.save():
            self.accept()

    def reject(self) -> None:
        if self.editor.maybe_save():
            super().reject()

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.reject()
            return
        super().keyPressEvent(event)
