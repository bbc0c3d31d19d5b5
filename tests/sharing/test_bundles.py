"""Export and import between real databases: round trip, idempotence, scopes, merge rules,
sealing and undo."""

import json
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from partnerdesk.db.local import Conflict, ExportLog, HistoryEntry, ImportBatch
from partnerdesk.services import Desk
from partnerdesk.services.demo import load_demo
from partnerdesk.sharing import limits
from partnerdesk.sharing.bundle import read_record_members
from partnerdesk.sharing.conflicts import list_conflicts, resolve
from partnerdesk.sharing.exporter import Scope, export_bundle, find_partnership
from partnerdesk.sharing.importer import import_file
from partnerdesk.sharing.seal import SealError
from partnerdesk.sharing.undo import EditedSinceError, check_undo, list_imports, undo_import
from tests.conftest import TODAY
from tests.sharing.conftest import dump

Laptops = Callable[[str], Desk]


def send(source: Desk, target: Desk, path: Path, **kwargs: object) -> dict[str, int]:
    export_bundle(source, path, **kwargs)  # type: ignore[arg-type]
    return import_file(target, path).preview.counts()


def test_round_trip_gives_identical_record_files(laptops: Laptops, tmp_path: Path) -> None:
    home = laptops("home")
    load_demo(home, today=TODAY)
    contact = home.contacts.list(limit=1)[0]
    home.contacts.update(contact.id, role="Board chair")
    home.contacts.delete(home.contacts.list(limit=2)[1].id)  # a tombstone travels too
    first = tmp_path / "first.partnerdesk"
    counts = send(home, laptops("empty"), first)
    assert counts["new"] > 400 and counts["updated"] == counts["conflicts"] == 0
    second = tmp_path / "second.partnerdesk"
    export_bundle(laptops("empty"), second)
    assert read_record_members(first) == read_record_members(second)
    empty = laptops("empty")
    assert empty.stats() == home.stats()
    assert empty.contacts.get(contact.id).role == "Board chair"
    assert empty.search("Board chair") or empty.search(contact.name)
    # attachments came along, byte for byte
    for attachment in home.attachments.list():
        assert empty.attachments.path_of(attachment).read_bytes() == \
            home.attachments.path_of(attachment).read_bytes()


def test_importing_the_same_bundle_twice_changes_nothing(laptops: Laptops,
                                                         tmp_path: Path) -> None:
    home, other = laptops("home"), laptops("other")
    load_demo(home, today=TODAY)
    path = tmp_path / "b.partnerdesk"
    send(home, other, path)
    before = dump(other)
    again = import_file(other, path).preview.counts()
    total = sum(len(lines) for lines in limits.read_file(path).records.values())
    assert again == {"new": 0, "updated": 0, "unchanged": total, "deleted": 0,
                     "already_deleted": 0, "conflicts": 0}
    after = dump(other)
    # only the import's own record (the batch row) is new
    changed = {t for (t, rows), (_, old) in zip(after, before, strict=True) if rows != old}
    assert changed <= {"import_batches", "settings"}


def test_manifest_names_format_device_scope_counts_and_hashes(laptops: Laptops,
                                                              tmp_path: Path) -> None:
    home = laptops("home")
    load_demo(home, today=TODAY)
    path = tmp_path / "b.partnerdesk"
    export_bundle(home, path)
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = set(archive.namelist())
    assert manifest["format"] == "partnerdesk-bundle" and manifest["version"] == "1.0"
    assert manifest["device_id"] == home.store.device_id
    assert manifest["organization"] == "Eastside Community Partners"
    assert manifest["scope"]["kind"] == "all" and manifest["counts"]["contact"] > 10
    assert set(manifest["members"]) == names - {"manifest.json"}
    assert any(n.startswith("attachments/") for n in names)
    with home.store.read() as session:
        assert len(session.exec(select(ExportLog)).all()) == 1


def test_field_level_merge_between_laptops(laptops: Laptops, tmp_path: Path) -> None:
    a, b = laptops("a"), laptops("b")
    person = a.contacts.create(name="Ana", phones=[{"number": "+15551230000"}])
    send(a, b, tmp_path / "1.partnerdesk")
    a.contacts.update(person.id, phones=[{"number": "+15559870000", "kind": "mobile"}])
    b.contacts.update(person.id, emails=[{"address": "ana@example.org"}])
    send(a, b, tmp_path / "2.partnerdesk")
    send(b, a, tmp_path / "3.partnerdesk")
    for desk in (a, b):
        got = desk.contacts.get(person.id)
        assert got.phones[0]["number"] == "+15559870000"
        assert got.emails[0]["address"] == "ana@example.org"
    assert a.contacts.get(person.id).rev == b.contacts.get(person.id).rev
    assert list_conflicts(a) == list_conflicts(b) == []


