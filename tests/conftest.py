"""Fixtures for every tier: a temporary database per test, the service facade on it."""

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from partnerdesk.services import Desk  # noqa: E402

TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    """No test touches a real user's data folder or database."""
    monkeypatch.setenv("PARTNERDESK_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.delenv("PARTNERDESK_DB", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


@pytest.fixture
def desk(db_path: Path) -> Iterator[Desk]:
    opened = Desk.open(db_path)
    yield opened
    opened.close()


@pytest.fixture
def demo_desk(desk: Desk) -> Desk:
    """The sample data, dated relative to TODAY."""
    from partnerdesk.services.demo import load_demo

    load_demo(desk, today=TODAY)
    return desk
