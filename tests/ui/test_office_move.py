"""File → Move to office database…: the dialog filled in, the copy made in the background,
the person told what moved; the file stays open and as it was.

Runs against the throwaway PostgreSQL server of `scripts/test`; skipped without one."""

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox
from sqlalchemy.engine import make_url

from partnerdesk.services import Desk
from partnerdesk.ui import office
from partnerdesk.ui.tasks import wait_until_idle
from tests.engines import empty_database_url, server_databases, skip_without_server


@pytest.fixture
def target() -> Iterator[str]:
    skip_without_server()
    with server_databases() as made:
        made.append(empty_database_url())
        yield made[0]


def fill(qtbot: Any, dialog: office.OfficeDialog, url: str, password: str = "") -> None:
    parts = make_url(url)
    qtbot.keyClicks(dialog.host, parts.host or "")
    dialog.port.setValue(parts.port or 5432)
    qtbot.keyClicks(dialog.database, parts.database or "")
    qtbot.keyClicks(dialog.user, parts.username or "")
    qtbot.keyClicks(dialog.password, password)
    dialog.tls.setCurrentIndex(office.TLS_CHOICES.index("disable"))  # the test server's


def test_dialog_needs_every_part_and_keeps_tls_on_by_default(qtbot: Any) -> None:
    dialog = office.OfficeDialog(None, "Connect", "Connect")
    qtbot.addWidget(dialog)
    assert dialog.tls.currentIndex() == 0 and not dialog.ok_button.isEnabled()
    assert "Fill in" in dialog.problem.text()
    qtbot.keyClicks(dialog.host, "db.example.org")
    qtbot.keyClicks(dialog.database, "office")
    qtbot.keyClicks(dialog.user, "ana")
    assert dialog.ok_button.isEnabled()
    assert dialog.address_text() == \
        "postgresql://ana@db.example.org:5432/office?sslmode=require"
    qtbot.keyClicks(dialog.password, "s3cret")
    assert "s3cret" not in dialog.address_text()


def test_move_from_the_file_menu(qtbot: Any, desk: Desk, make_window: Any, target: str,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    desk.organizations.create(name="Eastside Community Partners", is_us=True)
    desk.contacts.create(name="Ida Brandt")
    window = make_window(desk)
    action = next(a for a in window.file_menu.actions() if a.objectName() == "move_to_office")
    assert action.isEnabled()

    def exec_filled(dialog: office.OfficeDialog) -> int:
        fill(qtbot, dialog, target)
        assert dialog.ok_button.isEnabled(), dialog.problem.text()
        return QDialog.DialogCode.Accepted

    told: list[str] = []
    monkeypatch.setattr(office.OfficeDialog, "exec", exec_filled)
    monkeypatch.setattr(QMessageBox, "information",
                        staticmethod(lambda *a, **k: told.append(a[2])))
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda *a, **k: told.append("warning: " + a[2])))
    action.trigger()
    assert wait_until_idle(120_000)  # a hang guard, not a measure of speed
    qtbot.waitUntil(lambda: bool(told))
    assert "were copied to" in told[0], told
    assert window.desk is desk  # the file stays open
    with Desk.open(target) as moved:
        assert [c.name for c in moved.contacts.list()] == ["Ida Brandt"]

    # again: the office database now holds records, and says so
    told.clear()
    action.trigger()
    assert wait_until_idle(120_000)
    qtbot.waitUntil(lambda: bool(told))
    assert told[0].startswith("warning: ") and "already holds records" in told[0]
