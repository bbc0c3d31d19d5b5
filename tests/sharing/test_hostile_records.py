"""Hostile bundle records (issue 16, cases 1–4, 6 and 10): each is refused with a
sentence, exit status 1 from the command line, and the database exactly as it was.

Every hostile file here carries a correct revision and member hashes (anyone can
compute them), unless the case is precisely a revision that does not match.
"""

import contextlib
import io
import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from partnerdesk.cli import main as cli_main
from partnerdesk.services import Desk
from partnerdesk.sharing.exporter import Scope, export_bundle
from partnerdesk.sharing.importer import import_file
from tests.sharing.conftest import Build, Kept, dump
from tests.sharing.test_hostile import (
    Laptops,
    Members,
    edit_lines,
    members,
    rebuild,
    refused,
)


def cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli_main(list(args))
    return code, out.getvalue()


def refused_by_cli(desk: Desk, path: Path, match: str) -> None:
    """The command line's answer: exit 1, one sentence, nothing changed."""
    before = dump(desk)
    code, said = cli("--db", desk.store.location, "import", str(path))
    assert code == 1, said
    assert match in said
    assert "Traceback" not in said and "unexpected" not in said
    assert dump(desk) == before


def changed(good: Path, tmp_path: Path, record_type: str,
            change: Callable[[dict[str, object]], None], resign: bool = True) -> Path:
    found = edit_lines(members(good), record_type, change, resign=resign)
    return rebuild(found, tmp_path / "hostile.partnerdesk")


# -- 1. an attachment that names a path, or whose bytes are missing ----------------------

@pytest.mark.parametrize("digest", ["../../../../etc/hostname", "../secret.txt",
                                    "AB" * 32, "ab" * 31, "/etc/passwd", 12345])
def test_an_attachment_hash_that_is_not_64_hex_digits_is_refused(
        laptops: Laptops, good: Path, tmp_path: Path, digest: object) -> None:
    path = changed(good, tmp_path, "attachment",
                   lambda line: line["values"].update(sha256=digest))  # type: ignore[attr-defined]
    target = laptops("target")
    refused(target, path, "checksum is not 64 hexadecimal digits|text expected")
    refused_by_cli(target, path, "cannot be read")


def test_an_attachment_whose_bytes_are_not_in_the_bundle_is_refused(
        laptops: Laptops, good: Path, tmp_path: Path) -> None:
    found = members(good)
    for name in [n for n in found if n.startswith("attachments/")]:
        del found[name]
    path = rebuild(found, tmp_path / "no-bytes.partnerdesk")
    target = laptops("target")
    refused(target, path, "whose content it does not hold")
    refused_by_cli(target, path, "whose content it does not hold")


def test_an_attachment_with_the_hash_of_other_bytes_in_the_bundle_is_refused(
        laptops: Laptops, good: Path, tmp_path: Path) -> None:
    other = "0" * 64  # well formed, but no such bytes travel
    path = changed(good, tmp_path, "attachment",
                   lambda line: line["values"].update(sha256=other))  # type: ignore[attr-defined]
    refused(laptops("target"), path, "whose content it does not hold")


def _plant_hostile_attachment(desk: Desk, digest: str) -> None:
    """The state an older version left after importing case 1: a row naming a path."""
    from sqlalchemy import text

    with desk.store.engine.begin() as connection:
        connection.execute(text("UPDATE attachments SET sha256 = :digest"), {"digest": digest})


@pytest.mark.sqlite_only("attachment bytes are files in the folder beside a database file")
@pytest.mark.parametrize("for_partner", [False, True])
def test_export_never_reads_a_path_an_attachment_row_names(laptops: Laptops, good: Path,
                                                           tmp_path: Path,
                                                           for_partner: bool) -> None:
    home = laptops("home")  # the fixture's laptop, with one attachment
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"the private key of someone")
    folder = home.attachments.folder
    # blob_path(x) is folder / x[:2] / x: with x[:2] == "..", from folder's parent
    digest = f"../{tmp_path.name}/{secret.name}"
    assert (folder / digest[:2] / digest).resolve() == secret.resolve()
    _plant_hostile_attachment(home, digest)
    out = tmp_path / "out.partnerdesk"
    export_bundle(home, out, Scope.everything(for_partner=for_partner))
    raw = out.read_bytes()
    with zipfile.ZipFile(out) as archive:
        contents = b"".join(archive.read(n) for n in archive.namelist())
    assert b"the private key" not in raw and b"the private key" not in contents
    assert not [n for n in zipfile.ZipFile(out).namelist() if n.startswith("attachments/")]
    # and what was exported imports cleanly elsewhere (the unusable row stayed home)
    import_file(laptops("elsewhere"), out)


