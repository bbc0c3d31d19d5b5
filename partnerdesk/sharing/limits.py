"""Reading a bundle that may be broken or hostile: check everything before using anything.

Refused with a sentence that says what to do, before the database is touched: not a
zip; a sealed bundle with the wrong passphrase or a changed byte; a member whose hash
does not match; a missing or unlisted member; a path that would leave the folder; too
many members, too many bytes, or a suspicious compression ratio (zip bombs); a format
major version newer than this program; lines that are not well-formed records;
values their record type cannot hold, counters of 2**53 or more, a `rev` that is not
the revision of the line's state, the same id under two record types, a live
attachment whose bytes the bundle does not carry (`record_check`). Unknown manifest
keys, unknown record types and unknown fields (a newer minor version) are ignored.
What needs the database (this laptop's own writes, its records' types) and the
business rules are checked by the importer before it plans anything.
"""

import functools
import hashlib
import io
import json
import re
import sys
import zipfile
import zlib
from array import array
from collections.abc import Callable, Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

from partnerdesk.db.registry import RECORD_TYPES
from partnerdesk.errors import PartnerDeskError
from partnerdesk.services.validation import text_problem
from partnerdesk.services.versioning import MAX_COUNTER, compute_rev
from partnerdesk.sharing import record_check, seal
from partnerdesk.sharing.bundle import (
    ATTACHMENTS_DIR,
    FORMAT_MAJOR,
    FORMAT_NAME,
    MANIFEST,
    RECORDS_DIR,
    Bundle,
    record_member,
    sha256_hex,
)

MAX_FILE_BYTES = 4 * 1024 ** 3
MAX_MEMBERS = 20_000
MAX_TOTAL_BYTES = 2 * 1024 ** 3  # uncompressed, all members together
MAX_RATIO = 200  # uncompressed / compressed, for members bigger than RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
# Record lines are parsed into Python objects several times their size; attachments are
# kept as bytes. A records member is capped well below the whole bundle's allowance
# (200,000 contacts are about 150 MB of lines), so a small file under the ratio limit
# cannot ask for gigabytes of memory once parsed.
MAX_RECORDS_MEMBER = 192 * 1024 * 1024
MAX_RECORDS_TOTAL = 384 * 1024 * 1024
SHA256 = re.compile(r"^[0-9a-f]{64}$")
TYPE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
COUNTER_LIMIT = record_check.COUNTER_LIMIT  # counters are integers below 2**53
MAX_VECTOR = 10_000  # devices in one version vector: far more laptops than anyone has


class BundleError(PartnerDeskError):
    """The file cannot be imported; nothing was changed."""


# What this laptop holds of a record type: record id -> revision (`Held` in the importer's
# words). Given to the reader, it lets a line that is exactly a state held here pass
# unparsed (`held_id`): a re-import of the same bundle then reads, hashes and compares.
Known = Callable[[str], Mapping[str, str]]


def canonical_key(record_type: str, digest: str) -> str:
    """How a records member whose every line was found to hash to the revision it
    carries is remembered (`Bundle.canonical`, `read_file(canonical=…)`): its type and the
    SHA-256 of its bytes. That is a fact about the bytes alone, so a member with the same
    bytes again holds it without hashing each line again (`_record_member`)."""
    return f"{record_type}:{digest.lower()}"


def _not_a_number(constant: str) -> Any:
    raise ValueError(f"{constant} is not a number JSON may hold")


# Made once: `json.loads` with an option builds a new decoder at every call.
_DECODER = json.JSONDecoder(parse_constant=_not_a_number)


def parse_json(raw: str | bytes) -> Any:
    """JSON as the standard library reads it, but refusing NaN and Infinity and turning
    nesting too deep for Python (a thousand brackets) into a ValueError."""
    try:
        return _DECODER.decode(raw if isinstance(raw, str) else raw.decode("utf-8"))
    except RecursionError as error:
        raise ValueError("nested too deep") from error


class PassphraseNeeded(BundleError):
    def __init__(self) -> None:
        super().__init__("This bundle is sealed with a passphrase. Enter the passphrase the "
                         "sender gave you.")


