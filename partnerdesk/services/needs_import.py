"""Community needs from a hospital's assessment priorities (a simple CSV list).

Columns (first row, any order, case ignored): `category`, `description`, `priority`,
`area`; optional `title` (else the description's first words), `needed capacity`
(or `capacity`) and `source`. Categories must already exist (matched ignoring case
and accents); priorities are high/medium/low or 1/2/3 (1 is high), blank is medium.

Every row is checked before anything is written: on any problem nothing changes and
the error lists the problems by row number (the header is row 1, as a spreadsheet
shows it). A need already present (same category and title) is skipped, so importing
the same file twice adds nothing.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from partnerdesk.db import records as r
from partnerdesk.db import vocabulary as v
from partnerdesk.errors import PartnerDeskError
from partnerdesk.services.desk import Desk
from partnerdesk.services.gaps import fold
from partnerdesk.services.titles import short_title
from partnerdesk.services.validation import MAX_COUNT

if TYPE_CHECKING:
    from partnerdesk.services.desk import Desk

TITLE_LIMIT = 200
MAX_ROWS = 200_000
MAX_LISTED = 12
COLUMNS = {
    "category": "category", "categories": "category", "need category": "category",
    "description": "description", "need": "description", "priority need": "description",
    "priority": "priority", "rank": "priority",
    "area": "area", "service area": "area", "geography": "area", "location": "area",
    "title": "title", "name": "title",
    "needed capacity": "needed_capacity", "capacity": "needed_capacity",
    "needed": "needed_capacity", "source": "source",
}
PRIORITY_WORDS = {"1": "high", "2": "medium", "3": "low", "": "medium"}
for _value, _label in v.NEED_PRIORITIES:
    PRIORITY_WORDS[fold(_value)] = _value
    PRIORITY_WORDS[fold(_label)] = _value


class NeedsImportError(PartnerDeskError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MAX_LISTED]
        more = len(problems) - len(shown)
        text = "Nothing was imported. Fix these rows in the file and try again: " + \
            " ".join(shown) + (f" (and {more} more)" if more > 0 else "")
        super().__init__(text)


@dataclass(frozen=True)
class NeedsImportResult:
    created: int
    skipped: int  # already present
    ids: tuple[str, ...]


def _decode(source: str | Path | bytes) -> str:
    """The file's text, read as every importer reads text (size limit, encodings)."""
    from partnerdesk.sharing.import_common import ImportFileError, decode_text, read_bytes

    try:
        data = read_bytes(source) if isinstance(source, str | Path) else bytes(source)
        return decode_text(data, "The file")
    except ImportFileError as error:
        raise NeedsImportError([error.message]) from None


def _records(text: str) -> list[list[str]]:
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows: list[list[str]] = []
    try:
        for cells in reader:
            rows.append(cells)
            if len(rows) > MAX_ROWS + 1:
                raise NeedsImportError([f"The file has more than {MAX_ROWS:,} rows. Split it "
                                        "into smaller files and import each one."])
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            reason = (f"a cell there is longer than {csv.field_size_limit():,} characters, "
                      "far more than any need")
        else:
            reason = str(error)
        raise NeedsImportError([f"Row {reader.line_num} is not well-formed CSV ({reason}). "
                                "Open the file in a spreadsheet, save it as CSV again and "
                                "retry."]) from None
    return rows


def read_rows(text: str) -> list[tuple[int, dict[str, str]]]:
    """(row number, {field: text}) for each non-empty data row."""
    rows = _records(text)
    if not rows:
        raise NeedsImportError(["The file is empty. It needs a first row naming the columns "
                                "category, description, priority and area."])
    header = [COLUMNS.get(fold(name), "") for name in rows[0]]
    missing = [name for name in ("category", "description") if name not in header]
    if missing:
        raise NeedsImportError([
            f"The first row must name the columns; no “{', '.join(missing)}” column was "
            f"found (found: {', '.join(c for c in rows[0] if c.strip()) or 'nothing'})."])
    found = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = {}
        for name, cell in zip(header, cells, strict=False):
            if name and name not in values:
                values[name] = cell.strip()
        found.append((number, values))
    return found


def _whole_number(raw: str) -> int | None:
    """A count as a spreadsheet writes it ("12", "12.0", "1e3"); None when it is none
    (negative, fractional, endless like 1e400, or beyond what the field holds)."""
    try:
        number = float(raw)
    except ValueError:
        return None
    if not math.isfinite(number) or number < 0 or number != int(number) \
            or number > MAX_COUNT:
        return None
    return int(number)


def import_needs(desk: Desk, source: str | Path | bytes, *,
                 default_source: str = "") -> NeedsImportResult:
    """Read the CSV (a path or its bytes) and add its needs in one transaction."""
    rows = read_rows(_decode(source))
    if not rows:
        raise NeedsImportError(["The file has a header but no needs below it."])
    with desk.store.read() as session:
        categories = {fold(c.name): c for c in session.scalars(select(r.Category).where(
            r.Category.deleted == False))}  # noqa: E712
        existing = {(n.category_id, fold(n.title)) for n in session.scalars(
            select(r.CommunityNeed).where(r.CommunityNeed.deleted == False))}  # noqa: E712
    known = ", ".join(sorted(c.name for c in categories.values()))
    problems: list[str] = []
    planned: list[dict[str, Any]] = []
    skipped = 0
    check = desk.needs.checker()
    for number, cells in rows:
        category = categories.get(fold(cells.get("category", "")))
        description = cells.get("description", "")
        title = cells.get("title") or short_title(description, TITLE_LIMIT)
        if category is None:
            name = cells.get("category", "")
            problems.append(f"Row {number}: “{name}” is not a category (use one of: {known})."
                            if name else f"Row {number}: the category is empty.")
        if not title:
            problems.append(f"Row {number}: the description is empty.")
        priority = PRIORITY_WORDS.get(fold(cells.get("priority", "")))
        if priority is None:
            problems.append(f"Row {number}: priority “{cells.get('priority')}” should be "
                            "high, medium or low (or 1, 2, 3).")
        raw = cells.get("needed_capacity", "").replace(",", "").strip()
        needed = _whole_number(raw)
        if raw and needed is None:
            problems.append(f"Row {number}: needed capacity “{raw[:40]}” should be a whole "
                            f"number (0 to {MAX_COUNT:,}).")
        if category is None or not title or priority is None:
            continue
        key = (category.id, fold(title))
        if key in existing:
            skipped += 1
            continue
        existing.add(key)
        values = {"category_id": category.id, "title": title, "description": description,
                  "priority": priority, "area": cells.get("area", ""),
                  "source": cells.get("source") or default_source, "needed_capacity": needed}
        for problem in check(values):
            message = f"Row {number}: {problem.message}"
            if not problem.warning and (not problems or problems[-1] != message):
                problems.append(message)  # (a title made from the description: once)
        planned.append(values)
    if problems:
        raise NeedsImportError(problems)
    with desk.store.write(backup_reason="before-import") as writer:
        ids = desk.needs.save_many(writer, planned)
    return NeedsImportResult(len(ids), skipped, tuple(ids))
