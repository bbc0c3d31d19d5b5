"""History restores an earlier version; global search opens a result; the dashboard shows
a seeded expiring agreement and opens it."""

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from partnerdesk.services.demo import load_demo
from partnerdesk.ui.dashboard import DashboardView
from tests.conftest import TODAY


def test_restore_an_earlier_version_from_history(qtbot, desk, make_window):
    contact = desk.contacts.create(name="Lee Park", role="Volunteer")
    window = make_window(desk)
    window.show_view("contacts")
    view = window.view("contacts")
    view.open_record(contact.id)
    view.editor.role.clear()
    qtbot.keyClicks(view.editor.role, "Board member")
    qtbot.waitUntil(lambda: view.pane.save_button.isEnabled())
    qtbot.mouseClick(view.pane.save_button, Qt.MouseButton.LeftButton)
    assert desk.contacts.get(contact.id).role == "Board member"

    qtbot.mouseClick(view.pane.history_button, Qt.MouseButton.LeftButton)
    panel = view.pane.history
    assert panel.isVisible()
    assert panel.entries.topLevelItemCount() == 1
    item = panel.entries.topLevelItem(0)
    assert "Role" in item.text(1)
    panel.entries.setCurrentItem(item)
    assert "Volunteer" in panel.details.toPlainText()
    qtbot.mouseClick(panel.restore_button, Qt.MouseButton.LeftButton)

    assert desk.contacts.get(contact.id).role == "Volunteer"
    assert view.editor.role.text() == "Volunteer"
    assert not view.editor.is_dirty()
    assert panel.entries.topLevelItemCount() == 2  # the restore is itself a change


def test_global_search_opens_the_record(qtbot, demo_desk, make_window):
    window = make_window(demo_desk)
    window.show_view("dashboard")
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    popup = window.search_popup
    assert window.search_box.hasFocus()
    qtbot.keyClicks(window.search_box, "riverside")
    qtbot.waitUntil(lambda: bool(popup.result_items()))
    groups = [popup.results.topLevelItem(i).text(0)
              for i in range(popup.results.topLevelItemCount())]
    assert groups[0] == "Organizations"
    assert popup.result_items()[0].text(0) == "Riverside Family Clinic"
    assert popup.isVisible()
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)

    assert not popup.isVisible()
    assert window.current_key() == "organizations"
    org = demo_desk.organizations.list(text="Riverside")[0]
    assert window.view("organizations").current_id() == org.id
    assert window.view("organizations").editor.name.text() == "Riverside Family Clinic"


def test_search_from_the_toolbar_box_and_arrow_keys(qtbot, demo_desk, make_window):
    window = make_window(demo_desk)
    qtbot.keyClicks(window.search_box, "mercy")
    popup = window.search_popup
    qtbot.waitUntil(lambda: len(popup.result_items()) > 2)
    assert popup.box.text() == "mercy"
    qtbot.keyClick(popup.box, Qt.Key.Key_Down)
    chosen = popup.results.currentItem()
    record_type, record_id = chosen.data(0, Qt.ItemDataRole.UserRole + 1)
    qtbot.keyClick(popup.box, Qt.Key.Key_Return)
    assert record_type == "contact"
    assert window.view("contacts").current_id() == record_id


def test_dashboard_shows_the_expiring_agreement_and_opens_it(qtbot, desk, make_window):
    load_demo(desk, today=TODAY)
    expiring = [r for r in desk.reminders(today=TODAY) if r.kind == "agreement_expiring"]
    assert expiring  # the sample data seeds one
    agreement = desk.agreements.get(expiring[0].record_id)
    assert TODAY <= agreement.expiry_date <= TODAY + timedelta(days=60)

    dashboard = DashboardView(desk, today=TODAY)
    qtbot.addWidget(dashboard)
    items = [i for i in dashboard.reminder_items()
             if i.data(Qt.ItemDataRole.UserRole + 1) == ("agreement", agreement.id)]
    assert len(items) == 1 and agreement.title in items[0].text()
    assert dashboard.count_labels["agreements"].text() == str(desk.agreements.count())
    assert dict(dashboard.chart.bars())["Active"] == desk.agreements.count(
        where={"status": "active"})
    with qtbot.waitSignal(dashboard.sig_open_record) as opened:
        dashboard.reminders.itemDoubleClicked.emit(items[0])
    assert opened.args == ["agreement", agreement.id]

    pytest.importorskip("partnerdesk.ui.editors.agreement")
    window = make_window(desk, today=TODAY)
    window.show_view("dashboard")
    board = window.view("dashboard")
    item = next(i for i in board.reminder_items()
                if i.data(Qt.ItemDataRole.UserRole + 1) == ("agreement", agreement.id))
    board.reminders.setCurrentItem(item)
    board.reminders.itemActivated.emit(item)
    assert window.current_key() == "agreements"
    assert window.view("agreements").current_id() == agreement.id


def test_a_child_record_opens_its_parent(qtbot, demo_desk, make_window):
    window = make_window(demo_desk)
    resource = demo_desk.resources.list(limit=1)[0]
    assert window.open_record("resource", resource.id)
    assert window.current_key() == "organizations"
    assert window.view("organizations").current_id() == resource.organization_id
