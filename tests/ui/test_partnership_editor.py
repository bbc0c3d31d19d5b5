"""The partnership editor, driven like a person would, then checked in the database."""

from datetime import date

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from partnerdesk.services import Desk
from partnerdesk.ui.editors.partnership import PartnershipEditor
from tests.ui.editor_helpers import pick


@pytest.fixture
def editor(qtbot: QtBot, desk: Desk) -> PartnershipEditor:
    desk.organizations.create(name="Mercy General Hospital", kind="hospital")
    clinic = desk.organizations.create(name="Riverside Family Clinic", kind="clinic")
    desk.contacts.create(name="Nguyễn Thị Lan", role="Clinic Manager",
                         organization_id=clinic.id)
    desk.contacts.create(name="Zoë Martín", role="Director")
    widget = PartnershipEditor(desk)
    qtbot.addWidget(widget)
    widget.resize(800, 700)
    widget.show()
    widget.load(None)
    return widget


def test_create_partnership_with_partners_and_milestone_then_tick_done(
        qtbot: QtBot, desk: Desk, editor: PartnershipEditor) -> None:
    assert not editor.is_valid()  # no title yet
    qtbot.keyClicks(editor.title, "Food as Medicine")
    qtbot.waitUntil(editor.is_valid, timeout=2000)
    editor.status.setCurrentIndex(editor.status.findData("active"))
    pick(qtbot, editor.our_lead, "Zo")

    pick(qtbot, editor.member_org, "Mercy")
    qtbot.keyClicks(editor.member_role, "Referral partner")
    qtbot.mouseClick(editor.members_section.add_button, Qt.MouseButton.LeftButton)
    pick(qtbot, editor.member_org, "River")
    # The lead search is narrowed to the chosen organization's people.
    pick(qtbot, editor.member_lead, "Lan")
    qtbot.mouseClick(editor.members_section.add_button, Qt.MouseButton.LeftButton)
    # The same partner twice is refused with a message.
    pick(qtbot, editor.member_org, "Mercy")
    qtbot.mouseClick(editor.members_section.add_button, Qt.MouseButton.LeftButton)
    assert "already a partner" in editor.members_section.problem.text()
    assert editor.members.rowCount() == 2

    editor.tabs.setCurrentIndex(2)
    qtbot.mouseClick(editor.milestones_section.add_button, Qt.MouseButton.LeftButton)
    assert "title" in editor.milestones_section.problem.text().lower()  # empty title refused
    qtbot.keyClicks(editor.milestone_title, "First 50 food boxes delivered")
    editor.milestone_due.set_value(date(2026, 9, 30))
    qtbot.mouseClick(editor.milestones_section.add_button, Qt.MouseButton.LeftButton)
    assert editor.is_dirty()
    assert editor.save()

    [row] = desk.partnerships.list()
    assert (row.title, row.status) == ("Food as Medicine", "active")
    assert desk.contacts.get(row.our_lead_contact_id).name == "Zoë Martín"
    members = desk.partnership_members.list(where={"partnership_id": row.id})
    by_org = {desk.organizations.get(m.organization_id).name: m for m in members}
    assert set(by_org) == {"Mercy General Hospital", "Riverside Family Clinic"}
    assert by_org["Mercy General Hospital"].role == "Referral partner"
    assert desk.contacts.get(by_org["Riverside Family Clinic"].lead_contact_id).name \
        == "Nguyễn Thị Lan"
    [milestone] = desk.milestones.list(where={"partnership_id": row.id})
    assert (milestone.title, milestone.due_date, milestone.done) == (
        "First 50 food boxes delivered", date(2026, 9, 30), False)
    assert not editor.is_dirty()

    # Tick it done with the keyboard in the table, then save.
    table = editor.milestones_section.table
    table.setFocus()
    table.setCurrentIndex(editor.milestones.index(0, 0))
    ticked_on = date.today()  # the save may run past midnight
    qtbot.keyClick(table.viewport(), Qt.Key.Key_Space)
    assert editor.milestones.row(0)["done"] is True
    assert editor.is_dirty()
    assert editor.save()
    milestone = desk.milestones.get(milestone.id)
    assert milestone.done and ticked_on <= milestone.done_date <= date.today()
    assert editor.milestones.data(editor.milestones.index(0, 3)) != ""  # "Done on" shown


