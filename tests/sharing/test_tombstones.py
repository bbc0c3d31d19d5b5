"""A deleted record travels as a tombstone (issue 16, case 7): its id and deletion
context, never its values, in a bundle for our own laptops and in one for a partner."""

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from partnerdesk.services import Desk
from partnerdesk.sharing.exporter import Scope, export_bundle
from partnerdesk.sharing.importer import import_file

Laptops = Callable[[str], Desk]
SECRET_NAME = "Quentin Secretname"
SECRET_NOTE = "lives at 12 Hidden Lane"


def lines_of(path: Path, record_type: str) -> list[dict[str, object]]:
    with zipfile.ZipFile(path) as archive:
        raw = archive.read(f"records/{record_type}.jsonl").decode()
    return [json.loads(line) for line in raw.splitlines() if line.strip()]


def whole_bundle(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())


@pytest.mark.parametrize("for_partner", [False, True])
def test_a_deleted_contact_travels_without_its_values(laptops: Laptops, tmp_path: Path,
                                                      for_partner: bool) -> None:
    home = laptops("home")
    home.contacts.create(name="Ida Kept", share_ok=True)
    gone = home.contacts.create(name=SECRET_NAME, notes=SECRET_NOTE, share_ok=True,
                                emails=[{"address": "quentin@example.org"}])
    home.contacts.delete(gone.id)
    path = tmp_path / "out.partnerdesk"
    export_bundle(home, path, Scope.everything(for_partner=for_partner))
    data = whole_bundle(path)
    assert SECRET_NAME.encode() not in data
    assert SECRET_NOTE.encode() not in data
    assert b"quentin@example.org" not in data
    assert b"Ida Kept" in data
    tombstone = next(line for line in lines_of(path, "contact") if line["id"] == gone.id)
    assert tombstone["values"] == {}
    assert tombstone["delete_ctx"]
    assert all(name.startswith("_") for name in tombstone["stamps"])  # type: ignore[union-attr]


def test_a_tombstone_still_deletes_the_record_elsewhere(laptops: Laptops,
                                                        tmp_path: Path) -> None:
    home, away = laptops("home"), laptops("away")
    gone = home.contacts.create(name=SECRET_NAME, notes=SECRET_NOTE)
    first = tmp_path / "first.partnerdesk"
    export_bundle(home, first)
    import_file(away, first)
    assert not away.contacts.get(gone.id).deleted
    home.contacts.delete(gone.id)
    second = tmp_path / "second.partnerdesk"
    export_bundle(home, second)
    result = import_file(away, second)
    assert result.preview.counts()["deleted"] == 1
    assert away.contacts.get(gone.id).deleted
    assert away.contacts.get(gone.id).notes == SECRET_NOTE  # what away already held
    # and nothing changes when it arrives again, on either side
    assert import_file(away, second).preview.counts()["deleted"] == 0
    back = tmp_path / "back.partnerdesk"
    export_bundle(away, back)
    assert SECRET_NAME.encode() not in whole_bundle(back)
    counts = import_file(home, back).preview.counts()
    assert counts["deleted"] == counts["new"] == counts["updated"] == 0
    assert home.contacts.get(gone.id).name == SECRET_NAME


def test_a_tombstone_of_a_record_never_seen_is_kept_out_of_the_trash(
        laptops: Laptops, tmp_path: Path) -> None:
    home, away = laptops("home"), laptops("away")
    gone = home.contacts.create(name=SECRET_NAME, notes=SECRET_NOTE)
    kept = home.contacts.create(name="Ada Mills")
    older = tmp_path / "older.partnerdesk"
    export_bundle(home, older)
    home.contacts.delete(gone.id)
    path = tmp_path / "out.partnerdesk"
    export_bundle(home, path)
    assert import_file(away, path).preview.counts()["already_deleted"] == 1
    arrived = away.contacts.get(gone.id)
    assert arrived.deleted
    assert arrived.notes in ("", None)
    assert SECRET_NAME not in (arrived.name or "")
    assert away.deleted_records() == []  # nothing to show or restore
    away.contacts.delete(kept.id)  # a record this laptop held is in its Trash
    assert [row.id for _, row in away.deleted_records()] == [kept.id]
    # the tombstone still does its work: an older copy arriving later stays deleted
    import_file(away, older)
    assert away.contacts.get(gone.id).deleted


def test_an_edit_the_deletion_never_saw_keeps_the_record_alive(laptops: Laptops,
                                                               tmp_path: Path) -> None:
    home, away = laptops("home"), laptops("away")
    record = home.contacts.create(name="Ida", notes="old")
    first = tmp_path / "first.partnerdesk"
    export_bundle(home, first)
    import_file(away, first)
    away.contacts.update(record.id, notes="newer, typed away")
    home.contacts.delete(record.id)
    second = tmp_path / "second.partnerdesk"
    export_bundle(home, second)
    import_file(away, second)
    assert not away.contacts.get(record.id).deleted
    assert away.contacts.get(record.id).notes == "newer, typed away"


