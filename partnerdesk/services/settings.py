"""This laptop's settings for one database: each defined once, with its type and default.

Every setting a person can choose is a `Definition` in `DEFINITIONS`; code reads it
through `desk.settings` (`desk.settings.phone_region`, `.page_size`,
`.reminder_windows`, ...), never by its key, so a default or a check lives in one place.
Settings are kept in the database's `settings` table (local, never in a bundle).

A stored value that no longer makes sense (an old version's, or one edited by hand)
reads as the default, so a bad value never stops the app; setting a bad value is
refused with a sentence that says what to enter.

The store's own bookkeeping in the same table (this laptop's device id, its change
counter) is not a setting a person chooses; `services/store.py` keeps it.
"""

from __future__ import annotations

import contextlib
import locale
import logging
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from partnerdesk.errors import PartnerDeskError

if TYPE_CHECKING:
    from partnerdesk.services.store import Store

log = logging.getLogger(__name__)

DEFAULT_PHONE_REGION = "US"
PAGE_SIZES = ("letter", "a4")
# Territories whose offices print on US Letter (the rest of the world uses A4).
LETTER_TERRITORIES = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "PR", "GT", "CR",
                                "PA", "DO", "SV", "NI", "BZ"})


class SettingError(PartnerDeskError):
    """A value a setting cannot take; the message says what it can take."""


@dataclass(frozen=True)
class Definition:
    """One setting: its key, what it means, its default and how a value is checked.

    `check` takes a value (from code, or text typed on the command line) and returns
    the value to store, or raises `SettingError`."""

    key: str
    description: str
    default: Callable[[], Any]
    check: Callable[[Any], Any]
    shown: bool = True  # listed by `partnerdesk settings` (not data kept for a screen)


def _region(value: Any) -> str:
    import phonenumbers  # a tenth of a second to import: only when a region is set

    text = str(value or "").strip().upper()
    if text not in phonenumbers.SUPPORTED_REGIONS:
        raise SettingError(f"“{value}” is not a country code PartnerDesk knows. Enter the "
                           "two-letter code of the country most phone numbers are in, "
                           "for example US, CA, GB or DE.")
    return text


def default_page_size() -> str:
    """Letter where the system locale's territory prints on Letter, else A4.

    Reads LC_PAPER, LC_ALL and LANG ("en_US.UTF-8"), then Python's locale, which on
    Windows names the territory in words ("English_United States").
    """
    names = [os.environ.get(key, "") for key in ("LC_PAPER", "LC_ALL", "LANG")]
    with contextlib.suppress(ValueError):
        names.append(locale.getlocale()[0] or "")
    for name in names:
        if "_" not in name or name.startswith("C."):
            continue
        territory = name.split("_", 1)[1].split(".")[0].split("@")[0]
        if len(territory) == 2:
            return "letter" if territory.upper() in LETTER_TERRITORIES else "a4"
        letter_words = ("United States", "Canada", "Mexico", "Philippines", "Chile",
                        "Colombia", "Venezuela", "Puerto Rico")
        return "letter" if any(w.lower() in territory.lower() for w in letter_words) else "a4"
    return "letter"


def check_page_size(value: Any) -> str:
    text = str(value or "").strip().lower()
    if text not in PAGE_SIZES:
        raise SettingError(f"“{value}” is not a page size PartnerDesk prints on. "
                           "Choose letter or a4.")
    return text


def _whole_number(low: int, high: int, what: str) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        else:
            try:
                number = int(str(value).strip())
            except ValueError:
                number = None
        if number is None or not low <= number <= high:
            raise SettingError(f"{what} takes a whole number from {low} to {high}; "
                               f"“{value}” is not one.")
        return number
    check.bounds = (low, high)  # type: ignore[attr-defined]  # Preferences' spin boxes
    return check


def bounds(definition: Definition) -> tuple[int, int] | None:
    """The lowest and highest whole number a setting takes (None: not a number)."""
    return getattr(definition.check, "bounds", None)


def _positions(value: Any) -> dict[str, list[float]]:
    """Node id -> [x, y]; entries that are not two finite numbers are dropped."""
    if not isinstance(value, dict):
        raise SettingError("The network positions must be a table of node positions.")
    kept = {}
    for node_id, point in value.items():
        try:
            x, y = float(point[0]), float(point[1])
        except (TypeError, ValueError, IndexError, KeyError):
            continue  # an unreadable entry is forgotten, the node is laid out again
        if math.isfinite(x) and math.isfinite(y):
            kept[str(node_id)] = [x, y]
    return kept


