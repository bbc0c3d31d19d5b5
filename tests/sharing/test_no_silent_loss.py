"""SHARING.md property 4 between real databases: no value is lost silently, however
bundles travel (relayed through a third laptop, sent back, from a copied database or a
restored backup). Each scenario through the services; one through the command line."""

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from partnerdesk.cli import main
from partnerdesk.db import identity
from partnerdesk.paths import data_dir
from partnerdesk.services import Desk
from partnerdesk.sharing.bundle import Bundle
from partnerdesk.sharing.conflicts import list_conflicts
from partnerdesk.sharing.exporter import export_bundle
from partnerdesk.sharing.importer import import_file
from partnerdesk.sharing.merge import DELETED_FIELD

Laptops = Callable[[str], Desk]


class Post:
    """Bundles by name, so a scenario reads like the issue's story."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sent = 0

    def send(self, source: Desk, *targets: Desk) -> list[dict[str, int]]:
        self.sent += 1
        path = self.folder / f"{self.sent}.partnerdesk"
        export_bundle(source, path)
        return [import_file(target, path).preview.counts() for target in targets]


def busy(desk: Desk, changes: int) -> None:
    """Make `changes` unrelated changes, so this laptop's counter runs ahead."""
    scratch = desk.tags.create(name=f"scratch {desk.store.device_id[:6]}")
    for number in range(changes):
        desk.tags.update(scratch.id, name=f"scratch {desk.store.device_id[:6]} {number}")


def listed(desk: Desk, record_id: str) -> list[tuple[str, object, object, bool]]:
    return [(c.field, c.lost_value, c.won_value, c.kept_here)
            for c in list_conflicts(desk) if c.record_id == record_id]


def test_a_relayed_clash_is_listed_on_the_laptop_whose_value_lost(
        laptops: Laptops, tmp_path: Path) -> None:
    a, b, c = laptops("a"), laptops("b"), laptops("c")
    post = Post(tmp_path)
    org = a.organizations.create(name="Mercy General")
    post.send(a, b, c)
    a.organizations.update(org.id, notes="A's notes")
    busy(c, 5)  # C has made more changes: its value wins
    c.organizations.update(org.id, notes="C's notes")
    [from_c] = post.send(c, b)
    [from_a] = post.send(a, b)
    assert from_c["conflicts"] == 0 and from_a["conflicts"] == 1  # B, the importer
    post.send(b, a)
    for desk in (a, b, c):
        assert desk.organizations.get(org.id).notes == "C's notes"
    assert listed(a, org.id) == [("notes", "A's notes", "C's notes", False)]
    # B held C's value when A's arrived: it kept the value it held
    assert listed(b, org.id) == [("notes", "A's notes", "C's notes", True)]


def test_a_relayed_deletion_that_lost_is_listed_where_it_was_made(
        laptops: Laptops, tmp_path: Path) -> None:
    a, b, c = laptops("a"), laptops("b"), laptops("c")
    post = Post(tmp_path)
    person = a.contacts.create(name="Dr. Okafor")
    post.send(a, b, c)
    a.contacts.delete(person.id)
    c.contacts.update(person.id, role="Surgeon")
    post.send(c, b)
    [from_a] = post.send(a, b)
    assert from_a["conflicts"] == 1
    post.send(b, a)
    for desk in (a, b):
        row = desk.contacts.get(person.id)
        assert not row.deleted and row.role == "Surgeon"
    assert [f for f, *_ in listed(a, person.id)] == [DELETED_FIELD]
    assert [f for f, *_ in listed(b, person.id)] == [DELETED_FIELD]


def test_the_round_trip_lists_the_loss_on_both_laptops(laptops: Laptops,
                                                       tmp_path: Path) -> None:
    a, b = laptops("a"), laptops("b")
    post = Post(tmp_path)
    org = a.organizations.create(name="Harbor Clinic")
    post.send(a, b)
    busy(a, 7)  # A is ahead by any count
    a.organizations.update(org.id, phone="+16175550101")
    b.organizations.update(org.id, phone="+16175550199")
    [at_a] = post.send(b, a)
    assert at_a["conflicts"] == 1  # kept A's over B's, and says so
    assert listed(a, org.id) == [("phone", "+16175550199", "+16175550101", True)]
    post.send(a, b)
    assert b.organizations.get(org.id).phone == "+16175550101"
    assert listed(b, org.id) == [("phone", "+16175550199", "+16175550101", False)]


