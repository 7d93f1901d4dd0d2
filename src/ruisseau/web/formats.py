"""Amounts written the way each language writes them: 1,234.58 € in English, 1 234,58 € in French.

The symbol follows the amount in both languages, as the rest of Ruisseau writes euros (and as
the product brief does: "1,58 €/1.58 €"). A plain space separates them so that copied amounts
and searches match what people type; CSS keeps `.amount` cells from wrapping."""

from __future__ import annotations

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}
NARROW_NBSP = "\u202f"  # French thousands separator


def format_money(cents: int, currency: str, language: str | None) -> str:
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(int(cents)), 100)
    symbol = SYMBOLS.get(currency, currency)
    if (language or "en").lower().startswith("fr"):
        return f"{sign}{units:,}".replace(",", NARROW_NBSP) + f",{rest:02d} {symbol}"
    return f"{sign}{units:,}.{rest:02d} {symbol}"
