"""First run: the welcome asks our name (and an optional logo), offers the sample data,
then the main window opens on the database."""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from partnerdesk.services import Desk
from partnerdesk.ui import app as app_module
from partnerdesk.ui import welcome as welcome_module
from partnerdesk.ui.main_window import MainWindow
from partnerdesk.ui.welcome import WelcomeDialog, needs_welcome


def _logo(tmp_path: Path) -> Path:
    image = QImage(40, 20, QImage.Format.Format_RGB32)
    image.fill(QColor("#2e9e5b"))
    path = tmp_path / "logo.png"
    assert image.save(str(path))
    return path


def test_welcome_creates_our_organization_with_a_logo(qtbot, desk, tmp_path, monkeypatch):
    assert needs_welcome(desk)
    dialog = WelcomeDialog(desk)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.ok_button.isEnabled()  # a name is needed first
    assert dialog.name_problem.isVisible()
    qtbot.keyClicks(dialog.name, "Eastside Helpers")
    assert dialog.ok_button.isEnabled()

    not_a_picture = tmp_path / "notes.png"
    not_a_picture.write_text("hello")
    monkeypatch.setattr(welcome_module.QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(not_a_picture), "")))
    qtbot.mouseClick(dialog.logo_button, Qt.MouseButton.LeftButton)
    assert dialog.logo_problem.isVisible() and dialog.logo_bytes is None

    logo = _logo(tmp_path)
    monkeypatch.setattr(welcome_module.QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(logo), "")))
    qtbot.mouseClick(dialog.logo_button, Qt.MouseButton.LeftButton)
    assert not dialog.logo_problem.isVisible()
    with qtbot.waitSignal(dialog.sig_done):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    ours = desk.organizations.ours()
    assert ours is not None and ours.name == "Eastside Helpers"
    assert desk.attachments.blob_path(ours.logo_sha256).read_bytes() == logo.read_bytes()
    assert desk.organizations.count() == 1  # no sample data unless asked
    assert not needs_welcome(desk)


def test_welcome_can_load_the_sample_data(qtbot, desk):
    dialog = WelcomeDialog(desk)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name, "Our Network")
    qtbot.mouseClick(dialog.sample, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.sig_done, timeout=20000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert desk.organizations.ours().name == "Our Network"
    assert desk.organizations.count() > 5
    assert desk.agreements.count() > 0
    assert len(desk.organizations.list(where={"is_us": True})) == 1


def test_first_run_opens_the_window_after_the_welcome(qtbot, db_path, monkeypatch):
    def fill_in(dialog: WelcomeDialog) -> int:
        dialog.name.setText("First Run Org")
        dialog.accept()
        return WelcomeDialog.DialogCode.Accepted
    monkeypatch.setattr(WelcomeDialog, "exec", fill_in)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    desk = app_module.open_desk(window, db_path)
    try:
        assert desk is not None
        assert window.has_view("organizations") and window.current_key() == "dashboard"
        assert desk.organizations.ours().name == "First Run Org"
        assert not window.undo_action.isEnabled()  # setting up is not a step to undo
        assert window.undo_action.text() == "&Undo"
        window.show_view("organizations")
        assert window.view("organizations").model.rowCount() == 1
    finally:
        desk.close()

    # The second start goes straight to the window.
    monkeypatch.setattr(WelcomeDialog, "exec", lambda _d: (_ for _ in ()).throw(
        AssertionError("no welcome on the second run")))
    again = MainWindow()
    qtbot.addWidget(again)
    desk = app_module.open_desk(again, db_path)
    assert desk is not None and again.has_view("organizations")
    desk.close()


def test_cancelling_the_welcome_closes_the_window(qtbot, db_path, monkeypatch):
    monkeypatch.setattr(WelcomeDialog, "exec", lambda _d: WelcomeDialog.DialogCode.Rejected)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert app_module.open_desk(window, db_path) is None
    assert not window.isVisible()
    with Desk.open(db_path) as desk:
        assert desk.organizations.count() == 0


def _colleague_bundle(new_desk, tmp_path: Path, passphrase: str | None = None) -> tuple[str, Path]:
    colleague = new_desk(tmp_path / "colleague.db")
    ours = colleague.organizations.create(name="Eastside Helpers", is_us=True)
    colleague.contacts.create(name="Dr. Amal Haddad")
    bundle = tmp_path / "from-ana.partnerdesk"
    colleague.sharing.export(bundle, passphrase=passphrase)
    return ours.id, bundle


def test_join_a_colleague_adopts_their_organization_and_records(
        qtbot, desk, new_desk, tmp_path, monkeypatch):
    organization_id, bundle = _colleague_bundle(new_desk, tmp_path)
    dialog = WelcomeDialog(desk)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.join_choice, Qt.MouseButton.LeftButton)
    assert not dialog.name.isVisible()  # our organization comes from the bundle
    assert dialog.bundle_button.isVisible() and not dialog.ok_button.isEnabled()
    monkeypatch.setattr(welcome_module.QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(bundle), "")))
    qtbot.mouseClick(dialog.bundle_button, Qt.MouseButton.LeftButton)
    assert dialog.bundle_label.text() == bundle.name and dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.person, "Ben Okafor")
    with qtbot.waitSignal(dialog.sig_done, timeout=60000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    ours = desk.organizations.ours()
    assert ours is not None and ours.id == organization_id  # one record, everywhere
    assert [o.name for o in desk.organizations.list()] == ["Eastside Helpers"]
    assert [c.name for c in desk.contacts.list()] == ["Dr. Amal Haddad"]
    assert desk.settings.your_name == "Ben Okafor"
    assert not needs_welcome(desk)


def test_join_a_sealed_bundle_asks_the_passphrase_in_the_dialog(
        qtbot, desk, new_desk, tmp_path):
    organization_id, bundle = _colleague_bundle(new_desk, tmp_path, "correct horse battery")
    dialog = WelcomeDialog(desk)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.join_choice.setChecked(True)
    dialog.set_bundle(bundle)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.join_problem.isVisible(), timeout=60000)
    assert "sealed" in dialog.join_problem.text()
    assert desk.organizations.count() == 0  # nothing changed
    qtbot.keyClicks(dialog.passphrase, "correct horse battery")
    with qtbot.waitSignal(dialog.sig_done, timeout=60000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert desk.organizations.ours().id == organization_id


def test_join_with_a_partner_bundle_says_why_and_changes_nothing(
        qtbot, desk, new_desk, tmp_path):
    colleague = new_desk(tmp_path / "colleague.db")
    colleague.organizations.create(name="Eastside Helpers", is_us=True)
    bundle = tmp_path / "for-partner.partnerdesk"
    from partnerdesk.sharing.exporter import Scope

    colleague.sharing.export(bundle, Scope.everything(for_partner=True))
    dialog = WelcomeDialog(desk)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.join_choice.setChecked(True)
    dialog.set_bundle(bundle)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.join_problem.isVisible(), timeout=60000)
    assert "does not say which organization" in dialog.join_problem.text()
    assert needs_welcome(desk) and dialog.isVisible()
