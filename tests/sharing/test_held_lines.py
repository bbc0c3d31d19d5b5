"""A re-import reads the lines that are states this laptop holds without parsing them
(`limits._held_id`): it must give exactly the answers of reading every line in full.

A held line is counted as unchanged; anything else (another layout, a change under the
old revision, a record changed here after the bundle was read) goes the full way.
"""

import json
from pathlib import Path

from partnerdesk.services.versioning import canonical_json
from partnerdesk.sharing import limits
from partnerdesk.sharing.exporter import export_bundle
from partnerdesk.sharing.importer import import_bundle, import_file, preview_bundle, read_for_import
from partnerdesk.sharing.undo import undo_import
from tests.sharing.test_hostile import Laptops, good, members, rebuild, refused

__all__ = ["good"]  # the fixture, shared with the hostile-bundle tests


def _relaid(found: dict[str, bytes], record_type: str, encode: object) -> dict[str, bytes]:
    name = f"records/{record_type}.jsonl"
    lines = [json.loads(raw) for raw in found[name].decode().splitlines()]
    found[name] = "".join(encode(line) + "\n" for line in lines).encode()  # type: ignore[operator]
    return found


def test_a_re_import_holds_every_line_and_answers_as_a_full_read(laptops: Laptops,
                                                                 good: Path) -> None:
    target = laptops("target")
    import_file(target, good)
    fast = read_for_import(target, good)
    full = limits.read_file(good)
    assert sum(len(ids) for ids in fast.held.values()) == full.record_count() - len(
        full.records.get("attachment", []))
    assert set(fast.records) == set(full.records)
    assert fast.record_count() == full.record_count()
    assert preview_bundle(target, fast).counts() == preview_bundle(target, full).counts()
    before = target.contacts.list()
    counts = import_bundle(target, fast).preview.counts()
    assert counts["unchanged"] == full.record_count()
    assert target.contacts.list() == before


def test_nothing_is_held_for_a_laptop_that_has_other_states(laptops: Laptops,
                                                             good: Path) -> None:
    target = laptops("target")
    import_file(target, good)
    contact = target.contacts.list()[0]
    target.contacts.update(contact.id, role="Nurse")
    fast = read_for_import(target, good)
    assert contact.id not in fast.held.get("contact", {})
    assert [line["id"] for line in fast.records["contact"]] == [contact.id]
    assert import_bundle(target, fast).preview.counts()["unchanged"] == \
        limits.read_file(good).record_count()
    assert target.contacts.get(contact.id).role == "Nurse"


def test_another_layout_of_the_same_state_is_read_in_full(laptops: Laptops, good: Path,
                                                          tmp_path: Path) -> None:
    target = laptops("target")
    import_file(target, good)
    for number, encode in enumerate([
            json.dumps,  # spaces
            lambda line: json.dumps(dict(reversed(line.items())), separators=(",", ":")),
            lambda line: canonical_json(line).replace('"id":', ' "id":', 1)]):
        path = rebuild(_relaid(members(good), "contact", encode),
                       tmp_path / f"layout-{number}.partnerdesk")
        fast = read_for_import(target, path)
        assert "contact" not in fast.held
        assert len(fast.records["contact"]) == 1
        assert import_file(target, path).preview.counts()["unchanged"] == \
            limits.read_file(path).record_count()


def test_canonical_content_changed_under_its_old_revision_is_refused(
        laptops: Laptops, good: Path, tmp_path: Path) -> None:
    target = laptops("target")
    import_file(target, good)

    def forged(line: dict[str, object]) -> str:
        line["values"]["name"] = "Mallory"  # type: ignore[index]
        return canonical_json(line)  # the very layout a held line has, the old revision

    path = rebuild(_relaid(members(good), "contact", forged), tmp_path / "forged.partnerdesk")
    refused(target, path, "revision does not match its content")
    assert target.contacts.list()[0].name == "Ida"


def test_a_record_changed_here_after_the_bundle_was_read_is_merged_in_full(
        laptops: Laptops, tmp_path: Path) -> None:
    home, target = laptops("home"), laptops("target")
    contact = home.contacts.create(name="Ida")
    first = tmp_path / "first.partnerdesk"
    export_bundle(home, first)
    import_file(target, first)
    home.contacts.update(contact.id, role="Nurse")
    second = tmp_path / "second.partnerdesk"
    export_bundle(home, second)
    batch = import_file(target, second).batch_id
    assert batch is not None
    fast = read_for_import(target, second)
    assert contact.id in fast.held["contact"]
    undo_import(target, batch, confirm=True)  # the state before: the role unset again
    assert target.contacts.get(contact.id).role == ""
    counts = import_bundle(target, fast).preview.counts()
    assert counts["updated"] == 1
    assert target.contacts.get(contact.id).role == "Nurse"


def test_a_value_holding_other_line_separators_travels(laptops: Laptops,
                                                       tmp_path: Path) -> None:
    home, target = laptops("home"), laptops("target")
    notes = "first\u2028second\u2029third\x0cfourth\x1cfifth\x85sixth"
    home.contacts.create(name="Ida", notes=notes)
    path = tmp_path / "separators.partnerdesk"
    export_bundle(home, path)
    import_file(target, path)
    assert target.contacts.list()[0].notes == notes
    assert import_file(target, path).preview.counts()["new"] == 0
