"""Money is an integer number of cents in the deployment's single currency."""

from __future__ import annotations

import re

from django.utils.translation import gettext_noop

from ruisseau.errors import InvalidInput, shortened

_AMOUNT_RE = re.compile(r"^\s*(\d{1,9})(?:[.,](\d{1,2}))?\s*(?:€|eur|EUR)?\s*$")


def parse_amount(text: str) -> int:
    """Turn a typed amount such as ``5``, ``5.5``, ``5,50`` or ``5,50 €`` into cents."""
    match = _AMOUNT_RE.match(str(text))
    if not match:
        # the French translation writes its example with a comma, as decimal_mark() says French does
        raise InvalidInput(gettext_noop("%(text)s is not an amount: write euros and cents, e.g. 5 or 5.50"),
                           params={"text": repr(shortened(str(text)))})
    units, fraction = match.group(1), match.group(2) or "0"
    return int(units) * 100 + int(fraction.ljust(2, "0"))


SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}
NARROW_NBSP = "\u202f"  # French thousands separator
NBSP = "\u00a0"  # between an amount and its symbol


def format_money(cents: int, currency: str, language: str | None) -> str:
    """An amount as each language writes it, for people: 1,234.58 € in English, 1 234,58 € in
    French. The symbol follows the amount in both, as the rest of Ruisseau writes euros,
    joined by a no-break space so that a line never ends between "2.00" and "€" (parse_amount
    reads it back as it reads a plain space)."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(int(cents)), 100)
    symbol = SYMBOLS.get(currency, currency)
    if decimal_mark(language) == ",":
        return f"{sign}{units:,}".replace(",", NARROW_NBSP) + f",{rest:02d}{NBSP}{symbol}"
    return f"{sign}{units:,}.{rest:02d}{NBSP}{symbol}"


def format_local(cents: int) -> str:
    """An amount in the site's currency, as the active language writes it: what pages and the
    translated messages show (the ``cents`` template filter is this function)."""
    from django.conf import settings
    from django.utils.translation import get_language

    return format_money(cents, settings.CURRENCY, get_language())


def decimal_mark(language: str | None) -> str:
    """The mark between units and cents in ``language``: a comma in French, else a point."""
    return "," if (language or "en").lower().startswith("fr") else "."


def plain_amount(cents: int, mark: str = ".") -> str:
    """Cents as digits, ``mark`` and two decimals, with no symbol or thousands separator: ``4.21``,
    as an amount field takes it back, a spreadsheet imports it and a payment form posts it."""
    return f"{cents // 100}{mark}{cents % 100:02d}"


def format_cents(cents: int, currency: str = "EUR") -> str:
    """``158`` → ``1.58 €``, in the services' own messages (errors, reports), which are written in
    English: :func:`format_money` as English writes amounts, with a plain space, as terminals,
    logs and API clients expect. Pages call format_money with the visitor's language."""
    return format_money(cents, currency, "en").replace(NBSP, " ")


def require_cents(value: object, what: str) -> int:
    """Reject floats, bools and other types where an integer cent amount is required."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{what} must be a whole number of cents, got {value!r}")
    return value
