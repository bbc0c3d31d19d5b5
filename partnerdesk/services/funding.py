"""Funding (grants applied for and won), saved whole with its deliverables.

The status rule (which step may follow which) is `funding_rules`'; this service applies
it on every save, so an editor, an import or a script cannot skip it. A new funding may
start at any status, so a grant won years ago can be recorded as it stands. Child-row
rules kept here: a deliverable belongs to its funding; ticking one done records the day
through the deliverable service's own rule (`DoneDateService`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from partnerdesk.db import records as r
from partnerdesk.errors import FieldProblem, ValidationError
from partnerdesk.services import funding_rules
from partnerdesk.services.records import RecordService
from partnerdesk.services.store import Store, Writer
from partnerdesk.services.whole_save import ChildChanges, ChildList, Saved, WholeSaveService


class FundingService(WholeSaveService[r.Funding]):
    def __init__(self, store: Store, *,
                 deliverables: RecordService[r.FundingDeliverable]) -> None:
        super().__init__(store, r.Funding)
        self.children = (
            ChildList("deliverables", deliverables, "deliverable", "funding_id", "title"),
        )

    def save(self, values: Mapping[str, Any], record_id: str | None = None, *,
             deliverables: ChildChanges | None = None,
             rev: str | None = None) -> Saved[r.Funding]:
        """Create (no `record_id`) or update a funding with its deliverables, as one step.

        Nothing is written when any row is wrong, or the status step is not allowed
        (ValidationError naming it)."""
        return self.save_whole(values, record_id, {"deliverables": deliverables}, rev=rev)

    def before_save(self, writer: Writer, values: dict[str, Any],
                    current: r.Funding | None) -> None:
        super().before_save(writer, values, current)
        if current is None:
            return
        problem = funding_rules.status_problem(current.status, values["status"])
        if problem:
            raise ValidationError([FieldProblem("status", problem)])

    @staticmethod
    def next_statuses(status: str) -> tuple[str, ...]:
        return funding_rules.next_statuses(status)
