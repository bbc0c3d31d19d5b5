"""Alembic environment: run from code (partnerdesk.db.migrate), on a connection we pass in."""

from alembic import context
from sqlmodel import SQLModel

import partnerdesk.db.blobs  # noqa: F401  (registers the tables)
import partnerdesk.db.local  # noqa: F401
import partnerdesk.db.records  # noqa: F401
from partnerdesk.db.search_index import is_search_table

config = context.config
target_metadata = SQLModel.metadata


def include_name(name: str | None, type_: str, _parent: object) -> bool:
    # The full-text index is made by hand in a migration, outside the models.
    return not (type_ == "table" and name and is_search_table(name))


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
