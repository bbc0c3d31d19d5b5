"""What is drawn on the page itself rather than flowed: the letterhead on the first page,
a running header on the others, and the footer."""

import logging
from io import BytesIO

from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from partnerdesk.reports import scripts
from partnerdesk.reports.fonts import BOLD, REGULAR
from partnerdesk.reports.styles import INK, MUTED, RULE
from partnerdesk.services.reporting import Letterhead, ReportMeta

log = logging.getLogger("partnerdesk.reports")

LOGO_HEIGHT = 42
LOGO_MAX_WIDTH = 140


def _fit(canvas: Canvas, text: str, font: str, size: float, width: float) -> str:
    """Shorten `text` with an ellipsis so it never runs past `width`."""
    if scripts.width(text, font, size) <= width:
        return text
    while text and scripts.width(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def logo_reader(head: Letterhead) -> ImageReader | None:
    if not head.logo:
        return None
    try:
        return ImageReader(BytesIO(head.logo))
    except Exception:  # a damaged or unsupported image: the letterhead goes without it
        log.warning("The letterhead logo could not be read; leaving it out.")
        return None


def draw_letterhead(canvas: Canvas, meta: ReportMeta, left: float, right: float,
                    top: float) -> None:
    """Our organization's name and details across the top of the first page."""
    head = meta.letterhead
    text_right = right
    logo = logo_reader(head)
    if logo is not None:
        width, height = logo.getSize()
        scale = min(LOGO_HEIGHT / height, LOGO_MAX_WIDTH / width)
        canvas.drawImage(logo, right - width * scale, top - height * scale, width * scale,
                         height * scale, mask="auto")
        text_right = right - width * scale - 12
    canvas.setFillColor(INK)
    scripts.draw(canvas, left, top - 15, _fit(canvas, head.organization, BOLD, 15,
                                              text_right - left), BOLD, 15)
    details = "  ·  ".join(part for part in (head.address, head.phone, head.email,
                                             head.website) if part)
    if details:
        canvas.setFillColor(MUTED)
        scripts.draw(canvas, left, top - 30, _fit(canvas, details, REGULAR, 8.5,
                                                  text_right - left), REGULAR, 8.5)
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(1.2)
    rule_y = top - max(40, LOGO_HEIGHT + 4 if logo is not None else 40)
    canvas.line(left, rule_y, right, rule_y)


def draw_running_header(canvas: Canvas, meta: ReportMeta, left: float, right: float,
                        top: float) -> None:
    """On pages after the first: who made it and what it is, small."""
    canvas.setFillColor(MUTED)
    half = (right - left) / 2 - 6
    scripts.draw(canvas, left, top - 8, _fit(canvas, meta.letterhead.organization, REGULAR,
                                             8, half), REGULAR, 8)
    scripts.draw(canvas, right, top - 8, _fit(canvas, meta.title, REGULAR, 8, half), REGULAR,
                 8, "end")
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(left, top - 13, right, top - 13)


def draw_footer(canvas: Canvas, meta: ReportMeta, page: int, pages: int, left: float,
                right: float, bottom: float, made: str) -> None:
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(left, bottom + 12, right, bottom + 12)
    canvas.setFillColor(MUTED)
    note = f"{meta.title}  ·  made {made}"
    if not meta.for_partner:
        note += "  ·  INTERNAL: not for partners"
    number = f"Page {page} of {pages}"
    scripts.draw(canvas, left, bottom, _fit(canvas, note, REGULAR, 8, right - left -
                                            scripts.width(number, REGULAR, 8) - 20),
                 REGULAR, 8)
    canvas.setFillColor(INK)
    scripts.draw(canvas, right, bottom, number, REGULAR, 8, "end")
