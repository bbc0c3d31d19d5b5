"""Named paragraph and table styles: black and grey only, so reports print well in black
and white; anything flagged also says so in words."""

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import TableStyle
from reportlab.platypus.tables import CellStyle

from partnerdesk.reports.cells import Font
from partnerdesk.reports.fonts import BOLD, ITALIC, REGULAR, register_fonts

INK = colors.black
MUTED = colors.Color(0.30, 0.30, 0.30)
RULE = colors.Color(0.55, 0.55, 0.55)
HEADER_FILL = colors.Color(0.86, 0.86, 0.86)
FLAG_FILL = colors.Color(0.93, 0.93, 0.93)
BODY_SIZE = 9.5
CELL_SIZE = 8.5
CELL_LEADING = 10.5
CELL_PADDING = 4  # left and right, in every data table
# The fonts of table cells, which are laid out without Paragraphs (see cells.py).
CELL = Font(REGULAR, CELL_SIZE, CELL_LEADING, INK)
CELL_BOLD = Font(BOLD, CELL_SIZE, CELL_LEADING, INK)
CELL_LABEL = Font(BOLD, CELL_SIZE, CELL_LEADING, MUTED)
CELL_NOTE = Font(REGULAR, 7.5, 9.5, MUTED)


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    muted: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    empty: ParagraphStyle


def make_styles() -> Styles:
    """Paragraph styles for running text; table cells use the `CELL...` fonts above."""
    register_fonts()
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=BODY_SIZE, leading=13,
                          textColor=INK, spaceAfter=4, alignment=TA_LEFT)
    return Styles(
        body=body,
        muted=ParagraphStyle("muted", parent=body, fontSize=8.5, leading=11, textColor=MUTED),
        title=ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=20, leading=25,
                             spaceBefore=2, spaceAfter=4),
        subtitle=ParagraphStyle("subtitle", parent=body, fontSize=11, leading=15,
                                textColor=MUTED, spaceAfter=10),
        h1=ParagraphStyle("h1", parent=body, fontName=BOLD, fontSize=13, leading=17,
                          spaceBefore=14, spaceAfter=6, keepWithNext=1),
        h2=ParagraphStyle("h2", parent=body, fontName=BOLD, fontSize=10.5, leading=14,
                          spaceBefore=8, spaceAfter=4, keepWithNext=1),
        empty=ParagraphStyle("empty", parent=body, fontName=ITALIC, textColor=MUTED),
    )


def _cell_fonts() -> list[tuple]:
    # Plain-string cells take their font from the table style; ReportLab's default
    # (Helvetica, never embedded) must never be used.
    return [("FONT", (0, 0), (-1, -1), REGULAR, CELL_SIZE, CELL_LEADING),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK)]


def grid_style(flag_rows: Sequence[int] = (), bold_columns: Sequence[int] = (),
               bold_cells: Sequence[tuple[int, int]] = ()) -> TableStyle:
    """A table with a shaded, bold header row and light rules; flagged rows lightly shaded
    (their text says why, so the shade is never the only signal).

    Row numbers count the header as row 0; `bold_cells` are (row, column).
    """
    commands: list[tuple] = [
        *_cell_fonts(),
        ("FONT", (0, 0), (-1, 0), BOLD, CELL_SIZE, CELL_LEADING),
        *_grid_lines(),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]
    for column in bold_columns:
        commands.append(("FONT", (column, 1), (column, -1), BOLD, CELL_SIZE, CELL_LEADING))
    for row, column in bold_cells:
        commands.append(("FONT", (column, row), (column, row), BOLD, CELL_SIZE, CELL_LEADING))
    for row in flag_rows:
        commands.append(("BACKGROUND", (0, row), (-1, row), FLAG_FILL))
    return TableStyle(commands)


def _grid_lines() -> list[tuple]:
    return [("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE)]


def _grid_cell(font_name: str) -> CellStyle:
    """What `grid_style`'s commands make of one cell."""
    cell = CellStyle(font_name)
    cell.fontname, cell.fontsize, cell.leading = font_name, CELL_SIZE, CELL_LEADING
    cell.color = INK
    cell.valign = "TOP"
    cell.topPadding = cell.bottomPadding = 3
    cell.leftPadding = cell.rightPadding = CELL_PADDING
    return cell


_GRID_REGULAR = _grid_cell(REGULAR)
_GRID_BOLD = _grid_cell(BOLD)


def grid_page(rows: int, columns: int, flag_rows: Sequence[int] = (),
              bold_columns: Sequence[int] = (), bold_cells: Sequence[tuple[int, int]] = ()
              ) -> tuple[TableStyle, list[list[CellStyle]]]:
    """`grid_style` for a table of `rows` rows (the header included) that is drawn as it
    is, never split: its rules and shading, and each cell's style made once and shared
    (ReportLab only reads them while drawing). Applying the cell commands cell by cell
    was a fifth of laying out a long table's pages."""
    body = [_GRID_BOLD if column in bold_columns else _GRID_REGULAR
            for column in range(columns)]
    cells = [[_GRID_BOLD] * columns, *([body] * (rows - 1))]
    for row, column in bold_cells:
        if cells[row] is body:
            cells[row] = list(body)
        cells[row][column] = _GRID_BOLD
    commands = _grid_lines()
    for row in flag_rows:
        commands.append(("BACKGROUND", (0, row), (-1, row), FLAG_FILL))
    return TableStyle(commands), cells


def facts_style() -> TableStyle:
    """Label / value pairs (a summary box) without a header row: labels bold and grey."""
    return TableStyle([
        *_cell_fonts(),
        ("FONT", (0, 0), (0, -1), BOLD, CELL_SIZE, CELL_LEADING),
        ("TEXTCOLOR", (0, 0), (0, -1), MUTED),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BOX", (0, 0), (-1, -1), 0.5, RULE),
        ("LINEBELOW", (0, 0), (-1, -2), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ])
