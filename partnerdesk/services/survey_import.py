"""A survey's results from a CSV of totals: one row per answer, saying how many chose it.

Columns (first row, any order, case ignored): `question`, `answer` (or `option`,
`choice`, `response`) and `count` (or `total`, `responses`, `votes`, `number`, `n`). A
question left empty repeats the one above, as spreadsheets are often laid out:

    question,answer,count
    Would you come again?,Yes,112
    ,Maybe,20
    ,No,4

PartnerDesk keeps totals only, never individual answers: a file with a column for who
answered (name, e-mail, respondent, timestamp...) is one row per person, and is refused
with a sentence saying how to make totals of it. The file is read within limits (its
size, its rows, each cell's length, the counts' range) and every row is checked before
anything is written; on any problem nothing changes and the message names the rows.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from partnerdesk.db import records as r
from partnerdesk.db.search_index import fold
from partnerdesk.errors import PartnerDeskError, ValidationError
from partnerdesk.services.validation import MAX_COUNT, field_limit

if TYPE_CHECKING:
    from partnerdesk.services.desk import Desk

MAX_FILE_BYTES = 2 * 1024 * 1024  # a table of totals is a few kilobytes
MAX_ROWS = 5_000
MAX_LISTED = 10
COLUMNS = {
    "question": "question", "questions": "question", "item": "question",
    "answer": "answer", "answers": "answer", "option": "answer", "choice": "answer",
    "response": "answer",
    "count": "count", "counts": "count", "total": "count", "totals": "count",
    "responses": "count", "votes": "count", "number": "count", "n": "count",
    "how many": "count",
}
# Columns that say who answered: such a file holds individual answers, not totals.
PERSONAL = ("name", "first name", "last name", "full name", "email", "e-mail",
            "email address", "respondent", "respondent id", "participant", "phone",
            "timestamp", "submitted at", "date of birth", "address")



def _squashed(name: str) -> str:
    """A column name without spaces, dashes and underscores ("respondentId" too)."""
    return "".join(ch for ch in name if ch not in " -_")


PERSONAL_KEYS = frozenset(_squashed(name) for name in PERSONAL)


class SurveyImportError(PartnerDeskError):
    """The file cannot be used; nothing was changed."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MAX_LISTED]
        more = len(problems) - len(shown)
        super().__init__("Nothing was imported. " + " ".join(shown)
                         + (f" (and {more} more)" if more > 0 else ""))


@dataclass(frozen=True)
class SurveyImportResult:
    feedback_id: str
    added: int
    removed: int


def read_totals(source: str | Path | bytes) -> list[dict[str, Any]]:
    """The file's totals as survey result rows ({question, answer, count, position});
    raises SurveyImportError with the problems (nothing is written here)."""
    from partnerdesk.sharing.import_common import ImportFileError, decode_text, read_bytes

    try:
        data = read_bytes(source, MAX_FILE_BYTES) if isinstance(source, str | Path) \
            else bytes(source)
        if len(data) > MAX_FILE_BYTES:
            raise SurveyImportError([f"The file is larger than {MAX_FILE_BYTES // 1024:,} KB, "
                                     "far more than a table of totals. Check that you chose "
                                     "the totals and not the answers themselves."])
        text = decode_text(data, "The file")
    except ImportFileError as error:
        raise SurveyImportError([error.message]) from None
    rows = _cells(text)
    header = [" ".join(fold(cell).split()) for cell in rows[0]]
    personal = [rows[0][i].strip() for i, name in enumerate(header)
                if _squashed(name) in PERSONAL_KEYS]
    if personal:
        raise SurveyImportError([
            f"This file has a column “{personal[0]}”, so it holds one row per person. "
            "PartnerDesk keeps only totals, never individual answers: make a table with "
            "the columns question, answer and count (how many chose each answer) and "
            "import that."])
    columns = [COLUMNS.get(name, "") for name in header]
    missing = [name for name in ("question", "answer", "count") if name not in columns]
    if missing:
        found = ", ".join(cell.strip() for cell in rows[0] if cell.strip()) or "nothing"
        raise SurveyImportError([
            f"The first row must name the columns question, answer and count; no "
            f"“{', '.join(missing)}” column was found (found: {found[:200]})."])
    return _totals(rows, columns)


