"""Start the desktop app: `run(db_path, argv)` (the CLI calls it with no sub-command).

The window appears first, with only Qt imported; the database (SQLModel, about a
second of imports) is opened right after the first paint, then the welcome dialog on
a first run, then the screen last shown. The database's quick integrity check starts
in a thread before all of that (SQLite runs it on another core), and the daily backup
starts only once the first screen is on show, in a low-priority child process.
"""

import logging
import os
import pathlib
import sys
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from partnerdesk import __version__
from partnerdesk.db.early_check import EarlyCheck
from partnerdesk.ui import theme
from partnerdesk.ui.errors import install_excepthook, show_error
from partnerdesk.ui.main_window import MainWindow

REPORTS_WARM_UP_MS = 3000
"""How long after the first screen is painted the report process starts its imports."""

if TYPE_CHECKING:
    from partnerdesk.services import Desk


def make_application(argv: list[str]) -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv)
    QCoreApplication.setOrganizationName("PartnerDesk")
    QCoreApplication.setApplicationName("PartnerDesk")
    QCoreApplication.setApplicationVersion(__version__)
    theme.follow_system(app)  # light or dark, as the system is set (and when it changes)
    return app


def open_desk(window: MainWindow, db_path: pathlib.Path | str | None,
              today: date | None = None, checked: EarlyCheck | None = None) -> Any:
    """Open the database into the window (welcome first on a first run). None: not opened.

    `db_path` may be an office database's address (postgresql://...): other people's
    saves there then reach the screens as they happen (`Store.hear_others`).
    `checked`: the quick check `run` started on the file as the program started."""
    from partnerdesk.db.backup import DamagedDatabaseError
    from partnerdesk.errors import PartnerDeskError
    from partnerdesk.services import Desk

    try:
        desk = Desk.open(db_path, checked=checked, backup_in_background=True)
    except DamagedDatabaseError as error:
        from partnerdesk.ui.backups_window import offer_restore_for_damaged

        # Offer the newest good backup; once restored, open again. Never an empty file.
        if not offer_restore_for_damaged(
                window, error, lambda _result: open_desk(window, db_path, today)):
            window.close()
        return None
    except PartnerDeskError as error:
        show_error(window, error)
        window.close()
        return None
    return show_desk(window, desk, today)


def show_desk(window: MainWindow, desk: "Desk", today: date | None = None) -> Any:
    """Show an open database in the window: its place warning, the welcome on a first run
    (cancelled: the database is closed, and so is the window; None), then its screens."""
    if desk.place_warning:  # a cloud-synced folder or a network drive
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(window, window.tr("Where your database is kept"),
                            desk.place_warning)
    from partnerdesk.ui.welcome import WelcomeDialog, needs_welcome, remember_name

    if needs_welcome(desk):
        welcome = WelcomeDialog(desk, window, window.settings)
        if welcome.exec() != WelcomeDialog.DialogCode.Accepted:
            desk.close()
            window.close()
            return None
        welcome.deleteLater()
    window.set_desk(desk, today=today)
    # The daily backup starts once the first screen is on show, in a low-priority process:
    # never before it or beside it.
    after_next_paint(window, desk.start_daily_backup)
    # The report process gets ready a little later, so as not to compete with the lists.
    after_next_paint(window, lambda: QTimer.singleShot(REPORTS_WARM_UP_MS, window,
                                                       desk.reports.warm_up))
    desk.store.hear_others()  # after the screens subscribed: nothing is missed on screen
    # The next new database's welcome knows who this is (File → New database).
    remember_name(desk.settings.your_name, window.settings)
    if desk.address is None:  # the recent list holds files
        from partnerdesk.ui.databases import remember

        remember(desk.path, window.settings)
    app = QCoreApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(lambda: close_desk(desk))
    return desk


class _NextPaint(QObject):
    """Calls back once, from the event loop, just after the window next paints."""

    def __init__(self, window: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(window)
        self.callback = callback
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        # A window paints its changed parts, the new screen among them, while it handles
        # its UpdateRequest; a zero timer started now fires after that.
        if event.type() == QEvent.Type.UpdateRequest:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.callback)
            self.deleteLater()
        return False


def after_next_paint(window: QWidget, callback: Callable[[], None]) -> None:
    """Call `callback` once `window` has painted what it shows now (a zero timer alone
    fires before the paint: Qt handles timers ahead of the window's update request)."""
    _NextPaint(window, callback)


def close_desk(desk: "Desk") -> None:
    """On quitting: background database work ends (an import that can be cancelled rolls
    back whole, a restore or backup finishes), then the database closes."""
    from partnerdesk.ui.tasks import stop_background_work

    stop_background_work()
    desk.close()


def run(db_path: pathlib.Path | str | None, argv: list[str],
        bundle: pathlib.Path | None = None) -> int:
    """Show the window, then open the database; with `bundle`, start its import preview.

    1 (and a sentence naming what to install) when Qt could not open a window here."""
    from partnerdesk.paths import DB_ENV, resolve_db_path, server_location
    from partnerdesk.ui.platform_check import window_problem

    problem = window_problem()
    if problem:
        logging.getLogger(__name__).error("The window cannot open: %s", problem)
        print(problem, file=sys.stderr)
        return 1
    from partnerdesk.ui.open_file import FileOpenFilter, handle_open_file, prepare_application

    if db_path is None and not os.environ.get(DB_ENV):
        from partnerdesk.ui.databases import startup_path

        db_path = startup_path()  # the database used last (None: the data folder's)
    server = server_location(db_path)
    location: pathlib.Path | str
    if server is not None:  # an office database: no file to check
        location, checked = server, None
    else:
        location = resolve_db_path(db_path)
        checked = EarlyCheck(location)
    app = make_application(argv)
    prepare_application(app)
    install_excepthook()
    window = MainWindow()
    window.show_opening(location)
    opener = FileOpenFilter(window)  # macOS hands double-clicked files over as events
    app.installEventFilter(opener)
    window.show()
    app.processEvents()

    def start() -> None:
        if open_desk(window, location, checked=checked) is None:
            return
        if bundle is not None:
            handle_open_file(window, bundle)
        opener.flush()

    QTimer.singleShot(0, start)
    return int(app.exec())
