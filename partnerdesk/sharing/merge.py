"""The merge of two states of one record (shared design SHARING.md), as a pure function.

Every laptop runs exactly this on plain `VersionState`s, so the result depends only on
the two states, never on which one is "ours":
- each field keeps the value with the larger stamp `(counter, device_id)`; a field with
  no stamp (left out of a partner bundle, or a column default) loses to any stamped one;
- `vv` and `delete_ctx` are element-wise maxima;
- the record is deleted when the merged deletion context covers every stamp.

Conflicts (two writes of one field neither of whose writers had seen the other, judged
by each write's own context carried in its stamp) are returned
beside the merged state, never inside it: which laptop sees which loss depends on the
order bundles arrive, and keeping them out is what lets record states converge.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from partnerdesk.services.store import DELETED_FIELD  # the conflict "a deletion lost"
from partnerdesk.services.versioning import (
    GONE,
    HIDDEN,
    VersionState,
    canonical_json,
    concurrent,
    context_of,
    covered,
    deletion_write,
    jsonable,
)


@dataclass(frozen=True)
class FieldConflict:
    """A value that lost to a concurrent write (this laptop's, or the incoming one:
    the importing laptop lists a clash whichever side won)."""

    field: str
    lost_value: Any
    lost_stamp: list[Any]
    won_value: Any
    won_stamp: list[Any]
    kept_local: bool = False  # the winner is the local state's value (the incoming lost)


@dataclass(frozen=True)
class MergeResult:
    state: VersionState
    conflicts: list[FieldConflict]
    unchanged: bool = False  # known to equal the local state (`states_equal`); False: unknown


def _head(state: VersionState, name: str) -> tuple[int, str] | None:
    """The first half of a field write's place in the total order: its
    `(counter, device)`, or None when the state does not hold the field."""
    stamp = state.stamps.get(name)
    if stamp is None:
        return None if name not in state.values else (-1, "")
    return (int(stamp[0]), str(stamp[1]))


def _tail(state: VersionState, name: str) -> tuple[str, str]:
    """The rest of it: the value and the context in canonical JSON, which only separate
    two writes of one `(counter, device)` (an unstamped value, or damaged stamps)."""
    stamp = state.stamps.get(name)
    value = canonical_json(jsonable(state.values.get(name)))
    return (value, "") if stamp is None else (value, canonical_json(context_of(stamp)))


def _incoming_wins(local: VersionState, incoming: VersionState, name: str) -> bool:
    """Whether incoming's write of the field comes later in the total order `(_head,
    _tail)` than local's (or local does not hold the field), comparing the stamps first
    and encoding values only when the stamps tie: the same order, without turning two
    values into JSON for every field of every record merged."""
    a, b = _head(local, name), _head(incoming, name)
    if a is None:
        return True
    if b is None:
        return False
    if a != b:
        return b > a
    ours, theirs = local.stamps.get(name), incoming.stamps.get(name)
    if same_json(local.values.get(name), incoming.values.get(name)) and same_json(
            None if ours is None else context_of(ours),
            None if theirs is None else context_of(theirs)):
        return False  # one write held on both sides (the usual tie): equal keys
    return _tail(incoming, name) > _tail(local, name)


_PLAIN = (str, int, bool, type(None))  # equal as Python values iff equal as JSON
_EMPTY = (list, dict)  # two empty ones of a type: one JSON spelling


def same_json(a: Any, b: Any) -> bool:
    """Whether two values have one canonical JSON spelling, without encoding them when
    their types say it: strings, whole numbers, booleans and None of one type are equal
    exactly when their JSON is; lists and objects (of text keys) element by element;
    anything else (dates, decimals, mixed types) is compared as canonical JSON."""
    if a is b:
        return True
    kind = type(a)
    if kind is type(b):
        if kind in _PLAIN:
            return bool(a == b)
        if kind in _EMPTY and a == b:
            # equal as Python values: equal as JSON unless numbers of different kinds
            # (1, 1.0, True) sit in the same places, which their encodings tell apart
            return not a or canonical_json(a) == canonical_json(b)
        if kind is list:
            return len(a) == len(b) and all(map(same_json, a, b))
        if kind is dict and all(type(key) is str for key in a) \
                and all(type(key) is str for key in b):
            return a.keys() == b.keys() and all(same_json(value, b[key])
                                                for key, value in a.items())
    return canonical_json(jsonable(a)) == canonical_json(jsonable(b))


def _max_vector(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    merged = dict(a)
    for device, counter in b.items():
        merged[device] = max(counter, merged.get(device, 0))
    return merged


def _same(a: Any, b: Any) -> bool:
    return same_json(a, b)


def merge_states(local: VersionState, incoming: VersionState) -> VersionState:
    """The merged record state alone: commutative, associative and idempotent."""
    return _merge_states(local, incoming)[0]


def _merge_states(local: VersionState, incoming: VersionState) -> tuple[VersionState, bool]:
    """`merge_states`, and whether any field took the incoming write: when none did, the
    merged values and stamps are local's own (`states_equal` then needs only the version
    vectors and deletion contexts compared).

    Each field is decided as `_incoming_wins` decides it; the common cases are taken
    here without its calls: two stamps of whole-number counters and text devices that
    differ in `(counter, device)`, or that are one write (the same point, no context on
    either side, one plain value held on both)."""
    values: dict[str, Any] = {}
    stamps: dict[str, list[Any]] = {}
    ours_values, theirs_values = local.values, incoming.values
    ours_stamps, theirs_stamps = local.stamps, incoming.stamps
    took = False
    plain = _PLAIN
    for name in sorted(ours_values.keys() | theirs_values.keys()
                       | ours_stamps.keys() | theirs_stamps.keys()):
        ours = ours_stamps.get(name)
        theirs = theirs_stamps.get(name)
        wins = None
        if ours is not None and theirs is not None and type(ours[0]) is int \
                and type(theirs[0]) is int and type(ours[1]) is str \
                and type(theirs[1]) is str:
            if ours[0] != theirs[0]:
                wins = theirs[0] > ours[0]
            elif ours[1] != theirs[1]:
                wins = theirs[1] > ours[1]
            else:  # one point: the same write held on both sides, or a tie to break
                mine, other = ours_values.get(name), theirs_values.get(name)
                kind = type(mine)
                if (mine is other or (kind is type(other) and (
                        (kind in plain and mine == other)
                        or (kind in _EMPTY and not mine and not other)))
                        or same_json(mine, other)) \
                        and ((len(ours) == 2 and len(theirs) == 2)
                             or same_json(context_of(ours), context_of(theirs))):
                    wins = False  # one write held on both sides: equal keys
        if wins is None:
            wins = _incoming_wins(local, incoming, name)
        if wins:
            took = True
            if name in theirs_values:
                values[name] = theirs_values[name]
            if theirs is not None:
                stamps[name] = list(theirs)
        else:
            if name in ours_values:
                values[name] = ours_values[name]
            if ours is not None:
                stamps[name] = list(ours)
    return VersionState(values=values, stamps=stamps, vv=_max_vector(local.vv, incoming.vv),
                        delete_ctx=_max_vector(local.delete_ctx, incoming.delete_ctx)), took


def _point(stamp: list[Any]) -> tuple[Any, Any]:
    return (stamp[0], stamp[1])


def merge(local: VersionState, incoming: VersionState) -> MergeResult:
    """Merge, and list the clashes this merge decides: two writes of one field (or a
    deletion and an edit) neither of whose writers had seen the other, whichever won.

    The stamps carry their writes' contexts unchanged, so a clash is found again on
    every laptop whose state holds one side and receives the other, however the other
    travels (directly, or relayed through a laptop that merged both): that is how the
    laptop where the losing value was typed learns of its loss."""
    state, took = _merge_states(local, incoming)
    conflicts: list[FieldConflict] = []
    if not took and state.vv == local.vv and state.delete_ctx == local.delete_ctx:
        # local's own values and stamps: equal to local (`states_equal`)
        return MergeResult(state, conflicts, True)  # nothing new here: decided when it arrived
    theirs_stamps = incoming.stamps
    for name, ours in local.stamps.items():
        theirs = theirs_stamps.get(name)
        if theirs is None or name in HIDDEN:
            continue
        if (ours[0] == theirs[0] and ours[1] == theirs[1]) \
                or _same(local.values.get(name), incoming.values.get(name)):
            continue
        if not concurrent(ours, theirs):
            continue
        won = state.stamps.get(name)
        if won is not None and _point(won) == _point(ours):
            conflicts.append(FieldConflict(name, incoming.values.get(name), list(theirs),
                                           local.values.get(name), list(ours), True))
        else:
            conflicts.append(FieldConflict(name, local.values.get(name), list(ours),
                                           incoming.values.get(name), list(theirs)))
    if not state.deleted:
        lost = None
        if local.deleted:  # this laptop's deletion (as it holds it) is undone
            lost = _lost_deletion(deletion_write(local), state, False)
        gone = incoming.stamps.get(GONE)
        if lost is None and gone and not covered(gone, local.delete_ctx):
            lost = _lost_deletion(list(gone), state, True)  # a deletion new to us
        if lost is not None:
            conflicts.append(lost)
    return MergeResult(state, conflicts)


def _lost_deletion(deletion: list[Any], state: VersionState,
                   kept_local: bool) -> FieldConflict | None:
    """The deletion, when the alive merged `state` undoes it without any of the writes
    keeping it alive having seen it (an edit, a restore or a duplicate merge's "keep
    this one" made concurrently)."""
    survivors = [s for s in state.stamps.values() if not covered(s, state.delete_ctx)]
    if not survivors or any(covered(deletion, context_of(s)) for s in survivors):
        return None  # kept alive by a write made after seeing the deletion
    return FieldConflict(DELETED_FIELD, True, deletion, False,
                         list(max(survivors, key=_point)), kept_local)


def replaced_deletions(held: VersionState, state: VersionState,
                       earlier: list[list[Any]], listed: set[tuple[Any, Any]],
                       ) -> list[FieldConflict]:
    """This laptop's own deletions of a record that a concurrent deletion made elsewhere
    replaced in the held state, when the alive merged `state` undoes them.

    Two deletions of one record are two writes of one value to the hidden `_gone`
    field: merging them agrees (the record stays deleted, nothing to list) and keeps
    only the larger stamp. When an edit or a "keep this one" made without seeing either
    then brings the record back, `merge` lists the deletion the held state names; the
    other one, typed here, would be lost with nothing said where it was typed.
    `earlier`: `_gone` stamps written here (read from this laptop's history);
    `listed`: the deletions already in this laptop's Conflicts for the record."""
    if not held.deleted or state.deleted:
        return []
    named = _point(deletion_write(held))
    found: list[FieldConflict] = []
    for deletion in sorted({_point(d): d for d in earlier}.values(), key=_point):
        point = _point(deletion)
        if point == named or point in listed or not covered(deletion, held.delete_ctx):
            continue  # the held deletion itself, listed already, or not part of it
        lost = _lost_deletion(list(deletion), state, False)
        if lost is not None:
            found.append(lost)
    return found


def tombstone(state: VersionState, links: list[str]) -> VersionState:
    """A deleted state as it travels: of its values only the ids of the records it is
    linked to (`links`: a laptop that never had it still stores it in its Trash, and
    the database holds links that lead somewhere), unstamped so that they never replace
    a value the receiver holds; no other stamps than the deletion's and the restore's."""
    return VersionState(values={name: state.values[name] for name in links
                                if state.values.get(name) is not None},
                        stamps={name: list(stamp) for name, stamp in state.stamps.items()
                                if name in HIDDEN},
                        vv=dict(state.vv), delete_ctx=dict(state.delete_ctx))


def merge_held(local: VersionState, incoming: VersionState, links: list[str],
               last_sent: Callable[[], VersionState | None] | None = None,
               values_sent: bool = False) -> MergeResult:
    """`merge` of the state this laptop holds with an incoming one, as the other
    laptops merge what this laptop sent them.

    A deleted record travels as its tombstone, without values; the values it still
    holds here serve only its Trash. When an incoming state with values meets it (a
    restore or an edit made without seeing the deletion brings it back; or a laptop
    that has not heard of the deletion yet sends it alive), the other laptops merge what
    this one sent, so this one merges that too: otherwise values typed here before the
    deletion, which never travelled, would win here and nowhere else. What it sent is
    its tombstone, and, when its last bundle of everything still held the record alive
    (`last_sent`: that state, or None), the values that bundle carried.

    `values_sent`: the values held here are ones the other laptops hold too (the record
    was deleted here by an import after this laptop last sent everything, or its values
    were put back to what arrived, as here): they merge as they are."""
    result = merge(local, incoming)
    if not local.deleted or values_sent or incoming.deleted:
        return result  # alive, values that travelled, or a tombstone (no values) arriving
    base = tombstone(local, links)
    earlier = last_sent() if last_sent is not None else None
    if earlier is not None and not earlier.deleted:
        base = merge_states(earlier, base)
    sent = merge(base, incoming)
    state = sent.state
    # a field neither side sent (left out of a partner's bundle) keeps what is here
    kept = {name: value for name, value in local.values.items()
            if name not in state.values and name not in state.stamps}
    if kept:
        state = VersionState({**state.values, **kept},
                             {**state.stamps, **{name: list(local.stamps[name])
                                                 for name in kept if name in local.stamps}},
                             state.vv, state.delete_ctx)
    return MergeResult(state, sent.conflicts)


def states_equal(a: VersionState, b: VersionState) -> bool:
    """Same values, stamps and causal information (what 'unchanged' means)."""
    return (a.vv == b.vv and a.delete_ctx == b.delete_ctx
            and same_json(a.stamps, b.stamps) and same_json(a.values, b.values))


def differing_fields(a: VersionState, b: VersionState) -> list[str]:
    """User fields whose values differ between two states (for the import preview)."""
    return sorted(name for name in set(a.values) | set(b.values)
                  if not _same(a.values.get(name), b.values.get(name)))
