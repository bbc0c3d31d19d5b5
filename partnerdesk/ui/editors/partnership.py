"""The partnership editor: details and partners, goals, milestones, indicators.

Partners, milestones, indicators and measurements are child records kept in memory
until Save (see `children.py`), then saved with the partnership in one step
(`desk.partnerships.save`). The rules about them are the service's: ticking a
milestone done records the day it was done, and removing an indicator removes its
measurements. A new indicator is sent with the key it was given here as its id, so its
new measurements can name it.
"""

import uuid
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import (
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QTabWidget,
    QWidget,
)

from partnerdesk.db import vocabulary as v
from partnerdesk.services import Desk
from partnerdesk.services.reviews import next_review_on
from partnerdesk.ui.editors.children import (
    ChildSection,
    Column,
    EditorWithChildren,
    Row,
    child_problems,
    due_column,
    format_date,
    page,
)
from partnerdesk.ui.editors.fields import Names, field_getter, text_area
from partnerdesk.ui.widgets.chart import ChartWidget, Series, format_number
from partnerdesk.ui.widgets.choices import ChoiceCombo
from partnerdesk.ui.widgets.dates import DateEdit
from partnerdesk.ui.widgets.pickers import RecordPicker, contact_labels
from partnerdesk.ui.widgets.tag_edit import TagEdit


