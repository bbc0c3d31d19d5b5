"""Attachment bytes kept inside an office database on a server.

A laptop's file keeps each attachment's bytes in a file beside the database, named by
its SHA-256 (`services.attachments`). An office database is reached from several
computers, so a file on one of them is no use to the others: there the bytes go into
this table, one row per content hash, shared by every record that links to them (an
attachment row or an organization's logo). The table exists on both engines (one
schema) and stays empty in a file.
"""

import hashlib
import re

from sqlalchemy import Connection, LargeBinary, func, select, text
from sqlmodel import Field, SQLModel

SHA256 = re.compile(r"^[0-9a-f]{64}$")


class AttachmentBlob(SQLModel, table=True):
    """The bytes of one attachment (or logo), stored once under their hash."""

    __tablename__ = "attachment_blobs"

    sha256: str = Field(primary_key=True, max_length=64)
    size: int = 0
    data: bytes = Field(sa_type=LargeBinary)


def has(connection: Connection, digest: str) -> bool:
    table = AttachmentBlob.__table__  # type: ignore[attr-defined]
    return connection.execute(
        select(func.count()).select_from(table).where(table.c.sha256 == digest)
    ).scalar_one() > 0


def get(connection: Connection, digest: str) -> bytes | None:
    """The bytes stored under `digest`, or None when they are not here or no longer match
    their hash (a damaged row is never handed out as the file)."""
    if not SHA256.match(digest or ""):
        return None
    table = AttachmentBlob.__table__  # type: ignore[attr-defined]
    data = connection.execute(select(table.c.data).where(table.c.sha256 == digest)).scalar()
    if data is None:
        return None
    data = bytes(data)
    return data if hashlib.sha256(data).hexdigest() == digest else None


def put(connection: Connection, digest: str, data: bytes) -> bool:
    """Keep `data` under `digest` (already checked by the caller); False when the same
    bytes were here already. Two people attaching one file at once both succeed."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        statement = pg_insert(AttachmentBlob).values(
            sha256=digest, size=len(data), data=data).on_conflict_do_nothing()
        return bool(connection.execute(statement).rowcount)
    if has(connection, digest):
        return False
    from sqlalchemy import insert

    connection.execute(insert(AttachmentBlob).values(sha256=digest, size=len(data), data=data))
    return True


def forget_unused(connection: Connection, digest: str) -> None:
    """Take out bytes no attachment row and no logo links to (a save that failed)."""
    from sqlalchemy import delete, exists

    from partnerdesk.db.records import Attachment, Organization

    table = AttachmentBlob.__table__  # type: ignore[attr-defined]
    linked = Attachment.__table__.c.sha256  # type: ignore[attr-defined]
    logo = Organization.__table__.c.logo_sha256  # type: ignore[attr-defined]
    connection.execute(delete(AttachmentBlob).where(
        table.c.sha256 == digest, ~exists().where(linked == digest),
        ~exists().where(logo == digest)))


def verified_hashes(connection: Connection) -> dict[str, bool]:
    """Every stored hash, and whether its bytes still hash to it (the server computes it:
    the bytes never cross the network for this)."""
    rows = connection.execute(text(
        "SELECT sha256, encode(sha256(data), 'hex') = sha256 FROM attachment_blobs"))
    return {digest: bool(good) for digest, good in rows}
