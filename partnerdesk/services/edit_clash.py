"""Saving over someone else's save: the field-level rule when several people share one
database (an office database on a server; two windows on a file).

An editor remembers the revision (`rev`) of the record it opened and saves against it.
If the record's revision is still that one, the save goes through as usual. If someone
else saved it meanwhile, the same bookkeeping bundles merge by decides, field by field:
a field's stamp changes exactly when it is saved with a new value, so comparing the
stamps of the state the person started from (kept in history) with those of the record
now tells which fields the other person changed.

- A field only this person changed goes through; so does one both set to the same value.
- A field both changed, to different values, is a clash: nothing is written and
  `EditClash` carries both values for the editor to show and ask about.
- A record removed meanwhile is a clash too (nothing is written).

No save is ever a silent overwrite of a value the person did not see.
"""

from typing import Any

from sqlmodel import Session, SQLModel, select

from partnerdesk.db.local import HistoryEntry
from partnerdesk.db.registry import type_name
from partnerdesk.errors import EditClash
from partnerdesk.services import versioning

# How far back in a record's history the state a person started from is looked for.
HISTORY_LOOKBACK = 500


def base_state(session: Session, row: SQLModel, rev: str) -> dict[str, Any] | None:
    """The record as it was at revision `rev`, JSON-ready (None: not in its history).

    The database picks the entry out of the record's newest ones: a record many people
    save holds hundreds of entries, and reading each whole state to look at its `rev`
    took longer than the rest of the save (with the record locked meanwhile)."""
    newest = select(HistoryEntry.id).where(
        HistoryEntry.record_type == type_name(type(row)),
        HistoryEntry.record_id == row.id,  # type: ignore[attr-defined]
    ).order_by(HistoryEntry.id.desc()).limit(HISTORY_LOOKBACK)  # type: ignore[union-attr]
    state = session.exec(  # type: ignore[call-overload]
        select(HistoryEntry.state).where(
            HistoryEntry.id.in_(newest.scalar_subquery()),  # type: ignore[union-attr]
            HistoryEntry.state["rev"].as_string() == rev)  # type: ignore[index]
        .order_by(HistoryEntry.id.desc()).limit(1)).first()  # type: ignore[union-attr]
    return None if state is None else dict(state)


def changed_since(session: Session, row: SQLModel, rev: str) -> dict[str, tuple[object, object]]:
    """The fields someone saved in `row` after a person read it at `rev` -> (the value
    then, the value now); {} when it is still at `rev`, or when `rev` is too old for its
    history to tell (the record changed all the same: compare `rev` first)."""
    if row.rev == rev:  # type: ignore[attr-defined]
        return {}
    started = base_state(session, row, rev)
    if started is None:
        return {}
    before: dict[str, Any] = started.get("stamps") or {}
    now: dict[str, Any] = row.stamps  # type: ignore[attr-defined]
    return {name: (started.get(name), getattr(row, name)) for name in sorted(now)
            if before.get(name) != now.get(name) and hasattr(row, name)}


def changes_to_save(session: Session, row: SQLModel, changes: dict[str, Any],
                    rev: str) -> dict[str, Any]:
    """The changes that may be written to `row` by a person who opened it at `rev`.

    The editor may send every field: one this person left as it was (its value at `rev`)
    is dropped, so it cannot undo the other person's change. Raises `EditClash` when both
    changed a field to different values, or the record was removed meanwhile."""
    current_rev: str = row.rev  # type: ignore[attr-defined]
    if row.deleted:  # type: ignore[attr-defined]
        raise EditClash({}, current_rev, deleted=True)
    if current_rev == rev:
        return changes
    started = base_state(session, row, rev)
    before: dict[str, Any] = (started or {}).get("stamps") or {}
    now: dict[str, Any] = row.stamps  # type: ignore[attr-defined]
    keep: dict[str, Any] = {}
    clashes: dict[str, tuple[object, object]] = {}
    for name, value in changes.items():
        theirs = getattr(row, name)
        if started is not None and name in started \
                and versioning.jsonable(value) == started[name]:
            continue  # this person left it as it was: the record's value stands
        if value == theirs:
            continue  # both made it the same: nothing to write or ask
        changed_by_them = started is None or before.get(name) != now.get(name)
        if changed_by_them:
            clashes[name] = (value, theirs)
        else:
            keep[name] = value
    if clashes:
        raise EditClash(clashes, current_rev)
    return keep
