"""The desktop conveniences of the main window, kept apart from the window itself:
File → New / Open database and Open Recent (`databases`), the Go menu (Ctrl+1 … Ctrl+9),
the dashboard's getting-started steps and where the keyboard starts when a database
opens.

`install(window)` is called once the window has its screens (`MainWindow.set_desk`).
"""

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from partnerdesk.ui.go_menu import build_go_menu, focus_into

if TYPE_CHECKING:
    from partnerdesk.ui.main_window import MainWindow


def install(window: "MainWindow") -> None:
    from partnerdesk.ui.databases import build_database_actions
    from partnerdesk.ui.office import build_office_actions

    first = window.file_menu.actions()[0]
    window.file_menu.insertActions(first, build_database_actions(window))
    window.file_menu.insertActions(first, build_office_actions(window))
    window.file_menu.insertSeparator(first)
    from partnerdesk.ui.printing import build_print_actions

    actions = window.file_menu.actions()
    after_save = actions[actions.index(window.save_action) + 1]
    window.file_menu.insertActions(after_save, build_print_actions(window))
    build_go_menu(window)
    _add_preferences(window)
    window.sig_view_changed.connect(lambda key: _on_view_built(window, key))
    # The first screen shown gets the keyboard focus (else it is nowhere, and the first
    # key a person presses is lost); after set_desk has shown it.
    QTimer.singleShot(0, lambda: _focus_first_screen(window))


def _on_view_built(window: "MainWindow", key: str) -> None:
    view = window.views.get(key)
    panel = getattr(view, "getting_started", None)
    if panel is not None and not panel.property("connected"):
        from partnerdesk.ui.getting_started import connect_getting_started

        connect_getting_started(window, panel)
        panel.setProperty("connected", True)


def _focus_first_screen(window: "MainWindow") -> None:
    view = window.current_view()
    focused = window.focusWidget()
    if view is not None and (focused is None or focused is window.nav):
        focus_into(view)


def _add_preferences(window: "MainWindow") -> None:
    from PySide6.QtGui import QAction, QKeySequence

    from partnerdesk.ui.preferences import show_preferences

    action = QAction(window.tr("&Preferences…"), window)
    action.setObjectName("preferences")
    action.setShortcuts(QKeySequence.StandardKey.Preferences)
    if not action.shortcuts():  # GNOME and Windows name no shortcut for it
        action.setShortcut(QKeySequence("Ctrl+,"))
    action.setMenuRole(QAction.MenuRole.PreferencesRole)
    tip = window.tr("Our organization, phone region, date format, reminders, backups, paper")
    action.setToolTip(tip)
    action.setStatusTip(tip)
    action.triggered.connect(lambda: show_preferences(window))
    window.edit_menu.addSeparator()
    window.edit_menu.addAction(action)
    window.addAction(action)
    window.preferences_action = action  # type: ignore[attr-defined]
