"""Help → User guide: the short guide shipped with the app, opened in the person's browser.

The guide is plain HTML with its pictures beside it (resources/guide/), so it reads the
same offline, from a wheel, a source checkout or the frozen bundle (paths.resources_dir
finds all three), and a browser gives zoom, search and printing for free.
"""

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from partnerdesk.paths import resources_dir
from partnerdesk.ui.icons import icon

GUIDE_FILE = "index.html"
# Sections of the guide a menu item may jump to (ids in resources/guide/index.html).
PATIENT_SECTION = "patient-information"


def _tr(text: str) -> str:
    return QCoreApplication.translate("Help", text)


def guide_path() -> Path:
    return resources_dir() / "guide" / GUIDE_FILE


def guide_url(section: str = "") -> QUrl:
    url = QUrl.fromLocalFile(str(guide_path()))
    if section:
        url.setFragment(section)
    return url


def open_user_guide(parent: QWidget | None, section: str = "") -> bool:
    """Open the guide (at `section`, if given). False, after telling the person, if not."""
    path = guide_path()
    if not path.is_file():
        QMessageBox.warning(parent, _tr("User guide"), _tr(
            "The user guide is missing from this installation. Reinstall PartnerDesk to "
            "put it back."))
        return False
    if QDesktopServices.openUrl(guide_url(section)):
        return True
    QMessageBox.information(parent, _tr("User guide"), _tr(
        "PartnerDesk could not open a web browser on this computer. You can open the "
        "guide yourself: it is the file {path}").format(path=path))
    return False


def add_help_actions(menu: QMenu, parent: QWidget) -> list[QAction]:
    """Put "User guide" (F1) and "Keeping patient information out" at the top of `menu`."""
    guide = QAction(_tr("&User guide"), parent)
    guide.setShortcuts(QKeySequence.StandardKey.HelpContents)
    guide.setToolTip(_tr("How to use PartnerDesk, with pictures (opens in your browser)"))
    guide.setStatusTip(guide.toolTip())
    guide.setObjectName("help_user_guide")
    guide.setIcon(icon("guide"))
    guide.triggered.connect(lambda: open_user_guide(parent))
    patients = QAction(_tr("&What not to store"), parent)
    patients.setToolTip(_tr("Why patient information does not belong in PartnerDesk"))
    patients.setStatusTip(patients.toolTip())
    patients.setObjectName("help_patient_information")
    patients.setIcon(icon("warning"))
    patients.triggered.connect(lambda: open_user_guide(parent, PATIENT_SECTION))
    first = menu.actions()[0] if menu.actions() else None
    menu.insertActions(first, [guide, patients])  # type: ignore[arg-type]
    if first is not None:
        menu.insertSeparator(first)
    return [guide, patients]
