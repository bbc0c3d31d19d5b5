"""A change to many records from a list, through the bulk path (`RecordService.bulk_change`,
`update_many`, `delete`): what a person relies on after it is there for every record,
however the writer made it quick.

Enough records that the writer takes its bulk road whole (its index and history SQL in a
thread beside the rows it makes: `store.BESIDE_MINIMUM`). Each test checks a shortcut
the writer could wrongly take: a search entry left as it was when its text changed (or
made again when it did not), history made from the wrong row, a step Undo takes back
only in part, an error in the thread lost.
"""

import threading
from datetime import date, datetime
from typing import Any

import pytest
from sqlmodel import select

from partnerdesk.db import records as r
from partnerdesk.db.local import HistoryEntry
from partnerdesk.errors import ValidationError
from partnerdesk.services import Desk, records, store, undo
from partnerdesk.services.indexing import search_entries
from partnerdesk.services.store import field_values, full_state, user_fields
from partnerdesk.services.versioning import compute_rev

MANY = store.BESIDE_MINIMUM + 100


@pytest.fixture(params=["whole", "in parts"])
def parts(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The step written in one part, or in several that the writer's lane writes one
    after the other while the next is made (as for 10,000 records)."""
    if request.param == "in parts":
        monkeypatch.setattr(records, "BULK_PART", MANY // 5)
        monkeypatch.setattr(undo, "CHUNK", MANY // 4)
        monkeypatch.setattr(store, "BESIDE_MINIMUM", MANY // 10)
    return str(request.param)


def _people(desk: Desk, count: int = MANY) -> list[str]:
    with desk.store.write() as writer:
        return desk.contacts.save_many(writer, [
            {"name": f"Person {n:04}", "role": "Community health worker",
             "emails": [{"address": f"person{n}@clinic.example", "kind": "work"}],
             "tags": ["volunteer", "board"], "notes": "Met at the spring health fair.",
             "last_contacted": date(2026, 3, n % 28 + 1)} for n in range(count)])


def _found(desk: Desk, text: str) -> set[str]:
    return {hit.record_id for hit in desk.search(text, limit=10 * MANY)}


def _states(desk: Desk, ids: list[str]) -> dict[str, dict[str, Any]]:
    with desk.store.read() as session:
        return {row.id: full_state(row) for row in session.scalars(
            select(r.Contact).where(r.Contact.id.in_(ids)))}  # type: ignore[attr-defined]


def _history(desk: Desk, ids: list[str]) -> dict[str, list[HistoryEntry]]:
    found: dict[str, list[HistoryEntry]] = {record_id: [] for record_id in ids}
    with desk.store.read() as session:
        for entry in session.scalars(select(HistoryEntry).order_by(HistoryEntry.id)):
            if entry.record_id in found:
                found[entry.record_id].append(entry)
    return found


def _index_rows(desk: Desk, ids: list[str]) -> dict[str, tuple[Any, ...]]:
    """record id -> its search row as stored (rowid first: a row made again gets a new one)."""
    wanted = set(ids)
    with desk.store.engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT record_id, rowid, record_type, title, body FROM search_docs").fetchall()
    return {row[0]: tuple(row[1:]) for row in rows if row[0] in wanted}


def _index_written(desk: Desk) -> Any:
    """What changes whenever a search row is written, even made again the same: FTS5's
    own storage on SQLite, each row's transaction id (xmin) on PostgreSQL."""
    with desk.store.engine.connect() as connection:
        if desk.address is None:
            return connection.exec_driver_sql(
                "SELECT id, block FROM search_index_data ORDER BY id").fetchall()
        return dict(connection.exec_driver_sql(
            "SELECT record_id, xmin::text FROM search_docs").fetchall())


def _index_as_it_should_be(desk: Desk, ids: list[str]) -> dict[str, tuple[str, str, str]]:
    """What the index would say of these records if it were made afresh from them."""
    with desk.store.read() as session:
        rows = [{**field_values(row), "id": row.id} for row in session.scalars(
            select(r.Contact).where(r.Contact.id.in_(ids)))]  # type: ignore[attr-defined]
        entries = search_entries(session, r.Contact, rows)
    return {e.record_id: (e.record_type, e.title, e.body) for e in entries}


def _fts_is_whole(desk: Desk) -> None:
    if desk.address is None:
        with desk.store.engine.connect() as connection:
            # FTS5's own check: the index holds exactly the text of the rows it indexes
            connection.exec_driver_sql(
                "INSERT INTO search_index(search_index, rank) VALUES ('integrity-check', 1)")


def test_a_tag_changed_on_many_is_found_by_the_new_tag_and_not_the_old(desk: Desk,
                                                                       parts: str) -> None:
    ids = _people(desk)
    others = _people(desk, 3)  # not chosen: keep their tags and index rows
    untouched = _index_rows(desk, others)
    desk.contacts.bulk_change(ids, lambda row: {
        "tags": [tag for tag in row["tags"] if tag != "board"] + ["winterdrive"]})

    assert _found(desk, "winterdrive") == set(ids)
    assert _found(desk, "board") == set(others)
    assert desk.contacts.count(text="winterdrive") == MANY
    assert set(desk.contacts.ids(text="board")) == set(others)
    assert _found(desk, "volunteer") == {*ids, *others}  # the tag kept is still found
    assert _index_rows(desk, others) == untouched
    stored = _index_rows(desk, ids)
    assert {key: row[1:] for key, row in stored.items()} == \
        _index_as_it_should_be(desk, ids)
    _fts_is_whole(desk)

    desk.undo.undo()  # the whole step: every record's tags and index entry
    assert _found(desk, "winterdrive") == set()
    assert _found(desk, "board") == {*ids, *others}
    assert {key: row[1:] for key, row in _index_rows(desk, ids).items()} == \
        _index_as_it_should_be(desk, ids)
    _fts_is_whole(desk)
    desk.undo.redo()
    assert _found(desk, "winterdrive") == set(ids)


def test_sharing_consent_given_to_many_keeps_history_stamps_and_undo(desk: Desk,
                                                                     parts: str) -> None:
    ids = _people(desk)
    before = _states(desk, ids)
    desk.contacts.update_many(ids, share_ok=True)
    assert desk.undo.undo_name() == f"change to {MANY:,} contacts"

    after = _states(desk, ids)
    history = _history(desk, ids)
    device = desk.store.device_id
    # one step: one change number for every record, beyond any number they held
    (stamp,) = {tuple(after[key]["stamps"]["share_ok"][:2]) for key in ids}
    assert stamp[1] == device
    assert stamp[0] > max(s[0] for key in ids for s in before[key]["stamps"].values())
    for record_id in ids:
        now, was = after[record_id], before[record_id]
        assert now["share_ok"] is True
        (entry,) = history[record_id]
        assert (entry.action, entry.changed_fields) == ("updated", ["share_ok"])
        assert entry.state == was  # every column as it was, bookkeeping too
        # every other field keeps the stamp it had
        assert {k: v for k, v in now["stamps"].items() if k != "share_ok"} == \
            {k: v for k, v in was["stamps"].items() if k != "share_ok"}
        assert now["vv"] == {**was["vv"], device: stamp[0]}
        row = desk.contacts.get(record_id)
        assert row.rev != was["rev"]
        assert row.rev == compute_rev({k: getattr(row, k) for k in user_fields(r.Contact)},
                                      row.stamps, row.vv, row.delete_ctx)

    desk.undo.undo()
    back = _states(desk, ids)
    history = _history(desk, ids)
    for record_id in ids:
        assert back[record_id]["share_ok"] is False
        assert [e.changed_fields for e in history[record_id]] == [["share_ok"]] * 2
        assert history[record_id][1].state == after[record_id]  # what the undo replaced
    assert desk.contacts.count(where={"share_ok": True}) == 0
    assert desk.undo.redo_name() == f"change to {MANY:,} contacts"


def test_consent_leaves_the_search_index_as_it_was_and_right(desk: Desk, parts: str) -> None:
    """Consent is not searched: its change makes no search row again (the rows are the
    very same), and they still say what the records hold. In the same step, records
    whose notes changed get theirs made again."""
    ids = _people(desk)
    before, written = _index_rows(desk, ids), _index_written(desk)
    desk.contacts.update_many(ids, share_ok=True)
    assert _index_written(desk) == written  # not one search row written
    assert _index_rows(desk, ids) == before
    noted = set(ids[:5])
    desk.contacts.update_each({record_id: {"share_ok": False} if record_id not in noted
                               else {"share_ok": False, "notes": "Drives the food van"}
                               for record_id in ids})
    after = _index_rows(desk, ids)
    assert {key: row for key, row in after.items() if key not in noted} == \
        {key: row for key, row in before.items() if key not in noted}
    assert {key: row[1:] for key, row in after.items()} == _index_as_it_should_be(desk, ids)
    assert _found(desk, "food van") == noted
    assert _found(desk, "spring fair") == set(ids) - noted
    _fts_is_whole(desk)


def test_many_deleted_leave_search_and_come_back_whole_with_undo(desk: Desk,
                                                                 parts: str) -> None:
    ids = _people(desk)
    kept = _people(desk, 2)
    before = _states(desk, ids)
    desk.contacts.delete(*ids)
    assert desk.contacts.count() == 2
    assert _found(desk, "spring") == set(kept)
    history = _history(desk, ids)
    assert all([(e.action, e.state) for e in history[key]] == [("deleted", before[key])]
               for key in ids)
    _fts_is_whole(desk)

    desk.undo.undo()
    assert desk.contacts.count() == MANY + 2
    assert _found(desk, "spring") == {*ids, *kept}
    assert {key: row[1:] for key, row in _index_rows(desk, ids).items()} == \
        _index_as_it_should_be(desk, ids)
    fields = user_fields(r.Contact)
    assert {key: {k: state[k] for k in fields} for key, state in _states(desk, ids).items()} \
        == {key: {k: state[k] for k in fields} for key, state in before.items()}
    _fts_is_whole(desk)


def test_an_error_beside_a_bulk_change_changes_nothing(desk: Desk,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The index is written in a thread of its own: its error reaches the caller, and
    the whole step is rolled back (records, history, index, Undo)."""
    ids = _people(desk)
    before, index = _states(desk, ids), _index_rows(desk, ids)
    name = desk.undo.undo_name()

    put = store.search_index.put
    failed = []

    def broken(connection: Any, entries: list[Any], **kwargs: Any) -> None:
        if len(entries) < MANY:  # the new tag's own entry, written before
            return put(connection, entries, **kwargs)
        failed.append(threading.current_thread() is not threading.main_thread())
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(store.search_index, "put", broken)
    with pytest.raises(RuntimeError, match="disk went away"):
        desk.contacts.bulk_change(ids, lambda row: {"tags": ["winterdrive"]})
    monkeypatch.undo()
    assert failed == [True]  # it was the thread's
    assert _states(desk, ids) == before
    assert _index_rows(desk, ids) == index
    assert all(entries == [] for entries in _history(desk, ids).values())
    assert desk.undo.undo_name() == name
    assert _found(desk, "winterdrive") == set()
    desk.contacts.bulk_change(ids, lambda row: {"tags": ["winterdrive"]})  # still writes
    assert _found(desk, "winterdrive") == set(ids)


def test_a_record_refused_in_the_last_part_refuses_the_whole_step(
        desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """Earlier parts are written (in the lane) before the last is checked: a record the
    rules refuse there still leaves every record, its history and the index as they were."""
    monkeypatch.setattr(records, "BULK_PART", MANY // 5)
    monkeypatch.setattr(store, "BESIDE_MINIMUM", MANY // 10)
    ids = _people(desk)
    before, index, written = _states(desk, ids), _index_rows(desk, ids), _index_written(desk)
    last = ids[-1]
    with pytest.raises(ValidationError, match="Person"):
        desk.contacts.bulk_change(ids, lambda row: {
            "tags": ["winterdrive"], "emails": [{"address": "not an address", "kind": "work"}]
            if row["id"] == last else row["emails"]})
    assert _states(desk, ids) == before
    assert (_index_rows(desk, ids), _index_written(desk)) == (index, written)
    assert all(entries == [] for entries in _history(desk, ids).values())
    assert not desk.undo.can_undo()
    assert _found(desk, "winterdrive") == set()


def test_history_of_a_bulk_change_holds_every_kind_of_value_as_it_was(desk: Desk) -> None:
    """Numbers with every digit, yes/no, dates and times with and without a fraction of a
    second: the earlier state in history reads back as the record read before."""
    harbor = desk.organizations.create(name="Harbor Clinic", latitude=42.360123456789012,
                                       longitude=-71.05, is_us=True, tags=["food"])
    pier = desk.organizations.create(name="Pier Pantry", latitude=0.1, longitude=None)
    starts = [datetime(2027, 2, 15, 9, 30), datetime(2027, 2, 15, 9, 30, 0, 250)]
    meetings = [desk.meetings.create(title=f"Check-in {n}", starts_at=when,
                                     ends_at=None if n else datetime(2027, 2, 15, 11))
                for n, when in enumerate(starts)]
    for service, rows, change in [
            (desk.organizations, [harbor, pier], {"status": "paused"}),
            (desk.meetings, meetings, {"location": "Room 2"})]:
        with desk.store.read() as session:
            before = {row.id: full_state(session.get(type(row), row.id)) for row in rows}
        service.update_many([row.id for row in rows], **change)
        for row in rows:
            entry = service.history(row.id)[0]
            assert entry.state == before[row.id]
            probe = service.get(row.id)
            assert entry.state["created_at"] == full_state(probe)["created_at"]
    assert desk.organizations.history(harbor.id)[0].state["latitude"] == 42.360123456789012
    assert isinstance(desk.organizations.history(harbor.id)[0].state["is_us"], bool)
    assert desk.meetings.history(meetings[0].id)[0].state["starts_at"] == "2027-02-15T09:30:00"
