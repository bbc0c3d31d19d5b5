"""Several people saving one record: nothing is overwritten unseen.

Each editor saves against the revision it opened (`rev=`). On a server database the
people are separate sessions (separate `Desk`s, as separate computers would have); on a
file, two windows of one PartnerDesk. The rule is the same on both engines."""

import threading
from collections.abc import Callable, Iterator

import pytest

from partnerdesk.errors import DeleteClash, EditClash
from partnerdesk.services import Desk


@pytest.fixture
def second_person(desk: Desk) -> Iterator[Callable[[], Desk]]:
    """`second_person()`: another session on the same database."""
    opened: list[Desk] = []

    def make() -> Desk:
        opened.append(Desk.open(desk.location))
        return opened[-1]

    yield make
    for other in opened:
        other.close()


def test_fields_only_one_person_changed_both_go_through(
        desk: Desk, second_person: Callable[[], Desk]) -> None:
    bea = second_person()
    contact = desk.contacts.create(name="Ida Brandt", role="Nurse", notes="Mornings.")
    opened = contact.rev  # both open the record here
    bea.contacts.update(contact.id, rev=opened, role="Head nurse")
    # Ana's editor sends every field, her new notes and the role as she saw it
    saved = desk.contacts.update(contact.id, rev=opened, name="Ida Brandt", role="Nurse",
                                 notes="Afternoons only.")
    assert (saved.role, saved.notes) == ("Head nurse", "Afternoons only.")
    assert (bea.contacts.get(contact.id).role,
            bea.contacts.get(contact.id).notes) == ("Head nurse", "Afternoons only.")


def test_a_field_both_changed_is_shown_with_both_values_and_nothing_is_saved(
        desk: Desk, second_person: Callable[[], Desk]) -> None:
    bea = second_person()
    contact = desk.contacts.create(name="Ida Brandt", role="Nurse", notes="Mornings.")
    opened = contact.rev
    after_bea = bea.contacts.update(contact.id, rev=opened, role="Head nurse").rev
    with pytest.raises(EditClash, match="changed role while you were editing") as clash:
        desk.contacts.update(contact.id, rev=opened, role="Charge nurse",
                             notes="Afternoons.")
    assert clash.value.fields == {"role": ("Charge nurse", "Head nurse")}
    assert clash.value.rev == after_bea
    kept = desk.contacts.get(contact.id)
    assert (kept.role, kept.notes, kept.rev) == ("Head nurse", "Mornings.", after_bea)
    # Ana chooses her value; saving against the revision she was shown goes through
    chosen = desk.contacts.update(contact.id, rev=clash.value.rev, role="Charge nurse",
                                  notes="Afternoons.")
    assert (chosen.role, chosen.notes) == ("Charge nurse", "Afternoons.")


def test_both_making_the_same_change_is_no_clash(
        desk: Desk, second_person: Callable[[], Desk]) -> None:
    bea = second_person()
    contact = desk.contacts.create(name="Ida Brandt", role="Nurse")
    bea.contacts.update(contact.id, rev=contact.rev, role="Head nurse")
    assert desk.contacts.update(contact.id, rev=contact.rev, role="Head nurse").role == \
        "Head nurse"


def test_saving_a_record_someone_removed_is_refused_with_a_sentence(
        desk: Desk, second_person: Callable[[], Desk]) -> None:
    bea = second_person()
    contact = desk.contacts.create(name="Ida Brandt", role="Nurse")
    bea.contacts.delete(contact.id)
    with pytest.raises(EditClash, match="removed this record") as clash:
        desk.contacts.update(contact.id, rev=contact.rev, role="Head nurse")
    assert clash.value.deleted
    assert desk.contacts.get(contact.id).role == "Nurse"


def test_deleting_a_record_someone_changed_meanwhile_asks_first(
        desk: Desk, second_person: Callable[[], Desk]) -> None:
    """Ana has the contact on screen; Bea changes it; Ana's Delete does not throw Bea's
    change away unseen. Once Ana has seen it, deleting against its revision goes."""
    bea = second_person()
    contact = desk.contacts.create(name="Ida Brandt", role="Nurse")
    seen = contact.rev
    now = bea.contacts.update(contact.id, rev=seen, role="Head nurse", notes="Mornings.").rev
    with pytest.raises(DeleteClash, match="changed “Ida Brandt” .notes, role. after you "
                                          "opened it, so it was not deleted") as clash:
        desk.contacts.delete(contact.id, revs={contact.id: seen})
    assert clash.value.changed == {contact.id: ("notes", "role")}
    assert clash.value.revs == {contact.id: now}
    assert not desk.contacts.get(contact.id).deleted
    assert desk.undo.undo_name() != "deletion of Ida Brandt"
    desk.contacts.delete(contact.id, revs=clash.value.revs)
    assert bea.contacts.get(contact.id).deleted
    # what the person saw, or deleted meanwhile anyway: no question
    other = desk.contacts.create(name="Ole Berg")
    desk.contacts.delete(other.id, revs={other.id: other.rev})
    bea.contacts.delete(contact.id)
    assert desk.contacts.delete(contact.id, revs={contact.id: seen}) == []


def test_ten_people_saving_one_field_at_once_lose_nothing(
        desk: Desk, second_person: Callable[[], Desk]) -> None:
    """Ten sessions open the record at one revision and all save its notes: one save
    goes through, and each of the nine others is shown the value it would have
    overwritten, which is the one now stored."""
    people = [desk] + [second_person() for _ in range(9)]
    contact = desk.contacts.create(name="Ida Brandt", notes="Mornings.")
    everyone_read = threading.Barrier(len(people))
    saved: list[str] = []
    shown: list[object] = []
    failures: list[BaseException] = []

    def person(number: int, me: Desk) -> None:
        try:
            opened = me.contacts.get(contact.id).rev
            everyone_read.wait()
            try:
                me.contacts.update(contact.id, rev=opened, notes=f"from person {number}")
                saved.append(f"from person {number}")
            except EditClash as clash:
                shown.append(clash.fields["notes"][1])
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=person, args=(n, me)) for n, me in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    final = desk.contacts.get(contact.id).notes
    assert saved == [final]
    assert shown == [final] * 9


def test_ten_people_saving_different_records_at_once_all_go_through(
        desk: Desk, second_person: Callable[[], Desk]) -> None:
    people = [desk] + [second_person() for _ in range(9)]
    contacts = [desk.contacts.create(name=f"Person {n}") for n in range(10)]
    start = threading.Barrier(len(people))
    failures: list[BaseException] = []

    def person(number: int, me: Desk) -> None:
        try:
            start.wait()
            for round_ in range(5):
                record = me.contacts.get(contacts[number].id)
                me.contacts.update(record.id, rev=record.rev, notes=f"round {round_}")
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=person, args=(n, me)) for n, me in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert [desk.contacts.get(c.id).notes for c in contacts] == ["round 4"] * 10
    # every save had its own tick of the shared counter: stamps stay unique
    ticks = [desk.contacts.get(c.id).stamps["notes"][0] for c in contacts]
    assert len(set(ticks)) == 10
