"""The merge of two states of one record (shared design SHARING.md), as a pure function.

Every laptop runs exactly this on plain `VersionState`s, so the result depends only on
the two states, never on which one is "ours":
- each field keeps the value with the larger stamp `(counter, device_id)`; a field with
  no stamp (left out of a partner bundle, or a column default) loses to any stamped one;
- `vv` and `delete_ctx` are element-wise maxima;
- the record is deleted when the merged deletion context covers every stamp.

Conflicts (two writes of one field that did not know about each other) are returned
beside the merged state, never inside it: which laptop sees which loss depends on the
order bundles arrive, and keeping them out is what lets record states converge.
"""

from dataclasses import dataclass
from typing import Any

from partnerdesk.services.versioning import (
    ALIVE,
    VersionState,
    canonical_json,
    covered,
    jsonable,
)

DELETED_FIELD = "_deleted"  # the conflict "this laptop's deletion lost to an edit"


@dataclass(frozen=True)
class FieldConflict:
    """A value the local state held that lost to a concurrent incoming write."""

    field: str
    lost_value: Any
    lost_stamp: list[Any]
    won_value: Any
    won_stamp: list[Any]


@dataclass(frozen=True)
class MergeResult:
    state: VersionState
    conflicts: list[FieldConflict]


def _key(state: VersionState, name: str) -> tuple[int, str, str] | None:
    """Total order on one field's writes; None when the state does not hold the field."""
    stamp = state.stamps.get(name)
    if name not in state.values and stamp is None:
        return None
    value = canonical_json(jsonable(state.values.get(name)))
    if stamp is None:
        return (-1, "", value)
    return (int(stamp[0]), str(stamp[1]), value)


def _max_vector(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    merged = dict(a)
    for device, counter in b.items():
        merged[device] = max(counter, merged.get(device, 0))
    return merged


def _same(a: Any, b: Any) -> bool:
    return canonical_json(jsonable(a)) == canonical_json(jsonable(b))


def merge_states(local: VersionState, incoming: VersionState) -> VersionState:
    """The merged record state alone: commutative, associative and idempotent."""
    values: dict[str, Any] = {}
    stamps: dict[str, list[Any]] = {}
    for name in sorted(set(local.values) | set(incoming.values)
                       | set(local.stamps) | set(incoming.stamps)):
        a, b = _key(local, name), _key(incoming, name)
        winner = incoming if a is None or (b is not None and b > a) else local
        if name in winner.values:
            values[name] = winner.values[name]
        if name in winner.stamps:
            stamps[name] = list(winner.stamps[name])
    return VersionState(values=values, stamps=stamps, vv=_max_vector(local.vv, incoming.vv),
                        delete_ctx=_max_vector(local.delete_ctx, incoming.delete_ctx))


def merge(local: VersionState, incoming: VersionState) -> MergeResult:
    """Merge, and list what the local state lost to writes it had not seen."""
    state = merge_states(local, incoming)
    conflicts: list[FieldConflict] = []
    for name, stamp in local.stamps.items():
        if name == ALIVE or name not in incoming.stamps:
            continue
        theirs = incoming.stamps[name]
        if _same(local.values.get(name), incoming.values.get(name)):
            continue
        # Theirs is new to us, and its writer had not seen ours: either its version
        # vector lacks our write, or (Lamport) its counter is no later than ours, which a
        # write made after seeing ours could not be. After another laptop merged our
        # value its vector covers it, so the counter test is what still spots the loss.
        concurrent = not covered(theirs, local.vv) and (
            not covered(stamp, incoming.vv) or theirs[0] <= stamp[0])
        if concurrent and state.stamps.get(name) != stamp:
            conflicts.append(FieldConflict(name, local.values.get(name), list(stamp),
                                           incoming.values.get(name), list(theirs)))
    if local.deleted and not state.deleted:
        device, counter = _deleting_write(local.delete_ctx)
        alive = {k: s for k, s in state.stamps.items() if not covered(s, local.delete_ctx)}
        # an edit made without seeing the deletion (a restore made after it is a choice)
        if not _saw_deletion(incoming, local) or any(s[0] <= counter for s in alive.values()):
            conflicts.append(FieldConflict(DELETED_FIELD, True, [counter, device], False,
                                           list(_newest(alive))))
    return MergeResult(state, conflicts)


def _saw_deletion(other: VersionState, deleted: VersionState) -> bool:
    """Whether `other` had already seen the deletion (so keeping it alive was a choice)."""
    return all(other.vv.get(device, 0) >= counter
               for device, counter in deleted.delete_ctx.items())


def _deleting_write(context: dict[str, int]) -> tuple[str, int]:
    device, counter = max(context.items(), key=lambda item: (item[1], item[0]))
    return device, counter


def _newest(stamps: dict[str, list[Any]]) -> list[Any]:
    if not stamps:
        return [0, ""]
    return max((list(s) for s in stamps.values()), key=lambda s: (s[0], s[1]))


def states_equal(a: VersionState, b: VersionState) -> bool:
    """Same values, stamps and causal information (what 'unchanged' means)."""
    return (canonical_json({k: jsonable(v) for k, v in a.values.items()})
            == canonical_json({k: jsonable(v) for k, v in b.values.items()})
            and canonical_json(a.stamps) == canonical_json(b.stamps)
            and a.vv == b.vv and a.delete_ctx == b.delete_ctx)


def differing_fields(a: VersionState, b: VersionState) -> list[str]:
    """User fields whose values differ between two states (for the import preview)."""
    return sorted(name for name in set(a.values) | set(b.values)
                  if not _same(a.values.get(name), b.values.get(name)))
