"""UI fixtures: settings kept in a temporary folder, and a main window on a test database."""

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication


@pytest.fixture(autouse=True)
def _temporary_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Window state goes to a throw-away folder, never the real user's settings."""
    folder = tmp_path_factory.mktemp("settings")
    QCoreApplication.setOrganizationName("PartnerDesk")
    QCoreApplication.setApplicationName("PartnerDesk-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield
    QSettings().clear()


@pytest.fixture
def make_window(qtbot: Any) -> Callable[..., Any]:
    """Build a MainWindow on a desk (the window is closed without prompts at the end)."""
    from partnerdesk.ui.main_window import MainWindow

    made: list[Any] = []

    def build(desk: Any, today: date | None = None) -> Any:
        window = MainWindow()
        window.set_desk(desk, today=today)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
        made.append(window)
        return window

    yield build
    import shiboken6

    # and the windows File → New/Open made in their place, each on a database it opened
    others = [w for w in QApplication.topLevelWidgets()
              if isinstance(w, MainWindow) and w not in made and w.isVisible()]
    for window in [*made, *others]:
        if not shiboken6.isValid(window):
            continue
        for view in window.views.values():
            editor = getattr(view, "editor", None)
            if editor is not None and editor.is_dirty():
                editor._set_dirty(False)  # the test left edits on purpose: no prompt
        opened = window.desk if window in others else None
        window.close()
        window.deleteLater()
        if opened is not None:
            opened.close()


def png_is_not_blank(path: Path) -> bool:
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    if image.isNull():
        return False
    colors = {image.pixel(x, y) for x in range(0, image.width(), 7)
              for y in range(0, image.height(), 7)}
    return len(colors) > 3
