"""A bundle's records go to the writer a part at a time (`importer.WRITE_PART`): the
import comes out the same as in one go, history, search and undo included."""

from pathlib import Path

import pytest

from partnerdesk.services import Desk
from partnerdesk.sharing import importer
from partnerdesk.sharing.exporter import export_bundle
from partnerdesk.sharing.importer import import_file
from partnerdesk.sharing.undo import undo_import


def test_an_import_written_in_small_parts_holds_every_record(
        tmp_path: Path, demo_desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = tmp_path / "all.partnerdesk"
    export_bundle(demo_desk, bundle)
    with Desk.open(tmp_path / "in-one-go.db") as whole:
        in_one_go = import_file(whole, bundle).preview.counts()
    monkeypatch.setattr(importer, "WRITE_PART", 3)
    with Desk.open(tmp_path / "laptop-b.db") as other:
        result = import_file(other, bundle)
        assert result.preview.counts() == in_one_go
        assert in_one_go["new"] > 3 * 10
        assert other.stats() == demo_desk.stats()
        contact = demo_desk.contacts.list(limit=1)[0]
        assert other.contacts.get(contact.id).name == contact.name
        assert contact.id in {hit.record_id for hit in other.search(contact.name)}
        assert other.contacts.history(contact.id)  # each record's "imported" entry
        undo_import(other, result.batch_id, confirm=True)
        assert other.contacts.count() == 0
        assert contact.id not in {hit.record_id for hit in other.search(contact.name)}


# -- read a part at a time: every line still checked, all or nothing ---------------------

def _contact_lines(path: Path) -> list[dict[str, object]]:
    import json
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return [json.loads(raw) for raw in archive.read("records/contact.jsonl").splitlines()]


def _with_contacts(path: Path, target: Path, lines: list[bytes]) -> Path:
    from tests.sharing.test_hostile import members, rebuild

    found = members(path)
    found["records/contact.jsonl"] = b"".join(line + b"\n" for line in lines)
    return rebuild(found, target)


def _canonical(line: dict[str, object]) -> bytes:
    from partnerdesk.sharing.bundle import line_text

    return line_text(line)


def _signed(line: dict[str, object]) -> bytes:
    from partnerdesk.services.versioning import compute_rev

    line["rev"] = compute_rev(line["values"], line["stamps"], line["vv"],  # type: ignore[arg-type]
                              line["delete_ctx"])  # type: ignore[arg-type]
    return _canonical(line)


@pytest.fixture
def many(tmp_path: Path, demo_desk: Desk) -> Path:
    bundle = tmp_path / "all.partnerdesk"
    export_bundle(demo_desk, bundle)
    return bundle


def test_an_import_read_in_small_parts_holds_every_record(
        tmp_path: Path, demo_desk: Desk, many: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Desk.open(tmp_path / "in-one-go.db") as whole:
        in_one_go = import_file(whole, many).preview.counts()
        preview = import_file(whole, many, dry_run=True).preview.counts()
    monkeypatch.setattr(importer, "PLAN_PART", 7)
    with Desk.open(tmp_path / "laptop-b.db") as other:
        assert import_file(other, many, dry_run=True).preview.counts() == in_one_go
        assert import_file(other, many).preview.counts() == in_one_go
        assert other.stats() == demo_desk.stats()
        assert import_file(other, many).preview.counts() == preview  # all unchanged
        contact = demo_desk.contacts.list(limit=1)[0]
        assert contact.id in {hit.record_id for hit in other.search(contact.name)}


def test_a_bad_line_in_a_later_part_leaves_the_database_as_it_was(
        tmp_path: Path, many: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.sharing.test_hostile import refused

    lines = _contact_lines(many)
    lines[-1]["values"]["name"] = 5  # type: ignore[index]
    path = _with_contacts(many, tmp_path / "bad.partnerdesk",
                          [_canonical(line) for line in lines[:-1]] + [_signed(lines[-1])])
    monkeypatch.setattr(importer, "PLAN_PART", 7)
    with Desk.open(tmp_path / "laptop-b.db") as other:
        other.contacts.create(name="Already here")
        refused(other, path, "text expected")
        refused(other, path, "text expected", dry_run=True)


def test_a_canonical_looking_line_whose_revision_hashes_another_text_is_refused(
        tmp_path: Path, many: Path) -> None:
    """A line laid out as the exporter writes it, its values in another order, and a
    revision that is the hash of that very text: not its state's revision."""
    import hashlib

    from tests.sharing.test_hostile import refused

    lines = _contact_lines(many)
    line = lines[-1]
    text = _canonical(line).decode()
    values = text[text.index(',"values":') + len(',"values":'):text.rindex(',"vv":')]
    fields = json_fields(values)
    reordered = "{" + ",".join(f"{json_key(key)}:{value}" for key, value
                               in reversed(fields)) + "}"
    assert reordered != values
    forged = text.replace(values, reordered)
    head, rest = forged.split(',"id":', 1)
    kept = rest[rest.index(',"stamps":'):]
    body = (head + kept).replace(',"type":"contact"', "", 1)
    rev = hashlib.sha256(body.encode()).hexdigest()[:32]
    forged = forged.replace(str(line["rev"]), rev)
    path = _with_contacts(many, tmp_path / "forged.partnerdesk",
                          [_canonical(other) for other in lines[:-1]] + [forged.encode()])
    with Desk.open(tmp_path / "laptop-b.db") as other:
        refused(other, path, "revision does not match its content")
        refused(other, path, "revision does not match its content", dry_run=True)


def json_fields(values: str) -> list[tuple[str, str]]:
    """The top-level members of a JSON object's text, as (key, value text)."""
    import json

    decoder = json.JSONDecoder()
    found, position = [], 1
    while values[position] != "}":
        key, position = decoder.raw_decode(values, position)
        start = position + 1  # after the colon
        _value, position = decoder.raw_decode(values, start)
        found.append((key, values[start:position]))
        if values[position] == ",":
            position += 1
    return found


def json_key(key: str) -> str:
    import json

    return json.dumps(key, ensure_ascii=False)


def test_a_line_that_names_a_second_id_is_refused(tmp_path: Path, many: Path) -> None:
    """JSON keeps the last of two "id" keys: a line laid out as the exporter writes it
    with another id at its end would bring a record under an id the first read never
    saw (here one the bundle holds already)."""
    from tests.sharing.test_hostile import refused

    lines = _contact_lines(many)
    twice = _signed(lines[-1])[:-1] + b',"id":"' + str(lines[0]["id"]).encode() + b'"}'
    path = _with_contacts(many, tmp_path / "two-ids.partnerdesk",
                          [_canonical(line) for line in lines[:-1]] + [twice])
    with Desk.open(tmp_path / "laptop-b.db") as other:
        refused(other, path, "no valid id")
