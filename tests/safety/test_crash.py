"""kill -9 while a child writes through the services: at points it is sure to have reached
(a commit about to be made, k writes confirmed), then on to a random moment past them."""

import os
from pathlib import Path

import pytest

from tests.safety.crash_trials import FINAL_KINDS, run_trials

SHORT_TRIALS = 40
LONG_TRIALS = 200


def test_kill_9_during_writes_loses_nothing_confirmed(tmp_path: Path) -> None:
    confirmed, problems = run_trials(tmp_path / "crash.db", Path(os.environ[
        "PARTNERDESK_DATA_DIR"]), SHORT_TRIALS, seed=7, max_delay=0.05)
    assert problems == []
    # Every trial was killed where it was meant to be, however slow the machine: kills
    # with a commit about to be made and after confirmed writes both happened, and the
    # last run, left to finish, confirmed every kind of write.
    assert confirmed.kills["at-commit"] > 10 and confirmed.kills["after-writes"] > 10
    assert sum(confirmed.kills.values()) == SHORT_TRIALS
    assert confirmed.orgs and confirmed.groups and confirmed.bulks and confirmed.imports
    assert confirmed.updates and confirmed.deleted
    assert confirmed.writes >= confirmed.kills["after-writes"] + len(FINAL_KINDS)


@pytest.mark.slow
def test_kill_9_during_writes_long_run(tmp_path: Path) -> None:
    confirmed, problems = run_trials(tmp_path / "crash.db", Path(os.environ[
        "PARTNERDESK_DATA_DIR"]), LONG_TRIALS, seed=11, max_delay=0.6)
    assert problems == []
    assert sum(confirmed.kills.values()) == LONG_TRIALS


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
