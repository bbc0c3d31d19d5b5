"""The Sharing view driven like a person would: export, preview and import, conflicts,
import history with undo, sealed bundles."""

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox
from sqlmodel import select

from partnerdesk.db.local import ExportLog
from partnerdesk.services import Desk
from partnerdesk.sharing import limits
from partnerdesk.sharing.exporter import export_bundle
from partnerdesk.sharing.importer import import_file
from partnerdesk.ui import sharing_view
from partnerdesk.ui.sharing_view import SharingView


@pytest.fixture
def other(tmp_path: Path) -> Any:
    opened = Desk.open(tmp_path / "other.db")
    yield opened
    opened.close()


def make_view(qtbot: Any, desk: Desk) -> SharingView:
    view = SharingView(desk)
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    qtbot.waitExposed(view)
    return view


def select_row(view: Any, row: int) -> None:
    view.selectRow(row)


def test_export_everything_for_a_partner(qtbot: Any, desk: Desk, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    desk.contacts.create(name="Open Olga", share_ok=True, internal_notes="private remark")
    desk.contacts.create(name="Hidden Hugo", share_ok=False)
    target = tmp_path / "for-partner.partnerdesk"
    monkeypatch.setattr(sharing_view.QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(target), ""))
    view = make_view(qtbot, desk)
    qtbot.mouseClick(view.for_partner, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Saved" in view.export_status.text(), timeout=10_000)
    bundle = limits.read_file(target)
    names = [line["values"]["name"] for line in bundle.records["contact"]]
    assert names == ["Open Olga"]
    assert "internal_notes" not in bundle.records["contact"][0]["values"]
    with desk.store.read() as session:
        assert session.exec(select(ExportLog)).one().recipient == "partner"
    view.grab().save(str(tmp_path / "sharing-export.png"))


def test_sealed_export_needs_matching_passphrases(qtbot: Any, desk: Desk, other: Desk,
                                                  tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    desk.contacts.create(name="Sealed Sue")
    target = tmp_path / "sealed.partnerdesk"
    monkeypatch.setattr(sharing_view.QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(target), ""))
    view = make_view(qtbot, desk)
    qtbot.mouseClick(view.seal_box, Qt.MouseButton.LeftButton,
                     pos=QPoint(8, view.seal_box.height() // 2))
    assert view.seal_box.isChecked() and view.passphrase.isEnabled()
    qtbot.keyClicks(view.passphrase, "river stone lamp")
    qtbot.keyClicks(view.passphrase_again, "river stone lump")
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    assert "differ" in view.export_status.text() and not target.exists()
    view.passphrase_again.clear()
    qtbot.keyClicks(view.passphrase_again, "river stone lamp")
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "locked" in view.export_status.text(), timeout=10_000)
    # importing it asks for the passphrase
    monkeypatch.setattr(sharing_view.QFileDialog, "getOpenFileName",
                        lambda *a, **k: (str(target), ""))
    monkeypatch.setattr(sharing_view.QInputDialog, "getText",
                        lambda *a, **k: ("river stone lamp", True))
    importer = make_view(qtbot, other)
    qtbot.mouseClick(importer.choose_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(importer.apply_button.isEnabled, timeout=10_000)
    qtbot.mouseClick(importer.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(other.contacts.list(text="Sealed Sue")), timeout=10_000)


def test_preview_apply_and_undo(qtbot: Any, desk: Desk, other: Desk, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("Ann", "Bob", "Cleo"):
        desk.contacts.create(name=name)
    path = tmp_path / "b.partnerdesk"
    export_bundle(desk, path)
    monkeypatch.setattr(sharing_view.QFileDialog, "getOpenFileName",
                        lambda *a, **k: (str(path), ""))
    view = make_view(qtbot, other)
    view.tabs.setCurrentIndex(1)
    qtbot.mouseClick(view.choose_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(view.apply_button.isEnabled, timeout=10_000)
    assert "3 new" in view.preview_label.text()
    assert view.preview_model.rowCount() == 3
    assert other.contacts.count() == 0  # the preview changed nothing
    view.grab().save(str(tmp_path / "sharing-preview.png"))
    with qtbot.waitSignal(view.sig_data_changed, timeout=10_000):
        qtbot.mouseClick(view.apply_button, Qt.MouseButton.LeftButton)
    assert other.contacts.count() == 3
    assert view.history_model.rowCount() == 1
    assert "3 new" in view.history_model.data(view.history_model.index(0, 3))

    other.contacts.update(other.contacts.list(text="Ann")[0].id, role="Edited since")
    asked: list[str] = []

    def answer(_parent: Any, _title: str, text: str, *args: Any) -> Any:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(sharing_view.QMessageBox, "question", answer)
    view.tabs.setCurrentIndex(3)
    select_row(view.history_table, 0)
    view.grab().save(str(tmp_path / "sharing-history.png"))
    with qtbot.waitSignal(view.sig_data_changed, timeout=10_000):
        qtbot.mouseClick(view.undo_button, Qt.MouseButton.LeftButton)
    assert "changed after the import (Ann)" in asked[0]
    assert other.contacts.count() == 0
    assert view.history_model.data(view.history_model.index(0, 4)) == "yes"


def test_conflicts_side_by_side_and_use_this_value(qtbot: Any, desk: Desk, other: Desk,
                                                   tmp_path: Path) -> None:
    org = desk.organizations.create(name="Clinic")
    export_bundle(desk, tmp_path / "1.partnerdesk")
    import_file(other, tmp_path / "1.partnerdesk")
    desk.organizations.update(org.id, website="ours.example.org")
    other.organizations.update(org.id, website="theirs.example.org")
    export_bundle(desk, tmp_path / "2.partnerdesk")
    export_bundle(other, tmp_path / "3.partnerdesk")
    import_file(other, tmp_path / "2.partnerdesk")
    import_file(desk, tmp_path / "3.partnerdesk")
    loser = desk if desk.organizations.get(org.id).website == "theirs.example.org" else other
    view = make_view(qtbot, loser)
    assert view.conflict_model.rowCount() == 1
    mine = view.conflict_model.data(view.conflict_model.index(0, 2))
    kept = view.conflict_model.data(view.conflict_model.index(0, 4))
    assert {mine, kept} == {"ours.example.org", "theirs.example.org"}
    # who typed each, and that this laptop's value is the one replaced
    assert view.conflict_model.data(view.conflict_model.index(0, 3)) == "this laptop"
    assert view.conflict_model.data(view.conflict_model.index(0, 1)) == "Website"
    assert view.conflict_model.data(view.conflict_model.index(0, 6)) == \
        "this laptop's value replaced"
    assert "Conflicts (1)" in view.tabs.tabText(2)
    view.tabs.setCurrentIndex(2)
    view.grab().save(str(tmp_path / "sharing-conflicts.png"))
    select_row(view.conflict_table, 0)
    qtbot.mouseClick(view.use_ours_button, Qt.MouseButton.LeftButton)
    assert loser.organizations.get(org.id).website == mine
    assert view.conflict_model.rowCount() == 0


def test_a_broken_file_is_refused_with_a_sentence(qtbot: Any, other: Desk, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "broken.partnerdesk"
    path.write_text("not a bundle")
    monkeypatch.setattr(sharing_view.QFileDialog, "getOpenFileName",
                        lambda *a, **k: (str(path), ""))
    shown: list[str] = []
    monkeypatch.setattr(sharing_view, "show_error", lambda _p, e: shown.append(str(e)))
    view = make_view(qtbot, other)
    qtbot.mouseClick(view.choose_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert "not a zip file" in shown[0]
    assert not view.apply_button.isEnabled()
