"""search finds the obligations of agreements: index the ones already recorded

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 07:30:00.000000
"""
from collections.abc import Sequence

from alembic import op

from partnerdesk.db import search_index

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Data only: obligations written from now on are indexed by the store.
    connection = op.get_bind()
    rows = connection.exec_driver_sql(
        "SELECT id, description, frequency FROM obligations WHERE NOT deleted").fetchall()
    search_index.put(connection, [search_index.Entry("obligation", row[0], row[1] or "",
                                                     row[2] or "") for row in rows])


def downgrade() -> None:
    op.execute("DELETE FROM search_docs WHERE record_type = 'obligation'")
