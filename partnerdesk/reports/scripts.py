"""Lines of text in any script, laid out for the PDF: each character in a font that has
it, right-to-left runs in order, Arabic joined and Devanagari reordered, and the text a
reader copies out of the PDF the text as typed.

Text that DejaVu Sans draws alone, left to right (nearly every line of a report), is a
plain string and goes the usual ReportLab way (`simple`). Any other line is cut into runs
of one font and one direction. The order of the runs comes from the Unicode
bidirectional algorithm (python-bidi: ReportLab's own right-to-left support needs its
`rlbidi`, which is not published on PyPI). Runs in Hebrew, Arabic and Devanagari, and
any run right to left, are shaped by HarfBuzz (uharfbuzz, through ReportLab's TTFont),
which joins Arabic letters, forms ligatures and Devanagari conjuncts and places marks.

Shaped glyphs often stand for no single character (an Arabic initial form, the lam-alef
ligature, a Devanagari conjunct whose vowel sign is drawn first), so each such cluster
of glyphs is wrapped in a marked-content span with `/ActualText`, the PDF's way to say
what text the glyphs are: pdftotext, Acrobat and others copy that. Readers place the
characters of one span left to right and then reorder a right-to-left line, so a
right-to-left cluster of several characters (lam-alef) carries them in reverse.

A line with right-to-left letters is one span instead, whose text is laid out for the way
poppler (pdftotext, Evince, Okular) reads a line back: it takes the line's characters in
their order on the page and turns each right-to-left stretch around, a stretch running
from a right-to-left letter up to the next Latin letter, digit or number sign, neutral
characters such as spaces and brackets included; on a page of mostly right-to-left text
it reads the line from its right end instead. So each such line has two spans' texts,
one for either kind of page, and the canvas (`ReadingOrderCanvas`) writes the one its
page needs once the page is done. Typed text whose spaces or brackets between a Hebrew
word and a Latin one would land in the wrong stretch gets one invisible direction mark
there (U+200F or U+200E: the direction the bidirectional algorithm gave them), so a
copied line reads, and displays, as typed.

A no-break space holds words together on a line (phone numbers) and is drawn as a
space, so a number copied out of a report is the number as typed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from partnerdesk.reports.fonts import font_for, is_shaped, register_fonts

NO_BREAK_SPACE = "\u00a0"
RIGHT_TO_LEFT_MARK, LEFT_TO_RIGHT_MARK = "\u200f", "\u200e"
JOINERS = frozenset("\u200c\u200d\u2060\ufe0e\ufe0f")


@dataclass(frozen=True)
class Glyph:
    char: str  # what ReportLab writes for the glyph (the font's character, or a private one)
    x: float  # from the start of its piece, in points
    y: float
    advance: float


@dataclass(frozen=True)
class Cluster:
    text: str  # the ActualText of its span ("" when the glyph is its own character)
    glyphs: tuple[Glyph, ...]


@dataclass(frozen=True)
class Piece:
    font: str
    width: float
    text: str = ""  # a plain run: drawn as this string
    clusters: tuple[Cluster, ...] = ()  # a shaped run


@dataclass(frozen=True)
class Line:
    pieces: tuple[Piece, ...]
    width: float
    copied: str = ""  # the ActualText of the whole line (one with right-to-left letters)
    copied_on_rtl_page: str = ""  # the same, for a page of mostly right-to-left text


@lru_cache(maxsize=65536)
def _plain_char(char: str, font: str) -> bool:
    return char == NO_BREAK_SPACE or (font_for(char, font) == font
                                      and unicodedata.bidirectional(char) not in
                                      ("R", "AL", "RLE", "RLO", "RLI", "AN"))


def is_simple(text: str, font: str) -> bool:
    """Whether `font` draws all of `text`, left to right, as a plain string."""
    return text.isascii() or all(_plain_char(c, font) for c in text)


def width(text: str, font: str, size: float) -> float:
    """How wide `text` is on the page, in points."""
    text = text.replace(NO_BREAK_SPACE, " ")
    if is_simple(text, font):
        return pdfmetrics.stringWidth(text, font, size)
    return layout(text, font, size).width


# -- laying a line out ---------------------------------------------------------------------
def _levels(text: str) -> list[int]:
    """Each character's embedding level by the bidirectional algorithm (python-bidi's
    reference implementation; the Rust one gives only the reordered string)."""
    from bidi import algorithm

    storage = algorithm.get_empty_storage()
    base = algorithm.get_base_level(text, False)
    storage["base_level"], storage["base_dir"] = base, ("L", "R")[base]
    algorithm.get_embedding_levels(text, storage, False, False)
    algorithm.explicit_embed_and_overrides(storage, False)
    algorithm.resolve_weak_types(storage, False)
    algorithm.resolve_neutral_types(storage, False)
    algorithm.resolve_implicit_levels(storage, False)
    levels = [char["level"] for char in storage["chars"]]
    # L1: white space at the end of the line takes the paragraph's level
    for index in range(len(text) - 1, -1, -1):
        if not text[index].isspace():
            break
        levels[index] = base
    return levels


def _fonts(text: str, base: str) -> list[str]:
    """The font of each character: marks and joiners stay with the letter before them,
    and spaces and punctuation with the run they are in when its font has them."""
    fonts: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        previous = fonts[-1] if fonts else None
        mark = category.startswith("M") or char in JOINERS
        inside = previous != base and category[0] in "ZP"  # a space, a comma
        if previous and (mark or inside and ord(char) in
                         pdfmetrics.getFont(previous).face.charToGlyph):
            fonts.append(previous)
        else:
            fonts.append(font_for(char, base))
    return fonts


def _runs(text: str, base: str, levels: list[int]) -> list[tuple[str, str, int]]:
    """(text, font, level) runs in visual order (rule L2, on whole runs)."""
    fonts = _fonts(text, base)
    runs: list[list[Any]] = []
    for char, font, level in zip(text, fonts, levels, strict=True):
        if runs and runs[-1][1] == font and runs[-1][2] == level:
            runs[-1][0] += char
        else:
            runs.append([char, font, level])
    highest = max(levels, default=0)
    lowest_odd = min((level for level in levels if level % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        index = 0
        while index < len(runs):
            if runs[index][2] >= level:
                end = index
                while end < len(runs) and runs[end][2] >= level:
                    end += 1
                runs[index:end] = runs[index:end][::-1]
                index = end
            else:
                index += 1
    return [(run_text, font, level) for run_text, font, level in runs]


def _shape(text: str, font_name: str, size: float, rtl: bool) -> Piece:
    import uharfbuzz

    font = pdfmetrics.getFont(font_name)
    scale = size / font.face.unitsPerEm
    buffer = uharfbuzz.Buffer()
    buffer.add_str(text)
    buffer.direction = "rtl" if rtl else "ltr"
    buffer.guess_segment_properties()
    hb_font = font.hbFont(size)
    uharfbuzz.shape(hb_font, buffer, {})
    starts = sorted({info.cluster for info in buffer.glyph_infos})
    ends = dict(zip(starts, [*starts[1:], len(text)], strict=True))
    clusters: list[tuple[int, list[Glyph]]] = []
    pen = 0.0
    for info, position in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True):
        known = font.face.glyphToChar.get(info.codepoint)
        char = chr(known[0]) if known else chr(font.hbAddPrivate(
            hb_font.glyph_to_string(info.codepoint), info.codepoint, position.x_advance))
        glyph = Glyph(char, pen + position.x_offset * scale, position.y_offset * scale,
                      position.x_advance * scale)
        pen += position.x_advance * scale
        if clusters and clusters[-1][0] == info.cluster:
            clusters[-1][1].append(glyph)
        else:
            clusters.append((info.cluster, [glyph]))
    out = []
    for start, glyphs in clusters:
        typed = text[start:ends[start]]
        exact = len(glyphs) == 1 and glyphs[0].char == typed
        actual = "" if exact else typed[::-1] if rtl else typed
        # Readers take a span's extent from its first glyph's start to its last glyph's
        # end: the glyph reaching furthest right is drawn last (a vowel sign below a
        # consonant has no width), or a copied word gets a space in it.
        drawn = sorted(glyphs, key=lambda g: g.x + g.advance) if actual else glyphs
        out.append(Cluster(actual, tuple(drawn)))
    return Piece(font_name, pen, clusters=tuple(out))


@lru_cache(maxsize=8192)
def layout(text: str, font: str, size: float) -> Line:
    """`text` (one line) as pieces in visual order, left to right."""
    register_fonts()
    text = text.replace(NO_BREAK_SPACE, " ")
    if is_simple(text, font):
        measure = pdfmetrics.stringWidth(text, font, size)
        return Line((Piece(font, measure, text=text),), measure)
    pieces = []
    levels = _levels(text)
    for run, run_font, level in _runs(text, font, levels):
        if level % 2 or is_shaped(run_font):
            pieces.append(_shape(run, run_font, size, bool(level % 2)))
        else:
            pieces.append(Piece(run_font, pdfmetrics.stringWidth(run, run_font, size),
                                text=run))
    if not any(map(_right_to_left, text)):
        return Line(tuple(pieces), sum(p.width for p in pieces))
    return Line(tuple(pieces), sum(p.width for p in pieces), _copy_order(text, levels),
                _copy_order_rtl_page(text, levels))


# -- what a reader copies out --------------------------------------------------------------
def _right_to_left(char: str) -> bool:
    return unicodedata.bidirectional(char) in ("R", "AL")


def _ends_right_to_left(char: str) -> bool:
    """A Latin letter, a digit or a number sign (+ - , . / : # $ %...): where poppler ends
    a right-to-left stretch."""
    return unicodedata.bidirectional(char) in ("L", "EN", "AN", "ES", "ET", "CS")


def _copy_order(text: str, levels: list[int]) -> str:
    """The line's ActualText: `text` in the order that poppler's reading of a line
    (`reorderText` in its TextOutputDev, on a page of mostly left-to-right text, as a
    report's pages are) turns back into `text`, with a direction mark where no order
    would (see the module's docstring)."""
    out: list[str] = []
    start, end = 0, len(text)
    while start < end:
        stop = start
        while stop < end and not _right_to_left(text[stop]):
            stop += 1
        out.append(text[start:stop])  # left to right: read as it stands
        start = stop
        while stop < end and not _ends_right_to_left(text[stop]):
            stop += 1
        if start == stop:
            break
        last = max(i for i in range(start, stop) if _right_to_left(text[i]))
        stretch, rest = text[start:last + 1], text[last + 1:stop]
        if rest and levels[last + 1] % 2:  # spaces, brackets set right to left
            stretch, rest = text[start:stop] + RIGHT_TO_LEFT_MARK, ""
        elif rest:
            rest = LEFT_TO_RIGHT_MARK + rest
        out.append(stretch[::-1] + rest)
        start = stop
    return "".join(out)


def _copy_order_rtl_page(text: str, levels: list[int]) -> str:
    """`_copy_order` for a page of mostly right-to-left text, which poppler reads from
    the right end of each line: stretches of right-to-left letters and neutrals (turned
    around) and of left-to-right ones (as they stand) taken from the end, so the
    stretches come out in the order typed. A left-to-right stretch there ends at a Latin
    letter or digit, and the next right-to-left one starts at a right-to-left letter;
    neutral characters between them get a direction mark as in `_copy_order`."""
    stretches: list[str] = []  # in typed order: right to left, left to right, ...
    start, end = 0, len(text)
    while start < end:
        stop = start
        while stop < end and not _ends_right_to_left(text[stop]):
            stop += 1
        stretch = text[start:stop]
        if stretches and stretch and not _right_to_left(stretch[0]):
            if levels[start] % 2:
                stretch = RIGHT_TO_LEFT_MARK + stretch
            else:  # the neutrals belong to the left-to-right stretch before
                first = start
                while first < stop and not _right_to_left(text[first]):
                    first += 1
                stretches[-1] += text[start:first] + LEFT_TO_RIGHT_MARK
                stretch = text[first:stop]
        stretches.append(stretch)
        start = stop
        if start == end:
            break
        while stop < end and not _right_to_left(text[stop]):
            stop += 1
        last = max(i for i in range(start, stop) if _ends_right_to_left(text[i]))
        stretches.append(text[start:last + 1])
        start = last + 1
    return "".join(reversed([stretch[::-1] if index % 2 == 0 else stretch
                             for index, stretch in enumerate(stretches)]))


_LATIN_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def reading_direction(text: str) -> int:
    """Left-to-right letters less right-to-left ones: how poppler weighs a page's
    direction (`lrCount` in its TextOutputDev)."""
    if text.isascii():
        return len(text) - len(text.encode("ascii").translate(None, _LATIN_LETTERS))
    weight = 0
    for char in text:
        kind = unicodedata.bidirectional(char)
        weight += 1 if kind == "L" else -1 if kind in ("R", "AL") else 0
    return weight


class _WeighedText(PDFTextObject):
    """A text object that tells its canvas the direction of what it writes."""

    def _formatText(self, text: str) -> Any:  # noqa: N802 (ReportLab's name)
        self._canvas.weigh(text)
        return super()._formatText(text)


class ReadingOrderCanvas(Canvas):
    """A canvas that weighs the direction of each page's text, as poppler does, and
    writes each right-to-left line's span text (`draw`) for the page it ended on: a
    placeholder stands in the page's drawing until the page is written out.

    The page's texts are only kept as they are written, and weighed once the page is
    done, and only on a page that has a span: on the others (nearly every page of a
    report) the direction decides nothing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._weighed: list[str] = []  # this page's texts, to be weighed
        self._spans: dict[str, tuple[str, str]] = {}
        self._span_count = 0
        self._weighing = True

    def beginText(self, x: float = 0, y: float = 0,  # noqa: N802 (ReportLab's name)
                  direction: Any = None) -> PDFTextObject:
        return _WeighedText(self, x, y, direction=direction)

    def weigh(self, text: str) -> None:
        if self._weighing:
            self._weighed.append(text)

    def page_direction(self) -> int:
        """Left-to-right letters less right-to-left ones on the page so far."""
        return sum(map(reading_direction, self._weighed))

    def span_text(self, line: Line) -> str:
        """A placeholder for the line's ActualText; the line's letters are weighed, its
        glyphs (drawn next, while `_weighing` is off) are not: readers see the span's."""
        self.weigh(line.copied)
        self._span_count += 1
        key = f"@@span{self._span_count}@@"
        self._spans[key] = (_actual_text(line.copied), _actual_text(line.copied_on_rtl_page))
        return key

    def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
        self.finish_page()
        super().showPage()

    def finish_page(self) -> None:
        """Put each span's text for this page's direction into its drawing."""
        if self._spans:
            which = 0 if self.page_direction() >= 0 else 1

            def text_for(found: re.Match[str]) -> str:
                return self._spans.pop(found.group(0))[which]  # each is used once

            self._code = [_PLACEHOLDER.sub(text_for, part) if "@@span" in part else part
                          for part in self._code]
        self._weighed = []


_PLACEHOLDER = re.compile(r"@@span\d+@@")


# -- drawing -------------------------------------------------------------------------------
def _actual_text(text: str) -> str:
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def draw(canvas: Any, x: float, y: float, text: str, font: str, size: float,
         anchor: str = "start") -> float:
    """Draw one line with its baseline at `y`, starting at `x` (or ending there, or
    centred on it: `anchor` "end", "middle"); returns its width. The fill colour is the
    canvas's."""
    line = layout(text, font, size)
    if anchor == "end":
        x -= line.width
    elif anchor == "middle":
        x -= line.width / 2
    ordered = isinstance(canvas, ReadingOrderCanvas)
    if line.copied:  # one span for the line; readers do not nest spans
        actual = canvas.span_text(line) if ordered else _actual_text(line.copied)
        canvas.addLiteral(f"/Span <</ActualText {actual}>> BDC")
        if ordered:
            canvas._weighing = False
    for piece in line.pieces:
        canvas.setFont(piece.font, size)
        if piece.text:
            canvas.drawString(x, y, piece.text)
        for cluster in piece.clusters:
            spanned = bool(cluster.text) and not line.copied
            if spanned:
                canvas.addLiteral(f"/Span <</ActualText {_actual_text(cluster.text)}>> BDC")
            for glyph in cluster.glyphs:
                canvas.drawString(x + glyph.x, y + glyph.y, glyph.char)
            if spanned:
                canvas.addLiteral("EMC")
        x += piece.width
    if line.copied:
        canvas.addLiteral("EMC")
        if ordered:
            canvas._weighing = True
    return line.width
