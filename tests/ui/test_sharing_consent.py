"""Issue 20, point 3: sharing consent made visible. The contact editor asks; a report for
partners says how many people it leaves out and lets you review them."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from partnerdesk.services import Desk
from partnerdesk.services.reporting import ReportOptions, gather
from partnerdesk.ui import consent_review, reports_view
from partnerdesk.ui.consent_review import ConsentReview
from partnerdesk.ui.editors.contact import ContactEditor
from partnerdesk.ui.reports_view import ReportsView


def shown(qtbot: QtBot, widget) -> None:
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget, timeout=5000)


def test_a_new_contact_is_asked_and_left_out_until_they_agree(qtbot: QtBot,
                                                             desk: Desk) -> None:
    editor = ContactEditor(desk)
    qtbot.addWidget(editor)
    shown(qtbot, editor)
    editor.load(None)
    hint = editor.findChild(QLabel, "share_hint")
    assert editor.share_answer() is None and hint.isVisible()
    assert "Not asked yet" in hint.text()
    qtbot.keyClicks(editor.name, "Marcus Lee")
    qtbot.waitUntil(editor.is_valid, timeout=2000)
    assert editor.save()
    assert desk.contacts.list()[0].share_ok is False  # not asked: not shared

    editor.load(None)
    qtbot.keyClicks(editor.name, "Ana Ruiz")
    editor.share_ok.setFocus(Qt.FocusReason.TabFocusReason)  # Tab lands on the question
    qtbot.keyClick(editor.share_ok, Qt.Key.Key_Space)
    assert editor.share_answer() is True and not hint.isVisible()
    qtbot.waitUntil(editor.is_valid, timeout=2000)
    assert editor.save()
    ana = desk.contacts.list(text="Ana")[0]
    assert ana.share_ok is True
    editor.load(ana.id)
    assert editor.share_answer() is True
    qtbot.mouseClick(editor.share_no, Qt.MouseButton.LeftButton)
    assert editor.is_dirty() and editor.save()
    assert desk.contacts.get(ana.id).share_ok is False
    editor.load(ana.id)
    assert editor.share_answer() is False and not hint.isVisible()  # answered: no


def partnership_with_people(desk: Desk) -> str:
    hospital = desk.organizations.create(name="St. Mary's General Hospital", kind="hospital")
    lead = desk.contacts.create(name="Dr. Amy Chen", organization_id=hospital.id)
    desk.contacts.create(name="Bo Diaz", organization_id=hospital.id)
    desk.contacts.create(name="Cy Evans", organization_id=hospital.id, share_ok=True)
    ship = desk.partnerships.save({"title": "Food as Medicine"}, None, members=None)
    desk.partnership_members.create(partnership_id=ship.id, organization_id=hospital.id,
                                    lead_contact_id=lead.id)
    desk.milestones.create(partnership_id=ship.id, title="Kick-off", due_date=None)
    return ship.id


def test_every_report_knows_who_it_left_out(desk: Desk) -> None:
    ship = partnership_with_people(desk)
    desk.meetings.create(title="Kick-off", partnership_id=ship,
                         starts_at=__import__("datetime").datetime(2026, 6, 1, 10))
    names = {c.id: c.name for c in desk.contacts.list()}
    report = gather(desk, ReportOptions(kind="partnership", partnership=ship))
    assert sorted(names[i] for i in report.meta.left_out) == ["Bo Diaz", "Dr. Amy Chen"]
    assert "Someone from St. Mary's General Hospital" in [lead for _o, lead in
                                                          report.partners]
    directory = gather(desk, ReportOptions(kind="directory"))
    assert len(directory.meta.left_out) == directory.withheld == 2
    internal = gather(desk, ReportOptions(kind="directory", include_internal=True))
    assert internal.meta.left_out == ()  # an internal report leaves nobody out


def test_the_report_preview_says_who_is_left_out_and_lets_you_review_them(
        qtbot: QtBot, desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    partnership_with_people(desk)
    view = ReportsView(desk)
    qtbot.addWidget(view)
    shown(qtbot, view)
    view.kind.setCurrentIndex(view.kind.findData("directory"))
    with qtbot.waitSignal(view.sig_left_out_known, timeout=60000) as known:
        qtbot.mouseClick(view.make_button, Qt.MouseButton.LeftButton)
    assert known.args == [2]
    assert view.left_out_note.isVisible() and view.review_button.isVisible()
    assert view.left_out_note.text() == \
        "2 people are left out because they have not agreed to be shared."

    monkeypatch.setattr(consent_review.QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    seen: dict[str, object] = {}

    def in_the_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ConsentReview):
            QTimer.singleShot(20, in_the_dialog)
            return
        seen["listed"] = [dialog.people.item(i).text() for i in range(dialog.people.count())]
        dialog.people.item(0).setSelected(True)  # Bo Diaz
        qtbot.mouseClick(dialog.agreed_button, Qt.MouseButton.LeftButton)
        seen["left"] = dialog.people.count()
        dialog.reject()

    QTimer.singleShot(0, in_the_dialog)
    qtbot.mouseClick(view.review_button, Qt.MouseButton.LeftButton)
    assert seen == {"listed": ["Bo Diaz — St. Mary's General Hospital",
                               "Dr. Amy Chen — St. Mary's General Hospital"], "left": 1}
    assert desk.contacts.list(text="Bo Diaz")[0].share_ok is True
    assert view.left_out_note.text() == \
        "1 person is left out because they have not agreed to be shared."


def test_open_in_viewer_without_a_pdf_viewer_says_so(qtbot: QtBot, desk: Desk,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    view = ReportsView(desk)
    qtbot.addWidget(view)
    view.pdf = b"%PDF-1.4 test"
    opened: list[str] = []
    told: list[str] = []
    monkeypatch.setattr(reports_view.QDesktopServices, "openUrl",
                        staticmethod(lambda url: opened.append(url.toLocalFile()) and False))
    monkeypatch.setattr(reports_view.QMessageBox, "information",
                        staticmethod(lambda _parent, _title, text: told.append(text)))
    target = view.open_in_viewer()
    assert target is not None and target.read_bytes() == b"%PDF-1.4 test"
    assert opened == [str(target), str(target.parent)]
    assert told and "no program set up to open PDF files" in told[0]
    assert str(target) in view.status.text()
