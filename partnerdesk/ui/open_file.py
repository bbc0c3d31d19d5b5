"""Opening a `.partnerdesk` file from the desktop: start the import preview for it.

Three ways a bundle arrives: on the command line (Linux and Windows file associations,
see `partnerdesk.desktop`), as a macOS "open document" event (QFileOpenEvent, also sent
when the app is already running), or later, by the person choosing it in the Sharing
screen. The first two end here, in `handle_open_file`, which hands the file to the
Sharing screen's own preview, so there is one import path with one set of checks
(passphrase, preview, one transaction).
"""

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtGui import QFileOpenEvent, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from partnerdesk.desktop import BUNDLE_SUFFIX, DESKTOP_ID
from partnerdesk.paths import resources_dir
from partnerdesk.ui.main_window import MainWindow

SHARING_KEY = "sharing"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def _tr(text: str) -> str:
    return QCoreApplication.translate("OpenFile", text)


def application_icon() -> QIcon:
    """The PartnerDesk icon at every size shipped, for windows and the task bar."""
    icon = QIcon()
    for size in ICON_SIZES:
        png = resources_dir() / "icons" / f"partnerdesk-{size}.png"
        if png.is_file():
            icon.addFile(str(png))
    return icon


def prepare_application(app: QApplication) -> None:
    """Icon, and the desktop file name Wayland uses to match the window to its launcher."""
    app.setWindowIcon(application_icon())
    QGuiApplication.setDesktopFileName(DESKTOP_ID)


def _problem(window: QWidget, text: str) -> None:
    QMessageBox.warning(window, _tr("Open a PartnerDesk file"), text)


def handle_open_file(window: MainWindow, path: Path | str) -> bool:
    """Show the Sharing screen with the import preview of `path`. False if it could not.

    Nothing is imported here: the preview asks the person before anything changes."""
    path = Path(path)
    if window.desk is None:
        return False  # no database is open (the person closed the welcome); nothing to do
    if not path.is_file():
        _problem(window, _tr("The file {name} could not be found. It may have been moved or "
                             "deleted; find it again and open it from the Sharing screen.")
                 .format(name=path.name))
        return False
    if path.suffix.lower() != BUNDLE_SUFFIX:
        _problem(window, _tr("{name} is not a PartnerDesk file. PartnerDesk opens files whose "
                             "names end in .partnerdesk.").format(name=path.name))
        return False
    key, view = sharing_screen(window)
    window.show_view(key)
    for index in range(view.tabs.count()):  # the "Bring records in" tab
        if view.tabs.widget(index).isAncestorOf(view.preview_table):
            view.tabs.setCurrentIndex(index)
    view.load_preview(path)
    return True


def sharing_screen(window: MainWindow) -> tuple[str, Any]:
    """The window's Sharing screen; added if this window has none yet."""
    from partnerdesk.ui.sharing_view import SharingView

    if window.has_view(SHARING_KEY):
        return SHARING_KEY, window.view(SHARING_KEY)
    view = SharingView(window.desk)
    window.add_view(SHARING_KEY, _tr("Sharing"), view)
    return SHARING_KEY, view


class FileOpenFilter(QObject):
    """Catches macOS "open this document" events, sent to the application object."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.pending: list[Path] = []

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # Every event of the application passes here: anything but FileOpen goes on at once,
        # without a call back into Qt (a failure in this filter would take the app down).
        if event.type() != QEvent.Type.FileOpen or not isinstance(event, QFileOpenEvent):
            return False
        path = Path(event.file())
        if self.window.desk is None:
            self.pending.append(path)  # the database is still opening
        else:
            handle_open_file(self.window, path)
        return True

    def flush(self) -> None:
        """Open the files that arrived before the database was ready."""
        pending, self.pending = self.pending, []
        for path in pending:
            handle_open_file(self.window, path)
