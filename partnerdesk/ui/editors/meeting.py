"""The meeting editor: when and where, who came, what was said and decided, who does what.

Carrying over action items: when a new meeting is given a partnership, a banner
offers the open action items of that partnership's previous meeting. They are
*moved*, not copied: on Save each one's `meeting_id` becomes the new meeting's, so
an item is never listed (or reminded about) twice, and its history still shows
where it started. Removing a carried item from the list before saving leaves it
with the earlier meeting.

The meeting, its attendees and its action items are saved together in one step
(`desk.meetings.save`), which keeps the rules about them (one link per attendee, an
item's partnership, moving carried-over items).
"""

from datetime import datetime, time, timedelta
from typing import Any

from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QWidget,
)

from partnerdesk.services import Desk
from partnerdesk.ui import theme
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
from partnerdesk.ui.editors.fields import Names, text_area
from partnerdesk.ui.widgets.dates import DateEdit, OptionalTimeEdit, TimeEdit, combine
from partnerdesk.ui.widgets.pickers import RecordPicker, contact_labels

ACTION_FIELDS = ("description", "owner_contact_id", "due_date", "done", "done_date")


class CarryOverBanner(QFrame):
    """'The last meeting left N action items open: carry them over?' (non-modal)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("carry_over_banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        theme.set_tone(self, "warning", fill=True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.carry_button = QPushButton(self.tr("&Carry them over"))
        self.carry_button.setToolTip(self.tr(
            "Move the open action items to this meeting when it is saved."))
        self.dismiss_button = QPushButton(self.tr("No, thanks"))
        row = QHBoxLayout(self)
        row.setContentsMargins(theme.MARGIN, theme.SPACING, theme.MARGIN, theme.SPACING)
        row.addWidget(self.message, 1)
        row.addWidget(self.carry_button)
        row.addWidget(self.dismiss_button)
        self.setVisible(False)


class MeetingEditor(EditorWithChildren):
    record_type = "meeting"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.names = Names(desk)
        self._offered: list[Any] = []  # open items of the previous meeting, as offered
        self._offered_for: str | None = None  # for which partnership
        self._offered_from: Any = None  # that previous meeting
        self.banner = CarryOverBanner()
        self.banner.carry_button.clicked.connect(self.carry_over)
        self.banner.dismiss_button.clicked.connect(lambda: self.banner.setVisible(False))
        self.layout().insertWidget(0, self.banner)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.layout().addWidget(self.tabs)

        # -- details -----------------------------------------------------------------
        self.title = self.add_field("title", self.tr("&Title:"), QLineEdit())
        self.day = DateEdit(optional=False)
        self.day.setAccessibleName(self.tr("Date"))
        self.starts = TimeEdit()
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
        self.day.sig_changed.connect(self._partnership_changed)
        self.ends = self.add_field("ends_at", self.tr("&Ends at:"), OptionalTimeEdit(),
                                   tooltip=self.tr("The time it ends, on the same day."))
        self.location = self.add_field("location", self.tr("&Location:"), QLineEdit())
        self.partnership = RecordPicker(desk, "partnership",
                                        placeholder=self.tr("Type to find the partnership…"))
        self.add_field("partnership_id", self.tr("&Partnership:"), self.partnership)
        self.partnership.sig_picked.connect(self.on_edited)
        self.partnership.sig_picked.connect(self._partnership_changed)
        details_form = self.take_form()

        self.attendees = self.child_model([
            Column("contact_id", self.tr("Attendee"), "label",
                   display=lambda row: self.names.of("contact", row["contact_id"])),
        ])
        self.attendees_section = self.child_section("attendees", ChildSection(
            self.tr("Attendees"), self.attendees, add_label=self.tr("Add atte&ndee"),
            empty_text=self.tr("Nobody listed yet.")))
        self.attendee = self.attendees_section.add_input(
            RecordPicker(desk, "contact", labeller=contact_labels,
                         placeholder=self.tr("Type a name to search contacts…")),
            self.tr("Attendee"), 1)
        self.attendee.sig_picked.connect(lambda picked: picked and self.add_attendee())
        self.attendees_section.add_button.clicked.connect(self.add_attendee)
        self.tabs.addTab(page(details_form, self.attendees_section), self.tr("Details"))

        # -- notes -------------------------------------------------------------------
        notes_form = QFormLayout()
        self.agenda = self.add_field("agenda", self.tr("A&genda:"), text_area(), form=notes_form)
        self.notes = self.add_field("notes", self.tr("N&otes:"), text_area(5), form=notes_form)
        self.decisions = self.add_field("decisions", self.tr("Decisio&ns:"), text_area(),
                                        form=notes_form)
        self.internal_notes = self.add_field(
            "internal_notes", self.tr("&Internal notes:"), text_area(3), form=notes_form,
            tooltip=self.tr("Kept out of reports and exports sent to partners."))
        self.tabs.addTab(page(notes_form), self.tr("Agenda and notes"))

        # -- action items ------------------------------------------------------------
        self.actions = self.child_model([
            Column("done", self.tr("Done"), "bool"),
            Column("description", self.tr("What")),
            Column("owner_contact_id", self.tr("Who"), "label",
                   display=lambda row: self.names.of("contact", row.get("owner_contact_id"))),
            due_column(self.tr("By")),
            Column("_from", self.tr("Note"), "label", display=self._action_note),
        ])
        self.actions_section = self.child_section("action_items", ChildSection(
            self.tr("Action items"), self.actions, add_label=self.tr("Add action ite&m"),
            empty_text=self.tr("No action items yet.")))
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
        self.tabs.addTab(self.actions_page, self.tr("Action items"))

    # -- the RecordEditor contract ----------------------------------------------------
    def widget_values(self) -> dict[str, Any]:
        starts = self.starts.time()
        starts_at = combine(self.day.value(), time(starts.hour(), starts.minute()))
        return {
            "title": self.title.text(),
            "starts_at": starts_at,
            "ends_at": combine(self.day.value(), self.ends.value()),
            "location": self.location.text(),
            "partnership_id": self.partnership.value(),
            "agenda": self.agenda.toPlainText(),
            "notes": self.notes.toPlainText(),
            "decisions": self.decisions.toPlainText(),
            "internal_notes": self.internal_notes.toPlainText(),
        }

    def show_record(self, row: Any | None) -> None:
        if row is None:
            # A new meeting: the next full hour today, the usual length unset.
            now = datetime.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
            starts, ends = now, None
        else:
            starts, ends = row.starts_at, row.ends_at
        self.title.setText(row.title if row else "")
        self.day.set_value(starts.date())
        self.starts.setTime(self.starts.time().fromString(f"{starts:%H:%M}", "HH:mm"))
        self.ends.set_value(ends.time() if ends else None)
        self.location.setText(row.location if row else "")
        self.partnership.set_value(row.partnership_id if row else None)
        self.agenda.setPlainText(row.agenda if row else "")
        self.notes.setPlainText(row.notes if row else "")
        self.decisions.setPlainText(row.decisions if row else "")
        self.internal_notes.setPlainText(row.internal_notes if row else "")
        self._load_children(row.id if row is not None else None)
        self._offered = []
        self.banner.setVisible(False)
        for section in (self.attendees_section, self.actions_section):
            section.show_problem("")

    def _load_children(self, meeting_id: str | None) -> None:
        attendees = self.desk.meeting_attendees.list(
            where={"meeting_id": meeting_id}, order_by="created_at") if meeting_id else []
        self.attendees.set_rows([{"id": a.id, "_rev": a.rev, "contact_id": a.contact_id}
                                for a in attendees])
        actions = self.desk.action_items.list(
            where={"meeting_id": meeting_id}, order_by="created_at") if meeting_id else []
        self.actions.set_rows([{"id": a.id, "_rev": a.rev,
                                **{f: getattr(a, f) for f in ACTION_FIELDS}}
                               for a in actions])

    def write(self, values: dict[str, Any]) -> str:
        # Carried-over items are changed rows of another meeting: the service moves them.
        saved = self.desk.meetings.save(values, self.record_id,
                                        attendees=self.attendees.pending(),
                                        action_items=self.actions.pending(),
                                        rev=self._opened_rev)
        return saved.id

    def after_save(self, record_id: str) -> None:
        self._offered = []
        self.banner.setVisible(False)
        self._load_children(record_id)

    # -- attendees and action items ---------------------------------------------------------
    def add_attendee(self) -> None:
        contact_id = self.attendee.value()
        if not contact_id:
            self.attendees_section.show_problem(
                self.tr("Type part of a name and pick the person from the list."))
            return
        if any(row["contact_id"] == contact_id for row in self.attendees.rows()):
            self.attendees_section.show_problem(self.tr("{name} is already listed.").format(
                name=self.attendee.label().split(" — ")[0]))
        else:
            self.names.remember("contact", contact_id, self.attendee.label().split(" — ")[0])
            self.attendees.add_row({"contact_id": contact_id})
            self.attendees_section.show_problem("")
        self.attendee.set_value(None)

    def add_action(self) -> None:
        if self.actions_section.refuse_typed_date(self.action_due):
            return
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

    def _action_note(self, row: Row) -> str:
        if row.get("_adopted"):
            return self.tr("Carried over from {title}").format(title=row.get("_from", ""))
        if row.get("done") and row.get("done_date"):
            return self.tr("Done on {day}").format(day=format_date(row["done_date"]))
        return ""

    # -- carrying over ------------------------------------------------------------------
    def previous_meeting(self, partnership_id: str) -> Any | None:
        """The partnership's latest meeting before this one's start (or the latest)."""
        starts = self.widget_values()["starts_at"] or datetime.max
        earlier = self.desk.meetings.list(where={"partnership_id": partnership_id},
                                          order_by="starts_at", descending=True, limit=20)
        for meeting in earlier:
            if meeting.id != self.record_id and meeting.starts_at <= starts:
                return meeting
        return None

    def _partnership_changed(self, *_args: object) -> None:
        if self._loading or self.record_id is not None:
            return
        carried = [position for position, row in enumerate(self.actions.rows())
                   if row.get("_adopted")]
        partnership_id = self.partnership.value()
        if carried and self._offered and partnership_id == self._offered_for:
            return  # already carried over from this partnership
        self.actions.remove_rows(carried)
        self._offered = []
        self.banner.setVisible(False)
        if not partnership_id:
            return
        previous = self.previous_meeting(partnership_id)
        if previous is None:
            return
        items = self.desk.action_items.list(where={"meeting_id": previous.id, "done": False},
                                            order_by="created_at")
        if not items:
            return
        self._offered, self._offered_for, self._offered_from = items, partnership_id, previous
        self.banner.message.setText(self.tr(
            "The previous meeting of this partnership, “{title}” on {day}, left {count} "
            "action item(s) open. Carry them over to this meeting?").format(
                title=previous.title, day=format_date(previous.starts_at.date()),
                count=len(items)))
        self.banner.carry_button.setEnabled(True)
        self.banner.setVisible(True)

    def carry_over(self) -> None:
        """Bring the offered items into this meeting's list; moved on Save."""
        present = {row.get("id") for row in self.actions.rows()}
        for item in self._offered:
            if item.id in present:
                continue
            self.names.remember("contact", item.owner_contact_id,
                                self.names.of("contact", item.owner_contact_id))
            values = {f: getattr(item, f) for f in ACTION_FIELDS}
            self.actions.adopt_row(
                item.id, {**values, "meeting_id": item.meeting_id},
                {**values, "meeting_id": None, "_from": self._offered_from.title})
        self.banner.setVisible(False)
        self.tabs.setCurrentWidget(self.actions_page)


if __name__ == "__main__":
    from partnerdesk.ui.editors.preview import preview

    preview(MeetingEditor, "meeting")
