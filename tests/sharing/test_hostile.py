"""Broken and hostile bundles are refused with a clear sentence, and nothing changes."""

import contextlib
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from partnerdesk.services import Desk
from partnerdesk.services.progress import Cancelled, Progress
from partnerdesk.services.versioning import compute_rev
from partnerdesk.sharing import limits
from partnerdesk.sharing.bundle import sha256_hex
from partnerdesk.sharing.exporter import export_bundle
from partnerdesk.sharing.importer import import_file
from partnerdesk.sharing.seal import SealError
from tests.sharing.conftest import Laptops, dump

Members = dict[str, bytes]


def members(path: Path) -> Members:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rebuild(found: Members, target: Path, rehash: bool = True,
            manifest_changes: dict[str, object] | None = None) -> Path:
    manifest = json.loads(found["manifest.json"])
    if rehash:
        manifest["members"] = {n: sha256_hex(d) for n, d in found.items()
                               if n != "manifest.json"}
    manifest.update(manifest_changes or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        for name, data in found.items():
            if name != "manifest.json":
                archive.writestr(name, data)
    target.write_bytes(buffer.getvalue())
    return target


def edit_lines(found: Members, record_type: str,
               change: Callable[[dict[str, object]], None], resign: bool = True) -> Members:
    """Change every line of one record type; `resign` recomputes each line's revision,
    as anyone making a hostile file can (only `resign=False` leaves the old one)."""
    name = f"records/{record_type}.jsonl"
    lines = [json.loads(raw) for raw in found[name].decode().splitlines()]
    for line in lines:
        change(line)
        if resign:
            resign_line(line)
    found[name] = "".join(json.dumps(line) + "\n" for line in lines).encode()
    return found


def resign_line(line: dict[str, object]) -> None:
    # a line too broken to have a revision is refused by the reader anyway
    with contextlib.suppress(TypeError, ValueError, KeyError):
        line["rev"] = compute_rev(line["values"], line["stamps"],  # type: ignore[arg-type]
                                  line["vv"], line["delete_ctx"])  # type: ignore[arg-type]


def refused(desk: Desk, path: Path, match: str, error: type[Exception] = limits.BundleError,
            **kwargs: object) -> None:
    before = dump(desk)
    folder = desk.attachments.folder
    files_before = sorted(folder.rglob("*")) if folder.exists() else []
    with pytest.raises(error, match=match):
        import_file(desk, path, **kwargs)  # type: ignore[arg-type]
    assert dump(desk) == before
    assert (sorted(folder.rglob("*")) if folder.exists() else []) == files_before


def test_not_a_zip(laptops: Laptops, tmp_path: Path) -> None:
    path = tmp_path / "notes.partnerdesk"
    path.write_text("just some text")
    refused(laptops("target"), path, "not a zip file")


def test_changed_member_fails_its_hash(laptops: Laptops, good: Path, tmp_path: Path) -> None:
    found = edit_lines(members(good), "contact",
                       lambda line: line["values"].update(name="Mallory"))  # type: ignore[attr-defined]
    refused(laptops("target"), rebuild(found, tmp_path / "x.partnerdesk", rehash=False),
            "does not match its checksum")


def test_missing_member(laptops: Laptops, good: Path, tmp_path: Path) -> None:
    found = members(good)
    manifest = json.loads(found["manifest.json"])
    del found["records/contact.jsonl"]
    path = rebuild(found, tmp_path / "x.partnerdesk", rehash=False)
    assert "records/contact.jsonl" in manifest["members"]
    refused(laptops("target"), path, "incomplete: records/contact.jsonl is missing")


def test_unlisted_member(laptops: Laptops, good: Path, tmp_path: Path) -> None:
    found = members(good)
    path = tmp_path / "x.partnerdesk"
    rebuild(found, path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("records/extra.jsonl", b"{}\n")
    refused(laptops("target"), path, "does not list")


@pytest.mark.parametrize("name", ["../outside.txt", "/etc/passwd", "records/../../x",
                                  "C:/windows/x", "attachments\\..\\x"])
def test_paths_leaving_the_folder(laptops: Laptops, good: Path, tmp_path: Path,
                                  name: str) -> None:
    found = members(good)
    found[name] = b"harm"
    refused(laptops("target"), rebuild(found, tmp_path / "x.partnerdesk"),
            "outside its folder")


def test_too_many_members(laptops: Laptops, good: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_MEMBERS", 3)
    refused(laptops("target"), good, "more than a bundle may")


def test_too_many_uncompressed_bytes(laptops: Laptops, good: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_TOTAL_BYTES", 200)
    refused(laptops("target"), good, "would unpack to")


def test_zip_bomb_ratio(laptops: Laptops, good: Path, tmp_path: Path) -> None:
    found = members(good)
    found["records/tag.jsonl"] = b"\n" * (8 * 1024 * 1024)
    refused(laptops("target"), rebuild(found, tmp_path / "x.partnerdesk"),
            "only a harmful file does")


def test_member_bigger_than_declared(laptops: Laptops, good: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    real = limits._read_member

    def lying(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, name: str) -> bytes:
        info.file_size = 3  # a header that understates what comes out
        return real(archive, info, limit, name)

    monkeypatch.setattr(limits, "_read_member", lying)
    refused(laptops("target"), good, "bigger than it declares|is damaged")


def test_newer_major_version(laptops: Laptops, good: Path, tmp_path: Path) -> None:
    path = rebuild(members(good), tmp_path / "x.partnerdesk",
                   manifest_changes={"version": "2.0"})
    refused(laptops("target"), path, "newer PartnerDesk")


@pytest.mark.parametrize("change,match", [
    (lambda line: line["values"].update(name=""), "name is required"),
    (lambda line: line["values"].update(emails=[{"address": "not an address"}]),
     "not a valid e-mail"),
    (lambda line: line["values"].update(organization_id="no-such-id"),
     "linked record no longer exists"),
    (lambda line: line["values"].update(last_contacted="yesterday"), "cannot be read"),
    (lambda line: line["values"].update(share_ok="yes"), "yes or no"),
    (lambda line: line.update(stamps={"name": ["one", 2]}), "damaged stamps"),
    (lambda line: line.update(id=""), "no valid id"),
])
def test_records_failing_validation(laptops: Laptops, good: Path, tmp_path: Path,
                                    change: Callable[[dict[str, object]], None],
                                    match: str) -> None:
    found = edit_lines(members(good), "contact", change)
    refused(laptops("target"), rebuild(found, tmp_path / "x.partnerdesk"), match)


def test_a_bad_record_stops_everything_in_the_bundle(laptops: Laptops, good: Path,
                                                     tmp_path: Path) -> None:
    # organizations (and the attachment) are fine; one contact is not: nothing lands
    found = edit_lines(members(good), "contact", lambda line: line["values"].update(name=" "))
    refused(laptops("target"), rebuild(found, tmp_path / "x.partnerdesk"), "required")


def test_wrong_passphrase_and_changed_sealed_byte(laptops: Laptops, tmp_path: Path) -> None:
    home = laptops("home")
    home.contacts.create(name="Jo")
    path = tmp_path / "sealed.partnerdesk"
    export_bundle(home, path, passphrase="a good passphrase")
    refused(laptops("target"), path, "does not open", SealError, passphrase="not it at all")
    data = bytearray(path.read_bytes())
    data[-5] ^= 0x10
    changed = tmp_path / "changed.partnerdesk"
    changed.write_bytes(bytes(data))
    refused(laptops("target"), changed, "does not open", SealError,
            passphrase="a good passphrase")
    header = bytearray(path.read_bytes())
    header[30] ^= 0x01  # inside the authenticated header
    (tmp_path / "h.partnerdesk").write_bytes(bytes(header))
    refused(laptops("target"), tmp_path / "h.partnerdesk", "damaged|does not open",
            SealError, passphrase="a good passphrase")


def test_cancelled_import_leaves_nothing_behind(laptops: Laptops, good: Path) -> None:
    target = laptops("target")
    progress = Progress()

    def stop_when_saving(done: int, total: int, message: str) -> None:
        if message.startswith("Saving"):
            progress.cancel()

    progress._on_report = stop_when_saving
    refused(target, good, "nothing was changed", Cancelled, progress=progress)


def test_newer_minor_version_extras_are_ignored(laptops: Laptops, good: Path,
                                                tmp_path: Path) -> None:
    found = edit_lines(members(good), "contact", lambda line: (
        line["values"].update(pronouns="she/her"),  # type: ignore[attr-defined]
        line["stamps"].update(pronouns=[1, "dev-x"]),  # type: ignore[attr-defined]
        line.update(future_key={"a": 1})))
    found["records/future_kind.jsonl"] = b'{"id": "x"}\n'
    found["extras/notes.txt"] = b"added in 1.3"
    path = rebuild(found, tmp_path / "x.partnerdesk",
                   manifest_changes={"version": "1.3", "new_manifest_key": [1, 2]})
    target = laptops("target")
    counts = import_file(target, path).preview.counts()
    assert counts["new"] >= 3
    assert target.contacts.list()[0].name == "Ida"


def test_a_bundle_repacked_with_folder_entries_imports(laptops: Laptops, good: Path,
                                                       tmp_path: Path) -> None:
    """Unpacked and zipped again by hand: zip tools add "records/" entries, which are
    harmless and must not be taken for a name that leaves the folder."""
    found = members(good)
    path = tmp_path / "repacked.partnerdesk"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        folders = sorted({name.rsplit("/", 1)[0] + "/" for name in found if "/" in name})
        for folder in folders:
            archive.writestr(zipfile.ZipInfo(folder), b"")
        for name, data in found.items():
            archive.writestr(name, data)
    target = laptops("target")
    import_file(target, path)
    assert [c.name for c in target.contacts.list()] == ["Ida"]


def test_a_folder_entry_that_leaves_the_folder_is_refused(laptops: Laptops, good: Path,
                                                          tmp_path: Path) -> None:
    found = members(good)
    path = tmp_path / "climbing.partnerdesk"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("../records/"), b"")
        for name, data in found.items():
            archive.writestr(name, data)
    refused(laptops("target"), path, "outside its folder")