def test_same_field_conflict_listed_where_it_lost_and_restorable(laptops: Laptops,
                                                                 tmp_path: Path) -> None:
    a, b = laptops("a"), laptops("b")
    org = a.organizations.create(name="Clinic")
    send(a, b, tmp_path / "1.partnerdesk")
    a.organizations.update(org.id, phone="+15550001111")
    b.organizations.update(org.id, phone="+15550002222")
    counts_b = send(a, b, tmp_path / "2.partnerdesk")
    counts_a = send(b, a, tmp_path / "3.partnerdesk")
    assert a.organizations.get(org.id).phone == b.organizations.get(org.id).phone
    # b imports the clash first; the bundle b sends back holds the winner alone, so a
    # sees the clash only if its own value lost there: the loser lists it either way
    assert counts_b["conflicts"] == 1  # b, the first importer, lists it whichever won
    kept = a.organizations.get(org.id).phone
    loser = b if kept == "+15550001111" else a
    assert counts_a["conflicts"] == (1 if loser is a else 0)
    listed = list_conflicts(loser)
    assert not listed[0].kept_here
    assert [(c.field, c.record_id) for c in listed] == [("phone", org.id)]
    lost_value = listed[0].lost_value
    assert any(e.state.get("phone") == lost_value
               for e in loser.organizations.history(org.id))
    resolve(loser, listed[0].id, "lost")
    assert loser.organizations.get(org.id).phone == lost_value
    assert list_conflicts(loser) == []


def test_edit_beats_concurrent_delete_between_laptops(laptops: Laptops, tmp_path: Path) -> None:
    a, b = laptops("a"), laptops("b")
    person = a.contacts.create(name="Ben")
    send(a, b, tmp_path / "1.partnerdesk")
    a.contacts.delete(person.id)
    b.contacts.update(person.id, role="Nurse")
    counts = send(a, b, tmp_path / "2.partnerdesk")
    assert counts["deleted"] == 0
    send(b, a, tmp_path / "3.partnerdesk")
    for desk in (a, b):
        assert not desk.contacts.get(person.id).deleted
        assert desk.contacts.get(person.id).role == "Nurse"
    assert [c.field for c in list_conflicts(a)] == ["_deleted"]


def test_restored_record_survives_an_old_deletion_arriving_late(laptops: Laptops,
                                                                tmp_path: Path) -> None:
    a, b, c = laptops("a"), laptops("b"), laptops("c")
    person = a.contacts.create(name="Cai")
    send(a, b, tmp_path / "1.partnerdesk")
    a.contacts.delete(person.id)
    old_deletion = tmp_path / "old.partnerdesk"
    send(a, b, old_deletion)
    assert b.contacts.get(person.id).deleted
    b.contacts.restore(person.id)
    send(b, c, tmp_path / "2.partnerdesk")
    import_file(c, old_deletion)  # the old deletion arrives late
    import_file(b, old_deletion)
    assert not c.contacts.get(person.id).deleted
    assert not b.contacts.get(person.id).deleted


def test_partnership_scope_for_partner_leaves_private_things_home(laptops: Laptops,
                                                                  tmp_path: Path) -> None:
    home, partner = laptops("home"), laptops("partner")
    load_demo(home, today=TODAY)
    ship = find_partnership(home, "food as medicine")
    home.partnerships.update(ship, internal_notes="budget worries")
    private = home.contacts.create(name="Private Person", share_ok=False)
    lead = home.partnerships.get(ship).our_lead_contact_id
    home.contacts.update(lead, share_ok=False)
    home.meetings.create(title="Planning", starts_at=home.meetings.list()[0].starts_at,
                         partnership_id=ship)
    path = tmp_path / "p.partnerdesk"
    export_bundle(home, path, Scope.partnership(ship, for_partner=True))
    text = b"".join(read_record_members(path).values()).decode()
    assert "budget worries" not in text and "Private Person" not in text
    assert lead not in text and "internal_notes" not in text
    counts = import_file(partner, path).preview.counts()
    assert counts["new"] > 5
    assert partner.partnerships.get(ship).our_lead_contact_id is None
    assert partner.meetings.list(where={"partnership_id": ship})
    other_ship = [p.id for p in home.partnerships.list() if p.id != ship][0]
    assert partner.partnerships.count(where={"id": other_ship}) == 0
    # the partner edits the title and sends everything back: nothing private is lost
    partner.partnerships.update(ship, title="Food is Medicine")
    send(partner, home, tmp_path / "back.partnerdesk")
    got = home.partnerships.get(ship)
    assert got.title == "Food is Medicine" and got.internal_notes == "budget worries"
    assert got.our_lead_contact_id == lead
    assert home.organizations.ours() is not None
    assert not private.deleted


