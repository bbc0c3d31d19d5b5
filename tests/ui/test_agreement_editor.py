"""The agreement (MOU) editor, driven like a person would, then checked in the database."""

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from pytestqt.qtbot import QtBot

from partnerdesk.services import Desk
from partnerdesk.ui.editors import agreement as agreement_module
from partnerdesk.ui.editors.agreement import AgreementEditor
from tests.ui.editor_helpers import pick


@pytest.fixture
def editor(qtbot: QtBot, desk: Desk) -> AgreementEditor:
    desk.organizations.create(name="Eastside Community Partners", is_us=True)
    hospital = desk.organizations.create(name="Mercy General Hospital", kind="hospital")
    desk.contacts.create(name="Renee Dubois", role="Director", organization_id=hospital.id)
    desk.partnerships.create(title="Food as Medicine")
    widget = AgreementEditor(desk)
    qtbot.addWidget(widget)
    widget.resize(800, 700)
    widget.show()
    widget.load(None)
    return widget


def test_create_agreement_with_parties_obligation_signatory_and_attachment(
        qtbot: QtBot, desk: Desk, editor: AgreementEditor, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    qtbot.keyClicks(editor.title, "Food as Medicine MOU")
    pick(qtbot, editor.partnership, "Food")
    for name, role in (("Eastside", "Provider"), ("Mercy", "Funder")):
        pick(qtbot, editor.party_org, name)
        qtbot.keyClicks(editor.party_role, role)
        qtbot.mouseClick(editor.parties_section.add_button, Qt.MouseButton.LeftButton)
    assert editor.parties.rowCount() == 2

    editor.tabs.setCurrentIndex(1)
    # The party list offers the parties just added.
    assert editor.obligation_party.count() == 3
    editor.obligation_party.setCurrentIndex(editor.obligation_party.findText(
        "Mercy General Hospital"))
    qtbot.keyClicks(editor.obligation_what, "Share monthly referral numbers")
    qtbot.keyClicks(editor.obligation_often, "monthly")
    qtbot.mouseClick(editor.obligations_section.add_button, Qt.MouseButton.LeftButton)

    editor.tabs.setCurrentIndex(2)
    pick(qtbot, editor.signatory_contact, "Renee")
    editor.signatory_date.set_value(date(2026, 6, 1))
    qtbot.mouseClick(editor.signatories_section.add_button, Qt.MouseButton.LeftButton)

    signed = tmp_path / "signed MOU.pdf"
    signed.write_bytes(b"%PDF-1.4 signed copy")
    monkeypatch.setattr(agreement_module.QFileDialog, "getOpenFileName",
                        lambda *args, **kwargs: (str(signed), ""))
    qtbot.mouseClick(editor.files_section.add_button, Qt.MouseButton.LeftButton)
    assert editor.files.rowCount() == 1 and editor.is_dirty()
    assert desk.attachments.count() == 0  # nothing written before Save
    assert editor.save()

    [row] = desk.agreements.list()
    assert row.title == "Food as Medicine MOU" and row.status == "draft"
    assert desk.partnerships.get(row.partnership_id).title == "Food as Medicine"
    parties = {desk.organizations.get(p.organization_id).name: p.role
               for p in desk.agreement_parties.list(where={"agreement_id": row.id})}
    assert parties == {"Eastside Community Partners": "Provider",
                       "Mercy General Hospital": "Funder"}
    [obligation] = desk.obligations.list(where={"agreement_id": row.id})
    assert obligation.description == "Share monthly referral numbers"
    assert obligation.frequency == "monthly"
    assert desk.organizations.get(obligation.organization_id).name == "Mercy General Hospital"
    [signatory] = desk.signatories.list(where={"agreement_id": row.id})
    assert signatory.signed_on == date(2026, 6, 1)
    [attachment] = desk.attachments.for_record(row.id)
    assert attachment.filename == "signed MOU.pdf" and attachment.record_type == "agreement"
    assert desk.attachments.path_of(attachment).read_bytes() == b"%PDF-1.4 signed copy"

    # Open it with the system viewer: a copy under its own name.
    opened: list[QUrl] = []
    monkeypatch.setattr(agreement_module.QDesktopServices, "openUrl",
                        lambda url: opened.append(url) or True)
    signed.unlink()  # the original is gone; the stored copy is what opens
    editor.files_section.table.selectRow(0)
    qtbot.mouseClick(editor.open_button, Qt.MouseButton.LeftButton)
    [url] = opened
    assert Path(url.toLocalFile()).name == "signed MOU.pdf"
    assert Path(url.toLocalFile()).read_bytes() == b"%PDF-1.4 signed copy"


def test_status_offers_only_next_steps_and_explains_an_impossible_one(
        qtbot: QtBot, desk: Desk, editor: AgreementEditor) -> None:
    saved = desk.agreements.create(title="Shared space MOU", status="draft")
    editor.load(saved.id)
    offered = [editor.status.itemData(i) for i in range(editor.status.count())]
    assert offered == ["draft", "negotiating", "terminated"]
    assert "Negotiating" in editor.status_hint.text()

    # Meanwhile, someone else terminates it (another window, a partner's bundle).
    desk.agreements.update(saved.id, status="terminated")
    editor.status.setFocus()
    qtbot.keyClick(editor.status, Qt.Key.Key_Down)  # draft -> negotiating
    assert editor.status.value() == "negotiating"
    assert not editor.save()  # first, both choices are shown (a field both changed)
    problem = editor.findChild(agreement_module.QLabel, "problem_status")
    assert problem.isVisible() and "“terminated”" in problem.text()
    assert editor.status.value() == "negotiating"
    assert not editor.save()  # keeping theirs-over-mine is then the status rule's call
    assert problem.isVisible()
    assert "cannot go from Terminated to Negotiating" in problem.text()
    assert desk.agreements.get(saved.id).status == "terminated"  # nothing saved
    assert editor.is_dirty()  # the choice is still on screen

    # Reloaded, a terminated agreement offers no further step.
    editor.load(saved.id)
    assert editor.status.count() == 1
    assert "cannot change status" in editor.status_hint.text()


def test_status_step_is_saved(qtbot: QtBot, desk: Desk, editor: AgreementEditor) -> None:
    saved = desk.agreements.create(title="Referral MOU", status="negotiating")
    editor.load(saved.id)
    editor.status.setCurrentIndex(editor.status.findData("signed"))
    assert editor.save()
    assert desk.agreements.get(saved.id).status == "signed"
    offered = [editor.status.itemData(i) for i in range(editor.status.count())]
    assert offered == ["signed", "active", "expired", "terminated"]  # agreement_rules


def test_expiry_before_effective_disables_save_with_message(
        qtbot: QtBot, desk: Desk, editor: AgreementEditor) -> None:
    qtbot.keyClicks(editor.title, "Backup power MOU")
    qtbot.waitUntil(editor.is_valid, timeout=2000)
    with qtbot.waitSignal(editor.sig_valid_changed, timeout=2000) as blocker:
        editor.effective.set_value(date(2026, 7, 1))
        editor.expiry.set_value(date(2026, 6, 30))
    assert blocker.args == [False]
    assert not editor.is_valid()
    problem = editor.findChild(agreement_module.QLabel, "problem_expiry_date")
    assert problem.isVisible()
    assert problem.text() == "An agreement cannot expire before it takes effect."
    # Fixing the date clears the message.
    with qtbot.waitSignal(editor.sig_valid_changed, timeout=2000) as blocker:
        editor.expiry.setFocus()
        qtbot.keyClick(editor.expiry, Qt.Key.Key_Delete)  # no expiry date
    assert blocker.args == [True] and not problem.isVisible()
    assert editor.save() and desk.agreements.list()[0].expiry_date is None


def test_demo_agreement_renders(qtbot: QtBot, demo_desk: Desk, tmp_path: Path) -> None:
    widget = AgreementEditor(demo_desk)
    qtbot.addWidget(widget)
    widget.resize(760, 700)
    with_files = {a.record_id for a in demo_desk.attachments.list()}
    chosen = next((a for a in demo_desk.agreements.list() if a.id in with_files),
                  demo_desk.agreements.list()[0])
    widget.load(chosen.id)
    widget.show()
    assert not widget.is_dirty() and widget.title.text() == chosen.title
    for index in range(widget.tabs.count()):
        widget.tabs.setCurrentIndex(index)
        widget.grab().save(str(tmp_path / f"agreement_{index}.png"))