@pytest.mark.sqlite_only("copying a database file")
def test_a_database_copied_to_set_up_a_second_laptop_writes_under_its_own_id(
        new_desk: Callable[[Path], Desk], tmp_path: Path) -> None:
    first = new_desk(tmp_path / "first.db")
    org = first.organizations.create(name="Lakeside Pantry")
    first_id = first.store.device_id
    first.close()
    shutil.copyfile(tmp_path / "first.db", tmp_path / "copy.db")
    a, b = Desk.open(tmp_path / "first.db"), Desk.open(tmp_path / "copy.db")
    try:
        assert a.store.device_id == first_id
        assert b.store.device_id != first_id
        a.organizations.update(org.id, notes="Open Fridays")
        b.organizations.update(org.id, notes="Open Saturdays")
        post = Post(tmp_path)
        post.send(a, b)
        post.send(b, a)
        notes = {a.organizations.get(org.id).notes, b.organizations.get(org.id).notes}
        assert len(notes) == 1
        loser = "Open Fridays" if notes == {"Open Saturdays"} else "Open Saturdays"
        # listed where the clash was imported first, and where the losing value was typed
        typed_loser = a if loser == "Open Fridays" else b
        for desk in {id(b): b, id(typed_loser): typed_loser}.values():
            assert [(f, lost) for f, lost, *_ in listed(desk, org.id)] == [("notes", loser)]
    finally:
        a.close()
        b.close()


@pytest.mark.sqlite_only("file backups are SQLite's")
def test_a_restored_backup_never_reuses_a_change_number_already_sent(
        laptops: Laptops, tmp_path: Path) -> None:
    a, b = laptops("a"), laptops("b")
    post = Post(tmp_path)
    org = a.organizations.create(name="Northside Food Bank")
    saved = a.backups.backup_now("manual").path
    before = a.store.device_id
    a.organizations.update(org.id, notes="Typed before the restore")
    post.send(a, b)
    a.backups.restore(saved)
    assert a.store.device_id != before  # the restored file writes under a new id
    a.organizations.update(org.id, notes="Typed after the restore")
    [at_b] = post.send(a, b)
    assert at_b["conflicts"] == 1  # never a silent tie on a reused (counter, device)
    post.send(b, a)
    assert a.organizations.get(org.id).notes == b.organizations.get(org.id).notes
    assert {lost for _, lost, *_ in listed(b, org.id)} <= {"Typed before the restore",
                                                          "Typed after the restore"}


def _copy_back_by_hand(desk: Desk, backup: Path) -> Desk:
    """Close the laptop's database, copy a file over it as a person would (no
    'restore'), and open it again."""
    path = desk.path
    desk.close()
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    shutil.copyfile(backup, path)
    return Desk.open(path)


@pytest.mark.sqlite_only("file backups are SQLite's")
def test_a_backup_copied_over_the_database_by_hand_writes_under_a_new_id(
        laptops: Laptops, tmp_path: Path) -> None:
    a, b = laptops("a"), laptops("b")
    post = Post(tmp_path)
    org = a.organizations.create(name="Northside Food Bank")
    saved = a.backups.backup_now("manual").path
    before = a.store.device_id
    a.organizations.update(org.id, notes="Typed before the copy")
    post.send(a, b)
    # The backup itself says it is one: this holds even where this computer's note of
    # the change numbers sent is gone (another account, a data folder set up afresh).
    (data_dir() / identity.SENT_FILE).unlink()
    a = _copy_back_by_hand(a, saved)
    try:
        assert a.store.device_id != before
        assert before in a.store.setting("former_device_ids")
        a.organizations.update(org.id, notes="Typed after the copy")
        [at_b] = post.send(a, b)
        assert at_b["conflicts"] == 1  # never a silent tie on a reused (counter, device)
        post.send(b, a)
        assert a.organizations.get(org.id).notes == b.organizations.get(org.id).notes
    finally:
        a.close()


