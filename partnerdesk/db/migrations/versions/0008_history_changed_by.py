"""history: who made each change (the person's role on an office database)

Earlier entries name nobody (an empty text): they were made on one laptop.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 14:20:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('history', schema=None) as batch_op:
        batch_op.add_column(sa.Column('changed_by', sqlmodel.sql.sqltypes.AutoString(length=80),
                                      nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('history', schema=None) as batch_op:
        batch_op.drop_column('changed_by')
