"""The first e-mail or phone of a record's list, as shown in tables and pickers."""

from typing import Any


def first_email(emails: list[dict[str, Any]] | None) -> str:
    return str((emails or [{}])[0].get("address", "")) if emails else ""


def first_phone(phones: list[dict[str, Any]] | None) -> str:
    """Written as people read it (+1 555-123-4567), not as stored (+15551234567)."""
    from partnerdesk.services.validation import format_phone

    return format_phone(str(phones[0].get("number", ""))) if phones else ""
