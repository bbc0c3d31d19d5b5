"""Columns every synchronised record carries (see shared design SHARING.md).

`stamps`, `vv` and `delete_ctx` are what lets two laptops merge their copies of a
record without losing a value; they are kept up to date by `services.versioning`
on every local change, from the first day.
"""

import os
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import JSON, Select, select
from sqlalchemy.orm import defer
from sqlmodel import Field, SQLModel

# The variant digit of a UUID4 for each random hex digit there (its two top bits "10").
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


def new_id() -> str:
    """A random UUID4 as text: `str(uuid.uuid4())` from the same 16 random bytes, without
    the UUID object (sample data and bulk writes make a hundred thousand)."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"


def utcnow() -> datetime:
    return datetime.now(UTC)


class Synced(SQLModel):
    """Mixin with the bookkeeping columns; not a table itself."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)
    rev: str = Field(default="", max_length=64)
    # No index: nearly every row is live, and an index on it makes SQLite pick it over
    # the sort column's index, then sort the whole table for one page of a list.
    deleted: bool = Field(default=False)
    origin: str = Field(default="", max_length=36)
    # field name -> [counter, device_id] of the write that set its value
    stamps: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    # device_id -> highest counter of that device's writes this state includes
    vv: dict[str, int] = Field(default_factory=dict, sa_type=JSON)
    # the version vector the deleting device had seen; empty when never deleted
    delete_ctx: dict[str, int] = Field(default_factory=dict, sa_type=JSON)


BOOKKEEPING_FIELDS = frozenset(Synced.model_fields)
# The merge bookkeeping kept as JSON: what a list on screen or a report never shows, and
# most of the cost of reading a row (`RecordService.list`, `reporting.records_of`).
BOOKKEEPING_JSON = ("stamps", "vv", "delete_ctx")


def records_of(model: Any) -> Select[Any]:
    """`select(model)` without the merge bookkeeping (stamps, version vectors, deletion
    context), for records read to be shown (reports, the resource map, the network):
    decoding it was a third of gathering the partnership report. Reading one of those
    fields of such a record raises."""
    return select(model).options(*without_bookkeeping(model))


@cache
def without_bookkeeping(model: Any) -> tuple[Any, ...]:
    """The loader options `records_of` gives (also for `Session.get(options=…)`)."""
    return tuple(defer(getattr(model, name), raiseload=True) for name in BOOKKEEPING_JSON
                 if hasattr(model, name))
