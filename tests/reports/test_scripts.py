"""Reports print every script a person may type a name in, with every font embedded, and
text copied out of the PDF (pdftotext) is the text as typed: names right to left, joined
Arabic, reordered Devanagari, Chinese, Japanese and Korean, and phone numbers with plain
hyphens and spaces."""

import subprocess
from pathlib import Path

import pytest

from partnerdesk.reports import render, scripts
from partnerdesk.reports.fonts import BOLD, REGULAR, font_for, missing_scripts
from partnerdesk.services import Desk
from partnerdesk.services.reporting import ReportOptions, gather
from tests.conftest import TODAY

# organization name: its contacts' names (script by script)
NAMES = {
    "Clínica São José": ["José Núñez", "Zoë Ångström"],
    "Κέντρο Υγείας Αθήνας": ["Γιώργος Παππάς"],
    "Больница имени Пирогова": ["Иван Петров"],
    "北京社区中心": ["王小明", "山田太郎"],
    "서울 복지관": ["김민준"],
    "جمعية الخير": ["محمد علي", "صلاح الدين"],
    "מרכז קהילתי": ["דוד כהן", "דוד כהן (Tel Aviv)", "ראובן-שמעון"],
    "Clinic שלום 24": ["José כהן, 3", "מרכז 12 קהילתי", "Dr. דוד כהן, MD"],
    "مركز (Cairo)": ["محمد علي (Cairo)", "دوار 12 القاهرة"],
    "सेवा संस्थान": ["अनीता शर्मा", "किशोर कुमार"],
}
PHONE = "+16175550101"
PHONE_SHOWN = "+1 617-555-0101"
# pdftotext marks a right-to-left line with embedding controls (U+202A-U+202E), which
# are its own, not the PDF's text
DIRECTION_MARKS = dict.fromkeys(range(0x202A, 0x202F))
# ours: a line mixing directions may carry one invisible direction mark (scripts.py)
OUR_MARKS = dict.fromkeys([0x200E, 0x200F])


@pytest.fixture(scope="module")
def directory_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scripts")
    desk = Desk.open(folder / "scripts.db")
    try:
        for org_name, people in NAMES.items():
            org = desk.organizations.create(name=org_name, phone=PHONE)
            for person in people:
                desk.contacts.create(name=person, organization_id=org.id, share_ok=True,
                                     role="Coordinator",
                                     phones=[{"number": PHONE, "kind": "work"}])
        path = folder / "directory.pdf"
        path.write_bytes(render(gather(desk, ReportOptions("directory", today=TODAY)),
                                "letter"))
    finally:
        desk.close()
    return path


def pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True,
                          text=True, encoding="utf-8")
    return done.stdout.translate(DIRECTION_MARKS)


def test_every_name_comes_back_as_typed(directory_pdf: Path) -> None:
    """Lines mixing Hebrew or Arabic with Latin words, digits and brackets too."""
    copied = [line.strip() for line in pdf_text(directory_pdf).splitlines()]
    lines = {line.translate(OUR_MARKS) for line in copied}
    for org_name, people in NAMES.items():
        assert org_name in lines, org_name
        for person in people:
            assert person in lines, person
    marked = {line.translate(OUR_MARKS) for line in copied if line != line.translate(OUR_MARKS)}
    assert marked and marked <= {"דוד כהן (Tel Aviv)", "Clinic שלום 24", "מרכז 12 קהילתי",
                                 "محمد علي (Cairo)", "مركز (Cairo)", "دوار 12 القاهرة"}


def test_phone_numbers_copy_as_typed(directory_pdf: Path) -> None:
    text = pdf_text(directory_pdf)
    assert "\u2011" not in text and "\u00a0" not in text
    people = sum(len(p) for p in NAMES.values())
    assert text.count(PHONE_SHOWN) >= people  # every contact's, each on one line


