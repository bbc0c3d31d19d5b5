"""Table cells that cost little to lay out, so a 5,000-row register takes seconds.

A Paragraph in every cell parses markup and measures every word again each time the
table is wrapped, split or drawn (three or four times per cell). Here text is broken
into lines once, at the column's width, with word widths remembered: a cell in one
font becomes a plain string with line breaks, which ReportLab's table measures by
counting lines and can split across pages by itself. A cell that mixes fonts (a title
with a smaller grey line under it) is a `TextBlock`, which is equally cheap.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from reportlab.lib.colors import Color
from reportlab.platypus import Flowable

from partnerdesk.reports import scripts

BREAK_AFTER = "@./-_"


@dataclass(frozen=True)
class Font:
    name: str
    size: float
    leading: float
    color: Color


@lru_cache(maxsize=65536)
def _width(word: str, font: str, size: float) -> float:
    return scripts.width(word, font, size)


def _break_word(word: str, font: str, size: float, width: float) -> list[str]:
    """A word wider than the column (an e-mail address, a web address) broken into pieces
    that fit: after an "@", ".", "/" or "-" where there is one, else between letters."""
    pieces: list[str] = []
    piece = ""
    for char in word:
        if piece and _width(piece + char, font, size) > width:
            # an e-mail address breaks after its "@" first: "name@" / "example.org"
            cut = (piece.rfind("@") if "@" in piece
                   else max(piece.rfind(mark) for mark in BREAK_AFTER)) + 1
            if 0 < cut < len(piece):
                pieces.append(piece[:cut])
                piece = piece[cut:]
            else:
                pieces.append(piece)
                piece = ""
        piece += char
    return pieces + [piece]


def wrap_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """`text` broken into lines no wider than `width`, keeping the writer's line breaks.

    Only ordinary spaces break a line: a no-break space (in phone numbers) holds.
    """
    space = _width(" ", font, size)
    lines: list[str] = []
    for paragraph in text.strip().split("\n"):
        words = [w for w in paragraph.strip().split(" ") if w]
        line: list[str] = []
        used = 0.0
        for word in words:
            measure = _width(word, font, size)
            if measure > width:
                parts = _break_word(word, font, size, width)
                if line:
                    lines.append(" ".join(line))
                lines.extend(parts[:-1])
                line, used = [parts[-1]], _width(parts[-1], font, size)
            elif line and used + space + measure > width:
                lines.append(" ".join(line))
                line, used = [word], measure
            else:
                used += (space if line else 0.0) + measure
                line.append(word)
        lines.append(" ".join(line))
    return lines


def wrapped(text: str, font: Font, width: float) -> str:
    """A plain-string cell: `text` broken into lines for a column `width` wide."""
    if "\n" not in text and _width(text, font.name, font.size) <= width:
        return text.strip()
    return "\n".join(wrap_lines(text, font.name, font.size, width))


class TextBlock(Flowable):
    """Lines in one or more fonts, broken once for the width the table gives.

    `runs` are (text, font) pairs; each run starts on a new line. The block can be split
    between lines, so a very long cell continues on the next page.
    """

    def __init__(self, runs: Sequence[tuple[str, Font]],
                 lines: list[tuple[str, Font]] | None = None, width: float = 0.0) -> None:
        super().__init__()
        self.runs = tuple((text, font) for text, font in runs if text.strip())
        self._lines = lines
        self._for_width = width if lines is not None else None
        self.width = width
        self.height = sum(f.leading for _, f in lines) if lines else 0.0

    def _layout(self, width: float) -> None:
        if self._for_width == width and self._lines is not None:
            return
        self._lines = [(line, font) for text, font in self.runs
                       for line in wrap_lines(text, font.name, font.size, width)]
        self._for_width = width
        self.width = width
        self.height = sum(font.leading for _, font in self._lines)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self._layout(availWidth)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        self._layout(availWidth)
        lines = self._lines or []
        used, count = 0.0, 0
        for _, font in lines:
            if used + font.leading > availHeight:
                break
            used += font.leading
            count += 1
        if count == 0 or count == len(lines):
            return []
        return [TextBlock((), lines[:count], availWidth), TextBlock((), lines[count:], availWidth)]

    def draw(self) -> None:
        # Baselines as ReportLab's own string cells place them: the font size below the
        # top of each line, so blocks and plain cells in one row line up.
        # A line in another script or direction is drawn by `scripts`, beside the text
        # object that holds the plain lines.
        canvas: Any = self.canv
        text = canvas.beginText()
        top = self.height
        current: Font | None = None
        for line, font in self._lines or []:
            if scripts.is_simple(line, font.name):
                if font != current:
                    text.setFont(font.name, font.size, font.leading)
                    text.setFillColor(font.color)
                    current = font
                text.setTextOrigin(0, top - font.size)
                text.textOut(line.replace(scripts.NO_BREAK_SPACE, " "))
            else:
                canvas.setFillColor(font.color)
                scripts.draw(canvas, 0, top - font.size, line, font.name, font.size)
            top -= font.leading
        canvas.drawText(text)
