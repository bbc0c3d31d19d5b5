"""An incoming bundle record checked against its record type, before anything uses it.

The bundle reader (`limits`) makes sure a line is a record at all; this module makes
sure each value is the kind of value its field holds, so nothing after it (merge,
validation, the search index, SQLite) meets a value it was never written for:
- text is a string no longer than the field takes, with no NUL and no unpaired
  surrogate (either would be stored and then refused by every other program);
- whole numbers are integers within 2**53 (SQLite's INTEGER overflows past 2**63, and
  JSON readers elsewhere lose digits past 2**53), decimals are finite;
- dates are ISO dates, yes/no fields are booleans;
- list and dictionary fields hold the plain shapes `db.records` gives them, bounded
  in length and depth;
- a field that cannot be empty is never null, and a live record holds every field that
  has no default (a deleted one may carry nothing: its id and deletion context);
- an attachment's `sha256` is 64 hexadecimal digits, and a live attachment's bytes are
  in the bundle (they were matched against that hash when the bundle was read);
- the `rev` is the revision of the state the line holds (a changed value under an old
  revision would otherwise pass for "unchanged").

What needs this laptop's database (a deletion context claiming more of this laptop's
writes than it has made; an id this laptop holds as a record of another type) is
checked by `LaptopCheck` before the import plans each part of a bundle. The business rules
(required names, e-mail syntax, links that exist) stay in `services.validation`.
"""

import functools
import math
import re
from datetime import date, datetime
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin

from sqlalchemy import Connection, select
from sqlmodel import SQLModel

from partnerdesk.db.bookkeeping import BOOKKEEPING_FIELDS
from partnerdesk.db.engine import placeholder
from partnerdesk.db.local import Setting
from partnerdesk.db.registry import RECORD_TYPES
from partnerdesk.services.store import COUNTER_KEY, DEVICE_KEY
from partnerdesk.services.validation import MAX_TEXT, base_type, field_limit, text_problem
from partnerdesk.services.versioning import compute_rev, is_deleted

# Counters are integers below 2**53 (shared design SHARING.md, "Identity of a laptop").
COUNTER_LIMIT = 2 ** 53
MAX_LIST_ITEMS = 1_000  # entries of a list field (e-mails, phones, tags…)
MAX_ENTRY_KEYS = 50  # keys of one entry (an address's parts, a review element)
MAX_DEPTH = 4  # dictionaries in lists in dictionaries: deeper is never ours
MAX_KEY = 100  # characters of a key inside a list or dictionary field
SHA256 = re.compile(r"[0-9a-f]{64}\Z")


class ShapeProblem(ValueError):
    """A value that is not what its field holds; the text says what is wrong."""


def _text(value: Any, limit: int) -> None:
    if not isinstance(value, str):
        raise ShapeProblem("text expected")
    if len(value) > limit:
        raise ShapeProblem(f"text of {len(value):,} characters, more than the {limit:,} "
                           "it may have")
    problem = text_problem(value)
    if problem:
        raise ShapeProblem(f"text with {problem}")


def _number(value: Any, whole: bool) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ShapeProblem("a number expected")
    if isinstance(value, float):
        if whole:
            raise ShapeProblem("a whole number expected")
        if not math.isfinite(value):
            raise ShapeProblem("a number too large to store")
    elif not -COUNTER_LIMIT < value < COUNTER_LIMIT:
        raise ShapeProblem("a number too large to store")


def _plain(value: Any, depth: int) -> None:
    """A value inside a list or dictionary field: plain JSON, bounded."""
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, str):
        _text(value, MAX_TEXT)
    elif isinstance(value, int | float):
        _number(value, whole=False)
    elif depth >= MAX_DEPTH:
        raise ShapeProblem("lists or dictionaries nested too deep")
    elif isinstance(value, list):
        if len(value) > MAX_LIST_ITEMS:
            raise ShapeProblem(f"more than {MAX_LIST_ITEMS:,} entries")
        for item in value:
            _plain(item, depth + 1)
    elif isinstance(value, dict):
        _entry(value, depth)
    else:
        raise ShapeProblem("not a plain value")


def _entry(value: Any, depth: int) -> None:
    if not isinstance(value, dict):
        raise ShapeProblem("an entry with named parts expected")
    if len(value) > MAX_ENTRY_KEYS:
        raise ShapeProblem(f"an entry with more than {MAX_ENTRY_KEYS} parts")
    for key, item in value.items():
        _text(key, MAX_KEY)
        _plain(item, depth + 1)


def _list_of(value: Any, item_check: Any) -> None:
    if not isinstance(value, list):
        raise ShapeProblem("a list expected")
    if len(value) > MAX_LIST_ITEMS:
        raise ShapeProblem(f"more than {MAX_LIST_ITEMS:,} entries")
    for item in value:
        item_check(item)


def _iso(value: Any, kind: type) -> None:
    if not isinstance(value, str) or len(value) > 40:
        raise ShapeProblem("a date and time expected" if kind is datetime else "a date expected")
    try:
        parsed = kind.fromisoformat(value)  # type: ignore[attr-defined]
    except ValueError as error:
        raise ShapeProblem("not a date") from error
    if kind is date and isinstance(parsed, datetime):
        raise ShapeProblem("a date expected")


@functools.cache
def _checks(model: type[SQLModel]) -> dict[str, tuple[Any, bool]]:
    """For each user field: (check of a non-null value, whether null is allowed)."""
    found: dict[str, tuple[Any, bool]] = {}
    for name, info in model.model_fields.items():
        if name in BOOKKEEPING_FIELDS:
            continue
        annotation = info.annotation
        nullable = get_origin(annotation) in (Union, UnionType) and \
            NoneType in get_args(annotation)
        kind = base_type(annotation)
        found[name] = (_check_for(model, name, kind), nullable)
    return found


