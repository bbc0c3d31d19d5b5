"""`init`, `add`, `set` and `delete`: scripts set up databases and change records through
the services (their checks, stamps and history)."""

import json
from pathlib import Path

import pytest

from partnerdesk.cli import main
from partnerdesk.services import Desk


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_makes_an_empty_database_with_our_organization(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "new.db")
    code, out, _ = run(capsys, "--db", db, "init", "--our-name", "Eastside Partners",
                       "--your-name", "Ana Ruiz", "--json")
    assert code == 0 and json.loads(out)["organization"] == "Eastside Partners"
    with Desk.open(db) as desk:
        ours = desk.organizations.ours()
        assert ours is not None and ours.name == "Eastside Partners"
        assert desk.organizations.count() == 1
        assert desk.settings.your_name == "Ana Ruiz"
    code, _, err = run(capsys, "--db", db, "init", "--our-name", "Someone Else")
    assert code == 1 and "already holds records" in err
    with Desk.open(db) as desk:
        assert [o.name for o in desk.organizations.list()] == ["Eastside Partners"]


def test_set_changes_a_record_found_by_name_with_history(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "a.db")
    assert run(capsys, "--db", db, "init", "--our-name", "Eastside")[0] == 0
    code, out, _ = run(capsys, "--db", db, "add", "organization", "name=Mercy General",
                       "kind=hospital", "--json")
    made = json.loads(out)
    assert code == 0 and made["values"]["kind"] == "hospital"
    code, out, _ = run(capsys, "--db", db, "set", "organization", "MERCY general",
                       "notes=Call on Monday", "latitude=42.5", "--json")
    changed = json.loads(out)
    assert code == 0 and changed["changed"] == ["latitude", "notes"]
    assert changed["id"] == made["id"]
    with Desk.open(db) as desk:
        row = desk.organizations.get(made["id"])
        assert (row.notes, row.latitude) == ("Call on Monday", 42.5)
        assert [h.action for h in desk.organizations.history(row.id)] == ["updated"]


@pytest.mark.parametrize(("argv", "says"), [
    (["set", "organization", "Mercy General", "latitude=north"], "latitude takes a number"),
    (["set", "organization", "Mercy General", "colour=red"], "“colour” is not a field"),
    (["set", "organization", "Nobody", "notes=x"], "No organization is called"),
    (["set", "planet", "Mercy General", "notes=x"], "“planet” is not a kind of record"),
    (["set", "organization", "Mercy General", "notes"], "is not FIELD=VALUE"),
    (["set", "organization", "Mercy General", "status=sleeping"], "Status must be one of"),
    (["set", "organization", "Mercy General", "tags=food"], "tags takes a JSON list"),
    (["set", "organization", "Mercy General", "name="], "name: "),  # which field, named
    # a refusal names each field it is about, as typed in FIELD=VALUE
    (["add", "feedback", "title=Pantry volunteers"],
     "received_on: Enter a date.; partnership_id: "),
    (["add", "meeting", "title=Check-in"], "starts_at: Enter a date and time."),
])
def test_set_refuses_bad_input_and_changes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], says: str) -> None:
    db = str(tmp_path / "a.db")
    run(capsys, "--db", db, "init", "--our-name", "Eastside")
    run(capsys, "--db", db, "add", "organization", "name=Mercy General")
    with Desk.open(db) as desk:
        before = [(o.id, o.rev) for o in desk.organizations.list()]
    code, out, err = run(capsys, "--db", db, *argv)
    assert code == 1 and says in err and err.count("\n") == 1
    with Desk.open(db) as desk:
        assert [(o.id, o.rev) for o in desk.organizations.list()] == before


