"""Attachments: the bytes stored once under their SHA-256, a row linking them to a record.

Where the bytes live depends on the database. A file keeps them in a folder beside it
(`paths.attachments_dir`), one file per hash. An office database on a server is shared
by several computers, so it keeps them in a table inside the database (`db.blobs`);
on each computer a copy is made in a folder of its own only when a file must be opened
by another program (`path_of`). Everything else reads the bytes with `read_bytes`,
which hands out only bytes that still match their hash.
"""

import contextlib
import hashlib
import mimetypes
import os
import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from partnerdesk.db import blobs
from partnerdesk.db import records as r
from partnerdesk.errors import PartnerDeskError
from partnerdesk.paths import attachments_dir
from partnerdesk.services.records import RecordService

MAX_ATTACHMENT_BYTES = 200 * 1024 * 1024


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class AttachmentService(RecordService[r.Attachment]):
    @property
    def in_database(self) -> bool:
        """True on an office database: the bytes are in its `attachment_blobs` table."""
        return self.store.address is not None

    @property
    def folder(self) -> Path:
        """The folder of attachment files: a file's own store, or on an office database
        this computer's copies of files opened from it."""
        return attachments_dir(self.store.path)

    def _file_path(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / sha256

    def blob_path(self, sha256: str) -> Path:
        """A file holding the bytes stored under `sha256` (on an office database, a copy
        made here from the database; it may not exist when the bytes are not stored)."""
        target = self._file_path(sha256)
        if self.in_database and not target.is_file():
            data = self.read_bytes(sha256)
            if data is not None:
                _write_whole(target, data)
        return target

    def read_bytes(self, sha256: str) -> bytes | None:
        """The stored bytes of `sha256`, or None when they are missing here or no longer
        match their hash. `sha256` names stored bytes, never a path: anything but 64
        hexadecimal digits is refused."""
        if not isinstance(sha256, str) or not blobs.SHA256.match(sha256):
            return None
        if self.in_database:
            with self.store.read() as session:
                return blobs.get(session.connection(), sha256)
        target = self._file_path(sha256)
        try:
            if not target.resolve().is_relative_to(self.folder.resolve()) or \
                    not target.is_file():
                return None
            data = target.read_bytes()
        except OSError:
            return None
        return data if hashlib.sha256(data).hexdigest() == sha256 else None

    def has_bytes(self, sha256: str) -> bool:
        if self.in_database:
            with self.store.read() as session:
                return blobs.has(session.connection(), sha256)
        return self._file_path(sha256).is_file()

    def store_bytes(self, data: bytes, connection: Connection | None = None) -> str:
        """Keep bytes under their hash. On an office database they go into the database,
        in `connection`'s transaction when given (an import's: a rollback takes them
        back), else in one of their own; in a file's folder they are written whole, then
        renamed into place."""
        digest = hashlib.sha256(data).hexdigest()
        if self.in_database:
            if connection is not None:
                blobs.put(connection, digest, data)
            else:
                with self.store.write() as writer:
                    blobs.put(writer.session.connection(), digest, data)
            return digest
        target = self._file_path(digest)
        if not target.exists():
            _write_whole(target, data)
        return digest

    def copy_in(self, source: Path) -> tuple[str, int, bool]:
        """Keep a file's bytes under their hash: (hash, size, whether they are new here)."""
        if not source.is_file():
            raise PartnerDeskError(f"There is no file at {source}. Choose an existing file.")
        size = source.stat().st_size
        if size > MAX_ATTACHMENT_BYTES:
            raise PartnerDeskError(
                f"{source.name} is {size / 1e6:.0f} MB; attachments can be up to "
                f"{MAX_ATTACHMENT_BYTES / 1e6:.0f} MB. Attach a smaller copy.")
        if self.in_database:
            data = source.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            with self.store.write() as writer:
                new = blobs.put(writer.session.connection(), digest, data)
            return digest, len(data), new
        digest = sha256_of(source)
        target = self._file_path(digest)
        if target.exists():
            return digest, size, False
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".partial")
        shutil.copyfile(source, temporary)
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
        return digest, size, True

    def file_values(self, source: Path) -> tuple[dict[str, Any], bool]:
        """Copy a file into the attachment store: the values of an attachment row for it,
        and whether its bytes are new there (a save that fails takes them out again)."""
        source = Path(source)
        digest, size, new = self.copy_in(source)
        media_type = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        return ({"filename": source.name, "sha256": digest, "size": size,
                 "media_type": media_type}, new)

    def forget_bytes(self, sha256: str) -> None:
        """Take out bytes stored for a save that then failed (no row links to them)."""
        if self.in_database:
            with self.store.write() as writer:
                blobs.forget_unused(writer.session.connection(), sha256)
            return
        self._file_path(sha256).unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # the folder goes only when empty
            self._file_path(sha256).parent.rmdir()

    def attach(self, record_type: str, record_id: str, source: Path) -> r.Attachment:
        """Copy a file into the attachment store and link it to a record."""
        values, _new = self.file_values(Path(source))
        return self.create(record_type=record_type, record_id=record_id, **values)

    def for_record(self, record_id: str) -> list[r.Attachment]:
        return self.list(where={"record_id": record_id}, order_by="filename")

    def path_of(self, attachment: r.Attachment) -> Path:
        return self.blob_path(attachment.sha256)


def _write_whole(target: Path, data: bytes) -> None:
    """Write a file whole, then rename it into place (never a half-written file)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".partial")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, target)