def _cells(text: str) -> list[list[str]]:
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
                raise SurveyImportError([f"The file has more than {MAX_ROWS:,} rows; a table "
                                         "of totals has one row per answer. Check that you "
                                         "chose the totals."])
    except csv.Error as error:
        raise SurveyImportError([f"Row {reader.line_num} is not well-formed CSV ({error}). "
                                 "Open the file in a spreadsheet, save it as CSV again and "
                                 "retry."]) from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise SurveyImportError(["The file is empty. It needs a first row naming the columns "
                                 "question, answer and count."])
    return rows


def _totals(rows: list[list[str]], columns: list[str]) -> list[dict[str, Any]]:
    limits = {"question": field_limit(r.SurveyResult, "question"),
              "answer": field_limit(r.SurveyResult, "answer")}
    problems: list[str] = []
    found: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    question = ""
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values: dict[str, str] = {}
        for name, cell in zip(columns, cells, strict=False):
            if name and name not in values:
                values[name] = " ".join(cell.split())
        if "\x00" in "".join(values.values()):
            problems.append(f"Row {number} holds a character that is not text (NUL).")
            continue
        question = values.get("question") or question
        answer = values.get("answer", "")
        raw = values.get("count", "").replace(",", "")
        if not question:
            problems.append(f"Row {number}: the question is empty.")
            continue
        if not answer:
            problems.append(f"Row {number}: the answer is empty.")
            continue
        long = [name for name in ("question", "answer")
                if len({"question": question, "answer": answer}[name]) > limits[name]]
        if long:
            problems.append(f"Row {number}: the {long[0]} is longer than "
                            f"{limits[long[0]]} characters.")
            continue
        count = _whole_number(raw)
        if count is None:
            problems.append(f"Row {number}: the count “{raw[:20]}” should be a whole number "
                            f"from 0 to {MAX_COUNT:,}.")
            continue
        key = (question.casefold(), answer.casefold())
        if key in seen:
            problems.append(f"Row {number}: “{answer}” to “{question}” is already counted in "
                            f"row {seen[key]}.")
            continue
        seen[key] = number
        found.append({"question": question, "answer": answer, "count": count,
                      "position": len(found)})
    if problems:
        raise SurveyImportError(["Fix these rows in the file and try again:", *problems])
    if not found:
        raise SurveyImportError(["The file names its columns but has no totals below them."])
    return found


def _whole_number(text: str) -> int | None:
    if not text.isdigit() or len(text) > 12:
        return None
    number = int(text)
    return number if number <= MAX_COUNT else None


def import_totals(desk: Desk, feedback_id: str, source: str | Path | bytes, *,
                  replace: bool = False) -> SurveyImportResult:
    """Add the file's totals to the feedback's survey results, in one step. `replace`
    removes the results it had first; otherwise an answer already counted refuses the
    whole file (the service's rule)."""
    from partnerdesk.services.whole_save import ChildChanges

    totals = read_totals(source)
    current = desk.feedback.get(feedback_id, include_deleted=False)
    removed = [row.id for row in desk.survey_results.list(
        where={"feedback_id": current.id})] if replace else []
    if not replace:
        last = max((row.position for row in desk.survey_results.list(
            where={"feedback_id": current.id})), default=-1)
        totals = [{**row, "position": last + 1 + row["position"]} for row in totals]
    try:
        desk.feedback.save({}, current.id, results=ChildChanges(new=totals, removed=removed))
    except ValidationError as error:
        raise SurveyImportError([error.message, "To use the file's totals instead of the "
                                 "results recorded, import it again replacing them."]) from None
    return SurveyImportResult(current.id, len(totals), len(removed))
