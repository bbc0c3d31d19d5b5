"""Tables whose string cells share one text object draw every word where ReportLab would."""

import re
import subprocess
from io import BytesIO
from pathlib import Path

from reportlab.lib.pagesizes import LETTER
from reportlab.platypus import SimpleDocTemplate, Table

from partnerdesk.reports.cells import TextBlock
from partnerdesk.reports.fonts import REGULAR, register_fonts
from partnerdesk.reports.styles import CELL, CELL_NOTE, facts_style, grid_style
from partnerdesk.reports.text_table import TextTable

ROWS = [
    ["Agreement", "Parties", "Days left", "Renewal terms"],
    [TextBlock([("Food as Medicine MOU", CELL), ("Food as Medicine", CELL_NOTE)]),
     "Eastside Community\nPartners, Mercy\nGeneral Hospital",
     "EXPIRES WITHIN 60\nDAYS\n25 days left", "Renews for one\nyear unless either"],
    ["Screening Services", "", "450 days left", "Ünïcode Ørg · Œuvre"],
]
LABELS = [["Status", "Active"], ["Parties", "Eastside Community Partners,\nLakeview School"]]


def _pdf(table_class: type[Table], tmp_path: Path, name: str) -> tuple[Path, bytes]:
    register_fonts()
    grid = table_class(ROWS, colWidths=[120, 130, 100, 120], hAlign="LEFT")
    grid.setStyle(grid_style(flag_rows=[1], bold_cells=[(1, 2)]))
    grid.setStyle([("ALIGN", (2, 2), (2, 2), "RIGHT")])  # drawn by ReportLab itself
    facts = table_class(LABELS, colWidths=[120, 350], hAlign="LEFT")
    facts.setStyle(facts_style())
    buffer = BytesIO()
    # invariant: a fixed creation date and id, so two files made in different seconds
    # (a busy machine) compare equal
    SimpleDocTemplate(buffer, pagesize=LETTER, pageCompression=0, invariant=1,
                      initialFontName=REGULAR).build([grid, facts])
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path, buffer.getvalue()


def _words(path: Path) -> list[str]:
    return subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout.splitlines()


def test_every_word_stands_where_reportlabs_table_puts_it(tmp_path: Path) -> None:
    plain, _ = _pdf(Table, tmp_path, "plain.pdf")
    ours, _ = _pdf(TextTable, tmp_path, "ours.pdf")
    words = _words(ours)
    assert any(">Lakeview<" in w for w in words) and any(">Œuvre<" in w for w in words)
    assert words == _words(plain)


def test_string_cells_share_one_text_object(tmp_path: Path) -> None:
    _, plain = _pdf(Table, tmp_path, "plain.pdf")
    _, ours = _pdf(TextTable, tmp_path, "ours.pdf")
    # ReportLab begins a text object for every line; here one per table, one for the
    # right-aligned cell ReportLab draws itself, one per line block
    assert len(re.findall(rb"\bBT\b", plain)) > 20
    assert len(re.findall(rb"\bBT\b", ours)) == 4
