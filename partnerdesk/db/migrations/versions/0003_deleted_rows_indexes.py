"""partial indexes of deleted rows, for the Trash and live counts; contacts list lookups

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 23:24:40.767863
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "action_items",
    "agreement_parties",
    "agreements",
    "attachments",
    "categories",
    "community_needs",
    "contacts",
    "indicators",
    "measurements",
    "meeting_attendees",
    "meetings",
    "milestones",
    "need_resource_links",
    "not_duplicates",
    "obligations",
    "organizations",
    "partnership_members",
    "partnership_reviews",
    "partnerships",
    "referral_counts",
    "referral_pathways",
    "resources",
    "signatories",
    "tags",
)


def upgrade() -> None:
    for table in TABLES:
        op.create_index(f"ix_{table}_deleted_rows", table, ["updated_at"], unique=False,
                        sqlite_where=sa.text("deleted = 1"))
    op.create_index("ix_contacts_list_lookup", "contacts",
                    ["id", "deleted", "name", "role", "last_contacted"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_contacts_list_lookup", table_name="contacts")
    for table in TABLES:
        op.drop_index(f"ix_{table}_deleted_rows", table_name=table)
