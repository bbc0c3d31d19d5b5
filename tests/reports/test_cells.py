"""Cells broken into lines once, without Paragraphs: widths, breaks and what never breaks."""

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from partnerdesk.reports.cells import TextBlock, wrap_lines
from partnerdesk.reports.fonts import REGULAR, register_fonts
from partnerdesk.reports.styles import CELL, CELL_NOTE
from partnerdesk.reports.text import phone


@pytest.fixture(autouse=True, scope="module")
def _fonts() -> None:
    register_fonts()


def test_lines_fit_the_width_and_keep_every_word_and_line_break() -> None:
    text = "Renews for one year unless either party gives notice.\nSecond part"
    lines = wrap_lines(text, REGULAR, 8.5, 80)
    assert len(lines) > 3
    assert all(stringWidth(line, REGULAR, 8.5) <= 80 for line in lines)
    assert " ".join(lines).split() == text.split()
    assert lines[-1] == "Second part"  # the writer's line break is kept


def test_an_email_breaks_after_its_at_sign_and_a_phone_number_holds() -> None:
    assert wrap_lines("francois.lefevre@lakeviewschool.org", REGULAR, 8.5, 120) == \
        ["francois.lefevre@", "lakeviewschool.org"]
    number = phone("+1 617-281-7306")
    assert wrap_lines(number, REGULAR, 8.5, 80) == [number]
    pieces = wrap_lines("x" * 200, REGULAR, 8.5, 50)  # nothing to break at: by letters
    assert "".join(pieces) == "x" * 200
    assert all(stringWidth(p, REGULAR, 8.5) <= 50 for p in pieces)


def test_a_text_block_mixes_fonts_and_splits_between_lines() -> None:
    block = TextBlock([("Food as Medicine memorandum of understanding", CELL),
                       ("Food as Medicine partnership", CELL_NOTE)])
    width, height = block.wrap(90, 1000)
    assert width == 90 and height > 3 * CELL.leading
    first, rest = block.split(90, 2 * CELL.leading + 1)
    assert first.wrap(90, 1000)[1] == 2 * CELL.leading
    assert first.height + rest.height == height
    assert block.split(90, 1) == []  # not even one line fits: no split
