"""Driving the record editors' search pickers the way a person does: type, then pick."""

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from partnerdesk.ui.widgets.pickers import RecordPicker


def pick(qtbot: QtBot, picker: RecordPicker, text: str, row: int = 0) -> None:
    """Type `text`, wait for the list of matches, choose the `row`-th with the keyboard."""
    picker.line_edit.setFocus()
    qtbot.keyClicks(picker.line_edit, text)
    popup = picker.completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=3000)
    for _ in range(row + 1):
        qtbot.keyClick(popup, Qt.Key.Key_Down)
    with qtbot.waitSignal(picker.sig_picked, timeout=2000):
        qtbot.keyClick(popup, Qt.Key.Key_Return)
