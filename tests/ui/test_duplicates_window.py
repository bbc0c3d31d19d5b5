"""Find duplicates: the list, a field-by-field merge, "not duplicates", and the hint."""

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QRadioButton

from partnerdesk.services import Desk
from partnerdesk.ui import duplicates_window as module
from partnerdesk.ui.duplicates_window import DuplicateHint, DuplicatesWindow, MergeDialog


@pytest.fixture
def pair(desk: Desk) -> tuple[str, str]:
    org = desk.organizations.create(name="Mercy General Hospital")
    first = desk.contacts.create(name="Renee Dubois", organization_id=org.id,
                                 emails=[{"address": "renee@mercy.example", "kind": "work"}])
    second = desk.contacts.create(name="Renée Dubois", role="Director",
                                  organization_id=org.id,
                                  emails=[{"address": "r.dubois@home.example", "kind": "home"}])
    meeting = desk.meetings.create(title="Kick-off", starts_at=datetime(2026, 6, 1, 9))
    desk.meeting_attendees.create(meeting_id=meeting.id, contact_id=second.id)
    return first.id, second.id


def open_window(qtbot: Any, desk: Desk) -> DuplicatesWindow:
    window = DuplicatesWindow(desk)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.busy(), timeout=15000)
    return window


def radio(dialog: MergeDialog, name: str) -> QRadioButton:
    found = [b for b in dialog.findChildren(QRadioButton) if b.accessibleName() == name]
    assert len(found) == 1, name
    return found[0]


def test_lists_pairs_and_merges_field_by_field(qtbot: Any, desk: Desk, pair: tuple[str, str],
                                               monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    first, second = pair
    window = open_window(qtbot, desk)
    assert window.model.rowCount() == 1
    assert "same organization" in window.model.index(0, 3).data()
    assert not window.merge_button.isEnabled()
    window.table.selectRow(0)
    assert window.merge_button.isEnabled()
    window.grab().save(str(tmp_path / "duplicates.png"))

    keep = window.model.row_at(0).first_id  # the kept record is the pair's first
    other = second if keep == first else first
    seen: list[MergeDialog] = []

    def by_text(dialog: MergeDialog, field: str, text: str) -> QRadioButton:
        found = [b for b in dialog.findChildren(QRadioButton)
                 if b.accessibleName().startswith(field + ":") and b.text() == text]
        assert len(found) == 1, (field, text)
        return found[0]

    def run_dialog(dialog: MergeDialog) -> int:
        seen.append(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert by_text(dialog, "role", "Director").isChecked()  # the filled-in value
        assert radio(dialog, "emails:2").isChecked()  # both lists by default
        button = by_text(dialog, "name", "Renée Dubois")  # clicked on its circle
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(6, button.height() // 2))
        assert button.isChecked()
        dialog.merge_button.click()
        return dialog.result()

    monkeypatch.setattr(MergeDialog, "exec", run_dialog)
    qtbot.mouseClick(window.merge_button, Qt.MouseButton.LeftButton)
    assert seen and seen[0].result() == QDialog.DialogCode.Accepted
    kept = desk.contacts.get(keep)
    assert (kept.name, kept.role) == ("Renée Dubois", "Director")
    assert sorted(e["address"] for e in kept.emails) == ["r.dubois@home.example",
                                                         "renee@mercy.example"]
    assert desk.contacts.get(other).deleted
    assert desk.meeting_attendees.list()[0].contact_id == keep
    qtbot.waitUntil(lambda: not window.busy() and window.model.rowCount() == 0, timeout=15000)
    assert "No likely duplicates" in window.status.text()


def test_not_duplicates_is_remembered(qtbot: Any, desk: Desk, pair: tuple[str, str]) -> None:
    window = open_window(qtbot, desk)
    window.table.selectRow(0)
    with qtbot.waitSignal(window.sig_changed):
        qtbot.mouseClick(window.not_button, Qt.MouseButton.LeftButton)
    assert window.model.rowCount() == 0
    assert desk.not_duplicates.count() == 1
    again = open_window(qtbot, desk)
    assert again.model.rowCount() == 0


def test_merge_error_is_shown_and_nothing_changes(qtbot: Any, desk: Desk,
                                                  pair: tuple[str, str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = pair
    shown: list[str] = []
    monkeypatch.setattr(module, "show_error", lambda _parent, error: shown.append(str(error)))
    dialog = MergeDialog(desk, "contact", first, second)
    qtbot.addWidget(dialog)
    desk.contacts.delete(second)  # someone else deleted it meanwhile
    dialog.merge_button.click()
    assert shown and "nothing was merged" in shown[0]
    assert desk.contacts.get(first).name == "Renee Dubois"


def test_duplicate_hint_links_to_the_existing_record(qtbot: Any, desk: Desk,
                                                     pair: tuple[str, str]) -> None:
    first, _ = pair
    hint = DuplicateHint(desk, "contact")
    qtbot.addWidget(hint)
    hint.check_now({"name": "Someone", "emails": [{"address": "RENEE@mercy.example"}]})
    assert not hint.isHidden() and "Renee Dubois" in hint.text()
    with qtbot.waitSignal(hint.sig_open_record) as signal:
        hint.linkActivated.emit(first)
    assert signal.args == ["contact", first]
    hint.check_now({"name": "Nobody Like This"})
    assert hint.isHidden()
    hint.check({"name": "Renée Dubois", "organization_id": desk.contacts.get(first)
                .organization_id})
    qtbot.waitUntil(lambda: not hint.isHidden(), timeout=3000)
