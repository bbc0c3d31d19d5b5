"""Flowables every report is made of: the title block, sections, tables that split across
pages with their header row repeated, and the sentence an empty section shows."""

from bisect import bisect_left
from collections.abc import Sequence
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from partnerdesk.reports import scripts, text
from partnerdesk.reports.cells import Font, TextBlock, wrapped
from partnerdesk.reports.paged_table import PagedTable, make_rows
from partnerdesk.reports.styles import (
    CELL,
    CELL_BOLD,
    CELL_LABEL,
    CELL_PADDING,
    Styles,
    facts_style,
    grid_page,
    grid_style,
)
from partnerdesk.reports.text_table import TextTable
from partnerdesk.services.reporting import ReportMeta

Cell = str | Flowable
LONG_TABLE_ROWS = 12  # a table with more rows may start on the page its heading is on
ROOM_FOR_A_START = 110.0  # points: a heading, the header row and a few rows


def flowing(value: str, style: ParagraphStyle) -> Flowable:
    """Running text in a paragraph style. Text in other scripts or right to left is laid
    out by `scripts` (a `TextBlock` with the style's font and spacing): a ReportLab
    Paragraph cannot shape it or order it right to left here."""
    if scripts.is_simple(value.replace("\n", " "), style.fontName):
        return Paragraph(text.markup(value), style)
    block = TextBlock([(value.strip(), Font(style.fontName, style.fontSize, style.leading,
                                            style.textColor))])
    block.spaceBefore, block.spaceAfter = style.spaceBefore, style.spaceAfter
    block.keepWithNext = style.keepWithNext
    return block


def title_block(meta: ReportMeta, s: Styles, subtitle: str = "") -> list[Flowable]:
    covered = (text.period(meta.period) if meta.period is not None
               else f"Records as they stood on {text.long_day(meta.made_on)}")
    lines = [f"<b>Period covered:</b> {text.markup(covered)}",
             f"<b>Made on:</b> {text.long_day(meta.made_on)}"]
    if not meta.for_partner:
        lines.append("<b>Internal:</b> includes people and notes not cleared for sharing. "
                     "Do not send outside the organization.")
    story: list[Flowable] = [flowing(meta.title, s.title)]
    if subtitle:
        story.append(flowing(subtitle, s.subtitle))
    story.append(Paragraph("<br/>".join(lines), s.muted))
    story.append(Spacer(1, 8))
    return story


def heading(title: str, s: Styles) -> Flowable:
    return flowing(title, s.h1)


def subheading(title: str, s: Styles) -> Flowable:
    return flowing(title, s.h2)


def empty(sentence: str, s: Styles) -> Flowable:
    return flowing(sentence, s.empty)


def para(value: str, s: Styles, style_name: str = "body") -> Flowable:
    return flowing(value, getattr(s, style_name))


def table(headers: Sequence[str], rows: Sequence[Sequence[Cell]], widths: Sequence[float],
          s: Styles, flag_rows: Sequence[int] = (), bold_columns: Sequence[int] = (),
          bold_cells: Sequence[tuple[int, int]] = ()) -> PagedTable:
    """A data table whose header row repeats on every page it spills onto.

    `widths` are in points. Text cells are broken into lines here, once (see cells.py);
    a Flowable (a `TextBlock`) is used as it is. `flag_rows` (shaded) and `bold_cells`
    (row, column) index `rows`; `bold_columns` are set in bold below the header.
    """
    inner = [w - 2 * CELL_PADDING for w in widths]
    fonts = [CELL_BOLD if column in bold_columns else CELL for column in range(len(widths))]
    bold = set(bold_cells)
    head: list[Cell] = [wrapped(h, CELL_BOLD, w) for h, w in zip(headers, inner, strict=True)]
    body: list[list[Cell]] = [[value if isinstance(value, Flowable) else wrapped(
        str(value), CELL_BOLD if (number, column) in bold else fonts[column], inner[column])
        for column, value in enumerate(row)] for number, row in enumerate(rows)]
    flags = sorted(set(flag_rows))
    bolds = sorted(bold)
    columns = tuple(bold_columns)

    def marks(first: int, end: int) -> tuple[list[int], list[tuple[int, int]]]:
        """The shaded rows and bold cells of rows[first:end] under the header row."""
        shaded = flags[bisect_left(flags, first):bisect_left(flags, end)]
        strong = bolds[bisect_left(bolds, (first, -1)):bisect_left(bolds, (end, -1))]
        return ([row - first + 1 for row in shaded],
                [(row - first + 1, column) for row, column in strong])

    def style(first: int, end: int) -> TableStyle:
        """The style of rows[first:end] drawn under the header row."""
        shaded, strong = marks(first, end)
        return grid_style(shaded, columns, strong)

    def page_style(first: int, end: int) -> tuple[TableStyle, list[list[Any]]]:
        shaded, strong = marks(first, end)
        return grid_page(end - first + 1, len(widths), shaded, columns, strong)

    return PagedTable(make_rows(head, body, list(widths), inner, CELL.leading, style,
                                page_style))


def facts(pairs: Sequence[tuple[str, str]], s: Styles, width: float) -> Table:
    """A boxed summary: label on the left, value on the right."""
    widths = (width * 0.28, width * 0.72)
    rows = [[wrapped(label, CELL_LABEL, widths[0] - 5 - CELL_PADDING),
             wrapped(value or "—", CELL, widths[1] - 5 - CELL_PADDING)]
            for label, value in pairs]
    box = TextTable(rows, colWidths=list(widths), hAlign="LEFT")
    box.setStyle(facts_style())
    return box


def keep(*flowables: Flowable) -> KeepTogether:
    return KeepTogether(list(flowables))


def untie_long_tables(story: Sequence[Flowable]) -> list[Flowable]:
    """Headings stay with what follows, except that a long table may start below them on
    the page where they stand.

    ReportLab keeps a heading with the whole of the next flowable, so a heading above a
    table longer than the rest of the page moves to a new page and leaves a gap. Before a
    long table the heading instead needs room for itself, the header row and a few rows.
    """
    out: list[Flowable] = []
    for flowable in story:
        if isinstance(flowable, PagedTable) and len(flowable) > LONG_TABLE_ROWS:
            first = len(out)
            while first > 0 and out[first - 1].getKeepWithNext():
                first -= 1
            for tied in out[first:]:
                tied.keepWithNext = 0
            out.insert(first, CondPageBreak(ROOM_FOR_A_START))
        out.append(flowable)
    return out
