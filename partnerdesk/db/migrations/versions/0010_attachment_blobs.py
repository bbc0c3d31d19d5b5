"""attachment bytes in the database, for an office database on a server

A file keeps attachment bytes in files beside it; an office database is shared by
several computers, so it keeps them in this table (`db.blobs`). Empty in a file.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 21:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'attachment_blobs',
        sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('sha256'),
    )


def downgrade() -> None:
    op.drop_table('attachment_blobs')