def read_file(path: Path, passphrase: str | None = None, known: Known | None = None,
              stream: bool = False, canonical: Collection[str] = ()) -> Bundle:
    """Read and check a bundle file; with `known`, the lines that are states this laptop
    holds already are counted in `Bundle.held` instead of parsed (see `held_id`); with
    `stream` and `canonical`, see `read_bundle`."""
    path = Path(path)
    if not path.is_file():
        raise BundleError(f"There is no file at {path}. Choose the bundle file again.")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise BundleError(f"{path.name} is too large to be a PartnerDesk bundle.")
    bundle = read_bundle(path.read_bytes(), passphrase, name=path.name, known=known,
                         stream=stream, canonical=canonical)
    if known is not None and bundle.reread is None:
        bundle.reread = lambda: read_file(path, passphrase)
    return bundle


def read_bundle(data: bytes, passphrase: str | None = None, name: str = "This file",
                known: Known | None = None, stream: bool = False,
                canonical: Collection[str] = ()) -> Bundle:
    """Read and check a bundle. With `stream`, a record line in the canonical layout
    the exporter writes is not parsed yet: this first read checks every member (its
    size, its hash, which records it holds, each id once) and notes where each line is;
    `Bundle.parts` reads those lines again from the bundle's bytes (kept, compressed) a
    part at a time and checks each in full as it comes, so an import holds one part of
    a large bundle at a time, never all of it parsed. Lines in any other layout are
    parsed and checked at once, as without `stream`.

    `canonical`: the `canonical_key`s of records members this laptop found, line by
    line, to hold only lines whose text hashes to the revision they carry (what
    `Bundle.canonical` lists after a read, kept by the importer). A member listed there
    has its SHA-256 checked as any other, but its held lines are not hashed again one by
    one: the member's hash says they are the same bytes (`_held`)."""
    if seal.is_sealed(data):
        if passphrase is None:
            raise PassphraseNeeded()
        data = seal.unseal(data, passphrase)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise BundleError(f"{name} is not a PartnerDesk bundle (it is not a zip file). "
                          "Choose a file that ends in .partnerdesk.") from error
    with archive:
        infos = _check_members(archive, name)
        manifest = _read_manifest(archive, infos, name)
        bundle = _read_listed(archive, infos, manifest, name, known,
                              data if stream else None, canonical)
    if stream and known is not None:
        bundle.reread = lambda: read_bundle(data, None, name, stream=True)
    return bundle


def _safe_name(member: str) -> bool:
    if not member or member.startswith(("/", "\\")) or "\\" in member or ":" in member:
        return False
    parts = member.split("/")
    return all(part not in ("", ".", "..") for part in parts)


def _check_members(archive: zipfile.ZipFile, name: str) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise BundleError(f"{name} holds {len(infos):,} files, more than a bundle may "
                          f"({MAX_MEMBERS:,}). It was not imported.")
    by_name: dict[str, zipfile.ZipInfo] = {}
    total = records = 0
    for info in infos:
        # a folder entry ("records/"), as zip tools add when a person re-packs a bundle
        if not _safe_name(info.filename.removesuffix("/") if info.is_dir() else info.filename):
            raise BundleError(f"{name} holds a file named “{info.filename}” that would be "
                              "written outside its folder. It was not imported; it may be "
                              "harmful.")
        if info.filename in by_name:
            raise BundleError(f"{name} holds “{info.filename}” twice. It was not imported.")
        if info.is_dir():
            continue
        total += info.file_size
        if info.file_size > RATIO_FLOOR and \
                info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise BundleError(f"{name} holds a file that expands {ratio:,} times when "
                              "unpacked, which only a harmful file does. It was not "
                              "imported.")
        if info.filename.startswith(RECORDS_DIR):
            records += info.file_size
            if info.file_size > MAX_RECORDS_MEMBER or records > MAX_RECORDS_TOTAL:
                raise BundleError(f"{name} holds more records than PartnerDesk reads in one "
                                  f"bundle ({MAX_RECORDS_MEMBER // 2 ** 20} MB of one kind, "
                                  f"{MAX_RECORDS_TOTAL // 2 ** 20} MB in all). It was not "
                                  "imported; ask the sender to export a part at a time.")
        by_name[info.filename] = info
    if total > MAX_TOTAL_BYTES:
        raise BundleError(f"{name} would unpack to {total / 1e9:.1f} GB, more than a bundle "
                          f"may ({MAX_TOTAL_BYTES / 1e9:.1f} GB). It was not imported.")
    return by_name