def system_time_zone() -> str:
    """The computer's time zone as an IANA name ("Europe/Berlin"), UTC if it has none."""
    try:
        import tzlocal

        name = tzlocal.get_localzone_name()
    except Exception:  # an unreadable or odd system setting: UTC, which is never wrong
        return "UTC"
    try:
        return check_time_zone(name)
    except SettingError:
        return "UTC"


def check_time_zone(value: Any) -> str:
    """An IANA time zone name that this computer's zone data knows."""
    import zoneinfo

    text = str(value or "").strip()
    try:
        zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise SettingError(f"“{text}” is not a time zone. Enter a name such as "
                           "America/New_York, Europe/London or UTC.") from None
    return text

def _date_format(value: Any) -> str:
    from partnerdesk.services.dates import check_format

    try:
        return check_format(value)
    except ValueError as error:
        raise SettingError(str(error)) from error


PHONE_REGION = Definition(
    "phone_region", "the country a phone number written without +country code is in",
    lambda: DEFAULT_PHONE_REGION, _region)
PAGE_SIZE = Definition(
    "page_size", "the paper reports are laid out on: letter or a4 (default: the "
    "system's region)", default_page_size, check_page_size)
EXPIRING_DAYS = Definition(
    "expiring_days", "warn this many days before an agreement expires",
    lambda: 60, _whole_number(1, 730, "The agreement warning"))
DUE_DAYS = Definition(
    "due_days", "the reminder horizon: name action items, milestones and partnership "
    "reviews due within this many days", lambda: 14,
    _whole_number(0, 730, "The reminder horizon"))
QUIET_DAYS = Definition(
    "quiet_days", "name a partner nobody has been in touch with for this many days",
    lambda: 90, _whole_number(7, 3650, "The quiet-partner reminder"))
VERIFY_MONTHS = Definition(
    "verify_months", "ask to re-check a resource not verified for this many months",
    lambda: 12, _whole_number(1, 120, "The resource re-check reminder"))
TIME_ZONE = Definition(
    "time_zone", "the time zone meeting times are in, e.g. America/Chicago (default: the "
    "computer's)", system_time_zone, check_time_zone)

DATE_FORMAT = Definition(
    "date_format", "how dates are shown and typed: system (this computer's format), "
    "d MMM yyyy, MMM d, yyyy, yyyy-MM-dd, M/d/yyyy, MM/dd/yyyy, dd/MM/yyyy or dd.MM.yyyy",
    lambda: "system", _date_format)


def check_person_name(value: Any) -> str:
    text = " ".join(str(value).split())
    if len(text) > 80:
        raise SettingError("Your name can be at most 80 characters long.")
    return text


YOUR_NAME = Definition(
    "your_name", "your name, shown to colleagues beside the values you typed when two "
    "changes clash", lambda: "", check_person_name)
# -- funding (issue 21) --------------------------------------------------------------
def _currency(value: Any) -> str:
    from partnerdesk.services.money import check_currency

    try:
        return check_currency(value)
    except ValueError as error:
        raise SettingError(str(error)) from None


def _default_currency() -> str:
    from partnerdesk.services.money import default_currency

    return default_currency()


CURRENCY = Definition(
    "currency", "the currency funding amounts are in: a three-letter code such as USD, CAD, "
    "EUR or GBP (default: the system's region)", _default_currency, _currency)
FUNDING_DAYS = Definition(
    "funding_days", "remind this many days before a funding deadline or a report due to a "
    "funder", lambda: 30, _whole_number(1, 365, "The funding reminder"))
# ------------------------------------------------------------------------------------

NETWORK_POSITIONS = Definition(
    "network_positions", "where organizations were dragged in the network diagram",
    dict, _positions, shown=False)

# The reminder windows, named as `ReminderWindows`' fields.
WINDOWS = (EXPIRING_DAYS, DUE_DAYS, QUIET_DAYS, VERIFY_MONTHS, FUNDING_DAYS)
DEFINITIONS: dict[str, Definition] = {d.key: d for d in (
    PHONE_REGION, PAGE_SIZE, DATE_FORMAT, EXPIRING_DAYS, DUE_DAYS, QUIET_DAYS, VERIFY_MONTHS,
    CURRENCY, FUNDING_DAYS, NETWORK_POSITIONS, TIME_ZONE, YOUR_NAME)}