def test_selection_scope_brings_what_the_records_refer_to(laptops: Laptops,
                                                          tmp_path: Path) -> None:
    home, other = laptops("home"), laptops("other")
    load_demo(home, today=TODAY)
    resource = home.resources.list(limit=1)[0]
    path = tmp_path / "s.partnerdesk"
    export_bundle(home, path, Scope.selection([("resource", resource.id)]))
    import_file(other, path)
    assert other.resources.get(resource.id).name == resource.name
    assert other.organizations.get(resource.organization_id).name


def test_sealed_round_trip_and_wrong_passphrase(laptops: Laptops, tmp_path: Path) -> None:
    home, other = laptops("home"), laptops("other")
    home.contacts.create(name="Secret Sam")
    path = tmp_path / "sealed.partnerdesk"
    export_bundle(home, path, passphrase="long enough words")
    assert b"Secret Sam" not in path.read_bytes()
    before = dump(other)
    with pytest.raises(limits.PassphraseNeeded):
        import_file(other, path)
    with pytest.raises(SealError, match="passphrase does not open"):
        import_file(other, path, passphrase="wrong words here")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1
    changed = tmp_path / "changed.partnerdesk"
    changed.write_bytes(bytes(data))
    with pytest.raises(SealError):
        import_file(other, changed, passphrase="long enough words")
    assert dump(other) == before
    import_file(other, path, passphrase="long enough words")
    assert other.contacts.list(text="Secret Sam")


def test_undo_import_puts_back_exactly_what_was_there(laptops: Laptops, tmp_path: Path) -> None:
    a, b = laptops("a"), laptops("b")
    kept = a.contacts.create(name="Dee", role="Chair")
    send(a, b, tmp_path / "1.partnerdesk")
    a.contacts.update(kept.id, role="Treasurer")
    a.contacts.create(name="Eve")
    before = {row.id: (row.role, row.rev, row.stamps) for row in b.contacts.list()}
    result = import_file(b, _export(a, tmp_path / "2.partnerdesk"))
    assert b.contacts.get(kept.id).role == "Treasurer"
    assert check_undo(b, result.batch_id).edited_since == []
    undo_import(b, result.batch_id)
    after = {row.id: (row.role, row.rev, row.stamps) for row in b.contacts.list()}
    assert after == before
    assert not b.search("Eve")
    with b.store.read() as session:
        assert session.get(ImportBatch, result.batch_id).undone
    assert list_imports(b)[0].undone


def test_undo_asks_before_overwriting_later_edits(laptops: Laptops, tmp_path: Path) -> None:
    a, b = laptops("a"), laptops("b")
    person = a.contacts.create(name="Fay")
    result = import_file(b, _export(a, tmp_path / "1.partnerdesk"))
    b.contacts.update(person.id, role="Edited later")
    with pytest.raises(EditedSinceError, match="1 record"):
        undo_import(b, result.batch_id)
    assert b.contacts.get(person.id).role == "Edited later"  # nothing changed
    undo_import(b, result.batch_id, confirm=True)
    assert b.contacts.count(where={"id": person.id}) == 0
    with b.store.read() as session:
        states = [e.state for e in session.exec(
            select(HistoryEntry).where(HistoryEntry.record_id == person.id))]
    assert any(s.get("role") == "Edited later" for s in states)  # kept in history


def test_import_raises_the_counter_and_tags_history(laptops: Laptops, tmp_path: Path) -> None:
    a, b = laptops("a"), laptops("b")
    for n in range(5):
        a.contacts.create(name=f"P{n}", last_contacted=date(2026, 1, n + 1))
    result = import_file(b, _export(a, tmp_path / "1.partnerdesk"))
    assert b.store.counter() >= a.store.counter()
    with b.store.read() as session:
        tagged = len(session.exec(select(HistoryEntry).where(
            HistoryEntry.batch_id == result.batch_id)).all())
        assert tagged == 5
        assert session.exec(select(Conflict)).all() == []


def _export(desk: Desk, path: Path) -> Path:
    export_bundle(desk, path)
    return path
