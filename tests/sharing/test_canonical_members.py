"""A records member whose every line was found to hash to the revision it carries is
remembered by the hash of its bytes (`limits.canonical_key`): a re-import of the same
bundle checks each member's hash and each held line's id and revision, but does not hash
each line again. Anything else (other bytes, another layout, a record changed here)
is read as before.
"""

import json
from pathlib import Path

import pytest

from partnerdesk.services import Desk
from partnerdesk.services.versioning import canonical_json
from partnerdesk.sharing import importer, limits
from partnerdesk.sharing.bundle import sha256_hex
from partnerdesk.sharing.exporter import export_bundle
from partnerdesk.sharing.importer import CANONICAL_KEY, import_file, read_for_import
from tests.sharing.test_hostile import Laptops, members, rebuild, refused


def _remembered(desk: Desk) -> list[str]:
    return desk.store.setting(CANONICAL_KEY, [])


def _record_keys(path: Path) -> set[str]:
    """The key of every records member but attachments' (read in full, always)."""
    return {limits.canonical_key(name[len("records/"):-len(".jsonl")], sha256_hex(data))
            for name, data in members(path).items()
            if name.startswith("records/") and name != "records/attachment.jsonl"}


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Every line a read hashes to check it against a held revision."""
    found: list[bytes] = []
    real = limits._hashes_to

    def counted(raw: bytes, *args: object) -> bool:
        found.append(raw)
        return real(raw, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(limits, "_hashes_to", counted)
    return found


def test_an_import_remembers_the_members_whose_lines_hash_to_their_revisions(
        laptops: Laptops, good: Path) -> None:
    target = laptops("target")
    assert _remembered(target) == []
    import_file(target, good)
    assert set(_remembered(target)) == _record_keys(good)


def test_a_re_import_of_remembered_members_hashes_no_line_again(
        laptops: Laptops, good: Path, hashes: list[bytes]) -> None:
    target = laptops("target")
    import_file(target, good)
    hashes.clear()  # (the categories seeded here were held at the first import too)
    before = target.contacts.list()
    fast = read_for_import(target, good)
    assert hashes == []
    full = limits.read_file(good)
    assert sum(len(ids) for ids in fast.held.values()) == full.record_count() - len(
        full.records.get("attachment", []))
    assert import_file(target, good).preview.counts()["unchanged"] == full.record_count()
    assert target.contacts.list() == before
    # forgotten: every held line is hashed again (and the members remembered again)
    target.store.set_setting(CANONICAL_KEY, [])
    read_for_import(target, good)
    assert len(hashes) == sum(len(ids) for ids in fast.held.values())


def test_other_bytes_under_a_remembered_hash_are_refused(
        laptops: Laptops, good: Path, tmp_path: Path) -> None:
    """The manifest names the remembered hash, but the member's bytes changed: the
    member's own hash still decides, before anything is used."""
    target = laptops("target")
    import_file(target, good)
    found = members(good)
    manifest = json.loads(found["manifest.json"])
    lines = [json.loads(raw) for raw in found["records/contact.jsonl"].decode().splitlines()]
    lines[0]["values"]["name"] = "Mallory"  # the held layout, the old revision
    found["records/contact.jsonl"] = "".join(canonical_json(line) + "\n"
                                             for line in lines).encode()
    path = rebuild(found, tmp_path / "forged.partnerdesk", rehash=False,
                   manifest_changes={"members": manifest["members"]})
    refused(target, path, "changed or damaged")
    assert target.contacts.list()[0].name == "Ida"


def test_a_member_in_another_layout_is_not_remembered(
        laptops: Laptops, good: Path, tmp_path: Path) -> None:
    target = laptops("target")
    found = members(good)
    lines = [json.loads(raw) for raw in found["records/contact.jsonl"].decode().splitlines()]
    found["records/contact.jsonl"] = "".join(json.dumps(line) + "\n" for line in lines).encode()
    path = rebuild(found, tmp_path / "spaced.partnerdesk")
    import_file(target, path)
    kinds = {key.split(":")[0] for key in _remembered(target)}
    assert "contact" not in kinds
    assert "organization" in kinds


def test_the_newest_remembered_members_are_kept(
        laptops: Laptops, good: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "CANONICAL_KEPT", 3)
    target, home = laptops("target"), laptops("home")
    import_file(target, good)
    assert len(_remembered(target)) == 3
    home.contacts.create(name="Jo")
    later = tmp_path / "later.partnerdesk"
    export_bundle(home, later)
    import_file(target, later)
    remembered = _remembered(target)
    assert len(remembered) == 3
    assert set(remembered) <= _record_keys(later)
    assert not set(remembered) & _record_keys(good) - _record_keys(later)
