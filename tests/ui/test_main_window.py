"""The main window: its screens, extra screens from other features, remembered state,
standard shortcuts, accessible names, Help → About, and a light start."""

import subprocess
import sys

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QToolButton, QWidget

from partnerdesk.ui import about as about_module
from partnerdesk.ui.about import AboutDialog
from partnerdesk.ui.main_window import MainWindow


def nav_titles(window):
    return [window.nav.item(i).text() for i in range(window.nav.count())]


def test_screens_and_add_view(qtbot, desk, make_window):
    window = make_window(desk)
    assert nav_titles(window) == [
        "Dashboard", "Organizations", "Contacts", "Partnerships", "Agreements", "Resource map",
        "Funding", "Meetings", "Events", "Feedback", "Reports", "Sharing", "Trash"]

    class Extra(QLabel):
        pass
    window.add_view("extra", "Extra", Extra("extra"), after="agreements")
    titles = nav_titles(window)
    assert titles[titles.index("Agreements") + 1] == "Extra"
    assert window.show_view("extra")
    assert isinstance(window.stack.currentWidget(), Extra)
    assert not window.new_action.isEnabled()  # nothing to add on that screen


def test_file_and_help_menus_hold_every_feature(qtbot, desk, make_window):
    window = make_window(desk)
    file_items = [a.text().replace("&", "") for a in window.file_menu.actions() if a.text()]
    assert file_items == ["New database…", "Open database…", "Open Recent",
                          "Connect to office database…", "Move to office database…", "New", "Save",
                          "Print list…", "Print record…", "Import", "Export",
                          "Find duplicates…", "Backups…", "Close window", "Quit"]
    help_items = [a.text().replace("&", "") for a in window.help_menu.actions() if a.text()]
    assert help_items == ["User guide", "What not to store", "About PartnerDesk"]


def test_window_state_and_last_view_are_remembered(qtbot, desk, make_window):
    window = make_window(desk)
    window.resize(780, 560)
    window.show_view("contacts")
    window.view("contacts").splitter.setSizes([300, 600])
    window.close()
    assert QSettings().value("main/view") == "contacts"

    again = make_window(desk)
    assert again.current_key() == "contacts"
    assert again.size().width() == 780
    left, right = again.view("contacts").splitter.sizes()
    assert left < right


def test_standard_shortcuts_and_menus(qtbot, desk, make_window):
    window = make_window(desk)
    key = QKeySequence.StandardKey
    assert window.new_action.shortcut() == QKeySequence(key.New)
    assert window.save_action.shortcut() == QKeySequence(key.Save)
    assert window.undo_action.shortcut() == QKeySequence(key.Undo)
    assert window.find_action.shortcut() == QKeySequence(key.Find)
    assert window.close_action.shortcut() == QKeySequence(key.Close)
    assert window.quit_action.shortcut() == QKeySequence(key.Quit)
    assert [m.title() for m in (window.file_menu, window.edit_menu, window.help_menu)] == [
        "&File", "&Edit", "&Help"]

    window.show_view("contacts")
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.view("contacts").filter_box.hasFocus()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.view("contacts").pane.is_showing()
    assert window.view("contacts").editor.record_id is None


def test_every_control_has_an_accessible_name(qtbot, desk, make_window):
    window = make_window(desk)
    missing = []
    for key in ("organizations", "contacts"):
        window.show_view(key)
        view = window.view(key)
        view.new_record()
        for widget in view.findChildren(QWidget):
            if isinstance(widget, QLineEdit | QPushButton | QToolButton) \
                    and widget.isVisibleTo(view) and widget.parent().objectName() != \
                    "qt_spinbox_lineedit" and not widget.accessibleName() \
                    and not isinstance(widget.parent(), QLineEdit) \
                    and type(widget.parent()).__name__ not in ("QDateEdit", "DateEdit",
                                                               "QCalendarWidget", "QTabBar"):
                missing.append(f"{key}: {type(widget).__name__} {widget.text()!r}")
    assert missing == []


def test_about_shows_where_the_data_is(qtbot, desk, monkeypatch):
    opened = []
    monkeypatch.setattr(about_module.QDesktopServices, "openUrl",
                        staticmethod(lambda url: opened.append(url.toLocalFile()) or True))
    dialog = AboutDialog(desk.path)
    qtbot.addWidget(dialog)
    assert str(desk.path) in dialog.db_label.text()
    assert str(desk.path.parent) in dialog.folder_label.text()
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert opened == [str(desk.path.parent)]


def test_the_window_module_starts_without_the_database_layer():
    code = ("import sys; import partnerdesk.ui.app; "
            "print('sqlmodel' in sys.modules or 'sqlalchemy' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


def test_window_shows_before_a_database_is_open(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.stack.currentWidget() is window.opening
    assert not window.search_box.isEnabled()
    assert not window.new_action.isEnabled() and not window.save_action.isEnabled()


def test_screens_are_built_when_first_shown(qtbot, desk, make_window):
    """A large database opens quickly: only the screen shown is built at first."""
    org = desk.organizations.create(name="Eastside Food Pantry")
    window = make_window(desk)
    assert list(window.views) == [window.current_key()]
    assert window.has_view("contacts") and "contacts" not in window.views
    assert window.show_view("contacts")
    assert window.stack.currentWidget() is window.views["contacts"]
    # Opening a record on a screen never shown builds that screen and shows the record.
    assert window.open_record("organization", org.id)
    assert window.current_key() == "organizations"
    assert window.view("organizations").current_id() == org.id
    assert "trash" not in window.views


def test_building_screens_keeps_the_window_in_front(qtbot, desk, make_window):
    """A screen built while the window is up must not flash windows of its own (which
    would take the keyboard away: Ctrl+Z would stop working)."""
    from PySide6.QtWidgets import QApplication

    window = make_window(desk)
    for key in window.view_keys():
        window.show_view(key)
    qtbot.wait(100)
    assert QApplication.activeWindow() is window