@pytest.mark.sqlite_only("an office database keeps attachment bytes in a table, not files")
def test_export_leaves_out_bytes_that_no_longer_match_their_hash(laptops: Laptops,
                                                                  good: Path,
                                                                  tmp_path: Path) -> None:
    home = laptops("home")
    blob = next(p for p in home.attachments.folder.rglob("*") if p.is_file())
    blob.write_bytes(b"changed on disk")
    out = tmp_path / "out.partnerdesk"
    export_bundle(home, out)
    assert b"changed on disk" not in out.read_bytes()
    import_file(laptops("elsewhere"), out)


# -- 2 and 3. counters past 2**53 ---------------------------------------------------------

@pytest.mark.parametrize("counter", [10 ** 400, 2 ** 63 + 5, 2 ** 53])
def test_a_stamp_counter_of_2_53_or_more_is_refused(laptops: Laptops, good: Path,
                                                    tmp_path: Path, counter: int) -> None:
    def forge(line: dict[str, object]) -> None:
        line["values"]["name"] = "Taken over"  # type: ignore[index]
        line["stamps"]["name"] = [counter, "forger"]  # type: ignore[index]
        line["vv"]["forger"] = counter  # type: ignore[index]

    target = laptops("target")
    import_file(target, good)  # the record is here already; the hostile one would win
    path = changed(good, tmp_path, "contact", forge)
    refused(target, path, "damaged stamps")
    refused_by_cli(target, path, "cannot be read")
    contact = target.contacts.list()[0]
    target.contacts.update(contact.id, name="Ida Lee")  # later edits still work
    assert target.contacts.get(contact.id).name == "Ida Lee"
    assert import_file(target, good).preview.counts()["updated"] == 0


def test_a_counter_just_below_2_53_is_accepted(laptops: Laptops, good: Path,
                                               tmp_path: Path) -> None:
    def late(line: dict[str, object]) -> None:
        line["stamps"]["name"] = [2 ** 53 - 2, "far-ahead"]  # type: ignore[index]

    target = laptops("target")
    import_file(target, changed(good, tmp_path, "contact", late))
    target.contacts.update(target.contacts.list()[0].id, role="Nurse")
    assert target.store.counter() == 2 ** 53 - 1  # the next write's counter, still exact


@pytest.mark.parametrize("counter", [10 ** 400, 2 ** 53, -1, 1.5, "7", True])
def test_a_manifest_counter_that_is_not_usable_is_refused(laptops: Laptops, good: Path,
                                                          tmp_path: Path,
                                                          counter: object) -> None:
    path = rebuild(members(good), tmp_path / "x.partnerdesk",
                   manifest_changes={"counter": counter})
    target = laptops("target")
    refused(target, path, "change counter")
    target.contacts.create(name="Still works")


@pytest.mark.parametrize("where", ["vv", "delete_ctx"])
def test_a_vector_counter_of_10_400_is_refused(laptops: Laptops, good: Path, tmp_path: Path,
                                               where: str) -> None:
    path = changed(good, tmp_path, "contact",
                   lambda line: line[where].update(x=10 ** 400))  # type: ignore[attr-defined]
    refused(laptops("target"), path, "damaged version information")



@pytest.mark.sqlite_only("an older version's damage to the settings of a database file")
@pytest.mark.parametrize("stored", ["9e999", "'NaN'", "-3", "'\"seven\"'"])
def test_a_counter_an_older_version_left_damaged_is_repaired(tmp_path: Path,
                                                             stored: str) -> None:
    """Case 2 as an older version left it: the counter stored as REAL infinity, after
    which every save stopped (OverflowError, exit status 2) and `check` said healthy."""
    import sqlite3

    db = tmp_path / "older.db"
    with Desk.open(db) as desk:
        contact = desk.contacts.create(name="Ida")
        desk.contacts.update(contact.id, role="Nurse")
        highest = desk.store.counter()
    connection = sqlite3.connect(db)
    connection.execute(f"UPDATE settings SET value = {stored} WHERE key = 'lamport_counter'")
    connection.commit()
    connection.close()
    code, said = cli("--db", str(db), "check")
    assert code == 1 and "Counter:   DAMAGED" in said, said
    code, said = cli("--db", str(db), "export", "-o", str(tmp_path / "before.partnerdesk"))
    assert code == 0, said
    code, said = cli("--db", str(db), "set", "contact", contact.id, "role=Doctor")
    assert code == 0, said
    code, said = cli("--db", str(db), "check")
    assert code == 0 and "DAMAGED" not in said, said
    with Desk.open(db) as desk:
        assert desk.store.counter() == highest + 1  # past every number in the records
        assert desk.contacts.get(contact.id).role == "Doctor"
        assert desk.contacts.get(contact.id).stamps["role"][0] == highest + 1
        export_bundle(desk, tmp_path / "after.partnerdesk")