@pytest.mark.sqlite_only("copying a database file")
def test_a_plain_copy_of_the_file_put_back_after_an_export_writes_under_a_new_id(
        laptops: Laptops, tmp_path: Path) -> None:
    """Not a PartnerDesk backup (a copy of the closed file): this computer's note of the
    change numbers already sent shows the file went back in time."""
    a, b = laptops("a"), laptops("b")
    post = Post(tmp_path)
    org = a.organizations.create(name="Riverside Clinic")
    path = a.path
    a.close()
    shutil.copyfile(path, tmp_path / "my own copy.db")
    a = Desk.open(path)
    before = a.store.device_id
    try:
        a.organizations.update(org.id, notes="Typed before the copy")
        post.send(a, b)
        a = _copy_back_by_hand(a, tmp_path / "my own copy.db")
        assert a.store.device_id != before
        a.organizations.update(org.id, notes="Typed after the copy")
        [at_b] = post.send(a, b)
        assert at_b["conflicts"] == 1
    finally:
        a.close()


@pytest.mark.sqlite_only("copying a database file")
def test_reopening_the_same_file_keeps_its_id(laptops: Laptops, tmp_path: Path) -> None:
    """The checks that find a copy do not fire on a laptop that only exported and
    reopened (a new id each time would grow every version vector)."""
    a, b = laptops("a"), laptops("b")
    a.organizations.create(name="Harbor Clinic")
    before = a.store.device_id
    Post(tmp_path).send(a, b)
    path = a.path
    a.close()
    again = Desk.open(path)
    try:
        assert again.store.device_id == before
    finally:
        again.close()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_the_relay_through_the_command_line(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    a, b, c = (str(tmp_path / f"{name}.db") for name in "abc")
    bundle = [str(tmp_path / f"{n}.partnerdesk") for n in range(5)]
    run(capsys, "--db", a, "init", "--our-name", "Eastside", "--your-name", "Ana")
    run(capsys, "--db", a, "add", "organization", "name=Mercy General")
    run(capsys, "--db", a, "export", "-o", bundle[0])
    run(capsys, "--db", b, "init", "--from", bundle[0], "--your-name", "Ben")
    run(capsys, "--db", c, "init", "--from", bundle[0], "--your-name", "Chen")
    run(capsys, "--db", a, "set", "organization", "Mercy General", "notes=Ana's")
    for number in range(4):  # C makes more changes
        run(capsys, "--db", c, "set", "organization", "Eastside", f"notes=draft {number}")
    run(capsys, "--db", c, "set", "organization", "Mercy General", "notes=Chen's")
    run(capsys, "--db", c, "export", "-o", bundle[1])
    run(capsys, "--db", a, "export", "-o", bundle[2])
    run(capsys, "--db", b, "import", bundle[1])
    counts = json.loads(run(capsys, "--db", b, "import", bundle[2], "--json"))
    assert counts["conflicts"] == 1
    run(capsys, "--db", b, "export", "-o", bundle[3])
    run(capsys, "--db", a, "import", bundle[3])
    on_a = json.loads(run(capsys, "--db", a, "conflicts", "--json"))
    assert [(x["title"], x["field"], x["lost_value"], x["kept_value"], x["kept_here"])
            for x in on_a] == [("Mercy General", "notes", "Ana's", "Chen's", False)]


def test_opposite_duplicate_merges_keep_both_records_and_list_the_clash(
        laptops: Laptops, tmp_path: Path) -> None:
    from datetime import datetime

    a, b = laptops("a"), laptops("b")
    post = Post(tmp_path)
    x = a.contacts.create(name="Ana Ruiz")
    y = a.contacts.create(name="Ana Ruíz")
    meeting = a.meetings.create(title="Board", starts_at=datetime(2026, 3, 1, 10))
    with_x = a.meeting_attendees.create(meeting_id=meeting.id, contact_id=x.id)
    with_y = a.meeting_attendees.create(meeting_id=meeting.id, contact_id=y.id)
    post.send(a, b)
    a.duplicates.merge("contact", x.id, y.id)  # A keeps X
    b.duplicates.merge("contact", y.id, x.id)  # B keeps Y
    post.send(a, b)
    post.send(b, a)
    for desk in (a, b):
        assert not desk.contacts.get(x.id).deleted and not desk.contacts.get(y.id).deleted
        for attendee in (with_x, with_y):
            row = desk.meeting_attendees.get(attendee.id)
            assert not desk.contacts.get(row.contact_id).deleted
        lost = {c.record_id for c in list_conflicts(desk) if c.field == DELETED_FIELD}
        assert lost == {x.id, y.id}
    for record_id in (x.id, y.id):
        assert a.contacts.get(record_id).rev == b.contacts.get(record_id).rev


def test_a_merge_seen_before_is_not_undone(laptops: Laptops, tmp_path: Path) -> None:
    """B imports A's merge, then edits: the merged-away record stays in the Trash."""
    a, b = laptops("a"), laptops("b")
    post = Post(tmp_path)
    x = a.contacts.create(name="Ben Ode")
    y = a.contacts.create(name="Ben Odé")
    post.send(a, b)
    a.duplicates.merge("contact", x.id, y.id)
    post.send(a, b)
    b.contacts.update(x.id, role="Nurse")
    post.send(b, a)
    for desk in (a, b):
        assert desk.contacts.get(y.id).deleted and not desk.contacts.get(x.id).deleted
        assert list_conflicts(desk) == []


def test_two_merges_of_one_duplicate_undone_by_a_third_are_listed_where_each_was_made(
        laptops: Laptops, tmp_path: Path) -> None:
    """A and B both merge X away (into different records), C keeps X: B holds A's
    deletion of X by the time C's "keep" arrives; each still lists its own deletion."""
    a, b, c = laptops("a"), laptops("b"), laptops("c")
    post = Post(tmp_path)
    x = a.contacts.create(name="Rosa Diaz")
    y = a.contacts.create(name="Rosa Díaz")
    z = a.contacts.create(name="R. Diaz")
    post.send(a, b, c)
    a.duplicates.merge("contact", y.id, x.id)  # A: X into Y
    b.duplicates.merge("contact", z.id, x.id)  # B: X into Z
    c.duplicates.merge("contact", x.id, y.id)  # C: Y into X, X stays
    post.send(a, b)  # B now holds A's deletion of X in place of its own
    post.send(c, a, b)
    post.send(b, a, c)
    post.send(a, c)
    assert len({desk.contacts.get(x.id).rev for desk in (a, b, c)}) == 1
    assert not a.contacts.get(x.id).deleted

    def deletions_lost(desk: Desk) -> set[str]:
        return {conflict.lost_from for conflict in list_conflicts(desk)
                if conflict.record_id == x.id and conflict.field == DELETED_FIELD}

    assert a.store.device_id in deletions_lost(a)
    assert b.store.device_id in deletions_lost(b)  # B's own, not only A's
    assert deletions_lost(c)  # C, whose "keep" won, lists the clash it imported


def test_a_plain_deletion_replaced_by_a_concurrent_one_is_still_listed_when_it_loses(
        laptops: Laptops, tmp_path: Path) -> None:
    a, b, c = laptops("a"), laptops("b"), laptops("c")
    post = Post(tmp_path)
    org = a.organizations.create(name="Westside Shelter")
    post.send(a, b, c)
    busy(a, 3)  # A's deletion has the larger stamp: it replaces B's on B
    a.organizations.delete(org.id)
    b.organizations.delete(org.id)
    c.organizations.update(org.id, notes="Still open")
    [at_b] = post.send(a, b)
    assert at_b["conflicts"] == 0  # two deletions agree: nothing lost yet
    post.send(c, b)
    assert not b.organizations.get(org.id).deleted
    lost = {(c.lost_from, c.won_value) for c in list_conflicts(b) if c.field == DELETED_FIELD}
    assert lost == {(a.store.device_id, False), (b.store.device_id, False)}
    post.send(c, b)  # the same bundle again lists nothing more
    assert len([c for c in list_conflicts(b) if c.field == DELETED_FIELD]) == 2


def test_opposite_duplicate_merges_through_the_command_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    bundle = [str(tmp_path / f"{n}.partnerdesk") for n in range(3)]
    run(capsys, "--db", a, "init", "--our-name", "Eastside", "--your-name", "Ana")
    x = json.loads(run(capsys, "--db", a, "add", "contact", "name=Ana Ruiz", "--json"))["id"]
    y = json.loads(run(capsys, "--db", a, "add", "contact", "name=Ana Ruíz", "--json"))["id"]
    meeting = json.loads(run(capsys, "--db", a, "add", "meeting", "title=Board",
                             "starts_at=2026-03-01T10:00", "--json"))["id"]
    attendees = [json.loads(run(capsys, "--db", a, "add", "meeting_attendee",
                                f"meeting_id={meeting}", f"contact_id={who}", "--json"))["id"]
                 for who in (x, y)]
    run(capsys, "--db", a, "export", "-o", bundle[0])
    run(capsys, "--db", b, "init", "--from", bundle[0], "--your-name", "Ben")
    merged = json.loads(run(capsys, "--db", a, "merge", "contact", "Ana Ruiz", "Ana Ruíz",
                            "--json"))
    assert merged["kept"]["id"] == x and merged["merged"]["deleted"]
    run(capsys, "--db", b, "merge", "contact", y, x)  # Ben keeps the other one
    run(capsys, "--db", a, "export", "-o", bundle[1])
    run(capsys, "--db", b, "export", "-o", bundle[2])
    at_b = json.loads(run(capsys, "--db", b, "import", bundle[1], "--json"))
    at_a = json.loads(run(capsys, "--db", a, "import", bundle[2], "--json"))
    assert at_a["conflicts"] >= 1 and at_b["conflicts"] >= 1
    for path in (a, b):
        listed = json.loads(run(capsys, "--db", path, "conflicts", "--json"))
        assert {(item["record_id"], item["field"]) for item in listed
                if item["field"] == DELETED_FIELD} == {(x, DELETED_FIELD), (y, DELETED_FIELD)}
        desk = Desk.open(Path(path))
        try:
            assert not desk.contacts.get(x).deleted and not desk.contacts.get(y).deleted
            for attendee in attendees:
                row = desk.meeting_attendees.get(attendee)
                assert not desk.contacts.get(row.contact_id).deleted
        finally:
            desk.close()


class Command:
    """Laptops driven through the command line only, as a script would."""

    def __init__(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.folder = tmp_path
        self.capsys = capsys
        self.bundles = 0

    def db(self, name: str) -> str:
        return str(self.folder / f"{name}.db")

    def __call__(self, name: str, *argv: str) -> str:
        return run(self.capsys, "--db", self.db(name), *argv)

    def send(self, source: str, *targets: str) -> list[dict[str, int]]:
        self.bundles += 1
        path = str(self.folder / f"cli-{self.bundles}.partnerdesk")
        self(source, "export", "-o", path)
        return [json.loads(self(target, "import", path, "--json")) for target in targets]

    def conflicts(self, name: str) -> list[tuple[str, object, object, bool]]:
        return [(c["field"], c["lost_value"], c["kept_value"], c["kept_here"])
                for c in json.loads(self(name, "conflicts", "--json"))]

    def start(self, *names: str) -> None:
        first = str(self.folder / "cli-start.partnerdesk")
        self(names[0], "init", "--our-name", "Eastside", "--your-name", names[0])
        self(names[0], "add", "organization", "name=Mercy General")
        self(names[0], "add", "contact", "name=Dr. Okafor")
        self(names[0], "export", "-o", first)
        for name in names[1:]:
            self(name, "init", "--from", first, "--your-name", name)


def test_a_relayed_deletion_through_the_command_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli = Command(tmp_path, capsys)
    cli.start("a", "b", "c")
    cli("a", "delete", "contact", "Dr. Okafor")
    cli("c", "set", "contact", "Dr. Okafor", "role=Surgeon")
    cli.send("c", "b")
    [at_b] = cli.send("a", "b")
    assert at_b["conflicts"] == 1
    cli.send("b", "a")
    assert [field for field, *_ in cli.conflicts("a")] == [DELETED_FIELD]
    shown = json.loads(cli("a", "set", "contact", "Dr. Okafor", "role=Surgeon", "--json"))
    assert shown["action"] == "unchanged" and not shown["deleted"]


def test_the_round_trip_through_the_command_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli = Command(tmp_path, capsys)
    cli.start("a", "b")
    for number in range(5):  # A is ahead by any count
        cli("a", "set", "organization", "Eastside", f"notes=draft {number}")
    cli("a", "set", "organization", "Mercy General", "phone=+16175550101")
    cli("b", "set", "organization", "Mercy General", "phone=+16175550199")
    [at_a] = cli.send("b", "a")
    assert at_a["conflicts"] == 1
    assert cli.conflicts("a") == [("phone", "+16175550199", "+16175550101", True)]
    cli.send("a", "b")
    assert cli.conflicts("b") == [("phone", "+16175550199", "+16175550101", False)]


@pytest.mark.sqlite_only("copying a database file")
def test_a_copied_database_through_the_command_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli = Command(tmp_path, capsys)
    cli.start("a")
    shutil.copyfile(cli.db("a"), cli.db("b"))  # a second laptop set up by copying the file
    cli("a", "set", "organization", "Mercy General", "notes=Open Fridays")
    cli("b", "set", "organization", "Mercy General", "notes=Open Saturdays")
    [at_b] = cli.send("a", "b")
    assert at_b["conflicts"] == 1  # not a tie on one device id, broken by the value
    cli.send("b", "a")
    lost = {lost for _, lost, *_ in cli.conflicts("a") + cli.conflicts("b")}
    assert len(lost) == 1 and lost <= {"Open Fridays", "Open Saturdays"}


@pytest.mark.sqlite_only("file backups are SQLite's")
def test_a_restored_backup_through_the_command_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli = Command(tmp_path, capsys)
    cli.start("a", "b")
    saved = str(tmp_path / "saved.db")
    cli("a", "backup", "-o", saved)
    cli("a", "set", "organization", "Mercy General", "notes=Typed before the restore")
    cli.send("a", "b")
    cli("a", "restore", saved)
    cli("a", "set", "organization", "Mercy General", "notes=Typed after the restore")
    [at_b] = cli.send("a", "b")
    assert at_b["conflicts"] == 1
    assert [field for field, *_ in cli.conflicts("b")] == ["notes"]


def test_a_colleagues_first_day_through_the_services(laptops: Laptops,
                                                     tmp_path: Path) -> None:
    """B joins with A's bundle: one "our organization", the same record on both laptops,
    ticked as ours once, and bundles going back and forth do not make a second one."""
    from partnerdesk.services.first_run import start_new
    from partnerdesk.sharing.join import join_file

    a, b = laptops("a"), laptops("b")
    ours = start_new(a, "Eastside Helpers", "Ana")
    a.contacts.create(name="Dr. Amal Haddad")
    first = tmp_path / "from-ana.partnerdesk"
    export_bundle(a, first)
    joined = join_file(b, first, "Ben Okafor")
    assert joined.organization_id == ours.id
    b.contacts.create(name="Rev. Tom Ellis")
    b.organizations.update(ours.id, notes="Office opens at 9")
    post = Post(tmp_path)
    post.send(b, a)
    post.send(a, b)
    for desk in (a, b):
        assert [(o.id, o.is_us) for o in desk.organizations.list()] == [(ours.id, True)]
        assert desk.organizations.ours().notes == "Office opens at 9"
        assert sorted(c.name for c in desk.contacts.list()) == ["Dr. Amal Haddad",
                                                                "Rev. Tom Ellis"]
    assert b.settings.your_name == "Ben Okafor" and a.settings.your_name == "Ana"
    assert list_conflicts(a) == list_conflicts(b) == []


def test_joining_reads_the_colleagues_bundle_a_part_at_a_time(
        laptops: Laptops, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first day with a colleague's bundle of the whole office is read as an import
    reads it: checked whole, then parsed a part at a time, never all held at once."""
    from partnerdesk.services.first_run import start_new
    from partnerdesk.sharing import join

    a, b = laptops("a"), laptops("b")
    ours = start_new(a, "Eastside Helpers", "Ana")
    with a.store.write() as writer:
        a.contacts.save_many(writer, [{"name": f"Neighbour {n}"} for n in range(30)])
    first = tmp_path / "from-ana.partnerdesk"
    export_bundle(a, first)
    given = []
    real = join.import_bundle

    def watched(desk: Desk, bundle: Bundle, **kwargs: object) -> object:
        given.append((bundle.records.get("contact"), bundle.streamed_count.get("contact")))
        return real(desk, bundle, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(join, "import_bundle", watched)
    joined = join.join_file(b, first, "Ben Okafor")
    assert given == [([], 30)]  # every contact line still to be read, none parsed yet
    assert joined.organization_id == ours.id
    assert sorted(c.name for c in b.contacts.list()) == sorted(
        f"Neighbour {n}" for n in range(30))
    assert b.organizations.ours().id == ours.id
