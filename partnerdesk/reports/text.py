"""Turning values into the words and dates a reader sees.

Dates are written "15 Jun 2026": the same for readers in the US and elsewhere, where
"06/07" would mean two different days.
"""

from datetime import date, datetime
from xml.sax.saxutils import escape

from partnerdesk.services.reporting import Period


def day(value: date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else "—"


def long_day(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def when(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{day(value.date())}, {value:%H:%M}"


def period(value: Period | None) -> str:
    if value is None or (value.start is None and value.end is None):
        return "All dates"
    if value.start == value.end:
        return long_day(value.start)
    if value.start is None:
        return f"Up to {long_day(value.end)}"
    if value.end is None:
        return f"From {long_day(value.start)}"
    return f"{long_day(value.start)} to {long_day(value.end)}"


def markup(text: str) -> str:
    """Plain text made safe for a Paragraph, keeping the writer's line breaks."""
    return escape(text.strip()).replace("\n", "<br/>")


def counted(count: int, noun: str) -> str:
    """"1 organization", "2 organizations" (`noun` is the singular)."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def days_left(days: int | None) -> str:
    if days is None:
        return "No expiry date"
    if days == 0:
        return "Expires today"
    if days > 0:
        return f"{days:,} day{'s' if days != 1 else ''} left"
    return f"Expired {-days:,} day{'s' if days != -1 else ''} ago"


def number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def month(value: str) -> str:
    """ "2026-03" as "Mar 2026"."""
    try:
        return f"{date(int(value[:4]), int(value[5:7]), 1):%b %Y}"
    except ValueError:
        return value


def phone(value: str) -> str:
    """Kept on one line (a number broken across lines is easy to misdial): its spaces are
    no-break spaces, which only the line breaking sees (they are drawn as spaces, see
    `reports.scripts`), so a number copied out of the PDF is the number as typed. Its
    hyphens stay hyphens."""
    return value.replace(" ", "\u00a0") if value else "—"
