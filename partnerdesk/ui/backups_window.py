"""The Backups window: see the automatic backups, make one, restore one, choose the folder.

All the work runs in the background (`DeskOp`): reading the backup files beside the
database, copying and restoring on the database worker, so a restore never overlaps a
write; the window only shows plain `BackupInfo` values.
"""

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.db.backup import DamagedDatabaseError
from partnerdesk.db.backup_folder import COUNTED, BackupInfo
from partnerdesk.services import Desk
from partnerdesk.services.backups import Backups, RestoreResult
from partnerdesk.ui.tasks import DeskOp
from partnerdesk.ui.widgets.row_table import ColumnSpec, RowTableModel, RowTableView

COL_DATE, COL_REASON, COL_SIZE = 0, 1, 2  # then one column per kind of record counted


def backup_columns(tr: Callable[[str], str]) -> list[ColumnSpec[BackupInfo]]:
    """Date, why, size, then how many of each kind of record the backup holds."""
    def where(info: BackupInfo) -> str:
        return str(info.path)

    def count_column(key: str, plural: str) -> ColumnSpec[BackupInfo]:
        return ColumnSpec(
            tr(plural.capitalize()),
            lambda info: f"{info.counts.get(key, 0):,}" if info.readable else tr("?"),
            sort=lambda info: info.counts.get(key, -1), tooltip=where, align_right=True)

    return [
        ColumnSpec(tr("Date"), lambda info: info.when_text(),
                   sort=lambda info: info.taken_at, tooltip=where),
        ColumnSpec(tr("Why"), lambda info: tr(info.reason_text()), tooltip=where),
        ColumnSpec(tr("Size"), lambda info: info.size_text(), sort=lambda info: info.size,
                   tooltip=where, align_right=True),
        *[count_column(key, plural) for key, plural, _one in COUNTED],
    ]


