"""The services suite runs on both database engines (`tests.engines`)."""

import pytest

from tests.engines import ENGINES, engine_param


@pytest.fixture(params=ENGINES)
def db_engine(request: pytest.FixtureRequest) -> str:
    """Every test here that opens a database runs on SQLite and on PostgreSQL."""
    return engine_param(request)
