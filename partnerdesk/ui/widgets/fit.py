"""Tables sized to what they hold: columns that share the width so a list does not scroll
sideways, and short child lists that are only as tall as their rows.

Qt offers "resize to contents" and "stretch", but not "share the room by what each column
holds and never exceed it", so `ColumnFitter` does that sum itself. Once the person drags
a column edge, their widths are left alone while the list is open.
"""

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView
from shiboken6 import isValid

MIN_COLUMN = 56  # no column is squeezed narrower than this (or its header, if less)
MAX_COLUMN = 360  # nor does one take more than this while others are squeezed


FIRST_SHARE = 0.4  # the first column (the name that says which row is which) may keep this


def share_with_first_whole(natural: list[int], minimum: list[int], available: int) -> list[int]:
    """As `share_width`, but the first column keeps its natural width (up to FIRST_SHARE of
    the room) before the others share what is left: a list of names cut to "Amara O…"
    cannot tell two people apart."""
    if len(natural) < 2 or sum(natural) <= available:
        return share_width(natural, minimum, available)
    rest_floor = sum(min(n, m) for n, m in zip(natural[1:], minimum[1:], strict=True))
    first = min(natural[0], int(available * FIRST_SHARE), available - rest_floor)
    first = max(first, min(natural[0], minimum[0]))
    return [first, *share_width(natural[1:], minimum[1:], available - first)]


def share_width(natural: list[int], minimum: list[int], available: int) -> list[int]:
    """Column widths that fit `available`: each its natural width when all fit; else the
    widest are cut down to one common width, as little as needed, so short columns (a
    status, a date) stay whole, and none goes below its minimum. When even the minimums do
    not fit, the minimums."""
    if sum(natural) <= available:
        return list(natural)
    floor = [min(n, m) for n, m in zip(natural, minimum, strict=True)]
    if sum(floor) >= available:
        return floor

    def widths(cap: int) -> list[int]:
        return [max(f, min(n, cap)) for n, f in zip(natural, floor, strict=True)]

    low, high = 0, max(natural)
    while low < high:  # the widest cap that still fits
        middle = (low + high + 1) // 2
        if sum(widths(middle)) <= available:
            low = middle
        else:
            high = middle - 1
    return widths(low)


class ColumnFitter(QObject):
    """Keeps `table`'s columns within its width, sized by their contents.

    The columns numbered in `whole` (a date and time, an amount) are never cut: the others
    give way first, and only when even that does not fit does the list scroll sideways."""

    def __init__(self, table: QTableView, whole: frozenset[int] = frozenset()) -> None:
        super().__init__(table)
        self.table = table
        self.whole = whole
        self.manual = False  # the person chose the widths by dragging a column edge
        self._fitting = False
        self._pressed = False
        self._fitted_rows = False
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # Measure the rows on screen only: Qt's default reads 1,000 rows per column, which
        # on a paged list of 100,000 contacts fetches ten pages to open the screen.
        header.setResizeContentsPrecision(0)
        header.sectionResized.connect(self._on_section_resized)
        self._viewport = table.viewport()  # kept: events come while the table goes away
        self._viewport.installEventFilter(self)
        header.viewport().installEventFilter(self)
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        model = table.model()
        model.modelReset.connect(self._first_rows)
        model.rowsInserted.connect(self._first_rows)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(0)
        self._soon.timeout.connect(self.fit)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if watched is self._viewport:
            if kind in (QEvent.Type.Resize, QEvent.Type.Show):
                self._soon.start()
        elif kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
            self._pressed = True
        elif kind == QEvent.Type.MouseButtonRelease:
            self._pressed = False
        return False

    def _first_rows(self, *_args: object) -> None:
        if not self._fitted_rows and self.table.model().rowCount() > 0:
            self._soon.start()

    def _on_section_resized(self, *_args: object) -> None:
        if self._pressed and not self._fitting:
            self.manual = True

    def fit(self) -> None:
        """Share the width now (does nothing once the widths are the person's)."""
        if self.manual or not isValid(self.table):
            return
        table, header = self.table, self.table.horizontalHeader()
        columns = [c for c in range(header.count()) if not header.isSectionHidden(c)]
        available = table.viewport().width()
        if not columns or available <= 0:
            return
        metrics = header.fontMetrics()
        # room for the text, the sort arrow and the padding a style puts around a header
        headers = [metrics.horizontalAdvance(str(table.model().headerData(
            c, Qt.Orientation.Horizontal))) + 28 for c in columns]
        contents = [table.sizeHintForColumn(c) + 8 for c in columns]
        natural = [max(h, w) for h, w in zip(headers, contents, strict=True)]
        minimum = [min(MAX_COLUMN, max(MIN_COLUMN, h)) for h in headers]
        if sum(natural) > available:
            natural = [min(n, MAX_COLUMN) for n in natural]
        minimum = [n if c in self.whole else m
                   for c, n, m in zip(columns, natural, minimum, strict=True)]
        widths = share_with_first_whole(natural, minimum, available)
        self._fitting = True
        try:
            for column, width in zip(columns[:-1], widths[:-1], strict=True):
                header.resizeSection(column, width)
        finally:
            self._fitting = False
        if table.model().rowCount() > 0:
            self._fitted_rows = True


def fit_rows(table: QTableView, least: int = 2, most: int = 8) -> None:
    """Make a short list only as tall as its rows (at least `least`, at most `most` rows
    before it scrolls), so it does not stand as a large empty frame."""
    def update(*_args: object) -> None:
        rows = table.model().rowCount()
        default = table.verticalHeader().defaultSectionSize()
        header = table.horizontalHeader().sizeHint().height() \
            if not table.horizontalHeader().isHidden() else 0
        bar = table.horizontalScrollBar()
        scroll = bar.sizeHint().height() if bar.maximum() > bar.minimum() else 0
        frame = 2 * table.frameWidth()
        shown = min(max(rows, least), most)
        heights = [table.rowHeight(row) or default for row in range(min(rows, shown))]
        heights += [default] * (shown - len(heights))
        table.setFixedHeight(header + sum(heights) + frame + scroll + 2)

    model = table.model()
    for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved,
                   model.layoutChanged):
        signal.connect(update)
    # a sideways scroll bar comes and goes with the columns' widths, after the rows did:
    # the table grows by its height then, so it does not hide the last row
    table.horizontalScrollBar().rangeChanged.connect(update)
    update()
