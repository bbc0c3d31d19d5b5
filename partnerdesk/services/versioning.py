"""Per-field version stamps for local changes (the design in shared SHARING.md).

Pure functions on plain dicts, so the sharing merge, the services and the tests
all use the same rules. A record state is its user field values plus:
  stamps     field -> (counter, device_id) of the write that set the value
  vv         device_id -> highest counter of that device this state includes
  delete_ctx the version vector seen by the device that deleted it ({} if never)
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

ALIVE = "_alive"  # hidden field: restoring a record writes it, which outlives the deletion

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


def canonical_json(data: Any) -> str:
    """One spelling for one value (sorted keys, no spaces): what revisions hash."""
    return _CANONICAL.encode(data)


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
    """Same state, same revision id, on every laptop (SHARING.md property 6)."""
    payload = canonical_json({
        "values": {k: jsonable(v) for k, v in values.items()},
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


def covered(stamp: Any, context: dict[str, int]) -> bool:
    counter, device = stamp
    return context.get(device, 0) >= counter


def is_deleted(stamps: dict[str, Any], delete_ctx: dict[str, int]) -> bool:
    """Deleted when a deletion saw every write the record holds."""
    if not delete_ctx:
        return False
    return all(covered(stamp, delete_ctx) for stamp in stamps.values())


def stamp_fields(state: VersionState, fields: list[str], counter: int, device: str) -> None:
    for name in fields:
        state.stamps[name] = [counter, device]
    state.vv[device] = max(state.vv.get(device, 0), counter)


def local_create(values: dict[str, Any], counter: int, device: str) -> VersionState:
    state = VersionState(values=dict(values))
    stamp_fields(state, [*values, ALIVE], counter, device)
    return state


def local_edit(state: VersionState, changes: dict[str, Any], counter: int,
               device: str) -> VersionState:
    new = state.copy()
    new.values.update(changes)
    stamp_fields(new, list(changes), counter, device)
    return new


def local_delete(state: VersionState, counter: int, device: str) -> VersionState:
    new = state.copy()
    new.vv[device] = max(new.vv.get(device, 0), counter)
    new.delete_ctx = dict(new.vv)
    return new


def local_restore(state: VersionState, counter: int, device: str) -> VersionState:
    """A restore is an edit of the hidden alive field, which the deletion has not seen."""
    new = state.copy()
    stamp_fields(new, [ALIVE], counter, device)
    return new


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


def newest_device(stamps: dict[str, Any]) -> str:
    """The device of the newest write: `origin` of a record whose state came from a
    merge, derived the same way on every laptop."""
    if not stamps:
        return ""
    return str(max(stamps.values(), key=tuple)[1])  # stamps are [counter, device] pairs
