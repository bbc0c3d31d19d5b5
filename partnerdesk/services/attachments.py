"""Attachments: the bytes stored once under their SHA-256, a row linking them to a record."""

import contextlib
import hashlib
import mimetypes
import os
import shutil
from pathlib import Path
from typing import Any

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
    def folder(self) -> Path:
        return attachments_dir(self.store.path)

    def blob_path(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / sha256

    def store_bytes(self, data: bytes) -> str:
        """Keep bytes under their hash (written whole, then renamed into place)."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.blob_path(digest)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_suffix(".partial")
            with open(temporary, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
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
        digest = sha256_of(source)
        target = self.blob_path(digest)
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
        """Copy a file into the data folder: the values of an attachment row for it, and
        whether its bytes are new to the folder (a save that fails takes them out again)."""
        source = Path(source)
        digest, size, new = self.copy_in(source)
        media_type = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        return ({"filename": source.name, "sha256": digest, "size": size,
                 "media_type": media_type}, new)

    def forget_bytes(self, sha256: str) -> None:
        """Take out bytes stored for a save that then failed (no row links to them)."""
        self.blob_path(sha256).unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # the folder goes only when empty
            self.blob_path(sha256).parent.rmdir()

    def attach(self, record_type: str, record_id: str, source: Path) -> r.Attachment:
        """Copy a file into the data folder and link it to a record."""
        values, _new = self.file_values(Path(source))
        return self.create(record_type=record_type, record_id=record_id, **values)

    def for_record(self, record_id: str) -> list[r.Attachment]:
        return self.list(where={"record_id": record_id}, order_by="filename")

    def path_of(self, attachment: r.Attachment) -> Path:
        return self.blob_path(attachment.sha256)
