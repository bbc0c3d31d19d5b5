"""Sample data and its five reports, made once per module (rendering takes a moment)."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from partnerdesk.reports import render
from partnerdesk.services import Desk
from partnerdesk.services.demo import load_demo
from partnerdesk.services.reporting import ReportOptions, gather
from tests.conftest import TODAY
from tests.engines import ENGINES, drop_database, engine_param, new_database_url

NOT_SHARED = ("Siobhán O'Connor", "Marcus Lee", "Priya Raman")
INTERNAL_NOTES = ("Asked not to be listed in partner reports.",
                  "Budget for year two not yet confirmed.",
                  "Legal review by the hospital took eight weeks.",
                  "Board asked us to keep this relationship warm.",
                  "The parish hall's insurance runs out in May.",
                  "The nurse manager asked us not to quote her by name.",
                  "The board wants a decision before the budget meeting.")


@pytest.fixture(params=ENGINES)
def db_engine(request: pytest.FixtureRequest) -> str:
    """Every test here that opens a database runs on SQLite and on PostgreSQL."""
    return engine_param(request)


@pytest.fixture(scope="module", params=ENGINES)
def sample_desk(request: pytest.FixtureRequest,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    """The sample data on each engine (once per module)."""
    server = None
    if engine_param(request) == "postgresql":
        server = new_database_url()
        desk = Desk.open(server)
    else:
        desk = Desk.open(tmp_path_factory.mktemp("sample") / "sample.db")
    load_demo(desk, today=TODAY)
    yield desk
    desk.close()
    if server:
        drop_database(server)


def latest_meeting(desk: Desk, before: date = TODAY) -> str:
    meetings = [m for m in desk.meetings.list(order_by="starts_at", descending=True)
                if m.starts_at.date() <= before]
    return meetings[0].id


def options_for(desk: Desk, kind: str) -> ReportOptions:
    if kind == "partnership":
        return ReportOptions(kind, partnership="Food as Medicine", today=TODAY)
    if kind == "minutes":
        return ReportOptions(kind, meeting=latest_meeting(desk), today=TODAY)
    return ReportOptions(kind, today=TODAY)


@pytest.fixture(scope="module")
def sample_pdfs(sample_desk: Desk, tmp_path_factory: pytest.TempPathFactory,
                ) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pdfs")
    made = {}
    for kind in ("partnership", "agreements", "resources", "directory", "minutes", "funding"):
        path = folder / f"{kind}.pdf"
        path.write_bytes(render(gather(sample_desk, options_for(sample_desk, kind)), "letter"))
        made[kind] = path
    return made
