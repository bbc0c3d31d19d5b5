"""The Contacts list at scale 100: first paint, sort by each sortable column, a filter
keystroke, scroll to the end — each against the raw SQL query that fetches the same page.
On the file, then (when $PARTNERDESK_TEST_POSTGRES names a server) on an office database
holding the same records, against raw psycopg queries (figures named "office: ...")."""

import os
import sqlite3
import time
from collections.abc import Callable

from bench.common import Figure, demo_database, office_database, paint_watcher, raw_office

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _timed(action: Callable[[], object], settle: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    settle()
    return time.perf_counter() - start


def measure(runs: int = 5) -> list[Figure]:
    figures = _measure(runs, None)
    url = office_database()
    if url is not None:
        figures += _measure(runs, url)
    return figures


def _measure(runs: int, url: str | None) -> list[Figure]:
    """The figures on the demo file (`url` None) or on the office database at `url`."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from partnerdesk.services import Desk
    from partnerdesk.ui.main_window import MainWindow
    from partnerdesk.ui.record_list import PAGE

    path = demo_database()
    app = QApplication.instance() or QApplication([])
    desk = Desk.open(url or path)
    prefix = "office: " if url else ""
    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    window.set_desk(desk)
    app.processEvents()

    def paint() -> None:
        view = window.view("contacts")
        view.table.viewport().repaint()
        app.processEvents()

    figures: list[Figure] = []
    first = _timed(lambda: window.show_view("contacts"), paint)
    view = window.view("contacts")
    raw = raw_office(url) if url else sqlite3.connect(path)
    live = "deleted = false" if url else "deleted = 0"

    def raw_page(order: str, where: str = "", offset: int = 0) -> float:
        start = time.perf_counter()
        raw.execute(f"SELECT * FROM contacts WHERE {live} {where} ORDER BY {order}, id "
                    f"LIMIT {PAGE} OFFSET {offset}").fetchall()
        return time.perf_counter() - start

    figures.append(Figure(prefix + "Contacts first paint", first, "s", raw_page("name"), "<= 0.3 s",
                          first <= 0.3))
    model = view.model
    for column, spec in enumerate(model.columns):
        if spec.sort_field is None:
            continue
        times, bases = [], []
        for turn in range(runs):
            order = Qt.SortOrder.DescendingOrder if turn % 2 else Qt.SortOrder.AscendingOrder
            times.append(_timed(lambda c=column, o=order: model.sort(c, o), paint))
            bases.append(raw_page(f"{spec.sort_field} {'DESC' if turn % 2 else 'ASC'}"))
        value = sorted(times)[len(times) // 2]
        figures.append(Figure(prefix + f"Contacts sort by {spec.title.lower()}", value, "s",
                              sorted(bases)[len(bases) // 2], "<= 0.3 s", value <= 0.3))
    model.sort(0, Qt.SortOrder.AscendingOrder)
    from PySide6.QtTest import QTest

    def keystroke(before: str, key: str) -> float:
        """From a key press in the filter box until the list has painted its answer."""
        view.filter_box.setText(before)
        view._apply_filter()
        paint()
        view._filter_seconds = 0.0  # as after the quick filter just before
        painted = paint_watcher()
        viewport = view.table.viewport()
        started = time.perf_counter()
        QTest.keyClick(view.filter_box, key)
        viewport.installEventFilter(painted)  # paints after the answer count
        while not (view.model.text == (before + key).strip() and painted.seen):
            app.processEvents()
        took = time.perf_counter() - started
        viewport.removeEventFilter(painted)
        return took

    window.activateWindow()
    view.filter_box.setFocus()
    texts = ("z", "zo", "zoe", "a", "an", "gar", "m", "ma")
    times = [keystroke(text[:-1], text[-1]) for text in texts]
    print(f"     ({prefix}filter keystrokes: "
          + ", ".join(f"{text} {took:.3f} s" for text, took in zip(texts, times, strict=True))
          + ")", flush=True)
    value = sorted(times)[len(times) // 2]
    base = raw_page("name", "AND name LIKE 'zo%'")
    figures.append(Figure(prefix + "Contacts filter keystroke (key to repaint)", value, "s", base,
                          "<= 0.1 s", value <= 0.1))
    worst = max(times)
    figures.append(Figure(prefix + "Contacts filter keystroke, slowest of 1-3 letters", worst, "s",
                          base, "<= 0.1 s", worst <= 0.1))
    view.filter_box.setText("")
    view._apply_filter()
    total = model.rowCount()
    scroll = _timed(view.table.scrollToBottom, paint)
    figures.append(Figure(prefix + "Contacts scroll to the end", scroll, "s",
                          raw_page("name", offset=max(0, total - PAGE)), "<= 0.3 s",
                          scroll <= 0.3))
    raw.close()
    window.close()
    desk.close()
    return figures


if __name__ == "__main__":
    for figure in measure():
        print(figure.line())
