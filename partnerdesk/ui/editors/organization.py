"""The Organization editor: details, kind, status, tags, notes, and everything linked to
the organization (contacts, partnerships, agreements, resources, referral pathways,
meetings), each clickable."""

from typing import Any

from PySide6.QtCore import QLocale, QTimer
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLineEdit, QTabWidget, QWidget

from partnerdesk.db import records as r
from partnerdesk.db import vocabulary as v
from partnerdesk.services import Desk
from partnerdesk.ui.editor_base import RecordEditor
from partnerdesk.ui.editors.fields import text_area
from partnerdesk.ui.widgets.choices import ChoiceCombo
from partnerdesk.ui.widgets.data_hub import hub_for
from partnerdesk.ui.widgets.dates import show_date
from partnerdesk.ui.widgets.related_list import RelatedList
from partnerdesk.ui.widgets.tag_edit import TagEdit

RELATED_LIMIT = 500
RELATED_TYPES = {"contact", "partnership", "partnership_member", "agreement", "agreement_party",
                 "resource", "referral_pathway", "meeting", "meeting_attendee", "organization"}


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _coordinate(limit: float) -> QDoubleValidator:
    validator = QDoubleValidator(-limit, limit, 6)
    validator.setNotation(QDoubleValidator.Notation.StandardNotation)
    validator.setLocale(QLocale.c())
    return validator


