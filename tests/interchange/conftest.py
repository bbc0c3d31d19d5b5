"""Helpers for the interchange tests: fixture files, a digest of the database's records."""

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from partnerdesk.db.registry import RECORD_TYPES
from partnerdesk.services import Desk

FIXTURES = Path(__file__).parent / "fixtures"


def records_digest(desk: Desk) -> str:
    """Every record's id and revision: equal digests mean nothing changed."""
    parts = []
    for name in sorted(RECORD_TYPES):
        service = desk.service(name)
        for deleted in (False, True):
            parts += [f"{name}:{row.id}:{row.rev}" for row in service.list(deleted=deleted,
                                                                           order_by="id")]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def other_desk(new_desk: Callable[[Path], Desk], tmp_path: Path) -> Desk:
    return new_desk(tmp_path / "other.db")