def test_remove_partner_and_unsaved_child_edits_make_the_editor_dirty(
        qtbot: QtBot, desk: Desk, editor: PartnershipEditor) -> None:
    qtbot.keyClicks(editor.title, "Referrals")
    pick(qtbot, editor.member_org, "Mercy")
    qtbot.mouseClick(editor.members_section.add_button, Qt.MouseButton.LeftButton)
    assert editor.save()
    partnership_id = editor.record_id
    assert partnership_id is not None
    editor.load(partnership_id)
    assert not editor.is_dirty()
    editor.members_section.table.selectRow(0)
    qtbot.mouseClick(editor.members_section.remove_button, Qt.MouseButton.LeftButton)
    assert editor.is_dirty()
    editor.discard()
    assert editor.members.rowCount() == 1 and not editor.is_dirty()
    editor.members_section.table.selectRow(0)
    qtbot.mouseClick(editor.members_section.remove_button, Qt.MouseButton.LeftButton)
    assert editor.save()
    assert desk.partnership_members.count(where={"partnership_id": partnership_id}) == 0
    assert desk.partnership_members.count(deleted=True) == 1  # a tombstone, restorable


def test_indicator_with_measurements_and_chart(
        qtbot: QtBot, desk: Desk, editor: PartnershipEditor) -> None:
    qtbot.keyClicks(editor.title, "Diabetes prevention")
    editor.tabs.setCurrentIndex(3)
    assert not editor.measurements_section.add_button.isEnabled()  # no indicator yet
    qtbot.keyClicks(editor.indicator_name, "People enrolled")
    qtbot.keyClicks(editor.indicator_unit, "people")
    qtbot.keyClicks(editor.indicator_target, "80")
    qtbot.mouseClick(editor.indicators_section.add_button, Qt.MouseButton.LeftButton)
    assert editor.measurements_section.add_button.isEnabled()
    for day, value in ((date(2026, 1, 31), "12"), (date(2026, 3, 31), "45")):
        editor.measurement_date.set_value(day)
        qtbot.keyClicks(editor.measurement_value, value)
        qtbot.mouseClick(editor.measurements_section.add_button, Qt.MouseButton.LeftButton)
    assert editor.measurement_filter.rowCount() == 2
    assert not editor.chart.is_empty()
    assert "45" in editor.chart.accessibleDescription()
    assert editor.save()

    [indicator] = desk.indicators.list()
    assert (indicator.name, indicator.unit, indicator.target) == ("People enrolled", "people",
                                                                   80.0)
    values = [(m.measured_on, m.value) for m in
              desk.measurements.list(where={"indicator_id": indicator.id},
                                     order_by="measured_on")]
    assert values == [(date(2026, 1, 31), 12.0), (date(2026, 3, 31), 45.0)]

    # A measurement added later to the saved indicator lands on it.
    editor.indicators_section.table.selectRow(0)
    editor.measurement_date.set_value(date(2026, 5, 31))
    qtbot.keyClicks(editor.measurement_value, "61")
    qtbot.mouseClick(editor.measurements_section.add_button, Qt.MouseButton.LeftButton)
    assert editor.save()
    assert desk.measurements.count(where={"indicator_id": indicator.id}) == 3
    assert "61" in editor.indicators.data(editor.indicators.index(0, 3))

    # Removing the indicator takes its measurements with it.
    editor.indicators_section.table.selectRow(0)
    qtbot.mouseClick(editor.indicators_section.remove_button, Qt.MouseButton.LeftButton)
    assert editor.save()
    assert desk.indicators.count() == 0 and desk.measurements.count() == 0
    assert editor.chart.is_empty()


def test_review_cadence_out_of_range_is_refused_by_the_service(
        qtbot: QtBot, editor: PartnershipEditor) -> None:
    qtbot.keyClicks(editor.title, "Cadence")
    editor.review_every.setValue(0)
    assert editor.widget_values()["review_every_months"] is None
    editor.review_every.setValue(6)
    assert editor.widget_values()["review_every_months"] == 6


def test_demo_partnership_renders(qtbot: QtBot, demo_desk: Desk, tmp_path) -> None:
    widget = PartnershipEditor(demo_desk)
    qtbot.addWidget(widget)
    widget.resize(760, 700)
    with_indicators = {i.partnership_id for i in demo_desk.indicators.list()}
    chosen = next(p for p in demo_desk.partnerships.list() if p.id in with_indicators) \
        if with_indicators else demo_desk.partnerships.list()[0]
    widget.load(chosen.id)
    widget.show()
    assert widget.title.text() == chosen.title and not widget.is_dirty()
    for index in range(widget.tabs.count()):
        widget.tabs.setCurrentIndex(index)
        image = widget.grab().toImage()
        assert not image.isNull()
        image.save(str(tmp_path / f"partnership_{index}.png"))
