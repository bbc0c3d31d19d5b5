"""conflicts say which side won here: this laptop's value, or the one that arrived

An import now lists a clash whichever side won (SHARING.md property 4). Conflicts
listed before this step were all values this laptop lost, so they read as such.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 13:45:08.914755
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kept_here', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.drop_column('kept_here')
