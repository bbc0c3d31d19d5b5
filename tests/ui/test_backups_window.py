"""The Backups window: lists backups with counts, backs up, restores, changes folder."""

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from partnerdesk.db.backup_folder import list_backups
from partnerdesk.services import Desk
from partnerdesk.services.backups import Backups
from partnerdesk.ui import backups_window
from partnerdesk.ui.backups_window import COL_REASON, BackupsWindow

DISPLAY = Qt.ItemDataRole.DisplayRole


@pytest.fixture
def window(qtbot: Any, desk: Desk) -> BackupsWindow:
    org = desk.organizations.create(name="Riverside Clinic")
    desk.contacts.create(name="Ana Lima", organization_id=org.id)
    Backups.of(desk).backup_now("daily")
    made = BackupsWindow(desk)
    qtbot.addWidget(made)
    made.show()
    qtbot.waitUntil(lambda: made.model.rowCount() == 1)
    return made


def cell(window: BackupsWindow, row: int, column: int) -> str:
    return window.model.data(window.model.index(row, column), DISPLAY)


def test_lists_backups_with_date_size_and_counts(window: BackupsWindow, tmp_path: Path) -> None:
    headers = [window.model.headerData(c, Qt.Orientation.Horizontal, DISPLAY)
               for c in range(window.model.columnCount())]
    assert headers[:4] == ["Date", "Why", "Size", "Organizations"]
    assert cell(window, 0, COL_REASON) == "Daily"
    assert cell(window, 0, 2).endswith("KB")
    assert cell(window, 0, 3) == "1" and cell(window, 0, 4) == "1"
    assert "Backups are kept in" in window.folder_label.text()
    assert window.grab().save(str(tmp_path / "backups_window.png"))  # it paints


def test_back_up_now_adds_a_row(qtbot: Any, window: BackupsWindow) -> None:
    qtbot.mouseClick(window.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.model.rowCount() == 2)
    assert "Made by hand" in {cell(window, r, COL_REASON) for r in range(2)}
    assert "Backup made" in window.status.text()


def test_restore_selected_backs_up_current_first(qtbot: Any, window: BackupsWindow,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    desk = window.desk
    desk.organizations.create(name="Made after the backup")
    asked: list[str] = []

    def answer(_parent: Any, _title: str, text: str, *args: Any) -> Any:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(backups_window.QMessageBox, "question", answer)
    window.table.selectRow(0)
    with qtbot.waitSignal(window.sig_restored, timeout=10_000):
        qtbot.mouseClick(window.restore_button, Qt.MouseButton.LeftButton)
    assert "1 organization, 1 contact" in asked[0]
    assert [o.name for o in desk.organizations.list()] == ["Riverside Clinic"]
    assert "before-restore" in {b.reason for b in list_backups(desk.path)}
    qtbot.waitUntil(lambda: window.model.rowCount() == 2)
    assert "Restored the backup" in window.status.text()


def test_declining_the_restore_changes_nothing(qtbot: Any, window: BackupsWindow,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    window.desk.organizations.create(name="Kept")
    monkeypatch.setattr(backups_window.QMessageBox, "question",
                        lambda *a: QMessageBox.StandardButton.No)
    qtbot.mouseClick(window.restore_button, Qt.MouseButton.LeftButton)
    assert window.desk.organizations.count() == 2
    assert len(list_backups(window.desk.path)) == 1


def test_choose_folder_points_backups_elsewhere(qtbot: Any, window: BackupsWindow,
                                                tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    usb = tmp_path / "usb"
    monkeypatch.setattr(backups_window.QFileDialog, "getExistingDirectory",
                        lambda *a: str(usb))
    qtbot.mouseClick(window.folder_button, Qt.MouseButton.LeftButton)
    assert str(usb.resolve()) in window.folder_label.text()
    assert window.default_button.isEnabled()
    qtbot.waitUntil(window.backup_button.isEnabled)  # the list was re-read
    qtbot.mouseClick(window.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.model.rowCount() == 2)
    assert len(list(usb.glob("*-manual.db"))) == 1
    qtbot.mouseClick(window.default_button, Qt.MouseButton.LeftButton)
    assert "chosen by you" not in window.folder_label.text()


def test_unusable_folder_is_refused_plainly(qtbot: Any, window: BackupsWindow, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setattr(backups_window.QFileDialog, "getExistingDirectory",
                        lambda *a: str(blocker / "backups"))
    shown: list[str] = []
    monkeypatch.setattr("partnerdesk.ui.errors.QMessageBox.warning",
                        lambda _p, _t, text: shown.append(text))
    before = window.folder_label.text()
    qtbot.mouseClick(window.folder_button, Qt.MouseButton.LeftButton)
    assert shown and "cannot save backups" in shown[0]
    assert window.folder_label.text() == before


def damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for offset in range(4096 * 3, min(len(data), 4096 * 40), 4096):
        data[offset:offset + 200] = b"\xde\xad" * 100
    path.write_bytes(bytes(data))


def test_damaged_database_at_open_offers_the_newest_good_backup(
        qtbot: Any, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from partnerdesk.db.backup import DamagedDatabaseError
    from partnerdesk.ui.backups_window import offer_restore_for_damaged

    with Desk.open(db_path) as desk:
        desk.organizations.create(name="Riverside Clinic")
        Backups.of(desk).backup_now()
        desk.organizations.create(name="Lost with the damage")
    damage(db_path)
    with pytest.raises(DamagedDatabaseError) as raised:
        Desk.open(db_path)
    asked: list[str] = []

    def answer(_parent: Any, _title: str, text: str, *args: Any) -> Any:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(backups_window.QMessageBox, "question", answer)
    done: list[Any] = []
    assert offer_restore_for_damaged(None, raised.value, done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    assert "holds 1 organization" in asked[0] and "kept aside" in asked[0]
    assert done[0].set_aside is not None and done[0].set_aside.exists()
    with Desk.open(db_path) as desk:
        assert [o.name for o in desk.organizations.list()] == ["Riverside Clinic"]
