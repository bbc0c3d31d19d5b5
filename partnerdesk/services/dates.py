"""Dates as people type and read them: one reading of typed text, one display format.

The display format is the `date_format` setting (`services.settings`): a pattern in Qt's
notation (`d MMM yyyy`, `MM/dd/yyyy`, ...) or "system", the computer's own short format.
The app formats with Qt's locale (`ui/widgets/dates.py`); the command line and messages
built here use `format_date` below, with English month names.

`parse_date` reads what a person types: "15 Feb 2027", "Feb 15, 2027", "2/15/2027",
"15.02.2027", "2027-02-15", and shortcuts ("today", "tomorrow", "+3d", "in 2 weeks").
Numbers written day-first or month-first are read in the order the display format uses,
so a date is typed the way it is shown. Text that does not name a day and a month is not
a date: it is refused with a sentence rather than guessed.
"""

from __future__ import annotations

import calendar
import contextlib
import locale
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

SYSTEM = "system"
# The formats offered in Preferences (besides "system"), with an example of each.
FORMATS: tuple[tuple[str, str], ...] = (
    ("d MMM yyyy", "15 Feb 2027"),
    ("MMM d, yyyy", "Feb 15, 2027"),
    ("yyyy-MM-dd", "2027-02-15"),
    ("M/d/yyyy", "2/15/2027"),
    ("MM/dd/yyyy", "02/15/2027"),
    ("dd/MM/yyyy", "15/02/2027"),
    ("dd.MM.yyyy", "15.02.2027"),
)
FALLBACK = "d MMM yyyy"  # when the system's own format cannot be found out
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_TOKEN = re.compile(r"yyyy|yy|MMMM|MMM|MM|M|dddd|ddd|dd|d|'[^']*'")
_SHORTCUT = re.compile(
    r"^(?:in\s+)?([+-]?)\s*(\d{1,4})\s*(d|days?|w|weeks?|m|months?|y|years?)?(\s+ago)?$")


class DateTextError(ValueError):
    """Typed text that is not a date; the message says how to type one."""


@dataclass(frozen=True)
class Reading:
    """How typed text is read: numbers day-first or month-first, and the month names."""

    day_first: bool = False
    month_names: Sequence[Sequence[str]] = ()  # per month: other names (local language)


def reading_for(pattern: str, month_names: Sequence[Sequence[str]] = ()) -> Reading:
    """Numbers are typed in the order the display format shows them."""
    day, month = pattern.find("d"), pattern.find("M")
    return Reading(day_first=0 <= day < month if month >= 0 else False,
                   month_names=month_names)


def check_format(value: object) -> str:
    """A pattern the app can show dates in, or "system" (used by the setting's check)."""
    text = str(value or "").strip()
    if text.lower() == SYSTEM:
        return SYSTEM
    if text in {pattern for pattern, _example in FORMATS}:
        return text
    choices = ", ".join(f"“{pattern}” ({example})" for pattern, example in FORMATS)
    raise ValueError(f"“{value}” is not a date format PartnerDesk offers. Choose “system” "
                     f"(this computer's own) or one of {choices}.")


def format_date(value: date | None, pattern: str) -> str:
    """`value` in a Qt-style pattern, with English names ("" for no date)."""
    if value is None:
        return ""
    if pattern == SYSTEM:
        pattern = system_pattern()

    def token(match: re.Match[str]) -> str:
        part = match.group(0)
        return {
            "yyyy": f"{value.year:04d}", "yy": f"{value.year % 100:02d}",
            "MMMM": MONTHS[value.month - 1], "MMM": MONTHS[value.month - 1][:3],
            "MM": f"{value.month:02d}", "M": str(value.month),
            "dddd": WEEKDAYS[value.weekday()], "ddd": WEEKDAYS[value.weekday()][:3],
            "dd": f"{value.day:02d}", "d": str(value.day),
        }.get(part, part[1:-1])

    return _TOKEN.sub(token, pattern)


def full_date(value: date) -> str:
    """The unmistakable form, for saying how a typed date was read: Monday 15 February 2027."""
    return format_date(value, "dddd d MMMM yyyy")