class BackupsWindow(QDialog):
    sig_restored = Signal(str)
    """The database was replaced by the backup at this path: screens should reload."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.service = desk.backups
        self.setWindowTitle(self.tr("Backups"))
        self.resize(900, 420)
        intro = QLabel(self.tr(
            "PartnerDesk makes a backup when you open it (once a day) and before every "
            "upgrade, import and restore. Old backups are thinned out: the last 7 days, 5 "
            "weeks and 12 months are kept."))
        intro.setWordWrap(True)
        self.folder_label = QLabel()
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model: RowTableModel[BackupInfo] = RowTableModel(backup_columns(self.tr), self)
        self.table = RowTableView(self.model, accessible_name=self.tr("Backups"))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _index: self.restore_selected())
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.backup_button = QPushButton(self.tr("&Back up now"))
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button = QPushButton(self.tr("&Restore this backup…"))
        self.restore_button.setToolTip(self.tr(
            "Replace the database with the selected backup. The database as it is now is "
            "backed up first."))
        self.restore_button.clicked.connect(self.restore_selected)
        self.folder_button = QPushButton(self.tr("&Choose folder…"))
        self.folder_button.setToolTip(self.tr("Keep backups somewhere else, such as a USB drive."))
        self.folder_button.clicked.connect(self.choose_folder)
        self.default_button = QPushButton(self.tr("Use the &default folder"))
        self.default_button.clicked.connect(self.use_default_folder)
        close_button = QPushButton(self.tr("Close"))
        close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for button in (self.backup_button, self.restore_button, self.folder_button,
                       self.default_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.folder_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._busy = False
        self.refresh()

    # -- showing -----------------------------------------------------------------
    def refresh(self, message: str = "") -> None:
        """Re-read the list; `message` (what was just done) replaces the count below it."""
        folder = self.service.folder()
        default = self.service.default_folder()
        where = (self.tr("Backups are kept in {folder}.") if folder == default else
                 self.tr("Backups are kept in {folder} (chosen by you).")).format(folder=folder)
        self.folder_label.setText(where)
        self.default_button.setEnabled(folder != default)
        self._set_busy(True)
        DeskOp(self, self.service.list).success(lambda rows: self._show(rows, message)) \
            .failure(self._failed).without_database().run_in_background()

    def _show(self, rows: list[BackupInfo], message: str = "") -> None:
        self._set_busy(False)
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(0)
        if message:
            self.status.setText(message)
        elif rows:
            self.status.setText(self.tr("{count} backups.").format(count=len(rows))
                                if len(rows) != 1 else self.tr("1 backup."))
        else:
            self.status.setText(self.tr("There are no backups yet. Click “Back up now” to "
                                        "make one."))
        self._update_buttons()

    def selected(self) -> BackupInfo | None:
        info: BackupInfo | None = self.table.selected_row()
        return info

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_buttons()

    def _update_buttons(self, *_args: object) -> None:
        for button in (self.backup_button, self.folder_button):
            button.setEnabled(not self._busy)
        self.restore_button.setEnabled(not self._busy and self.selected() is not None)

    def _failed(self, error: BaseException) -> None:
        from partnerdesk.ui.errors import show_error

        self._set_busy(False)
        show_error(self, error)

    # -- actions -------------------------------------------------------------------
    def backup_now(self) -> None:
        self._set_busy(True)
        DeskOp(self, lambda progress: self.service.backup_now("manual", progress)) \
            .success(self._backed_up).failure(self._failed) \
            .with_progress(self.tr("Making a backup…"), cancellable=False).run_in_background()

    def _backed_up(self, info: BackupInfo) -> None:
        self.refresh(self.tr("Backup made: {when}.").format(when=info.when_text()))

    def restore_selected(self) -> None:
        info = self.selected()
        if info is None or self._busy:
            return
        answer = QMessageBox.question(
            self, self.tr("Restore this backup?"),
            self.tr("Replace the database with the backup from {when}?\n\nIt holds {holds}.\n\n"
                    "Changes made since then will be replaced. The database as it is now is "
                    "backed up first, so this can be undone by restoring that backup.").format(
                        when=info.when_text(), holds=info.holds_text()))
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._set_busy(True)
        DeskOp(self, lambda progress: self.service.restore(info.path, progress)) \
            .success(lambda _result: self._restored(info)).failure(self._failed) \
            .with_progress(self.tr("Restoring the backup…"), cancellable=False) \
            .run_in_background()

    def _restored(self, info: BackupInfo) -> None:
        self.refresh(self.tr("Restored the backup from {when}. The database as it was before "
                             "is kept as a backup.").format(when=info.when_text()))
        self.sig_restored.emit(str(info.path))

    def choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, self.tr("Choose where to keep backups"), str(self.service.folder()))
        if not chosen:
            return
        self._change_folder(chosen)

    def use_default_folder(self) -> None:
        self._change_folder(None)

    def _change_folder(self, chosen: str | None) -> None:
        from pathlib import Path

        from partnerdesk.errors import PartnerDeskError
        from partnerdesk.ui.errors import show_error

        try:
            self.service.set_folder(Path(chosen) if chosen else None)
        except PartnerDeskError as error:
            show_error(self, error)
            return
        self.refresh()


def offer_restore_for_damaged(parent: QWidget | None, error: DamagedDatabaseError,
                              on_restored: Callable[[RestoreResult], None]) -> bool:
    """At open: say the database is damaged and offer its newest good backup.

    Returns whether a restore was started; `on_restored` runs when it has finished
    (then open the database again). The damaged file is kept aside, never deleted.
    """
    def tr(text: str) -> str:
        return QCoreApplication.translate("BackupsWindow", text)

    if error.backup is None:
        QMessageBox.warning(parent, tr("The database is damaged"), error.message)
        return False
    backup = error.backup
    answer = QMessageBox.question(
        parent, tr("The database is damaged"),
        tr("The database {name} is damaged and cannot be used safely.\n\n"
           "The newest good backup is from {when} and holds {holds}.\n\n"
           "Restore it now? The damaged file is kept aside, never deleted.").format(
               name=error.path.name, when=backup.when_text(), holds=backup.holds_text()))
    if answer != QMessageBox.StandardButton.Yes:
        return False
    service = Backups(error.path)  # no database is open: the backups of its file
    DeskOp(parent, lambda _progress: service.restore(backup.path)).success(on_restored) \
        .with_progress(tr("Restoring the backup…"), cancellable=False).run_in_background()
    return True


if __name__ == "__main__":  # a quick look: python -m partnerdesk.ui.backups_window
    import sys
    import tempfile
    from pathlib import Path

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    demo = Desk.open(Path(tempfile.mkdtemp()) / "demo.db")
    demo.load_sample_data()
    demo.backups.backup_now("daily")
    window = BackupsWindow(demo)
    window.show()
    sys.exit(app.exec())
