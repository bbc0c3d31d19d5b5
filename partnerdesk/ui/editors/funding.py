"""The funding editor: who funds what for whom, the money, the key dates, and the reports
and outcomes owed to the funder.

The status list offers only the steps a funding can take from its saved status
(`FundingService.next_statuses`, from `services/funding_rules.py`); should the record
have moved on meanwhile (another window, a partner's bundle), the service refuses the
step and its message appears next to the status. A new funding may start at any status,
so a grant won years ago can be recorded as it stands.

Amounts are typed as people write them ("25,000", "1250.50"), in the currency of the
`currency` setting; text that is not an amount is kept in the field and named, and Save
waits until it is fixed. The funding and its deliverables are saved together in one step
(`desk.funding.save`).
"""

from typing import Any

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QLineEdit, QTabWidget, QWidget

from partnerdesk.db import vocabulary as v
from partnerdesk.errors import FieldProblem
from partnerdesk.services import Desk
from partnerdesk.services.money import AmountError, parse_amount, typed_amount
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
from partnerdesk.ui.widgets.dates import DateEdit
from partnerdesk.ui.widgets.pickers import RecordPicker, contact_labels
from partnerdesk.ui.widgets.tag_edit import TagEdit

DELIVERABLE_FIELDS = ("title", "kind", "due_date", "owner_contact_id", "done", "done_date")