# -- 4. a deletion that claims writes this laptop never made ------------------------------

def test_a_deletion_claiming_more_of_this_laptops_writes_is_refused(laptops: Laptops,
                                                                   tmp_path: Path) -> None:
    home, target = laptops("home"), laptops("target")
    home.contacts.create(name="Ida")
    path = tmp_path / "first.partnerdesk"
    export_bundle(home, path)
    import_file(target, path)
    contact = target.contacts.list()[0]
    target.contacts.update(contact.id, role="Nurse")  # a write only this laptop made

    def forged_deletion(line: dict[str, object]) -> None:
        line["delete_ctx"] = {**line["vv"], target.store.device_id: 10 ** 15}  # type: ignore[dict-item]
        line["vv"] = dict(line["delete_ctx"])  # type: ignore[call-overload]

    hostile = changed(path, tmp_path, "contact", forged_deletion)
    refused(target, hostile, "claims to have seen 1,000,000,000,000,000 changes")
    refused_by_cli(target, hostile, "made by hand or damaged")
    assert not target.contacts.get(contact.id).deleted


def test_a_deletion_that_saw_only_real_writes_of_this_laptop_is_accepted(
        laptops: Laptops, tmp_path: Path) -> None:
    home, target = laptops("home"), laptops("target")
    home.contacts.create(name="Ida")
    path = tmp_path / "first.partnerdesk"
    export_bundle(home, path)
    import_file(target, path)
    back = tmp_path / "back.partnerdesk"
    export_bundle(target, back)
    import_file(home, back)  # home has now seen target's counter
    home.contacts.delete(home.contacts.list()[0].id)
    deletion = tmp_path / "deletion.partnerdesk"
    export_bundle(home, deletion)
    assert import_file(target, deletion).preview.counts()["deleted"] == 1


# -- 10. a revision that does not match its content ---------------------------------------

def test_content_changed_under_its_old_revision_is_refused(laptops: Laptops, good: Path,
                                                           tmp_path: Path) -> None:
    target = laptops("target")
    import_file(target, good)
    path = changed(good, tmp_path, "contact",
                   lambda line: line["values"].update(name="Mallory"),  # type: ignore[attr-defined]
                   resign=False)
    refused(target, path, "revision does not match its content")
    refused_by_cli(target, path, "revision does not match")
    assert target.contacts.list()[0].name == "Ida"


# -- 6. what used to stop the program with "something unexpected" -----------------------

def _deep(depth: int) -> object:
    value: object = "x"
    for _ in range(depth):
        value = [value]
    return value


