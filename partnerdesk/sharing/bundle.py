"""The bundle file: a zip with a manifest, records as JSON Lines, attachments by hash.

    manifest.json              format name and version, made when / by which device and
                               organization, the device's counter, scope, counts per
                               record type, and the SHA-256 of every other member
    records/<type>.jsonl       one record per line, sorted by id
    attachments/<sha256>       the bytes of each attached file, named by their hash

A record line holds only what every laptop agrees on: the record type, id, field
values, `stamps`, `vv`, `delete_ctx` and `rev`. `created_at`, `updated_at` and `origin`
are this laptop's own bookkeeping and do not travel: an importing laptop sets
`created_at`/`updated_at` to when the record reached it and `origin` to the device of
the record's newest stamp. So exporting, importing into an empty database and
exporting again gives byte-identical record files.

Lines are canonical JSON (sorted keys, no spaces, UTF-8), so the same records always
give the same bytes.
"""

import contextlib
import errno
import hashlib
import io
import itertools
import os
import queue
import threading
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from partnerdesk.errors import PartnerDeskError
from partnerdesk.services.versioning import canonical_json
from partnerdesk.sharing import seal

FORMAT_NAME = "partnerdesk-bundle"
FORMAT_MAJOR = 1
FORMAT_MINOR = 0
SUFFIX = ".partnerdesk"
MANIFEST = "manifest.json"
RECORDS_DIR = "records/"
ATTACHMENTS_DIR = "attachments/"


@dataclass
class Bundle:
    """A bundle's content, checked and parsed (see `limits.read_bundle`)."""

    manifest: dict[str, Any]
    # record type -> record lines (dicts with type, id, values, stamps, vv, delete_ctx, rev)
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    attachments: dict[str, bytes] = field(default_factory=dict)  # sha256 -> bytes
    # record type -> {id: rev}: lines that were, byte for byte, a state this laptop held
    # when the bundle was read (`limits.read_file(known=…)`), counted but not parsed
    held: dict[str, dict[str, str]] = field(default_factory=dict)
    # the same bundle read again in full, for when a held record changed here since
    reread: Callable[[], "Bundle"] | None = field(default=None, repr=False)
    # record type -> its lines read again from the bundle's bytes a part at a time,
    # each checked as it comes (`limits.read_bundle(stream=True)`): lines not held in
    # `records`, so that a large bundle is never held whole once parsed
    streamed: dict[str, Callable[[int], Iterator[list[dict[str, Any]]]]] = field(
        default_factory=dict, repr=False)
    streamed_count: dict[str, int] = field(default_factory=dict)  # record type -> lines
    # record type -> the id of every record of that type the bundle holds but held ones,
    # when streamed
    arriving: dict[str, set[str]] = field(default_factory=dict, repr=False)
    # record type -> `limits.canonical_key` of its member, when every line of it was
    # found to hash to the revision it carries (streamed ones once `parts` read them)
    canonical: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def device_id(self) -> str:
        return str(self.manifest.get("device_id", ""))

    @property
    def organization(self) -> str:
        return str(self.manifest.get("organization", ""))

    @property
    def counter(self) -> int:
        value = self.manifest.get("counter", 0)
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    def record_count(self) -> int:
        return sum(len(lines) for lines in self.records.values()) \
            + sum(len(ids) for ids in self.held.values()) + sum(self.streamed_count.values())

    def record_types(self) -> set[str]:
        """The record types whose lines this bundle holds (held or not)."""
        return {*self.records, *self.streamed, *self.held}

    def parts(self, record_type: str, size: int) -> Iterator[list[dict[str, Any]]]:
        """The lines of a type that are not held (`held`), at most `size` at a time;
        streamed ones are read and checked as they come (a damaged one raises
        `limits.BundleError`)."""
        lines = self.records.get(record_type) or []
        for start in range(0, len(lines), size):
            yield lines[start:start + size]
        read = self.streamed.get(record_type)
        if read is not None:
            yield from read(size)

    def lines(self, record_type: str) -> list[dict[str, Any]]:
        """Every line of a type that is not held, read whole."""
        return [line for part in self.parts(record_type, 5_000) for line in part]

    def ids(self, record_type: str) -> Collection[str]:
        """The ids of the records of a type the bundle holds, but held ones."""
        if record_type in self.arriving:
            return self.arriving[record_type]
        return {line["id"] for line in self.records.get(record_type) or ()}


