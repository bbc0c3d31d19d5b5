"""The Contact editor: a person, their organization and department, several e-mails,
phones (with their extensions), postal addresses and websites, the preferred way to reach
them, whether their details may be shared with partners, and when we last spoke."""

from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.db import records as r
from partnerdesk.db import vocabulary as v
from partnerdesk.services import Desk
from partnerdesk.services.contact_details import phone_entry
from partnerdesk.services.validation import format_phone
from partnerdesk.ui import theme
from partnerdesk.ui.editor_base import RecordEditor
from partnerdesk.ui.editors.fields import text_area
from partnerdesk.ui.widgets.address_list import AddressListEdit
from partnerdesk.ui.widgets.choices import ChoiceCombo
from partnerdesk.ui.widgets.dates import DateEdit
from partnerdesk.ui.widgets.multi_value import MultiValueEdit
from partnerdesk.ui.widgets.pickers import RecordPicker
from partnerdesk.ui.widgets.tag_edit import TagEdit


class ContactEditor(RecordEditor):
    record_type = "contact"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.name = self.add_field("name", self.tr("&Name:"), QLineEdit(),
                                   tooltip=self.tr("The person's name as they like it written."))
        self.add_duplicate_hint("contact")
        self.role = self.add_field("role", self.tr("&Role or title:"), QLineEdit(),
                                   tooltip=self.tr("For example: Community health manager"))
        self.organization = RecordPicker(desk, "organization", placeholder=self.tr(
            "Type part of the organization's name…"))
        self.add_field("organization_id", self.tr("&Organization:"), self.organization,
                       tooltip=self.tr("The organization this person works for."))
        self.organization.sig_picked.connect(self.on_edited)
        self.department = self.add_field(
            "department", self.tr("&Department:"), QLineEdit(),
            tooltip=self.tr("The part of the organization this person works in, for "
                            "example: Community Benefit"))
        self.emails = MultiValueEdit("address", v.EMAIL_KINDS, add_text=self.tr(
            "Add an e-&mail"), placeholder=self.tr("name@example.org"),
            item_name=self.tr("E-mail"))
        self.add_field("emails", self.tr("E-mails:"), self.emails,
                       tooltip=self.tr("The first address is the main one."))
        self.emails.sig_changed.connect(self.on_edited)
        self.phones = MultiValueEdit("number", v.PHONE_KINDS, add_text=self.tr(
            "Add a &phone"), placeholder=self.tr("+1 202 555 0143"),
            item_name=self.tr("Phone"), extra=("extension", self.tr("ext."),
                                               self.tr("Extension")))
        self.add_field("phones", self.tr("Phones:"), self.phones,
                       tooltip=self.tr("The first number is the main one. An extension "
                                       "goes in the short box beside the number."))
        self.phones.sig_changed.connect(self.on_edited)
        self.addresses = AddressListEdit(v.ADDRESS_KINDS, add_text=self.tr(
            "Add a postal &address"))
        self.add_field("addresses", self.tr("Addresses:"), self.addresses,
                       tooltip=self.tr("The first address is the main one."))
        self.addresses.sig_changed.connect(self.on_edited)
        self.websites = MultiValueEdit("url", v.WEBSITE_KINDS, add_text=self.tr(
            "Add a &website"), placeholder=self.tr("https://www.example.org"),
            item_name=self.tr("Website"))
        self.add_field("websites", self.tr("Websites:"), self.websites,
                       tooltip=self.tr("Web pages about this person, such as a staff page."))
        self.websites.sig_changed.connect(self.on_edited)
        self.preferred = self.add_field("preferred_contact", self.tr("&Preferred way:"),
                                        ChoiceCombo(v.CONTACT_PREFERENCES),
                                        tooltip=self.tr("How this person likes to be reached."))
        # Asked, not ticked in passing: a person appears in what partners see only once
        # they have agreed (see the README: "Sharing people's details").
        self.share_ok = QRadioButton(self.tr("&Yes, they agreed"))
        self.share_ok.setAccessibleName(self.tr("May be shared with partners"))
        self.share_no = QRadioButton(self.tr("No, keep inside our organization"))
        self.share_no.setAccessibleName(self.tr("Not to be shared with partners"))
        self.share_group = QButtonGroup(self)
        self.share_group.addButton(self.share_ok)
        self.share_group.addButton(self.share_no)
        self.share_hint = QLabel(self.tr("Not asked yet: until they agree to be named in "
                                         "reports and files sent to partners, those leave "
                                         "them out."))
        self.share_hint.setObjectName("share_hint")
        self.share_hint.setWordWrap(True)
        theme.set_tone(self.share_hint, "warning")
        consent = QWidget()
        consent_column = QVBoxLayout(consent)
        consent_column.setContentsMargins(0, 0, 0, 0)
        consent_column.setSpacing(2)
        answers = QHBoxLayout()
        answers.setContentsMargins(0, 0, 0, 0)
        answers.addWidget(self.share_ok)
        answers.addWidget(self.share_no)
        answers.addStretch(1)
        consent_column.addLayout(answers)
        consent_column.addWidget(self.share_hint)
        self.add_field("share_ok", self.tr("Share with partners?"), consent, tooltip=self.tr(
            "Ask the person whether their name and details may appear in reports and "
            "bundles sent outside our organization."))
        self.share_ok.setToolTip(consent.toolTip())
        self.share_no.setToolTip(consent.toolTip())
        self.watch(self.share_ok)
        self.watch(self.share_no)
        self.share_ok.toggled.connect(self._show_share_hint)
        self.share_no.toggled.connect(self._show_share_hint)
        self.last_contacted = DateEdit()
        today_button = QPushButton(self.tr("T&oday"))
        today_button.setToolTip(self.tr("We spoke to this person today."))
        today_button.setAccessibleName(self.tr("Contacted today"))
        today_button.clicked.connect(lambda: self.last_contacted.set_value(date.today()))
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.last_contacted, 1)
        line.addWidget(today_button)
        self.add_field("last_contacted", self.tr("&Last contacted:"), row,
                       tooltip=self.tr("When we last spoke to this person."))
        self.watch(self.last_contacted)
        self.last_contacted.setAccessibleName(self.tr("Last contacted"))
        self.tags = self.add_field("tags", self.tr("Ta&gs:"), TagEdit(
            lambda: [t.name for t in desk.tags.list()]),
                                   tooltip=self.tr("Words to group people by, separated by "
                                                   "commas."))
        self.notes = self.add_field("notes", self.tr("No&tes:"), text_area(3),
                                    tooltip=self.tr("Notes that may appear in reports to "
                                                    "partners if sharing is allowed."))
        self.internal_notes = self.add_field(
            "internal_notes", self.tr("&Internal notes:"), text_area(3),
            tooltip=self.tr("Kept inside our organization: never in reports or bundles."))
        self.layout().addStretch(1)

    def set_share_answer(self, answer: bool | None) -> None:
        """Yes, no, or not asked yet (a new contact: neither is chosen)."""
        self.share_group.setExclusive(False)
        self.share_ok.setChecked(answer is True)
        self.share_no.setChecked(answer is False)
        self.share_group.setExclusive(True)
        self._show_share_hint()

    def share_answer(self) -> bool | None:
        return True if self.share_ok.isChecked() else False if self.share_no.isChecked() \
            else None

    def _show_share_hint(self, *_args: object) -> None:
        self.share_hint.setVisible(self.share_answer() is None)

    def widget_values(self) -> dict[str, Any]:
        return {
            "name": self.name.text(), "role": self.role.text(),
            "organization_id": self.organization.value(),
            "department": self.department.text(),
            "emails": self.emails.values(),
            # an extension typed after the number ("x42") goes in its own box on save
            "phones": [phone_entry(p["number"], p["kind"], p.get("extension", ""))
                       for p in self.phones.values()],
            "addresses": self.addresses.values(), "websites": self.websites.values(),
            "preferred_contact": self.preferred.value(),
            "share_ok": self.share_ok.isChecked(),
            "last_contacted": self.last_contacted.value(),
            "tags": self.tags.value(), "notes": self.notes.toPlainText(),
            "internal_notes": self.internal_notes.toPlainText(),
        }

    def show_record(self, row: r.Contact | None) -> None:
        new = row is None
        row = row or r.Contact(name="")
        self.name.setText(row.name)
        self.role.setText(row.role)
        self.organization.set_value(row.organization_id)
        self.department.setText(row.department)
        self.emails.set_values(list(row.emails))
        # Shown as people read them; the service stores them in one form again on save.
        self.phones.set_values([{**phone, "number": format_phone(str(phone.get("number", "")))}
                                for phone in row.phones])
        self.addresses.set_values(list(row.addresses))
        self.websites.set_values(list(row.websites))
        self.preferred.set_value(row.preferred_contact)
        self.set_share_answer(True if row.share_ok else (None if new else False))
        self.last_contacted.set_value(row.last_contacted)
        self.tags.set_value(list(row.tags))
        self.notes.setPlainText(row.notes)
        self.internal_notes.setPlainText(row.internal_notes)
