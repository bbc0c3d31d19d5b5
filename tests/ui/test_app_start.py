"""`run()` shows the window first, then opens the database; the screenshot script works."""

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

from partnerdesk.ui import app as app_module
from partnerdesk.ui.main_window import MainWindow
from tests.ui.conftest import png_is_not_blank

ROOT = Path(__file__).resolve().parents[2]


def test_run_shows_the_window_then_opens_the_database(qtbot, demo_desk, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    seen: dict[str, object] = {}
    real_open = app_module.open_desk

    def open_desk(window: MainWindow, db_path: Path | None, today=None, checked=None):
        seen["visible_before_open"] = window.isVisible()
        seen["opening_shown"] = window.stack.currentWidget() is window.opening
        seen["title_before_open"] = window.windowTitle()
        seen["opening_text"] = window.opening.text()
        seen["checked"] = checked.result(db_path) if checked is not None else None
        desk = real_open(window, db_path, today, checked)
        seen["views"] = window.view_keys()
        seen["window"] = window
        window.close()
        QTimer.singleShot(0, QCoreApplication.quit)
        if desk is not None:
            desk.close()
        return desk

    monkeypatch.setattr(app_module, "open_desk", open_desk)
    demo_path = demo_desk.path
    assert app_module.run(demo_path, ["partnerdesk"]) == 0
    assert seen["visible_before_open"] and seen["opening_shown"]
    assert seen["title_before_open"] == f"PartnerDesk — {demo_path.name}"
    assert demo_path.name in seen["opening_text"]
    assert seen["checked"] is True  # the quick check ran in a thread while Qt started
    assert {"dashboard", "organizations", "contacts", "trash"} <= set(seen["views"])
    assert QCoreApplication.organizationName() == "PartnerDesk"
    assert sys.excepthook is not sys.__excepthook__
    assert isinstance(QApplication.instance(), QApplication)


def test_screenshot_script_saves_a_picture_of_every_view(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "screenshots.py"),
                             str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in tmp_path.glob("*.png"))
    for view in ("dashboard", "organizations", "contacts", "funding", "trash"):
        assert any(f"view-{view}" in name for name in names), names
    for editor in ("organization", "contact", "funding", "event", "feedback"):
        assert any(f"editor-{editor}" in name for name in names), names
    assert all(png_is_not_blank(tmp_path / name) for name in names)


def test_the_readme_shows_pictures_the_screenshot_script_makes():
    """docs/screenshots holds copies of what `scripts/screenshots` saves (without its
    numbers); the README shows them and no picture that is missing."""
    import re

    shown = re.findall(r"\]\((docs/[^)]+\.png)\)", (ROOT / "README.md").read_text())
    assert any(path.startswith("docs/screenshots/") for path in shown)
    assert [path for path in shown if not (ROOT / path).is_file()] == []
    script = (ROOT / "scripts" / "screenshots.py").read_text()
    for picture in (ROOT / "docs" / "screenshots").glob("*.png"):
        stem = picture.stem
        kind = stem.split("-", 1)[0] if stem.startswith(("view-", "editor-")) else stem
        assert f'"{kind}' in script or f'f"{kind}-' in script, picture.name
