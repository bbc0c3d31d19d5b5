"""Migration 0005: a database made before contacts had addresses, websites, a department
and typed phones opens with every phone kept, the extension moved out of the number."""

import json
import sqlite3
from pathlib import Path

import pytest

from partnerdesk.db.migrate import upgrade_safely
from partnerdesk.services import Desk
from partnerdesk.services.store import version_state

pytestmark = pytest.mark.real_migration  # about migrating a new database itself

STAMP = [3, "laptop-a"]
PREVIOUS = "0004"  # the schema just before this migration (the lead may renumber both)
OLD_PHONES = [
    ("Ana Ortiz", [{"number": "+16175550101", "kind": "work"}]),
    ("Ben Ode", [{"number": "555-0101 ext. 42", "kind": "work"},
                 {"number": "+4520123456", "kind": "mobile"}]),
    ("Cy Ma", ["617 555 0199"]),  # a bare string, as an old hand-made bundle had it
    ("Di Lu", [{"number": "0800 FLOWERS x7", "kind": "home"}]),  # letters: kept as typed
    ("Ed Po", []),
]


def make_old_database(path: Path) -> None:
    upgrade_safely(path, existing=False, target=PREVIOUS)
    connection = sqlite3.connect(path)
    for number, (name, phones) in enumerate(OLD_PHONES):
        stamps = {field: STAMP for field in ("name", "phones", "role", "_alive")}
        connection.execute(
            "INSERT INTO contacts (id, created_at, updated_at, rev, deleted, origin, stamps, "
            "vv, delete_ctx, name, role, organization_id, emails, phones, preferred_contact, "
            "tags, notes, internal_notes, share_ok, last_contacted) VALUES (?, "
            "'2026-01-02 03:04:05.000000', '2026-01-02 03:04:05.000000', 'old', 0, "
            "'laptop-a', ?, ?, '{}', ?, 'Nurse', NULL, '[]', ?, '', '[]', 'a note', '', 1, "
            "'2026-01-02')",
            (f"00000000-0000-4000-8000-00000000000{number}", json.dumps(stamps),
             json.dumps({"laptop-a": 3}), name, json.dumps(phones)))
    connection.commit()
    connection.close()


def test_old_phones_become_typed_with_nothing_lost(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_old_database(path)
    with Desk.open(path) as desk:
        phones = {c.name: c.phones for c in desk.contacts.list()}
        assert phones == {
            "Ana Ortiz": [{"number": "+16175550101", "kind": "work", "extension": ""}],
            "Ben Ode": [{"number": "555-0101", "kind": "work", "extension": "42"},
                        {"number": "+4520123456", "kind": "mobile", "extension": ""}],
            "Cy Ma": [{"number": "617 555 0199", "kind": "work", "extension": ""}],
            "Di Lu": [{"number": "0800 FLOWERS", "kind": "home", "extension": "7"}],
            "Ed Po": [],
        }
        for contact in desk.contacts.list():
            assert (contact.department, contact.addresses, contact.websites) == ("", [], [])
            assert contact.notes == "a note" and contact.share_ok is True
            # the revision is the state's own, as if this laptop had written it
            assert contact.rev == version_state(contact).rev()
            assert contact.stamps["phones"] == STAMP  # a migration is nobody's edit
        # Saved again, the extension stays in its place.
        ben = next(c for c in desk.contacts.list() if c.name == "Ben Ode")
        desk.contacts.update(ben.id, role="Head nurse")
        assert desk.contacts.get(ben.id).phones[0]["extension"] == "42"