class OrganizationEditor(RecordEditor):
    record_type = "organization"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.name = self.add_field("name", self.tr("&Name:"), QLineEdit(),
                                   tooltip=self.tr("The organization's full name."))
        self.add_duplicate_hint("organization")
        self.kind = self.add_field("kind", self.tr("&Kind:"), ChoiceCombo(
            v.ORGANIZATION_KINDS), tooltip=self.tr("What sort of organization this is."))
        self.status = self.add_field("status", self.tr("S&tatus:"), ChoiceCombo(
            v.ORGANIZATION_STATUSES), tooltip=self.tr("Where things stand with them."))
        self.is_us = self.add_field("is_us", "", QCheckBox(self.tr(
            "This is &our organization (shown on letterheads)")),
            tooltip=self.tr("Only one organization can be ours."))
        self.is_us.setAccessibleName(self.tr("This is our organization"))
        self.tags = self.add_field("tags", self.tr("Ta&gs:"), TagEdit(
            lambda: [t.name for t in desk.tags.list()]),
            tooltip=self.tr("Words to group organizations by, separated by commas."))

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Organization sections"))
        self.layout().addWidget(self.tabs, 1)
        details = QWidget()
        details_form = QFormLayout(details)
        self.mission = self.add_field("mission", self.tr("&Mission and values:"), text_area(3),
                                      form=details_form)
        self.website = self.add_field("website", self.tr("&Website:"), QLineEdit(),
                                      form=details_form, tooltip=self.tr("For example "
                                                                         "https://example.org"))
        self.email = self.add_field("email", self.tr("&E-mail:"), QLineEdit(), form=details_form,
                                    tooltip=self.tr("The organization's general e-mail."))
        self.phone = self.add_field("phone", self.tr("&Phone:"), QLineEdit(), form=details_form,
                                    tooltip=self.tr("The organization's main phone number."))
        self.address = self.add_field("address", self.tr("&Address:"), text_area(2),
                                      form=details_form)
        self.latitude = self.add_field("latitude", self.tr("&Latitude:"), QLineEdit(),
                                       form=details_form, tooltip=self.tr(
                                           "Optional, for the resource map, e.g. 40.7128"))
        self.latitude.setValidator(_coordinate(90))
        self.longitude = self.add_field("longitude", self.tr("L&ongitude:"), QLineEdit(),
                                        form=details_form, tooltip=self.tr(
                                            "Optional, for the resource map, e.g. -74.0060"))
        self.longitude.setValidator(_coordinate(180))
        self.tabs.addTab(details, self.tr("Details"))

        notes = QWidget()
        notes_form = QFormLayout(notes)
        self.notes = self.add_field("notes", self.tr("No&tes:"), text_area(4), form=notes_form,
                                    tooltip=self.tr("Notes that may appear in reports to "
                                                    "partners."))
        self.internal_notes = self.add_field(
            "internal_notes", self.tr("&Internal notes:"), text_area(4), form=notes_form,
            tooltip=self.tr("Kept inside our organization: never in reports or bundles for "
                            "partners."))
        self.tabs.addTab(notes, self.tr("Notes"))

        self.related: dict[str, RelatedList] = {}
        for key, title, empty in (
                ("contacts", self.tr("Contacts"), self.tr("No contacts yet.")),
                ("partnerships", self.tr("Partnerships"), self.tr("No partnerships yet.")),
                ("agreements", self.tr("Agreements"), self.tr("No agreements yet.")),
                ("resources", self.tr("Resources"), self.tr("No resources yet.")),
                ("referral_pathways", self.tr("Referrals"),
                 self.tr("No referral pathways yet.")),
                ("meetings", self.tr("Meetings"), self.tr("No meetings yet."))):
            listing = RelatedList(empty)
            listing.setAccessibleName(title)
            listing.sig_open_record.connect(self.sig_open_record)
            self.related[key] = listing
            self.tabs.addTab(listing, title)
        self._related_titles = [self.tabs.tabText(i) for i in range(self.tabs.count())]
        # Linked records change elsewhere (a new contact): refresh the tabs, not the fields.
        self._related_timer = QTimer(self)
        self._related_timer.setSingleShot(True)
        self._related_timer.setInterval(100)
        self._related_timer.timeout.connect(lambda: self._show_related(self.record_id))
        hub_for(desk).sig_data_changed.connect(self._on_data_changed)

    def _on_data_changed(self, changes: list[Any]) -> None:
        if self.record_id and any(c.record_type in RELATED_TYPES for c in changes):
            self._related_timer.start()

    # -- the editor contract ------------------------------------------------------------
    def widget_values(self) -> dict[str, Any]:
        return {
            "name": self.name.text(), "kind": self.kind.value(), "status": self.status.value(),
            "is_us": self.is_us.isChecked(), "tags": self.tags.value(),
            "mission": self.mission.toPlainText(), "website": self.website.text(),
            "email": self.email.text(), "phone": self.phone.text(),
            "address": self.address.toPlainText(),
            "latitude": _number(self.latitude.text()),
            "longitude": _number(self.longitude.text()),
            "notes": self.notes.toPlainText(),
            "internal_notes": self.internal_notes.toPlainText(),
        }

    def show_record(self, row: r.Organization | None) -> None:
        row = row or r.Organization(name="")
        self.name.setText(row.name)
        self.kind.set_value(row.kind)
        self.status.set_value(row.status)
        self.is_us.setChecked(row.is_us)
        self.tags.set_value(list(row.tags))
        self.mission.setPlainText(row.mission)
        self.website.setText(row.website)
        self.email.setText(row.email)
        self.phone.setText(row.phone)
        self.address.setPlainText(row.address)
        self.latitude.setText("" if row.latitude is None else f"{row.latitude:g}")
        self.longitude.setText("" if row.longitude is None else f"{row.longitude:g}")
        self.notes.setPlainText(row.notes)
        self.internal_notes.setPlainText(row.internal_notes)
        self._show_related(self.record_id)

    # -- linked records -----------------------------------------------------------------
    def _show_related(self, org_id: str | None) -> None:
        found = self.related_records(org_id) if org_id else {k: [] for k in self.related}
        for number, (key, listing) in enumerate(self.related.items(), start=2):
            listing.set_items(found[key])
            title = self._related_titles[number]
            self.tabs.setTabText(number, f"{title} ({len(found[key])})" if found[key] else title)

    def related_records(self, org_id: str) -> dict[str, list[tuple[str, str, str]]]:
        """Everything linked to the organization, as (text, record type, id)."""
        d = self.desk
        contacts = d.contacts.list(where={"organization_id": org_id}, limit=RELATED_LIMIT)
        ship_ids = sorted({m.partnership_id for m in d.partnership_members.list(
            where={"organization_id": org_id})})
        ships = d.partnerships.list(where={"id": ship_ids}) if ship_ids else []
        agreement_ids = sorted({p.agreement_id for p in d.agreement_parties.list(
            where={"organization_id": org_id})})
        agreements = d.agreements.list(where={"id": agreement_ids}) if agreement_ids else []
        resources = d.resources.list(where={"organization_id": org_id}, limit=RELATED_LIMIT)
        pathways = (d.referral_pathways.list(where={"from_organization_id": org_id})
                    + d.referral_pathways.list(where={"to_organization_id": org_id}))
        org_names = {o.id: o.name for o in d.organizations.list(where={"id": sorted(
            {p.from_organization_id for p in pathways} | {p.to_organization_id
                                                          for p in pathways})})} \
            if pathways else {}
        categories = {c.id: c.name for c in d.categories.list()} if pathways or resources else {}
        meeting_ids = {m.id for m in d.meetings.list(where={"partnership_id": ship_ids},
                                                     limit=RELATED_LIMIT)} if ship_ids else set()
        contact_ids = [c.id for c in contacts]
        if contact_ids:
            meeting_ids |= {a.meeting_id for a in d.meeting_attendees.list(
                where={"contact_id": contact_ids}, limit=RELATED_LIMIT)}
        meetings = d.meetings.list(where={"id": sorted(meeting_ids)}, order_by="starts_at",
                                   descending=True) if meeting_ids else []

        def pathway_text(p: r.ReferralPathway) -> str:
            text = self.tr("{source} → {target}").format(
                source=org_names.get(p.from_organization_id, "?"),
                target=org_names.get(p.to_organization_id, "?"))
            category = categories.get(p.category_id or "")
            return f"{text} ({category})" if category else text

        return {
            "contacts": [(f"{c.name} — {c.role}" if c.role else c.name, "contact", c.id)
                         for c in contacts],
            "partnerships": [(f"{s.title} ({v.label(v.PARTNERSHIP_STATUSES, s.status)})",
                              "partnership", s.id) for s in ships],
            "agreements": [(f"{a.title} ({v.label(v.AGREEMENT_STATUSES, a.status)})",
                            "agreement", a.id) for a in agreements],
            "resources": [(f"{res.name} — {categories.get(res.category_id, '')}", "resource",
                           res.id) for res in resources],
            "referral_pathways": [(pathway_text(p), "referral_pathway", p.id)
                                  for p in pathways],
            "meetings": [(f"{show_date(m.starts_at.date())} — {m.title}", "meeting", m.id)
                         for m in meetings],
        }