CRASHERS: list[tuple[str, Callable[[dict[str, object]], None], str]] = [
    ("emails a number", lambda line: line["values"].update(emails=12345),  # type: ignore[attr-defined]
     "a list expected"),
    ("emails a list of numbers", lambda line: line["values"].update(emails=[1, 2]),  # type: ignore[attr-defined]
     "named parts expected"),
    ("phones text", lambda line: line["values"].update(phones="555-0101"),  # type: ignore[attr-defined]
     "a list expected"),
    ("tags of numbers", lambda line: line["values"].update(tags=[1]),  # type: ignore[attr-defined]
     "text expected"),
    ("name null", lambda line: line["values"].update(name=None),  # type: ignore[attr-defined]
     r"is empty \(null\)"),
    ("share_ok null", lambda line: line["values"].update(share_ok=None),  # type: ignore[attr-defined]
     r"is empty \(null\)"),
    ("name missing", lambda line: line["values"].pop("name"),  # type: ignore[attr-defined]
     "“name” is missing"),
    ("name a lone surrogate", lambda line: line["values"].update(name="Ida\ud800"),  # type: ignore[attr-defined]
     "unpaired surrogate"),
    ("name with NUL", lambda line: line["values"].update(name="Ida\x00"),  # type: ignore[attr-defined]
     "NUL"),
    ("notes of 200k characters", lambda line: line["values"].update(notes="x" * 200_000),  # type: ignore[attr-defined]
     "more than the 20,000"),
    ("name a dict", lambda line: line["values"].update(name={"a": 1}),  # type: ignore[attr-defined]
     "text expected"),
    ("nested 50 deep", lambda line: line["values"].update(addresses=[{"a": _deep(50)}]),  # type: ignore[attr-defined]
     "nested too deep"),
    ("last_contacted a number", lambda line: line["values"].update(last_contacted=3),  # type: ignore[attr-defined]
     "a date expected"),
    # found by the fuzz harness: these reached SQLite and stopped the import (exit 2)
    ("an id that is a lone surrogate", lambda line: line.update(id="\ud800"),
     "no valid id"),
    ("a device that is a lone surrogate", lambda line: line.update(vv={"\ud800": 1}),
     "damaged version information"),
    ("a stamp's device with a NUL", lambda line: line["stamps"].update(  # type: ignore[attr-defined]
        name=[1, "dev\x00ice"]), "damaged stamps"),
    # the reader checks these texts only in a line holding a \u escape: these are one
    ("a stamp's field name with a NUL", lambda line: line["stamps"].update(  # type: ignore[attr-defined]
        {"na\x00me": [1, "device"]}), "damaged stamps"),
    ("a deletion's device that is a lone surrogate",
     lambda line: line.update(delete_ctx={"\ud800": 1}), "damaged version information"),
    ("a write's context naming a device with a NUL", lambda line: line["stamps"].update(  # type: ignore[attr-defined]
        name=[1, "device", {"dev\x00ice": 1}]), "damaged stamps"),
]


@pytest.mark.parametrize("label, change, match", CRASHERS, ids=[c[0] for c in CRASHERS])
def test_values_of_the_wrong_shape_are_refused(laptops: Laptops, good: Path, tmp_path: Path,
                                               label: str,
                                               change: Callable[[dict[str, object]], None],
                                               match: str) -> None:
    path = changed(good, tmp_path, "contact", change)
    target = laptops("target")
    refused(target, path, match)
    refused_by_cli(target, path, "cannot be read")


def _write_lines(found: Members, record_type: str, text: str) -> Members:
    found[f"records/{record_type}.jsonl"] = text.encode("utf-8")
    return found


def test_json_nested_a_thousand_deep_is_refused(laptops: Laptops, good: Path,
                                                tmp_path: Path) -> None:
    found = _write_lines(members(good), "tag", "[" * 5000 + "]" * 5000 + "\n")
    path = rebuild(found, tmp_path / "deep.partnerdesk")
    refused(laptops("target"), path, "not JSON")
    refused_by_cli(laptops("target"), path, "cannot be read")


@pytest.mark.parametrize("number", ["1e400", "-1e400", "NaN", "Infinity"])
def test_a_number_too_large_for_a_number_field_is_refused(laptops: Laptops,
                                                           tmp_path: Path,
                                                           number: str) -> None:
    home = laptops("home")
    org = home.organizations.create(name="Food Bank")
    category = home.categories.list()[0]
    home.resources.create(name="Freezer", organization_id=org.id, category_id=category.id,
                          capacity=10)
    path = tmp_path / "r.partnerdesk"
    export_bundle(home, path)

    def huge(line: dict[str, object]) -> None:
        line["values"]["capacity"] = "HUGE"  # type: ignore[index]

    found = edit_lines(members(path), "resource", huge)
    name = "records/resource.jsonl"
    found[name] = found[name].replace(b'"capacity": "HUGE"', f'"capacity": {number}'.encode())
    hostile = rebuild(found, tmp_path / "huge.partnerdesk")
    target = laptops("target")
    refused(target, hostile, "too large to store|whole number expected|not JSON")
    refused_by_cli(target, hostile, "cannot be read")


