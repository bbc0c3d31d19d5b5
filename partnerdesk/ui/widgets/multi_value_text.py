"""The first e-mail or phone of a record's list, as shown in tables and pickers."""

from functools import lru_cache
from typing import Any


def first_email(emails: list[dict[str, Any]] | None) -> str:
    return str((emails or [{}])[0].get("address", "")) if emails else ""


def first_phone(phones: list[dict[str, Any]] | None) -> str:
    """Written as people read it (+1 202-555-0143 ext. 12), not as stored (+12025550143):
    a switchboard number is no use without the extension that reaches the person."""
    if not phones:
        return ""
    from partnerdesk.services.contact_details import phone_text

    return phone_text(phones[0], readable_phone(str(phones[0].get("number", ""))))


@lru_cache(maxsize=4096)
def readable_phone(number: str) -> str:
    """Parsing a number takes a while; a list page shows the same ones again and again."""
    from partnerdesk.services.validation import format_phone

    return format_phone(number)
