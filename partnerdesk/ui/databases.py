"""File → New database…, Open database… and Open Recent: which database the window shows.

Switching databases does not restart the program. The order is chosen so nothing is lost
and a failure changes nothing: first the unsaved-changes prompt of the open screens
(Cancel stops here), then the other database is opened (a damaged or foreign file is
named, and the current one stays open), then a new window is built on it, the welcome
asked on a new one, and only when that succeeded is the old window closed and its
database released. A new window rather than emptying the old one: every screen, undo
step and background task belongs to one database, and none of them can then outlive it.

The recent list is kept in the app's settings (QSettings, `RECENT_KEY`), newest first,
at most `RECENT_COUNT`; a file that has gone missing is named and taken off the list.
"""

import contextlib
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QMessageBox, QWidget

from partnerdesk.ui.icons import icon

if TYPE_CHECKING:
    from partnerdesk.services import Desk
    from partnerdesk.ui.main_window import MainWindow

RECENT_KEY = "databases/recent"
RECENT_COUNT = 10
DB_SUFFIX = ".db"
FILE_FILTER = "PartnerDesk databases (*.db);;All files (*)"

# The windows switched to: a top-level window needs a Python reference to stay alive.
_windows: list["MainWindow"] = []


def _tr(text: str) -> str:
    return QCoreApplication.translate("Databases", text)


# -- the recent list ---------------------------------------------------------------------
def recent_paths(settings: QSettings | None = None) -> list[Path]:
    """Newest first, as stored (missing files included: they are named when chosen)."""
    value = (settings or QSettings()).value(RECENT_KEY, [])
    if isinstance(value, str):  # QSettings gives a one-item list back as a string
        value = [value]
    return [Path(str(item)) for item in (value or []) if str(item)]


def _store(paths: list[Path], settings: QSettings | None) -> None:
    settings = settings or QSettings()
    settings.setValue(RECENT_KEY, [str(p) for p in paths[:RECENT_COUNT]])
    settings.sync()


def remember(path: Path, settings: QSettings | None = None) -> None:
    """Put `path` first in the recent list."""
    path = Path(path).resolve()
    _store([path, *[p for p in recent_paths(settings) if p != path]], settings)


def forget(path: Path, settings: QSettings | None = None) -> None:
    _store([p for p in recent_paths(settings) if p != Path(path)], settings)


def startup_path(settings: QSettings | None = None) -> Path | None:
    """The database to open when none is named (no --db, no PARTNERDESK_DB): the one
    used last, if it is still there; None means the usual one in the data folder."""
    for path in recent_paths(settings)[:1]:
        if path.is_file():
            return path
    return None


# -- the menu ----------------------------------------------------------------------------
def build_database_actions(window: "MainWindow") -> list[QAction]:
    """[New database…, Open database…, Open Recent ▸] for the top of the File menu."""
    new = QAction(icon("new_database"), _tr("New &database…"), window)
    new.setObjectName("new_database")
    new.setToolTip(_tr("Start a new, empty database in a file you choose"))
    new.setStatusTip(new.toolTip())
    new.setShortcut(QKeySequence("Ctrl+Shift+N"))
    new.triggered.connect(lambda: new_database(window))
    opener = QAction(icon("open_database"), _tr("&Open database…"), window)
    opener.setObjectName("open_database")
    opener.setShortcuts(QKeySequence.StandardKey.Open)
    opener.setToolTip(_tr("Open another PartnerDesk database (this one is closed)"))
    opener.setStatusTip(opener.toolTip())
    opener.triggered.connect(lambda: open_database(window))
    recent = QMenu(_tr("Open &Recent"), window)
    recent.setObjectName("recent_menu")
    recent.menuAction().setObjectName("recent_databases")
    recent.setIcon(icon("recent"))
    recent.aboutToShow.connect(lambda: fill_recent_menu(window, recent))
    fill_recent_menu(window, recent)
    window.addActions([new, opener])
    window.recent_menu = recent  # type: ignore[attr-defined]
    return [new, opener, recent.menuAction()]


def fill_recent_menu(window: "MainWindow", menu: QMenu) -> None:
    menu.clear()
    current = window.desk.path.resolve() if window.desk else None
    shown = [p for p in recent_paths(window.settings) if p != current]
    for number, path in enumerate(shown, start=1):
        text = f"&{number} {path.name}" if number < 10 else path.name
        action = menu.addAction(text)
        action.setToolTip(str(path))
        action.setStatusTip(str(path))
        action.setData(str(path))
        action.triggered.connect(lambda _=False, p=path: open_recent(window, p))
    from partnerdesk.ui.office import add_recent_offices

    offices = add_recent_offices(window, menu, len(shown) + 1)
    if not shown and not offices:
        empty = menu.addAction(_tr("No other databases opened yet"))
        empty.setEnabled(False)
        return
    menu.addSeparator()
    clear = menu.addAction(_tr("&Clear the list"))
    clear.setObjectName("clear_recent")
    clear.triggered.connect(lambda: _store([current] if current else [], window.settings))


# -- choosing a file ---------------------------------------------------------------------
def _start_folder(window: "MainWindow") -> str:
    return str(window.desk.path.parent) if window.desk else str(Path.home())


