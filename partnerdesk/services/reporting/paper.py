"""Which paper a report is laid out on: US Letter or A4.

The choice is the person's setting when they made one, else what offices in the
system locale's territory print on.
"""

from __future__ import annotations

from partnerdesk.services.desk import Desk
from partnerdesk.services.settings import PAGE_SIZE, PAGE_SIZES, default_page_size

PAGE_SIZE_SETTING = PAGE_SIZE.key
__all__ = ["PAGE_SIZES", "PAGE_SIZE_SETTING", "default_page_size", "page_size"]


def page_size(desk: Desk, override: str | None = None) -> str:
    """The page size to print on: the option, else the setting, else the locale's."""
    # A bad option is a `SettingError`, a sentence for a person like any PartnerDeskError.
    return PAGE_SIZE.check(override) if override else desk.settings.page_size
