"""Flowables every report is made of: the title block, sections, tables that split across
pages with their header row repeated, and the sentence an empty section shows."""

from collections.abc import Sequence

from reportlab.platypus import Flowable, KeepTogether, LongTable, Paragraph, Spacer, Table

from partnerdesk.reports import text
from partnerdesk.reports.cells import wrapped
from partnerdesk.reports.styles import (
    CELL,
    CELL_BOLD,
    CELL_LABEL,
    CELL_PADDING,
    Styles,
    facts_style,
    grid_style,
)
from partnerdesk.services.reporting import ReportMeta

Cell = str | Flowable


def title_block(meta: ReportMeta, s: Styles, subtitle: str = "") -> list[Flowable]:
    covered = (text.period(meta.period) if meta.period is not None
               else f"Records as they stood on {text.long_day(meta.made_on)}")
    lines = [f"<b>Period covered:</b> {text.markup(covered)}",
             f"<b>Made on:</b> {text.long_day(meta.made_on)}"]
    if not meta.for_partner:
        lines.append("<b>Internal:</b> includes people and notes not cleared for sharing. "
                     "Do not send outside the organization.")
    story: list[Flowable] = [Paragraph(text.markup(meta.title), s.title)]
    if subtitle:
        story.append(Paragraph(text.markup(subtitle), s.subtitle))
    story.append(Paragraph("<br/>".join(lines), s.muted))
    story.append(Spacer(1, 8))
    return story


def heading(title: str, s: Styles) -> Paragraph:
    return Paragraph(text.markup(title), s.h1)


def subheading(title: str, s: Styles) -> Paragraph:
    return Paragraph(text.markup(title), s.h2)


def empty(sentence: str, s: Styles) -> Paragraph:
    return Paragraph(text.markup(sentence), s.empty)


def para(value: str, s: Styles, style_name: str = "body") -> Paragraph:
    return Paragraph(text.markup(value), getattr(s, style_name))


def table(headers: Sequence[str], rows: Sequence[Sequence[Cell]], widths: Sequence[float],
          s: Styles, flag_rows: Sequence[int] = (), bold_columns: Sequence[int] = (),
          bold_cells: Sequence[tuple[int, int]] = ()) -> Table:
    """A data table whose header row repeats on every page it spills onto.

    `widths` are in points. Text cells are broken into lines here, once (see cells.py);
    a Flowable (a `TextBlock`) is used as it is. `flag_rows` and `bold_cells` index
    `rows`; `bold_columns` are set in bold below the header.
    """
    inner = [w - 2 * CELL_PADDING for w in widths]
    fonts = [CELL_BOLD if column in bold_columns else CELL for column in range(len(widths))]
    bold = set(bold_cells)
    data: list[list[Cell]] = [[wrapped(h, CELL_BOLD, w)
                               for h, w in zip(headers, inner, strict=True)]]
    for number, row in enumerate(rows):
        data.append([value if isinstance(value, Flowable) else wrapped(
            str(value), CELL_BOLD if (number, column) in bold else fonts[column],
            inner[column]) for column, value in enumerate(row)])
    result = LongTable(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT",
                       splitByRow=1, splitInRow=1)
    result.setStyle(grid_style(tuple(i + 1 for i in flag_rows), tuple(bold_columns),
                               tuple((row + 1, column) for row, column in bold_cells)))
    return result


def facts(pairs: Sequence[tuple[str, str]], s: Styles, width: float) -> Table:
    """A boxed summary: label on the left, value on the right."""
    widths = (width * 0.28, width * 0.72)
    rows = [[wrapped(label, CELL_LABEL, widths[0] - 5 - CELL_PADDING),
             wrapped(value or "—", CELL, widths[1] - 5 - CELL_PADDING)]
            for label, value in pairs]
    box = Table(rows, colWidths=list(widths), hAlign="LEFT")
    box.setStyle(facts_style())
    return box


def keep(*flowables: Flowable) -> KeepTogether:
    return KeepTogether(list(flowables))
