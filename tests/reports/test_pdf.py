"""Stage 2: the PDFs read back as a person (and a PDF checker) would read them."""

import re
import subprocess
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from partnerdesk.reports import render
from partnerdesk.services import Desk
from partnerdesk.services.reporting import (
    AgreementLine,
    AgreementsRegister,
    DirectoryOrganization,
    DirectoryReport,
    Letterhead,
    ReportMeta,
    ReportOptions,
    gather,
)
from tests.conftest import TODAY
from tests.reports.conftest import INTERNAL_NOTES, NOT_SHARED

KINDS = ("partnership", "agreements", "resources", "directory", "minutes")


def pages_text(source: Path | bytes) -> list[str]:
    reader = PdfReader(source if isinstance(source, Path) else BytesIO(source))
    return [page.extract_text() or "" for page in reader.pages]


def flat_text(source: Path | bytes) -> str:
    """All pages as one line: names wrapped inside a table cell read whole again."""
    return " ".join(" ".join(pages_text(source)).split())


def test_accents_greek_and_cyrillic_survive(sample_pdfs: dict[str, Path]) -> None:
    # names may wrap inside a table cell: compare with line breaks as spaces
    directory = " ".join(" ".join(pages_text(sample_pdfs["directory"])).split())
    for name in ("Zoë Martín", "José Núñez", "Анна Иванова", "Łukasz Wójcik", "Søren Høgh",
                 "Αλέξανδρος Παπαδόπουλος", "Nguyễn Thị Lan", "François Lefèvre"):
        assert name in directory, name
    partnership = " ".join(" ".join(pages_text(sample_pdfs["partnership"])).split())
    assert "Анна Иванова" in partnership and "Dr. Renée Dubois" in partnership


@pytest.mark.parametrize("kind", KINDS)
def test_partner_reports_leave_out_unshared_people_and_internal_notes(
        sample_pdfs: dict[str, Path], kind: str) -> None:
    text = flat_text(sample_pdfs[kind])
    assert text.strip()
    for hidden in (*NOT_SHARED, *INTERNAL_NOTES, "INTERNAL"):
        assert hidden not in text, hidden


def test_internal_directory_shows_everyone_and_says_so(sample_desk: Desk) -> None:
    data = render(gather(sample_desk, ReportOptions("directory", include_internal=True,
                                                    today=TODAY)), "a4")
    text = flat_text(data)
    for name in NOT_SHARED:
        assert name in text, name
    assert "NOT FOR SHARING" in text and "Do not send outside" in text


@pytest.mark.parametrize("kind", KINDS)
def test_every_page_says_page_x_of_y(sample_pdfs: dict[str, Path], kind: str) -> None:
    texts = pages_text(sample_pdfs[kind])
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in text


@pytest.mark.parametrize("kind", KINDS)
def test_metadata_letterhead_and_dates(sample_pdfs: dict[str, Path], kind: str) -> None:
    reader = PdfReader(sample_pdfs[kind])
    meta = reader.metadata
    assert meta is not None
    assert meta.author == "Eastside Community Partners"
    assert meta.title and meta.subject
    first = reader.pages[0].extract_text()
    assert "Eastside Community Partners" in first
    assert meta.title in first.replace("\n", " ")
    assert "Made on: 15 June 2026" in first and "Period covered:" in first
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (612, 792)  # US Letter


def test_a4_when_asked(sample_desk: Desk) -> None:
    data = render(gather(sample_desk, ReportOptions("agreements", today=TODAY)), "a4")
    box = PdfReader(BytesIO(data)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def _meta(title: str) -> ReportMeta:
    return ReportMeta(kind="agreements", title=title, subject="test",
                      letterhead=Letterhead("Ünïcode Ørg"), made_on=TODAY)


def test_five_thousand_agreements_split_with_the_header_repeated() -> None:
    lines = tuple(AgreementLine(
        title=f"Agreement number {i:05d}", status="Active",
        parties=("Ünïcode Ørg", f"Partner {i}"), effective=TODAY - timedelta(days=i % 400),
        expiry=TODAY + timedelta(days=i % 900), days_left=i % 900,
        renewal_terms="Renews for one year unless either party gives notice in writing "
                      "at least sixty days before the expiry date.",
        flag="expiring" if i % 900 <= 60 else "") for i in range(5000))
    data = render(AgreementsRegister(_meta("Register"), (("Active", lines),)), "letter")
    # poppler's pdftotext reads 200 pages in a moment, where pypdf takes half a minute
    texts = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data,
                           capture_output=True, check=True).stdout.decode().split("\f")[:-1]
    assert len(texts) == len(PdfReader(BytesIO(data)).pages) > 50
    header = re.compile(r"Agreement\s+Parties\s+Effective\s+Expires\s+Days left\s+Renewal terms")
    found: set[str] = set()
    for number, text in enumerate(texts, start=1):
        # a title wraps: "Agreement number" on one line, its number first on the next
        found.update(re.findall(r"Agreement number.*\n\s*(\d{5})", text))
        assert f"Page {number} of {len(texts)}" in text
        # the table starts on the first page, under the summary, and every page that it
        # runs onto begins with the header row
        head = header.search(text)
        assert head is not None, f"no header row on page {number}"
        assert head.start() < text.index("Agreement number")
    assert len(found) == 5000


def test_empty_sections_say_so_in_a_sentence() -> None:
    meta = ReportMeta(kind="directory", title="Directory", subject="x",
                      letterhead=Letterhead("Us"), made_on=date(2026, 1, 2))
    text = "\n".join(pages_text(render(DirectoryReport(meta, (DirectoryOrganization(
        "Lonely Org", "Clinic", "", "", "", "", ()),)), "letter")))
    assert "No contacts listed." in text
    text = "\n".join(pages_text(render(AgreementsRegister(_meta("Empty register"), ()),
                                       "letter")))
    assert "No agreements have been recorded yet." in text


def test_long_text_wraps_inside_the_page(tmp_path: Path) -> None:
    long_title = "A very long agreement title " * 20
    line = AgreementLine(title=long_title, status="Draft", parties=("Ünïcode Ørg",),
                         effective=None, expiry=None, days_left=None,
                         renewal_terms="word " * 400)
    data = render(AgreementsRegister(_meta("Long"), (("Draft", (line,)),)), "letter")
    path = tmp_path / "long.pdf"
    path.write_bytes(data)
    # pdftotext -bbox would be finer; every glyph within the page is enough here
    words = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True,
                           text=True, check=True).stdout
    right_edges = [float(x) for x in re.findall(r'xMax="([\d.]+)"', words)]
    assert right_edges and max(right_edges) <= 612 - 36


@pytest.mark.parametrize("kind", KINDS)
def test_qpdf_check_passes_and_every_font_is_embedded(sample_pdfs: dict[str, Path],
                                                       kind: str) -> None:
    check = subprocess.run(["qpdf", "--check", str(sample_pdfs[kind])], capture_output=True,
                           text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors found" in check.stdout
    fonts = subprocess.run(["pdffonts", str(sample_pdfs[kind])], capture_output=True,
                           text=True, check=True).stdout.splitlines()[2:]
    assert fonts, "no fonts listed"
    for row in fonts:
        columns = row.split()
        # name type encoding emb sub uni object ID: "emb" is the 4th from the end but 3
        assert columns[-5] == "yes", row
        assert "DejaVu" in columns[0], row
