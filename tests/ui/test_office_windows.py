"""Two PartnerDesk windows on one office database (two people on PostgreSQL): an edit
saved in one appears in the other, and an edit that clashes is shown, not lost."""

import atexit
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from partnerdesk.services import Desk
from tests.engines import drop_database, new_database_url

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def office() -> Iterator[tuple[Desk, Desk]]:
    """Ana's and Bea's sessions on one new office database (a PostgreSQL server)."""
    url = new_database_url()
    ana, bea = Desk.open(url), Desk.open(url)
    yield ana, bea
    ana.close()
    bea.close()
    # dropped when the run ends: a closed window's queued refresh may still read it
    atexit.register(drop_database, url)


def contacts_editor(window: Any) -> Any:
    return window.view("contacts").editor


def both_open_on_one_contact(qtbot: QtBot, office: tuple[Desk, Desk],
                             make_window: Callable[..., Any]) -> tuple[Any, Any, Any]:
    """Ana and Bea each with a window open on the same contact, hearing each other
    (`hear_others`, as the app does once its screens are built)."""
    ana, bea = office
    contact = ana.contacts.create(name="Ida Brandt", role="Nurse", notes="Mornings.")
    ana_window, bea_window = make_window(ana), make_window(bea)
    for desk in (ana, bea):
        desk.store.hear_others()
    assert bea.store._listener.listening.wait(60)
    for window in (ana_window, bea_window):
        assert window.open_record("contact", contact.id)
    ana_editor, bea_editor = contacts_editor(ana_window), contacts_editor(bea_window)
    qtbot.waitUntil(lambda: bea_editor.role.text() == "Nurse")
    return contact, (ana_window, ana_editor), (bea_window, bea_editor)


def test_a_save_in_one_window_appears_in_the_other_and_a_clash_is_shown(
        qtbot: QtBot, office: tuple[Desk, Desk], make_window: Callable[..., Any]) -> None:
    ana, bea = office
    contact, (ana_window, ana_editor), (bea_window, bea_editor) = \
        both_open_on_one_contact(qtbot, office, make_window)

    # Ana saves; Bea's window, with nothing typed in it, shows her change
    ana_editor.role.selectAll()
    qtbot.keyClicks(ana_editor.role, "Head nurse")
    assert ana_editor.save()
    qtbot.waitUntil(lambda: bea_editor.role.text() == "Head nurse")

    # Bea is typing when Ana saves again: what Bea typed stays on her screen
    bea_editor.role.selectAll()
    qtbot.keyClicks(bea_editor.role, "Charge nurse")
    ana_editor.role.selectAll()
    qtbot.keyClicks(ana_editor.role, "Director of nursing")
    assert ana_editor.save()
    view = bea_window.view("contacts")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1 and not view._reload_timer.isActive())
    assert bea_editor.role.text() == "Charge nurse"

    # her save does not overwrite Ana's unseen: both values are shown, nothing is saved
    assert not bea_editor.save()
    problem = bea_editor.findChild(QLabel, "problem_role")
    assert problem.isVisible() and "Director of nursing" in problem.text()
    assert ana.contacts.get(contact.id).role == "Director of nursing"
    # she keeps hers by saving again; Ana's window then shows it
    assert bea_editor.save()
    qtbot.waitUntil(lambda: ana_editor.role.text() == "Charge nurse")
    assert ana.contacts.get(contact.id).notes == "Mornings."


