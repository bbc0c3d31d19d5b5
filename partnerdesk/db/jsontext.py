"""JSON text for bulk writes: the standard library's C encoder made once, and rows
handed to SQLite as one JSON text.

`json.JSONEncoder.encode` builds a new encoder object at every call, which costs nearly
as much as the encoding itself for the small values that bulk writes encode by the
hundred thousand (each record's canonical text for its revision, each JSON column).
"""

import json
import json.encoder
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any


def encoder(**options: Any) -> Callable[[Any], str]:
    """`json.JSONEncoder(**options).encode`: the very same text, without the check for
    circular references (the values are plain data: typed, read or decoded), and with
    the C encoder made once. Falls back to `encode` where there is no C encoder."""
    plain = json.JSONEncoder(**{"check_circular": False, **options})
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None or plain.indent is not None:
        return plain.encode
    strings = json.encoder.encode_basestring_ascii if plain.ensure_ascii \
        else json.encoder.encode_basestring
    try:
        made = make(None, plain.default, strings, plain.indent, plain.key_separator,
                    plain.item_separator, plain.sort_keys, plain.skipkeys, plain.allow_nan)
    except TypeError:  # a Python whose C encoder takes other arguments
        return plain.encode

    def encode(value: Any) -> str:
        return "".join(made(value, 0))

    sample = {"b": [1, 2.5, None, True, "é\n\"", {"z": 1, "y": []}], "a": "ö"}
    return encode if encode(sample) == plain.encode(sample) else plain.encode


_ROWS_JSON = encoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))
_AS_JSON = frozenset({str, int, type(None)})
_INT64 = (-2 ** 63 + 1, 2 ** 63 - 1)


def rows_select(columns: list[Sequence[Any]], names: Sequence[str] = (),
                ) -> tuple[str, tuple[Any, ...]] | None:
    """SQLite only: a SELECT giving these rows (the columns are each a sequence of the
    rows' values, as executemany would bind them) from one JSON text, and its parameters:
    `SELECT ?, value ->> 0, ... FROM json_each(?)`, whose rows an insert stores exactly
    as executemany of the rows would (text as text, whole numbers as integers, None as
    NULL, in the same order). SQLite runs it as one step without Python's lock, where
    executemany takes the lock back at every row: on a thread beside Python that wait
    was most of its time. A column holding one value in every row (a bulk write's
    stamps, times, origin) is bound once instead of carried in each row.

    None when executemany should do it: fewer than two rows, an SQLite before 3.38
    (no `->>`), or a value that could come back otherwise: a float (SQLite's own
    reading of its decimal text may differ in the last bit), an integer beyond 64 bits,
    text holding a NUL character (or the text "\\u0000"), another type sqlite3 has no
    adapter for (bytes, a subclass of str or int). `names`: the columns' names in the
    SELECT (for an UPDATE ... FROM it)."""
    count = len(columns[0]) if columns else 0
    if count < 2 or sqlite3.sqlite_version_info < (3, 38):
        return None
    picks: list[str] = []
    constants: list[Any] = []
    varying: list[Sequence[Any]] = []  # the columns whose values differ
    for column in columns:
        kinds = set(map(type, column))
        if not kinds <= _AS_JSON:
            # what executemany binds for another type: sqlite3's adapter for it (a date
            # or a date-time its column type leaves as it is goes in as ISO text)
            adapters = {kind: sqlite3.adapters.get((kind, sqlite3.PrepareProtocol))
                        for kind in kinds - _AS_JSON}
            if None in adapters.values():
                return None
            if len(set(map(id, column))) == 1:  # one object in every row: adapted once
                column = [adapters[type(column[0])](column[0])] * count
            else:
                column = [adapters[type(value)](value) if type(value) in adapters
                          else value for value in column]
            kinds = set(map(type, column))
            if not kinds <= _AS_JSON:
                return None
        if int in kinds:
            numbers = column if len(kinds) == 1 else [v for v in column if v is not None]
            if min(numbers) < _INT64[0] or max(numbers) > _INT64[1]:
                return None
        first = column[0]
        if len(kinds) == 1 and column.count(first) == count:
            if isinstance(first, str) and "\x00" in first:
                return None
            picks.append("?")
            constants.append(first)
        else:
            picks.append(f"value ->> {len(varying)}")
            varying.append(column)
    text = _ROWS_JSON(list(zip(*varying, strict=True)) if varying else [[]] * count)
    if "\\u0000" in text:
        return None
    if names:
        picks = [f"{pick} AS {name}" for pick, name in zip(picks, names, strict=True)]
    return f"SELECT {', '.join(picks)} FROM json_each(?)", (*constants, text)