def _member_blocks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int,
                   name: str, hashed: bool = False) -> Iterator[bytes]:
    """A member's bytes a megabyte or so at a time, at most `limit` of them, counting
    what actually comes out (headers can lie). `hashed`: the caller checks the bytes
    against the SHA-256 the manifest lists, so a deflated member is inflated straight
    from the archive (`_inflated`), without the zip's own CRC-32."""
    size = 0
    try:
        with archive.open(info) as handle:  # (opening checks the member's header)
            found = _inflated(archive, info) if hashed else None
            for block in found or iter(functools.partial(handle.read, 1 << 20), b""):
                size += len(block)
                if size > limit or size > info.file_size:
                    raise BundleError(f"{name} holds a file bigger than it declares, which "
                                      "only a harmful file does. It was not imported.")
                yield block
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError,
            zlib.error) as error:  # zlib.error: a flipped bit in compressed data
        raise BundleError(f"{name} is damaged ({info.filename} cannot be read). Ask the "
                          "sender for a fresh copy.") from error


INFLATE_IN = 1 << 17  # compressed bytes given to zlib at a time
INFLATE_OUT = 1 << 22  # the most it may make of them at once (deflate can make 1,000 times more)


def _inflated(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes] | None:
    """A deflated member's bytes inflated by zlib itself from the compressed bytes in the
    archive (None for any other member): twice as quick as `ZipFile.open`'s reader,
    which gives zlib a megabyte of compressed bytes to make one of, keeps the rest
    (copied again at each read) and computes the zip's CRC-32 beside the SHA-256."""
    if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1 \
            or archive.fp is None:  # (0x1: encrypted, which a bundle never is)
        return None
    archive.fp.seek(info.header_offset)
    header = archive.fp.read(30)  # the local header, which `open` has checked
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        return None
    skip = int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little")
    return _inflate(archive.fp, info.header_offset + 30 + skip, info.compress_size,
                    info.file_size)


