"""Help → User guide opens the shipped guide; a double-clicked bundle reaches the preview."""

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QWidget

from partnerdesk.ui import help as help_module
from partnerdesk.ui import open_file


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[QUrl]:
    urls: list[QUrl] = []
    monkeypatch.setattr(help_module.QDesktopServices, "openUrl",
                        lambda url: urls.append(QUrl(url)) or True)
    return urls


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    said: list[str] = []
    for module in (help_module, open_file):
        for kind in ("warning", "information"):
            monkeypatch.setattr(module.QMessageBox, kind,
                                lambda _parent, _title, text, *a: said.append(text))
    return said


def test_user_guide_is_first_in_the_help_menu_and_opens_the_shipped_file(
        window: Any, opened: list[QUrl], boxes: list[str]) -> None:
    guide, patients = help_module.add_help_actions(window.help_menu, window)
    actions = window.help_menu.actions()
    assert actions[:2] == [guide, patients]
    assert actions[2].isSeparator() and window.about_action in actions
    assert guide.shortcut().toString() == "F1"
    guide.trigger()
    assert len(opened) == 1 and opened[0].isLocalFile()
    path = Path(opened[0].toLocalFile())
    assert path == help_module.guide_path() and path.is_file()
    assert "Getting started" in path.read_text(encoding="utf-8")
    patients.trigger()
    assert opened[1].fragment() == help_module.PATIENT_SECTION
    assert f'id="{help_module.PATIENT_SECTION}"' in path.read_text(encoding="utf-8")
    assert boxes == []


def test_a_missing_guide_is_said_plainly(monkeypatch: pytest.MonkeyPatch, qtbot: Any,
                                         tmp_path: Path, opened: list[QUrl],
                                         boxes: list[str]) -> None:
    monkeypatch.setattr(help_module, "resources_dir", lambda: tmp_path)
    parent = QWidget()
    qtbot.addWidget(parent)
    assert help_module.open_user_guide(parent) is False
    assert opened == [] and "Reinstall PartnerDesk" in boxes[0]


def test_no_browser_gives_the_path(monkeypatch: pytest.MonkeyPatch, qtbot: Any,
                                   boxes: list[str]) -> None:
    monkeypatch.setattr(help_module.QDesktopServices, "openUrl", lambda url: False)
    parent = QWidget()
    qtbot.addWidget(parent)
    assert help_module.open_user_guide(parent) is False
    assert str(help_module.guide_path()) in boxes[0]


def test_application_icon_has_every_size(qapp: Any) -> None:
    icon = open_file.application_icon()
    sizes = {size.width() for size in icon.availableSizes()}
    assert sizes == set(open_file.ICON_SIZES)


def test_opening_a_bundle_starts_the_sharing_preview(window: Any, tmp_path: Path, qtbot: Any,
                                                     boxes: list[str]) -> None:
    """A bundle made on another laptop: the Sharing screen shows its preview; nothing lands."""
    from partnerdesk.services import Desk
    from partnerdesk.services.demo import load_demo
    from partnerdesk.sharing.exporter import export_bundle

    bundle = tmp_path / "From Ana.partnerdesk"
    with Desk.open(tmp_path / "ana.db") as other:
        load_demo(other)
        export_bundle(other, bundle)
    assert window.desk.organizations.count() == 0
    assert open_file.handle_open_file(window, bundle) is True
    key, view = open_file.sharing_screen(window)
    assert window.current_key() == key
    assert view.tabs.currentWidget().isAncestorOf(view.preview_table)
    qtbot.waitUntil(view.apply_button.isEnabled, timeout=20000)
    assert "From Ana.partnerdesk" in view.preview_label.text()
    assert view.preview_model.rowCount() > 0
    assert window.desk.organizations.count() == 0  # a preview only: nothing imported yet
    assert boxes == []
    assert open_file.sharing_screen(window) == (key, view)  # found again, not added twice


@pytest.mark.parametrize(("name", "exists", "said"), [
    ("gone.partnerdesk", False, "could not be found"),
    ("notes.txt", True, "is not a PartnerDesk file"),
])
def test_a_wrong_file_is_explained_and_nothing_opens(window: Any, tmp_path: Path,
                                                     boxes: list[str], name: str,
                                                     exists: bool, said: str) -> None:
    path = tmp_path / name
    if exists:
        path.write_text("hello")
    before = window.current_key()
    assert open_file.handle_open_file(window, path) is False
    assert said in boxes[0] and window.current_key() == before


def test_macos_open_events_wait_for_the_database(window: Any, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtGui import QFileOpenEvent

    handled: list[Path] = []
    monkeypatch.setattr(open_file, "handle_open_file", lambda w, p: handled.append(Path(p)))
    opener = open_file.FileOpenFilter(window)
    desk, window.desk = window.desk, None
    event = QFileOpenEvent(str(tmp_path / "a.partnerdesk"))
    assert opener.eventFilter(window, event) is True
    assert handled == []
    window.desk = desk
    opener.flush()
    assert handled == [tmp_path / "a.partnerdesk"]
    assert opener.eventFilter(window, QFileOpenEvent(str(tmp_path / "b.partnerdesk")))
    assert handled[-1] == tmp_path / "b.partnerdesk"
