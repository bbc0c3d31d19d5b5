"""The Sharing view: send records as a bundle file, bring a bundle in (preview, then apply),
settle conflicts side by side, and look back at imports (with undo).

Export, preview, import and undo all run on the database worker (`DeskOp`) with a
progress dialog that can be cancelled; the view only ever holds plain values. Everything
is asked of `desk.sharing`.
"""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.db.local import ImportBatch
from partnerdesk.errors import PartnerDeskError
from partnerdesk.services.desk import Desk
from partnerdesk.services.field_labels import field_label
from partnerdesk.services.progress import Cancelled, Progress
from partnerdesk.sharing.bundle import SUFFIX, Bundle
from partnerdesk.sharing.conflicts import ConflictView
from partnerdesk.sharing.exporter import ExportResult, Scope
from partnerdesk.sharing.importer import ImportResult, Preview, PreviewItem
from partnerdesk.sharing.limits import PassphraseNeeded
from partnerdesk.sharing.merge import DELETED_FIELD
from partnerdesk.sharing.undo import EditedSinceError
from partnerdesk.ui.errors import show_error
from partnerdesk.ui.icons import icon
from partnerdesk.ui.tasks import DeskOp, Task
from partnerdesk.ui.widgets.dates import show_datetime
from partnerdesk.ui.widgets.row_table import ColumnSpec, RowTableModel, RowTableView


def _value_text(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item.get("address") or item.get("number") or item)
                         if isinstance(item, dict) else str(item) for item in value)
    return str(value)


