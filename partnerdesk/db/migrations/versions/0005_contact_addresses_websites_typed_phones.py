"""contacts: department, postal addresses, websites; phones typed with an extension

Existing contacts get an empty department, no addresses and no websites, and every
phone becomes the typed shape `records.Contact` describes: a bare string becomes a work
phone, a number kept as typed with its extension on the end ("555-0101 ext. 42") is
split into the number and the extension, and every entry gets an `extension` key. Only
the text is moved, never dropped. Revisions are recomputed, since they hash every field
value: the same state gives the same revision on every laptop that migrated it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 06:55:34.224175
"""
import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A copy of validation.EXTENSION as it was when this step was written: a migration keeps
# its own rules, so a later change of the live rule cannot change what it did.
EXTENSION = re.compile(
    r"^(?P<number>.*\d.*?)\s*(?:[,;]\s*)?(?:ext(?:ension)?\.?\s*[:=]?|x|#)\s*"
    r"(?P<extension>\d{1,10})\s*$", re.IGNORECASE)

# The contacts table's user fields at this revision, with their types (what the revision
# hashes); bookkeeping columns apart.
CONTACTS = sa.table(
    "contacts", sa.column("id", sa.String), sa.column("rev", sa.String),
    sa.column("stamps", sa.JSON), sa.column("vv", sa.JSON), sa.column("delete_ctx", sa.JSON),
    sa.column("name", sa.String), sa.column("role", sa.String),
    sa.column("organization_id", sa.String), sa.column("department", sa.String),
    sa.column("emails", sa.JSON), sa.column("phones", sa.JSON),
    sa.column("addresses", sa.JSON), sa.column("websites", sa.JSON),
    sa.column("preferred_contact", sa.String), sa.column("tags", sa.JSON),
    sa.column("notes", sa.String), sa.column("internal_notes", sa.String),
    sa.column("share_ok", sa.Boolean), sa.column("last_contacted", sa.Date))
BOOKKEEPING = ("id", "rev", "stamps", "vv", "delete_ctx")


def typed_phone(entry: Any) -> dict[str, Any]:
    """One stored phone in the typed shape, with nothing of its text lost."""
    if not isinstance(entry, dict):
        entry = {"number": "" if entry is None else str(entry), "kind": "work"}
    typed = dict(entry)
    number = str(typed.get("number") or "").strip()
    extension = str(typed.get("extension") or "").strip()
    found = EXTENSION.match(number)
    if found and not extension:
        number, extension = found.group("number").strip(), found.group("extension")
    typed.update(number=number, kind=typed.get("kind") or "work", extension=extension)
    return typed


def upgrade() -> None:
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('department', sqlmodel.sql.sqltypes.AutoString(
            length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column('addresses', sa.JSON(), nullable=False,
                                      server_default="[]"))
        batch_op.add_column(sa.Column('websites', sa.JSON(), nullable=False,
                                      server_default="[]"))
    # The one definition of a revision: every laptop must compute the same one.
    from partnerdesk.services.versioning import compute_rev

    connection = op.get_bind()
    rows = connection.execute(sa.select(CONTACTS)).mappings().all()
    for row in rows:
        values = {name: row[name] for name in row.keys() if name not in BOOKKEEPING}
        phones = row["phones"] if isinstance(row["phones"], list) else (
            [] if row["phones"] is None else [row["phones"]])
        values["phones"] = [typed_phone(entry) for entry in phones]
        rev = compute_rev(values, dict(row["stamps"] or {}), dict(row["vv"] or {}),
                          dict(row["delete_ctx"] or {}))
        connection.execute(CONTACTS.update().where(CONTACTS.c.id == row["id"]).values(
            phones=values["phones"], rev=rev))


def downgrade() -> None:
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_column('websites')
        batch_op.drop_column('addresses')
        batch_op.drop_column('department')
