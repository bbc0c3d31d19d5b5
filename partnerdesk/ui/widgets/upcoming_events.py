"""The dashboard's "Upcoming events": the community events of the next weeks, soonest
first, each opening its record."""

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QVBoxLayout, QWidget

from partnerdesk.db import vocabulary as v
from partnerdesk.services import Desk
from partnerdesk.services.events import UPCOMING_DAYS, local_time_zone
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
        self.events.sig_open_record.connect(self.sig_open_record)
        layout = QVBoxLayout(self)
        layout.addWidget(self.events)

    def refresh(self, today: date) -> None:
        items = []
        here = local_time_zone()
        for event in self.desk.events.upcoming(today):
            when = f"{event.starts_at:%a %d %b, %H:%M}"
            if event.time_zone and event.time_zone != here:
                when += f" ({event.time_zone.rsplit('/', 1)[-1].replace('_', ' ')} time)"
            kind = self.tr(v.label(v.EVENT_KINDS, event.kind))
            place = f" — {event.place}" if event.place else ""
            items.append((f"{when}  {event.title} ({kind}){place}", "event", event.id))
        self.events.set_items(items)
