"""Every importer against hostile files made from real ones (issue 16, "Done means").

CI runs a few files per importer (seconds): Hypothesis drives the mutation of the real
files under tests/data. `pytest -m slow tests/safety/test_fuzz_files.py -s` runs 1,000
per importer and prints, for each: files tried, refused cleanly, accepted, unexpected,
hangs over 10 s, refusals that changed the database, and peak memory.
"""

import random
import resource
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerdesk.services import Desk
from tests.safety import fuzz_files
from tests.safety.fuzz_files import SUFFIX, Tally, fresh_desk, make_bundle, mutate, run_file

KINDS = ["bundle", "sealed", "csv", "vcard", "hsds", "hsds-folder", "needs"]
CI_EXAMPLES = 6
SLOW_FILES = 1_000
PEAK_MB = 500


@pytest.fixture(scope="module")
def material(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("fuzz-files")
    bundle = make_bundle(folder)
    pristine = folder / "pristine.db"
    with Desk.open(pristine) as desk:  # something for imports to match and merge with
        org = desk.organizations.create(name="Harbor Clinic")
        desk.contacts.create(name="Ada Lovelace", organization_id=org.id,
                             emails=[{"address": "ada@example.org"}])
    return {"bundle": bundle, "pristine": pristine,
            "seeds": {kind: fuzz_files.seeds(kind, bundle) for kind in KINDS}}


@pytest.fixture
def target(material: dict[str, object], tmp_path: Path) -> Iterator[Desk]:
    desk = fresh_desk(tmp_path, material["pristine"])  # type: ignore[arg-type]
    yield desk
    desk.close()


def check(tally: Tally) -> None:
    assert tally.unexpected == [], tally.unexpected[0]
    assert tally.changed_on_refusal == [], tally.changed_on_refusal[0]


@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize("kind", KINDS)
def test_mutated_real_files_are_refused_or_read(kind: str, material: dict[str, object],
                                                target: Desk, tmp_path: Path) -> None:
    seeds: list[bytes] = material["seeds"][kind]  # type: ignore[index]
    tally = Tally(kind)
    path = tmp_path / f"incoming{SUFFIX[kind]}"

    @settings(max_examples=CI_EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.randoms(use_true_random=False), st.integers(0, len(seeds) - 1))
    def one(rng: random.Random, which: int) -> None:
        run_file(kind, target, path, mutate(kind, seeds[which], rng, seeds), tally)

    one()
    check(tally)
    assert tally.tried >= CI_EXAMPLES


@pytest.mark.slow
@pytest.mark.timeout(3600)
@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize("kind", KINDS)
def test_a_thousand_hostile_files_per_importer(kind: str, material: dict[str, object],
                                               target: Desk, tmp_path: Path) -> None:
    seeds: list[bytes] = material["seeds"][kind]  # type: ignore[index]
    rng = random.Random(f"issue-16-{kind}")
    tally = Tally(kind)
    path = tmp_path / f"incoming{SUFFIX[kind]}"
    for _ in range(SLOW_FILES):
        run_file(kind, target, path, mutate(kind, rng.choice(seeds), rng, seeds), tally)
    print("\n" + tally.line())
    check(tally)
    assert tally.tried >= SLOW_FILES
    assert tally.hangs == []  # a hang detector (10 s for one small file), not a benchmark
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 < PEAK_MB