@dataclass(frozen=True)
class ReminderWindows:
    """How far ahead (or back) the reminders look; see `services.reminders`."""

    expiring_days: int  # agreements: the warning window before expiry
    due_days: int  # the horizon: action items, milestones and reviews due this soon
    quiet_days: int
    verify_months: int
    funding_days: int = 30  # funding deadlines and reports due to funders


class Settings:
    """Typed access to the settings of the database `store` holds (`desk.settings`).

    Values are read from the database each time (another window or process may have
    changed one); each read is one small query."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # -- by definition (the command line lists and sets them this way) -----------------
    def get(self, definition: Definition, *, session: Any = None) -> Any:
        """`session`: read inside that (a save's) transaction instead of a new one."""
        stored = self._store.setting(definition.key, session=session)
        if stored is None:
            return definition.default()
        try:
            return definition.check(stored)
        except SettingError:
            log.warning("Setting %s holds %r, which it cannot take; using the default.",
                        definition.key, stored)
            return definition.default()

    def is_set(self, definition: Definition) -> bool:
        return self._store.setting(definition.key) is not None

    def set(self, definition: Definition, value: Any) -> Any:
        """Check and store `value`; returns what was stored. Raises `SettingError`."""
        clean = definition.check(value)
        self._store.set_setting(definition.key, clean)
        return clean

    def reset(self, definition: Definition) -> None:
        """Back to the default (the stored value is removed)."""
        self._store.set_setting(definition.key, None)

    # -- typed ---------------------------------------------------------------------
    @property
    def phone_region(self) -> str:
        """Two-letter country code for numbers typed without +country code."""
        return str(self.get(PHONE_REGION))

    @phone_region.setter
    def phone_region(self, value: str) -> None:
        self.set(PHONE_REGION, value)

    @property
    def page_size(self) -> str:
        """"letter" or "a4": the person's choice, else what the system's region prints on."""
        return str(self.get(PAGE_SIZE))

    @page_size.setter
    def page_size(self, value: str) -> None:
        self.set(PAGE_SIZE, value)

    @property
    def expiring_days(self) -> int:
        """The agreement warning window (see `services.agreement_rules.expiry`)."""
        return int(self.get(EXPIRING_DAYS))

    @expiring_days.setter
    def expiring_days(self, value: int) -> None:
        self.set(EXPIRING_DAYS, value)

    @property
    def date_format(self) -> str:
        """"system" (the computer's short format) or a pattern from `services.dates.FORMATS`;
        the app shows and reads every date in it (`ui/widgets/dates.py`)."""
        return str(self.get(DATE_FORMAT))

    @date_format.setter
    def date_format(self, value: str) -> None:
        self.set(DATE_FORMAT, value)

    @property
    def due_days(self) -> int:
        """The reminder horizon (Preferences): work due within this many days is named."""
        return int(self.get(DUE_DAYS))

    @due_days.setter
    def due_days(self, value: int) -> None:
        self.set(DUE_DAYS, value)

    @property
    def reminder_windows(self) -> ReminderWindows:
        return ReminderWindows(**{d.key: int(self.get(d)) for d in WINDOWS})

    @reminder_windows.setter
    def reminder_windows(self, windows: ReminderWindows) -> None:
        pairs = [(definition, getattr(windows, definition.key)) for definition in WINDOWS]
        for definition, value in pairs:
            definition.check(value)  # all checked before any is stored
        for definition, value in pairs:
            self.set(definition, value)

    @property
    def currency(self) -> str:
        """The three-letter code funding amounts are in (`services.money`)."""
        return str(self.get(CURRENCY))

    @currency.setter
    def currency(self, value: str) -> None:
        self.set(CURRENCY, value)

    @property
    def time_zone(self) -> str:
        """The IANA time zone meetings' wall-clock times are in (calendar exports)."""
        return str(self.get(TIME_ZONE))

    @time_zone.setter
    def time_zone(self, value: str) -> None:
        self.set(TIME_ZONE, value)

    @property
    def your_name(self) -> str:
        """The person using this laptop: colleagues see it beside the values typed here."""
        return str(self.get(YOUR_NAME))

    @your_name.setter
    def your_name(self, value: str) -> None:
        self.set(YOUR_NAME, value)

    @property
    def network_positions(self) -> dict[str, tuple[float, float]]:
        """Where the person left dragged nodes of the network diagram (node id -> x, y)."""
        return {node: (x, y) for node, (x, y) in self.get(NETWORK_POSITIONS).items()}

    @network_positions.setter
    def network_positions(self, positions: dict[str, tuple[float, float]]) -> None:
        self.set(NETWORK_POSITIONS, {node: [x, y] for node, (x, y) in positions.items()})