def test_add_and_set_read_dates_with_times_and_lists(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A meeting's start is a date and time; tags are a list (both were taken as text,
    and the date and time reached the database: exit 2)."""
    from datetime import datetime

    db = str(tmp_path / "a.db")
    run(capsys, "--db", db, "init", "--our-name", "Eastside")
    code, out, err = run(capsys, "--db", db, "add", "meeting", "title=Board",
                         "starts_at=2026-03-01T10:00", "--json")
    assert code == 0, err
    meeting = json.loads(out)["id"]
    code, _, err = run(capsys, "--db", db, "set", "organization", "Eastside",
                       'tags=["food", "housing"]')
    assert code == 0, err
    with Desk.open(db) as desk:
        assert desk.meetings.get(meeting).starts_at == datetime(2026, 3, 1, 10)
        assert desk.organizations.ours().tags == ["food", "housing"]
    code, _, err = run(capsys, "--db", db, "set", "meeting", meeting, "starts_at=soon")
    assert code == 1 and "a date and time such as" in err


def test_init_from_a_colleagues_bundle_adopts_their_organization(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = str(tmp_path / "first.db"), str(tmp_path / "second.db")
    bundle = str(tmp_path / "from-ana.partnerdesk")
    run(capsys, "--db", first, "init", "--our-name", "Eastside", "--your-name", "Ana")
    run(capsys, "--db", first, "add", "contact", "name=Dr. Lee")
    assert run(capsys, "--db", first, "export", "-o", bundle)[0] == 0
    code, out, _ = run(capsys, "--db", second, "init", "--from", bundle, "--your-name",
                       "Ben", "--json")
    joined = json.loads(out)
    assert code == 0 and joined["joined"] and joined["organization"] == "Eastside"
    with Desk.open(first) as a, Desk.open(second) as b:
        ours_a, ours_b = a.organizations.ours(), b.organizations.ours()
        assert ours_a is not None and ours_b is not None and ours_a.id == ours_b.id
        assert b.organizations.count() == 1 and b.contacts.list()[0].name == "Dr. Lee"
        assert b.settings.your_name == "Ben"
        assert a.store.device_id != b.store.device_id


def test_init_from_a_sealed_bundle_takes_the_passphrase_from_the_environment(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = str(tmp_path / "first.db"), str(tmp_path / "second.db")
    bundle = str(tmp_path / "sealed.partnerdesk")
    run(capsys, "--db", first, "init", "--our-name", "Eastside", "--your-name", "Ana")
    run(capsys, "--db", first, "add", "contact", "name=Dr. Lee")
    monkeypatch.setenv("PARTNERDESK_PASSPHRASE", "correct horse battery")
    assert run(capsys, "--db", first, "export", "-o", bundle, "--seal")[0] == 0
    monkeypatch.setenv("PARTNERDESK_PASSPHRASE", "wrong horse")
    code, _, err = run(capsys, "--db", second, "init", "--from", bundle, "--your-name", "Ben")
    assert code == 1 and "passphrase" in err.lower()
    with Desk.open(second) as desk:
        assert desk.contacts.count() == 0 and desk.organizations.count() == 0
    monkeypatch.setenv("PARTNERDESK_PASSPHRASE", "correct horse battery")
    code, out, _ = run(capsys, "--db", second, "init", "--from", bundle, "--your-name", "Ben",
                       "--json")
    assert code == 0 and json.loads(out)["records"] == 2
    with Desk.open(second) as desk:
        assert [c.name for c in desk.contacts.list()] == ["Dr. Lee"]
        assert desk.organizations.ours().name == "Eastside"


def test_init_from_a_partner_bundle_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = str(tmp_path / "first.db"), str(tmp_path / "second.db")
    bundle = str(tmp_path / "partner.partnerdesk")
    run(capsys, "--db", first, "init", "--our-name", "Eastside")
    run(capsys, "--db", first, "export", "-o", bundle, "--for-partner")
    code, _, err = run(capsys, "--db", second, "init", "--from", bundle)
    assert code == 1 and "does not say which organization" in err
    with Desk.open(second) as desk:
        assert desk.organizations.count() == 0 and desk.organizations.count(deleted=True) == 0