def _inflate(source: Any, start: int, size: int, wanted: int) -> Iterator[bytes]:
    """The deflated bytes at `start` in `source` inflated, read a part at a time up to
    the end of their stream (never more than `size`, which a header may overstate), and
    at most the `wanted` bytes the member declares, as `ZipFile.open` gives them (a
    damaged stream may make more: its bytes then do not match their hash)."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    position, end = start, start + size
    while position < end and not inflater.eof:
        source.seek(position)
        chunk: bytes = source.read(min(INFLATE_IN, end - position))
        if not chunk:
            break
        position += len(chunk)
        while chunk and not inflater.eof:
            block = inflater.decompress(chunk, min(INFLATE_OUT, wanted + 1))
            chunk = inflater.unconsumed_tail
            if len(block) >= wanted:
                yield block[:wanted]
                return
            wanted -= len(block)
            if block:
                yield block
    if not inflater.eof:
        raise EOFError("the compressed data ends before its end")


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int,
                 name: str) -> bytes:
    """Read at most `limit` bytes, counting what actually comes out (headers can lie)."""
    return b"".join(_member_blocks(archive, info, limit, name))


def _read_manifest(archive: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo],
                   name: str) -> dict[str, Any]:
    if MANIFEST not in infos:
        raise BundleError(f"{name} is not a PartnerDesk bundle (it has no manifest). "
                          "Choose a file that ends in .partnerdesk.")
    raw = _read_member(archive, infos[MANIFEST], MAX_MANIFEST_BYTES, name)
    try:
        manifest = parse_json(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise BundleError(f"{name} has a damaged manifest. Ask the sender for a fresh "
                          "copy.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise BundleError(f"{name} is not a PartnerDesk bundle. Choose a file that ends in "
                          ".partnerdesk.")
    version = str(manifest.get("version", ""))
    match = re.match(r"^(\d+)\.(\d+)$", version)
    if match is None:
        raise BundleError(f"{name} has no readable format version. Ask the sender for a "
                          "fresh copy.")
    if int(match.group(1)) > FORMAT_MAJOR:
        raise BundleError(f"{name} was made by a newer PartnerDesk (bundle format "
                          f"{version}). Update PartnerDesk on this computer, then import "
                          "it again.")
    members = manifest.get("members")
    if not isinstance(members, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in members.items()):
        raise BundleError(f"{name} has a damaged manifest. Ask the sender for a fresh copy.")
    counter = manifest.get("counter", 0)
    if type(counter) is not int or not 0 <= counter < COUNTER_LIMIT:
        raise BundleError(f"{name} has a damaged manifest (its change counter is not a "
                          "whole number PartnerDesk can use). It was not imported; ask the "
                          "sender for a fresh copy.")
    return manifest


def _read_listed(archive: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo],
                 manifest: dict[str, Any], name: str, known: Known | None,
                 source: bytes | None, canonical: Collection[str] = ()) -> Bundle:
    """Every listed member, checked against its hash; record members are read a block at
    a time and their lines checked as they come (`_record_lines`), so a bundle is never
    held whole as text; a member whose hash does not match is refused when it ends,
    before the bundle is used."""
    listed: dict[str, str] = manifest["members"]
    missing = sorted(set(listed) - set(infos))
    if missing:
        raise BundleError(f"{name} is incomplete: {missing[0]} is missing. Ask the sender "
                          "for a fresh copy.")
    unlisted = sorted(set(infos) - set(listed) - {MANIFEST})
    if unlisted:
        raise BundleError(f"{name} holds a file its manifest does not list "
                          f"({unlisted[0]}). It was not imported.")
    bundle = Bundle(manifest=manifest)
    types_of: dict[str, str] = {}  # record id -> its type: one id names one record
    budget = MAX_TOTAL_BYTES
    for member, digest in listed.items():
        if member.startswith(RECORDS_DIR):
            record_type = member[len(RECORDS_DIR):-len(".jsonl")] \
                if member.endswith(".jsonl") else ""
            wanted = bool(TYPE_NAME.match(record_type)) and record_type in RECORD_TYPES
            budget -= _record_member(archive, infos[member], digest,
                                     min(budget, MAX_RECORDS_MEMBER), name,
                                     record_type if wanted else None, bundle, types_of, known,
                                     source if record_type != "attachment" else None,
                                     canonical)
            continue
        data = _read_member(archive, infos[member], budget, name)
        budget -= len(data)
        _check_digest(data, digest, member, name)
        if member.startswith(ATTACHMENTS_DIR):
            sha = member[len(ATTACHMENTS_DIR):]
            if not SHA256.match(sha) or sha256_hex(data) != sha:
                raise BundleError(f"{name} holds an attachment whose content does not match "
                                  "its name. It was not imported.")
            bundle.attachments[sha] = data
        # any other member: one a newer minor version added, listed, checked, not needed
    missing_bytes = record_check.attachment_digests(bundle.records.get("attachment", [])) \
        - bundle.attachments.keys()
    if missing_bytes:
        raise BundleError(f"{name} lists an attached file whose content it does not hold. "
                          "It was not imported; ask the sender to export it again.")
    return bundle


def _check_digest(data: bytes | Any, digest: str, member: str, name: str) -> None:
    found = data.hexdigest() if hasattr(data, "hexdigest") else sha256_hex(data)
    if found != digest.lower():
        raise BundleError(f"{name} was changed or damaged after it was made ({member} "
                          "does not match its checksum). Ask the sender for a fresh copy.")


def _record_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, digest: str, limit: int,
                   name: str, record_type: str | None, bundle: Bundle,
                   types_of: dict[str, str], known: Known | None,
                   data: bytes | None = None, canonical: Collection[str] = ()) -> int:
    """One records member into `bundle` (nothing of a type this version does not know);
    returns its size. Its hash is checked when it ends, before anything uses it. With
    `data` (the bundle's bytes: `read_bundle(stream=True)`), a line in the canonical
    layout is only noted (its number and id) and read again by `Bundle.parts`.

    A member whose every line is found to hash to the revision it carries (held lines
    here, streamed ones as `Bundle.parts` reads them) is noted in `Bundle.canonical`;
    one `canonical` lists already has its held lines taken without hashing each."""
    hasher = hashlib.sha256()
    size = 0
    lines: list[dict[str, Any]] = []
    held: dict[str, str] = {}
    seen: set[str] = set()
    numbers = array("q")  # streamed: the number of each line read later, and its id
    ids: list[str] = []
    # Attachments are always read in full: their hashes tell which bytes must be here.
    holds = known(record_type) if known is not None and record_type not in (
        None, "attachment") else {}
    marker = b',"type":"' + (record_type or "").encode() + b'"'
    stamps: dict[tuple[int, str], list[Any]] = {}
    key = canonical_key(record_type or "", digest)
    # The bytes were found before to hold only lines that hash to their revisions: if
    # these are those bytes (their hash is checked below, before anything is used), a
    # held line's hash is known.
    hashed = key in canonical

    unreadable = False  # the member's bytes themselves cannot be read

    def blocks() -> Iterator[bytes]:
        nonlocal size, unreadable
        try:
            for block in _member_blocks(archive, info, limit, name, hashed=True):
                size += len(block)
                hasher.update(block)
                yield block
        except BundleError:
            unreadable = True
            raise

    if record_type is None:  # a type this version does not know: checked, not read
        for _block in blocks():
            pass
        _check_digest(hasher, digest, info.filename, name)
        return size
    read = blocks()
    try:
        for number, raw in enumerate(_split_lines(read), start=1):
            head = _HEAD.match(raw) if holds or data is not None else None
            record_id = _held(raw, head, marker, holds, hashed) if holds and head else None
            if record_id is not None:
                held[record_id] = holds[record_id]
            elif data is not None and head is not None and _head_id(head) is not None:
                record_id = _head_id(head)
                numbers.append(number)
                ids.append(record_id)  # type: ignore[arg-type]
            elif raw and not raw.isspace():
                record_id = _full_line(raw, record_type, f"{info.filename} line {number}",
                                       name, lines, stamps)
            else:
                continue
            if record_id in seen or record_id in types_of:
                raise _problem(name, f"{info.filename} line {number}",
                               "the same record twice" if record_id in seen
                               else "the id of a record of another type")
            seen.add(record_id)
    except BundleError:
        if not unreadable:  # a line found wrong in bytes that may be damaged: if they
            for _block in read:  # are not the ones the manifest lists, that is what
                pass  # to tell (it says what to do about it)
            _check_digest(hasher, digest, info.filename, name)
        raise
    _check_digest(hasher, digest, info.filename, name)
    types_of.update(dict.fromkeys(seen, record_type))
    bundle.records[record_type] = lines
    if held:
        bundle.held[record_type] = held
    if data is not None:  # a held record is here already: not counted as arriving
        bundle.arriving[record_type] = seen - held.keys() if held else seen
        if ids:
            # noted as canonical once its streamed lines are read, if each hashes to its
            # revision (lines parsed at once, in another layout, never are)
            bundle.streamed[record_type] = functools.partial(
                _streamed_parts, data, info, name, record_type, numbers, ids,
                None if lines else functools.partial(bundle.canonical.__setitem__,
                                                     record_type, key))
            bundle.streamed_count[record_type] = len(ids)
    if not lines and not ids and held:  # every line held, each hashing to its revision
        bundle.canonical[record_type] = key
    return size


def _streamed_parts(data: bytes, info: zipfile.ZipInfo, name: str, record_type: str,
                    numbers: array, ids: list[str], all_by_text: Callable[[], None] | None,
                    size: int) -> Iterator[list[dict[str, Any]]]:
    """The lines `_record_member` noted, read again from the bundle's bytes and checked
    in full, `size` at a time. Each must hold the id noted for it (the canonical layout
    read at first; JSON takes the last of two "id" keys), else it is refused. Its
    revision is checked against its own text when it is in the canonical layout
    (`_text_rev`); the line is then marked with its number (`REV_BY_TEXT`) until
    `confirm_rev` or the state's own revision, as the writer computes it, shows that
    text is the canonical one (see `check_line`). `all_by_text` is called once every
    line has been read, if each was so marked."""
    stamps: dict[tuple[int, str], list[Any]] = {}
    marker = b',"type":"' + record_type.encode() + b'"'
    part: list[dict[str, Any]] = []
    wanted = iter(zip(numbers, ids, strict=True))
    number, record_id = next(wanted, (0, ""))
    by_text = all_by_text is not None
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for found, raw in enumerate(_split_lines(
                _member_blocks(archive, info, info.file_size, name, hashed=True)), start=1):
            if found != number:
                continue
            where = f"{info.filename} line {number}"
            if _full_line(raw, record_type, where, name, part, stamps, marker,
                          number) != record_id:
                raise _problem(name, where, "no valid id")
            by_text = by_text and REV_BY_TEXT in part[-1]
            if len(part) >= size:
                yield part
                part = []
                stamps = {}
            number, record_id = next(wanted, (0, ""))
            if not number:
                break
    if part:
        yield part
    if by_text and not number:
        all_by_text()  # type: ignore[misc]


def _split_lines(blocks: Iterator[bytes]) -> Iterator[bytes]:
    """Lines split at newlines only: a value may hold any other line separator (U+2028,
    a form feed), which canonical JSON writes as it is."""
    rest = b""
    for block in blocks:
        parts = block.split(b"\n")
        if rest:  # the line the block before ended in (not the whole block copied)
            parts[0] = rest + parts[0]
        rest = parts.pop()
        yield from parts
    if rest:
        yield rest


def _full_line(raw: bytes, record_type: str, where: str, name: str,
               lines: list[dict[str, Any]], stamps: dict[tuple[int, str], list[Any]],
               marker: bytes | None = None, number: int = 0) -> str:
    """A line parsed and checked in full, added to `lines`; returns its id. With
    `marker` (its type's, as `held_id` takes it: a streamed line), a line in the
    canonical layout has its revision checked against its text (`_text_rev`) and is
    marked `REV_BY_TEXT`."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _problem(name, where.rsplit(" line ", 1)[0], "not UTF-8 text") from error
    try:
        parsed = parse_json(text)
    except ValueError as error:
        raise _problem(name, where, "not JSON") from error
    by_text = _text_rev(raw, marker) if marker is not None else None
    line = check_line(parsed, record_type, where, name, _plain_text(raw), by_text)
    if by_text is not None and REV_BY_TEXT in line:
        line[REV_BY_TEXT] = number
    # Shared strings also make the writer's dictionaries quicker: a field name that is
    # the very string a lookup uses is found without comparing its characters.
    lines.append(_shared(line, stamps))
    return str(line["id"])


def _shared(line: dict[str, Any], stamps: dict[tuple[int, str], list[Any]]) -> dict[str, Any]:
    """The line with one string object for each field name and device id, however many
    records name them: a JSON reader makes a new one for every occurrence, which is most
    of a large bundle's memory once parsed (15 stamps a contact, each naming a device)."""
    intern = sys.intern
    line["values"] = {intern(key): value for key, value in line["values"].items()}
    # A stamp without a context is one list for all the fields one write set: stamp
    # lists are never changed in place (a merge makes new ones).
    line["stamps"] = {intern(key): stamps.setdefault((stamp[0], stamp[1]), [
                          stamp[0], intern(stamp[1])]) if len(stamp) == 2
                      else [stamp[0], intern(stamp[1]), stamp[2]]
                      for key, stamp in line["stamps"].items()}
    line["vv"] = {intern(key): value for key, value in line["vv"].items()}
    if line["delete_ctx"]:
        line["delete_ctx"] = {intern(key): value for key, value in line["delete_ctx"].items()}
    return line


# The start of a canonical line up to its stamps: the deletion context (a flat object, so
# its first `}` ends it), then the id and revision (group 1, taken out for the hash).
_HEAD = re.compile(rb'\{"delete_ctx":\{[^}]*\}(,"id":"([^"\\]{1,200})","rev":"([0-9a-f]{32})")'
                   rb'(?=,"stamps":\{)')
_VALUES = b',"values":{'


def _head_id(head: re.Match[bytes]) -> str | None:
    try:
        return head.group(2).decode("utf-8")
    except UnicodeDecodeError:
        return None


def _hashes_to(raw: bytes, head: re.Match[bytes], type_marker: bytes, rev: str) -> bool:
    """Whether the line without its id, revision and type (the text a revision
    hashes, `held_id`) hashes to `rev`."""
    after = head.end()
    kind = raw.find(type_marker, after)
    if kind < 0 or raw.find(_VALUES, after) != kind + len(type_marker):
        return False
    payload = hashlib.sha256(raw[:head.start(1)])
    payload.update(raw[after:kind])
    payload.update(raw[kind + len(type_marker):])
    return payload.hexdigest()[:32] == rev


def _text_rev(raw: bytes, type_marker: bytes) -> tuple[str, str] | None:
    """(id, revision) of a line in the canonical layout whose text hashes to the
    revision it carries; else None."""
    head = _HEAD.match(raw)
    if head is None:
        return None
    record_id = _head_id(head)
    rev = head.group(3).decode("ascii")
    if record_id is None or not _hashes_to(raw, head, type_marker, rev):
        return None
    return record_id, rev


def _held(raw: bytes, head: re.Match[bytes], type_marker: bytes,
          holds: Mapping[str, str], hashed: bool = False) -> str | None:
    """`held_id` of a line whose head is matched; `hashed`: its member's bytes are known
    to hold only lines that hash to their revisions (`canonical_key`)."""
    record_id = _head_id(head)
    if record_id is None:
        return None
    rev = head.group(3).decode("ascii")
    if holds.get(record_id) != rev:
        return None
    return record_id if hashed or _hashes_to(raw, head, type_marker, rev) else None


def held_id(raw: bytes, type_marker: bytes, holds: Mapping[str, str]) -> str | None:
    """The record id when a line is a state this laptop holds, byte for byte; else None.

    A line is canonical JSON: `{"delete_ctx":{…},"id":"…","rev":"…","stamps":{…},
    "type":"…","values":{…},"vv":{…}}`. Without its id, revision and type it is the text
    its revision hashes; when that text hashes to the revision held here for the id, it
    is the held state (a line whose content was changed under its old revision hashes to
    something else). The id and revision must sit right after the deletion context and
    the type right before the top-level values (the first `,"values":{`: no stamp or
    vector holds an object under a key), so the line reads as exactly that state with
    its id, revision and type. Anything not exactly so is parsed and checked in full, as
    before: this never refuses a line, and accepts only what a full check would find
    unchanged.
    """
    found = _HEAD.match(raw)
    return None if found is None else _held(raw, found, type_marker, holds)


def _problem(name: str, where: str, what: str) -> BundleError:
    return BundleError(f"{name} holds a record that cannot be read ({where}: {what}). "
                       "It was not imported; ask the sender for a fresh copy.")


def _vector(value: Any, plain: bool = False) -> bool:
    """A version vector: device ids (short text) to counters. With `plain` (the line
    holds no \\u escape: `_plain_text`) its texts need no `text_problem` check."""
    if not isinstance(value, dict) or len(value) > MAX_VECTOR:
        return False
    for device, counter in value.items():
        # `type() is int` (not isinstance) refuses True and False, which JSON reads as bools
        if type(device) is not str or len(device) > 64 or type(counter) is not int \
                or counter < 0 or counter > MAX_COUNTER or (not plain and text_problem(device)):
            return False
    return True


def _stamps(value: Any, plain: bool = False) -> bool:
    """Every stamp a `[counter, device]` pair, or `[counter, device, context]` with the
    write's context a version vector; checked for each field of each record, so written
    as one plain loop (a third faster than `all()` over a generator). With `plain` (see
    `_vector`) the field names and device ids need no `text_problem` check."""
    if not isinstance(value, dict):
        return False
    for name, stamp in value.items():
        if type(name) is not str or type(stamp) is not list or not 2 <= len(stamp) <= 3:
            return False
        counter, device = stamp[0], stamp[1]
        if type(counter) is not int or counter < 0 or counter > MAX_COUNTER \
                or type(device) is not str or len(device) > 64 or len(name) > 100 \
                or (not plain and (text_problem(device) or text_problem(name))):
            return False
        if len(stamp) == 3 and (not stamp[2] or not _vector(stamp[2], plain)):
            return False
    return True


def _plain_text(raw: bytes | str) -> bool:
    """Whether no text in a line read as UTF-8 can hold what `text_problem` refuses: a
    NUL or an unpaired surrogate only get into JSON text as a \\u escape (valid UTF-8
    holds no surrogate, and JSON holds no raw control character), so a line without a
    backslash followed by "u" holds neither. Anything else is checked text by text."""
    return (b"\\u" if isinstance(raw, bytes) else "\\u") not in raw


# A streamed line whose revision was checked against its own text (`_text_rev`) only:
# the line's number. That text is the canonical JSON of the line's state, and so the
# revision that state's, when the state's revision computed from its canonical JSON is
# the same (the writer computes it as it stores the record); `confirm_rev` checks it in
# full otherwise. A text in another layout that hashes to the revision it carries is
# refused there as any revision that is not its state's.
REV_BY_TEXT = "rev_by_text"


def confirm_rev(line: dict[str, Any], record_type: str, name: str) -> None:
    """The full revision check of a line marked `REV_BY_TEXT` (then unmarked)."""
    number = line.pop(REV_BY_TEXT, None)
    if number is None:
        return
    if line["rev"] != compute_rev(line["values"], line["stamps"], line["vv"],
                                  line["delete_ctx"]):
        raise _problem(name, f"{record_member(record_type)} line {number}",
                       "its revision does not match its content (changed after it was "
                       "made)")


def check_line(line: Any, record_type: str, where: str, name: str,
               plain: bool = False, by_text: tuple[str, str] | None = None) -> dict[str, Any]:
    """A parsed line checked in shape and revision; with `plain` (`_plain_text` of the
    line's text) its ids, field names and device ids need no `text_problem` check. With
    `by_text` (`_text_rev`: the id and revision its text hashes to), when the parsed line
    holds them, the revision is left to `confirm_rev` (the line is marked
    `REV_BY_TEXT`)."""
    if not isinstance(line, dict):
        raise _problem(name, where, "not a record")
    record_id = line.get("id")
    if not isinstance(record_id, str) or not 0 < len(record_id) <= 36 \
            or (not plain and text_problem(record_id)):
        raise _problem(name, where, "no valid id")
    if not isinstance(line.get("values"), dict):
        raise _problem(name, where, "no field values")
    if not _stamps(line.get("stamps", {}), plain):
        raise _problem(name, where, "damaged stamps")
    if not _vector(line.get("vv", {}), plain) or not _vector(line.get("delete_ctx", {}), plain):
        raise _problem(name, where, "damaged version information")
    checked = {"type": record_type, "id": record_id, "values": line["values"],
               "stamps": line.get("stamps", {}), "vv": line.get("vv", {}),
               "delete_ctx": line.get("delete_ctx", {}), "rev": line.get("rev")}
    if not isinstance(checked["rev"], str):
        raise _problem(name, where, "no revision")
    by_text = by_text is not None and by_text == (record_id, checked["rev"])
    try:
        record_check.check_line(record_type, checked, rev=not by_text)
    except record_check.ShapeProblem as problem:
        raise _problem(name, where, str(problem)) from None
    if by_text:
        checked[REV_BY_TEXT] = 0
    return checked
