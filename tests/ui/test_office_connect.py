"""File → Connect to office database…: the dialog filled against the throwaway server,
the records shown as File → Open shows a file's, the password kept in the keyring (a
test backend here) and never in the settings file, the database listed in Open Recent
without it; an account the server refuses is a sentence and nothing is opened.

Runs against the throwaway PostgreSQL server of `scripts/test`; skipped without one."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from PySide6.QtWidgets import QDialog, QMessageBox
from shiboken6 import isValid
from sqlalchemy.engine import make_url

from partnerdesk.services import Desk
from partnerdesk.services.passwords import SERVICE
from partnerdesk.ui import databases, office
from partnerdesk.ui.tasks import wait_until_idle
from tests.engines import new_database_url, server_databases, skip_without_server
from tests.ui.test_office_move import fill


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps passwords in this process only."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.kept: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.kept.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.kept[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.kept.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


@pytest.fixture
def office_url() -> Iterator[str]:
    skip_without_server()
    with server_databases() as made:
        made.append(new_database_url())
        with Desk.open(made[0]) as desk:
            desk.organizations.create(name="Eastside Community Partners", is_us=True)
            desk.contacts.create(name="Ida Brandt")
        yield made[0]
        for window in list(databases._windows):  # the windows the connection made
            if isValid(window) and window.desk is not None:
                opened = window.desk
                window.close()
                opened.close()
                window.deleteLater()


def connect(qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch, url: str,
            password: str) -> list[str]:
    def exec_filled(dialog: office.OfficeDialog) -> int:
        fill(qtbot, dialog, url, password)
        return QDialog.DialogCode.Accepted

    told: list[str] = []
    monkeypatch.setattr(office.OfficeDialog, "exec", exec_filled)
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: told.append(a[2])))
    action = next(a for a in window.file_menu.actions()
                  if a.objectName() == "connect_to_office")
    action.trigger()
    assert wait_until_idle(120_000)  # a hang guard, not a measure of speed
    return told


def test_connect_shows_the_office_records_and_keeps_the_password_in_the_keyring(
        qtbot: Any, desk: Desk, office_url: str,
        memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> None:
    from partnerdesk.ui.main_window import MainWindow

    window = MainWindow()  # replaced by the office database's window (and deleted)
    window.set_desk(desk)
    window.show()
    connect(qtbot, window, monkeypatch, office_url, "s3cret-pw")
    qtbot.waitUntil(lambda: any(isValid(w) and w.desk is not None and w.desk.address
                                is not None for w in databases._windows))
    new = next(w for w in databases._windows if isValid(w) and w.desk is not None)
    new.show_view("contacts")
    view = new.view("contacts")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert [c.name for c in new.desk.contacts.list()] == ["Ida Brandt"]

    shown = str(new.desk.address)
    assert memory_keyring.kept == {(SERVICE, shown): "s3cret-pw"}
    assert office.recent_offices(new) == [shown] and "s3cret" not in shown
    new.settings.sync()
    assert "s3cret-pw" not in Path(new.settings.fileName()).read_text(encoding="utf-8")
    menu = new.recent_menu
    databases.fill_recent_menu(new, menu)  # the office database open now is not listed
    assert all(a.data() != shown for a in menu.actions())
    assert make_url(shown).database == make_url(office_url).database


def test_an_account_the_server_refuses_is_a_sentence_and_nothing_opens(
        qtbot: Any, desk: Desk, make_window: Any, office_url: str,
        memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(desk)
    wrong = make_url(office_url).set(username="nobody_here")
    told = connect(qtbot, window, monkeypatch,
                   wrong.render_as_string(hide_password=False), "wrong")
    qtbot.waitUntil(lambda: bool(told))
    assert "could not connect to the office database" in told[0]
    assert window.desk is desk and window.isVisible()
    assert not [w for w in databases._windows if isValid(w) and w.desk is not None]
    assert memory_keyring.kept == {}


def test_a_wrong_password_is_a_sentence_nothing_opens_and_it_is_kept_nowhere(
        qtbot: Any, desk: Desk, make_window: Any, office_url: str,
        memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real account on a server that asks for passwords (scram over TCP)."""
    import os

    from PySide6.QtCore import QSettings

    from tests.engines import password_role

    with password_role(office_url) as (name, password):
        window = make_window(desk)
        person = make_url(office_url).set(username=name).render_as_string(
            hide_password=False)
        told = connect(qtbot, window, monkeypatch, person, "not-" + password)
        qtbot.waitUntil(lambda: bool(told))
        assert "could not connect to the office database" in told[0]
        assert "The user name or password was not accepted" in told[0]
        assert "not-" + password not in told[0]
        assert window.desk is desk and window.isVisible()
        assert not [w for w in databases._windows if isValid(w) and w.desk is not None]
        assert memory_keyring.kept == {}  # a refused password is not remembered
        settings = QSettings()
        settings.sync()
        kept = [Path(settings.fileName()), *Path(os.environ["PARTNERDESK_DATA_DIR"]).rglob("*")]
        assert not [str(path) for path in kept if path.is_file()
                    and b"not-" + password.encode() in path.read_bytes()]


def test_without_a_keyring_the_dialog_says_the_password_is_asked_each_time(
        qtbot: Any) -> None:
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        dialog = office.OfficeDialog(None, "Connect", "Connect")
        qtbot.addWidget(dialog)
        assert not dialog.remember.isEnabled() and not dialog.remember.isChecked()
        assert "ask for the password each time" in dialog.keyring_note.text()
    finally:
        keyring.set_keyring(before)
