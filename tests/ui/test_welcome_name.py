"""The welcome asks this person's name only when it is not known: the database's own
setting, or the name given at the last welcome on this computer (File → New database)."""

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from partnerdesk.services import Desk
from partnerdesk.ui import app as app_module
from partnerdesk.ui import databases
from partnerdesk.ui.main_window import MainWindow
from partnerdesk.ui.welcome import WelcomeDialog

seen: list[dict[str, Any]] = []


def _answer(qtbot: Any, organization: str, person: str | None = None) -> Any:
    """The welcome as a person fills it in: what it showed is kept in `seen`."""
    def run(dialog: WelcomeDialog) -> int:
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
        seen.append({"asked": dialog.person.isVisible(), "field": dialog.person.text(),
                     "shown": dialog.person_shown.text() if dialog.person_shown.isVisible()
                     else None})
        seen[-1]["focus"] = "name" if QApplication.focusWidget() is dialog.name else \
            "person" if QApplication.focusWidget() is dialog.person else "elsewhere"
        if person is not None:
            if not dialog.person.isVisible():
                qtbot.mouseClick(dialog.change_person, Qt.MouseButton.LeftButton)
                assert QApplication.focusWidget() is dialog.person
                assert dialog.person.selectedText() == dialog.person.text()  # typing replaces
            qtbot.keyClicks(dialog.person, person)
            dialog.name.setFocus()
        qtbot.keyClicks(QApplication.focusWidget(), organization)  # where the cursor is
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        return dialog.result()
    return run


def test_file_new_does_not_ask_the_name_again(qtbot: Any, tmp_path: Path,
                                              monkeypatch: Any) -> None:
    seen.clear()
    monkeypatch.setattr(WelcomeDialog, "exec", _answer(qtbot, "Eastside Helpers", "Ana Ruiz"))
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    desk = app_module.open_desk(window, tmp_path / "first.db")
    assert desk is not None and desk.settings.your_name == "Ana Ruiz"
    # a first start asks
    assert seen[-1] == {"asked": True, "field": "", "shown": None, "focus": "person"}

    monkeypatch.setattr(WelcomeDialog, "exec", _answer(qtbot, "Second Office"))
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(tmp_path / "second.db"), "")))
    new = databases.new_database(window)
    assert new is not None
    try:
        assert seen[-1] == {"asked": False, "field": "Ana Ruiz", "shown": "Ana Ruiz",
                            "focus": "name"}
        assert new.desk.organizations.ours().name == "Second Office"
        assert new.desk.settings.your_name == "Ana Ruiz"
    finally:
        other = new.desk
        new.close()
        other.close()


def test_a_name_set_in_the_database_is_shown_and_can_be_changed(
        qtbot: Any, desk: Desk, monkeypatch: Any) -> None:
    seen.clear()
    desk.settings.your_name = "Ben Okafor"  # `partnerdesk settings your_name "Ben Okafor"`
    dialog = WelcomeDialog(desk)
    qtbot.addWidget(dialog)
    _answer(qtbot, "Riverside Clinic", "Benjamin Okafor")(dialog)
    assert seen[-1] == {"asked": False, "field": "Ben Okafor", "shown": "Ben Okafor",
                        "focus": "name"}
    assert desk.organizations.ours().name == "Riverside Clinic"
    assert desk.settings.your_name == "Benjamin Okafor"
