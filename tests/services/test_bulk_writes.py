"""The store's bulk writes give exactly what its one-record writes give.

`bulk_create` (sample data, imports' new records), `bulk_update` (imports merging into
records here) and `put_states` (a bundle's merged states, an undo's earlier versions)
write raw rows beneath the ORM session. Each is compared here with the slow path it
stands in for: the stored text of every column, the revision, stamps and version
vector, history, the search index and the change notice.
"""

import json
from datetime import date
from typing import Any

import pytest
from sqlmodel import select

from partnerdesk.db import records as r
from partnerdesk.db.local import HistoryEntry
from partnerdesk.errors import ValidationError
from partnerdesk.services import Desk, store
from partnerdesk.services.store import StatePut, columns_of, field_values, full_state
from partnerdesk.services.versioning import (
    VersionState,
    compute_rev,
    newest_device,
)

CONTACT = {"name": "Zoë Brontë", "role": "Nurse", "emails": [{"address": "zoe@harbor.org",
                                                                 "kind": "work"}],
           "phones": [{"number": "+14155550100", "kind": "mobile"}], "tags": ["board"],
           "share_ok": True, "last_contacted": date(2026, 3, 1), "notes": "Mornings."}
ORGANIZATION = {"name": "Harbor Clinic", "latitude": 42.0, "longitude": -71.5, "tags": [],
                "email": "desk@harbor.org"}
# Columns that differ between two records by nature, not by the path that wrote them.
OWN = {"id", "created_at", "updated_at"}
BOOKKEEPING_JSON = {"stamps", "vv", "delete_ctx"}


def stored(desk: Desk, table: str, record_id: str) -> dict[str, Any]:
    """A row as the database holds it: the very text of every column on SQLite (the bulk
    paths write the merge bookkeeping as the canonical JSON the revision hashes: compared
    decoded), the values psycopg reads on PostgreSQL."""
    with desk.store.engine.connect() as connection:
        row = connection.exec_driver_sql(f"SELECT * FROM {table} WHERE id = {mark(desk)}",
                                         (record_id,)).mappings().one()
        return {key: json.loads(row[key]) if key in BOOKKEEPING_JSON
                and isinstance(row[key], str) else row[key]
                for key in row.keys() if key not in OWN}  # noqa: SIM118


def mark(desk: Desk) -> str:
    return "?" if desk.address is None else "%s"


def indexed(desk: Desk, record_id: str) -> tuple[str, str, str] | None:
    with desk.store.engine.connect() as connection:
        row = connection.exec_driver_sql(
            "SELECT record_type, title, body FROM search_docs WHERE "
            f"record_id = {mark(desk)}", (record_id,)).fetchone()
        return None if row is None else tuple(row)


def history(desk: Desk, record_id: str) -> list[tuple[str, list[str], dict[str, Any]]]:
    with desk.store.read() as session:
        entries = session.scalars(select(HistoryEntry).where(
            HistoryEntry.record_id == record_id).order_by(HistoryEntry.id))
        return [(e.action, e.changed_fields, {k: v for k, v in e.state.items() if k not in OWN})
                for e in entries]


def test_bulk_create_stores_what_create_stores(desk: Desk) -> None:
    for model, table, values in [(r.Contact, "contacts", CONTACT),
                                 (r.Organization, "organizations", ORGANIZATION)]:
        with desk.store.write() as writer:  # one transaction: one counter for both
            slow = writer.create(model, dict(values)).id  # type: ignore[attr-defined]
            (fast,) = writer.bulk_create(model, [dict(values)])
            changes = list(writer.changes)
        assert stored(desk, table, fast) == stored(desk, table, slow)
        assert indexed(desk, fast) == indexed(desk, slow) is not None
        assert [(c.record_type, c.action) for c in changes] == [(model.__tablename__[:-1],
                                                                 "created")] * 2
        fast_row = desk.service(changes[0].record_type).get(fast)
        assert fast_row.rev == compute_rev(field_values(fast_row), fast_row.stamps,
                                           fast_row.vv, fast_row.delete_ctx)


