"""The report fonts: DejaVu Sans for most text, and a font per script it lacks, chosen per
character, all embedded.

DejaVu Sans covers Latin with accents, Greek and Cyrillic; it is shipped in
`resources/fonts/` (Bitstream Vera licence, see LICENSE there) and named wherever ReportLab
would otherwise fall back to its never-embedded Helvetica: the canvas's initial font
(`page.py`), every table's cell font (`styles.py`) and every drawing (`charts.py`).

Other scripts a person may type a name in get a font of their own (`SCRIPT_FONTS`), used
for the characters of that script (`font_for`); `reports/scripts.py` lays such text out
(right to left, joined and reordered by HarfBuzz). Noto Sans Hebrew, Arabic and Devanagari
are shipped (SIL Open Font License, see LICENSE-Noto; about 1 MB together). Chinese,
Japanese and Korean need fonts of several MB each, so the system's are used: Droid Sans
Fallback and Nanum Gothic on Debian and Ubuntu (packages fonts-droid-fallback and
fonts-nanum, which scripts/setup.sh installs), Microsoft YaHei, SimSun and Malgun Gothic
on Windows, Arial Unicode and AppleGothic on macOS. ReportLab embeds
only TrueType outlines, so OpenType/CFF fonts such as Noto Sans CJK cannot be used. A
character no font here has prints as an empty box, and the report says nothing of it:
`missing_scripts` lets a caller tell.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from partnerdesk.errors import PartnerDeskError
from partnerdesk.paths import resources_dir

log = logging.getLogger("partnerdesk.reports")

FAMILY = "DejaVuSans"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
BOLD_ITALIC = "DejaVuSans-BoldOblique"
FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf",
         ITALIC: "DejaVuSans-Oblique.ttf", BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf"}
# Where else the same files are found when running from an unusual layout.
FALLBACK_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
BOLD_FONTS = frozenset({BOLD, BOLD_ITALIC})


@dataclass(frozen=True)
class ScriptFont:
    """A font for the characters of some scripts: the files to try, first found wins
    (a bare name is looked for in `resources/fonts/`; a .ttc with its font number)."""

    name: str
    ranges: tuple[tuple[int, int], ...]
    regular: tuple[tuple[str, int], ...]
    bold: tuple[tuple[str, int], ...] = ()
    shaped: bool = True  # laid out by HarfBuzz (joining, reordering, marks)


CJK_FILES = (
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf", 0),  # Fedora
    ("C:/Windows/Fonts/msyh.ttc", 0), ("C:/Windows/Fonts/simsun.ttc", 0),
    ("/System/Library/Fonts/Supplemental/Arial Unicode.ttf", 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),
)
HANGUL_FILES = (
    ("/usr/share/fonts/truetype/nanum/NanumGothic.ttf", 0),  # Debian: fonts-nanum
    ("/usr/share/fonts/truetype/unfonts-core/UnDotum.ttf", 0),
    ("C:/Windows/Fonts/malgun.ttf", 0),
    ("/System/Library/Fonts/Supplemental/AppleGothic.ttf", 0),
    ("/System/Library/Fonts/Supplemental/Arial Unicode.ttf", 0),
)
SCRIPT_FONTS = (
    ScriptFont("NotoSansHebrew", ((0x0590, 0x05FF), (0xFB1D, 0xFB4F)),
               (("NotoSansHebrew-Regular.ttf", 0),), (("NotoSansHebrew-Bold.ttf", 0),)),
    ScriptFont("NotoSansArabic", ((0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF),
                                  (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
               (("NotoSansArabic-Regular.ttf", 0),), (("NotoSansArabic-Bold.ttf", 0),)),
    ScriptFont("NotoSansDevanagari", ((0x0900, 0x097F), (0xA8E0, 0xA8FF), (0x1CD0, 0x1CFF)),
               (("NotoSansDevanagari-Regular.ttf", 0),),
               (("NotoSansDevanagari-Bold.ttf", 0),)),
    # Korean first: Droid Sans Fallback has no Hangul syllables
    ScriptFont("Hangul", ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F),
                          (0xAC00, 0xD7FF)), HANGUL_FILES,
               (("/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf", 0),), shaped=False),
    ScriptFont("CJK", ((0x2E80, 0x2FDF), (0x3000, 0x9FFF), (0xF900, 0xFAFF),
                       (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x20000, 0x3134F)),
               CJK_FILES, shaped=False),
)

_registered = False


def font_dir() -> Path:
    for folder in (resources_dir() / "fonts", *FALLBACK_DIRS):
        if all((folder / name).is_file() for name in FILES.values()):
            return folder
    raise PartnerDeskError("The report fonts are missing from this installation, so no PDF "
                           "can be made. Reinstall PartnerDesk to put them back.")


def register_fonts() -> str:
    """Register the family once per process; returns the family name for styles."""
    global _registered
    if not _registered:
        folder = font_dir()
        for name, filename in FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
        addMapping(FAMILY, 0, 0, REGULAR)
        addMapping(FAMILY, 1, 0, BOLD)
        addMapping(FAMILY, 0, 1, ITALIC)
        addMapping(FAMILY, 1, 1, BOLD_ITALIC)
        _registered = True
    return FAMILY


def _load(name: str, files: tuple[tuple[str, int], ...]) -> str | None:
    """Register the first of `files` that is there and usable; its name, or None."""
    for file, index in files:
        path = Path(file) if "/" in file else resources_dir() / "fonts" / file
        if not path.is_file():
            continue
        try:
            pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))
        except (TTFError, OSError, ValueError) as error:  # CFF outlines, a damaged file
            log.warning("The font %s cannot be used in reports (%s).", path, error)
            continue
        return name
    return None


@cache
def script_font(script: ScriptFont, bold: bool) -> str | None:
    """The registered name of `script`'s font (bold when it has one), None if absent."""
    register_fonts()
    if bold and script.bold:
        found = _load(f"{script.name}-Bold", script.bold)
        if found:
            return found
    return _load(script.name, script.regular)


@cache
def _covers(font: str, code: int) -> bool:
    return code in pdfmetrics.getFont(font).face.charToGlyph


@cache
def _script_of(code: int) -> ScriptFont | None:
    for script in SCRIPT_FONTS:
        if any(low <= code <= high for low, high in script.ranges):
            return script
    return None


@cache
def font_for(char: str, base: str) -> str:
    """The font `char` is drawn in when the text's font is `base`: its script's font where
    it has one and it is installed, else `base`, else any script font that has it."""
    code = ord(char)
    script = _script_of(code)
    bold = base in BOLD_FONTS
    if script is not None:
        found = script_font(script, bold)
        if found and _covers(found, code):
            return found
    if _covers(base, code):
        return base
    for other in SCRIPT_FONTS:
        found = script_font(other, bold)
        if found and _covers(found, code):
            return found
    return base


def is_shaped(font: str) -> bool:
    """Whether text in `font` goes through HarfBuzz (the scripts that need it)."""
    return any(script.shaped and font in (script.name, f"{script.name}-Bold")
               for script in SCRIPT_FONTS)


def missing_scripts(text: str, base: str = REGULAR) -> set[str]:
    """Names of the Unicode blocks of characters in `text` that no font here can draw."""
    register_fonts()
    missing = set()
    for char in set(text):
        if unicodedata.category(char)[0] in "CZ":
            continue
        if not _covers(font_for(char, base), ord(char)):
            missing.add(unicodedata.name(char, f"U+{ord(char):04X}").split()[0])
    return missing
