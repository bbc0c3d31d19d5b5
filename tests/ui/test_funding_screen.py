"""The Funding screen, driven like a person would: open it, Ctrl+N, type, add a report due
to the funder, save; then check what the database and the screen hold."""

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from partnerdesk.services import Desk
from partnerdesk.ui.editors.funding import FundingEditor
from partnerdesk.ui.widgets.dates import show_date
from tests.conftest import TODAY
from tests.ui.editor_helpers import pick


@pytest.fixture
def people(desk: Desk) -> Desk:
    desk.organizations.create(name="Eastside Community Partners", is_us=True)
    desk.organizations.create(name="Harbor Community Foundation", kind="funder")
    desk.contacts.create(name="Jose Nunez", role="Programs Coordinator")
    desk.partnerships.create(title="Food as Medicine")
    desk.settings.currency = "USD"
    return desk


def test_new_funding_with_a_deliverable_is_saved_whole(qtbot: QtBot, people: Desk,
                                                       make_window: Any) -> None:
    desk = people
    window = make_window(desk)
    assert window.show_view("funding")
    view = window.view("funding")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # Ctrl+N
    editor: FundingEditor = view.editor
    assert view.pane.is_showing() and editor.record_id is None
    qtbot.keyClicks(editor.title, "Food as Medicine, year two")
    qtbot.keyClicks(editor.programme, "Community Health Fund")
    pick(qtbot, editor.funder, "Harbor")
    pick(qtbot, editor.partnership, "Food")
    editor.status.setCurrentIndex(editor.status.findData("submitted"))

    editor.tabs.setCurrentIndex(1)  # money and dates
    qtbot.keyClicks(editor.requested, "75000")
    qtbot.keyClick(editor.requested, Qt.Key.Key_Return)
    assert editor.requested.text() == "75,000"  # tidied once typed
    qtbot.keyClicks(editor.in_kind, "Dietitians' time")
    qtbot.keyClicks(editor.in_kind_value, "9,500.50")
    editor.deadline.set_value(date(2026, 10, 1))
    qtbot.mouseClick(editor.amounts_internal, Qt.MouseButton.LeftButton)

    editor.tabs.setCurrentIndex(2)  # reports and outcomes
    qtbot.keyClicks(editor.deliverable_what, "Interim report")
    editor.deliverable_due.set_value(date(2027, 3, 31))
    pick(qtbot, editor.deliverable_owner, "Jose")
    qtbot.mouseClick(editor.deliverables_section.add_button, Qt.MouseButton.LeftButton)
    assert editor.deliverables.rowCount() == 1
    assert desk.funding.count() == 0  # nothing is written before Save
    qtbot.waitUntil(view.pane.save_button.isEnabled)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Ctrl+S

    [row] = desk.funding.list()
    assert row.title == "Food as Medicine, year two" and row.status == "submitted"
    assert row.programme == "Community Health Fund"
    assert desk.organizations.get(row.funder_id).name == "Harbor Community Foundation"
    assert desk.partnerships.get(row.partnership_id).title == "Food as Medicine"
    assert (row.requested_cents, row.in_kind_cents) == (7_500_000, 950_050)
    assert row.in_kind_description == "Dietitians' time" and row.amounts_internal
    assert row.deadline == date(2026, 10, 1)
    [item] = desk.funding_deliverables.list(where={"funding_id": row.id})
    assert (item.title, item.kind, item.due_date) == ("Interim report", "report",
                                                      date(2027, 3, 31))
    assert desk.contacts.get(item.owner_contact_id).name == "Jose Nunez"
    assert not editor.is_dirty() and editor.record_id == row.id
    # The list shows it, selected, with the amount in the setting's currency.
    assert view.model.rowCount() == 1
    assert view.table.currentIndex().row() == 0
    shown = [view.model.index(0, c).data() for c in range(view.model.columnCount())]
    assert shown[:4] == ["Food as Medicine, year two", "Harbor Community Foundation",
                         "Submitted", "$75,000"]
    assert shown[-1] == "Food as Medicine"
    # The saved deliverable is listed with its id now, and History has the first version.
    assert editor.deliverables.rows()[0]["id"] == item.id
    editor.title.setText("Food as Medicine, second year")
    assert view.save()
    assert [e.action for e in desk.funding.history(row.id)] == ["updated"]