def test_a_deletion_undone_elsewhere_agrees_after_one_exchange(laptops: Laptops,
                                                              tmp_path: Path) -> None:
    """B edits a name, then deletes the contact: its bundle carries the tombstone, not
    the name. A edits the role meanwhile, which keeps the contact alive. After one
    exchange each way both hold the same contact, not B's unsent name on B alone."""
    from partnerdesk.sharing.bundle import read_record_members

    a, b = laptops("a"), laptops("b")
    contact = a.contacts.create(name="Ruth Ames", role="Volunteer")
    first = tmp_path / "a0.partnerdesk"
    export_bundle(a, first)
    import_file(b, first)
    b.contacts.update(contact.id, name="Ruth Ames-Okafor")
    b.contacts.delete(contact.id)
    a.contacts.update(contact.id, role="Driver")
    from_a, from_b = tmp_path / "a1.partnerdesk", tmp_path / "b1.partnerdesk"
    export_bundle(a, from_a)
    export_bundle(b, from_b)
    import_file(a, from_b)
    import_file(b, from_a)
    held = {desk: (row.name, row.role, row.deleted)
            for desk, row in (("a", a.contacts.get(contact.id)),
                              ("b", b.contacts.get(contact.id)))}
    assert held["a"] == held["b"] == ("Ruth Ames", "Driver", False), held
    files = []
    for name, desk in (("a", a), ("b", b)):
        path = tmp_path / f"{name}-check.partnerdesk"
        export_bundle(desk, path)
        files.append(read_record_members(path))
    assert files[0] == files[1]


def test_a_record_sent_alive_then_deleted_by_an_import_keeps_the_values_it_sent(
        laptops: Laptops, tmp_path: Path) -> None:
    """C's notes reached A, which deleted the contact having seen them; B kept it alive
    meanwhile. In one round (each exports, then imports the others' bundles) C takes A's
    deletion before B's edit: C still holds the notes it sent, as A and B do."""
    from partnerdesk.sharing.bundle import read_record_members

    a, b, c = laptops("a"), laptops("b"), laptops("c")
    contact = a.contacts.create(name="Ines Duarte", notes="First notes")
    start = tmp_path / "start.partnerdesk"
    export_bundle(a, start)
    import_file(b, start)
    import_file(c, start)
    c.contacts.update(contact.id, notes="Called back on Tuesday")
    notes = tmp_path / "c-notes.partnerdesk"
    export_bundle(c, notes)
    import_file(a, notes)
    a.contacts.delete(contact.id)  # having seen C's notes
    b.contacts.update(contact.id, role="Nurse")  # never saw the deletion
    sent = {name: tmp_path / f"{name}-round.partnerdesk" for name in "abc"}
    for name, desk in (("a", a), ("b", b), ("c", c)):
        export_bundle(desk, sent[name])
    for name, desk in (("a", a), ("b", b), ("c", c)):
        for other in "abc":
            if other != name:
                import_file(desk, sent[other])
    for desk in (a, b, c):
        row = desk.contacts.get(contact.id)
        assert (row.deleted, row.notes, row.role) == (False, "Called back on Tuesday", "Nurse")
    files = []
    for name, desk in (("a", a), ("b", b), ("c", c)):
        path = tmp_path / f"{name}-check.partnerdesk"
        export_bundle(desk, path)
        files.append(read_record_members(path))
    assert files[0] == files[1] == files[2]


def test_a_deleted_record_that_meets_an_older_copy_before_it_comes_back_agrees(
        laptops: Laptops, tmp_path: Path) -> None:
    """A deleted the contact having seen B's notes and sent its tombstone; in the round
    A takes B's bundle first (alive: B has not heard of the deletion, and its notes are
    the ones A saw), then C's, which brings the contact back. A holds B's notes, as B and
    C do, not the notes the deletion replaced."""
    a, b, c = laptops("a"), laptops("b"), laptops("c")
    contact = a.contacts.create(name="Tomas Berg", notes="First notes")
    start = tmp_path / "start.partnerdesk"
    export_bundle(a, start)
    import_file(b, start)
    import_file(c, start)
    b.contacts.update(contact.id, notes="Moved to the night shift")
    notes = tmp_path / "b-notes.partnerdesk"
    export_bundle(b, notes)
    import_file(a, notes)
    a.contacts.delete(contact.id)
    c.contacts.update(contact.id, role="Nurse")
    sent = {name: tmp_path / f"{name}-round.partnerdesk" for name in "abc"}
    for name, desk in (("a", a), ("b", b), ("c", c)):
        export_bundle(desk, sent[name])
    for name, desk in (("a", a), ("b", b), ("c", c)):
        for other in "abc":
            if other != name:
                import_file(desk, sent[other])
    for desk in (a, b, c):
        row = desk.contacts.get(contact.id)
        assert (row.deleted, row.notes, row.role) == (False, "Moved to the night shift",
                                                      "Nurse")


def test_a_contact_deleted_after_everything_was_sent_comes_back_as_it_was_sent(
        laptops: Laptops, tmp_path: Path) -> None:
    """B sent everything with its own change of a role, then deleted the contact. A,
    which has not seen B's bundle yet, edits the notes: the contact comes back on B with
    the role B sent (what A will hold once B's bundle reaches it), not the older role in
    A's bundle. Several contacts deleted at once: one import looks up what B's last bundle
    of everything held of each of them."""
    a, b = laptops("a"), laptops("b")
    people = [a.contacts.create(name=f"Ruth Ames {n}", role="Volunteer") for n in range(3)]
    start = tmp_path / "a0.partnerdesk"
    export_bundle(a, start)
    import_file(b, start)
    for person in people:
        b.contacts.update(person.id, role="Coordinator")
    everything = tmp_path / "b0.partnerdesk"
    export_bundle(b, everything)
    b.contacts.delete(*(person.id for person in people))
    for person in people[:2]:
        a.contacts.update(person.id, notes="Called on Monday")
    from_a = tmp_path / "a1.partnerdesk"
    export_bundle(a, from_a)
    import_file(b, from_a)
    import_file(a, everything)
    for person in people[:2]:
        held = [(row.deleted, row.role, row.notes) for row in
                (a.contacts.get(person.id), b.contacts.get(person.id))]
        assert held == [(False, "Coordinator", "Called on Monday")] * 2, held
    assert b.contacts.get(people[2].id).deleted
