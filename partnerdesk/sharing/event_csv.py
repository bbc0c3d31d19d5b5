"""Community events and feedback to CSV that spreadsheets open safely.

The same safety as the contacts' export (`csv_export`): UTF-8 with a byte-order mark,
and a leading apostrophe on any cell a spreadsheet would run as a formula. One row per
event (hosts, partners, partnerships, resources and counts joined in one cell each)
and one row per feedback; a survey's totals follow in one cell as
"question: answer = count; ...". For a partner (`shareable_only`) internal notes stay
out.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Any

from partnerdesk.db import vocabulary as v
from partnerdesk.errors import PartnerDeskError
from partnerdesk.sharing.csv_export import neutralise

if TYPE_CHECKING:
    from partnerdesk.services.desk import Desk

EVENT_HEADERS = ["PartnerDesk ID", "Title", "Kind", "Starts", "Ends", "Time zone", "Place",
                 "Hosts", "Partners", "Partnerships", "Resources used", "People reached",
                 "Counts by category", "Description", "Notes", "Internal notes"]
FEEDBACK_HEADERS = ["PartnerDesk ID", "Title", "Received on", "From", "Organization",
                    "Channel", "Sentiment", "Themes", "Partnership", "Review of",
                    "People who answered", "Summary", "Survey results", "Internal notes"]
EXPORTS = {"event": "events", "feedback": "feedback"}


def _names(service: Any) -> dict[str, str]:
    return {row.id: getattr(row, service.title_field) for row in service.list()}


def _grouped(rows: list[Any], key: str) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for row in rows:
        found.setdefault(getattr(row, key), []).append(row)
    return found


def event_rows(desk: Desk, shareable_only: bool = False) -> list[list[str]]:
    orgs, ships = _names(desk.organizations), _names(desk.partnerships)
    resources = _names(desk.resources)
    taking_part = _grouped(desk.event_organizations.list(order_by="created_at"), "event_id")
    served = _grouped(desk.event_partnerships.list(order_by="created_at"), "event_id")
    used = _grouped(desk.event_resources.list(order_by="created_at"), "event_id")
    counted = _grouped(desk.event_attendance.list(order_by="created_at"), "event_id")
    rows = []
    for event in desk.events.list(order_by="starts_at"):
        links = taking_part.get(event.id, [])
        rows.append([
            event.id, event.title, v.label(v.EVENT_KINDS, event.kind),
            event.starts_at.isoformat(timespec="minutes"),
            event.ends_at.isoformat(timespec="minutes") if event.ends_at else "",
            event.time_zone, event.place,
            "; ".join(orgs.get(x.organization_id, "") for x in links if x.role == "host"),
            "; ".join(orgs.get(x.organization_id, "") for x in links if x.role != "host"),
            "; ".join(ships.get(x.partnership_id, "") for x in served.get(event.id, [])),
            "; ".join(resources.get(x.resource_id, "") + (f" ({x.note})" if x.note else "")
                      for x in used.get(event.id, [])),
            "" if event.people_reached is None else str(event.people_reached),
            "; ".join(f"{x.category} = {x.count}" for x in counted.get(event.id, [])),
            event.description, event.notes, "" if shareable_only else event.internal_notes])
    return rows


def feedback_rows(desk: Desk, shareable_only: bool = False) -> list[list[str]]:
    orgs, ships = _names(desk.organizations), _names(desk.partnerships)
    reviews = {row.id: row.reviewed_on.isoformat() for row in desk.reviews.list()}
    results = _grouped(desk.survey_results.list(order_by="position"), "feedback_id")
    rows = []
    for item in desk.feedback.list(order_by="received_on"):
        rows.append([
            item.id, item.title, item.received_on.isoformat(),
            v.label(v.FEEDBACK_SOURCES, item.source), orgs.get(item.organization_id or "", ""),
            v.label(v.FEEDBACK_CHANNELS, item.channel), v.label(v.SENTIMENTS, item.sentiment),
            "; ".join(item.tags), ships.get(item.partnership_id, ""),
            reviews.get(item.review_id or "", ""),
            "" if item.respondents is None else str(item.respondents), item.summary,
            "; ".join(f"{x.question}: {x.answer} = {x.count}"
                      for x in results.get(item.id, [])),
            "" if shareable_only else item.internal_notes])
    return rows


def export_records_csv(desk: Desk, record_type: str, path: str | Path,
                       shareable_only: bool = False) -> int:
    """Write events or feedback to `path`, whole or not at all; returns how many."""
    if record_type == "event":
        headers, rows = EVENT_HEADERS, event_rows(desk, shareable_only)
    elif record_type == "feedback":
        headers, rows = FEEDBACK_HEADERS, feedback_rows(desk, shareable_only)
    else:
        raise PartnerDeskError("Choose events or feedback to export.")
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(headers)
            for row in rows:
                writer.writerow([neutralise(str(cell)) for cell in row])
        partial.replace(target)  # a half-written file never takes the real name
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise PartnerDeskError(f"Could not write {target}: {error.strerror}. Choose another "
                               "folder.") from error
    desk.log_export(f"csv-{EXPORTS[record_type]}", target, counts={record_type: len(rows)},
                    scope="shareable records only" if shareable_only else "all records")
    return len(rows)