def _check_for(model: type[SQLModel], name: str, kind: Any) -> Any:
    limit = field_limit(model, name)
    if kind is str:
        return lambda value: _text(value, limit)
    if kind is bool:
        def boolean(value: Any) -> None:
            if not isinstance(value, bool):
                raise ShapeProblem("yes or no expected")
        return boolean
    if kind is int:
        return lambda value: _number(value, whole=True)
    if kind is float:
        return lambda value: _number(value, whole=False)
    if kind in (date, datetime):
        return lambda value: _iso(value, kind)
    origin, args = get_origin(kind), get_args(kind)
    if origin is list and args and args[0] is str:
        return lambda value: _list_of(value, lambda item: _text(item, MAX_TEXT))
    if origin is list:
        return lambda value: _list_of(value, lambda item: _entry(item, 1))
    if origin is dict:
        return lambda value: _entry(value, 0)
    return lambda value: _plain(value, 0)


@functools.cache
def required_fields(model: type[SQLModel]) -> frozenset[str]:
    """User fields with no default: a live record cannot be stored without them."""
    return frozenset(name for name, info in model.model_fields.items()
                     if name not in BOOKKEEPING_FIELDS and info.is_required())


def check_values(model: type[SQLModel], values: dict[str, Any], alive: bool) -> None:
    """Raise ShapeProblem naming the first field whose value its type cannot hold."""
    checks = _checks(model)
    for name, value in values.items():
        found = checks.get(name)
        if found is None:
            continue  # a field of a newer version: ignored
        check, nullable = found
        if value is None:
            if not nullable:
                raise ShapeProblem(f"“{name}” is empty (null), which it cannot be")
            continue
        try:
            check(value)
        except ShapeProblem as problem:
            raise ShapeProblem(f"“{name}”: {problem}") from None
    if alive:
        missing = sorted(required_fields(model) - values.keys())
        if missing:
            raise ShapeProblem(f"“{missing[0]}” is missing")
    if model is RECORD_TYPES.get("attachment") and "sha256" in values:
        digest = values["sha256"]
        if not (isinstance(digest, str) and SHA256.match(digest)):
            raise ShapeProblem("the attachment's checksum is not 64 hexadecimal digits")


def check_line(record_type: str, line: dict[str, Any], rev: bool = True) -> None:
    """A line the reader has parsed (dict values, valid stamps and vectors): its values
    fit its type and (unless `rev` is False: the reader checks it another way) its
    revision is the one its state has."""
    model = RECORD_TYPES[record_type]
    alive = not is_deleted(line["stamps"], line["delete_ctx"])
    check_values(model, line["values"], alive)
    if rev and line["rev"] != compute_rev(line["values"], line["stamps"], line["vv"],
                                  line["delete_ctx"]):
        raise ShapeProblem("its revision does not match its content (changed after it "
                           "was made)")


def attachment_digests(lines: list[dict[str, Any]]) -> set[str]:
    """The hashes whose bytes a bundle must carry: those of its live attachments."""
    return {line["values"]["sha256"] for line in lines
            if "sha256" in line["values"]
            and not is_deleted(line["stamps"], line["delete_ctx"])}


class LaptopCheck:
    """What only this laptop's database can tell, checked a part of a bundle's lines at
    a time (`check`): raises `limits.BundleError`."""

    def __init__(self, connection: Connection, name: str) -> None:
        table = Setting.__table__  # type: ignore[attr-defined]
        settings = dict(connection.execute(select(table.c.key, table.c.value).where(
            table.c.key.in_((DEVICE_KEY, COUNTER_KEY)))).all())
        self.connection = connection
        self.name = name
        self.device = str(settings.get(DEVICE_KEY) or "")
        self.counter = _setting_int(settings.get(COUNTER_KEY))
        # No record here at first (an import into an empty database): no id to look up.
        # The records an import writes meanwhile are the bundle's own, each id once.
        self.records_here = connection.exec_driver_sql(
            "SELECT 1 FROM search_docs LIMIT 1").first() is not None

    def check(self, record_type: str, lines: list[dict[str, Any]]) -> None:
        from partnerdesk.sharing.limits import BundleError  # (limits imports this module)

        device, counter = self.device, self.counter
        if device:
            for line in lines:
                claimed = line["delete_ctx"].get(device, 0)
                if claimed > counter:
                    raise BundleError(
                        f"{self.name} holds a deletion of a {record_type.replace('_', ' ')} "
                        f"({line['id']}) that claims to have seen {claimed:,} changes "
                        f"made on this computer, which has made {counter:,}. Such a "
                        "file was made by hand or damaged; it was not imported.")
        if self.records_here:
            _check_other_types(self.connection, {record_type: lines}, self.name, BundleError)


def _check_other_types(connection: Connection, records: dict[str, list[dict[str, Any]]],
                       name: str, error: type[Exception]) -> None:
    """An incoming id this laptop already holds as a record of another type."""
    incoming = {line["id"]: record_type for record_type, lines in records.items()
                for line in lines}
    ids = sorted(incoming)
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        marks = ",".join([placeholder(connection)] * len(chunk))
        for record_id, held in connection.exec_driver_sql(
                "SELECT record_id, record_type FROM search_docs "
                f"WHERE record_id IN ({marks})", tuple(chunk)):
            if held != incoming[record_id]:
                raise error(
                    f"{name} holds a {incoming[record_id].replace('_', ' ')} whose id "
                    f"({record_id}) is already the id of a {held.replace('_', ' ')} here. "
                    "It was not imported; ask the sender for a fresh copy.")


def _setting_int(value: Any) -> int:
    """The counter as stored; 0 when it is not a whole number (never raises)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return 0