def system_pattern() -> str:
    """The C library's short date format for the user's locale, as a pattern (outside the
    app, which asks Qt). Two-digit years are widened: "2/3/27" is not a date to keep."""
    previous = None
    try:
        previous = locale.setlocale(locale.LC_TIME)
        name = locale.setlocale(locale.LC_TIME, "")
        c_format = locale.nl_langinfo(locale.D_FMT)  # not on Windows: AttributeError
    except (locale.Error, AttributeError, ValueError):
        return FALLBACK
    finally:
        if previous is not None:
            with contextlib.suppress(locale.Error):
                locale.setlocale(locale.LC_TIME, previous)
    if name.split(".")[0] in ("C", "POSIX"):  # no language chosen: the plain default
        return FALLBACK
    codes = {"%d": "dd", "%e": "d", "%m": "MM", "%Y": "yyyy", "%y": "yyyy", "%b": "MMM",
             "%B": "MMMM", "%a": "ddd", "%A": "dddd"}
    pattern = re.sub(r"%[a-zA-Z]", lambda m: codes.get(m.group(0), "\x00"), c_format)
    if "\x00" in pattern or "d" not in pattern or "M" not in pattern:
        return FALLBACK
    return pattern


def widen_year(pattern: str) -> str:
    """A pattern with a four-digit year (system formats often use two)."""
    return re.sub(r"(?<!y)yy(?!y)", "yyyy", pattern)


def parse_date(text: str, today: date, reading: Reading = Reading()) -> date | None:
    """The date `text` names (None for empty text); raises `DateTextError`."""
    cleaned = " ".join(text.strip().split())
    if not cleaned:
        return None
    lowered = cleaned.lower()
    words = {"today": 0, "now": 0, "tomorrow": 1, "tmrw": 1, "yesterday": -1}
    if lowered in words:
        return today + timedelta(days=words[lowered])
    shortcut = _SHORTCUT.match(lowered)
    if shortcut and (shortcut.group(1) or shortcut.group(3) or lowered.startswith("in ")):
        return _moved(today, shortcut)
    with contextlib.suppress(ValueError):
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", cleaned):  # ISO, whatever the order setting
            year, month, day = (int(part) for part in cleaned.split("-"))
            return date(year, month, day)
    return _parse_written(cleaned, today, reading)


def _moved(today: date, match: re.Match[str]) -> date:
    sign, number, unit, ago = match.groups()
    amount = int(number) * (-1 if sign == "-" or ago else 1)
    unit = (unit or "d")[0]
    try:
        if unit == "d":
            return today + timedelta(days=amount)
        if unit == "w":
            return today + timedelta(weeks=amount)
        months = amount * (12 if unit == "y" else 1)
        year, month = divmod(today.month - 1 + months, 12)
        year += today.year
        return date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))
    except (OverflowError, ValueError) as error:
        raise DateTextError(_how_to_type()) from error


def _parse_written(text: str, today: date, reading: Reading) -> date:
    # dateutil reads written dates in many layouts; we ask it twice with different
    # defaults to learn which parts the text really gave (a day and a month must be there).
    from dateutil import parser

    info = _parser_info(reading)
    first = datetime(2000, 1, 1)
    second = datetime(2004, 12, 28)
    try:
        one = parser.parse(text, parserinfo=info, default=first)
        two = parser.parse(text, parserinfo=info, default=second)
    except (ValueError, OverflowError, parser.ParserError) as error:
        raise DateTextError(_how_to_type()) from error
    if one.day != two.day or one.month != two.month:
        raise DateTextError(_how_to_type())
    if one.hour or one.minute or one.second or one.tzinfo is not None:
        raise DateTextError(_how_to_type())
    if one.year != two.year:  # no year typed: this year
        try:
            return date(today.year, one.month, one.day)
        except ValueError as error:
            raise DateTextError(_how_to_type()) from error
    if not 1800 <= one.year <= 2200:
        raise DateTextError(_how_to_type())
    return one.date()


def _parser_info(reading: Reading) -> object:
    from dateutil import parser

    class Info(parser.parserinfo):  # type: ignore[misc]
        pass

    months = []
    for number, english in enumerate(MONTHS):
        names = [english, english[:3]] + (["Sept"] if number == 8 else [])
        if number < len(reading.month_names):
            names += [name.rstrip(".") for name in reading.month_names[number] if name]
        months.append(tuple(dict.fromkeys(names)))
    Info.MONTHS = months
    return Info(dayfirst=reading.day_first)


def _how_to_type() -> str:
    return ("This is not a date PartnerDesk can read. Type it like 15 Feb 2027 or "
            "2027-02-15, or a shortcut such as today, tomorrow or +7.")
