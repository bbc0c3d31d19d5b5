"""An office database on a PostgreSQL server, from the File menu.

`OfficeDialog` asks where the office database is: host, port, database, user, password
and how the connection is encrypted (TLS on unless the person turns it off for a
private network; "verify-full" also checks the server's certificate). The password is
handed back to the caller and never written into the address.

File → Move to office database… copies the open file into an empty office database
(`services.office.move_to_server`) on the database worker, with a progress dialog; the
file stays as it was and stays open.
"""

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from partnerdesk.db.server import ServerAddress
    from partnerdesk.services.office import MoveResult
    from partnerdesk.ui.main_window import MainWindow

DEFAULT_PORT = 5432
# sslmode for each choice of the TLS box, in its order.
TLS_CHOICES = ("require", "verify-full", "disable")


def _tr(text: str) -> str:
    return QCoreApplication.translate("Office", text)


class OfficeDialog(QDialog):
    """Where the office database is, and the password for it."""

    def __init__(self, parent: QWidget | None, title: str, accept_text: str,
                 address: "ServerAddress | None" = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("office_dialog")
        self.host = QLineEdit(self)
        self.host.setObjectName("office_host")
        self.host.setPlaceholderText(_tr("office-server.example.org"))
        self.port = QSpinBox(self)
        self.port.setObjectName("office_port")
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.database = QLineEdit(self)
        self.database.setObjectName("office_database")
        self.database.setPlaceholderText("partnerdesk")
        self.user = QLineEdit(self)
        self.user.setObjectName("office_user")
        self.password = QLineEdit(self)
        self.password.setObjectName("office_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.tls = QComboBox(self)
        self.tls.setObjectName("office_tls")
        self.tls.addItems([
            _tr("Encrypted (TLS)"),
            _tr("Encrypted, and check the server's certificate (verify-full)"),
            _tr("Not encrypted (only on this computer or a private office network)")])
        from partnerdesk.services.passwords import keyring_available

        self.remember = QCheckBox(_tr("&Remember the password in this computer's keyring"),
                                  self)
        self.remember.setObjectName("office_remember")
        self.keyring_note = QLabel(self)
        self.keyring_note.setObjectName("office_keyring_note")
        self.keyring_note.setWordWrap(True)
        if keyring_available():
            self.remember.setChecked(True)
            self.keyring_note.hide()
        else:
            self.remember.setChecked(False)
            self.remember.setEnabled(False)
            self.keyring_note.setText(_tr(
                "This computer has no keyring to keep passwords in, so PartnerDesk will ask "
                "for the password each time. It is never written to a settings file."))
        self.problem = QLabel(self)
        self.problem.setObjectName("office_problem")
        self.problem.setWordWrap(True)
        from partnerdesk.ui.theme import set_tone

        set_tone(self.problem, "danger")
        form = QFormLayout()
        form.addRow(_tr("&Server:"), self.host)
        form.addRow(_tr("P&ort:"), self.port)
        form.addRow(_tr("&Database:"), self.database)
        form.addRow(_tr("&User:"), self.user)
        form.addRow(_tr("&Password:"), self.password)
        form.addRow(_tr("&Connection:"), self.tls)
        form.addRow("", self.remember)
        form.addRow("", self.keyring_note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(accept_text)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel(_tr("The person who set up the office database can tell you these."),
                       self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        for field in (self.host, self.database, self.user):
            field.textChanged.connect(self._check)
        self.tls.currentIndexChanged.connect(self._check)
        if address is not None:
            self.show_address(address)
        self._check()

    def show_address(self, address: "ServerAddress") -> None:
        url = address.url
        self.host.setText(url.host or "localhost")
        self.port.setValue(url.port or DEFAULT_PORT)
        self.database.setText(url.database or "")
        self.user.setText(url.username or "")
        mode = str(url.query.get("sslmode", "require"))
        self.tls.setCurrentIndex(TLS_CHOICES.index(mode) if mode in TLS_CHOICES else 0)

    def address_text(self) -> str:
        """The address, postgresql://user@host:port/database?sslmode=..., no password."""
        from partnerdesk.db.server import address_text

        return address_text(host=self.host.text(), port=self.port.value(),
                            database=self.database.text(), user=self.user.text(),
                            sslmode=TLS_CHOICES[self.tls.currentIndex()])

    def password_text(self) -> str:
        return self.password.text()

    def _check(self) -> bool:
        from partnerdesk.db.server import parse_address
        from partnerdesk.errors import PartnerDeskError

        missing = [name for name, field in ((_tr("the server"), self.host),
                                            (_tr("the database"), self.database),
                                            (_tr("the user"), self.user))
                   if not field.text().strip()]
        message = ""
        if missing:
            message = _tr("Fill in {fields}.").format(fields=", ".join(missing))
        else:
            try:
                parse_address(self.address_text())
            except PartnerDeskError as error:
                message = error.message
        self.problem.setText(message)
        self.problem.setVisible(bool(message))
        self.ok_button.setEnabled(not message)
        return not message

    def _accept(self) -> None:
        if self._check():
            self.accept()


# -- File → Move to office database… ------------------------------------------------------
def build_office_actions(window: "MainWindow") -> list[QAction]:
    """[Connect to office database…, Move to office database…] for the File menu."""
    from partnerdesk.ui.icons import icon

    connect = QAction(icon("connect_office"), _tr("&Connect to office database…"), window)
    connect.setObjectName("connect_to_office")
    connect.setToolTip(_tr("Open the office database on a server that several people "
                           "use at once (this database is closed)"))
    connect.setStatusTip(connect.toolTip())
    connect.triggered.connect(lambda: connect_to_office(window))
    window.connect_to_office_action = connect  # type: ignore[attr-defined]
    move = QAction(icon("move_to_office"), _tr("&Move to office database…"), window)
    move.setObjectName("move_to_office")
    move.setToolTip(_tr("Copy this database into an empty office database on a server, "
                        "for several people at once (this file stays as it is)"))
    move.setStatusTip(move.toolTip())
    move.setEnabled(window.desk is not None and window.desk.address is None)
    move.triggered.connect(lambda: move_to_office(window))
    window.move_to_office_action = move  # type: ignore[attr-defined]
    return [connect, move]


def move_to_office(window: "MainWindow") -> None:
    """Ask where, then copy the open file there in the background."""
    from partnerdesk.services.office import move_to_server
    from partnerdesk.ui.tasks import DeskOp

    desk = window.desk
    if desk is None or desk.address is not None:
        return
    if not window.ask_about_unsaved():
        return
    dialog = OfficeDialog(window, _tr("Move to office database"), _tr("&Move"))
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        url, password = dialog.address_text(), dialog.password_text() or None
    finally:
        dialog.deleteLater()
    source = desk.path
    (DeskOp(window, lambda progress: move_to_server(source, url, password=password,
                                                    progress=progress, hold_lock=False))
     .success(lambda result: _moved(window, result))
     .with_progress(_tr("Moving the records to the office database…"))
     .run_in_background())


def _moved(window: "MainWindow", result: "MoveResult") -> None:
    text = _tr("{records} records, {history} history entries and {files} attachment files "
               "were copied to {address} and checked. This file was left as it was.").format(
        records=f"{result.records:,}", history=f"{result.history:,}",
        files=f"{result.attachments:,}", address=result.address)
    if result.missing_files:
        text += "\n\n" + _tr("These attachments had no stored file here, so only their "
                             "records moved: {names}").format(
            names=", ".join(result.missing_files[:10]))
    window.last_move = result  # type: ignore[attr-defined]
    QMessageBox.information(window, _tr("Moved to the office database"), text)


# -- File → Connect to office database… ---------------------------------------------------
RECENT_OFFICES_KEY = "databases/recent_offices"


def recent_offices(window: "MainWindow") -> list[str]:
    """Office databases connected to, newest first: addresses without passwords."""
    value = window.settings.value(RECENT_OFFICES_KEY, [])
    if isinstance(value, str):
        value = [value]
    return [str(item) for item in (value or []) if str(item)]


def remember_office(window: "MainWindow", shown: str) -> None:
    from partnerdesk.ui.databases import RECENT_COUNT

    kept = [shown, *[item for item in recent_offices(window) if item != shown]]
    window.settings.setValue(RECENT_OFFICES_KEY, kept[:RECENT_COUNT])
    window.settings.sync()


def add_recent_offices(window: "MainWindow", menu: QMenu, number: int) -> int:
    """The office databases of the Open Recent menu, after its files; how many."""
    current = str(window.desk.address) if window.desk and window.desk.address else None
    shown = [item for item in recent_offices(window) if item != current]
    if shown and number > 1:
        menu.addSeparator()
    for offset, address in enumerate(shown):
        label = address.split("?")[0].replace("postgresql://", "")
        action = menu.addAction(f"&{number + offset} {label}" if number + offset < 10
                                else label)
        action.setToolTip(address)
        action.setData(address)
        action.triggered.connect(lambda _=False, a=address: connect_to_office(window, a))
    return len(shown)


def connect_to_office(window: "MainWindow", address: str | None = None) -> None:
    """Ask for the office database (filled in when it was used before, the password from
    the keyring), then open it in the background and show it like File → Open."""
    from partnerdesk.db.server import parse_address
    from partnerdesk.errors import PartnerDeskError
    from partnerdesk.services.passwords import saved_password

    known = None
    if address:
        try:
            known = parse_address(address)
        except PartnerDeskError:
            known = None
    dialog = OfficeDialog(window, _tr("Connect to office database"), _tr("&Connect"), known)
    if known is not None:
        dialog.password.setText(saved_password(known.shown()) or "")
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        url, password = dialog.address_text(), dialog.password_text()
        keep = dialog.remember.isChecked()
    finally:
        dialog.deleteLater()
    if not window.ask_about_unsaved():
        return
    open_office(window, url, password, keep)


def open_office(window: "MainWindow", url: str, password: str, keep: bool) -> None:
    """Connect off the UI thread (a server far away may take seconds to answer); a
    refusal (a wrong password, say) is a sentence, and nothing changes here."""
    from partnerdesk.services import Desk
    from partnerdesk.ui.tasks import DeskOp

    def opened(desk: Desk) -> None:
        from partnerdesk.services.passwords import forget_password, keep_password
        from partnerdesk.ui.databases import show_opened

        shown = str(desk.address)
        if keep and password:
            keep_password(shown, password)
        elif not keep:
            forget_password(shown)
        new = show_opened(window, desk, shown)
        if new is None:
            desk.close()
            return
        remember_office(new, shown)

    (DeskOp(window, lambda _progress: Desk.open_server(url, password=password or None))
     .success(opened)
     .with_progress(_tr("Connecting to the office database…"), cancellable=False)
     .without_database()
     .run_in_background())
