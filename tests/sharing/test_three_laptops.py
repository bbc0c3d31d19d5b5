
"""Three laptops change the same records and swap bundles, old and new, in random orders.

After a final round in which each imports each other's latest bundle, all three hold
identical records, and every value anyone typed is current, or in some laptop's
conflicts list or history (SHARING.md properties 2 and 4).
"""

import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule
from sqlmodel import select

from partnerdesk.db.local import Conflict, HistoryEntry
from partnerdesk.sharing.bundle import read_record_members
from partnerdesk.sharing.exporter import export_bundle
from partnerdesk.sharing.importer import import_file
from tests.new_database import open_new_desk

LAPTOPS = ["a", "b", "c"]
FIELDS = ["name", "role", "notes"]
WORDS = st.sampled_from(["Ada", "Bo", "Cy", "Di", "Ed"])


class ThreeLaptops(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="three-laptops-"))
        self.desks = {name: open_new_desk(self.folder / f"{name}.db") for name in LAPTOPS}
        self.bundles: dict[str, list[Path]] = {name: [] for name in LAPTOPS}
        self.ids: list[str] = []
        self.typed: list[tuple[str, str, Any]] = []  # (record id, field, value)

    @initialize(names=st.lists(WORDS, min_size=1, max_size=3))
    def shared_start(self, names: list[str]) -> None:
        """Records every laptop already holds, so edits anywhere meet each other."""
        for name in names:
            self.create("a", name, "")
        self.export("a")
        for laptop in ("b", "c"):
            import_file(self.desks[laptop], self.bundles["a"][0])

    def _has(self, laptop: str, record_id: str) -> bool:
        return self.desks[laptop].contacts.count(where={"id": record_id}) + \
            self.desks[laptop].contacts.count(where={"id": record_id}, deleted=True) > 0

    @rule(laptop=st.sampled_from(LAPTOPS), name=WORDS, role=WORDS)
    def create(self, laptop: str, name: str, role: str) -> None:
        row = self.desks[laptop].contacts.create(name=name, role=role)
        self.ids.append(row.id)
        self.typed += [(row.id, "name", name), (row.id, "role", role), (row.id, "notes", "")]

    @precondition(lambda self: self.ids)
    @rule(laptop=st.sampled_from(LAPTOPS), pick=st.integers(0, 50),
          field=st.sampled_from(FIELDS), value=WORDS)
    def edit(self, laptop: str, pick: int, field: str, value: str) -> None:
        record_id = self.ids[pick % len(self.ids)]
        if self._has(laptop, record_id):
            self.desks[laptop].contacts.update(record_id, **{field: value})
            self.typed.append((record_id, field, value))

    @precondition(lambda self: self.ids)
    @rule(laptop=st.sampled_from(LAPTOPS), pick=st.integers(0, 50))
    def delete(self, laptop: str, pick: int) -> None:
        record_id = self.ids[pick % len(self.ids)]
        if self._has(laptop, record_id):
            self.desks[laptop].contacts.delete(record_id)

    @precondition(lambda self: self.ids)
    @rule(laptop=st.sampled_from(LAPTOPS), pick=st.integers(0, 50))
    def restore(self, laptop: str, pick: int) -> None:
        record_id = self.ids[pick % len(self.ids)]
        if self._has(laptop, record_id):
            self.desks[laptop].contacts.restore(record_id)

    @rule(laptop=st.sampled_from(LAPTOPS))
    def export(self, laptop: str) -> None:
        path = self.folder / f"{laptop}-{len(self.bundles[laptop])}.partnerdesk"
        export_bundle(self.desks[laptop], path)
        self.bundles[laptop].append(path)

    @rule(into=st.sampled_from(LAPTOPS), source=st.sampled_from(LAPTOPS),
          pick=st.integers(0, 50))
    def import_one(self, into: str, source: str, pick: int) -> None:
        made = self.bundles[source]
        if into != source and made:
            import_file(self.desks[into], made[pick % len(made)])

    def teardown(self) -> None:
        try:
            self._final_round_and_check()
        finally:
            for desk in self.desks.values():
                desk.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    def _final_round_and_check(self) -> None:
        latest = {}
        for laptop in LAPTOPS:
            latest[laptop] = self.folder / f"{laptop}-final.partnerdesk"
            export_bundle(self.desks[laptop], latest[laptop])
        for target in LAPTOPS:
            for source in LAPTOPS:
                if source != target:
                    import_file(self.desks[target], latest[source])
        files = {}
        for laptop in LAPTOPS:
            path = self.folder / f"{laptop}-check.partnerdesk"
            export_bundle(self.desks[laptop], path)
            files[laptop] = read_record_members(path)
        assert files["a"] == files["b"] == files["c"]
        self._check_nothing_typed_is_lost()

    def _check_nothing_typed_is_lost(self) -> None:
        kept: set[tuple[str, str, str]] = set()
        for desk in self.desks.values():
            with desk.store.read() as session:
                for conflict in session.exec(select(Conflict)):
                    kept.add((conflict.record_id, conflict.field, repr(conflict.lost_value)))
                for entry in session.exec(select(HistoryEntry)):
                    for field in FIELDS:
                        if field in entry.state:
                            kept.add((entry.record_id, field, repr(entry.state[field])))
        desk = self.desks["a"]
        for record_id, field, value in self.typed:
            current = getattr(desk.contacts.get(record_id), field)
            assert current == value or (record_id, field, repr(value)) in kept, \
                (record_id, field, value)


ThreeLaptops.TestCase.settings = settings(
    max_examples=15, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
TestThreeLaptops = ThreeLaptops.TestCase
