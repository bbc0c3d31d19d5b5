"""Partnerships, saved whole with their partners, milestones, indicators and measurements.

Child-row rules kept here (not in the editor): an organization is a partner once; a
measurement belongs to an indicator of the same partnership (one added in the same save
included); removing an indicator removes its measurements with it. Ticking a milestone
done records the day through the milestone service's own rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from partnerdesk.db import records as r
from partnerdesk.errors import FieldProblem, RowProblem
from partnerdesk.services.records import RecordService
from partnerdesk.services.store import Store, Writer
from partnerdesk.services.whole_save import (
    ChildChanges,
    ChildList,
    Plan,
    Saved,
    WholeSaveService,
    day_text,
)

LIVE = False


class PartnershipService(WholeSaveService[r.Partnership]):
    def __init__(self, store: Store, *, members: RecordService[r.PartnershipMember],
                 milestones: RecordService[r.Milestone],
                 indicators: RecordService[r.Indicator],
                 measurements: RecordService[r.Measurement]) -> None:
        super().__init__(store, r.Partnership)
        self.children = (
            ChildList("members", members, "partner", "partnership_id", "organization_id",
                      label_model=r.Organization, unique_by="organization_id",
                      duplicate="{name} is already a partner."),
            ChildList("milestones", milestones, "milestone", "partnership_id", "title"),
            ChildList("indicators", indicators, "indicator", "partnership_id", "name"),
            ChildList("measurements", measurements, "measurement", None, "measured_on"),
        )

    def save(self, values: Mapping[str, Any], record_id: str | None = None, *,
             members: ChildChanges | None = None, milestones: ChildChanges | None = None,
             indicators: ChildChanges | None = None,
             measurements: ChildChanges | None = None,
             rev: str | None = None) -> Saved[r.Partnership]:
        """Create (no `record_id`) or update a partnership with its child rows, as one step.

        A new measurement's `indicator_id` may be the id given to a new indicator of the
        same save. Nothing is written when any row is wrong (ValidationError)."""
        return self.save_whole(values, record_id, {
            "members": members, "milestones": milestones, "indicators": indicators,
            "measurements": measurements}, rev=rev)

    def owned_rows(self, session: Session, spec: ChildList, row_ids: Sequence[str],
                   record_id: str) -> set[str]:
        """Measurements are the partnership's through their indicator."""
        if spec.name != "measurements":
            return set()
        return set(session.scalars(select(r.Measurement.id).join(
            r.Indicator, r.Indicator.id == r.Measurement.indicator_id).where(
            r.Measurement.id.in_(row_ids),  # type: ignore[attr-defined]
            r.Indicator.partnership_id == record_id)))

    def check_rows(self, session: Session, plan: Plan) -> list[FieldProblem]:
        """Each measurement belongs to an indicator of this partnership."""
        steps = plan.steps_of("measurements")
        if not steps:
            return []
        ours = {row.id: row.deleted for row in session.scalars(select(r.Indicator).where(
            r.Indicator.partnership_id == plan.parent_id))}
        removed = {step.record_id for step in plan.steps_of("indicators", "delete")}
        added = {step.record_id for step in plan.steps_of("indicators", "create")}
        open_to_new = {i for i, deleted in ours.items() if not deleted} - removed | added
        problems: list[FieldProblem] = []
        for step in steps:
            if step.row is not None and step.row.indicator_id not in ours:
                problems.append(RowProblem(
                    "measurements", "A measurement of another partnership's indicator cannot "
                    "be changed or removed here.", row_id=step.record_id))
                continue
            if step.action == "delete":
                continue
            indicator = step.values.get("indicator_id")
            if indicator in removed:
                message = ("is for an indicator that this save removes. Remove the "
                           "measurement too, or keep the indicator.")
            elif indicator not in open_to_new:
                message = "is for no indicator of this partnership. Choose one of its indicators."
            else:
                continue
            day = step.values.get("measured_on")
            when = f" of {day_text(day)}" if day else ""
            problems.append(RowProblem("measurements", f"The measurement{when} {message}",
                                       row_id=step.record_id, new_index=step.new_index,
                                       row_field="indicator_id"))
        return problems

    def after_rows(self, writer: Writer, plan: Plan) -> None:
        """Measurements of an indicator removed go with it (their own tombstones)."""
        removed = [step.record_id for step in plan.steps_of("indicators", "delete")]
        if not removed:
            return
        orphans = writer.session.scalars(select(r.Measurement).where(
            r.Measurement.indicator_id.in_(removed),  # type: ignore[attr-defined]
            r.Measurement.deleted == LIVE))
        for measurement in list(orphans):
            writer.delete(measurement)
