"""First run: start a new PartnerDesk (our organization's name, an optional logo for
letterheads, an offer of sample data to look around with), or join a colleague: open
the bundle they sent, whose organization becomes ours (one record on every laptop).
Either way the dialog asks this person's name, shown to colleagues beside what they
type, unless it is known: this database's setting, or the name given at the last
welcome on this computer (File → New database asks nothing twice); it is then shown,
with a button to change it. The rules are the services' (`services.first_run`,
`desk.sharing.join`).

Decision: the sample data has its own "us" organization; ours is created after it and
becomes "us" (only one organization can be), so the sample partners stay as they are
and our letterhead shows our own name and logo.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.errors import PartnerDeskError
from partnerdesk.ui import theme
from partnerdesk.ui.errors import show_error
from partnerdesk.ui.tasks import DeskOp

if TYPE_CHECKING:  # the welcome module loads before the database layer
    from partnerdesk.services import Desk

MAX_LOGO_BYTES = 5 * 1024 * 1024
YOUR_NAME_KEY = "person/your_name"
"""This computer's settings (QSettings): the name given at the last welcome."""


def known_name(desk: "Desk", settings: QSettings | None = None) -> str:
    """This person's name if it is known already: the database's setting, else the one
    given at the last welcome on this computer ("" when neither)."""
    own = desk.settings.your_name
    if own:
        return own
    value = (settings or QSettings()).value(YOUR_NAME_KEY, "")
    return " ".join(str(value or "").split())[:80]


def remember_name(name: str, settings: QSettings | None = None) -> None:
    if name.strip():
        (settings or QSettings()).setValue(YOUR_NAME_KEY, " ".join(name.split()))


def needs_welcome(desk: "Desk") -> bool:
    """A database with no organization at all (and none deleted) is a first run."""
    from partnerdesk.services.first_run import is_first_run

    return is_first_run(desk)


