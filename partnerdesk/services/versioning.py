"""Per-field version stamps for local changes (the design in shared SHARING.md).

Pure functions on plain dicts, so the sharing merge, the services and the tests
all use the same rules. A record state is its user field values plus:
  stamps     field -> [counter, device_id] of the write that set the value, or
             [counter, device_id, context]: the write's context, a version vector of
             the writes of that field its writer had seen (had on screen, or listed in
             its Conflicts). No context means "seen nothing": a record's first write
             (and every stamp made before contexts existed) leaves it out.
  vv         device_id -> highest counter of that device this state includes
  delete_ctx the version vector seen by the device that deleted it ({} if never)

A deletion is a write too: it stamps the hidden `_gone` field with its own context, so
a deletion lost to a concurrent edit is found like any lost value (`sharing.merge`). It
is a field of its own, not `_alive`: a restore (or a duplicate merge's "keep this one")
made concurrently elsewhere must not be replaced by the deletion's stamp.
"""

import hashlib
import json
import operator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

ALIVE = "_alive"  # hidden field: restoring a record writes it, which outlives the deletion
GONE = "_gone"  # hidden field: a deletion writes it (its own stamp and context)
HIDDEN = frozenset({ALIVE, GONE})

Stamp = tuple[int, str]


def jsonable(value: Any) -> Any:
    """Dates and datetimes as ISO text; everything else as it is."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


# Made once: `json.dumps` with options builds a new encoder on every call, which costs
# as much as the encoding itself for the small dicts of a bulk import.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                              default=jsonable)


try:  # the C encoder `_CANONICAL.encode` makes anew for every call, made once
    from json.encoder import c_make_encoder as _c_make_encoder
    from json.encoder import encode_basestring as _encode_text
except ImportError:  # pragma: no cover - a Python without the json accelerator
    _c_make_encoder = None

# Without circular-reference markers (None): record values come from JSON and the
# database, which cannot hold a value inside itself, and the markers' bookkeeping was a
# fifth of the encoding. Without them the encoder holds no state, so threads share it.
_ENCODE = None if _c_make_encoder is None else _c_make_encoder(
    None, jsonable, _encode_text, None, ":", ",", True, False, True)


def canonical_json(data: Any) -> str:
    """One spelling for one value (sorted keys, no spaces): what revisions hash.
    (`_CANONICAL.encode`, without building its encoder again for each value.)"""
    if _ENCODE is None:
        return _CANONICAL.encode(data)
    if type(data) is str:
        return _encode_text(data)
    return "".join(_ENCODE(data, 0))


@dataclass
class VersionState:
    values: dict[str, Any]
    stamps: dict[str, list[Any]] = field(default_factory=dict)
    vv: dict[str, int] = field(default_factory=dict)
    delete_ctx: dict[str, int] = field(default_factory=dict)

    def rev(self) -> str:
        return compute_rev(self.values, self.stamps, self.vv, self.delete_ctx)

    def copy(self) -> "VersionState":
        return VersionState(dict(self.values), dict(self.stamps), dict(self.vv),
                            dict(self.delete_ctx))

    @property
    def deleted(self) -> bool:
        return is_deleted(self.stamps, self.delete_ctx)


def compute_rev(values: dict[str, Any], stamps: dict[str, Any], vv: dict[str, int],
                delete_ctx: dict[str, int]) -> str:
    """Same state, same revision id, on every laptop (SHARING.md property 6).

    The values are encoded as they are: the canonical encoder writes a date or datetime
    (at any depth) as `jsonable` does, so copying them through `jsonable` first, as
    this once did, gives the same text for more time."""
    payload = canonical_json({
        "values": values,
        "stamps": stamps,
        "vv": vv,
        "delete_ctx": delete_ctx,
    })
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def rev_from_parts(values: dict[str, Any], stamps_json: str, vv_json: str,
                   delete_ctx_json: str) -> str:
    """`compute_rev` with the bookkeeping already in canonical JSON (bulk paths)."""
    values_json = canonical_json(values)  # the encoder's default turns dates into ISO text
    payload = (f'{{"delete_ctx":{delete_ctx_json},"stamps":{stamps_json},'
               f'"values":{values_json},"vv":{vv_json}}}')
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


# Counters are below 2**53, so every JSON reader holds them exactly.
MAX_COUNTER = 2 ** 53 - 1


def highest_counter(stamps: dict[str, Any], vv: dict[str, int],
                    delete_ctx: dict[str, int]) -> int:
    """The highest change number a record state holds (a new write must beat it)."""
    return max((*(s[0] for s in stamps.values()), *vv.values(), *delete_ctx.values(), 0))


def covered(stamp: Any, context: dict[str, int]) -> bool:
    """Whether `context` includes the write `stamp` names (its counter and device)."""
    return context.get(stamp[1], 0) >= stamp[0]


def context_of(stamp: Any) -> dict[str, int]:
    """What the write had seen ({} for a stamp without context: seen nothing)."""
    return stamp[2] if len(stamp) > 2 else {}


def concurrent(a: Any, b: Any) -> bool:
    """Two different writes of one field, neither made by someone who had seen the other."""
    return not covered(a, context_of(b)) and not covered(b, context_of(a))


def add_write(context: dict[str, int], stamp: Any) -> None:
    """Add a write, and what it had seen, to `context` (in place)."""
    counter, device = stamp[0], stamp[1]
    if context.get(device, 0) < counter:
        context[device] = counter
    for other, seen in context_of(stamp).items():
        if context.get(other, 0) < seen:
            context[other] = seen


def write_context(state: VersionState, name: str, listed: Any = ()) -> dict[str, int]:
    """What a local write of field `name` has seen: the value on screen (its stamp and
    what that write had seen), the record's being alive or deleted, and the values this
    laptop lists in its Conflicts for the field (`listed`: their stamps)."""
    context: dict[str, int] = {}
    for seen in (state.stamps.get(name), *listed):
        if seen:
            add_write(context, seen)
    for hidden in HIDDEN:  # the record's last restore and deletion (not what they saw)
        mark = state.stamps.get(hidden)
        if mark and hidden != name:
            add_write(context, mark[:2])
    return context


def stamp(counter: int, device: str, context: dict[str, int]) -> list[Any]:
    return [counter, device, context] if context else [counter, device]


def is_deleted(stamps: dict[str, Any], delete_ctx: dict[str, int]) -> bool:
    """Deleted when a deletion saw every write the record holds."""
    if not delete_ctx:
        return False
    return all(covered(stamp, delete_ctx) for stamp in stamps.values())


def stamp_fields(state: VersionState, fields: list[str], counter: int, device: str,
                 listed: dict[str, list[Any]] | None = None) -> None:
    """Stamp local writes of `fields`, each with its write context (`write_context`);
    `listed`: field -> stamps this laptop lists in its Conflicts for that field."""
    contexts = {name: write_context(state, name, (listed or {}).get(name, ()))
                for name in fields}
    for name in fields:
        state.stamps[name] = stamp(counter, device, contexts[name])
    state.vv[device] = max(state.vv.get(device, 0), counter)


def local_create(values: dict[str, Any], counter: int, device: str) -> VersionState:
    state = VersionState(values=dict(values))
    stamp_fields(state, [*values, ALIVE], counter, device)
    return state


def local_edit(state: VersionState, changes: dict[str, Any], counter: int,
               device: str, listed: dict[str, list[Any]] | None = None) -> VersionState:
    new = state.copy()
    stamp_fields(new, list(changes), counter, device, listed)  # contexts: before the change
    new.values.update(changes)
    return new


def local_delete(state: VersionState, counter: int, device: str,
                 listed: dict[str, list[Any]] | None = None) -> VersionState:
    """A deletion: a write of the hidden alive field (with what it had seen), and a
    deletion context that covers every write the record holds, the deletion's own too."""
    new = state.copy()
    new.stamps[GONE] = stamp(counter, device,
                             write_context(state, GONE, (listed or {}).get(ALIVE, ())))
    new.vv[device] = max(new.vv.get(device, 0), counter)
    new.delete_ctx = dict(new.vv)
    return new


