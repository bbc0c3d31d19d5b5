"""office database: an index of title words, for search's titles-first query

Search on PostgreSQL asks first for records whose title matches (`db.search_index`):
`doc @@ 'volun:*A'`. The full-text index cannot tell title words from the rest, so the
server fetched and rechecked every record with the word anywhere (16,544 of 111,765 in
the sample database for "volun"). An index of the title's words alone
(`ts_filter(doc, '{a}')`) answers it directly. A file's search (FTS5) is unchanged.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 02:00:00
"""
from collections.abc import Sequence

from alembic import op

from partnerdesk.db import search_index

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    if search_index.is_postgres(bind):
        search_index.create_title_index(bind)


def downgrade() -> None:
    if search_index.is_postgres(op.get_bind()):
        op.execute(f"DROP INDEX IF EXISTS {search_index.TITLE_INDEX}")