def test_text_that_is_not_an_amount_is_kept_and_named(qtbot: QtBot, people: Desk,
                                                       make_window: Any) -> None:
    window = make_window(people)
    window.show_view("funding")
    view = window.view("funding")
    view.new_record()
    editor: FundingEditor = view.editor
    qtbot.keyClicks(editor.title, "Cooling centre generators")
    pick(qtbot, editor.funder, "Harbor")
    pick(qtbot, editor.organization, "Eastside")
    qtbot.waitUntil(view.pane.save_button.isEnabled)
    editor.tabs.setCurrentIndex(1)
    editor.requested.setFocus()
    qtbot.keyClicks(editor.requested, "25k")
    qtbot.keyClick(editor.requested, Qt.Key.Key_Tab)  # the problem shows on leaving the field
    problem = editor.findChild(QLabel, "problem_requested_cents")
    qtbot.waitUntil(problem.isVisible)
    assert "“25k” is not an amount" in problem.text()
    assert not view.pane.save_button.isEnabled()
    window.save_action.trigger()
    assert people.funding.count() == 0  # nothing saved
    assert editor.requested.text() == "25k" and editor.is_dirty()  # nothing typed is lost

    editor.requested.clear()
    qtbot.keyClicks(editor.requested, "25000")
    qtbot.waitUntil(view.pane.save_button.isEnabled)
    assert not problem.isVisible()
    qtbot.mouseClick(view.pane.save_button, Qt.MouseButton.LeftButton)
    assert people.funding.list()[0].requested_cents == 2_500_000


def test_funding_needs_a_funder_and_whom_it_is_for(qtbot: QtBot, people: Desk,
                                                    make_window: Any) -> None:
    window = make_window(people)
    window.show_view("funding")
    view = window.view("funding")
    view.new_record()
    editor: FundingEditor = view.editor
    qtbot.keyClicks(editor.title, "Volunteer drivers")
    for_whom = editor.findChild(QLabel, "problem_partnership_id")
    funder = editor.findChild(QLabel, "problem_funder_id")
    qtbot.waitUntil(for_whom.isVisible)
    assert "partnership or the organization" in for_whom.text()
    assert funder.isVisible() and "funder is required" in funder.text()
    assert not view.pane.save_button.isEnabled()


def test_status_offers_only_next_steps_and_explains_an_impossible_one(
        qtbot: QtBot, people: Desk) -> None:
    desk = people
    funder = desk.organizations.list(text="Harbor")[0]
    ship = desk.partnerships.list()[0]
    saved = desk.funding.create(title="Summer meals", funder_id=funder.id,
                                partnership_id=ship.id, status="submitted")
    editor = FundingEditor(desk)
    qtbot.addWidget(editor)
    editor.show()
    editor.load(saved.id)
    offered = [editor.status.itemData(i) for i in range(editor.status.count())]
    assert offered == ["submitted", "awarded", "declined", "closed"]
    assert "Awarded" in editor.status_hint.text()

    desk.funding.update(saved.id, status="closed")  # meanwhile, in another window
    editor.status.setCurrentIndex(editor.status.findData("awarded"))
    assert not editor.save()  # first, both choices are shown (a field both changed)
    problem = editor.findChild(QLabel, "problem_status")
    assert problem.isVisible() and "“closed”" in problem.text()
    assert not editor.save()  # keeping theirs-over-mine is then the status rule's call
    assert problem.isVisible()
    assert "cannot go from Closed to Awarded" in problem.text()
    assert desk.funding.get(saved.id).status == "closed" and editor.is_dirty()
    editor.load(saved.id)
    assert editor.status.count() == 1 and "cannot change status" in editor.status_hint.text()