class WelcomeDialog(QDialog):
    sig_done = Signal(str)
    """Our organization was created: its id."""

    def __init__(self, desk: "Desk", parent: QWidget | None = None,
                 settings: QSettings | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.settings = settings or QSettings()
        self.logo_bytes: bytes | None = None
        self.organization_id: str | None = None
        self.setWindowTitle(self.tr("Welcome to PartnerDesk"))
        intro = QLabel(self.tr(
            "<h2>Welcome to PartnerDesk</h2>"
            "<p>PartnerDesk keeps your partner organizations, contacts, agreements and "
            "meetings in one place on this computer. Start a new one for your "
            "organization, or join a colleague who already uses it.</p>"))
        self.start_choice = QRadioButton(self.tr("Start a &new PartnerDesk"))
        self.start_choice.setAccessibleName(self.tr("Start a new PartnerDesk"))
        self.join_choice = QRadioButton(self.tr(
            "&Join a colleague: open the bundle they sent you"))
        self.join_choice.setAccessibleName(self.tr("Join a colleague"))
        self.join_choice.setToolTip(self.tr(
            "Your colleague exports everything (Sharing, Export) and sends you the file. "
            "Their records, and their organization as yours, come to this computer."))
        self.start_choice.setChecked(True)
        self.bundle_path: Path | None = None
        self.person = QLineEdit()
        self.person.setPlaceholderText(self.tr("For example: Ana Ruiz"))
        self.person.setAccessibleName(self.tr("Your name"))
        self.person.setToolTip(self.tr("Colleagues see it beside the changes you make."))
        # A name known already is shown, not asked for again.
        known = known_name(desk, self.settings)
        self.person.setText(known)
        self.person_shown = QLabel(known)
        self.person_shown.setObjectName("known_name")
        self.person_shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.person_shown.setToolTip(self.tr("Colleagues see it beside the changes you make."))
        self.change_person = QPushButton(self.tr("Change…"))
        self.change_person.setAccessibleName(self.tr("Change your name"))
        self.change_person.clicked.connect(self._ask_name)
        person_box = QWidget()
        person_row = QHBoxLayout(person_box)
        person_row.setContentsMargins(0, 0, 0, 0)
        person_row.addWidget(self.person, 1)
        person_row.addWidget(self.person_shown, 1)
        person_row.addWidget(self.change_person)
        self.person.setVisible(not known)
        self.person_shown.setVisible(bool(known))
        self.change_person.setVisible(bool(known))
        self.bundle_button = QPushButton(self.tr("Choose the &bundle…"))
        self.bundle_button.setAccessibleName(self.tr("Choose the bundle"))
        self.bundle_button.clicked.connect(self.choose_bundle)
        self.bundle_label = QLabel(self.tr("No bundle chosen yet."))
        self.bundle_label.setWordWrap(True)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(self.tr("Passphrase"))
        self.passphrase.setPlaceholderText(self.tr("Only if the bundle is sealed"))
        self.join_problem = QLabel()
        theme.set_tone(self.join_problem, "danger")
        self.join_problem.setWordWrap(True)
        intro.setWordWrap(True)
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("For example: Eastside Community Partners"))
        self.name.setAccessibleName(self.tr("Our organization's name"))
        self.name.setToolTip(self.tr("Shown on the letterhead of every report."))
        self.name_problem = QLabel(self.tr("Type your organization's name to continue."))
        theme.set_tone(self.name_problem, "warning")
        self.logo_preview = QLabel(self.tr("No logo"))
        self.logo_preview.setFixedSize(80, 40)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setStyleSheet("border: 1px solid palette(mid);")
        self.logo_button = QPushButton(self.tr("Choose a &logo…"))
        self.logo_button.setAccessibleName(self.tr("Choose a logo"))
        self.logo_button.setToolTip(self.tr("Optional: a PNG or JPEG picture for letterheads."))
        self.logo_button.clicked.connect(self.choose_logo)
        self.logo_problem = QLabel()
        theme.set_tone(self.logo_problem, "danger")
        self.logo_problem.setWordWrap(True)
        logo_box = QWidget()
        logo_row = QHBoxLayout(logo_box)
        # room above and below the preview in the row's own size: a minimum height set on
        # the box alone let the form lay the next row over it
        logo_row.setContentsMargins(0, 2, 0, 2)
        logo_row.addWidget(self.logo_preview)
        logo_row.addWidget(self.logo_button)
        logo_row.addStretch(1)
        self.sample = QCheckBox(self.tr("Load &sample data to look around (you can delete it "
                                        "later)"))
        self.sample.setAccessibleName(self.tr("Load sample data"))
        self.sample.setToolTip(self.tr("A small made-up network of partners, agreements and "
                                       "meetings."))
        form = QFormLayout()
        form.addRow(self.tr("Your name:"), person_box)
        form.addRow("", self.start_choice)
        form.addRow(self.tr("Our organization's &name:"), self.name)
        form.addRow("", self.name_problem)
        self.form = form
        form.addRow(self.tr("Logo:"), logo_box)
        form.addRow("", self.logo_problem)
        form.addRow("", self.sample)
        form.addRow("", self.join_choice)
        bundle_box = QWidget()
        bundle_row = QHBoxLayout(bundle_box)
        bundle_row.setContentsMargins(0, 0, 0, 0)
        bundle_row.addWidget(self.bundle_button)
        bundle_row.addWidget(self.bundle_label, 1)
        self.bundle_box = bundle_box
        form.addRow(self.tr("Bundle:"), bundle_box)
        form.addRow(self.tr("&Passphrase:"), self.passphrase)
        form.addRow("", self.join_problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("&Start"))
        self.ok_button.setAccessibleName(self.tr("Start"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.name.textChanged.connect(self._update)
        self.start_choice.toggled.connect(self._update)
        self._update()
        self.form.setRowVisible(self.logo_problem, False)
        if known:  # what there is to type first: a space would press Change…
            self.name.setFocus(Qt.FocusReason.OtherFocusReason)
        # The wrapped introduction is taller at this width than Qt's minimum-size guess:
        # ask the layout for the height at 560 pixels, or the rows below it overlap.
        height = layout.totalHeightForWidth(560) if layout.hasHeightForWidth() else 0
        self.resize(560, max(height, self.sizeHint().height()))
        self.setMinimumHeight(self.height())

    def _ask_name(self) -> None:
        """The known name in its field, to be changed."""
        self.person.setVisible(True)
        self.person.setFocus(Qt.FocusReason.OtherFocusReason)  # before its button goes
        self.person.selectAll()
        self.person_shown.setVisible(False)
        self.change_person.setVisible(False)

    @property
    def joining(self) -> bool:
        return self.join_choice.isChecked()

    def _update(self) -> None:
        joining = self.joining
        for widget in (self.name, self.logo_button, self.sample):
            self.form.setRowVisible(widget if widget is not self.logo_button
                                    else self.logo_button.parentWidget(), not joining)
        for widget in (self.bundle_box, self.passphrase):
            self.form.setRowVisible(widget, joining)
        if joining:
            self.form.setRowVisible(self.name_problem, False)
            self.form.setRowVisible(self.logo_problem, False)
            self.form.setRowVisible(self.join_problem, bool(self.join_problem.text()))
            ok = self.bundle_path is not None
            self.ok_button.setText(self.tr("&Join"))
        else:
            self.form.setRowVisible(self.join_problem, False)
            ok = bool(self.name.text().strip())
            self.form.setRowVisible(self.name_problem, not ok)
            self.ok_button.setText(self.tr("&Start"))
        self.ok_button.setEnabled(ok)

    def choose_bundle(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Open the bundle your colleague sent"), str(Path.home()),
            self.tr("PartnerDesk bundles (*.partnerdesk);;All files (*)"))
        if path:
            self.set_bundle(Path(path))

    def set_bundle(self, path: Path) -> None:
        self.bundle_path = path
        self.bundle_label.setText(path.name)
        self.join_problem.setText("")
        self._update()

    def choose_logo(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Choose a logo"), str(Path.home()),
            self.tr("Pictures (*.png *.jpg *.jpeg)"))
        if path:
            self.set_logo(Path(path))

    def set_logo(self, path: Path) -> bool:
        """Check the file is a picture of a sensible size; nothing changes otherwise."""
        problem = ""
        data = b""
        try:
            data = path.read_bytes()
        except OSError:
            problem = self.tr("That file cannot be read. Choose another picture.")
        if not problem and len(data) > MAX_LOGO_BYTES:
            problem = self.tr("That picture is larger than 5 MB. Choose a smaller copy.")
        image = QImage.fromData(data) if not problem else QImage()
        if not problem and image.isNull():
            problem = self.tr("That file is not a picture PartnerDesk can read. Choose a PNG "
                              "or JPEG file.")
        self.logo_problem.setText(problem)
        self.form.setRowVisible(self.logo_problem, bool(problem))
        if problem:
            return False
        self.logo_bytes = data
        self.logo_preview.setPixmap(QPixmap.fromImage(image).scaled(
            self.logo_preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))
        return True

    def accept(self) -> None:
        if self.joining:
            self._join()
            return
        if not self.name.text().strip():
            return
        self.ok_button.setEnabled(False)
        if self.sample.isChecked():
            from partnerdesk.services.first_run import start_new

            desk, name, person = self.desk, self.name.text(), self.person.text()
            logo = self.logo_bytes
            DeskOp(self, lambda _progress: start_new(desk, name, person, logo, sample=True)) \
                .success(self._started).failure(self._failed) \
                .with_progress(self.tr("Loading the sample data…"), cancellable=False) \
                .run_in_background()
        else:
            self._finish()

    def _join(self) -> None:
        if self.bundle_path is None:
            return
        self.ok_button.setEnabled(False)
        desk, path, person = self.desk, self.bundle_path, self.person.text()
        secret = self.passphrase.text() or None
        DeskOp(self, lambda progress: desk.sharing.join(path, person, passphrase=secret,
                                                         progress=progress)) \
            .success(lambda joined: self._started(desk.organizations.get(
                joined.organization_id))) \
            .failure(self._join_failed) \
            .with_progress(self.tr("Bringing in your colleague's records…"),
                           cancellable=False) \
            .run_in_background()

    def _join_failed(self, error: BaseException) -> None:
        """Said in the dialog, so the person can choose another file or type the
        passphrase; nothing was changed."""
        from partnerdesk.sharing.limits import PassphraseNeeded

        self.ok_button.setEnabled(True)
        if isinstance(error, PassphraseNeeded):
            text = self.tr("This bundle is sealed. Type the passphrase your colleague "
                           "gave you, then choose Join again.")
        elif isinstance(error, PartnerDeskError):
            text = error.message
        else:
            show_error(self, error)
            return
        self.join_problem.setText(text)
        self._update()

    def _failed(self, error: BaseException) -> None:
        self.ok_button.setEnabled(True)
        show_error(self, error)

    def _finish(self) -> None:
        from partnerdesk.services.first_run import start_new

        try:
            row = start_new(self.desk, self.name.text(), self.person.text(), self.logo_bytes)
        except PartnerDeskError as error:
            self._failed(error)
            return
        self._started(row)

    def _started(self, row: Any) -> None:
        remember_name(self.person.text(), self.settings)
        self.organization_id = row.id
        self.sig_done.emit(row.id)
        super().accept()