def new_database(window: "MainWindow") -> "MainWindow | None":
    chosen, _ = QFileDialog.getSaveFileName(
        window, _tr("New database"), str(Path(_start_folder(window)) / "partnerdesk.db"),
        _tr(FILE_FILTER))
    if not chosen:
        return None
    path = Path(chosen)
    if not path.suffix:
        path = path.with_suffix(DB_SUFFIX)
    if path.exists() and path.stat().st_size > 0:
        # The save dialog asked before replacing; we never empty a file: open it instead.
        QMessageBox.information(window, _tr("New database"), _tr(
            "{name} already holds records, so PartnerDesk opens it rather than replacing it. "
            "To start afresh, choose a new file name.").format(name=path.name))
        return switch_to(window, path)
    return switch_to(window, path, create=True)


def open_database(window: "MainWindow") -> "MainWindow | None":
    chosen, _ = QFileDialog.getOpenFileName(window, _tr("Open database"),
                                            _start_folder(window), _tr(FILE_FILTER))
    return switch_to(window, Path(chosen)) if chosen else None


def open_recent(window: "MainWindow", path: Path) -> "MainWindow | None":
    if not path.is_file():
        forget(path, window.settings)
        QMessageBox.warning(window, _tr("Open Recent"), _tr(
            "The database {path} is not there any more: it may have been moved, renamed or "
            "deleted, or its drive is not plugged in. It has been taken off the list; use "
            "File → Open database… to find it.").format(path=path))
        return None
    return switch_to(window, path)


# -- switching ---------------------------------------------------------------------------
def switch_to(window: "MainWindow", path: Path, create: bool = False,
              today: date | None = None) -> "MainWindow | None":
    """Show the database at `path` (create it when `create`) in place of the window's.

    Returns the window now showing it, or None when nothing changed (the person
    cancelled, or the file could not be opened: they were told why)."""
    from partnerdesk.errors import PartnerDeskError
    from partnerdesk.services import Desk
    from partnerdesk.ui.errors import show_error

    path = Path(path).expanduser().resolve()
    if window.desk is not None and path == window.desk.path.resolve():
        window.statusBar().showMessage(_tr("{name} is the database already open.").format(
            name=path.name), 6000)
        return window
    if not create and not path.is_file():
        return open_recent(window, path)
    if not window.ask_about_unsaved():
        return None
    existed = path.exists()
    try:
        desk = Desk.open(path, backup_in_background=True)
    except PartnerDeskError as error:
        show_error(window, error)
        return None
    new = show_opened(window, desk, path, create=create, today=today)
    if new is None:
        if create and not existed:
            _remove_new_file(path)
        return None
    remember(path, new.settings)
    return new


def show_opened(window: "MainWindow", desk: "Desk", shown: object, create: bool = False,
                today: date | None = None) -> "MainWindow | None":
    """Show an opened database in a new window in place of `window`'s (a file, or an
    office database: File → Connect to office database…). None: the welcome was
    cancelled, and the old database stays open (the caller closes `desk`)."""
    from partnerdesk.ui.app import close_desk, show_desk
    from partnerdesk.ui.main_window import MainWindow

    window.save_settings()
    new = MainWindow(window.settings)
    new.setGeometry(window.geometry())
    new.show_opening(shown)
    if show_desk(new, desk, today=today or window.today) is None:
        new.deleteLater()  # the welcome was cancelled: the old database stays open
        return None
    if create:
        new.show_view("dashboard")
    _keep(new)
    _move_file_filter(window, new)
    new.show()
    new.activateWindow()
    old_desk = window.desk
    _release(window)
    if old_desk is not None:
        close_desk(old_desk)
    new.statusBar().showMessage(_tr("Opened {path}").format(path=shown), 8000)
    return new


def _keep(window: "MainWindow") -> None:
    _windows.append(window)
    window.destroyed.connect(lambda *_: _windows.remove(window) if window in _windows else None)


def _release(window: "MainWindow") -> None:
    """The old window goes without asking again (its edits were dealt with)."""
    for view in window.views.values():
        editor = getattr(view, "editor", None)
        if editor is not None and editor.is_dirty():
            editor._set_dirty(False)  # the person chose Discard already
    app = QApplication.instance()
    quits = isinstance(app, QApplication) and app.quitOnLastWindowClosed()
    if quits:
        app.setQuitOnLastWindowClosed(False)  # type: ignore[union-attr]
    window.close()
    if quits:
        app.setQuitOnLastWindowClosed(True)  # type: ignore[union-attr]
    window.desk = None
    window.deleteLater()


def _move_file_filter(old: QWidget, new: "MainWindow") -> None:
    """macOS "open this file" events go to the window now showing a database."""
    from partnerdesk.ui.open_file import FileOpenFilter

    app = QApplication.instance()
    if app is None:
        return
    for child in old.findChildren(FileOpenFilter):
        app.removeEventFilter(child)
        app.installEventFilter(FileOpenFilter(new))


def _remove_new_file(path: Path) -> None:
    """A database made a moment ago and left at the welcome: nothing of the person's."""
    for leftover in (path, path.with_name(path.name + "-wal"),
                     path.with_name(path.name + "-shm")):
        with contextlib.suppress(OSError):
            leftover.unlink(missing_ok=True)

