
"""Three laptops change the same records and swap bundles, old and new, in random orders.

After a final round in which each imports each other's latest bundle, all three hold
identical records, and every value anyone typed is current, or in some laptop's
conflicts list or history (SHARING.md properties 2 and 4). The records are contacts,
community events with their attendance counts, feedback with its survey results, and
funding with its deliverables (`KINDS`).
"""

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
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
WORDS = st.sampled_from(["Ada", "Bo", "Cy", "Di", "Ed"])


@dataclass(frozen=True)
class Kind:
    """A record type the laptops create and edit: its service, the text fields the rules
    edit, and a new record's values from a typed word and the records every laptop has
    (`shared`: a partnership, an event and a feedback record). Another record type joins
    the test with one line in `KINDS`."""

    service: str
    fields: tuple[str, ...]
    values: Callable[[str, dict[str, str]], dict[str, Any]]


KINDS: dict[str, Kind] = {
    "contact": Kind("contacts", ("name", "role", "notes"),
                    lambda word, _shared: {"name": word, "role": word}),
    "event": Kind("events", ("title", "place", "notes"),
                  lambda word, _shared: {"title": word, "place": word,
                                         "starts_at": datetime(2026, 6, 1, 10),
                                         "time_zone": "Europe/Paris"}),
    "event_attendance": Kind("event_attendance", ("category",),
                             lambda word, shared: {"event_id": shared["event"],
                                                   "category": word, "count": 1}),
    "feedback": Kind("feedback", ("title", "summary", "internal_notes"),
                     lambda word, shared: {"title": word, "received_on": date(2026, 6, 1),
                                           "partnership_id": shared["partnership"]}),
    "funding": Kind("funding", ("title", "programme", "notes"),
                    lambda word, shared: {"title": word, "funder_id": shared["funder"],
                                          "partnership_id": shared["partnership"]}),
    "funding_deliverable": Kind("funding_deliverables", ("title",),
                                lambda word, shared: {"funding_id": shared["funding"],
                                                      "title": word,
                                                      "due_date": date(2026, 7, 1)}),
    "survey_result": Kind("survey_results", ("question", "answer"),
                          lambda word, shared: {"feedback_id": shared["feedback"],
                                                "question": word, "answer": word}),
}


class ThreeLaptops(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="three-laptops-"))
        self.desks = {name: open_new_desk(self.folder / f"{name}.db") for name in LAPTOPS}
        self.bundles: dict[str, list[Path]] = {name: [] for name in LAPTOPS}
        self.ids: list[tuple[str, str]] = []  # (kind, record id)
        self.typed: list[tuple[str, str, str, Any]] = []  # (kind, record id, field, value)
        self.shared: dict[str, str] = {}

    def service(self, laptop: str, kind: str) -> Any:
        return getattr(self.desks[laptop], KINDS[kind].service)

    @initialize(names=st.lists(WORDS, min_size=1, max_size=3))
    def shared_start(self, names: list[str]) -> None:
        """Records every laptop already holds, so edits anywhere meet each other."""
        desk = self.desks["a"]
        self.shared["partnership"] = desk.partnerships.create(title="Shared").id
        self.shared["funder"] = desk.organizations.create(name="Shared funder",
                                                          kind="funder").id
        for kind in ("event", "feedback", "funding"):
            self.shared[kind] = self.service("a", kind).create(
                **KINDS[kind].values("Shared", self.shared)).id
        for name in names:
            for kind in KINDS:
                self.create("a", kind, name)
        self.export("a")
        for laptop in ("b", "c"):
            import_file(self.desks[laptop], self.bundles["a"][0])

    def _has(self, laptop: str, kind: str, record_id: str) -> bool:
        service = self.service(laptop, kind)
        return service.count(where={"id": record_id}) + \
            service.count(where={"id": record_id}, deleted=True) > 0

    def _pick(self, pick: int) -> tuple[str, str]:
        return self.ids[pick % len(self.ids)]

    @rule(laptop=st.sampled_from(LAPTOPS), kind=st.sampled_from(sorted(KINDS)), word=WORDS)
    def create(self, laptop: str, kind: str, word: str) -> None:
        values = KINDS[kind].values(word, self.shared)
        row = self.service(laptop, kind).create(**values)
        self.ids.append((kind, row.id))
        self.typed += [(kind, row.id, field, getattr(row, field))
                       for field in KINDS[kind].fields]

    @precondition(lambda self: self.ids)
    @rule(laptop=st.sampled_from(LAPTOPS), pick=st.integers(0, 50),
          field=st.integers(0, 2), value=WORDS)
    def edit(self, laptop: str, pick: int, field: int, value: str) -> None:
        kind, record_id = self._pick(pick)
        fields = KINDS[kind].fields
        name = fields[field % len(fields)]
        if self._has(laptop, kind, record_id):
            self.service(laptop, kind).update(record_id, **{name: value})
            self.typed.append((kind, record_id, name, value))

    @precondition(lambda self: self.ids)
    @rule(laptop=st.sampled_from(LAPTOPS), pick=st.integers(0, 50))
    def delete(self, laptop: str, pick: int) -> None:
        kind, record_id = self._pick(pick)
        if self._has(laptop, kind, record_id):
            self.service(laptop, kind).delete(record_id)

    @precondition(lambda self: self.ids)
    @rule(laptop=st.sampled_from(LAPTOPS), pick=st.integers(0, 50))
    def restore(self, laptop: str, pick: int) -> None:
        kind, record_id = self._pick(pick)
        if self._has(laptop, kind, record_id):
            self.service(laptop, kind).restore(record_id)

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
                    kind = KINDS.get(entry.record_type)
                    for field in kind.fields if kind else ():
                        if field in entry.state:
                            kept.add((entry.record_id, field, repr(entry.state[field])))
        for kind, record_id, field, value in self.typed:
            current = getattr(self.service("a", kind).get(record_id), field)
            assert current == value or (record_id, field, repr(value)) in kept, \
                (record_id, field, value)


ThreeLaptops.TestCase.settings = settings(
    max_examples=15, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
TestThreeLaptops = ThreeLaptops.TestCase
