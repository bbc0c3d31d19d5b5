"""VTIMEZONE definitions that every calendar program reads the same way.

icalendar computes a zone's changes of offset from the zone data (`Timezone.from_tzinfo`)
and lists each kind of change as a DTSTART and a long RDATE list (every change from 1970
to 2037). That is valid, but readers built on dateutil (vobject, and programs that use
it) read such a list wrongly and put a July meeting in New York in winter time, an hour
off; Outlook is also known to want rules. So the changes icalendar found are written
back as yearly rules ("the second Sunday of March at 02:00"), one rule per stretch of
years that follow it, with UNTIL where a rule stopped (the United States moved its dates
in 2007). The onsets are icalendar's. vobject can write rules itself, but names the zone
by its abbreviation ("EST") and computes only from 2000, hence this.
"""

from __future__ import annotations

import calendar as months
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _positions(moment: datetime) -> set[int]:
    """Which "nth weekday of the month" `moment` is: its count from the start, and -1
    when it is also the last such weekday of its month."""
    found = {(moment.day - 1) // 7 + 1}
    if moment.day + 7 > months.monthrange(moment.year, moment.month)[1]:
        found.add(-1)
    return found


def _runs(onsets: list[datetime]) -> list[tuple[list[datetime], int]]:
    """The onsets in stretches of consecutive years that follow one yearly rule: the same
    month, weekday, time and position in the month (preferring "last")."""
    runs: list[tuple[list[datetime], set[int]]] = []
    for onset in sorted(onsets):
        if runs:
            run, positions = runs[-1]
            last = run[-1]
            common = positions & _positions(onset)
            if (onset.year == last.year + 1 and onset.month == last.month
                    and onset.weekday() == last.weekday() and onset.time() == last.time()
                    and common):
                run.append(onset)
                runs[-1] = (run, common)
                continue
        runs.append(([onset], _positions(onset)))
    return [(run, -1 if -1 in positions else min(positions)) for run, positions in runs]


@cache
def timezone_component(name: str) -> Timezone:
    """The VTIMEZONE of an IANA zone, with yearly rules."""
    computed = Timezone.from_tzinfo(ZoneInfo(name), tzid=name)
    zone = Timezone()
    zone.add("tzid", name)
    for part in computed.subcomponents:
        onsets = [part.decoded("dtstart")]
        rdates: Any = part.get("rdate", [])
        for rdate in rdates if isinstance(rdates, list) else [rdates]:
            onsets += [value.dt for value in rdate.dts]
        offset_from: timedelta = part.decoded("tzoffsetfrom")
        runs = _runs(onsets)
        for number, (run, position) in enumerate(runs):
            piece = TimezoneDaylight() if part.name == "DAYLIGHT" else TimezoneStandard()
            piece.add("dtstart", run[0])
            if len(run) > 1:
                rule: dict[str, Any] = {"freq": "yearly", "bymonth": run[0].month,
                                        "byday": f"{position}{WEEKDAYS[run[0].weekday()]}"}
                if number < len(runs) - 1 or run[-1].year < computed_last_year(computed):
                    # The rule stopped: UNTIL is its last onset, in UTC as RFC 5545 says.
                    # dateutil compares it with the local onset as if both were local,
                    # so east of Greenwich the later of the two is written (a few hours
                    # past the last onset, long before the next): both readings agree.
                    rule["until"] = max(run[-1], run[-1] - offset_from).replace(tzinfo=UTC)
                piece.add("rrule", rule)
            for key in ("tzname", "tzoffsetfrom", "tzoffsetto"):
                if key in part:
                    piece.add(key, part.decoded(key))
            zone.add_component(piece)
    return zone


def computed_last_year(computed: Timezone) -> int:
    """The last year icalendar computed changes for: a rule still followed then goes on."""
    latest = 0
    for part in computed.subcomponents:
        rdates: Any = part.get("rdate", [])
        for rdate in rdates if isinstance(rdates, list) else [rdates]:
            latest = max([latest, *(value.dt.year for value in rdate.dts)])
        latest = max(latest, part.decoded("dtstart").year)
    return latest
