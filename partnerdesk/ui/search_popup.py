"""Global search: type in the toolbar box (Ctrl+K puts the cursor there); results appear
below it as you type, grouped by record type. Up/Down choose, Enter opens the chosen
record (the first one when none is chosen), Escape closes the results.

The results float under the box without taking the keyboard, so typing simply goes on.
"""

from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.services import Desk
from partnerdesk.ui.widgets.dates import show_date

TARGET_ROLE = Qt.ItemDataRole.UserRole + 1
GROUPS = [("organization", "Organizations"), ("contact", "Contacts"),
          ("partnership", "Partnerships"), ("agreement", "Agreements"),
          ("obligation", "Agreement obligations"),
          ("meeting", "Meetings"), ("resource", "Resources"), ("need", "Community needs"),
          ("referral_pathway", "Referral pathways"), ("action_item", "Action items"),
          ("milestone", "Milestones"), ("attachment", "Attachments"),
          ("event", "Events"), ("feedback", "Feedback"),
          ("funding", "Funding"), ("funding_deliverable", "Reports due to funders")]


class SearchPopup(QFrame):
    sig_open_record = Signal(str, str)
    """Open the chosen result: record type, id."""

    def __init__(self, desk: Desk, box: QLineEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint)
        self.desk = desk
        self.box = box
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(self.tr("Search results"))
        self.results = QTreeWidget()
        self.results.setHeaderHidden(True)
        self.results.setAccessibleName(self.tr("Search results"))
        self.results.setRootIsDecorated(False)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.itemClicked.connect(self._open_item)
        self.results.itemActivated.connect(self._open_item)
        self.status = QLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.status)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self.search_now)
        box.textEdited.connect(lambda _t: self._timer.start())
        box.installEventFilter(self)

    def popup(self, text: str | None = None) -> None:
        """Put the cursor in the search box (with `text`, search for it at once)."""
        self.box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if text:
            self.box.setText(text)
            self.search_now()
        else:
            self.box.selectAll()

    def _place(self) -> None:
        width = max(self.box.width(), 440)
        corner = self.box.mapToGlobal(QPoint(self.box.width() - width, self.box.height() + 2))
        self.setGeometry(corner.x(), corner.y(), width, 420)

    def search_now(self) -> None:
        self._timer.stop()
        text = self.box.text().strip()
        self.results.clear()
        if not text:
            self.hide()
            return
        hits = self.desk.search(text, limit=60)
        grouped: dict[str, list[Any]] = {}
        for hit in hits:
            grouped.setdefault(hit.record_type, []).append(hit)
        # Meetings often share a title ("Monthly check-in"): their day tells them apart.
        days = self.desk.meetings.lookup({h.record_id for h in grouped.get("meeting", [])},
                                         "starts_at") if "meeting" in grouped else {}
        labels = dict(GROUPS)
        order = [t for t, _ in GROUPS] + sorted(set(grouped) - set(labels))
        first: QTreeWidgetItem | None = None
        for record_type in order:
            found = grouped.get(record_type)
            if not found:
                continue
            group = QTreeWidgetItem([self.tr(labels.get(record_type, record_type))])
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.results.addTopLevelItem(group)
            for hit in found:
                when = days.get(hit.record_id)
                shown = f"{hit.title} — {show_date(when.date())}" if when else hit.title
                item = QTreeWidgetItem(group, [shown])
                item.setData(0, TARGET_ROLE, (hit.record_type, hit.record_id))
                first = first or item
            group.setExpanded(True)
        if first is not None:
            self.results.setCurrentItem(first)
        self.status.setText(self.tr("{n} found — Enter opens the highlighted one").format(
            n=len(hits)) if hits else self.tr("Nothing found for “{text}”.").format(text=text))
        self._place()
        self.show()

    def result_items(self) -> list[QTreeWidgetItem]:
        items = []
        for number in range(self.results.topLevelItemCount()):
            group = self.results.topLevelItem(number)
            items += [group.child(i) for i in range(group.childCount())]
        return items

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.box and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                if not self.isVisible():
                    self.search_now()
                self._step(1 if key == Qt.Key.Key_Down else -1)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.open_current()
                return True
            if key == Qt.Key.Key_Escape and self.isVisible():
                self.hide()
                return True
        if watched is self.box and event.type() == QEvent.Type.FocusOut:
            QTimer.singleShot(200, self._hide_unless_focused)
        return super().eventFilter(watched, event)

    def _hide_unless_focused(self) -> None:
        if not self.box.hasFocus():
            self.hide()

    def _step(self, step: int) -> None:
        items = self.result_items()
        if not items:
            return
        current = self.results.currentItem()
        position = items.index(current) if current in items else -1
        self.results.setCurrentItem(items[max(0, min(len(items) - 1, position + step))])

    def open_current(self) -> None:
        if self._timer.isActive() or not self.isVisible():
            self.search_now()
        item = self.results.currentItem()
        if item is None or not item.data(0, TARGET_ROLE):
            items = self.result_items()
            item = items[0] if items else None
        if item is not None:
            self._open_item(item)

    def _open_item(self, item: QTreeWidgetItem) -> None:
        target = item.data(0, TARGET_ROLE)
        if target:
            self.hide()
            self.box.clear()
            self.sig_open_record.emit(*target)
