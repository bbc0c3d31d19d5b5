"""Amounts of money: the currency setting's check, and amounts as people read and type them.

Amounts are stored as whole cents (hundredths of the currency unit), so totals add up
exactly and a bundle carries the same integer everywhere. Which currency they are in is
the database's `currency` setting (`desk.settings.currency`): an organization keeps its
funding in one currency.

Babel holds the ISO 4217 list and each currency's symbol and usual number of decimals;
writing that table by hand would go stale. It is imported only when an amount is shown
or the setting is checked, so the window does not wait for it.
"""

from __future__ import annotations

import contextlib
import functools
import locale
import os
import re
from decimal import Decimal, InvalidOperation

DEFAULT_CURRENCY = "USD"
# Amounts are written the English way in reports ("$25,000"), as dates are ("15 Jun 2026").
WRITING = "en"
LARGEST_CENTS = 10**15  # ten trillion units: beyond any grant, well inside 2**53
# digits with commas between groups of three ("25,000") or none, and at most two decimals
TYPED = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$|^\.\d{1,2}$")


class AmountError(ValueError):
    """Text that is not an amount; the message says what to type."""


@functools.cache
def known_currencies() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


def check_currency(value: object) -> str:
    """The three-letter code, upper case; raises ValueError naming what to enter."""
    text = str(value or "").strip().upper()
    if text not in known_currencies():
        raise ValueError(f"“{value}” is not a currency code PartnerDesk knows. Enter the "
                         "three-letter code of the currency your funding is in, for example "
                         "USD, CAD, EUR or GBP.")
    return text


def default_currency() -> str:
    """The currency of the system's region ("en_CA.UTF-8": CAD), else US dollars."""
    names = [os.environ.get(key, "") for key in ("LC_MONETARY", "LC_ALL", "LANG")]
    with contextlib.suppress(ValueError):
        names.append(locale.getlocale()[0] or "")
    for name in names:
        if "_" not in name or name.startswith("C."):
            continue
        territory = name.split("_", 1)[1].split(".")[0].split("@")[0]
        if len(territory) == 2 and territory.isalpha():
            from babel.numbers import get_territory_currencies

            found = get_territory_currencies(territory.upper())
            if found:
                return str(found[0])
    return DEFAULT_CURRENCY


@functools.cache
def symbol(currency: str) -> str:
    """"$" for USD, "CA$" for CAD, "€" for EUR: what stands before an amount."""
    from babel.numbers import get_currency_symbol

    return str(get_currency_symbol(currency, locale=WRITING))


def amount_text(cents: int | None, currency: str, empty: str = "") -> str:
    """"$25,000" (whole amounts without decimals), "$1,250.50"; `empty` for no amount."""
    if cents is None:
        return empty
    from babel.numbers import format_currency

    units = Decimal(cents) / 100
    if cents % 100 == 0:
        return str(format_currency(units, currency, format="¤#,##0", locale=WRITING,
                                   currency_digits=False))
    return str(format_currency(units, currency, locale=WRITING))


def parse_amount(text: str) -> int | None:
    """Cents from what a person typed ("25,000", "1250.5", "$ 300"); None when empty.

    Raises AmountError for text that is not an amount, or a negative one."""
    cleaned = text.strip()
    for sign in ("$", "€", "£", "¥"):
        cleaned = cleaned.replace(sign, "")
    # a currency code before the number: "USD 30", "CA$ 5"
    cleaned = re.sub(r"^[A-Za-z]{1,3}\$?\s*(?=[\d.])", "", cleaned.strip()).strip()
    if not cleaned:
        return None
    if cleaned.startswith("-"):
        raise AmountError("An amount cannot be negative.")
    cleaned = re.sub(r"[ \u00a0\u202f](?=\d{3}\b)", ",", cleaned)  # "12 000": a space groups too
    if not TYPED.match(cleaned):
        raise AmountError(f"“{text.strip()}” is not an amount. Type a number such as 25000 "
                          "or 1,250.50.")
    try:
        value = Decimal(cleaned.replace(",", ""))
    except InvalidOperation:
        raise AmountError(f"“{text.strip()}” is not an amount. Type a number such as 25000 "
                          "or 1,250.50.") from None
    cents = int((value * 100).to_integral_value())
    if cents > LARGEST_CENTS:
        raise AmountError("That amount is too large to be right. Check the number of zeros.")
    return cents


def plain_amount(cents: int | None) -> str:
    """"25000.00": how a spreadsheet cell holds an amount (no symbol, no separators)."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def typed_amount(cents: int | None) -> str:
    """An amount as a person types it: "25,000", "1,250.50" (no symbol); "" for none."""
    if cents is None:
        return ""
    whole, part = divmod(cents, 100)
    return f"{whole:,}" + (f".{part:02d}" if part else "")
