"""The dashboard's "Upcoming events": the community events of the next weeks, soonest
first, each opening its record. Each is its title over its time, kind and place, as the
reminders beside it are, and never needs the list scrolled sideways."""

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QVBoxLayout, QWidget

from partnerdesk.db import vocabulary as v
from partnerdesk.services import Desk
from partnerdesk.services.events import UPCOMING_DAYS, local_time_zone
from partnerdesk.ui.widgets.dates import show_date
from partnerdesk.ui.widgets.related_list import RelatedList


class UpcomingEvents(QGroupBox):
    sig_open_record = Signal(str, str)
    """Open an event: record type, id."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setTitle(self.tr("Upcoming events (next {days} days)").format(days=UPCOMING_DAYS))
        self.events = RelatedList(self.tr("No events in the next {days} days.").format(
            days=UPCOMING_DAYS))
        self.events.setAccessibleName(self.tr("Upcoming events"))
        self.events.setMaximumHeight(160)
        self.events.setWordWrap(True)
        self.events.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.events.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # one shade per event, as the reminders beside it: where one ends and the next
        # begins shows at a glance (two or three lines each ran together)
        self.events.setAlternatingRowColors(True)
        self.events.sig_open_record.connect(self.sig_open_record)
        layout = QVBoxLayout(self)
        layout.addWidget(self.events)

    def refresh(self, today: date) -> None:
        items = []
        here = local_time_zone()
        for event in self.desk.events.upcoming(today):
            when = f"{show_date(event.starts_at.date())}, {event.starts_at:%H:%M}"
            if event.time_zone and event.time_zone != here:
                when += f" ({event.time_zone.rsplit('/', 1)[-1].replace('_', ' ')} time)"
            kind = self.tr(v.label(v.EVENT_KINDS, event.kind))
            place = f" — {event.place}" if event.place else ""
            items.append((f"{event.title}\n{when} · {kind}{place}", "event", event.id))
        self.events.set_items(items)
