"""The rules for a contact's phones, postal addresses and websites (their shape is in
`db.records.Contact`): what a person or a file typed, cleaned into that shape, and the
same values written back as text for lists, search, reports and spreadsheets.

Used by validation (every save and import), the editor, the importers and exporters,
so "ext. 42" means the same everywhere.
"""

from __future__ import annotations

import re
from typing import Any

from partnerdesk.errors import FieldProblem

# An extension written after the number: "555-0101 ext. 42", "x42", "#42", ";ext=42"
# (vCard 4 `tel:` URIs), "extension 42". The number part must hold a digit, so a lone
# "x42" is never taken for one.
EXTENSION = re.compile(
    r"^(?P<number>.*\d.*?)\s*(?:[,;]\s*)?(?:ext(?:ension)?\.?\s*[:=]?|x|#)\s*"
    r"(?P<extension>\d{1,10})\s*$", re.IGNORECASE)
MAX_EXTENSION = 10
ADDRESS_PARTS = ("street", "city", "region", "postal_code", "country")
ADDRESS_LABELS = {"street": "Street", "city": "City", "region": "State or region",
                  "postal_code": "Postal code", "country": "Country"}


def split_extension(text: str) -> tuple[str, str]:
    """(number, extension) of a number as typed; the extension is "" when there is none."""
    text = text.strip()
    if text.lstrip("+").isdigit():  # the stored form of nearly every number: no regex
        return text, ""
    found = EXTENSION.match(text)
    if found is None:
        return text, ""
    return found.group("number").strip().rstrip(",;").strip(), found.group("extension")


def phone_entry(number: str, kind: str = "work", extension: str = "") -> dict[str, str]:
    """A phone in the stored shape; an extension typed on the end of the number moves
    into `extension` (unless one is given)."""
    bare, found = split_extension(number)
    return {"number": bare, "kind": kind or "work", "extension": extension.strip() or found}


def clean_phones(items: list[Any], check: Any) -> tuple[list[dict[str, str]],
                                                         list[FieldProblem]]:
    """Phones in the stored shape; `check(number) -> (normalised, warning)` is the
    number rule (validation.check_phone with the region)."""
    problems: list[FieldProblem] = []
    cleaned = []
    for item in items:
        entry = phone_entry(str(item.get("number", "")), str(item.get("kind") or "work"),
                            str(item.get("extension") or ""))
        if not entry["number"]:
            if entry["extension"]:
                problems.append(FieldProblem("phones", f"The extension {entry['extension']} "
                                                       "has no phone number before it."))
            continue
        normalised, warning = check(entry["number"])
        if warning:
            problems.append(FieldProblem("phones", warning, warning=True))
        extension = entry["extension"]
        if extension and (not extension.isdigit() or len(extension) > MAX_EXTENSION):
            problems.append(FieldProblem(
                "phones", f"The extension “{extension}” of {entry['number']} must be digits "
                          f"only (at most {MAX_EXTENSION})."))
        cleaned.append({"number": normalised, "kind": entry["kind"], "extension": extension})
    return cleaned, problems


def phone_text(phone: dict[str, Any], number: str | None = None) -> str:
    """A phone as people write it: the number (as given, or as stored) and its extension."""
    shown = str(phone.get("number", "")) if number is None else number
    extension = str(phone.get("extension") or "")
    return f"{shown} ext. {extension}" if extension else shown


def clean_addresses(items: list[Any]) -> list[dict[str, str]]:
    """Addresses in the stored shape: every part trimmed (street lines one by one),
    entries with nothing in them left out."""
    cleaned = []
    for item in items:
        entry = {"kind": str(item.get("kind") or "work")}
        for part in ADDRESS_PARTS:
            text = str(item.get(part) or "")
            if "\n" not in text:  # one line (most parts): the same as the lines below
                entry[part] = text.strip()
                continue
            lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
            entry[part] = "\n".join(line for line in lines if line)
        if any(entry[part] for part in ADDRESS_PARTS):
            cleaned.append(entry)
    return cleaned


def address_text(address: dict[str, Any], separator: str = "\n") -> str:
    """One address as lines: the street lines, "City, Region Postal code", the country."""
    street = [line for line in str(address.get("street") or "").split("\n") if line.strip()]
    city = str(address.get("city") or "").strip()
    region = " ".join(part for part in (str(address.get("region") or "").strip(),
                                        str(address.get("postal_code") or "").strip()) if part)
    town = ", ".join(part for part in (city, region) if part)
    country = str(address.get("country") or "").strip()
    return separator.join(line for line in (*street, town, country) if line)


def clean_websites(items: list[Any]) -> tuple[list[dict[str, str]], list[FieldProblem]]:
    problems: list[FieldProblem] = []
    cleaned = []
    for item in items:
        url = str(item.get("url") or "").strip()
        if not url:
            continue
        if any(char.isspace() for char in url):
            problems.append(FieldProblem("websites", f"The web address “{url}” cannot "
                                                     "contain spaces."))
        cleaned.append({"url": url, "kind": str(item.get("kind") or "work")})
    return cleaned, problems


def entry_key(field: str, item: dict[str, Any]) -> str:
    """What makes two entries of a list field the same entry (when merging records)."""
    if field == "emails":
        return str(item.get("address") or "").strip().casefold()
    if field == "phones":
        digits = "".join(c for c in str(item.get("number") or "") if c.isdigit() or c == "+")
        return f"{digits};{item.get('extension') or ''}"
    if field == "websites":
        url = str(item.get("url") or "").strip().casefold().rstrip("/")
        return url.removeprefix("https://").removeprefix("http://").removeprefix("www.")
    if field == "addresses":
        return " ".join(address_text(item, " ").casefold().replace(",", " ").split())
    return repr(sorted(item.items()))


def entry_text(field: str, item: dict[str, Any]) -> str:
    """One entry as a person reads it, with its kind: "+1 617… ext. 42 (work)"."""
    kind = str(item.get("kind") or "")
    if field == "emails":
        text = str(item.get("address") or "")
    elif field == "phones":
        text = phone_text(item)
    elif field == "websites":
        text = str(item.get("url") or "")
    elif field == "addresses":
        text = address_text(item, ", ")
    else:
        text = str(item)
    return f"{text} ({kind})" if kind else text