def _local_time(moment: datetime) -> str:
    """Stored in UTC (SQLite drops the zone); shown in the laptop's own time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return show_datetime(moment)


class SharingView(QWidget):
    """Bundles in and out, conflicts, and the import history of this laptop."""

    sig_data_changed = Signal()
    """An import or undo changed records; other screens may refresh."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.selection: list[tuple[str, str]] = []
        self.bundle: Bundle | None = None
        self.bundle_path: Path | None = None
        self.task: Task | None = None
        self.tabs = QTabWidget()
        self.tabs.addTab(self._export_tab(), self.tr("Send records"))
        self.tabs.addTab(self._import_tab(), self.tr("Bring records in"))
        self.tabs.addTab(self._conflicts_tab(), self.tr("Conflicts"))
        self.tabs.addTab(self._history_tab(), self.tr("Import history"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.refresh()

    # -- export ----------------------------------------------------------------------
    def _export_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.scope_all = QRadioButton(self.tr("Everything"))
        self.scope_partnership = QRadioButton(self.tr("One partnership and what it touches"))
        self.scope_selected = QRadioButton(self.tr("The records I selected"))
        self.scope_all.setChecked(True)
        scopes = QButtonGroup(page)
        for button in (self.scope_all, self.scope_partnership, self.scope_selected):
            scopes.addButton(button)
        self.partnership_box = QComboBox()
        self.partnership_box.setEnabled(False)
        self.scope_partnership.toggled.connect(self.partnership_box.setEnabled)
        scope_box = QVBoxLayout()
        scope_box.addWidget(self.scope_all)
        row = QHBoxLayout()
        row.addWidget(self.scope_partnership)
        row.addWidget(self.partnership_box, 1)
        scope_box.addLayout(row)
        scope_box.addWidget(self.scope_selected)
        form.addRow(self.tr("What to send:"), scope_box)

        self.for_ours = QRadioButton(self.tr("Our own laptops (everything, including "
                                             "internal notes)"))
        self.for_partner = QRadioButton(self.tr("A partner organization (leaves out internal "
                                                "notes and people not cleared for sharing)"))
        self.for_ours.setChecked(True)
        audience = QButtonGroup(page)
        audience.addButton(self.for_ours)
        audience.addButton(self.for_partner)
        who = QVBoxLayout()
        who.addWidget(self.for_ours)
        who.addWidget(self.for_partner)
        form.addRow(self.tr("Who it is for:"), who)

        self.seal_box = QCheckBox(self.tr("Lock the file with a passphrase"))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(self.tr("at least 8 characters"))
        self.passphrase_again = QLineEdit()
        self.passphrase_again.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_again.setPlaceholderText(self.tr("the same again"))
        for edit in (self.passphrase, self.passphrase_again):
            edit.setEnabled(False)
            self.seal_box.toggled.connect(edit.setEnabled)
        form.addRow(self.seal_box)
        form.addRow(self.tr("Passphrase:"), self.passphrase)
        form.addRow(self.tr("Again:"), self.passphrase_again)

        self.export_button = QPushButton(self.tr("Save bundle file…"))
        self.export_button.setIcon(icon("export"))
        self.export_button.clicked.connect(self.start_export)
        self.email_button = QPushButton(self.tr("Send by e-&mail…"))
        self.email_button.setIcon(icon("email"))
        self.email_button.setToolTip(self.tr("Open your mail program with the bundle just "
                                             "saved attached"))
        self.email_button.setEnabled(False)  # until a bundle is saved
        self.email_button.clicked.connect(self.send_by_email)
        self.last_bundle: Path | None = None
        self.export_status = QLabel()
        self.export_status.setWordWrap(True)
        export_row = QHBoxLayout()
        export_row.addWidget(self.export_button)
        export_row.addWidget(self.email_button)
        export_row.addStretch(1)
        form.addRow("", export_row)  # buttons as wide as their words
        form.addRow(self.export_status)
        return page

    def set_selection(self, items: list[tuple[str, str]]) -> None:
        """Records picked elsewhere in the app, for the "records I selected" scope."""
        self.selection = list(items)
        self.scope_selected.setText(self.tr("The records I selected ({n})").format(
            n=len(self.selection)))
        self.scope_selected.setEnabled(bool(self.selection))
        if self.selection:
            self.scope_selected.setChecked(True)

    def _scope(self) -> Scope:
        partner = self.for_partner.isChecked()
        if self.scope_partnership.isChecked():
            return Scope.partnership(self.partnership_box.currentData(), for_partner=partner)
        if self.scope_selected.isChecked():
            return Scope.selection(self.selection, for_partner=partner)
        return Scope.everything(for_partner=partner)

    def start_export(self) -> None:
        secret: str | None = None
        if self.seal_box.isChecked():
            secret = self.passphrase.text()
            if secret != self.passphrase_again.text():
                self.export_status.setText(self.tr("The two passphrases differ. Type the same "
                                                   "passphrase twice."))
                return
            if len(secret) < 8:
                self.export_status.setText(self.tr("Choose a passphrase of at least 8 "
                                                   "characters."))
                return
        if self.scope_partnership.isChecked() and not self.partnership_box.currentData():
            self.export_status.setText(self.tr("Choose the partnership to send."))
            return
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save bundle"), str(Path.home() / f"records{SUFFIX}"),
            self.tr("PartnerDesk bundles (*{suffix})").format(suffix=SUFFIX))
        if not path:
            return
        if not path.endswith(SUFFIX):
            path += SUFFIX
        scope, sharing = self._scope(), self.desk.sharing

        def work(progress: Progress) -> ExportResult:
            return sharing.export(Path(path), scope, passphrase=secret, progress=progress)

        self.export_button.setEnabled(False)
        self.task = (DeskOp(self, work).success(self._exported).failure(self._export_failed)
                     .with_progress(self.tr("Writing the bundle…")).run_in_background())

    def send_by_email(self) -> None:
        """The bundle just saved, handed to the mail program (ui/mail.py)."""
        if self.last_bundle is None or not self.last_bundle.is_file():
            self.export_status.setText(self.tr("Save a bundle file first, then send it."))
            self.email_button.setEnabled(False)
            return
        from partnerdesk.ui.mail import send_file

        send_file(self, self.last_bundle, self.tr("PartnerDesk records"), self.tr(
            "Here are our PartnerDesk records ({name}). Open the file with PartnerDesk to "
            "see what it holds before bringing anything in.").format(
                name=self.last_bundle.name))

    def _exported(self, result: ExportResult) -> None:
        self.export_button.setEnabled(True)
        self.last_bundle = Path(result.path)
        self.email_button.setEnabled(True)
        sealed = self.tr(" It is locked with your passphrase.") if result.sealed else ""
        self.export_status.setText(self.tr("Saved {n} records and {a} attachments to {path}."
                                           ).format(n=f"{result.total:,}", a=result.attachments,
                                                    path=result.path) + sealed)

    def _export_failed(self, error: BaseException) -> None:
        self.export_button.setEnabled(True)
        self.export_status.setText("")
        if not isinstance(error, Cancelled):
            show_error(self, error)

    # -- import ----------------------------------------------------------------------
    def _import_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        top = QHBoxLayout()
        self.choose_button = QPushButton(self.tr("Choose a bundle file…"))
        self.choose_button.setIcon(icon("import"))
        self.choose_button.clicked.connect(self.choose_file)
        self.apply_button = QPushButton(self.tr("Bring these records in"))
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply_import)
        top.addWidget(self.choose_button)
        top.addStretch(1)
        top.addWidget(self.apply_button)
        layout.addLayout(top)
        self.preview_label = QLabel(self.tr("Choose a bundle file to see what it would change. "
                                            "Nothing changes until you bring the records in."))
        self.preview_label.setWordWrap(True)
        layout.addWidget(self.preview_label)
        labels = {"new": self.tr("New"), "updated": self.tr("Updated"),
                  "deleted": self.tr("Deleted here"),
                  "already_deleted": self.tr("Already deleted here"),
                  "conflict": self.tr("In conflict")}
        self.preview_model: RowTableModel[PreviewItem] = RowTableModel([
            ColumnSpec(self.tr("What happens"), lambda i: labels[i.status]),
            ColumnSpec(self.tr("Kind"), lambda i: i.record_type.replace("_", " ")),
            ColumnSpec(self.tr("Record"), lambda i: i.title or self.tr("(a link between "
                                                                        "records)")),
            ColumnSpec(self.tr("What changes"), self._preview_details),
        ], self)
        self.preview_table = RowTableView(self.preview_model,
                                          accessible_name=self.tr("What the bundle changes"))
        layout.addWidget(self.preview_table, 1)
        return page

    def _preview_details(self, item: PreviewItem) -> str:
        """Fields by their labels; a record in conflict: each clash with both values and
        who typed them."""
        if item.clashes:
            return "; ".join(self._clash_text(c.label, c.lost_value, c.lost_by,
                                              c.kept_value, c.kept_by, c.kept_here,
                                              c.field == DELETED_FIELD)
                             for c in item.clashes)
        if item.status in ("new", "already_deleted"):
            return ""
        return ", ".join(field_label(f) for f in item.fields)

    def _clash_text(self, label: str, lost: Any, lost_by: str, kept: Any, kept_by: str,
                    kept_here: bool, deletion: bool) -> str:
        if deletion:
            return self.tr("{lost_by} deleted it, {kept_by} changed it: it stays").format(
                lost_by=lost_by, kept_by=kept_by)
        verb = self.tr("keeps this laptop's") if kept_here else self.tr("takes")
        return self.tr("{label}: {verb} “{kept}” ({kept_by}) over “{lost}” ({lost_by})"
                       ).format(label=label, verb=verb, kept=_value_text(kept),
                                kept_by=kept_by, lost=_value_text(lost), lost_by=lost_by)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose a bundle"), str(Path.home()),
            self.tr("PartnerDesk bundles (*{suffix});;All files (*)").format(suffix=SUFFIX))
        if path:
            self.load_preview(Path(path))

    def load_preview(self, path: Path, passphrase: str | None = None) -> None:
        sharing = self.desk.sharing
        self.apply_button.setEnabled(False)
        self.bundle = None

        def work(progress: Progress) -> tuple[Bundle, Preview]:
            bundle = sharing.read_bundle(path, passphrase)
            return bundle, sharing.preview(bundle, path.name, progress)

        def failed(error: BaseException) -> None:
            if isinstance(error, PassphraseNeeded) or (
                    passphrase is not None and "passphrase" in str(error)):
                text, ok = QInputDialog.getText(
                    self, self.tr("Passphrase"), self.tr(
                        "This bundle is locked. Enter the passphrase the sender gave you:"),
                    QLineEdit.EchoMode.Password)
                if ok and text:
                    self.load_preview(path, text)
                    return
            self.preview_label.setText(
                error.message if isinstance(error, PartnerDeskError) else "")
            if not isinstance(error, Cancelled):
                show_error(self, error)

        self.preview_label.setText(self.tr("Reading {name}…").format(name=path.name))
        self.task = (DeskOp(self, work).success(lambda result: self._previewed(path, *result))
                     .failure(failed).with_progress(self.tr("Reading the bundle…"))
                     .run_in_background())

    def _previewed(self, path: Path, bundle: Bundle, preview: Preview) -> None:
        self.bundle, self.bundle_path = bundle, path
        counts = preview.counts()
        source = preview.from_organization or self.tr("another laptop")
        self.preview_label.setText(self.tr(
            "{name} from {source}: {new} new, {updated} updated, {deleted} deleted here, "
            "{already_deleted} already deleted, {conflicts} in conflict, {unchanged} "
            "unchanged.").format(
                name=path.name, source=source, **{k: f"{v:,}" for k, v in counts.items()}))
        self.preview_model.set_rows(preview.items[:5000])
        self.preview_table.resizeColumnsToContents()
        self.apply_button.setEnabled(bool(preview.items))

    def apply_import(self) -> None:
        bundle, path, sharing = self.bundle, self.bundle_path, self.desk.sharing
        if bundle is None or path is None:
            return

        def work(progress: Progress) -> ImportResult:
            return sharing.import_bundle(bundle, source=str(path), progress=progress,
                                         name=path.name)

        self.apply_button.setEnabled(False)
        self.task = (DeskOp(self, work).success(self._imported).failure(self._import_failed)
                     .with_progress(self.tr("Bringing the records in…")).run_in_background())

    def _imported(self, result: ImportResult) -> None:
        counts = result.preview.counts()
        self.preview_label.setText(self.tr(
            "Done: {new} new, {updated} updated, {deleted} deleted, {conflicts} in conflict. "
            "You can undo this import in Import history.").format(
                **{k: f"{v:,}" for k, v in counts.items()}))
        self.preview_model.set_rows([])
        self.bundle = None
        self.refresh()
        self.sig_data_changed.emit()

    def _import_failed(self, error: BaseException) -> None:
        self.apply_button.setEnabled(self.bundle is not None)
        if not isinstance(error, Cancelled):
            show_error(self, error)

    # -- conflicts -------------------------------------------------------------------
    def _conflicts_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        note = QLabel(self.tr("When the same thing was changed differently on two laptops, "
                              "one value was kept everywhere. Here are both: the one that "
                              "lost stays here until you choose which one to keep."))
        note.setWordWrap(True)
        layout.addWidget(note)
        self._device_names: dict[str, str] = {}
        self.conflict_model: RowTableModel[ConflictView] = RowTableModel([
            ColumnSpec(self.tr("Record"), lambda c: c.title),
            ColumnSpec(self.tr("Field"), lambda c: c.label),
            ColumnSpec(self.tr("Lost"), lambda c: _value_text(c.lost_value)),
            ColumnSpec(self.tr("Typed by"), lambda c: self._who(c.lost_by, c.lost_from)),
            ColumnSpec(self.tr("Kept now"), lambda c: _value_text(c.won_value)),
            ColumnSpec(self.tr("Typed by "), lambda c: self._who(c.won_by, c.won_from)),
            ColumnSpec(self.tr("Here"), lambda c: self.tr("this laptop's value kept")
                       if c.kept_here else self.tr("this laptop's value replaced")),
        ], self)
        self.conflict_table = RowTableView(self.conflict_model,
                                           accessible_name=self.tr("Conflicts"))
        layout.addWidget(self.conflict_table, 1)
        buttons = QHBoxLayout()
        self.use_ours_button = QPushButton(self.tr("Use the value that lost"))
        self.keep_button = QPushButton(self.tr("Keep the value now shown"))
        self.use_ours_button.clicked.connect(lambda: self._resolve("lost"))
        self.keep_button.clicked.connect(lambda: self._resolve("won"))
        buttons.addStretch(1)
        buttons.addWidget(self.use_ours_button)
        buttons.addWidget(self.keep_button)
        layout.addLayout(buttons)
        return page

    def _resolve(self, use: str) -> None:
        conflict: ConflictView | None = self.conflict_table.selected_row()
        if conflict is None:
            return
        try:
            self.desk.sharing.resolve_conflict(conflict.id, use)
        except Exception as error:  # shown to the person, logged by show_error
            show_error(self, error)
        self.refresh()
        self.sig_data_changed.emit()

    # -- history ---------------------------------------------------------------------
    def _history_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.history_model: RowTableModel[ImportBatch] = RowTableModel([
            ColumnSpec(self.tr("When"), lambda b: _local_time(b.imported_at),
                       sort=lambda b: b.imported_at),
            ColumnSpec(self.tr("File"), lambda b: Path(b.source).name),
            ColumnSpec(self.tr("From"), lambda b: b.from_organization or b.from_device[:8]),
            ColumnSpec(self.tr("What it changed"), lambda b: ", ".join(
                f"{v} {k}" for k, v in b.summary.items() if v and k != "unchanged")),
            ColumnSpec(self.tr("Undone"), lambda b: self.tr("yes") if b.undone else ""),
        ], self)
        self.history_table = RowTableView(self.history_model,
                                          accessible_name=self.tr("Import history"))
        layout.addWidget(self.history_table, 1)
        buttons = QHBoxLayout()
        self.undo_button = QPushButton(self.tr("Undo this import…"))
        self.undo_button.setIcon(icon("undo"))
        self.undo_button.clicked.connect(self.undo_selected)
        buttons.addStretch(1)
        buttons.addWidget(self.undo_button)
        layout.addLayout(buttons)
        return page

    def undo_selected(self) -> None:
        batch: ImportBatch | None = self.history_table.selected_row()
        if batch is None or batch.undone:
            return
        try:
            check = self.desk.sharing.check_undo(batch.id)
        except Exception as error:  # shown to the person, logged by show_error
            show_error(self, error)
            return
        question = self.tr("Put back the {n} records this import changed as they were "
                           "before?").format(n=f"{check.touched:,}")
        if check.edited_since:
            names = ", ".join(e.title or e.record_id for e in check.edited_since[:8])
            question += "\n\n" + self.tr(
                "{n} of them were changed after the import ({names}). Their later changes "
                "will be replaced (they stay in each record's history).").format(
                    n=len(check.edited_since), names=names)
        answer = QMessageBox.question(self, self.tr("Undo import"), question)
        if answer != QMessageBox.StandardButton.Yes:
            return
        sharing, confirm = self.desk.sharing, bool(check.edited_since)

        def work(progress: Progress) -> Any:
            return sharing.undo_import(batch.id, confirm=confirm, progress=progress)

        def failed(error: BaseException) -> None:
            if not isinstance(error, EditedSinceError):
                show_error(self, error)
            self.refresh()

        self.task = (DeskOp(self, work).success(lambda _r: self._undone()).failure(failed)
                     .with_progress(self.tr("Undoing the import…")).run_in_background())

    def _undone(self) -> None:
        self.refresh()
        self.sig_data_changed.emit()

    # -- everything --------------------------------------------------------------------
    def refresh(self) -> None:
        current = self.partnership_box.currentData()
        self.partnership_box.clear()
        for ship in self.desk.partnerships.list():
            self.partnership_box.addItem(ship.title, ship.id)
        if current:
            self.partnership_box.setCurrentIndex(max(self.partnership_box.findData(current), 0))
        self.set_selection(self.selection)
        conflicts = self.desk.sharing.conflicts()
        batches = self.desk.sharing.imports()
        self._device_names = {device: self._device_name(device, batches)
                              for c in conflicts for device in (c.won_from, c.lost_from)}
        self.conflict_model.set_rows(conflicts)
        self.conflict_table.resizeColumnsToContents()
        self.tabs.setTabText(2, self.tr("Conflicts ({n})").format(n=len(conflicts))
                             if conflicts else self.tr("Conflicts"))
        self.history_model.set_rows(batches)
        self.history_table.resizeColumnsToContents()

    def _who(self, name: str, device: str) -> str:
        """A person's name when a bundle told it, else the laptop as a person knows it."""
        if name and not name.startswith("a laptop ("):
            return name
        return self._device_names.get(device, name)

    def _device_name(self, device: str, batches: list[ImportBatch]) -> str:
        """A laptop as a person knows it: this one, or the organization that sent it."""
        if device == self.desk.store.device_id:
            return self.tr("this laptop")
        for batch in batches:
            if batch.from_device == device and batch.from_organization:
                return self.tr("a laptop at {org}").format(org=batch.from_organization)
        return self.tr("another laptop ({id})").format(id=device[:8])


if __name__ == "__main__":
    import sys
    import tempfile

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    sample = Desk.open(Path(tempfile.mkdtemp()) / "sample.db")
    sample.load_sample_data()
    view = SharingView(sample)
    view.resize(900, 600)
    view.show()
    sys.exit(app.exec())
