"""The event editor: what, when (in which time zone) and where; who hosted it and which
partnerships it serves; the resources used and how many people it reached; follow-ups.

Attendance is counts only, by categories the organization names itself: there is no
place for the names of the people who came. Everything is kept in memory until Save,
then saved with the event in one step (`desk.events.save`), which keeps the rules (one
count per category, one line per organization, a follow-up's partnership).
"""

from datetime import datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTabWidget,
    QWidget,
)

from partnerdesk.db import vocabulary as v
from partnerdesk.services import Desk
from partnerdesk.services.validation import MAX_COUNT
from partnerdesk.ui.editors.children import (
    ChildSection,
    Column,
    EditorWithChildren,
    Row,
    child_problems,
    format_date,
    page,
)
from partnerdesk.ui.editors.fields import Names, field_getter, text_area
from partnerdesk.ui.widgets.choices import ChoiceCombo
from partnerdesk.ui.widgets.dates import DateEdit, OptionalTimeEdit, TimeEdit, combine
from partnerdesk.ui.widgets.pickers import RecordPicker, contact_labels

ACTION_FIELDS = ("description", "owner_contact_id", "due_date", "done", "done_date")


def time_zone_names() -> list[str]:
    """Every IANA zone this computer knows, the usual "Area/City" ones first."""
    from zoneinfo import available_timezones

    names = available_timezones()
    cities = sorted(n for n in names if "/" in n and not n.startswith(("Etc/", "SystemV/")))
    return cities + sorted(n for n in names if n not in cities)