def test_every_font_is_embedded(directory_pdf: Path) -> None:
    done = subprocess.run(["pdffonts", str(directory_pdf)], capture_output=True, check=True,
                          text=True)
    rows = [line.split() for line in done.stdout.splitlines()[2:]]
    assert rows
    for row in rows:
        # name, type (TrueType), encoding, emb, sub, uni, object, generation
        assert row[-5] == "yes", f"{row[0]} is not embedded"
    names = {row[0].split("+")[-1] for row in rows}
    for family in ("DejaVuSans", "NotoSansArabic", "NotoSansHebrew", "NotoSansDevanagari",
                   "DroidSansFallback", "Nanum"):  # the last two: Chinese/Japanese, Korean
        assert any(name.startswith(family) for name in names), family


def test_each_script_has_a_font_with_its_characters() -> None:
    for text in [*NAMES, *(n for people in NAMES.values() for n in people)]:
        assert missing_scripts(text) == set(), text
        assert missing_scripts(text, BOLD) == set(), text
    assert font_for("a", REGULAR) == REGULAR
    assert font_for("م", REGULAR).startswith("NotoSansArabic")
    assert font_for("م", BOLD) == "NotoSansArabic-Bold"
    assert missing_scripts("\U0001f9ec") != set()  # what no font has is told, not hidden


def test_right_to_left_is_laid_out_right_to_left() -> None:
    """The first letter of a Hebrew name is drawn rightmost; a Latin one leftmost."""
    line = scripts.layout("דוד כהן", REGULAR, 10)
    [piece] = line.pieces
    glyphs = [g for cluster in piece.clusters for g in cluster.glyphs]
    assert glyphs[-1].char == "ד" and glyphs[0].char == "ן"
    assert scripts.is_simple("José Núñez", REGULAR)
    assert not scripts.is_simple("José دمحم", REGULAR)
    assert scripts.width("محمد علي", REGULAR, 10) > 0


@pytest.mark.parametrize("name", ["ראובן-שמעון", "דוד כהן (Tel Aviv)", "Clinic שלום 24",
                                  "מרכז 12 קהילתי", "José כהן, 3"])
def test_a_line_mixing_directions_is_drawn_in_the_bidirectional_order(name: str) -> None:
    """Drawn as the Unicode bidirectional algorithm orders it (python-bidi's visual string,
    brackets mirrored), letter by letter (Hebrew: Arabic letters are drawn joined, as
    glyphs that are no characters); what a reader copies out is checked above."""
    from bidi.algorithm import get_display

    glyphs = []
    for piece in scripts.layout(name, REGULAR, 10).pieces:
        if piece.text:
            glyphs.append(piece.text)
        else:
            drawn = sorted((g for c in piece.clusters for g in c.glyphs), key=lambda g: g.x)
            glyphs.append("".join(g.char for g in drawn))
    assert "".join(glyphs) == get_display(name)


RTL_MIXED = ["דוד כהן (Tel Aviv)", "Clinic שלום 24", "מרכז 12 קהילתי", "José כהן, 3",
             "محمد علي (Cairo)"]


def test_mixed_lines_copy_as_typed_on_a_page_of_mostly_right_to_left_text(
        tmp_path: Path) -> None:
    """poppler reads a line from its other end on a page whose text is mostly right to
    left: the canvas writes each such line's text for the page it is on."""
    desk = Desk.open(tmp_path / "hebrew.db")
    try:
        org = desk.organizations.create(name="מרכז קהילתי לבריאות", phone=PHONE)
        for number in range(14):
            desk.contacts.create(name=f"רחל לוי {'אבגדהוזחטיכלמנ'[number]}",
                                 organization_id=org.id, share_ok=True,
                                 role="רכזת מתנדבים בקהילה",
                                 notes="מעדיפה שיחות טלפון בבוקר ובערב")
        for name in RTL_MIXED:
            desk.contacts.create(name=name, organization_id=org.id, share_ok=True,
                                 role="רכזת מתנדבים בקהילה")
        path = tmp_path / "directory.pdf"
        path.write_bytes(render(gather(desk, ReportOptions("directory", today=TODAY)),
                                "letter"))
    finally:
        desk.close()
    copied = pdf_text(path)
    assert scripts.reading_direction(copied) < 0  # the page is mostly right to left
    assert "1 organization and 19 contacts who agreed to be listed." in copied
    lines = {line.strip().translate(OUR_MARKS) for line in copied.splitlines()}
    for name in RTL_MIXED:
        assert name in lines, name
