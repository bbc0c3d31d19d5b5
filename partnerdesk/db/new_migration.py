"""Write a new Alembic migration from the models: `python -m partnerdesk.db.new_migration MSG`."""

import sys
import tempfile
from pathlib import Path

from alembic import command

from partnerdesk.db.migrate import alembic_config, open_database


def main(message: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = open_database(Path(folder) / "head.db")
        with engine.begin() as connection:
            config = alembic_config(engine)
            config.attributes["connection"] = connection
            command.revision(config, message=message, autogenerate=True)
        engine.dispose()


if __name__ == "__main__":
    main(" ".join(sys.argv[1:]) or "schema change")