class TimeZoneCombo(QComboBox):
    """An IANA time zone, chosen from the list or typed (with completion)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        # as wide as "America/New_York", not as the longest of 400 names (which made the
        # page wider than the editor's pane)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(18)
        self.addItems(time_zone_names())
        completer = QCompleter(QStringListModel(time_zone_names(), self), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompleter(completer)

    def value(self) -> str:
        return self.currentText().strip()

    def set_value(self, name: str) -> None:
        index = self.findText(name)
        if index >= 0:
            self.setCurrentIndex(index)
        else:
            self.setEditText(name)


class EventEditor(EditorWithChildren):
    record_type = "event"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.names = Names(desk)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.layout().addWidget(self.tabs)

        # -- details -----------------------------------------------------------------
        self.title = self.add_field("title", self.tr("&Title:"), QLineEdit())
        self.title.setPlaceholderText(self.tr("e.g. Spring health fair"))
        self.kind = self.add_field("kind", self.tr("&Kind:"), ChoiceCombo(v.EVENT_KINDS))
        self.day = DateEdit(optional=False)
        self.day.setAccessibleName(self.tr("Date"))
        self.starts = TimeEdit()  # Tab leaves it (Qt's own walks hours, then minutes)
        self.starts.setAccessibleName(self.tr("Starts at"))
        when = QWidget()
        when_row = QHBoxLayout(when)
        when_row.setContentsMargins(0, 0, 0, 0)
        when_row.addWidget(self.day, 2)
        when_row.addWidget(QLabel(self.tr("at")))
        when_row.addWidget(self.starts, 1)
        when_row.addStretch(1)
        self.add_field("starts_at", self.tr("&Date and time:"), when)
        self.watch(self.day)
        self.watch(self.starts)
        self.ends = self.add_field("ends_at", self.tr("&Ends at:"), OptionalTimeEdit(),
                                   tooltip=self.tr("The time it ends, on the same day."))
        self.time_zone = self.add_field(
            "time_zone", self.tr("Time &zone:"), TimeZoneCombo(),
            tooltip=self.tr("Where the event happens: calendars elsewhere show it at the "
                            "right hour."))
        self.time_zone.editTextChanged.connect(self.on_edited)
        self.place = self.add_field("place", self.tr("&Place:"), QLineEdit())
        self.place.setPlaceholderText(self.tr("e.g. St. Brigid's parish hall"))
        details_form = self.take_form()

        self.partnerships = self.child_model([
            Column("partnership_id", self.tr("Partnership"), "label",
                   display=lambda row: self.names.of("partnership", row["partnership_id"])),
        ])
        self.partnerships_section = self.child_section("partnerships", ChildSection(
            self.tr("Partnerships it serves"), self.partnerships,
            add_label=self.tr("Add &partnership"),
            empty_text=self.tr("No partnership yet.")))
        self.partnership = self.partnerships_section.add_input(
            RecordPicker(desk, "partnership", placeholder=self.tr("Type to find the "
                                                                   "partnership…")),
            self.tr("Partnership"), 1)
        self.partnership.sig_picked.connect(lambda picked: picked and self.add_partnership())
        self.partnerships_section.add_button.clicked.connect(self.add_partnership)

        self.organizations = self.child_model([
            Column("organization_id", self.tr("Organization"), "label",
                   display=lambda row: self.names.of("organization", row["organization_id"])),
            Column("role", self.tr("Role"), "label",
                   display=lambda row: self.tr(v.label(v.EVENT_ROLES, row.get("role", "")))),
        ])
        self.organizations_section = self.child_section("organizations", ChildSection(
            self.tr("Hosts and partners"), self.organizations,
            add_label=self.tr("Add &organization"),
            empty_text=self.tr("No organization listed yet.")))
        self.organization = self.organizations_section.add_input(
            RecordPicker(desk, "organization", placeholder=self.tr("Organization…")),
            self.tr("Organization"), 2)
        self.organization_role = self.organizations_section.add_input(
            ChoiceCombo(v.EVENT_ROLES), self.tr("Its role"), 1)
        self.organizations_section.add_button.clicked.connect(self.add_organization)
        self.tabs.addTab(page(details_form, self.partnerships_section,
                              self.organizations_section), self.tr("Details"))

        # -- what happened -------------------------------------------------------------
        reach_form = QFormLayout()
        self.description = self.add_field("description", self.tr("&What happens:"),
                                          text_area(3), form=reach_form)
        self.people_reached = QSpinBox()
        self.people_reached.setRange(-1, MAX_COUNT)
        self.people_reached.setSpecialValueText(self.tr("Not counted yet"))
        self.people_reached.setGroupSeparatorShown(True)
        self.add_field("people_reached", self.tr("People &reached:"), self.people_reached,
                       form=reach_form, tooltip=self.tr(
                           "How many people the event reached in all: a number, no names."))
        self.attendance = self.child_model([
            Column("category", self.tr("Who"), "label"),
            Column("count", self.tr("How many"), "int"),
        ])
        self.attendance_section = self.child_section("attendance", ChildSection(
            self.tr("People reached, by category (numbers only, never names)"),
            self.attendance, add_label=self.tr("Add &count"),
            empty_text=self.tr("No counts yet.")))
        self.attendance_category = self.attendance_section.add_input(
            QComboBox(), self.tr("Who, e.g. Adults"), 2)
        self.attendance_category.setEditable(True)
        self.attendance_category.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.attendance_count = self.attendance_section.add_input(
            QSpinBox(), self.tr("How many"), 1)
        self.attendance_count.setRange(0, MAX_COUNT)
        self.attendance_count.setGroupSeparatorShown(True)
        self.attendance_section.add_button.clicked.connect(self.add_count)

        self.resources = self.child_model([
            Column("resource_id", self.tr("Resource"), "label",
                   display=lambda row: self.names.of("resource", row["resource_id"])),
            Column("note", self.tr("How much of it")),
        ])
        self.resources_section = self.child_section("resources", ChildSection(
            self.tr("Resources used (from the resource map)"), self.resources,
            add_label=self.tr("Add &resource"), empty_text=self.tr("No resources listed.")))
        self.resource = self.resources_section.add_input(
            RecordPicker(desk, "resource", placeholder=self.tr("Type to find a resource…")),
            self.tr("Resource"), 2)
        self.resource_note = self.resources_section.add_input(
            QLineEdit(), self.tr("How much, e.g. both vans"), 1)
        self.resources_section.add_button.clicked.connect(self.add_resource)
        notes_form = QFormLayout()
        self.notes = self.add_field("notes", self.tr("N&otes:"), text_area(3), form=notes_form)
        self.internal_notes = self.add_field(
            "internal_notes", self.tr("&Internal notes:"), text_area(2), form=notes_form,
            tooltip=self.tr("Kept out of reports and exports sent to partners."))
        self.tabs.addTab(page(reach_form, self.attendance_section, self.resources_section,
                              notes_form), self.tr("Reach and resources"))

        # -- follow-up -----------------------------------------------------------------
        self.actions = self.child_model([
            Column("done", self.tr("Done"), "bool"),
            Column("description", self.tr("What")),
            Column("owner_contact_id", self.tr("Who"), "label",
                   display=lambda row: self.names.of("contact", row.get("owner_contact_id"))),
            Column("due_date", self.tr("By"), "date"),
            Column("done_date", self.tr("Done on"), "label",
                   display=lambda row: format_date(row.get("done_date"))),
        ])
        self.actions_section = self.child_section("action_items", ChildSection(
            self.tr("Follow-up action items"), self.actions,
            add_label=self.tr("Add action ite&m"), empty_text=self.tr("No follow-ups yet.")))
        self.action_what = self.actions_section.add_input(
            QLineEdit(), self.tr("What is to be done"), 3)
        self.action_owner = self.actions_section.add_input(
            RecordPicker(desk, "contact", labeller=contact_labels,
                         placeholder=self.tr("Who will do it…")), self.tr("Owner"), 2)
        self.action_due = self.actions_section.add_input(
            DateEdit(), self.tr("Due date"), 1)
        self.action_what.returnPressed.connect(self.add_action)
        self.actions_section.add_button.clicked.connect(self.add_action)
        self.actions_page = page(self.actions_section)
        self.tabs.addTab(self.actions_page, self.tr("Follow-up"))

    # -- the RecordEditor contract ----------------------------------------------------
    def widget_values(self) -> dict[str, Any]:
        starts = self.starts.time()
        reached = self.people_reached.value()
        return {
            "title": self.title.text(),
            "kind": self.kind.value(),
            "starts_at": combine(self.day.value(), time(starts.hour(), starts.minute())),
            "ends_at": combine(self.day.value(), self.ends.value()),
            "time_zone": self.time_zone.value(),
            "place": self.place.text(),
            "description": self.description.toPlainText(),
            "people_reached": None if reached < 0 else reached,
            "notes": self.notes.toPlainText(),
            "internal_notes": self.internal_notes.toPlainText(),
        }

    def show_record(self, row: Any | None) -> None:
        get = field_getter(self.service, row)
        if row is None:
            # A new event: tomorrow at ten, in this computer's time zone.
            starts = datetime.combine(datetime.now().date() + timedelta(days=1), time(10))
            ends = None
        else:
            starts, ends = row.starts_at, row.ends_at
        self.title.setText(get("title") or "")
        self.kind.set_value(get("kind") or "community_event")
        self.day.set_value(starts.date())
        self.starts.setTime(self.starts.time().fromString(f"{starts:%H:%M}", "HH:mm"))
        self.ends.set_value(ends.time() if ends else None)
        self.time_zone.set_value(get("time_zone") or "")
        self.place.setText(get("place") or "")
        self.description.setPlainText(get("description") or "")
        reached = get("people_reached")
        self.people_reached.setValue(-1 if reached is None else reached)
        self.notes.setPlainText(get("notes") or "")
        self.internal_notes.setPlainText(get("internal_notes") or "")
        self.attendance_category.clear()
        self.attendance_category.addItems(self.desk.events.attendance_categories())
        self.attendance_category.setEditText("")
        self._load_children(row.id if row is not None else None)
        for section in self.sections.values():
            section.show_problem("")

    def _load_children(self, event_id: str | None) -> None:
        def rows(service: Any, *fields: str) -> list[Row]:
            if not event_id:
                return []
            return [{"id": child.id, "_rev": child.rev,
                     **{f: getattr(child, f) for f in fields}}
                    for child in service.list(where={"event_id": event_id},
                                              order_by="created_at")]

        self.partnerships.set_rows(rows(self.desk.event_partnerships, "partnership_id"))
        self.organizations.set_rows(rows(self.desk.event_organizations, "organization_id",
                                         "role"))
        self.attendance.set_rows(rows(self.desk.event_attendance, "category", "count"))
        self.resources.set_rows(rows(self.desk.event_resources, "resource_id", "note"))
        self.actions.set_rows(rows(self.desk.action_items, *ACTION_FIELDS))

    def write(self, values: dict[str, Any]) -> str:
        saved = self.desk.events.save(
            values, self.record_id, organizations=self.organizations.pending(),
            partnerships=self.partnerships.pending(), resources=self.resources.pending(),
            attendance=self.attendance.pending(), action_items=self.actions.pending(),
            rev=self._opened_rev)
        return saved.id

    def after_save(self, record_id: str) -> None:
        self._load_children(record_id)

    # -- child rows ------------------------------------------------------------------
    def add_partnership(self) -> None:
        picked = self.partnership.value()
        if not picked:
            self.partnerships_section.show_problem(
                self.tr("Type part of the partnership's title and pick it from the list."))
            return
        if any(row["partnership_id"] == picked for row in self.partnerships.rows()):
            self.partnerships_section.show_problem(self.tr("It is already listed."))
        else:
            self.names.remember("partnership", picked, self.partnership.label())
            self.partnerships.add_row({"partnership_id": picked})
            self.partnerships_section.show_problem("")
        self.partnership.set_value(None)

    def add_organization(self) -> None:
        picked = self.organization.value()
        if not picked:
            self.organizations_section.show_problem(
                self.tr("Type part of the organization's name and pick it from the list."))
            return
        if any(row["organization_id"] == picked for row in self.organizations.rows()):
            self.organizations_section.show_problem(self.tr("{name} is already listed.")
                                                    .format(name=self.organization.label()))
        else:
            self.names.remember("organization", picked, self.organization.label())
            self.organizations.add_row({"organization_id": picked,
                                        "role": self.organization_role.value()})
            self.organizations_section.show_problem("")
        self.organization.set_value(None)

    def add_count(self) -> None:
        category = " ".join(self.attendance_category.currentText().split())
        values = {"category": category, "count": self.attendance_count.value()}
        problems = child_problems(self.desk.event_attendance, values, ["event_id"])
        if problems:
            self.attendance_section.show_problem(problems[0])
            return
        if any(row["category"].casefold() == category.casefold()
               for row in self.attendance.rows()):
            self.attendance_section.show_problem(self.tr(
                "“{category}” is already counted; change that number instead.").format(
                category=category))
            return
        self.attendance.add_row(values)
        self.attendance_section.show_problem("")
        self.attendance_category.setEditText("")
        self.attendance_count.setValue(0)

    def add_resource(self) -> None:
        picked = self.resource.value()
        if not picked:
            self.resources_section.show_problem(
                self.tr("Type part of the resource's name and pick it from the list."))
            return
        if any(row["resource_id"] == picked for row in self.resources.rows()):
            self.resources_section.show_problem(self.tr("It is already listed."))
        else:
            self.names.remember("resource", picked, self.resource.label())
            self.resources.add_row({"resource_id": picked,
                                    "note": self.resource_note.text().strip()})
            self.resources_section.show_problem("")
            self.resource_note.clear()
        self.resource.set_value(None)

    def add_action(self) -> None:
        owner = self.action_owner.value()
        values = {"description": self.action_what.text().strip(), "owner_contact_id": owner,
                  "due_date": self.action_due.value(), "done": False, "done_date": None}
        problems = child_problems(self.desk.action_items, values, [])
        if problems:
            self.actions_section.show_problem(problems[0])
            return
        self.names.remember("contact", owner, self.action_owner.label().split(" — ")[0])
        self.actions.add_row(values)
        self.actions_section.show_problem("")
        self.action_what.clear()
        self.action_owner.set_value(None)
        self.action_due.set_value(None)


if __name__ == "__main__":
    from partnerdesk.ui.editors.preview import preview

    preview(EventEditor, "event")
