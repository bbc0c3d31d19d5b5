"""The kinds of PDF report and the options for making one: plain data, no database.

Kept apart from `services.reporting` (which loads the tables and every report's query) so
the command line can list the kinds and check its options before it opens anything, and
so `ReportOptions` can cross to the app's report worker cheaply. `services.reporting`
re-exports everything here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from partnerdesk.errors import PartnerDeskError


@dataclass(frozen=True)
class ReportKind:
    """What one kind of report is made from: the one place the CLI, `gather` and the
    Reports view ask which options apply to it."""

    key: str
    period: bool = False  # covers a period (from, to)
    partnership: bool = False  # made for one partnership
    meeting: bool = False  # made for one meeting
    internal: bool = False  # may include what is not cleared for sharing (contacts, amounts)


REPORT_KINDS: dict[str, ReportKind] = {kind.key: kind for kind in (
    ReportKind("partnership", period=True, partnership=True),
    ReportKind("agreements", period=True),
    ReportKind("resources"),
    ReportKind("directory", internal=True),
    ReportKind("minutes", meeting=True),
    ReportKind("funding", period=True, internal=True),
)}
KINDS = tuple(REPORT_KINDS)


def report_kind(key: str) -> ReportKind:
    """The kind of report `key` names; a sentence for a person when it names none."""
    found = REPORT_KINDS.get(key)
    if found is None:
        raise PartnerDeskError(f"“{key}” is not a kind of report. Choose one of: "
                               + ", ".join(KINDS) + ".")
    return found


def covers_period(key: str) -> bool:
    """Does this kind of report cover a period (take a first and a last day)?"""
    return report_kind(key).period


@dataclass(frozen=True)
class ReportOptions:
    """Everything needed to make one report; plain data, so it can cross to a worker."""

    kind: str
    partnership: str | None = None
    meeting: str | None = None
    start: date | None = None
    end: date | None = None
    include_internal: bool = False
    page_size: str | None = None
    today: date | None = None
