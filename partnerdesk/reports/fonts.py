"""The embedded font family: DejaVu Sans, which covers Latin with accents, Greek and Cyrillic.

ReportLab's built-in Helvetica is never embedded and has no Greek or Cyrillic, so every
report uses these TrueType files, shipped in `resources/fonts/` (Bitstream Vera licence,
see LICENSE there); ReportLab embeds the subset of glyphs a report uses. They are named
wherever ReportLab would otherwise fall back to Helvetica: the canvas's initial font
(`page.py`), every table's cell font (`styles.py`) and every drawing's initial font and
strings (`charts.py`).
"""

from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from partnerdesk.errors import PartnerDeskError
from partnerdesk.paths import resources_dir

FAMILY = "DejaVuSans"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
BOLD_ITALIC = "DejaVuSans-BoldOblique"
FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf",
         ITALIC: "DejaVuSans-Oblique.ttf", BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf"}
# Where else the same files are found when running from an unusual layout.
FALLBACK_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))

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