def test_a_single_bit_flip_in_compressed_data_is_refused(laptops: Laptops, tmp_path: Path) -> None:
    from partnerdesk.db import records

    home = laptops("home")
    with home.store.write() as writer:  # stores what 200 creates would (test_bulk_writes)
        writer.bulk_create(records.Contact, [
            {"name": f"Person {number}", "notes": "plenty of compressible text " * 5}
            for number in range(200)])
    path = tmp_path / "many.partnerdesk"
    export_bundle(home, path)
    data = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("records/contact.jsonl")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    target = laptops("target")
    for offset in (10, info.compress_size // 2, info.compress_size - 20):
        flipped = bytearray(data)
        flipped[start + offset] ^= 0x04
        broken = tmp_path / f"flip-{offset}.partnerdesk"
        broken.write_bytes(bytes(flipped))
        refused(target, broken, "damaged|checksum|not a zip")
        refused_by_cli(target, broken, "")


def test_an_id_of_another_type_here_is_refused(laptops: Laptops, good: Path,
                                               tmp_path: Path) -> None:
    target = laptops("target")
    here = target.organizations.create(name="Only here")

    def take_id(line: dict[str, object]) -> None:
        line["id"] = here.id

    path = changed(good, tmp_path, "contact", take_id)
    refused(target, path, "is already the id of a organization here")
    refused_by_cli(target, path, "already the id")


def test_one_id_under_two_types_in_one_bundle_is_refused(laptops: Laptops, good: Path,
                                                         tmp_path: Path) -> None:
    found = members(good)
    organization = json.loads(found["records/organization.jsonl"].decode().splitlines()[0])
    path = changed(good, tmp_path, "contact",
                   lambda line: line.update(id=organization["id"]))
    refused(laptops("target"), path, "the id of a record of another type")


# -- 5. a records member small when packed, huge when parsed ----------------------------

def test_a_records_member_over_its_own_limit_is_refused(laptops: Laptops, good: Path,
                                                        monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    """A 7 MB member under the ratio limit once unpacked to 1.4 GB of lines (3.4 GB
    parsed); record members have a limit of their own, far below the bundle's."""
    from partnerdesk.sharing import limits

    size = len(members(good)["records/contact.jsonl"])
    monkeypatch.setattr(limits, "MAX_RECORDS_MEMBER", size - 1)
    refused(laptops("target"), good, "more records than PartnerDesk reads")
    monkeypatch.setattr(limits, "MAX_RECORDS_MEMBER", 10 ** 9)
    monkeypatch.setattr(limits, "MAX_RECORDS_TOTAL", size - 1)
    refused(laptops("target"), good, "more records than PartnerDesk reads")


# -- a meeting's or an event's time that is not a date and time ---------------------------

def _timed_bundle(home: Desk, folder: Path) -> Path:
    from datetime import datetime

    home.meetings.create(title="Steering group", starts_at=datetime(2027, 2, 15, 10, 0))
    home.events.create(title="Health fair", kind="fair", starts_at=datetime(2027, 3, 1, 9, 30))
    path = folder / "timed.partnerdesk"
    export_bundle(home, path)
    return path


@pytest.fixture
def timed(built_once: Callable[[str, str, Build], Kept], db_engine: str,
          tmp_path: Path) -> Path:
    """A valid bundle with one meeting and one event (fields typed `NaiveDatetime`), made
    once per test process and engine."""
    path = tmp_path / "timed.partnerdesk"
    shutil.copyfile(built_once("timed", db_engine, _timed_bundle).made, path)
    return path


@pytest.mark.parametrize("record_type", ["meeting", "event"])
@pytest.mark.parametrize("value", ["garbage", 12345, "2027-02-30T10:00:00", "10:00"])
def test_a_start_time_that_is_not_a_date_and_time_is_refused(
        laptops: Laptops, timed: Path, tmp_path: Path, record_type: str,
        value: object) -> None:
    path = changed(timed, tmp_path, record_type,
                   lambda line: line["values"].update(starts_at=value))  # type: ignore[attr-defined]
    target = laptops("target")
    refused(target, path, "a date and time expected|not a date")
    refused_by_cli(target, path, "cannot be read")


def test_meeting_and_event_times_arrive_as_dates_and_times(laptops: Laptops,
                                                          timed: Path) -> None:
    from datetime import datetime

    target = laptops("target")
    import_file(target, timed)
    (meeting,) = target.meetings.list()
    (event,) = target.events.list()
    assert meeting.starts_at == datetime(2027, 2, 15, 10, 0)
    assert event.starts_at == datetime(2027, 3, 1, 9, 30)