def local_restore(state: VersionState, counter: int, device: str,
                  listed: dict[str, list[Any]] | None = None) -> VersionState:
    """A restore is an edit of the hidden alive field, which the deletion has not seen
    (and whose context shows the deletion was seen)."""
    new = state.copy()
    stamp_fields(new, [ALIVE], counter, device, listed)
    return new


def deletion_write(state: VersionState) -> list[Any]:
    """The write that deleted a deleted state: its `_gone` stamp; for a deletion made
    before deletions were stamped, the newest write its context holds, with no context
    (seen nothing)."""
    gone = state.stamps.get(GONE)
    if gone and covered(gone, state.delete_ctx):
        return list(gone)
    device, counter = max(state.delete_ctx.items(), key=lambda item: (item[1], item[0]))
    return [counter, device]


class StampEncoder:
    """Canonical JSON of stamps and version vectors, remembered by content.

    Most records of a bulk write share one pattern of stamps (every field written by the
    same save), so the text is made once per pattern instead of once per record. Stamps
    are `[counter, device]` pairs of int and str (the bundle reader refuses anything
    else), so equal keys always mean equal text.
    """

    LIMIT = 4096  # patterns remembered at a time; a bundle of all-different ones stays small

    def __init__(self) -> None:
        self.known_stamps: dict[Any, str] = {}
        self.known_vectors: dict[Any, str] = {}

    def stamps(self, stamps: dict[str, Any]) -> str:
        if not stamps:
            return "{}"
        key = (tuple(stamps), tuple(map(tuple, stamps.values())))
        try:  # stamps without a context (the most): their key made in C
            found = self.known_stamps.get(key)
        except TypeError:  # a context (a dict) inside
            key = (key[0], tuple(map(_stamp_key, stamps.values())))
            found = self.known_stamps.get(key)
        if found is None:
            found = self._remember(self.known_stamps, key, stamps)
        return found

    def vector(self, vector: dict[str, int]) -> str:
        if not vector:
            return "{}"
        key = tuple(vector.items())
        found = self.known_vectors.get(key)
        if found is None:
            found = self._remember(self.known_vectors, key, vector)
        return found

    def _remember(self, known: dict[Any, str], key: Any, data: dict[str, Any]) -> str:
        if len(known) >= self.LIMIT:
            known.clear()
        text = known[key] = canonical_json(data)
        return text


def _stamp_key(stamp: Any) -> Any:
    """A stamp as a hashable key (its context as a tuple of items)."""
    if len(stamp) > 2:
        return (stamp[0], stamp[1], tuple(stamp[2].items()))
    return (stamp[0], stamp[1])


_POINT = operator.itemgetter(0, 1)  # `_point` in C: a stamp's (counter, device)


def _point(stamp: Any) -> tuple[int, str]:
    return (stamp[0], stamp[1])


def newest_device(stamps: dict[str, Any]) -> str:
    """The device of the newest write: `origin` of a record whose state came from a
    merge, derived the same way on every laptop."""
    if not stamps:
        return ""
    return str(max(stamps.values(), key=_POINT)[1])
