"""This laptop's conflicts list: values it lost to concurrent changes elsewhere.

A person sees both values side by side and picks one: keeping the winner just closes
the conflict; choosing the lost value writes it again as a new local change, which
then wins everywhere once bundles travel.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from partnerdesk.db.local import Conflict
from partnerdesk.db.registry import RECORD_TYPES
from partnerdesk.errors import NotFoundError, PartnerDeskError
from partnerdesk.services.desk import Desk
from partnerdesk.services.field_labels import field_label
from partnerdesk.services.people import known_people
from partnerdesk.services.titles import stored_title
from partnerdesk.sharing.merge import DELETED_FIELD
from partnerdesk.sharing.rows import typed_value


@dataclass(frozen=True)
class ConflictView:
    id: int
    record_type: str
    record_id: str
    title: str
    field: str
    lost_value: Any
    lost_from: str  # device id of the write that lost
    won_value: Any
    won_from: str
    detected_at: str
    batch_id: str | None
    kept_here: bool = False  # the winner was this laptop's value; the colleague's lost
    label: str = ""  # the field as a person knows it
    lost_by: str = ""  # who typed the value that lost (a name, else which laptop)
    won_by: str = ""


def list_conflicts(desk: Desk, include_resolved: bool = False) -> list[ConflictView]:
    query = select(Conflict).order_by(Conflict.id.desc())  # type: ignore[union-attr]
    if not include_resolved:
        query = query.where(Conflict.resolved == False)  # noqa: E712
    with desk.store.read() as session:
        found = list(session.scalars(query))
        names = {(c.record_type, c.record_id): stored_title(session, c.record_type, c.record_id)
                 or c.record_id for c in found}
    people = known_people(desk)
    here = desk.store.device_id

    def who(stamp: list[Any] | None) -> str:
        device = str((stamp or [0, ""])[1])
        name = people.get(device, "")
        if device == here:
            return f"{name} (this laptop)" if name else "this laptop"
        return name or f"a laptop ({device[:8]})"

    return [ConflictView(c.id or 0, c.record_type, c.record_id,
                         names[(c.record_type, c.record_id)], c.field, c.lost_value,
                         str((c.lost_stamp or [0, ""])[1]), c.won_value,
                         str((c.won_stamp or [0, ""])[1]), c.detected_at.isoformat(),
                         c.batch_id, c.kept_here, field_label(c.field), who(c.lost_stamp),
                         who(c.won_stamp))
            for c in found]


def resolve(desk: Desk, conflict_id: int, use: str) -> None:
    """`use` is "lost" (write the value that lost again) or "won" (keep the winner)."""
    if use not in ("lost", "won"):
        raise PartnerDeskError("Choose which value to keep: the one that lost, or the one "
                               "kept.")
    with desk.store.read() as session:
        conflict = session.get(Conflict, conflict_id)
    if conflict is None:
        raise NotFoundError(f"There is no conflict with number {conflict_id}.")
    if use == "lost":
        service = desk.service(conflict.record_type)
        if conflict.field == DELETED_FIELD:
            service.delete(conflict.record_id)
        else:
            model = RECORD_TYPES[conflict.record_type]
            value = typed_value(model, conflict.field, conflict.lost_value)
            service.update(conflict.record_id, **{conflict.field: value})
    with desk.store.write() as writer:
        row = writer.session.get(Conflict, conflict_id)
        if row is not None:
            row.resolved = True
            writer.session.add(row)
