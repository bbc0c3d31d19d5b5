"""A click on "Make report" until its first page is painted, in the Reports screen at
scale 100, the way a person waits for it.

The report is the minutes of the latest meeting (one or two pages).
The screen is built as the app builds it, which gets the report process ready; the
first click is timed apart ("first report"), after a pause like a person's choosing.
Further clicks are the usual case. The baseline is raw ReportLab laying out the same
table rows in this process, with no database, process or preview: a floor.

    python -m bench.bench_report_click
"""

import os
import time
from io import BytesIO
from typing import Any

from pypdf import PdfReader

from bench.bench_reports import PAPER, raw_table_pdf
from bench.common import Figure, demo_database, median_time, paint_watcher
from partnerdesk.reports.text import day

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
TARGET = 1.0
CHOOSING_SECONDS = 3.0  # opening the screen and picking a partnership takes a person this long


def minutes_rows(minutes: Any) -> list[list[str]]:
    """The minutes' texts as table rows, one per attendee, action and paragraph."""
    rows = [[minutes.title, minutes.location, minutes.partnership]]
    rows += [[c.name, c.role, c.organization] for c in minutes.attendees]
    rows += [[text] for part in (minutes.agenda, minutes.notes, minutes.decisions)
             for text in part.split("\n") if text.strip()]
    rows += [[a.description, a.owner, day(a.due)] for a in minutes.actions]
    return rows


def measure(runs: int = 5) -> list[Figure]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLabel

    from partnerdesk.reports.fonts import register_fonts
    from partnerdesk.services import Desk
    from partnerdesk.services.reporting import ReportOptions, gather
    from partnerdesk.ui.reports_view import ReportsView

    app = QApplication.instance() or QApplication([])
    desk = Desk.open(demo_database())
    view = ReportsView(desk)  # starts the report process, as opening the screen does
    view.resize(1100, 900)
    view.show()
    meeting = desk.meetings.list(order_by="starts_at", descending=True, limit=1)[0]
    view.kind.setCurrentIndex(view.kind.findData("minutes"))
    view.meeting.setCurrentIndex(view.meeting.findData(meeting.id))
    view.page.setCurrentIndex(view.page.findData(PAPER))
    app.processEvents()

    def click_until_painted() -> float:
        seen = paint_watcher()
        before = [view.pages_layout.itemAt(i).widget()
                  for i in range(view.pages_layout.count())]  # the pages of the last report
        started = time.perf_counter()
        QTest.mouseClick(view.make_button, Qt.MouseButton.LeftButton)
        watched = None
        while not seen.seen:
            app.processEvents()
            if watched is None and view.pages_layout.count():
                first = view.pages_layout.itemAt(0).widget()
                if isinstance(first, QLabel) and all(first is not old for old in before) \
                        and not first.pixmap().isNull():
                    watched = first
                    first.installEventFilter(seen)
            time.sleep(0.001)
        took = time.perf_counter() - started
        if watched is not None:
            watched.removeEventFilter(seen)
        return took

    time.sleep(CHOOSING_SECONDS)
    first_click = click_until_painted()
    clicks = sorted(click_until_painted() for _ in range(runs))
    register_fonts()
    minutes = gather(desk, ReportOptions("minutes", meeting=meeting.id, page_size=PAPER))
    rows = minutes_rows(minutes)
    raw = median_time(lambda: raw_table_pdf(rows), runs=runs)
    pages = len(PdfReader(BytesIO(view.pdf or b"")).pages)
    view.close()
    desk.close()
    usual = clicks[len(clicks) // 2]
    size = "1 page" if pages == 1 else f"{pages} pages"
    return [Figure(f"report click to first page, first ({size})", first_click, "s",
                   raw, f"<= {TARGET} s", first_click <= TARGET),
            Figure(f"report click to first page ({size})", usual, "s", raw,
                   f"<= {TARGET} s", usual <= TARGET)]


if __name__ == "__main__":
    for figure in measure():
        print(figure.line(), flush=True)
