"""Go menu: every screen by name, the first nine on Ctrl+1 … Ctrl+9 (Cmd on macOS).

The shortcuts follow the order of the navigation list, as browsers number their tabs,
so what Ctrl+3 shows is what the third line on the left says. The menu is rebuilt when
a screen is added later (a feature adding its own screen), so it never goes stale.
"""

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from partnerdesk.ui.icons import screen_icon

if TYPE_CHECKING:
    from partnerdesk.ui.main_window import MainWindow

SHORTCUT_COUNT = 9


def _tr(text: str) -> str:
    return QCoreApplication.translate("GoMenu", text)


def build_go_menu(window: "MainWindow") -> QMenu:
    """Add the Go menu before Help; its actions live on the window, so the shortcuts
    work wherever the keyboard focus is."""
    menu = QMenu(_tr("&Go"), window)
    menu.setObjectName("go_menu")
    window.menu_bar.insertMenu(window.help_menu.menuAction(), menu)
    window.go_menu = menu  # type: ignore[attr-defined]
    window.go_actions = []  # type: ignore[attr-defined]
    fill_go_menu(window, menu)
    # The window's own signal, not the list's model: the model, which Qt made, has no
    # Python object of its own, and PySide6 once handed back a stale one of another type
    # left at its address ("'QWidgetItem' object has no attribute 'rowsInserted'").
    window.sig_views_added.connect(lambda: fill_go_menu(window, menu))
    return menu


def fill_go_menu(window: "MainWindow", menu: QMenu) -> None:
    for action in getattr(window, "go_actions", []):
        window.removeAction(action)
        action.deleteLater()
    menu.clear()
    actions: list[QAction] = []
    for number in range(window.nav.count()):
        item = window.nav.item(number)
        key = window.view_keys()[number]
        action = QAction(screen_icon(key), item.text(), window)
        action.setObjectName(f"go_{key}")
        tip = _tr("Show the {screen} screen").format(screen=item.text())
        action.setToolTip(tip)
        action.setStatusTip(tip)
        if number < SHORTCUT_COUNT:
            action.setShortcut(QKeySequence(f"Ctrl+{number + 1}"))
        action.triggered.connect(lambda _checked=False, key=key: go_to(window, key))
        actions.append(action)
    menu.addActions(actions)
    window.addActions(actions)
    window.go_actions = actions  # type: ignore[attr-defined]


def go_to(window: "MainWindow", key: str) -> None:
    """Show the screen and put the keyboard focus in it: left in the navigation list,
    the next arrow key pressed would move to another screen."""
    if window.show_view(key):
        view = window.current_view()
        if view is not None:
            focus_into(view)


def focus_into(view: QWidget) -> None:
    """The screen's own first place to type (`focus_start()`), else its first Tab stop."""
    start = getattr(view, "focus_start", None)
    if callable(start):
        start()
        return
    widget = view.nextInFocusChain()
    for _ in range(500):  # the chain is a ring; a screen has far fewer widgets than this
        if widget is view:
            return
        if view.isAncestorOf(widget) and widget.isVisible() and widget.isEnabled() and \
                widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        widget = widget.nextInFocusChain()
