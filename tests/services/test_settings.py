"""Settings: one typed definition each; what a setting changes, it changes everywhere."""

from pathlib import Path

import pytest

from partnerdesk.cli import main
from partnerdesk.services import Desk
from partnerdesk.services.duplicates import possible_duplicates
from partnerdesk.services.reporting import contact_directory
from partnerdesk.services.settings import (
    DEFINITIONS,
    EXPIRING_DAYS,
    ReminderWindows,
    SettingError,
)
from partnerdesk.sharing.csv_import import plan_csv
from partnerdesk.sharing.import_common import apply_plan

BERLIN = "030 12345678"  # a Berlin number written the German way: no number in the US
MUNICH = "089 12345678"


def test_defaults_and_typed_values(desk: Desk) -> None:
    assert desk.settings.phone_region == "US"
    assert desk.settings.expiring_days == 60
    assert desk.settings.reminder_windows == ReminderWindows(60, 14, 90, 12)
    assert desk.settings.network_positions == {}
    desk.settings.phone_region = " de "
    desk.settings.expiring_days = "45"  # type: ignore[assignment]  # as typed in the CLI
    assert desk.settings.phone_region == "DE"
    assert desk.settings.expiring_days == 45
    assert desk.store.setting("expiring_days") == 45  # stored typed, not as text
    desk.settings.reset(EXPIRING_DAYS)
    assert desk.settings.expiring_days == 60 and not desk.settings.is_set(EXPIRING_DAYS)


@pytest.mark.parametrize(("name", "value", "message"), [
    ("phone_region", "XX", "not a country code"),
    ("page_size", "legal", "Choose letter or a4"),
    ("expiring_days", "0", "whole number from 1 to 730"),
    ("expiring_days", "sixty", "whole number from 1 to 730"),
    ("expiring_days", True, "whole number from 1 to 730"),
    ("quiet_days", 2, "whole number from 7 to 3650"),
])
def test_a_bad_value_is_refused_with_a_sentence_and_changes_nothing(
        desk: Desk, name: str, value: object, message: str) -> None:
    definition = DEFINITIONS[name]
    before = desk.settings.get(definition)
    with pytest.raises(SettingError, match=message):
        desk.settings.set(definition, value)
    assert desk.settings.get(definition) == before and not desk.settings.is_set(definition)


def test_windows_are_all_checked_before_any_is_stored(desk: Desk) -> None:
    with pytest.raises(SettingError, match="quiet-partner"):
        desk.settings.reminder_windows = ReminderWindows(30, 7, 1, 6)
    assert desk.settings.reminder_windows == ReminderWindows(60, 14, 90, 12)
    desk.settings.reminder_windows = ReminderWindows(30, 7, 30, 6)
    assert desk.settings.reminder_windows == ReminderWindows(30, 7, 30, 6)


def test_a_stored_value_that_makes_no_sense_reads_as_the_default(desk: Desk) -> None:
    desk.store.set_setting("phone_region", 42)
    desk.store.set_setting("expiring_days", "lots")
    desk.store.set_setting("page_size", "legal")
    nonsense = {"a": [1, 2], "b": ["x", 1], "d": [None, 3]}
    if desk.address is None:  # PostgreSQL's JSON cannot hold an infinity at all
        nonsense["c"] = [1e400, 0]
    desk.store.set_setting("network_positions", nonsense)
    assert desk.settings.phone_region == "US"
    assert desk.settings.expiring_days == 60
    assert desk.settings.page_size in ("letter", "a4")
    assert desk.settings.network_positions == {"a": (1.0, 2.0)}
    assert desk.reminders() == []  # the app keeps working


def test_the_phone_region_reads_numbers_in_saves_imports_duplicates_and_reports(
        desk: Desk, tmp_path: Path) -> None:
    us = desk.contacts.create(name="Before", phones=[{"kind": "work", "number": MUNICH}])
    assert desk.contacts.get(us.id).phones[0]["number"] == MUNICH  # no US number: kept

    desk.settings.phone_region = "DE"
    saved = desk.contacts.create(name="Anna Weber", phones=[{"kind": "work", "number": BERLIN}])
    assert desk.contacts.get(saved.id).phones[0]["number"] == "+493012345678"
    assert [m.key for m in possible_duplicates(
        desk, "contact", {"name": "Someone else", "phones": [{"number": BERLIN}]})] == [saved.id]

    sheet = tmp_path / "people.csv"
    sheet.write_text(f"Name,Phone\nJonas Braun,{BERLIN[:-1]}9\n", encoding="utf-8")
    apply_plan(desk, plan_csv(desk, sheet, "contact"))
    jonas = desk.contacts.list(where={"name": "Jonas Braun"})[0]
    assert jonas.phones[0]["number"] == "+493012345679"

    directory = contact_directory(desk, include_internal=True)
    phones = {c.name: c.phone for org in directory.organizations for c in org.contacts}
    assert phones["Before"] == "+49 89 12345678"  # kept as typed, shown in the region's way


def test_settings_from_the_command_line(desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    path = desk.location
    desk.close()
    assert main(["--db", path, "settings"]) == 0
    listed = capsys.readouterr().out
    assert "phone_region" in listed and "expiring_days" in listed
    assert "network_positions" not in listed  # kept for a screen, not chosen by a person
    assert main(["--db", path, "settings", "phone_region", "ca"]) == 0
    assert "CA" in capsys.readouterr().out
    assert main(["--db", path, "settings", "expiring_days", "-5"]) == 1
    assert "whole number from 1 to 730" in capsys.readouterr().err
    assert main(["--db", path, "settings", "colour", "red"]) == 1
    assert "no setting called “colour”" in capsys.readouterr().err
    assert main(["--db", path, "settings", "expiring_days", "5", "--reset"]) == 1
    capsys.readouterr()
    with Desk.open(path) as again:
        assert again.settings.phone_region == "CA" and again.settings.expiring_days == 60
    assert main(["--db", path, "settings", "phone_region", "--reset"]) == 0
    assert "(default)" in capsys.readouterr().out
