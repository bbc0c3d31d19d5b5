"""The agreement (MOU) editor: parties, status, dates, obligations, signatories, files.

The status list offers only the steps an agreement can take from its saved status
(`AgreementService.next_statuses`); should the record have moved on meanwhile (in
another window, or from a partner's bundle), the service refuses the step and its
message appears next to the status. A new agreement may start at any status, so an
MOU signed years ago can be recorded as it is.

The agreement, its parties, obligations, signatories and files are saved together in
one step (`desk.agreements.save`). Attachments picked for an agreement are copied
into the data folder when the agreement is saved (and taken out again if that save
fails). Opening one copies it out under its own file name first, so the
system chooses the right viewer (the stored copy is named by its hash, without an
extension).
"""

import shutil
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTabWidget,
    QWidget,
)

from partnerdesk.db import vocabulary as v
from partnerdesk.errors import PartnerDeskError
from partnerdesk.services import Desk
from partnerdesk.services.whole_save import ChildChanges
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
from partnerdesk.ui.errors import show_error
from partnerdesk.ui.widgets.choices import ChoiceCombo
from partnerdesk.ui.widgets.dates import DateEdit
from partnerdesk.ui.widgets.pickers import RecordPicker, contact_labels


def _size_text(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return ""


class AgreementEditor(EditorWithChildren):
    record_type = "agreement"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.names = Names(desk)
        self._saved_status: str | None = None
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.layout().addWidget(self.tabs)

        # -- details -----------------------------------------------------------------
        self.title = self.add_field("title", self.tr("&Title:"), QLineEdit())
        self.partnership = RecordPicker(desk, "partnership",
                                        placeholder=self.tr("Type to find the partnership…"))
        self.add_field("partnership_id", self.tr("&Partnership:"), self.partnership)
        self.partnership.sig_picked.connect(self.on_edited)
        self.status = self.add_field("status", self.tr("&Status:"),
                                     ChoiceCombo(v.AGREEMENT_STATUSES))
        self.status_hint = QLabel()
        self.status_hint.setWordWrap(True)
        self.status_hint.setSizePolicy(QSizePolicy.Policy.Expanding,
                                       QSizePolicy.Policy.Preferred)
        self.status_hint.setStyleSheet("color: palette(placeholder-text);")
        self.form.addRow("", self.status_hint)
        self.effective = self.add_field("effective_date", self.tr("&Effective from:"),
                                        DateEdit())
        self.expiry = self.add_field("expiry_date", self.tr("E&xpires on:"), DateEdit(),
                                     tooltip=self.tr("Leave empty if it runs until ended."))
        self.notice = QSpinBox()
        self.notice.setRange(-1, 3650)
        self.notice.setSpecialValueText(self.tr("Not set"))
        self.notice.setSuffix(self.tr(" days"))
        self.add_field("notice_period_days", self.tr("&Notice period:"), self.notice,
                       tooltip=self.tr("How many days' notice a party gives to end it."))
        self.renewal = self.add_field("renewal_terms", self.tr("&Renewal terms:"), text_area(3))
        details_form = self.take_form()

        self.parties = self.child_model([
            Column("organization_id", self.tr("Party"), "label",
                   display=lambda row: self.names.of("organization", row["organization_id"])),
            Column("role", self.tr("Role")),
        ])
        self.parties_section = self.child_section("parties", ChildSection(
            self.tr("Parties"), self.parties, add_label=self.tr("Add p&arty"),
            empty_text=self.tr("No parties yet: who signs this agreement?")))
        self.party_org = self.parties_section.add_input(
            RecordPicker(desk, "organization", placeholder=self.tr("Organization…")),
            self.tr("Party organization"), 2)
        self.party_role = self.parties_section.add_input(
            QLineEdit(), self.tr("Role, e.g. provider"), 1)
        self.parties_section.add_button.clicked.connect(self.add_party)
        self.parties.sig_changed.connect(self._refresh_party_choices)
        self.tabs.addTab(page(details_form, self.parties_section), self.tr("Details"))

        # -- obligations -------------------------------------------------------------
        self.obligations = self.child_model([
            Column("organization_id", self.tr("Party"), "label",
                   display=lambda row: self.names.of("organization", row.get("organization_id"))
                   or self.tr("All parties")),
            Column("description", self.tr("What")),
            Column("due_date", self.tr("By"), "date"),
            Column("frequency", self.tr("How often")),
        ])
        self.obligations_section = self.child_section("obligations", ChildSection(
            self.tr("Obligations"), self.obligations, add_label=self.tr("Add &obligation"),
            empty_text=self.tr("No obligations yet: what has each party promised?")))
        self.obligation_party = self.obligations_section.add_input(
            QComboBox(), self.tr("Which party"), 1)
        self.obligation_what = self.obligations_section.add_input(
            QLineEdit(), self.tr("What they will do"), 3)
        self.obligation_due = self.obligations_section.add_input(
            DateEdit(), self.tr("By when"), 1)
        self.obligation_often = self.obligations_section.add_input(
            QLineEdit(), self.tr("How often, e.g. monthly"), 1)
        self.obligations_section.add_button.clicked.connect(self.add_obligation)
        self.obligation_what.returnPressed.connect(self.add_obligation)
        self.tabs.addTab(page(self.obligations_section), self.tr("Obligations"))

        # -- signatories and files -------------------------------------------------------
        self.signatories = self.child_model([
            Column("contact_id", self.tr("Signed by"), "label",
                   display=lambda row: self.names.of("contact", row["contact_id"])),
            Column("signed_on", self.tr("Signed on"), "date"),
        ])
        self.signatories_section = self.child_section("signatories", ChildSection(
            self.tr("Signatories"), self.signatories, add_label=self.tr("Add si&gnatory"),
            empty_text=self.tr("Nobody has signed yet.")))
        self.signatory_contact = self.signatories_section.add_input(
            RecordPicker(desk, "contact", labeller=contact_labels,
                         placeholder=self.tr("Person who signed…")), self.tr("Signatory"), 3)
        self.signatory_date = self.signatories_section.add_input(
            DateEdit(), self.tr("Date signed"), 1)
        self.signatories_section.add_button.clicked.connect(self.add_signatory)

        self.files = self.child_model([
            Column("filename", self.tr("File"), "label", display=lambda row: row["filename"]),
            Column("size", self.tr("Size"), "label",
                   display=lambda row: _size_text(row.get("size") or 0)),
            Column("_added", self.tr("Added"), "label",
                   display=lambda row: format_date(row.get("_added"))
                   or self.tr("when saved")),
        ])
        self.files_section = self.child_section("attachments", ChildSection(
            self.tr("Attachments"), self.files, add_label=self.tr("Attach a &file…"),
            empty_text=self.tr("No files yet. Attach the signed copy here.")))
        self.files_section.add_row_box.setVisible(False)
        self.files_section.add_button.clicked.connect(self.add_file)
        self.open_button = QPushButton(self.tr("&Open"))
        self.open_button.setToolTip(self.tr("Open the selected file with its usual program."))
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_selected_file)
        self.files_section.layout().itemAt(
            self.files_section.layout().count() - 1).layout().insertWidget(1, self.open_button)
        self.files_section.table.selectionModel().selectionChanged.connect(
            lambda *_: self.open_button.setEnabled(bool(self.files_section.selected_positions())))
        self.files_section.table.doubleClicked.connect(lambda *_: self.open_selected_file())
        self.tabs.addTab(page(self.signatories_section, self.files_section),
                         self.tr("Signatures and files"))

        # -- notes -------------------------------------------------------------------
        notes_form = QFormLayout()
        self.notes = self.add_field("notes", self.tr("N&otes:"), text_area(), form=notes_form)
        self.internal_notes = self.add_field(
            "internal_notes", self.tr("&Internal notes:"), text_area(), form=notes_form,
            tooltip=self.tr("Kept out of reports and exports sent to partners."))
        self.tabs.addTab(page(notes_form), self.tr("Notes"))

    # -- the RecordEditor contract ----------------------------------------------------
    def widget_values(self) -> dict[str, Any]:
        notice = self.notice.value()
        return {
            "title": self.title.text(),
            "partnership_id": self.partnership.value(),
            "status": self.status.value(),
            "effective_date": self.effective.value(),
            "expiry_date": self.expiry.value(),
            "notice_period_days": None if notice < 0 else notice,
            "renewal_terms": self.renewal.toPlainText(),
            "notes": self.notes.toPlainText(),
            "internal_notes": self.internal_notes.toPlainText(),
        }

    def show_record(self, row: Any | None) -> None:
        get = field_getter(self.service, row)
        self._saved_status = row.status if row is not None else None
        self._offer_statuses(get("status") or "draft")
        self.title.setText(get("title") or "")
        self.partnership.set_value(get("partnership_id"))
        self.effective.set_value(get("effective_date"))
        self.expiry.set_value(get("expiry_date"))
        notice = get("notice_period_days")
        self.notice.setValue(-1 if notice is None else notice)
        self.renewal.setPlainText(get("renewal_terms") or "")
        self.notes.setPlainText(get("notes") or "")
        self.internal_notes.setPlainText(get("internal_notes") or "")
        self._load_children(row.id if row is not None else None)
        for section in (self.parties_section, self.obligations_section,
                        self.signatories_section, self.files_section):
            section.show_problem("")

    def _offer_statuses(self, status: str) -> None:
        """The saved status and the steps it may take next (any status for a new one)."""
        if self._saved_status is None:
            offered = v.AGREEMENT_STATUSES
            hint = self.tr("A new agreement can start at any status.")
        else:
            steps = (status, *self.desk.agreements.next_statuses(status))
            offered = tuple(c for c in v.AGREEMENT_STATUSES if c[0] in steps)
            names = [v.label(v.AGREEMENT_STATUSES, s)
                     for s in self.desk.agreements.next_statuses(status)]
            hint = (self.tr("From {status} it can go to: {steps}.").format(
                        status=v.label(v.AGREEMENT_STATUSES, status), steps=", ".join(names))
                    if names else self.tr("A terminated agreement cannot change status."))
        self.status.set_choices(offered)
        self.status.set_value(status)
        self.status_hint.setText(hint)

    def _load_children(self, agreement_id: str | None) -> None:
        def rows(service: Any, fields: tuple[str, ...], order_by: str) -> list[Row]:
            if agreement_id is None:
                return []
            return [{"id": r.id, "_rev": r.rev, **{f: getattr(r, f) for f in fields}}
                    for r in service.list(where={"agreement_id": agreement_id},
                                          order_by=order_by)]

        self.parties.set_rows(rows(self.desk.agreement_parties, ("organization_id", "role"),
                                   "created_at"))
        self.obligations.set_rows(rows(self.desk.obligations, (
            "organization_id", "description", "due_date", "frequency"), "created_at"))
        self.signatories.set_rows(rows(self.desk.signatories, ("contact_id", "signed_on"),
                                       "created_at"))
        files = self.desk.attachments.for_record(agreement_id) if agreement_id else []
        self.files.set_rows([{"id": a.id, "filename": a.filename, "size": a.size,
                              "_added": a.created_at.date(), "_attachment": a}
                             for a in files])
        self._refresh_party_choices()

    def write(self, values: dict[str, Any]) -> str:
        files = ChildChanges(new=[{"path": row["_path"]} for row in self.files.rows()
                                  if not row.get("id")],
                             removed=self.files.pending().removed)
        saved = self.desk.agreements.save(
            values, self.record_id, parties=self.parties.pending(),
            obligations=self.obligations.pending(), signatories=self.signatories.pending(),
            attachments=files,
            rev=self._opened_rev)
        return saved.id

    def after_save(self, record_id: str) -> None:
        self._saved_status = self.status.value()
        self._offer_statuses(self._saved_status)
        self._load_children(record_id)

    # -- parties and obligations ----------------------------------------------------------
    def add_party(self) -> None:
        organization_id = self.party_org.value()
        if not organization_id:
            self.parties_section.show_problem(
                self.tr("Choose the organization first (type part of its name)."))
            return
        if any(row["organization_id"] == organization_id for row in self.parties.rows()):
            self.parties_section.show_problem(
                self.tr("{name} is already a party.").format(name=self.party_org.label()))
            return
        self.names.remember("organization", organization_id, self.party_org.label())
        self.parties.add_row({"organization_id": organization_id,
                              "role": self.party_role.text().strip()})
        self.parties_section.show_problem("")
        self.party_org.set_value(None)
        self.party_role.clear()

    def _refresh_party_choices(self) -> None:
        current = self.obligation_party.currentData()
        self.obligation_party.clear()
        self.obligation_party.addItem(self.tr("All parties"), None)
        for row in self.parties.rows():
            self.obligation_party.addItem(self.names.of("organization", row["organization_id"]),
                                          row["organization_id"])
        index = self.obligation_party.findData(current)
        self.obligation_party.setCurrentIndex(max(index, 0))

    def add_obligation(self) -> None:
        if self.obligations_section.refuse_typed_date(self.obligation_due):
            return
        values = {"organization_id": self.obligation_party.currentData(),
                  "description": self.obligation_what.text().strip(),
                  "due_date": self.obligation_due.value(),
                  "frequency": self.obligation_often.text().strip()}
        problems = child_problems(self.desk.obligations, values, ["agreement_id"])
        if problems:
            self.obligations_section.show_problem(problems[0])
            return
        self.obligations.add_row(values)
        self.obligations_section.show_problem("")
        self.obligation_what.clear()
        self.obligation_often.clear()
        self.obligation_due.set_value(None)

    # -- signatories and files ----------------------------------------------------------
    def add_signatory(self) -> None:
        contact_id = self.signatory_contact.value()
        if not contact_id:
            self.signatories_section.show_problem(
                self.tr("Choose the person who signed (type part of their name)."))
            return
        if self.signatories_section.refuse_typed_date(self.signatory_date):
            return
        self.names.remember("contact", contact_id,
                            self.signatory_contact.label().split(" — ")[0])
        self.signatories.add_row({"contact_id": contact_id,
                                  "signed_on": self.signatory_date.value()})
        self.signatories_section.show_problem("")
        self.signatory_contact.set_value(None)
        self.signatory_date.set_value(None)

    def add_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Attach a file to this agreement"), str(Path.home()),
            self.tr("Documents (*.pdf *.doc *.docx *.odt *.txt *.png *.jpg);;All files (*)"))
        if not path:
            return
        source = Path(path)
        if not source.is_file():
            self.files_section.show_problem(
                self.tr("There is no file at {path}. Choose an existing file.").format(
                    path=path))
            return
        self.files.add_row({"filename": source.name, "size": source.stat().st_size,
                            "_path": source})
        self.files_section.show_problem("")

    def open_selected_file(self) -> None:
        positions = self.files_section.selected_positions()
        if not positions:
            return
        row = self.files.row(positions[0])
        try:
            if row.get("_path"):
                target = Path(row["_path"])
            else:
                attachment = row["_attachment"]
                stored = self.desk.attachments.path_of(attachment)
                if not stored.is_file():
                    raise PartnerDeskError(
                        f"The stored copy of {attachment.filename} is missing from the data "
                        "folder. Attach the file again.")
                folder = Path(tempfile.gettempdir()) / "partnerdesk-open" / attachment.sha256[:16]
                folder.mkdir(parents=True, exist_ok=True)
                target = folder / Path(attachment.filename).name
                if not target.exists():
                    shutil.copyfile(stored, target)
            if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(target))):
                raise PartnerDeskError(
                    f"No program on this computer opens {target.name}. Install a viewer for "
                    "this kind of file, then try again.")
        except (OSError, PartnerDeskError) as error:
            show_error(self, error if isinstance(error, PartnerDeskError) else PartnerDeskError(
                f"The file could not be opened ({error}). Check the disk, then try again."))


if __name__ == "__main__":
    from partnerdesk.ui.editors.preview import preview

    preview(AgreementEditor, "agreement")
