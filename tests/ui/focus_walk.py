"""Walking the Tab order of a window the way a keyboard user does."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QRadioButton, QWidget
from pytestqt.qtbot import QtBot


def describe(widget: QWidget | None) -> str:
    if widget is None:
        return "nowhere"
    name = widget.accessibleName() or (widget.text() if isinstance(widget, QAbstractButton)
                                       else "") or widget.objectName()
    return f"{type(widget).__name__}:{name}"


def tab_stops(root: QWidget) -> list[QWidget]:
    """The widgets a Tab can land on: visible, enabled, taking Tab focus."""
    return [w for w in root.findChildren(QWidget)
            if w.isVisibleTo(root) and w.isEnabled() and w.focusProxy() is None
            and w.focusPolicy() & Qt.FocusPolicy.TabFocus == Qt.FocusPolicy.TabFocus
            and w.window() is root.window()]


def tab_units(root: QWidget) -> list[list[QWidget]]:
    """Tab stops as Tab visits them: each widget alone, except a group of radio buttons,
    which Tab enters once (the arrow keys choose within it)."""
    units: list[list[QWidget]] = []
    groups: dict[int, list[QWidget]] = {}
    for widget in tab_stops(root):
        group = widget.group() if isinstance(widget, QRadioButton) else None
        if group is None and isinstance(widget, QRadioButton) and widget.autoExclusive():
            group = widget.parentWidget()
        if group is None:
            units.append([widget])
        elif id(group) in groups:
            groups[id(group)].append(widget)
        else:
            groups[id(group)] = [widget]
            units.append(groups[id(group)])
    return units


def walk(qtbot: QtBot, start: QWidget, presses: int, backwards: bool = False) -> list[QWidget]:
    """Focus `start`, press Tab (or Shift+Tab) `presses` times; where the focus was each time."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    seen = [QApplication.focusWidget()]
    for _ in range(presses):
        key = Qt.Key.Key_Backtab if backwards else Qt.Key.Key_Tab
        modifier = Qt.KeyboardModifier.ShiftModifier if backwards else \
            Qt.KeyboardModifier.NoModifier
        qtbot.keyClick(QApplication.focusWidget(), key, modifier)
        seen.append(QApplication.focusWidget())
    return seen
