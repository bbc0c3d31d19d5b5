"""First run: our organization's name, an optional logo for letterheads, and an offer to
load the sample data to look around with.

Decision: the sample data has its own "us" organization; ours is created after it and
becomes "us" (only one organization can be), so the sample partners stay as they are
and our letterhead shows our own name and logo.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
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


def needs_welcome(desk: "Desk") -> bool:
    """A database with no organization at all (and none deleted) is a first run."""
    return not desk.organizations.count() and not desk.organizations.count(deleted=True)


class WelcomeDialog(QDialog):
    sig_done = Signal(str)
    """Our organization was created: its id."""

    def __init__(self, desk: "Desk", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.logo_bytes: bytes | None = None
        self.organization_id: str | None = None
        self.setWindowTitle(self.tr("Welcome to PartnerDesk"))
        intro = QLabel(self.tr(
            "<h2>Welcome to PartnerDesk</h2>"
            "<p>PartnerDesk keeps your partner organizations, contacts, agreements and "
            "meetings in one place on this computer. First, tell it who you are.</p>"))
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
        form.addRow(self.tr("Our organization's &name:"), self.name)
        form.addRow("", self.name_problem)
        self.form = form
        form.addRow(self.tr("Logo:"), logo_box)
        form.addRow("", self.logo_problem)
        form.addRow("", self.sample)
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
        self._update()
        self.form.setRowVisible(self.logo_problem, False)
        # The wrapped introduction is taller at this width than Qt's minimum-size guess:
        # ask the layout for the height at 560 pixels, or the rows below it overlap.
        height = layout.totalHeightForWidth(560) if layout.hasHeightForWidth() else 0
        self.resize(560, max(height, self.sizeHint().height()))
        self.setMinimumHeight(self.height())

    def _update(self) -> None:
        ok = bool(self.name.text().strip())
        self.ok_button.setEnabled(ok)
        self.form.setRowVisible(self.name_problem, not ok)

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
        if not self.name.text().strip():
            return
        self.ok_button.setEnabled(False)
        if self.sample.isChecked():
            desk = self.desk
            DeskOp(self, lambda _progress: desk.load_sample_data()) \
                .success(lambda _result: self._finish()).failure(self._failed) \
                .with_progress(self.tr("Loading the sample data…"), cancellable=False) \
                .run_in_background()
        else:
            self._finish()

    def _failed(self, error: BaseException) -> None:
        self.ok_button.setEnabled(True)
        show_error(self, error)

    def _finish(self) -> None:
        values: dict[str, Any] = {"name": self.name.text().strip(), "is_us": True,
                                  "status": "active"}
        try:
            if self.logo_bytes:
                values["logo_sha256"] = self.desk.attachments.store_bytes(self.logo_bytes)
            row = self.desk.organizations.create(**values)
        except PartnerDeskError as error:
            self._failed(error)
            return
        self.organization_id = row.id
        self.sig_done.emit(row.id)
        super().accept()
