"""A ReportLab Table that writes all its plain-string cells as one PDF text object.

ReportLab draws a string cell line by line, and each line is a text object of its own:
begin, set the font, measure the line (for right-to-left scripts), write it, end. Over
a report of a few thousand lines that is most of the drawing time. Here every line of
every left-aligned, top-aligned string cell goes into a single text object, which is
written once the cells are done (before the rules, as ReportLab orders them); the
lines stand exactly where ReportLab would put them. Any other cell (a `TextBlock`, a
centred or right-aligned string, a link) is drawn by ReportLab as before.

A `TextBlock` cell (lines in more than one font) whose lines are all plain goes into the
same text object, each line where the block would have drawn it: a block drawn as a
flowable of its own saved and moved the canvas and began a text object for each cell.
"""

from typing import Any

from reportlab.platypus import LongTable, Table

from partnerdesk.reports import scripts
from partnerdesk.reports.cells import TextBlock


class TextTable(Table):
    _text: Any = None
    _text_font: tuple[str, float, float] | None = None
    _text_color: Any = None

    def draw(self) -> None:
        self._text = None
        super().draw()

    def _drawCell(self, cellval: Any, cellstyle: Any, pos: tuple[float, float],  # noqa: N802
                  size: tuple[float, float]) -> None:
        if isinstance(cellval, str) and cellstyle.valign == "TOP" and not cellstyle.href \
                and not scripts.is_simple(cellval.replace("\n", " "), cellstyle.fontname):
            self._draw_script_cell(cellval, cellstyle, pos, size)
            return
        if isinstance(cellval, TextBlock) and cellstyle.alignment == "LEFT" \
                and cellstyle.valign == "TOP" and self._draw_block(cellval, cellstyle, pos, size):
            return
        if (not isinstance(cellval, str) or cellstyle.alignment != "LEFT"
                or cellstyle.valign != "TOP" or cellstyle.direction or cellstyle.shaping
                or cellstyle.href or cellstyle.destination):
            super()._drawCell(cellval, cellstyle, pos, size)
            return
        if not cellval:
            return
        text = self._text_in(cellstyle.fontname, cellstyle.fontsize, cellstyle.leading,
                             cellstyle.color)
        colpos, rowpos = pos
        # ReportLab's place for a top-aligned string: the font size below the padding
        text.setTextOrigin(colpos + cellstyle.leftPadding,
                           rowpos + size[1] - cellstyle.topPadding - cellstyle.fontsize)
        for line in cellval.split("\n"):
            text.textLine(line.replace(scripts.NO_BREAK_SPACE, " "))

    def _text_in(self, name: str, size: float, leading: float, color: Any) -> Any:
        """The table's text object, set to this font and colour."""
        text = self._text
        if text is None:
            text = self._text = self.canv.beginText()
            self._text_font = self._text_color = None
        font = (name, size, leading)
        if font != self._text_font:
            text.setFont(*font)
            self._text_font = font
        if color != self._text_color:
            text.setFillColor(color)
            self._text_color = color
        return text

    def _draw_block(self, block: TextBlock, cellstyle: Any, pos: tuple[float, float],
                    size: tuple[float, float]) -> bool:
        """A top-aligned block's lines where `TextBlock.draw` puts them, when they are all
        plain; False (nothing drawn) otherwise."""
        block.wrap(size[0] - cellstyle.leftPadding - cellstyle.rightPadding, size[1])
        lines = block._lines or []
        if not all(scripts.is_simple(line, font.name) for line, font in lines):
            return False
        colpos, rowpos = pos
        x, top = colpos + cellstyle.leftPadding, rowpos + size[1] - cellstyle.topPadding
        for line, font in lines:
            text = self._text_in(font.name, font.size, font.leading, font.color)
            text.setTextOrigin(x, top - font.size)
            text.textOut(line.replace(scripts.NO_BREAK_SPACE, " "))
            top -= font.leading
        return True

    def _draw_script_cell(self, cellval: str, cellstyle: Any, pos: tuple[float, float],
                          size: tuple[float, float]) -> None:
        """A cell in other scripts or right to left: each line by `scripts`, where
        ReportLab would place it."""
        canvas = self.canv
        canvas.setFillColor(cellstyle.color)
        colpos, rowpos = pos
        y = rowpos + size[1] - cellstyle.topPadding - cellstyle.fontsize
        left, right = colpos + cellstyle.leftPadding, colpos + size[0] - cellstyle.rightPadding
        x, anchor = {"RIGHT": (right, "end"), "CENTRE": ((left + right) / 2, "middle"),
                     "CENTER": ((left + right) / 2, "middle")}.get(cellstyle.alignment,
                                                                  (left, "start"))
        for line in cellval.split("\n"):
            scripts.draw(canvas, x, y, line, cellstyle.fontname, cellstyle.fontsize, anchor)
            y -= cellstyle.leading

    def _drawLines(self) -> None:  # noqa: N802 (ReportLab's name)
        if self._text is not None:
            self.canv.drawText(self._text)
            self._text = None
        super()._drawLines()


class LongTextTable(TextTable, LongTable):
    """The same for a table ReportLab may split inside a row."""
