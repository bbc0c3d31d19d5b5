"""Ctrl+1 … Ctrl+9 and the Go menu; the getting-started steps on an empty dashboard; where
the keyboard starts when the window opens."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QListWidget, QPushButton

from tests.conftest import TODAY

CTRL = Qt.KeyboardModifier.ControlModifier


def go_menu(window):
    return window.go_menu


def test_go_menu_lists_every_screen_and_ctrl_digits_switch(qtbot, desk, make_window):
    window = make_window(desk)
    menu = go_menu(window)
    titles = [a.text() for a in menu.actions()]
    assert titles == [window.nav.item(i).text() for i in range(window.nav.count())]
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus.index("Go") == menus.index("Help") - 1
    assert [a.shortcut().toString() for a in menu.actions()[:9]] == [
        f"Ctrl+{n}" for n in range(1, 10)]
    assert all(a.shortcut().isEmpty() for a in menu.actions()[9:])

    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_3, CTRL)
    assert window.current_key() == "contacts"
    # the keyboard is now in the contacts screen, not left in the navigation
    assert window.view("contacts").isAncestorOf(QApplication.focusWidget())
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_5, CTRL)
    assert window.current_key() == "agreements"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_1, CTRL)
    assert window.current_key() == "dashboard"

    trash = next(a for a in menu.actions() if a.text() == "Trash")
    trash.trigger()
    assert window.current_key() == "trash"


def test_go_menu_follows_screens_added_later(qtbot, desk, make_window):
    from PySide6.QtWidgets import QLabel

    window = make_window(desk)
    window.add_view("extra", "Extra", QLabel("extra"), after="dashboard")
    titles = [a.text() for a in go_menu(window).actions()]
    assert titles[1] == "Extra"
    qtbot.keyClick(window, Qt.Key.Key_2, CTRL)
    assert window.current_key() == "extra"


def test_getting_started_steps_on_an_empty_database(qtbot, desk, make_window, monkeypatch):
    desk.organizations.create(name="Eastside Community Partners", is_us=True)
    window = make_window(desk, today=TODAY)
    dashboard = window.view("dashboard")
    panel = dashboard.getting_started
    assert panel.isVisible()
    buttons = [b.text().replace("&", "") for b in panel.findChildren(QPushButton)]
    assert buttons == ["Add your partners", "Import contacts", "Record an agreement"]
    # the keyboard starts on the first step: Space does it
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.partners_button)
    qtbot.keyClick(panel.partners_button, Qt.Key.Key_Space)
    assert window.current_key() == "organizations"
    editor = window.view("organizations").editor
    qtbot.keyClicks(QApplication.focusWidget(), "St. Mary's General Hospital")
    qtbot.keyClick(window, Qt.Key.Key_S, CTRL)
    names = sorted(o.name for o in desk.organizations.list())
    assert names == ["Eastside Community Partners", "St. Mary's General Hospital"]
    assert not editor.is_dirty()

    window.show_view("dashboard")
    qtbot.waitUntil(lambda: not dashboard.getting_started.isVisibleTo(dashboard))


def test_getting_started_agreement_and_import_steps(qtbot, desk, make_window, monkeypatch):
    from partnerdesk.ui import interchange_menu

    window = make_window(desk, today=TODAY)
    panel = window.view("dashboard").getting_started
    panel.agreement_button.click()
    assert window.current_key() == "agreements"
    qtbot.keyClicks(QApplication.focusWidget(), "Data-sharing MOU")
    assert window.view("agreements").editor.is_dirty()
    window.view("agreements").editor._set_dirty(False)

    opened = []
    monkeypatch.setattr(interchange_menu, "open_import",
                        lambda win, d, key: opened.append((win, d, key)))
    window.show_view("dashboard")
    menu = panel.import_button.menu()
    [a for a in menu.actions() if "vCard" in a.text()][0].trigger()
    [a for a in menu.actions() if "CSV" in a.text()][0].trigger()
    assert opened == [(window, desk, "vcard"), (window, desk, "csv-contact")]


def test_dashboard_with_records_starts_on_the_first_reminder(qtbot, demo_desk, make_window):
    window = make_window(demo_desk, today=TODAY)
    dashboard = window.view("dashboard")
    assert not dashboard.getting_started.isVisibleTo(dashboard)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QListWidget))
    assert QApplication.focusWidget() is dashboard.reminders
    first = dashboard.reminders.currentItem()
    assert first is dashboard.reminder_items()[0]
    with qtbot.waitSignal(dashboard.sig_open_record):
        qtbot.keyClick(dashboard.reminders, Qt.Key.Key_Return)
    assert window.current_key() != "dashboard"


def test_tab_reaches_every_getting_started_step(qtbot, desk, make_window):
    from tests.ui.focus_walk import walk

    window = make_window(desk, today=TODAY)
    panel = window.view("dashboard").getting_started
    seen = walk(qtbot, panel.partners_button, 2)
    assert seen == [panel.partners_button, panel.import_button, panel.agreement_button]


def test_the_window_makes_its_own_menu_and_status_bars(qtbot, desk, make_window):
    """Bars Qt made on first use have no Python object of their own, and PySide6 once
    handed back a stale one of another type left at the address ('QWidgetItem' object has
    no attribute 'addMenu'): the window makes both itself, so each is its own object."""
    import shiboken6

    window = make_window(desk)
    assert window.menuBar() is window.menu_bar
    assert shiboken6.createdByPython(window.menuBar())
    assert shiboken6.createdByPython(window.statusBar())
    assert all(shiboken6.createdByPython(action.menu())
               for action in window.menuBar().actions())
    assert [a.text().replace("&", "") for a in window.menuBar().actions()][0] == "File"