class AmountEdit(QLineEdit):
    """An amount of money typed as text; `value()` is cents, None when empty, or the text
    itself when it is not an amount (so nothing typed is lost, and `problem()` says why)."""

    def __init__(self, currency: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(self.tr("Amount in {currency}").format(currency=currency))
        self.setClearButtonEnabled(True)
        self.editingFinished.connect(self._tidy)

    def value(self) -> int | str | None:
        try:
            return parse_amount(self.text())
        except AmountError:
            return self.text()

    def problem(self) -> str:
        try:
            parse_amount(self.text())
        except AmountError as error:
            return str(error)
        return ""

    def set_value(self, cents: int | None) -> None:
        self.setText(typed_amount(cents))

    def _tidy(self) -> None:
        """"25000" becomes "25,000" once typed, so the number of zeros is easy to check."""
        value = self.value()
        if isinstance(value, int) and self.text() != typed_amount(value):
            self.setText(typed_amount(value))


class FundingEditor(EditorWithChildren):
    record_type = "funding"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.names = Names(desk)
        self._saved_status: str | None = None
        self.currency = desk.settings.currency
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.layout().addWidget(self.tabs)

        # -- details -----------------------------------------------------------------
        self.title = self.add_field("title", self.tr("&Title:"), QLineEdit(), tooltip=self.tr(
            "What the funding is for, e.g. Cooling centre generators."))
        self.programme = self.add_field("programme", self.tr("Pro&gramme or call:"),
                                        QLineEdit(), tooltip=self.tr(
                                            "The funder's programme or call for proposals."))
        self.funder = RecordPicker(desk, "organization",
                                   placeholder=self.tr("Type to find the funder…"))
        self.add_field("funder_id", self.tr("&Funder:"), self.funder,
                       tooltip=self.tr("The organization giving the money or support."))
        self.funder.sig_picked.connect(self.on_edited)
        self.partnership = RecordPicker(desk, "partnership",
                                        placeholder=self.tr("Type to find the partnership…"))
        self.add_field("partnership_id", self.tr("For the &partnership:"), self.partnership,
                       tooltip=self.tr("A joint application of a partnership."))
        self.partnership.sig_picked.connect(self.on_edited)
        self.organization = RecordPicker(desk, "organization",
                                         placeholder=self.tr("…or an organization alone"))
        self.add_field("organization_id", self.tr("For the &organization:"), self.organization,
                       tooltip=self.tr("When it is not for a partnership: the organization "
                                       "applying (often your own)."))
        self.organization.sig_picked.connect(self.on_edited)
        self.status = self.add_field("status", self.tr("&Status:"),
                                     ChoiceCombo(v.FUNDING_STATUSES))
        self.status_hint = QLabel()
        self.status_hint.setWordWrap(True)
        self.status_hint.setStyleSheet("color: palette(placeholder-text);")
        self.form.addRow("", self.status_hint)
        self.tags = self.add_field("tags", self.tr("T&ags:"), TagEdit(
            lambda: [t.name for t in desk.tags.list()]))
        details_form = self.take_form()
        self.tabs.addTab(page(details_form), self.tr("Details"))

        # -- money and dates -----------------------------------------------------------
        money_form = QFormLayout()
        money_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.money_form = money_form
        code = self.currency
        self.requested = self.add_field(
            "requested_cents", self._amount_label("requested_cents", code),
            AmountEdit(code), form=money_form)
        self.awarded = self.add_field(
            "awarded_cents", self._amount_label("awarded_cents", code),
            AmountEdit(code), form=money_form)
        self.in_kind = self.add_field("in_kind_description", self.tr("&In-kind support:"),
                                      text_area(2), form=money_form, tooltip=self.tr(
                                          "Support given other than money: rooms, staff "
                                          "time, equipment, food."))
        self.in_kind_value = self.add_field(
            "in_kind_cents", self._amount_label("in_kind_cents", code),
            AmountEdit(code), form=money_form)
        self.amounts_internal = self.add_field(
            "amounts_internal", self.tr("Amounts:"),
            QCheckBox(self.tr("&Keep the amounts internal")), form=money_form,
            tooltip=self.tr("Leave the amounts out of bundles and reports made for partners."))
        self.amounts_internal.setAccessibleName(self.tr("Keep the amounts internal"))
        self.deadline = self.add_field("deadline", self.tr("&Deadline:"), DateEdit(),
                                       form=money_form,
                                       tooltip=self.tr("The last day to apply."))
        self.decision = self.add_field("decision_expected", self.tr("De&cision expected:"),
                                       DateEdit(), form=money_form)
        self.start = self.add_field("start_date", self.tr("S&tarts:"), DateEdit(),
                                    form=money_form)
        self.end = self.add_field("end_date", self.tr("&Ends:"), DateEdit(),
                                  form=money_form)
        self.amount_edits: dict[str, AmountEdit] = {
            "requested_cents": self.requested, "awarded_cents": self.awarded,
            "in_kind_cents": self.in_kind_value}
        self.tabs.addTab(page(money_form), self.tr("Money and dates"))

        # -- deliverables ------------------------------------------------------------------
        self.deliverables = self.child_model([
            Column("done", self.tr("Done"), "bool"),
            Column("title", self.tr("What is due")),
            Column("kind", self.tr("Kind"), "label",
                   display=lambda row: self.tr(v.label(v.DELIVERABLE_KINDS, row["kind"]))),
            Column("due_date", self.tr("Due"), "date"),
            Column("owner_contact_id", self.tr("Who"), "label",
                   display=lambda row: self.names.of("contact", row.get("owner_contact_id"))),
            Column("_note", self.tr("Note"), "label", display=self._deliverable_note),
        ])
        self.deliverables_section = self.child_section("deliverables", ChildSection(
            self.tr("Reports and outcomes due to the funder"), self.deliverables,
            add_label=self.tr("Add deli&verable"),
            empty_text=self.tr("Nothing due to the funder yet: add the reports and outcomes "
                               "it asks for.")))
        self.deliverable_what = self.deliverables_section.add_input(
            QLineEdit(), self.tr("What is due, e.g. interim report"), 3)
        self.deliverable_kind = self.deliverables_section.add_input(
            ChoiceCombo(v.DELIVERABLE_KINDS), self.tr("Report or outcome"), 0)
        self.deliverable_due = self.deliverables_section.add_input(
            DateEdit(), self.tr("Due date"), 1)
        self.deliverable_owner = self.deliverables_section.add_input(
            RecordPicker(desk, "contact", labeller=contact_labels,
                         placeholder=self.tr("Who will do it…")), self.tr("Owner"), 2)
        self.deliverable_what.returnPressed.connect(self.add_deliverable)
        self.deliverables_section.add_button.clicked.connect(self.add_deliverable)
        self.tabs.addTab(page(self.deliverables_section), self.tr("Reports and outcomes"))

        # -- notes ---------------------------------------------------------------------
        notes_form = QFormLayout()
        self.notes = self.add_field("notes", self.tr("N&otes:"), text_area(), form=notes_form)
        self.internal_notes = self.add_field(
            "internal_notes", self.tr("I&nternal notes:"), text_area(), form=notes_form,
            tooltip=self.tr("Kept out of reports and exports sent to partners."))
        self.tabs.addTab(page(notes_form), self.tr("Notes"))

    # -- the RecordEditor contract ----------------------------------------------------
    def widget_values(self) -> dict[str, Any]:
        return {
            "title": self.title.text(),
            "programme": self.programme.text(),
            "funder_id": self.funder.value(),
            "partnership_id": self.partnership.value(),
            "organization_id": self.organization.value(),
            "status": self.status.value(),
            "tags": self.tags.value(),
            "requested_cents": self.requested.value(),
            "awarded_cents": self.awarded.value(),
            "in_kind_description": self.in_kind.toPlainText(),
            "in_kind_cents": self.in_kind_value.value(),
            "amounts_internal": self.amounts_internal.isChecked(),
            "deadline": self.deadline.value(),
            "decision_expected": self.decision.value(),
            "start_date": self.start.value(),
            "end_date": self.end.value(),
            "notes": self.notes.toPlainText(),
            "internal_notes": self.internal_notes.toPlainText(),
        }

    def _amount_label(self, field: str, currency: str) -> str:
        texts = {"requested_cents": self.tr("Amount &requested ({currency}):"),
                 "awarded_cents": self.tr("Amount a&warded ({currency}):"),
                 "in_kind_cents": self.tr("Its estimated &value ({currency}):")}
        return texts[field].format(currency=currency)

    def follow_currency(self) -> None:
        """The currency chosen in Preferences since the editor was made: its labels say it."""
        code = self.desk.settings.currency
        if code == self.currency:
            return
        self.currency = code
        for field, widget in (("requested_cents", self.requested),
                              ("awarded_cents", self.awarded),
                              ("in_kind_cents", self.in_kind_value)):
            widget.setPlaceholderText(self.tr("Amount in {currency}").format(currency=code))
            text = self._amount_label(field, code)
            widget.setAccessibleName(text.rstrip(":").replace("&", ""))
            label = self.money_form.labelForField(widget.parentWidget())
            if isinstance(label, QLabel):
                label.setText(text)

    def show_record(self, row: Any | None) -> None:
        self.follow_currency()
        get = field_getter(self.service, row)
        self._saved_status = row.status if row is not None else None
        self._offer_statuses(get("status") or "idea")
        self.title.setText(get("title") or "")
        self.programme.setText(get("programme") or "")
        self.funder.set_value(get("funder_id"))
        self.partnership.set_value(get("partnership_id"))
        self.organization.set_value(get("organization_id"))
        self.tags.set_value(get("tags") or [])
        self.requested.set_value(get("requested_cents"))
        self.awarded.set_value(get("awarded_cents"))
        self.in_kind.setPlainText(get("in_kind_description") or "")
        self.in_kind_value.set_value(get("in_kind_cents"))
        self.amounts_internal.setChecked(bool(get("amounts_internal")))
        self.deadline.set_value(get("deadline"))
        self.decision.set_value(get("decision_expected"))
        self.start.set_value(get("start_date"))
        self.end.set_value(get("end_date"))
        self.notes.setPlainText(get("notes") or "")
        self.internal_notes.setPlainText(get("internal_notes") or "")
        self._load_children(row.id if row is not None else None)
        self.deliverables_section.show_problem("")

    def _offer_statuses(self, status: str) -> None:
        """The saved status and the steps it may take next (any status for a new one)."""
        if self._saved_status is None:
            offered = v.FUNDING_STATUSES
            hint = self.tr("New funding can start at any status.")
        else:
            steps = self.desk.funding.next_statuses(status)
            offered = tuple(c for c in v.FUNDING_STATUSES if c[0] in (status, *steps))
            names = [self.tr(v.label(v.FUNDING_STATUSES, s)) for s in steps]
            hint = (self.tr("From {status} it can go to: {steps}.").format(
                        status=self.tr(v.label(v.FUNDING_STATUSES, status)),
                        steps=", ".join(names))
                    if names else self.tr("Closed funding cannot change status."))
        self.status.set_choices(offered)
        self.status.set_value(status)
        self.status_hint.setText(hint)

    def _load_children(self, funding_id: str | None) -> None:
        items = self.desk.funding_deliverables.list(
            where={"funding_id": funding_id}, order_by="due_date") if funding_id else []
        self.deliverables.set_rows([{"id": d.id, "_rev": d.rev, **{f: getattr(d, f)
                                                     for f in DELIVERABLE_FIELDS}}
                                    for d in items])

    def write(self, values: dict[str, Any]) -> str:
        saved = self.desk.funding.save(values, self.record_id,
                                       deliverables=self.deliverables.pending(),
                                       rev=self._opened_rev)
        return saved.id

    def after_save(self, record_id: str) -> None:
        self._saved_status = self.status.value()
        self._offer_statuses(self._saved_status)
        self._load_children(record_id)

    # -- amounts that are not amounts ----------------------------------------------------
    def amount_problems(self) -> list[FieldProblem]:
        return [FieldProblem(name, edit.problem()) for name, edit in self.amount_edits.items()
                if edit.problem()]

    def revalidate(self) -> bool:
        """The service's rules, and the amounts' own: text that is not an amount."""
        extra = self.amount_problems()
        if not extra:
            return super().revalidate()
        values = {**self.widget_values(), **{p.field: None for p in extra}}
        problems = self.service.check(values) + extra
        self.show_problems(problems)
        if self._valid:
            self._valid = False
            self.sig_valid_changed.emit(False)
        return False

    def save(self) -> bool:
        extra = self.amount_problems()
        if extra:  # nothing is saved; the typed text stays where it is
            self.tabs.setCurrentIndex(1)
            self.show_problems(extra)
            return False
        return super().save()

    # -- deliverables ------------------------------------------------------------------
    def add_deliverable(self) -> None:
        owner = self.deliverable_owner.value()
        values = {"title": self.deliverable_what.text().strip(),
                  "kind": self.deliverable_kind.value(),
                  "due_date": self.deliverable_due.value(), "owner_contact_id": owner,
                  "done": False, "done_date": None}
        problems = child_problems(self.desk.funding_deliverables, values, ["funding_id"])
        if problems:
            self.deliverables_section.show_problem(problems[0])
            return
        self.names.remember("contact", owner, self.deliverable_owner.label().split(" — ")[0])
        self.deliverables.add_row(values)
        self.deliverables_section.show_problem("")
        self.deliverable_what.clear()
        self.deliverable_owner.set_value(None)
        self.deliverable_due.set_value(None)

    def _deliverable_note(self, row: Row) -> str:
        if row.get("done") and row.get("done_date"):
            return self.tr("Done on {day}").format(day=format_date(row["done_date"]))
        return ""


if __name__ == "__main__":
    from partnerdesk.ui.editors.preview import preview

    preview(FundingEditor, "funding")
