"""Send by e-mail…: a report or a bundle handed to the mail program with the file attached
(a fake `xdg-email` on PATH stands in for the desktop's), the fallback when none takes it,
and the commands for macOS and the MAPI message for Windows."""

import os
import stat
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMessageBox

from partnerdesk.ui import mail
from partnerdesk.ui.reports_view import ReportsView


@pytest.fixture
def fake_xdg_email(tmp_path, monkeypatch):
    """An xdg-email that writes down its arguments, one a line, and exits with `code`."""
    folder = tmp_path / "bin"
    folder.mkdir()
    record = tmp_path / "xdg-email-args.txt"

    def install(code: int = 0) -> Path:
        script = folder / "xdg-email"
        script.write_text(f'#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done > "{record}"'
                          f"\nexit {code}\n")
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
        monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
        return record

    monkeypatch.setattr(mail, "GRACE_MS", 60_000)  # a slow machine still sees the answer
    return install


@pytest.fixture
def told(monkeypatch):
    """What the fallback says and shows (no real message box, no file manager)."""
    said, opened = [], []
    monkeypatch.setattr(QMessageBox, "information",
                        staticmethod(lambda *a, **k: said.append(a[2])))
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        staticmethod(lambda url: opened.append(url.toLocalFile()) or True))
    return said, opened


@pytest.fixture
def report_view(demo_desk, qtbot):
    view = ReportsView(demo_desk)
    qtbot.addWidget(view)
    view.show()
    view.kind.setCurrentIndex(view.kind.findData("agreements"))
    assert not view.email_button.isEnabled()  # nothing to send yet
    with qtbot.waitSignal(view.sig_report_ready):
        qtbot.mouseClick(view.make_button, Qt.MouseButton.LeftButton)
    assert view.email_button.isEnabled()
    return view


def test_a_report_goes_to_the_mail_program_attached(qtbot, report_view, fake_xdg_email,
                                                    told):
    record = fake_xdg_email(0)
    qtbot.mouseClick(report_view.email_button, Qt.MouseButton.LeftButton)
    sender = report_view.mail_send
    qtbot.waitUntil(lambda: sender.result is not None)
    assert sender.result is True
    args = record.read_text().splitlines()
    attached = Path(args[args.index("--attach") + 1])
    assert attached.is_file() and attached.read_bytes() == report_view.pdf
    assert attached.parent == report_view.desk.path.parent / "reports"
    assert args[args.index("--subject") + 1] == "Agreements register"
    assert told == ([], [])  # no fallback


def test_no_mail_program_shows_the_folder_and_copies_a_note(qtbot, report_view,
                                                            fake_xdg_email, told):
    fake_xdg_email(3)  # xdg-email: "a required tool could not be found"
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(report_view.email_button, Qt.Key.Key_Space)
    sender = report_view.mail_send
    qtbot.waitUntil(lambda: sender.result is not None)
    assert sender.result is False
    said, opened = told
    assert opened == [str(sender.path.parent)]
    assert said and "No mail program" in said[0] and sender.path.name in said[0]
    assert QGuiApplication.clipboard().text() == (
        f"Attach this file to your e-mail: {sender.path}")


def test_no_xdg_email_at_all_falls_back_too(qtbot, report_view, told, monkeypatch):
    monkeypatch.setattr(mail.shutil, "which", lambda _name: None)
    qtbot.mouseClick(report_view.email_button, Qt.MouseButton.LeftButton)
    sender = report_view.mail_send
    assert sender.result is False and told[0]


def test_a_bundle_is_sent_after_it_is_saved(qtbot, desk, tmp_path, monkeypatch,
                                            fake_xdg_email, told):
    from partnerdesk.ui import sharing_view
    from tests.ui.test_sharing_view import make_view

    record = fake_xdg_email(0)
    desk.contacts.create(name="Open Olga", share_ok=True)
    target = tmp_path / "for-partner.partnerdesk"
    monkeypatch.setattr(sharing_view.QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(target), ""))
    view = make_view(qtbot, desk)
    assert not view.email_button.isEnabled()
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Saved" in view.export_status.text())
    assert view.email_button.isEnabled()
    qtbot.mouseClick(view.email_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.mail_send.result is not None)
    args = record.read_text().splitlines()
    assert Path(args[args.index("--attach") + 1]) == target.resolve()
    assert args[args.index("--subject") + 1] == "PartnerDesk records"


def test_macos_uses_mail_with_the_file_attached(tmp_path):
    report = tmp_path / 'Board "Q3" report.pdf'
    report.write_bytes(b"%PDF-1.4")
    first, second = mail.mail_commands(report, "Agreements register", "Attached.",
                                       to="lead@stmarys.org", platform="darwin")
    assert first[:2] == ["osascript", "-e"]
    script = first[2]
    assert 'tell application "Mail"' in script
    assert 'subject:"Agreements register"' in script
    assert f'POSIX file "{str(report.resolve()).replace(chr(34), chr(92) + chr(34))}"' in script
    assert 'address:"lead@stmarys.org"' in script
    assert second == ["open", "-a", "Mail", str(report.resolve())]


def test_windows_builds_a_mapi_message_with_the_attachment(tmp_path):
    report = tmp_path / "register.pdf"
    report.write_bytes(b"%PDF-1.4")
    assert mail.mail_commands(report, "s", "b", platform="win32") == []
    message = mail.mapi_message(report, "Agreements register", "Attached.",
                                to="lead@stmarys.org")
    assert message.lpszSubject == b"Agreements register"
    assert message.nFileCount == 1
    assert message.lpFiles[0].lpszPathName == str(report.resolve()).encode()
    assert message.lpFiles[0].lpszFileName == b"register.pdf"
    assert message.nRecipCount == 1
    assert message.lpRecips[0].lpszAddress == b"SMTP:lead@stmarys.org"
    assert message.lpRecips[0].ulRecipClass == mail.MAPI_TO
