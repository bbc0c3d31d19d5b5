"""Edit → Preferences…: each choice made with the keyboard is stored at once and shown at
once; a refused one is named and changes nothing."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QFileDialog, QLabel

from partnerdesk.services import settings as s
from partnerdesk.services.backups import Backups
from partnerdesk.ui.preferences import PreferencesDialog
from partnerdesk.ui.widgets.dates import set_date_format

CTRL = Qt.KeyboardModifier.ControlModifier
TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _date_format_back():
    yield
    set_date_format("d MMM yyyy")


def open_preferences(qtbot, window) -> PreferencesDialog:
    qtbot.keyClick(window, Qt.Key.Key_Comma, CTRL)
    qtbot.waitUntil(lambda: getattr(window, "preferences_dialog", None) is not None
                    and window.preferences_dialog.isVisible())
    dialog = window.preferences_dialog
    dialog.activateWindow()  # the offscreen platform has no window manager to do it
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def choose(qtbot, combo, text: str) -> None:
    """Pick an entry of a combo box with the keyboard: focus it, then arrow down to it."""
    combo.setFocus()
    target = combo.findText(text, Qt.MatchFlag.MatchContains)
    assert target >= 0, text
    key = Qt.Key.Key_Down if target > combo.currentIndex() else Qt.Key.Key_Up
    while combo.currentIndex() != target:
        qtbot.keyClick(combo, key)


def test_dialog_is_built_from_the_settings_definitions(qtbot, desk, make_window):
    window = make_window(desk)
    dialog = open_preferences(qtbot, window)
    assert window.preferences_action in window.edit_menu.actions()
    assert (dialog.horizon.minimum(), dialog.horizon.maximum()) == s.bounds(s.DUE_DAYS)
    assert dialog.horizon.toolTip().startswith("The reminder horizon")
    assert dialog.horizon.value() == 14
    assert dialog.region.currentData() == "US"
    assert dialog.region.currentText() == "United States (US)"
    assert [dialog.date_format.itemText(i) for i in range(1, 4)] == [
        "15 Feb 2027", "Feb 15, 2027", "2027-02-15"]
    dialog.close()


def test_date_format_and_horizon_take_effect_at_once(qtbot, desk, make_window):
    ship = desk.partnerships.create(title="Food as Medicine", status="active")
    desk.action_items.create(description="Print the flyers", partnership_id=ship.id,
                             due_date=TODAY + timedelta(days=20))
    desk.contacts.create(name="Marcus Lee", last_contacted=date(2026, 2, 3))
    window = make_window(desk, today=TODAY)
    dashboard = window.view("dashboard")
    assert "Print the flyers" not in str(dashboard.groups())  # past the 14 days
    dialog = open_preferences(qtbot, window)

    dialog.horizon.setFocus()
    dialog.horizon.selectAll()
    qtbot.keyClicks(dialog.horizon, "30")
    assert desk.settings.due_days == 30
    assert "Print the flyers" in str(dashboard.groups())

    choose(qtbot, dialog.date_format, "2027-02-15")
    assert desk.settings.date_format == "yyyy-MM-dd"
    window.show_view("contacts")
    model = window.view("contacts").table.model()
    shown = [model.index(0, c).data() for c in range(model.columnCount())]
    assert "2026-02-03" in shown
    assert window.view("dashboard").groups()  # still there, now written the new way
    dialog.close()


def test_region_paper_and_our_organization(qtbot, desk, make_window):
    desk.organizations.create(name="Eastside Community Partners", is_us=True)
    second = desk.organizations.create(name="Westside Helpers")
    window = make_window(desk)
    window.show_view("reports")
    reports = window.view("reports")
    dialog = open_preferences(qtbot, window)

    choose(qtbot, dialog.region, "United Kingdom (GB)")
    assert desk.settings.phone_region == "GB"
    choose(qtbot, dialog.page_size, "A4")
    assert desk.settings.page_size == "a4"
    assert reports.page.currentData() == "a4"  # the next report is made on A4
    choose(qtbot, dialog.ours, "Westside Helpers")
    assert desk.organizations.ours().id == second.id
    assert [o.name for o in desk.organizations.list(where={"is_us": True})] == [
        "Westside Helpers"]
    window.show_view("organizations")
    model = window.view("organizations").table.model()
    names = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert "Westside Helpers  (us)" in names
    dialog.close()


def test_backups_folder_is_tried_and_a_refused_one_changes_nothing(
        qtbot, desk, make_window, tmp_path, monkeypatch):
    window = make_window(desk)
    dialog = open_preferences(qtbot, window)
    default = Backups.of(desk).folder()
    assert dialog.backups.text() == str(default)

    # the database's own folder is refused: named, nothing changes
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda *a, **k: str(desk.path.parent)))
    qtbot.keyClick(dialog.choose_backups, Qt.Key.Key_Space)
    assert dialog.problem.isVisible() and "other than the one" in dialog.problem.text()
    assert Backups.of(desk).folder() == default

    chosen = tmp_path / "usb-stick"
    chosen.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda *a, **k: str(chosen)))
    qtbot.keyClick(dialog.choose_backups, Qt.Key.Key_Space)
    assert not dialog.problem.isVisible()
    assert Backups.of(desk).folder() == chosen
    assert dialog.backups.text() == str(chosen)
    made = Backups.of(desk).backup_now()
    assert Path(made.path).parent == chosen

    qtbot.keyClick(dialog.default_backups, Qt.Key.Key_Space)
    assert Backups.of(desk).folder() == default
    dialog.close()


def test_every_field_is_reached_with_tab(qtbot, desk, make_window):
    from tests.ui.focus_walk import tab_units, walk

    window = make_window(desk)
    dialog = open_preferences(qtbot, window)
    units = tab_units(dialog)
    seen = walk(qtbot, dialog.ours, len(units))
    for widget in (dialog.ours, dialog.your_name, dialog.region, dialog.date_format,
                   dialog.horizon,
                   dialog.page_size, dialog.currency, dialog.choose_backups,
                   dialog.default_backups,
                   dialog.close_button):
        assert any(w is widget for w in seen), widget.accessibleName()
    assert seen[-1] is dialog.ours  # round again: no trap
    assert QApplication.focusWidget().window() is dialog
    dialog.close()



def test_each_alt_letter_goes_to_its_own_field(qtbot, desk, make_window, monkeypatch):
    """Tried in a real window: Alt+D went back and forth between "Date format" and "Use the
    default", and Alt+P between "Phone region" and "Report paper size" (two fields with one
    letter: Qt only moves between them, the key never picks a field)."""
    from PySide6.QtGui import QKeySequence

    # Alt+B presses "Choose…", which opens the folder chooser a moment later: a real,
    # modal dialog would wait for a person for good.
    asked = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        lambda *args: asked.append(args) or "")
    window = make_window(desk)
    dialog = open_preferences(qtbot, window)
    for letter, widget in (("D", dialog.date_format), ("P", dialog.region),
                           ("O", dialog.ours), ("R", dialog.horizon), ("Y", dialog.your_name),
                           ("Z", dialog.page_size), ("C", dialog.currency),
                           ("B", dialog.choose_backups)):
        dialog.close_button.setFocus()
        qtbot.keyClick(QApplication.focusWidget(), getattr(Qt.Key, f"Key_{letter}"),
                       Qt.KeyboardModifier.AltModifier)
        assert QApplication.focusWidget() is widget, f"Alt+{letter}"
    qtbot.waitUntil(lambda: len(asked) == 1)  # Alt+B asked for a folder, once
    letters = [QKeySequence.mnemonic(text).toString() for text in
               [label.text() for label in dialog.findChildren(QLabel)]
               + [button.text() for button in dialog.findChildren(QAbstractButton)]
               if "&" in text]
    assert len(letters) == len(set(letters)), sorted(letters)
    dialog.close()


def test_your_name_is_typed_and_kept_and_a_too_long_one_changes_nothing(
        qtbot, desk, make_window):
    """The name colleagues see beside your values when two changes clash, first asked on
    the welcome, can be put right later."""
    from partnerdesk.ui.welcome import YOUR_NAME_KEY

    window = make_window(desk)
    dialog = open_preferences(qtbot, window)
    assert dialog.your_name.text() == ""
    dialog.your_name.setFocus()
    qtbot.keyClicks(dialog.your_name, "  Ana   Ruiz ")
    qtbot.keyClick(dialog.your_name, Qt.Key.Key_Tab)
    assert desk.settings.your_name == "Ana Ruiz"
    assert window.settings.value(YOUR_NAME_KEY) == "Ana Ruiz"
    dialog.your_name.setFocus()
    dialog.your_name.selectAll()
    qtbot.keyClicks(dialog.your_name, "x" * 81)
    qtbot.keyClick(dialog.your_name, Qt.Key.Key_Tab)
    assert dialog.problem.isVisible() and "at most 80 characters" in dialog.problem.text()
    assert desk.settings.your_name == "Ana Ruiz" and dialog.your_name.text() == "Ana Ruiz"
    dialog.close()


def test_the_funding_currency_is_chosen_here_and_shown_at_once(qtbot, desk, make_window):
    """The issue's "currency from Preferences": amounts in the list and the editor's
    labels follow the choice (amounts are kept as whole cents, so nothing is converted)."""
    funder = desk.organizations.create(name="Harbor Community Foundation", kind="funder")
    desk.settings.currency = "USD"
    grant = desk.funding.create(title="Summer meals", funder_id=funder.id,
                                organization_id=funder.id, requested_cents=1_000_000)
    window = make_window(desk)
    window.show_view("funding")
    view = window.view("funding")
    view.open_record(grant.id)
    requested = [view.model.headerData(c, Qt.Orientation.Horizontal)
                 for c in range(view.model.columnCount())].index("Requested")
    assert view.model.index(0, requested).data() == "$10,000"
    dialog = open_preferences(qtbot, window)
    assert dialog.currency.currentText() == "US Dollar (USD)"
    assert dialog.currency.toolTip().startswith("The currency funding amounts are in")

    choose(qtbot, dialog.currency, "Euro (EUR)")
    assert desk.settings.currency == "EUR"
    assert view.model.index(0, requested).data() == "€10,000"
    label = view.editor.money_form.labelForField(view.editor.requested.parentWidget())
    assert label.text().replace("&", "") == "Amount requested (EUR):"
    assert view.editor.requested.text() == "10,000"  # the same amount, not converted
    dialog.close()
