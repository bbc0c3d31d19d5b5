"""Help → About: the version, and where the data lives (with a button to open the folder)."""

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from partnerdesk import __version__
from partnerdesk.paths import data_dir


class AboutDialog(QDialog):
    def __init__(self, db_path: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About PartnerDesk"))
        self.db_path = db_path
        self.folder = db_path.parent if db_path else data_dir()
        title = QLabel(self.tr("<h2>PartnerDesk {version}</h2>").format(version=__version__))
        blurb = QLabel(self.tr(
            "Partnerships, agreements, resources and meetings for community organizations "
            "that work with hospitals. Everything is kept on this computer. PartnerDesk is "
            "not meant for patient information: please keep it out."))
        blurb.setWordWrap(True)
        form = QFormLayout()
        self.folder_label = self._selectable(str(self.folder))
        self.db_label = self._selectable(str(db_path) if db_path else self.tr("(none open)"))
        form.addRow(self.tr("Data folder:"), self.folder_label)
        form.addRow(self.tr("Database:"), self.db_label)
        form.addRow(self.tr("Log file:"), self._selectable(str(data_dir() / "partnerdesk.log")))
        self.open_button = QPushButton(self.tr("&Open data folder"))
        self.open_button.setAccessibleName(self.tr("Open data folder"))
        self.open_button.setToolTip(self.tr("Show the folder with your database and backups."))
        self.open_button.clicked.connect(self.open_folder)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(blurb)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(520, 0)

    def _selectable(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setWordWrap(True)
        return label

    def open_folder(self) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder)))
