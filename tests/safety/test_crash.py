"""kill -9 at random moments while a child writes through the services."""

import os
from pathlib import Path

import pytest

from tests.safety import children
from tests.safety.crash_trials import run_trials

SHORT_TRIALS = 50
LONG_TRIALS = 200


def test_kill_9_during_writes_loses_nothing_confirmed(tmp_path: Path) -> None:
    confirmed, problems = run_trials(tmp_path / "crash.db", Path(os.environ[
        "PARTNERDESK_DATA_DIR"]), SHORT_TRIALS, seed=7, max_delay=0.3)
    assert problems == []
    # The trials did real work, including the multi-record kinds.
    assert confirmed.writes > 100
    assert confirmed.groups and confirmed.bulks and confirmed.updates
    if children.importer() is not None:  # imports join the trial once the importer exists
        assert confirmed.imports


@pytest.mark.slow
def test_kill_9_during_writes_long_run(tmp_path: Path) -> None:
    confirmed, problems = run_trials(tmp_path / "crash.db", Path(os.environ[
        "PARTNERDESK_DATA_DIR"]), LONG_TRIALS, seed=11, max_delay=0.6)
    assert problems == []
    assert confirmed.writes > 400


def test_the_trial_check_notices_lost_and_half_written_records(tmp_path: Path) -> None:
    """The verifier itself can fail: a missing confirmed record and a half group show."""
    from partnerdesk.db import records as r
    from partnerdesk.services import Desk
    from tests.safety.crash_trials import Confirmed, verify

    db_path = tmp_path / "check.db"
    with Desk.open(db_path) as desk, desk.store.write() as writer:
        org = writer.create(r.Organization, {"name": "Half", "notes": "group:4"})
        writer.create(r.Contact, {"name": "Only one", "organization_id": org.id})
    confirmed = Confirmed(orgs={"no-such-id"})
    problems = verify(db_path, confirmed)
    assert any("missing" in p for p in problems)
    assert any("half-written" in p for p in problems)
