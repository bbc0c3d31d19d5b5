"""The Dashboard and the Agreements list say the same about expiring agreements as the
reminders, the register and the calendar file (tests/services/test_agreement_rules.py)."""

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt

from partnerdesk.services.agreement_rules import EXPIRING, LAPSED
from partnerdesk.ui.dashboard import REMINDER_KINDS
from partnerdesk.ui.record_list import ID_ROLE
from tests.services.test_agreement_rules import (
    calendar_expiry_dates,
    calendar_states,
    expected_state,
    expiry_sample,
    register_states,
    reminder_states,
)

DASHBOARD_WORDS = {REMINDER_KINDS["agreement_expiring"][1]: EXPIRING,
                   REMINDER_KINDS["agreement_expired_active"][1]: LAPSED}


def dashboard_states(window) -> dict[str, str]:
    window.show_view("dashboard")
    board = window.view("dashboard")
    found = {}
    for item in board.reminder_items():
        record_type, record_id = item.data(Qt.ItemDataRole.UserRole + 1)
        if record_type == "agreement":
            kind = item.text().splitlines()[1].split(":")[0]
            found[record_id] = DASHBOARD_WORDS[kind]
    return found


def list_states(window) -> dict[str, str]:
    window.show_view("agreements")
    model = window.view("agreements").model
    expires = next(c for c in range(model.columnCount())
                   if model.headerData(c, Qt.Orientation.Horizontal) == "Expires")
    found = {}
    for row in range(model.rowCount()):
        text = model.data(model.index(row, expires))
        record_id = model.data(model.index(row, 0), ID_ROLE)
        if "(expired, still marked " in text:
            found[record_id] = LAPSED
        elif "(expires " in text:
            found[record_id] = EXPIRING
    return found


def test_dashboard_list_reminders_register_and_calendar_agree(
        qtbot, desk, make_window, tmp_path: Path) -> None:
    today = date.today()  # the Agreements list always counts from today
    made = expiry_sample(desk, today)
    wanted = {i: expected_state(*made[i]) for i in made if expected_state(*made[i])}
    window = make_window(desk, today=today)

    assert dashboard_states(window) == wanted
    assert list_states(window) == wanted
    assert reminder_states(desk, today) == wanted
    assert register_states(desk, today) == wanted
    assert calendar_states(calendar_expiry_dates(desk, tmp_path), today, 60) == wanted


def test_the_list_words_the_days_left(qtbot, desk, make_window) -> None:
    today = date.today()
    expiry_sample(desk, today)
    window = make_window(desk, today=today)
    window.show_view("agreements")
    model = window.view("agreements").model
    texts = {model.data(model.index(row, 0)): model.data(model.index(row, 3))
             for row in range(model.rowCount())}
    assert texts["active 0"].endswith("(expires today)")
    assert texts["active 1"].endswith("(expires tomorrow)")
    assert texts["signed 30"].endswith("(expires in 30 days)")
    assert texts["active -1"].endswith("(expired, still marked active)")
    assert "(" not in texts["negotiating 30"] and "(" not in texts["active 61"]
    assert texts["draft None"] == ""
