"""Which paper a report is laid out on: US Letter or A4.

The choice is the person's setting when they made one, else what offices in the
system locale's territory print on.
"""

from __future__ import annotations

import contextlib
import locale
import os

from partnerdesk.errors import PartnerDeskError
from partnerdesk.services.desk import Desk

PAGE_SIZES = ("letter", "a4")
PAGE_SIZE_SETTING = "page_size"
# Territories whose offices print on US Letter (the rest of the world uses A4).
LETTER_TERRITORIES = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "PR", "GT", "CR",
                                "PA", "DO", "SV", "NI", "BZ"})


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


def page_size(desk: Desk, override: str | None = None) -> str:
    """The page size to print on: the option, else the setting, else the locale's."""
    chosen = (override or desk.store.setting(PAGE_SIZE_SETTING) or default_page_size())
    chosen = str(chosen).strip().lower()
    if chosen not in PAGE_SIZES:
        raise PartnerDeskError(f"“{chosen}” is not a page size PartnerDesk prints on. "
                               "Choose letter or a4.")
    return chosen
