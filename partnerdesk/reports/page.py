"""Page geometry, the page templates and the numbered canvas every report is built on.

Margins stay at or beyond 0.5 inch for anything printed, which every office printer
honours; the body keeps 0.75 inch at the sides. A first-page template leaves room for
the letterhead, later pages carry a small running header. "Page X of Y" needs the total,
so the canvas keeps each page's drawing until the end and adds the footers then.
"""

from collections.abc import Callable
from io import BytesIO
from typing import Any

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from partnerdesk.errors import PartnerDeskError
from partnerdesk.reports.blocks import untie_long_tables
from partnerdesk.reports.fonts import REGULAR
from partnerdesk.reports.letterhead import draw_footer, draw_letterhead, draw_running_header
from partnerdesk.reports.scripts import ReadingOrderCanvas
from partnerdesk.reports.text import long_day
from partnerdesk.services.reporting import ReportMeta

PAGE_SIZES = {"letter": LETTER, "a4": A4}
SIDE = 0.75 * inch
TOP = 0.6 * inch  # where the letterhead or running header starts
BOTTOM = 0.55 * inch  # the footer's baseline
LETTERHEAD_SPACE = 70  # points below TOP that the first page's letterhead uses
HEADER_SPACE = 26
FOOTER_SPACE = 30


def page_geometry(page_size: str) -> tuple[float, float]:
    try:
        return PAGE_SIZES[page_size]
    except KeyError:
        raise PartnerDeskError(f"“{page_size}” is not a page size PartnerDesk prints on. "
                               "Choose letter or a4.") from None


def frame_width(page_size: str) -> float:
    return page_geometry(page_size)[0] - 2 * SIDE


def _numbered_canvas(meta: ReportMeta, page_width: float) -> type[Canvas]:
    made = long_day(meta.made_on)

    class NumberedCanvas(ReadingOrderCanvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # ReportLab's default initial font (Helvetica) is never embedded: start in ours
            kwargs["initialFontName"] = kwargs.get("initialFontName") or REGULAR
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._weighed = []  # the next page's text is weighed afresh
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                draw_footer(self, meta, number, total, SIDE, page_width - SIDE, BOTTOM, made)
                super().showPage()
            super().save()

    return NumberedCanvas


def render_story(meta: ReportMeta, story: list[Flowable], page_size: str) -> bytes:
    """Lay out `story` on the report's pages and return the PDF bytes."""
    width, height = page_geometry(page_size)
    buffer = BytesIO()
    body_bottom = BOTTOM + FOOTER_SPACE
    first = Frame(SIDE, body_bottom, width - 2 * SIDE,
                  height - TOP - LETTERHEAD_SPACE - body_bottom, id="first",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    later = Frame(SIDE, body_bottom, width - 2 * SIDE, height - TOP - HEADER_SPACE - body_bottom,
                  id="later", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    def on_first(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        draw_letterhead(canvas, meta, SIDE, width - SIDE, height - TOP)

    def on_later(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        draw_running_header(canvas, meta, SIDE, width - SIDE, height - TOP)

    doc = BaseDocTemplate(
        buffer, pagesize=(width, height), title=meta.title,
        author=meta.letterhead.organization, subject=meta.subject, creator="PartnerDesk",
        producer="PartnerDesk (ReportLab)", leftMargin=SIDE, rightMargin=SIDE,
        topMargin=TOP, bottomMargin=BOTTOM, lang="en", initialFontName=REGULAR)
    doc.addPageTemplates([
        PageTemplate(id="first", frames=[first], onPage=on_first, autoNextPageTemplate="later"),
        PageTemplate(id="later", frames=[later], onPage=on_later)])
    canvasmaker: Callable[..., Canvas] = _numbered_canvas(meta, width)
    doc.build(untie_long_tables(story), canvasmaker=canvasmaker)
    return buffer.getvalue()