def test_a_window_with_unsaved_typing_shows_the_other_persons_save_and_keeps_the_typing(
        qtbot: QtBot, office: tuple[Desk, Desk], make_window: Callable[..., Any]) -> None:
    """Found with two app processes under Xvfb: the list showed Ana's new role, but Bea's
    open editor, holding a note she was typing, went on showing the old one."""
    ana, bea = office
    contact, (ana_window, ana_editor), (bea_window, bea_editor) = \
        both_open_on_one_contact(qtbot, office, make_window)

    bea_editor.notes.setFocus()
    bea_editor.notes.moveCursor(bea_editor.notes.textCursor().MoveOperation.End)
    qtbot.keyClicks(bea_editor.notes, " Call before noon.")
    typed_at = bea_editor.notes.textCursor().position()
    ana_editor.role.selectAll()
    qtbot.keyClicks(ana_editor.role, "Head nurse")
    assert ana_editor.save()

    qtbot.waitUntil(lambda: bea_editor.role.text() == "Head nurse")  # her untouched field
    assert bea_editor.notes.toPlainText() == "Mornings. Call before noon."  # her typing
    assert bea_editor.notes.textCursor().position() == typed_at  # the cursor stays put
    assert bea_editor.is_dirty()
    assert bea_editor.save()
    saved = ana.contacts.get(contact.id)
    assert (saved.role, saved.notes) == ("Head nurse", "Mornings. Call before noon.")


def test_a_windows_own_save_and_its_undo_are_not_taken_for_someone_elses(
        qtbot: QtBot, office: tuple[Desk, Desk], make_window: Callable[..., Any]) -> None:
    """A save is announced while its editor still holds the typing; taken for someone
    else's save, it left the editor stale after Undo and Redo. Ana's own saves and
    undos show as they do on a file; Bea's save, heard meanwhile, is merged in."""
    ana, bea = office
    contact = ana.contacts.create(name="Ida Brandt", role="Nurse", notes="Mornings.")
    ana_window = make_window(ana)
    for desk in (ana, bea):
        desk.store.hear_others()
    assert ana.store._listener.listening.wait(60)
    assert ana_window.open_record("contact", contact.id)
    editor = contacts_editor(ana_window)
    qtbot.waitUntil(lambda: editor.role.text() == "Nurse")

    view = ana_window.view("contacts")
    editor.role.selectAll()
    qtbot.keyClicks(editor.role, "Head nurse")
    qtbot.mouseClick(view.pane.save_button, Qt.MouseButton.LeftButton)
    assert ana.contacts.get(contact.id).role == "Head nurse" and not editor.is_dirty()
    qtbot.waitUntil(ana_window.undo_action.isEnabled)
    editor.role.setFocus()
    qtbot.keyClick(editor.role, Qt.Key.Key_Z, CTRL)  # the cursor still in the field
    qtbot.waitUntil(lambda: editor.role.text() == "Nurse")
    assert ana.contacts.get(contact.id).role == "Nurse" and not editor.is_dirty()
    qtbot.waitUntil(ana_window.redo_action.isEnabled)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: editor.role.text() == "Head nurse")
    assert ana.contacts.get(contact.id).role == "Head nurse" and not editor.is_dirty()

    # Ana types a note; Bea's save of the role, heard meanwhile, shows beside it
    editor.notes.setFocus()
    editor.notes.moveCursor(editor.notes.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor.notes, " Call first.")
    bea.contacts.update(contact.id, role="Charge nurse")
    qtbot.waitUntil(lambda: editor.role.text() == "Charge nurse")
    assert editor.notes.toPlainText() == "Mornings. Call first." and editor.is_dirty()
    assert editor.save()
    saved = bea.contacts.get(contact.id)
    assert (saved.role, saved.notes) == ("Charge nurse", "Mornings. Call first.")