def record_member(record_type: str) -> str:
    return f"{RECORDS_DIR}{record_type}.jsonl"


def attachment_member(sha256: str) -> str:
    return f"{ATTACHMENTS_DIR}{sha256}"


def encode_lines(lines: list[dict[str, Any]]) -> bytes:
    """Record lines as canonical JSON Lines, sorted by id."""
    ordered = sorted(lines, key=lambda line: line["id"])
    return "".join(canonical_json(line) + "\n" for line in ordered).encode("utf-8")


def line_text(line: dict[str, Any]) -> bytes:
    """One record line as the bundle holds it (canonical JSON, without its newline)."""
    return canonical_json(line).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_zip(manifest: dict[str, Any], records: dict[str, bytes],
              attachments: dict[str, bytes]) -> bytes:
    """The zip bytes; `manifest` gets the member hashes and is written last-computed."""
    members: dict[str, bytes] = {record_member(t): data for t, data in sorted(records.items())}
    members.update({attachment_member(sha): data for sha, data in sorted(attachments.items())})
    manifest = {**manifest, "members": {name: sha256_hex(data)
                                        for name, data in members.items()}}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, canonical_json(manifest).encode("utf-8"))
        for name, data in members.items():
            # attachments are usually compressed already (PDF, images)
            method = zipfile.ZIP_STORED if name.startswith(ATTACHMENTS_DIR) \
                else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
    return buffer.getvalue()


class BundleWriter:
    """A bundle written member by member into a file beside the target, then renamed
    into place (`write_file`'s promise: never half a bundle, nothing left behind).

    Record lines are written as they come, so a large export never holds its bundle;
    the manifest, which lists every member's hash, comes last in the zip (readers find
    members by name). A sealed bundle is sealed whole once the zip is complete."""

    BLOCK = 1 << 20  # bytes of lines handed to the compressor at a time
    # zlib's fastest level: twice as fast as its default (6) on record lines, for a file
    # about a fifth bigger (12.5 instead of 10.4 MB for 100,000 contacts)
    LEVEL = 1

    def __init__(self, target: Path, sealed: bool = False) -> None:
        self.target = target
        self.sealed = sealed
        self.temporary = target.with_name(target.name + ".partial")
        self.members: dict[str, str] = {}
        self.handle: Any = None
        self.archive: zipfile.ZipFile | None = None

    def __enter__(self) -> "BundleWriter":
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            self.handle = open(self.temporary, "w+b")  # noqa: SIM115 - closed in __exit__
            self.archive = zipfile.ZipFile(self.handle, "w", compression=zipfile.ZIP_DEFLATED,
                                           compresslevel=self.LEVEL)
        except OSError as error:
            self._discard()
            raise _write_error(self.target, error) from error
        return self

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        if kind is not None:
            self._discard()
            if isinstance(error, OSError):
                raise _write_error(self.target, error) from error

    def _discard(self) -> None:
        with contextlib.suppress(Exception):
            if self.archive is not None:
                self.archive.close()
        with contextlib.suppress(Exception):
            if self.handle is not None:
                self.handle.close()
        with contextlib.suppress(OSError):
            self.temporary.unlink(missing_ok=True)

    def add_records(self, record_type: str, lines: Iterable[bytes]) -> int:
        """The lines (already in id order) as the type's record file; returns how many
        (a type without lines gets no file). The lines are hashed, compressed and
        written a block at a time on a thread beside the one making them (`_Beside`)."""
        assert self.archive is not None
        found = iter(lines)
        first = next(found, None)
        if first is None:
            return 0
        name = record_member(record_type)
        digest = hashlib.sha256()
        count = 0
        with self.archive.open(name, "w") as member:
            beside = _Beside(member, digest)
            try:
                pending: list[bytes] = []
                size = 0
                for line in itertools.chain((first,), found):
                    pending.append(line)
                    size += len(line)
                    count += 1
                    if size >= self.BLOCK:
                        beside.put(pending)
                        pending, size = [], 0
                if pending:
                    beside.put(pending)
            except BaseException:
                beside.close(raising=False)  # the caller's error is the one to tell
                raise
            beside.close()
        self.members[name] = digest.hexdigest()
        return count

    def add_attachment(self, sha256: str, data: bytes) -> None:
        assert self.archive is not None
        name = attachment_member(sha256)
        # attachments are usually compressed already (PDF, images)
        self.archive.writestr(name, data, compress_type=zipfile.ZIP_STORED)
        self.members[name] = sha256_hex(data)

    def finish(self, manifest: dict[str, Any], passphrase: str | None = None) -> None:
        """The manifest with every member's hash, then the file in place of the target."""
        assert self.archive is not None
        listed = {**manifest, "members": dict(sorted(self.members.items()))}
        self.archive.writestr(MANIFEST, canonical_json(listed).encode("utf-8"))
        self.archive.close()
        self.archive = None
        if passphrase is not None:
            self.handle.seek(0)
            sealed = seal.seal(self.handle.read(), passphrase)
            self.handle.seek(0)
            self.handle.truncate()
            self.handle.write(sealed)
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        self.handle = None
        os.replace(self.temporary, self.target)


