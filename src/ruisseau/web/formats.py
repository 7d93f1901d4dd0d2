"""Amounts written the way each language writes them: €1,234.58 in English, 1 234,58 € in French."""

from __future__ import annotations

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}
NARROW_NBSP = "\u202f"  # French thousands separator
NBSP = "\u00a0"  # between a French amount and its symbol, so they never wrap apart


def format_money(cents: int, currency: str, language: str | None) -> str:
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(int(cents)), 100)
    symbol = SYMBOLS.get(currency, currency)
    if (language or "en").lower().startswith("fr"):
        return f"{sign}{units:,}".replace(",", NARROW_NBSP) + f",{rest:02d}{NBSP}{symbol}"
    spacer = "" if currency in SYMBOLS else NBSP
    return f"{sign}{symbol}{spacer}{units:,}.{rest:02d}"
