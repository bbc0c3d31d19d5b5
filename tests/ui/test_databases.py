"""File → New database…, Open database…, Open Recent: switching the open database in the
running app, with the unsaved-changes prompt first and nothing lost on a failure."""

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from partnerdesk.ui import databases
from partnerdesk.ui.welcome import WelcomeDialog
from tests.new_database import open_new_desk

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def switched(qtbot):
    """Windows a switch made; closed without prompts at the end."""
    made = []
    yield made
    for window in made:
        if window.desk is not None:
            for view in window.views.values():
                editor = getattr(view, "editor", None)
                if editor is not None and editor.is_dirty():
                    editor._set_dirty(False)
            desk = window.desk
            window.close()
            desk.close()
        window.deleteLater()


def other_database(tmp_path: Path, name: str = "clinic.db", org: str = "Riverside Clinic"):
    path = tmp_path / name
    desk = open_new_desk(path)
    desk.organizations.create(name=org, is_us=True)
    desk.organizations.create(name=f"Partner of {org}")
    desk.close()
    return path


def file_items(window):
    return [a.text().replace("&", "") for a in window.file_menu.actions() if a.text()]


def choose_file(monkeypatch, method: str, path: Path | None) -> None:
    monkeypatch.setattr(QFileDialog, method, staticmethod(
        lambda *a, **k: (str(path) if path else "", "")))


def test_file_menu_offers_new_open_and_recent(qtbot, desk, make_window):
    window = make_window(desk)
    items = file_items(window)
    assert items[:3] == ["New database…", "Open database…", "Open Recent"]
    opener = next(a for a in window.file_menu.actions() if a.objectName() == "open_database")
    assert opener.shortcut().toString() == "Ctrl+O"


def test_open_database_switches_and_keeps_unsaved_edits_safe(
        qtbot, desk, make_window, switched, tmp_path, monkeypatch):
    desk.organizations.create(name="Eastside Community Partners", is_us=True)
    other = other_database(tmp_path)
    window = make_window(desk)
    databases.remember(desk.path)  # as the app does when it opens a database
    window.show_view("organizations")
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    qtbot.keyClicks(QApplication.focusWidget(), "Typed before switching")
    choose_file(monkeypatch, "getOpenFileName", other)

    # Cancel at the prompt: nothing changes, the typing is still there
    asked = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Cancel))
    assert databases.open_database(window) is None
    assert asked and "not saved" in asked[0]
    assert window.desk is desk and window.isVisible()
    assert window.view("organizations").editor.is_dirty()

    # Save at the prompt: the edit is saved in the first database, then the other opens
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda *a, **k: QMessageBox.StandardButton.Save))
    new = databases.open_database(window)
    switched.append(new)
    assert new is not None and new is not window
    assert new.desk.path == other.resolve()
    assert new.isVisible() and not window.isVisible()
    assert new.windowTitle() == "PartnerDesk — clinic.db"
    assert sorted(o.name for o in new.desk.organizations.list()) == [
        "Partner of Riverside Clinic", "Riverside Clinic"]
    new.show_view("organizations")
    assert new.view("organizations").table.model().rowCount() == 2
    # the first database was closed after saving what was typed
    from partnerdesk.services import Desk

    with Desk.open(tmp_path / "test.db") as again:
        assert "Typed before switching" in [o.name for o in again.organizations.list()]
    assert databases.recent_paths()[:2] == [other.resolve(), (tmp_path / "test.db").resolve()]


def test_open_recent_lists_databases_and_drops_a_missing_one(
        qtbot, desk, make_window, switched, tmp_path, monkeypatch):
    other = other_database(tmp_path)
    gone = tmp_path / "moved-away.db"
    databases.remember(gone)
    databases.remember(other)
    window = make_window(desk)
    databases.remember(desk.path)
    menu = window.recent_menu
    menu.aboutToShow.emit()
    entries = [a for a in menu.actions() if a.data()]
    assert [Path(a.data()) for a in entries] == [other.resolve(), gone.resolve()]
    assert entries[0].text() == "&1 clinic.db"  # Alt+1 chooses it

    warned = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(
        lambda *a, **k: warned.append(a[2])))
    entries[1].trigger()
    assert warned and "moved-away.db" in warned[0] and "taken off the list" in warned[0]
    assert gone.resolve() not in databases.recent_paths()
    assert window.desk is desk and window.isVisible()

    menu.aboutToShow.emit()
    entries = [a for a in menu.actions() if a.data()]
    assert [Path(a.data()) for a in entries] == [other.resolve()]
    entries[0].trigger()
    new = databases._windows[-1]
    switched.append(new)
    assert new.desk.path == other.resolve()


def test_new_database_asks_the_welcome_and_shows_getting_started(
        qtbot, desk, make_window, switched, tmp_path, monkeypatch):
    target = tmp_path / "second office"
    choose_file(monkeypatch, "getSaveFileName", target)

    def fill_in(dialog):
        qtbot.keyClicks(dialog.name, "Second Office")
        dialog._finish()
        return WelcomeDialog.DialogCode.Accepted

    monkeypatch.setattr(WelcomeDialog, "exec", fill_in)
    window = make_window(desk)
    new = databases.new_database(window)
    switched.append(new)
    assert new.desk.path == (tmp_path / "second office.db").resolve()
    assert new.desk.organizations.ours().name == "Second Office"
    assert new.current_key() == "dashboard"
    assert new.view("dashboard").getting_started.isVisible()


def test_cancelled_welcome_keeps_the_old_database_and_leaves_no_file(
        qtbot, desk, make_window, tmp_path, monkeypatch):
    target = tmp_path / "abandoned.db"
    choose_file(monkeypatch, "getSaveFileName", target)
    monkeypatch.setattr(WelcomeDialog, "exec", lambda _d: WelcomeDialog.DialogCode.Rejected)
    window = make_window(desk)
    assert databases.new_database(window) is None
    assert window.desk is desk and window.isVisible()
    assert desk.organizations.count() == 0  # still usable
    assert not target.exists()


def test_a_file_that_is_not_a_database_is_named_and_nothing_changes(
        qtbot, desk, make_window, tmp_path, monkeypatch):
    notes = tmp_path / "notes.db"
    notes.write_text("shopping list: eggs, milk\n" * 20)
    choose_file(monkeypatch, "getOpenFileName", notes)
    shown = []
    from partnerdesk.ui import errors

    monkeypatch.setattr(errors, "show_error", lambda _w, error: shown.append(str(error)))
    window = make_window(desk)
    assert databases.open_database(window) is None
    assert shown and "notes.db" in shown[0]
    assert window.desk is desk and window.isVisible()
    assert notes.read_text().startswith("shopping list")
    assert notes.resolve() not in databases.recent_paths()


def test_the_app_starts_on_the_database_used_last(tmp_path):
    other = other_database(tmp_path)
    databases.remember(other)
    assert databases.startup_path() == other.resolve()
    other.unlink()
    assert databases.startup_path() is None
    QSettings().remove(databases.RECENT_KEY)
