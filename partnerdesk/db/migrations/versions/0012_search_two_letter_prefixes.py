"""a file's search index: prefix lists of two letters only

The FTS5 index kept lists of every two-, three- and four-letter beginning of every word
(`prefix = '2 3 4'`), so each word was indexed four times: half the index's time in a
bulk change, and twice the time to build it. It is made again with two-letter lists only
(`search_index.FTS_OPTIONS`), from the `search_docs` rows it indexes: what search finds
is unchanged. An office database (PostgreSQL) is unchanged.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 19:00:00
"""
from collections.abc import Sequence

from alembic import op

from partnerdesk.db import search_index
from partnerdesk.db.search_index import FTS

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_OPTIONS = search_index.FTS_OPTIONS.replace("prefix = '2'", "prefix = '2 3 4'")


def _remake(options: str) -> None:
    bind = op.get_bind()
    if search_index.is_postgres(bind):
        return
    found = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE name = ?", (FTS,)).first()
    if found is None or options in found[0]:  # no FTS5 here, or made so already
        return
    op.execute(f"DROP TABLE {FTS}")
    search_index.create_fts(bind, options)
    op.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")


def upgrade() -> None:
    _remake(search_index.FTS_OPTIONS)


def downgrade() -> None:
    _remake(OLD_OPTIONS)