@pytest.fixture
def reader(office: tuple[Desk, Desk]) -> Iterator[Desk]:
    """Sam's session on the same office database, with a read-only role (SELECT only:
    the README's partnerdesk_readers)."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from tests.engines import skip_without_server

    url = make_url(office[0].location)
    name = f"pd_reader_{uuid.uuid4().hex[:8]}"
    admin = create_engine(skip_without_server().set(database=url.database),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE ROLE {name} LOGIN"))
        connection.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {name}"))
    sam = Desk.open(url.set(username=name).render_as_string(hide_password=False))
    yield sam
    sam.close()
    with admin.connect() as connection:
        connection.execute(text(f"DROP OWNED BY {name}"))
        connection.execute(text(f"DROP ROLE {name}"))
    admin.dispose()


def test_a_read_only_role_browses_searches_and_prints_and_a_change_is_a_sentence(
        qtbot: QtBot, office: tuple[Desk, Desk], reader: Desk,
        make_window: Callable[..., Any], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Any) -> None:
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from partnerdesk.ui.reports_view import ReportsView

    ana, _ = office
    contact = ana.contacts.create(name="Ida Brandt", role="Nurse")
    window = make_window(reader)
    assert not window.read_only_banner.isHidden()
    assert "may look at this office database" in window.read_only_banner.text()
    assert [hit.title for hit in reader.search("ida")] == ["Ida Brandt"]
    assert window.open_record("contact", contact.id)
    editor = contacts_editor(window)
    qtbot.waitUntil(lambda: editor.role.text() == "Nurse")

    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda *a, **k: told.append(a[2])))
    editor.role.selectAll()
    qtbot.keyClicks(editor.role, "Head nurse")
    assert not editor.save()
    assert told and "may look at the office database but not change it" in told[0]
    assert editor.role.text() == "Head nurse"  # what was typed stays on screen
    assert ana.contacts.get(contact.id).role == "Nurse"

    view = ReportsView(reader)
    qtbot.addWidget(view)
    view.kind.setCurrentIndex(view.kind.findData("directory"))
    with qtbot.waitSignal(view.sig_report_ready, timeout=120_000):
        view.make_button.click()
    target = tmp_path / "directory.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "PDF files (*.pdf)")))
    view.save_button.click()
    assert target.read_bytes().startswith(b"%PDF")
    assert len(told) == 1  # saving the report was not refused


def test_a_child_row_saved_in_one_window_appears_in_the_others_editor_of_its_record(
        qtbot: QtBot, office: tuple[Desk, Desk], make_window: Callable[..., Any]) -> None:
    """The change notice of a whole save names the rows it wrote: a new attendee, an
    action item. Bea's editor of the meeting listened for the meeting's own id only, so
    it went on showing the meeting without them."""
    from datetime import date, datetime

    from tests.ui.editor_helpers import pick

    ana, bea = office
    ana.contacts.create(name="Lan Nguyen", role="Clinic Manager")
    meeting = ana.meetings.save({"title": "Kick-off", "starts_at": datetime(2026, 6, 20, 14),
                                 "notes": "Room 2."}).record
    ana_window, bea_window = make_window(ana), make_window(bea)
    for desk in (ana, bea):
        desk.store.hear_others()
    assert bea.store._listener.listening.wait(60)
    for window in (ana_window, bea_window):
        assert window.open_record("meeting", meeting.id)
    ana_editor = ana_window.view("meetings").editor
    bea_editor = bea_window.view("meetings").editor
    qtbot.waitUntil(lambda: bea_editor.title.text() == "Kick-off")

    # Ana adds an attendee; Bea's editor, with nothing typed in it, lists her
    pick(qtbot, ana_editor.attendee, "Lan")
    assert ana_editor.save()
    qtbot.waitUntil(lambda: bea_editor.attendees.rowCount() == 1)
    assert not bea_editor.is_dirty()

    # Bea is typing a note when Ana adds an action item: both are on Bea's screen
    bea_editor.tabs.setCurrentIndex(1)
    bea_editor.notes.setFocus()
    bea_editor.notes.moveCursor(bea_editor.notes.textCursor().MoveOperation.End)
    qtbot.keyClicks(bea_editor.notes, " Bring the forms.")
    ana_editor.tabs.setCurrentIndex(2)
    qtbot.keyClicks(ana_editor.action_what, "Send the referral form")
    ana_editor.action_due.set_value(date(2026, 6, 30))
    qtbot.mouseClick(ana_editor.actions_section.add_button, Qt.MouseButton.LeftButton)
    assert ana_editor.save()
    qtbot.waitUntil(lambda: bea_editor.actions.rowCount() == 1)
    assert bea_editor.actions.row(0)["description"] == "Send the referral form"
    assert bea_editor.notes.toPlainText() == "Room 2. Bring the forms."
    assert bea_editor.attendees.rowCount() == 1 and bea_editor.is_dirty()

    # her save keeps Ana's rows: it sends only what she changed
    assert bea_editor.save()
    assert [a.description for a in bea.action_items.list(
        where={"meeting_id": meeting.id})] == ["Send the referral form"]
    assert len(bea.meeting_attendees.list(where={"meeting_id": meeting.id})) == 1
    assert bea.meetings.get(meeting.id).notes == "Room 2. Bring the forms."
    qtbot.waitUntil(lambda: ana_editor.notes.toPlainText() == "Room 2. Bring the forms.")


def test_a_row_saved_by_someone_else_updates_a_list_being_edited_and_keeps_its_changes(
        qtbot: QtBot, office: tuple[Desk, Desk], make_window: Callable[..., Any]) -> None:
    """Bea has ticked one milestone of a partnership and added another, not saved yet,
    when Ana renames a third: Bea's list shows Ana's new name and keeps her own changes,
    and her save then writes them without undoing Ana's."""
    from partnerdesk.services.whole_save import ChildChanges

    ana, bea = office
    saved = ana.partnerships.save({"title": "Food as Medicine"}, milestones=ChildChanges(
        new=[{"title": "Sign the MOU"}, {"title": "First referrals"}]))
    first, second = saved.created["milestones"]
    bea_window = make_window(bea)
    bea.store.hear_others()
    assert bea.store._listener.listening.wait(60)
    assert bea_window.open_record("partnership", saved.id)
    editor = bea_window.view("partnerships").editor
    qtbot.waitUntil(lambda: editor.milestones.rowCount() == 2)

    def position(title: str) -> int:
        return next(i for i, row in enumerate(editor.milestones.rows())
                    if row["title"] == title)

    done = editor.milestones.index(position("Sign the MOU"),
                                   [c.key for c in editor.milestones.columns].index("done"))
    editor.milestones.setData(done, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    editor.milestones.add_row({"title": "Review the first month"})
    assert editor.is_dirty()
    ana.partnerships.save({}, saved.id, milestones=ChildChanges(
        changed={second: {"title": "First ten referrals"}}))

    qtbot.waitUntil(lambda: any(row["title"] == "First ten referrals"
                                for row in editor.milestones.rows()))
    titles = sorted(row["title"] for row in editor.milestones.rows())
    assert titles == ["First ten referrals", "Review the first month", "Sign the MOU"]
    assert editor.milestones.row(position("Sign the MOU"))["done"]
    assert editor.is_dirty()
    assert editor.save()
    rows = {m.title: m for m in ana.milestones.list(where={"partnership_id": saved.id})}
    assert sorted(rows) == titles
    assert rows["Sign the MOU"].done and not rows["First ten referrals"].done
    assert first in {m.id for m in rows.values()}


def test_a_closed_window_hears_no_more_of_the_other_persons_saves(
        qtbot: QtBot, office: tuple[Desk, Desk], make_window: Callable[..., Any]) -> None:
    """Screens that heard changes through a lambda went on being called after their
    window was gone, for every later save heard on that database (on a dead timer)."""
    import shiboken6

    ana, bea = office
    contact = ana.contacts.create(name="Ida Brandt", role="Nurse")
    window = make_window(ana)
    window.view("dashboard")
    window.view("trash")
    ana.store.hear_others()
    assert ana.store._listener.listening.wait(60)
    heard: list[Any] = []
    ana.subscribe(heard.append)
    window.close()
    window.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(window))
    bea.contacts.update(contact.id, role="Head nurse")
    bea.contacts.delete(contact.id)
    qtbot.waitUntil(lambda: len(heard) == 2)
    qtbot.wait(500)  # what the closed screens would have done with them runs here