class _Beside:
    """A record file's blocks of lines joined, hashed, compressed and written on a thread
    of its own, while the caller makes the next lines: zlib and SHA-256 let go of
    Python's lock while they work, so on a second core they take (nearly) no time from
    the lines' encoding. The blocks are written in the order they come; an error the
    thread meets (a full disk) is raised in the caller's thread, at its next block or
    at `close`, which waits for every block given."""

    def __init__(self, member: Any, digest: Any) -> None:
        self.member = member
        self.digest = digest
        self.error: BaseException | None = None
        self.blocks: queue.Queue[list[bytes] | None] = queue.Queue(maxsize=2)
        self.thread = threading.Thread(target=self._run, name="bundle-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (pending := self.blocks.get()) is not None:
            if self.error is not None:
                continue  # taken off the queue, so the caller never waits for room
            try:
                pending.append(b"")  # each line ends with a newline
                data = b"\n".join(pending)
                self.digest.update(data)
                self.member.write(data)
            except BaseException as error:  # noqa: BLE001 - raised in the caller's thread
                self.error = error

    def put(self, pending: list[bytes]) -> None:
        if self.error is not None:
            raise self.error
        self.blocks.put(pending)

    def close(self, raising: bool = True) -> None:
        """Wait for every block; raise the thread's error, if it met one."""
        self.blocks.put(None)
        self.thread.join()
        if raising and self.error is not None:
            raise self.error


def _write_error(target: Path, error: OSError) -> PartnerDeskError:
    reason = ("the disk is full" if error.errno in (errno.ENOSPC, errno.EDQUOT)
              else error.strerror or "it cannot be written")
    return PartnerDeskError(f"Could not write {target}: {reason}. Nothing was exported; "
                            "free some space or choose another folder.")


def write_file(target: Path, data: bytes) -> None:
    """Written whole beside the target, then renamed into place: never half a bundle, and
    nothing left behind when the disk is full or the folder cannot be written."""
    temporary = target.with_name(target.name + ".partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        reason = ("the disk is full" if error.errno in (errno.ENOSPC, errno.EDQUOT)
                  else error.strerror or "it cannot be written")
        raise PartnerDeskError(f"Could not write {target}: {reason}. Nothing was exported; "
                               "free some space or choose another folder.") from error


def read_record_members(path: Path) -> dict[str, bytes]:
    """The raw record files of an unsealed bundle (tests compare them across round trips)."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()
                if name.startswith(RECORDS_DIR)}