def test_bulk_create_of_many_stores_for_each_what_create_stores(
        desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """Thousands of records go in parts, written on the writer's lane while the next part
    is made (on SQLite from one JSON text per part): each stores what `create` stores."""
    monkeypatch.setattr(store, "CREATE_PART", 300)  # several parts, the last a short one
    many = [{**CONTACT, "name": f"Zoë \"{n}\" Brontë\\\n☃", "share_ok": n % 2 == 0,
             "last_contacted": date(2026, 3, 1 + n % 28), "department": "" if n % 3 else
             "Santé", "emails": [{"address": f"z{n}@harbor.org", "kind": "work"}]}
            for n in range(store.BESIDE_MINIMUM + 250)]
    with desk.store.write() as writer:
        slow = [writer.create(r.Contact, dict(values)).id for values in many[:40]]
        fast = writer.bulk_create(r.Contact, [dict(values) for values in many], beside=True)
        # a statement of the same transaction waits for the lane
        connection = writer.session.connection()
        for table in ("contacts", "search_docs"):
            assert connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() \
                == len(many) + len(slow)
    assert len(set(fast)) == len(many)
    for slow_id, fast_id in zip(slow, fast, strict=False):
        assert stored(desk, "contacts", fast_id) == stored(desk, "contacts", slow_id)
        assert indexed(desk, fast_id) == indexed(desk, slow_id) is not None
    last = desk.contacts.get(fast[-1])
    assert (last.name, last.last_contacted) == (many[-1]["name"], many[-1]["last_contacted"])
    assert last.rev == compute_rev(field_values(last), last.stamps, last.vv, last.delete_ctx)


def test_bulk_create_inside_an_import_marks_what_undo_removes(desk: Desk) -> None:
    with desk.store.write(batch_id="batch-1") as writer:
        slow = writer.create(r.Contact, dict(CONTACT)).id
        (fast,) = writer.bulk_create(r.Contact, [dict(CONTACT)])
    assert history(desk, fast) == history(desk, slow) == [("imported", [], {})]


def test_bulk_update_stores_what_update_stores(desk: Desk) -> None:
    with desk.store.write() as writer:
        first, second = writer.bulk_create(r.Contact, [dict(CONTACT), dict(CONTACT)])
    changes = {"role": "Director", "phones": [], "last_contacted": date(2026, 5, 2),
               "name": CONTACT["name"]}  # an unchanged value keeps its stamp
    with desk.store.write() as writer:
        slow_row = writer.session.get(r.Contact, first)
        fast_row = writer.session.get(r.Contact, second)
        writer.update(slow_row, dict(changes))
        writer.bulk_update([(fast_row, dict(changes))])
        assert fast_row.role == "Director"  # the session's copy shows the new state
        notes = [(c.action, c.fields) for c in writer.changes]
    assert stored(desk, "contacts", second) == stored(desk, "contacts", first)
    assert indexed(desk, second) == indexed(desk, first)
    assert history(desk, second) == history(desk, first)
    assert history(desk, first)[0][:2] == ("updated", ["last_contacted", "phones", "role"])
    assert notes == [("updated", ("last_contacted", "phones", "role"))] * 2


def test_bulk_update_of_nothing_new_writes_nothing(desk: Desk) -> None:
    (record_id,) = _create(desk, CONTACT)
    before = stored(desk, "contacts", record_id)
    with desk.store.write() as writer:
        row = writer.session.get(r.Contact, record_id)
        writer.bulk_update([(row, {"role": CONTACT["role"]})])
        assert writer.changes == []
    assert stored(desk, "contacts", record_id) == before
    assert history(desk, record_id) == []


def _create(desk: Desk, values: dict[str, Any]) -> list[str]:
    return [desk.contacts.create(**values).id]


def test_put_states_stores_the_state_with_its_revision(desk: Desk) -> None:
    """A merged state (stamps from several laptops) lands as the ORM would read it back."""
    (record_id,) = _create(desk, CONTACT)
    before = desk.contacts.get(record_id)
    state = VersionState(
        values={**{k: getattr(before, k) for k in CONTACT}, "organization_id": None,
                "preferred_contact": "", "internal_notes": "", "role": "Chair"},
        stamps={**before.stamps, "role": [99, "other-laptop"]},
        vv={**before.vv, "other-laptop": 99}, delete_ctx={})
    with desk.store.write(batch_id="b") as writer:
        writer.put_states(r.Contact, [StatePut(record_id, state, columns_of(
            writer.session.get(r.Contact, record_id)), ("role",))])
        notes = [(c.action, c.fields) for c in writer.changes]
    after = desk.contacts.get(record_id)
    assert after.role == "Chair" and after.stamps == state.stamps and after.vv == state.vv
    assert after.rev == state.rev() == compute_rev(state.values, state.stamps, state.vv, {})
    assert after.origin == newest_device(state.stamps) == "other-laptop"
    assert notes == [("updated", ("role",))]
    assert history(desk, record_id) == [("merged", ["role"], {
        k: v for k, v in full_state(before).items() if k not in OWN})]
    assert "Chair" in indexed(desk, record_id)[2]  # type: ignore[index]
    text = stored(desk, "contacts", record_id)
    tags = text["tags"]
    assert text["stamps"] == state.stamps
    assert (json.loads(tags) if isinstance(tags, str) else tags) == ["board"]


def test_put_states_without_a_state_removes_the_row(desk: Desk) -> None:
    (record_id,) = _create(desk, CONTACT)
    with desk.store.write() as writer:
        row = columns_of(writer.session.get(r.Contact, record_id))
        writer.put_states(r.Contact, [StatePut(record_id, None, row)], action="undone")
        assert [(c.action, c.record_id) for c in writer.changes] == [("deleted", record_id)]
    assert desk.contacts.count(where={"id": record_id}) == 0
    assert indexed(desk, record_id) is None
    assert history(desk, record_id)[-1][0] == "undone"


def test_a_change_to_many_records_stores_what_saving_each_stores(desk: Desk) -> None:
    """A bulk change checks only the fields it sets (the rest passed the rules when
    saved): what it stores is what a save of each record stores."""
    one, two = (desk.contacts.create(**CONTACT).id for _ in range(2))
    for changes in ({"share_ok": False}, {"tags": ["board", " volunteer "]},
                    {"phones": [{"number": "(415) 555-0199", "kind": "work"}]},
                    {"emails": [{"address": " ZOE@harbor.org ", "kind": ""}]},
                    {"role": "  Head nurse  ", "notes": "Evenings.\n"}):
        desk.contacts.update(one, **changes)
        desk.contacts.update_many([two], **changes)
        assert _values(desk, two) == _values(desk, one)
        assert _restamped(desk, two) == _restamped(desk, one) == set(changes)
        assert indexed(desk, two) == indexed(desk, one)
        assert [entry[:2] for entry in history(desk, two)] == \
            [entry[:2] for entry in history(desk, one)]


def test_a_change_to_many_records_is_refused_by_the_rules_a_save_applies(desk: Desk) -> None:
    ids = [desk.contacts.create(name=f"Person {n}").id for n in range(3)]
    with pytest.raises(ValidationError, match="not a valid e-mail address"):
        desk.contacts.update_many(ids, emails=[{"address": "ana@", "kind": "work"}])
    with pytest.raises(ValidationError, match="Enter a date"):
        desk.contacts.update_many(ids, last_contacted="last spring")
    with pytest.raises(ValidationError, match="The person's name is required"):
        desk.contacts.update_many(ids, name="  ")
    with pytest.raises(ValidationError, match="no longer exists"):
        desk.contacts.update_many(ids, organization_id="no-such-organization")
    # a rule relating two fields sees the fields the change leaves as they were
    agreement = desk.agreements.create(title="Referral MOU", effective_date=date(2027, 1, 1),
                                       expiry_date=date(2028, 1, 1))
    with pytest.raises(ValidationError, match="cannot expire before it takes effect"):
        desk.agreements.update_many([agreement.id], effective_date=date(2029, 1, 1))
    assert desk.agreements.get(agreement.id).effective_date == date(2027, 1, 1)
    assert all(desk.contacts.get(i).emails == [] for i in ids)


def _values(desk: Desk, record_id: str) -> dict[str, Any]:
    """The stored text of every column but the bookkeeping (each write has its own
    number)."""
    return {k: v for k, v in stored(desk, "contacts", record_id).items()
            if k not in {"rev", "stamps", "vv", "delete_ctx"}}


def _restamped(desk: Desk, record_id: str) -> set[str]:
    """The fields the latest write stamped."""
    stamps = stored(desk, "contacts", record_id)["stamps"]
    newest = max(stamp[0] for stamp in stamps.values())
    return {name for name, stamp in stamps.items() if stamp[0] == newest}