def test_ticking_a_deliverable_done_records_the_day(qtbot: QtBot, people: Desk) -> None:
    desk = people
    funder = desk.organizations.list(text="Harbor")[0]
    saved = desk.funding.save(
        {"title": "Vision screening", "funder_id": funder.id,
         "partnership_id": desk.partnerships.list()[0].id, "status": "active"},
        deliverables=_new([{"title": "Final report", "due_date": date(2027, 1, 31)}]))
    editor = FundingEditor(desk)
    qtbot.addWidget(editor)
    editor.show()
    editor.load(saved.id)
    ticked_on = date.today()  # the save may run past midnight
    index = editor.deliverables.index(0, 0)  # the Done column
    editor.deliverables.setData(index, Qt.CheckState.Checked.value,
                                Qt.ItemDataRole.CheckStateRole)
    assert editor.is_dirty() and editor.save()
    [item] = desk.funding_deliverables.list(where={"funding_id": saved.id})
    assert item.done and ticked_on <= item.done_date <= date.today()


def test_delete_goes_to_the_trash_and_ctrl_z_brings_it_back(
        qtbot: QtBot, people: Desk, make_window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    desk = people
    funder = desk.organizations.list(text="Harbor")[0]
    saved = desk.funding.create(title="Youth first aid", funder_id=funder.id,
                                organization_id=funder.id)
    window = make_window(desk)
    window.show_view("funding")
    view = window.view("funding")
    view.open_record(saved.id)
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model.rowCount() == 0)  # the list follows the change
    assert desk.funding.count() == 0
    window.show_view("trash")
    assert [kind for kind, _row in desk.deleted_records()] == ["funding"]
    qtbot.waitUntil(window.undo_action.isEnabled)
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: desk.funding.count() == 1)


def test_dashboard_lists_funding_reminders_and_opens_the_funding(
        qtbot: QtBot, demo_desk: Desk, make_window: Any) -> None:
    window = make_window(demo_desk, today=TODAY)
    dashboard = window.view("dashboard")
    items = {item.data(Qt.ItemDataRole.UserRole + 1)[0]: item
             for item in dashboard.reminder_items()}
    assert {"funding", "funding_deliverable"} <= set(items)
    texts = [item.text() for item in dashboard.reminder_items()]
    assert any("Report to a funder overdue" in t for t in texts)
    assert any("Funding deadline: Application deadline in 12 days." in t for t in texts)
    assert dashboard.count_labels["funding"].text() == str(demo_desk.funding.count())
    item = items["funding_deliverable"]
    record_id = item.data(Qt.ItemDataRole.UserRole + 1)[1]
    dashboard.reminders.itemActivated.emit(item)
    assert window.current_key() == "funding"
    parent = demo_desk.funding_deliverables.get(record_id).funding_id
    assert window.view("funding").current_id() == parent


def test_filter_and_sort_the_list_in_sql(qtbot: QtBot, demo_desk: Desk,
                                         make_window: Any) -> None:
    window = make_window(demo_desk, today=TODAY)
    window.show_view("funding")
    view = window.view("funding")
    assert view.model.rowCount() == demo_desk.funding.count()
    view.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # Requested, largest first
    assert view.model.index(0, 0).data() == "Food as Medicine, year two"
    qtbot.keyClicks(view.filter_box, "screening")
    qtbot.keyClick(view.filter_box, Qt.Key.Key_Return)
    assert [view.model.index(r, 0).data() for r in range(view.model.rowCount())] == [
        "Vision screening days", "Interpreters for screening days"]  # still by requested
    view.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # Title
    assert view.model.index(0, 0).data() == "Interpreters for screening days"


def test_demo_funding_renders_every_tab(qtbot: QtBot, demo_desk: Desk,
                                        tmp_path: Path) -> None:
    widget = FundingEditor(demo_desk)
    qtbot.addWidget(widget)
    widget.resize(760, 700)
    chosen = demo_desk.funding.list(text="Vision screening")[0]
    widget.load(chosen.id)
    widget.show()
    assert not widget.is_dirty() and widget.requested.text() == "25,000"
    assert widget.deliverables.rowCount() == 3
    for index in range(widget.tabs.count()):
        widget.tabs.setCurrentIndex(index)
        widget.grab().save(str(tmp_path / f"funding_{index}.png"))


