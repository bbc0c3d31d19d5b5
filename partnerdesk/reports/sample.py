"""One PDF of each kind from whatever data is loaded: what the program does on a machine
with no display, and what the docs' pictures are made from."""

from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from partnerdesk.db import records as r
from partnerdesk.errors import PartnerDeskError
from partnerdesk.reports import render
from partnerdesk.services.desk import Desk
from partnerdesk.services.reporting import ReportOptions, gather, page_size

FILENAMES = {"partnership": "partnership-report.pdf", "agreements": "agreements-register.pdf",
             "resources": "resource-map.pdf", "directory": "contact-directory.pdf",
             "minutes": "meeting-minutes.pdf", "funding": "funding-register.pdf"}


def _busiest_partnership(desk: Desk) -> str | None:
    """The partnership with the most meetings: the fullest example."""
    ships = desk.partnerships.list(where={"status": ["active", "forming", "under_review"]}) \
        or desk.partnerships.list()
    if not ships:
        return None
    return max(ships, key=lambda p: (desk.meetings.count(where={"partnership_id": p.id}),
                                     p.title)).id


def _latest_meeting(desk: Desk, today: date) -> str | None:
    """The most recent meeting that has already happened, else the first one."""
    with desk.store.read() as session:
        query = select(r.Meeting.id).where(r.Meeting.deleted == False)  # noqa: E712
        past = session.scalar(query.where(r.Meeting.starts_at <= datetime.combine(
            today, datetime.max.time())).order_by(r.Meeting.starts_at.desc()).limit(1))
        return past or session.scalar(query.order_by(r.Meeting.starts_at).limit(1))


def write_sample_reports(desk: Desk, out_dir: Path, today: date | None = None) -> list[Path]:
    """Write every kind that the loaded data allows; returns the files written."""
    today = today or date.today()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    size = page_size(desk)
    choices = {"partnership": ReportOptions("partnership", partnership=_busiest_partnership(desk),
                                            today=today),
               "agreements": ReportOptions("agreements", today=today),
               "resources": ReportOptions("resources", today=today),
               "directory": ReportOptions("directory", today=today),
               "minutes": ReportOptions("minutes", meeting=_latest_meeting(desk, today),
                                        today=today),
               "funding": ReportOptions("funding", today=today)}
    written = []
    for kind, options in choices.items():
        if kind == "partnership" and options.partnership is None:
            continue
        if kind == "minutes" and options.meeting is None:
            continue
        try:
            data = render(gather(desk, options), size)
        except PartnerDeskError:
            continue  # e.g. a partnership with nothing in the last year: no empty PDF
        target = out_dir / FILENAMES[kind]
        target.write_bytes(data)
        written.append(target)
    return written
