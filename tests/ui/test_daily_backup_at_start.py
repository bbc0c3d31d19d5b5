"""The day's first backup waits for the first screen: it starts only once the window
shows the database, in a low-priority child process, and it is still taken."""

import multiprocessing
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

from partnerdesk.db import background_backup
from partnerdesk.db.backup_folder import list_backups
from partnerdesk.services import Desk
from partnerdesk.ui.app import open_desk
from partnerdesk.ui.main_window import MainWindow


class PaintWatch(QObject):
    """Counts paints of the widgets inside `window`'s current screen (not the opening one)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window = window
        self.paints = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint and isinstance(watched, QWidget):
            screen = self.window.stack.currentWidget()
            if screen is not self.window.opening and (
                    watched is screen or screen.isAncestorOf(watched)):
                self.paints += 1
        return False


def daily(path: Path) -> list[str]:
    return [info.reason for info in list_backups(path, counts=False)]


@pytest.fixture
def used_database(tmp_path: Path) -> Path:
    """A database with records and no backup yet today (a new file needs none)."""
    path = tmp_path / "office.db"
    with Desk.open(path) as desk:
        desk.organizations.create(name="Eastside Food Pantry")
        desk.contacts.create(name="Ana Lima")
    assert daily(path) == []
    return path


def test_the_daily_backup_starts_after_the_first_screen_is_shown(
        qtbot: Any, used_database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.settings.setValue("main/view", "contacts")  # the list opens first
    window.show()
    qtbot.waitExposed(window)
    watch = PaintWatch(window)
    app = QApplication.instance()
    app.installEventFilter(watch)
    seen: list[dict[str, Any]] = []
    start = Desk.start_daily_backup

    def spy(desk: Desk) -> None:
        seen.append({"visible": window.isVisible(), "screen": window.current_key(),
                     "rows": window.current_view().model.rowCount(),  # type: ignore[union-attr]
                     "painted": watch.paints, "backups": daily(used_database)})
        start(desk)

    monkeypatch.setattr(Desk, "start_daily_backup", spy)
    try:
        desk = open_desk(window, used_database)
        assert desk is not None
        # Opening did not take it, nor start it: the first screen comes first.
        assert seen == [] and daily(used_database) == []
        qtbot.waitUntil(lambda: bool(seen))
    finally:
        app.removeEventFilter(watch)
    assert seen[0]["visible"] and seen[0]["screen"] == "contacts" and seen[0]["rows"] == 1
    assert seen[0]["painted"] > 0  # the list was on screen before the backup began
    assert seen[0]["backups"] == []
    qtbot.waitUntil(lambda: daily(used_database) == ["daily"])
    desk.close()  # waits for the backup process, which has finished
    assert daily(used_database) == ["daily"]


def test_the_backup_is_taken_once_and_closing_waits_for_it(used_database: Path) -> None:
    desk = Desk.open(used_database, backup_in_background=True)
    assert daily(used_database) == []
    desk.start_daily_backup()
    desk.start_daily_backup()  # once only
    desk.close()
    assert daily(used_database) == ["daily"]
    with Desk.open(used_database, backup_in_background=True) as again:
        again.start_daily_backup()  # one today already: none more
    assert daily(used_database) == ["daily"]


@pytest.mark.skipif(sys.platform == "win32", reason="Windows has no nice value")
def test_the_backup_process_runs_at_the_lowest_priority() -> None:
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_report_niceness, args=(sender,))
    child.start()
    sender.close()
    after = receiver.recv()
    child.join()
    assert after == 19


def test_the_backup_process_runs_the_days_backup(used_database: Path) -> None:
    background_backup.start(used_database).join()
    assert daily(used_database) == ["daily"]


def _report_niceness(pipe: Any) -> None:
    import os

    from partnerdesk.db.background_backup import lower_priority

    lower_priority()
    pipe.send(os.nice(0))
