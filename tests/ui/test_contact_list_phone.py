"""Issue 17: the Contacts list's phone column shows the extension, so a switchboard number
reaches the person it was written down for."""

from PySide6.QtCore import Qt


def column(view, title):
    model = view.model
    for index in range(model.columnCount()):
        if model.headerData(index, Qt.Orientation.Horizontal,
                            Qt.ItemDataRole.DisplayRole) == title:
            return index
    raise AssertionError(f"no column {title}")


def test_the_phone_column_shows_the_extension(qtbot, desk, make_window):
    desk.contacts.create(name="Ada Brown", phones=[
        {"number": "+12025550143", "kind": "work", "extension": "214"}])
    desk.contacts.create(name="Ben Cole", phones=[{"number": "+12025550199", "kind": "mobile"}])
    window = make_window(desk)
    window.show_view("contacts")
    view = window.view("contacts")
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=60000)
    phone = column(view, "Phone")
    shown = {view.model.index(row, 0).data(Qt.ItemDataRole.DisplayRole):
             view.model.index(row, phone).data(Qt.ItemDataRole.DisplayRole)
             for row in range(2)}
    assert shown == {"Ada Brown": "+1 202-555-0143 ext. 214", "Ben Cole": "+1 202-555-0199"}