def _new(rows: list[dict[str, Any]]) -> Any:
    from partnerdesk.services.whole_save import ChildChanges

    return ChildChanges(new=rows)


def test_a_deliverable_due_soon_is_named_in_the_list_of_reminders(people: Desk) -> None:
    funder = people.organizations.list(text="Harbor")[0]
    today = date.today()  # asked once: the test may run past midnight
    soon = today + timedelta(days=3)
    people.funding.save({"title": "Spring grant", "funder_id": funder.id,
                         "organization_id": funder.id, "status": "active"},
                        deliverables=_new([{"title": "Photos", "kind": "outcome",
                                            "due_date": soon}]))
    [reminder] = [r for r in people.reminders(today=today)
                  if r.record_type == "funding_deliverable"]
    assert reminder.kind == "deliverable_due" and "in 3 days" in reminder.message


def test_file_menu_exports_funding_to_a_spreadsheet(qtbot: QtBot, demo_desk: Desk,
                                                    make_window: Any, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from partnerdesk.ui import interchange_menu

    window = make_window(demo_desk, today=TODAY)
    target = tmp_path / "funding.csv"
    told: list[str] = []
    monkeypatch.setattr(interchange_menu.QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(target), ""))
    monkeypatch.setattr(interchange_menu.QMessageBox, "information",
                        lambda _parent, _title, text: told.append(text))
    [action] = [a for a in window.findChildren(type(window.save_action))
                if a.objectName() == "export-csv-funding"]
    action.trigger()
    qtbot.waitUntil(lambda: bool(told))
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("PartnerDesk ID,Title,Programme or call,Funder")
    assert len(lines) == 1 + demo_desk.funding.count()


def test_the_reports_view_makes_the_funding_register(qtbot: QtBot, demo_desk: Desk,
                                                     tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PdfReader

    from partnerdesk.ui import reports_view

    view = reports_view.ReportsView(demo_desk)
    qtbot.addWidget(view)
    view.kind.setCurrentIndex(view.kind.findData("funding"))
    assert view.kind.currentText() == "Funding register"
    assert view.include_internal.isEnabled() and view.use_period.isEnabled()
    assert not view.partnership.isEnabled()
    view.include_internal.setChecked(True)
    assert view.options().include_internal and view.options().kind == "funding"
    with qtbot.waitSignal(view.sig_report_ready, timeout=60000):
        qtbot.mouseClick(view.make_button, Qt.MouseButton.LeftButton)
    target = tmp_path / "funding.pdf"
    monkeypatch.setattr(reports_view.QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(target), "PDF files (*.pdf)"))
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    first = PdfReader(target).pages[0].extract_text()
    assert "Funding register" in first and "Do not send outside the organization" in first


def test_the_list_shows_statuses_and_deadlines_as_coloured_labels(
        qtbot: QtBot, make_window: Any, desk: Desk) -> None:
    from partnerdesk.services.demo import load_demo
    from partnerdesk.ui.widgets.status_label import TONE_ROLE

    load_demo(desk)  # dated from today: the list's flags are today's
    window = make_window(desk)
    window.show_view("funding")
    model = window.view("funding").model
    rows = {model.index(r, 0).data(): r for r in range(model.rowCount())}
    status, deadline = 2, 5
    soon, waiting = rows["Cooling centre generators"], rows["Food as Medicine, year two"]
    # the date, coloured; why it is coloured is its tooltip (the reminder's sentence)
    assert model.index(soon, deadline).data() == show_date(date.today() + timedelta(days=12))
    assert model.index(soon, deadline).data(Qt.ItemDataRole.ToolTipRole) == (
        "Application deadline in 12 days.")
    assert "ask the funder" in model.index(waiting, deadline).data(
        Qt.ItemDataRole.ToolTipRole)
    assert model.index(soon, deadline).data(TONE_ROLE) == "warning"
    assert model.index(waiting, deadline).data(TONE_ROLE) == "danger"  # decision overdue
    assert model.index(rows["Vision screening days"], status).data() == "Active"
    assert model.index(rows["Vision screening days"], status).data(TONE_ROLE) == "good"
    assert model.index(rows["Summer meals"], deadline).data(TONE_ROLE) is None
