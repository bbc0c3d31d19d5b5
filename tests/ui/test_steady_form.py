"""A problem message appearing under a field does not move the form: the field the person
Tabs or clicks to next stays where it was, so the click lands on it."""

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from partnerdesk.services import Desk


def _y(widget: QWidget, window: QWidget) -> int:
    return widget.mapTo(window, QPoint(0, 0)).y()


def _click_at(qtbot: Any, window: QWidget, point: QPoint) -> None:
    """A click at this point of the window, on whatever is there now."""
    target = window.childAt(point)
    assert target is not None
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=target.mapFrom(window, point))


def test_a_message_under_a_field_leaves_the_field_below_in_place(
        qtbot: Any, desk: Desk, make_window: Any) -> None:
    window = make_window(desk)
    window.resize(1680, 1000)  # as it first opens on a 1920 x 1080 screen
    window.show_view("organizations")
    orgs = window.view("organizations")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor = orgs.editor
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor.name)
    qtbot.keyClicks(editor.name, "Harbor Food Pantry")
    qtbot.mouseClick(editor.website, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor.website)
    QApplication.processEvents()  # the form as the person sees it
    below = _y(editor.email, window), editor.email.mapTo(window, QPoint(0, 0)).x()
    fields = [editor.mission, editor.website, editor.email, editor.phone, editor.address]
    places = [_y(field, window) for field in fields]
    further = _y(editor.phone, window)
    aimed = editor.phone.mapTo(window, editor.phone.rect().center())  # where the mouse goes
    qtbot.keyClicks(editor.website, "harbor pantry.org")
    qtbot.keyClick(editor.website, Qt.Key.Key_Tab)

    problem = editor.findChild(QLabel, "problem_website")
    qtbot.waitUntil(problem.isVisible)  # the message is on screen once the field is left
    assert problem.text() == "A web address cannot contain spaces."
    assert problem.height() >= problem.heightForWidth(problem.width())  # not cut off
    assert QApplication.focusWidget() is editor.email
    QApplication.processEvents()
    assert (_y(editor.email, window), editor.email.mapTo(window, QPoint(0, 0)).x()) == below
    assert _y(editor.phone, window) == further
    assert [_y(field, window) for field in fields] == places  # nothing above moved either
    assert not orgs.pane.save_button.isEnabled()

    # A click where the phone field was lands in it, and the typing goes there.
    _click_at(qtbot, window, aimed)
    assert QApplication.focusWidget() is editor.phone
    qtbot.keyClicks(editor.phone, "+1 617 201 3344")
    assert editor.phone.text() == "+1 617 201 3344"

    # Putting the address right takes the message away, and nothing moves back either.
    _click_at(qtbot, window, editor.website.mapTo(window, editor.website.rect().center()))
    editor.website.selectAll()
    qtbot.keyClicks(editor.website, "harborpantry.org")
    qtbot.keyClick(editor.website, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not problem.isVisible())
    QApplication.processEvents()
    assert _y(editor.email, window) == below[0]
    assert [_y(field, window) for field in fields] == places
    qtbot.waitUntil(orgs.pane.save_button.isEnabled)
    qtbot.mouseClick(orgs.pane.save_button, Qt.MouseButton.LeftButton)
    [saved] = desk.organizations.list()
    assert (saved.website, saved.phone) == ("harborpantry.org", "+16172013344")


def test_a_longer_message_shows_every_line_and_moves_only_by_them(
        qtbot: Any, desk: Desk, make_window: Any) -> None:
    window = make_window(desk)
    window.resize(1267, 792)  # a narrower editor: the message takes two lines
    window.show_view("organizations")
    orgs = window.view("organizations")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor = orgs.editor
    qtbot.keyClicks(editor.name, "Harbor Food Pantry")
    qtbot.mouseClick(editor.website, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    before = _y(editor.email, window)
    qtbot.keyClicks(editor.website, "harbor pantry.org and more words")
    qtbot.keyClick(editor.website, Qt.Key.Key_Tab)
    problem = editor.findChild(QLabel, "problem_website")
    qtbot.waitUntil(problem.isVisible)
    line = problem.fontMetrics().lineSpacing()
    needed = problem.heightForWidth(problem.width())
    assert needed > line  # more than one line at this width
    qtbot.waitUntil(lambda: problem.height() >= needed)  # every line on screen
    assert editor.website.height() == editor.email.height()  # the field is not squeezed
    assert 0 < _y(editor.email, window) - before <= needed - line
