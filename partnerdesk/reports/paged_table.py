"""A long table laid out one page at a time, so 5,000 rows cost 5,000 rows of work.

ReportLab's LongTable splits at each page into the rows that fit and a new table of all
the rows left, which it builds again (styles, cell lists) from scratch: over a long
register that is quadratic, and each table re-applies every per-row style command.
Here every row's height is known before layout (its text is already broken into lines,
see cells.py), the running total is kept once, and each page becomes a small `Table` of
its own rows with the header row on top and the row heights given, so ReportLab
measures nothing again. Shading and bold cells are style commands for that page only.

A row taller than a whole page (a very long note) is handed to ReportLab's LongTable,
which can split inside a row, and the rows after it carry on here.
"""

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from reportlab.platypus import Flowable, Table, TableStyle

from partnerdesk.reports.text_table import LongTextTable, TextTable

Cell = str | Flowable
PAD = 6.0  # top and bottom padding of a cell, in points
FUZZ = 1e-6


@dataclass(frozen=True)
class Rows:
    """The table's content, shared by every piece of it (never copied per page)."""

    header: list[Cell]
    rows: list[list[Cell]]
    widths: list[float]
    header_height: float
    heights: list[float]  # every row's height, padding included
    totals: list[float]  # totals[i]: the height of rows[:i]
    # the style of rows[start:end] under a header row: given (start, end)
    style: Callable[[int, int], TableStyle]
    # the same for a page drawn whole: its rules and shading, and its cells' styles
    page_style: Callable[[int, int], tuple[TableStyle, list[list[Any]]]]


def row_height(cells: Sequence[Cell], inner_widths: Sequence[float], leading: float) -> float:
    """What a row needs: its tallest cell's lines (or block), plus padding."""
    tallest = 0.0
    for value, width in zip(cells, inner_widths, strict=True):
        if isinstance(value, Flowable):
            tallest = max(tallest, value.wrap(width, 1e9)[1])
        else:
            tallest = max(tallest, (value.count("\n") + 1) * leading)
    return tallest + PAD


def make_rows(header: list[Cell], rows: list[list[Cell]], widths: list[float],
              inner_widths: list[float], leading: float,
              style: Callable[[int, int], TableStyle],
              page_style: Callable[[int, int], tuple[TableStyle, list[list[Any]]]]) -> Rows:
    heights = [row_height(row, inner_widths, leading) for row in rows]
    return Rows(header, rows, widths, row_height(header, inner_widths, leading), heights,
                [0.0, *accumulate(heights)], style, page_style)


class PagedTable(Flowable):
    """Rows `start` to the end of a `Rows`, with the header repeated on every page."""

    def __init__(self, data: Rows, start: int = 0) -> None:
        super().__init__()
        self.data = data
        self.start = start
        self.hAlign = "LEFT"

    def __len__(self) -> int:
        return len(self.data.rows) - self.start

    def _rest_height(self) -> float:
        return self.data.header_height + self.data.totals[-1] - self.data.totals[self.start]

    def _page(self, end: int) -> Table:
        data = self.data
        lines, cells = data.page_style(self.start, end)
        table = TextTable([data.header, *data.rows[self.start:end]], colWidths=data.widths,
                          rowHeights=[data.header_height, *data.heights[self.start:end]],
                          hAlign="LEFT", cellStyles=cells)
        table.setStyle(lines)
        return table

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width, self.height = sum(self.data.widths), self._rest_height()
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        data = self.data
        room = availHeight - data.header_height + FUZZ
        end = bisect_right(data.totals, data.totals[self.start] + room) - 1
        end = min(end, len(data.rows))
        if end > self.start:
            rest = [PagedTable(data, end)] if end < len(data.rows) else []
            return [self._page(end), *rest]
        frame: Any = getattr(self, "_frame", None)
        if not getattr(frame, "_atTop", False):
            return []  # the next row starts on the next page
        # at the top of a page and the row still does not fit: let ReportLab split it
        row = LongTextTable([data.header, data.rows[self.start]], colWidths=data.widths,
                            repeatRows=1, splitInRow=1, hAlign="LEFT")
        row.setStyle(data.style(self.start, self.start + 1))
        pieces = row.splitOn(self.canv, availWidth, availHeight)
        if not pieces:
            return []
        rest = [PagedTable(data, self.start + 1)] if self.start + 1 < len(data.rows) else []
        return [*pieces, *rest]

    def draw(self) -> None:
        # the whole rest fitted where the frame put it
        table = self._page(len(self.data.rows))
        table.wrapOn(self.canv, self.width, self.height)
        table.drawOn(self.canv, 0, 0)