class _OneIndicator(QSortFilterProxyModel):
    """Shows the measurements of the indicator picked above them."""

    key: str | None = None

    def filterAcceptsRow(self, row: int,  # noqa: N802
                         parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        return self.key is not None and model.row(row).get("_indicator") == self.key  # type: ignore[attr-defined]


def _number(text: str) -> float | None:
    text = text.strip().replace(",", "")
    return float(text) if text else None


class PartnershipEditor(EditorWithChildren):
    record_type = "partnership"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.names = Names(desk)
        tabs = QTabWidget()
        tabs.setDocumentMode(True)
        self.tabs = tabs
        self.layout().addWidget(tabs)

        # -- details ---------------------------------------------------------------
        self.title = self.add_field("title", self.tr("&Title:"), QLineEdit())
        self.kind = self.add_field("kind", self.tr("&Kind:"), ChoiceCombo(v.PARTNERSHIP_KINDS))
        self.status = self.add_field("status", self.tr("&Status:"),
                                     ChoiceCombo(v.PARTNERSHIP_STATUSES))
        self.our_lead = RecordPicker(desk, "contact", labeller=contact_labels,
                                     placeholder=self.tr("Type a name to search our people…"))
        self.add_field("our_lead_contact_id", self.tr("Our &lead:"), self.our_lead,
                       tooltip=self.tr("The person on our side who leads this partnership."))
        self.our_lead.sig_picked.connect(self.on_edited)
        self.start_date = self.add_field("start_date", self.tr("Sta&rted:"), DateEdit())
        self.review_every = QSpinBox()
        self.review_every.setRange(0, 60)
        self.review_every.setSpecialValueText(self.tr("No regular review"))
        self.review_every.setSuffix(self.tr(" months"))
        self.add_field("review_every_months", self.tr("Re&view every:"), self.review_every,
                       tooltip=self.tr("How often the partners sit down to review how it goes."))
        self.next_review = self.add_field("next_review_date", self.tr("&Next review:"),
                                          DateEdit())
        self._worked_out_review: date | None = None  # the date filled in from the cadence
        self.review_every.valueChanged.connect(self._work_out_next_review)
        self.start_date.sig_changed.connect(self._work_out_next_review)
        self.tags = self.add_field("tags", self.tr("T&ags:"), TagEdit(
            lambda: [t.name for t in desk.tags.list()]))
        details_form = self.take_form()

        self.members = self.child_model([
            Column("organization_id", self.tr("Partner organization"), "label",
                   display=lambda row: self.names.of("organization", row["organization_id"])),
            Column("lead_contact_id", self.tr("Their lead"), "label",
                   display=lambda row: self.names.of("contact", row.get("lead_contact_id"))),
            Column("role", self.tr("Role in the partnership")),
        ])
        self.members_section = self.child_section("members", ChildSection(
            self.tr("Partners"), self.members, add_label=self.tr("Add &partner"),
            empty_text=self.tr("No partner organizations yet.")))
        self.member_org = self.members_section.add_input(
            RecordPicker(desk, "organization", placeholder=self.tr("Organization…")),
            self.tr("Partner organization"), 2)
        self.member_lead = self.members_section.add_input(
            RecordPicker(desk, "contact", labeller=contact_labels,
                         placeholder=self.tr("Their lead contact…")),
            self.tr("Their lead contact"), 2)
        self.member_role = self.members_section.add_input(
            QLineEdit(), self.tr("Role, e.g. referral partner"), 1)
        self.member_org.sig_picked.connect(self._member_org_picked)
        self.members_section.add_button.clicked.connect(self.add_member)
        tabs.addTab(page(details_form, self.members_section), self.tr("Details"))

        # -- goals and notes -------------------------------------------------------
        goals_form = QFormLayout()
        self.goals = self.add_field("goals", self.tr("&Goals:"), text_area(), form=goals_form)
        self.shared_vision = self.add_field("shared_vision", self.tr("Shared &vision:"),
                                            text_area(), form=goals_form)
        self.notes = self.add_field("notes", self.tr("N&otes:"), text_area(), form=goals_form)
        self.internal_notes = self.add_field(
            "internal_notes", self.tr("&Internal notes:"), text_area(), form=goals_form,
            tooltip=self.tr("Kept out of reports and exports sent to partners."))
        tabs.addTab(page(goals_form), self.tr("Goals and notes"))

        # -- milestones ------------------------------------------------------------
        self.milestones = self.child_model([
            Column("done", self.tr("Done"), "bool"),
            Column("title", self.tr("Milestone")),
            due_column(self.tr("Due")),
            Column("done_date", self.tr("Done on"), "label",
                   display=lambda row: format_date(row.get("done_date"))),
        ])
        self.milestones_section = self.child_section("milestones", ChildSection(
            self.tr("Milestones"), self.milestones, add_label=self.tr("Add &milestone"),
            empty_text=self.tr("No milestones yet. Add the first step you agreed on.")))
        self.milestone_title = self.milestones_section.add_input(
            QLineEdit(), self.tr("What is to be reached"), 3)
        self.milestone_due = self.milestones_section.add_input(
            DateEdit(), self.tr("Due date"), 1)
        self.milestone_title.returnPressed.connect(self.add_milestone)
        self.milestones_section.add_button.clicked.connect(self.add_milestone)
        tabs.addTab(page(self.milestones_section), self.tr("Milestones"))

        # -- indicators ------------------------------------------------------------
        self.indicators = self.child_model([
            Column("name", self.tr("Indicator")),
            Column("unit", self.tr("Unit")),
            Column("target", self.tr("Target"), "number"),
            Column("_latest", self.tr("Latest"), "label", display=self._latest_text),
        ])
        self.indicators_section = self.child_section("indicators", ChildSection(
            self.tr("Indicators"), self.indicators, add_label=self.tr("Add &indicator"),
            empty_text=self.tr("No indicators yet: what will show the partnership works?")))
        self.indicator_name = self.indicators_section.add_input(
            QLineEdit(), self.tr("Indicator name"), 3)
        self.indicator_unit = self.indicators_section.add_input(
            QLineEdit(), self.tr("Unit, e.g. referrals"), 1)
        self.indicator_target = QLineEdit()
        self.indicator_target.setValidator(QDoubleValidator())
        self.indicators_section.add_input(self.indicator_target, self.tr("Target"), 1)
        self.indicators_section.add_button.clicked.connect(self.add_indicator)
        self.indicators_section.table.selectionModel().selectionChanged.connect(
            self._indicator_selected)
        self.indicators.rowsRemoved.connect(self._indicator_removed)

        self.measurements = self.child_model([
            Column("measured_on", self.tr("Date"), "date"),
            Column("value", self.tr("Value"), "number"),
            Column("note", self.tr("Note")),
        ])
        self.measurement_filter = _OneIndicator(self)
        self.measurement_filter.setSourceModel(self.measurements)
        self.measurements_section = self.child_section("measurements", ChildSection(
            self.tr("Measurements of the selected indicator"), self.measurements,
            add_label=self.tr("Add m&easurement"), view_model=self.measurement_filter,
            empty_text=self.tr("Select an indicator above to see and add its measurements.")))
        self.measurement_date = self.measurements_section.add_input(
            DateEdit(optional=False), self.tr("Date measured"), 1)
        self.measurement_value = QLineEdit()
        self.measurement_value.setValidator(QDoubleValidator())
        self.measurements_section.add_input(self.measurement_value, self.tr("Value"), 1)
        self.measurement_note = self.measurements_section.add_input(
            QLineEdit(), self.tr("Note (optional)"), 2)
        self.measurements_section.add_button.clicked.connect(self.add_measurement)
        self.measurements.sig_changed.connect(self._refresh_chart)
        self.indicators.sig_changed.connect(self._refresh_chart)
        self.chart = ChartWidget()
        self.chart.setAccessibleName(self.tr("Measurements against the target"))
        self.chart.setMinimumHeight(170)
        tabs.addTab(page(self.indicators_section, self.measurements_section, self.chart),
                    self.tr("Indicators"))
        self._set_measurement_inputs_enabled(False)

        from partnerdesk.ui.review_editor import ReviewsPanel

        self.reviews_panel = ReviewsPanel(desk, None)
        self.reviews_panel.sig_changed.connect(self._review_recorded)
        tabs.addTab(self.reviews_panel, self.tr("Health reviews"))

    def _review_recorded(self) -> None:
        """A review moves the next review date and adds action items: show them."""
        if self.record_id and not self.is_dirty():
            self.load(self.record_id)

    # -- the RecordEditor contract ----------------------------------------------------
    def widget_values(self) -> dict[str, Any]:
        return {
            "title": self.title.text(),
            "kind": self.kind.value(),
            "status": self.status.value(),
            "our_lead_contact_id": self.our_lead.value(),
            "start_date": self.start_date.value(),
            "review_every_months": self.review_every.value() or None,
            "next_review_date": self.next_review.value(),
            "tags": self.tags.value(),
            "goals": self.goals.toPlainText(),
            "shared_vision": self.shared_vision.toPlainText(),
            "notes": self.notes.toPlainText(),
            "internal_notes": self.internal_notes.toPlainText(),
        }

    def show_record(self, row: Any | None) -> None:
        get = field_getter(self.service, row)
        self.title.setText(get("title") or "")
        self.kind.set_value(get("kind"))
        self.status.set_value(get("status"))
        self.our_lead.set_value(get("our_lead_contact_id"))
        self.start_date.set_value(get("start_date"))
        self.review_every.setValue(get("review_every_months") or 0)
        self.next_review.set_value(get("next_review_date"))
        self._worked_out_review = None
        self.tags.set_value(get("tags") or [])
        self.goals.setPlainText(get("goals") or "")
        self.shared_vision.setPlainText(get("shared_vision") or "")
        self.notes.setPlainText(get("notes") or "")
        self.internal_notes.setPlainText(get("internal_notes") or "")
        self._load_children(row.id if row is not None else None)
        self.reviews_panel.set_partnership(row.id if row is not None else None)
        for section in (self.members_section, self.milestones_section,
                        self.indicators_section, self.measurements_section):
            section.show_problem("")

    def _load_children(self, partnership_id: str | None) -> None:
        def rows(service: Any, where: dict[str, Any], fields: tuple[str, ...],
                 order_by: str | None = None) -> list[Row]:
            if partnership_id is None:
                return []
            return [{"id": r.id, "_rev": r.rev, **{f: getattr(r, f) for f in fields}}
                    for r in service.list(where=where, order_by=order_by)]

        where = {"partnership_id": partnership_id}
        self.members.set_rows(rows(self.desk.partnership_members, where,
                                   ("organization_id", "lead_contact_id", "role"), "created_at"))
        self.milestones.set_rows(rows(self.desk.milestones, where,
                                      ("title", "due_date", "done", "done_date"), "due_date"))
        indicators = rows(self.desk.indicators, where, ("name", "unit", "target"), "created_at")
        for indicator in indicators:
            indicator["_key"] = indicator["id"]
        measurements = rows(self.desk.measurements,
                            {"indicator_id": [i["id"] for i in indicators]},
                            ("indicator_id", "measured_on", "value", "note"), "measured_on")
        for measurement in measurements:
            measurement["_indicator"] = measurement["indicator_id"]
        self.measurements.set_rows(measurements)
        self.indicators.set_rows(indicators)
        self.measurement_filter.key = None
        self.measurement_filter.invalidate()
        if indicators:
            self.indicators_section.table.selectRow(0)
        self._indicator_selected()

    def write(self, values: dict[str, Any]) -> str:
        saved = self.desk.partnerships.save(
            values, self.record_id, members=self.members.pending(),
            milestones=self.milestones.pending(),
            indicators=self.indicators.pending(from_keys={"id": "_key"}),
            measurements=self.measurements.pending(from_keys={"indicator_id": "_indicator"}),
            rev=self._opened_rev)
        return saved.id

    def after_save(self, record_id: str) -> None:
        self.reviews_panel.set_partnership(record_id)
        selected = self._selected_indicator_key()  # a new one keeps its key as its id
        self._load_children(record_id)
        for position, indicator in enumerate(self.indicators.rows()):
            if indicator["_key"] == selected:
                self.indicators_section.table.selectRow(position)

    # -- partners ---------------------------------------------------------------------
    def _member_org_picked(self, organization_id: str | None) -> None:
        # Their lead is most likely someone from that organization.
        self.member_lead.where = {"organization_id": organization_id} \
            if organization_id else None

    def add_member(self) -> None:
        organization_id = self.member_org.value()
        if not organization_id:
            self.members_section.show_problem(
                self.tr("Choose the partner organization first (type part of its name)."))
            return
        if any(row["organization_id"] == organization_id for row in self.members.rows()):
            self.members_section.show_problem(
                self.tr("{name} is already a partner.").format(name=self.member_org.label()))
            return
        self.names.remember("organization", organization_id, self.member_org.label())
        lead = self.member_lead.value()
        self.names.remember("contact", lead, self.member_lead.label().split(" — ")[0])
        self.members.add_row({"organization_id": organization_id, "lead_contact_id": lead,
                              "role": self.member_role.text().strip()})
        self.members_section.show_problem("")
        self.member_org.set_value(None)
        self.member_lead.set_value(None)
        self.member_lead.where = None
        self.member_role.clear()

    def _work_out_next_review(self, *_args: object) -> None:
        """Fill in the next review from "every N months", where it is empty or was filled
        in this way: on screen, so the date saved is one the person saw."""
        if self._loading or self.next_review.problem():
            return
        shown = self.next_review.value()
        if shown is not None and shown != self._worked_out_review:
            return  # typed by the person: theirs
        latest = self.desk.reviews.latest(self.record_id) if self.record_id else None
        worked_out = next_review_on(
            self.review_every.value(), last_review=latest.reviewed_on if latest else None,
            started=self.start_date.value(), today=date.today())
        self._worked_out_review = worked_out
        self.next_review.set_value(worked_out)

    # -- milestones -------------------------------------------------------------------
    def add_milestone(self) -> None:
        if self.milestones_section.refuse_typed_date(self.milestone_due):
            return
        values = {"title": self.milestone_title.text().strip(),
                  "due_date": self.milestone_due.value(), "done": False, "done_date": None}
        problems = child_problems(self.desk.milestones, values, ["partnership_id"])
        if problems:
            self.milestones_section.show_problem(problems[0])
            return
        self.milestones.add_row(values)
        self.milestones_section.show_problem("")
        self.milestone_title.clear()
        self.milestone_due.set_value(None)

    # -- indicators and measurements ------------------------------------------------------
    def add_indicator(self) -> None:
        name = self.indicator_name.text().strip()
        if not name:
            self.indicators_section.show_problem(
                self.tr("Give the indicator a name, for example “Referrals completed”."))
            return
        try:
            target = _number(self.indicator_target.text())
        except ValueError:
            self.indicators_section.show_problem(self.tr("Write the target as a number."))
            return
        position = self.indicators.add_row({"name": name,
                                            "unit": self.indicator_unit.text().strip(),
                                            "target": target, "_key": str(uuid.uuid4())})
        self.indicators_section.show_problem("")
        self.indicator_name.clear()
        self.indicator_unit.clear()
        self.indicator_target.clear()
        self.indicators_section.table.selectRow(position)

    def _selected_indicator_key(self) -> str | None:
        positions = self.indicators_section.selected_positions()
        return self.indicators.row(positions[0])["_key"] if positions else None

    def _indicator_selected(self, *_args: object) -> None:
        key = self._selected_indicator_key()
        self.measurement_filter.key = key
        self.measurement_filter.invalidate()
        self._set_measurement_inputs_enabled(key is not None)
        self._refresh_chart()

    def _indicator_removed(self, *_args: object) -> None:
        keys = {row["_key"] for row in self.indicators.rows()}
        stale = [position for position, row in enumerate(self.measurements.rows())
                 if row["_indicator"] not in keys]
        self.measurements.remove_rows(stale)
        self._indicator_selected()

    def _set_measurement_inputs_enabled(self, enabled: bool) -> None:
        self.measurements_section.add_row_box.setEnabled(enabled)
        self.measurements_section.add_button.setEnabled(enabled)

    def add_measurement(self) -> None:
        key = self._selected_indicator_key()
        if key is None:
            self.measurements_section.show_problem(self.tr("Select an indicator first."))
            return
        try:
            value = _number(self.measurement_value.text())
        except ValueError:
            value = None
        if value is None:
            self.measurements_section.show_problem(
                self.tr("Write the measured value as a number."))
            return
        if self.measurements_section.refuse_typed_date(self.measurement_date):
            return
        indicator = next(row for row in self.indicators.rows() if row["_key"] == key)
        self.measurements.add_row({"indicator_id": indicator.get("id"), "_indicator": key,
                                   "measured_on": self.measurement_date.value(),
                                   "value": value, "note": self.measurement_note.text().strip()})
        self.measurement_filter.invalidate()
        self.measurements_section.show_problem("")
        self.measurement_value.clear()
        self.measurement_note.clear()

    def _measurements_of(self, key: str) -> list[Row]:
        return sorted((row for row in self.measurements.rows() if row["_indicator"] == key),
                      key=lambda row: row["measured_on"])

    def _latest_text(self, indicator: Row) -> str:
        found = self._measurements_of(indicator["_key"])
        if not found:
            return ""
        latest = found[-1]
        return f"{format_number(latest['value'])} ({format_date(latest['measured_on'])})"

    def _refresh_chart(self) -> None:
        key = self._selected_indicator_key()
        indicator = next((row for row in self.indicators.rows() if row["_key"] == key), None)
        if indicator is None:
            self.chart.show_lines([], empty_text=self.tr(
                "Select an indicator to see its measurements against the target."))
            return
        points = [(row["measured_on"], row["value"]) for row in self._measurements_of(key)]
        self.chart.show_lines([Series(indicator["name"], points)], target=indicator["target"],
                              unit=indicator.get("unit") or "",
                              empty_text=self.tr("No measurements of this indicator yet."))


if __name__ == "__main__":
    from partnerdesk.ui.editors.preview import preview

    preview(PartnershipEditor, "partnership")
